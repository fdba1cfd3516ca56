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
// Not joined by "-", "/" or a "#" after a word to what comes before it: "Ticket
// 421-550-5.1.1", ".../550-5.1.1" and "help#550-5.1.1" are an identifier's, a path's or
// a URL fragment's parts, where a reply never starts (RFC 5321 §4.2: the code opens a
// line; a reply quoted in a text follows a space, a bracket, a quote or a colon, and
// Exchange's "#550 5.1.1 ..." opens the text or follows a space).
const CODE_AND_ENHANCED = new RE2(
  '(?:^|[^0-9A-Za-z_/#-])#?([245][0-9][0-9])[ -][\'"]?#?([245]\\.[0-9]{1,3}\\.[0-9]{1,3})\\b',
);

/**
 * The reply a notice's Subject quotes ("Undeliverable: 550 5.1.1 a@b", "Delivery
 * failure (552 5.2.2 Mailbox full)"), from its reply code on, or null. Only a failure
 * reply code with an enhanced code of its class right after it (RFC 3463 §2: the
 * enhanced code repeats the reply code's first digit) counts: a number alone in a
 * Subject is as often a ticket, a size or a count ("ticket 552-4510", "552 kB").
 */
export function subjectReply(subject: string): string | null {
  const t = oneLine(subject);
  const m = CODE_AND_ENHANCED.exec(t);
  if (m === null) return null;
  const code = m[1] as string;
  const enhanced = m[2] as string;
  if (code.charAt(0) === '2' || code.charAt(0) !== enhanced.charAt(0)) return null;
  const at = m.index + m[0].indexOf(code);
  const end = t.indexOf(enhanced, at) + enhanced.length;
  if (namedVersion(t, at) || !endsWord(t, end)) return null;
  return withoutWrapper(t.slice(at));
}

/** `s` without a bracket that closes at its end and opens nowhere in it ("... full)"). */
function withoutWrapper(s: string): string {
  const last = s.charAt(s.length - 1);
  for (const open of Object.keys(CLOSERS))
    if (CLOSERS[open] === last && s.indexOf(open) < 0) return s.slice(0, -1).trimEnd();
  return s;
}

/** Where CODE_AND_ENHANCED's reply code starts in `t`, or -1. */
function codeAndEnhancedAt(t: string): number {
  const m = CODE_AND_ENHANCED.exec(t);
  return m === null ? -1 : m.index + m[0].indexOf(m[1] as string);
}
// A reply code after the words MTAs put before a remote server's reply: "said:",
// "said" (qmail-remote's "Remote host said 554 ..."), "SMTP error 554", "error code:
// 550", "reply code 553", "replied:", "returned was:",
// "talk to me:", "returned '" (Exchange's "Remote Server returned '550 ...'", the reply
// quoted whole), or any word, host name, IPv4 address or bracket closed by a colon
// ("rejected the message: 554 ...", "mx.example.net: 550 ...", "<a@b>: 550",
// "[192.0.2.1]: 421", "host 192.0.2.8: 552 ..."); or a failure code after the "<--" /
// "<-" / "<<<" that marks the server's lines of a session transcript (MDaemon, "<-- 552
// ..."; Sendmail's and Courier's "<<< 554", usersmtp.c; a "220" greeting there is no
// reply to the failure); or a failure code that opens a
// quote with its dash ("Unknown address error 550-'...'", the whole reply quoted
// after it); or after the reply's class
// named as an error, Lotus Domino's "SMTP Protocol Returned a Permanent Error 552 ..."
// ("Transient Error 451 ...", HCL Domino's delivery failure reports); or after an
// RFC 3464 §2.3.6 diagnostic type quoted inside a reply (Exchange 2003's "<mx #5.0.0
// smtp;552 ...>"). A code alone may close the wrapper or quote right after it
// ("<mx #5.0.0 smtp;554>", "returned '554'": RFC 5321 §4.2 makes the text optional).
// Or a failure code that opens a quote closed further on: a reply quoted whole, in
// whatever language the sentence around it is (Exchange's localised "Remote Server
// returned '...'": "El servidor remoto devolvió '552 ...'", "Le serveur distant a
// retourné '550 ...'", a code alone closing the text: "... devolvió '554'").
const CODE_AFTER_MARKER = new RE2(
  '(?i)(?:\\b(?:said|says|replied|responded|answered)(?: was| is)?[ ]?:?|\\b(?:smtp|error|reply|response) (?:error|code|reply|response)[ ]?:?|\\b(?:permanent|transient|temporary) error[ ]?:?|\\bsmtp ?; ?|\\b(?:response|reply|returned|reason|talk to me)(?: was| is)?[ ]?:|\\breturned [\'"]|[a-z)>\\]]:|[0-9]\\.[0-9]{1,3}:)[ ]?\\(?([245][0-5][0-9])(?:[ -]|$|[>\'"](?:[ ]|$))|(?:<--?|<<<)[ ]?([45][0-5][0-9])(?:[ -]|$)|\\b([45][0-5][0-9])-[\'"]|(?:^|[ ])([\'"])([45][0-5][0-9])(?:[ -]|[\'"]$)',
  'g',
);

// Words after a number that make it a quantity, not a reply ("Message size: 552 KB",
// "Retry in: 450 seconds").
const QUANTITY_UNITS = new Set([
  'b',
  'byte',
  'bytes',
  'k',
  'kb',
  'kib',
  'm',
  'mb',
  'mib',
  'gb',
  'octets',
  's',
  'sec',
  'secs',
  'second',
  'seconds',
  'ms',
  'min',
  'mins',
  'minute',
  'minutes',
  'hour',
  'hours',
  'day',
  'days',
  'times',
  'messages',
  'recipients',
  'connections',
  'attempts',
  'tries',
  'retries',
  'lines',
  'hosts',
  'users',
  'mails',
  'emails',
  'characters',
  'chars',
  '%',
]);

/** Most marker matches looked at for one text. */
const MAX_MARKER_TRIES = 8;

/** Where the first reply code after a marker (CODE_AFTER_MARKER) starts, or -1; a quantity is none. */
function codeAfterMarker(t: string): number {
  CODE_AFTER_MARKER.lastIndex = 0;
  for (let tries = 0; tries < MAX_MARKER_TRIES; tries++) {
    const m = CODE_AFTER_MARKER.exec(t);
    const code = m?.[1] ?? m?.[2] ?? m?.[3] ?? m?.[5];
    if (m === null || code === undefined) return -1;
    const pos = m.index + m[0].lastIndexOf(code);
    const quote = m[4];
    if (
      (quote === undefined || quotesReply(t, pos, quote)) &&
      !isQuantity(t, pos + 3) &&
      !dashedNumber(t, pos + 3)
    )
      return pos;
    CODE_AFTER_MARKER.lastIndex = pos + 3;
  }
  return -1;
}

/**
 * The quote opened right before the code at `pos` holds a reply whole: it closes,
 * and either ends the text (the sentence quotes the reply last) or holds a code and
 * three words at least ("'550 No such user here' zurückgegeben"), not a code and a
 * word in passing ("the '550 rule' we follow").
 */
function quotesReply(t: string, pos: number, quote: string): boolean {
  const close = t.indexOf(quote, pos + 3);
  if (close < 0) return false;
  const after = t.slice(close + 1).trim();
  if (after === '' || after === '.') return true;
  return t.slice(pos, close).trim().split(' ').length >= 4;
}

/**
 * A dash and a number follow the digits at `end`: a ticket, reference or range ("Ticket:
 * 552-4510", "case 550-88213"), not a multi-line reply, whose dash RFC 5321 §4.2.1 has
 * followed by the line's text, which may open with an enhanced code ("550-5.1.1 ...").
 */
function dashedNumber(t: string, end: number): boolean {
  return (
    t.charCodeAt(end) === 0x2d &&
    isDigit(t.charCodeAt(end + 1)) &&
    enhancedCodeAt(t, end + 1) === null
  );
}

/** The word after a number at `end` is a unit ("552 bytes"). */
function isQuantity(t: string, end: number): boolean {
  if (t.charCodeAt(end) !== 0x20) return false;
  let i = end + 1;
  while (i < t.length && t.charCodeAt(i) > 0x20 && ',.;:)\'"'.indexOf(t.charAt(i)) < 0) i++;
  return QUANTITY_UNITS.has(t.slice(end + 1, i).toLowerCase());
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** RFC 3464 §2.3.4 Status: the code and the comment after it (parentheses removed). */
export function parseStatus(value: string | null): { code: EnhancedCode | null; comment: string } {
  if (value === null) return { code: null, comment: '' };
  const v = value.trim();
  // RFC 3464 §2.1.1: text in parentheses is a comment, before the code as after it
  // ("Status: (permanent failure) 5.2.2").
  const lead = v.startsWith('(') ? commentEnd(v) : 0;
  const r = enhancedCodeAt(v.slice(lead).trimStart(), 0);
  if (r === null) return { code: null, comment: v };
  const rest = v.slice(lead).trimStart();
  let comment = rest.slice(r.end).trim();
  if (comment === '' && lead > 0) comment = v.slice(0, lead);
  if (comment.startsWith('(') && comment.endsWith(')')) comment = comment.slice(1, -1).trim();
  return { code: r.code, comment };
}

/** Where the comment that opens `v` ends (after its ")", nested ones counted); v.length when unclosed. */
function commentEnd(v: string): number {
  let depth = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return i + 1;
  }
  return v.length;
}

/**
 * The enhanced code of a Status written as a reply ("550 5.7.1 ...": a reply code, white
 * space, then an enhanced code of the same class); null otherwise.
 */
export function statusInReply(value: string): EnhancedCode | null {
  const c = value.charCodeAt(0);
  if (c !== 0x32 && c !== 0x34 && c !== 0x35) return null;
  for (let i = 1; i < 3; i++) {
    const d = value.charCodeAt(i);
    if (d < 0x30 || d > 0x39) return null;
  }
  let i = 3;
  if (value.charCodeAt(i) !== 0x20 && value.charCodeAt(i) !== 0x09) return null;
  while (value.charCodeAt(i) === 0x20 || value.charCodeAt(i) === 0x09) i++;
  const r = enhancedCodeAt(value, i);
  return r === null || r.code.class !== c - 0x30 ? null : r.code;
}

/**
 * The text of an HTML part with its tags dropped, each tag becoming a space (so words
 * in neighbouring cells stay apart). A linear scan, not a parser: enough to read the
 * words of an auto-reply or a challenge, whose HTML is hostile.
 */
export function dropTags(html: string): string {
  let out = '';
  let inTag = false;
  for (let i = 0; i < html.length; i++) {
    const ch = html.charAt(i);
    if (ch === '<') inTag = true;
    else if (ch === '>') {
      inTag = false;
      out += ' ';
    } else if (!inTag) out += ch;
  }
  return out;
}

/** Every run of white space and control characters becomes one space; trimmed. */
export function oneLine(text: string): string {
  // Most texts are one line already (a reply, a reason on its line): returned as they
  // are, without building the same string again word by word (issue 17, parse CPU).
  if (isOneLine(text)) return text;
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

/** `text` is what `oneLine` makes of it: words apart by single spaces, nothing around them. */
function isOneLine(text: string): boolean {
  let afterSpace = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
    if (c === 0x20) {
      if (afterSpace) return false;
      afterSpace = true;
    } else afterSpace = false;
  }
  return !afterSpace;
}

