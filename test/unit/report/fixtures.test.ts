// Every RFC fixture against its expected records (`<name>.records.json`), and the
// same findings whatever the line ends. UPDATE_FIXTURES=1 rewrites the snapshots.
import {
  expectSnapshotRecords,
  fixtureFiles,
  fixtureRecords,
  readFixture,
} from '../../helpers/fixture-records';
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

  it.each(fixtures)('%s gives its expected records', (fixture) => {
    expectSnapshotRecords(fixture);
  });

  it.each(fixtures)('%s yields at least one record', (fixture) => {
    expect(fixtureRecords(readFixture(fixture)).length).toBeGreaterThan(0);
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
