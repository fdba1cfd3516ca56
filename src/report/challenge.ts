// Challenge-response probes (DESIGN.md §5): a filter that holds our message and asks
// the sender to prove it is a person before it delivers it ("please confirm you are
// human", "click the link below to verify", "reply to this message", whitelist and
// approved-senders requests). They come from a challenge service (Boxbe, SpamArrest,
// Mailblocks, Sendio) or from the recipient's own mailbox software (TMDA, ASK,
// qconfirm), always with a request and a held message. Not a bounce: one OOB finding
// labelled ChallengeResponse (KumoMTA's label), never a failed recipient.
//
// Recognised by structure: the sender (a service's domain, TMDA's header), and the
// two things every challenge says, in phrase families by meaning: that the message is
// held until the sender acts, and what the sender must do. A subscription
// confirmation or a vacation notice says one of them at most.
import { answeredMessageId, extractAddress, isEmailAddress, localPartOf } from './address';
import { answerReport } from './autoreply';
import { decodeEncodedWords } from './codec';
import { parseDate } from './date';
import { messageIdOf } from './dsn';
import type { MimeMessage } from './mime';
import { dropTags, oneLine } from './reply';
import type { OobFinding } from './types';

/** The label of every challenge finding (KumoMTA's predefined label). */
export const CHALLENGE_LABEL = 'ChallengeResponse';

/** Domains of challenge-response services (their own notices come from these). */
export const CHALLENGE_SERVICE_DOMAINS = [
  'boxbe.com',
  'spamarrest.com',
  'mailblocks.com',
  'sendio.com',
];

/**
 * Header fields that mailbox-side challenge software adds: TMDA's `X-Delivery-Agent:
 * TMDA/<version>` (tmda.net, "TMDA headers").
 */
const AGENT_MARKERS = ['tmda/'];

/** True when `s` is ASCII digits only, or (letters) ASCII letters and digits. */
function allChars(s: string, letters: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    const digit = s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39;
    if (!digit && !(letters && c >= 0x61 && c <= 0x7a)) return false;
  }
  return true;
}

/**
 * TMDA's confirmation address, the one a challenge asks the sender to reply to: the
 * user's address with a "confirm" tag and a cookie of the message's timestamp, the
 * process id and an HMAC ("<user>-confirm-1700000000.12345.4f2a1c@<domain>"; TMDA's
 * TAGS_CONFIRM and CONFIRM_ADDRESS settings, "Tagged addresses" in its documentation).
 * Returns the untagged address, or null when `address` is no such address.
 */
export function untaggedConfirmAddress(address: string | null): string | null {
  if (address === null) return null;
  const at = address.lastIndexOf('@');
  if (at <= 0) return null;
  const local = address.slice(0, at);
  const tag = local.toLowerCase().lastIndexOf('-confirm-');
  if (tag <= 0) return null;
  // The cookie: dot-separated fields, the first a timestamp (digits), the last an HMAC.
  const cookie = local.slice(tag + '-confirm-'.length).split('.');
  if (cookie.length < 3) return null;
  const [stamp] = cookie;
  if (stamp === undefined || stamp.length < 6 || !allChars(stamp, false)) return null;
  if (!cookie.every((part) => part.length > 0 && allChars(part, true))) return null;
  return local.slice(0, tag) + address.slice(at);
}

/**
 * The proof of being a person that only a challenge asks for (lower case): "Please
 * confirm you are human", "verify that you are a real person". Also read in the
 * subject, where self-hosted challenge software puts the request itself.
 */
const PERSON_PROOF_PHRASES = [
  'confirm you are human',
  'confirm you are a human',
  'confirm that you are human',
  'confirm that you are a human',
  'confirm that you are a real person',
  'confirm you are a real person',
  'verify you are human',
  'verify you are a human',
  'verify that you are human',
  'verify that you are a human',
  'verify that you are a real person',
  'verify you are a real person',
  'prove you are human',
  'prove that you are human',
  'prove you are a real person',
  'prove that you are a real person',
  // "a person" without "real", and the robot it is set against ("verify that you are a
  // person and not a spam robot": SpamArrest-style requests).
  'verify that you are a person',
  'verify you are a person',
  'confirm that you are a person',
  'confirm you are a person',
  'prove that you are a person',
  'prove you are a person',
  'not a spam robot',
  'and not a robot',
  // The same request in German and French ("bestätigen Sie, dass Sie ein Mensch sind",
  // "confirmez que vous êtes une personne"), as localized challenge templates put it.
  'dass sie ein mensch sind',
  'dass sie kein roboter sind',
  'que vous êtes un humain',
  'que vous êtes une personne',
  "que vous n'êtes pas un robot",
];

