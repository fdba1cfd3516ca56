// Header-only sniff at end of DATA: is this a report, a bounce or an auto-reply at
// all? The edge uses it to refuse ordinary mail sent to a bounce domain (550 5.7.1)
// without paying for a full parse. It errs on the side of "yes": the full parse
// decides what gets logged, and a false "yes" only costs a parse.
//
// Pure string work over the header block only (the body is never read), bounded
// to MAX_HEADER_BYTES, no regular expressions.
import { CHALLENGE_SERVICE_DOMAINS, CHALLENGE_SUBJECT_PHRASES } from './challenge';
import { decodeEncodedWords } from './codec';
import { autoSubmittedKeyword } from './header';

export type SniffKind = 'arf' | 'report' | 'bounce' | 'autoreply' | 'none';

export interface Sniff {
  kind: SniffKind;
  /** Number of Received headers, for the mail-loop check (RFC 5321 §6.3). */
  receivedCount: number;
  /** Message-ID without angle brackets, for logs. */
  messageId: string | null;
}

/** Header blocks longer than this are not read further; real ones are a few KB. */
const MAX_HEADER_BYTES = 256 * 1024;

/** Local parts of the addresses bounces and reports come from. */
const DAEMON_LOCAL_PARTS = [
  'mailer-daemon',
  'postmaster',
  'mail-daemon',
  'maildaemon',
  'mail.delivery.system',
  'mail-delivery-system',
  'mail-delivery-subsystem',
  'mdaemon',
  'bounce',
  'bounces',
  'nobody',
  'double-bounce',
  'microsoftexchange',
];

/** Subject fragments of non-RFC bounces (lower case), in the phrasing of common MTAs. */
const BOUNCE_SUBJECTS = [
  'undeliver',
  'undelivered',
  'delivery status notification',
  'delivery failure',
  'delivery failed',
  'delivery has failed',
  'delivery problem',
  'delivery notification',
  'returned mail',
  'returned to sender',
  'failure notice',
  'mail delivery',
  'could not be delivered',
  'not delivered',
  'nondeliverable',
  'non-deliverable',
  'non remis',
  'non recapitabile',
  'unzustellbar',
  'nicht zugestellt',
  'no se pudo entregar',
  // The same in other languages' "not delivered" subjects (ASCII-only forms, as an
  // undecoded header may hold them): French, Spanish, Italian, Dutch.
  'non delivre',
  'no entregado',
  'mancato recapito',
  'non recapitato',
  'onbestelbaar',
  'niet afgeleverd',
  'message not delivered',
  'mail system error',
  'rejected:',
  'warning: could not send',
  'delayed mail',
  'delivery delayed',
  'message delayed',
  'error sending message',
  'permanent error',
  'bounce',
  // Mailing-list managers (fml) returning a message as undeliverable to the list.
  'loop alert',
];

/** Subject fragments of complaint reports that are not multipart/report (Hotmail's older FBL). */
const COMPLAINT_SUBJECTS = ['complaint about message', 'abuse report'];

/**
 * Senders of provider notifications that are bounces or complaints in JSON rather
 * than in an RFC format (Amazon SES via SNS e-mail subscriptions).
 */
const NOTIFICATION_SENDERS = ['no-reply@sns.amazonaws.com'];

/** Subject fragments of auto-replies (lower case). */
const AUTOREPLY_SUBJECTS = [
  'out of office',
  'out of the office',
  'out-of-office',
  'auto reply',
  'auto-reply',
  'autoreply',
  'automatic reply',
  'auto response',
  'autoresponse',
  'auto-response',
  'vacation',
  'away from',
  'abwesenheit',
  'automatische antwort',
  'absence',
  'réponse automatique',
  'reponse automatique',
  'risposta automatica',
  'respuesta automática',
  'respuesta automatica',
  'fuera de la oficina',
  '自動応答',
  '不在',
  // Japanese webmails' "自動返信" (automatic reply), often as "【自動返信】"; Chinese
  // Outlook's "自动回复" / "自動回覆" (the same words autoreply.ts reads in full).
  '自動返信',
  '自动回复',
  '自動回覆',
];

interface HeaderField {
  name: string;
  value: string;
}

/**
 * Offset just past the line end before the first empty line (LF, CRLF or CR ends), or
 * the length. Searches bytes, not strings: Buffer.indexOf with a string needle encodes
 * it on every call, which cost more than the rest of the sniff.
 */
