// Content-Transfer-Encoding decoders (RFC 2045 §6.7 quoted-printable, §6.8 base64),
// charset decoding and RFC 2047 encoded words. Message text travels through the
// parsers as "binary strings" (one char per octet, Node's latin1), so structure can
// be found with indexOf and slices; text is turned into Unicode only where a person
// or a record will read it.
//
// The octets are decoded by libraries: libqp and libbase64 (nodemailer's) for the
// transfer encodings, iconv-lite for charsets, as libmime does, and Node's WHATWG
// decoder for ISO-2022-JP, which iconv-lite lacks. Measured on the corpus against the
// decoders this file had, they read the same octets, read more right (Node's
// TextDecoder reads windows-1252 as latin1 and loses its punctuation) and add under 1%
// to a parse (bench/building-blocks.js). What stays ours is what a hostile sender
// makes us add (output bounds, the count of bad base64 that becomes a ParseProblem,
// Japanese text whose label names a 7-bit charset) and the RFC 2047 word scanner:
// libmime's decodeWords reads the same, but importing libmime costs a thread or an
// `oobd parse` process more start-up time than all of report/ (it builds the GBK
// tables and the MIME type lists at load), for a block that costs 0.1 µs a message.
import { isAscii as isAsciiBytes } from 'node:buffer';
import * as iconv from 'iconv-lite';
import * as libbase64 from 'libbase64';
import * as libqp from 'libqp';
import { TextDecoder } from 'node:util';

/** Most decoded octets kept per part; the rest is dropped with a ParseProblem. */
export const MAX_DECODED_BYTES = 4 * 1024 * 1024;

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

/**
 * True when every char of a binary string is 7-bit: its UTF-8 length is its length
 * (any char from 0x80 takes two octets or more). Node counts that in C++; a loop of
 * `charCodeAt` over a slice of the message (a header value, a part body) cost 3 ns a
 * char (issue 17: 1.4 µs against 0.1 for 421 chars, 0.1 against 0.06 for 30).
 */
export function isAscii(s: string): boolean {
  return Buffer.byteLength(s, 'utf8') === s.length;
}

/** A binary string holding UTF-8 (RFC 6532 headers, message/global) as Unicode text. */
export function utf8(s: string): string {
  return isAscii(s) ? s : Buffer.from(s, 'latin1').toString('utf8');
}

/** No charset label, or one that names ASCII (RFC 2046 §4.1.2's default). */
function isAsciiLabel(cs: string): boolean {
  return cs === '' || cs === 'us-ascii' || cs === 'ascii' || cs === 'iso646-us';
}

/** Charsets whose text is 7-bit (RFC 1468 ISO-2022-JP and its kin, RFC 2152 UTF-7, HZ). */
function isSevenBitCharset(cs: string): boolean {
  return cs.startsWith('iso-2022') || cs.includes('utf-7') || cs === 'hz-gb-2312';
}

/**
 * ISO-2022-JP (RFC 1468) through Node's WHATWG Encoding Standard decoder: iconv-lite
 * has no ISO-2022 codecs (libmime hands them to encoding-japanese, which reads the
 * corpus the same at 29× the cost).
 */
const iso2022jp = new TextDecoder('iso-2022-jp');

/**
 * The 8-bit Japanese charsets, in the order they are tried on text whose label is
 * wrong: a UTF-8 or EUC-JP text is seldom valid in the charsets after it.
 */
const JAPANESE_8BIT = ['utf-8', 'euc-jp', 'shift_jis'].map(
  (label) => new TextDecoder(label, { fatal: true }),
);

/**
 * Charset labels read as another charset: GB2312 and GBK labels as GB18030, their
 * superset (RFC 1922 §3 names GB2312 for Chinese mail, but mailers write GBK and
 * GB18030 characters under it; every GB2312 or GBK text is the same text in GB18030,
 * as the WHATWG Encoding Standard also reads "gb2312" as GBK), and the "x-" and
 * vendor names of EUC-JP, EUC-CN and Korean UHC that iconv-lite does not know.
 */
const CHARSET_ALIASES: ReadonlyMap<string, string> = new Map([
  ['gb2312', 'gb18030'],
  ['gbk', 'gb18030'],
  ['x-gbk', 'gb18030'],
  ['cp936', 'gb18030'],
  ['windows-936', 'gb18030'],
  ['euc-cn', 'gb18030'],
  ['x-euc-cn', 'gb18030'],
  ['csgb2312', 'gb18030'],
  ['x-euc-jp', 'euc-jp'],
  ['x-euc', 'euc-jp'],
  ['x-windows-949', 'cp949'],
  ['uhc', 'cp949'],
  ['x-uhc', 'cp949'],
]);

