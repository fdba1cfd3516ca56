// What every non-RFC family shares: the bounce's own text as bounded lines, the
// header fields they detect on, the recipient line shapes and the one block
// collector (a recipient and the lines that explain it) every family reads its
// layout with, and one way of turning "this recipient failed with this text" into a
// finding, so that the reply (DESIGN.md §5), the action and the record fields come
// out the same whichever MTA wrote the bounce.
import RE2 from 're2';
import {
  extractAddress,
  extractAddressList,
  isEmailAddress,
  quotedLocalEnd,
  quotedLocalStart,
  withoutRootDot,
} from '../address';
import { decodeEncodedWords } from '../codec';
import { parseDate } from '../date';
import { cleanMessageId, messageIdOf } from '../dsn';
import { autoSubmittedKeyword } from '../header';
import type { MimeMessage, TextPart } from '../mime';
import { extractReply, hasReplyCode, joinCodeBreaks, oneLine } from '../reply';
import { enhancedCodeAt, formatEnhancedCode, type EnhancedCode } from '../../values';
import type { Finding, OobFinding } from '../types';
import { cjkHeading, cjkReasonText, isCjkLeadIn, isCjkOtherField } from './cjk';

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

  /**
   * True when the From address is a mail system's own (RFC 5321 §4.5.5 null-sender
   * notices come from MAILER-DAEMON or postmaster by convention): `mailer-daemon`,
   * `postmaster`, `mail-daemon`, or a "Mail Delivery ..." display name.
   */
  get fromDaemon(): boolean {
    return fromMailSystem(this.from);
  }

  /**
   * True when the message says it is a mail system's notice, whatever its text: a
   * daemon's From, a null Return-Path (RFC 5321 §4.5.5), an Auto-Submitted field
   * other than "no" (RFC 3834) or a Sieve notification's "auto-notified" (RFC 5436:
   * about a message that arrived, not a delivery), or a Subject with a failure word.
   * Layout-only evidence needs it, so that an ordinary message never reads as a bounce.
   */
  get isNotice(): boolean {
    if (this.fromDaemon) return true;
    if (this.header('return-path').trim() === '<>') return true;
    const auto = autoSubmittedKeyword(this.header('auto-submitted'));
    if (auto !== '' && auto !== 'no' && auto !== 'auto-notified') return true;
    const subject = this.subject;
    if (isReplySubject(subject)) return false;
    return NOTICE_SUBJECT_WORDS.some((w) => subject.indexOf(w) >= 0);
  }

  /** True when a part of the bounce itself has a Content-Description starting with `prefix` (lower case). */
  described(prefix: string): boolean {
    let seen = 0;
    for (const part of this.msg.parts) {
      if (++seen > 64) break;
      if (part.scope !== this.msg.root) continue;
      const d = part.headers.get('content-description');
      if (d !== null && lowerAscii(d.trim()).startsWith(prefix)) return true;
    }
    return false;
  }

  /**
   * The recipients a returned message was addressed to (its To and Cc fields), for
   * formats that name none of their own (Exim's "rejected by the local scanning
   * code", V5 sendmail): a MIME-attached message's, else those of the header lines
   * pasted after line `from`. What the message itself says, never a guess.
   */
  returnedRecipients(from = -1): string[] {
    const fields: string[] = [];
    const returned = this.msg.returned();
    if (returned !== null) {
      for (const name of ['to', 'cc']) fields.push(returned.headers.get(name) ?? '');
    } else if (from >= 0) {
      const lines = this.lines();
      let current: string | null = null;
      let seen = 0;
      for (let i = from + 1; i < Math.min(lines.length, from + 300); i++) {
        const line = lines[i] as string;
        if (line.trim() === '') {
          if (seen > 0) break;
          continue;
        }
        seen++;
        if ((line.charCodeAt(0) === 0x20 || line.charCodeAt(0) === 0x09) && current !== null) {
          current += ' ' + line.trim();
          fields[fields.length - 1] = current;
          continue;
        }
        current = null;
        if (startsWithI(line, 'to:') || startsWithI(line, 'cc:')) {
          current = line.slice(3);
          fields.push(current);
        }
      }
    }
    const out: string[] = [];
    for (const field of fields)
      for (const a of extractAddressList(field))
        if (isEmailAddress(a) && out.length < MAX_RECIPIENTS) out.push(a);
    return out;
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

  /**
   * `body()` as lines, trailing white space removed, each at most MAX_LINE long; a
   * reply wrapped between its reply code and its enhanced code is one line again
   * (`joinCodeBreaks`).
   */
  lines(): string[] {
    if (this.linesCache !== null) return this.linesCache;
    this.linesCache = joinCodeBreaks(splitLines(this.body()));
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
      const id = afterPrefix(line, 'message-id:');
      if (id !== null && id.trim() !== '') return cleanMessageId(id);
    }
    return null;
  }
}

/**
 * Subject words of Japanese, Chinese and Korean delivery-failure notices: 退信 / 系统退信
 * / 退信通知 (QQ Mail, Tencent Exmail, NetEase's Coremail), 邮件被退回 (mail returned),
 * 投递失败 / 无法投递 / 未能投递 / 發送失敗 / 無法傳遞 (delivery failed); 配信不能 / 配送不能
 * / 配信エラー / 送信エラー / 返送メール / 宛先不明 (Japanese carriers', ISPs' and
 * Exchange's Japanese NDR subjects); 메일 반송 / 발송 실패 / 전송 실패 (Korean providers').
 * Own list of the common wording. Bare 返送 / 退回 / 반송 (sending back documents or
 * parcels) are words of people's mail too and stay out; a person's reply about a
 * notice is told apart by its prefix (isReplySubject).
 */