function headerEnd(bytes: Buffer): number {
  let end = bytes.length;
  // LF LF or LF CR LF: the first blank line of LF or CRLF text.
  for (let lf = bytes.indexOf(0x0a); lf >= 0 && lf + 1 < end; lf = bytes.indexOf(0x0a, lf + 1)) {
    const next = bytes[lf + 1];
    if (next === 0x0a || (next === 0x0d && bytes[lf + 2] === 0x0a)) {
      end = lf + 1;
      break;
    }
  }
  // CR CR before that: the blank line of CR-only text (classic Mac).
  for (let cr = bytes.indexOf(0x0d); cr >= 0 && cr + 1 < end; cr = bytes.indexOf(0x0d, cr + 1)) {
    if (bytes[cr + 1] === 0x0d) {
      end = cr + 1;
      break;
    }
  }
  return end;
}

/**
 * The fields `sniffMessage` reads; the others are skipped without being copied. Keep
 * in step with the cases of its switch: a name missing here is never seen there.
 */
const SNIFFED_FIELDS: ReadonlySet<string> = new Set([
  'received',
  'message-id',
  'content-type',
  'subject',
  'from',
  'auto-submitted',
  'x-autoreply',
  'x-autorespond',
  'x-autoresponder',
  'x-mail-autoreply',
  'x-vacation',
  'x-autogenerated',
  'x-failed-recipients',
  'precedence',
  'x-loop',
  'x-ms-exchange-inbox-rules-loop',
  'in-reply-to',
]);

/**
 * Subjects longer than this are not decoded for the sniff: responders' subjects are the
 * original's plus a prefix, and the prefix is what is looked for.
 */
const MAX_DECODED_SUBJECT = 2000;

/**
 * The header block, unfolded, lower-case names; stops at the first empty line. With
 * `wanted`, only fields of those names are returned (and copied out of the block):
 * this runs on the SMTP event loop for every message.
 */
export function readHeaderFields(raw: Uint8Array, wanted?: ReadonlySet<string>): HeaderField[] {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.length, MAX_HEADER_BYTES));
  // Decode only the header block, not the first 256 KB of every message.
  const text = bytes.toString('latin1', 0, headerEnd(bytes));
  const fields: HeaderField[] = [];
  let start = 0;
  let current: HeaderField | null = null;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineStart = start;
    let lineEnd = end;
    start = end + 1;
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 0x0d) lineEnd--;
    if (lineEnd === lineStart) break;
    const first = text.charCodeAt(lineStart);
    if (first === 0x20 || first === 0x09) {
      // Folded continuation (RFC 5322 §2.2.3).
      if (current) current.value += ` ${text.slice(lineStart, lineEnd).trim()}`;
      continue;
    }
    const colon = text.indexOf(':', lineStart);
    if (colon <= lineStart || colon >= lineEnd) {
      current = null;
      continue;
    }
    const name = text.slice(lineStart, colon).trim().toLowerCase();
    if (wanted && !wanted.has(name)) {
      current = null;
      continue;
    }
    current = { name, value: text.slice(colon + 1, lineEnd).trim() };
    fields.push(current);
  }
  return fields;
}

function includesAny(haystack: string, needles: ReadonlyArray<string>): boolean {
  for (const needle of needles) if (haystack.includes(needle)) return true;
  return false;
}

/** The local part of the first address in a From value, lower case. */
function fromLocalPart(value: string): string {
  const lt = value.lastIndexOf('<');
  let addr = value;
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    addr = value.slice(lt + 1, gt < 0 ? undefined : gt);
  }
  const at = addr.lastIndexOf('@');
  return (at >= 0 ? addr.slice(0, at) : addr).trim().toLowerCase();
}

/** The From value names a challenge-response service's domain. */
function challengeService(from: string): boolean {
  const lower = from.toLowerCase();
  for (const domain of CHALLENGE_SERVICE_DOMAINS) {
    const at = lower.indexOf(domain);
    if (at > 0 && (lower[at - 1] === '@' || lower[at - 1] === '.')) return true;
  }
  return false;
}

/** Value of a Content-Type parameter (case-insensitive name, optional quotes). */
function contentTypeParam(value: string, name: string): string | null {
  const lower = value.toLowerCase();
  let from = 0;
  for (;;) {
    const at = lower.indexOf(name, from);
    if (at < 0) return null;
    from = at + name.length;
    const before = at === 0 ? ';' : lower[at - 1];
    if (before !== ';' && before !== ' ' && before !== '\t') continue;
    let i = from;
    while (lower[i] === ' ') i++;
    if (lower[i] !== '=') continue;
    i++;
    while (lower[i] === ' ') i++;
    if (lower[i] === '"') {
      const end = lower.indexOf('"', i + 1);
      return lower.slice(i + 1, end < 0 ? undefined : end);
    }
    let end = i;
    while (end < lower.length && lower[end] !== ';' && lower[end] !== ' ') end++;
    return lower.slice(i, end);
  }
}

