import { parseFallback } from '../../../src/report/fallback';
import { parseMessage, readMessage } from '../../../src/report/index';
import type { OobFinding } from '../../../src/report/types';
import { expectSnapshotRecords, fixtureFiles, readFixture } from '../../helpers/fixture-records';
import { describeExpectations } from '../../helpers/fixture-expectations';

const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\n'), 'utf8');

function findings(raw: Buffer): OobFinding[] {
  return parseMessage(raw).findings.filter((f): f is OobFinding => f.kind === 'oob');
}

describe('last-resort scan of text bounces', () => {
  it('finds the failed recipient of an old Smail text bounce on its own', () => {
    // parseMessage gives this one to heuristic/small-mtas.ts; the scan must still find it.
    const [f] = parseFallback(readMessage(readFixture('rfc3464/sisimai-rfc3464-37.eml'))) ?? [];
    expect(f?.recipient).toBe('kijitora@neko.nyaan.example.com');
    expect(f?.report.source).toBe('heuristic:fallback');
    expect(f?.reply).toEqual({
      code: 550,
      enhancedCode: null,
      content: 'unknown host',
      command: null,
    });
  });

  it("takes the reply of the lines that follow a recipient, and skips the bounce's own addresses", () => {
    const raw = eml(
      'From: MAILER-DAEMON@mx.example.net',
      'To: sender@example.com',
      'Subject: failure notice',
      '',
      'Hi. This is the mail transport agent at mx.example.net.',
      'Mail to sender@example.com could not be sent back.',
      '',
      '<gone@example.org>:',
      '192.0.2.5 does not like recipient.',
      'Remote host said: 550 5.1.1 <gone@example.org>... User unknown',
      '',
      '--- Below this line is a copy of the message.',
      'To: someone-else@example.org',
    );
    expect(findings(raw).map((f) => [f.recipient, f.reply.code, f.reply.enhancedCode])).toEqual([
      ['gone@example.org', 550, { class: 5, subject: 1, detail: 1 }],
    ]);
  });

  it('takes X-Failed-Recipients as the list of failed recipients', () => {
    const raw = eml(
      'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
      'X-Failed-Recipients: one@example.org, two@example.org',
      'Subject: Delivery Status Notification (Failure)',
      '',
      'Something went wrong.',
    );
    expect(findings(raw).map((f) => f.recipient)).toEqual(['one@example.org', 'two@example.org']);
  });

  it('gives a reason stated apart from the address to it, and stops at a ruler', () => {
    const raw = eml(
      'From: postmaster@mx.example.net',
      'To: sender@example.com',
      'Subject: email bounce notification',
      '',
      'Your message could not be stored in the target mailbox.',
      '',
      'reject reason: Mailbox full',
      'target mail address: kai@example.net',
      '',
      '------------------------------------------------------------',
      'bounced mail:',
      'From: sender@example.com',
    );
    expect(findings(raw).map((f) => [f.recipient, f.reply.content])).toEqual([
      ['kai@example.net', 'Mailbox full'],
    ]);
  });

  it('reads a reason written before the address and one on the line after a lead-in', () => {
    const raw = eml(
      'From: MAILER-DAEMON@mx.example.net',
      'Subject: Undeliverable message',
      '',
      'Mailbox is full: <lia@example.org>',
      '',
      'Your message to <moe@example.org> was rejected for the following reason:',
      '550 5.1.1 user unknown',
    );
    expect(findings(raw).map((f) => [f.recipient, f.reply.code, f.reply.content])).toEqual([
      ['lia@example.org', 550, 'Mailbox is full'],
      ['moe@example.org', 550, 'user unknown'],
    ]);
  });

  it('reads an HTML-only notice as text', () => {
    const raw = eml(
      'From: MAILER-DAEMON@mx.example.net',
      'Subject: Undeliverable message',
      'Content-Type: text/html',
      '',
      '<html><body><p>Delivery to the following recipient failed:</p>',
      '<p>&lt;ned@example.org&gt;: 552 5.2.2 mailbox full</p></body></html>',
    );
    expect(findings(raw).map((f) => [f.recipient, f.reply.code, f.reply.content])).toEqual([
      ['ned@example.org', 552, 'mailbox full'],
    ]);
  });

  it("gives a scanner's verdict, stated once, to each recipient named without a reply of its own", () => {
    const notice = (...body: string[]) =>
      eml('From: MAILER-DAEMON@gw.example.net', 'Subject: Undeliverable mail', '', ...body);
    const found = findings(
      notice(
        'Malware was detected in the message you sent and it was removed.',
        '',
        'Recipient: pia@example.org',
        'Engine: ExampleAV 4.2',
      ),
    );
    expect(found.map((f) => [f.recipient, f.reply.content])).toEqual([
      [
        'pia@example.org',
        'Malware was detected in the message you sent and it was removed. Engine: ExampleAV 4.2',
      ],
    ]);
    // A recipient with its own reply keeps it.
    const own = findings(
      notice(
        'Your message contains a virus and was quarantined.',
        '',
        '<ole@example.org>: 550 5.1.1 user unknown',
      ),
    );
    expect(own.map((f) => [f.reply.code, f.reply.content])).toEqual([[550, 'user unknown']]);
  });

  it('takes no scanner footer that found nothing for a verdict', () => {
    for (const footer of [
      'This message was scanned for viruses and no virus was found.',
      'Checked by ExampleAV - no virus found.',
      'Virus-free. www.example.com',
      'Please update your virus scanner.',
    ]) {
      const [f] = findings(
        eml(
          'From: MAILER-DAEMON@gw.example.net',
          'Subject: Undeliverable mail',
          '',
          footer,
          '',
          'Recipient: pia@example.org',
          'Reason: mailbox unavailable',
        ),
      );
      expect(f?.reply.content).not.toContain(footer.slice(0, 12));
    }
  });

  it("gives a labelled reason under a recipient to it, and takes no address inside that reason for a recipient", () => {
    const raw = eml(
      'From: MAILER-DAEMON@relay.example.net',
      'To: shop@example.com',
      'Subject: failure notice',
      '',
      'The relay at relay.example.net gave up on your message.',
      '',
      'Recipient: <ann.buyer@example.org>',
      'Delivery error: 554 5.7.1 Rejected by a content filter; write to unblock@filter.example.net for help',
      '',
      'Recipient: <bo.buyer@example.org>',
      'Reason: 552 5.2.2 Mailbox over quota',
    );
    expect(findings(raw).map((f) => [f.recipient, f.reply.code, f.reply.enhancedCode])).toEqual([
      ['ann.buyer@example.org', 554, { class: 5, subject: 7, detail: 1 }],
      ['bo.buyer@example.org', 552, { class: 5, subject: 2, detail: 2 }],
    ]);
  });

  it('still reads a reason line that names the only recipient when no recipient line is above it', () => {
    const raw = eml(
      'From: MAILER-DAEMON@relay.example.net',
      'To: shop@example.com',
      'Subject: Undeliverable mail',
      '',
      'Your message could not be delivered.',
      '',
      'Reason: mailbox is full: <cy.buyer@example.org>',
    );
    expect(findings(raw).map((f) => f.recipient)).toEqual(['cy.buyer@example.org']);
  });

  it('leaves a message that does not look like a bounce alone', () => {
    const r = parseMessage(
      eml('From: friend@example.com', 'Subject: hello', '', 'kiji@example.org: see you tomorrow'),
    );
    expect(r).toEqual({ kind: 'none', findings: [], problems: [] });
  });
});

// Text bounces of programs no heuristic family knows (hMailServer, MailEnable, MDaemon,
// Haraka), written by hand from their formats: the last-resort scan reads them, and
// each gives the values a person decided (`fixtures/fallback/<name>.expected.json`).
describe('fallback fixtures', () => {
  const fixtures = fixtureFiles(['fallback']);

  it('has its fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
  });

  describeExpectations(fixtures);

  it.each(fixtures)('%s gives the records of its snapshot', (fixture) => {
    expectSnapshotRecords(fixture);
  });

  it.each(fixtures)('%s is read by the last-resort scan, with a one-line reply', (fixture) => {
    const found = findings(readFixture(fixture));
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.report.source).toBe('heuristic:fallback');
      expect(f.reply.content).not.toMatch(/[\r\n]/);
    }
  });
});
