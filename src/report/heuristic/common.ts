// What every non-RFC family shares: the bounce's own text as bounded lines, the
// header fields they detect on, and one way of turning "this recipient failed
// with this text" into a finding, so that the reply (DESIGN.md §5), the action
// and the record fields come out the same whichever MTA wrote the bounce.
import RE2 from 're2';
import { extractAddress, isEmailAddress } from '../address';
import { decodeEncodedWords } from '../codec';
import { parseDate } from '../date';
import { cleanMessageId, messageIdOf } from '../dsn';
import type { MimeMessage, TextPart } from '../mime';
import { extractReply, hasReplyCode, oneLine } from '../reply';
import { enhancedCodeAt, formatEnhancedCode, type EnhancedCode } from '../../values';
import type { Finding, OobFinding } from '../types';

/** Most characters of a bounce's text that any family reads. */
export const MAX_TEXT = 256 * 1024;
/** Most lines of a bounce's text that any family reads. */
export const MAX_LINES = 5000;
/** Longest line kept; a diagnostic is a sentence, not a document. */
export const MAX_LINE = 4096;
/** Most failed recipients taken from one bounce. */
export const MAX_RECIPIENTS = 1000;
/** Most lines of diagnostic text kept for one recipient. */
export const MAX_DIAGNOSTIC_LINES = 40;
/** Characters of the text's start that `head()` holds for cheap detection. */
const HEAD = 4096;

/**
 * The phrases `detect` functions look for in `head()`, found with one RE2.Set scan
 * per message instead of one `indexOf` per phrase and family (about a hundred).
 * A phrase joins the set the first time any message asks for it; until the set is
 * rebuilt (on the next message) it is looked up with `indexOf`, so the answer never
 * depends on the cache. Module state, but only a cache of constant phrases.
 */
const PHRASES: string[] = [];
const PHRASE_INDEX = new Map<string, number>();
const MAX_PHRASES = 512;
let phraseSet: { set: InstanceType<typeof RE2.Set>; size: number } | null = null;
/** PHRASES.length when a build last failed: not retried until a phrase is added. */
let failedAt = -1;

function escapeLiteral(s: string): string {
  let out = '';
  for (const ch of s) out += '\\^$.|?*+()[]{}'.indexOf(ch) >= 0 ? '\\' + ch : ch;
  return out;
}

function currentPhraseSet(): { set: InstanceType<typeof RE2.Set>; size: number } | null {
  if (phraseSet !== null && phraseSet.size === PHRASES.length) return phraseSet;
  if (PHRASES.length === 0 || failedAt === PHRASES.length) return phraseSet;
  try {
    // RE2.Set requires flags; 'u' (Unicode) is what `head()`, a decoded string, needs.
    phraseSet = { set: new RE2.Set(PHRASES.map(escapeLiteral), 'u'), size: PHRASES.length };
  } catch {
    // Keep the previous set (its phrases are still valid); newer ones use indexOf.
    failedAt = PHRASES.length;
  }
  return phraseSet;
}

/** How many phrases the detection set holds, and how many are known (for tests). */
export function phraseSetStats(): { inSet: number; known: number } {
  return { inSet: phraseSet?.size ?? 0, known: PHRASES.length };
}

/**
 * One message as the families see it. Everything is computed on first use, so a
 * family that rejects a message on its From field never decodes a body.
 */
export class Bounce {
  private fromCache: string | null = null;
  private subjectCache: string | null = null;
  private bodyCache: string | null = null;
  private linesCache: string[] | null = null;
  private headCache: string | null = null;
  private hits: { found: Set<number>; size: number } | null = null;

  constructor(readonly msg: MimeMessage) {}

  /** A top-level header field, raw (Unicode, unfolded), or ''. */
  header(name: string): string {
    return this.msg.headers.get(name) ?? '';
  }

  has(name: string): boolean {
    return this.msg.headers.has(name);
  }

  /** The From field, lower case. */
  get from(): string {
    this.fromCache ??= this.header('from').toLowerCase();
    return this.fromCache;
  }