/**
 * `lines` with each reply that a line break cut between its reply code and its enhanced
 * code joined back into one line: a line whose last word is a reply code ("Remote Server
 * returned '550", "said: 550", "Reported error: 550"), then a line that opens with an
 * enhanced code of the same class ("5.1.1 RESOLVER.ADR.RecipNotFound ..."). RFC 2034 §4
 * writes the enhanced code after the reply code and one space, on the same line, so a
 * break there is a wrap, not the end of the reply: a forwarder or a notice template
 * filling its lines to RFC 5322 §2.1.1's 78 characters, or an HTML "<br>" between them.
 * The same array when nothing is joined (most texts).
 */
export function joinCodeBreaks(lines: string[]): string[] {
  let out: string[] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const next = i + 1 < lines.length ? (lines[i + 1] as string) : '';
    if (codeBreakAt(line, next)) {
      out ??= lines.slice(0, i);
      out.push(line.trimEnd() + ' ' + next.trim());
      i++;
    } else if (out !== null) out.push(line);
  }
  return out ?? lines;
}

/**
 * `line` ends with a reply code standing as a word (after a space, a quote, "#", "(" or
 * ":", or alone on the line; not a number a noun names, "port 550") and `next` opens with
 * an enhanced code of its class that ends a word: the reply "550 5.1.1 ..." broken after
 * its code.
 */
function codeBreakAt(line: string, next: string): boolean {
  const t = line.trimEnd();
  const at = t.length - 3;
  if (at < 0 || !isDigit(t.charCodeAt(t.length - 1)) || codeAt(t, at, true) < 0) return false;
  if (at > 0 && ' \'"#(:'.indexOf(t.charAt(at - 1)) < 0) return false;
  // "the size limit is 552", "port 550": a number a noun names is no reply code.
  const ws = t.lastIndexOf(' ', at - 2);
  if (
    NUMBER_NOUNS.has(
      t
        .slice(ws + 1, at)
        .trim()
        .toLowerCase(),
    )
  )
    return false;
  const n = next.trimStart();
  const e = enhancedCodeAt(n, 0);
  return e !== null && e.code.class === t.charCodeAt(at) - 0x30 && endsWord(n, e.end);
}

/** Most lines of one multi-line reply `continuedReply` joins. */
const MAX_REPLY_LINES = 20;

/**
 * The reply that starts on `lines[at]`, with the lines that continue it: a multi-line
 * reply (RFC 5321 §4.2.1: "550-5.1.1 ..." lines, then the last one, "550 5.1.1 ...")
 * quoted as the server sent it, one line per reply line, each line trimmed. A line
 * that does not open a multi-line reply ("550 5.1.1 ..." alone, a sentence) is the
 * reply by itself; the lines after the first that do not carry its code ("Please
 * try again later", "550 5.1.1" of another code) end it. Returns the lines joined by
 * a space (extractReply then removes the repeated codes) and the index after the
 * last line taken.
 */
export function continuedReply(
  lines: readonly string[],
  at: number,
): { text: string; next: number } {
  const first = (lines[at] ?? '').trim();
  // The code opens the line, perhaps after a quoting mark ("<<< 550-...", "#550-...").
  const lead = first.startsWith('<<< ')
    ? '<<< '
    : first.startsWith('<<<')
      ? '<<<'
      : first.startsWith('#')
        ? '#'
        : '';
  const pos = lead.length;
  const code = codeAt(first, pos, false);
  if (code < 0 || first.charCodeAt(pos + 3) !== 0x2d) return { text: first, next: at + 1 };
  const dash = `${lead}${code}-`;
  const last = `${lead}${code} `;
  const out = [first];
  let i = at + 1;
  for (; i < lines.length && out.length < MAX_REPLY_LINES; i++) {
    const t = (lines[i] as string).trim();
    if (t.startsWith(dash)) out.push(t.slice(lead.length));
    else if (t.startsWith(last) || t === `${lead}${code}`) {
      out.push(t.slice(lead.length));
      i++;
      break;
    } else break;
  }
  return { text: out.join(' '), next: i };
}

/**
 * `continuedReply` for a reason that may announce its reply on one line and give it
 * on the next: when the line at `at` holds no reply code and the next line opens one
 * (RFC 5321 §4.2: the code opens a reply's line), the reply (with its continuation
 * lines) joins the announcing line. Domino's "SMTP Protocol Returned a Permanent
 * Error" wrapped before its "550 5.1.1 <a@b>... User unknown" is one reason.
 */
export function announcedReply(
  lines: readonly string[],
  at: number,
): { text: string; next: number } {
  const first = continuedReply(lines, at);
  const next = (lines[first.next] ?? '').trim();
  if (first.next !== at + 1 || hasReplyCode(first.text) || failureCodeAt(next) < 0) return first;
  const reply = continuedReply(lines, first.next);
  return { text: `${first.text} ${reply.text}`, next: reply.next };
}

/** The 4xx or 5xx reply code opening `t` ("550 ...", "550-..."), or -1. */
function failureCodeAt(t: string): number {
  const code = codeAt(t, 0, true);
  return code >= 400 ? code : -1;
}

/**
 * `text` is a multi-line reply cut before its last line: it opens with "NNN-" and no
 * "NNN " line of that code follows (RFC 5321 §4.2.1: every line but the last carries
 * the dash). Sendmail writes only the first line of such a reply into its
 * Diagnostic-Code ("552-5.7.0 This message was blocked because ...") and the whole
 * reply into its session transcript.
 */
export function cutMultiline(text: string): boolean {
  const t = oneLine(text);
  if (codeAt(t, 0, false) < 0 || t.charCodeAt(3) !== 0x2d) return false;
  const code = t.slice(0, 3);
  return t.indexOf(' ' + code + ' ') < 0 && !t.endsWith(' ' + code);
}

/**
 * The whole multi-line reply in `lines` (a session transcript, "<<< " marks
 * removed) whose first line opens as the cut reply `text` does (`cutMultiline`),
 * joined by spaces as `continuedReply` joins it; null when no line starts it or the
 * reply there has no more lines than `text`.
 */
export function wholeReplyIn(lines: readonly string[], text: string): string | null {
  const t = oneLine(text);
  // The first line's opening words: the line may hold less of the reply than `text`.
  const head = t.slice(0, Math.min(t.length, 48));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.indexOf(head.slice(0, 4)) < 0) continue;
    let own = line.trim();
    if (own.startsWith('<<<')) own = own.slice(3).trimStart();
    if (!oneLine(own).startsWith(head.slice(0, Math.min(head.length, oneLine(own).length))))
      continue;
    const whole = continuedReply(lines, i);
    if (whole.next - i < 2) continue;
    const joined = whole.text.startsWith('<<<') ? whole.text.slice(3).trimStart() : whole.text;
    return joined.length > t.length ? joined : null;
  }
  return null;
}

/** A reply code (RFC 5321 §4.2: first digit 2-5, second 0-5) at `pos`, followed by " ", "-" or, when `bare`, the end. */
function codeAt(t: string, pos: number, bare: boolean): number {
  const c0 = t.charCodeAt(pos);
  if (c0 !== 0x32 && c0 !== 0x34 && c0 !== 0x35) return -1;
  const c1 = t.charCodeAt(pos + 1);
  if (c1 < 0x30 || c1 > 0x35 || !isDigit(t.charCodeAt(pos + 2))) return -1;
  if (pos + 3 >= t.length) return bare ? Number(t.slice(pos, pos + 3)) : -1;
  const next = t.charCodeAt(pos + 3);
  if ((next !== 0x20 && next !== 0x2d) || dashedNumber(t, pos + 3)) return -1;
  return Number(t.slice(pos, pos + 3));
}

/**
 * `t` (up to `end`) has what every reply code `findReplyCode` reads looks like
 * (`codeAt`, CODE_AND_ENHANCED, CODE_AFTER_MARKER): three digits, the first 2, 4 or
 * 5, no digit right before them, and after them the end, white space, "-", ">" or a
 * quote. Most text about a recipient has none (a date's "2024-" or "-0400" is none),
 * and is then told without running the RE2 patterns (each call copies the text
 * into UTF-8). White space counts as a space, as `oneLine` makes it.
 */
function hasCodeDigits(t: string, end: number): boolean {
  for (let i = 0; i + 2 < end; i++) {
    const c = t.charCodeAt(i);
    if (c !== 0x32 && c !== 0x34 && c !== 0x35) continue;
    if (!isDigit(t.charCodeAt(i + 1)) || !isDigit(t.charCodeAt(i + 2))) continue;
    if (i > 0 && isDigit(t.charCodeAt(i - 1))) continue;
    if (i + 3 === end) return true;
    const next = t.charCodeAt(i + 3);
    if (next <= 0x20 || next === 0x7f || CODE_FOLLOWERS.indexOf(t.charAt(i + 3)) >= 0) return true;
  }
  return false;
}

/**
 * `t` has three digits the first of which is 2, 4 or 5: what every reply code read
 * here starts with (`codeAt`, `hasCodeDigits`, `isBareReplyCode`, `failureCode`).
 * Text made of `t`'s lines (joined with white space, trimmed, lower-cased) holds no
 * reply code when `t` has none.
 */
export function mayHoldReplyCode(t: string): boolean {
  for (let i = 0; i + 2 < t.length; i++) {
    const c = t.charCodeAt(i);
    if ((c === 0x32 || c === 0x34 || c === 0x35) && isDigit(t.charCodeAt(i + 1)))
      if (isDigit(t.charCodeAt(i + 2))) return true;
  }
  return false;
}

/**
 * A failure code whose second digit RFC 5321 §4.2 leaves unused (6-9) at `pos`, where
 * a reply stands (the start of the text), then a space and a word: older Microsoft
 * SMTP services (IIS SMTP, Exchange 5.5/2000) answer "571 Delivery not authorized,
 * message refused". Only at the start, and not before a unit ("480 messages queued"):
 * elsewhere such a number is a count or an id.
 */
function outOfRangeCodeAt(t: string, pos: number): boolean {
  if (pos > 1) return false;
  const c0 = t.charCodeAt(pos);
  const c1 = t.charCodeAt(pos + 1);
  if ((c0 !== 0x34 && c0 !== 0x35) || c1 < 0x36 || c1 > 0x39) return false;
  if (!isDigit(t.charCodeAt(pos + 2)) || t.charCodeAt(pos + 3) !== 0x20) return false;
  if (isQuantity(t, pos + 3)) return false;
  const w = t.charCodeAt(pos + 4);
  return (w >= 0x41 && w <= 0x5a) || (w >= 0x61 && w <= 0x7a);
}

/** What may follow a reply code in the patterns of `findReplyCode`, besides white space. */
const CODE_FOLLOWERS = '->\'"';

/** Where the reply code of the remote server starts in one-line text, or -1. */
function findReplyCode(t: string, bare: boolean): number {
  if (!hasCodeDigits(t, t.length)) return -1;
  let start = 0;
  // "#550 ..." (Exchange), "'554 Relay access denied'" (a reply quoted whole).
  if (t.charCodeAt(0) === 0x23 || t.charCodeAt(0) === 0x27 || t.charCodeAt(0) === 0x22) start = 1;
  if (codeAt(t, start, bare) >= 0 || outOfRangeCodeAt(t, start)) return start;
  let best = -1;
  const a = codeAndEnhancedAt(t);
  if (a >= 0) best = a;
  const pos = codeAfterMarker(t);
  if (pos >= 0 && (best < 0 || pos < best)) best = pos;
  return best;
}

