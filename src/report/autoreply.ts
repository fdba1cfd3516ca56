// RFC 3834 automatic responses (vacation, out-of-office) recognised by
// Auto-Submitted: auto-replied (§5), the vendor headers that predate it, and the
// subjects responders put on them. The recipient is the responder's own address:
// that is the address the bounce domain mailed.
import RE2 from 're2';
import { answeredMessageId, extractAddress, localPartOf } from './address';
import { decodeEncodedWords } from './codec';
import { parseDate } from './date';
import { autoSubmittedKeyword, isListMail } from './header';
import { fromMailSystem, TRANSLATED_BOUNCE_SUBJECTS } from './heuristic/common';
import { fromExchangeNdrMailbox } from './heuristic/exchange';
import type { MimeMessage } from './mime';
import { dropTags, hasReplyCode, oneLine } from './reply';
import type { OobFinding } from './types';
import { rfc3339, type OobReport } from '../values';

/** Headers whose presence (any value but "no"/"false") marks an auto-reply. */
const AUTOREPLY_HEADERS = [
  'x-autoreply',
  'x-autorespond',
  'x-mail-autoreply',
  'x-vacation',
  'x-autoresponder',
];

/**
 * Subject prefixes that responders put before the original subject, in the
 * languages Outlook, Exchange, Gmail, Yahoo and the common webmails use (lower case).
 */
const SUBJECT_PREFIXES = [
  'auto response',
  'auto-response',
  'autoresponse',
  'auto reply',
  'auto-reply',
  'autoreply',
  'automatic reply',
  'automatic response',
  'autorespons',
  'out of office',
  'out of the office',
  'ooo:',
  'on vacation',
  'away from',
  'abwesenheitsnotiz',
  'automatische antwort',
  'abwesend',
  'réponse automatique',
  'reponse automatique',
  'absence',
  "message d'absence",
  'respuesta automática',
  'respuesta automatica',
  'fuera de la oficina',
  'ausente',
  'risposta automatica',
  'fuori sede',
  'fuori ufficio',
  'resposta automática',
  'resposta automatica',
  'ausência',
  'fora do escritório',
  'automatisch antwoord',
  'afwezig',
  'automatiskt svar',
  'automatisk svar',
  'frånvaro',
  'fravær',
  'automaattinen vastaus',
  'odpowiedź automatyczna',
  'automatyczna odpowiedź',
  'nieobecność',
  'automatická odpověď',
  'automatikus válasz',
  'otomatik yanıt',
  'автоматический ответ',
  'автоответ',
  '自動返信',
  '自動応答',
  // Simplified Chinese: Microsoft's zh-CN documentation names Outlook's Automatic Replies
  // 自动答复 (automaticRepliesSetting, "自动答复设置"), and zh-CN Outlook puts it before the
  // subject as it puts "Automatic reply:" in English.
  '自动答复',
  '不在',
  '自动回复',
  '自動回覆',
  '자동 응답',
  '자동 회신',
  '부재중',
  // More of Outlook's localised "Automatic reply:" (Danish, Slovak, Croatian/Serbian/
  // Bosnian, Romanian, Ukrainian, Greek, Hebrew, Arabic, Indonesian, Vietnamese).
  'autosvar',
  'automatická odpoveď',
  'automatski odgovor',
  'răspuns automat',
  'автоматична відповідь',
  'αυτόματη απάντηση',
  'תשובה אוטומטית',
  'رد تلقائي',
  'balasan otomatis',
  'trả lời tự động',
];

/** Phrases anywhere in a subject that only responders use (lower case). */
const SUBJECT_PHRASES = [
  'on vacation',
  'on holiday',
  'away from my mail',
  'away from the office',
  'out of office',
  'out of the office',
  'automatic reply',
  'auto-reply',
  'autoreply',
  'abwesenheitsnotiz',
  'réponse automatique',
];

/** Replies and forwards by a person start with these; such a subject is no evidence. */
const HUMAN_PREFIXES = [
  're:',
  'fw:',
  'fwd:',
  'aw:',
  'wg:',
  'sv:',
  'vs:',
  'tr:',
  'rv:',
  'r:',
  'odp:',
];

