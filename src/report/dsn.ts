// RFC 3464 delivery status notifications, and RFC 6533 §6
// message/global-delivery-status (UTF-8 fields, `utf-8` address type). One finding
// per recipient block (§2.3); a block that cannot be read becomes a ParseProblem and
// never costs the others. Also reads the same fields when an MTA pastes them into a
// plain-text bounce without the MIME structure (Postfix relays do, Sisimai rfc3464-34).
import {
  cleanMessageId,
  decodeXtext,
  extractAddressList,
  imceaSmtpAddress,
  isEmailAddress,
  parseTypedAddress,
  soleAddressOf,
  stripComments,
} from './address';

/** Re-exported for the parsers that read returned headers beside a DSN's. */
export { cleanMessageId } from './address';
import { parseDate } from './date';
import { REPORT_LIMITS, scanFields, type HeaderField } from './header';
import {
  decodedBinary,
  transferEncoded,
  type MimeMessage,
  type MimePart,
  type ReturnedMessage,
} from './mime';
import {
  MAX_CONTENT,
  cutMultiline,
  extractReply,
  hasReplyCode,
  isBareReplyCode,
  lastReplyLine,
  mayHoldReplyCode,
  oneLine,
  parseStatus,
  readReply,
  statusInReply,
  replyCodeIn,
  stageAndCodeIn,
  entryAbout,
  reasonsAbout,
  transcriptAbout,
  wholeReplyIn,
} from './reply';
import type { OobFinding, ParseProblem } from './types';
import { enhancedCodeAt, formatEnhancedCode, rfc3339, type EnhancedCode } from '../values';
import { decodeFieldText, utf8 } from './codec';

const DSN_TYPES = new Set([
  'message/delivery-status',
  'message/global-delivery-status', // RFC 6533 §6.2
  'message/x-delivery-status', // pre-standard name, still sent
]);

/** Action values by another name (case already folded). */
const ACTION_ALIASES: Record<string, string> = {
  failure: 'failed',
  fail: 'failed',
  // SendGrid: the message expired in the queue, a final failure.
  expired: 'failed',
  delay: 'delayed',
  deliver: 'delivered',
  relay: 'relayed',
  expand: 'expanded',
};

/** Per-message fields (§2.2), first occurrence wins. */
interface PerMessage {
  reportingMta: string | null;
  arrivalDate: string | null;
  receivedFromMta: string | null;
  originalEnvelopeId: string | null;
  originalMessageId: string | null;
}

/** One recipient block (§2.3), raw field values. */
interface Block {
  finalRecipient: string | null;
  originalRecipient: string | null;
  action: string | null;
  status: string | null;
  remoteMta: string | null;
  diagnosticCode: string | null;
  lastAttemptDate: string | null;
  willRetryUntil: string | null;
  /** X-Supplementary-Info (Oracle / Sun Messaging Server): `<host #5.0.0 smtp; 554 ...>`. */
  supplementaryInfo: string | null;
  /** Other `X-...Diagnostic...` extension fields, in order. */
  extraDiagnostics: string[];
}

function emptyBlock(): Block {
  return {
    finalRecipient: null,
    originalRecipient: null,
    action: null,
    status: null,
    remoteMta: null,
    diagnosticCode: null,
    lastAttemptDate: null,
    willRetryUntil: null,
    supplementaryInfo: null,
    extraDiagnostics: [],
  };
}

/** Most extension diagnostic fields kept per recipient block. */
const MAX_EXTRA_DIAGNOSTICS = 4;

/**
 * Extension fields (RFC 3464 §2.4 `extension-field`) that carry a recipient's
 * diagnostic: X-Supplementary-Info, and `X-...-Diagnostic...` fields.
 */
function isDiagnosticExtension(name: string): boolean {
  return (
    name === 'x-supplementary-info' || (name.startsWith('x-') && name.indexOf('diagnostic') > 1)
  );
}

const PER_RECIPIENT_FIELDS = new Set([
  'final-recipient',
  'original-recipient',
  'action',
  'status',
  'remote-mta',
  'diagnostic-code',
  'last-attempt-date',
  'will-retry-until',
  'final-log-id',
  'x-actual-recipient',
]);

const PER_MESSAGE_FIELDS = new Set([
  'reporting-mta',
  'arrival-date',
  'received-from-mta',
  'original-envelope-id',
  'dsn-gateway',
  'x-original-message-id',
]);

/** The delivery-status part: one of the message itself first, else one in an encapsulated message (a forwarded bounce). */
export function findDsnPart(msg: MimeMessage): MimePart | null {
  let nested: MimePart | null = null;
  for (const part of msg.parts) {
    if (!DSN_TYPES.has(part.type)) continue;
    if (part.scope === msg.root) return part;
    nested ??= part;
  }
  return nested;
}

/** Findings of the delivery-status part; null when the message has none. */
export function parseDsn(msg: MimeMessage): OobFinding[] | null {
  const part = findDsnPart(msg);
  if (part === null) return null;
  // RFC 6533 §6.2: the global variant is UTF-8 and may carry a transfer encoding;
  // the plain one is ASCII, but 8-bit text in it is UTF-8 far more often than not.
  const text =
    (part === msg.root ? '' : fieldsInPartHeader(part)) + decodedBinary(part, msg.problems);
  const source = part.type === 'message/global-delivery-status' ? 'rfc6533' : 'rfc3464';
  const returned = part.scope === null ? null : msg.returned(part.scope);
  const notes = notificationTexts(msg, part);
  const findings = parseDeliveryStatus(text, 0, source, returned, msg.problems, false, utf8, notes);
  if (findings.length === 0)
    msg.problems.push({
      code: 'dsn.no-recipients',
      detail: `${part.type} part without a usable recipient block`,
    });
  return findings;
}