/**
 * Removes the prefixes a multi-line reply repeats on every line (RFC 5321 §4.2.1:
 * "550-5.1.1 ..." then "550 5.1.1 ..."), once the lines are joined into one.
 */
function joinMultiline(
  content: string,
  code: string,
  enhanced: string | null,
  continued = false,
): string {
  const dash = code + '-';
  const multiline = continued || content.startsWith(dash) || content.indexOf(' ' + dash) >= 0;
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
  // White space folded by `oneLine` never joins digits into a code: no need to fold
  // a text without one.
  if (!hasCodeDigits(text, Math.min(text.length, MAX_CONTENT * 4))) return false;
  return (
    findReplyCode(
      oneLine(text.length > MAX_CONTENT * 4 ? text.slice(0, MAX_CONTENT * 4) : text),
      false,
    ) >= 0
  );
}

/**
 * True when `text` is a reply code and nothing else ("554", RFC 5321 §4.2: the text
 * of a reply is optional); a number outside the reply codes ("600", "100") is not.
 */
export function isBareReplyCode(text: string): boolean {
  const t = text.trim();
  return t.length === 3 && codeAt(t, 0, true) >= 0;
}

/**
 * The first enhanced code of class `cls` standing on its own in `t` ("... not
 * accepted: 5.7.1 This system ...", "(#5.7.1)", "[5.1.1]"), as RFC 3463 §2 writes
 * it: a word of its own, not part of an address, a version or an IP address
 * ("[5.1.1.10]"), a URL path ("/errors/5.7.1.html"), a file name or an identifier
 * ("id 5.1.1a").
 */
function enhancedCodeIn(t: string, cls: number): EnhancedCode | null {
  const first = String.fromCharCode(0x30 + cls) + '.';
  let i = t.indexOf(first);
  while (i >= 0) {
    const prev = i === 0 ? 0x20 : t.charCodeAt(i - 1);
    if (CODE_OPENERS.indexOf(String.fromCharCode(prev)) >= 0) {
      const e = enhancedCodeAt(t, i);
      if (e !== null && endsWord(t, e.end) && e.code.subject <= MAX_SUBJECT && !namedVersion(t, i))
        return e.code;
    }
    i = t.indexOf(first, i + 1);
  }
  return null;
}

/**
 * The dotted number at `i` is a version a word names ("version 5.1.1", "(filter
 * version 5.1.1)", "build 4.4.7"): the word before it, past the openers and an opening
 * bracket, is one of VERSION_WORDS.
 */
function namedVersion(t: string, i: number): boolean {
  let w = i - 1;
  while (w >= 0 && CODE_OPENERS.indexOf(t.charAt(w)) >= 0) w--;
  let ws = w;
  while (ws >= 0 && t.charCodeAt(ws) !== 0x20) ws--;
  // "(version 5.1.1)", "(v 5.1.1": the bracket that opens the word is not part of it.
  let wb = ws + 1;
  while (wb <= w && '([{<"\''.indexOf(t.charAt(wb)) >= 0) wb++;
  return VERSION_WORDS.has(t.slice(wb, w + 1).toLowerCase());
}

/**
 * The highest subject an enhanced code found in passing may have: RFC 3463 §3 and the
 * RFC 5248 registry define subjects 0 (other) to 7 (security or policy); the syntax
 * allows three digits, but a dotted number with subject 96 standing in prose ("Exim
 * 4.96.2", "Exim 4.97.1") is a version. A code right after a reply code keeps any
 * subject: there the server wrote it as a code.
 */
const MAX_SUBJECT = 7;

/**
 * What may stand right before an enhanced code in a text: a space, a bracket, a quote,
 * "#", ":" or "=". A brace too: some gateways write the code as "{5.7.1}".
 */
const CODE_OPENERS = ' ([{<"\'#:=';

/**
 * The word ends at `end`: the text ends, a space follows, or punctuation that
 * closes a sentence or a bracket and is itself followed by the end or a space
 * ("5.7.1.", "5.7.1),", but not "5.7.1.html" or "5.7.1/").
 */
function endsWord(t: string, end: number): boolean {
  let i = end;
  while (i < t.length && '.,;:!?)]}>"\''.indexOf(t.charAt(i)) >= 0) i++;
  return i >= t.length || t.charCodeAt(i) === 0x20;
}

/**
 * `a` refines `b`: the same class, and `b` leaves open what `a` says. RFC 3463 §3
 * gives each subject an "other or undefined" detail 0 (X.1.0 other address status,
 * X.2.0 other mailbox status, ...) and X.0.0 says nothing past the class: "5.1.1"
 * refines "5.0.0" and "5.1.0", never "5.7.0" (another subject).
 */
function saysMore(a: EnhancedCode, b: EnhancedCode): boolean {
  if (a.class !== b.class || b.detail !== 0) return false;
  if (b.subject === 0) return a.subject !== 0 || a.detail !== 0;
  return a.subject === b.subject && a.detail !== 0;
}

function vague(code: EnhancedCode | null): boolean {
  return code === null || (code.subject === 0 && code.detail === 0);
}

/**
 * "550#5.1.0 Address rejected" (Sendmail's and GroupWise's diagnostic), "550:5.1.1 ...",
 * "550: 5.7.1 ..." (Yahoo's failure notice writes the code as a label), "[550] 5.1.1
 * ...", "(554) Access denied": the reply code written against its enhanced code, as a
 * label of it or in brackets at the start, rewritten as RFC 5321 §4.2 writes a reply
 * ("550 5.1.0 ...") so the reply readers find it.
 */
function withSeparatedCodes(t: string): string {
  let out = t;
  const open = out.charAt(0);
  if (
    (open === '[' || open === '(') &&
    out.charAt(4) === CLOSERS[open] &&
    codeAt(out, 1, true) < 0 &&
    codeAt(out.slice(1, 4), 0, true) >= 0 &&
    (out.length === 5 || out.charCodeAt(5) === 0x20)
  )
    out = out.slice(1, 4) + out.slice(5);
  for (let i = out.indexOf('#'), tries = 0; i >= 3 && tries < MAX_MARKER_TRIES; tries++) {
    if (joinedCode(out, i)) out = out.slice(0, i) + ' ' + out.slice(i + 1);
    i = out.indexOf('#', i + 1);
  }
  for (let i = out.indexOf(':'), tries = 0; i >= 3 && tries < MAX_MARKER_TRIES; tries++) {
    if (joinedCode(out, i)) out = out.slice(0, i) + ' ' + out.slice(i + 1);
    else if (out.charCodeAt(i + 1) === 0x20 && joinedCode(out, i, 1))
      out = out.slice(0, i) + out.slice(i + 1);
    i = out.indexOf(':', i + 1);
  }
  return out;
}

/**
 * A reply code ends right before `sep` and an enhanced code standing as a word starts
 * after it (`gap` spaces after the separator).
 */
function joinedCode(t: string, sep: number, gap = 0): boolean {
  const at = sep - 3;
  if (at > 0 && t.charCodeAt(at - 1) > 0x20 && '([<"\''.indexOf(t.charAt(at - 1)) < 0) return false;
  if (codeAt(t.slice(at, sep), 0, true) < 0) return false;
  const e = enhancedCodeAt(t, sep + 1 + gap);
  return e !== null && endsWord(t, e.end);
}

/** Words before a number that make it no reply code ("port 550", "queue id 550 ..."). */
const NUMBER_NOUNS = new Set([
  'port',
  'size',
  'line',
  'id',
  'pid',
  'uid',
  'ttl',
  'limit',
  'version',
  'ver',
  'v',
  'build',
  'release',
  'no',
  'no.',
  'nr',
  '#',
  'ticket',
  'case',
  'room',
  'phone',
  'tel',
  'tel.',
  'call',
  // A number that is a quantity by the words before it ("the limit is 450", "more than
  // 500", "from 450 to 550").
  'of',
  'is',
  'was',
  'than',
  'to',
  'from',
  'max',
  'maximum',
  'minimum',
  'over',
  'under',
  'about',
  'exceeds',
  'exceeded',
  'total',
]);

/** Words that make a dotted number a version, not an enhanced code ("version 5.1.1"). */
const VERSION_WORDS = new Set([
  'version',
  'ver',
  'ver.',
  'v',
  'build',
  'release',
  'rev',
  'revision',
]);

/** Nouns for a reply code ("the error code is 554"). */
const CODE_NOUNS = new Set(['code', 'error', 'reply', 'response', 'status', 'result']);

/** Protocols whose status numbers look like SMTP replies (HTTP 503, LDAP, FTP 550). */
const OTHER_PROTOCOLS = new Set([
  'http',
  'https',
  'ftp',
  'ldap',
  'imap',
  'pop',
  'pop3',
  'api',
  'web',
]);

/**
 * Where a 4xx or 5xx reply code given in passing starts in one-line text, or -1: a
 * number of RFC 5321 §4.2's form standing as a word ("failed with 554 Access
 * denied", "rejected (554)", "code=554", "554: Access denied"), of the Status's class
 * where there is a Status (a number of another class is no reply for this failure),
 * else of class 5 unless the `action` is delayed.
 * Not a quantity ("552 KB"), a part of a longer number, address, host name, IP
 * address, date or identifier ("550A1B", "550.421", "mx550", "<550@...>"), one of a
 * run of numbers ("+1 550 421 5500"), or a number a noun names ("port 550").
 */
function replyCodeInPassing(t: string, status: EnhancedCode | null, action: string | null): number {
  // Without a Status, a 4xx said in passing is no reason to call the failure temporary
  // unless the report says it was delayed: a final bounce often mentions the 4xx
  // replies of earlier attempts.
  const cls = status?.class ?? (action === 'delayed' ? null : 5);
  let tries = 0;
  for (let i = 0; i + 3 <= t.length && tries < 32; i++) {
    const c = t.charCodeAt(i);
    if (c !== 0x34 && c !== 0x35) continue;
    if (cls !== null && cls !== c - 0x30) continue;
    const c1 = t.charCodeAt(i + 1);
    if (c1 < 0x30 || c1 > 0x35 || !isDigit(t.charCodeAt(i + 2))) continue;
    tries++;
    const prev = i === 0 ? 0x20 : t.charCodeAt(i - 1);
    if (prev !== 0x20 && '([\'"='.indexOf(String.fromCharCode(prev)) < 0) continue;
    const end = i + 3;
    if (end < t.length) {
      const next = t.charAt(end);
      if (' )]:,;\'"'.indexOf(next) < 0 && !(next === '-' && !isDigit(t.charCodeAt(end + 1))))
        continue;
      if (next === ':' && isDigit(t.charCodeAt(end + 1))) continue;
      if (next === ' ' && (isDigit(t.charCodeAt(end + 1)) || isQuantity(t, end))) continue;
    }
    // The word before: a number ("+1 550"), or a noun that names a number ("port 550").
    let w = i - 1;
    while (w >= 0 && '([\'"= '.indexOf(t.charAt(w)) >= 0) w--;
    let ws = w;
    while (ws >= 0 && t.charCodeAt(ws) !== 0x20) ws--;
    const before = t.slice(ws + 1, w + 1).toLowerCase();
    if (before !== '' && (isDigit(before.charCodeAt(before.length - 1)) || before.startsWith('+')))
      continue;
    let ps = ws - 1;
    while (ps >= 0 && t.charCodeAt(ps) !== 0x20) ps--;
    const twoBefore = t.slice(ps + 1, Math.max(ws, 0)).toLowerCase();
    // "the limit is 450", but "the error code is 554".
    if (
      NUMBER_NOUNS.has(before) &&
      !((before === 'is' || before === 'was') && CODE_NOUNS.has(twoBefore))
    )
      continue;
    // "HTTP error 503 from the quarantine service": another protocol's status.
    if (OTHER_PROTOCOLS.has(before) || OTHER_PROTOCOLS.has(twoBefore)) continue;
    return i;
  }
  return -1;
}