/**
 * An auto-reply that says the mailbox is gone is a failed delivery in all but
 * form. It carries no SMTP reply, so none is made up: the record keeps what the
 * message said, and the conclusion goes in `oob_report.inferred` as status 5.2.1
 * ("mailbox disabled", RFC 3463 §3.3), which the classifier falls back on when the
 * sentence itself matches no rule (InactiveMailbox rather than AutoReply). Lower case.
 */
const INACTIVE_PHRASES = [
  'no longer in use',
  // Reported in https://github.com/sisimai/go-sisimai/issues/202 as "no longer in use";
  // the same said another way.
  'not in use any more',
  'not in use anymore',
  'not used any more',
  'not used anymore',
  'no longer used',
  'is no longer active',
  'no longer exists',
  'is no longer valid',
  'is no longer monitored',
  'no longer being monitored',
  'no longer with the company',
  'no longer with our company',
  'no longer with the organization',
  'no longer employed',
  // Third or first person ("she has left the company", "I have left the company",
  // "I left the organisation in May"): the person gone for good.
  'left the company',
  'left the organization',
  'left the organisation',
  'das unternehmen verlassen',
  'a quitté la société',
  "a quitté l'entreprise",
  // The person gone, said in the first person, and the mailbox left unread for good
  // (reported: out-of-office replies and gone-for-good replies treated alike,
  // https://github.com/mautic/mautic/issues/2761).
  'no longer work at',
  'no longer work for',
  'no longer working at',
  'no longer working for',
  'no longer monitored',
  'not monitored any more',
  'not monitored anymore',
  'account has been disabled',
  'account has been closed',
  'account has been deactivated',
  'account has been deleted',
  'account has been suspended',
  'account is disabled',
  'mailbox has been disabled',
  'mailbox has been closed',
  'mailbox has been deactivated',
  'mailbox is disabled',
  'mailbox is no longer',
  'address is no longer',
  'nicht mehr aktiv',
  'nicht mehr verwendet',
  'nicht mehr genutzt',
  'nicht mehr in gebrauch',
  "n'est plus utilisée",
  "n'est plus active",
  "n'est plus valide",
  'ya no está en uso',
  'ya no se utiliza',
  'ya no está activa',
];

/** What an auto-reply with one of INACTIVE_PHRASES amounts to. */
const INACTIVE_INFERENCE = Object.freeze({
  status: '5.2.1',
  reason: 'auto-reply says the mailbox is no longer in use',
});

/** Senders whose messages are bounces or system mail, never a person's auto-reply. */
const SYSTEM_LOCAL_PARTS = new Set(['mailer-daemon', 'postmaster', 'root']);

/**
 * Subject words of delivery-failure notices, lower case: Postfix "Undelivered Mail
 * Returned to Sender", Exchange "Undeliverable:", Exim "Mail delivery failed", sendmail
 * "Returned mail:", qmail "failure notice", Gmail/Exchange "Delivery Status
 * Notification (Failure)", Domino "DELIVERY FAILURE", "Non-delivery report".
 */
const NOTICE_SUBJECT_WORDS = [
  'undeliver',
  'mail delivery failed',
  'delivery failure',
  'delivery status notification',
  'returned mail',
  'failure notice',
  'non-delivery',
  'nondelivery',
];

/**
 * True when the From or Subject is a mail system's delivery notice, not a person's
 * responder: a daemon's From, Exchange's NDR mailbox, a failure subject in English or
 * in the languages of translated notices (TRANSLATED_BOUNCE_SUBJECTS: Exchange's
 * "Unzustellbar:", "Non remis :", Postfix and provider templates, 退信, 配信不能).
 */
function mailSystemNotice(from: string | null, lowerSubject: string): boolean {
  if (fromMailSystem((from ?? '').toLowerCase())) return true;
  if (fromExchangeNdrMailbox(from)) return true;
  for (const w of NOTICE_SUBJECT_WORDS) if (lowerSubject.indexOf(w) >= 0) return true;
  for (const w of TRANSLATED_BOUNCE_SUBJECTS) if (lowerSubject.indexOf(w) >= 0) return true;
  return false;
}

