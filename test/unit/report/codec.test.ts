// The decoders are nodemailer's libraries behind bounds of ours (codec.ts). Hostile
// input must come back decoded as far as it goes, bounded, never as an exception; a
// hang or a super-linear pass shows as jest's timeout (tests assert no timings).
import {
  decodeBase64,
  decodeCharset,
  decodeEncodedWords,
  decodeQuotedPrintable,
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
