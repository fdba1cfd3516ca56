// Mail servers and list managers with a layout of their own:
// * Ipswitch IMail Server (X-Mailer "<SMTP32 vN>", Subject "Undeliverable Mail"):
//   a reason and the address on one line ("Unknown user: a@b", "Invalid final
//   delivery userid: a@b", "user mailbox exceeds allowed size: a@b"), or
//   "undeliverable to a@b" followed by "Body of message generated response:" and
//   the server's reply; "Original message follows." ends it.
// * Apache James (and Verizon's vtext.com gateway built on it): "Error message
//   below:", the reply ("550 - Requested action not taken: no such user here"),
//   then "Message details:" with "RCPT TO: a@b"; James 2.3 and later: "Hi. This is
//   the James mail server at host.", "Failed recipient(s):" and "Error message:".
// * fml (a Japanese mailing list manager): a notice to the poster ("Duplicated
//   Message-ID in <list@example.jp>.", "NOT MEMBER article from ...") naming the
//   list address in angle brackets at a line end; the subject says what happened.
// * Zoho Mail: Exim's intro, then one line per recipient:
//   "a@b Invalid Address, ERROR_CODE :550, ERROR_CODE :5.2.1 ... User Unknown".
// * PowerMTA, Oracle Messaging Server, AOL's HTML notice, GroupWise: below.
import {
  EVIDENCE,
  MAX_RECIPIENTS,
  addressIn,
  afterPrefix,
  blockFailures,
  collectBlocks,
  findLine,
  findLineContaining,
  indentOf,
  labelledAddress,
  leadingAddress,
  lowerAscii,
  reasonThenAddress,
  startsWithI,
  toFindings,
  type Bounce,
  type Failure,
  type Family,
  type Named,
} from './common';

/** Fixed text of these programs' notices (lower case). */
export const MAILERS = {
  /** IMail: the X-Mailer of its notices ("<SMTP32 v8.22>"), its Subject, its text. */
  imailMailer: 'smtp32',
  imailSubject: 'undeliverable mail',
  imailTo: 'undeliverable to',
  imailEnd: 'original message follows',
  /** James. */
  jamesIntro: 'this is the james mail server',
  jamesBelow: 'error message below:',
  jamesDetails: 'message details:',
  jamesFailed: 'failed recipient(s):',
  jamesError: 'error message:',
  rcptTo: 'rcpt to:',
  /** fml. */
  fmlOriginal: 'original mail as follows:',
  /** Zoho. */
  zohoCode: 'error_code :',
  /** PowerMTA's notification text. */
  powerMta: 'hello, this is the mail server on ',
  /** Oracle (Sun, iPlanet) Messaging Server. */
  msIntro: 'this report relates to a message you sent',
  msRecipient: 'recipient address:',
  msReason: 'reason:',
  msDiagnostic: 'diagnostic code:',
  msRemote: 'remote system:',
  /** AOL's HTML notice. */
  aolIntro: 'unable to deliver your message to the following address',
  aolBecause: 'because:',
  /** GroupWise. */
  groupwise: 'was undeliverable to the following',
} as const;

function imailSender(b: Bounce): boolean {
  const mailer = lowerAscii(b.header('x-mailer'));
  return mailer.indexOf(MAILERS.imailMailer) >= 0 || mailer.indexOf('imail') >= 0;
}

export const imail: Family = {
  name: 'imail',
  detect(b) {
    if (imailSender(b)) return EVIDENCE.sender;
    if (b.subject.trim() === MAILERS.imailSubject) return EVIDENCE.marker;
    return EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    let end = findLine(lines, [MAILERS.imailEnd]);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    // "undeliverable to" at a line's end names the address on the next line.
    let addressNext = false;
    const collected = collectBlocks(lines, 0, end, {
      start(line): Named | null {
        const lower = lowerAscii(line);
        const wasNext = addressNext;
        addressNext = false;
        if (wasNext) {
          const named = leadingAddress(line);
          if (named !== null) return named;
        }
        const to = lower.indexOf(MAILERS.imailTo);
        if (to >= 0) {
          const named = labelledAddress(line, [MAILERS.imailTo]);
          if (named !== null) return named;
          const rest = lower.slice(to + MAILERS.imailTo.length).trim();
          addressNext = rest === '' || rest === ':';
          return null;
        }
        // "Unknown user: a@b", "Invalid final delivery userid: a@b".
        return reasonThenAddress(line);
      },
      continuation: 'section',
    });
    const failures = blockFailures(collected);
    return toFindings(b, 'imail', failures, { returnedAt, permanent: true });
  },
};