function hasFlag(value: string | null): boolean {
  if (value === null) return false;
  const v = value.trim().toLowerCase();
  return v !== 'no' && v !== 'false' && v !== '0';
}

/**
 * Brackets responders and webmails put around a subject tag: "[Auto-Reply] …",
 * "【自動返信】…" (Japanese webmails write their tags in lenticular brackets), "(Out of
 * office) …". Opening ones only: the tag's own words follow.
 */
const OPENING_BRACKETS = '[(<{【（「『〔［＜';

/** The subject without leading opening brackets and spaces, lower case. */
function untaggedSubject(subject: string): string {
  const s = subject.trim().toLowerCase();
  let i = 0;
  while (i < s.length && (OPENING_BRACKETS.includes(s.charAt(i)) || s.charAt(i) === ' ')) i++;
  return s.slice(i);
}

/**
 * Reply prefixes (RFC 5322 §3.6.5 "Re:", and the localised ones Outlook writes: German
 * "AW:", Nordic "SV:"/"VS:", Polish "Odp:", Italian "R:", Spanish "RE:"), lower case.
 */
const REPLY_PREFIXES = ['re:', 'aw:', 'sv:', 'vs:', 'odp:', 'r:', 'antw:', 'ynt:'];

/**
 * Forward prefixes ("Fw:", German "WG:", French "TR:", Spanish "RV:", Dutch "Doorst:",
 * Finnish "VL:", Italian "I:", Portuguese "ENC:"), lower case: a forward is no answer.
 */
const FORWARD_PREFIXES = ['fw:', 'fwd:', 'wg:', 'tr:', 'rv:', 'doorst:', 'vl:', 'i:', 'enc:'];

/**
 * The subject answers a message: a reply prefix, after any leading "[desk name]" tags
 * that ticket systems put first ("[Example Support] Re: …", "[Ticket#…] RE: …").
 */
function replySubject(subject: string): boolean {
  const s = withoutTags(subject);
  for (const p of REPLY_PREFIXES) if (s.startsWith(p)) return true;
  return false;
}

function forwardSubject(subject: string): boolean {
  const s = subject.trim().toLowerCase();
  for (const p of FORWARD_PREFIXES) if (s.startsWith(p)) return true;
  return false;
}

/** In-Reply-To or References name a message (RFC 3834 §3.1.5 asks responders for both). */
function answersMessage(msg: MimeMessage): boolean {
  const h = msg.headers;
  return (h.get('in-reply-to') ?? '').trim() !== '' || (h.get('references') ?? '').trim() !== '';
}

/**
 * Mail a list manager sends about a post (Mailman's X-List-Administrivia on its
 * moderation and subscription notices): machine mail answering a message, yet no
 * auto-reply of a mailbox.
 */
function listAdministrivia(msg: MimeMessage): boolean {
  return hasFlag(msg.headers.get('x-list-administrivia'));
}

/**
 * The replies of an Exchange/Outlook mailbox rule ("reply using a specific template",
 * "have the server reply"): Exchange stamps what its rules generate with
 * X-MS-Exchange-Inbox-Rules-Loop naming the mailbox whose rule ran (Microsoft Learn,
 * "X-MS-Exchange-Inbox-Rules-Loop" in the Exchange message headers reference). A rule
 * that forwards writes the same header, so a forward subject sets it aside, and a
 * redirect keeps the original From, which is not the mailbox.
 */
function exchangeRuleReply(msg: MimeMessage, from: string | null, subject: string): boolean {
  const loop = extractAddress(msg.headers.get('x-ms-exchange-inbox-rules-loop'));
  if (loop === null || from === null) return false;
  return loop.toLowerCase() === from.toLowerCase() && !forwardSubject(subject);
}

/**
 * procmail's autoresponder as procmailex(5) gives it: `formail -r` builds the reply
 * (In-Reply-To, "Re:" subject), `-I"Precedence: junk"` and `-A"X-Loop: …"` mark it. A
 * list post carries X-Loop and Precedence too (SmartList, Sympa) but also list
 * headers; a reply to nothing is no auto-reply.
 */
