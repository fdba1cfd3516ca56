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
 * is `s` for any well-formed reply. Accepts `550-5.1.1 ...` continuation style too.
 * Without a reply code, the code follows DESIGN.md §5: 451 for an enhanced code of
 * class 4, else 550.
 */
export function parseReplyLine(text: string): Reply {
  let rest = flattenLineBreaks(text).trim();
  let code: number | null = null;
  const replyCode = leadingReplyCode(rest);
  if (replyCode !== null) {
    code = replyCode;
    rest = rest.slice(4).trimStart();
  }
  let enhancedCode: EnhancedCode | null = null;
  const enhanced = leadingEnhancedCode(rest);
  if (enhanced !== null) {
    enhancedCode = enhanced.code;
    rest = rest.slice(enhanced.length).trimStart();
  }
  return {
    code: code ?? (enhancedCode?.class === 4 ? 451 : 550),
    enhancedCode,
    content: rest,
    command: null,
  };
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** `NNN` followed by a space, a hyphen (multi-line reply) or the end (RFC 5321 §4.2). */
function leadingReplyCode(text: string): number | null {
  if (!isDigit(text[0]) || !isDigit(text[1]) || !isDigit(text[2])) return null;
  const after = text[3];
  if (after !== undefined && after !== ' ' && after !== '-' && after !== '\t') return null;
  const first = text[0];
  if (first !== '2' && first !== '3' && first !== '4' && first !== '5') return null;
  return Number(text.slice(0, 3));
}

/** `class.subject.detail` (RFC 3463 §2: class 2, 4 or 5, then 1–3 digits each) followed by a space or the end. */
function leadingEnhancedCode(text: string): { code: EnhancedCode; length: number } | null {
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
  const after = text[pos];
  if (after !== undefined && after !== ' ' && after !== '\t') return null;
  return { code: { class: Number(cls), subject, detail }, length: pos };
}
