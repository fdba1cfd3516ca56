// Kinds of failure reported on Sisimai's public trackers (fixtures/field-kinds, see its
// README for the report each case was rebuilt from), run the way `oobd parse` and
// `oobd classify` run them: a bounce through the parsers and the shipped rules, a reply
// line through parseReplyLine → replyLine → the classifier. expected.jsonl has the shape
// of the corpus's field cases (kind, line, expect: count, records[] with type, recipient,
// code, enhanced_code, bounce_classification or bounce_classification_any).
import fs from 'node:fs';
import path from 'node:path';
import { parseReplyLine } from '../../../src/classify/reply-line';
import {
  fieldCaseMismatches,
  fieldCaseTag as tag,
  loadFieldCases,
  type FieldCase,
} from '../../helpers/field-cases';
import { fixtureClassifier } from '../../helpers/fixture-records';

const { dir: DIR, cases: CASES } = loadFieldCases('field-kinds');

/** Cases still wrong, and why (the report names them as what is left). */
const KNOWN_WRONG: Readonly<Record<string, string>> = {};

const mismatches = (c: FieldCase) => fieldCaseMismatches(DIR, c);

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
