import {
  decodeBase64,
  decodeCharset,
  decodeEncodedWords,
  decodeQuotedPrintable,
} from '../../../src/report/codec';
import { parseContentType } from '../../../src/report/header';
import { decodedText, readMessage } from '../../../src/report/mime';

const eml = (...lines: string[]): string => lines.join('\n');

describe('MIME walk', () => {
  it('reads folded header fields as one value', () => {
    const msg = readMessage(eml('Subject: first', '  second', '\tthird', 'X-Other: x', '', 'body'));
    expect(msg.headers.get('subject')).toBe('first second third');
    expect(msg.headers.get('x-other')).toBe('x');
    expect(msg.root.body).toBe('body');
  });

  it('trims a field value of what String.prototype.trim removes, and keeps inner spacing', () => {
    const msg = readMessage(
      eml('Subject:\xa0\x0b first  word \x0c', 'X-Empty:', 'X-Late:', '   late', '', 'body'),
    );
    expect(msg.headers.raw('subject')).toBe('first  word');
    expect(msg.headers.raw('x-empty')).toBe('');
    expect(msg.headers.raw('x-late')).toBe('late');
  });

  it('joins RFC 2231 parameter sections beside plain parameters', () => {
    const ct = parseContentType(
      "text/plain; name*0*=utf-8''caf%C3%A9; name*1=.txt; charset=us-ascii; format=flowed",
    );
    expect(ct?.params.get('name')).toBe('café.txt');
    expect(ct?.params.get('charset')).toBe('us-ascii');
    expect(parseContentType('text/plain; charset=utf-8')?.params).toEqual(
      new Map([['charset', 'utf-8']]),
    );
  });

  it('reads header field names in any case and tolerates space before the colon', () => {
    const msg = readMessage(eml('CONTENT-type : text/plain; Charset=UTF-8', '', 'x'));
    expect(msg.root.type).toBe('text/plain');
    expect(msg.root.params.get('charset')).toBe('UTF-8');
  });

  it('skips an mbox From_ line and lines that are no fields', () => {
    const msg = readMessage(
      eml(
        'From MAILER-DAEMON  Mon Sep 20 19:33:02 2021',
        'Subject: s',
        'not a field',
        'To: a@b.example',
        '',
        'x',
      ),
    );
    expect(msg.headers.get('subject')).toBe('s');
    expect(msg.headers.get('to')).toBe('a@b.example');
  });

  it('decodes RFC 2047 encoded words, dropping the space between adjacent ones', () => {
    expect(decodeEncodedWords('=?utf-8?B?44OQ44Km44Oz44K5?= =?utf-8?Q?_Pr=C3=BCfung?= end')).toBe(
      'バウンス Prüfung end',
    );
    expect(decodeEncodedWords('=?iso-8859-1?q?caf=E9?=')).toBe('café');
    expect(decodeEncodedWords('plain =?bogus text')).toBe('plain =?bogus text');
  });

  it('reads content types and their parameters case-insensitively', () => {
    const ct = parseContentType('MULTIPART/Report; Report-Type="Delivery-Status";\tBOUNDARY=abc');
    expect(ct?.type).toBe('multipart/report');
    expect(ct?.params.get('report-type')).toBe('Delivery-Status');
    expect(ct?.params.get('boundary')).toBe('abc');
  });

  it('joins RFC 2231 parameter continuations and decodes their charset', () => {
    const ct = parseContentType(
      "application/x-stuff; title*0*=us-ascii'en'This%20is; title*1*=%20fun; name*=utf-8''%E2%9C%93",
    );
    expect(ct?.params.get('title')).toBe('This is fun');
    expect(ct?.params.get('name')).toBe('✓');
  });

  it('walks nested multiparts and encapsulated messages in document order', () => {
    const msg = readMessage(
      eml(
        'Content-Type: multipart/mixed; boundary=outer',
        '',
        '--outer',
        'Content-Type: multipart/alternative; boundary="inner"',
        '',
        '--inner',
        'Content-Type: text/plain',
        '',
        'plain',
        '--inner',
        'Content-Type: text/html',
        '',
        '<p>html</p>',
        '--inner--',
        '--outer',
        'Content-Type: message/rfc822',
        '',
        'Subject: returned',
        'Message-ID: <r@example.com>',
        'Content-Type: text/plain',
        '',
        'returned body',
        '--outer--',
      ),
    );
    expect(msg.parts.map((p) => p.type)).toEqual([
      'multipart/mixed',
      'multipart/alternative',
      'text/plain',
      'text/html',
      'message/rfc822',
      'text/plain',
    ]);
    expect(msg.texts().map((t) => t.text)).toEqual(['plain', '<p>html</p>']);
    expect(msg.returned()?.headers.get('subject')).toBe('returned');
    expect(msg.returned()?.text()).toContain('returned body');
  });

  it('transfer-decodes base64 and quoted-printable parts, then their charset', () => {
    const msg = readMessage(
      eml(
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: BASE64',
        '',
        Buffer.from('Grüße aus Köln', 'utf8').toString('base64'),
        '--b',
        'Content-Type: text/plain; charset=iso-8859-1',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'caf=E9 au =',
        'lait',
        '--b--',
      ),
    );
    expect(msg.texts().map((t) => t.text)).toEqual(['Grüße aus Köln', 'café au lait']);
  });

  it('keeps the parts read when the closing boundary is missing', () => {
    const msg = readMessage(
      eml(
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        '',
        'one',
        '--b',
        '',
        'two (cut off',
      ),
    );
    expect(msg.texts().map((t) => t.text)).toEqual(['one', 'two (cut off']);
    expect(msg.problems.map((p) => p.code)).toContain('mime.unterminated-multipart');
  });

  it('finds the delimiters of a multipart that lost its boundary parameter', () => {
    const msg = readMessage(
      eml(
        'Content-Type: multipart/mixed',
        '',
        '--guess',
        '',
        'one',
        '--guess',
        '',
        'two',
        '--guess--',
      ),
    );
    expect(msg.texts().map((t) => t.text)).toEqual(['one', 'two']);
  });

  it('does not take a longer boundary that starts with the boundary for a delimiter', () => {
    const msg = readMessage(
      eml(
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        '',
        'one',
        '--b-not-a-delimiter',
        'still one',
        '--b--',
      ),
    );
    expect(msg.texts().map((t) => t.text)).toEqual(['one\n--b-not-a-delimiter\nstill one']);
  });

  it('reads the same tree from LF, CRLF and CR-only line ends', () => {
    const lf = eml(
      'Content-Type: multipart/mixed; boundary=b',
      'Subject: a',
      ' b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'x',
      'y',
      '--b--',
      '',
    );
    const shape = (s: string): unknown => {
      const m = readMessage(s);
      return { subject: m.headers.get('subject'), texts: m.texts().map((t) => t.text) };
    };
    expect(shape(lf.replaceAll('\n', '\r\n'))).toEqual(shape(lf));
    expect(shape(lf.replaceAll('\n', '\r'))).toEqual(shape(lf));
  });

  it('reads the header section of a text/rfc822-headers part as the returned message', () => {
    const msg = readMessage(
      eml(
        'Content-Type: multipart/report; boundary=b',
        '',
        '--b',
        'Content-Type: text/rfc822-headers',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Subject: =93=FA',
        'Message-ID: <id@x>',
        '--b--',
      ),
    );
    const returned = msg.returned();
    expect(returned?.headers.get('message-id')).toBe('<id@x>');
    expect(returned?.headers.raw('subject')).toBe('\x93\xfa');
  });

  it('decodes base64 encoded per line, with padding in the middle', () => {
    const text =
      Buffer.from('hello', 'utf8').toString('base64') +
      '\n' +
      Buffer.from('world', 'utf8').toString('base64');
    expect(decodeBase64(text).bytes.toString('utf8')).toBe('helloworld');
  });

  it('counts characters outside the base64 alphabet and skips them', () => {
    const d = decodeBase64('aGVs*bG8=');
    expect(d.bytes.toString('utf8')).toBe('hello');
    expect(d.invalid).toBe(1);
  });

  it('keeps a malformed quoted-printable escape as it is', () => {
    expect(decodeQuotedPrintable('a=ZZb=4').bytes.toString('latin1')).toBe('a=ZZb=4');
  });

  it('gives a part decoded as text through decodedText', () => {
    const msg = readMessage(
      eml(
        'Content-Type: text/plain; charset=shift_jis',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from([0x93, 0xfa, 0x96, 0x7b]).toString('base64'),
      ),
    );
    expect(decodedText(msg.root, null)).toBe('日本');
  });

  it('decodes a character split across two adjacent encoded words (RFC 2047 section 5)', () => {
    // "é" is C3 A9 in UTF-8; a generator that cuts words by octets puts one in each.
    expect(decodeEncodedWords('=?utf-8?Q?caf=C3?= =?utf-8?Q?=A9?=')).toBe('café');
    expect(decodeEncodedWords('=?utf-8?B?w6k=?= =?utf-8?B?w6k=?=')).toBe('éé');
  });

  it('reads RFC 2231 parameters in any charset and drops a comment after a token', () => {
    const ct = parseContentType(
      "multipart/mixed; boundary=b0 (generated); name*=shift_jis''%93%FA%96%7B",
    );
    expect(ct?.params.get('boundary')).toBe('b0');
    expect(ct?.params.get('name')).toBe('日本');
    // A parenthesis inside a token is part of it.
    expect(parseContentType('text/plain; name=Invoice(1).pdf')?.params.get('name')).toBe(
      'Invoice(1).pdf',
    );
  });

  it('drops white space a transport added at the end of quoted-printable lines (RFC 2045 section 6.7 rule 3)', () => {
    expect(decodeQuotedPrintable('550 no such user   \nnext=20\n').bytes.toString('latin1')).toBe(
      '550 no such user\nnext \n',
    );
  });

  it('reads windows-1252 punctuation that latin1 lacks', () => {
    expect(
      decodeCharset(Buffer.from([0x93, 0x78, 0x94, 0x20, 0x96, 0x20, 0x92]), 'windows-1252'),
    ).toBe('\u201cx\u201d \u2013 \u2019');
  });

  it('reads Japanese text labelled ISO-2022-JP but sent in 8 bits by what the octets are', () => {
    // 宛先不明 ("address unknown") as ISO-2022-JP, EUC-JP, Shift_JIS and UTF-8.
    const jis = Buffer.from([
      0x1b, 0x24, 0x42, 0x30, 0x38, 0x40, 0x68, 0x49, 0x54, 0x4c, 0x40, 0x1b, 0x28, 0x42,
    ]);
    const eucJp = Buffer.from([0xb0, 0xb8, 0xc0, 0xe8, 0xc9, 0xd4, 0xcc, 0xc0]);
    const shiftJis = Buffer.from([0x88, 0xb6, 0x90, 0xe6, 0x95, 0x73, 0x96, 0xbe]);
    for (const bytes of [jis, eucJp, shiftJis, Buffer.from('宛先不明', 'utf8')])
      expect(decodeCharset(Buffer.concat([bytes, Buffer.from('\n550 5.1.1')]), 'ISO-2022-JP')).toBe(
        '宛先不明\n550 5.1.1',
      );
  });

  it('reads an unknown charset, and UTF-7, as UTF-8', () => {
    expect(decodeCharset(Buffer.from('Grüße', 'utf8'), 'x-unknown')).toBe('Grüße');
    expect(decodeCharset(Buffer.from('a+b@example.com', 'utf8'), 'unicode-1-1-utf-7')).toBe(
      'a+b@example.com',
    );
  });

  it('bounds what base64 and quoted-printable decode to, and says so', () => {
    const b64 = decodeBase64(Buffer.alloc(3000, 0x61).toString('base64'), 1000);
    expect(b64.bytes.length).toBe(1000);
    expect(b64.truncated).toBe(true);
    const qp = decodeQuotedPrintable('=41'.repeat(3000), 1000);
    expect(qp.bytes.length).toBe(1000);
    expect(qp.truncated).toBe(true);
    expect(decodeBase64('YWJj', 1000)).toEqual({
      bytes: Buffer.from('abc'),
      invalid: 0,
      truncated: false,
    });
  });
});
