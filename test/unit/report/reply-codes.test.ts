// The reply code and enhanced status code oobd reports per recipient, on bounces
// written for oobd in each MTA's format (fixtures/codes/, see its README): which code
// wins when the Status field, the Diagnostic-Code, an extension field and the text
// disagree, and the numbers that look like codes but are none. Each row is a
// situation that decides codes, with the value the formats' rules give:
// * RFC 3464 §2.3.4 (Status) and §2.3.6 (Diagnostic-Code: the remote server's own
//   reply, so its codes stand over the reporting MTA's Status unless they say less);
// * RFC 3463 §2-§3 (class.subject.detail; the class repeats the reply code's first
//   digit; detail 0 is "other or undefined" within its subject) and RFC 2034 §4;
// * RFC 5321 §4.2 (reply codes: first digit 2-5, second 0-5; multi-line replies);
// * RFC 7504 (521/556 and 5.1.10, a three-digit detail).
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, fixtureRecords, readFixture } from '../../helpers/fixture-records';
import { parseMessage } from '../../../src/report/index';
import { formatEnhancedCode } from '../../../src/values';

interface Row {
  /** The situation, as the test's name. */
  says: string;
  /** fixtures/codes/<file>.eml */
  file: string;
  recipient: string;
  code: number;
  /** null where the bounce gives none and no Status stands in. */
  enhanced: string | null;
}

