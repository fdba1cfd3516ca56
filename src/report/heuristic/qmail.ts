// qmail (qmail-send's bounce, since 1996: Subject "failure notice", "Hi. This is
// the qmail-send program at host.") and what copied its layout: netqmail,
// qmail-ldap, indimail and vpopmail builds, Yahoo ("Sorry, we were unable to
// deliver your message to the following address.", "Message from yahoo.com."), and
// the unnamed clones that translate or reword the intro. The layout, not the intro,
// is the format:
//
//   <intro paragraph>
//
//   <kijitora@example.jp>:
//   192.0.2.153 does not like recipient.
//   Remote host said: 550 5.1.1 <kijitora@example.jp>... User Unknown
//   Giving up on 192.0.2.153.
//
//   --- Below this line is a copy of the message.
//
// qmail-local, qmail-remote and vpopmail append their own enhanced code to their
// own text: "Sorry, no mailbox here by that name. (#5.1.1)". Some gateways send the
// same text as HTML only; `Bounce.body()` reads it as text.
import {
  EVIDENCE,
  collectBlocks,
  lowerAscii,
  leadingAddress,
  splitLines,
  textAfter,
  toFindings,
  type Bounce,
  type Failure,
  type Family,
} from './common';
import { replyStage } from '../reply';
import type { OobFinding } from '../types';

/** Fixed text of qmail-send.c and of the services that kept its layout (lower case). */
export const QMAIL = {
  /** qmail-send's intro line, "at <host>." after it. */
  intro: 'this is the qmail-send program',
  /** qmail-send's Subject. */
  subject: 'failure notice',
  /** qmail-remote: the remote server's reply follows. */
  remoteSaid: 'remote host said:',
  /** qmail-send: the host tried last. */
  givingUp: 'giving up on ',
  /**
   * qmail-send, after the last attempt's reply, when the message outlived
   * `queuelifetime` (qmail-send.c; netqmail's qmail-send(8) and qmail-control(5):
   * "a message that has been in the queue for longer than queuelifetime seconds" is
   * bounced): "I'm not going to try again; this message has been in the queue too long."
   */
  queueTooLong: 'in the queue too long',
  /** Yahoo's intro (qmail-derived). */
  yahooIntro: 'sorry, we were unable to deliver your message',
} as const;

/** RFC 3463 §3.5 X.4.7 "Delivery time expired", permanent: qmail-send has given up. */
const EXPIRED = { class: 4, subject: 4, detail: 7 } as const;

/**
 * Where the returned message starts: a line that begins with "---" and names the
 * copy ("--- Below this line is a copy of the message.", "--- Enclosed is a copy of
 * the message.", "--- Original message follows.", "--- Below this line is the
 * original bounce.", "--- The header of the original message is following.").
 */
const RETURNED_WORDS = ['copy of', 'original', 'enclosed', 'below this line'];

function isReturnedMarker(trimmed: string): boolean {
  if (!trimmed.startsWith('---')) return false;
  const lower = lowerAscii(trimmed);
  return RETURNED_WORDS.some((w) => lower.indexOf(w) >= 0);
}

/** qmail's own words about the host it tried, and their hosts ("<ip> does not like recipient."). */
const HOST_PHRASES = [
  ' does not like recipient',
  ' failed after i sent the message',
  ' does not like sender',
  ' but sender was rejected',
  ' but greeting failed',
  ' but my name was rejected',
  ' but connection died',
];

function hostOf(line: string): string | null {
  const lower = lowerAscii(line);
  const giving = textAfter(line, QMAIL.givingUp);
  if (giving !== null && lower.startsWith(QMAIL.givingUp)) return firstWord(giving);
  const connected = textAfter(line, 'connected to ');
  if (connected !== null && lower.startsWith('connected to ')) return firstWord(connected);
  for (const p of HOST_PHRASES) {
    // The host is the word before the phrase (indimail puts the envelope first).
    const i = lower.indexOf(p);
    if (i <= 0) continue;
    const before = line.slice(0, i).trimEnd();
    return firstWord(before.slice(before.lastIndexOf(' ') + 1));
  }
  return null;
}

function firstWord(s: string): string | null {
  let t = s.trim();
  const sp = t.indexOf(' ');
  if (sp >= 0) t = t.slice(0, sp);
  while (t.endsWith('.')) t = t.slice(0, -1);
  return t === '' ? null : t;
}

/** A recipient line of the layout: the address alone with a colon ("<a@b>:", "To: <a@b>:"). */
function recipientLine(line: string): ReturnType<typeof leadingAddress> {
  let t = line;
  if (lowerAscii(t).startsWith('to:') && t.endsWith(':')) t = t.slice(3).trimStart();
  if (!t.endsWith(':')) return null;
  const named = leadingAddress(t);
  return named !== null && named.rest === '' ? named : null;
}

/** True when `text` opens with a 5xx reply code or a 5.x.x enhanced code. */
function permanentReply(text: string): boolean {
  const t = text.trimStart();
  const d0 = t.charCodeAt(0);
  const digit = (i: number) => t.charCodeAt(i) >= 0x30 && t.charCodeAt(i) <= 0x39;
  if (d0 !== 0x35) return false;
  return (digit(1) && digit(2)) || (t.charCodeAt(1) === 0x2e && digit(2));
}

