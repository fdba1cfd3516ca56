// Last resort for bounces no RFC parser and no heuristic family recognised, in
// the manner of Sisimai's RFC 3464 fallback: in a message that looks like a bounce
// (sent by a mailer daemon, or with a bounce subject), lines that begin with an
// address, or name one after words like "recipient:", are failed recipients, and
// the text that follows the address is the diagnostic. Nothing here is an MTA's
// format; the families in heuristic/ know those better and run first.
import RE2 from 're2';
import {
  extractAddress,
  extractAddressList,
  isEmailAddress,
  localPartOf,
  soleAddressOf,
} from './address';
import { decodeEncodedWords } from './codec';
import { parseDate } from './date';
import { autoSubmittedKeyword, isListMail } from './header';
import { messageIdOf } from './dsn';
import type { MimeMessage } from './mime';
import {
  continuedReply,
  extractReply,
  hasReplyCode,
  joinCodeBreaks,
  oneLine,
  subjectReply,
} from './reply';
import type { OobFinding } from './types';
import {
  Bounce,
  bareAddress,
  collectBlocks,
  htmlToText,
  isLeadIn,
  isReplySubject,
  labelledAddress,
  leadingAddress,
  lowerAscii,
  reasonThenAddress,
  reportsSuccess,
  saysDelayedWord,
  splitLines,
  TRANSLATED_BOUNCE_SUBJECTS,
  type Named,
} from './heuristic/common';
import { cjkReasonText, cjkRecipientText } from './heuristic/cjk';

const SOURCE = 'heuristic:fallback';
const MAX_RECIPIENTS = 100;
const MAX_LINES = 2000;
/** Characters of an HTML-only notice turned into text. */
const MAX_HTML = 512 * 1024;

const BOUNCE_SENDERS = new Set([
  'mailer-daemon',
  'postmaster',
  'root',
  'mail-daemon',
  'mailerdaemon',
]);

const BOUNCE_SUBJECTS = [
  'delivery failed',
  'delivery failure',
  'delivery report',
  'delivery status notification',
  'delivery notification',
  'failure notice',
  'mail delivery',
  'mail failed',
  'mail error',
  'non-delivery',
  'nondelivery',
  'returned mail',
  'undeliverable',
  'undelivered mail',
  'could not be delivered',
  'warning: ',
  ...TRANSLATED_BOUNCE_SUBJECTS,
];

/** Lines (lower case, trimmed) where the returned message begins: nothing after is the bounce's own text. */
const STOP_PREFIXES = [
  'received:',
  'return-path:',
  'received-from-mta:',
  'reporting-mta:',
  'content-type: message/rfc822',
  'content-type: message/delivery-status',
  'content-type: text/rfc822-headers',
  'here is a copy of the first part of the message',
  'the non-delivered message is attached',
  'a copy of the original message below this line',
  'your message reads (in part)',
  // Exchange's label above the returned header section of its NDRs ("Original message
  // headers:"), which other notices copy: what follows is the returned message's.
  'original message headers',
];

const STOP_PHRASES = [
  'message text follows',
  'original message follows',
  'below is a copy of the original message',
  'below this line is a copy of the message',
  'attachment is a copy of the message',
  'unsent message below',
  'the attachment contains the original mail headers',
  '------ this is a copy of the message',
  'original message --',
  // MDaemon closes its session transcript with "--- End Transcript ---".
  '--- end transcript ---',
];

/**
 * Words after which an address on the same line is a failed recipient: the labels
 * and sentences MTAs put before it ("Recipient:", "Unable to deliver message to:",
 * "undeliverable to", "delivery problems to local user"), lower case.
 */
const ADDRESS_MARKERS = [
  'recipient:',
  'address:',
  'addressed to ',
  'could not be delivered to:',
  'could not be delivered to ',
  'delivery to the following recipient failed',
  'delivery failed:',
  'did not reach the following recipient:',
  'error-for:',
  'failed recipient:',
  'failed to deliver to ',
  'intended recipient:',
  'rcpt to:',
  'undeliverable to ',
  'undeliverable address:',
  'you sent mail to ',
  'your message to ',
  'the following message to ',
  'delivering your mail to ',
  'delivering your message to ',
  'to local user ',
  'originally addressed to ',
  // "Recipient:" in the languages of localized notices (German, French, Spanish and
  // Italian, Portuguese, Dutch); French typography puts a space before the colon.
  'empfänger:',
  'empfaenger:',
  'destinataire :',
  'destinataire:',
  'destinatario:',
  'destinatário:',
  'ontvanger:',
  // The same label in the other languages providers and localized servers write their
  // own short notices in ("Adresat: a@b" then "Powód: ..."): Polish adresat / odbiorca,
  // Czech příjemce, Russian получатель / адресат, Ukrainian одержувач / отримувач,
  // Swedish mottagare, Danish modtager, Norwegian mottaker, Finnish vastaanottaja,
  // Turkish alıcı, Hungarian címzett, Romanian destinatar, Greek παραλήπτης, Indonesian
  // penerima, Vietnamese người nhận, Thai ผู้รับ, Hebrew נמען, Arabic المستلم: the word
  // mail clients show for "To" / "Recipient" in those languages (own list). The sender's
  // label (nadawca, odesílatel, отправитель, ผู้ส่ง) is no marker.
  'adresat:',
  'odbiorca:',
  'příjemce:',
  'получатель:',
  'адресат:',
  'одержувач:',
  'отримувач:',
  'mottagare:',
  'modtager:',
  'mottaker:',
  'vastaanottaja:',
  'alıcı:',
  'címzett:',
  'destinatar:',
  'παραλήπτης:',
  'penerima:',
  'người nhận:',
  'ผู้รับ:',
  'נמען:',
  'المستلم:',
  // "Your message to a@b ..." in the same languages and Polish: the notice's own
  // sentence about the message it returns, as its English form above.
  'ihre nachricht an ',
  'votre message à ',
  'su mensaje a ',
  'su mensaje para ',
  'il suo messaggio a ',
  'sua mensagem para ',
  'uw bericht aan ',
  'twoja wiadomość do ',
];

/**
 * How the message says it is a mail system's notice: `sender` when its own fields
 * do (a daemon's From, a null or daemon Return-Path, X-Failed-Recipients, an
 * RFC 3834 Auto-Submitted), `subject` when only a bounce Subject does, null when
 * nothing does.
 */
