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
// * "X6" (a relay nobody has put a name to): "We had trouble delivering your
//   message. Full details follow:", a line "N error(s):", then one sentence per
//   error naming the server in angle brackets, the recipient in angle brackets and
//   the reply in square brackets: "SMTP Server <host> rejected recipient <a@b>
//   (Error following RCPT command). It responded as follows: [550 5.1.1 User
//   unknown]". The sentences vary with the stage; the brackets do not.
import {
  EVIDENCE,
  addressIn,
  afterPrefix,
  bareAddress,
  collectBlocks,
  type Failure,
  type Family,
  findLine,
  findLineContaining,
  labelledAddress,
  leadingAddress,
  lowerAscii,
  MAX_RECIPIENTS,
  splitLines,
  startsWithI,
  textAfter,
  toFindings,
} from './common';

/** Fixed text of the gateways' notices (lower case). */
export const GATEWAYS = {
  /** MailFoundry: the recipient line and the remote server's reply. */
  mailFoundryTo: 'unable to deliver message to: ',
  mailFoundryWith: 'failed with:',
  mailFoundryFinal: 'this has been a permanent failure',
  /** Trend Micro InterScan: the recipient sentence and its SMTP exchange. */
  interScan: 'interscan',
  interScanTo: 'unable to deliver message to <',
  interScanSent: '<<< rcpt to:',
  /** The template's "Reason: %REASON%" line. */
  interScanReason: 'reason:',
  /**
   * InterScan's echo of the exchange, "Sent <<< RCPT TO:<a@b>" then "Received >>>
   * 550 ...": its own wording whatever the language of the template around it (the
   * arrows point the other way in sendmail's transcript, ">>> RCPT To:", "<<< 550").
   */
  interScanSentRcpt: 'sent <<< rcpt to:',
  interScanReceived: 'received >>> ',
  /** m-FILTER's section rulers. */
  mFilterServer: '-------server message',
  mFilterOriginal: '-------original',
  /** MailMarshal: the reason, then the recipients. */
  mailMarshalBecause: 'could not be delivered because of',
  mailMarshalAffected: 'the following recipients were affected',
  /** MailMarshal's "Additional Information" fields. */
  mailMarshalRemote: 'remote-mta:',
  mailMarshalReporting: 'reporting-mta:',
  /** X3's intro (the IIS SMTP service prints it too, iis in exchange.ts). */
  x3Intro: 'this is an automatically generated delivery status notification',
  /** X6's count of errors, "1 error(s):", on a line of its own. */
  x6Count: ' error(s):',
  x6Said: 'as follows:',
  /** amavisd-new. */
  amavisFrom: 'content-filter at',
  amavis: 'amavisd-new',
  amavisNotRelayed: 'was not relayed to:',
  /** Barracuda. */
  barracuda: 'barracuda',
  barracudaTo: 'your message to:',
  barracudaSubject: 'our bulk email filter',
  /** Mimecast: its intro; values stand on "-- " lines under "... :" labels. */
  mimecastIntro: 'this is a delivery failure notification message',
  /** SurfControl. */
  surfControlTo: 'addressed to:',
  surfControlIntro: 'your message could not be sent',
} as const;

/** Lines where the returned message starts; the report is above them. */
const RFC822 = ['content-type: message/rfc822', 'content-type: text/rfc822-headers'];

export const mailFoundry: Family = {
  name: 'mailfoundry',
  detect: (b) => (b.saw(GATEWAYS.mailFoundryTo + '<') ? EVIDENCE.marker : EVIDENCE.none),
  parse(b) {
    const lines = b.lines();
    const returnedAt = findLine(lines, RFC822);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    const collected = collectBlocks(lines, 0, end, {
      start: (line) =>
        startsWithI(line, GATEWAYS.mailFoundryTo)
          ? labelledAddress(line, [GATEWAYS.mailFoundryTo])
          : null,
      continuation: 'section',
      noise: [GATEWAYS.mailFoundryFinal],
    });
    const failures = collected.blocks.map((block) => {
      const reason = block.lines;
      const f: Failure = { recipient: block.recipient, diagnosis: reason.join(' ') };
      // "Server mx.example.org[192.0.2.222] failed with: 550 ...": the host and its reply,
      // with the lines a long reply wraps onto.
      for (let i = 0; i < reason.length; i++) {
        const line = reason[i] as string;
        const reply = textAfter(line, GATEWAYS.mailFoundryWith);
        if (reply === null) continue;
        const host = line.slice(0, line.length - reply.length - GATEWAYS.mailFoundryWith.length);
        const words = host.trim().split(' ');
        const last = words[words.length - 1] ?? '';
        const bracket = last.indexOf('[');
        if (words.length > 1) f.remoteMta = bracket > 0 ? last.slice(0, bracket) : last;
        f.diagnosis = [reply.trim(), ...reason.slice(i + 1).map((l) => l.trim())].join(' ');
        break;
      }
      return f;
    });
    return toFindings(b, 'mailfoundry', failures, { returnedAt, permanent: true });
  },
};