function procmailReply(msg: MimeMessage): boolean {
  const h = msg.headers;
  const precedence = (h.get('precedence') ?? '').trim().toLowerCase();
  if (precedence !== 'junk' && precedence !== 'bulk') return false;
  return (h.get('x-loop') ?? '').trim() !== '' && answersMessage(msg) && !isListMail(msg.headers);
}

/**
 * Auto-Submitted: auto-generated (RFC 3834 §5) is any machine mail; it is an automatic
 * answer when it answers a message (In-Reply-To/References, a reply subject): ticket
 * systems' acknowledgements (Zendesk, Freshdesk), Exchange and Domino responders that
 * mark their out-of-office this way. Not a list manager's notice about a post.
 */
function generatedAnswer(msg: MimeMessage, autoSubmitted: string, subject: string): boolean {
  if (autoSubmitted !== 'auto-generated') return false;
  if (isListMail(msg.headers) || listAdministrivia(msg)) return false;
  return answersMessage(msg) || replySubject(subject);
}

/**
 * Subject prefixes that are also ordinary words a person starts a subject with ("Auto:
 * which garage did you use?", "Vacation photos"): with no auto-reply header they count
 * only when the text says the person is away (AWAY_PHRASES). Reported: an auto-reply
 * known only by its "Auto:" subject, https://github.com/mysociety/writetothem/issues/1
 * (Pigeonhole Sieve's default vacation subject is "Auto: <subject>", but it also writes
 * Auto-Submitted, which is evidence on its own).
 */
const WORD_SUBJECT_PREFIXES = ['auto:', 'vacation'];

/**
 * The same in the languages of SUBJECT_PREFIXES' localised responders (lower case): what
 * people write in the out-of-office text Outlook, Gmail and Thunderbird's vacation
 * filters leave to them, gathered for this project from common usage (each language's
 * ordinary words for being out of the office, on leave or holiday, and coming back; no
 * template's sentence). Words that a failure notice uses too ("nicht erreichbar" of a
 * host, "absent" alone, 不在 in 宛先不在) stay out: the phrase must be about a person.
 */
const TRANSLATED_AWAY_PHRASES = [
  // German: "nicht im Büro", "außer Haus", "im Urlaub", "abwesend", "bin ab dem 4. wieder
  // im Büro", "nach meiner Rückkehr", "keinen Zugriff auf meine E-Mails".
  'nicht im büro',
  'außer haus',
  'ausser haus',
  'im urlaub',
  'in urlaub',
  'bin abwesend',
  'wieder im büro',
  'nach meiner rückkehr',
  'keinen zugriff auf meine e-mail',
  'eingeschränktem zugriff',
  // French: "absent(e) du bureau", "en congé(s)", "en vacances", "à mon retour", "de retour le".
  'absent du bureau',
  'absente du bureau',
  'je suis absent',
  'en congé',
  'en vacances',
  'hors du bureau',
  'à mon retour',
  'de retour le',
  // Spanish: "fuera de la oficina", "de vacaciones", "a mi regreso", "estaré de vuelta".
  'fuera de la oficina',
  'estoy fuera',
  'de vacaciones',
  'estoy ausente',
  'a mi regreso',
  'a mi vuelta',
  'de vuelta el',
  // Italian: "fuori ufficio", "fuori sede", "in ferie", "in vacanza", "al mio rientro".
  'fuori ufficio',
  'fuori sede',
  'in ferie',
  'in vacanza',
  'sono assente',
  'al mio rientro',
  'al mio ritorno',
  // Portuguese: "fora do escritório", "de férias", "ausente do escritório", "no meu regresso".
  'fora do escritório',
  'de férias',
  'em férias',
  'estou ausente',
  'ausente do escritório',
  'no meu regresso',
  'quando regressar',
  'quando retornar',
  // Dutch: "afwezig", "met vakantie", "niet op kantoor", "na mijn terugkomst".
  'ben afwezig',
  'met vakantie',
  'op vakantie',
  'niet op kantoor',
  'buiten kantoor',
  'na mijn terugkomst',
  'weer aanwezig',
  // Polish: "poza biurem", "na urlopie", "nieobecny/nieobecna", "po powrocie".
  'poza biurem',
  'na urlopie',
  'jestem nieobecn',
  'po powrocie',
  // Swedish, Danish, Norwegian: "på semester", "inte på kontoret", "på ferie", "frånvarande".
  'på semester',
  'inte på kontoret',
  'frånvarande',
  'på ferie',
  'ikke på kontoret',
  // Japanese: 不在にしております / 不在です (I am away), 休暇 (leave), 休業 (closed for the
  // holidays), 出張中 / 外出中 (on a trip, out).
  '不在にして',
  '不在です',
  '不在のため',
  '休暇',
  '休業',
  '出張中',
  '外出中',
  // Chinese: 休假 (on leave), 度假, 不在办公室 / 不在辦公室 (not in the office), 出差 (on a trip).
  '休假',
  '度假',
  '不在办公室',
  '不在辦公室',
  '出差',
  // Korean: 부재중 (away), 휴가 (leave).
  '부재중',
  '휴가',
  // Czech and Slovak: "mimo kancelář", "na dovolené" / "na dovolenke".
  'mimo kancelář',
  'mimo kanceláriu',
  'na dovolené',
  'na dovolenke',
  // Russian and Ukrainian: "в отпуске" / "у відпустці", "вне офиса", "отсутствую".
  'в отпуске',
  'вне офиса',
  'отсутствую',
  'у відпустці',
  // Finnish "lomalla", "poissa toimistolta"; Hungarian "szabadságon", "házon kívül";
  // Turkish "izindeyim", "ofis dışında".
  'lomalla',
  'poissa toimistolta',
  'szabadságon',
  'házon kívül',
  'izindeyim',
  'ofis dışında',
];

