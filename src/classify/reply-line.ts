// The single line a reply is matched as: KumoMTA's `Response::to_single_line`,
// `"<code> <class>.<subject>.<detail> <content>"`, the enhanced part only when present.
// KumoMTA escapes CR and LF as `\r` / `\n`; we turn each into one space (DESIGN.md §6) so
// a rule written for a folded reply matches it whichever way the reply was folded.
// No RegExp here: the text is hostile (eslint's purity fence), plain string scans do.
import { formatEnhancedCode, type EnhancedCode } from '../values';
import type { Reply } from '../report/types';

/** The string the rules are matched against. */
export function replyLine(reply: Reply): string {
  const enhanced = reply.enhancedCode ? `${formatEnhancedCode(reply.enhancedCode)} ` : '';
  return `${reply.code} ${enhanced}${flattenLineBreaks(reply.content)}`;
}

function flattenLineBreaks(text: string): string {
  return text.replaceAll('\r', ' ').replaceAll('\n', ' ');
}

/**
 * Parse a reply typed by a person (`oobd classify "550 5.1.1 user unknown"`) into the
 * parts the pipeline hands to the classifier, so that `replyLine(parseReplyLine(s))`
 * is `s` for any well-formed reply. Accepts `550-5.1.1 ...` continuation style too,
 * including a whole multi-line reply joined into one line (as logs and list managers
 * store it): the code each line repeats is not part of the text (RFC 5321 §4.2.1), so
 * `"550-5.7.1 likely 550-5.7.1 unsolicited mail"` is read as `"likely unsolicited mail"`.
 * Without a reply code, the code follows DESIGN.md §5: 451 for an enhanced code of
 * class 4, else 550.
 */
export function parseReplyLine(text: string): Reply {
  let rest = flattenLineBreaks(text).trim();
  let code: number | null = null;
  const replyCode = leadingReplyCode(rest);
  const continued = replyCode !== null && rest[3] === '-';
  if (replyCode !== null) {
    code = replyCode;
    // "550: 5.7.1 ..." (the code written as a label, as Yahoo's failure notice has it).
    rest = rest.slice(rest[3] === ':' ? 5 : 4).trimStart();
  }
  let enhancedCode: EnhancedCode | null = null;
  const enhanced = leadingEnhancedCode(rest) ?? markedEnhancedCode(rest);
  if (enhanced !== null) {
    enhancedCode = enhanced.code;
    rest = rest.slice(enhanced.length).trimStart();
  }
  if (continued && code !== null)
    rest = withoutRepeatedCodes(
      rest,
      String(code),
      enhancedCode === null ? null : formatEnhancedCode(enhancedCode),
    );
  return {
    code: code ?? (enhancedCode?.class === 4 ? 451 : 550),
    enhancedCode,
    content: rest,
    command: null,
  };
}

/**
 * The text of a multi-line reply joined into one line, without the codes its later
 * lines repeat: `"<code>-"` after a space, and `"<code> "` (the last line) when the
 * reply's enhanced code follows it, each with that enhanced code when present
 * (RFC 5321 §4.2.1: every line of a reply carries its code; RFC 3463 §2 the enhanced
 * code leads the text of each line). A number that is not followed that way (a count,
 * "550 messages") is text and stays. Linear: one scan of the text.
 */
function withoutRepeatedCodes(content: string, code: string, enhanced: string | null): string {
  const words = content.split(' ');
  const kept: string[] = [];
  const dash = code + '-';
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (i > 0 && word.startsWith(dash)) {
      // "550-5.7.1" (a repeat with its enhanced code) or "554-text" (without one).
      const rest = word.slice(dash.length);
      if (rest !== enhanced && rest !== '') kept.push(rest);
    } else if (i > 0 && word === code && enhanced !== null && words[i + 1] === enhanced) {
      i++; // the last line's "550 5.7.1"
    } else kept.push(word);
  }
  return kept.join(' ').trim();
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/**
 * `NNN` followed by a space, a hyphen (multi-line reply) or the end (RFC 5321 §4.2), or
 * by a colon and a space: "550: 5.7.1 ..." (Yahoo's failure notice writes the code as a
 * label of the text; "550:25" is a port, no code).
 */
function leadingReplyCode(text: string): number | null {
  if (!isDigit(text[0]) || !isDigit(text[1]) || !isDigit(text[2])) return null;
  const after = text[3];
  const label = after === ':' && (text[4] === ' ' || text[4] === '\t');
  if (after !== undefined && after !== ' ' && after !== '-' && after !== '\t' && !label)
    return null;
  const first = text[0];
  if (first !== '2' && first !== '3' && first !== '4' && first !== '5') return null;
  return Number(text.slice(0, 3));
}

/**
 * `class.subject.detail` (RFC 3463 §2: class 2, 4 or 5, then 1–3 digits each) followed by
 * a space or the end, or by `closer` and then a space or the end (the length leaves the
 * closer out).
 */