/**
 * Classifies a message by its headers. `mailFrom` is the envelope sender (`''` for
 * the null reverse-path).
 */
export function sniffMessage(raw: Uint8Array, mailFrom: string): Sniff {
  let receivedCount = 0;
  let messageId: string | null = null;
  let contentType = '';
  let subject = '';
  let from = '';
  let autoSubmitted = '';
  let autoReplyHeader = false;
  let failedRecipients = false;
  let precedence = '';
  let xLoop = false;
  let rulesLoop = false;
  let inReplyTo = false;
  for (const field of readHeaderFields(raw, SNIFFED_FIELDS)) {
    switch (field.name) {
      case 'received':
        receivedCount++;
        break;
      case 'message-id':
        messageId ??= field.value.replace('<', '').replace('>', '').trim() || null;
        break;
      case 'content-type':
        contentType ||= field.value.toLowerCase();
        break;
      case 'subject':
        // Responders write localised subjects in encoded words (RFC 2047): "自動応答:",
        // "Réponse automatique", "Respuesta automática" are only seen decoded.
        subject ||= (
          field.value.includes('=?')
            ? decodeEncodedWords(field.value.slice(0, MAX_DECODED_SUBJECT))
            : field.value
        ).toLowerCase();
        break;
      case 'from':
        from ||= field.value;
        break;
      case 'auto-submitted':
        autoSubmitted ||= autoSubmittedKeyword(field.value);
        break;
      case 'x-autoreply':
      case 'x-autorespond':
      case 'x-autoresponder':
      case 'x-mail-autoreply':
      case 'x-vacation':
      case 'x-autogenerated':
        autoReplyHeader = true;
        break;
      case 'x-failed-recipients':
        failedRecipients = true;
        break;
      case 'precedence':
        precedence ||= field.value.toLowerCase();
        break;
      case 'x-loop':
        xLoop = true;
        break;
      case 'x-ms-exchange-inbox-rules-loop':
        rulesLoop = true;
        break;
      case 'in-reply-to':
        inReplyTo = true;
        break;
    }
  }
  return { kind: decide(), receivedCount, messageId };

  function decide(): SniffKind {
    const mediaType = contentType.split(';', 1)[0]?.trim() ?? '';
    // RFC 6522: the report-type parameter names the report (RFC 5965 §3 for ARF).
    if (mediaType === 'multipart/report') {
      return contentTypeParam(contentType, 'report-type') === 'feedback-report' ? 'arf' : 'report';
    }
    if (mediaType === 'message/feedback-report') return 'arf';
    if (mediaType === 'message/delivery-status' || mediaType === 'message/global-delivery-status') {
      return 'report';
    }
    // RFC 3834 §5: Auto-Submitted: auto-replied marks a response to a message.
    if (autoSubmitted === 'auto-replied' || autoReplyHeader || precedence === 'auto_reply') {
      return 'autoreply';
    }
    // What an Exchange mailbox rule generated (its reply template, autoreply.ts), and
    // procmail's formail-built replies (X-Loop, Precedence: junk, In-Reply-To;
    // procmailex(5)): the full parse tells them from a rule's forward or a list post.
    if (rulesLoop) return 'autoreply';
    if (xLoop && inReplyTo && (precedence === 'junk' || precedence === 'bulk')) return 'autoreply';
    if (failedRecipients) return 'bounce';
    if (includesAny(subject, COMPLAINT_SUBJECTS)) return 'arf';
    if (includesAny(subject, AUTOREPLY_SUBJECTS)) return 'autoreply';
    // Challenge-response probes (challenge.ts): automatic answers that hold the message.
    if (includesAny(subject, CHALLENGE_SUBJECT_PHRASES) || challengeService(from))
      return 'autoreply';
    if (NOTIFICATION_SENDERS.some((sender) => from.toLowerCase().includes(sender))) return 'bounce';
    const daemon = DAEMON_LOCAL_PARTS.includes(fromLocalPart(from));
    if (daemon || includesAny(subject, BOUNCE_SUBJECTS)) return 'bounce';
    // RFC 5321 §4.5.5 and RFC 3834 §3.1.5: notifications and auto-replies use the
    // null reverse-path, so a null sender is itself evidence.
    if (mailFrom === '' || autoSubmitted === 'auto-generated') return 'bounce';
    return 'none';
  }
}
