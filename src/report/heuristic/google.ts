// Google's bounces that carry no usable delivery-status part.
// * Gmail, the 2008–2015 text ("Delivery to the following recipient failed
//   permanently:", the addresses indented, then "Technical details of permanent
//   failure:" and, when a server refused, "The error that the other server returned
//   was: 550 550 5.1.1 ... (state 14)." — the code repeated, Google's SMTP state
//   number appended).
// * Gmail and Google Workspace since 2015 ("** Address not found **", "** Message
//   not delivered **"), whose delivery-status part is sometimes empty: the failed
//   addresses are in X-Failed-Recipients, the reply after "The response was:".
// * Google Groups, in the sender's language: the group "may not exist, or you may
//   not have permission to post messages to the group"; the group's address is in
//   X-Failed-Recipients.
import { extractAddressList, isEmailAddress } from '../address';
import {
  EVIDENCE,
  addressIn,
  bareAddress,
  collectBlocks,
  findLine,
  findLineContaining,
  leadingAddress,
  startsWithI,
  textAfter,
  toFindings,
  type Bounce,
  type Failure,
  type Family,
} from './common';

const END_MARKERS = [
  '----- original message -----',
  '----- message header follows -----',
  '----- original message follows -----',
];

function failedRecipients(b: Bounce): string[] {
  return extractAddressList(b.msg.headers.get('x-failed-recipients')).filter(isEmailAddress);
}

/** Fixed text of Gmail's and Google Workspace's notices (lower case). */
export const GOOGLE = {
  /** Gmail 2008-2015: "Delivery to the following recipient(s) failed permanently:" / "has been delayed:". */
  oldIntro: 'delivery to the following recipient',
  oldWarning: 'this is a warning message only',
  /** Gmail 2008-2015: the remote server's reply follows. */
  oldReply: 'the error that the other server returned was:',
  /** Since 2015: the remote server's reply follows ("The response from the remote server was:"). */
  response: ['the response was:', 'the response from the remote server was:'],
  /** Google Groups' notices link their help pages. */
  groups: 'groups.google.com',
  /**
   * ... and name the product: the sign-off "Google Groups" and "any other Google group"
   * in English, "Google グループ" in Japanese. They mark the notice where the help link's
   * host was replaced (a report rebuilt with example.* hosts, a relay rewriting links).
   */
  groupsNamed: ['google group', 'google グループ'],
} as const;

/**
 * What a "Delivery to the following recipient(s) ..." heading says when its list did
 * not fail (lower case): delivered or relayed (RFC 3464 §2.3.3's "delivered" and
 * "relayed" actions in words: "succeeded", "was successful", "is complete"). A
 * partial-failure notice may list those first; its failed list has its own heading
 * ("failed permanently:", "has been delayed:").
 */
const SUCCESS_HEADING = ['succeeded', 'successful', 'complete', 'delivered', 'relayed'];

/** The first "Delivery to the following recipient(s)" heading that is not a success list's, or -1. */
function failureHeading(lines: readonly string[]): number {
  for (let at = 0; ; at++) {
    at = findLineContaining(lines, [GOOGLE.oldIntro], at);
    if (at < 0) return -1;
    const lower = (lines[at] as string).toLowerCase();
    const rest = lower.slice(lower.indexOf(GOOGLE.oldIntro) + GOOGLE.oldIntro.length);
    if (!saysSuccess(rest)) return at;
  }
}

/** Words that turn a success word of a heading into a failure ("could not be delivered"). */
const NEGATIONS = new Set(['not', 'never', 'no', 'cannot', 'unable']);

/**
 * Whether a heading's words after "Delivery to the following recipient(s)" (lower case)
 * say its list did not fail: a word that starts with one of SUCCESS_HEADING, whole
 * ("unsuccessful", "incomplete" and "undelivered" are failures), and no negation ("was
 * not completed", "could not be delivered", "wasn't relayed").
 */
function saysSuccess(rest: string): boolean {
  const words: string[] = [];
  let word = '';
  for (const c of `${rest} `) {
    if ((c >= 'a' && c <= 'z') || c === "'" || c === '\u2019') word += c === '\u2019' ? "'" : c;
    else if (word !== '') {
      words.push(word);
      word = '';
    }
  }
  if (words.some((w) => NEGATIONS.has(w) || w.endsWith("n't"))) return false;
  return words.some((w) => SUCCESS_HEADING.some((stem) => w.startsWith(stem)));
}

function fromGoogle(b: Bounce): boolean {
  return (
    b.fromDomain('googlemail.com') ||
    b.fromDomain('google.com') ||
    b.fromDomain('gmail.com') ||
    b.has('x-google-smtp-source')
  );
}

/** "... Mailbox Full (state 14)." → "... Mailbox Full": Gmail's SMTP state number. */
function withoutState(text: string): string {
  let t = text.trimEnd();
  if (t.endsWith('.')) t = t.slice(0, -1);
  const i = t.lastIndexOf('(state ');
  if (i >= 0 && t.endsWith(')')) return t.slice(0, i).trimEnd();
  return text;
}

