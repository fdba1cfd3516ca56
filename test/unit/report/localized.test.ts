// Non-delivery notices whose wrapper is translated (fixtures/localized/, written for
// this project, see its README): Office 365 and Exchange NDRs in eleven languages,
// Domino, Postfix and qmail under translated templates, and the CJK providers'
// notices in their own charsets, with three near misses. Each file's failed records
// must be the ones expected.jsonl gives: recipient, reply code, enhanced code (where
// the notice gives them) and label. Only `failed` records count, as in the held-out
// scoring.
import fs from 'node:fs';
import path from 'node:path';
import { failedRecordFields, readJsonLines } from '../../helpers/field-cases';
import { FIXTURES } from '../../helpers/fixture-records';

const DIR = path.join(FIXTURES, 'localized');

interface Expected {
  recipient: string;
  code: number | null;
  enhanced_code: string | null;
  bounce_classification: string;
}

interface LocalizedCase {
  case: string;
  software: string;
  language: string;
  failed: Expected[];
}

const CASES = readJsonLines<LocalizedCase>(path.join(DIR, 'expected.jsonl'));

/** A failed record as expected.jsonl states it, the values the notice does not give left out. */
function stated(got: ReturnType<typeof failedRecordFields>[number], want?: Expected) {
  if (want === undefined) return got;
  return {
    recipient: got.recipient,
    code: want.code === null ? null : got.code,
    enhanced_code: want.enhanced_code === null ? null : got.enhanced_code,
    bounce_classification: got.bounce_classification,
  };
}

describe('translated non-delivery notices (fixtures/localized)', () => {
  it.each(CASES.map((c) => ({ name: `${c.case} (${c.software}, ${c.language})`, c })))(
    'reads the failed records of $name',
    ({ c }) => {
      const got = failedRecordFields(path.join(DIR, c.case));
      expect(got.map((g, i) => stated(g, c.failed[i]))).toEqual(c.failed);
    },
  );

  it('has an expectation for every file and nearly thirty files', () => {
    const named = new Set(CASES.map((c) => c.case));
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.eml'));
    expect(files.filter((f) => !named.has(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(28);
  });
});