/**
 * Octets in a MIME charset → Unicode (iconv-lite; Node's decoder for ISO-2022-JP).
 * Unknown charsets, and UTF-7, are read as UTF-8: UTF-7 smuggles markup past filters
 * (libmime refuses it for that reason), and what MTAs label so is ASCII.
 */
export function decodeCharset(bytes: Uint8Array, charset: string | null | undefined): string {
  const label = (charset ?? '').trim().toLowerCase();
  const cs = CHARSET_ALIASES.get(label) ?? label;
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Node's own check (SIMD) rather than a loop over the octets.
  const ascii = isAsciiBytes(buf);
  // ASCII octets are the same text in every charset but the 7-bit ones; and 7-bit
  // Japanese under any other label is ISO-2022-JP when it switches to JIS X 0208 (RFC
  // 1468 §2): qmail's and old Japanese mailers' notices carry no MIME charset or an
  // ASCII one, and Outlook writes `Content-Type: text/plain;` with the charset left out
  // (read here as the UTF-8 fallback), yet no other charset puts ESC $ B in its text.
  if (ascii && !isSevenBitCharset(cs)) return decodeIso2022JpRuns(buf.toString('latin1'));
  if (cs.startsWith('iso-2022-jp')) {
    if (ascii) return iso2022jp.decode(buf);
    // 8-bit octets under a 7-bit label: the label is wrong. Japanese carriers send
    // EUC-JP, Shift_JIS or UTF-8 labelled ISO-2022-JP (au, Vodafone, DoCoMo bounces).
    for (const decoder of JAPANESE_8BIT) {
      try {
        const text = decoder.decode(buf);
        // A UTF-8 address stays UTF-8 in EUC-JP or Shift_JIS text, and in ISO-2022-JP
        // text, whose escaped runs are then still JIS (RFC 6531 §3.3, RFC 1468 §2).
        return decoder.encoding === 'utf-8'
          ? decodeIso2022JpRuns(text)
          : decodeWithUtf8Addresses(buf, decoder.encoding);
      } catch {
        // not this one
      }
    }
  }
  // 8-bit octets under an ASCII label, or valid UTF-8 under a Latin label: UTF-8
  // (RFC 6531/6532: an SMTPUTF8 address or text is UTF-8, and MTAs copy a recipient's
  // octets into a notice whatever its part's label says). A Latin-1 text is seldom
  // valid UTF-8 by chance (every octet over 0x7F would have to pair up: "Ã¼").
  if (isAsciiLabel(cs) || LATIN_LABELS.has(cs)) {
    try {
      return fatalUtf8.decode(buf);
    } catch {
      if (isAsciiLabel(cs)) return iconv.decode(buf, 'windows-1252');
    }
  }
  if (cs === '' || cs.includes('utf-7') || !iconv.encodingExists(cs)) return buf.toString('utf8');
  // UTF-8 itself, and the 16- and 32-bit forms, whose octets no run may split.
  if (cs.startsWith('utf') || cs.startsWith('ucs')) return iconv.decode(buf, cs);
  return decodeWithUtf8Addresses(buf, cs);
}

/**
 * Octets that end an address-like run: white space and the brackets, quotes and
 * punctuation around addresses. All are under 0x40, so none is the second octet of a
 * Shift_JIS, Big5 or GBK character (those start at 0x40): a run never starts inside one.
 */
function endsRun(c: number): boolean {
  return (
    c <= 0x20 ||
    c === 0x22 ||
    c === 0x27 ||
    c === 0x28 ||
    c === 0x29 ||
    c === 0x2c ||
    c === 0x3a ||
    c === 0x3b ||
    c === 0x3c ||
    c === 0x3e
  );
}

/**
 * Text in charset `cs` whose address-like runs ("用户@例え.jp" between delimiters) are
 * read as UTF-8 when they are valid UTF-8 with non-ASCII octets: MTAs copy an SMTPUTF8
 * recipient's octets (RFC 6531 §3.3) into a notice written in their own charset, so a
 * German or Japanese notice names "jürgen@bücher.example" in UTF-8 between its
 * ISO-8859-1 or Shift_JIS sentences. A run of the charset's own text is seldom valid
 * UTF-8 (a lead octet must be followed by the right number of 0x80–0xBF octets). Linear.
 */