function bounceEvidence(msg: MimeMessage): 'sender' | 'subject' | null {
  const h = msg.headers;
  if (BOUNCE_SENDERS.has(localPartOf(h.get('from')))) return 'sender';
  if (h.has('x-failed-recipients')) return 'sender';
  const returnPath = (h.get('return-path') ?? '').trim().toLowerCase();
  if (returnPath === '<>' || returnPath.indexOf('mailer-daemon') >= 0) return 'sender';
  const subject = decodeEncodedWords(h.get('subject') ?? '').toLowerCase();
  // "Re: Undelivered Mail Returned to Sender" from a person is about a bounce.
  if (isReplySubject(subject)) return null;
  let bySubject = false;
  for (const s of BOUNCE_SUBJECTS) if (subject.indexOf(s) >= 0) bySubject = true;
  if (!bySubject) return null;
  // A newsletter or list post with "undeliverable" or "delivery failed" in its subject
  // (a sending platform's tips on bounces): a notice goes to the envelope sender and
  // carries no list headers (isListMail), so the subject alone is no evidence there.
  if (isListMail(h)) return null;
  // Any keyword but "no" marks machine mail (RFC 3834 §5); a Sieve notification
  // (auto-notified, RFC 5436) is about a message that arrived, not a delivery.
  const auto = autoSubmittedKeyword(h.get('auto-submitted'));
  return auto !== '' && auto !== 'no' && auto !== 'auto-notified' ? 'sender' : 'subject';
}

function isStop(lower: string): boolean {
  for (const p of STOP_PREFIXES) if (lower.startsWith(p)) return true;
  for (const p of STOP_PHRASES) if (lower.indexOf(p) >= 0) return true;
  return false;
}

/**
 * The recipient a line names: the address starting it (after sendmail's ">>>" or
 * "***" marks), an address after one of ADDRESS_MARKERS, or a reason then the
 * address ("Mailbox is full: <a@b>"). Null for other lines.
 */
function recipientOf(fullLine: string, previous: string, sentences: boolean): Named | null {
  let skip = 0;
  while (skip < 4 && (fullLine.charCodeAt(skip) === 0x3e || fullLine.charCodeAt(skip) === 0x2a))
    skip++;
  const line = skip > 0 ? fullLine.slice(skip).trimStart() : fullLine;
  const leading = leadingAddress(line);
  if (leading !== null && !insideSentence(line, leading, previous)) {
    // "Bitte wenden Sie sich an" / "helpdesk@b": the line above asks the reader to
    // write to the address on this one.
    if (!contactClause(previous, true)) return leading;
  }
  const cjk = cjkRecipientText(line);
  const readers: (() => Named | null)[] = [
    () => (cjk === null ? null : leadingAddress(cjk)),
    () => leadInFor(line),
    () => labelledAddress(line, ADDRESS_MARKERS),
    () => reasonThenAddress(line),
    () => listAfterColon(line),
    () => (sentences ? sentenceAddress(line) : null),
  ];
  for (const read of readers) {
    const named = read();
    if (named === null) continue;
    // "For assistance, please contact: help@b": the address a contact phrase
    // introduces is the help desk's; another reading of the line may still name one.
    const at = line.indexOf(named.address);
    if (at >= 0 && contactClause(line.slice(0, at), false)) continue;
    return named;
  }
  return null;
}

/**
 * Phrases that introduce the address a notice asks its reader to write to for help
 * (lower case): its help desk, postmaster or administrator, never the recipient the
 * failure sentence is about (RFC 3464 §1: the report names the recipient it reports
 * on; the "contact your postmaster" line of RFC 3461/3464 human-readable parts and of
 * translated MTA and provider templates is an invitation, not a recipient). English,
 * German, French, Spanish, Italian, Portuguese, Dutch, Polish, Japanese, Chinese and
 * Korean wordings of "please contact", "for assistance write to", "send questions to".
 */
const CONTACT_PHRASES = [
  'contact', // contact, contactez, contacter, contacte, póngase en contacto con, neem contact op
  'contat', // contatta, contattare, contate, entre em contato com
  'kontakt', // kontaktieren Sie, skontaktuj się z
  'for assistance',
  'for help',
  'for further help',
  'for more information',
  'questions to',
  'please write to',
  'write to us',
  'email us',
  'e-mail us',
  'reach us',
  'report this to',
  'forward this to',
  'help desk',
  'helpdesk',
  'wenden sie sich',
  'wende dich',
  'bei fragen',
  'für hilfe',
  "pour obtenir de l'aide",
  'pour toute question',
  'adressez-vous',
  'écrivez à',
  'comuníquese',
  'comuniquese',
  'para obtener ayuda',
  'escriba a',
  'rivolgersi',
  'rivolgetevi',
  'rivolgiti',
  'per assistenza',
  'si prega di scrivere a',
  'scrivete a',
  'scrivi a',
  'para obter ajuda',
  'escreva para',
  'fale com',
  'voor hulp',
  'voor vragen',
  'schrijf naar',
  'w razie pytań',
  'napisz do',
  'pomoc',
  '問い合わせ',
  '問合せ',
  '連絡',
  '联系',
  '聯絡',
  '聯繫',
  '联络',
  '咨询',
  '諮詢',
  '문의',
  '연락',
];

/**
 * True when the clause that ends `text` (after its last sentence or clause break)
 * holds a contact phrase: the address right after it is a help desk's. `wholeLine`
 * reads a line above an address, whose closing "." or "。" ends its sentence there.
 */
function contactClause(text: string, wholeLine: boolean): boolean {
  const t = text.trim();
  if (t === '' || (wholeLine && t.indexOf('@') >= 0)) return false;
  if (wholeLine && '.!?。！？'.indexOf(t.charAt(t.length - 1)) >= 0) return false;
  let start = 0;
  for (const brk of ['. ', ', ', '; ', '! ', '? ', '。', '，', '、', '；']) {
    const i = t.lastIndexOf(brk);
    if (i >= 0 && i + brk.length > start) start = i + brk.length;
  }
  // "Please contact help@b about your message to a@b": an address ends the phrase
  // that introduced it, and what follows is a clause of its own.
  const lastAt = t.lastIndexOf('@');
  if (lastAt >= 0) {
    const space = t.indexOf(' ', lastAt);
    start = Math.max(start, space < 0 ? t.length : space + 1);
  }
  const clause = t.slice(start).toLowerCase();
  return CONTACT_PHRASES.some((p) => clause.indexOf(p) >= 0);
}

/**
 * A line that announces the reason for one recipient on the lines below it: "Error
 * message for a@b:", "Diagnostic for <a@b>:", "Reason for a@b:" (LISTSERV's delivery
 * error reports, list managers' and gateways' per-recipient sections). The address
 * after " for " ends the line, before its colon.
 */
function leadInFor(line: string): Named | null {
  const t = line.trim();
  if (!t.endsWith(':') || t.length > 160) return null;
  const lower = lowerAscii(t);
  const at = lower.lastIndexOf(' for ');
  if (at < 0) return null;
  const named = leadingAddress(t.slice(at + 5, -1));
  return named === null || named.rest !== ''
    ? null
    : { address: named.address, rest: '', reason: '' };
}

/**
 * The addresses of a text that is nothing but addresses, separated by commas,
 * semicolons or white space ("a@b, c@d", "<a@b>; <c@d>"); null otherwise.
 */