/** What the sender must do (lower case): prove to be a person, click, reply, get listed. */
const REQUEST_PHRASES = [
  ...PERSON_PROOF_PHRASES,
  'one-time verification',
  // The link or the reply that releases the message.
  'click the link below to verify',
  'click the link below to confirm',
  'click on the link below to verify',
  'click on the link below to confirm',
  'click here to verify',
  'click here to confirm',
  'reply to this message to confirm',
  'reply to this email to confirm',
  'simply reply to this message',
  'simply reply to this email',
  // The reply or empty message that releases it (TMDA's confirm_request template:
  // "To release your message for delivery, please send an empty message to the
  // following address, or use your mailer's Reply feature").
  'to release your message',
  'to release your email',
  'send an empty message to',
  'send a blank message to',
  // Lists of allowed senders.
  'approved senders list',
  'approved sender list',
  'list of approved senders',
  'added to my whitelist',
  'added to my white list',
  'added to the whitelist',
  'added to my approved',
  'added to my allowed',
  'request to be added',
  // Boxbe's name for the approved senders list ("join my Guest List").
  'guest list',
  // A captcha that releases the message.
  'type the characters',
  // Lists of approved senders in German and French.
  'liste der bestätigten absender',
  'liste der zugelassenen absender',
  'liste des expéditeurs approuvés',
];

/** That our message is held until the sender acts (lower case). */
const HELD_PHRASES = [
  'i am protecting myself from junk mail',
  'i am protecting myself from spam',
  'protecting myself from junk',
  'protecting myself from spam',
  'challenge-response',
  'challenge/response',
  'sender verification',
  'your message is being held',
  // The message named first, then held ("Your message attached below, which you sent
  // to <a>, is being held because your address was not recognized": TMDA).
  'is being held because',
  'is being held until you',
  'held until you confirm',
  'held pending your confirmation',
  'your email is being held',
  'your message has been held',
  'your email has been held',
  'your message is on hold',
  'your message is pending',
  'your message will be delivered',
  'your email will be delivered',
  'your message will not be delivered',
  'your email will not be delivered',
  'message will be delivered once',
  'message will be delivered after',
  'will be delivered as soon as you',
  'before your message can be delivered',
  'before your message is delivered',
  'before your email is delivered',
  // The held mail named as a class: "messages from senders who are not on the approved
  // list are held until the sender confirms" (self-hosted filters' templates, e.g.
  // cPanel BoxTrapper's verify message: held "until you verify").
  'held until the sender confirms',
  'held until the sender verifies',
  'held until you verify',
  // Boxbe keeps unknown senders' mail in a "Screened" folder until they are listed.
  'screened folder',
  // Held, in German and French ("Ihre Nachricht wurde zurückgehalten", "votre message
  // a été retenu").
  'wurde zurückgehalten',
  'a été retenu',
];

/** Subjects of challenges (lower case, anywhere in the subject). */
export const CHALLENGE_SUBJECT_PHRASES = [
  'please confirm your message',
  'please confirm your email',
  'confirm your message',
  'verify your message',
  'verify your email',
  'verification required',
  'sender verification',
  'message held',
  'message is being held',
  'awaiting your verification',
  'awaiting verification',
  'approval required',
  'pending approval',
  // cPanel BoxTrapper's subject: "Your email requires verification verify#<id>" (the
  // mail, not a subscription or an account, needs it).
  'email requires verification',
  'message requires verification',
  // "Confirm your message" in German and French.
  'bestätigen sie ihre nachricht',
  'confirmez votre message',
];

/** Most characters of the text read for the phrases. */
const MAX_TEXT = 16 * 1024;

