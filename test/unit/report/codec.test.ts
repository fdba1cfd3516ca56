// The decoders are nodemailer's libraries behind bounds of ours (codec.ts). Hostile
// input must come back decoded as far as it goes, bounded, never as an exception; a
// hang or a super-linear pass shows as jest's timeout (tests assert no timings).
import * as iconv from 'iconv-lite';
import {
  decodeBase64,
  decodeCharset,
  decodeEncodedWords,
  decodeFieldText,
  decodeIso2022JpRuns,
  decodeQuotedPrintable,
  isAscii,
  MAX_DECODED_BYTES,
} from '../../../src/report/codec';

/** Deterministic pseudo-random bytes (mulberry32), so a failure can be replayed. */
function randomBytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let a = seed >>> 0;
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

describe('decoders on hostile input', () => {
  it('cuts quoted-printable at the decoded-size bound, white space and stray "=" included', () => {
    const d = decodeQuotedPrintable(' = '.repeat(2 * 1024 * 1024) + '=4');
    expect(d.bytes.length).toBe(MAX_DECODED_BYTES);
    expect(d.truncated).toBe(true);
    expect(decodeQuotedPrintable(' '.repeat(1024 * 1024)).bytes.length).toBe(0);
  });

  it('decodes base64 padded after every quantum to the end', () => {
    const d = decodeBase64('YQ==\n'.repeat(200_000));
    expect(d.bytes.length).toBe(200_000);
    expect(d.invalid).toBe(0);
  });

  it('counts and skips a megabyte of characters outside the base64 alphabet', () => {
    const d = decodeBase64('YWJj' + '*'.repeat(1024 * 1024) + 'ZGVm');
    expect(d.bytes.toString('latin1')).toBe('abcdef');
    expect(d.invalid).toBe(1024 * 1024);
  });

  it.each([
    ['=?'.repeat(16_384)],
    ['=?a?b?'.repeat(5_000)],
    ['=?utf-8?Q?' + ' '.repeat(32_000) + '?='],
    ['=?' + 'a'.repeat(32_000) + '?B?x?='],
    ['=?x?B?' + '?'.repeat(32_000)],
    ['=?utf-8?B?w6k=?='.repeat(2_000)],
    ['=?utf-8?Q?a?= =?latin1?Q?b?= '.repeat(1_000)],
  ])('reads a header field of 32 KB of encoded-word fragments (%#)', (value) => {
    expect(typeof decodeEncodedWords(value)).toBe('string');
  });

  it.each(['iso-2022-jp', 'shift_jis', 'euc-jp', 'gb2312', 'big5', 'koi8-r', 'utf-7', 'x-bogus'])(
    'turns a megabyte of random octets labelled %s into text',
    (charset) => {
      const text = decodeCharset(randomBytes(7, 1024 * 1024), charset);
      expect(text.length).toBeGreaterThan(0);
    },
  );
});

describe('7-bit Japanese under a label that is not its own (decodeCharset)', () => {
  // "宛先: a@example.jp" in ISO-2022-JP (RFC 1468): ESC $ B, the JIS X 0208 bytes, ESC ( B.
  const jis = Buffer.concat([
    Buffer.from('\x1b$B08@h\x1b(B: a@example.jp\n', 'latin1'),
    Buffer.from('plain line\n', 'latin1'),
  ]);

  it.each(['utf-8', '', 'us-ascii', 'windows-1252'])(
    'reads ISO-2022-JP text labelled "%s" (a part whose charset was left out) as Japanese',
    (charset) => {
      expect(decodeCharset(jis, charset)).toBe('宛先: a@example.jp\nplain line\n');
    },
  );

  it('leaves an ESC that switches to no Japanese set as it is', () => {
    const ansi = Buffer.from('\x1b[1mbold\x1b[0m a@example.jp', 'latin1');
    expect(decodeCharset(ansi, 'utf-8')).toBe(ansi.toString('latin1'));
  });
});