  /** The Subject, encoded words decoded, lower case. */
  get subject(): string {
    this.subjectCache ??= decodeEncodedWords(this.header('subject')).toLowerCase();
    return this.subjectCache;
  }

  /** True when the From address's domain is `domain` or a subdomain of it. */
  fromDomain(domain: string): boolean {
    const addr = extractAddress(this.header('from'));
    if (addr === null) return false;
    const d = addr.slice(addr.lastIndexOf('@') + 1).toLowerCase();
    return d === domain || d.endsWith('.' + domain);
  }

  /** The decoded text parts of the bounce itself (not of a returned message). */
  texts(): TextPart[] {
    return this.msg.texts();
  }

  /**
   * The bounce's own text: its first text/plain part, else its first HTML part as
   * text (Exchange and some gateways send only HTML), at most MAX_TEXT characters.
   */
  body(): string {
    if (this.bodyCache !== null) return this.bodyCache;
    let text = '';
    let html: string | null = null;
    for (const t of this.msg.texts()) {
      // An empty plain part beside the HTML one (some Office 365 notices) is no text.
      if ((t.type === 'text/plain' || t.type.startsWith('multipart/')) && t.text.trim() !== '') {
        text = t.text;
        html = null;
        break;
      }
      if (html === null && t.type === 'text/html') html = t.text;
    }
    if (html !== null)
      text = htmlToText(html.length > MAX_TEXT * 2 ? html.slice(0, MAX_TEXT * 2) : html);
    this.bodyCache = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
    return this.bodyCache;
  }

  /** `body()` as lines, trailing white space removed, each at most MAX_LINE long. */
  lines(): string[] {
    if (this.linesCache !== null) return this.linesCache;
    this.linesCache = splitLines(this.body());
    return this.linesCache;
  }

  /** The first characters of `body()`, lower case: for detection by `indexOf`. */
  head(): string {
    this.headCache ??= this.body().slice(0, HEAD).toLowerCase();
    return this.headCache;
  }

  /** True when `head()` holds `phrase` (lower case). */
  saw(phrase: string): boolean {
    let index = PHRASE_INDEX.get(phrase);
    if (index === undefined && PHRASES.length < MAX_PHRASES) {
      index = PHRASES.length;
      PHRASES.push(phrase);
      PHRASE_INDEX.set(phrase, index);
    }
    if (index !== undefined) {
      if (this.hits === null) {
        const current = currentPhraseSet();
        if (current !== null)
          this.hits = { found: new Set(current.set.match(this.head())), size: current.size };
      }
      if (this.hits !== null && index < this.hits.size) return this.hits.found.has(index);
    }
    return this.head().indexOf(phrase) >= 0;
  }

  /** True when `head()` holds one of `phrases`. */
  sawAny(phrases: readonly string[]): boolean {
    for (const p of phrases) if (this.saw(p)) return true;
    return false;
  }

  /** Date of the bounce: when the failure was reported. */
  date(): Date | null {
    return parseDate(this.msg.headers.get('date'));
  }

  /**
   * Message-ID of the returned message: a MIME-attached one, else a `Message-ID:`
   * field among the lines from `from` on (the many formats that paste it inline).
   */
  returnedMessageId(from = -1): string | null {
    const attached = messageIdOf(this.msg.returned());
    if (attached !== null || from < 0) return attached;
    const lines = this.lines();
    const end = Math.min(lines.length, from + 300);
    for (let i = from; i < end; i++) {
      const line = (lines[i] as string).trimStart();
      if (line.length > 11 && line.slice(0, 11).toLowerCase() === 'message-id:')
        return cleanMessageId(line.slice(11));
    }
    return null;
  }
}

/** Text split into at most MAX_LINES lines, trailing white space removed. */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < text.length && out.length < MAX_LINES) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    out.push(text.slice(pos, Math.min(nl, pos + MAX_LINE)).trimEnd());
    pos = nl + 1;
  }
  return out;
}

const BLOCK_TAGS = new Set([
  'br',
  'p',
  'div',
  'tr',
  'li',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'pre',
  'td',
]);
const ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  copy: '©',
  '#39': "'",
};

