// RFC 5322 §2.2 header fields (also the field syntax of RFC 3464 / 5965 / 8098
// report bodies) and RFC 2045 §5.1 / RFC 2231 Content-Type parameters. Input is a
// binary string with LF line ends (see mime.ts); every scan is bounded and linear.
//
// Both are ours, not libmime's or mailsplit's: measured on the corpus they read a
// header section at 2–16× the cost (with no bound on size or field count, no
// blank-line blocks for report bodies, and a line that is no field taken for one) and
// Content-Type at 3–8× (over 1% of a whole parse), for the same values
// (bench/building-blocks.js). RFC 2231 values are decoded in their charset by libmime.
import { binaryBytes, decodeCharset, utf8 } from './codec';
import type { ParseProblem } from './types';

/** Most bytes of one header section (or report body) that are read as fields. */
export const MAX_HEADER_BYTES = 256 * 1024;
/** Longest field value kept; the rest of a longer value is dropped. */
export const MAX_FIELD_BYTES = 32 * 1024;
/** Most fields read from one header section. */
export const MAX_FIELDS = 2000;

export interface ScanLimits {
  maxBytes: number;
  maxFields: number;
}

/** Limits for a header section. */
export const HEADER_LIMITS: ScanLimits = { maxBytes: MAX_HEADER_BYTES, maxFields: MAX_FIELDS };
/** Limits for a report body (a DSN may list many recipients). */
export const REPORT_LIMITS: ScanLimits = { maxBytes: 4 * 1024 * 1024, maxFields: 50_000 };

export interface HeaderField {
  /** Lower case. */
  name: string;
  /** Unfolded (each line break with the white space after it becomes one space), trimmed; binary string. */
  value: string;
  /** Index of the blank-line separated block the field is in (report bodies); 0 in headers. */
  block: number;
}

export interface FieldScan {
  fields: HeaderField[];
  /** Offset just after the blank line that ended the section, or the text length. */
  end: number;
}

function isWsp(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function isBlankLine(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!isWsp(c) && c !== 0x0d) return false;
  }
  return true;
}

/**
 * Reads `name: value` lines from `text` starting at `start`. With `stopAtBlank`
 * (a header section) reading ends at the first empty line; otherwise blank lines
 * separate numbered blocks (RFC 3464 §2.1 per-message and per-recipient groups).
 * Lines that are neither fields nor continuations are skipped: a sloppy line must
 * not end the section or lose the fields after it.
 */
export function scanFields(
  text: string,
  start: number,
  stopAtBlank: boolean,
  problems: ParseProblem[] | null,
  limits: ScanLimits = HEADER_LIMITS,
): FieldScan {
  const fields: HeaderField[] = [];
  const len = text.length;
  const limit = Math.min(len, start + limits.maxBytes);
  let pos = start;
  let block = 0;
  let blockHasFields = false;
  let name = '';
  let pieces: string[] | null = null;
  let first = '';
  let size = 0;
  let cut = false;

  const flush = (): void => {
    if (name === '') return;
    // `first` is trimmed already; a join can still start or end with white space
    // (an empty first line, a piece cut at MAX_FIELD_BYTES).
    const value = pieces === null ? first : pieces.join(' ').trim();
    if (fields.length < limits.maxFields) fields.push({ name, value, block });
    else cut = true;
    name = '';
    pieces = null;
  };

  while (pos < len) {
    if (pos >= limit) {
      cut = true;
      // Still find where the section ends so the body is located correctly.
      if (stopAtBlank) {
        const blank = text.indexOf('\n\n', pos - 1);
        pos = blank < 0 ? len : blank + 2;
      } else {
        pos = len;
      }
      break;
    }
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = len;
    const c = text.charCodeAt(pos);
    if (nl === pos || isBlankLine(text, pos, nl)) {
      flush();
      pos = nl + 1;
      if (stopAtBlank) {
        return finish(fields, Math.min(pos, len), cut, problems, limits);
      }
      if (blockHasFields) {
        block++;
        blockHasFields = false;
      }
      continue;
    }
    if (isWsp(c)) {
      if (name !== '') {
        const piece = trimmedSlice(text, pos, nl);
        if (piece !== '' && size < MAX_FIELD_BYTES) {
          if (pieces === null) pieces = [first];
          const room = MAX_FIELD_BYTES - size;
          pieces.push(piece.length > room ? piece.slice(0, room) : piece);
          size += piece.length + 1;
          if (piece.length > room) cut = true;
        }
      }
      pos = nl + 1;
      continue;
    }
    flush();
    const colon = text.indexOf(':', pos);
    if (colon >= 0 && colon < nl) {
      let nameEnd = colon;
      while (nameEnd > pos && isWsp(text.charCodeAt(nameEnd - 1))) nameEnd--;
      const common = commonName(text, pos, nameEnd);
      const nameLength = nameEnd - pos;
      if (common !== null || (nameLength > 0 && nameLength <= 256 && !hasWsp(text, pos, nameEnd))) {
        name = common ?? text.slice(pos, nameEnd).toLowerCase();
        const valueEnd = Math.min(nl, colon + 1 + MAX_FIELD_BYTES);
        if (valueEnd < nl) cut = true;
        first = trimmedSlice(text, colon + 1, valueEnd);
        size = first.length;
        pieces = null;
        blockHasFields = true;
      }
    }
    pos = nl + 1;
  }
  flush();
  return finish(fields, Math.min(pos, len), cut, problems, limits);
}