function addressList(text: string): string[] | null {
  const out: string[] = [];
  for (const token of text
    .replaceAll(',', ' ')
    .replaceAll(';', ' ')
    .replaceAll('\t', ' ')
    .split(' ')) {
    if (token === '') continue;
    const a = bareAddress(token);
    if (a === null || out.length >= MAX_RECIPIENTS) return null;
    out.push(a);
  }
  return out.length > 0 ? out : null;
}

/**
 * "Delivery failed for the following recipients: a@b, c@d": a list of addresses
 * after the line's last colon, the first as the recipient and the others as the
 * rest (split again by addressList).
 */
function listAfterColon(line: string): Named | null {
  const s = line.trim();
  const colon = s.lastIndexOf(': ');
  if (colon <= 0 || colon > 200 || s.slice(0, colon).indexOf(' ') < 0) return null;
  const list = addressList(s.slice(colon + 2));
  if (list === null || list.length < 2) return null;
  return { address: list[0] as string, rest: list.slice(1).join(', '), reason: '' };
}

/** Last words of a label that introduces a failure's reason ("Failure Reason:", "Error:"). */
const REASON_LABEL_ENDINGS = ['reason', 'reasons', 'error', 'diagnostic', 'diagnostics', 'cause'];

/**
 * True when a line starts with a label of at most three words that ends in a reason
 * word and a colon: "Reason:", "Failure Reason:", "Reject reason:", "Delivery error:"
 * (Haraka's "Intended Recipients:" / "Failure Reason:" notice, list managers' and
 * gateways' labelled reports). "Reason for a@b:" names its recipient and is no such label.
 */
function reasonLabelled(line: string): boolean {
  const lower = lowerAscii(line.trim());
  const colon = lower.indexOf(':');
  if (colon <= 0 || colon > 40) return false;
  const words = lower
    .slice(0, colon)
    .trim()
    .split(' ')
    .filter((w) => w !== '');
  if (words.length === 0 || words.length > 3) return false;
  return REASON_LABEL_ENDINGS.indexOf(words[words.length - 1] as string) >= 0;
}

/** True when no blank line separates line `from` and line `to` (from < to). */
function sameParagraph(lines: readonly string[], from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) if ((lines[i] as string).trim() === '') return false;
  return true;
}

/**
 * Words of a sentence that says a delivery failed (lower case): "could not be
 * delivered", "failed", "was rejected", "bounced", "unable to deliver".
 */
const FAILURE_WORDS = [
  'fail',
  'could not',
  "couldn't",
  'cannot',
  "can't",
  'unable',
  'undeliver',
  'not delivered',
  'rejected',
  'refused',
  'bounced',
  // (h174) A content gateway's notice: "The message you sent to a@b has been blocked"
  // (MAILsweeper, MailMarshal, SurfControl-era filters stop the message for that
  // recipient).
  'blocked',
];

/** True when a text says in English that a delivery failed (FAILURE_WORDS). */
function saysFailed(text: string): boolean {
  const lower = lowerAscii(text).replaceAll('\u2019', "'");
  return FAILURE_WORDS.some((w) => lower.indexOf(w) >= 0);
}

/**
 * How a sentence says a delivery failed and names where it went, per language: the
 * failure words (lower case) and the prepositions before the recipient. English
 * (FAILURE_WORDS, " to "), and the same sentence of translated notices (Exchange's
 * and providers' localized headlines, MTA templates translated by their operators):
 * German "Die Nachricht an a@b konnte nicht zugestellt werden", French "Votre message
 * n'a pas pu être remis à a@b", Spanish "No se pudo entregar el mensaje a a@b",
 * Italian "Impossibile recapitare il messaggio a a@b", Portuguese "Não foi possível
 * entregar a mensagem para a@b", Dutch "Het bericht kon niet worden bezorgd bij a@b",
 * Polish "Nie można dostarczyć wiadomości do a@b". Gmail's translated "Address not
 * found" notice says it in the passive, the address between the words ("Sua mensagem
 * não foi entregue a a@b porque ...", "Tu mensaje no se ha entregado a a@b porque ...",
 * "Il messaggio non è stato consegnato a a@b perché ...", "Ihre Nachricht wurde nicht an
 * a@b zugestellt, weil ...", "Je bericht is niet afgeleverd bij a@b omdat ..."), as do
 * translated MTA templates ("Wiadomość do a@b nie została dostarczona"); the reason
 * follows on the same line. A preposition counts only beside its own language's
 * failure words, so an English line's " a " names nothing.
 */
const FAILURE_SENTENCES: readonly { fail: readonly string[]; to: readonly string[] }[] = [
  // "Mail for <a@b> from <c@d> was rejected", "Delivery for a@b failed": the message's
  // destination after "for", as relays' and ISPs' one-line notices name it.
  { fail: FAILURE_WORDS, to: [' to ', ' for '] },
  { fail: ['nicht zugestellt', 'konnte nicht', 'fehlgeschlagen', 'nicht an '], to: [' an '] },
  { fail: ["n'a pas pu", "n'a pas été", 'impossible de'], to: [' à '] },
  {
    fail: ['no se pudo', 'no ha podido', 'no pudo', 'no se ha entregado', 'no se entregó'],
    to: [' a ', ' para '],
  },
  {
    fail: [
      'impossibile',
      'non è stato possibile',
      'non è stato consegnato',
      'non è stato recapitato',
    ],
    to: [' a '],
  },
  { fail: ['não foi possível', 'não pôde', 'não foi entregue'], to: [' para ', ' a '] },
  {
    fail: ['kon niet', 'kan niet', 'mislukt', 'niet afgeleverd', 'niet bezorgd'],
    to: [' aan ', ' bij '],
  },
  { fail: ['nie można', 'nie udało się', 'nie powiodło', 'nie została dostarczona'], to: [' do '] },
];

/**
 * The recipient of a sentence that says its delivery failed, named after "to" or
 * its translation (FAILURE_SENTENCES): "Message delivery to 'a@b' failed:", "The
 * mail to a@b could not be delivered.", "Die Nachricht an a@b konnte nicht zugestellt
 * werden." Null when the line says no failure (a help line's "send mail to help@...").
 */
function sentenceAddress(line: string): Named | null {
  const lower = lowerAscii(line).replaceAll('\u2019', "'");
  for (const lang of FAILURE_SENTENCES) {
    if (!lang.fail.some((w) => lower.indexOf(w) >= 0)) continue;
    for (const to of lang.to) {
      let at = lower.indexOf(to);
      while (at >= 0) {
        const named = nounThenAddress(line.slice(at + to.length));
        // "Ihre Nachricht wurde nicht zugestellt, bitte wenden Sie sich an hilfe@b":
        // the preposition of a contact phrase names the help desk; read on.
        if (named !== null && !contactClause(line.slice(0, at + to.length), false)) return named;
        at = lower.indexOf(to, at + to.length);
      }
    }
  }
  return null;
}

/** Nouns a sentence puts between "to" and the address it names ("to the recipient a@b"). */
const RECIPIENT_NOUNS = ['the recipient ', 'recipient ', 'the address ', 'the user ', 'user '];