/** HTML to text: tags dropped (block tags end a line), the common entities decoded; linear. */
export function htmlToText(html: string): string {
  let out = '';
  let i = 0;
  const n = html.length;
  let skipUntil = '';
  while (i < n) {
    const lt = html.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (skipUntil === '' && textEnd > i) out += decodeEntities(html.slice(i, textEnd));
    if (lt < 0) break;
    let gt = html.indexOf('>', lt + 1);
    if (gt < 0) gt = n;
    const tag = html.slice(lt + 1, gt);
    let nameEnd = tag.charCodeAt(0) === 0x2f ? 1 : 0;
    const nameStart = nameEnd;
    while (
      nameEnd < tag.length &&
      tag.charCodeAt(nameEnd) > 0x20 &&
      tag.charCodeAt(nameEnd) !== 0x2f
    )
      nameEnd++;
    const name = tag.slice(nameStart, nameEnd).toLowerCase();
    const closing = nameStart === 1;
    if (skipUntil !== '') {
      if (closing && name === skipUntil) skipUntil = '';
    } else if (!closing && (name === 'style' || name === 'script' || name === 'head')) {
      skipUntil = name;
    } else if (BLOCK_TAGS.has(name)) out += '\n';
    i = gt + 1;
  }
  return out;
}

function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s.indexOf('\n') < 0 ? s : s.replaceAll('\n', ' ');
  let out = '';
  let pos = 0;
  for (;;) {
    const amp = s.indexOf('&', pos);
    if (amp < 0) break;
    const semi = s.indexOf(';', amp + 1);
    const name = semi > amp && semi - amp <= 6 ? s.slice(amp + 1, semi).toLowerCase() : '';
    const value = ENTITIES[name];
    if (value === undefined) {
      out += s.slice(pos, amp + 1);
      pos = amp + 1;
      continue;
    }
    out += s.slice(pos, amp) + value;
    pos = semi + 1;
  }
  return (out + s.slice(pos)).replaceAll('\n', ' ');
}

/** True when `line` starts with `prefix`, ignoring ASCII case. */
export function startsWithI(line: string, prefix: string): boolean {
  return line.length >= prefix.length && line.slice(0, prefix.length).toLowerCase() === prefix;
}

/** Index of the first line (from `from`) that starts with one of `prefixes` (lower case, after leading white space), or -1. */
export function findLine(lines: readonly string[], prefixes: readonly string[], from = 0): number {
  for (let i = Math.max(0, from); i < lines.length; i++) {
    const l = (lines[i] as string).trimStart().toLowerCase();
    for (const p of prefixes) if (l.startsWith(p)) return i;
  }
  return -1;
}

/** Index of the first line (from `from`) that contains one of `needles` (lower case), or -1. */
export function findLineContaining(
  lines: readonly string[],
  needles: readonly string[],
  from = 0,
  to = lines.length,
): number {
  const end = Math.min(to, lines.length);
  for (let i = Math.max(0, from); i < end; i++) {
    const l = (lines[i] as string).toLowerCase();
    for (const p of needles) if (l.indexOf(p) >= 0) return i;
  }
  return -1;
}

/**
 * The first mailbox address in `s` (inside `<>` when there is one), or null:
 * `"a@b":`, `<a@b>`, `a@b<mailto:a@b>`, `RCPT TO:<a@b>`.
 */
export function addressIn(s: string): string | null {
  const lt = s.indexOf('<');
  if (lt >= 0) {
    const gt = s.indexOf('>', lt + 1);
    const inner = s.slice(lt + 1, gt < 0 ? s.length : gt);
    const a = extractAddress('<' + inner + '>');
    if (a !== null && isEmailAddress(a)) return a;
  }
  let start = 0;
  while (start < s.length) {
    while (start < s.length && s.charCodeAt(start) <= 0x20) start++;
    let end = start;
    while (end < s.length && s.charCodeAt(end) > 0x20) end++;
    const word = s.slice(start, end);
    if (word.indexOf('@') > 0) {
      const a = extractAddress(word);
      if (a !== null && isEmailAddress(a)) return a;
    }
    start = end + 1;
  }
  return null;
}