function finish(
  fields: HeaderField[],
  end: number,
  cut: boolean,
  problems: ParseProblem[] | null,
  limits: ScanLimits,
): FieldScan {
  if (cut && problems !== null) {
    problems.push({
      code: 'mime.header-truncated',
      detail: `fields beyond ${limits.maxBytes} bytes, ${MAX_FIELD_BYTES} bytes per field or ${limits.maxFields} fields were ignored`,
    });
  }
  return { fields, end };
}

/**
 * True for what String.prototype.trim removes (ECMA-262 WhiteSpace and LineTerminator:
 * TAB, VT, FF, SP, NBSP, ZWNBSP, Zs, LF, CR, LS, PS).
 */
function isTrimmed(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * `text.slice(from, to).trim()` as one substring: the pair allocated two strings per
 * field line (the untrimmed slice, then the trimmed copy); measured in issue 17 as the
 * largest allocation of a parse.
 */
function trimmedSlice(text: string, from: number, to: number): string {
  while (from < to && isTrimmed(text.charCodeAt(from))) from++;
  while (to > from && isTrimmed(text.charCodeAt(to - 1))) to--;
  return text.slice(from, to);
}

function hasWsp(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isWsp(s.charCodeAt(i))) return true;
  return false;
}

/**
 * The fields nearly every bounce carries, lower case, A to Z: RFC 5322 §3.6, RFC 2045
 * §3–§6 and RFC 2183, RFC 3464 §2.2–§2.3, RFC 3834 §5, RFC 5965 §3 and RFC 8601, with
 * the fields MTAs add (X-Postfix-*, X-Failed-Recipients, X-Original-To). One of them
 * spelled in any ASCII case is matched in place and shares this string, rather than
 * being sliced and lower-cased for each field (issue 17: scanFields was the largest
 * allocation site of a parse).
 */
const COMMON_NAMES: readonly string[] = [
  'action',
  'arrival-date',
  'authentication-results',
  'auto-submitted',
  'cc',
  'content-description',
  'content-disposition',
  'content-id',
  'content-language',
  'content-transfer-encoding',
  'content-type',
  'date',
  'delivered-to',
  'diagnostic-code',
  'dkim-signature',
  'feedback-type',
  'final-recipient',
  'from',
  'in-reply-to',
  'last-attempt-date',
  'message-id',
  'mime-version',
  'original-envelope-id',
  'original-recipient',
  'precedence',
  'received',
  'received-from-mta',
  'received-spf',
  'references',
  'remote-mta',
  'reply-to',
  'reporting-mta',
  'return-path',
  'sender',
  'status',
  'subject',
  'to',
  'user-agent',
  'version',
  'will-retry-until',
  'x-failed-recipients',
  'x-mailer',
  'x-original-to',
  'x-postfix-queue-id',
  'x-postfix-sender',
  'x-received',
];

/** COMMON_NAMES by length. */
const COMMON_BY_LENGTH: string[][] = [];
for (const n of COMMON_NAMES) (COMMON_BY_LENGTH[n.length] ??= []).push(n);

