// Legacy and generic plain-text bounces (fixtures/legacy/, see its README): 1998–2015
// ISP and MTA notices without a multipart/report (IMail, SMTP32, iPlanet and PMDF,
// GroupWise, Exchange 5.5/2000, Lotus Notes, old Yahoo/AOL/Hotmail/MSN, Post.Office and
// InterMail, Mirapoint, Mercury, PP, MMDF, smail, LISTSERV), bare sentences ("Delivery to
// the following recipients failed", "could not be delivered to"), warnings, and near
// misses that are not bounces. What is checked is what the held-out scoring counts: the
// exact set of failed or delayed recipients (none invented: not the returned message's
// own To/Cc, not a VERP'd sender, not a help-text postmaster), the action, the codes
// where the notice gives them, and the label where it gives a reason.
import type { LogRecord } from '../../../src/log/record';
import {
  expectedRows,
  fixtureNames,
  fixtureRecords,
  readFixture,
} from '../../helpers/fixture-records';

interface ExpectedRecipient {
  recipient: string;
  action: 'failed' | 'delayed';
  status: string | null;
  code: number | null;
  labels: string[] | null;
}

interface Expected {
  says: string;
  recipients: ExpectedRecipient[];
}

const { expected: EXPECTED, rows: ROWS } = expectedRows<Expected>('legacy');

/** The OOB records naming a failed or delayed address, in the order the notice gives them. */
function recordsOf(file: string): LogRecord[] {
  return fixtureRecords(readFixture(`legacy/${file}.eml`)).filter(
    (r) =>
      r.type === 'OOB' &&
      (r.oob_report?.action === 'failed' || r.oob_report?.action === 'delayed') &&
      recipientOf(r) !== '',
  );
}

/** The record's recipient, lower case (an OOB record has one address). */
function recipientOf(r: LogRecord): string {
  return (typeof r.recipient === 'string' ? r.recipient : r.recipient.join(',')).toLowerCase();
}

function enhanced(r: LogRecord): string | null {
  const e = r.response.enhanced_code;
  return e === null ? null : `${e.class}.${e.subject}.${e.detail}`;
}

/** Whether a fixture's records are exactly what its expectation says. */
function readRight(row: Expected, records: LogRecord[]): boolean {
  return (
    records.length === row.recipients.length &&
    row.recipients.every((want, i) => {
      const r = records[i] as LogRecord;
      return (
        recipientOf(r) === want.recipient.toLowerCase() &&
        r.oob_report?.action === want.action &&
        (want.status === null || enhanced(r) === want.status) &&
        (want.code === null || r.response.code === want.code) &&
        (want.labels === null || want.labels.includes(r.bounce_classification))
      );
    })
  );
}

/** Files still read wrong, and why (the report names them as what is left). */
const KNOWN_WRONG: Readonly<Record<string, string>> = {};

describe('legacy and generic plain-text bounces', () => {
  it.each(ROWS.filter((row) => KNOWN_WRONG[row.file] === undefined))('$file: $says', (row) => {
    const records = recordsOf(row.file);
    expect(records.map((r) => recipientOf(r))).toEqual(
      row.recipients.map((x) => x.recipient.toLowerCase()),
    );
    row.recipients.forEach((want, i) => {
      const r = records[i] as LogRecord;
      expect([want.recipient, r.oob_report?.action]).toEqual([want.recipient, want.action]);
      if (want.status !== null) expect(enhanced(r)).toBe(want.status);
      if (want.code !== null) expect(r.response.code).toBe(want.code);
      if (want.labels !== null) expect(want.labels).toContain(r.bounce_classification);
    });
  });

  // A loop, not it.each: the list may be empty, and an empty table is an error in jest.
  it('still reads every file in KNOWN_WRONG wrong, so that a fix removes it from the list', () => {
    for (const file of Object.keys(KNOWN_WRONG)) {
      const row = EXPECTED[file] as Expected;
      expect([file, readRight(row, recordsOf(file))]).toEqual([file, false]);
    }
  });

  it('has an expectation for every fixture, and at least 45 of them', () => {
    const files = fixtureNames('legacy');
    expect(files.filter((f) => EXPECTED[f] === undefined)).toEqual([]);
    expect(Object.keys(EXPECTED).filter((f) => !files.includes(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(45);
  });
});