export const interScan: Family = {
  name: 'interscan',
  detect(b) {
    if (b.from.indexOf('"interscan') >= 0) return EVIDENCE.sender;
    if (b.saw(GATEWAYS.interScan) || b.saw(GATEWAYS.interScanTo)) return EVIDENCE.marker;
    return b.saw(GATEWAYS.interScanSentRcpt) && b.saw(GATEWAYS.interScanReceived)
      ? EVIDENCE.marker
      : EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    const all: { f: Failure; text: string[]; reply: string | null }[] = [];
    let cur: { f: Failure; text: string[]; reply: string | null } | null = null;
    // The reply to a command other than RCPT TO (the greeting, MAIL FROM, DATA):
    // InterScan prints that exchange before or after its recipient sentences, and the
    // refusal stopped the delivery to every recipient the transcript does not answer.
    let sessionReply: string | null = null;
    let lastSentRcpt = false;
    const returnedAt = findLine(lines, RFC822);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    for (let i = 0; i < end; i++) {
      const line = (lines[i] as string).trim();
      const lower = lowerAscii(line);
      if (line === '') continue;
      const unable = lower.indexOf(GATEWAYS.interScanTo);
      const sent = textAfter(line, GATEWAYS.interScanSent);
      let a: string | null = null;
      if (unable >= 0) a = addressIn(line.slice(unable + GATEWAYS.interScanTo.length - 1));
      else if (sent !== null) a = addressIn(sent);
      if (lower.startsWith('sent') && line.indexOf('<<< ') >= 0) lastSentRcpt = sent !== null;
      if (a !== null) {
        if (cur === null || cur.f.recipient.toLowerCase() !== a.toLowerCase()) {
          cur = { f: { recipient: a, diagnosis: '' }, text: [], reply: null };
          all.push(cur);
        }
        if (unable >= 0 && cur.text.length < 10) cur.text.push(line.slice(unable));
        continue;
      }
      // "Received >>> 550 5.1.1 <a@b>... User unknown": the server's reply.
      const received = line.indexOf('>>> ');
      if (received >= 0 && lower.startsWith('received')) {
        const reply = line.slice(received + 4).trim();
        if (cur !== null && lastSentRcpt) cur.reply = reply;
        else sessionReply ??= reply;
      }
    }
    // No recipient sentence and no transcript: the template's "Reason:" line holds the
    // remote server's reply itself ("Reason:  550 5.1.1 <a@b>: ... User unknown"), and
    // the address in it is the recipient.
    if (all.length === 0) {
      for (let i = 0; i < end; i++) {
        const reason = afterPrefix((lines[i] as string).trim(), GATEWAYS.interScanReason);
        const a = reason === null ? null : addressIn(reason);
        if (reason === null || a === null) continue;
        all.push({ f: { recipient: a, diagnosis: '' }, text: [reason.trim()], reply: null });
        break;
      }
    }
    // The server's reply, where the transcript shows one, says more than the sentence.
    const failures = all.map((c) => ({
      ...c.f,
      diagnosis: c.reply ?? sessionReply ?? c.text.join(' '),
    }));
    return toFindings(b, 'interscan', failures, { returnedAt, permanent: true });
  },
};

