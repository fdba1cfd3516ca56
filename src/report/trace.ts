// What ties a report to the message that caused it, read from the returned message:
// KumoMTA's supplemental trace header and the returned Message-ID, wherever the report
// carries them (an attached message/rfc822, a text/rfc822-headers section, or header
// lines pasted into the notification text, as qmail, Exim and many others do).
//
// KumoMTA's trace header (kumod `trace_headers`, docs: reference/kumo/start_esmtp_listener/
// trace_headers): a header, `X-KumoRef` unless `header_name` renames it, whose value is
// base64 of a JSON object holding the marker `"_@_": "\\_/"`, the recipient of the
// message (`recipient`) and the meta values named in `include_meta_names` (tenant,
// campaign, ...). KumoMTA decodes it from any `X-` header of an ARF report's returned
// message that carries the marker, since the name is configurable; oobd does the same
// for every report kind, and also reads the header names configured in
// `[reports] trace_headers` (names that do not start with `X-`).
//
// Pure and bounded: hostile input gets a fixed budget of lines, candidates and decoded
// bytes; string operations only, no regular expressions.
import { cleanMessageId, withoutRootDot } from './address';
import type { Headers } from './header';
import { isReturnedType, type MimeMessage, type MimePart } from './mime';
import type { Finding, ParseOptions } from './types';
import type { SupplementalTrace } from '../values';

/** KumoMTA's marker key and value (`{"_@_":"\\_/", ...}`): "this is our header". */
export const TRACE_MARKER_KEY = '_@_';
export const TRACE_MARKER_VALUE = '\\_/';

/** Longest trace header value decoded (base64 characters, white space removed). */
export const MAX_TRACE_VALUE = 64 * 1024;
/** Most header values tried as trace headers in one message. */
const MAX_CANDIDATES = 64;
/** Most characters of each notification text scanned for pasted header lines. */
const MAX_SCAN_CHARS = 1024 * 1024;
/** Most text parts scanned for pasted header lines. */
const MAX_SCAN_PARTS = 8;
/** Most continuation lines of a pasted header line. */
const MAX_CONTINUATION = 256;

/** What ties a report to the message it is about. */
export interface ReturnedTies {
  /** Message-ID of the returned message, without angle brackets. */
  originalMessageId: string | null;
  /** The decoded trace header, marker removed. */
  trace: SupplementalTrace | null;
}

/** A budget shared by the decoding attempts of one message. */
interface Budget {
  candidates: number;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isBase64Char(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2b || // +
    c === 0x2f // /
  );
}

/**
 * A header value decoded as KumoMTA's trace header, or null when it is none. As
 * KumoMTA reads it: white space (folding) removed, standard base64 with padding
 * (RFC 4648 §4), a JSON object whose `_@_` is `\_/`; the marker is left out of the
 * result. Anything else (other base64, other JSON, a marker of another value) is null.
 */
export function decodeTraceValue(value: string): SupplementalTrace | null {
  // Copied in runs between white space, not a character at a time (issue 17: every
  // X- field of a message comes here, most of them no trace header).
  let compact = '';
  let from = 0;
  let kept = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isSpace(c)) {
      if (i > from) compact += value.slice(from, i);
      from = i + 1;
      continue;
    }
    // Anything but the base64 alphabet and padding: not a trace header.
    if (!isBase64Char(c) && c !== 0x3d) return null;
    if (++kept > MAX_TRACE_VALUE) return null;
  }
  if (from < value.length) compact += value.slice(from);
  // The smallest marked object, `{"_@_":"\\_/"}`, is 16 characters in base64.
  if (compact.length < 16 || compact.length % 4 !== 0) return null;
  const pad = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  const body = compact.slice(0, compact.length - pad);
  if (body.indexOf('=') >= 0) return null;
  const json = Buffer.from(compact, 'base64').toString('utf8');
  if (json.charCodeAt(0) !== 0x7b) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const obj = parsed as Record<string, unknown>;
  if (obj[TRACE_MARKER_KEY] !== TRACE_MARKER_VALUE) return null;
  const out: SupplementalTrace = {};
  for (const [key, v] of Object.entries(obj)) if (key !== TRACE_MARKER_KEY) out[key] = v;
  return out;
}

