// Field cases (the shape of ../shared/corpus/field/expected.jsonl) run the way the
// corpus's run.py runs them against `oobd parse` and `oobd classify`, without spawning
// the CLI: a bounce through the parsers and the shipped rules, its printed lines being
// its records or, when there are none, the one `{"type":"Unrecognized"}` line the CLI
// prints (DESIGN.md §8), which run.py counts like any other; a reply line through
// parseReplyLine → replyLine → the classifier, with no context.
import fs from 'node:fs';
import path from 'node:path';
import { parseReplyLine } from '../../src/classify/reply-line';
import { formatEnhancedCode, type EnhancedCode } from '../../src/values';
import { FIXTURES, fixtureClassifier, fixtureRecords } from './fixture-records';

/** The fields of one printed record a case may check (run.py's check_rec). */
export interface RecordExpectation {
  type?: string;
  recipient?: string;
  code?: number;
  enhanced_code?: string;
  action?: string;
  bounce_classification?: string;
  bounce_classification_any?: string[];
}

/** One line of an expected.jsonl. */
export interface FieldCase {
  case: string;
  kind: 'parse' | 'classify';
  /** classify: the 1-based line of the reply in the case file. */
  line?: number;
  /** The public report the case was rebuilt from, where the folder records one. */
  source?: string;
  expect: RecordExpectation & { count?: number; records?: RecordExpectation[] };
}

/** The cases of fixtures/<folder>/expected.jsonl, and the folder they live in. */
export function loadFieldCases(folder: string): { dir: string; cases: FieldCase[] } {
  const dir = path.join(FIXTURES, folder);
  const cases = fs
    .readFileSync(path.join(dir, 'expected.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as FieldCase);
  return { dir, cases };
}

/** A case's name as run.py prints it: the file, and for classify cases its line. */
export function fieldCaseTag(c: FieldCase): string {
  return c.kind === 'classify' ? `${c.case}:${String(c.line ?? 1)}` : c.case;
}

/** The fields of a printed line a field case reads. */
interface CliLine {
  type: string;
  recipient?: string | string[] | null;
  response?: { code: number; enhanced_code: EnhancedCode | null } | null;
  oob_report?: { action?: string } | null;
  bounce_classification?: string | null;
}

/** What the CLI prints for a message: its records, or one Unrecognized line. */
function cliLines(file: string): CliLine[] {
  const records: CliLine[] = fixtureRecords(fs.readFileSync(file));
  return records.length > 0 ? records : [{ type: 'Unrecognized' }];
}

/** The fields a field case checks, as run.py reads them. */
function fieldsOf(r: CliLine) {
  const response = r.response ?? null;
  return {
    type: r.type,
    recipient: r.recipient ?? null,
    code: response?.code ?? null,
    enhanced_code: response?.enhanced_code ? formatEnhancedCode(response.enhanced_code) : null,
    action: r.oob_report?.action ?? null,
    bounce_classification: r.bounce_classification ?? null,
  };
}

/** The objects of a JSON-lines file (expected.jsonl), blank lines skipped. */
export function readJsonLines<T>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/**
 * The fields run.py reads of each record a message yields whose action is `failed`:
 * what held-out scoring counts (delays, auto-replies and receipts are no failures).
 */
export function failedRecordFields(file: string): ReturnType<typeof fieldsOf>[] {
  return fixtureRecords(fs.readFileSync(file))
    .map(fieldsOf)
    .filter((r) => r.action === 'failed');
}

/** What run.py would print after FAIL for the case (empty when it passes). */
export function fieldCaseMismatches(dir: string, c: FieldCase): string[] {
  if (c.kind === 'classify') {
    const reply = fs.readFileSync(path.join(dir, c.case), 'utf8').split('\n')[(c.line ?? 1) - 1];
    // classify(reply) is classifyLine(replyLine(reply)), what `oobd classify` runs.
    const label = fixtureClassifier().classify(parseReplyLine(reply ?? '')).label;
    const want = c.expect.bounce_classification_any ?? [c.expect.bounce_classification];
    return want.includes(label) ? [] : [`label=${label}`];
  }
  const lines = cliLines(path.join(dir, c.case));
  const bad: string[] = [];
  if (c.expect.count !== undefined && lines.length !== c.expect.count)
    bad.push(`count=${String(lines.length)}`);
  (c.expect.records ?? []).forEach((x, i) => {
    const r =
      lines.find((y) => x.recipient !== undefined && y.recipient === x.recipient) ?? lines[i];
    if (r === undefined) {
      bad.push(`missing ${x.recipient ?? String(i)}`);
      return;
    }
    const got = fieldsOf(r);
    for (const [k, v] of Object.entries(x)) {
      if (k === 'bounce_classification_any') {
        if (!(v as string[]).includes(got.bounce_classification ?? ''))
          bad.push(`label=${String(got.bounce_classification)}`);
      } else if (got[k as keyof typeof got] !== v) {
        bad.push(`${k}=${String(got[k as keyof typeof got])}`);
      }
    }
  });
  return bad;
}

/**
 * The suite of one fixtures/<folder> of field kinds: every case holds as its report
 * says, except those `knownFailing` lists by the tag run.py prints. That list must be
 * exact: a listed case that starts to hold fails the suite until it leaves the list,
 * so the list never hides a regression. Every input file must have a case, and there
 * must be at least `atLeast` cases.
 */
export function describeFieldKinds(
  folder: string,
  knownFailing: readonly string[],
  atLeast: number,
): void {
  const { dir, cases } = loadFieldCases(folder);
  const listed = new Set(knownFailing);
  describe(`field kinds from public bug reports (fixtures/${folder})`, () => {
    const holding = cases.filter((c) => !listed.has(fieldCaseTag(c)));
    const failing = cases.filter((c) => listed.has(fieldCaseTag(c)));

    it.each(holding.map((c) => ({ name: fieldCaseTag(c), c })))(
      '$name holds as the report says',
      ({ c }) => {
        expect(fieldCaseMismatches(dir, c)).toEqual([]);
      },
    );

    if (failing.length > 0) {
      it.each(failing.map((c) => ({ name: fieldCaseTag(c), c })))(
        '$name is still listed as failing and still fails',
        ({ c }) => {
          expect(fieldCaseMismatches(dir, c)).not.toEqual([]);
        },
      );
    }

    it('lists as failing only cases that exist', () => {
      const tags = new Set(cases.map(fieldCaseTag));
      expect([...listed].filter((t) => !tags.has(t))).toEqual([]);
    });

    it(`has a case for every input file and at least ${String(atLeast)} cases`, () => {
      const named = new Set(cases.map((c) => c.case));
      const files = fs.readdirSync(path.join(dir, 'cases')).map((f) => `cases/${f}`);
      expect(files.filter((f) => !named.has(f))).toEqual([]);
      expect(cases.length).toBeGreaterThanOrEqual(atLeast);
    });
  });
}
