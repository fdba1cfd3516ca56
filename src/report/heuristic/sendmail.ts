// Sendmail's text bounces (savemail.c): version 8 without a delivery-status part,
// the services and appliances built on it (AOL's "*** ATTENTION ***" notices,
// ActiveHunter, McAfee, Biglobe, "X1"), and V5 sendmail, which has no address list
// at all. Sections under ruler lines, either may be missing:
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
// reply just before a verdict is the reason for it. A coded line of no address
// after the server's "<<<" lines ("554 5.0.0 Service unavailable", "501 5.6.0 Data
// format error") is sendmail's own closing word on that exchange, not the server's:
// the server's reply stays the reason, and sendmail's enhanced code (as the one in a
// verdict) only stands in for one the reply lacks, as a DSN's Status would (RFC 3464
// §2.3.4: the reporting MTA's status; §2.3.6: the remote reply).
// "transient non-fatal errors" lists addresses sendmail still retries (a delay
// warning, also announced by "THIS IS A WARNING MESSAGE ONLY"); "successful delivery
// notifications" lists none that failed. A ruler is a line that starts with dashes:
// the same words inside a sentence (AOL quotes the section names) are no section.
import {
  EVIDENCE,
  MAX_RECIPIENTS,
  addressIn,
  collectBlocks,
  hashStatus,
  leadingAddress,
  lowerAscii,
  startsWithI,
  textAfter,
  toFindings,
  type Bounce,
  type Failure,
  type Family,
} from './common';
import { replyStage } from '../reply';
import { enhancedCodeAt, type EnhancedCode } from '../../values';
import type { OobFinding } from '../types';

/** Fixed text of sendmail's savemail.c and of the clones (lower case). */
export const SENDMAIL = {
  /** The address list's ruler: "had permanent fatal errors", "had transient non-fatal errors", "had delivery errors" ... */
  list: 'the following addresses had',
  /** The same for one address (some clones). */
  listOne: 'the following address had',
  transcript: 'transcript of session follows',
  /** A delay warning's banner. */
  warning: 'this is a warning message only',
  /** A verdict that gives up ("Message could not be delivered for 5 days"). */
  gaveUp: 'message could not be delivered for ',
  talking: 'while talking to ',
  /** The Subject prefix of sendmail's returns ("Returned mail: User unknown"). */
  returned: 'returned mail: ',
} as const;

/**
 * A ruler line: "   ----- Transcript of session follows -----", "---The following
 * ...---"; not a MIME boundary pasted into the text ("-----fff000").
 */
function isRuler(trimmed: string): boolean {
  return trimmed.startsWith('---') && (trimmed.endsWith('---') || trimmed.indexOf(' ') > 0);
}

type Section = 'list' | 'success' | 'transcript' | 'end' | 'other';