/**
 * The report's own fields when a generator left out the blank line after the part's
 * Content-Type (RFC 2046 §5.1.1: a body part's header fields end at the first empty
 * line; RFC 3464 §2.1: the status fields are the body): `Reporting-MTA`,
 * `Final-Recipient` and the rest then sit in the part's header section, where a
 * reader of the body alone never sees them. Reported:
 * https://github.com/jhillyerd/enmime/issues/28 (DSN fields read as, or taken for,
 * part headers). Returns them as `name: value` lines ending in a blank line, to go
 * before the body (which then holds any later groups); '' when the part's header
 * section has no DSN field, so a well-formed part reads exactly as before. Not for a
 * whole message of that type, whose header section is the message's (an mbox
 * `Status: RO` is no DSN field). One pass over the part's header fields.
 */
function fieldsInPartHeader(part: MimePart): string {
  const fields = part.headers.fields;
  let dsnField = false;
  for (const f of fields)
    if (PER_MESSAGE_FIELDS.has(f.name) || PER_RECIPIENT_FIELDS.has(f.name)) {
      dsnField = true;
      break;
    }
  if (!dsnField) return '';
  const lines: string[] = [];
  for (const f of fields) {
    if (f.name.startsWith('content-') || f.name === 'mime-version') continue;
    lines.push(`${f.name}: ${f.value}\n`);
  }
  return lines.join('') + '\n';
}

/**
 * DSN fields pasted into the text of a non-MIME bounce: reads from the first
 * `Reporting-MTA:` / `Final-Recipient:` / `Original-Recipient:` line at a line start,
 * and stops at the first block of other fields after the recipients.
 */
export function parseDsnInText(msg: MimeMessage): OobFinding[] | null {
  for (const { text } of msg.texts()) {
    const lower =
      text.length > 1_000_000 ? text.slice(0, 1_000_000).toLowerCase() : text.toLowerCase();
    let start = -1;
    for (const key of ['reporting-mta:', 'final-recipient:', 'original-recipient:']) {
      let at = -1;
      if (lower.startsWith(key)) at = 0;
      else {
        const nl = lower.indexOf('\n' + key);
        if (nl >= 0) at = nl + 1;
      }
      if (at >= 0 && (start < 0 || at < start)) start = at;
    }
    if (start < 0 || lower.indexOf('final-recipient:', start) < 0) continue;
    // A notice's own DSN fields come before the copy of the message it returns; fields
    // after the line that opens that copy are the returned message's (a DSN returned
    // by a text bounce: its recipients did not fail here).
    const copyAt = returnedCopyAt(lower);
    if (copyAt >= 0 && copyAt < start) continue;
    const findings = parseDeliveryStatus(
      text,
      start,
      'rfc3464',
      msg.returned(),
      msg.problems,
      true,
      asIs,
      textNotes(text.slice(0, start)),
    );
    if (findings.length > 0) return findings;
  }
  return null;
}

/**
 * The lines with which text bounces open the copy of the message they return (lower
 * case): Exim's "------ This is a copy of the message, including all the headers.
 * ------" (and its "body of the message" variant), qmail-send's "--- Below this line is
 * a copy of the message.", Smail's "Message text follows", Sendmail's and others'
 * "----- Original message follows -----". Not a person's "-----Original Message-----",
 * which may forward a whole bounce, DSN fields and all.
 */
const RETURNED_COPY_LINES = [
  '------ this is a copy of the message',
  '--- below this line is a copy of the message',
  'message text follows',
  'original message follows',
];

