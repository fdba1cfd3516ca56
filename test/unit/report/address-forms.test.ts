// Address forms the address transplants (bench/address-transplant.js) showed read
// wrong, checked on wordings written for them: a root dot after the domain (RFC 1034
// §3.1), a quoted local part with a space (RFC 5321 §4.1.2), a UTF-8 address (RFC
// 6531 §3.3) in Japanese text of another charset.
import * as iconv from 'iconv-lite';
import { decodeCharset } from '../../../src/report/codec';
import { leadingAddress } from '../../../src/report/heuristic/common';
import { parseMessage } from '../../../src/report/index';
import type { OobFinding } from '../../../src/report/types';

describe('the text after an address that leads a line', () => {
  test.each([
    [
      'ruth@example.org. (host: mx.example.org) (queue: smtp)',
      'ruth@example.org',
      '(host: mx.example.org) (queue: smtp)',
    ],
    ['ruth@example.org.\tmailbox is full', 'ruth@example.org', 'mailbox is full'],
    ['"ruth@example.org".', 'ruth@example.org', ''],
    ['""ruth smith"@example.org".', '"ruth smith"@example.org', ''],
    ['[ruth@example.org.].', 'ruth@example.org', ''],
  ])('%s names %s, then %j', (line, address, rest) => {
    expect(leadingAddress(line)).toEqual({ address, rest, reason: '' });
  });

  test('a dot that goes on into the domain is part of it, not a full stop', () => {
    expect(leadingAddress('ruth@example.org.uk (user unknown)')).toEqual({
      address: 'ruth@example.org.uk',
      rest: '(user unknown)',
      reason: '',
    });
  });

  test('text after a full stop is kept', () => {
    expect(leadingAddress('ruth@example.org... User unknown')?.rest).toBe('User unknown');
  });
});

/** An Exchange 2003 style text notice for `first` and a second recipient. */
function exchange2003(first: string): Buffer {
  return Buffer.from(
    [
      'From: System Administrator <postmaster@ex.example.org>',
      'To: sender@example.com',
      'Subject: Undeliverable: budget draft',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset="us-ascii"',
      '',
      'Your message',
      '',
      `  To:      ${first}; otto@example.net`,
      '  Subject: budget draft',
      '  Sent:    Tue, 4 Mar 2025 10:00:00 +0000',
      '',
      'did not reach the following recipient(s):',
      '',
      `${first} on Tue, 4 Mar 2025 10:01:00 +0000`,
      '    The e-mail account does not exist at the organization this message was sent to.',
      '    <mx.ex.example.org #5.1.1 smtp;550 5.1.1 no mailbox by that name>',
      '',
      'otto@example.net on Tue, 4 Mar 2025 10:01:00 +0000',
      '    The recipient mailbox is full.',
      '    <mx.ex.example.org #5.2.2 smtp;552 5.2.2 over quota>',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

describe("Exchange 2003's recipient lines", () => {
  test('a quoted local part with a space is a recipient of its own', () => {
    const found = parseMessage(exchange2003('"ruth smith"@example.org')).findings.filter(
      (f): f is OobFinding => f.kind === 'oob',
    );
    expect(found.map((f) => f.recipient)).toEqual(['"ruth smith"@example.org', 'otto@example.net']);
    expect(found[0]?.reply.code).toBe(550);
  });

  test('a display name alone still names no address of its own', () => {
    const found = parseMessage(exchange2003('Ruth Smith')).findings.filter(
      (f): f is OobFinding => f.kind === 'oob',
    );
    expect(found.map((f) => f.recipient)).not.toContain('Ruth Smith');
    expect(found.map((f) => f.recipient)).toContain('otto@example.net');
  });
});

describe('a UTF-8 address in Japanese text under a wrong or 7-bit label', () => {
  const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
  // ISO-2022-JP of JIS X 0208 text (RFC 1468 §2): its EUC-JP octets less 0x80,
  // between ESC $ B and ESC ( B (iconv-lite has no ISO-2022-JP encoder).
  const jis = (s: string): Buffer =>
    Buffer.concat([
      Buffer.from('\x1b$B', 'latin1'),
      Buffer.from([...iconv.encode(s, 'euc-jp')].map((b) => b & 0x7f)),
      Buffer.from('\x1b(B', 'latin1'),
    ]);

  test('EUC-JP text labelled ISO-2022-JP keeps the UTF-8 address', () => {
    const text = Buffer.concat([
      iconv.encode('宛先 ', 'euc-jp'),
      utf8('jürgen@bücher.example'),
      iconv.encode(' は存在しません', 'euc-jp'),
    ]);
    expect(decodeCharset(text, 'ISO-2022-JP')).toBe('宛先 jürgen@bücher.example は存在しません');
  });

  test('ISO-2022-JP text with a UTF-8 address still decodes its JIS runs', () => {
    const text = Buffer.concat([
      jis('宛先'),
      Buffer.from('\n', 'latin1'),
      utf8('用户@例え.jp'),
      Buffer.from('\n', 'latin1'),
      jis('ディレクトリにありません'),
    ]);
    expect(decodeCharset(text, 'ISO-2022-JP')).toBe('宛先\n用户@例え.jp\nディレクトリにありません');
  });

  test('EUC-JP text labelled ISO-2022-JP with an ASCII address reads as EUC-JP', () => {
    const t = '宛先 taro@example.jp は存在しません';
    expect(decodeCharset(iconv.encode(t, 'euc-jp'), 'ISO-2022-JP')).toBe(t);
  });
});

describe('a list of recipients under a generic intro', () => {
  const notice = (first: string): Buffer =>
    Buffer.from(
      [
        'From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.net>',
        'To: sender@example.com',
        'Subject: Delivery failure',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'Delivery to the following recipients failed permanently:',
        '',
        `    ${first}`,
        '    Otto Lang <otto@example.net>',
        '',
        'Reason: 550 5.1.1 mailbox not found here',
        '',
      ].join('\r\n'),
      'latin1',
    );
  const recipients = (raw: Buffer): string[] =>
    parseMessage(raw)
      .findings.filter((f): f is OobFinding => f.kind === 'oob')
      .map((f) => f.recipient);

  test('a display name and an address with a root dot in its brackets is a recipient line', () => {
    expect(recipients(notice('Ruth Smith <ruth@example.org.>'))).toEqual([
      'ruth@example.org',
      'otto@example.net',
    ]);
  });

  test('a sentence after an address with a dot is still no recipient line', () => {
    expect(recipients(notice('ruth@example.org. Please check the spelling.'))).not.toContain(
      'ruth@example.org',
    );
  });
});