/** Yahoo ends a reply with the SMTP stage it failed at: "... User Unknown [RCPT_TO]". */
function withoutCommandTag(text: string): string {
  const t = text.trimEnd();
  if (!t.endsWith(']')) return t;
  const open = t.lastIndexOf('[');
  if (open < 0) return t;
  const tag = t.slice(open + 1, -1);
  for (let i = 0; i < tag.length; i++) {
    const c = tag.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || c === 0x5f)) return t;
  }
  return tag.length >= 4 ? t.slice(0, open).trimEnd() : t;
}

/**
 * The recipient blocks of qmail's layout: each "<addr>:" line starts one and the
 * paragraph under it explains it; the remote server's reply after "Remote host
 * said:" wins over qmail's own words, and "Giving up on <host>." names the host.
 */
export function parseQmailLayout(bounce: Bounce, family: string): OobFinding[] {
  const lines = bounce.lines();
  let end = lines.length;
  for (let i = 0; i < lines.length; i++)
    if (isReturnedMarker((lines[i] as string).trim())) {
      end = i;
      break;
    }
  const returnedAt = end < lines.length ? end : -1;
  let reportingMta: string | null = null;
  for (let i = 0; i < Math.min(end, 20); i++) {
    const at = textAfter(lines[i] as string, QMAIL.intro + ' at ');
    if (at !== null) reportingMta = firstWord(at);
  }
  const collected = collectBlocks(lines, 0, end, {
    start: (line) => recipientLine(line),
    continuation: 'paragraph',
  });
  const failures: Failure[] = [];
  for (const block of collected.blocks) {
    const own: string[] = [];
    const remote: string[] = [];
    let inRemote = false;
    let host: string | null = null;
    for (const line of block.lines) {
      const lower = lowerAscii(line);
      host ??= hostOf(line);
      // "Giving up on <host>.", and notes in parentheses that patched qmail-remotes add
      // after the reply ("(Other MXes tried: ...)"): qmail's words, not the reason.
      if (lower.startsWith(QMAIL.givingUp)) continue;
      if (line.startsWith('(') && line.endsWith(')') && !line.startsWith('(#')) continue;
      const said = lower.startsWith(QMAIL.remoteSaid) ? textAfter(line, QMAIL.remoteSaid) : null;
      if (said !== null) {
        inRemote = true;
        if (said.trim() !== '') remote.push(said.trim());
        continue;
      }
      // Lines after "Remote host said:" are the reply until qmail's own words resume.
      if (inRemote && !lower.startsWith("i'm not going to try again")) remote.push(line);
      else {
        inRemote = false;
        own.push(line);
      }
    }
    const replyText = (remote.length > 0 ? remote : own).join(' ');
    // The stage: Yahoo's "[RCPT_TO]" tag, or qmail-remote's own sentence before
    // "Remote host said:" ("... but sender was rejected.").
    const command = replyStage(replyText) ?? replyStage(own.join(' '));
    let text = withoutCommandTag(replyText);
    // "remote host 192.0.2.32 said: 550 ..." (the qmail-remote fallback patch).
    const inline = textAfter(text, 'remote host ');
    if (remote.length === 0 && inline !== null) host ??= firstWord(inline);
    if (text === '') text = collected.shared.join(' ');
    // qmail-send gave up because the queue lifetime ran out: its verdict is "delivery
    // time expired" (RFC 3463 §3.5, X.4.7) over the last attempt's temporary reply;
    // the reply, or qmail's own "(#4.4.1)", keeps its own code. qmail-send writes the
    // sentence when a temporary failure outlived the lifetime; beside a permanent (5xx)
    // reply the refusal is the verdict and keeps its code.
    const expired =
      lowerAscii(own.join(' ')).indexOf(QMAIL.queueTooLong) >= 0 && !permanentReply(text);
    failures.push({
      recipient: block.recipient,
      diagnosis: text,
      remoteMta: host,
      command,
      reportStatus: expired ? EXPIRED : null,
    });
  }
  return toFindings(bounce, family, failures, {
    reportingMta,
    returnedAt,
    // qmail-send writes this layout only for messages it has given up on.
    permanent: true,
  });
}

/** True when the first lines of the text hold a recipient line of the layout. */
function layoutInHead(b: Bounce): boolean {
  for (const line of splitLines(b.body().slice(0, 4096)))
    if (recipientLine(line.trim()) !== null) return true;
  return false;
}

function yahooSender(b: Bounce): boolean {
  return (
    b.fromDomain('yahoo.com') ||
    b.fromDomain('yahoo.co.jp') ||
    b.fromDomain('yahoo.co.uk') ||
    b.has('x-ymailisg')
  );
}

export const qmail: Family = {
  name: 'qmail',
  detect(b) {
    if (b.saw(QMAIL.intro) || b.saw(QMAIL.yahooIntro)) return EVIDENCE.marker;
    if (b.subject.trim() === QMAIL.subject && b.fromDaemon) return EVIDENCE.marker;
    // A clone that rewords the intro: the "<addr>:" blocks in a mail system's notice.
    if (b.isNotice && layoutInHead(b)) return EVIDENCE.layout;
    return EVIDENCE.none;
  },
  parse(b) {
    const yahoo = yahooSender(b) || b.saw(QMAIL.yahooIntro);
    return parseQmailLayout(b, yahoo ? 'yahoo' : 'qmail');
  },
};
