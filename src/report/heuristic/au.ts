// KDDI's au mobile mail (ezweb.ne.jp, au.com) and its ISP mail (dion.ne.jp,
// auone-net.jp). Both write a Japanese paragraph and an English one.
// * EZweb / au.com ("Mail System Error - Returned Mail"): an English cause ("Your
//   message was not delivered within 0 days and 1 hours.", "The user(s) account is
//   disabled."), then the recipients as "<a@b>" lines, or per recipient
//   "Recipient: <a@b>" with the ">>>" / "<<<" exchange of a remote refusal.
// * dion / auone-net: "Your mail sent on: <date>", then indented
//   "Could not be delivered to: <a@b>" and the cause ("As their mailbox is full.").
import {
  addressIn,
  type Explained,
  explained,
  type Failure,
  type Family,
  findLine,
  findLineContaining,
  toFindings,
} from './common';

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7e) return false;
  return true;
}

export const ezweb: Family = {
  name: 'ezweb',
  detect(b) {
    return (
      b.fromDomain('ezweb.ne.jp') ||
      b.fromDomain('au.com') ||
      b.subject.startsWith('mail system error - returned mail')
    );
  },
  parse(b) {
    const lines = b.lines();
    interface Block {
      f: Failure;
      replies: string[];
    }
    const all: Block[] = [];
    const cause: string[] = [];
    let cur: Block | null = null;
    const returnedAt = findLine(lines, [
      '-----------------------------------',
      'content-type: message/rfc822',
    ]);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    for (let i = 0; i < end; i++) {
      const line = (lines[i] as string).trim();
      const lower = line.toLowerCase();
      if (line === '') continue;
      if (line.startsWith('<<<')) {
        if (cur !== null && cur.replies.length < 20) cur.replies.push(line.slice(3).trim());
        continue;
      }
      if (line.startsWith('>>>')) continue;
      let candidate = line;
      if (lower.startsWith('recipient:')) candidate = line.slice(10).trim();
      if (candidate.startsWith('<') && candidate.indexOf('>') > 0) {
        const a = addressIn(candidate.slice(0, candidate.indexOf('>') + 1));
        if (a !== null) {
          cur = { f: { recipient: a, diagnosis: '' }, replies: [] };
          all.push(cur);
          continue;
        }
      }
      // The English paragraph is the cause; the Japanese one says the same.
      if (cur === null && isAscii(line) && cause.length < 10) cause.push(line);
    }
    const failures = all.map((c) => {
      c.f.diagnosis = c.replies.length > 0 ? c.replies.join(' ') : cause.join(' ');
      return c.f;
    });
    return toFindings(b, 'ezweb', failures, { returnedAt, permanent: true });
  },
};

export const kddi: Family = {
  name: 'kddi',
  detect: (b) => b.saw('could not be delivered to: <'),
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, [
      'your mail sent on',
      'your mail attempted to be delivered on',
    ]);
    if (start < 0) return [];
    const all: Explained[] = [];
    let cur: Explained | null = null;
    const returnedAt = findLine(lines, ['content-type: message/rfc822'], start + 1);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    for (let i = start + 1; i < end; i++) {
      const raw = lines[i] as string;
      const line = raw.trim();
      if (line === '') continue;
      const at = line.toLowerCase().indexOf('could not be delivered to:');
      if (at >= 0) {
        const a = addressIn(line.slice(at + 26));
        if (a !== null) {
          cur = { f: { recipient: a, diagnosis: '' }, text: [] };
          all.push(cur);
        }
        continue;
      }
      if (
        cur !== null &&
        (raw.charCodeAt(0) === 0x20 || raw.charCodeAt(0) === 0x09) &&
        cur.text.length < 10
      )
        cur.text.push(line);
    }
    const failures = explained(all);
    return toFindings(b, 'kddi', failures, { returnedAt, permanent: true });
  },
};
