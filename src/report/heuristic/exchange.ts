// Microsoft Exchange's non-delivery reports when they come without a usable
// delivery-status part, and the IIS SMTP service's.
// * Exchange 5.5 – 2003 (the Internet Mail Service / IMC, Outlook's NDR): "Your
//   message did not reach some or all of the intended recipients.", "The following
//   recipient(s) cannot be reached:" (or "could not be reached:", "did not reach the
//   following recipient(s):"), then "a@b on <date>" per recipient, indented reasons,
//   the "MSEXCH:IMS:...(000C05A6) Unknown Recipient" line, and for a remote refusal
//   "<host #5.1.1 smtp;550 5.1.1 User unknown>".
// * Exchange 2007 and later, Office 365 / Exchange Online, in the sender's
//   language: a human paragraph per recipient, then under "Diagnostic information
//   for administrators:" each address on its own line followed by the reply,
//   "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##" or "Remote Server
//   returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; ...'". Office 365's HTML
//   notice since 2016: "Your message to a@b couldn't be delivered.", then under
//   "Error Details" the "Reported error: 550 5.1.10 ..." line and "Recipient
//   Address: a@b" among the original message's details. Exchange marks all of them
//   with an X-MS-Exchange-Message-Is-Ndr header field.
// * Windows' IIS SMTP service: "Unable to deliver message to the following
//   recipients, <reason>." / "Delivery to the following recipients failed." and the
//   addresses indented.
import {
  extractAddress,
  extractAddressList,
  isEmailAddress,
  localPartOf,
  splitAddressList,
} from '../address';
import {
  EVIDENCE,
  MAX_RECIPIENTS,
  addressIn,
  collectBlocks,
  findLine,
  findLineContaining,
  hashStatus,
  leadingAddress,
  lowerAscii,
  saysDelayedWord,
  startsWithI,
  textAfter,
  toFindings,
  type Bounce,
  type Failure,
  type Family,
  type Named,
  TRANSLATED_BOUNCE_SUBJECTS,
} from './common';
import { decodeEncodedWords } from '../codec';
import { cleanMessageId, messageIdOf } from '../dsn';
import { hasReplyCode } from '../reply';
import type { OobFinding } from '../types';
import { enhancedCodeAt } from '../../values';

/** Fixed text of Exchange's NDRs (lower case), English unless marked. */
export const EXCHANGE = {
  /** Exchange 2007+: the administrators' section. */
  diagnostic: 'diagnostic information for administrators',
  /**
   * The same heading in the languages Exchange ships its NDR templates in (German,
   * French, Spanish, Italian, Dutch, Portuguese, Russian): with `generating`, what
   * every Exchange 2007+ NDR carries, so a translated NDR whose reply is Exchange's own
   * ("#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##", no "Remote Server
   * returned") is still read as Exchange's.
   */
  diagnosticTranslated: [
    'diagnoseinformationen für administratoren',
    'informations de diagnostic pour les administrateurs',
    'información de diagnóstico para administradores',
    'informazioni di diagnostica per gli amministratori',
    'diagnostische gegevens voor beheerders',
    'diagnostische informatie voor beheerders',
    'informações de diagnóstico para administradores',
    'диагностические сведения для администраторов',
  ],
  /** Exchange 2007+: the server that wrote the NDR, in the languages Exchange ships. */
  generating: [
    'generating server:',
    'serveur de génération',
    'server di generazione',
    'generierender server',
    'servidor de generación',
    'servidor de geração',
    'genererende server',
    'создающий сервер',
    '生成サーバー',
  ],
  /** Exchange 2007+, human part: "... recipients or groups:" (2010+), "... or distribution lists:" (2007). */
  failedTo: 'delivery has failed to these recipients',
  /**
   * The same line in Exchange's translated templates (German, French, Spanish,
   * Italian, Dutch, Portuguese, Russian): the paragraphs under it name the recipients
   * and say why in the NDR's language, which is the reason when the administrators'
   * section gives no reply for a recipient.
   */
  failedToTranslated: [
    'die zustellung an folgende empfänger oder gruppen ist fehlgeschlagen',
    'échec de la remise à ces destinataires ou groupes',
    'error al entregar a estos destinatarios o grupos',
    'recapito non riuscito per questi destinatari o gruppi',
    'bezorging is mislukt voor deze ontvangers of groepen',
    'falha na entrega para estes destinatários ou grupos',
    'не удалось доставить сообщение следующим получателям или группам',
  ],
  /** Exchange 2010+: the delay notice, "Delivery is delayed to these recipients or groups:". */
  delayedTo: 'delivery is delayed to these recipients',
  /** Exchange 2010+: a remote server's reply in quotes. */
  remoteReturned: "returned '",
  /** Office 365 since 2016. */
  reportedError: 'reported error:',
  /**
   * Office 365's plain-text notice: the administrators' section and the code under it
   * ("More Info for Email Admins" / "Status code: 550 5.1.10"), which is all a notice
   * without "Error Details" gives (reported in
   * https://github.com/bwya77/O365-Admin-Center/issues/12).
   */
  adminInfo: 'more info for email admins',
  statusCode: 'status code:',
  recipientAddress: 'recipient address:',
  /** Exchange 2003 and Outlook. */
  notReached: [
    'did not reach the following recipient',
    'recipient(s) could not be reached',
    'recipient(s) cannot be reached',
    'did not reach some or all of the intended recipients',
    // The German and French Exchange 2000/2003 servers and Outlook clients: "Ihre
    // Nachricht hat einige oder alle Empfänger nicht erreicht." / "Folgende(r)
    // Empfänger konnte(n) nicht erreicht werden:"; "Votre message n'est pas parvenu à
    // certains ou à l'ensemble de ses destinataires." / "Le(s) destinataire(s)
    // suivant(s) n'a (n'ont) pas pu être joint(s) :".
    'hat einige oder alle empfänger nicht erreicht',
    'empfänger konnte(n) nicht erreicht werden',
    "n'est pas parvenu à certains ou à l'ensemble de ses destinataires",
    "n'a (n'ont) pas pu être joint(s)",
  ],
  /** The word before a recipient line's date: " on " (English), " am " (German), " le " (French). */
  dateWords: [' on ', ' am ', ' le '],
  /** Exchange 2003: a recipient's address beside its display name, "Name (SMTP=a@b)". */
  smtpAddress: 'smtp=',
  /** Exchange 2003: the status Exchange assigned and the remote reply, "<host #5.0.0 smtp;...>". */
  smtpReply: 'smtp;',
  msexch: 'msexch:',
} as const;

