// Bounces that name several recipients (fixtures/multi/, see its README): each recipient
// has its own reply, status and action, and the record of each must carry the reply that
// belongs to it, not a neighbour's, the first one's or the notice's summary. Layouts are
// those real software uses for several recipients: RFC 3464 reports with several
// per-recipient groups, Postfix's "<a>: host X said:" paragraphs, Exim's "SMTP error from
// remote mail server after RCPT TO:<a>:" blocks, qmail's "<a>:" paragraphs, sendmail's
// address lists and transcripts, Exchange lists, Courier, OpenSMTPD, MDaemon, Yahoo, and
// a gateway that lists addresses then one common reason. Recipients whose action is
// delivered, relayed or expanded, and the returned message's own To/Cc, make no record.
import type { LogRecord } from '../../../src/log/record';
import { reportRecords } from '../../../src/pipeline/records';
import { parseMessage } from '../../../src/report/index';
import {
  expectedRows,
  type ExpectedRecipient,
  fixtureClassifier,
  FIXTURE_CONTEXT,
  FIXTURE_SELECTION,
  fixtureNames,
  readFixture,
  delayedAsFailed,
} from '../../helpers/fixture-records';

interface MultiRecipient extends ExpectedRecipient {
  reason: string;
  why: string;
}

interface Expected {
  layout: string;
  says: string;
  recipients: MultiRecipient[];
  /** Addresses the message names that must get no record and no delayed finding. */
  absent: string[];
}

const { expected: EXPECTED, rows: ROWS } = expectedRows<Expected>('multi');

/** One recipient as the records show it (a delayed finding read as the record it would make). */
interface Seen {
  action: string | undefined;
  status: string | null;
  code: number | null;
  label: string;
}

function enhanced(r: LogRecord): string | null {
  const e = r.response.enhanced_code;
  return e === null ? null : `${e.class}.${e.subject}.${e.detail}`;
}

/**
 * The OOB records of a fixture, delayed findings made into records too (a delayed
 * recipient makes no record, DESIGN.md §5; its finding is labelled in its own context),
 * in message order, one entry per record (duplicates kept, so that the test sees them).
 */
function seenOf(file: string): Array<[string, Seen]> {
  const parsed = parseMessage(readFixture(`multi/${file}.eml`));
  const { asFailed, delayed } = delayedAsFailed(parsed);
  const out: Array<[string, Seen]> = [];
  for (const r of reportRecords(
    asFailed,
    fixtureClassifier(),
    FIXTURE_CONTEXT,
    FIXTURE_SELECTION,
  )) {
    if (r.type !== 'OOB' || typeof r.recipient !== 'string') continue;
    const key = r.recipient.toLowerCase();
    const label = delayed.get(key);
    out.push([
      key,
      {
        action: label === undefined ? r.oob_report?.action : 'delayed',
        status: enhanced(r),
        code: r.response.code,
        label: label ?? r.bounce_classification,
      },
    ]);
  }
  return out;
}

/** What a person decided for one recipient, in the terms `seenOf` gives. */
function wanted(want: MultiRecipient, seen: Seen | undefined): unknown {
  if (seen === undefined) return null;
  return {
    action: seen.action,
    status: want.status === null ? null : seen.status,
    code: want.code === null ? null : seen.code,
    label: want.labels.includes(seen.label) ? want.labels : seen.label,
  };
}

/** Per recipient (in lower case): what is wrong, or nothing where the fixture is read right. */
function wrongs(file: string): string[] {
  const row = EXPECTED[file] as Expected;
  const seen = seenOf(file);
  const out: string[] = [];
  const names = seen.map(([k]) => k);
  const want = row.recipients.map((x) => x.recipient.toLowerCase());
  if (names.join(' ') !== want.join(' ')) out.push(`recipients ${names.join(' ')}`);
  const byRecipient = new Map(seen);
  for (const w of row.recipients) {
    const got = wanted(w, byRecipient.get(w.recipient.toLowerCase()));
    const ok = { action: w.action, status: w.status, code: w.code, label: w.labels };
    if (JSON.stringify(got) !== JSON.stringify(ok))
      out.push(`${w.recipient} ${JSON.stringify(got)}`);
  }
  return out;
}

/**
 * Files still read wrong, and what is wrong with them (the report names them as what is
 * left); the test checks that each is still wrong, so that a fix removes it from here.
 */
const KNOWN_WRONG: Readonly<Record<string, string>> = {};

describe('bounces that name several recipients, each with its own reply', () => {
  it.each(ROWS.filter((row) => KNOWN_WRONG[row.file] === undefined))('$file: $says', (row) => {
    const seen = seenOf(row.file);
    expect(seen.map(([k]) => k)).toEqual(row.recipients.map((x) => x.recipient.toLowerCase()));
    const byRecipient = new Map(seen);
    for (const want of row.recipients)
      expect([want.recipient, wanted(want, byRecipient.get(want.recipient.toLowerCase()))]).toEqual(
        [
          want.recipient,
          { action: want.action, status: want.status, code: want.code, label: want.labels },
        ],
      );
    for (const address of row.absent) expect(byRecipient.has(address.toLowerCase())).toBe(false);
  });

  // A loop, not it.each: the list may be empty, and an empty table is an error in jest.
  it('still reads every file in KNOWN_WRONG wrong, so that a fix removes it from the list', () => {
    for (const file of Object.keys(KNOWN_WRONG))
      expect([file, wrongs(file).length > 0]).toEqual([file, true]);
  });

  it('has an expectation for every fixture, at least 40 of them, each naming two or more recipients', () => {
    const files = fixtureNames('multi');
    expect(files.filter((f) => EXPECTED[f] === undefined)).toEqual([]);
    expect(Object.keys(EXPECTED).filter((f) => !files.includes(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(40);
    for (const row of ROWS)
      expect([row.file, row.recipients.length + row.absent.length >= 2]).toEqual([row.file, true]);
  });
});

/** For the report: `npx jest multi -t wrongs` with MULTI_WRONGS=1 prints what is wrong per file. */
if (process.env.MULTI_WRONGS === '1')
  it('wrongs', () => {
    for (const row of ROWS) {
      const w = wrongs(row.file);
      if (w.length > 0) console.log(`${row.file}\n  ${w.join('\n  ')}`);
    }
  });
