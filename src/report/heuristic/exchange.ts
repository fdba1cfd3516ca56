// Microsoft Exchange's non-delivery reports when they come without a usable
// delivery-status part.
// * Exchange 5.5 – 2003 (the Internet Mail Service / IMC): "Your message ... did
//   not reach the following recipient(s):", then "a@b on <date>" per recipient,
//   indented reasons, the "MSEXCH:IMS:...(000C05A6) Unknown Recipient" line, and for
//   a remote refusal "<host #5.1.1 smtp;550 5.1.1 User unknown>".
// * Exchange 2007 and later, Office 365 / Exchange Online, in the sender's
//   language: a human paragraph per recipient, then under "Diagnostic information
//   for administrators:" each address on its own line followed by the reply,
//   "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##" or
//   "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; ...'".
import {
  addressIn,
  type Explained,
  explained,
  type Failure,
  type Family,
  findLine,
  findLineContaining,
  hashStatus,
  MAX_RECIPIENTS,
  toFindings,
} from './common';
import { enhancedCodeAt } from '../../values';

/** Lines where the returned message's headers start, in Exchange's languages. */
const END_MARKERS = [
  'original message headers',
  "en-têtes de message d'origine",
  'intestazioni originali del messaggio',
  'ursprüngliche nachrichtenkopfzeilen',
  'cabeceras del mensaje original',
  '元のメッセージ ヘッダー',
  'message hops',
  'content-type: message/rfc822',
];

/** A line that is only a recipient: "a@b", "a@b<mailto:a@b>", "Name (a@b)", "Name <a@b>". */
function recipientLine(line: string): string | null {
  const t = line.trim();
  if (t === '' || t.indexOf('@') < 0 || t.length > 320) return null;
  const a = addressIn(t);
  if (a === null) return null;
  // Everything but the address and a display name: no sentence around it.
  const rest = t.replaceAll(a, '').replaceAll('<mailto:>', '');
  if (rest.indexOf(':') >= 0 || rest.indexOf('.') >= 0 || rest.split(' ').length > 5) return null;
  return a;
}

/** The reply in an Exchange 2007+ diagnostic line, or null when the line holds none. */
function diagnosticReply(line: string): string | null {
  let t = line.trim();
  // "Remote Server returned '550 5.1.10 ...'", "... Remote Server at x (ip) returned '550 4.4.7 ...'"
  const q = t.toLowerCase().indexOf("returned '");
  if (q >= 0) {
    const inner = t.slice(q + 10);
    const close = inner.lastIndexOf("'");
    return close > 0 ? inner.slice(0, close) : inner;
  }
  if (t.startsWith('#')) t = t.slice(1);
  if (t.endsWith('##')) t = t.slice(0, -2).trimEnd();
  const c = t.charCodeAt(0);
  if ((c === 0x34 || c === 0x35) && t.charCodeAt(3) === 0x20 && enhancedCodeAt(t, 4) !== null)
    return t;
  return null;
}

export const exchange2007: Family = {
  name: 'exchange2007',
  detect(b) {
    return (
      b.saw('diagnostic information for administrators') ||
      b.saw('generating server:') ||
      b.saw('delivery has failed to these recipients') ||
      b.saw("your message couldn't be delivered") ||
      b.saw('remote server returned') ||
      b.saw('serveur de génération') ||
      b.saw('server di generazione') ||
      b.saw('generierender server')
    );
  },
  parse(b) {
    const lines = b.lines();
    let end = findLine(lines, END_MARKERS);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    let reportingMta: string | null = null;
    const gen = findLineContaining(
      lines,
      [
        'generating server:',
        'serveur de génération',
        'server di generazione',
        'generierender server',
      ],
      0,
      end,
    );
    if (gen >= 0) {
      const l = lines[gen] as string;
      const host = l.slice(l.indexOf(':') + 1).trim();
      if (host !== '' && host.indexOf(' ') < 0) reportingMta = host;
    }
    // The administrators' section: an address line, then its reply within a few lines.
    const failures: Failure[] = [];
    for (let i = 0; i < end; i++) {
      const a = recipientLine(lines[i] as string);
      if (a === null) continue;
      for (let j = i + 1; j < Math.min(end, i + 4); j++) {
        const reply = diagnosticReply(lines[j] as string);
        if (reply === null) continue;
        // A reply wrapped by quoted-printable soft breaks continues on the next line.
        failures.push({ recipient: a, diagnosis: reply });
        i = j;
        break;
      }
    }
    if (failures.length > 0)
      return toFindings(b, 'exchange2007', failures, { reportingMta, returnedAt, permanent: true });
    // No administrators' section: the recipients and the paragraph under each.
    const start = findLineContaining(lines, [
      'delivery has failed to these recipients',
      "your message couldn't be delivered",
      'rejected your message to the following',
    ]);
    if (start < 0) return [];
    let cur: Explained | null = null;
    const all: Explained[] = [];
    for (let i = start + 1; i < end; i++) {
      const line = (lines[i] as string).trim();
      if (line === '') continue;
      const a = recipientLine(line);
      if (a !== null) {
        cur = { f: { recipient: a, diagnosis: '' }, text: [] };
        all.push(cur);
      } else if (cur !== null && cur.text.length < 6) cur.text.push(line);
    }
    failures.push(...explained(all));
    return toFindings(b, 'exchange2007', failures, { reportingMta, returnedAt, permanent: true });
  },
};