/** The header field Exchange (2007 and later, Office 365) adds to every NDR. */
const NDR_FIELD = 'x-ms-exchange-message-is-ndr';

/**
 * The local part of the system mailbox Exchange 2010 and later (and Exchange Online) send
 * their NDRs from, the same in every organisation ("Microsoft Outlook
 * <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.com>"): a notice whose
 * X-MS-Exchange-* fields a gateway dropped is still known as Exchange's by it.
 */
const EXCHANGE_NDR_SENDER = 'microsoftexchange329e71ec88ae4615bbc36ab6ce41109e';

/** True when `from` (a From field, any case) is Exchange's NDR mailbox (EXCHANGE_NDR_SENDER). */
export function fromExchangeNdrMailbox(from: string | null): boolean {
  return localPartOf(from) === EXCHANGE_NDR_SENDER;
}

/** The notice is Exchange's own: its NDR field, or its NDR mailbox as the sender. */
function exchangeNdr(b: Bounce): boolean {
  return b.has(NDR_FIELD) || fromExchangeNdrMailbox(b.header('from'));
}

/** Lines where the returned message's headers start, in Exchange's languages. */
const END_MARKERS = [
  'original message headers',
  "en-têtes de message d'origine",
  'intestazioni originali del messaggio',
  'ursprüngliche nachrichtenkopfzeilen',
  'cabeceras del mensaje original',
  'encabezados de mensaje originales',
  'oorspronkelijke berichtkoppen',
  'cabeçalhos da mensagem original',
  'исходные заголовки сообщения',
  '元のメッセージ ヘッダー',
  'message hops',
  'content-type: message/rfc822',
];

/** A line that is only a recipient: "a@b", "a@b<mailto:a@b>", "Name (a@b)", "Name <a@b>". */
function recipientLine(line: string): string | null {
  const t = line.trim();
  if (t === '' || t.indexOf('@') < 0 || t.length > 320) return null;
  const a = addressIn(t);
  if (a === null) return null;
  // "a@example.org." alone: an absolute domain's root dot (RFC 1034 §3.1), no sentence.
  if (t.length === a.length + 1 && t.endsWith('.') && t.startsWith(a)) return a;
  // Everything but the address and a display name (quoted, it may hold any
  // punctuation: '"Carl, Jr." <a@b>'): no sentence around it.
  // ("<a@example.org.>": the root dot inside the brackets is the address's too.)
  let rest = t.replaceAll(`<${a}.>`, '').replaceAll(a, '').replaceAll('<mailto:>', '');
  const open = rest.indexOf('"');
  const close = open < 0 ? -1 : rest.indexOf('"', open + 1);
  if (close > open) rest = rest.slice(0, open) + rest.slice(close + 1);
  if (rest.indexOf(':') >= 0 || rest.indexOf('.') >= 0 || rest.split(' ').length > 5) return null;
  return a;
}

/** The reply in an Exchange 2007+ diagnostic line, or null when the line holds none. */
function diagnosticReply(line: string): string | null {
  let t = line.trim();
  // "Remote Server returned '550 5.1.10 ...'", "... Remote Server at x (ip) returned '550 4.4.7 ...'"
  const quoted = textAfter(t, EXCHANGE.remoteReturned);
  if (quoted !== null) {
    const close = quoted.lastIndexOf("'");
    t = close > 0 ? quoted.slice(0, close) : quoted;
    // "Remote Server returned '<mx #5.0.0 smtp; 550 5.1.1 User unknown>'": the reply inside.
    const inner = t.startsWith('<') ? textAfter(t, EXCHANGE.smtpReply) : null;
    if (inner === null) return t;
    return withAssignedStatus(t, inner);
  }
  // The same line in a translated template ("Le serveur distant a retourné '550 5.1.1
  // ...'", "Удаленный сервер вернул '...'"): the quoted reply is what is read, whatever
  // the words before it, when it opens with a reply code and an enhanced code.
  const quotedReply = quotedCodeReply(t);
  if (quotedReply !== null) return quotedReply;
  // Exchange 2010 for a remote refusal: "mx.example.net #<mx.example.net #5.0.0 smtp;
  // 550 ...> #SMTP#" (the status Exchange assigned, then the remote reply).
  const inner = textAfter(t, EXCHANGE.smtpReply);
  if (inner !== null && t.indexOf('#<') >= 0) return withAssignedStatus(t, inner);
  // Exchange 2010+ names the remote server before the reply it relays: "mx.example.net
  // #550 5.1.1 <a@b>... User unknown ##" (its own refusals start at the "#").
  // (A host name has a dot: "#554 ##" is a reply of a code alone, no host before it.)
  const space = t.indexOf(' #');
  const dot = t.indexOf('.');
  if (space > 0 && t.lastIndexOf(' ', space - 1) < 0 && dot >= 0 && dot < space)
    t = t.slice(space + 1);
  const opened = t.startsWith('#');
  if (opened) t = t.slice(1);
  const closed = t.endsWith('##');
  if (closed) t = t.slice(0, -2).trimEnd();
  const c = t.charCodeAt(0);
  // Exchange's own replies always carry an enhanced code; a remote server's that it
  // relays may not ("mx.example.net #552 Requested mail action aborted ... ##"): between
  // Exchange's "#" and "##" marks, a reply code is enough. A relayed multi-line reply
  // comes joined: "#550-5.1.1 first line 550 5.1.1 last line ##" (RFC 5321 §4.2.1),
  // and one of a code alone as "#554 ##" (RFC 5321 §4.2: the text is optional).
  const after = t.charCodeAt(3);
  if (
    (c === 0x34 || c === 0x35) &&
    (after === 0x20 || after === 0x2d) &&
    (enhancedCodeAt(t, 4) !== null || (opened && closed && codeDigits(t)))
  )
    return t;
  if ((c === 0x34 || c === 0x35) && t.length === 3 && opened && closed && codeDigits(t)) return t;
  return null;
}