export const james: Family = {
  name: 'james',
  detect: (b) =>
    b.saw(MAILERS.jamesBelow) ||
    b.saw(MAILERS.jamesIntro) ||
    (b.saw(MAILERS.jamesFailed) && b.saw(MAILERS.jamesError))
      ? EVIDENCE.marker
      : EVIDENCE.none,
  parse(b) {
    const lines = b.lines();
    // The error: the lines after "Error message below:" / "Error message:" up to a
    // blank line or the next label.
    const below = findLineContaining(lines, [MAILERS.jamesBelow, MAILERS.jamesError]);
    if (below < 0) return [];
    const text: string[] = [];
    for (let i = below + 1; i < lines.length && text.length < 20; i++) {
      const line = (lines[i] as string).trim();
      if (line === '') {
        if (text.length > 0) break;
        continue;
      }
      const lower = lowerAscii(line);
      if (lower.startsWith(MAILERS.jamesDetails) || lower.startsWith(MAILERS.jamesFailed)) break;
      text.push(line);
    }
    // The recipients: "RCPT TO: a@b" among the details, or the lines after "Failed recipient(s):".
    const failures: Failure[] = [];
    const details = findLineContaining(lines, [MAILERS.jamesDetails]);
    if (details >= 0) {
      for (let i = details + 1; i < Math.min(lines.length, details + 60); i++) {
        const line = (lines[i] as string).trim();
        if (!startsWithI(line, MAILERS.rcptTo)) continue;
        const a = addressIn(line.slice(MAILERS.rcptTo.length));
        if (a !== null) failures.push({ recipient: a, diagnosis: text.join(' ') });
      }
    }
    const failed = findLineContaining(lines, [MAILERS.jamesFailed]);
    if (failures.length === 0 && failed >= 0) {
      for (let i = failed + 1; i < lines.length && failures.length < MAX_RECIPIENTS; i++) {
        const line = (lines[i] as string).trim();
        if (line === '') {
          if (failures.length > 0) break;
          continue;
        }
        const named = leadingAddress(line);
        if (named === null) break;
        failures.push({ recipient: named.address, diagnosis: text.join(' ') });
      }
    }
    const family = b.fromDomain('vtext.com') ? 'verizon' : 'james';
    return toFindings(b, family, failures, { permanent: true });
  },
};

