// Content-Transfer-Encoding decoders (RFC 2045 §6.7 quoted-printable, §6.8 base64),
// charset decoding and RFC 2047 encoded words. Message text travels through the
// parsers as "binary strings" (one char per octet, Node's latin1), so structure can
// be found with indexOf and slices; text is turned into Unicode only where a person
// or a record will read it.
//
// The decoding itself is nodemailer's (libqp, libbase64, libmime with iconv-lite):
// measured on the corpus against the decoders this file had, they read the same
// octets, read more charsets right (Node's TextDecoder reads windows-1252 as latin1
// and loses its punctuation; RFC 2231 parameters in any charset) and cost under 1% of
// a parse (bench/building-blocks.js). What stays here is what a hostile sender makes
// us add: the output bounds, the count of bad base64 that becomes a ParseProblem, and
// the reading of Japanese text whose label names a 7-bit charset (encoding-japanese
// tells which one it is).
import { detect as detectJapanese, type EncodingName } from 'encoding-japanese';
import * as libbase64 from 'libbase64';
import { Libmime } from 'libmime';
import { decode as decodeInCharset } from 'libmime/lib/charset';
import * as libqp from 'libqp';
import { TextDecoder } from 'node:util';

/** Most decoded octets kept per part; the rest is dropped with a ParseProblem. */
export const MAX_DECODED_BYTES = 4 * 1024 * 1024;

const libmime = new Libmime();

function isBase64Char(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2b ||
    c === 0x2f ||
    // RFC 4648 §5 URL-safe alphabet: some generators use it, Node's decoder reads it.
    c === 0x2d ||
    c === 0x5f
  );
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

export interface Decoded {
  bytes: Buffer;
  /** Characters that are neither base64 nor white space (base64 only). */
  invalid: number;
  /** The input was longer than MAX_DECODED_BYTES allows. */
  truncated: boolean;
}

/** Cuts decoded octets to `maxBytes`; `cut` says whether input was dropped already. */
function bounded(bytes: Buffer, maxBytes: number, cut: boolean): Decoded {
  if (bytes.length > maxBytes)
    return { bytes: bytes.subarray(0, maxBytes), invalid: 0, truncated: true };
  return { bytes, invalid: 0, truncated: cut };
}

/**
 * RFC 2045 §6.8 base64 (libbase64). Tolerant: characters outside the alphabet are
 * skipped (and counted), and padding in the middle ends one quantum instead of the
 * whole text (some MTAs encode every line on its own).
 */
export function decodeBase64(s: string, maxBytes = MAX_DECODED_BYTES): Decoded {
  // Four characters give three octets; the slack covers line ends and stray characters.
  const maxChars = (Math.ceil(maxBytes / 3) * 4 + Math.ceil(maxBytes / 38) + 4) * 2;
  const input = s.length > maxChars ? s.slice(0, maxChars) : s;
  const d = bounded(libbase64.decode(input), maxBytes, input.length < s.length);
  d.invalid = countInvalidBase64(input);
  return d;
}

function countInvalidBase64(s: string): number {
  let invalid = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isBase64Char(c) && c !== 0x3d && !isSpace(c)) invalid++;
  }
  return invalid;
}

/**
 * RFC 2045 §6.7 quoted-printable (libqp). Soft line breaks vanish, white space at the
 * end of a line is dropped (rule 3: a transport added it), a malformed `=` stays as
 * it is (note 2 leaves that to decoders).
 */
export function decodeQuotedPrintable(s: string, maxBytes = MAX_DECODED_BYTES): Decoded {
  // Every octet out comes from at least one character in, and an escape takes three.
  const input = s.length > maxBytes * 3 ? s.slice(0, maxBytes * 3) : s;
  return bounded(libqp.decode(input), maxBytes, input.length < s.length);
}

/** The octets of a binary string. */
export function binaryBytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/** True when every char of a binary string is 7-bit. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A binary string holding UTF-8 (RFC 6532 headers, message/global) as Unicode text. */
export function utf8(s: string): string {
  return isAscii(s) ? s : Buffer.from(s, 'latin1').toString('utf8');
}

/** Charsets whose text is 7-bit (RFC 1468 ISO-2022-JP and its kin, RFC 2152 UTF-7, HZ). */
function isSevenBitCharset(cs: string): boolean {
  return cs.startsWith('iso-2022') || cs.includes('utf-7') || cs === 'hz-gb-2312';
}

/** The Japanese charsets encoding-japanese tells apart, in the order it tries them. */
const JAPANESE_8BIT: EncodingName[] = ['UTF8', 'EUCJP', 'SJIS'];
const JAPANESE_LABELS: Record<string, string> = {
  UTF8: 'utf-8',
  EUCJP: 'euc-jp',
  SJIS: 'shift_jis',
};

/**
 * ISO-2022-JP (RFC 1468) through Node's WHATWG Encoding Standard decoder: libmime
 * hands it to encoding-japanese, which reads the corpus the same at 29× the cost.
 */
const iso2022jp = new TextDecoder('iso-2022-jp');

/**
 * Octets in a MIME charset → Unicode (libmime: iconv-lite; Node's decoder for
 * ISO-2022-JP). Unknown charsets, and UTF-7 (which libmime refuses to decode, as it
 * smuggles markup past filters), are read as UTF-8.
 */
export function decodeCharset(bytes: Uint8Array, charset: string | null | undefined): string {
  const cs = (charset ?? '').trim().toLowerCase();
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let ascii = true;
  for (let i = 0; i < buf.length; i++) {
    if ((buf[i] as number) > 0x7f) {
      ascii = false;
      break;
    }
  }
  // ASCII octets are the same text in every charset but the 7-bit ones.
  if (ascii && !isSevenBitCharset(cs)) return buf.toString('latin1');
  if (cs.startsWith('iso-2022-jp')) {
    if (ascii) return iso2022jp.decode(buf);
    // 8-bit octets under a 7-bit label: the label is wrong. Japanese carriers send
    // EUC-JP, Shift_JIS or UTF-8 labelled ISO-2022-JP (au, Vodafone, DoCoMo bounces).
    const found = detectJapanese(buf, JAPANESE_8BIT);
    const label = typeof found === 'string' ? JAPANESE_LABELS[found] : undefined;
    if (label !== undefined) return decodeInCharset(buf, label);
  }
  return decodeInCharset(buf, cs === '' ? 'utf-8' : cs);
}

/**
 * RFC 2047 encoded words (`=?charset?B|Q?text?=`) in a header value, decoded
 * (libmime). White space between two adjacent encoded words is dropped (§6.2), and
 * adjacent words in one charset are joined before decoding, so a character split
 * across two words survives. The value is Unicode text already (see `utf8`);
 * malformed words are left as they are.
 */
export function decodeEncodedWords(value: string): string {
  if (value.indexOf('=?') < 0) return value;
  return libmime.decodeWords(value);
}