/**
 * `enhancedCodeIn` for a text with no reply: the first enhanced code of class `cls`
 * that is a word of its own and not a version a word names ("version 5.1.1").
 */
function enhancedWordIn(t: string, cls: number): EnhancedCode | null {
  const first = String.fromCharCode(0x30 + cls) + '.';
  for (let i = t.indexOf(first), tries = 0; i >= 0 && tries < MAX_MARKER_TRIES; tries++) {
    const prev = i === 0 ? 0x20 : t.charCodeAt(i - 1);
    const e = CODE_OPENERS.indexOf(String.fromCharCode(prev)) >= 0 ? enhancedCodeAt(t, i) : null;
    // X.0.N with N other than 0 is no code: subject 0 holds X.0.0 alone (RFC 3463 §3.1,
    // the RFC 5248 registry), so in running text it is a version ("engine 5.0.1").
    const unregistered = e !== null && e.code.subject === 0 && e.code.detail !== 0;
    if (
      e !== null &&
      !unregistered &&
      endsWord(t, e.end) &&
      e.code.subject <= MAX_SUBJECT &&
      !namedVersion(t, i)
    )
      return e.code;
    i = t.indexOf(first, i + 1);
  }
  return null;
}

/**
 * The reply in a diagnostic text. The reply code and enhanced code come from the
 * text where it has them; otherwise the enhanced code is the Status and the reply
 * code follows its class: 550 for 5, 451 for 4, 250 for 2 (a delivered / relayed
 * recipient: the message was accepted), and by Action (failed 550, delayed 451,
 * else 250) when there is no class either.
 *
 * Which reply, when the text holds several (DESIGN.md §5):
 * * an SMTP transcript (`>>>` our command, `<<<` the server's lines, RFC 5321 §4.2):
 *   the server's last 4xx/5xx reply, never a 2xx/3xx one before it; its command is
 *   the `>>>` line before it;
 * * a multi-line reply (`NNN-` lines, then `NNN `) is one reply: its text joined,
 *   its code the final line's (a `220-` greeting that ends in `421` is a 421);
 * * a reply quoted inside another (`554 4.4.7 Message expired ... <421 4.4.2
 *   connection dropped>`, a relay's verdict around the remote server's answer):
 *   the innermost.
 *
 * `command` is the SMTP stage the text names (see `SMTP_COMMANDS`), else null.
 */
export function extractReply(text: string, fallback: ReplyFallback): Reply {
  return readReply(text, fallback).reply;
}

/**
 * `extractReply`, and whether the text held the reply code where a reply stands
 * (`coded`): false when the code was defaulted or only given in passing ("failed with
 * 554 ..."), so a caller may still look for the reply elsewhere.
 */
export function readReply(text: string, fallback: ReplyFallback): { reply: Reply; coded: boolean } {
  let source = text.length > MAX_CONTENT * 4 ? text.slice(0, MAX_CONTENT * 4) : text;
  let command: string | null = null;
  const transcript = transcriptReply(source);
  if (transcript !== null) {
    source = transcript.text;
    command = transcript.command;
  }
  let t = withSeparatedCodes(oneLine(source));
  const annotated = withoutStageNote(t);
  if (annotated !== null) {
    t = annotated.text;
    command ??= annotated.command;
  }
  let code: number | null = null;
  let enhanced: EnhancedCode | null = null;
  // The code was read from a text that has no reply where replies stand.
  let inPassing = false;
  let at = findReplyCode(t, fallback.smtp ?? true);
  // "... <<< 250 2.1.5 ok, connection lost": a success is no reason for a failure
  // (the Status or Action says it failed); the text has no reply for it.
  if (
    at >= 0 &&
    reportsFailure(fallback) &&
    !failureCode(t, at) &&
    !closedCode(t, at) &&
    failureAfter(t, at) < 0
  )
    at = -1;
  if (at >= 0) {
    command ??= stageIn(t.slice(0, at));
    let lead = '';
    const failure = failureAfter(t, at);
    if (failure >= 0) {
      // "220-mx ESMTP ... 421 4.7.0 busy": one reply, the greeting's lines its text.
      if (t.charCodeAt(at + 3) === 0x2d) {
        lead = withoutLinePrefixes(t.slice(at, failure));
        // 220 is the greeting (RFC 5321 §4.2.2, §3.1): the refusal came at connection.
        if (t.startsWith('220', at)) command ??= 'CONNECT';
      }
      at = failure;
    }
    let r = readReplyAt(t, at, fallback.status);
    // "(reason: 550 Host unknown)", "<mx #5.0.0 smtp; 550 ...>", "550-'5.1.1 ...'": the
    // bracket or quote the MTA opened around the reply closes at its end.
    r.content = withoutWrapperCloser(r.content, t.slice(0, at) + quoteAfterCode(t, at));
    for (let depth = 0; depth < 3; depth++) {
      const inner = nestedReply(r.content);
      if (inner < 0) break;
      const opener = inner > 0 ? r.content.charAt(inner - 1) : '';
      const outer = r.enhanced;
      r = readReplyAt(r.content, inner, fallback.status);
      const closer = CLOSERS[opener];
      if (closer !== undefined && r.content.endsWith(closer))
        r.content = r.content.slice(0, -1).trimEnd();
      // "<mx #5.0.0 smtp;554>": a code alone, the wrapper's closer all that follows it.
      else if (r.content === '>' || r.content === "'" || r.content === '"') r.content = '';
      if (r.enhanced === null && outer !== null && outer.class === Math.floor(r.code / 100))
        r.enhanced = outer;
    }
    // "5.3.0 - Other mail system problem 550-'Unknown user ...'": the enhanced code
    // that leads the text is the reply's when the reply gives none of its own class.
    if (r.enhanced === null && at > 0) {
      const leading = enhancedCodeAt(t, t.charCodeAt(0) === 0x23 ? 1 : 0);
      if (
        leading !== null &&
        t.charCodeAt(leading.end) === 0x20 &&
        leading.code.class === Math.floor(r.code / 100)
      )
        r.enhanced = leading.code;
    }
    code = r.code;
    enhanced = r.enhanced;
    t = lead === '' ? r.content : oneLine(lead + ' ' + r.content);
  } else {
    command ??= stageIn(t);
    let p = 0;
    if (t.charCodeAt(0) === 0x23) p = 1;
    const e = enhancedCodeAt(t, p);
    if (
      e !== null &&
      (e.end === t.length || t.charCodeAt(e.end) === 0x20 || colonEndsCode(t, e.end))
    ) {
      enhanced = e.code;
      t = t.slice(e.end + (t.charCodeAt(e.end) === 0x3a ? 1 : 0)).trim();
      // "5.1.1 - Bad destination host ...": the dash separates the code from its text.
      if (t.startsWith('- ')) t = t.slice(2).trimStart();
    }
    // No reply where replies stand: a reply code the text gives in passing ("failed
    // with 554 Access denied", "Recipient rejected (554)") and an enhanced code that is
    // a word of its own ("... rejected: 5.1.1 user unknown", "(#5.7.1)") are still the
    // server's. The text stays whole: the code is not where a reply starts. Not in a
    // local program's text (`X-Unix; ... exited 75`): its numbers are exit statuses,
    // while an enhanced code there ("(status 5.3.0)") is one all the same.
    const free =
      (fallback.smtp ?? true)
        ? replyCodeInPassing(t, fallback.status, fallback.action ?? null)
        : -1;
    if (free >= 0) {
      code = Number(t.slice(free, free + 3));
      if (free === 0) t = t.slice(4).trimStart();
      // "(552 Mailbox full)": the reply in brackets is the whole text.
      else if (free === 1 && CLOSERS[t.charAt(0)] === t.charAt(t.length - 1))
        t = t.slice(5, -1).trim();
      inPassing = true;
    }
    if (enhanced === null && vague(fallback.status)) {
      const cls = code !== null ? Math.floor(code / 100) : (fallback.status?.class ?? null);
      enhanced =
        cls !== null ? enhancedWordIn(t, cls) : (enhancedWordIn(t, 5) ?? enhancedWordIn(t, 4));
    }
  }
  const status = fallback.status;
  if (enhanced === null) enhanced = status;
  else if (
    code !== null &&
    enhanced.class !== Math.floor(code / 100) &&
    status !== null &&
    status.class === Math.floor(code / 100) &&
    !vague(status)
  ) {
    // "550 4.2.2 Mailbox full": RFC 3463 §2 (and RFC 2034 §4) has the enhanced code's
    // class repeat the reply code's first digit. A specific Status that agrees with the
    // reply is the reporting MTA's considered reading and stands; a Status that only
    // repeats the class ("5.0.0", what MTAs write when they derive it from the reply
    // code) says less than the server's own code, which stands as given (RFC 3464
    // §2.3.6: the Diagnostic-Code is the remote server's actual reply).
    enhanced = status;
  } else if (status !== null && saysMore(status, enhanced)) {
    // "550 5.0.0 ..." or "550 5.1.0 ..." says less than "Status: 5.1.1": keep the more
    // specific one.
    enhanced = status;
  }
  const coded = code !== null && !inPassing;
  if (code === null) code = defaultCode(enhanced, fallback.action ?? null);
  if (t.length > MAX_CONTENT) t = t.slice(0, MAX_CONTENT);
  return { reply: { code, enhancedCode: enhanced, content: t, command }, coded };
}

/** The Status or Action says the recipient failed or was delayed. */
function reportsFailure(fallback: ReplyFallback): boolean {
  const cls = fallback.status?.class;
  if (cls === 4 || cls === 5) return true;
  return cls === undefined && (fallback.action === 'failed' || fallback.action === 'delayed');
}

/** The reply whose code starts at `at` in one-line text: code, enhanced code, joined text. */
function readReplyAt(
  t: string,
  at: number,
  status: EnhancedCode | null,
): { code: number; enhanced: EnhancedCode | null; content: string } {
  const code = Number(t.slice(at, at + 3));
  let enhanced: EnhancedCode | null = null;
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
      t.charCodeAt(e.end) === 0x2c ||
      colonEndsCode(t, e.end))
  ) {
    enhanced = e.code;
    content = t.slice(e.end);
    if (content.startsWith('.') || content.startsWith(',') || content.startsWith(':'))
      content = content.slice(1);
  } else {
    // "550-'Requested action aborted'": a quote opened after the code and closed at
    // the end is the wrapper's (its closer goes in `withoutWrapperCloser`).
    const quoted = mark === 1 && t.charCodeAt(p) !== 0x23 && t.trimEnd().endsWith(t.charAt(p));
    content = t.slice(quoted ? p + 1 : p);
  }
  content = joinMultiline(
    content.trim(),
    t.slice(at, at + 3),
    enhanced === null ? null : formatEnhancedCode(enhanced),
    // "550-first line 550 last line": the first line's "550-" is already read.
    t.charCodeAt(at + 3) === 0x2d,
  );
  // "501 Rcpt-To validation failed: ... 5.7.1 This system is not configured": the
  // enhanced code sits later in the text; take it when the Status says no more.
  if (enhanced === null && vague(status))
    enhanced = enhancedCodeIn(content, Math.floor(code / 100));
  return { code, enhanced, content };
}

