// Grouping replies by what they say: the same template from the same software with a
// different address, host, queue id or number is one group. `oobd rules audit` lists
// the uncategorized replies this way (most frequent first, each with a pattern ready
// to paste into a rules file), and the web view reuses it.
//
// Pure, and RE2 only: the replies are hostile text.
import RE2 from 're2';

/** One reply's normalised form. */
export interface NormalisedReply {
  /**
   * `"<code> <enhanced> <content>"` with the content's addresses, URLs, IPs, host
   * names, long ids and numbers replaced by `<address>`, `<url>`, `<ip>`, `<host>`,
   * `<id>` and `<n>`; the reply code and enhanced code are kept.
   */
  key: string;
  /**
   * An RE2 pattern (KumoMTA rules syntax, `(?i)`, no `'` so it fits a TOML literal
   * string) that matches the content of every reply of the group.
   */
  pattern: string;
}

/** Replies that share a normalised form. */
export interface ReplyGroup extends NormalisedReply {
  count: number;
  /** The first reply line seen with this form. */
  example: string;
}

/** Content longer than this is cut (at a word) before it becomes a pattern. */
const MAX_PATTERN_CONTENT = 160;
/**
 * Longer keys are cut: a group is known by its start, and a stream of megabyte replies
 * must not pin megabytes per group (RFC 5321 §4.5.3.1.5: a reply line is 512 octets).
 */
const MAX_KEY = 1000;

type Mask = 'address' | 'url' | 'ip' | 'host' | 'id' | 'n';

// Order matters: a URL holds host names and numbers, an address holds a host name.
const MASKS: ReadonlyArray<[Mask, RE2]> = [
  ['url', new RE2('(?i)\\b(?:https?|ftp)://[^\\s<>"\\]\\)]+', 'gu')],
  ['address', new RE2('<?[^\\s<>@"()\\[\\],;:]+@[^\\s<>@"()\\[\\],;:]+\\.[A-Za-z]{2,}>?', 'gu')],
  ['ip', new RE2('\\[?\\b\\d{1,3}(?:\\.\\d{1,3}){3}\\b\\]?(?::\\d+)?', 'gu')],
  // IPv6, "::" shortening included (and clock times, which group as well masked).
  ['ip', new RE2('\\[?(?:\\b[0-9a-fA-F]{1,4})?(?::[0-9a-fA-F]{0,4}){2,7}\\]?', 'gu')],
  // Host names as MTAs print them: lower case (STOREDRV.Deliver and RESOLVER.ADR.x are
  // words, not hosts), at least one dot, a final label of letters.
  [
    'host',
    new RE2(
      '\\[?\\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\\.[a-z]{2,}\\b\\.?\\]?',
      'gu',
    ),
  ],
  // Queue and session ids: 10+ characters mixing letters and digits.
  [
    'id',
    new RE2(
      '\\b(?:[A-Za-z_-]*[0-9][A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]*|[0-9_-]*[A-Za-z][A-Za-z0-9_-]*[0-9][A-Za-z0-9_-]*)\\b',
      'gu',
    ),
  ],
  ['n', new RE2('\\d+', 'gu')],
];

const MIN_ID_LENGTH = 10;
const WHITESPACE = new RE2('\\s+', 'gu');
/** Characters with a meaning in RE2 syntax. */
const SPECIAL = new Set(['\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$']);

const MASK_PATTERN: Record<Mask, string> = {
  address: '\\S+@\\S+',
  url: '\\S+',
  ip: '[0-9A-Fa-f.:\\[\\]]+',
  host: '[\\w.\\[\\]-]+',
  id: '\\S+',
  n: '\\d+',
};

// Masks are written with characters no reply keeps after masking, so they can be
// told from text when the pattern is built: \u0001name\u0002.
const OPEN = '\u0001';
const CLOSE = '\u0002';

function maskAll(content: string): string {
  // The mask delimiters are control characters; in a reply that carries them they stand
  // for any character (\u0003 becomes `.` in the pattern).
  let text = content.split(OPEN).join('\u0003').split(CLOSE).join('\u0003');
  for (const [name, re] of MASKS) {
    text = re.replace(text, (match: string) =>
      name === 'id' && match.length < MIN_ID_LENGTH ? match : `${OPEN}${name}${CLOSE}`,
    );
  }
  return WHITESPACE.replace(text, ' ').trim();
}

