// SMTP replies out of report text: RFC 5321 §4.2 reply codes (multi-line replies
// joined), RFC 3463 enhanced status codes, and the RFC 3464 §2.3.4 Status and
// §2.3.6 Diagnostic-Code fields they come from. The reply lands in the record's
// `response`, so `content` holds neither the reply code nor a repeated enhanced code.
import RE2 from 're2';
import { enhancedCodeAt, formatEnhancedCode, type EnhancedCode } from '../values';
import type { Reply } from './types';

/** Longest `content` kept; a reply is a line of text, not a document. */
export const MAX_CONTENT = 4096;

// A reply code followed by an enhanced code, anywhere: "... RCPT TO:<a@b>: 550 5.1.1 ...".
const CODE_AND_ENHANCED = new RE2(
  '\\b([245][0-9][0-9])[ -][\'"]?#?([245]\\.[0-9]{1,3}\\.[0-9]{1,3})\\b',
);
// A reply code after the words MTAs put before a remote server's reply.
const CODE_AFTER_MARKER = new RE2(
  '(?i)(?:\\b(?:said|says|replied|responded|response|reply|answered|returned|reason|talk to me)(?: was| is)?[ ]?:|>:|\\]:)[ ]?\\(?([245][0-9][0-9])(?:[ -]|$)',
);

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** RFC 3464 §2.3.4 Status: the code and the comment after it (parentheses removed). */
export function parseStatus(value: string | null): { code: EnhancedCode | null; comment: string } {
  if (value === null) return { code: null, comment: '' };
  const v = value.trim();
  const r = enhancedCodeAt(v, 0);
  if (r === null) return { code: null, comment: v };
  let comment = v.slice(r.end).trim();
  if (comment.startsWith('(') && comment.endsWith(')')) comment = comment.slice(1, -1).trim();
  return { code: r.code, comment };
}

/** Every run of white space and control characters becomes one space; trimmed. */
export function oneLine(text: string): string {
  let out = '';
  let start = -1;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 0x20;
    const space = c <= 0x20 || c === 0x7f;
    if (!space) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) {
      out += out.length > 0 ? ' ' + text.slice(start, i) : text.slice(start, i);
      start = -1;
    }
  }
  return out;
}

/** A reply code (RFC 5321 §4.2: first digit 2-5, second 0-5) at `pos`, followed by " ", "-" or, when `bare`, the end. */
function codeAt(t: string, pos: number, bare: boolean): number {
  const c0 = t.charCodeAt(pos);
  if (c0 !== 0x32 && c0 !== 0x34 && c0 !== 0x35) return -1;
  const c1 = t.charCodeAt(pos + 1);
  if (c1 < 0x30 || c1 > 0x35 || !isDigit(t.charCodeAt(pos + 2))) return -1;
  if (pos + 3 >= t.length) return bare ? Number(t.slice(pos, pos + 3)) : -1;
  const next = t.charCodeAt(pos + 3);
  if (next !== 0x20 && next !== 0x2d) return -1;
  return Number(t.slice(pos, pos + 3));
}

/** Where the reply code of the remote server starts in one-line text, or -1. */
function findReplyCode(t: string, bare: boolean): number {
  let start = 0;
  if (t.charCodeAt(0) === 0x23) start = 1; // "#550 ..." (Exchange)
  if (codeAt(t, start, bare) >= 0) return start;
  let best = -1;
  const a = CODE_AND_ENHANCED.exec(t);
  if (a !== null) best = a.index;
  const b = CODE_AFTER_MARKER.exec(t);
  if (b !== null && b[1] !== undefined) {
    const pos = b.index + b[0].lastIndexOf(b[1]);
    if (best < 0 || pos < best) best = pos;
  }
  return best;
}

/**
 * Removes the prefixes a multi-line reply repeats on every line (RFC 5321 §4.2.1:
 * "550-5.1.1 ..." then "550 5.1.1 ..."), once the lines are joined into one.
 */
function joinMultiline(content: string, code: string, enhanced: string | null): string {
  const dash = code + '-';
  const multiline = content.startsWith(dash) || content.indexOf(' ' + dash) >= 0;
  let out = '';
  let pos = 0;
  let search = 0;
  for (;;) {
    const i = content.indexOf(code, search);
    if (i < 0) break;
    search = i + code.length;
    if (i > 0 && content.charCodeAt(i - 1) !== 0x20) continue;
    const sepPos = i + code.length;
    const atEnd = sepPos >= content.length;
    const sep = content.charCodeAt(sepPos);
    let end = -1;
    if (sep === 0x2d) end = sepPos + 1;
    else if (atEnd || sep === 0x20) {
      const enhancedFollows = enhanced !== null && startsWithCode(content, sepPos + 1, enhanced);
      if (multiline || enhancedFollows) end = Math.min(sepPos + 1, content.length);
    }
    if (end < 0) continue;
    if (enhanced !== null && startsWithCode(content, end, enhanced)) end += enhanced.length;
    out += content.slice(pos, i);
    pos = end;
    search = end;
  }
  return oneLine(out + content.slice(pos));
}

function startsWithCode(s: string, pos: number, code: string): boolean {
  if (!s.startsWith(code, pos)) return false;
  const after = pos + code.length;
  return after >= s.length || s.charCodeAt(after) === 0x20;
}

