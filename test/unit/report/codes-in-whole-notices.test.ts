// Which reply code and enhanced code a record gets when a whole notice offers several
// sources (docs/records.md `code` and `enhanced_code`): a version inside a reply, a
// ticket or reference number written like a multi-line reply's first line, and a reply
// that only the Subject quotes. Wordings written for these tests;
// bench/data/blind-messages-23 is the open set of whole messages.
import { parseMessage } from '../../../src/report/index';
import { parseStatus, readReply, subjectReply } from '../../../src/report/reply';
import type { OobFinding } from '../../../src/report/types';

const status = (s: string) => parseStatus(s).code;
const read = (text: string, st: string | null = null) =>
  readReply(text, { status: st === null ? null : status(st), action: 'failed' }).reply;
const enhanced = (text: string, st: string | null = null) => {
  const e = read(text, st).enhancedCode;
  return e === null ? null : `${e.class}.${e.subject}.${e.detail}`;
};
const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\n'), 'utf8');
function findings(raw: Buffer): OobFinding[] {
  return parseMessage(raw).findings.filter((f): f is OobFinding => f.kind === 'oob');
}
const codes = (raw: Buffer) =>
  findings(raw).map((f) => {
    const e = f.reply.enhancedCode;
    return [f.recipient, f.reply.code, e === null ? null : `${e.class}.${e.subject}.${e.detail}`];
  });

describe('a version inside a reply is no enhanced code', () => {
  it.each([
    ['550 Mailbox unavailable (filter version 5.1.1)', '5.0.0', '5.0.0'],
    ['550 Recipient refused by gateway build 5.7.1', '5.0.0', '5.0.0'],
    ['554 Rejected, policy engine ver 5.7.1 applied', null, null],
  ])('keeps "%s" under Status %s at %s', (text, st, want) => {
    expect(enhanced(text, st)).toBe(want);
  });

  it.each([
    ['550 Mailbox unavailable (5.1.1)', '5.0.0', '5.1.1'],
    ['501 Rcpt-To validation failed: 5.7.1 this host does not relay', '5.0.0', '5.7.1'],
  ])('still reads the enhanced code that stands as a word of its own in "%s"', (text, st, want) => {
    expect(enhanced(text, st)).toBe(want);
  });
});

describe('a number joined to another by a dash is no reply', () => {
  it.each([
    ['Ticket: 552-4510 the mailbox does not exist'],
    ['Reference: 451-88213, delivery refused'],
    ['552-4510 case opened for this delivery'],
  ])('takes no reply code from "%s"', (text) => {
    const r = read(text, '5.0.0');
    expect(r.code).toBe(550);
  });

  it.each([
    ['host mx.example.net said: 550-5.1.1 no such user here', 550, '5.1.1'],
    ['Remote host said: 552-Mailbox is full 552 try again later', 552, null],
    ['550-5.7.1 first line of the reply 550 5.7.1 last line', 550, '5.7.1'],
  ])('still reads the multi-line reply in "%s"', (text, code, want) => {
    expect(read(text).code).toBe(code);
    expect(enhanced(text)).toBe(want);
  });
});

describe('a quantity in brackets inside a reply is no quoted reply', () => {
  it('keeps the whole text of "552 sorry, mailbox over quota (552 kB left of 10240 kB)"', () => {
    const r = read('552 sorry, mailbox over quota (552 kB left of 10240 kB)');
    expect(r.code).toBe(552);
    expect(r.content).toBe('sorry, mailbox over quota (552 kB left of 10240 kB)');
  });

  it('still reads the reply a relay quotes in brackets: "554 relay refused (550 Host unknown)"', () => {
    const r = read('554 relay refused (550 Host unknown)');
    expect(r.code).toBe(550);
    expect(r.content).toBe('Host unknown');
  });
});

describe('the reply a Subject quotes', () => {
  it.each([
    ['Undeliverable: 550 5.1.1 jo@site.example', '550 5.1.1 jo@site.example'],
    ['Delivery failure (552 5.2.2 Mailbox full)', '552 5.2.2 Mailbox full'],
    ['Mail not delivered: 451 4.4.1 no answer', '451 4.4.1 no answer'],
  ])('reads "%s"', (subject, want) => {
    expect(subjectReply(subject)).toBe(want);
  });

  it.each([
    ['Delivery failure: ticket 552-4510'],
    ['Returned mail: message of 552 kB over the limit'],
    ['Undeliverable: 550 4.2.2 mixed classes'],
    ['Delivered: 250 2.0.0 queued'],
    ['Undelivered Mail Returned to Sender'],
    ['Mailer upgraded to version 550 5.1.1'],
  ])('finds none in "%s"', (subject) => {
    expect(subjectReply(subject)).toBeNull();
  });

  const notice = (subject: string, ...body: string[]) =>
    eml(
      'From: postmaster@gw.relay.example',
      'To: ana@sender.example',
      `Subject: ${subject}`,
      'Date: Tue, 5 May 2026 09:00:00 +0000',
      '',
      ...body,
    );

  it.each([
    [
      "gives the Subject's reply to the one recipient of a notice whose body has none",
      'The address does not exist at the destination.',
      550,
      '5.1.1',
    ],
    [
      "keeps the body's own reply over the Subject's",
      'Remote server said: 552 5.2.2 Mailbox full',
      552,
      '5.2.2',
    ],
  ])('%s', (_title, reason, code, want) => {
    const raw = notice(
      'Undeliverable: 550 5.1.1 lou@far.example',
      'Your message to lou@far.example could not be delivered.',
      '',
      reason,
    );
    expect(codes(raw)).toEqual([['lou@far.example', code, want]]);
  });

  it('takes no code from a ticket number in the Subject or the body', () => {
    const raw = notice(
      'Delivery failure: ticket 552-4510',
      'Your message to lou@far.example could not be delivered.',
      '',
      'The address does not exist at the destination.',
      'Ticket: 552-4510, attempted via smtp.far.example:587, size 554 kB.',
    );
    const [r] = codes(raw);
    expect(r?.[0]).toBe('lou@far.example');
    expect(r?.[1]).toBe(550);
  });
});