function decodeWithUtf8Addresses(buf: Buffer, cs: string): string {
  let out = '';
  let from = 0;
  // Where the last run ended: each octet is scanned once or twice.
  let scanned = 0;
  let at = buf.indexOf(0x40);
  while (at >= 0) {
    let start = at;
    while (start > scanned && !endsRun(buf[start - 1] as number)) start--;
    let end = at + 1;
    while (end < buf.length && !endsRun(buf[end] as number)) end++;
    let high = false;
    for (let i = start; i < end && !high; i++) high = (buf[i] as number) > 0x7f;
    if (high) {
      try {
        const run = fatalUtf8.decode(buf.subarray(start, end));
        out += iconv.decode(buf.subarray(from, start), cs) + run;
        from = end;
      } catch {
        // The charset's own text, or the address right after a character of it with no
        // space between ("收件人：用户@例え.jp", a full-width colon before it).
        const s = utf8AddressStart(buf, start, at, end, cs);
        if (s > start) {
          out += iconv.decode(buf.subarray(from, s), cs) + fatalUtf8.decode(buf.subarray(s, end));
          from = end;
        }
      }
    }
    scanned = end;
    at = buf.indexOf(0x40, end);
  }
  return from === 0 ? iconv.decode(buf, cs) : out + iconv.decode(buf.subarray(from), cs);
}

/** Most octets of a local part looked at (RFC 5321 §4.5.3.1.1: 64, up to 4 octets a character in UTF-8). */
const MAX_LOCAL_OCTETS = 256;

/**
 * Where a UTF-8 address starts inside the run `start`..`end` (its "@" at `at`) when
 * characters of charset `cs` stand right before it: the longest valid UTF-8 tail of
 * the run's part before the "@" whose octets before it are whole characters of `cs`
 * (they decode and encode back to the same octets), the rest of the run valid UTF-8
 * too. The address must hold a non-ASCII character past its first ASCII one: a
 * character of `cs` that is valid UTF-8 by chance before an ASCII address
 * ("为lina@example.cn") is not taken for part of it. Returns `start` when none is found.
 */
function utf8AddressStart(buf: Buffer, start: number, at: number, end: number, cs: string): number {
  if (end - at > MAX_LOCAL_OCTETS * 4 || !validUtf8(buf, at, end)) return start;
  // The longest tail of whole UTF-8 characters before the "@" (walking back over
  // continuation octets to each lead octet).
  let s = at;
  const floor = Math.max(start, at - MAX_LOCAL_OCTETS);
  for (let i = at - 1; i >= floor;) {
    let lead = i;
    while (lead > floor && ((buf[lead] as number) & 0xc0) === 0x80) lead--;
    if (!validUtf8(buf, lead, s)) break;
    s = lead;
    i = lead - 1;
  }
  // Move past octets that split a character of the charset before the address.
  for (let tries = 0; s < at && tries < 4; tries++) {
    const before = buf.subarray(start, s);
    if (s > start && iconv.encode(iconv.decode(before, cs), cs).equals(before)) break;
    s = nextUtf8(buf, s);
  }
  if (s <= start || s >= at) return start;
  // A non-ASCII character past the address's first ASCII octet.
  let i = s;
  while (i < end && (buf[i] as number) > 0x7f) i++;
  for (; i < end; i++) if ((buf[i] as number) > 0x7f) return s;
  return start;
}

/** The octets `from`..`to` are valid UTF-8. */
function validUtf8(buf: Buffer, from: number, to: number): boolean {
  try {
    fatalUtf8.decode(buf.subarray(from, to));
    return true;
  } catch {
    return false;
  }
}