/**
 * A colon at `end` closes the enhanced code before it: "550 5.1.1: <a@b>: Recipient
 * address rejected", as servers that write the code as a label of the text put it; a
 * space or the end follows (not "5.1.1:25", a time or a port).
 */
function colonEndsCode(t: string, end: number): boolean {
  return t.charCodeAt(end) === 0x3a && (end + 1 === t.length || t.charCodeAt(end + 1) === 0x20);
}

/** The quote a reply opens right after its code ("550-'5.2.2 ...'", "550 \"..."), or ''. */
function quoteAfterCode(t: string, at: number): string {
  const q = t.charAt(at + 4);
  return q === "'" || q === '"' ? q : '';
}

/**
 * `content` without a last character that closes a bracket or quote opened in
 * `before` (the words in front of the reply) and left unclosed there, when the
 * content itself has more of that closer than openers: the closer is the wrapper's,
 * not the server's ("<a@b>... User unknown>" keeps its own "<a@b>").
 */
function withoutWrapperCloser(content: string, before: string): string {
  const last = content.charAt(content.length - 1);
  let opener = '';
  for (const [open, close] of Object.entries(CLOSERS)) if (close === last) opener = open;
  if (opener === '' || before.indexOf(opener) < 0) return content;
  const count = (s: string, c: string): number => s.split(c).length - 1;
  if (opener === last) {
    // A quote: unclosed before the reply when it appears an odd number of times.
    if (count(before, opener) % 2 === 0 || count(content, last) % 2 === 0) return content;
  } else if (
    count(before, opener) <= count(before, last) ||
    count(content, last) <= count(content, opener)
  )
    return content;
  return content.slice(0, -1).trimEnd();
}

/** The bracket or quote that closes a reply quoted after each opener. */
const CLOSERS: Readonly<Record<string, string>> = {
  '<': '>',
  '(': ')',
  '[': ']',
  '"': '"',
  "'": "'",
};

/**
 * Where a 4xx/5xx reply quoted inside a reply's text starts, or -1: a reply code
 * with an enhanced code ("... expired <421 4.4.2 ...>"), a reply code right after an
 * opening bracket or quote ("(550 Host unknown)"), or after the words MTAs put
 * before a remote reply ("... said: 550 ..."). A bare number in the text ("552
 * bytes", "(552 kB left)") is none of these.
 */
function nestedReply(content: string): number {
  if (!hasFailureCode(content)) return -1;
  // "550-'554'": a relay's code, then the remote server's reply of a code alone (RFC
  // 5321 §4.2: the text is optional) quoted whole.
  if (isBareReplyCode(content) && failureCode(content, 0)) return 0;
  // "550 552 Requested action aborted ...", "550: 552 ...": a relay's own code, then
  // the remote server's reply with its code (a provider that writes the code it acted
  // on before the reply it quotes, as Yahoo and Zoho do); not a quantity ("550 552 bytes").
  if (failureCode(content, 0) && codeAt(content, 0, false) >= 0 && !isQuantity(content, 3))
    return 0;
  let best = -1;
  const a = codeAndEnhancedAt(content);
  if (a >= 0 && failureCode(content, a)) best = a;
  const pos = codeAfterMarker(content);
  if (
    pos >= 0 &&
    (failureCode(content, pos) || closedCode(content, pos)) &&
    (best < 0 || pos < best)
  )
    best = pos;
  const end = best < 0 ? content.length - 3 : best;
  for (let i = 0; i < end; i++) {
    if (CLOSERS[content.charAt(i)] === undefined) continue;
    // "(552 kB left of 10240 kB)": a quantity in brackets is no reply.
    if (
      failureCode(content, i + 1) &&
      codeAt(content, i + 1, false) >= 0 &&
      !isQuantity(content, i + 4)
    )
      return i + 1;
  }
  return best;
}

/** A 4xx or 5xx reply code stands somewhere in `t` (a cheap test before the RE2 ones). */
function hasFailureCode(t: string): boolean {
  for (let i = 0; i < t.length - 2; i++) {
    const c = t.charCodeAt(i);
    if (
      (c === 0x34 || c === 0x35) &&
      !isDigit(t.charCodeAt(i - 1)) &&
      (failureCode(t, i) || closedCode(t, i))
    )
      return true;
  }
  return false;
}

/** A 4xx or 5xx reply code at `pos`. */
/**
 * A failure code alone at `pos` that the wrapper or quote around the reply closes
 * right after ("smtp;554>", "returned '554'"), then the end or a space: a reply of a
 * code and no text (RFC 5321 §4.2), found after a marker (CODE_AFTER_MARKER) only.
 */
function closedCode(t: string, pos: number): boolean {
  const c = t.charCodeAt(pos);
  if ((c !== 0x34 && c !== 0x35) || codeAt(t.slice(pos, pos + 3), 0, true) < 0) return false;
  if ('>\'"'.indexOf(t.charAt(pos + 3)) < 0 || t.charAt(pos + 3) === '') return false;
  return pos + 4 >= t.length || t.charCodeAt(pos + 4) === 0x20;
}

function failureCode(t: string, pos: number): boolean {
  const c = t.charCodeAt(pos);
  return (c === 0x34 || c === 0x35) && (codeAt(t, pos, true) >= 0 || outOfRangeCodeAt(t, pos));
}

/**
 * A reply at `at` that is a success or an intermediate reply (2xx, 3xx) is not why
 * a message failed: the first 4xx/5xx reply code after it that stands as a reply
 * (after a space; followed by a space, "-" or the end), or -1.
 */
function failureAfter(t: string, at: number): number {
  const c = t.charCodeAt(at);
  if (c !== 0x32 && c !== 0x33) return -1;
  for (let i = t.indexOf(' ', at + 3); i >= 0; i = t.indexOf(' ', i + 1)) {
    if (failureCode(t, i + 1)) return i + 1;
  }
  return -1;
}

/** "220-mx.example ESMTP 220-no UCE" → "mx.example ESMTP no UCE": the text of reply lines. */
function withoutLinePrefixes(t: string): string {
  let out = '';
  let pos = 0;
  for (let i = 0; i < t.length; i++) {
    if ((i === 0 || t.charCodeAt(i - 1) === 0x20) && codeAt(t, i, true) >= 0) {
      out += t.slice(pos, i);
      pos = Math.min(i + 4, t.length);
    }
  }
  return oneLine(out + t.slice(pos));
}

// ---------------------------------------------------------------------------
// Transcripts and the SMTP stage

/**
 * The values `Reply.command` takes (KumoMTA's `response.command` vocabulary):
 * `CONNECT` the connection and the server's greeting, `EHLO` for EHLO, HELO and
 * LHLO, `STARTTLS`, `AUTH`, `MAIL FROM`, `RCPT TO`, `DATA` for the DATA command
 * itself and `.` for the end of the data (the reply to the message). A stage the
 * bounce does not name, or names otherwise, is null.
 */
export const SMTP_COMMANDS = [
  'CONNECT',
  'EHLO',
  'STARTTLS',
  'AUTH',
  'MAIL FROM',
  'RCPT TO',
  'DATA',
  '.',
] as const;

/** The stage words MTAs write (lower case) → `SMTP_COMMANDS` values. */
const STAGE_WORDS: Readonly<Record<string, string>> = {
  'mail from': 'MAIL FROM',
  'rcpt to': 'RCPT TO',
  data: 'DATA',
  'end of data': '.',
  ehlo: 'EHLO',
  helo: 'EHLO',
  lhlo: 'EHLO',
  starttls: 'STARTTLS',
  auth: 'AUTH',
  'initial connection': 'CONNECT',
  'initial server greeting': 'CONNECT',
  'initial greeting': 'CONNECT',
  'server greeting': 'CONNECT',
};

// "<stage phrase> <command>", as the MTAs write it:
// * Postfix smtp(8) and bounce(8): "(in reply to RCPT TO command)", "(in reply to end
//   of DATA command)", "while sending RCPT TO", "while performing the EHLO
//   handshake", "while receiving the initial server greeting";
// * Exim's transports: "SMTP error from remote mail server after RCPT TO:<a@b>:",
//   "after MAIL FROM:<a@b> SIZE=n:", "after pipelined DATA:", "after end of data:",
//   "after initial connection:", "after EHLO host:"; "Remote host closed connection
//   in response to RCPT TO:<a@b>"; older Exim and its derivatives: "SMTP error from
//   remote server for RCPT TO command".
// The commands are matched as MTAs write them, in capitals, so that "after data
// migration" or "after the greeting card" is no stage; the phrases in any case.
const STAGE = new RE2(
  '\\b(?:(?i:in reply to|in response to|after|while sending|while receiving|while performing)(?: the)?(?: pipelined)? (MAIL FROM|RCPT TO|DATA|EHLO|HELO|LHLO|STARTTLS|AUTH|(?i:end of data|initial connection|initial server greeting|initial greeting|server greeting))|(?i:for) (MAIL FROM|RCPT TO|DATA|(?i:end of data)) (?i:command))\\b',
);

// Whole sentences that name the stage:
// * Postfix smtp(8): "host x refused to talk to me: 554 ..." (the greeting);
// * qmail-remote: "Connected to x but greeting failed.", "... but my name was
//   rejected." (HELO), "... but sender was rejected.", "x does not like recipient.",
//   "x failed on DATA command.", "x failed after I sent the message.".
const STAGE_SENTENCES = new RE2(
  '(?i)(refused to talk to me)|(but greeting failed)|(my name was rejected)|(but sender was rejected)|(does not like recipient)|(failed on data command)|(failed after i sent the message)',
);
const SENTENCE_COMMANDS = ['CONNECT', 'CONNECT', 'EHLO', 'MAIL FROM', 'RCPT TO', 'DATA', '.'];

/** Characters of a text searched for the stage it names. */
const MAX_STAGE_TEXT = 600;

/** A word each of STAGE's phrases needs (lower case). */
const STAGE_HINTS = ['reply to', 'response to', 'after ', 'while ', 'for '];
/** A word each of STAGE_SENTENCES needs (lower case). */
const SENTENCE_HINTS = [
  'talk to me',
  'greeting',
  'rejected',
  'like recipient',
  'data command',
  'sent the message',
];

