// Codes a bounce text gives outside the places replies stand (RFC 5321 §4.2 reply
// codes, RFC 3463 enhanced codes): in passing ("failed with 554 ..."), joined to each
// other ("550#5.1.0", Sendmail's and GroupWise's diagnostics), in brackets ("[550]
// 5.1.1"), and the numbers next to them that are no codes. Wordings written for these
// tests; bench/data/codes-unseen.tsv is the held-back check.
import { extractReply, parseStatus, readReply } from '../../../src/report/reply';

const status = (s: string) => parseStatus(s).code;
const read = (text: string, st: string | null = null, smtp = true) =>
  readReply(text, { status: st === null ? null : status(st), action: 'failed', smtp });
const code = (text: string, st: string | null = null) => read(text, st).reply.code;
const enhanced = (text: string, st: string | null = null) => {
  const e = read(text, st).reply.enhancedCode;
  return e === null ? null : `${e.class}.${e.subject}.${e.detail}`;
};

describe('reply codes given in passing', () => {
  it.each([
    ['the relay reports the delivery failed with 553 sender address rejected', 553],
    ['Our server got 552 from the recipient system: too many recipients', 552],
    ['Permanent failure (554)', 554],
    ['recipient refused [553]', 553],
    ['result code=554 transaction failed', 554],
    ['Remote server returned "521 this host accepts no mail"', 521],
    ['554: message refused as unsolicited', 554],
    ['The error code is 553, the sender was refused', 553],
  ])('reads the reply code in "%s"', (text, want) => {
    expect(code(text)).toBe(want);
  });

  it('keeps the whole text as the content and does not count the code as a reply found', () => {
    const r = read('the relay reports the delivery failed with 553 sender address rejected');
    expect(r.coded).toBe(false);
    expect(r.reply.content).toBe(
      'the relay reports the delivery failed with 553 sender address rejected',
    );
  });

  it('drops a code that opens the text, and the brackets around a reply given whole', () => {
    expect(read('554: message refused as unsolicited').reply.content).toBe(
      'message refused as unsolicited',
    );
    expect(read('(552 quota exceeded for this mailbox)').reply).toMatchObject({
      code: 552,
      content: 'quota exceeded for this mailbox',
    });
  });

  it.each([
    ['the attachment of 552 KB was refused'],
    ['retry after 450 seconds'],
    ['connection to port 587 failed'],
    ['please phone +44 550 421 7700 for help'],
    ['please call 1 550 421 7700'],
    ['message 554F2A7C9 could not be delivered'],
    ['queue id 550 held'],
    ['see ticket 450'],
    ['mailbox <451@example.org> is unavailable'],
    ['host smtp550.example.org did not answer'],
    ['connect to 192.0.2.250:25 timed out'],
    ['rejected on 2026-12-01 at 05:50:21'],
    ['the value 550.25 exceeds the limit'],
    ['HTTP error 503 from the quarantine service'],
    ['the web gateway answered http 502'],
    ['ids 550-7731 and 551-8812 failed'],
    ['too many connections from your network, the limit is 450'],
    ['more than 500 recipients in one message'],
    ['gave up after 421 attempts'],
    ['the mailbox grew from 450 to 552 messages'],
  ])('takes no reply code from "%s"', (text) => {
    const r = read(text);
    expect(r.coded).toBe(false);
    expect(r.reply.code).toBe(550);
    expect(read(text, '4.4.7').reply.code).toBe(451);
  });

  it('takes a 4xx in passing without a Status only when the report says delayed', () => {
    const text = 'an earlier attempt got 452 too many recipients';
    expect(code(text)).toBe(550);
    expect(readReply(text, { status: null, action: 'delayed' }).reply.code).toBe(452);
    expect(code(text, '4.5.3')).toBe(452);
  });

  it('takes no number of another class than the Status as the reply to this failure', () => {
    expect(code('other hosts were refused with error 550 before', '4.4.7')).toBe(451);
    expect(code('other hosts were deferred with error 451 before', '5.4.4')).toBe(550);
  });

  it('reads no code in passing from a text that is not an SMTP diagnostic', () => {
    expect(read('delivery program failed with 554 after the lock', null, false).reply.code).toBe(
      550,
    );
    // An enhanced code is one all the same.
    const local = read('local delivery exited 75 (status 4.3.0)', null, false).reply;
    expect(local.enhancedCode).toEqual({ class: 4, subject: 3, detail: 0 });
    expect(local.code).toBe(451);
  });

  it('prefers a reply where replies stand over a number said earlier in passing', () => {
    expect(code('After 3 tries with error 451: host said: 554 5.7.1 blocked')).toBe(554);
  });
});

