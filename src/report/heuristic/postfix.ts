// Postfix's text bounce (bounce(8); the templates of bounce_template.c: "This is the
// mail system at host ...", "This is the Postfix program at host ..." before 2.3,
// or a site's own translated templates) when it comes without the delivery-status
// part the DSN parser reads: old versions, relays that strip it, forwards. The
// templates change the intro; what bounce(8) writes per recipient does not: one
// paragraph per recipient, continued by indented lines:
//
//   <kijitora@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1
//       <kijitora@example.jp>: Recipient address rejected: User unknown (in reply
//       to RCPT TO command)
//
// "<a@b> (expanded from <alias@b>): ..." names the alias the address came from. The
// MIME parts are described "Notification", "Delivery report", "Undelivered
// Message" whatever the language. The delay warning ("THIS IS A WARNING ONLY",
// "Delayed Mail (still being retried)") lists recipients still being retried.
import {
  EVIDENCE,
  collectBlocks,
  findLine,
  findLineContaining,
  leadingAddress,
  lowerAscii,
  textAfter,
  toFindings,
  type Bounce,
  type Failure,
  type Family,
  type Named,
} from './common';
import type { OobFinding } from '../types';

/** Fixed text of bounce(8) and its default templates (lower case). */
export const POSTFIX = {
  /** The default templates' first line since Postfix 2.3, "at host <name>." after it. */
  intro: 'this is the mail system at host',
  /** Before Postfix 2.3. */
  oldIntro: 'this is the postfix program at host',
  /** failure_template's Subject. */
  subject: 'undelivered mail returned to sender',
  /** delay_template's Subject and banner. */
  delaySubject: 'delayed mail (still being retried)',
  warning: 'this is a warning only',
  /** The part that holds the returned message (bounce.c, not a template). */
  returnedPart: 'undelivered message',
  /** An alias the recipient was expanded from. */
  expandedFrom: '(expanded from ',
  /** The SMTP client's name for the server, "host mx.example.jp[192.0.2.1] said:". */
  host: 'host ',
  /** The SMTP client's note of the stage. */
  /**
   * What bounce(8) writes in place of the per-recipient text when it cannot read the
   * queue file's bounce log (bounce_notify_util.c, Postfix 2.x-3.x): the notice then
   * names no recipient, and the returned message's To/Cc are the only ones it has.
   */
  reportUnavailable: '--- delivery report unavailable ---',
} as const;

const END_MARKERS = [
  'content-type: message/rfc822',
  'content-type: text/rfc822-headers',
  'content-description: undelivered message',
  'content-description: delivery report',
  POSTFIX.reportUnavailable,
];

/** "host mx.example.jp[192.0.2.1] said:": the host name. */
function hostOf(text: string): string | null {
  const i = lowerAscii(text).indexOf(POSTFIX.host);
  if (i < 0 || i > 40) return null;
  const rest = text.slice(i + POSTFIX.host.length);
  let end = 0;
  while (end < rest.length && rest.charCodeAt(end) > 0x20 && rest.charCodeAt(end) !== 0x5b) end++;
  const host = rest.slice(0, end);
  return host.indexOf('.') > 0 ? host : null;
}

/** "<a@b>: text" or "<a@b> (expanded from <c@d>): text" at the margin. */
function recipientLine(line: string, raw: string): Named | null {
  if (!raw.startsWith('<')) return null;
  const named = leadingAddress(line);
  if (named === null) return null;
  const close = line.indexOf('>');
  let after = line.slice(close + 1);
  const expanded = textAfter(after, POSTFIX.expandedFrom);
  if (expanded !== null && lowerAscii(after).trimStart().startsWith(POSTFIX.expandedFrom)) {
    const end = expanded.indexOf('):');
    after = end >= 0 ? expanded.slice(end + 1) : after;
  }
  if (!after.startsWith(':')) return null;
  return { address: named.address, rest: after.slice(1).trim(), reason: '' };
}

export function parsePostfixText(bounce: Bounce, family: string): OobFinding[] {
  const lines = bounce.lines();
  let start = findLineContaining(lines, [POSTFIX.intro, POSTFIX.oldIntro]);
  let reportingMta: string | null = null;
  if (start >= 0) {
    const intro = (lines[start] as string).trim();
    let host = (textAfter(intro, ' at host ') ?? '').trim();
    while (host.endsWith('.')) host = host.slice(0, -1);
    if (host !== '' && host.indexOf(' ') < 0) reportingMta = host;
  } else start = 0;
  const delay =
    findLineContaining(lines, [POSTFIX.warning], start, start + 20) >= 0 ||
    bounce.subject.startsWith(POSTFIX.delaySubject);
  const returnedAt = findLine(lines, END_MARKERS, start + 1);
  const end = returnedAt < 0 ? lines.length : returnedAt;
  const collected = collectBlocks(lines, start, end, {
    start: recipientLine,
    continuation: 'indented',
  });
  const failures: Failure[] = collected.blocks.map((b) => {
    // "... (in reply to RCPT TO command)", Postfix's note of the SMTP stage: extractReply
    // reads it into the reply's command and leaves it out of the text.
    const text = b.lines.join(' ');
    return {
      recipient: b.recipient,
      diagnosis: text,
      remoteMta: hostOf(text),
      action: delay ? 'delayed' : null,
    };
  });
  if (failures.length === 0 && findLineContaining(lines, [POSTFIX.reportUnavailable], start) >= 0) {
    // Reported in https://github.com/sisimai/set-of-emails/pull/16: the notice says
    // delivery failed and has no report. When the returned message was addressed to
    // one recipient, that is the one; of several, the notice does not say which
    // failed, and none is picked. No reply is made up.
    const returned = bounce.returnedRecipients(returnedAt);
    if (returned.length === 1)
      failures.push({
        recipient: returned[0] as string,
        diagnosis: '',
        remoteMta: null,
        action: delay ? 'delayed' : null,
      });
  }
  return toFindings(bounce, family, failures, { reportingMta, returnedAt, permanent: !delay });
}

export const postfix: Family = {
  name: 'postfix',
  detect(b) {
    if (
      b.subject.startsWith(POSTFIX.subject) ||
      b.subject.startsWith(POSTFIX.delaySubject) ||
      b.saw(POSTFIX.intro) ||
      b.saw(POSTFIX.oldIntro) ||
      b.described(POSTFIX.returnedPart)
    )
      return EVIDENCE.marker;
    return EVIDENCE.none;
  },
  parse: (b) => parsePostfixText(b, 'postfix'),
};