/**
 * The line is a mailbox address and nothing else, give or take brackets, quotes
 * and a trailing colon: `<a@b>:`, `"a@b":`, `  a@b`. Returns the address or null.
 */
export function bareAddress(line: string): string | null {
  let s = line.trim();
  if (s.endsWith(':')) s = s.slice(0, -1).trimEnd();
  if (s === '' || s.indexOf(' ') >= 0 || s.indexOf('\t') >= 0 || s.indexOf('@') < 0) return null;
  const a = extractAddress(s.startsWith('<') ? s : '<' + s + '>');
  return a !== null && isEmailAddress(a) ? a : null;
}

/**
 * An enhanced code an MTA writes beside its own text, not as part of a reply:
 * qmail's "(#5.1.1)", "[#4.1.9]", "#5.0.0". Returns the code and the text without it.
 */
export function hashStatus(text: string): { code: EnhancedCode; text: string } | null {
  let i = text.indexOf('#');
  for (let guard = 0; i >= 0 && guard < 20; guard++) {
    const e = enhancedCodeAt(text, i + 1);
    if (e !== null) {
      let start = i;
      let end = e.end;
      const before = text.charCodeAt(i - 1);
      const after = text.charCodeAt(end);
      if ((before === 0x28 && after === 0x29) || (before === 0x5b && after === 0x5d)) {
        start--;
        end++;
      } else if (before === 0x28) {
        // "(#5.1.1 - chkusr)": the comment goes with the code.
        const close = text.indexOf(')', end);
        if (close >= 0 && close - end <= 40) {
          start--;
          end = close + 1;
        }
      }
      // "... here by that name. (#5.1.1)" and "later [#4.1.9]. /...": no space is left
      // before the punctuation that followed the code.
      const rest = text.slice(end).trimStart();
      const joint = rest === '' || '.,;:)'.indexOf(rest.charAt(0)) >= 0 ? '' : ' ';
      return { code: e.code, text: oneLine(text.slice(0, start).trimEnd() + joint + rest) };
    }
    i = text.indexOf('#', i + 1);
  }
  return null;
}

/**
 * Readies a diagnostic for `extractReply`: "550: text" (a colon after the code,
 * Yahoo and others) and "550 550 5.1.1 text" (Gmail repeats the code) become
 * "550 text" / "550 5.1.1 text".
 */
export function normaliseReplyText(text: string): string {
  let t = oneLine(text);
  for (let guard = 0; guard < 3; guard++) {
    if (!isCode(t, 0)) break;
    const c3 = t.charCodeAt(3);
    if (c3 === 0x3a) t = t.slice(0, 3) + ' ' + t.slice(4).trimStart();
    else if (c3 === 0x20 && t.charCodeAt(4) === 0x3a && t.charCodeAt(5) === 0x20)
      t = t.slice(0, 3) + ' ' + t.slice(6); // "550 : User unknown"
    else if (c3 === 0x20 && t.startsWith(t.slice(0, 3) + ' ', 4)) t = t.slice(4);
    else if (c3 === 0x20 && t.charCodeAt(4) === 0x2d && t.charCodeAt(5) === 0x20)
      t = t.slice(0, 3) + ' ' + t.slice(6); // "550 - Requested action not taken" (Apache James)
    else break;
  }
  return t;
}

function isCode(t: string, pos: number): boolean {
  const c = t.charCodeAt(pos);
  if (c !== 0x32 && c !== 0x34 && c !== 0x35) return false;
  const d1 = t.charCodeAt(pos + 1);
  const d2 = t.charCodeAt(pos + 2);
  return d1 >= 0x30 && d1 <= 0x35 && d2 >= 0x30 && d2 <= 0x39;
}