/** The offset after the UTF-8 character that starts at `at`. */
function nextUtf8(buf: Buffer, at: number): number {
  let i = at + 1;
  while (i < buf.length && ((buf[i] as number) & 0xc0) === 0x80) i++;
  return i;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The Western European labels whose text is read as UTF-8 when it is valid UTF-8. */
const LATIN_LABELS: ReadonlySet<string> = new Set([
  'iso-8859-1',
  'iso-8859-15',
  'latin1',
  'windows-1252',
  'cp1252',
]);

/** RFC 2047 §4.2 "Q": quoted-printable where `_` stands for a space (hex 20). */
function decodeQ(text: string): Buffer {
  return libqp.decode(text.indexOf('_') < 0 ? text : text.replaceAll('_', '=20'));
}

/**
 * RFC 2047 encoded words (`=?charset?B|Q?text?=`) in a header value, decoded. White
 * space between two adjacent encoded words is dropped (§6.2), and the octets of
 * adjacent words in one charset are decoded together, so a character a generator
 * split across two words survives (as libmime does). The value is Unicode text
 * already (see `utf8`); malformed words are left as they are.
 */
export function decodeEncodedWords(value: string): string {
  if (value.indexOf('=?') < 0) return value;
  let out = '';
  let pos = 0;
  let lastWasWord = false;
  // Octets of the run of adjacent words in `runCharset` not yet decoded.
  let run: Buffer[] = [];
  let runCharset = '';
  const flush = (): void => {
    if (run.length === 0) return;
    out += decodeCharset(run.length === 1 ? (run[0] as Buffer) : Buffer.concat(run), runCharset);
    run = [];
  };
  while (pos < value.length) {
    const start = value.indexOf('=?', pos);
    if (start < 0) break;
    const q1 = value.indexOf('?', start + 2);
    const q2 = q1 < 0 ? -1 : value.indexOf('?', q1 + 1);
    const end = q2 < 0 ? -1 : value.indexOf('?=', q2 + 1);
    const enc = q1 < 0 ? '' : value.charAt(q1 + 1).toLowerCase();
    if (q1 < 0 || q2 !== q1 + 2 || end < 0 || (enc !== 'b' && enc !== 'q')) {
      flush();
      out += value.slice(pos, start + 2);
      pos = start + 2;
      lastWasWord = false;
      continue;
    }
    const between = value.slice(pos, start);
    // §6.2: linear white space between encoded words is not displayed.
    const adjacent = lastWasWord && between.trim() === '';
    let charset = value.slice(start + 2, q1).toLowerCase();
    const star = charset.indexOf('*'); // RFC 2231 §5 language suffix
    if (star >= 0) charset = charset.slice(0, star);
    if (!adjacent || charset !== runCharset) flush();
    if (!adjacent) out += between;
    const text = value.slice(q2 + 1, end);
    run.push(enc === 'b' ? decodeBase64(text).bytes : decodeQ(text));
    runCharset = charset;
    lastWasWord = true;
    pos = end + 2;
  }
  flush();
  return out + value.slice(pos);
}

/** ESC $ B and ESC $ @: the switch to JIS X 0208 that every ISO-2022-JP text with kanji or kana makes (RFC 1468 §2). */
const JIS_X_0208_ESCAPES = ['\x1b$B', '\x1b$@'];

/**
 * Runs of raw ISO-2022-JP (RFC 1468) in Unicode text, decoded: octets an MTA copied
 * into a field without a charset label or encoded words (Lotus Domino's Japanese
 * Diagnostic-Code: "ESC $ B %f!<%6!< ESC ( B Neko ..."). A run is a stretch of 7-bit
 * characters holding a switch to JIS X 0208; other text, and a run without one (an
 * ESC of another use), stays as it is. Linear in the length of `value`.
 */
export function decodeIso2022JpRuns(value: string): string {
  if (value.indexOf('\x1b') < 0) return value;
  let out = '';
  let pos = 0;
  while (pos < value.length) {
    // The run of 7-bit characters from `pos`, then the non-ASCII text after it.
    let end = pos;
    while (end < value.length && value.charCodeAt(end) < 0x80) end++;
    const run = value.slice(pos, end);
    out +=
      run.indexOf('\x1b') >= 0 && JIS_X_0208_ESCAPES.some((e) => run.indexOf(e) >= 0)
        ? iso2022jp.decode(Buffer.from(run, 'latin1'))
        : run;
    pos = end;
    while (end < value.length && value.charCodeAt(end) >= 0x80) end++;
    out += value.slice(pos, end);
    pos = end;
  }
  return out;
}

/**
 * The text of a header-like field (a DSN's Diagnostic-Code, Status comment,
 * X-Supplementary-Info) as a person reads it, from its Unicode value: raw ISO-2022-JP
 * runs decoded (`decodeIso2022JpRuns`), then RFC 2047 encoded words
 * (`decodeEncodedWords`: RFC 3464 §2.1.2 gives these fields no charset of their own,
 * and MTAs put encoded words in them as in a Subject). Linear in the length of `value`.
 */
export function decodeFieldText(value: string): string {
  return decodeEncodedWords(decodeIso2022JpRuns(value));
}