/**
 * What an away message says in its opening text (English, the language of the prefixes
 * above, then TRANSLATED_AWAY_PHRASES; lower case): absence, leave, limited access, a
 * date of return.
 */
const AWAY_PHRASES = [
  'out of the office',
  'out of office',
  'away from',
  'i am away',
  "i'm away",
  'currently away',
  'on leave',
  'on vacation',
  'on holiday',
  'on annual leave',
  'limited access',
  'will respond on my return',
  'on my return',
  'upon my return',
  'when i return',
  "when i'm back",
  'when i am back',
  'i will be back',
  "i'll be back",
  'return on',
  'returning on',
  'back in the office',
  'not in the office',
  ...TRANSLATED_AWAY_PHRASES,
];

/**
 * Whether the subject marks an auto-reply: 'strong' (a responder's own prefix or
 * phrase), 'word' (a prefix that is also an everyday word: WORD_SUBJECT_PREFIXES), or
 * null (no evidence).
 */
function subjectEvidence(subject: string): 'strong' | 'word' | null {
  const s = untaggedSubject(subject);
  if (s === '') return null;
  if (humanSubject(s)) return null;
  for (const p of SUBJECT_PREFIXES) if (s.startsWith(p)) return 'strong';
  // A list's or desk's "[Team] Re: …" is a person's reply behind a tag: what it says
  // about an out-of-office is no evidence either (a responder's own tag, "[Auto-Reply]",
  // was taken above).
  if (humanSubject(withoutTags(subject))) return null;
  for (const p of SUBJECT_PHRASES) if (s.indexOf(p) >= 0) return 'strong';
  for (const p of WORD_SUBJECT_PREFIXES) if (s.startsWith(p)) return 'word';
  return null;
}

/** The opening text says its writer is away (AWAY_PHRASES) or gone (INACTIVE_PHRASES). */
function saysAway(msg: MimeMessage): boolean {
  const lower = leadingText(msg, 1000).toLowerCase();
  for (const p of AWAY_PHRASES) if (lower.indexOf(p) >= 0) return true;
  for (const p of INACTIVE_PHRASES) if (lower.indexOf(p) >= 0) return true;
  return false;
}

/** The subject without leading "[…]" tags, lower case. */
function withoutTags(subject: string): string {
  let s = subject.trim().toLowerCase();
  while (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return s;
    s = s.slice(end + 1).trim();
  }
  return s;
}