function includesAny(text: string, phrases: readonly string[]): boolean {
  for (const p of phrases) if (text.indexOf(p) >= 0) return true;
  return false;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function fromService(address: string | null): boolean {
  if (address === null) return false;
  const d = domainOf(address);
  return CHALLENGE_SERVICE_DOMAINS.some((s) => d === s || d.endsWith('.' + s));
}

/** The first text part (plain preferred, HTML tags dropped), lower case, one line. */
function bodyText(msg: MimeMessage): string {
  const texts = msg.texts();
  const part = texts.find((t) => t.type === 'text/plain') ?? texts[0];
  if (part === undefined) return '';
  let text = part.text.length > MAX_TEXT * 2 ? part.text.slice(0, MAX_TEXT * 2) : part.text;
  if (part.type === 'text/html') text = dropTags(text);
  text = oneLine(text).toLowerCase();
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
}

/** The first address in `text` (lower case words with an `@`), or null. */
function addressIn(text: string): string | null {
  let start = 0;
  while (start < text.length) {
    while (start < text.length && text.charCodeAt(start) <= 0x20) start++;
    let end = start;
    while (end < text.length && text.charCodeAt(end) > 0x20) end++;
    const word = text.slice(start, end);
    if (word.indexOf('@') > 0) {
      const a = extractAddress(word.startsWith('<') ? word : '<' + word + '>');
      if (a !== null && isEmailAddress(a)) return a;
    }
    start = end + 1;
  }
  return null;
}

/** How a challenge names the mailbox our message went to ("You sent a message to a@b"). */
const SENT_TO_PHRASES = [
  'you sent a message to ',
  'you sent an email to ',
  'you sent to ',
  'your message to ',
  'your email to ',
  'ihre nachricht an ',
  'votre message à ',
];

/**
 * The mailbox of the sender's own domain that the text says our message went to: a
 * challenge from a role address of the protected domain (verify@, confirm@) is sent on
 * that mailbox's behalf, as a service's is. Other domains are not read (a forward
 * target, a helpdesk address). Null when the text names none.
 */
function mailboxOfDomain(text: string, from: string | null): string | null {
  if (from === null) return null;
  const domain = domainOf(from);
  for (const phrase of SENT_TO_PHRASES) {
    const at = text.indexOf(phrase);
    if (at < 0) continue;
    const start = at + phrase.length;
    const address = addressIn(text.slice(start, start + 320).split(' ')[0] ?? '');
    if (address !== null && domainOf(address) === domain) return address;
  }
  return null;
}

/** A challenge-response probe; null when the message is none. */
export function parseChallenge(msg: MimeMessage): OobFinding | null {
  const h = msg.headers;
  const from = extractAddress(h.get('from'));
  const local = localPartOf(h.get('from'));
  if (local === 'mailer-daemon' || local === 'postmaster') return null;
  const subject = decodeEncodedWords(h.get('subject') ?? '');
  const lowerSubject = subject.toLowerCase();
  const agent = (h.get('x-delivery-agent') ?? '').toLowerCase();
  const confirmOf =
    untaggedConfirmAddress(from) ?? untaggedConfirmAddress(extractAddress(h.get('reply-to')));
  const service = fromService(from) || includesAny(agent, AGENT_MARKERS) || confirmOf !== null;
  const bySubject =
    includesAny(lowerSubject, CHALLENGE_SUBJECT_PHRASES) ||
    includesAny(lowerSubject, PERSON_PROOF_PHRASES);
  if (!service && !bySubject && msg.texts().length === 0) return null;

  const text = bodyText(msg);
  const request = includesAny(text, REQUEST_PHRASES);
  const held = includesAny(text, HELD_PHRASES);
  // TMDA sends nothing but confirmation requests from its confirmation address.
  const challenge =
    confirmOf !== null || (service ? request || held || bySubject : request && (held || bySubject));
  if (!challenge) return null;

  // The recipient: the challenger itself, unless a service sent it on its behalf; then
  // the address our message went to (the returned message's To, else the one the
  // subject or the text names).
  const returned = msg.returned();
  // TMDA writes from its confirmation address: the recipient is the address our
  // message went to, or the user's address without the tag.
  // A Subject that names another address than the sender's ("Please confirm your
  // message to a@b") says the sender answers for that mailbox: a service whose domain
  // we do not know (or a report that anonymised it), not the mailbox itself.
  const named = addressIn(lowerSubject) ?? mailboxOfDomain(text, from);
  const forAnother = named !== null && from !== null && named !== from.toLowerCase();
  let recipient: string | null =
    !fromService(from) && !forAnother && untaggedConfirmAddress(from) === null ? from : null;
  recipient ??= extractAddress(returned?.headers.get('to') ?? null);
  recipient ??= confirmOf;
  recipient ??= named;
  if (recipient === null) {
    const inText = addressIn(text);
    if (inText !== null && !fromService(inText)) recipient = inText;
  }
  const date = parseDate(h.get('date'));
  const originalMessageId =
    messageIdOf(returned) ?? answeredMessageId(h.get('in-reply-to'), h.get('references'));
  return {
    kind: 'oob',
    recipient: recipient ?? '',
    // What the probe carries of a reply: its subject. It is an answer to a message
    // that was accepted (250: the filter took it and holds it), not a refusal.
    reply: { code: 250, enhancedCode: null, content: oneLine(subject), command: null },
    report: answerReport('challenge-response', recipient, date, originalMessageId),
    time: date,
    label: CHALLENGE_LABEL,
  };
}
