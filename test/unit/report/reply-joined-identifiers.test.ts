// A reply code with its enhanced code ("550-5.1.1", "421 4.7.0") stands as a reply only
// where a reply starts (RFC 5321 §4.2: at a line's start; quoted in a text after a
// space, a bracket, a quote or a colon; Exchange's "#550 5.1.1" at the start or after a
// space). Joined by "-", "/" or a word's "#" to what is before it, the same digits are
// part of a ticket number, a path or a URL fragment and never replace the reply that
// opens the text. Multi-line replies joined on one line (Postfix smtp(8)) keep their
// "550-" continuation prefixes. Wordings are ours.
import { extractReply, parseStatus } from '../../../src/report/reply';
import { formatEnhancedCode } from '../../../src/values';

const read = (text: string, st: string | null = null) => {
  const r = extractReply(text, {
    status: st === null ? null : parseStatus(st).code,
    action: 'failed',
  });
  return {
    code: r.code,
    enhanced: r.enhancedCode ? formatEnhancedCode(r.enhancedCode) : null,
    content: r.content,
  };
};

describe('codes inside identifiers, paths and URL fragments', () => {
  it.each([
    [
      'a hyphenated ticket number',
      '554 5.7.1 Refused by the gateway. Case 312-554-4.4.2',
      554,
      '5.7.1',
    ],
    [
      'a reference after a hash',
      '550 5.2.1 Mailbox disabled. Reference #200-551-5.1.6',
      550,
      '5.2.1',
    ],
    [
      'a URL path',
      '552 5.3.4 Too big, see https://help.example.net/kb/552-5.2.3 for limits',
      552,
      '5.3.4',
    ],
    [
      'a URL fragment after a word',
      '550 5.7.26 Unauthenticated, read docs.example.net/auth#550-5.7.1',
      550,
      '5.7.26',
    ],
  ])(
    'keeps the opening reply and its whole text when %s holds a code pair',
    (_, text, code, enhanced) => {
      const r = read(text);
      expect([r.code, r.enhanced]).toEqual([code, enhanced]);
      expect(r.content).toBe(text.split(' ').slice(2).join(' '));
    },
  );

  it('does not take a hyphenated reference as the reply of a text that has none', () => {
    expect(read('Relay refused the message, incident 7-421-4.7.0', '5.0.0')).toEqual({
      code: 550,
      enhanced: '5.0.0',
      content: 'Relay refused the message, incident 7-421-4.7.0',
    });
  });
});

describe('reply pairs that still stand', () => {
  it('reads a reply quoted after a colon inside a gateway sentence', () => {
    const r = read('Delivery to the next hop failed:550-5.1.1 no such mailbox here');
    expect([r.code, r.enhanced]).toEqual([550, '5.1.1']);
  });

  it('reads a reply in parentheses after a local wrapper', () => {
    const r = read('Message not delivered (553 5.1.3 malformed address)');
    expect([r.code, r.enhanced]).toEqual([553, '5.1.3']);
  });

  it('reads Exchange-style hash replies at the start and after a space', () => {
    expect(read('#554 5.4.4 SMTPSEND.DNS.NonExistentDomain ##').enhanced).toBe('5.4.4');
    const r = read('Routing failed: #550 5.4.1 Recipient address rejected ##');
    expect([r.code, r.enhanced]).toEqual([550, '5.4.1']);
  });

  it('keeps a multi-line reply joined on one line whole', () => {
    expect(
      read('552-5.2.2 This mailbox has no space left 552-5.2.2 for new mail 552 5.2.2 try later'),
    ).toEqual({
      code: 552,
      enhanced: '5.2.2',
      content: 'This mailbox has no space left for new mail try later',
    });
  });
});

describe('enhanced codes written oddly (RFC 3463 §2: class 2, 4 or 5; subject and detail 1-3 digits)', () => {
  it('reads leading zeros by value', () => {
    expect(read('550 5.02.002 Mailbox full').enhanced).toBe('5.2.2');
  });

  it('reads a two-digit detail and a three-digit detail', () => {
    expect(read('550 5.1.10 Recipient not found by address lookup').enhanced).toBe('5.1.10');
    expect(read('451 4.7.650 Rate limited for reputation').enhanced).toBe('4.7.650');
  });

  it('reads no enhanced code with a four-digit detail, a two-digit class or class 3', () => {
    expect(read('550 5.2.2000 Mailbox full').enhanced).toBeNull();
    expect(read('550 45.2.2 Mailbox full').enhanced).toBeNull();
    expect(read('550 3.2.2 Mailbox full').enhanced).toBeNull();
  });
});