/** What a family found about one failed recipient. */
export interface Failure {
  recipient: string;
  /** The text that explains the failure: a remote reply (`550 5.1.1 ...`), or the MTA's own words. */
  diagnosis: string;
  /** An enhanced code the format gives beside the text ("(#5.1.1)", "ERROR_CODE :5.2.1"). */
  status?: EnhancedCode | null;
  /** A reply code the format gives beside the text, when the text has none. */
  code?: number | null;
  /** `delayed` for a delay warning; otherwise the class decides (4 → delayed). */
  action?: 'failed' | 'delayed' | null;
  remoteMta?: string | null;
  /** When the failure happened, where the format says. */
  time?: Date | null;
  /**
   * The SMTP stage the format names apart from the text (`SMTP_COMMANDS` of
   * reply.ts); otherwise the stage `extractReply` reads in the diagnosis.
   */
  command?: string | null;
}

/** A failed recipient collected with the lines of the bounce that explain it. */
export interface Explained {
  f: Failure;
  text: string[];
}

/** The failures of collected recipients, each with its lines joined as the diagnosis. */
export function explained(all: ReadonlyArray<Explained>): Failure[] {
  return all.map((c) => {
    c.f.diagnosis = c.text.join(' ');
    return c.f;
  });
}

export interface FindingOptions {
  /** MTA that wrote the bounce (`This is the mail system at host X`). */
  reportingMta?: string | null;
  /** Line where the returned message starts (for its Message-ID), or -1. */
  returnedAt?: number;
  /**
   * The bounce says the failures are final ("This is a permanent error"): a 4xx
   * reply among them is then a failure, not a delay. @defaultValue false
   */
  permanent?: boolean;
}

/**
 * Findings for the failures a family found, in order, one per recipient (the first
 * mention of a recipient wins), at most MAX_RECIPIENTS.
 */
export function toFindings(
  bounce: Bounce,
  family: string,
  failures: readonly Failure[],
  options: FindingOptions = {},
): OobFinding[] {
  const out: OobFinding[] = [];
  const seen = new Set<string>();
  const date = bounce.date();
  let messageId: string | null = null;
  let messageIdRead = false;
  for (const f of failures) {
    if (out.length >= MAX_RECIPIENTS) break;
    const key = f.recipient.toLowerCase();
    if (f.recipient === '' || seen.has(key)) continue;
    seen.add(key);
    if (!messageIdRead) {
      messageId = bounce.returnedMessageId(options.returnedAt ?? -1);
      messageIdRead = true;
    }
    let diagnosis = normaliseReplyText(f.diagnosis);
    let status = f.status ?? null;
    if (status === null) {
      const hinted = hashStatus(diagnosis);
      if (hinted !== null) {
        status = hinted.code;
        diagnosis = hinted.text;
      }
    }
    const delayWarning = f.action === 'delayed';
    let reply = extractReply(diagnosis, {
      status,
      action: delayWarning ? 'delayed' : 'failed',
    });
    if (f.code !== undefined && f.code !== null && !hasReplyCode(diagnosis)) {
      reply = { ...reply, code: f.code };
    }
    if (f.command !== undefined && f.command !== null) reply = { ...reply, command: f.command };
    const cls = reply.enhancedCode?.class ?? Math.floor(reply.code / 100);
    const action = f.action ?? (cls === 4 && options.permanent !== true ? 'delayed' : 'failed');
    out.push({
      kind: 'oob',
      recipient: f.recipient,
      reply,
      report: {
        source: 'heuristic:' + family,
        action,
        status: reply.enhancedCode === null ? null : formatEnhancedCode(reply.enhancedCode),
        final_recipient: f.recipient,
        original_recipient: null,
        remote_mta: f.remoteMta ?? null,
        reporting_mta: options.reportingMta ?? null,
        diagnostic_code:
          diagnosis === ''
            ? null
            : { type: hasReplyCode(diagnosis) ? 'smtp' : 'text', text: diagnosis },
        last_attempt_date: null,
        arrival_date: null,
        original_message_id: messageId,
      },
      time: f.time ?? date,
      label: null,
    });
  }
  return out;
}

/** A family of non-RFC bounces: a cheap test on headers and the text's start, then the parse. */
export interface Family {
  /** `report.source` is `heuristic:<name>`. */
  name: string;
  detect(bounce: Bounce): boolean;
  /**
   * Findings (OOB ones; Feedback for a provider's complaint notice), or an empty
   * list when the message is not this family's after all.
   */
  parse(bounce: Bounce): Finding[];
}