/** Where the first RETURNED_COPY_LINES phrase is in `lower`, or -1. */
function returnedCopyAt(lower: string): number {
  let first = -1;
  for (const line of RETURNED_COPY_LINES) {
    const at = lower.indexOf(line);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}

/** A notification text, its lower-case copy (same offsets) and its lines. */
interface Note {
  /** The text the note was made of (`text` is it, cut at MAX_NOTE_CHARS, or its lower-case copy). */
  source: string;
  text: string;
  lower: string;
  lines(): string[];
  /** The text has the words MTAs put before or after a stage (see STAGE_MARKERS). */
  namesStage(): boolean;
}

/**
 * Words of the notification texts that name an SMTP stage beside a reply (Postfix's
 * "(in reply to RCPT TO command)", Exim's "SMTP error from remote mail server after
 * ...", "while sending ...", a transcript's ">>> RCPT TO:<a@b>"), lower case: a DSN
 * looks for the stage in its text only when it has one of them.
 */
const STAGE_MARKERS = [
  'in reply to ',
  'in response to ',
  'smtp error from remote',
  'refused to talk to me',
  'while sending ',
  'while performing ',
  'while receiving ',
  '>>> ',
];

/** Most characters of notification text searched for recipients' lines. */
const MAX_NOTE_CHARS = 64 * 1024;
/** Recipient blocks that may look up their reply in the notification text. */
const MAX_NOTE_LOOKUPS = 200;

/** The notification texts of a report: all of them, or those that name an SMTP stage. */
interface Notes {
  all(): Note[];
  /** The texts with a STAGE_MARKERS phrase (a text not transfer-encoded is not decoded to tell). */
  staged(): Note[];
  /**
   * A text has digits that may be a reply code (`mayHoldReplyCode`). A reply taken
   * from the texts (`noteAbout`'s `reply`) is made of their lines and holds a code, so
   * without such digits there is none, and it is not looked for (issue 17).
   */
  mayQuoteReply(): boolean;
}

/** Notes of a report whose blocks may not read its text (past MAX_NOTE_LOOKUPS). */
const NO_NOTES: Notes = { all: () => [], staged: () => [], mayQuoteReply: () => false };

/** The human-readable text parts of a report (RFC 6522 §3 first part), decoded on first use. */
function notificationTexts(msg: MimeMessage, dsPart: MimePart): Notes {
  const parts: MimePart[] = [];
  for (const p of msg.parts) {
    if (p === dsPart) break;
    if (p.scope === dsPart.scope && p.type === 'text/plain') parts.push(p);
  }
  // A text part read as it came is most often the same text decoded (an ASCII body is
  // its own text, mime.ts `decodedText`): one note for both.
  const decoded = new Map<MimePart, Note>();
  const asCame = new Map<MimePart, Note>();
  const noteOf = (p: MimePart): Note => {
    let n = decoded.get(p);
    if (n === undefined) {
      const text = msg.textOf(p);
      const other = asCame.get(p);
      n = other !== undefined && other.source === text ? other : note(text);
      decoded.set(p, n);
    }
    return n;
  };
  const noteAsCame = (p: MimePart): Note => {
    let n = asCame.get(p);
    if (n === undefined) {
      const other = decoded.get(p);
      n = other !== undefined && other.source === p.body ? other : note(p.body);
      asCame.set(p, n);
    }
    return n;
  };
  let all: Note[] | null = null;
  let staged: Note[] | null = null;
  let quotes: boolean | null = null;
  return {
    all: () => (all ??= parts.map(noteOf)),
    // The stage and the reply code are ASCII: 7bit or 8bit text is read as it came,
    // without charset decoding (an address outside ASCII is then not found in it).
    staged: () =>
      (staged ??= parts
        .map((p) => (transferEncoded(p) ? noteOf(p) : noteAsCame(p)))
        .filter((n) => n.namesStage())),
    // The whole decoded text of each part: what `all()` reads is in it.
    mayQuoteReply: () => (quotes ??= parts.some((p) => mayHoldReplyCode(msg.textOf(p)))),
  };
}

/** Notes of text that is the notification itself (DSN fields pasted into a text bounce). */
function textNotes(text: string): Notes {
  let all: Note[] | null = null;
  return {
    all: () => (all ??= [note(text)]),
    staged: () => (all ??= [note(text)]).filter((n) => n.namesStage()),
    mayQuoteReply: () => mayHoldReplyCode(text),
  };
}

function note(full: string): Note {
  const text = full.length > MAX_NOTE_CHARS ? full.slice(0, MAX_NOTE_CHARS) : full;
  const lower = text.toLowerCase();
  // Lower-casing can change the length of some characters; offsets must agree.
  const t = lower.length === text.length ? text : lower;
  let lines: string[] | null = null;
  let stage: boolean | null = null;
  return {
    source: full,
    text: t,
    lower,
    lines: () => (lines ??= splitNoteLines(t)),
    // Line breaks fall anywhere in a paragraph ("(in\n    reply to RCPT TO command)").
    namesStage: () => (stage ??= STAGE_MARKERS.some((m) => containsPhrase(lower, m))),
  };
}

/**
 * `phrase` (lower case, words separated by one space) is in `lower`, its spaces
 * matching any run of white space: line breaks fall anywhere in a paragraph ("(in\n
 *     reply to RCPT TO command)").
 */
function containsPhrase(lower: string, phrase: string): boolean {
  const space = phrase.indexOf(' ');
  const first = space < 0 ? phrase : phrase.slice(0, space);
  for (let at = lower.indexOf(first); at >= 0; at = lower.indexOf(first, at + 1)) {
    let i = at + first.length;
    let j = first.length;
    while (j < phrase.length) {
      if (phrase.charCodeAt(j) === 0x20) {
        const start = i;
        while (i < lower.length && lower.charCodeAt(i) <= 0x20) i++;
        if (i === start && i < lower.length) break;
        j++;
      } else if (lower.charCodeAt(i) === phrase.charCodeAt(j)) {
        i++;
        j++;
      } else break;
    }
    if (j === phrase.length) return true;
  }
  return false;
}

/** Most lines of a notification text read. */
const MAX_NOTE_LINES = 2000;

function splitNoteLines(text: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < text.length && out.length < MAX_NOTE_LINES) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let line = text.slice(pos, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    out.push(line);
    pos = end + 1;
  }
  return out;
}

/** What the notification text says about one recipient. */
interface NoteFinding {
  /** Text that holds a reply for the recipient (its own line, or its part of a transcript). */
  reply: string | null;
  /** The recipient's paragraph (`reasonAbout`), reply or not. */
  paragraph: string | null;
}

/**
 * The notification text about `address`: its own entry ("a@b: 550 5.1.1 ...",
 * OpenSMTPD, Postfix paragraphs; or the reason before, after or below it, see
 * `reasonAbout`), then Sendmail's transcript (`transcriptAbout`; the whole
 * transcript only when the report has this one recipient).
 */
function noteAbout(notes: Note[], address: string, alone: boolean): NoteFinding {
  const found: NoteFinding = { reply: null, paragraph: null };
  if (address === '') return found;
  for (const note of notes) {
    if (note.lower.indexOf(address.toLowerCase()) < 0 && !alone) continue;
    const lines = note.lines();
    const reasons = reasonsAbout(lines, address, hasReplyCode);
    if (reasons.first !== null) found.paragraph ??= reasons.first;
    if (found.reply === null && reasons.first !== null && reasons.first === reasons.wanted) {
      found.reply = reasons.first;
      // Sendmail follows the server's reply with a line of its own per recipient
      // ("<<< 554 5.7.1 Message rejected as spam", then "554 5.0.0 <a@b>... Service
      // unavailable"): where the transcript gives this recipient's server reply with
      // the same code, the server's words say why.
      const said = serverReplyAbout(lines, address, found.reply);
      if (said !== null) found.reply = said;
    }
    if (found.reply === null) {
      const transcript = transcriptAbout(lines, address, alone);
      // A local mailer's output before the MTA's own reply line ("554 5.3.0 unknown
      // mailer error 255", "550 No such user here"): that line (`lastReplyLine`).
      const said =
        transcript === null || hasReplyCode(transcript) ? transcript : lastReplyLine(transcript);
      if (said !== null && (hasReplyCode(said) || isBareReplyCode(said))) found.reply = said;
      // A transcript without a reply ("a... Deferred: Connection refused by ...")
      // still says why, for the report's one recipient.
      else if (transcript !== null && alone) found.paragraph ??= transcript;
    }
    // The first mention may only say that it failed ("Delivery to a@b failed."); a
    // later one that quotes a reply says why.
    if (found.reply === null && reasons.wanted !== null) found.reply = reasons.wanted;
    if (found.reply !== null) break;
  }
  return found;
}

/**
 * The part of a session transcript about `address` that holds a reply
 * (`transcriptAbout`), from the first note that has one, or null.
 */
function transcriptReplyInNotes(notes: Note[], address: string, alone: boolean): string | null {
  for (const n of notes) {
    const t = transcriptAbout(n.lines(), address, alone);
    if (t !== null && hasReplyCode(t)) return t;
  }
  return null;
}

