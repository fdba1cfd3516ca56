// Every RFC fixture against the values a person decided for it (`<name>.expected.json`),
// against its snapshot (`<name>.records.json`, a change detector only), and the same
// findings whatever the line ends. UPDATE_FIXTURES=1 rewrites the snapshots, never the
// decided values.
import { expectSnapshotRecords, fixtureFiles, readFixture } from '../../helpers/fixture-records';
import { describeExpectations } from '../../helpers/fixture-expectations';
import { parseMessage } from '../../../src/report/index';

const FOLDERS = ['rfc3464', 'rfc6533', 'rfc5965', 'rfc8098', 'rfc3834'];
const fixtures = fixtureFiles(FOLDERS);

function toCrlf(raw: Buffer): Buffer {
  const lf = raw.toString('latin1').replaceAll('\r\n', '\n');
  return Buffer.from(lf.replaceAll('\n', '\r\n'), 'latin1');
}

function toCr(raw: Buffer): Buffer {
  const lf = raw.toString('latin1').replaceAll('\r\n', '\n');
  return Buffer.from(lf.replaceAll('\n', '\r'), 'latin1');
}

describe('RFC report fixtures', () => {
  it('has a fixture in every RFC folder', () => {
    for (const folder of FOLDERS)
      expect(fixtures.some((f) => f.startsWith(folder + '/'))).toBe(true);
  });

  describeExpectations(fixtures);

  it.each(fixtures)('%s gives the records of its snapshot', (fixture) => {
    expectSnapshotRecords(fixture);
  });

  it.each(fixtures)(
    '%s gives the same findings with CRLF and with CR-only line ends',
    (fixture) => {
      const raw = readFixture(fixture);
      const lf = Buffer.from(raw.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
      const expected = parseMessage(lf).findings;
      expect(parseMessage(toCrlf(raw)).findings).toEqual(expected);
      expect(parseMessage(toCr(raw)).findings).toEqual(expected);
    },
  );
});
