// Kinds of failure reported in public bug reports about bounce handling (mailing-list
// managers, MTAs and bounce parsers other than Sisimai), each rebuilt as an input of
// our own (fixtures/field-kinds-2/, see its README for the report behind each case).
// The expectations are in the shape of the field cases' expected.jsonl and run
// through the same functions `oobd parse` and `oobd classify` use: parse cases by
// parseMessage → reportRecords with the shipped rules, classify cases by
// parseReplyLine → classify (replyLine → classifyLine) with no context.
import fs from 'node:fs';
import path from 'node:path';
import { parseReplyLine } from '../../../src/classify/index';
import type { LogRecord } from '../../../src/log/record';
import { FIXTURES, fixtureClassifier, fixtureRecords } from '../../helpers/fixture-records';

interface RecordExpectation {
  type?: string;
  recipient?: string;
  code?: number;
  enhanced_code?: string;
  action?: string;
  bounce_classification?: string;
  bounce_classification_any?: string[];
}

interface Case {
  case: string;
  kind: 'parse' | 'classify';
  line?: number;
  expect: {
    count?: number;
    records?: RecordExpectation[];
    bounce_classification?: string;
    bounce_classification_any?: string[];
  };
}

const DIR = path.join(FIXTURES, 'field-kinds-2');
const CASES = fs
  .readFileSync(path.join(DIR, 'expected.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Case);

/** The fields of a record the expectations name, as the field runner reads them. */
function observed(r: LogRecord): Record<string, unknown> {
  const response = (r as { response?: { code?: number; enhanced_code?: unknown } }).response;
  const e = response?.enhanced_code as { class: number; subject: number; detail: number } | null;
  const report = (r as { oob_report?: { action?: string } | null }).oob_report;
  return {
    type: r.type,
    recipient: (r as { recipient?: string }).recipient,
    code: response?.code,
    enhanced_code: e ? `${e.class}.${e.subject}.${e.detail}` : null,
    action: report?.action,
    bounce_classification: (r as { bounce_classification?: string }).bounce_classification,
  };
}

function checkRecord(exp: RecordExpectation, r: LogRecord): void {
  const got = observed(r);
  for (const [key, want] of Object.entries(exp)) {
    if (key === 'bounce_classification_any') expect(want).toContain(got.bounce_classification);
    else expect({ [key]: got[key] }).toEqual({ [key]: want });
  }
}

const PARSE = CASES.filter((c) => c.kind === 'parse');
const CLASSIFY = CASES.filter((c) => c.kind === 'classify');

describe('field kinds from public bug reports (fixtures/field-kinds-2)', () => {
  it.each(PARSE.map((c) => [c.case, c] as const))('parses %s as the report says', (_n, c) => {
    const records = fixtureRecords(fs.readFileSync(path.join(DIR, c.case)));
    if (c.expect.count !== undefined) expect(records.length).toBe(c.expect.count);
    (c.expect.records ?? []).forEach((exp, i) => {
      const byRecipient = records.filter(
        (r) => (r as { recipient?: string }).recipient === exp.recipient,
      );
      const r = byRecipient[0] ?? records[i];
      expect(r).toBeDefined();
      checkRecord(exp, r as LogRecord);
    });
  });

  it.each(CLASSIFY.map((c) => [`${c.case}:${c.line ?? 0}`, c] as const))(
    'classifies %s as the report says',
    (_n, c) => {
      const reply = fs.readFileSync(path.join(DIR, c.case), 'utf8').split('\n')[
        (c.line ?? 1) - 1
      ] as string;
      // Classifier.classify(reply) is classifyLine(replyLine(reply)), as `oobd classify` does.
      const label = fixtureClassifier().classify(parseReplyLine(reply), {}).label;
      if (c.expect.bounce_classification !== undefined)
        expect({ reply, label }).toEqual({ reply, label: c.expect.bounce_classification });
      else expect(c.expect.bounce_classification_any).toContain(label);
    },
  );

  it('has a case for every input file and at least 40 cases', () => {
    const named = new Set(CASES.map((c) => c.case));
    const files = fs.readdirSync(path.join(DIR, 'cases')).map((f) => `cases/${f}`);
    expect(files.filter((f) => !named.has(f))).toEqual([]);
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });
});
