// Every non-RFC fixture (fixtures/heuristic/<family>/) against the values a person
// decided for it (`<name>.expected.json`) and its snapshot (a change detector only),
// the same findings whatever the line ends, and the family that must read it.
// UPDATE_FIXTURES=1 rewrites the snapshots; `<name>.expected.json` beside a fixture
// holds the values a person decided (recipient, reply code, enhanced code, label),
// which no update rewrites.
import fs from 'node:fs';
import path from 'node:path';
import {
  FIXTURES,
  expectSnapshotRecords,
  fixtureFiles,
  readFixture,
} from '../../helpers/fixture-records';
import { describeExpectations } from '../../helpers/fixture-expectations';
import { parseMessage } from '../../../src/report/index';

const ROOT = path.join(FIXTURES, 'heuristic');
const FOLDERS = fs
  .readdirSync(ROOT)
  .filter((name) => fs.statSync(path.join(ROOT, name)).isDirectory())
  .sort()
  .map((name) => `heuristic/${name}`);
const fixtures = fixtureFiles(FOLDERS);

function lf(raw: Buffer): string {
  return raw.toString('latin1').replaceAll('\r\n', '\n');
}

describe('non-RFC bounce fixtures', () => {
  it('has fixtures for every family folder', () => {
    expect(FOLDERS.length).toBeGreaterThan(10);
    for (const folder of FOLDERS)
      expect(fixtures.some((f) => f.startsWith(folder + '/'))).toBe(true);
  });

  describeExpectations(fixtures);

  it.each(fixtures)('%s gives the records of its snapshot', (fixture) => {
    expectSnapshotRecords(fixture);
  });

  it('has values a person decided beside every fixture', () => {
    const undecided = fixtures.filter(
      (f) => !fs.existsSync(path.join(FIXTURES, f.replace(/\.eml$/, '.expected.json'))),
    );
    expect(undecided).toEqual([]);
  });

  it.each(fixtures)('%s is read by a heuristic family, not the last-resort scan', (fixture) => {
    const result = parseMessage(readFixture(fixture));
    expect(result.findings.length).toBeGreaterThan(0);
    for (const f of result.findings) {
      if (f.kind !== 'oob') continue;
      expect(f.report.source.startsWith('heuristic:')).toBe(true);
      expect(f.report.source).not.toBe('heuristic:fallback');
      expect(f.reply.content).not.toMatch(/[\r\n]/);
    }
  });

  it.each(fixtures)(
    '%s gives the same findings with CRLF and with CR-only line ends',
    (fixture) => {
      const text = lf(readFixture(fixture));
      const expected = parseMessage(Buffer.from(text, 'latin1')).findings;
      expect(parseMessage(Buffer.from(text.replaceAll('\n', '\r\n'), 'latin1')).findings).toEqual(
        expected,
      );
      expect(parseMessage(Buffer.from(text.replaceAll('\n', '\r'), 'latin1')).findings).toEqual(
        expected,
      );
    },
  );
});