export const mFilter: Family = {
  name: 'mfilter',
  detect(b) {
    if (lowerAscii(b.header('x-mailer')).trim() === 'm-filter') return EVIDENCE.sender;
    return b.saw(GATEWAYS.mFilterServer) ? EVIDENCE.marker : EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    const server = findLine(lines, [GATEWAYS.mFilterServer]);
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
    const returnedAt = findLine(lines, [GATEWAYS.mFilterOriginal], server);
    return toFindings(
      b,
      'mfilter',
      recipients.map((recipient) => ({ recipient, diagnosis: text.join(' ') })),
      { returnedAt, permanent: true },
    );
  },
};

/** The value of "<value>" (MailMarshal's Additional Information), or null when empty. */
function bracketed(text: string): string | null {
  let t = text.trim();
  if (t.startsWith('<') && t.endsWith('>')) t = t.slice(1, -1).trim();
  return t === '' ? null : t;
}

export const mailMarshal: Family = {
  name: 'mailmarshal',
  detect: (b) => (b.saw(GATEWAYS.mailMarshalBecause) ? EVIDENCE.marker : EVIDENCE.none),
  parse(b) {
    const lines = b.lines();
    const because = findLineContaining(lines, [GATEWAYS.mailMarshalBecause]);
    const affected = findLineContaining(lines, [GATEWAYS.mailMarshalAffected], because + 1);
    if (because < 0 || affected < 0) return [];
    const text: string[] = [];
    for (let i = because + 1; i < affected && text.length < 20; i++) {
      const line = (lines[i] as string).trim();
      if (line !== '') text.push(line);
    }
    // The addresses indented under "The following recipients were affected:".
    let end = affected + 1;
    while (end < lines.length && (lines[end] as string).trim() === '') end++;
    while (end < lines.length && bareAddress(lines[end] as string) !== null) end++;
    const recipients = collectBlocks(lines, affected + 1, end, {
      start: (line) => leadingAddress(line),
      continuation: 'section',
    }).blocks.map((block) => block.recipient);
    // "Additional Information" below: "Remote-MTA:         <198.51.100.7>", and
    // "Reporting-MTA:      <relay.example.net>", values in angle brackets.
    let remoteMta: string | null = null;
    let reportingMta: string | null = null;
    for (let i = end; i < Math.min(lines.length, end + 30); i++) {
      const line = (lines[i] as string).trim();
      const remote = afterPrefix(line, GATEWAYS.mailMarshalRemote);
      const reporting = afterPrefix(line, GATEWAYS.mailMarshalReporting);
      if (remote !== null) remoteMta ??= bracketed(remote);
      if (reporting !== null) reportingMta ??= bracketed(reporting);
    }
    return toFindings(
      b,
      'mailmarshal',
      recipients.map((recipient) => ({
        recipient,
        diagnosis: text.join(' '),
        remoteMta,
      })),
      { reportingMta, permanent: true },
    );
  },
};

/** X3's detail line, "SMTP:RCPT host 192.0.2.8: 553 ...", "Routing: ...", "Diagnostic-Code: smtp; ...": its text, or null. */
function x3Detail(line: string): string | null {
  const routing = afterPrefix(line, 'routing:');
  const diagnostic = afterPrefix(line, 'diagnostic-code:');
  // "SMTP:RCPT host ...", "DNS:Host not found: ...": a stage, a colon, the text.
  const colon = line.indexOf(':');
  if (colon === 3 || colon === 4) {
    const stage = lowerAscii(line.slice(0, colon));
    if (stage === 'smtp') {
      const sp = line.indexOf(' ');
      return sp > 0 ? line.slice(sp + 1) : null;
    }
    if (stage === 'dns') return line.slice(colon + 1).trim();
  }
  if (routing !== null) return routing.trim();
  if (diagnostic !== null) {
    const v = diagnostic.trim();
    return (afterPrefix(v, 'smtp;') ?? v).trim();
  }
  return null;
}

/**
 * The detail of `recipient` among X3's `details`: the one naming its address, else its
 * domain, else (one detail per recipient) the one in its place, else all of them.
 */
function x3DetailOf(recipient: string, index: number, count: number, details: string[]): string {
  const lower = recipient.toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  const named = details.find((d) => d.toLowerCase().indexOf(lower) >= 0);
  if (named !== undefined) return named;
  const byDomain = details.find((d) => {
    const t = d.toLowerCase();
    const at = t.indexOf(domain);
    // The domain itself, not the tail of an address in another detail.
    return at >= 0 && (at === 0 || t.charCodeAt(at - 1) !== 0x40) && t.indexOf('@' + domain) < 0;
  });
  if (byDomain !== undefined) return byDomain;
  if (details.length === count) return details[index] as string;
  return details.join(' ');
}