/**
 * The entry of COMMON_NAMES that `text` holds from `from` to `to` in any ASCII case,
 * else null. Exactly what `toLowerCase` would give: only ASCII capitals fold to the
 * name's letters; any other character must be the name's own.
 */
function commonName(text: string, from: number, to: number): string | null {
  const candidates = COMMON_BY_LENGTH[to - from];
  if (candidates === undefined) return null;
  for (const name of candidates) if (spells(text, from, name)) return name;
  return null;
}

function spells(text: string, from: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const k = name.charCodeAt(i);
    const c = text.charCodeAt(from + i);
    if (c !== k && !(k >= 0x61 && k <= 0x7a && c === k - 0x20)) return false;
  }
  return true;
}

/** The header fields of one message or body part, in order. */
export class Headers {
  constructor(readonly fields: readonly HeaderField[]) {}

  /** First value of a field as a binary string, or null. */
  raw(name: string): string | null {
    for (const f of this.fields) if (f.name === name) return f.value;
    return null;
  }

  /** First value of a field as Unicode (RFC 6532 UTF-8), or null. `name` is lower case. */
  get(name: string): string | null {
    const v = this.raw(name);
    return v === null ? null : utf8(v);
  }

  /** Every value of a field, as Unicode, in order. */
  getAll(name: string): string[] {
    const out: string[] = [];
    for (const f of this.fields) if (f.name === name) out.push(utf8(f.value));
    return out;
  }

  has(name: string): boolean {
    return this.raw(name) !== null;
  }
}

export interface ContentType {
  /** `type/subtype`, lower case. */
  type: string;
  /** Parameter names lower case; RFC 2231 continuations joined and decoded. */
  params: Map<string, string>;
}

/**
 * RFC 2045 §5.1 Content-Type with RFC 2231 parameter continuations and charsets.
 * Returns null when the value has no `type/subtype`.
 */
export function parseContentType(value: string | null): ContentType | null {
  if (value === null) return null;
  let semi = value.indexOf(';');
  if (semi < 0) semi = value.length;
  let type = stripComment(value.slice(0, semi)).trim().toLowerCase();
  // "text/plain charset=..." without the semicolon happens; keep the first word.
  const sp = type.indexOf(' ');
  if (sp > 0) type = type.slice(0, sp);
  const slash = type.indexOf('/');
  if (slash <= 0 || slash === type.length - 1) return null;
  return { type, params: parseParams(value, semi) };
}

function stripComment(s: string): string {
  const p = s.indexOf('(');
  return p < 0 ? s : s.slice(0, p);
}

