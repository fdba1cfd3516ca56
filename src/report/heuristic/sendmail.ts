// Sendmail's text bounces: version 8 without a delivery-status part (and the
// appliances built on it: ActiveHunter, McAfee, Biglobe, "X1"), and V5 sendmail,
// which has no address list at all. Two sections, either may be missing:
//
//      ----- The following addresses had permanent fatal errors -----
//   <kijitora@example.jp>
//       (reason: 550 5.1.1 <kijitora@example.jp>... User Unknown)
//
//      ----- Transcript of session follows -----
//   ... while talking to mx.example.jp.:
//   >>> RCPT To:<kijitora@example.jp>
//   <<< 550 5.1.1 <kijitora@example.jp>... User Unknown
//   550 5.1.1 <kijitora@example.jp>... User unknown
//
// In the transcript, ">>>" is what sendmail sent, "<<<" what the server replied,
// and "NNN <address>... text" sendmail's verdict on one recipient: the server's
// reply just before a verdict is the reason for it. "transient non-fatal errors"
// lists addresses sendmail still retries (a delay warning).
import {
  MAX_RECIPIENTS,
  addressIn,
  findLineContaining,
  startsWithI,
  toFindings,
  type Bounce,
  type Failure,
  type Family,
} from './common';
import { replyStage } from '../reply';
import type { OobFinding } from '../types';

/** Headings of the address list (lower case, anywhere in the line). */
const LIST_HEADINGS = [
  'the following addresses had permanent fatal errors',
  'the following addresses had transient non-fatal errors',
  'the following addresses had delivery errors', // "X1"
  'the following addresses had delivery problems', // McAfee, Biglobe
  'the following addresses had permanent errors',
];

const TRANSCRIPT = 'transcript of session follows';

/** Lines where the returned message starts. */
const END_MARKERS = [
  'unsent message follows',
  'no message was collected',
  'original message follows',
  'message header follows',
  'content-type: message/rfc822',
  'content-type: text/rfc822-headers',
  'returned mail follows',
];

function isHeading(lower: string): boolean {
  // "   ----- Transcript of session follows -----", "---The following ...---"
  return lower.startsWith('---') && lower.endsWith('---');
}