/** Most lines of one recipient's entry read after its first reply. */
const MAX_ENTRY_REPLIES = 4;

/**
 * The last reply of a recipient's entry in the administrators' section after its first
 * one (the lines from `from` up to a blank line, another recipient or `end`), with its
 * line, or null. Exchange 2013+ states an expired message's outcome first ("Remote
 * Server at mx (ip) returned '550 4.4.7 QUEUE.Expired; message expired'") and then the
 * reply of its last attempt, stamped with its time ("12/1/2026 3:58:12 AM - Remote
 * Server at mx (ip) returned '451 4.4.0 ...'"): that later reply is the server's, the
 * first Exchange's summary of it, as in its one-line form "550 4.4.7 QUEUE.Expired
 * [Message=451 4.4.0 ...]" (DESIGN.md §5: in a transcript the last 4xx/5xx reply wins,
 * a reply quoted inside another yields the innermost).
 */
function laterReply(
  lines: readonly string[],
  from: number,
  end: number,
): { reply: string; at: number } | null {
  let found: { reply: string; at: number } | null = null;
  for (let k = from; k < Math.min(end, from + MAX_ENTRY_REPLIES); k++) {
    const line = lines[k] as string;
    if (line.trim() === '' || recipientLine(line) !== null) break;
    const reply = diagnosticReply(line);
    if (reply !== null) found = { reply, at: k };
  }
  return found;
}

/**
 * The remote reply inside Exchange's "<mx #5.7.1 smtp;550 ...>" (`inner`: what follows
 * "smtp;"), with the status Exchange assigned before it kept in front as "#5.7.1 " when
 * there is one: `toFindings` reads it as the reporting MTA's status, which stands in for
 * an enhanced code the reply lacks ("#< #5.7.1 smtp;550 Rejected> #SMTP#" is 550 5.7.1)
 * and yields to one it has ("#5.0.0 smtp;554 5.7.1 ..." is 554 5.7.1), as a DSN's
 * Status does (RFC 3464 §2.3.4, §2.3.6).
 */
function withAssignedStatus(line: string, inner: string): string {
  const close = inner.lastIndexOf('>');
  const reply = (close > 0 ? inner.slice(0, close) : inner).trim();
  const head = line.slice(0, line.length - inner.length);
  const hash = head.lastIndexOf('#');
  const e = hash < 0 ? null : enhancedCodeAt(head, hash + 1);
  if (e === null || head.slice(e.end).trim().toLowerCase() !== EXCHANGE.smtpReply) return reply;
  return `#${head.slice(hash + 1, e.end)} ${reply}`;
}

/**
 * The text between a quote that opens a reply ("'550 5.1.1 ...") and the line's last
 * quote, or null when the line quotes no reply with an enhanced code.
 */
function quotedCodeReply(line: string): string | null {
  for (let q = line.indexOf("'"); q >= 0; q = line.indexOf("'", q + 1)) {
    if (!opensReply(line, q + 1)) continue;
    const close = line.lastIndexOf("'");
    return line.slice(q + 1, close > q ? close : line.length).trim();
  }
  return null;
}

/**
 * The text opens at `at` with a reply code, then a space, a hyphen or a closing quote
 * ("550 5.1.1 ...", "552 Requested action aborted ...", "554'": RFC 5321 §4.2 needs
 * only the three digits).
 */
function opensReply(t: string, at: number): boolean {
  const c = t.charCodeAt(at);
  const after = t.charCodeAt(at + 3);
  return (
    (c === 0x34 || c === 0x35) &&
    codeDigits(t, at) &&
    (after === 0x20 || after === 0x2d || after === 0x27)
  );
}

/** The text starts (at `at`) with a three-digit reply code. */
function codeDigits(t: string, at = 0): boolean {
  for (let i = at; i < at + 3; i++) {
    const d = t.charCodeAt(i);
    if (d < 0x30 || d > 0x39) return false;
  }
  return true;
}

/**
 * The Subject (decoded: a Subject in another script comes as RFC 2047 encoded words) or
 * the notice's text above `end` (its human part) says "delayed".
 */
function saysDelayed(decodedSubject: string, lines: readonly string[], end: number): boolean {
  if (saysDelayedWord(decodedSubject)) return true;
  for (let i = 0; i < end && i < 60; i++) if (saysDelayedWord(lines[i] as string)) return true;
  return false;
}

/** The reply opens with a transient reply code, 4xx (RFC 5321 §4.2.1). */
function transientReply(diagnosis: string): boolean {
  const t = diagnosis.trimStart();
  return (
    t.charCodeAt(0) === 0x34 && codeDigits(t) && (t.length === 3 || ' -'.includes(t.charAt(3)))
  );
}

