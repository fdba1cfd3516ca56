// Kinds of failure reported on Sisimai's public trackers (fixtures/field-kinds, see its
// README for the report each case was rebuilt from), run the way `oobd parse` and
// `oobd classify` run them: a bounce through the parsers and the shipped rules, a reply
// line through parseReplyLine → replyLine → the classifier. expected.jsonl has the shape
// of the corpus's field cases (kind, line, expect: count, records[] with type, recipient,
// code, enhanced_code, bounce_classification or bounce_classification_any).
import fs from 'node:fs';
import path from 'node:path';
import { parseReplyLine } from '../../../src/classify/reply-line';
import { formatEnhancedCode, type EnhancedCode } from '../../../src/values';
import { FIXTURES, fixtureClassifier, fixtureRecords } from '../../helpers/fixture-records';

interface RecordExpectation {
  type?: string;
  recipient?: string;
  code?: number;
  enhanced_code?: string;
  bounce_classification?: string;
  bounce_classification_any?: string[];
}

interface Case {
  case: string;
  kind: 'parse' | 'classify';
  line?: number;
  source: string;
  expect: RecordExpectation & { count?: number; records?: RecordExpectation[] };
}

const DIR = path.join(FIXTURES, 'field-kinds');
const CASES = fs
  .readFileSync(path.join(DIR, 'expected.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Case);

/** Cases still wrong, and why (the report names them as what is left). */
const KNOWN_WRONG: Readonly<Record<string, string>> = {};

function tag(c: Case): string {
  return c.kind === 'classify' ? `${c.case}:${String(c.line)}` : c.case;
}

/** The fields of a printed line a field case reads. */
interface CliLine {
  type: string;
  recipient?: string | string[] | null;
  response?: { code: number; enhanced_code: EnhancedCode | null } | null;
  bounce_classification?: string | null;
}

/** What the CLI prints for a message: its records, or one Unrecognized line. */
function cliRecords(file: string): CliLine[] {
  const records: CliLine[] = fixtureRecords(fs.readFileSync(path.join(DIR, file)));
  return records.length > 0 ? records : [{ type: 'Unrecognized' }];
}

/** The fields a field case checks, the way the corpus's run.py reads them. */
function fieldsOf(r: CliLine) {
  const response = r.response ?? null;
  return {
    type: r.type,
    recipient: r.recipient ?? null,
    code: response?.code ?? null,
    enhanced_code: response?.enhanced_code ? formatEnhancedCode(response.enhanced_code) : null,
    bounce_classification: r.bounce_classification ?? null,
  };
}

/** The mismatches between a case and what oobd gives, empty when it holds. */
function mismatches(c: Case): string[] {
  if (c.kind === 'classify') {
    const reply = fs.readFileSync(path.join(DIR, c.case), 'utf8').split('\n')[(c.line ?? 1) - 1];
    // classify(reply) is classifyLine(replyLine(reply)), what `oobd classify` runs.
    const label = fixtureClassifier().classify(parseReplyLine(reply ?? '')).label;
    const want = c.expect.bounce_classification_any ?? [c.expect.bounce_classification];
    return want.includes(label) ? [] : [`label=${label}`];
  }
  const records = cliRecords(c.case);
  const bad: string[] = [];
  if (c.expect.count !== undefined && records.length !== c.expect.count)
    bad.push(`count=${String(records.length)}`);
  (c.expect.records ?? []).forEach((x, i) => {
    const r =
      records.find((y) => x.recipient !== undefined && y.recipient === x.recipient) ?? records[i];
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

describe('kinds of failure from public bug reports (fixtures/field-kinds)', () => {
  const open = CASES.filter((c) => KNOWN_WRONG[tag(c)] === undefined);

  it.each(open.map((c) => ({ name: tag(c), c })))('$name', ({ c }) => {
    expect(mismatches(c)).toEqual([]);
  });

  // A loop, not it.each: the list may be empty, and an empty table is an error in jest.
  it('still gets every case in KNOWN_WRONG wrong, so that a fix removes it from the list', () => {
    for (const c of CASES.filter((x) => KNOWN_WRONG[tag(x)] !== undefined))
      expect(mismatches(c)).not.toEqual([]);
  });

  it('names a public report for every case and has a file for each', () => {
    for (const c of CASES) {
      expect(c.source).toMatch(/^https:\/\/github\.com\/sisimai\//);
      expect(fs.existsSync(path.join(DIR, c.case))).toBe(true);
    }
    expect(Object.keys(KNOWN_WRONG).filter((k) => !CASES.some((c) => tag(c) === k))).toEqual([]);
  });
});

describe('the phrase families added for these kinds, and their nearest misses', () => {
  const label = (reply: string) => fixtureClassifier().classify(parseReplyLine(reply)).label;

  it.each([
    '550 5.1.1 <gia@example.net>: disabled email address',
    '550 suspended address, mail not accepted',
    '550 The mailbox jo@example.com is not used anymore',
    '550 This email address is not in use any more',
    '554 The inbox you wrote to is not being used any more',
  ])('reads "%s" as an inactive mailbox', (reply) => {
    expect(label(reply)).toBe('InactiveMailbox');
  });

  it.each([
    ['550 5.1.1 <gia@example.net>: invalid email address', 'InvalidRecipient'],
    ['550 5.1.1 unknown address', 'InvalidRecipient'],
    ['550 5.7.1 Sender address disabled by policy', 'PolicyRelated'],
    ['550 5.1.1 This password is not used any more', 'InvalidRecipient'],
  ])('does not read "%s" as an inactive mailbox', (reply, want) => {
    expect(label(reply)).toBe(want);
  });

  it('leaves an IP address that is "not used any more" alone', () => {
    expect(label('550 Your IP address is not used any more by our customer')).not.toBe(
      'InactiveMailbox',
    );
  });
});