function isTraceName(name: string, names: ReadonlySet<string>): boolean {
  return name.startsWith('x-') || names.has(name);
}

/**
 * The trace header among a message's header fields: the first `X-` field (or field of
 * a configured name) that decodes with KumoMTA's marker. `names` are lower case.
 */
export function traceInHeaders(
  headers: Headers,
  names: ReadonlySet<string> = EMPTY,
  budget: Budget = { candidates: MAX_CANDIDATES },
): SupplementalTrace | null {
  for (const field of headers.fields) {
    if (!isTraceName(field.name, names)) continue;
    if (budget.candidates-- <= 0) return null;
    const trace = decodeTraceValue(field.value);
    if (trace !== null) return trace;
  }
  return null;
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * The name of a header line `Name: value` (`text` from `start`, after leading white
 * space, to `end`): where it ends (`nameEnd`, its colon) and where the value starts,
 * or null. The name is not copied: most such lines of a text are none the caller
 * wants (issue 17).
 */
function fieldName(
  text: string,
  start: number,
  end: number,
): { nameEnd: number; value: number } | null {
  let i = start;
  while (i < end && i - start <= 76) {
    const c = text.charCodeAt(i);
    const token =
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x2d ||
      c === 0x5f;
    if (!token) break;
    i++;
  }
  if (i === start || i >= end || text.charCodeAt(i) !== 0x3a) return null;
  return { nameEnd: i, value: i + 1 };
}

/** `text` from `from` to `to` is `name` (lower case, ASCII) in any ASCII case. */
function namedAs(text: string, from: number, to: number, name: string): boolean {
  if (to - from !== name.length) return false;
  for (let i = 0; i < name.length; i++)
    if ((text.charCodeAt(from + i) | 0x20) !== name.charCodeAt(i)) return false;
  return true;
}

/** `isTraceName` of the field name `text` holds from `from` to `to` (token characters). */
function isTraceNameAt(
  text: string,
  from: number,
  to: number,
  names: ReadonlySet<string>,
): boolean {
  if ((text.charCodeAt(from) | 0x20) === 0x78 && text.charCodeAt(from + 1) === 0x2d) return true;
  return names.size > 0 && names.has(text.slice(from, to).toLowerCase());
}

/** Width of the white space that starts `text` at `start` (before `end`). */
function indentOf(text: string, start = 0, end = text.length): number {
  let i = start;
  while (i < end && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
  return i - start;
}

/** True when a line is only base64 characters and padding (white space around them). */
function base64Line(line: string): boolean {
  let seen = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    if (!isBase64Char(c) && c !== 0x3d) return false;
    seen = true;
  }
  return seen;
}

/**
 * Header lines of a returned message pasted into a notification text (qmail's "Below
 * this line is a copy of the message", Exim's "------ This is a copy of the message's
 * headers. ------", Domino, Exchange ...): the first `Message-ID:` line and the first
 * trace header, wherever they are in the text. A trace header's folded continuation
 * lines (base64 only) are joined as a header's would be.
 */
export function tiesInText(
  text: string,
  names: ReadonlySet<string> = EMPTY,
  budget: Budget = { candidates: MAX_CANDIDATES },
): ReturnedTies {
  const out: ReturnedTies = { originalMessageId: null, trace: null };
  const end = Math.min(text.length, MAX_SCAN_CHARS);
  let pos = 0;
  while (pos < end && (out.trace === null || out.originalMessageId === null)) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0 || nl > end) nl = end;
    // Lines are read in place: only a field's value is copied (issue 17).
    const lineStart = pos;
    pos = nl + 1;
    const indent = indentOf(text, lineStart, nl);
    const nameStart = lineStart + indent;
    const field = fieldName(text, nameStart, nl);
    if (field === null) continue;
    if (namedAs(text, nameStart, field.nameEnd, 'message-id')) {
      out.originalMessageId ??= cleanId(text.slice(field.value, nl));
      continue;
    }
    if (out.trace !== null || !isTraceNameAt(text, nameStart, field.nameEnd, names)) continue;
    let value = text.slice(field.value, nl);
    // Folded continuation lines: more indented than the field, base64 only.
    for (let n = 0; n < MAX_CONTINUATION && pos < end; n++) {
      let next = text.indexOf('\n', pos);
      if (next < 0 || next > end) next = end;
      const cont = text.slice(pos, next);
      if (indentOf(cont) <= indent || !base64Line(cont)) break;
      value += cont;
      pos = next + 1;
      if (value.length > MAX_TRACE_VALUE * 2) break;
    }
    if (budget.candidates-- <= 0) break;
    out.trace = decodeTraceValue(value);
  }
  return out;
}