describe('codes written against each other or in brackets', () => {
  it.each([
    ['550#5.1.0 Address rejected carol@example.net', 550, '5.1.0'],
    ['553#5.1.3 bad address syntax', 553, '5.1.3'],
    ['550:5.1.1 mailbox unavailable', 550, '5.1.1'],
    ['550: 5.7.1 refused by local policy', 550, '5.7.1'],
    ['host said: 552: 5.2.2 mailbox size limit exceeded', 552, '5.2.2'],
    ['[550] 5.1.1 mailbox unavailable', 550, '5.1.1'],
    ['(554) relay not permitted', 554, null],
    ['the server said 552#5.2.2 mailbox full', 552, '5.2.2'],
  ])('reads "%s" as %s %s', (text, wantCode, wantEnhanced) => {
    expect(code(text)).toBe(wantCode);
    expect(enhanced(text)).toBe(wantEnhanced);
  });

  it('reads joined codes of different classes as given, and joins no longer number', () => {
    expect(read('550#4.2.2 try later').reply).toMatchObject({
      code: 550,
      enhancedCode: { class: 4, subject: 2, detail: 2 },
      content: 'try later',
    });
    expect(enhanced('550#5.1.1.4 closed')).toBeNull();
  });

  it('keeps the reply text without the joined codes', () => {
    expect(extractReply('550#5.1.0 Address rejected', { status: null }).content).toBe(
      'Address rejected',
    );
  });
});

describe('enhanced codes in a text with no reply', () => {
  it.each([
    ['Recipient address rejected: 5.1.1 mailbox unavailable', '5.1.1'],
    ['delivery refused by policy (5.7.1)', '5.7.1'],
    ['no such mailbox [5.1.1]', '5.1.1'],
    ['rejected, status=5.7.1', '5.7.1'],
    ['the status of this delivery is 5.2.2, mailbox over quota', '5.2.2'],
    ['temporarily deferred: 4.2.1 mailbox busy', '4.2.1'],
  ])('reads the enhanced code in "%s"', (text, want) => {
    expect(enhanced(text)).toBe(want);
  });

  it.each([
    ['mail filter version 5.1.1 refused the message'],
    ['scanner build 5.2.2 found a problem'],
    ['rule set 5.7.1.3 matched'],
    ['see https://help.example.net/errors/5.7.1.html'],
    ['connect to 10.5.1.1 failed'],
    ['host relay5.1.1.example.net unreachable'],
  ])('takes no enhanced code from "%s"', (text) => {
    expect(enhanced(text)).toBeNull();
  });

  it('keeps a specific Status over an enhanced code said in passing, and refines a vague one', () => {
    expect(enhanced('rejected by policy (5.7.1)', '5.2.2')).toBe('5.2.2');
    expect(enhanced('rejected by policy (5.7.1)', '5.0.0')).toBe('5.7.1');
    // Of the Status class only: a 4.x.x said in passing is no reason for a final 5.0.0.
    expect(enhanced('earlier attempts got 4.2.1 busy', '5.0.0')).toBe('5.0.0');
  });
});

describe('an enhanced code whose class contradicts its reply code', () => {
  it('stands as the server gave it under a Status that only repeats the class', () => {
    expect(read('552 4.2.2 mailbox full', '5.0.0').reply).toMatchObject({
      code: 552,
      enhancedCode: { class: 4, subject: 2, detail: 2 },
    });
  });

  it('gives way to a specific Status that agrees with the reply code', () => {
    expect(enhanced('552 4.2.2 mailbox full', '5.2.2')).toBe('5.2.2');
  });
});