/** The first stage `text` names, as a `SMTP_COMMANDS` value, or null. */
function stageIn(whole: string): string | null {
  if (whole.length < 6) return null;
  // The MTAs name the stage in their first words ("... after RCPT TO:<a@b>: ...",
  // "lost connection with x while sending RCPT TO"), never kilobytes in.
  const text = whole.length > MAX_STAGE_TEXT ? whole.slice(0, MAX_STAGE_TEXT) : whole;
  // Most texts name no stage: a look for the words each pattern needs comes first.
  // (RE2's case folding also matches "ſ" for "s", which lower-casing keeps: a text
  // with one is searched with both patterns once either's words are there.)
  const lower = text.toLowerCase();
  let stage = STAGE_HINTS.some((h) => lower.indexOf(h) >= 0);
  let sentence = SENTENCE_HINTS.some((h) => lower.indexOf(h) >= 0);
  if (!stage && !sentence) return null;
  if (lower.indexOf('\u017f') >= 0) stage = sentence = true;
  let best: { at: number; command: string } | null = null;
  const m = stage ? STAGE.exec(text) : null;
  if (m !== null) {
    const command = STAGE_WORDS[(m[1] ?? m[2] ?? '').toLowerCase()];
    if (command !== undefined) best = { at: m.index, command };
  }
  const s = sentence ? STAGE_SENTENCES.exec(text) : null;
  if (s !== null && (best === null || s.index < best.at)) {
    for (let g = 1; g < s.length; g++) {
      if (s[g] !== undefined) {
        best = { at: s.index, command: SENTENCE_COMMANDS[g - 1] as string };
        break;
      }
    }
  }
  return best === null ? null : best.command;
}

/**
 * False when `stageIn` finds no stage in `whole` nor in any text it starts with: its
 * first MAX_STAGE_TEXT characters hold none of the words the stage patterns need.
 */
function mayNameStage(whole: string): boolean {
  const lower = (
    whole.length > MAX_STAGE_TEXT ? whole.slice(0, MAX_STAGE_TEXT) : whole
  ).toLowerCase();
  return (
    STAGE_HINTS.some((h) => lower.indexOf(h) >= 0) ||
    SENTENCE_HINTS.some((h) => lower.indexOf(h) >= 0)
  );
}

/** qmail-remote's (Yahoo's) stage tags after a reply. */
const STAGE_TAGS: Readonly<Record<string, string>> = {
  RCPT_TO: 'RCPT TO',
  MAIL_FROM: 'MAIL FROM',
};

/**
 * Postfix's "(in reply to RCPT TO command)" at the end of a reply: the stage it
 * names, and the text without it (it is Postfix's note, not the server's words).
 */
function withoutStageNote(t: string): { text: string; command: string | null } | null {
  // qmail-remote as Yahoo runs it ends a reply with the stage: "... [RCPT_TO]".
  if (t.endsWith(']')) {
    const open = t.lastIndexOf('[');
    const command = open < 0 ? undefined : STAGE_TAGS[t.slice(open + 1, -1)];
    return command === undefined ? null : { text: t.slice(0, open).trimEnd(), command };
  }
  if (!t.endsWith(')')) return null;
  const from = Math.max(0, t.length - 60);
  const at = t.slice(from).toLowerCase().lastIndexOf('(in reply to ');
  if (at < 0) return null;
  const i = from + at;
  return { text: t.slice(0, i).trimEnd(), command: stageIn(t.slice(i)) };
}

/**
 * The SMTP stage a bounce's text says its reply came at (a `SMTP_COMMANDS` value),
 * or null: read from the words before the reply, a Postfix "(in reply to ...)" note
 * after it and a transcript's `>>>` line, never from the server's own words (a reply
 * that says "rejected after DATA" does not say when it was sent).
 */
export function replyStage(text: string): string | null {
  return stageAt(text, false)?.command ?? null;
}

/**
 * `replyStage(text)` and `replyCodeIn(text)` in one reading of the text (its line
 * joined and its first reply code found once), or null when the text names no stage.
 */
export function stageAndCodeIn(text: string): { command: string; code: number | null } | null {
  return stageAt(text, true);
}

function stageAt(text: string, withCode: boolean): { command: string; code: number | null } | null {
  if (!withCode && text.indexOf('<<<') >= 0) {
    const command = extractReply(text, { status: null }).command;
    return command === null ? null : { command, code: null };
  }
  const t = oneLine(text.length > MAX_CONTENT * 4 ? text.slice(0, MAX_CONTENT * 4) : text);
  // -2: not looked for yet.
  let at = -2;
  let command: string | null;
  if (text.indexOf('<<<') >= 0) command = extractReply(text, { status: null }).command;
  else {
    const note = withoutStageNote(t);
    if (note !== null && note.command !== null) command = note.command;
    // The text before the reply is searched: where the whole text's start has none of
    // the stage words, neither has that, and the reply need not be looked for.
    else if (!mayNameStage(t)) command = null;
    else {
      at = findReplyCode(t, true);
      command = stageIn(at >= 0 ? t.slice(0, at) : t);
    }
  }
  if (command === null) return null;
  if (!withCode) return { command, code: null };
  return { command, code: codeFrom(t, at === -2 ? findReplyCode(t, true) : at) };
}

/**
 * The reply code a text holds where `extractReply` would take it (the failure after a
 * success, not the innermost of quoted replies), or null: a cheap look for comparing
 * two texts about one recipient.
 */
export function replyCodeIn(text: string): number | null {
  const t = oneLine(text.length > MAX_CONTENT * 4 ? text.slice(0, MAX_CONTENT * 4) : text);
  return codeFrom(t, findReplyCode(t, true));
}

/** `replyCodeIn` of the one-line text `t` whose first reply code stands at `at` (-1: none). */
function codeFrom(t: string, at: number): number | null {
  if (at < 0) return null;
  const failure = failureAfter(t, at);
  return Number(failure >= 0 ? t.slice(failure, failure + 3) : t.slice(at, at + 3));
}

/** `RCPT To:<a@b>` → `RCPT TO`: the command a transcript's `>>>` line sent. */
function sentCommand(line: string): string | null {
  const l = line.trim().toLowerCase();
  if (l === '.' || l.startsWith('(end of data')) return '.';
  for (const [verb, command] of SENT_VERBS) {
    if (!l.startsWith(verb)) continue;
    const next = l.charCodeAt(verb.length);
    if (Number.isNaN(next) || next === 0x20 || next === 0x3a) return command;
  }
  return null;
}

const SENT_VERBS: ReadonlyArray<readonly [string, string]> = [
  ['mail from', 'MAIL FROM'],
  ['rcpt to', 'RCPT TO'],
  ['data', 'DATA'],
  ['ehlo', 'EHLO'],
  ['helo', 'EHLO'],
  ['lhlo', 'EHLO'],
  ['starttls', 'STARTTLS'],
  ['auth', 'AUTH'],
];

/** Most transcript lines read. */
const MAX_TRANSCRIPT = 400;

interface TranscriptLine {
  kind: 'sent' | 'received' | 'other';
  text: string;
}

/** Lines of a transcript: `<<<` the server's, `>>>` ours, the rest the MTA's own. */
function transcriptLines(text: string): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
    let pos = 0;
    while (pos < text.length && lines.length < MAX_TRANSCRIPT) {
      let end = pos;
      while (end < text.length && text.charCodeAt(end) !== 0x0a && text.charCodeAt(end) !== 0x0d)
        end++;
      const line = text.slice(pos, end).trim();
      pos = end + 1;
      if (line.startsWith('<<<')) lines.push({ kind: 'received', text: line.slice(3).trim() });
      else if (line.startsWith('>>>')) lines.push({ kind: 'sent', text: line.slice(3).trim() });
      else if (line !== '') lines.push({ kind: 'other', text: line });
    }
    return lines;
  }
  // Text already joined into one line: the markers themselves separate the lines.
  let pos = 0;
  let kind: TranscriptLine['kind'] = 'other';
  while (lines.length < MAX_TRANSCRIPT) {
    const a = text.indexOf('<<<', pos);
    const b = text.indexOf('>>>', pos);
    const next = a < 0 ? b : b < 0 ? a : Math.min(a, b);
    const segment = text.slice(pos, next < 0 ? text.length : next).trim();
    if (segment !== '') lines.push({ kind, text: segment });
    if (next < 0) break;
    kind = next === a ? 'received' : 'sent';
    pos = next + 3;
  }
  return lines;
}

/**
 * The server's last 4xx/5xx reply in a transcript that marks the server's lines with
 * `<<<` (Sendmail, Courier and the MTAs that copy their layout), with the command of
 * the `>>>` line before it. Null without `<<<` lines, or when the server never refused.
 */
function transcriptReply(text: string): { text: string; command: string | null } | null {
  if (text.indexOf('<<<') < 0) return null;
  const lines = transcriptLines(text);
  let best: { text: string; command: string | null } | null = null;
  let command: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as TranscriptLine;
    if (line.kind === 'sent') {
      command = sentCommand(line.text);
      continue;
    }
    if (line.kind !== 'received') continue;
    // One reply: "NNN-" lines continue into the next received line.
    let reply = line.text;
    let last = line.text;
    while (
      last.charCodeAt(3) === 0x2d &&
      codeAt(last, 0, true) >= 0 &&
      (lines[i + 1] as TranscriptLine | undefined)?.kind === 'received'
    ) {
      i++;
      last = (lines[i] as TranscriptLine).text;
      reply += '\n' + last;
    }
    if (failureCode(last, 0)) best = { text: reply, command };
  }
  return best;
}

/**
 * The MTA's own failing reply line in a transcript without `<<<` lines, when other
 * output comes before it: Sendmail delivering to a program or a local mailer writes
 * what the program printed (its error messages, "DBI connect(...) failed: ...", a
 * stack line), then its own line for the recipient, "554 5.3.0 unknown mailer error
 * 255" or "550 No such user here". A reply stands at the start of its line (RFC 5321
 * §4.2: code, then text); once the lines are joined a code without an enhanced code
 * no longer stands where replies are looked for. The last line that starts with a
 * 4xx/5xx code (a line that is the code alone counts), with the "NNN-" lines of the
 * same reply before it (RFC 5321 §4.2.1); null when no line starts with one.
 */
export function lastReplyLine(text: string): string | null {
  const lines = text.split('\n', MAX_SECTION_LINES);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] as string).trim();
    if (!failureCode(line, 0) || line.charCodeAt(3) === 0x2d) continue;
    const code = line.slice(0, 3);
    let first = i;
    while (first > 0 && (lines[first - 1] as string).trim().startsWith(code + '-')) first--;
    return lines
      .slice(first, i + 1)
      .map((l) => l.trim())
      .join('\n');
  }
  return null;
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

// ---------------------------------------------------------------------------
// Where a notification puts the reason for one recipient

/** Most lines after an address read for its reason. */
const MAX_REASON_LINES = 8;

/**
 * Words that name the address itself rather than say why it failed, when they stand
 * before it ("Recipient address: a@b", "To: <a@b>"). Lower case, without the colon.
 */
const ADDRESS_LABELS = new Set([
  'recipient',
  'recipients',
  'recipient address',
  'recipient addresses',
  'original recipient',
  'final recipient',
  'failed recipient',
  'failed recipients',
  'rcpt to',
  'to',
  'address',
  'addresses',
  'email address',
  'e-mail address',
  'mail address',
  'user',
  'mailbox',
  'destination',
  // Sendmail's "(expanded from: <a@b>)" under a failed alias target: the address the
  // target was expanded from, named, not a reason.
  'expanded from',
]);

/** Labels that introduce the reason on the lines after an address ("Reason: ..."). */
const REASON_LABELS = ['reason:', 'diagnostic:', 'error:', 'cause:', 'problem:', 'status:'];
const REASON_LABEL_FIRSTS = 'rdecps';