export const gmail: Family = {
  name: 'gmail',
  detect(b) {
    if (!b.saw(GOOGLE.oldIntro)) return EVIDENCE.none;
    return fromGoogle(b) ? EVIDENCE.sender : EVIDENCE.marker;
  },
  parse(b) {
    const lines = b.lines();
    const start = failureHeading(lines);
    // Gmail ends the line with a colon; IIS writes "... recipients failed." (iis.ts).
    if (start < 0 || !(lines[start] as string).trimEnd().endsWith(':')) return [];
    const delay =
      (lines[start] as string).toLowerCase().indexOf('delayed') >= 0 ||
      findLineContaining(lines, [GOOGLE.oldWarning], 0, start) >= 0;
    let end = findLine(lines, END_MARKERS, start + 1);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    // The addresses, indented, up to the first line that is not one.
    let i = start + 1;
    let seen = false;
    for (; i < end; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') {
        if (seen) break;
        continue;
      }
      if (bareAddress(line) === null) break;
      seen = true;
    }
    const recipients = collectBlocks(lines, start + 1, i, {
      start: (line) => leadingAddress(line),
      continuation: 'section',
    }).blocks.map((block) => block.recipient);
    const details: string[] = [];
    let reply: string[] | null = null;
    for (; i < end && details.length < 60; i++) {
      const line = (lines[i] as string).trim();
      if (line === '') continue;
      const lower = line.toLowerCase();
      if (lower.startsWith('technical details of') || lower.startsWith('message will be retried'))
        continue;
      const said = textAfter(line, GOOGLE.oldReply);
      if (said !== null) {
        reply = [];
        const rest = said.trim();
        if (rest !== '') reply.push(rest);
        continue;
      }
      if (reply !== null) reply.push(line);
      else details.push(line);
    }
    // Without a server's reply, Google's own explanation is the reason
    // ("The recipient server did not accept our requests to connect.").
    const text = withoutState((reply ?? details).join(' '));
    const failures: Failure[] = recipients.map((recipient) => ({
      recipient,
      diagnosis: text,
      action: delay ? 'delayed' : null,
    }));
    return toFindings(b, 'gmail', failures, { returnedAt, permanent: !delay });
  },
};

/** "** Address not found **" and the like: Gmail's and Workspace's headings since 2015. */
function starHeading(lines: readonly string[]): number {
  for (let i = 0; i < Math.min(lines.length, 40); i++) {
    const l = (lines[i] as string).trim();
    if (l.length > 6 && l.startsWith('** ') && l.endsWith(' **')) return i;
  }
  return -1;
}

export const googleWorkspace: Family = {
  name: 'googleworkspace',
  // From Google's own hosts the heading is enough. From elsewhere (a relay that passed
  // the notice on, a sender the report anonymised) the layout still says Google: the
  // "** <heading> **" line first, then the remote reply under "The response was:" or
  // "The response from the remote server was:" (reported lost to a generic reader in
  // https://github.com/rgl/MailBounceDetector/issues/10 and
  // https://github.com/crisp-oss/email-bounce-parser/issues/2).
  detect(b) {
    if (!b.saw('** ')) return EVIDENCE.none;
    if (fromGoogle(b)) return EVIDENCE.sender;
    return starHeading(b.lines()) >= 0 && b.sawAny(GOOGLE.response)
      ? EVIDENCE.marker
      : EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    const start = starHeading(lines);
    if (start < 0) return [];
    // One "** heading **" block per failed recipient when a notice names several,
    // each with its own paragraph and reply: a recipient takes the block that names it.
    const blocks: StarBlock[] = [];
    for (let at = start; at >= 0 && blocks.length < MAX_STAR_BLOCKS;) {
      const block = starBlock(lines, at);
      blocks.push(block);
      at = block.next;
    }
    const first = blocks[0] as StarBlock;
    const recipients = failedRecipients(b);
    if (recipients.length === 0) {
      const seen = new Set<string>();
      for (const block of blocks)
        if (block.named !== null && !seen.has(block.named.toLowerCase())) {
          seen.add(block.named.toLowerCase());
          recipients.push(block.named);
        }
    }
    return toFindings(
      b,
      'googleworkspace',
      recipients.map((recipient) => {
        const lower = recipient.toLowerCase();
        const block = blocks.find((k) => k.named?.toLowerCase() === lower) ?? first;
        return { recipient, diagnosis: block.text, action: block.delay ? 'delayed' : null };
      }),
      { permanent: !first.delay },
    );
  },
};

/** Most "** heading **" blocks read from one notice. */
const MAX_STAR_BLOCKS = 50;

/** One "** heading **" block of a Gmail / Workspace notice. */
interface StarBlock {
  /** The address its paragraph names, or null. */
  named: string | null;
  /** The remote server's reply, else Google's explanation. */
  text: string;
  /** The notice says Gmail is still retrying. */
  delay: boolean;
  /** The line of the next "** heading **" block, or -1. */
  next: number;
}