/** The class of the reply code `text` holds where a reply stands (4 or 5 for a failure), or null. */
function failureClass(text: string): number | null {
  const read = readReply(text, { status: null, action: null, smtp: true });
  return read.coded ? Math.floor(read.reply.code / 100) : null;
}

/** The whole reply a cut multi-line one (`cutMultiline`) opens, from the first note that quotes it, or null. */
function wholeReplyInNotes(notes: Note[], text: string): string | null {
  for (const n of notes) {
    const whole = wholeReplyIn(n.lines(), text);
    if (whole !== null) return whole;
  }
  return null;
}

/**
 * The part of a Sendmail transcript about `address` (`transcriptAbout`, the address
 * named in it) when it holds a server's failing `<<<` reply and `reason` (the text
 * that names the address) is the MTA's own line of that transcript, or tells of the
 * same reply code elsewhere ("(reason: 550 5.1.1 ...)"); else null.
 */
function serverReplyAbout(lines: string[], address: string, reason: string): string | null {
  const own = reason.trim();
  if (own.startsWith('<<<')) return null;
  const transcript = transcriptAbout(lines, address, false);
  if (transcript === null || transcript.indexOf('<<<') < 0) return null;
  const said = extractReply(transcript, { status: null });
  if (said.content === '' || said.code < 400) return null;
  const inTranscript = transcript.indexOf(own.slice(0, 60)) >= 0;
  return inTranscript || said.code === replyCodeIn(own) ? transcript : null;
}

/**
 * The SMTP stage the notification text gives for `address`'s reply (a `SMTP_COMMANDS`
 * value), or null. Read from the first text about this recipient that names a stage:
 * its entry or paragraph (`entryAbout`: Postfix's "<a@b>: ... (in reply to RCPT TO
 * command)", Exim's "a@b" paragraph with "SMTP error from remote mail server after
 * RCPT TO:<a@b>:"), then its part of a Sendmail transcript
 * (`transcriptAbout`: the `>>>` command the failing `<<<` reply answered; the whole
 * transcript only when the report has this one recipient). That text must tell of
 * the same reply code as `code`, or of none: a stage beside another reply is not
 * this reply's.
 */
function stageAbout(notes: Note[], address: string, alone: boolean, code: number): string | null {
  if (address === '') return null;
  const needle = address.toLowerCase();
  for (const note of notes) {
    if (note.lower.indexOf(needle) < 0 && !alone) continue;
    const lines = note.lines();
    const entry = entryAbout(lines, address);
    const staged = entry === null ? null : stageAndCodeIn(entry);
    if (staged !== null)
      return staged.code === null || staged.code === code ? staged.command : null;
    const transcript = transcriptAbout(lines, address, alone);
    if (transcript !== null && transcript.indexOf('<<<') >= 0) {
      const said = extractReply(transcript, { status: null });
      if (said.command !== null) return said.code === code ? said.command : null;
    }
  }
  return null;
}

/**
 * The remote reply in a block's extension fields, most reliable first:
 * X-Supplementary-Info (Oracle / Sun Messaging Server, `<host #5.0.0 smtp; 554
 * ...>`: the text after the diagnostic type), then `X-...Diagnostic...` fields.
 * Only text that holds a reply code counts.
 */
function extensionReply(block: Block, decode: Decode): string | null {
  const candidates: string[] = [];
  if (block.supplementaryInfo !== null)
    candidates.push(supplementaryText(decodeFieldText(decode(block.supplementaryInfo))));
  for (const v of block.extraDiagnostics) {
    const d = splitDiagnostic(decodeFieldText(decode(v)));
    // "X-Remote-MTA-Diagnostic: smtp; 554": a field of type smtp holds the reply, and
    // a reply code alone is a whole reply (RFC 5321 §4.2: the text is optional).
    if (d.type === 'smtp' && isBareReplyCode(d.text)) return d.text;
    candidates.push(d.text);
  }
  for (const text of candidates) if (text !== '' && hasReplyCode(text)) return text;
  return null;
}

/**
 * `<mx.example #5.0.0 smtp; 554 text>` → `#5.0.0 smtp; 554 text`: the reply, behind the
 * status the reporting MTA assigned when it wrote one ("#5.0.0"), which `readReply`
 * reads as a Diagnostic-Code's `< #5.0.0 smtp;554 ...>`: it stands in for an enhanced
 * code the reply lacks and yields to one it has. Without that status, `554 text`.
 */
function supplementaryText(value: string): string {
  let v = value.trim();
  if (v.startsWith('<') && v.endsWith('>')) v = v.slice(1, -1).trim();
  const semi = v.indexOf(';');
  if (semi < 0 || semi >= 200) return v;
  const hash = v.lastIndexOf('#', semi);
  const assigned = hash < 0 ? null : enhancedCodeAt(v, hash + 1);
  return assigned !== null && v.charCodeAt(assigned.end) === 0x20
    ? v.slice(hash)
    : v.slice(semi + 1).trim();
}

/** Turns a field value into Unicode: `utf8` for binary strings, `asIs` for decoded text. */
type Decode = (value: string) => string;

const asIs: Decode = (value) => value;