function lowerIndexOf(line: string, lowerNeedle: string): number {
  return line.toLowerCase().indexOf(lowerNeedle);
}

/**
 * Lower-case copies of a notification's lines, each made once however many
 * recipients and readers (`reasonsAbout`, `entryAbout`, `transcriptAbout`) look
 * through them; kept while the lines are.
 */
const LOWER_LINES = new WeakMap<readonly string[], (string | undefined)[]>();

function lowerLinesOf(lines: readonly string[]): (string | undefined)[] {
  let lower = LOWER_LINES.get(lines);
  if (lower === undefined) {
    lower = new Array<string | undefined>(lines.length);
    LOWER_LINES.set(lines, lower);
  }
  return lower;
}

/** `lines[i]` in lower case, from `lower` (`lowerLinesOf(lines)`). */
function lowerAt(lower: (string | undefined)[], lines: readonly string[], i: number): string {
  return (lower[i] ??= (lines[i] as string).toLowerCase());
}

function isBlank(line: string | undefined): boolean {
  return line === undefined || line.trim() === '';
}

function indented(line: string): boolean {
  const c = line.charCodeAt(0);
  return c === 0x20 || c === 0x09;
}

/** The line names an address in its first word: another recipient's entry starts. */
function startsWithAddress(line: string): boolean {
  const t = line.trim();
  let end = 0;
  while (end < t.length && t.charCodeAt(end) > 0x20) end++;
  return t.slice(0, end).indexOf('@') > 0;
}

/**
 * `next` goes on with the sentence `prev` broke off, and names the address inside it
 * (at `mention`):
 * a wrapped reply ("... said: 550 5.1.1 Die\n    Empfaengeradresse <a@b> existiert
 * nicht", Postfix's bounce text wraps at 79 columns onto indented lines). `prev` ends
 * in a letter or digit (no sentence, label or bracket closed), `next` is indented and
 * words stand before the address that are no label ("To: a@b", "RCPT TO:<a@b>").
 */
function wrappedMention(prev: string, next: string, mention: number): boolean {
  if (!indented(next)) return false;
  const last = prev.trimEnd();
  // "... said: 550 5.1.1" or "550 5.1.1:" at the line's end: the reply's text follows,
  // its own "<a@b>: ..." first.
  if (endsWithCode(last, false)) return true;
  if (startsWithAddress(next)) return false;
  const c = last.charCodeAt(last.length - 1);
  const wordEnd =
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c > 0x7f;
  if (!wordEnd) return false;
  const before = next.slice(0, mention).trimEnd();
  const tail = before.endsWith('<') ? before.slice(0, -1).trimEnd() : before;
  return tail.trim() !== '' && !tail.endsWith(':') && !tail.endsWith('=');
}

/**
 * The text ends in a reply code or an enhanced code, with the colon that labels the
 * reply's text when `colon` ("... said: 550 5.1.1:", then "<a@b>: Recipient address
 * rejected" on the wrapped line): the reply goes on; such a colon announces no list
 * or paragraph.
 */
function endsWithCode(text: string, colon: boolean): boolean {
  let t = text.trimEnd();
  if (t.endsWith(':')) t = t.slice(0, -1);
  else if (colon) return false;
  const word = t.slice(t.lastIndexOf(' ') + 1);
  if (word.length === 3 && codeAt(word, 0, true) >= 0) return true;
  const e = enhancedCodeAt(word, 0);
  return e !== null && e.end === word.length;
}

/**
 * `text` opens with a reply code, perhaps after a transcript's "<<<" mark: "554",
 * "550 5.1.1", "<<< 550-5.1.1".
 */
function opensReply(text: string): boolean {
  let t = text.trimStart();
  if (t.startsWith('<<<')) t = t.slice(3).trimStart();
  return codeAt(t, 0, true) >= 0;
}

/** "Reason: text" → "text"; other lines unchanged. */
function withoutReasonLabel(line: string): string {
  const t = line.trim();
  // Only an ASCII letter lower-cases to a label's first letter.
  if (REASON_LABEL_FIRSTS.indexOf(String.fromCharCode(t.charCodeAt(0) | 0x20)) < 0) return t;
  const lower = t.toLowerCase();
  for (const label of REASON_LABELS)
    if (lower.startsWith(label)) return t.slice(label.length).trim();
  return t;
}

/** Characters that wrap or follow an address in a notification, not part of a reason. */
function trimAddressPunctuation(s: string, leading: boolean): string {
  let t = s.trim();
  const marks = leading ? '>"\')]:;,.-' : '<"\'([';
  for (let guard = 0; guard < 6 && t.length > 0; guard++) {
    const ch = leading ? t.charAt(0) : t.charAt(t.length - 1);
    if (marks.indexOf(ch) < 0) break;
    t = (leading ? t.slice(1) : t.slice(0, -1)).trim();
  }
  return t;
}

/**
 * The text a notification gives as the reason for `address`, wherever its layout
 * puts it (DESIGN.md §5, "where the reason sits"):
 * * after the address, on its line and the lines that continue it (indented, or up
 *   to the next blank line or the next recipient's entry): "a@b: 550 5.1.1 ...";
 * * on the lines after it when its line ends in a colon ("... to a@b for the
 *   following reason:"), a blank line between allowed, a "Reason:" label removed;
 * * before the address on its line, when that is not just a label: "Mailbox is
 *   full: <a@b>" (but not "Recipient address: a@b");
 * * once after a list of addresses, for all of them: "a@b", "c@d", then "Reason: ...".
 * Returns null when the address is not in `lines` or nothing is said about it.
 */
export function reasonAbout(lines: readonly string[], address: string): string | null {
  return reasonsAbout(lines, address, null).first;
}

/**
 * `reasonAbout`, and the first reason about `address` that `wanted` accepts, looking
 * past the first mention: "Delivery to a@b failed." says only that it failed, and
 * "550 5.1.1 <a@b>: no such user" further down why.
 */
export function reasonsAbout(
  lines: readonly string[],
  address: string,
  wanted: ((reason: string) => boolean) | null,
): { first: string | null; wanted: string | null } {
  const out: { first: string | null; wanted: string | null } = { first: null, wanted: null };
  const needle = address.toLowerCase();
  if (needle === '') return out;
  // Lines without an "@" cannot hold a mail address: no need to lower-case them.
  const at = needle.indexOf('@') >= 0;
  const lower = lowerLinesOf(lines);
  let tried = 0;
  for (let i = 0; i < lines.length && tried < 20; i++) {
    const line = lines[i] as string;
    if (at && line.indexOf('@') < 0) continue;
    const l = lowerAt(lower, lines, i);
    if (l.indexOf(needle) < 0 || isHeaderLine(l)) continue;
    tried++;
    const reason = reasonAt(lines, i, needle);
    if (reason === null || reason === '') continue;
    out.first ??= reason;
    if (wanted === null) return out;
    if (wanted(reason)) {
      out.wanted = reason;
      return out;
    }
  }
  return out;
}

/**
 * Header fields of the returned message that notifications repeat ("To: a@b, c@d",
 * "for <a@b>;" in a Received field): an address there is not an entry of the report.
 */
const HEADER_PREFIXES = [
  'to:',
  'cc:',
  'bcc:',
  'from:',
  'sender:',
  'reply-to:',
  'return-path:',
  'delivered-to:',
  'x-original-to:',
  'envelope-to:',
  'received:',
  'for <',
];

/** `lower` (a line in lower case) is a header field's. */
function isHeaderLine(lower: string): boolean {
  const l = lower.trimStart();
  for (const p of HEADER_PREFIXES) if (l.startsWith(p)) return true;
  return false;
}

/** Leading list bullets ("-", "*", "•") and white space removed. */
function withoutBullet(s: string): string {
  let i = 0;
  while (i < s.length && ' \t-*•'.indexOf(s.charAt(i)) >= 0) i++;
  return s.slice(i);
}

function reasonAt(lines: readonly string[], at: number, needle: string): string | null {
  const line = lines[at] as string;
  const lower = lowerLinesOf(lines);
  const pos = lowerAt(lower, lines, at).indexOf(needle);
  const before = withoutBullet(trimAddressPunctuation(line.slice(0, pos), false));
  const after = trimAddressPunctuation(line.slice(pos + needle.length), true);
  // The address inside a sentence ("Your message to a@b couldn't be delivered."):
  // the sentence is the reason, not what follows the address.
  // ("550 5.1.1: <a@b>: ...": the colon after the codes labels the reply, which is the
  // whole line.)
  const inSentence = before !== '' && (!before.endsWith(':') || endsWithCode(before, true));

  // The lines that continue the entry. A server's line of a transcript ("<<< 550
  // 5.2.2 <a@b>: mailbox full") goes on only on the server's lines: the line after it
  // without "<<<" is the MTA's own ("554 5.0.0 Service unavailable", Sendmail).
  const received = line.trimStart().startsWith('<<<');
  // A command line of a transcript (">>> RCPT To:<a@b>") is answered by the server's
  // "<<<" lines right after it; the lines after those belong to other commands and
  // other recipients.
  const sent = line.trimStart().startsWith('>>>');
  const following: string[] = [];
  let i = at + 1;
  for (; i < lines.length && following.length < MAX_REASON_LINES; i++) {
    const next = lines[i] as string;
    if (isBlank(next) || isHeading(next)) break;
    if ((received || sent) && !next.trimStart().startsWith('<<<')) break;
    // A line that names the address inside its text (Sendmail's own "550 5.1.1
    // <a@b>... User unknown") ends where the transcript's next command starts; an
    // entry headed by the address (Courier's "<a@b>:") holds its commands and replies.
    if (inSentence && next.trimStart().startsWith('>>>')) break;
    if (!indented(next) && startsWithAddress(next)) break;
    // The next line of a list of entries of one shape, each naming its own address
    // after the same words (Sendmail's "554 5.0.0 <a@b>... Service unavailable" per
    // recipient of a refused DATA): another recipient's entry, not this one's text.
    if (sameShapeEntry(next, line.slice(0, pos))) break;
    // A line that names the address again starts another mention of it, unless the
    // line before announced what follows ("The reason for the problem:", then the
    // remote reply quoting the address: "550 5.1.1 <a@b>: User unknown").
    const announced = (following[following.length - 1] ?? '').trimEnd().endsWith(':');
    const mention =
      announced || next.indexOf('@') < 0 ? -1 : lowerAt(lower, lines, i).indexOf(needle);
    if (mention >= 0 && !wrappedMention(following[following.length - 1] ?? line, next, mention))
      break;
    following.push(withoutReasonLabel(next));
  }

  // A reply that names the address last ("554 <a@b>...", Sendmail's verdict line; "550
  // 5.1.1 <a@b>:") says why on its own line, even with no words after the address
  // (RFC 5321 §4.2: the text of a reply is optional).
  const replyLine = inSentence && after === '' && opensReply(before);
  // "a@b: 554 <a@b>:" (OpenSMTPD), "host x said: 554 <a@b>:" (Postfix, its text wrapped
  // onto the next lines or cut): the colon ends the reply's own "<a@b>:", not a label
  // that announces the reason below.
  const replyAfter = after.endsWith(':') && hasReplyCode(after);
  if (
    (after !== '' && (!after.endsWith(':') || endsWithCode(after, true) || replyAfter)) ||
    replyLine
  ) {
    const head = inSentence ? withoutBullet(line.trim()) : after;
    return oneLine(following.length === 0 ? head : [head, ...following].join(' '));
  }
  if (following.length > 0) {
    // A list of addresses: the reason follows the list, once for all of them.
    if (following.every((l) => startsWithAddress(l))) return reasonAfterList(lines, i);
    return oneLine(following.join(' '));
  }
  if (after.endsWith(':')) {
    // "... for the following reason:", a blank line, then the reason.
    let j = i;
    while (j < lines.length && j - at <= 3 && isBlank(lines[j])) j++;
    return paragraphAt(lines, j);
  }
  // "Mailbox is full: <a@b>": the reason came first.
  if (before.endsWith(':')) {
    const reason = trimAddressPunctuation(before.slice(0, -1), false);
    const label = reason.startsWith('(') ? reason.slice(1).trim() : reason;
    if (reason !== '' && !ADDRESS_LABELS.has(label.toLowerCase())) return oneLine(reason);
  }
  // A list that starts with this address: the reason after the last address.
  if (startsWithAddress(line) && after === '') return reasonAfterList(lines, at + 1);
  return null;
}