/**
 * The address at the start of `text`, also after a noun that names what it is ("the
 * recipient (a@b)", "user <a@b>", "the address 'a@b'"): "Delivery to the recipient
 * (a@b) failed", "Your message to user a@b could not be delivered". An address in
 * parentheses counts only after such a noun ("(a@b)" alone may be an aside).
 */
function nounThenAddress(text: string): Named | null {
  const direct = leadingAddress(text);
  if (direct !== null) return direct;
  const lower = lowerAscii(text.slice(0, 20));
  const noun = RECIPIENT_NOUNS.find((n) => lower.startsWith(n));
  if (noun === undefined) return null;
  const rest = text.slice(noun.length);
  if (rest.charCodeAt(0) === 0x28) {
    const close = rest.indexOf(')');
    const inner = close > 0 ? rest.slice(1, close) : '';
    return isEmailAddress(inner)
      ? { address: inner, rest: rest.slice(close + 1).trim(), reason: '' }
      : null;
  }
  return leadingAddress(rest);
}

/**
 * True when an address starting a line is a word of a wrapped sentence, not a
 * recipient line: the line above runs on into it (it has text, no address, and no
 * closing punctuation: "I'm managing the" / "list@example.org mailing list.") and
 * the address is followed by more words with no separator between (recipient
 * lines put ":", "...", "(" or nothing after the address).
 */
function insideSentence(line: string, named: Named, previous: string): boolean {
  const above = previous.trim();
  if (above === '' || above.indexOf('@') >= 0) return false;
  const last = above.charCodeAt(above.length - 1);
  const runsOn = (last >= 0x61 && last <= 0x7a) || (last >= 0x41 && last <= 0x5a) || last === 0x2c;
  if (!runsOn) return false;
  const t = line.trimStart();
  if (!t.startsWith(named.address)) return false;
  const after = t.slice(named.address.length);
  const c = after.charCodeAt(1);
  return after.startsWith(' ') && ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a));
}

/**
 * True when a recipient's text only says where the mail was going, in parenthesised
 * "name: value" groups (MMDF's "(host: mail.example.edu) (queue: smtp)"): no reason.
 */
function onlyWhere(text: string): boolean {
  let t = text.trim();
  if (!t.startsWith('(')) return false;
  while (t.startsWith('(')) {
    const close = t.indexOf(')');
    if (close < 0) return false;
    // The group is a field name (one word of letters, MMDF's "host", "queue") and its
    // value: a reply in brackets that holds a colon ("(552 Requested action aborted:
    // exceeded storage allocation)", "(550 5.2.2 <a@b>: mailbox full)") is a reason.
    const colon = t.indexOf(': ');
    if (colon < 0 || colon > close || !isFieldName(t.slice(1, colon))) return false;
    t = t.slice(close + 1).trim();
  }
  return t === '';
}

/** One word of ASCII letters, digits after the first and "-": a field's name. */
function isFieldName(word: string): boolean {
  if (word.length === 0 || word.length > 40) return false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) | 0x20;
    const letter = c >= 0x61 && c <= 0x7a;
    const other = i > 0 && ((c >= 0x30 && c <= 0x39) || word.charCodeAt(i) === 0x2d);
    if (!letter && !other) return false;
  }
  return true;
}

/** The lines of the bounce's own text parts (text/plain; HTML as text when there is no plain part). */
function ownLines(msg: MimeMessage): string[] {
  const texts = msg.texts();
  const plain = texts.filter((t) => t.type === 'text/plain' || texts.length === 1);
  const chosen = plain.length > 0 ? plain : texts.filter((t) => t.type === 'text/html').slice(0, 1);
  const out: string[] = [];
  for (const t of chosen) {
    const text = t.type === 'text/html' ? htmlToText(t.text.slice(0, MAX_HTML)) : t.text;
    for (const line of joinCodeBreaks(splitLines(text))) {
      if (out.length >= MAX_LINES) return out;
      if (isStop(line.trim().toLowerCase())) return out;
      out.push(line);
    }
    out.push('');
  }
  return out;
}

/**
 * Sentences of a notice that reports a delivery or relay that worked (lower case):
 * Postfix's success template ("Your message was successfully delivered to the
 * destination(s)", bounce_template.c), the IIS SMTP service's "(Relay)" notice
 * ("Your message has been successfully relayed to the following recipients") and
 * the like, by meaning: RFC 3464's "delivered", "relayed" and "expanded" actions.
 */
const SUCCESS_PHRASES = [
  'successfully delivered',
  'delivered successfully',
  'successfully relayed',
  'relayed successfully',
  'delivery to the following recipients succeeded',
  'delivery to these recipients or groups is complete',
];

/**
 * Exchange's "Relayed:" notice in the languages it writes it in: "Delivery to these
 * recipients or groups is complete, but no delivery notification was sent by the
 * destination server" said as both halves, the delivery complete ("zostało ukończone",
 * "wurde abgeschlossen", "est terminée", "se ha completado", "è stata completata", "foi
 * concluída", "is voltooid") and then no notification sent ("nie wysłał powiadomienia",
 * "keine Zustellbenachrichtigung", "aucune notification", "ninguna notificación",
 * "nessuna notifica", "nenhuma notificação", "geen bevestiging"): RFC 3464's "relayed"
 * action in words. Both halves are needed: a delay or failure notice says the first
 * negated and never the second.
 */
const TRANSLATED_RELAYED = new RE2(
  '(?i)(?:został[oa]? (?:u|za)kończon[eya]|(?:wurde|ist) abgeschlossen|est termin[ée]e|a été effectuée|se ha completado|ha finalizado|è stat[oa] completat[oa]|foi conclu[íi]da|is voltooid)(?:[^.]|\\.\\S){0,160}?(?:nie (?:wysłał|przesłał)[a-ząćęłńóśźż]* (?:żadnego )?powiadomie|keine \\S*benachrichtigung|aucune notification|ning[uú]n(?:a)? (?:aviso|notificaci[oó]n)|nessuna notifica|nenhuma notifica[çc][ãa]o|geen \\S*(?:melding|bevestiging|notificatie))',
);

function isSuccessNotice(lines: readonly string[]): boolean {
  const first: string[] = [];
  for (let i = 0; i < lines.length && i < 60; i++) {
    const lower = lowerAscii(lines[i] as string);
    if (SUCCESS_PHRASES.some((p) => lower.indexOf(p) >= 0)) return true;
    const t = (lines[i] as string).trim();
    if (t !== '') first.push(t);
  }
  // A sentence wrapped over lines says the same as on one line.
  return TRANSLATED_RELAYED.test(first.join(' '));
}

