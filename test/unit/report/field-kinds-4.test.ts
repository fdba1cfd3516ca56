// Kinds of failure reported in public bug reports about bounce handling (mailing-list
// managers, MTAs, provider documentation trackers and bounce parsers other than
// Sisimai), fourth round, each rebuilt as an input of our own (fixtures/field-kinds-4/,
// see its README for the report behind each case). Run as field-kinds-2.test.ts runs
// its cases: parse cases by parseMessage → reportRecords with the shipped rules,
// classify cases by parseReplyLine → classify with no context.
import fs from 'node:fs';
import path from 'node:path';
import { fieldCaseMismatches, fieldCaseTag, loadFieldCases } from '../../helpers/field-cases';

const { dir: DIR, cases: CASES } = loadFieldCases('field-kinds-4');

/**
 * Cases that do not hold yet, by the tag run.py prints. The list must be exact: a
 * case that starts to hold has to leave it, so the list never hides a regression.
 */
const KNOWN_FAILING = new Set<string>([]);

describe('field kinds from public bug reports (fixtures/field-kinds-4)', () => {
  const holding = CASES.filter((c) => !KNOWN_FAILING.has(fieldCaseTag(c)));
  const failing = CASES.filter((c) => KNOWN_FAILING.has(fieldCaseTag(c)));

  it.each(holding.map((c) => ({ name: fieldCaseTag(c), c })))(
    '$name holds as the report says',
    ({ c }) => {
      expect(fieldCaseMismatches(DIR, c)).toEqual([]);
    },
  );

  if (failing.length > 0) {
    it.each(failing.map((c) => ({ name: fieldCaseTag(c), c })))(
      '$name is still listed as failing and still fails',
      ({ c }) => {
        expect(fieldCaseMismatches(DIR, c)).not.toEqual([]);
      },
    );
  }

  it('lists as failing only cases that exist', () => {
    const tags = new Set(CASES.map(fieldCaseTag));
    expect([...KNOWN_FAILING].filter((t) => !tags.has(t))).toEqual([]);
  });

  it('has a case for every input file and at least 33 cases', () => {
    const named = new Set(CASES.map((c) => c.case));
    const files = fs.readdirSync(path.join(DIR, 'cases')).map((f) => `cases/${f}`);
    expect(files.filter((f) => !named.has(f))).toEqual([]);
    expect(CASES.length).toBeGreaterThanOrEqual(33);
  });
});
