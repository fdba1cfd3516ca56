// Mail servers and list managers with a layout of their own:
// * Ipswitch IMail Server: "Unknown user: a@b", "Invalid final delivery userid:
//   a@b", or "undeliverable to a@b" followed by "Body of message generated
//   response:" and the server's reply; "Original message follows." ends it.
// * Apache James (and Verizon's vtext.com gateway built on it): "Error message
//   below:", the reply ("550 - Requested action not taken: no such user here"),
//   then "Message details:" with "RCPT TO: a@b".
// * fml (a Japanese mailing list manager): a notice to the poster ("Duplicated
//   Message-ID in <list@example.jp>.", "NOT MEMBER article from ...") naming the
//   list address in angle brackets at a line end; the subject says what happened.
// * Zoho Mail: Exim's intro, then one line per recipient:
//   "a@b Invalid Address, ERROR_CODE :550, ERROR_CODE :5.2.1 ... User Unknown".
import {
  MAX_RECIPIENTS,
  addressIn,
  findLine,
  findLineContaining,
  startsWithI,
  toFindings,
  type Failure,
  type Family,
} from './common';

export const imail: Family = {
  name: 'imail',
  detect(b) {
    return (
      b.subject.trim() === 'undeliverable mail' || b.header('x-mailer').startsWith('<SMTP32 v')
    );
  },
  parse(b) {
    const lines = b.lines();
    let end = findLine(lines, ['original message follows']);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    interface Block {
      f: Failure;
      own: string;
      response: string[] | null;
    }
    const all: Block[] = [];
    let cur: Block | null = null;
    for (let i = 0; i < end; i++) {
      const line = (lines[i] as string).trim();
      if (line === '') continue;
      const lower = line.toLowerCase();
      if (lower.startsWith('undeliverable to ')) {
        const a = addressIn(line.slice(17));
        if (a !== null) {
          cur = { f: { recipient: a, diagnosis: '' }, own: '', response: null };
          all.push(cur);
        }
        continue;
      }
      // "Unknown user: a@b", "Invalid final delivery userid: a@b", "Unknown host: ..."
      const colon = line.indexOf(': ');
      if (colon > 0 && colon < 60 && !lower.startsWith('to:') && !lower.startsWith('cc:')) {
        const a = addressIn(line.slice(colon + 2));
        if (
          a !== null &&
          line
            .slice(colon + 2)
            .trim()
            .indexOf(' ') < 0
        ) {
          cur = { f: { recipient: a, diagnosis: '' }, own: line.slice(0, colon), response: null };
          all.push(cur);
          continue;
        }
      }
      if (cur === null) continue;
      if (lower.indexOf('generated response:') >= 0 || lower.indexOf('server response to') >= 0) {
        cur.response = [];
        continue;
      }
      if (cur.response !== null && cur.response.length < 20) cur.response.push(line);
    }
    const failures = all.map((c) => {
      c.f.diagnosis = c.response !== null && c.response.length > 0 ? c.response.join(' ') : c.own;
      return c.f;
    });
    return toFindings(b, 'imail', failures, { returnedAt, permanent: true });
  },
};

export const james: Family = {
  name: 'james',
  detect: (b) => b.saw('error message below:'),
  parse(b) {
    const lines = b.lines();
    const below = findLineContaining(lines, ['error message below:']);
    const details = findLineContaining(lines, ['message details:'], below + 1);
    if (below < 0 || details < 0) return [];
    const text: string[] = [];
    for (let i = below + 1; i < details && text.length < 20; i++) {
      const line = (lines[i] as string).trim();
      if (line !== '') text.push(line);
    }
    const failures: Failure[] = [];
    for (let i = details + 1; i < Math.min(lines.length, details + 60); i++) {
      const line = (lines[i] as string).trim();
      if (!startsWithI(line, 'rcpt to:')) continue;
      const a = addressIn(line.slice(8));
      if (a !== null) failures.push({ recipient: a, diagnosis: text.join(' ') });
    }
    const family = b.fromDomain('vtext.com') ? 'verizon' : 'james';
    return toFindings(b, family, failures, { permanent: true });
  },
};

export const fml: Family = {
  name: 'fml',
  detect(b) {
    return (
      b.has('x-mlserver') ||
      b.header('message-id').indexOf('.FML') >= 0 ||
      b.saw('original mail as follows:')
    );
  },
  parse(b) {
    const lines = b.lines();
    let end = findLine(lines, ['original mail as follows:']);
    if (end < 0) end = Math.min(lines.length, 50);
    const failures: Failure[] = [];
    for (let i = 0; i < end; i++) {
      const line = (lines[i] as string).trim();
      if (!line.endsWith('>.')) continue;
      const a = addressIn(line.slice(line.lastIndexOf('<')));
      if (a === null) continue;
      // The subject names the event ("Loop Alert: ...", "NOT MEMBER article from ...").
      const subject = b.header('subject').trim();
      failures.push({ recipient: a, diagnosis: subject !== '' ? `${subject}: ${line}` : line });
    }
    return toFindings(b, 'fml', failures, { permanent: true });
  },
};

function withoutComma(s: string): string {
  const t = s.trim();
  return t.endsWith(',') ? t.slice(0, -1).trimEnd() : t;
}