/**
 * Sentences of a notice that says the mail system is still trying (lower case): RFC
 * 3464's "delayed" action said in words. Gmail's "There was a temporary problem
 * (while) delivering your message to <a>. Gmail will retry for 46 more hours. You'll
 * be notified if the delivery fails permanently." (reported in
 * https://github.com/crisp-oss/email-bounce-parser/issues/2), Exchange's "Delivery
 * will continue to be attempted", Sendmail's "THIS IS A WARNING MESSAGE ONLY", and
 * the like by meaning. A recipient of such a notice with no 5xx reply of its own was
 * delayed, not bounced.
 */
const WARNING_PHRASES = [
  'will retry for',
  'will be retried',
  'will keep trying',
  'will continue to try',
  'will continue to be attempted',
  'will try again',
  'still trying to deliver',
  "you'll be notified if",
  'you will be notified if',
  'you will be notified when',
  'this is a warning message only',
  'you do not need to resend',
  'not been delivered yet',
  "hasn't been delivered yet",
  'has not yet been delivered',
  'not delivered yet',
  'delivery incomplete',
  // MMDF's "Waiting mail" ("your message has not yet been fully delivered. Attempts
  // to deliver the message will continue for 5 more days", "Delivery attempts are
  // still pending for the following address(es)"), the Sun / iPlanet Messaging
  // Server's delay notice ("Delivery attempts will continue to be made for 4 day(s)").
  'not yet been fully delivered',
  'attempts to deliver the message will continue',
  'delivery attempts will continue',
  'delivery attempts are still pending',
];

/** Words of a notice that says it gave up (lower case): then it is no warning. */
const GAVE_UP_PHRASES = [
  'permanent error',
  'failed permanently',
  'permanent failure',
  'permanent fatal error',
  'given up',
  'gave up',
  'will not be retried',
  'no further attempts',
];

/**
 * A Subject that calls the notice a warning or a delay ("Warning: could not send message
 * for past 4 hours", Sendmail; "Delivery Status Notification (Delay)", Exchange and
 * Gmail; "Mail delivery delayed"), also in the languages Exchange writes its delay
 * notice in ("Zustellung verzögert:", "配信遅延:"; DELAYED_WORDS): its body may not say
 * it will retry, or say so in words WARNING_PHRASES does not list. The Subject is read
 * decoded (RFC 2047): in another script it always comes as encoded words.
 */
function subjectWarns(subject: string): boolean {
  const decoded = decodeEncodedWords(subject);
  const lower = decoded.toLowerCase();
  if (lower.indexOf('delay') >= 0 || lower.indexOf('warning') >= 0) return true;
  if (TRANSLATED_WARNINGS.some((w) => lower.indexOf(w) >= 0)) return true;
  // The translated word counts only in a Subject that does not also call the notice a
  // failure ("Unzustellbar: Lieferung verzögert" returns a message whose own subject
  // said "delayed").
  return (
    saysDelayedWord(decoded) &&
    !FAILURE_SUBJECT_WORDS.some((w) => lower.indexOf(w) >= 0) &&
    !TRANSLATED_BOUNCE_SUBJECTS.some((w) => lower.indexOf(w) >= 0)
  );
}

/**
 * "Warning" in the languages MTAs' delay templates are translated into (Exim's
 * warn_message_file, Sendmail's and Postfix's delay templates are configurable, and
 * hosting providers ship them translated): German, French, Spanish, Dutch, Polish,
 * Czech, Russian. Italian and Portuguese "avviso" / "aviso" also mean a notice of
 * non-delivery ("avviso di mancato recapito") and are left out.
 */
const TRANSLATED_WARNINGS = [
  'warnung',
  'avertissement',
  'advertencia',
  'waarschuwing',
  'ostrzeżenie',
  'varování',
  'предупреждение',
];

/** English Subject words of failure notices ("Undeliverable:", "Returned mail:", "failure notice"). */
const FAILURE_SUBJECT_WORDS = ['undeliver', 'returned', 'fail', 'not delivered'];

/**
 * What the notice says of its own attempts: `gave-up` (GAVE_UP_PHRASES, which win),
 * `warning` (WARNING_PHRASES), or null when it says neither. The first lines are read
 * as one text: a sentence wrapped over lines ("has not yet been" / "fully delivered")
 * says the same as on one line.
 */
function noticeState(lines: readonly string[]): 'gave-up' | 'warning' | null {
  const words: string[] = [];
  for (let i = 0; i < lines.length && i < 60; i++) {
    const t = (lines[i] as string).trim();
    if (t !== '') words.push(t);
  }
  const lower = lowerAscii(words.join(' ')).replaceAll('\u2019', "'");
  if (GAVE_UP_PHRASES.some((p) => lower.indexOf(p) >= 0)) return 'gave-up';
  return WARNING_PHRASES.some((p) => lower.indexOf(p) >= 0) ? 'warning' : null;
}

/**
 * A content scanner's verdict on the message, which its notice states once for every
 * recipient, away from where it names them: MailScanner's "A virus was found in an
 * Email message you sent.", ClamAV-milter / clamsmtp and gateway notices ("The message
 * you sent to <a> contained a virus (<name>)"), amavisd-new's "V I R U S  A L E R T"
 * notice ("Our content checker found virus: <name>"). The same meaning as the
 * VirusRelated family of rules/phrases.toml (RFC 3463 X.7.0 content refusals).
 */
const SCANNER_VERDICT = new RE2(
  '(?i)\\b(?:virus(?:es)?|malware|worms?|trojans?)\\b[^.;]{0,40}\\b(?:found|detected|identified)\\b|\\b(?:contains?|contained|containing|infected with|found)\\s+(?:an?\\s+)?(?:virus(?:es)?|malware|worms?|trojans?)\\b',
);
/** What scanners and footers write when they found nothing ("no virus found", "virus-free"). */
const NO_VERDICT = new RE2(
  '(?i)\\bno (?:known )?(?:virus(?:es)?|malware)\\b|\\bvirus[- ]free\\b|\\bnot (?:been )?(?:found|detected)\\b|\\bscanned (?:for|by)\\b',
);

/** The notice's scanner verdict line (trimmed), or null; read in its first lines. */
function scannerVerdict(lines: readonly string[]): string | null {
  for (let i = 0; i < lines.length && i < 60; i++) {
    const t = (lines[i] as string).trim();
    if (t.length > 300 || !SCANNER_VERDICT.test(t) || NO_VERDICT.test(t)) continue;
    return t;
  }
  return null;
}

/** True when `text` holds a 4xx or 5xx reply (a failure a success notice may still list). */
function hasFailureReply(text: string): boolean {
  if (!hasReplyCode(text)) return false;
  const reply = extractReply(text, { status: null, action: 'failed' });
  const cls = reply.enhancedCode?.class ?? Math.floor(reply.code / 100);
  return cls === 4 || cls === 5;
}

/**
 * The first line of the bounce's own text that holds a failure reply (a 4xx or
 * 5xx code, "552 5.3.4 Message size exceeds ..."), or null.
 */