export const exchange2007: Family = {
  name: 'exchange2007',
  detect(b) {
    if (exchangeNdr(b)) return EVIDENCE.sender;
    if (
      b.saw(EXCHANGE.diagnostic) ||
      b.sawAny(EXCHANGE.diagnosticTranslated) ||
      b.sawAny(EXCHANGE.generating) ||
      b.saw(EXCHANGE.failedTo) ||
      b.saw(EXCHANGE.delayedTo) ||
      b.saw(EXCHANGE.reportedError) ||
      b.saw(EXCHANGE.adminInfo) ||
      b.saw("your message couldn't be delivered") ||
      b.saw('remote server returned')
    )
      return EVIDENCE.marker;
    return EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    let end = findLine(lines, END_MARKERS);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    let reportingMta: string | null = null;
    const gen = findLineContaining(lines, EXCHANGE.generating, 0, end);
    if (gen >= 0) {
      const l = lines[gen] as string;
      const host = l.slice(l.indexOf(':') + 1).trim();
      if (host !== '' && host.indexOf(' ') < 0) reportingMta = host;
    }
    // The administrators' section: an address line, then its reply within a few lines.
    const replies = new Map<string, Failure>();
    const order: string[] = [];
    for (let i = 0; i < end && replies.size < MAX_RECIPIENTS; i++) {
      const a = recipientLine(lines[i] as string);
      if (a === null) continue;
      for (let j = i + 1; j < Math.min(end, i + 4); j++) {
        let reply = diagnosticReply(lines[j] as string);
        if (reply === null) continue;
        const attempt = laterReply(lines, j + 1, end);
        if (attempt !== null) {
          reply = attempt.reply;
          j = attempt.at;
        }
        const key = a.toLowerCase();
        if (!replies.has(key)) order.push(key);
        replies.set(key, { recipient: a, diagnosis: reply });
        i = j;
        break;
      }
    }
    // Office 365's notice: "Reported error:" for the recipients of "Recipient Address:"
    // (else of the title "Your message to a@b couldn't be delivered.").
    const reportedAt = findLineContaining(lines, [EXCHANGE.reportedError], 0, end);
    const adminAt = findLineContaining(lines, [EXCHANGE.adminInfo], 0, end);
    const statusAt =
      reportedAt < 0 && adminAt >= 0
        ? findLineContaining(lines, [EXCHANGE.statusCode], adminAt + 1, Math.min(end, adminAt + 4))
        : -1;
    if (replies.size === 0 && (reportedAt >= 0 || statusAt >= 0)) {
      const reply =
        reportedAt >= 0
          ? valueAt(lines, reportedAt, EXCHANGE.reportedError)
          : statusWithReason(lines, valueAt(lines, statusAt, EXCHANGE.statusCode));
      const recipients: string[] = [];
      for (let i = 0; i < end && recipients.length < MAX_RECIPIENTS; i++) {
        if (!startsWithI((lines[i] as string).trim(), EXCHANGE.recipientAddress)) continue;
        const value = valueAt(lines, i, EXCHANGE.recipientAddress);
        for (const a of extractAddressList(value.replaceAll(';', ',')))
          if (isEmailAddress(a)) recipients.push(a);
      }
      if (recipients.length === 0) {
        const title = findLineContaining(lines, [
          "couldn't be delivered",
          'could not be delivered',
        ]);
        const a = title >= 0 ? addressIn(lines[title] as string) : null;
        if (a !== null) recipients.push(a);
      }
      return toFindings(
        b,
        'exchange2007',
        recipients.map((recipient) => ({ recipient, diagnosis: reply })),
        { reportingMta, returnedAt, permanent: true },
      );
    }
    // The recipients and the paragraph under each, before the administrators' section.
    const start = findLineContaining(lines, [
      EXCHANGE.failedTo,
      ...EXCHANGE.failedToTranslated,
      EXCHANGE.delayedTo,
      "your message couldn't be delivered",
      'rejected your message to the following',
    ]);
    const delay = start >= 0 && lowerAscii(lines[start] as string).indexOf(EXCHANGE.delayedTo) >= 0;
    const diagnosticAt = findLineContaining(
      lines,
      [EXCHANGE.diagnostic, ...EXCHANGE.diagnosticTranslated],
      0,
      end,
    );
    // The delay notice's administrators' section gives the remote reply once, on no
    // address's line ("Remote Server at mx (192.0.2.1) returned '400 4.4.7 ...'").
    let unattached: string | null = null;
    for (let i = diagnosticAt < 0 ? end : diagnosticAt + 1; i < end && unattached === null; i++)
      unattached = diagnosticReply(lines[i] as string);
    const paragraphs =
      start < 0
        ? []
        : collectBlocks(lines, start + 1, diagnosticAt > start ? diagnosticAt : end, {
            start(line) {
              const a = recipientLine(line);
              return a === null ? null : { address: a, rest: '', reason: '' };
            },
            continuation: 'section',
          }).blocks;
    const failures: Failure[] = [];
    const listed = new Set<string>();
    for (const block of paragraphs) {
      const key = block.recipient.toLowerCase();
      listed.add(key);
      let reply = replies.get(key);
      // A reply of a code alone ("#554 ##"): the paragraph says what it means, in
      // Exchange's words ("The e-mail address you entered couldn't be found").
      if (reply !== undefined && reply.diagnosis.length === 3)
        reply = { ...reply, diagnosis: `${reply.diagnosis} ${block.lines.slice(0, 6).join(' ')}` };
      failures.push({
        ...(reply ?? {
          recipient: block.recipient,
          diagnosis: unattached ?? block.lines.slice(0, 6).join(' '),
        }),
        action: delay ? 'delayed' : null,
      });
    }
    // Recipients only the administrators' section names.
    for (const key of order) if (!listed.has(key)) failures.push(replies.get(key) as Failure);
    if (failures.length === 0 && exchangeNdr(b))
      return labelledNdr(b, lines, Math.min(end, pastedHeadersAt(lines)), reportingMta, returnedAt);
    // Exchange 2010+ and Office 365 write the delay notice in the sender's language too
    // ("Delivery is delayed to these recipients or groups:", Subject "Delayed: ...", in
    // the templates they ship), which we cannot list in full. A notice with no headline
    // we know that says "delayed" in its Subject or its text, and whose every reply
    // opens with a 4xx code (RFC 5321 §4.2.1: transient), is that delay notice; a
    // failure headline, one 5xx or a reply without a code keeps it a failure (an
    // expired message is "550 4.4.7 QUEUE.Expired", RFC 3463's 4.4.7 under a permanent
    // reply), and so does a translated failure notice quoting a 4xx reply.
    const delayed =
      delay ||
      (start < 0 &&
        failures.length > 0 &&
        failures.every((f) => transientReply(f.diagnosis)) &&
        saysDelayed(
          decodeEncodedWords(b.header('subject')),
          lines,
          diagnosticAt < 0 ? end : diagnosticAt,
        ));
    return toFindings(
      b,
      'exchange2007',
      delayed ? failures.map((f) => ({ ...f, action: 'delayed' as const })) : failures,
      { reportingMta, returnedAt, permanent: !delayed },
    );
  },
};