const CJK_BOUNCE_SUBJECTS = [
  '退信',
  '投递失败',
  '无法投递',
  '未能投递',
  '发送失败',
  '發送失敗',
  '無法傳遞',
  '无法送达',
  '邮件被退回',
  '郵件被退回',
  '退回的邮件',
  '配信不能',
  '配送不能',
  '配信エラー',
  '配送エラー',
  '送信エラー',
  '配信失敗',
  '宛先不明',
  '返送メール',
  'メール返送',
  '메일 반송',
  '메일이 반송',
  '반송된 메일',
  '발송 실패',
  '발송실패',
  '전송 실패',
];

/**
 * Subject words of delivery-failure notices in languages other than English (lower
 * case): what report/fallback.ts takes for a bounce subject, and report/autoreply.ts
 * for a notice that no auto-reply header makes an auto-reply.
 */
export const TRANSLATED_BOUNCE_SUBJECTS: readonly string[] = [
  // Exchange's and Outlook's translated "Undeliverable:" subjects (German, French,
  // Spanish, Italian, Dutch, Portuguese), as Exchange's localized NDR templates write them.
  'unzustellbar',
  'non remis',
  'no se puede entregar',
  'non recapitabile',
  'onbestelbaar',
  'não é possível entregar',
  // Providers' and translated MTA templates' "not delivered" subjects (French, Spanish,
  // Italian, Portuguese, Dutch, German, Polish, Czech, Russian, Swedish): the same
  // meaning as "undelivered" above, written for this project from the common wording.
  'non délivré',
  'non distribué',
  'no entregado',
  'non consegnato',
  'non recapitato',
  'mancato recapito',
  'não entregue',
  'niet afgeleverd',
  'nicht zugestellt',
  'zustellung fehlgeschlagen',
  'niedostarczon',
  'nedoručiteln',
  'недоставлен',
  'не доставлено',
  'olevererbar',
  // Russian "недоставляемое" (undeliverable, the adjective beside "недоставлено").
  'недоставляем',
  // Polish Outlook's "Niedostarczalne:" (undeliverable), beside "niedostarczona".
  'niedostarczaln',
  ...CJK_BOUNCE_SUBJECTS,
];

/** Subject words of a failure notice (lower case). */
const NOTICE_SUBJECT_WORDS = [
  'fail',
  'undeliver',
  'undelivered',
  'returned',
  'delivery',
  'error',
  'not delivered',
];

/**
 * Reply prefixes of Chinese, Japanese and Korean mail clients (Foxmail, QQ Mail,
 * NetEase, Outlook's localisations): 回复 / 答复 / 回覆 / 返信 / 회신 / 답장, with an ASCII
 * or a full-width colon; "Re：" with a full-width one.
 */
const CJK_REPLY_PREFIXES = ['回复', '答复', '回覆', '返信', '회신', '답장', 're：'].flatMap((p) =>
  p.endsWith('：') ? [p] : [p + ':', p + '：'],
);

/**
 * Subject prefixes of a person's reply (RFC 5322 §3.6.5 "Re:", and what mail
 * clients write in other languages: German "AW:" and "Antw:", Scandinavian "SV:",
 * Finnish "VS:"): a person answering a notice, not the notice. A forward ("Fwd:")
 * is not among them: it passes the notice on whole, and its recipients are the
 * notice's.
 */
const REPLY_PREFIXES = ['re:', 'aw:', 'antw:', 'sv:', 'vs:', ...CJK_REPLY_PREFIXES];

/** True when a (lower-case) Subject starts with a reply prefix. */
export function isReplySubject(subject: string): boolean {
  const s = subject.trimStart();
  return REPLY_PREFIXES.some((p) => s.startsWith(p));
}

/** From-field words of a mail system's own notices (lower case). */
const DAEMON_NAMES = [
  'mailer-daemon',
  'mailerdaemon',
  'mail-daemon',
  'postmaster',
  'mail delivery',
  'mail administrator',
];

/**
 * True when a From field (lower case) names a mail system: `mailer-daemon`,
 * `postmaster`, `mail-daemon`, or a "Mail Delivery ..." / "Mail Administrator" display
 * name (RFC 5321 §4.5.5 null-sender notices come from these by convention).
 */
export function fromMailSystem(from: string): boolean {
  for (const name of DAEMON_NAMES) if (from.indexOf(name) >= 0) return true;
  return false;
}

/**
 * "Delayed" in the languages Exchange and Office 365 ship their delay notice in (its
 * Subject "Delayed: ..." and headline "Delivery is delayed to these recipients or
 * groups:"): English, German, French ("retardée", "différée"), Spanish, Italian,
 * Portuguese, Dutch, Polish, Russian, Japanese, Chinese (both scripts), Korean, and the
 * other Microsoft 365 display languages: Swedish ("försenad", "fördröjd"), Danish and
 * Norwegian ("forsinket"), Finnish ("viivästynyt"), Czech ("zpožděno"), Slovak
 * ("oneskorené"), Hungarian ("késik", "késleltetett"), Romanian ("întârziată"), Turkish
 * ("gecikti", "gecikme"), Greek ("καθυστερεί"), Ukrainian ("затримується"), Indonesian
 * ("tertunda"). Lower case, stems of the word for "delayed" only: the notice counts
 * as a delay only when every reply is also a 4xx (exchange.ts) or none says a code
 * (fallback.ts): a word alone never turns a failure into a delay.
 * Source: Microsoft Learn, "Email non-delivery reports and SMTP errors in Exchange
 * Online" (the delay DSN, written in the sender's language among Microsoft 365's
 * display languages); the words are each language's own for "delayed".
 */
export const DELAYED_WORDS = [
  'delayed',
  'verzögert',
  'retardé',
  'différé',
  'retrasad',
  'demorad',
  'ritardat',
  'atrasad',
  'vertraagd',
  'opóźnion',
  'задерж',
  '遅延',
  '延迟',
  '延遲',
  '지연',
  'försenad',
  'fördröj',
  'forsinke',
  'viivästy',
  'zpožd',
  'oneskoren',
  'késik',
  'késleltet',
  'întârzi',
  'gecik',
  'καθυστέρ',
  'καθυστερ',
  'затрим',
  'tertunda',
];