/** `; name=value` parameters from `start`; also used for Content-Disposition. */
export function parseParams(value: string, start: number): Map<string, string> {
  const params = new Map<string, string>();
  // RFC 2231 sections are rare: the map is made for the first one only (issue 17).
  let sections: Map<string, { parts: string[]; encoded: boolean[] }> | null = null;
  let pos = start;
  const n = value.length;
  let count = 0;
  while (pos < n && count < 64) {
    // Skip separators and white space.
    while (pos < n) {
      const c = value.charCodeAt(pos);
      if (c === 0x3b || isWsp(c) || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
    if (pos >= n) break;
    const eq = value.indexOf('=', pos);
    const nextSemi = value.indexOf(';', pos);
    if (eq < 0 || (nextSemi >= 0 && nextSemi < eq)) {
      // A token without "=": skip it.
      pos = nextSemi < 0 ? n : nextSemi + 1;
      continue;
    }
    const name = value.slice(pos, eq).trim().toLowerCase();
    pos = eq + 1;
    while (pos < n && isWsp(value.charCodeAt(pos))) pos++;
    let v: string;
    if (value.charCodeAt(pos) === 0x22) {
      // quoted-string with backslash escapes (RFC 5322 §3.2.4)
      // Copied in runs between escapes, not a character at a time.
      let out = '';
      let i = pos + 1;
      let from = i;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c === 0x5c && i + 1 < n) {
          out += value.slice(from, i) + value.charAt(i + 1);
          i++;
          from = i + 1;
        } else if (c === 0x22) break;
      }
      v = out + value.slice(from, i);
      pos = i + 1;
      const semi = value.indexOf(';', pos);
      pos = semi < 0 ? n : semi + 1;
    } else {
      const semi = value.indexOf(';', pos);
      const end = semi < 0 ? n : semi;
      v = beforeComment(value.slice(pos, end).trim());
      pos = end + 1;
    }
    count++;
    if (name === '') continue;
    const star = name.indexOf('*');
    if (star < 0) {
      if (!params.has(name)) params.set(name, v);
      continue;
    }
    // RFC 2231 §3 and §4: name*0, name*1*, name*
    const base = name.slice(0, star);
    const rest = name.slice(star + 1);
    const encoded = rest.endsWith('*') || rest === '';
    const index = rest === '' ? 0 : Number.parseInt(rest, 10);
    if (!Number.isInteger(index) || index < 0 || index > 63) continue;
    sections ??= new Map();
    let s = sections.get(base);
    if (s === undefined) {
      s = { parts: [], encoded: [] };
      sections.set(base, s);
    }
    s.parts[index] = v;
    s.encoded[index] = encoded;
  }
  if (sections === null) return params;
  for (const [base, s] of sections) {
    if (params.has(base) && s.parts.length === 0) continue;
    let charset = '';
    let bytes = '';
    for (let i = 0; i < s.parts.length; i++) {
      let p = s.parts[i];
      if (p === undefined) break;
      if (s.encoded[i] === true) {
        if (i === 0) {
          const q1 = p.indexOf("'");
          const q2 = q1 < 0 ? -1 : p.indexOf("'", q1 + 1);
          if (q2 >= 0) {
            charset = p.slice(0, q1);
            p = p.slice(q2 + 1);
          }
        }
        bytes += percentDecode(p);
      } else {
        bytes += p;
      }
    }
    params.set(base, charset === '' ? bytes : decodeCharset(binaryBytes(bytes), charset));
  }
  return params;
}

/**
 * An unquoted value (an RFC 2045 §5.1 token, which holds no white space) ends where a
 * comment starts after white space: `boundary=b (comment)` names the boundary `b`.
 */
function beforeComment(v: string): string {
  for (let i = 1; i < v.length; i++) {
    if (v.charCodeAt(i) === 0x28 && isWsp(v.charCodeAt(i - 1))) return v.slice(0, i).trimEnd();
  }
  return v;
}

function percentDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length) {
      const h1 = hex(s.charCodeAt(i + 1));
      const h2 = hex(s.charCodeAt(i + 2));
      if (h1 >= 0 && h2 >= 0) {
        out += String.fromCharCode((h1 << 4) | h2);
        i += 2;
        continue;
      }
    }
    out += s.charAt(i);
  }
  return out;
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * The keyword of an RFC 3834 §5 Auto-Submitted value, lower case: `no`, `auto-generated`,
 * `auto-replied`, `auto-notified` (RFC 5436 §2.7.2) or an extension token; `''` when the
 * field is absent or holds none. The grammar is `[CFWS] keyword [CFWS] *(";" parameter)`,
 * so comments anywhere ("auto-replied (vacation)", "(typed by hand) no") and parameters
 * after the keyword ("auto-replied; owner-email=a@b") are not part of it.
 */
export function autoSubmittedKeyword(value: string | null): string {
  if (value === null) return '';
  let depth = 0;
  let keyword = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === '\\' && depth > 0) {
      i++;
      continue;
    }
    if (c === '(') {
      depth++;
      continue;
    }
    if (c === ')') {
      if (depth > 0) depth--;
      continue;
    }
    if (depth > 0) continue;
    if (c === ';') break;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (keyword !== '') break;
      continue;
    }
    keyword += c;
  }
  return keyword.toLowerCase();
}

/**
 * List headers (RFC 2369 List-Unsubscribe/List-Post, RFC 2919 List-Id): a newsletter or
 * list post. Responders answer one person and add none (RFC 3834 §3.1 lists what they
 * write), and a mail system's delivery notice (RFC 3464 §2, RFC 3461 §6) is addressed to
 * the envelope sender, not posted to a list; so these headers set a subject's hint
 * aside ("Out of office essentials", "Why emails bounce: undeliverable ..."), never a
 * header's evidence.
 */
export function isListMail(h: Headers): boolean {
  return (
    h.get('list-id') !== null || h.get('list-unsubscribe') !== null || h.get('list-post') !== null
  );
}
