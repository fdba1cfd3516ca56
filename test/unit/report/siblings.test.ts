// Siblings of the bounce formats the development corpus samples only once or twice
// (fixtures/siblings/, see its README): each keeps its program's fixed template and
// varies what a real sibling varies (reason, number of recipients, folded replies,
// returned message absent). What is checked is what the held-out scoring counts: that
// the bounce is detected, its failed recipients (and no invented one), the action, the
// enhanced and reply codes where the message gives them, and the label per recipient.
import fs from 'node:fs';
import path from 'node:path';
import type { LogRecord } from '../../../src/log/record';
import { parseMessage } from '../../../src/report/index';
import type { OobFinding } from '../../../src/report/types';
import {
  expectedRows,
  type ExpectedRecipient,
  fixtureNames,
  fixtureRecords,
  FIXTURES,
  readFixture,
} from '../../helpers/fixture-records';

interface Expected {
  says: string;
  recipients: ExpectedRecipient[];
}

const DIR = path.join(FIXTURES, 'siblings');
const { expected: EXPECTED, rows: ROWS } = expectedRows<Expected>('siblings');

/** The OOB records of a fixture, in the order the message gives them. */
function recordsOf(file: string): LogRecord[] {
  return fixtureRecords(readFixture(`siblings/${file}.eml`)).filter((r) => r.type === 'OOB');
}

/** The record's recipient, lower case (an OOB record has one address). */
function recipientOf(r: LogRecord): string {
  return (typeof r.recipient === 'string' ? r.recipient : r.recipient.join(',')).toLowerCase();
}

function enhanced(r: LogRecord): string | null {
  const e = r.response.enhanced_code;
  return e === null ? null : `${e.class}.${e.subject}.${e.detail}`;
}

/** Files still read wrong, and why (the report names them as what is left). */
const KNOWN_WRONG: Readonly<Record<string, string>> = {};

describe('siblings of the formats the development corpus samples once or twice', () => {
  it.each(ROWS.filter((row) => KNOWN_WRONG[row.file] === undefined))('$file: $says', (row) => {
    const records = recordsOf(row.file);
    expect(records.map((r) => recipientOf(r))).toEqual(
      row.recipients.map((x) => x.recipient.toLowerCase()),
    );
    row.recipients.forEach((want, i) => {
      const r = records[i] as LogRecord;
      expect(r.oob_report?.action).toBe(want.action);
      if (want.status !== null) expect(enhanced(r)).toBe(want.status);
      if (want.code !== null) expect(r.response.code).toBe(want.code);
      expect(want.labels).toContain(r.bounce_classification);
    });
  });

  // A loop, not it.each: the list may be empty, and an empty table is an error in jest.
  it('still reads every file in KNOWN_WRONG wrong, so that a fix removes it from the list', () => {
    for (const file of Object.keys(KNOWN_WRONG)) {
      const row = EXPECTED[file] as Expected;
      const records = recordsOf(file);
      const right =
        records.length === row.recipients.length &&
        row.recipients.every((want, i) => {
          const r = records[i] as LogRecord;
          return (
            recipientOf(r) === want.recipient.toLowerCase() &&
            r.oob_report?.action === want.action &&
            (want.status === null || enhanced(r) === want.status) &&
            (want.code === null || r.response.code === want.code) &&
            want.labels.includes(r.bounce_classification)
          );
        });
      expect([file, right]).toEqual([file, false]);
    }
  });

  it('has an expectation for every fixture, and at least 50 of them', () => {
    const files = fixtureNames('siblings');
    expect(files.filter((f) => EXPECTED[f] === undefined)).toEqual([]);
    expect(Object.keys(EXPECTED).filter((f) => !files.includes(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(50);
  });

  it('takes no recipient from an InterScan Reason line that names no address', () => {
    const raw = Buffer.from(
      [
        'From: postmaster@example.com ("Postmaster 1A2B3C4D5E6F")',
        'To: sender@example.org',
        'Subject: Mail could not be delivered',
        'Content-Type: text/plain',
        '',
        '****** Message from InterScan Messaging Security Suite ******',
        '',
        'The following mail could not be delivered.',
        'Reason:  554 5.7.1 Message rejected as spam',
        '',
        '************************     End of message     **********************',
        '',
      ].join('\r\n'),
    );
    const found = parseMessage(raw).findings.filter((f): f is OobFinding => f.kind === 'oob');
    expect(found.map((f) => f.recipient).filter((r) => r !== null && r !== '')).toEqual([]);
  });

  it('gives each X3 recipient the technical line that names it, whatever their order', () => {
    const raw = fs
      .readFileSync(path.join(DIR, 'x3-two.eml'), 'latin1')
      .replace(
        /SMTP:RCPT host 192\.0\.2\.80: (.*)\nDNS:(.*)\n/,
        (_m, smtp: string, dns: string) => `DNS:${dns}\nSMTP:RCPT host 192.0.2.80: ${smtp}\n`,
      );
    expect(raw).toMatch(/^DNS:Host not found/m);
    const records = fixtureRecords(Buffer.from(raw, 'latin1')).filter((r) => r.type === 'OOB');
    expect(records.map((r) => [r.recipient, r.bounce_classification])).toEqual([
      ['jon@example.org', 'InvalidRecipient'],
      ['kim@nonexistent.example', 'BadDomain'],
    ]);
  });

  it('keeps the whole of a transcript reply wrapped onto an indented line', () => {
    const records = recordsOf('activehunter-transcript');
    expect(records[0]?.response.content).toContain('zen.spamhaus.org');
  });

  it('keeps each X3 and MailFoundry reply whole where it wraps onto the next line', () => {
    expect(recordsOf('x3-spam')[0]?.response.content).toContain('by the content filter');
    expect(recordsOf('mailfoundry-spam')[0]?.response.content).toContain('Spam content detected');
  });
});