/** `text` says "delayed" in one of DELAYED_WORDS' languages. */
export function saysDelayedWord(text: string): boolean {
  const lower = text.toLowerCase();
  return DELAYED_WORDS.some((w) => lower.indexOf(w) >= 0);
}

/** `s` in lower case, ASCII letters only, so that offsets stay those of `s`. */
export function lowerAscii(s: string): string {
  const lower = s.toLowerCase();
  if (lower.length === s.length) return lower;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 0x20) : s.charAt(i);
  }
  return out;
}

/**
 * What follows the first `phrase` (lower case) in `line`, ignoring ASCII case, or
 * null when the line does not hold it: `textAfter(line, MARKER)` instead of
 * offsets computed from the phrase's length.
 */
export function textAfter(line: string, phrase: string): string | null {
  const i = lowerAscii(line).indexOf(phrase);
  return i < 0 ? null : line.slice(i + phrase.length);
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

const BLOCK_TAGS = new Set(['br', 'p', 'div', 'tr', 'li', 'table', 'h1', 'h2', 'h3', 'h4', 'pre']);
const ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  copy: '©',
  '#39': "'",
  '#60': '<',
  '#62': '>',
  '#64': '@',
};

/**
 * HTML to text: tags dropped (block tags end a line, a table cell starts after a tab),
 * the common entities decoded,
 * line ends kept inside `<pre>` (notices that wrap a plain-text bounce in it), and
 * an unescaped `<a@b>` kept as text (qmail-like notices sent as HTML); linear.
 */
export function htmlToText(html: string): string {
  let out = '';
  let i = 0;
  const n = html.length;
  let skipUntil = '';
  let pre = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (skipUntil === '' && textEnd > i) out += decodeEntities(html.slice(i, textEnd), pre > 0);
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
    } else if (!closing && name.indexOf('@') > 0 && nameEnd === tag.length) {
      out += '<' + tag + '>';
    } else if (!closing && (name === 'style' || name === 'script' || name === 'head')) {
      skipUntil = name;
    } else {
      if (name === 'pre') pre = closing ? Math.max(0, pre - 1) : pre + 1;
      if (BLOCK_TAGS.has(name)) out += '\n';
      // A table cell starts after a tab, not a plain space: a notice laid out as label
      // and value cells ("<td>실패 사유</td><td>...</td>") keeps where its label ends.
      else if (name === 'td' || name === 'th') out += closing ? ' ' : '\t';
    }
    i = gt + 1;
  }
  return out;
}

function decodeEntities(s: string, keepLines: boolean): string {
  const flat = (t: string): string =>
    keepLines || t.indexOf('\n') < 0 ? t : t.replaceAll('\n', ' ');
  if (s.indexOf('&') < 0) return flat(s);
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
  return flat(out + s.slice(pos));
}

/** What follows `prefix` (lower case) at the start of `line`, ignoring ASCII case, or null. */
export function afterPrefix(line: string, prefix: string): string | null {
  return startsWithI(line, prefix) ? line.slice(prefix.length) : null;
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
    const word = s.slice(quotedLocalStart(s, start, end), end);
    if (word.indexOf('@') > 0) {
      const a = extractAddress(word) ?? extractAddress(unwrapped(word));
      if (a !== null && isEmailAddress(a)) return a;
    }
    start = end + 1;
  }
  return null;
}

/**
 * A word without the brackets around it: "(a@b)" after a display name (Exchange's
 * "Full Name (a@b)" recipient lines), "[a@b]", "(a@b)," in a list. To RFC 5322 the
 * parenthesised form is a comment, so the address is only seen once they are gone.
 */
function unwrapped(word: string): string {
  let w = word;
  while (w.length > 0 && ',;.:'.indexOf(w.charAt(w.length - 1)) >= 0) w = w.slice(0, -1);
  const open = w.charAt(0);
  const close = open === '(' ? ')' : open === '[' ? ']' : '';
  return close !== '' && w.endsWith(close) ? w.slice(1, -1) : w;
}

/**
 * The line is a mailbox address and nothing else, give or take brackets, quotes
 * and a trailing colon: `<a@b>:`, `"a@b":`, `  a@b`. Returns the address or null.
 */
export function bareAddress(line: string): string | null {
  let s = line.trim();
  if (s.endsWith(':')) s = s.slice(0, -1).trimEnd();
  // A quoted local part may hold white space: `"john doe"@b` (RFC 5321 §4.1.2).
  const inner = s.startsWith('<') ? s.slice(1) : s;
  const quoted = inner.startsWith('"') ? Math.max(quotedLocalEnd(inner, 0), 0) : 0;
  if (s === '' || inner.indexOf(' ', quoted) >= 0 || s.indexOf('\t') >= 0 || s.indexOf('@') < 0)
    return null;
  const a = extractAddress(s.startsWith('<') ? s : '<' + s + '>');
  return a !== null && isEmailAddress(a) ? a : null;
}

/** Characters of a domain name's labels and dots (a wrapped domain's tail, ASCII). */
function isDomainTail(s: string): boolean {
  if (s === '' || s.length > 253) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const letterOrDigit = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!letterOrDigit && c !== 0x2e && c !== 0x2d) return false;
  }
  return true;
}

/**
 * An address wrapped across two lines inside its domain, at a dot or a hyphen
 * (`a@department.` over `example.org`, `a@mail` over `.example.org`), as notices
 * that fill their lines to a width print it. `first` holds the "@" and `next` only
 * the domain's remaining labels (no "@", no space), so two addresses on consecutive
 * lines are never joined. Returns the joined address, or null.
 */
