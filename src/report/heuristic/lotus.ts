// IBM (Lotus, now HCL) Domino and Notes.
// * Domino's SMTP router ("DELIVERY FAILURE: ..." subjects):
//     Your message
//       Subject: Nyaan
//     was not delivered to:
//       kijitora@example.com
//     because:
//       User kijitora (kijitora@example.com) not listed in Domino Directory
//   with the labels translated in localised servers.
// * Notes clients' and older servers' "Undeliverable message": a "------- Failure
//   Reasons --------" ruler, the reason, the address, "------- Returned Message".
import {
  MAX_RECIPIENTS,
  bareAddress,
  findLine,
  findLineContaining,
  startsWithI,
  toFindings,
  type Failure,
  type Family,
} from './common';

export const domino: Family = {
  name: 'domino',
  detect: (b) => b.saw('was not delivered to:'),
  parse(b) {
    const lines = b.lines();
    const failures: Failure[] = [];
    let section = '';
    let pending: string[] = [];
    const returnedAt = findLine(lines, ['content-type: message/rfc822']);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    for (let i = 0; i < end; i++) {
      const line = (lines[i] as string).trim();
      const lower = line.toLowerCase();
      if (line === '') continue;
      if (lower === 'was not delivered to:') {
        section = 'to';
        pending = [];
        continue;
      }
      if (lower === 'because:') {
        section = 'because';
        continue;
      }
      if (section === 'to') {
        const a = bareAddress(line);
        if (a !== null) pending.push(a);
        else section = '';
        continue;
      }
      if (section === 'because') {
        // The reason is one line; DSN-like fields may follow it.
        for (const recipient of pending) failures.push({ recipient, diagnosis: line });
        pending = [];
        section = '';
      }
    }
    return toFindings(b, 'domino', failures, { returnedAt, permanent: true });
  },
};

export const notes: Family = {
  name: 'notes',
  detect: (b) => b.saw('------- failure reasons'),
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, ['------- failure reasons']);
    if (start < 0) return [];
    let end = findLine(lines, ['------- returned message'], start + 1);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    const reasons: string[] = [];
    const recipients: string[] = [];
    for (let i = start + 1; i < end; i++) {
      const line = (lines[i] as string).trim();
      if (line === '' || line.startsWith('-')) continue;
      const a = bareAddress(line);
      if (a !== null) {
        if (recipients.length < MAX_RECIPIENTS) recipients.push(a);
      } else if (reasons.length < 10) reasons.push(line);
    }
    if (recipients.length === 0 && returnedAt >= 0) {
      // No address in the reasons: the returned message's To.
      for (let i = returnedAt + 1; i < Math.min(lines.length, returnedAt + 100); i++) {
        const l = lines[i] as string;
        if (l === '') break;
        if (startsWithI(l, 'to:')) {
          const a = bareAddress(l.slice(3));
          if (a !== null) recipients.push(a);
          break;
        }
      }
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
