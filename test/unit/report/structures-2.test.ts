// Bounce structures that used to read wrong (fixtures/structures-2/, written for this
// project, see its README): Office 365 delay notices in text or HTML only, replies in
// their own paragraph after the recipient (Naver, NTT docomo, Japanese carriers,
// Sendmail-like relays), GroupWise reports, and the failure notices of MDaemon, Kerio
// Connect, IceWarp, SmarterMail, Axigen, hMailServer, MailEnable and CommuniGate Pro.
// Each file's failed records must be the ones expected.jsonl gives (a null label there
// is not checked). Only `failed` records count, as in the held-out scoring.
import fs from 'node:fs';
import path from 'node:path';
import { failedRecordFields, readJsonLines } from '../../helpers/field-cases';
import { FIXTURES } from '../../helpers/fixture-records';

const DIR = path.join(FIXTURES, 'structures-2');

interface Expected {
  recipient: string;
  code: number | null;
  enhanced_code: string | null;
  bounce_classification: string | null;
}

interface StructureCase {
  case: string;
  software: string;
  structure: string;
  failed: Expected[];
}

const CASES = readJsonLines<StructureCase>(path.join(DIR, 'expected.jsonl'));

/** The failed records of a case's file, as expected.jsonl states them (null label: not checked). */
function readRecords(c: StructureCase) {
  return failedRecordFields(path.join(DIR, c.case)).map((g, i) => ({
    recipient: g.recipient,
    code: g.code,
    enhanced_code: g.enhanced_code,
    bounce_classification:
      c.failed[i]?.bounce_classification === null ? null : g.bounce_classification,
  }));
}

describe('bounce structures, second set (fixtures/structures-2)', () => {
  it.each(CASES.map((c) => ({ name: `${c.case} (${c.software})`, c })))(
    'reads the failed records of $name',
    ({ c }) => {
      expect(readRecords(c)).toEqual(c.failed);
    },
  );

  it('has an expectation for every file and at least twenty files', () => {
    const named = new Set(CASES.map((c) => c.case));
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.eml'));
    expect(files.filter((f) => !named.has(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(20);
  });
});