function humanSubject(lowerSubject: string): boolean {
  for (const p of HUMAN_PREFIXES) if (lowerSubject.startsWith(p)) return true;
  return false;
}

/** The first part of the reply's own text (plain preferred, HTML tags dropped), lower case. */
function leadingText(msg: MimeMessage, max: number): string {
  const texts = msg.texts();
  const plain = texts.find((t) => t.type === 'text/plain') ?? texts[0];
  if (plain === undefined) return '';
  let text = plain.text.length > max * 4 ? plain.text.slice(0, max * 4) : plain.text;
  if (plain.type === 'text/html') text = dropTags(text);
  text = oneLine(text);
  return text.length > max ? text.slice(0, max) : text;
}

/** The sentence of `text` around `at` (a sentence ends at ".", "!" or "?" before a space). */
function sentenceAround(text: string, at: number): string {
  const ends = (i: number): boolean => {
    const c = text.charAt(i);
    return (
      (c === '.' || c === '!' || c === '?') && (i + 1 >= text.length || text.charAt(i + 1) === ' ')
    );
  };
  let start = at;
  while (
    start > 0 &&
    at - start < 300 &&
    !ends(start - 1) &&
    !(start >= 2 && text.charAt(start - 1) === ' ' && ends(start - 2))
  )
    start--;
  let end = at;
  while (end < text.length && end - at < 300) {
    end++;
    if (ends(end - 1)) break;
  }
  return text.slice(start, end).trim();
}

/**
 * The `oob_report` of a message that answers ours rather than reporting on it (an
 * auto-reply, a challenge-response probe): `auto-replied`, no MTA or diagnostic
 * fields, the answer's own date as `arrival_date`.
 */
export function answerReport(
  source: string,
  recipient: string | null,
  date: Date | null,
  originalMessageId: string | null,
): OobReport {
  return {
    source,
    action: 'auto-replied',
    status: null,
    final_recipient: recipient,
    original_recipient: null,
    remote_mta: null,
    reporting_mta: null,
    diagnostic_code: null,
    last_attempt_date: null,
    arrival_date: date === null ? null : rfc3339(date),
    original_message_id: originalMessageId,
    supplemental_trace: null,
  };
}

/** An RFC 3834 auto-reply; null when the message is none. */
export function parseAutoReply(msg: MimeMessage): OobFinding | null {
  const h = msg.headers;
  const fromAddr = extractAddress(h.get('from'));
  if (SYSTEM_LOCAL_PARTS.has(localPartOf(h.get('from')))) return null;
  const subject = decodeEncodedWords(h.get('subject') ?? '');
  const lowerSubject = subject.toLowerCase();
  // sudo's "security information for" and Exim's "Mail failure -" are system mail.
  if (
    lowerSubject.indexOf('security information for') >= 0 ||
    lowerSubject.indexOf('mail failure -') >= 0
  )
    return null;
  // A bounce is no auto-reply, whatever its Auto-Submitted says (Exim writes
  // "Auto-Submitted: auto-replied" on its bounces): leave it to the bounce parsers. After
  // a responder's or a reply prefix ("Automatic reply: Undelivered parcel …", "Re:
  // Returned mail label …") the subject is the answered message's, and its words say
  // nothing of this one: then only a text that reports a failure makes it a notice.
  const answered = answeredSubject(subject);
  if (mailSystemNotice(h.get('from'), answered ? '' : lowerSubject)) return null;
  if (answered && mailSystemNotice(null, lowerSubject) && reportsFailure(msg)) return null;
  // Exchange (2007+, Office 365) marks each of its non-delivery reports with
  // X-MS-Exchange-Message-Is-Ndr and sends them with "Auto-Submitted: auto-replied"
  // from a display name and subject in the sender's language; its out-of-office
  // replies never carry the field.
  if (h.has('x-ms-exchange-message-is-ndr')) return null;

  // RFC 5436 §2.7.2's auto-notified marks a Sieve notification: a notice to the
  // mailbox owner's chosen address that a message arrived, answering nothing (its
  // Subject may repeat the notified message's, "Automatic reply: ..." among them). It
  // is no auto-reply, and no report: no record (README, log records).
  const autoSubmitted = autoSubmittedKeyword(h.get('auto-submitted'));
  if (autoSubmitted === 'auto-notified') return null;
  let evidence = responderHeader(msg);
  if (!evidence) evidence = generatedAnswer(msg, autoSubmitted, subject);
  if (!evidence) evidence = exchangeRuleReply(msg, fromAddr, subject);
  if (!evidence) evidence = procmailReply(msg);
  // A subject is enough on its own (Outlook's "Automatic reply:" carries no header);
  // Auto-Submitted: auto-generated alone is any machine mail, so it is not (above: only
  // when it answers a message).
  if (!evidence && !isListMail(msg.headers)) {
    const bySubject = subjectEvidence(subject);
    evidence = bySubject === 'strong' || (bySubject === 'word' && saysAway(msg));
  }
  if (!evidence) return null;
  return answerFinding(msg, fromAddr, subject);
}

