// Three open-source MTAs with short, fixed bounce texts, each a few lines of
// layout:
// * DragonFly Mail Agent (dma, mail.c since 2008): one recipient per bounce,
//   "There was an error delivering your mail to <a@b>.", then net.c's
//   "host [ip] did not like our RCPT TO:" and the server's reply.
// * OpenSMTPD (bounce.c since 5.x): "a@b: reply" lines under "the following list
//   of recipients:", indented by four in releases before 6.0.
// * Courier (module.dsn): "<a@b>:" then the host and the ">>>" / "<<<" exchange,
//   between rulers of dashes.
import {
  addressIn,
  bareAddress,
  type Explained,
  explained,
  type Failure,
  type Family,
  findLine,
  findLineContaining,
  MAX_DIAGNOSTIC_LINES,
  MAX_RECIPIENTS,
  startsWithI,
  toFindings,
} from './common';

function firstWord(s: string): string {
  let end = 0;
  while (end < s.length && s.charCodeAt(end) > 0x20) end++;
  return s.slice(0, end);
}

export const dragonfly: Family = {
  name: 'dragonfly',
  detect: (b) => b.saw('this is the dragonfly mail agent'),
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, ['this is the dragonfly mail agent']);
    if (start < 0) return [];
    const intro = (lines[start] as string).trim();
    const at = intro.toLowerCase().lastIndexOf(' at ');
    let reportingMta: string | null = null;
    if (at >= 0) {
      reportingMta = intro.slice(at + 4).trim();
      while (reportingMta.endsWith('.')) reportingMta = reportingMta.slice(0, -1);
    }
    let end = findLine(lines, ['message headers follow', 'original message follows'], start + 1);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    const failures: Failure[] = [];
    let cur: Explained | null = null;
    const all: Explained[] = [];
    for (let i = start + 1; i < end; i++) {
      const line = (lines[i] as string).trim();
      if (line === '') continue;
      if (startsWithI(line, 'there was an error delivering your mail to ')) {
        const address = addressIn(line.slice(44));
        if (address !== null) {
          cur = { f: { recipient: address, diagnosis: '' }, text: [] };
          all.push(cur);
        }
        continue;
      }
      if (cur === null || cur.text.length >= MAX_DIAGNOSTIC_LINES) continue;
      // net.c: "%s [%s] did not like our %s:\n%s" — the reply is on the lines after.
      const dislike = line.toLowerCase().indexOf(' did not like our ');
      if (dislike > 0) {
        cur.f.remoteMta = firstWord(line);
        cur.text.length = 0;
        continue;
      }
      cur.text.push(line);
    }
    failures.push(...explained(all));
    return toFindings(b, 'dragonfly', failures, { reportingMta, returnedAt, permanent: true });
  },
};

export const opensmtpd: Family = {
  name: 'opensmtpd',
  detect(b) {
    return b.saw('this is the mailer-daemon, please do not reply') && b.saw('list of recipients');
  },
  parse(b) {
    const lines = b.lines();
    const listAt = findLineContaining(lines, ['list of recipients:']);
    if (listAt < 0) return [];
    const delay =
      findLineContaining(lines, ['a message is delayed for more than'], 0, listAt + 1) >= 0;
    let end = findLine(lines, ['below is a copy of the original message'], listAt + 1);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    const failures: Failure[] = [];
    let last: Failure | null = null;
    for (let i = listAt + 1; i < end; i++) {
      const raw = lines[i] as string;
      const line = raw.trim();
      if (line === '') {
        last = null;
        continue;
      }
      const word = firstWord(line);
      const colon = word.endsWith(':');
      const address = bareAddress(colon ? word : word + ':');
      if (address !== null && (colon || line.length > word.length)) {
        last = { recipient: address, diagnosis: line.slice(word.length).trim() };
        if (delay) last.action = 'delayed';
        failures.push(last);
      } else if (last !== null && raw.charCodeAt(0) === 0x20 && last.diagnosis.length < 4096) {
        // A long reply wrapped onto an indented line.
        last.diagnosis += ' ' + line;
      }
    }
    return toFindings(b, 'opensmtpd', failures, { returnedAt, permanent: !delay });
  },
};