/** Header fields that open a returned message's headers pasted into the notice's text. */
const PASTED_HEADERS = ['received:', 'return-path:', 'arc-seal:', 'dkim-signature:'];

/** The line where the returned message's headers start in the text, or the line count. */
function pastedHeadersAt(lines: readonly string[]): number {
  const at = findLine(lines, PASTED_HEADERS);
  return at < 0 ? lines.length : at;
}

/** One "label: value" line of a notice: ASCII or full-width colon, a short label. */
interface Labelled {
  line: number;
  value: string;
}

/**
 * The "label: value" lines before `end`. The label is a few words with no address,
 * reply or time in it (it may end with a space before the colon, as French writes
 * it); a label alone on its line takes the next non-empty line as its value (an
 * HTML table's next row).
 */
function labelledValues(lines: readonly string[], end: number): Labelled[] {
  const out: Labelled[] = [];
  for (let i = 0; i < end && out.length < 400; i++) {
    const t = (lines[i] as string).trim();
    const ascii = t.indexOf(':');
    const wide = t.indexOf('\uff1a');
    const sep = ascii < 0 ? wide : wide < 0 ? ascii : Math.min(ascii, wide);
    if (sep <= 0 || sep > 60) continue;
    const label = t.slice(0, sep);
    const c = label.charCodeAt(0);
    if (
      (c >= 0x30 && c <= 0x39) ||
      label.indexOf('@') >= 0 ||
      label.indexOf('<') >= 0 ||
      label.indexOf('/') >= 0
    )
      continue;
    let value = t.slice(sep + 1).trim();
    if (value === '') {
      const next = i + 1 < end ? (lines[i + 1] as string).trim() : '';
      value = next !== '' ? next : i + 2 < end ? (lines[i + 2] as string).trim() : '';
    }
    if (value !== '') out.push({ line: i, value });
  }
  return out;
}

/**
 * The addresses of a value that is an address list and nothing else ("a@b; c@d",
 * "Name <a@b>", Exchange's "a@b<mailto:a@b>"): each part one address, with at most a
 * display name before its brackets; a part that is a sentence makes it no list.
 */
function addressListValue(value: string): string[] {
  const out: string[] = [];
  for (const part of value.replaceAll(';', ',').split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const a = extractAddress(p);
    if (a === null || !isEmailAddress(a)) return [];
    // What is left: nothing, an absolute domain's root dot (RFC 1034 §3.1), or a
    // display name before the brackets; never a reply ("550 5.1.1 <a@b>").
    const rest = p.replaceAll(a, '').replaceAll('mailto:', '').replaceAll('<>', '').trim();
    if (rest !== '' && rest !== '.' && (!p.endsWith('>') || codeDigits(rest))) return [];
    out.push(a);
  }
  return out;
}

/**
 * An Exchange NDR (it carries X-MS-Exchange-Message-Is-Ndr) in a language whose
 * template no marker here knows, read by its structure: Office 365 writes the reply
 * and the addresses as labelled values ("Reported error: 550 5.1.10 ...", "Status
 * code: 550 5.1.10", "Recipient Address: a@b; c@d") whatever the labels' language.
 * The reply is the longest labelled value that opens with a reply code and an
 * enhanced code, else the last that is a reply code; the recipients are the
 * labelled address lists, else the address in the notice's title, never the
 * notice's own sender and addressee nor a message's ID.
 */