/** The block under the "** heading **" at line `start`, up to the next heading or the end. */
function starBlock(lines: readonly string[], start: number): StarBlock {
  const explanation: string[] = [];
  let reply: string[] | null = null;
  let named: string | null = null;
  let next = -1;
  for (let i = start + 1; i < lines.length && explanation.length < 40; i++) {
    const line = (lines[i] as string).trim();
    const lower = line.toLowerCase();
    if (lower.startsWith('content-type:') || END_MARKERS.some((m) => lower.startsWith(m))) break;
    if (line.length > 6 && line.startsWith('** ') && line.endsWith(' **')) {
      next = i;
      break;
    }
    if (line === '') {
      if (reply !== null && reply.length > 0) {
        // A further block may follow the reply's paragraph.
        next = starHeadingFrom(lines, i + 1);
        break;
      }
      continue;
    }
    if (GOOGLE.response.some((r) => lower.startsWith(r))) {
      reply = [];
      const rest = line.slice(line.indexOf(':') + 1).trim();
      if (rest !== '') reply.push(rest);
      continue;
    }
    if (reply !== null) {
      reply.push(line);
      continue;
    }
    // The paragraph under the heading names the recipient, whatever its wording:
    // "Your message wasn't delivered to a@b because ...", "There was a temporary
    // problem delivering your message to a@b.", "Your message to a@b has been blocked."
    named ??= addressIn(line);
    if (!startsWithI(line, 'learn more')) explanation.push(line);
  }
  const text = reply !== null && reply.length > 0 ? reply.join(' ') : explanation.join(' ');
  // "** Delivery incomplete **": Gmail is still retrying; so is a notice whose
  // paragraph says so under another heading ("Gmail will retry for 46 more hours.
  // You'll be notified if the delivery fails permanently.").
  const said = explanation.join(' ').toLowerCase().replaceAll('\u2019', "'");
  const delay =
    (lines[start] as string).toLowerCase().indexOf('incomplete') >= 0 ||
    said.indexOf(' will retry ') >= 0 ||
    said.indexOf("you'll be notified if") >= 0;
  return { named, text, delay, next };
}

/**
 * The next "** heading **" line from `from`, with only blank lines before it (a
 * heading further down, after other text, belongs to no block of this notice); or -1.
 */
function starHeadingFrom(lines: readonly string[], from: number): number {
  for (let i = from; i < lines.length && i - from < 5; i++) {
    const l = (lines[i] as string).trim();
    if (l === '') continue;
    return l.length > 6 && l.startsWith('** ') && l.endsWith(' **') ? i : -1;
  }
  return -1;
}

/**
 * Google Groups' English template, which every translation renders. A translated
 * notice does not quote it: the template is then our conclusion about what the
 * notice says, kept in `oob_report.inferred`, never as the message's text.
 */
const GROUPS_TEMPLATE =
  'The group you tried to contact may not exist, or you may not have permission to post messages to the group.';

/** The first sentence of a line: up to ". " or the ideographic full stop. */
function firstSentence(line: string): string {
  const t = line.trim();
  const stop = t.indexOf('. ');
  const ideographic = t.indexOf('\u3002');
  const ends = [stop >= 0 ? stop + 1 : -1, ideographic >= 0 ? ideographic + 1 : -1].filter(
    (n) => n > 0,
  );
  return ends.length > 0 ? t.slice(0, Math.min(...ends)) : t;
}

export const googleGroups: Family = {
  name: 'googlegroups',
  detect: (b) =>
    fromGoogle(b) && (b.saw(GOOGLE.groups) || GOOGLE.groupsNamed.some((m) => b.saw(m)))
      ? EVIDENCE.sender
      : EVIDENCE.none,
  parse(b) {
    const recipients = failedRecipients(b);
    if (recipients.length === 0) return [];
    // The notice's own sentence: the English one quotes the template; every
    // translation names the group ("(name)", "（name）", "「name」") in
    // its first sentence, on a line that is not an address.
    const lines = b.lines();
    let at = findLineContaining(lines, ['may not have permission to post']);
    const quoted = at >= 0;
    if (!quoted) {
      const group = (recipients[0] as string).split('@')[0]?.toLowerCase() ?? '';
      for (let i = 0; i < Math.min(lines.length, 200) && at < 0 && group !== ''; i++) {
        const l = (lines[i] as string).toLowerCase();
        if (l.indexOf(group) >= 0 && l.indexOf('@') < 0 && l.indexOf('://') < 0) at = i;
      }
    }
    const text = at >= 0 ? firstSentence(lines[at] as string) : '';
    const end = findLine(lines, END_MARKERS);
    const findings = toFindings(
      b,
      'googlegroups',
      recipients.map((recipient) => ({ recipient, diagnosis: text })),
      { returnedAt: end, permanent: true },
    );
    if (quoted) return findings;
    return findings.map((f) => ({
      ...f,
      report: { ...f.report, inferred: { status: null, reason: GROUPS_TEMPLATE } },
    }));
  },
};