function unnamedFailure(lines: readonly string[]): string | null {
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] as string).trim();
    if (t === '' || !hasReplyCode(t)) continue;
    const reply = extractReply(oneLine(t), { status: null, action: 'failed' });
    const cls = reply.enhancedCode?.class ?? Math.floor(reply.code / 100);
    // A multi-line reply ("550-5.1.1 ..." lines, then "550 5.1.1 ...") is one reply.
    if (cls === 4 || cls === 5) return continuedReply(lines, i).text;
  }
  return null;
}

/** Han ideographs, kana and hangul: the letters of Chinese, Japanese and Korean text. */
const CJK_LETTERS = new RE2('[\\p{Han}\\p{Hiragana}\\p{Katakana}\\p{Hangul}]');

/**
 * The sentences in Chinese, Japanese or Korean above the first recipient line, at most
 * four: CJK notices state the cause first and name the recipients after it ("送信された
 * メールは、受信者が設定している受信拒否により配信されませんでした。" then "受信者: a@b"),
 * with no "Reason:" label. Read only when the notice gives no reason of its own after
 * its recipients; English lines above them are the template's and stay out.
 */
function cjkPreamble(lines: readonly string[], firstRecipient: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < firstRecipient && out.length < 4; i++) {
    const t = (lines[i] as string).trim();
    if (t !== '' && CJK_LETTERS.test(t) && !isLeadIn(lowerAscii(t))) out.push(t);
  }
  return out;
}

/** Failed recipients found in the bounce's own text; null when there are none. */
export function parseFallback(msg: MimeMessage): OobFinding[] | null {
  const evidence = bounceEvidence(msg);
  if (evidence === null) return null;
  // A sentence naming an address ("Mail to a@b failed") is a person's as much as a
  // daemon's: read only in what a mail system sent.
  const sentences = evidence === 'sender';
  const h = msg.headers;
  const own = new Set<string>();
  for (const name of ['from', 'to', 'reply-to', 'sender']) {
    const a = extractAddress(h.get(name));
    if (a !== null) own.add(a.toLowerCase());
  }
  const lines = ownLines(msg);
  let lastNamed = -1;
  let signature = false;
  const collected = collectBlocks(lines, 0, lines.length, {
    start(line, _raw, index) {
      // The notice's signature (RFC 3676 §4.3 "-- " line, to the end of its paragraph):
      // the help desk's or operator's addresses, never a recipient's.
      const raw = lines[index] as string;
      if (raw === '-- ' || raw === '--') signature = true;
      else if (raw.trim() === '') signature = false;
      if (signature) return null;
      // "Intended Recipients: <a@b>" then "Failure Reason: Error: 550 ... forward this to
      // delist@x" (Haraka): a labelled reason right under a recipient is that recipient's,
      // and an address inside it belongs to the server's text, not to a new recipient.
      if (lastNamed >= 0 && reasonLabelled(line) && sameParagraph(lines, lastNamed, index))
        return null;
      // "宛先: a@b" then "理由: 550 5.1.1 Unknown user: a@b": an address in the reason
      // a CJK label gives under a recipient is that recipient's reply, not another one.
      if (lastNamed >= 0 && index - lastNamed <= 6 && cjkReasonText(line) !== null) return null;
      const named = recipientOf(line, index > 0 ? (lines[index - 1] as string) : '', sentences);
      if (named === null) return null;
      const key = named.address.toLowerCase();
      // The bounce's own addresses (its sender, the daemon) are no failed recipients.
      if (own.has(key) || BOUNCE_SENDERS.has(key.slice(0, key.lastIndexOf('@')))) return null;
      lastNamed = index;
      return named;
    },
    continuation: 'paragraph',
  });
  const found: { address: string; text: string[] }[] = [];
  const byKey = new Map<string, { address: string; text: string[] }>();
  const named: { address: string; lines: string[]; reason: string }[] = [];
  for (const b of collected.blocks) {
    // "a@b, c@d" / "<a@b>; <c@d>": a list of recipients on one line shares what follows.
    const more = b.lines.length > 0 ? addressList(b.lines[0] as string) : null;
    const lines = more === null ? b.lines : b.lines.slice(1);
    named.push({ address: b.recipient, lines, reason: b.reason });
    for (const address of more ?? []) named.push({ address, lines, reason: b.reason });
  }
  for (const b of named) {
    const key = b.address.toLowerCase();
    // A list's other addresses pass the same test as the line's first (start() above).
    if (own.has(key) || BOUNCE_SENDERS.has(key.slice(0, key.lastIndexOf('@')))) continue;
    // The reason on the recipient's own line ("Receiver not found: a@b") first: it is
    // about this recipient; the lines after it may be the template's.
    const text = [...(b.reason !== '' ? [b.reason] : []), ...b.lines.slice(0, 8)];
    const seen = byKey.get(key);
    if (seen !== undefined) {
      // A recipient named again further down, where the server's answer follows
      // (hMailServer's "hMailServer sent: RCPT TO:<a@b>" then "Remote server replied:
      // 550 ...", MDaemon's transcript "--> RCPT To:<a@b>" then "<-- 550 ..."): the
      // lines with the reply code explain it better than those without one.
      // MMDF's "a@b (host: h) (queue: smtp)" says where, not why: the reason under
      // "for the following reason:" that names the recipient again says why.
      if (
        seen.text.length === 0 ||
        (onlyWhere(seen.text.join(' ')) && text.length > 0) ||
        (!hasReplyCode(seen.text.join(' ')) && hasReplyCode(text.join(' ')))
      )
        seen.text = text;
      continue;
    }
    if (found.length >= MAX_RECIPIENTS) break;
    const entry = { address: b.address, text };
    byKey.set(key, entry);
    found.push(entry);
  }
  // "Reason: Mailbox full", the lines after "for the following reason:": a reason the
  // bounce states apart from its recipients, for those that have none of their own.
  const reasons = collected.shared.slice(0, 3);
  if (reasons.length === 0 && collected.blocks.length > 0)
    reasons.push(...cjkPreamble(lines, (collected.blocks[0] as { line: number }).line));
  // Exim and Gmail name the failed recipients in X-Failed-Recipients: when present,
  // it is the list, and the text only explains it.
  const listed = extractAddressList(h.get('x-failed-recipients')).filter(isEmailAddress);
  if (listed.length > 0) {
    const byAddress = new Map(found.map((f) => [f.address.toLowerCase(), f]));
    found.length = 0;
    const unique = new Set<string>();
    for (const a of listed.slice(0, MAX_RECIPIENTS)) {
      const key = a.toLowerCase();
      if (unique.has(key)) continue;
      unique.add(key);
      found.push(byAddress.get(key) ?? { address: a, text: [] });
    }
  }
  // One recipient whose own lines hold no reply ("Your message to Jane Doe (a@b)
  // couldn't be delivered."): a failure reply elsewhere in the notice ("Remote Server
  // returned '550 5.1.10 ...'") can be no other recipient's.
  const only = found.length === 1 ? found[0] : undefined;
  if (only !== undefined && !hasReplyCode([...only.text, ...reasons].join(' '))) {
    const reply = unnamedFailure(lines);
    if (reply !== null) only.text = [...only.text, reply];
  }
  let returnedRecipient: string | null = null;
  if (found.length === 0) {
    // A mail system's notice that says a delivery failed and why ("Your message could
    // not be delivered." / "Reason: the recipient's mailbox is full.") without a code.
    const fields = returnedFields(msg, lines.length);
    returnedRecipient = soleReturnedRecipient(fields);
    const unnamed =
      unnamedFailure(lines) ??
      (sentences
        ? statedFailure(lines, reasons, returnedRecipient !== null ? 'one' : fields.size > 0)
        : null);
    if (unnamed === null) return null;
    // The bounce says a delivery failed and names no recipient (sendmail's size
    // refusal, a filter's notice): one finding with no recipient. The pipeline fills
    // it from VERP or the trace header, else from the returned message when that went
    // to one address only (soleReturnedRecipient), and says which. A notice that
    // returns no such message may name the recipient in its own Subject only
    // ("Undeliverable mail to a@b"): the daemon's sentence, read as the body's.
    const inSubject =
      returnedRecipient === null && sentences ? subjectRecipient(h.get('subject'), own) : null;
    found.push({ address: inSubject ?? '', text: [unnamed] });
  }
  const success = isSuccessNotice(lines);
  const state = noticeState(lines);
  const warning = state === 'warning' || (state === null && subjectWarns(h.get('subject') ?? ''));
  const verdict = scannerVerdict(lines);
  const date = parseDate(h.get('date'));
  const originalMessageId = messageIdOf(msg.returned());
  const quoted = subjectReply(decodeEncodedWords(h.get('subject') ?? ''));
  const out: OobFinding[] = [];
  for (const f of found) {
    let parts = f.text.length > 0 && !onlyWhere(f.text.join(' ')) ? f.text : reasons;
    // A recipient listed without a reason of its own or a shared one ("rgreen@b (host: b)
    // (queue: smtp)" under MMDF's "After 12 days (289 hours), your message could not be
    // fully delivered."): the sentence that says the message was not delivered says why.
    if (parts.length === 0 && sentences) {
      const said = undeliveredParagraph(lines);
      if (said !== null) parts = [said];
    }
    // "The message you sent to <a@b> was rejected." then "The remote server said:" and
    // the reply: the recipient's sentence says that it failed, the reply why.
    if (parts === f.text && !hasReplyCode(f.text.join(' ')) && hasReplyCode(reasons.join(' ')))
      parts = [...reasons, ...f.text];
    // (h174) "The message you sent to <a@b> has been blocked and was NOT delivered." then,
    // apart, "Reason: the attachment is an executable file type" (a content gateway's
    // notice): the one recipient's sentence says that it failed, the stated reason why.
    // Only a reason the notice states ("Reason:", the lines after a lead-in), not the
    // CJK preamble read in its place, and only for a text that says it failed.
    else if (
      parts === f.text &&
      found.length === 1 &&
      collected.shared.length > 0 &&
      !hasReplyCode(f.text.join(' ')) &&
      saysFailed(f.text.join(' '))
    )
      parts = [...f.text, ...reasons];
    // A recipient without a reply of its own fails for the scanner's verdict, which
    // says more than the lines beside its address ("Scanner: ClamAV", "RCPT TO: a@b").
    if (verdict !== null && !hasReplyCode(parts.join(' '))) parts = [verdict, ...parts];
    // "Subject: Undeliverable: 550 5.1.1 a@b" over a body that says only that the address
    // does not exist: the reply the Subject quotes is the one recipient's.
    if (quoted !== null && found.length === 1 && !hasReplyCode(parts.join(' ')))
      parts = [quoted, ...parts];
    const text = oneLine(parts.join(' '));
    const reply = extractReply(text, { status: null, action: 'failed' });
    const cls = reply.enhancedCode?.class ?? Math.floor(reply.code / 100);
    // A recipient the text reports delivered ("250 2.0.0 Ok") failed nothing, nor one
    // a success notice lists without a failure reply of its own.
    if (cls === 2 || reportsSuccess(text)) continue;
    if (success && !hasFailureReply(text)) continue;
    out.push({
      kind: 'oob' as const,
      recipient: f.address,
      reply,
      report: {
        source: SOURCE,
        // A warning notice's recipient, without a reply of its own or with a 4xx one,
        // is still being tried. A notice that does not say it will retry is a
        // non-delivery report: a 4xx reply there was the last answer before the
        // message expired or the sender gave up (RFC 3464 §2.3.3: Action failed).
        action: warning && (cls === 4 || !hasReplyCode(text)) ? 'delayed' : 'failed',
        status: null,
        final_recipient: f.address,
        original_recipient: null,
        remote_mta: null,
        reporting_mta: null,
        diagnostic_code: null,
        last_attempt_date: null,
        arrival_date: null,
        original_message_id: originalMessageId,
        supplemental_trace: null,
      },
      time: date,
      label: null,
      ...(f.address === '' && returnedRecipient !== null ? { returnedRecipient } : {}),
    });
  }
  return out.length > 0 ? out : null;
}