function labelledNdr(
  b: Bounce,
  lines: readonly string[],
  end: number,
  reportingMta: string | null,
  returnedAt: number,
): OobFinding[] {
  const values = labelledValues(lines, end);
  // The reply: the longest coded value that says more than its codes ("Reported error:
  // 550 5.1.10 RESOLVER..." beside "Status code: 550 5.1.10"), else the last coded
  // value. A final notice gives a 5xx status even for a 4xx reply it relays.
  let reply = '';
  let last = '';
  let permanent = false;
  for (const v of values) {
    const t = v.value;
    if (!codeDigits(t) || !(t.length === 3 || t.charCodeAt(3) === 0x20 || t.charCodeAt(3) === 0x2d))
      continue;
    last = t;
    if (t.charCodeAt(0) === 0x35) permanent = true;
    const codes = enhancedCodeAt(t, 4);
    const words = codes === null ? t.length > 4 : t.length > codes.end + 1;
    if (words && t.length > reply.length) reply = t;
  }
  if (reply === '') reply = last;
  const excluded = new Set<string>();
  const returned = b.msg.returned();
  for (const field of [b.header('to'), b.header('from'), returned?.headers.get('from') ?? ''])
    for (const a of extractAddressList(field)) excluded.add(a.toLowerCase());
  for (const id of [messageIdOf(returned), cleanMessageId(b.header('message-id'))])
    if (id !== null) excluded.add(id.toLowerCase());
  const recipients: string[] = [];
  const take = (a: string) => {
    const key = a.toLowerCase();
    if (!excluded.has(key) && !recipients.some((r) => r.toLowerCase() === key)) recipients.push(a);
  };
  for (const v of values) {
    if (recipients.length >= MAX_RECIPIENTS) break;
    for (const a of addressListValue(v.value)) take(a);
  }
  if (recipients.length === 0) {
    const first = values[0]?.line ?? end;
    for (let i = 0; i < first && recipients.length === 0; i++) {
      const a = addressIn(lines[i] as string);
      if (a !== null) take(a);
    }
  }
  if (recipients.length === 0) return [];
  if (reply === '') return headlineNdr(b, lines, end, recipients, reportingMta, returnedAt);
  return toFindings(
    b,
    'exchange2007',
    recipients.map((recipient) => ({ recipient, diagnosis: reply })),
    { reportingMta, returnedAt, permanent },
  );
}

/** Lines of an NDR's text read for its headline and for a reply (headlineNdr). */
const MAX_HEADLINE_LINES = 200;

/**
 * The Subject prefix Exchange gives an NDR, "<prefix>: <original subject>", in the
 * sender's language: "Undeliverable:" and the translations TRANSLATED_BOUNCE_SUBJECTS
 * lists ("Non remis :", "No se puede entregar:", "Onbestelbaar:", "Niedostarczalne:").
 * Its delay and relay notices carry the same Is-Ndr field under other prefixes
 * ("Delayed:", "Remise différée :", "Relayed:"), so the prefix says which notice it is.
 */
function failurePrefix(decodedSubject: string): boolean {
  const decoded = decodedSubject.toLowerCase();
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon > 60) return false;
  const prefix = decoded.slice(0, colon);
  return (
    prefix.indexOf('undeliverable') >= 0 ||
    TRANSLATED_BOUNCE_SUBJECTS.some((w) => prefix.indexOf(w) >= 0)
  );
}

/**
 * An Exchange NDR that gives no reply at all (a gateway stripped the administrators'
 * section, or a template names no code): the notice's Subject prefix says it failed
 * (failurePrefix) and nothing says it is still trying (saysDelayed), so the recipient
 * its headline names ("Votre message n'a pas pu être remis à a@b.") failed; the
 * diagnosis is the headline's own paragraph, the only reason the notice gives.
 */
function headlineNdr(
  b: Bounce,
  lines: readonly string[],
  end: number,
  recipients: readonly string[],
  reportingMta: string | null,
  returnedAt: number,
): OobFinding[] {
  const subject = decodeEncodedWords(b.header('subject'));
  if (!failurePrefix(subject) || saysDelayed(subject, lines, end)) return [];
  // A reply anywhere in the notice's text (in quotation marks no labelled value
  // reads, "远程服务器返回“552 5.2.2 ...”") is for the readers of replies.
  const said: string[] = [];
  for (let i = 0; i < end && i < MAX_HEADLINE_LINES; i++) {
    const t = (lines[i] as string).trim();
    if (t === '') continue;
    if (hasReplyCode(t)) return [];
    if (said.length < 6) said.push(t);
  }
  return toFindings(
    b,
    'exchange2007',
    recipients.map((recipient) => ({ recipient, diagnosis: said.join(' ') })),
    { reportingMta, returnedAt, permanent: true },
  );
}

/**
 * Office 365's "Status code: 550 5.1.10" with the sentence under the notice's title
 * ("a wasn't found at example.com.", "... mailbox is full"), which says what the bare
 * code does not (Microsoft writes 5.1.10 for an unknown recipient; RFC 7505 gives
 * X.1.10 to a null MX).
 */
function statusWithReason(lines: readonly string[], status: string): string {
  const title = findLineContaining(lines, ["couldn't be delivered", 'could not be delivered']);
  if (title < 0) return status;
  for (let i = title + 1; i < Math.min(lines.length, title + 3); i++) {
    const t = (lines[i] as string).trim();
    if (t !== '') return `${status} ${t}`;
  }
  return status;
}

/** The value after `label` on line `at`, or on the next non-empty line (an HTML table's next cell row). */
function valueAt(lines: readonly string[], at: number, label: string): string {
  const same = (textAfter(lines[at] as string, label) ?? '').trim();
  if (same !== '') return same;
  for (let i = at + 1; i < Math.min(lines.length, at + 3); i++) {
    const t = (lines[i] as string).trim();
    if (t !== '') return t;
  }
  return '';
}

/**
 * Exchange 2003's "a@b on 4/29/01 11:34:45 PM", "'a@b' on ...", "Name (SMTP=a@b)
 * on ...", and "Name on ..." (a display name only: the address comes from the
 * reply below it). Null for other lines.
 */