describe('text of header-like fields (decodeFieldText)', () => {
  const ESC = '\x1b';

  it('decodes runs of raw ISO-2022-JP between plain ASCII words', () => {
    const raw = `5.2.2 ${ESC}$B%a!<%k%\\%C%/%9$,0lGU$G$9${ESC}(B (quota)`;
    expect(decodeFieldText(raw)).toBe('5.2.2 メールボックスが一杯です (quota)');
  });

  it('reads the older JIS X 0208-1978 switch (ESC $ @) as well', () => {
    expect(decodeIso2022JpRuns(`${ESC}$@08@h$,B8:_$7$^$;$s${ESC}(B`)).toBe('宛先が存在しません');
  });

  it('leaves an ESC of another use alone (terminal colours, ISO-2022-KR)', () => {
    for (const s of [`${ESC}[31mred${ESC}[0m`, `${ESC}$)C${'\x0e'}1!${'\x0f'}`])
      expect(decodeFieldText(s)).toBe(s);
  });

  it('decodes a run of ISO-2022-JP next to text that is Unicode already', () => {
    expect(decodeIso2022JpRuns(`Empfänger ${ESC}$B08@h${ESC}(B`)).toBe('Empfänger 宛先');
  });

  it('decodes RFC 2047 encoded words, in ISO-2022-JP and in other charsets', () => {
    expect(decodeFieldText('550 =?ISO-2022-JP?B?GyRCMDhAaCQsQjg6XyQ3JF4kOyRzGyhC?=')).toBe(
      '550 宛先が存在しません',
    );
    expect(decodeFieldText('550 =?ISO-8859-1?Q?Empf=E4nger_unbekannt?=')).toBe(
      '550 Empfänger unbekannt',
    );
  });

  it('is linear on a megabyte of escapes, switches without an end and lone ESCs', () => {
    const hostile = `${ESC}$B`.repeat(200_000) + `${ESC}`.repeat(200_000) + 'ä'.repeat(100_000);
    const out = decodeFieldText(hostile);
    expect(out.length).toBeLessThanOrEqual(hostile.length);
    expect(out.endsWith('ä'.repeat(100_000))).toBe(true);
    const alternating = `${ESC}$Bx ä`.repeat(100_000);
    expect(decodeFieldText(alternating).length).toBeLessThanOrEqual(alternating.length);
  });
});

describe('a UTF-8 address in a text of another charset (RFC 6531 §3.3)', () => {
  const bytes = (...parts: (string | Buffer)[]): Buffer =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
  test('is read as UTF-8 between Latin-1 sentences', () => {
    const text = bytes(
      'Die Nachricht an <',
      Buffer.from('jürgen@bücher.example', 'utf8'),
      '> wurde nicht zugestellt: Empf\xe4nger unbekannt.',
    );
    expect(decodeCharset(text, 'iso-8859-1')).toBe(
      'Die Nachricht an <jürgen@bücher.example> wurde nicht zugestellt: Empfänger unbekannt.',
    );
  });

  test('is read as UTF-8 between Shift_JIS sentences', () => {
    const sjis = Buffer.from([0x88, 0xb6, 0x90, 0xe6]); // 宛先
    const text = bytes(sjis, ': ', Buffer.from('用户@例え.jp', 'utf8'), ' ', sjis);
    expect(decodeCharset(text, 'shift_jis')).toBe('宛先: 用户@例え.jp 宛先');
  });

  test.each([
    ['gb18030', 'GB2312', '收件人：', '用户@例え.jp'],
    ['gb18030', 'GBK', '收件人：', 'jürgen@bücher.example'],
    ['shift_jis', 'Shift_JIS', '宛先：', '用户@例え.jp'],
    ['big5', 'Big5', '收件者：', 'jürgen+tag@bücher.example'],
  ])(
    'is read as UTF-8 right after a %s character with no space between (%s)',
    (cs, label, lead, address) => {
      const text = bytes(iconv.encode(lead, cs), Buffer.from(address, 'utf8'), '\n');
      expect(decodeCharset(text, label)).toBe(`${lead}${address}\n`);
    },
  );

  test.each([
    ['收件人为lina@example.cn', 'gb18030'],
    ['收件人：lina@example.cn', 'gb18030'],
    ['宛先：taro@example.jp', 'shift_jis'],
  ])("leaves %s, an ASCII address after the charset's text, as the charset reads it", (t, cs) => {
    expect(decodeCharset(iconv.encode(t, cs), cs)).toBe(t);
  });

  test("leaves the charset's own text, and a Latin-1 address, as the charset reads them", () => {
    expect(decodeCharset(Buffer.from('j\xfcrgen@b\xfccher.example', 'latin1'), 'iso-8859-1')).toBe(
      'jürgen@bücher.example',
    );
    // "＠" in Shift_JIS is 0x81 0x97; a "@" octet as a second octet (0x81 0x40, the
    // ideographic space) is no address.
    expect(decodeCharset(Buffer.from([0x81, 0x40, 0x41, 0x81, 0x97]), 'shift_jis')).toBe(
      '\u3000A＠',
    );
  });
});

describe('7-bit binary strings (isAscii)', () => {
  it('is true only when no char is 0x80 or above, in a slice of a longer text too', () => {
    const text = randomBytes(7, 4096).toString('latin1');
    for (let from = 0; from < 4000; from += 37) {
      const s = text.slice(from, from + 1 + (from % 90));
      const own = [...s].every((c) => c.charCodeAt(0) < 0x80);
      expect([s, isAscii(s)]).toEqual([s, own]);
    }
    expect(isAscii('Final-Recipient: rfc822; a@example.org\x7f')).toBe(true);
    expect(isAscii('')).toBe(true);
    for (const c of ['\x80', '\xff', 'é', '日', '\ud800'])
      expect([c, isAscii(`ab${c}cd`)]).toEqual([c, false]);
  });
});