function parseDeliveryStatus(
  text: string,
  start: number,
  source: string,
  returned: ReturnedMessage | null,
  problems: ParseProblem[],
  stopAtForeignBlock: boolean,
  decode: Decode,
  notes: Notes,
): OobFinding[] {
  const { fields } = scanFields(text, start, false, problems, REPORT_LIMITS);
  const perMessage: PerMessage = {
    reportingMta: null,
    arrivalDate: null,
    receivedFromMta: null,
    originalEnvelopeId: null,
    originalMessageId: null,
  };
  const blocks: Block[] = [];
  let orphans = 0;
  // The first recipient block that names no recipient but says what happened (Action
  // or Status): the report's only finding when no block names one (see below).
  let anonymous: Block | null = null;
  let cur: Block | null = null;
  let curBlock = -1;
  let blockHasDsnField = false;
  // A detail field (Action, Status, Diagnostic-Code) came after this block's Final-Recipient.
  let detailSinceFinal = false;

  const flush = (): void => {
    if (cur === null) return;
    if (cur.finalRecipient !== null || cur.originalRecipient !== null) blocks.push(cur);
    else {
      orphans++;
      if (anonymous === null && (cur.action !== null || cur.status !== null)) anonymous = cur;
    }
    cur = null;
    detailSinceFinal = false;
  };

  for (const f of fields) {
    if (f.block !== curBlock) {
      if (
        stopAtForeignBlock &&
        curBlock >= 0 &&
        !blockHasDsnField &&
        (blocks.length > 0 || cur !== null)
      )
        break;
      flush();
      curBlock = f.block;
      blockHasDsnField = false;
    }
    const name = f.name;
    if (PER_MESSAGE_FIELDS.has(name)) {
      blockHasDsnField = true;
      setPerMessage(perMessage, f);
      continue;
    }
    const extension = isDiagnosticExtension(name);
    if (!PER_RECIPIENT_FIELDS.has(name) && !extension) continue;
    blockHasDsnField = true;
    // Recipient blocks missing their separating blank line: a second
    // Final-Recipient, or an Original-Recipient after the details, starts a new one.
    if (cur !== null) {
      const c: Block = cur;
      if (
        (name === 'final-recipient' && c.finalRecipient !== null) ||
        (name === 'original-recipient' &&
          (c.originalRecipient !== null || (c.finalRecipient !== null && detailSinceFinal)))
      ) {
        flush();
      }
    }
    cur ??= emptyBlock();
    const b: Block = cur;
    switch (name) {
      case 'final-recipient':
        b.finalRecipient = f.value;
        detailSinceFinal = false;
        break;
      case 'original-recipient':
        b.originalRecipient = f.value;
        break;
      case 'action':
        b.action ??= f.value;
        detailSinceFinal = b.finalRecipient !== null;
        break;
      case 'status':
        b.status ??= f.value;
        detailSinceFinal = b.finalRecipient !== null;
        break;
      case 'remote-mta':
        b.remoteMta ??= f.value;
        break;
      case 'diagnostic-code':
        b.diagnosticCode ??= f.value;
        detailSinceFinal = b.finalRecipient !== null;
        break;
      case 'last-attempt-date':
        b.lastAttemptDate ??= f.value;
        break;
      case 'will-retry-until':
        b.willRetryUntil ??= f.value;
        break;
      case 'x-supplementary-info':
        b.supplementaryInfo ??= f.value;
        break;
      default:
        if (extension && b.extraDiagnostics.length < MAX_EXTRA_DIAGNOSTICS)
          b.extraDiagnostics.push(f.value);
    }
  }
  flush();
  // A report whose recipient blocks all name no recipient still says a message failed:
  // it becomes one finding with an empty recipient (none is made up), which the
  // envelope's VERP decoding or KumoMTA's trace header may name (pipeline/records.ts).
  // With other blocks beside them, recipient-less blocks are skipped.
  const unnamed = blocks.length === 0 && !stopAtForeignBlock ? anonymous : null;
  if (unnamed !== null) blocks.push(unnamed);
  if (orphans > 0) {
    problems.push({
      code: 'dsn.recipient-missing',
      detail:
        unnamed !== null
          ? 'the recipient block names no Final-Recipient or Original-Recipient: its recipient is empty'
          : `${orphans} recipient block(s) without Final-Recipient or Original-Recipient were skipped`,
    });
  }

  const originalMessageId =
    messageIdOf(returned) ??
    cleanMessageId(
      perMessage.originalMessageId === null ? null : decode(perMessage.originalMessageId),
    );
  const arrival = dateField(perMessage.arrivalDate, 'Arrival-Date', problems);
  const findings: OobFinding[] = [];
  // The first MAX_NOTE_LOOKUPS recipient blocks may read the notification text.
  let lookups = 0;
  const peers = blocks.length === 1 ? null : blockPeers(blocks, decode);
  for (const [i, block] of blocks.entries()) {
    const limited = lookups++ < MAX_NOTE_LOOKUPS ? notes : NO_NOTES;
    try {
      const finding = blockFinding(
        block,
        perMessage,
        source,
        arrival,
        originalMessageId,
        problems,
        decode,
        limited,
        peers === null ? null : peers.of(i),
        stopAtForeignBlock,
      );
      if (finding !== null) findings.push(qualifiedByReturned(finding, returned));
    } catch (err) {
      problems.push({
        code: 'dsn.recipient-block-invalid',
        detail: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return findings;
}

/**
 * A report that names no recipient at all gets the one address the returned message
 * was sent to as `returnedRecipient` (several: none; docs/records.md); one that names
 * only an X.400 O/R address gets it as its recipient.
 *
 * A recipient that is a bare local part ("Final-Recipient: rfc822; john", as a local
 * delivery agent reports the user it looked up once the domain was found to be its
 * own) is the address of the returned message's To or Cc with that local part, when
 * they name exactly one: the same mailbox, as the message addressed it (RFC 5321
 * §2.3.11: a mailbox is local-part@domain). `final_recipient` keeps the report's own
 * word. Without such an address the local part stays as the report wrote it: a domain
 * taken from elsewhere (the Reporting-MTA's host name) would be a guess, and the
 * failure is real. RFC 3464's own example (Appendix, "Final-Recipient: unknown;
 * nair_s" from a MAILbus gateway, no returned message) is such a case: an address of a
 * non-Internet mail system (address-type "unknown", §2.3.2), kept as sent.
 */
function qualifiedByReturned(finding: OobFinding, returned: ReturnedMessage | null): OobFinding {
  const local = finding.recipient;
  if (returned === null) return finding;
  const sole = (): string | null => soleAddressOf((name) => returned.headers.get(name));
  if (local === '') {
    // A report that names no recipient: the one address the returned message went to,
    // a last resort after VERP and the trace header (pipeline/records.ts).
    const address = sole();
    return address === null ? finding : { ...finding, returnedRecipient: address };
  }
  if (local.indexOf('@') >= 0) return finding;
  // An X.400 O/R address ("x400; /G=Jan/S=Smit/O=HQ/C=NL/", RFC 3464 §2.3.2; its
  // attributes are "type=value", RFC 1685) is no mailbox a sender wrote: the one
  // address the returned message went to is the one the gateway mapped it from.
  if (local.indexOf('=') > 0) {
    const address = sole();
    return address === null ? finding : { ...finding, recipient: address };
  }
  const key = local.toLowerCase();
  const same = new Map<string, string>();
  for (const field of ['to', 'cc']) {
    for (const value of returned.headers.getAll(field)) {
      for (const address of extractAddressList(value)) {
        const at = address.lastIndexOf('@');
        if (isEmailAddress(address) && address.slice(0, at).toLowerCase() === key)
          same.set(address.toLowerCase(), address);
      }
    }
  }
  if (same.size !== 1) return finding;
  return { ...finding, recipient: [...same.values()][0] as string };
}

/**
 * What the other recipient blocks of a report say, for a block that may read the
 * notification's text that names nobody (`Sole.alone`): RFC 3464 §2.3 makes each
 * group's fields its own, so such text (a Sendmail transcript without an address,
 * "554 5.3.0 unknown mailer error 255") may be the reason of one recipient only when
 * it cannot be another's: that recipient's group is the only one without a reply that
 * says why (no Diagnostic-Code with a reply code, or one of the class alone, "554
 * 5.0.0 Service unavailable"), and the text taken names no other recipient and is no
 * other group's reply.
 */
interface Sole {
  /** The block may read text that names nobody. */
  alone: boolean;
  /** The other blocks' recipient addresses, lower case. */
  addresses: string[];
  /** The other blocks' diagnostic texts. */
  replies: string[];
}

/** `Sole` of each block (by index) of a report with several. */
function blockPeers(blocks: Block[], decode: Decode): { of(i: number): Sole } {
  const addresses = blocks.map((b) =>
    [b.finalRecipient, b.originalRecipient]
      .map((v) => (v === null ? '' : parseTypedAddress(decode(v)).address.toLowerCase()))
      .filter((a) => a.indexOf('@') > 0),
  );
  const replies = blocks.map((b) => {
    const own =
      b.diagnosticCode === null
        ? ''
        : splitDiagnostic(decodeFieldText(decode(b.diagnosticCode))).text;
    return hasReplyCode(own) ? own : (extensionReply(b, decode) ?? own);
  });
  const needs = replies.map((r) => !hasReplyCode(r) || saysOnlyClass(r));
  const needy = needs.filter(Boolean).length;
  const others = <T>(list: T[], i: number): T[] => list.filter((_, j) => j !== i);
  return {
    of: (i) => ({
      alone: needy === 1 && needs[i] === true,
      addresses: others(addresses, i).flat(),
      replies: others(replies, i).filter((r) => r !== ''),
    }),
  };
}

/**
 * `found` (the notification text about `address`, read with `sole.alone`) without
 * what may be another recipient's: text that does not name `address` and names
 * another recipient or repeats another group's reply.
 */
function ownNote(found: NoteFinding, address: string, sole: Sole): NoteFinding {
  const own = (text: string | null): string | null => {
    if (text === null) return null;
    const lower = text.toLowerCase();
    if (address !== '' && lower.indexOf(address.toLowerCase()) >= 0) return text;
    if (sole.addresses.some((a) => lower.indexOf(a) >= 0)) return null;
    if (sole.replies.some((r) => sameReply(r, text))) return null;
    return text;
  };
  return { reply: own(found.reply), paragraph: own(found.paragraph) };
}

function setPerMessage(pm: PerMessage, f: HeaderField): void {
  switch (f.name) {
    case 'reporting-mta':
      pm.reportingMta ??= f.value;
      break;
    case 'arrival-date':
      pm.arrivalDate ??= f.value;
      break;
    case 'received-from-mta':
      pm.receivedFromMta ??= f.value;
      break;
    case 'original-envelope-id':
      pm.originalEnvelopeId ??= f.value;
      break;
    case 'x-original-message-id':
      pm.originalMessageId ??= f.value;
      break;
  }
}

function dateField(value: string | null, name: string, problems: ParseProblem[]): Date | null {
  if (value === null || value === '') return null;
  const d = parseDate(value);
  if (d === null)
    problems.push({
      code: 'dsn.bad-date',
      detail: `${name} "${value.slice(0, 100)}" is not a date`,
    });
  return d;
}

/** `dns; mx.example.com` → `mx.example.com` (RFC 3464 §2.2.2 mta-name). */
export function mtaName(
  value: string | null,
  decode: (value: string) => string = utf8,
): string | null {
  if (value === null) return null;
  const semi = value.indexOf(';');
  const name = (semi >= 0 ? value.slice(semi + 1) : value).trim();
  return name === '' ? null : decode(name);
}

/**
 * The Status as text: its enhanced code, or the one a Status written as a reply carries
 * ("Status: 550 5.7.1", reply code and enhanced code of one class); null for a bare
 * reply ("Status: 554") or no code.
 */
function statusText(status: { code: EnhancedCode | null; comment: string }): string | null {
  const code = status.code ?? statusInReply(status.comment);
  return code === null ? null : formatEnhancedCode(code);
}

/**
 * A DSN's Remote-MTA / Reporting-MTA as a host: RFC 3464 §2.1.1 makes text in
 * parentheses a comment, not part of a field's contents (Gmail writes "Remote-MTA: dns;
 * mx.example.com. (192.0.2.1, the server for the domain example.com.)", Oracle
 * Communications Messaging Server "Reporting-MTA: dns;mta.example.org (tcp-daemon)"),
 * and a `dns` name written absolute ("mx.example.com.", RFC 1034 §3.1) names the same
 * host as without its root dot.
 */
export function dsnMtaName(
  value: string | null,
  decode: (value: string) => string = utf8,
): string | null {
  const text = mtaName(value, (v) => v);
  if (value === null || text === null) return null;
  const semi = value.indexOf(';');
  const dns = semi < 0 || value.slice(0, semi).trim().toLowerCase() === 'dns';
  let name = stripComments(text).trim();
  if (dns) {
    let end = name.length;
    while (end > 1 && name.charCodeAt(end - 1) === 0x2e) end--;
    name = name.slice(0, end);
  }
  return name === '' ? null : decode(name);
}

/** Message-ID of a returned message or header section. */
export function messageIdOf(returned: ReturnedMessage | null): string | null {
  return returned === null ? null : cleanMessageId(returned.headers.get('message-id'));
}

function normaliseAction(
  value: string | null,
  statusClass: number | null,
  replyClass: number | null,
): string {
  if (value !== null) {
    let v = value.trim().toLowerCase();
    let end = 0;
    while (
      end < v.length &&
      ((v.charCodeAt(end) >= 0x61 && v.charCodeAt(end) <= 0x7a) || v.charCodeAt(end) === 0x2d)
    )
      end++;
    v = v.slice(0, end);
    if (v !== '') return ACTION_ALIASES[v] ?? v;
  }
  // No (usable) Action: the class says what happened; a DSN with neither reports a failure.
  const cls = statusClass ?? replyClass;
  if (cls === 2) return 'delivered';
  if (cls === 4) return 'delayed';
  return 'failed';
}

function splitDiagnostic(value: string): { type: string; text: string } {
  const semi = value.indexOf(';');
  if (semi > 0 && semi <= 40) {
    const type = value.slice(0, semi).trim();
    let token = true;
    for (let i = 0; i < type.length; i++) {
      const c = type.charCodeAt(i);
      if (c <= 0x20 || c === 0x3a) token = false;
    }
    // "550 5.1.1 user; unknown" has no type: a type is a word, not a reply.
    if (token && type.length > 0 && !(type.charCodeAt(0) >= 0x30 && type.charCodeAt(0) <= 0x39)) {
      // RFC 3464 §2.3.6: the type is case-insensitive ("SMTP", "smtp", "X-Unix").
      return { type: type.toLowerCase(), text: value.slice(semi + 1).trim() };
    }
  }
  return { type: '', text: value.trim() };
}

function blockFinding(
  block: Block,
  pm: PerMessage,
  source: string,
  arrival: Date | null,
  originalMessageId: string | null,
  problems: ParseProblem[],
  decode: Decode,
  notes: Notes,
  sole: Sole | null,
  pasted: boolean,
): OobFinding | null {
  // `sole` is null for a report's only recipient block.
  const alone = sole === null || sole.alone;
  const final =
    block.finalRecipient === null ? null : parseTypedAddress(decode(block.finalRecipient));
  const typedOriginal =
    block.originalRecipient === null ? null : parseTypedAddress(decode(block.originalRecipient));
  // An rfc822 Original-Recipient copied from ORCPT unchanged is still xtext (RFC 3461 §4).
  const original =
    typedOriginal !== null && typedOriginal.type === 'rfc822'
      ? { ...typedOriginal, address: decodeXtext(typedOriginal.address) }
      : typedOriginal;
  // Exchange's IMCEASMTP-... encapsulation stands for the SMTP address it encodes.
  const finalAddr =
    final === null || final.address === ''
      ? null
      : (imceaSmtpAddress(final.address) ?? final.address);
  const originalAddr =
    original === null || original.address === ''
      ? null
      : (imceaSmtpAddress(original.address) ?? original.address);
  // DESIGN.md §7: Original-Recipient, else Final-Recipient; an Original-Recipient
  // that is no address (a type-less alias, "<>") does not win over a real one.
  let recipient = originalAddr ?? finalAddr ?? '';
  if (
    originalAddr !== null &&
    finalAddr !== null &&
    originalAddr.indexOf('@') < 0 &&
    finalAddr.indexOf('@') > 0
  )
    recipient = finalAddr;
  if (recipient === '' && (final !== null || original !== null)) {
    problems.push({
      code: 'dsn.recipient-missing',
      detail: 'a recipient block names no recipient address',
    });
    return null;
  }

  // The text fields read as a person reads them: encoded words and raw ISO-2022-JP
  // decoded (codec.ts `decodeFieldText`); addresses and host names are not text.
  const status = parseStatus(block.status === null ? null : decodeFieldText(decode(block.status)));
  const diagnostic =
    block.diagnosticCode === null
      ? null
      : splitDiagnostic(decodeFieldText(decode(block.diagnosticCode)));
  // Without a Diagnostic-Code the Status comment ("4.0.0 (host name lookup
  // failure)"), or a Status that is a reply ("553 Exceeded ..."), is the text.
  let text = diagnostic !== null && diagnostic.text !== '' ? diagnostic.text : status.comment;
  let smtp = diagnostic === null || diagnostic.type === '' || diagnostic.type === 'smtp';
  // A Diagnostic-Code with no reply in it (none at all, an exit status "x-unix; 255",
  // a local "x-postfix; connect to ...: timed out"): the remote reply from what else
  // the report carries, most reliable first (DESIGN.md §5).
  let note: NoteFinding | null = null;
  const noteOnce = (): NoteFinding =>
    (note ??=
      sole === null || !sole.alone
        ? noteAbout(notes.all(), recipient, alone)
        : ownNote(noteAbout(notes.all(), recipient, true), recipient, sole));
  // "Diagnostic-Code: smtp; 552-5.7.0 ..." (Sendmail): a multi-line reply's first line
  // only (RFC 5321 §4.2.1: a "NNN-" line is never a reply's last); the session
  // transcript beside it quotes the whole reply. Where no line there goes on from the
  // cut one, the transcript's failing reply for this recipient is the whole reply the
  // fragment stands for.
  let completed = false;
  if (smtp && text !== '' && cutMultiline(text)) {
    const whole =
      wholeReplyInNotes(notes.all(), text) ?? transcriptReplyInNotes(notes.all(), recipient, alone);
    if (whole !== null && failureClass(whole) === failureClass(text)) {
      text = whole;
      completed = true;
    }
  }
  let read = readReply(text, { status: status.code, action: null, smtp });
  if (!read.coded) {
    const found =
      extensionReply(block, decode) ?? (notes.mayQuoteReply() ? noteOnce().reply : null);
    if (found !== null) {
      text = found;
      smtp = true;
    } else if (pasted && text === '' && isEmailAddress(recipient)) {
      // DSN fields pasted into a text bounce: no completeDsn follows, so the text's
      // own words about the recipient now (see completeFromNotification).
      text = noteOnce().paragraph ?? '';
    }
    if (found !== null || text !== '')
      read = readReply(text, { status: status.code, action: null, smtp });
  } else if (
    smtp &&
    !completed &&
    // Only a reply quoted in the text can stand for this one (below).
    notes.mayQuoteReply() &&
    // Without a Status the reply just read is the one `saysOnlyClass` reads.
    (status.code === null ? onlyClass(read.reply.enhancedCode) : saysOnlyClass(text))
  ) {
    // "Diagnostic-Code: smtp; 554 5.0.0 Service unavailable": the reporting MTA's own
    // verdict on the transaction (Sendmail writes it after a refused DATA), not the
    // remote server's reply, which its text part quotes ("<<< 554 5.7.1 Message
    // rejected ..."). A reply there of the same class whose enhanced code names a
    // subject (RFC 3463 §3) says why; the Diagnostic-Code only that it failed. So does
    // one with no enhanced code at all (RFC 5321 §4.2: a code and its text are the
    // whole reply: "<<< 552 Requested mail action aborted: exceeded storage
    // allocation"), when it is another reply than the Diagnostic-Code's, not the same
    // one cut at a line end ("said: 554 delivery" of a wrapped Postfix entry).
    const quoted = noteOnce().reply;
    const own = quoted === null ? null : ownEnhanced(quoted);
    const bare = quoted !== null && own === null;
    if (quoted !== null && (!onlyClass(own) || bare)) {
      const fromText = readReply(quoted, { status: status.code, action: null, smtp: true });
      if (
        fromText.coded &&
        Math.floor(fromText.reply.code / 100) === Math.floor(read.reply.code / 100) &&
        !(bare && sameReply(fromText.reply.content, read.reply.content))
      ) {
        text = quoted;
        read = fromText;
      }
    }
  }
  if (!read.coded && status.code === null && status.comment !== '' && text !== status.comment) {
    // "Status: 554" or "Status: 550 5.1.1" (a reply written where RFC 3464 §2.3.4 puts
    // the enhanced code) beside a Diagnostic-Code without one: the codes are the Status
    // field's, the words the Diagnostic-Code's.
    const own = readReply(status.comment, { status: null, action: null, smtp: true });
    if (own.coded)
      read = {
        coded: true,
        reply: {
          ...read.reply,
          code: own.reply.code,
          enhancedCode: read.reply.enhancedCode ?? own.reply.enhancedCode,
        },
      };
  }
  const provisional = read.reply;
  const action = normaliseAction(
    block.action,
    status.code?.class ?? null,
    provisional.enhancedCode?.class ?? Math.floor(provisional.code / 100),
  );
  // Without a reply code in the text, the code follows the Action too (reply.ts).
  let reply =
    block.action === null || read.coded
      ? provisional
      : extractReply(text, { status: status.code, action, smtp });
  const staged = reply.command === null ? notes.staged() : [];
  if (staged.length > 0) {
    // Postfix, Exim and Sendmail write the stage only in their notification text
    // ("(in reply to RCPT TO command)"), not in the Diagnostic-Code.
    const command = stageAbout(staged, recipient, alone, reply.code);
    if (command !== null) reply = { ...reply, command };
  }

  const lastAttempt = dateField(block.lastAttemptDate, 'Last-Attempt-Date', problems);
  return {
    kind: 'oob',
    recipient,
    reply,
    report: {
      source,
      action,
      status: statusText(status),
      final_recipient: finalAddr,
      original_recipient: originalAddr,
      remote_mta: dsnMtaName(block.remoteMta, decode),
      reporting_mta: dsnMtaName(pm.reportingMta, decode),
      diagnostic_code: diagnostic,
      last_attempt_date: lastAttempt === null ? null : rfc3339(lastAttempt),
      arrival_date: arrival === null ? null : rfc3339(arrival),
      original_message_id: originalMessageId,
      supplemental_trace: null,
    },
    time: lastAttempt,
    label: null,
  };
}

/**
 * The last source of a DSN recipient's reason: a block that has no reply anywhere
 * and still no text (after `completeDsn` read the notification as its MTA family
 * writes it) takes the notification's own words about that recipient
 * (`reasonAbout`: the reason after, below or before its address).
 */
export function completeFromNotification(findings: OobFinding[], msg: MimeMessage): OobFinding[] {
  if (!findings.some((f) => f.reply.content === '' && isEmailAddress(f.recipient))) return findings;
  const part = findDsnPart(msg);
  if (part === null) return findings;
  const notes = notificationTexts(msg, part).all();
  let lookups = 0;
  return findings.map((f) => {
    if (f.reply.content !== '' || !isEmailAddress(f.recipient)) return f;
    if (lookups++ >= MAX_NOTE_LOOKUPS) return f;
    const paragraph = noteAbout(notes, f.recipient, findings.length === 1).paragraph;
    if (paragraph === null) return f;
    return { ...f, reply: { ...f.reply, content: oneLine(paragraph).slice(0, MAX_CONTENT) } };
  });
}

/**
 * The reply in `text` gives no enhanced code of its own past the class ("554 5.0.0
 * Service unavailable", "550 Requested action not taken"): RFC 3463 §3's X.0.0, or
 * none at all, read without the Status standing in.
 */
function saysOnlyClass(text: string): boolean {
  return onlyClass(ownEnhanced(text));
}

/** `saysOnlyClass` of a reply whose own enhanced code is `own`. */
function onlyClass(own: EnhancedCode | null): boolean {
  return own === null || (own.subject === 0 && own.detail === 0);
}

/** One reply text holds the other (a copy, or a copy cut short), case aside. */
function sameReply(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x.indexOf(y) >= 0 || y.indexOf(x) >= 0;
}

/** The enhanced code of the reply in `text`, without the Status standing in. */
function ownEnhanced(text: string): EnhancedCode | null {
  return readReply(text, { status: null, action: null, smtp: true }).reply.enhancedCode;
}