/** A Message-ID value without angle brackets and comments around it; null when empty or not one token. */
function cleanId(value: string): string | null {
  const v = cleanMessageId(value);
  return v === null || v.indexOf(' ') >= 0 ? null : v;
}

/**
 * The returned message's Message-ID and trace header, from every form a report gives
 * it in: the attached message or header section first, then header lines pasted in
 * the message's own text parts.
 */
export function returnedTies(
  msg: MimeMessage,
  options: ParseOptions = {},
  scope: MimePart = msg.root,
): ReturnedTies {
  const names = traceHeaderNames(options);
  const budget: Budget = { candidates: MAX_CANDIDATES };
  const returned = msg.returned(scope);
  const out: ReturnedTies = { originalMessageId: null, trace: null };
  if (returned !== null) {
    const id = returned.headers.get('message-id');
    out.originalMessageId = id === null ? null : cleanId(id);
    out.trace = traceInHeaders(returned.headers, names, budget);
  }
  let parts = 0;
  for (const text of scopeTexts(msg, scope)) {
    if (out.trace !== null && out.originalMessageId !== null) break;
    if (++parts > MAX_SCAN_PARTS) break;
    const inline = tiesInText(text, names, budget);
    out.originalMessageId ??= inline.originalMessageId;
    out.trace ??= inline.trace;
  }
  return out;
}

/**
 * The texts a report's notification gives, for `returnedTies`: the message's own
 * (`texts()`), or those of an encapsulated report (its text/* parts outside the copies
 * it returns), decoded one at a time as the scan asks for them.
 */
function* scopeTexts(msg: MimeMessage, scope: MimePart): Generator<string> {
  if (scope === msg.root) {
    for (const { text } of msg.texts()) yield text;
    return;
  }
  for (const part of msg.parts) {
    if (part.scope !== scope || !part.type.startsWith('text/') || isReturnedType(part.type))
      continue;
    yield msg.textOf(part);
  }
}

const namesCache = new WeakMap<readonly string[], ReadonlySet<string>>();

function traceHeaderNames(options: ParseOptions): ReadonlySet<string> {
  const list = options.traceHeaders;
  if (list === undefined || list.length === 0) return EMPTY;
  let names = namesCache.get(list);
  if (names === undefined) {
    names = new Set(list.map((n) => n.trim().toLowerCase()));
    namesCache.set(list, names);
  }
  return names;
}

/**
 * Fills what ties each finding to its message, where the parser left it open: an OOB
 * finding's `original_message_id` and `supplemental_trace`, an MDN's. The walk is done
 * once per message, and only when a finding needs it. An OOB recipient loses an
 * absolute domain's root dot (`a@example.org.`, RFC 1034 §3.1). `scope` is the message
 * the findings' report is (a forwarded report's encapsulated message: its own returned
 * copy ties them, not the forwarded report itself).
 */
export function tieFindings(
  findings: Finding[],
  msg: MimeMessage,
  options: ParseOptions,
  scope: MimePart = msg.root,
): void {
  let ties: ReturnedTies | null = null;
  const get = (): ReturnedTies => (ties ??= returnedTies(msg, options, scope));
  for (const f of findings) {
    if (f.kind === 'oob') {
      // Whichever parser read it: "a@example.org." names a@example.org.
      f.recipient = withoutRootDot(f.recipient);
      if (f.report.original_message_id === null)
        f.report.original_message_id = get().originalMessageId;
      if (f.report.supplemental_trace === null) f.report.supplemental_trace = get().trace;
    } else if (f.kind === 'mdn') {
      if (f.report.original_message_id === null)
        f.report.original_message_id = get().originalMessageId;
      if (f.report.supplemental_trace === null) f.report.supplemental_trace = get().trace;
    } else {
      if (f.report.supplemental_trace === null) f.report.supplemental_trace = get().trace;
    }
  }
}
