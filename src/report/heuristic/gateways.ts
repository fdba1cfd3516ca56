// Mail security gateways and appliances that write their own bounce text, and two
// MTAs nobody has put a name to (Sisimai calls them X3 and X6):
// * MailFoundry: "Unable to deliver message to: <a@b>", "Delivery failed for the
//   following reason:", "Server host[ip] failed with: 550 ...".
// * Trend Micro InterScan MSS: "Unable to deliver message to <a@b>", or its SMTP
//   exchange as "Sent <<< RCPT TO:<a@b>" / "Received >>> 550 ...".
// * Digital Arts m-FILTER (Japan): the address alone, then "-------server message"
//   and the reply, "-------SMTP command" and the command.
// * MailMarshal (Trustwave): "Could not be delivered because of", the reason, and
//   "The following recipients were affected:" with the addresses indented.
// * "X3": "Delivery to the following recipients failed permanently:", "* a@b", and
//   "SMTP:RCPT host 192.0.2.8: 553 5.3.0 ..." under "Technical details:".
// * "X6": "N error(s):", then "SMTP Server <host> rejected recipient <a@b> (Error
//   following RCPT command). It responded as follows: [550 5.1.1 User unknown]".
import {
  addressIn,
  bareAddress,
  type Explained,
  explained,
  type Failure,
  type Family,
  findLine,
  findLineContaining,
  MAX_RECIPIENTS,
  toFindings,
} from './common';

/** Lines where the returned message starts; the report is above them. */
const RFC822 = ['content-type: message/rfc822', 'content-type: text/rfc822-headers'];

export const mailFoundry: Family = {
  name: 'mailfoundry',
  detect: (b) => b.saw('unable to deliver message to: <'),
  parse(b) {
    const lines = b.lines();
    const failures: Failure[] = [];
    let cur: Explained | null = null;
    const all: Explained[] = [];
    const returnedAt = findLine(lines, RFC822);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    for (let i = 0; i < end; i++) {
      const line = (lines[i] as string).trim();
      const lower = line.toLowerCase();
      if (line === '' || lower.startsWith('delivery failed for the following reason')) continue;
      if (lower.startsWith('unable to deliver message to:')) {
        const a = addressIn(line.slice(29));
        if (a !== null) {
          cur = { f: { recipient: a, diagnosis: '' }, text: [] };
          all.push(cur);
        }
        continue;
      }
      if (cur === null || cur.text.length >= 10) continue;
      // "Server mx.example.org[192.0.2.222] failed with: 550 ..."
      const w = lower.indexOf('failed with:');
      if (w >= 0) {
        const host = line.slice(0, w).trim();
        const sp = host.indexOf(' ');
        const bracket = host.indexOf('[');
        if (sp >= 0) cur.f.remoteMta = host.slice(sp + 1, bracket > sp ? bracket : host.length);
        cur.text.push(line.slice(w + 12).trim());
      } else if (!lower.startsWith('this has been a permanent failure')) cur.text.push(line);
    }
    failures.push(...explained(all));
    return toFindings(b, 'mailfoundry', failures, { returnedAt, permanent: true });
  },
};

export const interScan: Family = {
  name: 'interscan',
  detect(b) {
    return (
      b.saw('interscan') ||
      b.from.indexOf('"interscan') >= 0 ||
      b.saw('unable to deliver message to <')
    );
  },
  parse(b) {
    const lines = b.lines();
    const all: Explained[] = [];
    let cur: Explained | null = null;
    const returnedAt = findLine(lines, RFC822);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    for (let i = 0; i < end; i++) {
      const line = (lines[i] as string).trim();
      const lower = line.toLowerCase();
      if (line === '') continue;
      const unable = lower.indexOf('unable to deliver message to <');
      const sent = lower.indexOf('<<< rcpt to:');
      let a: string | null = null;
      if (unable >= 0) a = addressIn(line.slice(unable + 29));
      else if (sent >= 0) a = addressIn(line.slice(sent + 12));
      if (a !== null) {
        if (cur === null || cur.f.recipient.toLowerCase() !== a.toLowerCase()) {
          cur = { f: { recipient: a, diagnosis: '' }, text: [] };
          all.push(cur);
        }
        if (unable >= 0) cur.text.push(line.slice(unable));
        continue;
      }
      // "Received >>> 550 5.1.1 <a@b>... User unknown": the server's reply.
      const received = line.indexOf('>>> ');
      if (cur !== null && received >= 0 && lower.startsWith('received')) {
        cur.text = [line.slice(received + 4).trim()];
      }
    }
    const failures = explained(all);
    return toFindings(b, 'interscan', failures, { returnedAt, permanent: true });
  },
};