/**
 * Sentences of a notice that say the message was not delivered, whoever to (lower
 * case): what makes a mail system's "Reason:" line a failure's reason.
 */
const UNDELIVERED_PHRASES = [
  'could not be delivered',
  // MMDF-II's timeout notice: "After 12 days (289 hours), your message could not be
  // fully delivered." (its "Failed mail" report).
  'could not be fully delivered',
  "couldn't be delivered",
  'was not delivered',
  'undeliverable',
  'delivery failed',
  'delivery has failed',
  'unable to deliver',
  // (h174) The same said with "could not" ("cc:Mail SMTPLINK could not deliver this
  // message."), as "unable to deliver" above.
  'could not deliver',
  "couldn't deliver",
];

function saysUndelivered(lines: readonly string[]): boolean {
  return undeliveredLine(lines) >= 0;
}

/** The index of the first of the notice's first lines that says so, or -1. */
function undeliveredLine(lines: readonly string[]): number {
  for (let i = 0; i < lines.length && i < 60; i++) {
    const lower = lowerAscii(lines[i] as string).replaceAll('\u2019', "'");
    if (UNDELIVERED_PHRASES.some((p) => lower.indexOf(p) >= 0)) return i;
  }
  return -1;
}

/** Most lines of a notice's own words read as the reason of a failure it names no one for. */
const MAX_PARAGRAPH_LINES = 6;

