// Kinds of failure reported in public bug reports about bounce handling (mailing-list
// managers, MTAs and bounce parsers other than Sisimai), each rebuilt as an input of
// our own (fixtures/field-kinds-2/, see its README for the report behind each case).
// The expectations are in the shape of the field cases' expected.jsonl and run
// through the same functions `oobd parse` and `oobd classify` use: parse cases by
// parseMessage → reportRecords with the shipped rules, classify cases by
// parseReplyLine → classify (replyLine → classifyLine) with no context.
import fs from 'node:fs';
import path from 'node:path';
import { fieldCaseMismatches, fieldCaseTag, loadFieldCases } from '../../helpers/field-cases';

const { dir: DIR, cases: CASES } = loadFieldCases('field-kinds-2');

describe('field kinds from public bug reports (fixtures/field-kinds-2)', () => {
  it.each(CASES.map((c) => ({ name: fieldCaseTag(c), c })))(
    '$name holds as the report says',
    ({ c }) => {
      expect(fieldCaseMismatches(DIR, c)).toEqual([]);
    },
  );

  it('has a case for every input file and at least 40 cases', () => {
    const named = new Set(CASES.map((c) => c.case));
    const files = fs.readdirSync(path.join(DIR, 'cases')).map((f) => `cases/${f}`);
    expect(files.filter((f) => !named.has(f))).toEqual([]);
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });
});