function leadingEnhancedCode(
  text: string,
  closer?: string,
): { code: EnhancedCode; length: number } | null {
  const cls = text[0];
  if ((cls !== '2' && cls !== '4' && cls !== '5') || text[1] !== '.') return null;
  let pos = 2;
  const digits = (): number | null => {
    const start = pos;
    while (pos - start < 3 && isDigit(text[pos])) pos++;
    if (pos === start || isDigit(text[pos])) return null;
    return Number(text.slice(start, pos));
  };
  const subject = digits();
  if (subject === null || text[pos] !== '.') return null;
  pos++;
  const detail = digits();
  if (detail === null) return null;
  let after = text[pos];
  if (closer !== undefined) {
    if (after !== closer) return null;
    after = text[pos + 1];
  }
  if (after !== undefined && after !== ' ' && after !== '\t') return null;
  return { code: { class: Number(cls), subject, detail }, length: pos };
}

/** The closer of each bracket an enhanced code may be written in. */
const CODE_BRACKETS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/**
 * A leading enhanced code written with a mark, as gateways and Exchange put it: after
 * "#" ("550 #5.1.1 ...") or in brackets or braces ("550 [5.1.1] ...", "550 {5.7.1} ...");
 * its length takes in the mark. Null for anything else.
 */
function markedEnhancedCode(text: string): { code: EnhancedCode; length: number } | null {
  const open = text[0] ?? '';
  if (open === '#') {
    const e = leadingEnhancedCode(text.slice(1));
    return e === null ? null : { code: e.code, length: e.length + 1 };
  }
  const close = CODE_BRACKETS[open];
  if (close === undefined) return null;
  const e = leadingEnhancedCode(text.slice(1), close);
  return e === null ? null : { code: e.code, length: e.length + 2 };
}

/** Characters after which a quoted reply may start: a space, or what opens a quote. */
const QUOTE_OPENERS = ' \t:;,([<>"\'';

/**
 * The length of the line's own codes, `"550 5.1.1 "` of `"550 5.1.1 user unknown"`
 * (the reply code, the enhanced code when there is one, and the space after each);
 * 0 when the line does not start with a reply code.
 */
export function leadingCodesLength(line: string): number {
  if (leadingReplyCode(line) === null) return 0;
  let pos = line[3] === ':' ? 4 : 3;
  while (line[pos] === ' ' || line[pos] === '-' || line[pos] === '\t') pos++;
  const enhanced = leadingEnhancedCode(line.slice(pos, pos + 12));
  if (enhanced === null) return pos;
  pos += enhanced.length;
  while (line[pos] === ' ' || line[pos] === '\t') pos++;
  return pos;
}

/**
 * The first reply quoted in `text` within its first `limit` characters, as a reply line
 * (`reply` "550 5.1.1 user unknown" out of "relay said: 550-5.1.1 user unknown"), and
 * where in `text` it starts (`at`): a reply code of class 4 or 5 followed by an enhanced
 * code (RFC 5321 §4.2, RFC 3463: both, since a bare number is too often something
 * else), at the start or after a space or a character that opens a quote, so never
 * inside a word, a number, a name or a URL. Given `code` (the wrapping reply's code,
 * when it has no enhanced code of its own), one more form counts: an enhanced code of
 * the same class opening a bracketed reason, with or without a space inside the bracket
 * ("550 ETP102 recipient rejected by downstream MTA. Reason: [ 5.4.1 Recipient address
 * rejected ]"): a relay quoting the next server's verdict without its reply code, which
 * the wrapping reply's code stands in for (RFC 3463 §2: the class agrees with the reply
 * code's first digit). A plain scan, linear in `limit`; null when there is none.
 */
export function quotedReplyAt(
  text: string,
  limit: number,
  code?: number,
): { reply: string; at: number } | null {
  const end = Math.min(text.length, limit);
  const bareClass = code === undefined ? null : String(code)[0];
  for (let i = 0; i < end; i++) {
    const ch = text[i];
    if (ch !== '4' && ch !== '5') continue;
    if (i > 0 && !QUOTE_OPENERS.includes(text[i - 1] ?? '')) continue;
    const replyCode = leadingReplyCode(text.slice(i, i + 4));
    const separator = text[i + 3];
    if (replyCode !== null && (separator === ' ' || separator === '-')) {
      const enhanced = leadingEnhancedCode(text.slice(i + 4, i + 16));
      if (enhanced === null) continue;
      const rest = text.slice(i + 4 + enhanced.length, end).trim();
      const codes = `${replyCode} ${formatEnhancedCode(enhanced.code)}`;
      return { reply: rest === '' ? codes : `${codes} ${rest}`, at: i };
    }
    if (ch !== bareClass || !opensBracket(text, i)) continue;
    const enhanced = leadingEnhancedCode(text.slice(i, i + 12));
    if (enhanced === null) continue;
    const rest = text.slice(i + enhanced.length, end).trim();
    if (rest === '') continue;
    return { reply: `${String(code)} ${formatEnhancedCode(enhanced.code)} ${rest}`, at: i };
  }
  return null;
}

/** Whether `text[i]` is the first character inside "[" or "(", one space allowed. */
function opensBracket(text: string, i: number): boolean {
  const before = text[i - 1] === ' ' ? text[i - 2] : text[i - 1];
  return before === '[' || before === '(';
}