function exchange2003Recipient(line: string): Named | null {
  const t = line.trim();
  let on = -1;
  for (const w of EXCHANGE.dateWords) {
    on = t.indexOf(w);
    if (on > 0) break;
  }
  if (on <= 0 || t.length > 400) return null;
  const head = t.slice(0, on);
  const after = t.slice(on + 4);
  // The date after " on ": it starts with a digit (4/29/2010) or a weekday name.
  const c = after.charCodeAt(0);
  const dated = (c >= 0x30 && c <= 0x39) || after.indexOf(',') > 0;
  const smtp = textAfter(head, EXCHANGE.smtpAddress);
  if (smtp !== null) {
    const a = addressIn(smtp.replaceAll(')', ' ').replaceAll(']', ' '));
    return a === null ? null : { address: a, rest: '', reason: '' };
  }
  if (head.indexOf(' ') < 0) {
    // "'a@b' on ...": the quotes around the address go, an apostrophe inside it
    // ("o'neil@b", RFC 5321 §4.1.2 atext) stays.
    const h = head.trim();
    const a = addressIn(h.length > 2 && h.startsWith("'") && h.endsWith("'") ? h.slice(1, -1) : h);
    if (a !== null) return { address: a, rest: '', reason: '' };
  }
  // '"john doe"@b on ...': a quoted local part (RFC 5321 §4.1.2) may hold spaces.
  const quoted = head.trimStart().startsWith('"') ? leadingAddress(head) : null;
  if (quoted !== null && quoted.rest === '' && quoted.address.indexOf('@') > 0)
    return { address: quoted.address, rest: '', reason: '' };
  // "Paula Gomez <a@b> on ...": the recipient as its RFC 5322 name-addr (§3.4), as the
  // sender wrote it; the address is the bracketed one.
  const nameAddr = head.indexOf(' <') > 0 ? leadingAddress(head) : null;
  if (nameAddr !== null && nameAddr.rest === '' && nameAddr.address.indexOf('@') > 0)
    return { address: nameAddr.address, rest: '', reason: '' };
  return dated && head.indexOf('@') < 0 && head.length < 80
    ? { address: '', rest: '', reason: '' }
    : null;
}

/**
 * The text after a diagnostic type other than "smtp" right after Exchange's assigned
 * status in "<host #5.0.0 X-Postfix; host x said: 550 5.1.1 ...>" (RFC 3464 §2.3.6: a
 * diagnostic-type is an atom, then ";"; a relay may pass on its own, as Postfix's
 * X-Postfix or Domino's X-Notes), with where the type starts; null when no type follows.
 */
function typedAfterStatus(inner: string, hash: number): { text: string; at: number } | null {
  const e = enhancedCodeAt(inner, hash + 1);
  if (e === null) return null;
  let i = e.end;
  while (inner.charCodeAt(i) === 0x20) i++;
  const at = i;
  for (; i < inner.length; i++) {
    const c = inner.charCodeAt(i) | 0x20;
    const atom = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
    if (!atom) break;
  }
  if (i === at || inner.charCodeAt(i) !== 0x3b) return null;
  return { text: inner.slice(i + 1), at };
}

/**
 * Block lines with a "<host #5.x.x smtp;...>" bracket that Exchange wrapped over lines
 * joined back into one: the lines up to the one that closes it. A break after "@",
 * "." or "-" was inside a word (an address or a host name), so no space is put there.
 */
function joinWrappedHostReplies(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    if (line.startsWith('<') && line.indexOf('#') > 0 && !line.endsWith('>')) {
      let j = i + 1;
      while (j < lines.length && j < i + 5 && !line.endsWith('>')) {
        const next = lines[j] as string;
        const last = line.charAt(line.length - 1);
        line += (last === '@' || last === '.' || last === '-' ? '' : ' ') + next;
        j++;
      }
      if (line.endsWith('>')) i = j - 1;
      else line = lines[i] as string;
    }
    out.push(line);
  }
  return out;
}

/** A recipient Exchange 2003 named by its display name only, and that name. */
interface Unnamed {
  failure: Failure;
  name: string;
}

/** The display name before " on <date>" in Exchange 2003's "Owen Gray on 9/9/2004 4:25 PM". */
function displayNameAt(line: string | undefined): string {
  const t = (line ?? '').trim();
  for (const w of EXCHANGE.dateWords) {
    const on = t.indexOf(w);
    if (on > 0) return t.slice(0, on).trim();
  }
  return '';
}

/**
 * The addresses of recipients Exchange 2003 named by display name only ("Owen Gray on
 * 9/9/2004 4:25 PM", its directory's name for the To entry, no address and no reply
 * that names one): the returned message's To/Cc entry with that display name
 * ("Owen Gray <o.gray@b>"), else, when one recipient is unnamed and the returned
 * message went to one address the notice does not already name, that address. What
 * the returned message says, never a guess among several.
 */
function namedFromReturned(
  b: Bounce,
  unnamed: readonly Unnamed[],
  failures: readonly Failure[],
  returnedAt: number,
): void {
  if (unnamed.length === 0) return;
  const returned = b.msg.returned();
  const fields = returned === null ? [] : ['to', 'cc'].map((n) => returned.headers.get(n) ?? '');
  for (const u of unnamed) {
    const name = lowerAscii(u.name.replaceAll('"', '').replaceAll("'", '')).trim();
    if (name === '') continue;
    for (const field of fields) {
      for (const entry of splitAddressList(field)) {
        const lt = entry.lastIndexOf('<');
        if (lt < 0) continue;
        const shown = lowerAscii(entry.slice(0, lt).replaceAll('"', '')).trim();
        const a = addressIn(entry.slice(lt));
        if (shown === name && a !== null) u.failure.recipient = a;
      }
      if (u.failure.recipient !== '') break;
    }
  }
  const left = unnamed.filter((u) => u.failure.recipient === '');
  if (left.length !== 1) return;
  const named = new Set(failures.map((f) => lowerAscii(f.recipient)));
  const candidates = b.returnedRecipients(returnedAt).filter((a) => !named.has(lowerAscii(a)));
  if (candidates.length === 1) (left[0] as Unnamed).failure.recipient = candidates[0] as string;
}

