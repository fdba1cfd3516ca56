// IBM (Lotus, now HCL) Domino and Notes.
// * Domino's SMTP router ("DELIVERY FAILURE: ..." / "DELIVERY_FAILURE: ..."
//   subjects, X-MIMETrack fields): unindented labels, each over indented values,
//     Your message
//       Subject: Nyaan
//     was not delivered to:
//       kijitora@example.com
//     because:
//       User kijitora (kijitora@example.com) not listed in Domino Directory
//   with the labels translated on localised servers: the layout (a section of
//   addresses, then the section after it) is read, not the labels.
// * Notes clients' and older servers' "Undeliverable message": a "------- Failure
//   Reasons --------" ruler, the reason, the address, "------- Returned Message".
import {
  EVIDENCE,
  MAX_RECIPIENTS,
  addressIn,
  bareAddress,
  collectBlocks,
  findLine,
  findLineContaining,
  indentOf,
  lowerAscii,
  toFindings,
  wrappedAddress,
  type Bounce,
  type Failure,
  type Family,
} from './common';
import { announcedReply, hasReplyCode } from '../reply';

/** Fixed text of Domino's and Notes' reports (lower case). */
export const DOMINO = {
  /** The English label over the failed addresses. */
  notDelivered: 'was not delivered to:',
  /** Subjects: "DELIVERY FAILURE: <reason>", "DELIVERY_FAILURE: ...". */
  subjects: ['delivery failure:', 'delivery_failure:'],
  /** Notes' rulers. */
  failureReasons: '------- failure reasons',
  returnedMessage: '------- returned message',
} as const;

function fromDomino(b: Bounce): boolean {
  return (
    b.has('x-mimetrack') ||
    DOMINO.subjects.some((s) => b.subject.startsWith(s)) ||
    lowerAscii(b.header('x-mailer')).indexOf('domino') >= 0
  );
}

interface Section {
  values: string[];
}

/** The indented values under each unindented label, up to the returned message. */
function sections(lines: readonly string[], end: number): Section[] {
  const out: Section[] = [];
  let cur: Section | null = null;
  for (let i = 0; i < end && out.length < 200; i++) {
    const raw = lines[i] as string;
    const line = raw.trim();
    if (line === '') continue;
    if (indentOf(raw) === 0) {
      cur = { values: [] };
      out.push(cur);
    } else if (cur !== null && cur.values.length < 1000) cur.values.push(line);
  }
  return out;
}

/**
 * The addresses of a section's values, null for a value that is none; an address
 * wrapped inside its domain over two values ("a@department." / "example.org", as
 * Domino fills its lines) is read joined, its second value consumed.
 */
function addressesOf(values: readonly string[]): Array<string | null> {
  const out: Array<string | null> = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as string;
    const joined = wrappedAddress(value, values[i + 1]);
    out.push(joined ?? bareAddress(value));
    if (joined !== null) i++;
  }
  return out;
}

/** Most lines of a reason written without a reply code read as one reason. */
const MAX_REASON_LINES = 4;

/**
 * The reason in a section's values: its first line (all the lines of a multi-line reply,
 * RFC 5321 §4.2.1, and a reply its first line announces). A reason without a reply code
 * goes on over the lines after it that are no "Field: value" line (DSN-like fields may
 * follow the reason): an X.400 gateway's report in this layout (ISODE PP's RFC 1327
 * "Your message was not delivered to:" / "for the following reason:") gives the reason
 * over lines, the X.411 reason first ("Unable to transfer"), its diagnostic after it
 * ("Unrecognised originator/recipient address"), as does Domino's wrapped reason.
 */
function reasonOf(values: readonly string[]): string {
  const first = announcedReply(values, 0);
  if (hasReplyCode(first.text)) return first.text;
  const parts = [first.text];
  for (let i = first.next; i < values.length && parts.length < MAX_REASON_LINES; i++) {
    const v = values[i] as string;
    const colon = v.indexOf(': ');
    if (colon > 0 && colon < 40) break;
    parts.push(v);
  }
  return parts.join(' ');
}