/** The code and enhanced code at the start of a reply line, and the rest. */
function splitLine(line: string): { head: string; content: string } {
  const parts = line.split(' ');
  let take = 0;
  const isCode = (s: string | undefined) =>
    s !== undefined && s.length === 3 && [...s].every((ch) => ch >= '0' && ch <= '9');
  const isEnhanced = (s: string | undefined) => {
    if (s === undefined) return false;
    const pieces = s.split('.');
    return (
      pieces.length === 3 &&
      pieces.every(
        (p) => p.length > 0 && p.length <= 3 && [...p].every((ch) => ch >= '0' && ch <= '9'),
      )
    );
  };
  if (isCode(parts[0])) take = 1;
  if (take === 1 && isEnhanced(parts[1])) take = 2;
  return { head: parts.slice(0, take).join(' '), content: parts.slice(take).join(' ') };
}

function escapeLiteral(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === "'" || ch === '\u2019' || ch === '\u2018') out += '.';
    else if (ch === ' ') out += '\\s+';
    else if (SPECIAL.has(ch)) out += `\\${ch}`;
    else if (ch < ' ' || ch === '\u007f') out += '.';
    else out += ch;
  }
  return out;
}

function cut(text: string): string {
  if (text.length <= MAX_PATTERN_CONTENT) return text;
  const space = text.lastIndexOf(' ', MAX_PATTERN_CONTENT);
  let end = space > MAX_PATTERN_CONTENT / 2 ? space : MAX_PATTERN_CONTENT;
  // Never cut inside a mask.
  const open = text.lastIndexOf(OPEN, end);
  if (open >= 0 && text.indexOf(CLOSE, open) >= end) end = open;
  return text.slice(0, end).trimEnd();
}

function toPattern(masked: string): string {
  let out = '(?i)';
  let rest = cut(masked);
  while (rest.length > 0) {
    const open = rest.indexOf(OPEN);
    if (open < 0) {
      out += escapeLiteral(rest);
      break;
    }
    out += escapeLiteral(rest.slice(0, open));
    const close = rest.indexOf(CLOSE, open);
    const name = rest.slice(open + 1, close) as Mask;
    out += MASK_PATTERN[name] ?? '\\S+';
    rest = rest.slice(close + 1);
  }
  return out;
}

/**
 * The normalised form of one reply line (`"550 5.1.1 <a@b>: user unknown"`, as
 * `replyLine` builds it). Pure and total: any string gives a key and a pattern that
 * RE2 compiles and that matches the content of the line it came from.
 */
export function normaliseReply(line: string): NormalisedReply {
  const { head, content } = splitLine(line.trim());
  const masked = maskAll(content);
  const full = masked.split(OPEN).join('<').split(CLOSE).join('>');
  const readable = full.length > MAX_KEY ? `${full.slice(0, MAX_KEY)}…` : full;
  return {
    key: head === '' ? readable : readable === '' ? head : `${head} ${readable}`,
    pattern: hasWords(masked) ? toPattern(masked) : anchoredPattern(head, masked),
  };
}

const LETTER = new RE2('\\pL', 'u');

/** Whether the masked content has text of its own: a letter outside the masks. */
function hasWords(masked: string): boolean {
  let rest = masked;
  for (;;) {
    const open = rest.indexOf(OPEN);
    if (open < 0) return LETTER.test(rest);
    if (LETTER.test(rest.slice(0, open))) return true;
    rest = rest.slice(rest.indexOf(CLOSE, open) + 1);
  }
}

/**
 * The pattern of a reply with no words of its own ("550", "550 5.0.0 <address>"): its
 * content alone would give `(?i)` or a mask (`\S+@\S+`, `\d+`), which match almost any
 * reply, so the pattern is the whole line, codes included, from start to end.
 */
function anchoredPattern(head: string, masked: string): string {
  const codes = escapeLiteral(head);
  const content = toPattern(masked).slice('(?i)'.length);
  const body = codes === '' ? content : content === '' ? codes : `${codes}\\s+${content}`;
  return `(?i)^${body}${cut(masked) === masked ? '\\s*$' : ''}`;
}

/**
 * Replies grouped by normalised form, most frequent first (ties: first seen first).
 * @param lines reply lines, in the order met
 */
export function groupReplies(lines: Iterable<string>): ReplyGroup[] {
  const groups = new Map<string, ReplyGroup>();
  for (const line of lines) {
    const normalised = normaliseReply(line);
    const group = groups.get(normalised.key);
    if (group) group.count++;
    else groups.set(normalised.key, { ...normalised, count: 1, example: line });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}