export const x3: Family = {
  name: 'x3',
  detect: (b) => (b.saw(GATEWAYS.x3Intro) ? EVIDENCE.marker : EVIDENCE.none),
  parse(b) {
    const lines = b.lines();
    const details: string[] = [];
    const returnedAt = findLine(lines, RFC822);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    // "   * a@b": the recipients, their reasons under "Technical details:".
    const recipients = collectBlocks(lines, 0, end, {
      start: (line) => (line.startsWith('* ') ? leadingAddress(line.slice(2)) : null),
      continuation: 'indented',
    }).blocks.map((block) => block.recipient);
    // One detail per line, and the lines a long reply wraps onto, up to a blank line
    // or one of the template's rulers.
    let open = false;
    for (let i = 0; i < end && details.length < MAX_RECIPIENTS; i++) {
      const line = (lines[i] as string).trim();
      const detail = x3Detail(line);
      if (detail !== null) {
        details.push(detail);
        open = true;
      } else if (line === '' || line.startsWith('==') || line.startsWith('--')) open = false;
      else if (open) details[details.length - 1] += ' ' + line;
    }
    return toFindings(
      b,
      'x3',
      recipients.map((recipient, i) => ({
        recipient,
        diagnosis: x3DetailOf(recipient, i, recipients.length, details),
      })),
      { returnedAt, permanent: true },
    );
  },
};

/** Index of X6's "N error(s):" line among the first `limit` lines, or -1. */
function x6CountLine(lines: readonly string[], limit: number): number {
  for (let i = 0; i < Math.min(lines.length, limit); i++) {
    const t = lowerAscii((lines[i] as string).trim());
    if (!t.endsWith(GATEWAYS.x6Count)) continue;
    const n = t.slice(0, t.length - GATEWAYS.x6Count.length);
    if (n !== '' && n.length <= 5 && [...n].every((c) => c >= '0' && c <= '9')) return i;
  }
  return -1;
}

/**
 * Index of the "[" that the closing "]" at the end of `text` closes, or -1: the
 * brackets are balanced, so a reply that itself holds a bracketed address or host
 * ("Client host [192.0.2.9] blocked") stays whole.
 */
function openingBracket(text: string): number {
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === ']') depth++;
    else if (ch === '[' && --depth === 0) return i;
  }
  return -1;
}

/**
 * One X6 error sentence: the recipient is the bracketed address after "recipient"
 * (else the first bracketed address), the server the bracketed name without "@",
 * the reply the text in the closing square brackets (else after "as follows:").
 */
function x6Error(line: string): Failure | null {
  const lower = lowerAscii(line);
  let recipient: string | null = null;
  let remote: string | null = null;
  let pos = 0;
  for (let guard = 0; guard < 20; guard++) {
    const open = line.indexOf('<', pos);
    if (open < 0) break;
    const close = line.indexOf('>', open + 1);
    if (close < 0) break;
    const inner = line.slice(open + 1, close).trim();
    if (inner.indexOf('@') > 0) {
      const a = addressIn('<' + inner + '>');
      const named = lower.lastIndexOf('recipient', open) >= 0;
      if (a !== null && (recipient === null || named)) recipient = a;
    } else if (remote === null && inner.indexOf('.') > 0 && inner.indexOf(' ') < 0) remote = inner;
    pos = close + 1;
  }
  if (recipient === null) return null;
  let reply = line;
  const t = line.trimEnd();
  const open = t.endsWith(']') ? openingBracket(t) : -1;
  if (open >= 0) reply = t.slice(open + 1, -1);
  else {
    const said = textAfter(line, GATEWAYS.x6Said);
    if (said !== null) reply = said.trim();
  }
  return { recipient, diagnosis: reply, remoteMta: remote };
}

