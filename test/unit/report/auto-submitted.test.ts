// RFC 3834 §5 Auto-Submitted as its grammar writes it (keyword, comments, parameters), and
// what each keyword makes of a message: auto-replied and an answering auto-generated are
// auto-replies; auto-notified (RFC 5436 §2.7.2, a Sieve notification) is no auto-reply
// and no report; "no" and unknown keywords are no auto-reply evidence.
import { autoSubmittedKeyword } from '../../../src/report/header';
import { parseMessage } from '../../../src/report/index';
import { sniffMessage } from '../../../src/report/sniff';

const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

/** A message from a mailbox owner's system to our sender, with the given fields first. */
function message(fields: string[], body = 'Thank you for your message.'): Buffer {
  return eml(
    'From: Tomas Varga <tomas@orchard.example>',
    'To: letters@mailer.example.com',
    'Date: Fri, 4 Dec 2026 09:12:00 +0000',
    'Message-ID: <m-41@orchard.example>',
    ...fields,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    body,
  );
}

function kinds(raw: Buffer): string[] {
  return parseMessage(raw).findings.map((f) =>
    f.kind === 'oob' ? `${f.kind}:${f.label ?? ''}` : f.kind,
  );
}

describe('autoSubmittedKeyword (RFC 3834 §5 grammar)', () => {
  it.each([
    ['auto-replied', 'auto-replied'],
    ['Auto-Generated', 'auto-generated'],
    ['  auto-notified  ', 'auto-notified'],
    ['no (typed by a person)', 'no'],
    ['(set by the composer) no', 'no'],
    ['auto-replied(holiday (long))', 'auto-replied'],
    ['auto-replied; owner-email="tomas@orchard.example"', 'auto-replied'],
    ['x-digest-sent ; reason=weekly; count=3', 'x-digest-sent'],
    ['auto-replied-later', 'auto-replied-later'],
    ['(only a comment)', ''],
    ['', ''],
  ])('reads %j as the keyword %j', (value, keyword) => {
    expect(autoSubmittedKeyword(value)).toBe(keyword);
  });

  it('reads no keyword from an absent field', () => {
    expect(autoSubmittedKeyword(null)).toBe('');
  });
});

describe('what each Auto-Submitted keyword makes of a message', () => {
  it('gives no record for a Sieve notification, even when its Subject repeats an auto-reply subject', () => {
    const raw = message(
      ['Subject: Automatic reply: Invoice 2291', 'Auto-Submitted: auto-notified'],
      'New message in INBOX from billing@shop.example',
    );
    expect(kinds(raw)).toEqual([]);
  });

  it('gives no record for a Sieve notification with a null sender whose Subject reads like a bounce', () => {
    const raw = eml(
      'Return-Path: <>',
      'From: Mailbox Alerts <alerts@imap.orchard.example>',
      'To: tomas.pager@orchard.example',
      'Subject: New mail: Undelivered Mail Returned to Sender',
      'Auto-Submitted: auto-notified',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'A message from MAILER-DAEMON@relay.example arrived in INBOX.',
    );
    expect(kinds(raw)).toEqual([]);
  });

  it.each([
    [
      'auto-replied behind a leading comment and before parameters is an auto-reply',
      'Spring catalogue',
      '(responder) auto-replied; owner-email="tomas@orchard.example"',
      ['oob:AutoReply'],
    ],
    [
      'auto-generated answering the message is an auto-reply',
      'Re: Spring catalogue',
      'auto-generated',
      ['oob:AutoReply'],
    ],
    [
      '"no" with a comment is a person’s message',
      'Re: Spring catalogue',
      'no (written by hand)',
      [],
    ],
    [
      'an unknown keyword with parameters is no auto-reply',
      'Re: Spring catalogue',
      'x-archive-copy; store=cold',
      [],
    ],
  ])('reads %s', (_what, subject, value, expected) => {
    const raw = message([
      `Subject: ${subject}`,
      'In-Reply-To: <spring-1@mailer.example.com>',
      `Auto-Submitted: ${value}`,
    ]);
    expect(kinds(raw)).toEqual(expected);
  });

  it('lets the edge accept an auto-replied message behind a comment, and refuses a notification from a person’s address', () => {
    const replied = message([
      'Subject: Spring catalogue',
      'Auto-Submitted: (vacation) auto-replied',
    ]);
    expect(sniffMessage(replied, 'tomas@orchard.example').kind).toBe('autoreply');
    const notified = message(['Subject: New mail', 'Auto-Submitted: auto-notified']);
    expect(sniffMessage(notified, 'tomas@orchard.example').kind).toBe('none');
  });
});