/**
 * `next` repeats the words `prefix` that stood before an address on the entry line,
 * then names an address of its own: "554 5.0.0 <c@d>... Service unavailable" after
 * "554 5.0.0 <a@b>... Service unavailable". A prefix of white space alone or of no
 * letter or digit (a bullet) says nothing: `startsWithAddress` covers those lines.
 */
function sameShapeEntry(next: string, prefix: string): boolean {
  let alnum = false;
  for (let i = 0; i < prefix.length && !alnum; i++) {
    const c = prefix.charCodeAt(i) | 0x20;
    alnum = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
  }
  if (!alnum || !next.startsWith(prefix)) return false;
  let rest = next.slice(prefix.length);
  while (rest.length > 0 && '<"\'('.indexOf(rest.charAt(0)) >= 0) rest = rest.slice(1);
  return startsWithAddress(rest);
}

/** Most lines of one recipient's entry read by `entryAbout` (a wrapped reply runs long). */
const MAX_ENTRY_LINES = 40;

/**
 * The text a notification gives `address` as its own, as one line, for reading the
 * SMTP stage of its reply:
 * * its entry, when a line's first word is the address (Postfix bounce(8) "<a@b>:
 *   host x said: 550 ...", "<a@b> (expanded from <c@d>): ...", Exim's "  a@b" above
 *   its indented lines): that line and the lines that continue it, up to a blank
 *   line, a heading or the next entry (a line whose first word is an address,
 *   indented no deeper). Unlike `reasonAbout`, lines that name the address again
 *   belong to it: the wrapped reply ("550 5.1.1\n    <a@b>: Recipient address
 *   rejected ... (in reply to RCPT TO command)"), Exim's "after RCPT TO:<a@b>:";
 * * else the reason `reasonAbout` reads around the address.
 * A line inside another address's entry (indented under a line whose first word is
 * that address: Postfix wraps "<c@d>: host x said: 550\n    <a@b>: forwarding
 * loop ...") is not about `address`. Null when no line is.
 */
export function entryAbout(lines: readonly string[], address: string): string | null {
  const needle = address.toLowerCase();
  if (needle === '' || needle.indexOf('@') < 0) return null;
  const lower = lowerLinesOf(lines);
  let tried = 0;
  for (let i = 0; i < lines.length && tried < 20; i++) {
    const line = lines[i] as string;
    if (line.indexOf('@') < 0) continue;
    const l = lowerAt(lower, lines, i);
    if (l.indexOf(needle) < 0 || isHeaderLine(l)) continue;
    tried++;
    const owner = entryOwner(lines, i);
    if (owner !== null && !headedBy(owner, needle)) continue;
    if (owner === null && headedBy(line, needle)) return entryAt(lines, i);
    if (owner !== null) return null;
    const reason = reasonAt(lines, i, needle);
    if (reason !== null && reason !== '') return reason;
  }
  return null;
}

/**
 * The line above `at` in its paragraph, indented less, whose first word is an address
 * (the entry `at` continues), or null.
 */
function entryOwner(lines: readonly string[], at: number): string | null {
  const depth = indentOf(lines[at] as string);
  for (let k = at - 1; k >= 0 && at - k <= MAX_ENTRY_LINES; k--) {
    const prev = lines[k] as string;
    if (isBlank(prev) || isHeading(prev)) return null;
    if (indentOf(prev) < depth) return startsWithAddress(prev) ? prev : null;
  }
  return null;
}

/** The entry headed by line `at`, up to a blank line, a heading or the next entry. */
function entryAt(lines: readonly string[], at: number): string {
  const depth = indentOf(lines[at] as string);
  const entry = [(lines[at] as string).trim()];
  for (let j = at + 1; j < lines.length && entry.length < MAX_ENTRY_LINES; j++) {
    const next = lines[j] as string;
    if (isBlank(next) || isHeading(next)) break;
    if (indentOf(next) <= depth && startsWithAddress(next)) break;
    entry.push(next.trim());
  }
  return oneLine(entry.join(' '));
}

/** The line's first word is `needle` (lower case), in angle brackets or quotes or not. */
function headedBy(line: string, needle: string): boolean {
  let t = withoutBullet(line.trimStart());
  while (t.length > 0 && '<"\''.indexOf(t.charAt(0)) >= 0) t = t.slice(1);
  if (t.length < needle.length || t.slice(0, needle.length).toLowerCase() !== needle) return false;
  // The address ends there: "a@b.c>" or "a@b.c:", not "a@b.com" for "a@b.c".
  const next = t.charAt(needle.length);
  return next === '' || '>"\': \t,;('.indexOf(next) >= 0;
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 0x20 || line.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** "----- Transcript of session follows -----", "=====": a section heading, no reason. */
function isHeading(line: string): boolean {
  const t = line.trim();
  return t.startsWith('---') || t.startsWith('===') || t.startsWith('***');
}

/** The paragraph starting at `j` (up to a blank line, a heading or an address entry). */
function paragraphAt(lines: readonly string[], j: number): string | null {
  const para: string[] = [];
  for (let k = j; k < lines.length && para.length < MAX_REASON_LINES; k++) {
    const l = lines[k] as string;
    if (isBlank(l) || isHeading(l) || startsWithAddress(l)) break;
    para.push(withoutReasonLabel(l));
  }
  return para.length > 0 ? oneLine(para.join(' ')) : null;
}

/** After a list of address lines from `from`: the first paragraph that is not an address. */
function reasonAfterList(lines: readonly string[], from: number): string | null {
  let j = from;
  const end = Math.min(lines.length, from + 1000);
  while (j < end && (isBlank(lines[j]) || startsWithAddress(lines[j] as string))) j++;
  return paragraphAt(lines, j);
}

/** Most lines of a transcript section read. */
const MAX_SECTION_LINES = 200;

/** A text's transcript section: its non-blank lines trimmed, and their lower-case copies (made on first use). */
interface TranscriptSection {
  section: string[];
  lower: (string | undefined)[];
}

/** The transcript section of each lines array read (null: none), found once for all its recipients. */
const SECTIONS = new WeakMap<readonly string[], TranscriptSection | null>();

/**
 * The lines after Sendmail's "Transcript of session follows" up to a `---`/`===`
 * line (at most MAX_SECTION_LINES non-blank ones, trimmed), or null when the text
 * has none or it is empty. Memoised per lines array.
 */
function transcriptSection(lines: readonly string[]): TranscriptSection | null {
  const known = SECTIONS.get(lines);
  if (known !== undefined) return known;
  let start = -1;
  const lower = lowerLinesOf(lines);
  for (let i = 0; i < lines.length && start < 0; i++)
    if (lowerAt(lower, lines, i).indexOf('transcript of session') >= 0) start = i + 1;
  let found: TranscriptSection | null = null;
  if (start >= 0) {
    const section: string[] = [];
    for (let i = start; i < lines.length && section.length < MAX_SECTION_LINES; i++) {
      const t = (lines[i] as string).trim();
      if (t.startsWith('---') || t.startsWith('===')) break;
      if (t !== '') section.push(t);
    }
    if (section.length > 0)
      found = { section, lower: new Array<string | undefined>(section.length) };
  }
  SECTIONS.set(lines, found);
  return found;
}

/**
 * The part of an SMTP transcript about `address`, as lines joined with "\n" for
 * `extractReply`: the section after Sendmail's "----- Transcript of session follows
 * -----" heading (which other MTAs copy), up to the next heading. The `>>>` line
 * that names the address with the server's `<<<` lines after it, or the lines from
 * the last `>>>` before a line that names it; when no line names it and the report
 * is about this recipient alone (`alone`), the whole section. Null otherwise.
 */
export function transcriptAbout(
  lines: readonly string[],
  address: string,
  alone: boolean,
): string | null {
  const found = transcriptSection(lines);
  if (found === null) return null;
  const { section, lower } = found;
  const needle = address.toLowerCase();
  let k = -1;
  if (needle !== '')
    for (let i = 0; i < section.length && k < 0; i++)
      if ((lower[i] ??= (section[i] as string).toLowerCase()).indexOf(needle) >= 0) k = i;
  if (k < 0) return alone ? section.join('\n') : null;
  const isTalk = (l: string): boolean => lowerIndexOf(l, 'while talking to') >= 0;
  let from = k;
  let to = k + 1;
  if ((section[k] as string).startsWith('>>>')) {
    while (
      to < section.length &&
      !(section[to] as string).startsWith('>>>') &&
      !isTalk(section[to] as string)
    )
      to++;
  } else {
    while (
      from > 0 &&
      !(section[from] as string).startsWith('>>>') &&
      !isTalk(section[from - 1] as string)
    )
      from--;
    // "550-5.1.1 <a@b>... first line", then "550-5.1.1 ..." and "550 5.1.1 ...": the
    // lines of a multi-line reply go with the one naming the address (RFC 5321 §4.2.1).
    const first = section[k] as string;
    if (codeAt(first, 0, false) >= 0 && first.charCodeAt(3) === 0x2d) {
      const code = first.slice(0, 3);
      while (to < section.length && to <= k + 20) {
        const l = section[to] as string;
        const sep = l.charCodeAt(3);
        if (!l.startsWith(code) || (sep !== 0x20 && sep !== 0x2d)) break;
        to++;
        if (sep === 0x20) break;
      }
    }
    // A server's line that names the address goes on in the "<<<" lines after it; the
    // MTA's own line about it ("550 5.1.1 <a@b>... User unknown") comes after the
    // server's reply, and the "<<<" lines after that answer later commands.
    if (first.startsWith('<<<'))
      while (to < section.length && (section[to] as string).startsWith('<<<')) to++;
    // Sendmail writes one ">>> DATA" for a pipelined group (RFC 2920 §3.1: DATA ends
    // it, its reply comes last): a reply with another one after it under that line
    // ("<<< 550 <a@b>: User unknown", then "<<< 554 no valid recipients") answered
    // an earlier command of the group, which the transcript does not show.
    if (from < k && sentCommand((section[from] as string).slice(3)) === 'DATA') {
      for (let j = to; j < section.length; j++) {
        const l = section[j] as string;
        if (l.startsWith('>>>') || isTalk(l)) break;
        if (l.startsWith('<<<')) return section.slice(from + 1, to).join('\n');
      }
    }
  }
  return section.slice(from, to).join('\n');
}
