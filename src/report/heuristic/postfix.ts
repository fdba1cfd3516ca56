// Postfix's text bounce (bounce(8) templates, "This is the mail system at host
// ...", "This is the Postfix program at host ..." before 2.3) when it comes
// without the delivery-status part the DSN parser reads: old versions, relays
// that strip it, forwards. One paragraph per recipient, continued by indented lines:
//
//   <kijitora@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1
//       <kijitora@example.jp>: Recipient address rejected: User unknown (in reply
//       to RCPT TO command)
//
// "<a@b> (expanded from <alias@b>): ..." names the alias the address came from.
// The delay warning ("THIS IS A WARNING ONLY") lists recipients still being retried.
import {
  MAX_DIAGNOSTIC_LINES,
  addressIn,
  findLine,
  findLineContaining,
  toFindings,
  type Bounce,
  type Failure,
  type Family,
} from './common';
import type { OobFinding } from '../types';

const INTROS = [
  'this is the mail system at host',
  'this is the postfix program',
  'postfix program at host',
  'the postfix program',
  'the mail system',
];

const END_MARKERS = [
  'content-type: message/rfc822',
  'content-type: text/rfc822-headers',
  'content-description: undelivered message',
  'content-description: delivery report',
  '--- delivery report unavailable ---',
];

/** "host mx.example.jp[192.0.2.1] said:": the host name. */
function hostOf(text: string): string | null {
  const lower = text.toLowerCase();
  const i = lower.indexOf('host ');
  if (i < 0 || i > 40) return null;
  const rest = text.slice(i + 5);
  let end = 0;
  while (end < rest.length && rest.charCodeAt(end) > 0x20 && rest.charCodeAt(end) !== 0x5b) end++;
  const host = rest.slice(0, end);
  return host.indexOf('.') > 0 ? host : null;
}

export function parsePostfixText(bounce: Bounce, family: string): OobFinding[] {
  const lines = bounce.lines();
  const start = findLineContaining(lines, INTROS);
  if (start < 0) return [];
  let reportingMta: string | null = null;
  const intro = (lines[start] as string).trim();
  const at = intro.toLowerCase().indexOf(' at host ');
  if (at >= 0) {
    let host = intro.slice(at + 9).trim();
    while (host.endsWith('.')) host = host.slice(0, -1);
    if (host !== '' && host.indexOf(' ') < 0) reportingMta = host;
  }
  const delay = findLineContaining(lines, ['this is a warning only'], start, start + 20) >= 0;
  const failures: (Failure & { text: string[] })[] = [];
  let cur: (Failure & { text: string[] }) | null = null;
  const returnedAt = findLine(lines, END_MARKERS, start + 1);
  const end = returnedAt < 0 ? lines.length : returnedAt;
  for (let i = start + 1; i < end; i++) {
    const raw = lines[i] as string;
    if (raw === '') {
      cur = null;
      continue;
    }
    if (raw.startsWith('<')) {
      const close = raw.indexOf('>');
      const address = close > 0 ? addressIn(raw.slice(0, close + 1)) : null;
      let rest = close > 0 ? raw.slice(close + 1) : '';
      // "<a@b> (expanded from <alias@b>): text"
      if (rest.startsWith(' (expanded from ')) {
        const end = rest.indexOf('):');
        rest = end >= 0 ? rest.slice(end + 1) : rest;
      }
      if (address !== null && rest.startsWith(':')) {
        cur = { recipient: address, diagnosis: '', text: [rest.slice(1).trim()] };
        failures.push(cur);
        continue;
      }
    }
    if (cur !== null && (raw.charCodeAt(0) === 0x20 || raw.charCodeAt(0) === 0x09)) {
      if (cur.text.length < MAX_DIAGNOSTIC_LINES) cur.text.push(raw.trim());
    } else cur = null;
  }
  for (const f of failures) {
    // "... (in reply to RCPT TO command)", Postfix's note of the SMTP stage: extractReply
    // reads it into the reply's command and leaves it out of the text.
    const text = f.text.join(' ');
    f.diagnosis = text;
    f.remoteMta = hostOf(text);
    if (delay) f.action = 'delayed';
  }
  return toFindings(bounce, family, failures, { reportingMta, returnedAt, permanent: !delay });
}

export const postfix: Family = {
  name: 'postfix',
  detect(b) {
    return (
      b.subject.startsWith('undelivered mail returned to sender') ||
      b.subject.startsWith('delayed mail (still being retried)') ||
      b.saw('postfix program') ||
      b.saw('this is the mail system at host')
    );
  },
  parse: (b) => parsePostfixText(b, 'postfix'),
};
