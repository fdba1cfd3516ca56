// Variants of the bounce formats the development corpus samples many times
// (fixtures/variants/, see its README): each keeps its program's fixed template and
// carries a failure reason and reply that the development samples of that format do
// not (over quota, host unknown, blocklists, spam content, size, expiry, relay denied,
// disabled mailboxes, delay warnings, DMARC, TLS required, rate limits). What is checked
// is what the held-out scoring counts: the failed (or delayed) recipients and no
// invented one, the action, the enhanced and reply codes where the message gives them,
// and the label per recipient.
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
  fixtureRecords,
  readFixture,
  delayedAsFailed,
} from '../../helpers/fixture-records';

interface VariantRecipient extends ExpectedRecipient {
  reason: string;
}

interface Expected {
  says: string;
  recipients: VariantRecipient[];
}

const { expected: EXPECTED, rows: ROWS } = expectedRows<Expected>('variants');

/** The OOB records of a fixture, in the order the message gives them. */
function recordsOf(file: string): LogRecord[] {
  return fixtureRecords(readFixture(`variants/${file}.eml`)).filter((r) => r.type === 'OOB');
}

/**
 * The records of a fixture's recipients, delayed ones included: a delayed recipient
 * makes no record (DESIGN.md §5), so its finding is read as the record it would make,
 * with the action and label of the delayed finding itself (classified in its own
 * context: Action delayed). By recipient in lower case.
 */
interface Seen {
  record: LogRecord;
  action: string | undefined;
  label: string;
}

function allRecordsByRecipient(file: string): Map<string, Seen> {
  const parsed = parseMessage(readFixture(`variants/${file}.eml`));
  const { asFailed, delayed } = delayedAsFailed(parsed);
  const records = reportRecords(asFailed, fixtureClassifier(), FIXTURE_CONTEXT, FIXTURE_SELECTION);
  const out = new Map<string, Seen>();
  for (const r of records) {
    if (r.type !== 'OOB' || typeof r.recipient !== 'string') continue;
    const key = r.recipient.toLowerCase();
    const label = delayed.get(key);
    out.set(
      key,
      label === undefined
        ? { record: r, action: r.oob_report?.action, label: r.bounce_classification }
        : { record: r, action: 'delayed', label },
    );
  }
  return out;
}

/** The recipients a fixture's records and delayed findings name, in order. */
function recipientsOf(file: string): string[] {
  return [...allRecordsByRecipient(file).keys()];
}

function enhanced(r: LogRecord): string | null {
  const e = r.response.enhanced_code;
  return e === null ? null : `${e.class}.${e.subject}.${e.detail}`;
}

/** What the record says, in the terms the expectation is written in. */
function outcome(seen: Seen | undefined, want: VariantRecipient): unknown {
  if (seen === undefined) return null;
  const r = seen.record;
  return {
    action: seen.action,
    status: want.status === null ? null : enhanced(r),
    code: want.code === null ? null : r.response.code,
    label: want.labels.includes(seen.label) ? want.labels : seen.label,
  };
}

/** Files still read wrong, and why (the report names them as what is left). */
const KNOWN_WRONG: Readonly<Record<string, string>> = {};

function isRight(file: string): boolean {
  const row = EXPECTED[file] as Expected;
  const byRecipient = allRecordsByRecipient(file);
  return (
    recipientsOf(file).length === row.recipients.length &&
    row.recipients.every((want) => {
      const seen = byRecipient.get(want.recipient.toLowerCase());
      const r = seen?.record;
      return (
        seen !== undefined &&
        r !== undefined &&
        seen.action === want.action &&
        (want.status === null || enhanced(r) === want.status) &&
        (want.code === null || r.response.code === want.code) &&
        want.labels.includes(seen.label)
      );
    })
  );
}

describe('variants of the formats the development corpus samples many times', () => {
  it.each(ROWS.filter((row) => KNOWN_WRONG[row.file] === undefined))('$file: $says', (row) => {
    expect(recipientsOf(row.file)).toEqual(row.recipients.map((x) => x.recipient.toLowerCase()));
    expect(recordsOf(row.file).map((r) => String(r.recipient).toLowerCase())).toEqual(
      row.recipients.filter((x) => x.action === 'failed').map((x) => x.recipient.toLowerCase()),
    );
    const byRecipient = allRecordsByRecipient(row.file);
    for (const want of row.recipients) {
      expect([
        want.recipient,
        outcome(byRecipient.get(want.recipient.toLowerCase()), want),
      ]).toEqual([
        want.recipient,
        { action: want.action, status: want.status, code: want.code, label: want.labels },
      ]);
    }
  });

  // A loop, not it.each: the list may be empty, and an empty table is an error in jest.
  it('still reads every file in KNOWN_WRONG wrong, so that a fix removes it from the list', () => {
    for (const file of Object.keys(KNOWN_WRONG))
      expect([file, isRight(file)]).toEqual([file, false]);
  });

  it('has an expectation for every fixture, and at least 60 of them', () => {
    const files = fixtureNames('variants');
    expect(files.filter((f) => EXPECTED[f] === undefined)).toEqual([]);
    expect(Object.keys(EXPECTED).filter((f) => !files.includes(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  /** An MDaemon notice around the given session log lines (each gets a timestamp). */
  function mdaemonNotice(log: string[], verdict = 'PERMANENT fatal'): Buffer {
    return Buffer.from(
      [
        'From: "MDaemon at mail.example.com" <MDaemon@mail.example.com>',
        'To: sender@example.com',
        'Subject: Permanent Delivery Failure',
        'Content-Type: text/plain',
        '',
        `The attached message had ${verdict} delivery errors!`,
        '',
        '--- Session Transcript ---',
        ...log.map((l) => ` Tue 2025-03-04 10:01:02.123: ${l}`),
        '--- End Transcript ---',
        '',
      ].join('\r\n'),
    );
  }

  it('reads an MDaemon log whichever arrows mark commands and replies, each reply for its own recipients', () => {
    for (const [sent, got] of [
      ['-->', '<--'],
      ['<<<', '>>>'],
    ]) {
      const raw = mdaemonNotice([
        '*  To: ann@example.org',
        '*  To: bob@example.org',
        `${got} 220 mx.example.org ESMTP`,
        `${sent} MAIL From:<sender@example.com>`,
        `${got} 250 2.1.0 Ok`,
        `${sent} RCPT To:<ann@example.org>`,
        `${got} 550 5.1.1 <ann@example.org>: Recipient address rejected: User unknown`,
        `${sent} RCPT To:<bob@example.org>`,
        `${got} 250 2.1.5 Ok`,
        `${sent} DATA`,
        `${got} 354 go ahead`,
        `${got} 554 5.7.1 Message rejected as spam`,
      ]);
      const found = parseMessage(raw).findings.flatMap((f) =>
        f.kind === 'oob' ? [[f.recipient, f.report.action, f.reply.code, f.reply.command]] : [],
      );
      expect(found).toEqual([
        ['ann@example.org', 'failed', 550, 'RCPT TO'],
        ['bob@example.org', 'failed', 554, 'DATA'],
      ]);
    }
  });

  it('makes no MDaemon finding from a log whose every reply was accepted', () => {
    const raw = mdaemonNotice([
      '*  To: cy@example.org',
      '<-- 250 2.1.0 Ok',
      '--> RCPT To:<cy@example.org>',
      '<-- 250 2.1.5 Ok',
    ]);
    const found = parseMessage(raw).findings.filter((f) => f.kind === 'oob');
    expect(found.map((f) => f.recipient)).not.toContain('cy@example.org');
  });
});