export const exchange2003: Family = {
  name: 'exchange2003',
  detect: (b) => (b.sawAny(EXCHANGE.notReached) ? EVIDENCE.marker : EVIDENCE.none),
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, EXCHANGE.notReached);
    if (start < 0) return [];
    let end = findLine(lines, END_MARKERS, start + 1);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    const collected = collectBlocks(lines, start + 1, end, {
      start: (line) => exchange2003Recipient(line),
      continuation: 'section',
      noise: ['the mts-id of the original message', ';'],
    });
    const failures: Failure[] = [];
    const unnamed: Unnamed[] = [];
    for (const block of collected.blocks) {
      const f: Failure = { recipient: block.recipient, diagnosis: '' };
      const text: string[] = [];
      let remote: string | null = null;
      for (const line of joinWrappedHostReplies(block.lines)) {
        if (line.startsWith('<') && line.endsWith('>') && line.indexOf('#') > 0) {
          // "<mx.example.com #5.0.0 smtp;550 5.1.1 User unknown>": the host, the
          // status Exchange assigned, and the remote server's reply.
          const inner = line.slice(1, -1);
          const hash = inner.indexOf('#');
          f.remoteMta = inner.slice(0, hash).trim() || null;
          const typed = typedAfterStatus(inner, hash);
          const reply = textAfter(inner, EXCHANGE.smtpReply) ?? typed?.text ?? null;
          if (reply !== null) remote = reply.trim();
          const smtp = lowerAscii(inner).indexOf(EXCHANGE.smtpReply);
          const semi = smtp >= 0 ? smtp : (typed?.at ?? -1);
          const hinted = hashStatus(inner.slice(hash, semi >= 0 ? semi : inner.length));
          if (hinted !== null) f.status = hinted.code;
          if (f.recipient === '') f.recipient = addressIn(reply ?? '') ?? '';
          continue;
        }
        if (startsWithI(line, EXCHANGE.msexch)) {
          // "MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown Recipient": the words after the code.
          const close = line.indexOf(') ');
          if (close > 0) text.push(line.slice(close + 2).trim());
          continue;
        }
        if (text.length < 10) text.push(line);
      }
      // The human reason first; "Unknown Recipient" after MSEXCH repeats it.
      f.diagnosis = remote ?? text[0] ?? '';
      if (f.recipient === '') unnamed.push({ failure: f, name: displayNameAt(lines[block.line]) });
      failures.push(f);
    }
    namedFromReturned(b, unnamed, failures, returnedAt);
    return toFindings(b, 'exchange2003', failures, { returnedAt, permanent: true });
  },
};

/** Intros of the IIS SMTP service's report, the reason after the comma. */
const IIS_INTROS = [
  'unable to deliver message to the following recipients',
  'delivery to the following recipients failed',
  'delivery to the following recipients has been delayed',
];

/**
 * Windows' IIS SMTP service (and Hotmail's relays that ran it): "This is an
 * automatically generated Delivery Status Notification." then "Unable to deliver
 * message to the following recipients, <reason>." and the addresses indented.
 */
export const iis: Family = {
  name: 'iis',
  detect: (b) => (b.sawAny(IIS_INTROS) ? EVIDENCE.marker : EVIDENCE.none),
  parse(b) {
    const lines = b.lines();
    const first = findLineContaining(lines, IIS_INTROS);
    if (first < 0) return [];
    const returnedAt = findLine(lines, END_MARKERS, first);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    // Each intro opens a section of its own (a gateway that reuses the template lists
    // the failed recipients under "Delivery to the following recipients failed" and
    // the delayed ones under "... has been delayed" in one notice).
    const intros: number[] = [];
    for (let i = first; i >= 0 && i < end && intros.length < MAX_RECIPIENTS;) {
      intros.push(i);
      i = findLineContaining(lines, IIS_INTROS, i + 1);
    }
    const failures: Failure[] = [];
    intros.forEach((start, k) => {
      const stop = Math.min(end, intros[k + 1] ?? end);
      const delay = lowerAscii(lines[start] as string).indexOf('delayed') >= 0;
      // The addresses indented under the intro, each with the lines under it (a reply,
      // a reason); the reason is else a "Reason:" line after them, else the intro's
      // words after the comma ("..., due to being unable to connect successfully to
      // the destination mail server.") and the lines before the addresses.
      const collected = collectBlocks(lines, start + 1, stop, {
        start: (line, raw) => {
          if (raw.charCodeAt(0) !== 0x20 && raw.charCodeAt(0) !== 0x09) return null;
          const a = recipientLine(line);
          return a === null ? null : { address: a, rest: '', reason: '' };
        },
        continuation: 'paragraph',
      });
      const firstBlock = collected.blocks[0]?.line ?? stop;
      const reason: string[] = [];
      for (let i = start; i < firstBlock && reason.length < 6; i++) {
        const line = (lines[i] as string).trim();
        if (line === '') continue;
        const comma = i === start ? line.indexOf(', ') : -1;
        reason.push(comma > 0 ? line.slice(comma + 2) : line);
      }
      const text = collected.shared.length > 0 ? collected.shared.join(' ') : reason.join(' ');
      // Addresses listed on consecutive lines with nothing of their own share what the
      // last of them is given ("a@b", "c@d", "", "Reason: 550 ..." is about both).
      const blocks = collected.blocks;
      for (let j = blocks.length - 2; j >= 0; j--) {
        const cur = blocks[j] as (typeof blocks)[number];
        const next = blocks[j + 1] as (typeof blocks)[number];
        if (cur.lines.length === 0 && next.line === cur.line + 1) cur.lines = next.lines;
      }
      for (const block of blocks)
        failures.push({
          recipient: block.recipient,
          diagnosis: block.lines.length > 0 ? block.lines.join(' ') : text,
          action: delay ? 'delayed' : null,
        });
    });
    return toFindings(b, 'iis', failures, {
      returnedAt,
      permanent: failures.every((f) => f.action !== 'delayed'),
    });
  },
};