/**
 * The fields only a responder writes: RFC 3834 §5's `Auto-Submitted: auto-replied`, the
 * vendor flags that predate it (X-Autoreply, X-Vacation, ...), Apple Mail's
 * `X-Apple-Action: vacation`, `Precedence: auto_reply`.
 */
function responderHeader(msg: MimeMessage): boolean {
  const h = msg.headers;
  if (autoSubmittedKeyword(h.get('auto-submitted')) === 'auto-replied') return true;
  for (const name of AUTOREPLY_HEADERS) if (hasFlag(h.get(name))) return true;
  if ((h.get('x-apple-action') ?? '').trim().toLowerCase() === 'vacation') return true;
  return (h.get('precedence') ?? '').trim().toLowerCase() === 'auto_reply';
}

/**
 * What a delivery-failure notice says in its opening text and an away message never
 * does (lower case): that a message was not delivered (RFC 3464 §1's "non-delivery"
 * in the words of Postfix, Exchange, Exim, sendmail and qmail notices).
 */
const NOT_DELIVERED_PHRASES = [
  'could not be delivered',
  "couldn't be delivered",
  'was not delivered',
  'not been delivered',
  'undeliverable',
  'undelivered',
  'delivery failed',
  'delivery has failed',
  'delivery to the following',
  'unable to deliver',
  'permanent error',
  'permanent fatal error',
  // The same in translated notices (Exchange's localized NDR templates, translated
  // Postfix and Exim texts, Japanese and Chinese providers): "could not be delivered",
  // "delivery failed", "undeliverable".
  'nicht zugestellt',
  'unzustellbar',
  'zustellung fehlgeschlagen',
  'übermittlung an folgende empfänger',
  "n'a pas pu être remis",
  "n'a pas pu être distribué",
  'non remis',
  'no se pudo entregar',
  'no pudo ser entregado',
  'no se puede entregar',
  'error al entregar',
  'non è stato recapitato',
  'impossibile recapitare',
  'recapito non riuscito',
  'não pôde ser entregue',
  'não foi entregue',
  'falha na entrega',
  'kon niet worden bezorgd',
  'kon niet worden afgeleverd',
  'bezorging is mislukt',
  'nie został dostarczon',
  'nie została dostarczon',
  'nie można dostarczyć',
  'nie powiodło się',
  '配信できませんでした',
  '配信に失敗',
  '無法傳遞',
  '无法传递',
  '无法投递',
  '投递失败',
  '退信',
];

/** An enhanced status code of class 4 or 5 (RFC 3463 §2) anywhere in the text. */
const ENHANCED_STATUS = new RE2('(?:^|[^0-9.])[45]\\.[0-9]{1,3}\\.[0-9]{1,3}(?:[^0-9.]|$)');

/**
 * The opening text reports a failed delivery: an SMTP reply, an enhanced status code of
 * class 4 or 5, or a "could not be delivered" phrase (NOT_DELIVERED_PHRASES).
 */