export const fml: Family = {
  name: 'fml',
  detect(b) {
    if (b.has('x-mlserver') || b.header('message-id').indexOf('.FML') >= 0) return EVIDENCE.sender;
    return b.saw(MAILERS.fmlOriginal) ? EVIDENCE.marker : EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    let end = findLine(lines, [MAILERS.fmlOriginal]);
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

/** `line` is one address and nothing else ("a@b", "<a@b>", "a@b:"): it names the reason line `next`. */
function addressAlone(line: string, next: string): Named | null {
  const named = leadingAddress(line);
  if (named === null) return null;
  const rest = named.rest.trim();
  return rest === '' ? { ...named, rest: next } : null;
}

function withoutComma(s: string): string {
  const t = s.trim();
  return t.endsWith(',') ? t.slice(0, -1).trimEnd() : t;
}

/** `text` starts with an SMTP reply code (RFC 5321 §4.2: three digits, 2-5 first, then a space, "-" or its end). */
function startsWithReplyCode(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c < 0x32 || c > 0x35) return false;
  for (let i = 1; i < 3; i++) {
    const d = text.charCodeAt(i);
    if (!(d >= 0x30 && d <= 0x39)) return false;
  }
  const sep = text.charCodeAt(3);
  return Number.isNaN(sep) || sep === 0x20 || sep === 0x2d;
}

export const zoho: Family = {
  name: 'zoho',
  // Its sender or header field; else its "ERROR_CODE :" field, which the notice prints
  // on every recipient line whatever domain it is sent from (Zoho's regional and
  // hosted-domain servers), and which parse() then requires beside an address.
  detect(b) {
    if (b.has('x-zohomail') || b.fromDomain('zoho.com') || b.fromDomain('zohomail.com'))
      return EVIDENCE.sender;
    return b.saw(MAILERS.zohoCode) ? EVIDENCE.marker : EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    const failures: Failure[] = [];
    let previous = '';
    for (const raw of lines) {
      const line = raw.trim();
      if (startsWithI(line, 'received:')) break;
      const before = previous;
      if (line !== '') previous = line;
      const lower = lowerAscii(line);
      const marker = lower.indexOf(MAILERS.zohoCode);
      if (marker < 0) continue;
      // The address opens the line; a notice re-wrapped (or laid out as Exim's "The
      // following address(es) failed:" block) puts it alone on the line before.
      const named = leadingAddress(line) ?? addressAlone(before, line);
      if (named === null) continue;
      // "ERROR_CODE :550, ERROR_CODE :5.2.1 <a@b>... User Unknown": the code, then the reply.
      let code: number | null = null;
      let reply = '';
      let pos = marker;
      for (let guard = 0; guard < 10 && pos >= 0; guard++) {
        const from = pos + MAILERS.zohoCode.length;
        const next = lower.indexOf(MAILERS.zohoCode, from);
        const v = withoutComma(line.slice(from, next < 0 ? line.length : next));
        const n = Number(v);
        if (v !== '' && code === null && v.length === 3 && Number.isInteger(n)) code = n;
        else if (v !== '') reply = v;
        pos = next;
      }
      const ownEnd = named.rest.toLowerCase().indexOf(MAILERS.zohoCode);
      const own = withoutComma(named.rest.slice(0, ownEnd < 0 ? named.rest.length : ownEnd));
      const text = reply !== '' ? reply : own;
      // The second field holds the remote reply as the server wrote it: when that
      // starts with its own reply code (a reply without an enhanced code), it is the
      // reply, and the first field's code, Zoho's summary of it, is not put before it.
      failures.push({
        recipient: named.address,
        diagnosis: (code !== null && !startsWithReplyCode(text) ? `${code} ` : '') + text,
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
  detect: (b) => (b.saw(MAILERS.powerMta) ? EVIDENCE.marker : EVIDENCE.none),
  parse(b) {
    const collected = collectBlocks(b.lines(), 0, b.lines().length, {
      start: (line) => (line.startsWith('<') ? leadingAddress(line) : null),
      continuation: 'paragraph',
    });
    const failures: Failure[] = collected.blocks.map((block) => {
      const text = block.lines.join(' ');
      return {
        recipient: block.recipient,
        diagnosis: text,
        action: lowerAscii(text).startsWith('delayed') ? 'delayed' : null,
      };
    });
    return toFindings(b, 'powermta', failures, { permanent: true });
  },
};

/**
 * Oracle (Sun, iPlanet) Communications Messaging Server: "This report relates to a
 * message you sent with the following header fields:", then sections ("Your
 * message cannot be delivered to the following recipients:", "... has been
 * delayed ...", "... has been delivered to ...") of blocks with "Recipient address:
 * a@b", "Reason: ...", "Diagnostic code: smtp;550 ..." and "Remote system: dns;host".
 */
export const messagingServer: Family = {
  name: 'messagingserver',
  detect: (b) => (b.saw(MAILERS.msIntro) ? EVIDENCE.marker : EVIDENCE.none),
  parse(b) {
    const lines = b.lines();
    const returnedAt = findLine(lines, ['content-type: message/rfc822', 'return-path:']);
    const end = returnedAt < 0 ? lines.length : returnedAt;
    const failures: Failure[] = [];
    let cur = null as (Failure & { reason: string; reply: string }) | null;
    let section = 'failed' as 'failed' | 'delayed' | 'delivered';
    const all: (Failure & { reason: string; reply: string })[] = [];
    for (let i = 0; i < end; i++) {
      const raw = lines[i] as string;
      const line = raw.trim();
      if (line === '') continue;
      const lower = lowerAscii(line);
      if (indentOf(raw) === 0) {
        // A section's heading says what happened to the recipients under it.
        if (lower.indexOf('delayed') >= 0 || lower.indexOf('enqueued') >= 0) section = 'delayed';
        else if (lower.indexOf('cannot') >= 0 || lower.indexOf('not ') >= 0) section = 'failed';
        else if (lower.indexOf('delivered') >= 0 || lower.indexOf('relayed') >= 0)
          section = 'delivered';
        cur = null;
        continue;
      }
      if (lower.startsWith(MAILERS.msRecipient)) {
        cur = null;
        const a = addressIn(line.slice(MAILERS.msRecipient.length));
        if (a === null || section === 'delivered') continue;
        const entry: Failure & { reason: string; reply: string } = {
          recipient: a,
          diagnosis: '',
          reason: '',
          reply: '',
          action: section === 'delayed' ? 'delayed' : null,
        };
        all.push(entry);
        cur = entry;
        continue;
      }
      if (cur === null) continue;
      if (lower.startsWith(MAILERS.msReason))
        cur.reason ||= line.slice(MAILERS.msReason.length).trim();
      else if (lower.startsWith(MAILERS.msDiagnostic)) {
        let v = line.slice(MAILERS.msDiagnostic.length).trim();
        const semi = v.indexOf(';');
        if (semi > 0 && semi < 12 && v.slice(0, semi).indexOf(' ') < 0)
          v = v.slice(semi + 1).trim();
        cur.reply ||= v;
      } else if (lower.startsWith(MAILERS.msRemote)) {
        let v = line.slice(MAILERS.msRemote.length).trim();
        v = afterPrefix(v, 'dns;') ?? v;
        const sp = v.indexOf(' ');
        cur.remoteMta ??= sp > 0 ? v.slice(0, sp) : v;
      }
    }
    for (const f of all) {
      f.diagnosis = f.reply !== '' ? f.reply : f.reason;
      failures.push({
        recipient: f.recipient,
        diagnosis: f.diagnosis,
        action: f.action ?? null,
        remoteMta: f.remoteMta ?? null,
      });
    }
    const delayed = failures.length > 0 && failures.every((f) => f.action === 'delayed');
    return toFindings(b, 'messagingserver', failures, { permanent: !delayed });
  },
};

/**
 * AOL's HTML-only notice ("Email Returned"): "We were unable to deliver your
 * message to the following address", the address, then "because: <reason>" (on
 * the same line or the next). AOL's older text notices are sendmail's (sendmail.ts).
 */
export const aol: Family = {
  name: 'aol',
  detect(b) {
    if (!b.saw(MAILERS.aolIntro)) return EVIDENCE.none;
    return b.fromDomain('aol.com') || b.fromDomain('aim.com') ? EVIDENCE.sender : EVIDENCE.marker;
  },
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, [MAILERS.aolIntro]);
    if (start < 0) return [];
    const failures: Failure[] = [];
    let reason = '';
    for (let i = start + 1; i < Math.min(lines.length, start + 40); i++) {
      const line = (lines[i] as string).trim();
      if (line === '') continue;
      if (startsWithI(line, MAILERS.aolBecause)) {
        reason = line.slice(MAILERS.aolBecause.length).trim();
        for (let j = i + 1; reason === '' && j < Math.min(lines.length, i + 4); j++)
          reason = (lines[j] as string).trim();
        break;
      }
      const named = leadingAddress(line);
      if (named !== null && named.rest === '')
        failures.push({ recipient: named.address, diagnosis: '' });
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
  detect: (b) => (b.saw(MAILERS.groupwise) ? EVIDENCE.marker : EVIDENCE.none),
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, [MAILERS.groupwise]);
    if (start < 0) return [];
    // The recipients indented under the intro, up to the first blank line after them.
    let end = start + 1;
    let seen = false;
    for (; end < Math.min(lines.length, start + 1000); end++) {
      const raw = lines[end] as string;
      if (raw.trim() === '') {
        if (seen) break;
        continue;
      }
      if (indentOf(raw) === 0) break;
      seen = true;
    }
    // GroupWise names a user of its own system by its user id alone ("victor (user not
    // found)"): the recipient is the returned message's To or Cc address with that
    // local part, when exactly one has it; never an address made up from a domain.
    let returned: string[] | null = null;
    const localUser = (line: string): Named | null => {
      const open = line.indexOf(' (');
      if (open <= 0 || !line.endsWith(')')) return null;
      const user = line.slice(0, open);
      if (user.indexOf('@') >= 0 || user.indexOf(' ') >= 0 || user.indexOf('<') >= 0) return null;
      // "Possibly truncated original message follows:" then the pasted header, or attached.
      returned ??= b.returnedRecipients(findLineContaining(lines, [MAILERS.imailEnd]));
      const lower = lowerAscii(user);
      const same = returned.filter((a) => lowerAscii(a.slice(0, a.lastIndexOf('@'))) === lower);
      if (same.length !== 1) return null;
      return { address: same[0] as string, rest: line.slice(open + 1), reason: '' };
    };
    const collected = collectBlocks(lines, start + 1, end, {
      start: (line) => leadingAddress(line) ?? localUser(line),
      continuation: 'indented',
    });
    // "a@b (user not found)": the reason in parentheses after the address.
    const failures: Failure[] = collected.blocks.map((block) => {
      const rest = block.lines.join(' ');
      const reason = rest.startsWith('(') && rest.endsWith(')') ? rest.slice(1, -1) : rest;
      return { recipient: block.recipient, diagnosis: reason };
    });
    return toFindings(b, 'groupwise', failures, { permanent: true });
  },
};