export const mFilter: Family = {
  name: 'mfilter',
  detect(b) {
    return b.header('x-mailer').toLowerCase() === 'm-filter' || b.saw('-------server message');
  },
  parse(b) {
    const lines = b.lines();
    const server = findLine(lines, ['-------server message']);
    if (server < 0) return [];
    const recipients: string[] = [];
    for (let i = 0; i < server; i++) {
      const a = bareAddress(lines[i] as string);
      if (a !== null && recipients.length < MAX_RECIPIENTS) recipients.push(a);
    }
    const text: string[] = [];
    for (let i = server + 1; i < lines.length && text.length < 20; i++) {
      const line = (lines[i] as string).trim();
      if (line.startsWith('-------')) break;
      if (line !== '') text.push(line);
    }
    const returnedAt = findLine(lines, ['-------original'], server);
    return toFindings(
      b,
      'mfilter',
      recipients.map((recipient) => ({ recipient, diagnosis: text.join(' ') })),
      { returnedAt, permanent: true },
    );
  },
};

export const mailMarshal: Family = {
  name: 'mailmarshal',
  detect: (b) => b.saw('could not be delivered because of'),
  parse(b) {
    const lines = b.lines();
    const because = findLineContaining(lines, ['could not be delivered because of']);
    const affected = findLineContaining(
      lines,
      ['the following recipients were affected'],
      because + 1,
    );
    if (because < 0 || affected < 0) return [];
    const text: string[] = [];
    for (let i = because + 1; i < affected && text.length < 20; i++) {
      const line = (lines[i] as string).trim();
      if (line !== '') text.push(line);
    }
    const recipients: string[] = [];
    for (let i = affected + 1; i < lines.length && recipients.length < MAX_RECIPIENTS; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') {
        if (recipients.length > 0) break;
        continue;
      }
      const a = bareAddress(line);
      if (a === null) break;
      recipients.push(a);
    }
    return toFindings(
      b,
      'mailmarshal',
      recipients.map((recipient) => ({ recipient, diagnosis: text.join(' ') })),
      { permanent: true },
    );
  },
};

export const x3: Family = {
  name: 'x3',
  detect: (b) => b.saw('this is an automatically generated delivery status notification'),
  parse(b) {
    const lines = b.lines();
    const recipients: string[] = [];
    const details: string[] = [];
    const returnedAt = findLine(lines, RFC822);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    for (let i = 0; i < end; i++) {
      const line = (lines[i] as string).trim();
      const lower = line.toLowerCase();
      if (line.startsWith('* ')) {
        const a = bareAddress(line.slice(2));
        if (a !== null && recipients.length < MAX_RECIPIENTS) recipients.push(a);
        continue;
      }
      // "SMTP:RCPT host 192.0.2.8: 553 5.3.0 ...", "Routing: ...", "Diagnostic-Code: smtp; ..."
      if (lower.startsWith('smtp:')) {
        const sp = line.indexOf(' ');
        if (sp > 0) details.push(line.slice(sp + 1));
      } else if (lower.startsWith('routing:')) details.push(line.slice(8).trim());
      else if (lower.startsWith('diagnostic-code:')) {
        const v = line.slice(16).trim();
        details.push(v.toLowerCase().startsWith('smtp;') ? v.slice(5).trim() : v);
      }
    }
    const text = details.join(' ');
    return toFindings(
      b,
      'x3',
      recipients.map((recipient) => ({ recipient, diagnosis: text })),
      { returnedAt, permanent: true },
    );
  },
};

export const x6: Family = {
  name: 'x6',
  detect: (b) => b.saw('error(s):') && b.saw('responded as follows'),
  parse(b) {
    const lines = b.lines();
    const failures: Failure[] = [];
    for (const raw of lines) {
      const line = raw.trim();
      const lower = line.toLowerCase();
      const rejected = lower.indexOf('rejected recipient <');
      if (rejected < 0) continue;
      const a = addressIn(line.slice(rejected + 19));
      if (a === null) continue;
      const said = lower.indexOf('responded as follows:');
      let text = said >= 0 ? line.slice(said + 21).trim() : line;
      if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
      // "SMTP Server <smtpd.example.org> rejected ...": the host is in the brackets.
      const open = line.indexOf('<');
      const close = line.indexOf('>', open);
      const remote =
        open >= 0 && close > open && open < rejected ? line.slice(open + 1, close) : null;
      failures.push({ recipient: a, diagnosis: text, remoteMta: remote });
      if (failures.length >= MAX_RECIPIENTS) break;
    }
    return toFindings(b, 'x6', failures, { permanent: true });
  },
};