export const courier: Family = {
  name: 'courier',
  detect(b) {
    return (
      b.saw('courier mail server') ||
      b.header('message-id').toLowerCase().startsWith('<courier.') ||
      b.saw('undeliverable mail') ||
      b.saw('delays in delivering your message')
    );
  },
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, [
      'undeliverable mail',
      'delays in delivering your message',
    ]);
    if (start < 0) return [];
    const delay = (lines[start] as string).toLowerCase().indexOf('delays') >= 0;
    const failures: Failure[] = [];
    interface Block {
      f: Failure;
      own: string[];
      replies: string[];
    }
    let cur: Block | null = null;
    const all: Block[] = [];
    const returnedAt = findLine(
      lines,
      ['content-type: message/rfc822', 'content-type: text/rfc822-headers'],
      start + 1,
    );
    const end = returnedAt < 0 ? lines.length : returnedAt;
    for (let i = start + 1; i < end; i++) {
      const raw = lines[i] as string;
      const line = raw.trim();
      if (line === '' || line.startsWith('-----')) continue;
      if (raw.startsWith('<') && line.endsWith(':')) {
        const address = bareAddress(line);
        if (address !== null) {
          cur = { f: { recipient: address, diagnosis: '' }, own: [], replies: [] };
          if (delay) cur.f.action = 'delayed';
          all.push(cur);
          continue;
        }
      }
      if (cur === null) continue;
      if (line.startsWith('<<<')) {
        if (cur.replies.length < MAX_DIAGNOSTIC_LINES) cur.replies.push(line.slice(3).trim());
      } else if (line.startsWith('>>>')) continue;
      else if (raw.charCodeAt(0) === 0x20 || raw.charCodeAt(0) === 0x09) {
        // "    mx.example.co.jp [192.0.2.95]:" names the host; other lines explain.
        if (line.endsWith(']:') && cur.f.remoteMta === undefined) cur.f.remoteMta = firstWord(line);
        else if (cur.own.length < MAX_DIAGNOSTIC_LINES) cur.own.push(line);
      } else cur = null;
    }
    for (const c of all) {
      c.f.diagnosis = c.replies.length > 0 ? c.replies.join(' ') : c.own.join(' ');
      failures.push(c.f);
    }
    return toFindings(b, 'courier', failures, { returnedAt, permanent: !delay });
  },
};

/**
 * Smail 3 ("mail failed, returning to sender"): sections between ruled lines,
 * "|---- Message log follows: ----|", "|---- Failed addresses follow: ----|" with
 * " a@b ... reason" lines, and "|---- Message text follows: ----|".
 */
export const smail: Family = {
  name: 'smail',
  detect: (b) => b.saw('failed addresses follow:'),
  parse(b) {
    const lines = b.lines();
    const failures: Failure[] = [];
    const log: string[] = [];
    let section = '';
    let returnedAt = -1;
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] as string).trim();
      if (line.startsWith('|---') || line.startsWith('----')) {
        const lower = line.toLowerCase();
        section =
          lower.indexOf('failed addresses') >= 0
            ? 'failed'
            : lower.indexOf('message log') >= 0
              ? 'log'
              : 'text';
        if (section === 'text') {
          returnedAt = i;
          break;
        }
        continue;
      }
      if (line === '') continue;
      if (section === 'log' && log.length < 10) log.push(line);
      if (section !== 'failed') continue;
      // " a@b ... unknown host", " a@b ... (reason)"
      const dots = line.indexOf(' ... ');
      const a = addressIn(dots > 0 ? line.slice(0, dots) : line);
      if (a === null) continue;
      failures.push({ recipient: a, diagnosis: dots > 0 ? line.slice(dots + 5).trim() : '' });
      if (failures.length >= MAX_RECIPIENTS) break;
    }
    for (const f of failures) if (f.diagnosis === '') f.diagnosis = log.join(' ');
    return toFindings(b, 'smail', failures, { returnedAt, permanent: true });
  },
};