export const domino: Family = {
  name: 'domino',
  detect(b) {
    const marker = b.saw(DOMINO.notDelivered);
    if (fromDomino(b) && (marker || b.isNotice)) return EVIDENCE.sender;
    return marker ? EVIDENCE.marker : EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    const returnedAt = findLine(lines, ['content-type: message/rfc822']);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    const failures: Failure[] = [];
    // A section whose values are all addresses, and the section after it: the reason.
    const all = sections(lines, end);
    for (let i = 0; i < all.length && failures.length < MAX_RECIPIENTS; i++) {
      const values = (all[i] as Section).values;
      const recipients = addressesOf(values);
      if (values.length === 0 || recipients.some((a) => a === null)) continue;
      const next = all[i + 1];
      if (next === undefined || next.values.length === 0) continue;
      // The reason is its first line (all the lines of a multi-line reply, RFC 5321
      // §4.2.1, and a reply its first line announces); DSN-like fields may follow it.
      const reason = reasonOf(next.values);
      for (const recipient of recipients)
        failures.push({ recipient: recipient as string, diagnosis: reason });
      i++;
    }
    if (failures.length === 0) {
      // Unindented text: the English labels.
      let pending: string[] = [];
      let section = '';
      for (let i = 0; i < end; i++) {
        const line = (lines[i] as string).trim();
        const lower = lowerAscii(line);
        if (line === '') continue;
        // Notes' older template puts each value beside its label, tab-aligned:
        // "was not delivered to:<TAB>Name <a@b>", "because:<TAB>User a not listed ...".
        const besideTo = lower.startsWith(DOMINO.notDelivered)
          ? line.slice(DOMINO.notDelivered.length).trim()
          : '';
        const besideBecause = lower.startsWith('because:') ? line.slice(8).trim() : '';
        if (besideTo !== '') {
          const a = addressIn(besideTo);
          pending = a === null ? [] : [a];
          section = a === null ? '' : 'to';
        } else if (besideBecause !== '') {
          for (const recipient of pending) failures.push({ recipient, diagnosis: besideBecause });
          pending = [];
          section = '';
        } else if (lower === DOMINO.notDelivered) {
          section = 'to';
          pending = [];
        } else if (lower === 'because:') section = 'because';
        else if (section === 'to') {
          const joined = i + 1 < end ? wrappedAddress(line, lines[i + 1]) : null;
          if (joined !== null) i++;
          const a = joined ?? bareAddress(line);
          if (a !== null) pending.push(a);
          else section = '';
        } else if (section === 'because') {
          const reply = announcedReply(lines.slice(i, Math.min(end, i + 21)), 0);
          i += reply.next - 1;
          for (const recipient of pending) failures.push({ recipient, diagnosis: reply.text });
          pending = [];
          section = '';
        }
      }
    }
    return toFindings(b, 'domino', failures, { returnedAt, permanent: true });
  },
};

export const notes: Family = {
  name: 'notes',
  detect: (b) => (b.saw(DOMINO.failureReasons) ? EVIDENCE.marker : EVIDENCE.none),
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, [DOMINO.failureReasons]);
    if (start < 0) return [];
    let end = findLine(lines, [DOMINO.returnedMessage], start + 1);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    // The reason stands before the address it is about; an address alone on its line.
    const collected = collectBlocks(lines, start + 1, end, {
      start(line) {
        const a = bareAddress(line);
        return a === null ? null : { address: a, rest: '', reason: '' };
      },
      continuation: 'section',
    });
    const recipients = collected.blocks.map((block) => block.recipient);
    const reasons: string[] = [];
    const first = collected.blocks[0]?.line ?? end;
    for (let i = start + 1; i < first && reasons.length < 10; i++) {
      const line = (lines[i] as string).trim();
      if (line !== '' && !line.startsWith('-')) reasons.push(line);
    }
    // No address alone on a line: the one the reason names ("User kim (kim@example.in)
    // not listed in public Name & Address Book"), else the returned message's To/Cc,
    // pasted after the ruler or attached as its own part (reported in
    // https://github.com/sisimai/p5-sisimai/issues/88).
    if (recipients.length === 0) {
      const named = new Set<string>();
      for (const reason of reasons) {
        const a = addressIn(reason);
        if (a !== null) named.add(a);
      }
      recipients.push(...(named.size > 0 ? [...named] : b.returnedRecipients(returnedAt)));
    }
    const text = reasons.join(' ');
    return toFindings(
      b,
      'notes',
      recipients.map((recipient) => ({ recipient, diagnosis: text })),
      { returnedAt, permanent: true },
    );
  },
};