function reportsFailure(msg: MimeMessage): boolean {
  const text = leadingText(msg, 1000);
  if (hasReplyCode(text) || ENHANCED_STATUS.test(text)) return true;
  const lower = text.toLowerCase().replaceAll('\u2019', "'");
  for (const p of NOT_DELIVERED_PHRASES) if (lower.indexOf(p) >= 0) return true;
  return false;
}

/**
 * The subject starts with a responder's prefix (SUBJECT_PREFIXES, WORD_SUBJECT_PREFIXES:
 * "Automatic reply:", "Auto:", "自動応答:") or a reply prefix ("Re:", "AW:"), after any leading tags: what
 * follows is the subject of the message it answers.
 */
function answeredSubject(subject: string): boolean {
  const s = untaggedSubject(subject);
  for (const p of SUBJECT_PREFIXES) if (s.startsWith(p)) return true;
  for (const p of WORD_SUBJECT_PREFIXES) if (s.startsWith(p)) return true;
  return replySubject(subject);
}

/**
 * An auto-reply dressed as a bounce: a vacation program that signs as "Mail Delivery
 * System" or titles its answer "Delivery Notification", so that `parseAutoReply` set it
 * aside for the bounce parsers. For a message none of them recognised: a responder's
 * header field (RFC 3834 §5 or a vendor flag; a subject is no evidence here), an opening
 * text that says its writer is away or gone, and no failure in it (no SMTP reply or
 * enhanced status code, no "could not be delivered"). A mail system's address
 * (MAILER-DAEMON, postmaster) and Exchange's NDR flag still mean a notice.
 */
export function parseDressedAutoReply(msg: MimeMessage): OobFinding | null {
  const h = msg.headers;
  if (SYSTEM_LOCAL_PARTS.has(localPartOf(h.get('from')))) return null;
  if (h.has('x-ms-exchange-message-is-ndr') || h.has('x-failed-recipients')) return null;
  if (!responderHeader(msg) || !saysAway(msg) || reportsFailure(msg)) return null;
  return answerFinding(
    msg,
    extractAddress(h.get('from')),
    decodeEncodedWords(h.get('subject') ?? ''),
  );
}

/** The AutoReply finding of a message recognised as an automatic answer. */
function answerFinding(
  msg: MimeMessage,
  fromAddr: string | null,
  subject: string,
): OobFinding | null {
  const h = msg.headers;
  // Sisimai takes From, then Return-Path; Reply-To may name someone else (a colleague, a ticket desk).
  const recipient =
    fromAddr ?? extractAddress(h.get('return-path')) ?? extractAddress(h.get('reply-to'));
  if (recipient === null) {
    msg.problems.push({
      code: 'autoreply.no-address',
      detail: 'an auto-reply without a From, Return-Path or Reply-To address',
    });
    return null;
  }
  const date = parseDate(h.get('date'));
  const originalMessageId = answeredMessageId(h.get('in-reply-to'), h.get('references'));

  const text = leadingText(msg, 4000);
  const lower = text.toLowerCase();
  let inactiveAt = -1;
  for (const p of INACTIVE_PHRASES) {
    const i = lower.indexOf(p);
    if (i >= 0 && (inactiveAt < 0 || i < inactiveAt)) inactiveAt = i;
  }
  const report = answerReport('rfc3834', recipient, date, originalMessageId);
  // An auto-reply carries no SMTP reply of its own. What it does establish is that
  // the message was delivered to a mailbox that answered: 250 (RFC 5321 §4.2.2,
  // "requested mail action okay, completed") is the one reply code that says no
  // more than that; no enhanced code, as none was given.
  if (inactiveAt >= 0) {
    return {
      kind: 'oob',
      recipient,
      reply: {
        code: 250,
        enhancedCode: null,
        content: sentenceAround(text, inactiveAt),
        command: null,
      },
      report: { ...report, inferred: INACTIVE_INFERENCE },
      time: date,
      // The rules decide, on the sentence, else on the inference.
      label: null,
    };
  }
  return {
    kind: 'oob',
    recipient,
    reply: { code: 250, enhancedCode: null, content: oneLine(subject), command: null },
    report,
    time: date,
    label: 'AutoReply',
  };
}
