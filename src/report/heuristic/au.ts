// KDDI's au mobile mail (ezweb.ne.jp, au.com), the ISP mail servers that share its
// notice template, and KDDI's ISP mail (dion.ne.jp, auone-net.jp). Both write a
// Japanese paragraph and an English one.
// * "Mail System Error - Returned Mail" (EZweb, au.com, and the Openwave InterMail
//   servers of other ISPs: "This Message was undeliverable due to the following
//   reason:"): an English cause ("Your message was not delivered within 0 days and 1
//   hours.", "The user(s) account is disabled.", "Your message has encountered
//   delivery problems to local user x. (Originally addressed to a@b)"), and the
//   recipients as "<a@b>" lines, or per recipient "Recipient: <a@b>" with the ">>>"
//   / "<<<" exchange of a remote refusal. The cause may stand before or after them.
// * dion / auone-net: "Your mail sent on: <date>", then indented
//   "Could not be delivered to: <a@b>" and the cause ("As their mailbox is full.").
import {
  EVIDENCE,
  collectBlocks,
  type Failure,
  type Family,
  findLine,
  findLineContaining,
  isLeadIn,
  labelledAddress,
  leadingAddress,
  lowerAscii,
  startsWithI,
  toFindings,
  type Bounce,
  type Named,
} from './common';

/** Fixed text of the template (lower case). */
export const AU = {
  subject: 'mail system error - returned mail',
  intro: 'this message was undeliverable due to the following reason',
  recipient: 'recipient:',
  /** "(Originally addressed to a@b)" under "... delivery problems to local user x." */
  originally: 'originally addressed to',
  localUser: 'to local user ',
  /** The template's verdict on the account: "The user(s) account is disabled." */
  account: 'the user(s) account ',
  /** KDDI's ISP mail. */
  kddiSent: ['your mail sent on', 'your mail attempted to be delivered on'],
  kddiTo: 'could not be delivered to:',
} as const;

/** The template's closing lines, which explain no recipient (lower case starts). */
const NOISE = ['please reply to', 'please contact', 'if you feel this message'];

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7e) return false;
  return true;
}

/** `reply` with au's verdict after its words, before Postfix's "(in reply to ...)" note. */
function withVerdict(reply: string, verdict: string): string {
  const note = lowerAscii(reply).lastIndexOf('(in reply to ');
  if (note < 0 || !reply.endsWith(')')) return `${reply} ${verdict}`;
  return `${reply.slice(0, note).trimEnd()} ${verdict} ${reply.slice(note)}`;
}

function ezwebSender(b: Bounce): boolean {
  return b.fromDomain('ezweb.ne.jp') || b.fromDomain('au.com');
}

/** "<a@b>", "<a@b>: 550 ...", "Recipient: <a@b>", "(Originally addressed to a@b)". */
function recipientLine(line: string): Named | null {
  if (startsWithI(line, AU.recipient)) return labelledAddress(line, [AU.recipient]);
  if (line.startsWith('<')) return leadingAddress(line);
  const lower = lowerAscii(line);
  if (lower.indexOf(AU.originally) >= 0) return labelledAddress(line, [AU.originally]);
  if (lower.indexOf(AU.localUser) >= 0) return labelledAddress(line, [AU.localUser]);
  return null;
}

export const ezweb: Family = {
  name: 'ezweb',
  detect(b) {
    if (ezwebSender(b)) return EVIDENCE.sender;
    return b.subject.startsWith(AU.subject) || b.saw(AU.intro) ? EVIDENCE.marker : EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    const returnedAt = findLine(lines, [
      '-----------------------------------',
      'content-type: message/rfc822',
    ]);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    const collected = collectBlocks(lines, 0, end, {
      start: (line) => recipientLine(line),
      continuation: 'paragraph',
      noise: ['>>>', ...NOISE],
    });
    // The English cause, wherever it stands outside the recipients' blocks (the
    // Japanese paragraph says the same).
    const inBlock = new Set<number>();
    for (const block of collected.blocks)
      for (let i = block.line; i < Math.min(end, block.line + 1 + block.lines.length); i++)
        inBlock.add(i);
    const cause: string[] = [];
    for (let i = 0; i < end && cause.length < 10; i++) {
      const line = (lines[i] as string).trim();
      const lower = lowerAscii(line);
      if (line === '' || inBlock.has(i) || !isAscii(line)) continue;
      if (line.endsWith(':') || isLeadIn(lower) || NOISE.some((n) => lower.startsWith(n))) continue;
      if (lower.indexOf(AU.localUser) >= 0 || lower.indexOf(AU.originally) >= 0) continue;
      cause.push(line);
    }
    // au's own verdict on the account ("The user(s) account is disabled.", "... is
    // temporarily over quota.") says more than the remote reply beside it: au answers
    // "550 user unknown" for a disabled account too. It follows the reply, so the
    // reply code stays first and the classifier sees both.
    const verdict = cause.filter((line) => startsWithI(line, AU.account)).join(' ');
    const failures: Failure[] = collected.blocks.map((block) => {
      const replies = block.lines.filter((l) => l.startsWith('<<<')).map((l) => l.slice(3).trim());
      const own = block.lines.filter((l) => !l.startsWith('<<<'));
      const text = replies.length > 0 ? replies.join(' ') : own.join(' ');
      return {
        recipient: block.recipient,
        diagnosis:
          text === ''
            ? cause.join(' ')
            : verdict !== '' && text.indexOf(verdict) < 0
              ? withVerdict(text, verdict)
              : text,
      };
    });
    const name = ezwebSender(b) ? 'ezweb' : 'intermail';
    return toFindings(b, name, failures, { returnedAt, permanent: true });
  },
};

export const kddi: Family = {
  name: 'kddi',
  detect: (b) => (b.saw(AU.kddiTo + ' <') ? EVIDENCE.marker : EVIDENCE.none),
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, AU.kddiSent);
    if (start < 0) return [];
    const returnedAt = findLine(lines, ['content-type: message/rfc822'], start + 1);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    const collected = collectBlocks(lines, start + 1, end, {
      start: (line) =>
        lowerAscii(line).indexOf(AU.kddiTo) >= 0 ? labelledAddress(line, [AU.kddiTo]) : null,
      continuation: 'section',
    });
    const failures: Failure[] = collected.blocks.map((block) => ({
      recipient: block.recipient,
      diagnosis: block.lines.join(' '),
    }));
    return toFindings(b, 'kddi', failures, { returnedAt, permanent: true });
  },
};