/**
 * The reason a mail system's notice states for a failure it names no recipient for,
 * without a reply code: its "Reason:" lines when it says the message was not delivered.
 * Without such a label, the paragraph that says so (`undeliveredParagraph`: "Your message
 * could not be delivered. The recipient's mailbox is full."), but only when the notice
 * returns the message with the fields saying whom it went to (`returned`: `'one'` when
 * they name one address, true for several, attached or pasted): the failure is then that
 * message's, for one of its recipients, as a "Reason:" notice's is (a record with no
 * recipient, which VERP, the trace header or a returned message sent to one address
 * fills). A notice of sentences alone that names no one and returns nothing tells of no
 * message (fixtures/field-kinds-3 p21). One whose failure sentence announces a list ("was
 * undeliverable to the following:") names its recipients there; when they are local
 * users without a domain (GroupWise, heuristic/mailers.ts) and the returned message went
 * to several, they are no addresses, and one record would merge their failures: none.
 * Null when the notice does not say the message was not delivered.
 */
function statedFailure(
  lines: readonly string[],
  reasons: readonly string[],
  returned: 'one' | boolean,
): string | null {
  if (reasons.length > 0) return saysUndelivered(lines) ? reasons.join(' ') : null;
  if (returned === false) return null;
  if (returned !== 'one') {
    const at = undeliveredLine(lines);
    if (at >= 0 && (lines[at] as string).trimEnd().endsWith(':')) return null;
  }
  return undeliveredParagraph(lines);
}

/**
 * The paragraph of a notice that says the message was not delivered, as one line: the
 * sentences beside that one are the reason ("Your message could not be delivered. The
 * recipient's mailbox is full."). When the sentence stands alone in its paragraph, the
 * next paragraph is read too (a heading, then the explanation). Null when no line says so.
 */
function undeliveredParagraph(lines: readonly string[]): string | null {
  const at = undeliveredLine(lines);
  if (at < 0) return null;
  const start = paragraphStart(lines, at);
  const first = paragraphFrom(lines, start);
  // (h174) A ruled heading over the sentence ("----- Message not delivered -----" /
  // "cc:Mail SMTPLINK could not deliver this message.") is the template's, no reason:
  // the sentence then stands alone, and the next paragraph says why.
  // A ruler that is itself the sentence ("--- Message could not be delivered ---") stays.
  const unruled = first.text.filter((t) => !rulerLine(t));
  const own = unruled.length > 0 ? unruled : first.text;
  if (own.length > 1) return own.join(' ');
  let next = first.end;
  while (next < lines.length && (lines[next] as string).trim() === '') next++;
  const after = paragraphFrom(lines, next).text;
  // The sentence closes the notice's own words ("Receiver not found: 74123.2011", "",
  // "Your message could not be delivered as addressed.", "", "--- Returned Message ---",
  // as CompuServe wrote): a ruler after it opens the returned message, and the
  // paragraph before it says why.
  if (after.length === 0 || rulerLine(after[0] as string)) {
    let prev = start - 1;
    while (prev >= 0 && (lines[prev] as string).trim() === '') prev--;
    if (prev < 0) return own.join(' ');
    return [...paragraphFrom(lines, paragraphStart(lines, prev)).text, ...own].join(' ');
  }
  return [...own, ...after].join(' ');
}

/** The first line of the paragraph that holds line `at` (at most MAX_PARAGRAPH_LINES back). */
function paragraphStart(lines: readonly string[], at: number): number {
  let start = at;
  while (
    start > at - MAX_PARAGRAPH_LINES + 1 &&
    start > 0 &&
    (lines[start - 1] as string).trim() !== ''
  )
    start--;
  return start;
}

/** A ruler line: one that opens with three dashes ("--- Returned Message ---", "-----"). */
function rulerLine(line: string): boolean {
  return line.startsWith('---');
}

/** The trimmed lines of the paragraph that begins at `start` (at most MAX_PARAGRAPH_LINES), and where it ends. */
function paragraphFrom(lines: readonly string[], start: number): { text: string[]; end: number } {
  const text: string[] = [];
  let i = start;
  for (; i < lines.length && text.length < MAX_PARAGRAPH_LINES; i++) {
    const t = (lines[i] as string).trim();
    if (t === '') break;
    text.push(t);
  }
  return { text, end: i };
}

/** Most header lines of a returned message pasted into the text that are read. */
const MAX_PASTED_HEADER_LINES = 200;

/**
 * The returned message's header fields that say who it went to (To, Cc, List-Id,
 * List-Post), lower-case names: an attached message's, else those of the header
 * section pasted after the notice's own text (which ends at line `ownEnd` of the
 * bounce's text).
 */
function returnedFields(msg: MimeMessage, ownEnd: number): Map<string, string> {
  const out = new Map<string, string>();
  const wanted = ['to', 'cc', 'list-id', 'list-post'];
  const returned = msg.returned();
  if (returned !== null) {
    for (const name of wanted) {
      const v = returned.headers.get(name);
      if (v !== null) out.set(name, v);
    }
    return out;
  }
  const lines = new Bounce(msg).lines();
  let current: string | null = null;
  let seen = 0;
  for (let i = ownEnd; i < lines.length && i < ownEnd + MAX_PASTED_HEADER_LINES; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      if (seen > 0) break;
      continue;
    }
    // A folded line (RFC 5322 §2.2.3) continues the field above, wanted or not
    // ("Received: from a" / "<TAB>by b with ESMTPSA; Mon, 1 Dec 2025 09:30:00"): its
    // colons are no field's name.
    if ((line.charCodeAt(0) === 0x20 || line.charCodeAt(0) === 0x09) && seen > 0) {
      if (current !== null) out.set(current, (out.get(current) ?? '') + ' ' + line.trim());
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? lowerAscii(line.slice(0, colon)) : '';
    if (name === '' || name.indexOf(' ') >= 0) {
      // The separator line of the notice ("------ The original message follows ------").
      if (seen === 0) continue;
      break;
    }
    seen++;
    current = wanted.includes(name) && !out.has(name) ? name : null;
    if (current !== null) out.set(current, line.slice(colon + 1).trim());
  }
  return out;
}

/**
 * The recipient a mail system's Subject names in a failure sentence ("Undeliverable
 * mail to a@b", "Delivery failure for <a@b>"), not one of the bounce's own addresses;
 * null otherwise. "Undeliverable: Question from a@b" (the returned message's subject
 * after a prefix) names no destination.
 */
function subjectRecipient(subject: string | null, own: ReadonlySet<string>): string | null {
  if (subject === null || subject.length > 400) return null;
  const named = sentenceAddress(decodeEncodedWords(subject));
  if (named === null) return null;
  const key = named.address.toLowerCase();
  if (own.has(key) || BOUNCE_SENDERS.has(key.slice(0, key.lastIndexOf('@')))) return null;
  return named.address;
}

/**
 * The one address the returned message was sent to (its fields as `returnedFields` reads
 * them), for a notice that names no recipient: its To and Cc hold exactly one address,
 * and it was no list post (the address is not the list's own by List-Post, RFC 2369, or
 * by List-Id, RFC 2919, whose id is the list's address with "." for "@" by convention).
 * Then the failed recipient can be no other; with several addresses, or a list's, none
 * is chosen.
 */
function soleReturnedRecipient(fields: ReadonlyMap<string, string>): string | null {
  return soleAddressOf((name) => fields.get(name) ?? null);
}