export const x6: Family = {
  name: 'x6',
  detect: (b) =>
    b.saw(GATEWAYS.x6Count) && x6CountLine(splitLines(b.head()), 80) >= 0
      ? EVIDENCE.marker
      : EVIDENCE.none,
  parse(b) {
    const lines = b.lines();
    const count = x6CountLine(lines, 200);
    if (count < 0) return [];
    const returnedAt = findLine(lines, RFC822, count + 1);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    const failures: Failure[] = [];
    for (let i = count + 1; i < end && failures.length < MAX_RECIPIENTS; i++) {
      const f = x6Error((lines[i] as string).trim());
      if (f !== null) failures.push(f);
    }
    return toFindings(b, 'x6', failures, { returnedAt, permanent: true });
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
    if (b.from.indexOf(GATEWAYS.amavisFrom) >= 0) return EVIDENCE.sender;
    return b.saw(GATEWAYS.amavis) || b.saw(GATEWAYS.amavisNotRelayed)
      ? EVIDENCE.marker
      : EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    const all: { f: Failure; text: string[] }[] = [];
    let cur: { f: Failure; text: string[] } | null = null;
    let verdictFor: { f: Failure; text: string[] }[] = [];
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
    const failures = all.map((c) => ({ ...c.f, diagnosis: c.text.join(' ') }));
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
    (b.saw(GATEWAYS.barracudaTo) && b.saw(GATEWAYS.barracuda)) ||
    b.subject.indexOf(GATEWAYS.barracudaSubject) >= 0
      ? EVIDENCE.marker
      : EVIDENCE.none,
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, [GATEWAYS.barracudaTo]);
    if (start < 0) return [];
    const a = addressIn(textAfter(lines[start] as string, GATEWAYS.barracudaTo) ?? '');
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
    // "Reason: ..." below, where the notice gives one, is the reason.
    const reasonAt = findLineContaining(lines, ['reason:'], start + 1, start + 40);
    const reason =
      reasonAt >= 0 ? (textAfter(lines[reasonAt] as string, 'reason:') ?? '').trim() : '';
    return toFindings(b, 'barracuda', [{ recipient: a, diagnosis: reason || text.join(' ') }], {
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
  detect: (b) =>
    b.saw(GATEWAYS.surfControlTo) && b.saw(GATEWAYS.surfControlIntro)
      ? EVIDENCE.marker
      : EVIDENCE.none,
  parse(b) {
    const lines = b.lines();
    const failures: Failure[] = [];
    let current: Failure | null = null;
    for (const raw of lines) {
      const line = raw.trim();
      const lower = line.toLowerCase();
      if (RFC822.some((m) => lower.startsWith(m))) break;
      if (lower.startsWith(GATEWAYS.surfControlTo)) {
        const a = addressIn(line.slice(GATEWAYS.surfControlTo.length));
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

/**
 * Mimecast's notice ("This is a delivery failure notification message indicating
 * that an email you addressed to email address :"): every value stands on a line of
 * its own after "-- ", under a label line ending in " :" — the recipient, "The
 * problem appears to be :" and "Additional information follows :" (the remote
 * reply, "5.7.54 SMTP; Unable to relay ..."). The values are read by their shape:
 * addresses are the recipients, the rest the reason, a coded one first.
 */
export const mimecast: Family = {
  name: 'mimecast',
  detect(b) {
    if (b.has('x-mc-system') || b.has('x-mimecast-originator')) return EVIDENCE.sender;
    return b.saw(GATEWAYS.mimecastIntro) ? EVIDENCE.marker : EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    const returnedAt = findLine(lines, RFC822);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    const collected = collectBlocks(lines, 0, end, {
      start: (line) => (line.startsWith('-- ') ? leadingAddress(line.slice(3)) : null),
      continuation: 'paragraph',
    });
    const recipients = collected.blocks.map((block) => block.recipient);
    const reasons: string[] = [];
    for (let i = 0; i < end && reasons.length < 10; i++) {
      const line = (lines[i] as string).trim();
      if (!line.startsWith('-- ') || leadingAddress(line.slice(3)) !== null) continue;
      const value = line.slice(3).trim();
      if (value !== '') reasons.push(value);
    }
    // "5.7.54 SMTP; Unable to relay ...": the coded value is the server's, the other ours.
    const coded = reasons.find((r) => r.charCodeAt(1) === 0x2e || r.charCodeAt(3) === 0x20);
    const text = coded ?? reasons.join(' ');
    return toFindings(
      b,
      'mimecast',
      recipients.map((recipient) => ({ recipient, diagnosis: text })),
      { returnedAt, permanent: true },
    );
  },
};