/** Exchange 2003's "a@b on 4/29/01 11:34:45 PM" and "Name (SMTP=a@b) on ...". */
function exchange2003Recipient(line: string): string | null {
  const t = line.trim();
  const on = t.indexOf(' on ');
  if (on <= 0) return null;
  const head = t.slice(0, on);
  const smtp = head.toUpperCase().indexOf('SMTP=');
  if (smtp >= 0)
    return addressIn(
      head
        .slice(smtp + 5)
        .replaceAll(')', ' ')
        .replaceAll(']', ' '),
    );
  return head.indexOf(' ') < 0 ? addressIn(head) : null;
}

export const exchange2003: Family = {
  name: 'exchange2003',
  detect(b) {
    return (
      b.saw('did not reach the following recipient') ||
      b.saw('following recipient(s) could not be reached')
    );
  },
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, [
      'did not reach the following recipient',
      'following recipient(s) could not be reached',
    ]);
    if (start < 0) return [];
    let end = findLine(lines, END_MARKERS, start + 1);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    interface Block {
      f: Failure;
      text: string[];
      remote: string | null;
    }
    const all: Block[] = [];
    let cur: Block | null = null;
    for (let i = start + 1; i < end; i++) {
      const raw = lines[i] as string;
      const line = raw.trim();
      if (line === '') continue;
      const a = exchange2003Recipient(line);
      if (a !== null) {
        cur = { f: { recipient: a, diagnosis: '' }, text: [], remote: null };
        all.push(cur);
        continue;
      }
      if (cur === null) continue;
      const lower = line.toLowerCase();
      if (lower.startsWith('the mts-id of the original message') || line.startsWith(';')) continue;
      if (line.startsWith('<') && line.endsWith('>') && line.indexOf('#') > 0) {
        // "<mx.example.com #5.0.0 smtp;550 5.1.1 User unknown>": the host, the
        // status Exchange assigned, and the remote server's reply.
        const inner = line.slice(1, -1);
        const hash = inner.indexOf('#');
        cur.f.remoteMta = inner.slice(0, hash).trim() || null;
        const semi = inner.toLowerCase().indexOf('smtp;');
        if (semi >= 0) cur.remote = inner.slice(semi + 5).trim();
        const hinted = hashStatus(inner.slice(hash, semi >= 0 ? semi : inner.length));
        if (hinted !== null) cur.f.status = hinted.code;
        continue;
      }
      if (line.startsWith('MSEXCH:')) {
        // "MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown Recipient": the words after the code.
        const close = line.indexOf(') ');
        if (close > 0) cur.text.push(line.slice(close + 2).trim());
        continue;
      }
      if (cur.text.length < 10) cur.text.push(line);
    }
    const failures: Failure[] = [];
    for (const c of all) {
      // The human reason first; "Unknown Recipient" after MSEXCH repeats it.
      c.f.diagnosis = c.remote ?? c.text[0] ?? '';
      failures.push(c.f);
    }
    return toFindings(b, 'exchange2003', failures, { returnedAt, permanent: true });
  },
};

/** Intros of the IIS SMTP service's report, the reason after the comma. */
const IIS_INTROS = [
  'unable to deliver message to the following recipients',
  'delivery to the following recipients failed',
  'delivery to the following recipients has been delayed',
];

/**
 * Windows' IIS SMTP service (and Hotmail's relays that ran it): "This is an
 * automatically generated Delivery Status Notification." then "Unable to deliver
 * message to the following recipients, <reason>." and the addresses indented.
 */
export const iis: Family = {
  name: 'iis',
  detect: (b) => b.sawAny(IIS_INTROS),
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, IIS_INTROS);
    if (start < 0) return [];
    const delay = (lines[start] as string).toLowerCase().indexOf('delayed') >= 0;
    const reason: string[] = [];
    const recipients: string[] = [];
    const returnedAt = findLine(lines, END_MARKERS, start);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    for (let i = start; i < end; i++) {
      const raw = lines[i] as string;
      const line = raw.trim();
      if (line === '') {
        if (recipients.length > 0) break;
        continue;
      }
      const a =
        raw.charCodeAt(0) === 0x20 || raw.charCodeAt(0) === 0x09 ? recipientLine(line) : null;
      if (a !== null) {
        if (recipients.length < MAX_RECIPIENTS) recipients.push(a);
      } else if (recipients.length === 0 && reason.length < 6) {
        // "Unable to deliver message to the following recipients, due to being
        // unable to connect successfully to the destination mail server."
        const comma = i === start ? line.indexOf(', ') : -1;
        reason.push(comma > 0 ? line.slice(comma + 2) : line);
      }
    }
    const text = reason.join(' ');
    return toFindings(
      b,
      'iis',
      recipients.map((recipient) => ({
        recipient,
        diagnosis: text,
        action: delay ? 'delayed' : null,
      })),
      { returnedAt, permanent: !delay },
    );
  },
};