export function wrappedAddress(first: string, next: string | undefined): string | null {
  if (next === undefined) return null;
  const head = first.trim();
  const tail = next.trim();
  const at = head.lastIndexOf('@');
  const angled = head.startsWith('<') && tail.endsWith('>');
  const labels = angled ? tail.slice(0, -1) : tail;
  if (at < 1 || !isDomainTail(labels) || !isDomainTail(head.slice(at + 1))) return null;
  if (head.length + tail.length > 320) return null;
  const atBreak = head.endsWith('.') || head.endsWith('-') || tail.startsWith('.');
  if (!atBreak || (head.endsWith('.') && tail.startsWith('.'))) return null;
  const joined = bareAddress(head + tail);
  return joined !== null && joined.indexOf('.', joined.lastIndexOf('@')) > 0 ? joined : null;
}

/** A line that names a failed recipient. */
export interface Named {
  address: string;
  /** Text after the address on the same line, the separators before it removed. */
  rest: string;
  /**
   * Text before the address that says why ("Mailbox is full: <a@b>", IMail's
   * "Unknown user: a@b"); '' when only a label ("Recipient:") or nothing stood there.
   */
  reason: string;
}

/** Characters MTAs put between an address and the text about it. */
const SEPARATORS = ' \t:,;-=';

function afterSeparators(s: string): string {
  let i = 0;
  for (;;) {
    if (i < s.length && SEPARATORS.indexOf(s.charAt(i)) >= 0) i++;
    else if (s.startsWith('...', i))
      i += 3; // sendmail's "a@b... User unknown"
    else break;
  }
  return s.slice(i);
}

/**
 * The word goes on at `i`: a letter or digit, a non-ASCII character, or an address's
 * "@", "_", "+", "-", or a "." before one of those ("o'neil@b", not "'a@b'.").
 */