/**
 * amavisd-new, the content filter between an MTA and its next hop: "The message
 * WAS NOT relayed to:" with Postfix-like "<a@b>: [ip] said: 550 ..." entries, or "A
 * message from <s> to:" with "-> a@b" lines and the verdict after them ("was
 * considered unsolicited bulk e-mail (UBE).", "contains banned ...", a virus).
 */
export const amavis: Family = {
  name: 'amavis',
  detect(b) {
    return (
      b.from.indexOf('content-filter at') >= 0 ||
      b.saw('amavisd-new') ||
      b.saw('was not relayed to:')
    );
  },
  parse(b) {
    const lines = b.lines();
    const all: Explained[] = [];
    let cur: Explained | null = null;
    let verdictFor: Explained[] = [];
    const returnedAt = findLine(lines, [...RFC822, 'return-path:']);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    for (let i = 0; i < end; i++) {
      const raw = lines[i] as string;
      const line = raw.trim();
      if (line === '') {
        cur = null;
        continue;
      }
      if (line.startsWith('-> ')) {
        const a = addressIn(line.slice(3));
        if (a !== null) {
          const block = { f: { recipient: a, diagnosis: '' }, text: [] };
          all.push(block);
          verdictFor.push(block);
        }
        continue;
      }
      if (verdictFor.length > 0) {
        // "was considered unsolicited bulk e-mail (UBE)." applies to the "->" list above.
        for (const v of verdictFor) v.text.push(line);
        verdictFor = [];
        continue;
      }
      if (line.startsWith('<')) {
        const close = line.indexOf('>:');
        const a = close > 0 ? addressIn(line.slice(0, close + 1)) : null;
        if (a !== null) {
          cur = { f: { recipient: a, diagnosis: '' }, text: [line.slice(close + 2).trim()] };
          all.push(cur);
          continue;
        }
      }
      if (
        cur !== null &&
        (raw.charCodeAt(0) === 0x20 || raw.charCodeAt(0) === 0x09) &&
        cur.text.length < 20
      )
        cur.text.push(line);
    }
    const failures = explained(all);
    return toFindings(b, 'amavis', failures, { returnedAt, permanent: true });
  },
};

/**
 * Barracuda Spam & Virus Firewall: "Your message to: a@b" then "was blocked by our
 * Spam & Virus Firewall." and the reason.
 */
export const barracuda: Family = {
  name: 'barracuda',
  detect: (b) =>
    (b.saw('your message to:') && b.saw('barracuda')) ||
    b.subject.indexOf('our bulk email filter') >= 0,
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, ['your message to:']);
    if (start < 0) return [];
    const a = addressIn(
      (lines[start] as string).slice(
        (lines[start] as string).toLowerCase().indexOf('your message to:') + 16,
      ),
    );
    if (a === null) return [];
    const text: string[] = [];
    for (let i = start + 1; i < lines.length && text.length < 6; i++) {
      const line = (lines[i] as string).trim();
      if (line === '') {
        if (text.length > 0) break;
        continue;
      }
      text.push(line);
    }
    return toFindings(b, 'barracuda', [{ recipient: a, diagnosis: text.join(' ') }], {
      permanent: true,
    });
  },
};

/**
 * SurfControl E-mail Filter (Websense): "Addressed To: a@b", the attempts, and
 * "a@b: [192.0.2.2], 554 Service currently unavailable".
 */
export const surfControl: Family = {
  name: 'surfcontrol',
  detect: (b) => b.saw('addressed to:') && b.saw('your message could not be sent'),
  parse(b) {
    const lines = b.lines();
    const failures: Failure[] = [];
    let current: Failure | null = null;
    for (const raw of lines) {
      const line = raw.trim();
      const lower = line.toLowerCase();
      if (RFC822.some((m) => lower.startsWith(m))) break;
      if (lower.startsWith('addressed to:')) {
        const a = addressIn(line.slice(13));
        if (a !== null) {
          current = { recipient: a, diagnosis: '' };
          failures.push(current);
        }
        continue;
      }
      if (current === null) continue;
      // "a@b: [192.0.2.2], 554 Service currently unavailable"
      const mark = line.indexOf(': [');
      if (mark > 0 && addressIn(line.slice(0, mark)) !== null) {
        const close = line.indexOf('],', mark);
        if (close > 0) {
          current.remoteMta = line.slice(mark + 3, close);
          current.diagnosis = line.slice(close + 2).trim();
        }
      }
    }
    return toFindings(b, 'surfcontrol', failures, { permanent: true });
  },
};