function sectionOf(lower: string): Section {
  if (lower.indexOf(SENDMAIL.list) >= 0 || lower.indexOf(SENDMAIL.listOne) >= 0)
    return lower.indexOf('successful') >= 0 ? 'success' : 'list';
  if (lower.indexOf(SENDMAIL.transcript) >= 0) return 'transcript';
  // "----- Original message follows -----", "----- Unsent message follows -----",
  // "----- Message header follows -----", "----- No message was collected -----".
  if (lower.indexOf(' follows') >= 0 || lower.indexOf('no message was collected') >= 0)
    return 'end';
  return 'other';
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
function verdict(line: string): {
  code: number | null;
  address: string | null;
  host: string;
  text: string;
  enhanced: EnhancedCode | null;
} | null {
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
  const own = coded ? enhancedOf(line) : null;
  // "550 example.or.jp (smtp)... ": V5 names the host it gave up on.
  const paren = subject.indexOf(' (');
  const host = address === null && paren > 0 ? subject.slice(0, paren).trim() : '';
  return { code, address, host, text: enhanced + text, enhanced: own };
}

/** The enhanced code after a line's reply code ("554 5.0.0 Service unavailable"), or null. */
function enhancedOf(line: string): EnhancedCode | null {
  const e = enhancedCodeAt(line, 4);
  return e !== null && (e.end === line.length || line.charCodeAt(e.end) === 0x20) ? e.code : null;
}

interface Pending extends Failure {
  /** From the address list ("(reason: ...)", "a@b [reason]"). */
  listed: string[];
  /** Sendmail's verdict code, used when the reason holds no reply code. */
  verdictCode: number | null;
  /** Sendmail's own enhanced code for the recipient (its verdict's, else its closing line's). */
  ownStatus?: EnhancedCode | null;
  /**
   * The list the address is under: `permanent` ("had permanent fatal errors"),
   * `transient` ("had transient non-fatal errors"), null when in none.
   */
  under?: 'permanent' | 'transient' | null;
}

/** "(reason: 550 ...)", "[User unknown]", "(user unknown)": a reason an address list entry carries. */
function listedReason(text: string): string {
  let t = text.trim();
  if ((t.startsWith('(') && t.endsWith(')')) || (t.startsWith('[') && t.endsWith(']')))
    t = t.slice(1, -1).trim();
  else if (t.startsWith('<') || t.startsWith('(')) return ''; // ">>> a@b <a@b>", "(expanded from: ...)"
  const reason = textAfter(t, 'reason:');
  if (reason !== null && lowerAscii(t).startsWith('reason:')) return reason.trim();
  if (lowerAscii(t).startsWith('expanded from')) return '';
  return t;
}

export function parseSendmailText(bounce: Bounce, family: string): OobFinding[] {
  const lines = bounce.lines();
  // The rulers, in order.
  const rulers: { at: number; section: Section }[] = [];
  for (let i = 0; i < lines.length && rulers.length < 50; i++) {
    const t = (lines[i] as string).trim();
    if (isRuler(t)) {
      const section = sectionOf(lowerAscii(t));
      if (section !== 'other' || rulers.length > 0) rulers.push({ at: i, section });
      if (section === 'end') break;
    } else if (startsWithI(t, 'content-type: message/rfc822')) {
      rulers.push({ at: i, section: 'end' });
      break;
    }
  }
  if (!rulers.some((r) => r.section === 'list' || r.section === 'transcript')) return [];
  const endRuler = rulers.find((r) => r.section === 'end');
  const returnedAt = endRuler === undefined ? -1 : endRuler.at;
  const end = returnedAt < 0 ? lines.length : returnedAt;
  const headLower = lowerAscii(bounce.body().slice(0, 2048));
  const isTransientList = (r: { at: number; section: Section }): boolean =>
    r.section === 'list' && lowerAscii(lines[r.at] as string).indexOf('transient') >= 0;
  // A notice that lists both kinds (sendmail returns the failed recipients and names
  // those it still retries in the same message) says per recipient which it is; one
  // that lists only transient ones, or says "THIS IS A WARNING MESSAGE ONLY", is a
  // delay warning for every recipient it names.
  const permanentList = rulers.some((r) => r.section === 'list' && !isTransientList(r));
  const transient =
    headLower.indexOf(SENDMAIL.warning) >= 0 || (rulers.some(isTransientList) && !permanentList);

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
  const successful = new Set<string>();
  const otherText: string[] = [];
  let host: string | null = null;
  let replies: string[] = [];
  // The replies came from the server's "<<<" lines (not copied bare, as ActiveHunter does).
  let quoted = false;
  // Sendmail's closing line after the server's replies ("554 5.0.0 Service unavailable").
  let closing: EnhancedCode | null = null;
  // The ">>>" line the replies answer: extractReply reads its command.
  let sent = '';
  const verdictsWithoutAddress: { code: number | null; text: string }[] = [];
  const notes: string[] = [];

  for (let r = 0; r < rulers.length; r++) {
    const { at, section } = rulers[r] as { at: number; section: Section };
    const next = r + 1 < rulers.length ? (rulers[r + 1] as { at: number }).at : end;
    if (section === 'end') break;
    if (section === 'list' || section === 'success') {
      // "<a@b>", "a@b", ">>> a@b <a@b>", "a@b [reason]", "<a@b> (reason)", then
      // indented "(reason: ...)" / "(expanded from: ...)" lines.
      const collected = collectBlocks(lines, at + 1, next, {
        start: (line) => leadingAddress(line.startsWith('>>>') ? line.slice(3) : line),
        continuation: 'indented',
      });
      const under = isTransientList({ at, section }) ? 'transient' : 'permanent';
      for (const block of collected.blocks) {
        if (section === 'success') {
          successful.add(block.recipient.toLowerCase());
          continue;
        }
        const p = get(block.recipient);
        p.under ??= under;
        for (const l of block.lines) {
          const reason = listedReason(l);
          if (reason !== '') p.listed.push(reason);
        }
      }
      continue;
    }
    if (section === 'other') {
      for (let i = at + 1; i < next && otherText.length < 20; i++) {
        const t = (lines[i] as string).trim();
        if (t !== '') otherText.push(t);
      }
      continue;
    }
    // The transcript: a server reply ("<<<") explains the verdict that follows it.
    let lastWasReply = false;
    for (let i = at + 1; i < next; i++) {
      const raw = lines[i] as string;
      const line = raw.trim();
      if (line === '') {
        lastWasReply = false;
        continue;
      }
      // A long reply wrapped onto indented lines ("554 5.7.1 ... blocked using",
      // "    zen.spamhaus.org; https://..."): the rest of the reply above.
      const wrapped = lastWasReply && (raw.charCodeAt(0) === 0x20 || raw.charCodeAt(0) === 0x09);
      lastWasReply = false;
      // (A code alone is a whole reply too: RFC 5321 §4.2 makes the text optional.)
      const replyStart =
        digits3(line, 0) >= 200 &&
        digits3(line, 0) < 600 &&
        (line.length === 3 || line.charCodeAt(3) === 0x20 || line.charCodeAt(3) === 0x2d);
      if (wrapped && !line.startsWith('>>>') && !line.startsWith('<<<') && !replyStart) {
        replies[replies.length - 1] += ' ' + line;
        lastWasReply = true;
        continue;
      }
      const lower = lowerAscii(line);
      const talk = lower.indexOf(SENDMAIL.talking);
      if (talk >= 0 && talk <= 4) {
        let h = line.slice(talk + SENDMAIL.talking.length).trim();
        if (h.endsWith(':')) h = h.slice(0, -1);
        while (h.endsWith('.')) h = h.slice(0, -1);
        host = h === '' ? null : h;
        replies = [];
        quoted = false;
        continue;
      }
      if (line.startsWith('>>>')) {
        replies = [];
        quoted = false;
        sent = line;
        continue;
      }
      if (line.startsWith('<<<')) {
        if (replies.length < 20) {
          replies.push(line.slice(3).trim());
          lastWasReply = true;
          quoted = true;
        }
        continue;
      }
      const v = verdict(line);
      if (v === null) {
        // ActiveHunter copies the server's reply without the "<<<", a multi-line one
        // line by line ("550-5.1.1 ...", then "550 5.1.1 ...": RFC 5321 §4.2.1).
        const code = digits3(line, 0);
        if (replyStart && quoted) closing ??= enhancedOf(line);
        else if (code >= 200 && replyStart && replies.length < 20) {
          replies.push(line);
          lastWasReply = true;
        } else if (lower.startsWith(SENDMAIL.gaveUp) && notes.length < 5) notes.push(line);
        continue;
      }
      if (v.address === null) {
        // V5: "550 example.or.jp (smtp)... 550 Host unknown" names the host the
        // next verdicts are about.
        if (verdictsWithoutAddress.length < 20) verdictsWithoutAddress.push(v);
        if (v.host !== '') host = v.host;
        continue;
      }
      // "550-5.1.1 <a@b>... first line" then "550-5.1.1 ..." and "550 5.1.1 ...": a
      // verdict that carries a multi-line reply goes on over the lines with its code
      // until the one with a space after it (RFC 5321 §4.2.1).
      let verdictText = v.text;
      if (v.code !== null && line.charCodeAt(3) === 0x2d) {
        const code = line.slice(0, 3);
        for (let j = i + 1; j < next && j <= i + 20; j++) {
          const cont = (lines[j] as string).trim();
          const sep = cont.charCodeAt(3);
          if (!cont.startsWith(code) || (sep !== 0x20 && sep !== 0x2d)) break;
          let rest = cont.slice(4).trimStart();
          const e = enhancedCodeAt(rest, 0);
          if (e !== null && rest.charCodeAt(e.end) === 0x20) rest = rest.slice(e.end).trimStart();
          verdictText += ' ' + rest;
          i = j;
          if (sep === 0x20) break;
        }
      }
      const p = get(v.address);
      if (p.diagnosis === '') {
        p.diagnosis = replies.length > 0 ? replies.join(' ') : verdictText;
        if (replies.length > 0) p.command = replyStage(`${sent}\n<<< ${replies.join('\n<<< ')}`);
        p.verdictCode = v.code;
        p.ownStatus = v.enhanced;
        p.remoteMta = host;
      }
      replies = [];
      quoted = false;
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
  const returnedFor = startsWithI(subject, SENDMAIL.returned)
    ? subject.slice(SENDMAIL.returned.length).trim()
    : '';
  const summary = lowerAscii(returnedFor).indexOf('see transcript') >= 0 ? '' : returnedFor;

  const failures: Failure[] = [];
  for (const p of order) {
    if (successful.has(p.recipient.toLowerCase()) && p.diagnosis === '') continue;
    let diagnosis = p.diagnosis !== '' ? p.diagnosis : p.listed.join(' ');
    if (diagnosis === '' && otherText.length > 0) diagnosis = otherText.join(' ');
    if (diagnosis === '' && verdictsWithoutAddress.length > 0) {
      const v = verdictsWithoutAddress[0] as { code: number | null; text: string };
      diagnosis = v.text;
      p.verdictCode ??= v.code;
    }
    // ActiveHunter: one address, and the transcript holds only the server's reply.
    if (diagnosis === '' && order.length === 1 && replies.length > 0) diagnosis = replies.join(' ');
    // "<a@b>... Deferred: ..." carries no code but is a temporary failure, as is a
    // 4xx reply copied without a verdict ("421 mx.example.org.: Host ... is down").
    const replyCode = digits3(diagnosis, 0);
    const temporary =
      p.verdictCode !== null
        ? p.verdictCode < 500
        : lowerAscii(diagnosis).startsWith('deferred') || (replyCode >= 400 && replyCode < 500);
    const delayed = p.under === 'transient' || (transient && p.under !== 'permanent');
    if (temporary && !delayed) {
      if (notes.length > 0) diagnosis = diagnosis + ' ' + notes.join(' ');
      else if (summary !== '' && diagnosis.indexOf(summary) < 0)
        diagnosis = summary + ': ' + diagnosis;
    }
    // Sendmail's own enhanced code stands in for one the reply lacks (a code the reply
    // carries, also "(#5.7.1)", stays the reply's: extractReply and hashStatus read it).
    const own = p.ownStatus ?? closing;
    failures.push({
      recipient: p.recipient,
      diagnosis,
      ...(own !== null && hashStatus(diagnosis) === null ? { status: own } : {}),
      code: p.verdictCode,
      remoteMta: p.remoteMta ?? null,
      action: delayed ? 'delayed' : p.under === 'permanent' ? 'failed' : null,
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

/** Services and appliances that send sendmail's text, by their header fields or sender. */
function providerOf(b: Bounce): string | null {
  if (b.has('x-ahmailid')) return 'activehunter';
  if (b.header('x-nai-header').indexOf('McAfee') >= 0) return 'mcafee';
  if (b.fromDomain('biglobe.ne.jp')) return 'biglobe';
  if (b.fromDomain('aol.com') || b.has('x-aol-ip')) return 'aol';
  return null;
}

export const sendmail: Family = {
  name: 'sendmail',
  detect(b) {
    if (!b.saw(SENDMAIL.transcript) && !b.saw(SENDMAIL.list) && !b.saw(SENDMAIL.listOne))
      return EVIDENCE.none;
    return providerOf(b) !== null ? EVIDENCE.sender : EVIDENCE.marker;
  },
  parse(b) {
    let family = providerOf(b) ?? 'sendmail';
    if (
      family === 'sendmail' &&
      b.subject.startsWith(SENDMAIL.returned) &&
      b.saw('(smtp)...') &&
      !b.saw(SENDMAIL.list)
    )
      family = 'v5sendmail';
    return parseSendmailText(b, family);
  },
};