function wordGoesOn(s: string, i: number): boolean {
  const alnum = (c: number): boolean =>
    (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c > 0x7f;
  const c = s.charCodeAt(i);
  if (alnum(c) || c === 0x40 || c === 0x5f || c === 0x2b || c === 0x2d) return true;
  return c === 0x2e && alnum(s.charCodeAt(i + 1));
}

/**
 * `Jane Doe <a@b>` or `Jane Doe <a@b>: ...` as a list line (RFC 5322 §3.4 name-addr
 * with an unquoted phrase, as notices copy the returned message's To and Cc): one to
 * four words, each starting with a capital letter and holding only letters, `.`, `'`
 * and `-`, then the bracketed address, then nothing, a full stop or a colon. "User unknown <a@b>"
 * (a lower-case word) and "Host example.com <a@b> said" (text after) are no names.
 */
function displayNameThenAddress(s: string): Named | null {
  const angle = s.indexOf(' <');
  const paren = s.indexOf(' (');
  // "Jane Doe (a@b)<mailto:a@b>": Exchange 2016+ / Office 365 notices render the
  // recipient so (its HTML "Jane Doe (a@b)" around a mailto link, flattened to text).
  const lt = paren > 0 && (angle < 0 || paren < angle) ? paren : angle;
  if (lt <= 0 || lt > 80) return null;
  const words = s.slice(0, lt).split(' ');
  if (words.length > 4) return null;
  for (const w of words) {
    const first = w.charAt(0);
    // A capital letter: upper case, and a letter (it has a lower-case form).
    if (w === '' || first !== first.toUpperCase() || first === first.toLowerCase()) return null;
    for (const ch of w)
      if (ch.toLowerCase() === ch.toUpperCase() && ".'-".indexOf(ch) < 0) return null;
  }
  if (lt === paren) return nameThenParenthesized(s, lt);
  const gt = s.indexOf('>', lt + 2);
  if (gt < 0) return null;
  const after = s.slice(gt + 1).trimStart();
  // Nothing after it, a colon and the reason, or the full stop of "... to Jane Doe <a@b>.".
  if (after !== '' && after !== '.' && after.charCodeAt(0) !== 0x3a) return null;
  const named = leadingAddress(s.slice(lt + 1));
  return named !== null && named.address.indexOf('@') > 0 ? named : null;
}

/**
 * After a display name checked by displayNameThenAddress, at `open` (" ("): "(a@b)"
 * then nothing, a full stop or a colon; or "(a@b)<mailto:a@b>", the same address
 * twice, then any text ("... couldn't be delivered."). "Jane Doe (Sales) <a@b>" and
 * "(a@b) said" are not taken here.
 */
function nameThenParenthesized(s: string, open: number): Named | null {
  const close = s.indexOf(')', open + 2);
  if (close < 0) return null;
  const address = s.slice(open + 2, close);
  if (!isEmailAddress(address)) return null;
  let after = s.slice(close + 1);
  const link = `<mailto:${address.toLowerCase()}>`;
  if (lowerAscii(after.slice(0, link.length)) === link) {
    after = after.slice(link.length);
  } else {
    const t = after.trim();
    if (t !== '' && t !== '.' && t.charCodeAt(0) !== 0x3a) return null;
  }
  return { address, rest: afterSeparators(after.trim()).trim(), reason: '' };
}

/**
 * A line that starts with a recipient: `a@b`, `<a@b>`, `"a@b"`, `'a@b'`, each
 * optionally followed by a colon and text: `<a@b>: host said ...` (Postfix,
 * qmail), `a@b (user not found)` (GroupWise), `a@b... User unknown` (sendmail),
 * `a@b on 4/29/2010` (Exchange 2003). Returns null when the line starts otherwise.
 */
export function leadingAddress(line: string): Named | null {
  const s = line.trimStart();
  const c = s.charCodeAt(0);
  let token: string;
  let after: string;
  if (c === 0x3c) {
    const gt = s.indexOf('>');
    if (gt < 0) return null;
    token = s.slice(0, gt + 1);
    after = s.slice(gt + 1);
  } else if (c === 0x22 && quotedLocalEnd(s, 0) > 0) {
    // `"john doe"@example.org: ...` (RFC 5321 §4.1.2 Quoted-string local part).
    let end = quotedLocalEnd(s, 0);
    while (end < s.length && s.charCodeAt(end) > 0x20) end++;
    token = s.slice(0, end);
    after = s.slice(end);
    let cut = token.length;
    // A domain never ends in a quote: `""john doe"@b".` closes a quotation.
    while (cut > 0 && ':,;.)]>"\''.indexOf(token.charAt(cut - 1)) >= 0) cut--;
    after = token.slice(cut) + after;
    token = token.slice(0, cut);
  } else if (c === 0x22 && s.charCodeAt(1) === 0x22 && quotedLocalEnd(s, 1) > 0) {
    // `""john doe"@b"`: a quotation around a quoted local part (RFC 5321 §4.1.2).
    return leadingAddress(s.slice(1));
  } else if (c === 0x22 || c === 0x27) {
    let close = s.indexOf(s.charAt(0), 1);
    // "'o'neil@b'": an apostrophe inside a word is atext (RFC 5321 §4.1.2), not the
    // closing quote; the closing one ends the word.
    while (c === 0x27 && close > 0 && wordGoesOn(s, close + 1)) close = s.indexOf("'", close + 1);
    if (close < 0) return null;
    token = s.slice(1, close);
    after = s.slice(close + 1);
    // '"Display Name" <a@b>: ...' (RFC 5322 name-addr): the address is the bracketed one.
    if (token.indexOf('@') < 0 && after.startsWith(' <')) return leadingAddress(after);
  } else {
    const named = displayNameThenAddress(s);
    if (named !== null) return named;
    let end = 0;
    while (end < s.length && s.charCodeAt(end) > 0x20) end++;
    // `["john doe"@b]`, `[SMTP:"john doe"@b]`: a quoted local part (RFC 5321 §4.1.2)
    // inside the word's wrapper may hold white space; the word ends after its domain.
    const quote = s.indexOf('"');
    if (quote > 0 && quote < end && quote < 8 && quotedLocalEnd(s, quote) > 0) {
      end = quotedLocalEnd(s, quote);
      while (end < s.length && s.charCodeAt(end) > 0x20) end++;
    }
    token = s.slice(0, end);
    after = s.slice(end);
    // "a@b:", "a@b,", "a@b...", "(... to a@b)": the punctuation goes with the text after it.
    let cut = token.length;
    while (cut > 0 && ':,;.)]'.indexOf(token.charAt(cut - 1)) >= 0) {
      // "a@[192.0.2.1]": the bracket closes the address literal (RFC 5321 §4.1.3).
      const literal = token.indexOf('@[');
      if (literal > 0 && token.indexOf(']', literal) === cut - 1) break;
      cut--;
    }
    after = token.slice(cut) + after;
    token = token.slice(0, cut);
    // "a@b<mailto:a@b>" (Exchange 2007+ and Office 365 text parts render the HTML
    // NDR's link so): the address, then its link, which repeats it.
    const link = token.indexOf('<');
    if (link > token.indexOf('@') && token.indexOf('@') > 0) {
      const close = (token + after).indexOf('>', link);
      after = close < 0 ? '' : (token + after).slice(close + 1);
      token = token.slice(0, link);
    }
  }
  if (token.indexOf('@') < 0 || token.length > 320) return null;
  let inner = token.startsWith('<') ? token.slice(1, -1).trim() : token;
  // "[SMTP:a@b]" (MailEnable, Exchange): an address-type prefix in brackets, as
  // Exchange writes proxy addresses; the closing bracket went with the text above.
  if (inner.startsWith('[')) inner = inner.slice(1);
  // "<mailto:a@b>" (HTML notices): the scheme is no part of the address.
  const bare = afterPrefix(inner, 'mailto:') ?? afterPrefix(inner, 'smtp:') ?? inner;
  if (!isEmailAddress(bare)) return null;
  let rest = afterSeparators(after.trim()).trim();
  // "a@example.org. (host: h)": a dot right after the domain, before white space, ends
  // the address (its root dot, RFC 1034 §3.1, or a full stop); no part of the text.
  if (rest.charCodeAt(0) === 0x2e && (rest.charCodeAt(1) === 0x20 || rest.charCodeAt(1) === 0x09))
    rest = afterSeparators(rest.slice(2).trim()).trim();
  // "<a@example.org.>": an absolute domain's root dot (RFC 1034 §3.1) names the same
  // mailbox as the transcript's "RCPT To:<a@example.org>"; one key for both.
  const address = withoutRootDot(bare);
  // "... to <a@b>.", "... to [a@b.].", '... to ""john doe"@b".': a full stop, a closing
  // bracket or the quotation's closing quote alone ends the sentence.
  if (rest.length <= 4 && [...rest].every((ch) => '.)]"\''.indexOf(ch) >= 0)) rest = '';
  return { address, rest, reason: '' };
}

/**
 * A line that names a recipient after one of `labels` (lower case phrases that
 * end where the address starts: "recipient:", "unable to deliver message to",
 * "rcpt to:"). The first label the line holds counts.
 */
export function labelledAddress(line: string, labels: readonly string[]): Named | null {
  const lower = lowerAscii(line);
  for (const label of labels) {
    const i = lower.indexOf(label);
    if (i < 0) continue;
    const named = leadingAddress(line.slice(i + label.length));
    if (named !== null) return named;
  }
  return null;
}

/** Last words of a text before an address that only name it ("Recipient address:", "Sent to:"). */
const LABEL_ENDINGS = [
  ' to',
  'recipient',
  'recipients',
  'recipient(s)',
  'address',
  'addresses',
  'address(es)',
  'addressee',
  'e-mail',
  'email',
  'mailbox',
];

/**
 * "Mailbox is full: <a@b>", "Unknown user: a@b", "Invalid final delivery userid:
 * a@b": a reason, a colon, and the recipient ending the line (IMail, gateways, the
 * last-resort scan). A label that only names the address ("Recipient address:",
 * "Delivery to:") gives an empty reason; a single word ("To:", "From:") is a header
 * field, not a recipient line, and gives null.
 */
export function reasonThenAddress(line: string): Named | null {
  const s = line.trim();
  const colon = s.lastIndexOf(': ');
  if (colon <= 0 || colon > 200) return null;
  const named = leadingAddress(s.slice(colon + 2));
  if (named === null || named.rest !== '') return null;
  const before = s.slice(0, colon).trim();
  if (before.indexOf(' ') < 0) return null;
  const lower = lowerAscii(before);
  const label = LABEL_ENDINGS.some((e) => lower.endsWith(e));
  return { address: named.address, rest: '', reason: label ? '' : before };
}

/**
 * Last words of a line that announces a reason on the lines after it ("Delivery
 * failed for the following reason:", Domino's "because:", Gmail's "The response
 * was:"): the line itself explains nothing.
 */
const LEAD_IN_ENDINGS = [
  'reason',
  'reasons',
  'because',
  'following reason(s)',
  'following error',
  'following errors',
  'following problem',
  'error message',
  'error was given',
  'errors were given',
  'response was',
  'server was',
  'returned was',
  'server returned',
  'generated response',
  'diagnostic information for administrators',
  'technical details of permanent failure',
  'technical details of temporary failure',
  'error details',
  'the error was',
  // "The remote server said:", "The mail server replied:", "Remote host responded:"
  // with the reply on the lines below.
  'said',
  'replied',
  'responded',
  // Localized notices: German "weil:" (Domino's "because:"), "Grund:", French
  // "parce que :", "raison :", Spanish and Italian "motivo:".
  'weil',
  'grund',
  'parce que',
  'raison',
  'motivo',
];

/** True when `lower` (a trimmed, lower-case line) only announces a reason below it. */
export function isLeadIn(lower: string): boolean {
  if (isCjkLeadIn(lower)) return true;
  if (!lower.endsWith(':') || lower.indexOf('@') >= 0 || lower.length > 120) return false;
  const body = lower.slice(0, -1).trimEnd();
  return LEAD_IN_ENDINGS.some((e) => body === e || body.endsWith(' ' + e));
}

/** A line of one repeated separator character ("-----", "=====", "#####", "*****"). */
function isRuler(line: string): boolean {
  if (line.length < 5 || '-=*#_~'.indexOf(line.charAt(0)) < 0) return false;
  const c = line.charCodeAt(0);
  for (let i = 1; i < line.length; i++) if (line.charCodeAt(i) !== c) return false;
  return true;
}

/** The label of a reason line ("Reason: ...", "reject reason: ..."). */
const REASON = 'reason:';

/** Leading white space of a line (a tab counts as one). */
export function indentOf(raw: string): number {
  let i = 0;
  while (i < raw.length && (raw.charCodeAt(i) === 0x20 || raw.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** How a format lays out a recipient and the lines that explain it. */
export interface BlockRules {
  /**
   * The recipient a line (trimmed; `raw` as in the text, `index` its place in the
   * lines) starts a block for, or null.
   */
  start(line: string, raw: string, index: number): Named | null;
  /**
   * Which lines after a recipient's line explain it: `indented`, lines indented
   * deeper than it (Exim, Courier), and for a recipient at the margin the lines up
   * to a blank line (Postfix, GMX); `paragraph`, the lines up to a blank line (qmail,
   * OpenSMTPD); `section`, every line up to the next recipient.
   */
  continuation: 'indented' | 'paragraph' | 'section';
  /** Lower-case line starts that are the format's own words and explain nothing. */
  noise?: readonly string[];
}

/** One recipient and the lines of the bounce about it. */
export interface Block {
  recipient: string;
  /** The reason the recipient's own line gave before the address, or ''. */
  reason: string;
  /** The lines that explain it, trimmed, the rest of its own line first. */
  lines: string[];
  /** Index of the line that named it. */
  line: number;
}

/** What `collectBlocks` found. */
export interface Collected {
  blocks: Block[];
  /**
   * A reason the bounce gives once for all recipients: the lines after a lead-in
   * ("because:", "for the following reason:") and the text of "Reason: ..." lines,
   * outside every block. Used for the recipients without lines of their own.
   */
  shared: string[];
}

/**
 * The one block collector every family uses: walks lines[from, to), starting a
 * block at each line `rules.start` names a recipient on and giving it the lines
 * that follow as `rules.continuation` says. Lead-in lines are dropped; lines after
 * a lead-in outside any block become the shared reason. At most MAX_RECIPIENTS
 * blocks of MAX_DIAGNOSTIC_LINES lines each.
 */
export function collectBlocks(
  lines: readonly string[],
  from: number,
  to: number,
  rules: BlockRules,
): Collected {
  const blocks: Block[] = [];
  const shared: string[] = [];
  let cur: Block | null = null;
  let curIndent = 0;
  let sharedOpen = false;
  // Blocks whose explanation began after a blank line: their lines are a paragraph of
  // their own, which may be about the recipients listed above them too.
  const apart = new Set<Block>();
  // Of those, the ones whose paragraph opens with the notice's "Reason:" label.
  const labelled = new Set<Block>();
  const end = Math.min(to, lines.length);
  for (let i = Math.max(0, from); i < end; i++) {
    const raw = lines[i] as string;
    const line = raw.trim();
    if (line === '') {
      const paragraph =
        rules.continuation === 'paragraph' ||
        (rules.continuation === 'indented' && curIndent === 0);
      // A recipient whose explanation has not begun yet keeps the lines after the blank
      // ("<a@b>", "", "Reason:", "", "text": GMX).
      if (paragraph && cur !== null && cur.lines.length === 0) apart.add(cur);
      // A paragraph apart that so far only announces the reply ("The remote server gave
      // this reply for all of the recipients above:") goes on past the blank.
      else if (paragraph && cur !== null && !(apart.has(cur) && announces(cur.lines))) cur = null;
      if (shared.length > 0) sharedOpen = false;
      continue;
    }
    if (isRuler(line)) {
      // "-----", "=====", "#####": a separator ends what is above it.
      cur = null;
      sharedOpen = false;
      continue;
    }
    // A CJK notice's heading: its reason (退信原因, 理由) stands for every recipient
    // listed above it; its advice (建议解决方案) explains none.
    const heading = cjkHeading(line);
    if (heading !== null) {
      cur = null;
      sharedOpen = heading === 'reason';
      continue;
    }
    const named = rules.start(line, raw, i);
    if (named !== null) {
      if (blocks.length >= MAX_RECIPIENTS) break;
      cur = { recipient: named.address, reason: named.reason, lines: [], line: i };
      // "... to a@b for the following reason:": the reason is on the lines below.
      if (named.rest !== '' && !isLeadIn(lowerAscii(named.rest))) cur.lines.push(named.rest);
      curIndent = indentOf(raw);
      blocks.push(cur);
      sharedOpen = false;
      continue;
    }
    const lower = lowerAscii(line);
    if (rules.noise !== undefined && rules.noise.some((n) => lower.startsWith(n))) continue;
    if (
      cur !== null &&
      rules.continuation === 'indented' &&
      curIndent > 0 &&
      indentOf(raw) <= curIndent
    )
      cur = null;
    if (cur !== null) {
      // "보낸 날짜 : ...", "件名：...": a CJK notice's other fields say nothing of why.
      if (isCjkOtherField(line)) continue;
      // "Reason: text" under a recipient: the label is the format's.
      const reasonText = afterPrefix(line, REASON);
      if (reasonText !== null && apart.has(cur) && cur.lines.length === 0) labelled.add(cur);
      const text = (reasonText ?? cjkReasonText(line) ?? line).trim();
      if (text !== '' && !isLeadIn(lower) && cur.lines.length < MAX_DIAGNOSTIC_LINES)
        cur.lines.push(text);
      continue;
    }
    if (isLeadIn(lower)) {
      sharedOpen = true;
      continue;
    }
    if (shared.length >= MAX_DIAGNOSTIC_LINES) continue;
    // "Reason: ...", "reject reason: Mailbox full": a reason stated apart from the recipients.
    const reasonAt = lower.indexOf(REASON);
    const cjkReason = cjkReasonText(line);
    if (reasonAt >= 0 && reasonAt <= 20) {
      const text = line.slice(reasonAt + REASON.length).trim();
      if (text !== '') shared.push(text);
      sharedOpen = text === '';
    } else if (cjkReason !== null) shared.push(cjkReason);
    else if (sharedOpen) shared.push(line);
  }
  for (const b of apart) if (b.lines.length > 0) shareParagraph(blocks, b, labelled.has(b));
  return { blocks, shared };
}

/**
 * The lines so far are one line, ending with a colon, that says the reply below is
 * every recipient's ("The remote server gave this reply for all of the recipients
 * above:"): the reply follows after a blank line.
 */
function announces(lines: readonly string[]): boolean {
  return (
    lines.length === 1 && (lines[0] as string).endsWith(':') && FOR_ALL.test(lines[0] as string)
  );
}

/**
 * A notice's statement that one reply is every listed recipient's ("for all of the
 * recipients above", "for each recipient", "für alle Empfänger", "pour tous les
 * destinataires", "para todos los destinatarios").
 */
const FOR_ALL = new RE2(
  '(?i)\\b(?:all|each|every)\\s+(?:of\\s+)?(?:the\\s+|these\\s+|those\\s+)?(?:recipients?|addresses|addressees)\\b|\\balle[nr]?\\s+(?:diese[nr]?\\s+|obigen\\s+)?empf\u00e4nger|\\btous\\s+(?:les|ces)\\s+destinataires\\b|\\btodos\\s+(?:los|estos)\\s+destinatarios\\b',
);

/**
 * The reply in its own paragraph after a list of recipients ("<a@b>", "<c@d>", blank
 * line, "550 5.1.1 <a@b>... User unknown"; Sendmail-like relays, Naver, NTT docomo and
 * other carriers' notices): block collection gives it to the list's last recipient
 * `b`. It belongs to the recipients it names; naming none, to every recipient of the
 * list when the notice says it is for all of them (the statement itself dropped) or
 * labels the paragraph as its reason ("a@b", "c@d", blank line, "Reason: 550 ...":
 * the reason a notice states apart from its list, as `shared` holds one stated apart
 * from any recipient); otherwise it stays the last one's.
 */
function shareParagraph(blocks: Block[], b: Block, labelledReason: boolean): void {
  const at = blocks.indexOf(b);
  let first = at;
  while (first > 0) {
    const prev = blocks[first - 1] as Block;
    if (prev.lines.length > 0 || prev.reason !== '') break;
    first--;
  }
  if (first === at) return;
  const list = blocks.slice(first, at + 1);
  const text = lowerAscii(b.lines.join(' '));
  // Named by address, or by domain alone ("DNS: Host not found: example.org").
  const named = list.filter((x) => {
    const address = x.recipient.toLowerCase();
    return (
      addressNamedIn(text, address, false) ||
      addressNamedIn(text, address.slice(address.lastIndexOf('@') + 1), true)
    );
  });
  if (named.length > 0) {
    const lines = b.lines;
    if (!named.includes(b)) b.lines = [];
    for (const x of named) x.lines = lines;
    return;
  }
  if (labelledReason) {
    for (const x of list) x.lines = b.lines;
    return;
  }
  const statement = b.lines.findIndex((l) => FOR_ALL.test(l));
  if (statement < 0) return;
  const rest = b.lines.filter((_, k) => k !== statement);
  if (rest.length === 0) return;
  for (const x of list) x.lines = rest;
}

/** One lower-case character that may be part of an address (RFC 5322 §3.2.3 atext, "."). */
function addressChar(c: string): boolean {
  return (
    c !== '' &&
    ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || ".!#$%&'*+-/=?^_`{|}~".includes(c))
  );
}

/**
 * `address` (lower case; a domain when `domain`) stands in `text` whole, not inside a
 * longer one (nor, for a domain, after an "@": that is another address at it).
 */
function addressNamedIn(text: string, address: string, domain: boolean): boolean {
  if (address === '') return false;
  for (let i = text.indexOf(address); i >= 0; i = text.indexOf(address, i + 1)) {
    const before = i === 0 ? '' : text.charAt(i - 1);
    const after = text.charAt(i + address.length);
    if (domain && before === '@') continue;
    if (!addressChar(before) && !(addressChar(after) && after !== '.')) return true;
  }
  return false;
}

/**
 * The failures of collected blocks, in order: a block's own lines, else the reason
 * on its line, else the shared reason. A recipient named twice (a text repeated in
 * two languages) keeps its first block, with the lines of a later one if it had none.
 */
export function blockFailures(c: Collected): Failure[] {
  const byAddress = new Map<string, Block>();
  const order: Block[] = [];
  for (const b of c.blocks) {
    const key = b.recipient.toLowerCase();
    const first = byAddress.get(key);
    if (first === undefined) {
      byAddress.set(key, b);
      order.push(b);
    } else if (first.lines.length === 0 && b.lines.length > 0) first.lines = b.lines;
  }
  const shared = c.shared.join(' ');
  return order.map((b) => ({
    recipient: b.recipient,
    diagnosis: b.lines.length > 0 ? b.lines.join(' ') : b.reason !== '' ? b.reason : shared,
  }));
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
/**
 * True when `text` reports a success and no failure: it holds an enhanced status
 * code of class 2 ("250 2.0.0 Ok: queued as ...", RFC 3463 §3.1) standing on its
 * own, and none of class 4 or 5. A success notice's line ("delivery via host: 250
 * 2.0.0 Ok") then names no failed recipient, wherever in the line the reply stands.
 */
export function reportsSuccess(text: string): boolean {
  let success = false;
  for (let i = 0; i < text.length && i < 4096; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x32 && c !== 0x34 && c !== 0x35) continue;
    const prev = i === 0 ? 0x20 : text.charCodeAt(i - 1);
    if (prev !== 0x20 && prev !== 0x09 && prev !== 0x28 && prev !== 0x23) continue;
    const e = enhancedCodeAt(text, i);
    if (e === null) continue;
    const next = text.charCodeAt(e.end);
    if (e.end < text.length && next !== 0x20 && next !== 0x29 && next !== 0x3a && next !== 0x3b)
      continue;
    if (e.code.class !== 2) return false;
    success = true;
  }
  return success;
}

export interface Failure {
  recipient: string;
  /** The text that explains the failure: a remote reply (`550 5.1.1 ...`), or the MTA's own words. */
  diagnosis: string;
  /** An enhanced code the format gives beside the text ("(#5.1.1)", "ERROR_CODE :5.2.1"). */
  status?: EnhancedCode | null;
  /** A reply code the format gives beside the text, when the text has none. */
  code?: number | null;
  /**
   * The reporting MTA's own verdict on the recipient, when the format states one apart
   * from the reply it quotes (qmail-send's "in the queue too long" over the last
   * attempt's "451 4.3.0 ..."): `report.status`, as a DSN's `Status` field is
   * (RFC 3464 §2.3.4); the reply keeps its own code. Otherwise the reply's code.
   */
  reportStatus?: EnhancedCode | null;
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
 * Findings for the failures a family found, in order, one per recipient (its first
 * mention, or the first that gives a diagnosis), at most MAX_RECIPIENTS.
 */
export function toFindings(
  bounce: Bounce,
  family: string,
  failures: readonly Failure[],
  options: FindingOptions = {},
): OobFinding[] {
  const out: OobFinding[] = [];
  const date = bounce.date();
  let messageId: string | null = null;
  let messageIdRead = false;
  // A recipient named twice (a text repeated in two languages) keeps its first
  // mention, or the first that says why.
  const chosen = new Map<string, Failure>();
  for (const f of failures) {
    if (f.recipient === '') continue;
    const key = f.recipient.toLowerCase();
    const first = chosen.get(key);
    if (first === undefined) {
      if (chosen.size >= MAX_RECIPIENTS) break;
      chosen.set(key, f);
    } else if (first.diagnosis.trim() === '' && f.diagnosis.trim() !== '') chosen.set(key, f);
  }
  for (const f of chosen.values()) {
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
    // A recipient the text reports delivered ("250 2.0.0 Ok", a verify report) failed nothing.
    if (cls === 2 || reportsSuccess(diagnosis)) continue;
    const action = f.action ?? (cls === 4 && options.permanent !== true ? 'delayed' : 'failed');
    out.push({
      kind: 'oob',
      recipient: f.recipient,
      reply,
      report: {
        source: 'heuristic:' + family,
        action,
        status:
          f.reportStatus !== undefined && f.reportStatus !== null
            ? formatEnhancedCode(f.reportStatus)
            : reply.enhancedCode === null
              ? null
              : formatEnhancedCode(reply.enhancedCode),
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
        supplemental_trace: null,
      },
      time: f.time ?? date,
      label: null,
    });
  }
  return out;
}

/**
 * How specific the evidence is that a message is one family's: families are tried
 * most specific first, so that a format several programs share never hides the
 * program that wrote the message, whatever the order of the family list.
 */
export const EVIDENCE = {
  /** Not this family's message. */
  none: 0,
  /** A layout several programs share ("<a@b>:" blocks, a "Recipient:" list, a generic intro). */
  layout: 1,
  /** A line the program prints in every bounce of this kind (its intro, a section ruler). */
  marker: 2,
  /** A header field, sender or Message-ID shape only this program or provider writes. */
  sender: 3,
} as const;

/** A family of non-RFC bounces: a cheap test on headers and the text's start, then the parse. */
export interface Family {
  /** `report.source` is `heuristic:<name>` (a family may name a provider it recognises). */
  name: string;
  /**
   * How specific the evidence in the header fields and `head()` is (EVIDENCE), 0
   * when the message is not this family's. Cheap: no full-body scan.
   */
  detect(bounce: Bounce): number;
  /**
   * Findings (OOB ones; Feedback for a provider's complaint notice), or an empty
   * list when the message is not this family's after all.
   */
  parse(bounce: Bounce): Finding[];
}