/** Recipients reported as failed: an OOB record each. */
const FAILED: Row[] = [
  // Status field against Diagnostic-Code.
  {
    says: 'a specific enhanced code in the Diagnostic-Code wins over a Status of 5.0.0',
    file: 'dsn-vague-status-specific-diagnostic',
    recipient: 'ann@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: 'a specific Status wins over a Diagnostic-Code that says 5.0.0',
    file: 'dsn-specific-status-vague-diagnostic',
    recipient: 'bea@example.net',
    code: 552,
    enhanced: '5.2.2',
  },
  {
    says: "a Status that refines the Diagnostic-Code's X.Y.0 in the same subject wins",
    file: 'dsn-diagnostic-enhanced-less-specific-subject',
    recipient: 'ula@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: "the remote server's own specific code wins over a different specific Status of its class",
    file: 'dsn-status-and-diagnostic-differ-same-class',
    recipient: 'cal@example.net',
    code: 550,
    enhanced: '5.7.1',
  },
  {
    says: "the remote server's 4xx reply and its code stand under a final Status of class 5",
    file: 'dsn-status-class-differs-from-diagnostic',
    recipient: 'dan@example.net',
    code: 421,
    enhanced: '4.4.2',
  },
  {
    says: 'a 4xx reply with its enhanced code stands under a final Status of 5.0.0',
    file: 'dsn-4xx-reply-enhanced-final-status-5',
    recipient: 'roy@example.net',
    code: 421,
    enhanced: '4.7.0',
  },
  {
    says: 'a 4xx reply without an enhanced code keeps its code and takes the Status',
    file: 'dsn-4xx-reply-in-final-failure-no-enhanced',
    recipient: 'eve@example.net',
    code: 450,
    enhanced: '5.0.0',
  },
  {
    says: 'an enhanced code whose class contradicts its reply code stands over a Status of 5.0.0',
    file: 'dsn-enhanced-class-mismatch-with-reply',
    recipient: 'val@example.net',
    code: 550,
    enhanced: '4.2.2',
  },
  {
    says: 'a reply code without an enhanced code takes the Status',
    file: 'dsn-reply-code-only-specific-status',
    recipient: 'eli@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: 'a reply code without an enhanced code under a vague Status keeps 5.0.0',
    file: 'dsn-reply-without-enhanced-status-vague',
    recipient: 'kim@example.net',
    code: 554,
    enhanced: '5.0.0',
  },
  {
    says: 'a reply and a Status that both say 5.0.0 give 5.0.0',
    file: 'dsn-vague-both',
    recipient: 'ted@example.net',
    code: 550,
    enhanced: '5.0.0',
  },
  {
    says: 'an enhanced code without a reply code takes the reply code of its class',
    file: 'dsn-enhanced-without-reply',
    recipient: 'lee@example.net',
    code: 550,
    enhanced: '5.4.4',
  },
  {
    says: 'a Status without a Diagnostic-Code gives the reply code of its class',
    file: 'dsn-status-without-diagnostic',
    recipient: 'hal@example.net',
    code: 550,
    enhanced: '5.1.2',
  },
  {
    says: "a reply in the Status field's comment is read",
    file: 'dsn-status-comment-holds-reply',
    recipient: 'ivy@example.net',
    code: 553,
    enhanced: '5.3.0',
  },
  {
    says: 'a Diagnostic-Code with text and no code keeps the Status',
    file: 'dsn-status-field-reply-text-diagnostic-none',
    recipient: 'hana@example.net',
    code: 550,
    enhanced: '5.7.1',
  },
  {
    says: 'an X-Unix exit status is no reply code',
    file: 'dsn-x-unix-exit-status',
    recipient: 'mia@example.net',
    code: 550,
    enhanced: '5.3.0',
  },
  // Reply shapes.
  {
    says: 'a multi-line reply in the Diagnostic-Code gives its code once',
    file: 'dsn-multiline-reply-in-diagnostic',
    recipient: 'jon@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: 'a quoted enhanced code after a multi-line reply code is read',
    file: 'dsn-diagnostic-status-without-code-quoted',
    recipient: 'zed@example.net',
    code: 550,
    enhanced: '5.2.2',
  },
  {
    says: 'a three-digit detail (RFC 7504 5.1.10) is kept whole',
    file: 'dsn-three-digit-detail',
    recipient: 'ola@example.net',
    code: 550,
    enhanced: '5.1.10',
  },
  {
    says: "a reply after any word closed by a colon is the server's",
    file: 'dsn-reply-after-colon-no-enhanced',
    recipient: 'amy@example.net',
    code: 554,
    enhanced: '5.0.0',
  },
  {
    says: 'a reply quoted whole is read',
    file: 'dsn-reply-quoted-whole',
    recipient: 'ben@example.net',
    code: 553,
    enhanced: '5.0.0',
  },
  {
    says: "qmail's (#5.7.1) after a reply without an enhanced code is the reply's enhanced code",
    file: 'dsn-qmail-hash-after-reply',
    recipient: 'sal@example.net',
    code: 553,
    enhanced: '5.7.1',
  },
  {
    says: 'an enhanced code written in braces after the reply code is the reply’s enhanced code',
    file: 'dsn-brace-enhanced-code',
    recipient: 'tia@example.net',
    code: 550,
    enhanced: '5.7.1',
  },
  {
    says: 'the innermost of quoted replies is the remote server’s (DESIGN.md §5)',
    file: 'dsn-nested-relay-verdict',
    recipient: 'gil@example.net',
    code: 451,
    enhanced: '4.3.0',
  },
  {
    says: 'a failure after a 250 in the Diagnostic-Code is the reply',
    file: 'dsn-status-5xx-diagnostic-2xx-then-failure',
    recipient: 'dee@example.net',
    code: 421,
    enhanced: '4.4.2',
  },
  {
    says: 'the remote reply in X-Supplementary-Info is read',
    file: 'dsn-supplementary-info',
    recipient: 'ned@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: 'the remote reply in an X-Remote-MTA-Diagnostic field is read',
    file: 'dsn-remote-mta-diagnostic-extension',
    recipient: 'pam@example.net',
    code: 550,
    enhanced: '5.2.1',
  },
  {
    says: 'Exchange 2003 "<host #5.0.0 smtp;550 5.1.1 ...>" in a Diagnostic-Code gives the inner reply',
    file: 'dsn-exchange-2003-angle-host',
    recipient: 'xia@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: 'Exchange "550 #5.1.1 RESOLVER..." gives 550 5.1.1',
    file: 'dsn-exchange-hash-code',
    recipient: 'yan@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: 'Sendmail "554 5.0.0 Service unavailable" keeps 554 and 5.0.0',
    file: 'dsn-sendmail-service-unavailable',
    recipient: 'bob@example.net',
    code: 554,
    enhanced: '5.0.0',
  },
  {
    says: 'two recipients of one report keep their own codes',
    file: 'dsn-two-recipients-different-codes',
    recipient: 'abe@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  // Numbers that look like codes and are none.
  {
    says: 'a size in bytes after the reply is no code',
    file: 'dsn-size-limit-bytes',
    recipient: 'quinn@example.net',
    code: 552,
    enhanced: '5.3.4',
  },
  {
    says: 'sizes after the reply and its enhanced code are no codes',
    file: 'dsn-size-5-digit-number-after-code',
    recipient: 'rae@example.net',
    code: 552,
    enhanced: '5.2.3',
  },
  {
    says: 'a quantity after a colon ("size: 552 KB") is no reply code',
    file: 'dsn-quantity-after-colon',
    recipient: 'cy@example.net',
    code: 550,
    enhanced: '5.3.4',
  },
  {
    says: 'an enhanced code inside a URL is no enhanced code',
    file: 'dsn-url-with-enhanced-lookalike',
    recipient: 'sam@example.net',
    code: 550,
    enhanced: '5.0.0',
  },
  {
    says: 'an IP address in the reply does not change its codes',
    file: 'dsn-ip-address-in-reply',
    recipient: 'tia@example.net',
    code: 554,
    enhanced: '5.7.1',
  },
  {
    says: 'an IP address that starts like an enhanced code is none',
    file: 'dsn-ip-address-lookalike',
    recipient: 'pat@example.net',
    code: 554,
    enhanced: '5.0.0',
  },
  {
    says: 'a day.month.year date is no enhanced code',
    file: 'dsn-european-date-lookalike',
    recipient: 'rex@example.net',
    code: 550,
    enhanced: '5.0.0',
  },
  {
    says: 'an address that starts like an enhanced code is none',
    file: 'dsn-address-lookalike',
    recipient: '5.1.1@example.net',
    code: 550,
    enhanced: '5.0.0',
  },
  {
    says: 'a queue id and a date in the reply are no codes; a standalone code later is',
    file: 'dsn-queue-id-and-date-in-reply',
    recipient: 'uma@example.net',
    code: 550,
    enhanced: '5.1.8',
  },
  {
    says: 'a port number in a local diagnostic is no reply code',
    file: 'dsn-reply-port-in-text-not-code',
    recipient: 'fox@example.net',
    code: 550,
    enhanced: '5.4.4',
  },
  // Text bounces, format by format.
  {
    says: 'Postfix "said: 550 5.1.1 ... (in reply to RCPT TO command)" gives 550 5.1.1',
    file: 'postfix-text-said-in-reply-to',
    recipient: 'ian@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: 'Postfix "said: 554 ..., id 5.1.1a" has no enhanced code (an identifier is none)',
    file: 'postfix-text-said-no-enhanced',
    recipient: 'joy@example.net',
    code: 554,
    enhanced: null,
  },
  {
    says: 'Postfix returning a 4xx reply at the end of the queue lifetime keeps the 4xx codes',
    file: 'postfix-text-4xx-expired',
    recipient: 'will@example.net',
    code: 450,
    enhanced: '4.2.1',
  },
  {
    says: 'Exim "SMTP error ... after RCPT TO:<a@b>:" with a multi-line reply gives its codes',
    file: 'exim-rcpt-to',
    recipient: 'kai@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: 'Exim "after MAIL FROM:<a@b> SIZE=n:" with a reply in bytes gives 552 and no enhanced code',
    file: 'exim-size-reply',
    recipient: 'lia@example.net',
    code: 552,
    enhanced: null,
  },
  {
    says: 'Exim returning a 4xx reply as a permanent error keeps the 4xx codes',
    file: 'exim-4xx-in-permanent',
    recipient: 'max@example.net',
    code: 451,
    enhanced: '4.3.0',
  },
  {
    says: 'Exim "after end of data:" multi-line reply keeps its code, not a URL’s or a queue id’s',
    file: 'exim-end-of-data-multiline',
    recipient: 'xena@example.net',
    code: 554,
    enhanced: '5.7.1',
  },
  {
    says: 'Exim with a reply whose only enhanced-looking number is in a URL has no enhanced code',
    file: 'exim-reply-no-enhanced-url',
    recipient: 'yoko@example.net',
    code: 550,
    enhanced: null,
  },
  {
    says: 'qmail "(#5.1.1)" gives 5.1.1 and the reply code of its class',
    file: 'qmail-hash-status',
    recipient: 'nia@example.de',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: 'qmail-remote "Remote host said: 550 5.7.1 ..." gives 550 5.7.1',
    file: 'qmail-remote-reply',
    recipient: 'oto@example.net',
    code: 550,
    enhanced: '5.7.1',
  },
  {
    says: 'qmail-remote "Remote host said: 554 ..." without an enhanced code gives 554 alone',
    file: 'qmail-remote-reply-no-enhanced-hash-vague',
    recipient: 'pia@example.net',
    code: 554,
    enhanced: null,
  },
  {
    says: 'qmail-remote "Remote host said: 550 ... (#5.1.1)" gives 550 5.1.1',
    file: 'qmail-remote-said-hash',
    recipient: 'vera@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: 'Exchange 2010 "host #550 5.1.1 RESOLVER... ##" gives 550 5.1.1',
    file: 'exchange-remote-server-returned',
    recipient: 'rob@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: 'Exchange "Remote Server returned \'550 5.2.2 ...\'" gives 550 5.2.2',
    file: 'exchange-remote-server-returned-quoted',
    recipient: 'sue@example.net',
    code: 550,
    enhanced: '5.2.2',
  },
  {
    says: 'Exchange 2003 "<host #5.0.0 smtp;550 5.1.1 ...>" gives the remote reply',
    file: 'exchange-2003-host-hash',
    recipient: 'ted@example.net',
    code: 550,
    enhanced: '5.1.1',
  },
  {
    says: 'Exchange 2003 "<host #5.7.1 smtp;554 ...>" keeps its own 5.7.1 for a reply without one',
    file: 'exchange-2003-host-hash-reply-only',
    recipient: 'una@example.net',
    code: 554,
    enhanced: '5.7.1',
  },
  {
    says: 'Courier\'s "<<< 550-..." transcript gives 550 and the code its text names',
    file: 'courier-transcript',
    recipient: 'vic@example.jp',
    code: 550,
    enhanced: '5.2.1',
  },
  {
    says: "Sendmail's transcript gives the server's refusal, not the 250 before it",
    file: 'sendmail-text-transcript',
    recipient: 'xan@example.net',
    code: 550,
    enhanced: '5.1.2',
  },
  {
    says: 'Domino without any code gives the reply code of a failure and no enhanced code',
    file: 'notes-no-code',
    recipient: 'wes@notes.example.com',
    code: 550,
    enhanced: null,
  },
];

/** Recipients reported as delayed: no OOB record (DESIGN.md §5), a finding with a reply. */
const DELAYED: Row[] = [
  {
    says: 'Action: delayed with "452 4.2.2" keeps the 4xx codes',
    file: 'dsn-delayed-action',
    recipient: 'fay@example.net',
    code: 452,
    enhanced: '4.2.2',
  },
  {
    says: 'Action: delayed without a reply code gives 451 and the Status',
    file: 'dsn-delayed-no-code-in-text',
    recipient: 'gus@example.net',
    code: 451,
    enhanced: '4.4.1',
  },
  {
    says: 'a Postfix connect failure with an IP address and port :25 is no reply code',
    file: 'dsn-x-postfix-diagnostic-with-ip-and-port',
    recipient: 'oli@example.net',
    code: 451,
    enhanced: '4.4.1',
  },
  {
    says: "a 451 reply's enhanced code of class 5 stands over a Status of 4.0.0",
    file: 'dsn-enhanced-class-mismatch-status-4',
    recipient: 'wes@example.net',
    code: 451,
    enhanced: '5.7.1',
  },
  {
    says: 'Sendmail "Deferred:" without a reply code gives 451 and the Status',
    file: 'dsn-sendmail-deferred',
    recipient: 'cat@example.net',
    code: 451,
    enhanced: '4.0.0',
  },
  {
    says: 'Sendmail\'s text "<a@b>... Deferred: ..." gives 451 and no enhanced code',
    file: 'sendmail-text-deferred',
    recipient: 'yul@example.net',
    code: 451,
    enhanced: null,
  },
  {
    says: 'Sendmail\'s warning with "421 4.2.0" keeps it',
    file: 'dsn-sendmail-deferred-with-reply',
    recipient: 'cid@example.net',
    code: 421,
    enhanced: '4.2.0',
  },
  {
    says: 'the second recipient of a report keeps its own 4xx codes',
    file: 'dsn-two-recipients-different-codes',
    recipient: 'ada@example.net',
    code: 452,
    enhanced: '4.2.2',
  },
];

describe('reply codes and enhanced status codes per recipient', () => {
  it.each(FAILED)('$says', (row) => {
    const records = fixtureRecords(readFixture(`codes/${row.file}.eml`));
    const r = records.find(
      (x) =>
        x.type === 'OOB' &&
        typeof x.recipient === 'string' &&
        x.recipient.toLowerCase() === row.recipient.toLowerCase(),
    );
    expect(r).toBeDefined();
    if (r === undefined) return;
    expect(r.response.code).toBe(row.code);
    expect(r.response.enhanced_code).toEqual(
      row.enhanced === null
        ? null
        : (([c, s, d]) => ({ class: c, subject: s, detail: d }))(
            row.enhanced.split('.').map(Number),
          ),
    );
  });

  it.each(DELAYED)('$says', (row) => {
    const result = parseMessage(readFixture(`codes/${row.file}.eml`));
    const f = result.findings.find(
      (x) => x.kind === 'oob' && x.recipient.toLowerCase() === row.recipient.toLowerCase(),
    );
    expect(f).toBeDefined();
    if (f === undefined || f.kind !== 'oob') return;
    expect(f.report.action).toBe('delayed');
    expect(f.reply.code).toBe(row.code);
    expect(f.reply.enhancedCode === null ? null : formatEnhancedCode(f.reply.enhancedCode)).toBe(
      row.enhanced,
    );
  });

  it('has a row for every fixture', () => {
    const dir = path.join(FIXTURES, 'codes');
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .map((f) => f.slice(0, -4));
    const covered = new Set([...FAILED, ...DELAYED].map((r) => r.file));
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(40);
  });
});