function digits3(s: string, pos: number): number {
  let n = 0;
  for (let i = pos; i < pos + 3; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/**
 * Sendmail's verdict on a recipient or a host: "NNN <a@b>... text",
 * "NNN 5.1.1 <a@b>... text", "NNN host (smtp)... text". The address is null for a host.
 */
function verdict(
  line: string,
): { code: number | null; address: string | null; host: string; text: string } | null {
  const digits = digits3(line, 0);
  const coded = digits >= 200 && (line.charCodeAt(3) === 0x20 || line.charCodeAt(3) === 0x2d);
  const dots = line.indexOf('... ');
  const bare = dots < 0 && line.endsWith('...');
  if (dots < 0 && !bare) return null;
  // "<a@b>... Deferred: ...": a verdict without a code (a temporary one, sendmail 8).
  if (!coded && !(line.startsWith('<') && line.indexOf('>...') > 0)) return null;
  const code = coded ? digits : null;
  const subject = line.slice(coded ? 4 : 0, bare ? line.length - 3 : dots);
  const text = bare ? '' : line.slice(dots + 4).trim();
  const address = addressIn(subject);
  // "550 5.1.1 <a@b>... User unknown": keep the enhanced code with the text.
  let enhanced = '';
  const first = subject.trimStart();
  if (first.length > 5 && first.charCodeAt(1) === 0x2e) {
    const sp = first.indexOf(' ');
    if (sp > 0) enhanced = first.slice(0, sp) + ' ';
  }
  // "550 example.or.jp (smtp)... ": V5 names the host it gave up on.
  const paren = subject.indexOf(' (');
  const host = address === null && paren > 0 ? subject.slice(0, paren).trim() : '';
  return { code, address, host, text: enhanced + text };
}

interface Pending extends Failure {
  /** From the address list's "(reason: ...)" lines. */
  listed: string[];
  /** Sendmail's verdict code, used when the reason holds no reply code. */
  verdictCode: number | null;
}

export function parseSendmailText(bounce: Bounce, family: string): OobFinding[] {
  const lines = bounce.lines();
  const listAt = findLineContaining(lines, LIST_HEADINGS);
  const transcriptAt = findLineContaining(lines, [TRANSCRIPT]);
  if (listAt < 0 && transcriptAt < 0) return [];
  const first = Math.min(...[listAt, transcriptAt].filter((i) => i >= 0));
  let end = -1;
  for (let i = first + 1; i < lines.length && end < 0; i++) {
    const lower = (lines[i] as string).trim().toLowerCase();
    if (END_MARKERS.some((m) => lower.indexOf(m) >= 0)) end = i;
  }
  const returnedAt = end;
  if (end < 0) end = lines.length;
  const transient =
    listAt >= 0 && (lines[listAt] as string).toLowerCase().indexOf('transient') >= 0;

  const byAddress = new Map<string, Pending>();
  const order: Pending[] = [];
  const get = (address: string): Pending => {
    const key = address.toLowerCase();
    let p = byAddress.get(key);
    if (p === undefined) {
      p = { recipient: address, diagnosis: '', listed: [], verdictCode: null };
      if (order.length < MAX_RECIPIENTS) {
        byAddress.set(key, p);
        order.push(p);
      }
    }
    return p;
  };

  // The address list: "<a@b>", "a@b", ">>> a@b <a@b>", "a@b [reason]", "<a@b> (reason)".
  const otherText: string[] = [];
  let section = '';
  let last: Pending | null = null;
  for (let i = first; i < end; i++) {
    const raw = lines[i] as string;
    const line = raw.trim();
    const lower = line.toLowerCase();
    if (line === '') continue;
    if (isHeading(lower)) {
      section = LIST_HEADINGS.some((h) => lower.indexOf(h) >= 0)
        ? 'list'
        : lower.indexOf(TRANSCRIPT) >= 0
          ? 'transcript'
          : 'other';
      last = null;
      continue;
    }
    if (section === 'list') {
      const indented = raw.charCodeAt(0) === 0x20 || raw.charCodeAt(0) === 0x09;
      if (indented && last !== null && line.startsWith('(')) {
        // "    (reason: 550 5.1.1 ...)", "    (expanded from: <a@b>)"
        const inner = line.slice(1, line.endsWith(')') ? -1 : line.length).trim();
        if (startsWithI(inner, 'reason:')) last.listed.push(inner.slice(7).trim());
        continue;
      }
      let entry = line.startsWith('>>>') ? line.slice(3).trim() : line;
      let reason = '';
      const bracket = entry.indexOf(' [');
      const paren = entry.indexOf(' (');
      if (bracket > 0 && entry.endsWith(']')) {
        reason = entry.slice(bracket + 2, -1);
        entry = entry.slice(0, bracket);
      } else if (paren > 0 && entry.endsWith(')')) {
        reason = entry.slice(paren + 2, -1);
        entry = entry.slice(0, paren);
      }
      const address = addressIn(entry);
      if (address !== null) {
        last = get(address);
        if (reason !== '') last.listed.push(reason);
      }
      continue;
    }
    if (section === 'other' && otherText.length < 20) otherText.push(line);
  }

  // The transcript: a server reply ("<<<") explains the verdict that follows it.
  let host: string | null = null;
  let replies: string[] = [];
  // The ">>>" line the replies answer: extractReply reads its command.
  let sent = '';
  const verdictsWithoutAddress: { code: number | null; text: string }[] = [];
  // "Message could not be delivered for 5 days": why sendmail gave up on retrying.
  const notes: string[] = [];
  if (transcriptAt >= 0) {
    for (let i = transcriptAt + 1; i < end; i++) {
      const line = (lines[i] as string).trim();
      if (line === '') continue;
      const lower = line.toLowerCase();
      if (isHeading(lower)) break;
      const talk = lower.indexOf('while talking to ');
      if (talk >= 0 && talk <= 4) {
        let h = line.slice(talk + 17).trim();
        if (h.endsWith(':')) h = h.slice(0, -1);
        while (h.endsWith('.')) h = h.slice(0, -1);
        host = h === '' ? null : h;
        replies = [];
        continue;
      }
      if (line.startsWith('>>>')) {
        replies = [];
        sent = line;
        continue;
      }
      if (line.startsWith('<<<')) {
        if (replies.length < 20) replies.push(line.slice(3).trim());
        continue;
      }
      const v = verdict(line);
      if (v === null) {
        // ActiveHunter copies the server's reply without the "<<<".
        const code = digits3(line, 0);
        if (code >= 200 && line.charCodeAt(3) === 0x20 && replies.length < 20) replies.push(line);
        else if (lower.startsWith('message could not be delivered for ') && notes.length < 5)
          notes.push(line);
        continue;
      }
      if (v.address === null) {
        // V5: "550 example.or.jp (smtp)... 550 Host unknown" names the host the
        // next verdicts are about.
        if (verdictsWithoutAddress.length < 20) verdictsWithoutAddress.push(v);
        if (v.host !== '') host = v.host;
        continue;
      }
      const p = get(v.address);
      if (p.diagnosis === '') {
        p.diagnosis = replies.length > 0 ? replies.join(' ') : v.text;
        if (replies.length > 0) p.command = replyStage(`${sent}\n<<< ${replies.join('\n<<< ')}`);
        p.verdictCode = v.code;
        p.remoteMta = host;
      }
      replies = [];
    }
  }

  if (order.length === 0) {
    // V5 sendmail reports a host, not an address: the recipient is the returned message's To.
    const to = addressIn(bounce.msg.returned()?.headers.get('to') ?? inlineTo(lines, returnedAt));
    const v = verdictsWithoutAddress[verdictsWithoutAddress.length - 1];
    if (to === null || v === undefined) return [];
    const p = get(to);
    p.diagnosis = v.text;
    p.verdictCode = v.code;
  }
  // Sendmail returns a message whose last attempt failed only temporarily when it
  // gives up ("Returned mail: Cannot send message for 5 days"): that is the reason.
  const subject = bounce.header('subject');
  const returnedFor = startsWithI(subject, 'returned mail: ') ? subject.slice(15).trim() : '';
  const summary = returnedFor.toLowerCase().indexOf('see transcript') >= 0 ? '' : returnedFor;

  const failures: Failure[] = [];
  for (const p of order) {
    let diagnosis = p.diagnosis !== '' ? p.diagnosis : p.listed.join(' ');
    if (diagnosis === '' && otherText.length > 0) diagnosis = otherText.join(' ');
    if (diagnosis === '' && verdictsWithoutAddress.length > 0) {
      const v = verdictsWithoutAddress[0] as { code: number | null; text: string };
      diagnosis = v.text;
      p.verdictCode ??= v.code;
    }
    // ActiveHunter: one address, and the transcript holds only the server's reply.
    if (diagnosis === '' && order.length === 1 && replies.length > 0) diagnosis = replies.join(' ');
    // "<a@b>... Deferred: ..." carries no code but is a temporary failure.
    const temporary =
      p.verdictCode !== null ? p.verdictCode < 500 : diagnosis.toLowerCase().startsWith('deferred');
    if (temporary && !transient) {
      if (notes.length > 0) diagnosis = diagnosis + ' ' + notes.join(' ');
      else if (summary !== '' && diagnosis.indexOf(summary) < 0)
        diagnosis = summary + ': ' + diagnosis;
    }
    failures.push({
      recipient: p.recipient,
      diagnosis,
      code: p.verdictCode,
      remoteMta: p.remoteMta ?? null,
      action: transient ? 'delayed' : null,
      command: p.command ?? null,
    });
  }
  return toFindings(bounce, family, failures, { returnedAt, permanent: !transient });
}

/** The To field among the inline header lines of the returned message. */
function inlineTo(lines: readonly string[], from: number): string {
  if (from < 0) return '';
  for (let i = from + 1; i < Math.min(lines.length, from + 100); i++) {
    const l = lines[i] as string;
    if (l === '') break;
    if (startsWithI(l, 'to:')) return l.slice(3);
  }
  return '';
}

export const sendmail: Family = {
  name: 'sendmail',
  detect(b) {
    return b.saw(TRANSCRIPT) || b.sawAny(LIST_HEADINGS);
  },
  parse(b) {
    let family = 'sendmail';
    if (b.has('x-ahmailid')) family = 'activehunter';
    else if (b.header('x-nai-header').indexOf('McAfee') >= 0) family = 'mcafee';
    else if (b.fromDomain('biglobe.ne.jp')) family = 'biglobe';
    else if (
      b.subject.startsWith('returned mail: ') &&
      b.saw('(smtp)...') &&
      !b.saw('the following addresses had')
    )
      family = 'v5sendmail';
    return parseSendmailText(b, family);
  },
};