export interface ReplyFallback {
  /** The Status field's code: used when the text has no enhanced code. */
  status: EnhancedCode | null;
  /** DSN Action: picks the reply code when neither text nor status give a class. */
  action?: string | null;
  /**
   * The text is an SMTP diagnostic (`smtp;` or untyped): a number alone is a reply
   * code. In `X-Unix; 255` it is an exit status. @defaultValue true
   */
  smtp?: boolean;
}

/** True when the text holds a reply code where `extractReply` would take one from. */
export function hasReplyCode(text: string): boolean {
  return (
    findReplyCode(
      oneLine(text.length > MAX_CONTENT * 4 ? text.slice(0, MAX_CONTENT * 4) : text),
      false,
    ) >= 0
  );
}

/**
 * The first enhanced code of class `cls` standing on its own in `t` ("... not
 * accepted: 5.7.1 This system ..."), not part of an address or a version number.
 */
function enhancedCodeIn(t: string, cls: number): EnhancedCode | null {
  const first = String.fromCharCode(0x30 + cls) + '.';
  let i = t.indexOf(first);
  while (i >= 0) {
    const prev = i === 0 ? 0x20 : t.charCodeAt(i - 1);
    const standalone =
      !isDigit(prev) && prev !== 0x2e && !((prev | 0x20) >= 0x61 && (prev | 0x20) <= 0x7a);
    if (standalone) {
      const e = enhancedCodeAt(t, i);
      if (e !== null) return e.code;
    }
    i = t.indexOf(first, i + 1);
  }
  return null;
}

function vague(code: EnhancedCode | null): boolean {
  return code === null || (code.subject === 0 && code.detail === 0);
}

/**
 * The reply in a diagnostic text. The reply code and enhanced code come from the
 * text where it has them; otherwise the enhanced code is the Status and the reply
 * code follows its class: 550 for 5, 451 for 4, 250 for 2 (a delivered / relayed
 * recipient: the message was accepted), and by Action (failed 550, delayed 451,
 * else 250) when there is no class either.
 */
export function extractReply(text: string, fallback: ReplyFallback): Reply {
  let t = oneLine(text.length > MAX_CONTENT * 4 ? text.slice(0, MAX_CONTENT * 4) : text);
  let code: number | null = null;
  let enhanced: EnhancedCode | null = null;
  const at = findReplyCode(t, fallback.smtp ?? true);
  if (at >= 0) {
    code = Number(t.slice(at, at + 3));
    let p = at + 3;
    if (t.charCodeAt(p) === 0x2d || t.charCodeAt(p) === 0x20) p++;
    // "550-'5.2.2 ..." (quoted) and "550 #5.1.1 ..." (Exchange): the code after the mark.
    const mark =
      t.charCodeAt(p) === 0x27 || t.charCodeAt(p) === 0x22 || t.charCodeAt(p) === 0x23 ? 1 : 0;
    let e = mark === 1 ? enhancedCodeAt(t, p + 1) : null;
    if (e !== null) p++;
    else e = enhancedCodeAt(t, p);
    let content: string;
    if (
      e !== null &&
      (e.end === t.length ||
        t.charCodeAt(e.end) === 0x20 ||
        t.charCodeAt(e.end) === 0x2e ||
        t.charCodeAt(e.end) === 0x2c)
    ) {
      enhanced = e.code;
      content = t.slice(e.end);
      if (content.startsWith('.') || content.startsWith(',')) content = content.slice(1);
    } else {
      content = t.slice(p);
    }
    t = joinMultiline(
      content.trim(),
      t.slice(at, at + 3),
      enhanced === null ? null : formatEnhancedCode(enhanced),
    );
    // "501 Rcpt-To validation failed: ... 5.7.1 This system is not configured": the
    // enhanced code sits later in the text; take it when the Status says no more.
    if (enhanced === null && vague(fallback.status))
      enhanced = enhancedCodeIn(t, Math.floor(code / 100));
  } else {
    let p = 0;
    if (t.charCodeAt(0) === 0x23) p = 1;
    const e = enhancedCodeAt(t, p);
    if (e !== null && (e.end === t.length || t.charCodeAt(e.end) === 0x20)) {
      enhanced = e.code;
      t = t.slice(e.end).trim();
    }
  }
  const status = fallback.status;
  if (enhanced === null) enhanced = status;
  else if (
    status !== null &&
    enhanced.subject === 0 &&
    enhanced.detail === 0 &&
    status.class === enhanced.class &&
    (status.subject !== 0 || status.detail !== 0)
  ) {
    // "550 5.0.0 ..." says less than "Status: 5.1.1": keep the more specific one.
    enhanced = status;
  }
  if (code === null) code = defaultCode(enhanced, fallback.action ?? null);
  if (t.length > MAX_CONTENT) t = t.slice(0, MAX_CONTENT);
  return { code, enhancedCode: enhanced, content: t, command: null };
}

function defaultCode(enhanced: EnhancedCode | null, action: string | null): number {
  if (enhanced !== null) {
    if (enhanced.class === 5) return 550;
    if (enhanced.class === 4) return 451;
    if (enhanced.class === 2) return 250;
  }
  if (action === 'delayed') return 451;
  if (action === 'failed' || action === null) return 550;
  return 250;
}