export const zoho: Family = {
  name: 'zoho',
  detect: (b) => b.has('x-zohomail') || b.fromDomain('zoho.com') || b.fromDomain('zohomail.com'),
  parse(b) {
    const lines = b.lines();
    const failures: Failure[] = [];
    for (const raw of lines) {
      const line = raw.trim();
      if (line.toLowerCase().startsWith('received:')) break;
      const marker = line.indexOf('ERROR_CODE :');
      if (marker < 0) continue;
      const sp = line.indexOf(' ');
      const a = sp > 0 ? addressIn(line.slice(0, sp)) : null;
      if (a === null) continue;
      // "ERROR_CODE :550, ERROR_CODE :5.2.1 <a@b>... User Unknown": the code, then the reply.
      const parts = line.slice(marker).split('ERROR_CODE :');
      let code: number | null = null;
      let reply = '';
      for (const p of parts) {
        const v = withoutComma(p);
        if (v === '') continue;
        const n = Number(v);
        if (code === null && v.length === 3 && Number.isInteger(n)) code = n;
        else reply = v;
      }
      const own = withoutComma(line.slice(sp + 1, marker));
      failures.push({
        recipient: a,
        diagnosis: (code !== null ? `${code} ` : '') + (reply !== '' ? reply : own),
      });
      if (failures.length >= MAX_RECIPIENTS) break;
    }
    return toFindings(b, 'zoho', failures, { permanent: true });
  },
};

/**
 * PowerMTA's notification text ("Hello, this is the mail server on host."): one
 * line per recipient, "<a@b> delivery failed; will not continue trying" or
 * "<a@b> delayed; will continue trying"; the reply is only in its DSN part.
 */
export const powerMta: Family = {
  name: 'powermta',
  detect: (b) => b.saw('hello, this is the mail server on '),
  parse(b) {
    const failures: Failure[] = [];
    for (const raw of b.lines()) {
      const line = raw.trim();
      if (!line.startsWith('<')) continue;
      const close = line.indexOf('> ');
      const a = close > 0 ? addressIn(line.slice(0, close + 1)) : null;
      if (a === null) continue;
      const text = line.slice(close + 2).trim();
      failures.push({
        recipient: a,
        diagnosis: text,
        action: text.toLowerCase().startsWith('delayed') ? 'delayed' : null,
      });
      if (failures.length >= MAX_RECIPIENTS) break;
    }
    return toFindings(b, 'powermta', failures, { permanent: true });
  },
};

/**
 * Oracle (Sun, iPlanet) Communications Messaging Server: "This report relates to a
 * message you sent with the following header fields:", then per recipient
 * "Recipient address: a@b" and "Reason: ..." (a delay report: "Your message has
 * been enqueued and undeliverable for 1 day").
 */
export const messagingServer: Family = {
  name: 'messagingserver',
  detect: (b) => b.saw('this report relates to a message you sent'),
  parse(b) {
    const lines = b.lines();
    const delay =
      b.subject.indexOf('delayed') >= 0 ||
      findLineContaining(lines, ['enqueued and undeliverable']) >= 0;
    const failures: Failure[] = [];
    let cur: Failure | null = null;
    for (const raw of lines) {
      const line = raw.trim();
      const lower = line.toLowerCase();
      if (lower.startsWith('content-type: message/rfc822') || lower.startsWith('return-path:'))
        break;
      if (lower.startsWith('recipient address:')) {
        const a = addressIn(line.slice(18));
        if (a !== null) {
          cur = { recipient: a, diagnosis: '', action: delay ? 'delayed' : null };
          failures.push(cur);
        }
        continue;
      }
      if (cur !== null && lower.startsWith('reason:') && cur.diagnosis === '')
        cur.diagnosis = line.slice(7).trim();
    }
    return toFindings(b, 'messagingserver', failures, { permanent: !delay });
  },
};

/**
 * AOL's HTML-only notice ("Email Returned"): "We were unable to deliver your
 * message to the following address", the address, then "because: <reason>".
 */
export const aol: Family = {
  name: 'aol',
  detect: (b) => b.saw('unable to deliver your message to the following address'),
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, [
      'unable to deliver your message to the following address',
    ]);
    if (start < 0) return [];
    const failures: Failure[] = [];
    let reason = '';
    for (let i = start + 1; i < Math.min(lines.length, start + 40); i++) {
      const line = (lines[i] as string).trim();
      if (line === '') continue;
      if (startsWithI(line, 'because:')) {
        reason = line.slice(8).trim();
        break;
      }
      const a = addressIn(line);
      if (a !== null && line.indexOf(' ') < 0) failures.push({ recipient: a, diagnosis: '' });
      else if (failures.length > 0) break;
    }
    // Without the "because:" line this is another provider's text (Yahoo's starts alike).
    if (reason === '') return [];
    for (const f of failures) f.diagnosis = reason;
    return toFindings(b, 'aol', failures, { permanent: true });
  },
};

/**
 * Novell (Micro Focus) GroupWise Internet Agent: "The message that you sent was
 * undeliverable to the following:" and the recipients indented, each with its
 * reason in parentheses: "a@b (user not found)".
 */
export const groupwise: Family = {
  name: 'groupwise',
  detect: (b) => b.saw('was undeliverable to the following'),
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, ['was undeliverable to the following']);
    if (start < 0) return [];
    const failures: Failure[] = [];
    for (let i = start + 1; i < Math.min(lines.length, start + 1000); i++) {
      const raw = lines[i] as string;
      const line = raw.trim();
      if (line === '') {
        if (failures.length > 0) break;
        continue;
      }
      if (raw.charCodeAt(0) !== 0x20 && raw.charCodeAt(0) !== 0x09) break;
      const open = line.indexOf(' (');
      const a = addressIn(open > 0 ? line.slice(0, open) : line);
      if (a === null) continue;
      const reason = open > 0 && line.endsWith(')') ? line.slice(open + 2, -1) : '';
      failures.push({ recipient: a, diagnosis: reason });
    }
    return toFindings(b, 'groupwise', failures, { permanent: true });
  },
};
