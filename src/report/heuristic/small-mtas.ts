// Three open-source MTAs with short, fixed bounce texts, each a few lines of
// layout:
// * DragonFly Mail Agent (dma, mail.c since 2008): one recipient per bounce,
//   "There was an error delivering your mail to <a@b>.", then net.c's
//   "host [ip] did not like our RCPT TO:" and the server's reply.
// * OpenSMTPD (bounce.c since 5.x): "a@b: reply" lines under "the following list
//   of recipients:", indented by four in releases before 6.0.
// * Courier (module.dsn): "<a@b>:" then the host and the ">>>" / "<<<" exchange,
//   between rulers of dashes.
// * MDaemon (Alt-N / MDaemon Technologies): "The attached message had PERMANENT fatal
//   delivery errors!", then its SMTP session log between "--- Session Transcript ---"
//   and "--- End Transcript ---", one timestamped line per command and reply.
import {
  EVIDENCE,
  addressIn,
  collectBlocks,
  type Failure,
  type Family,
  findLine,
  findLineContaining,
  labelledAddress,
  leadingAddress,
  lowerAscii,
  toFindings,
} from './common';

/** Fixed text of these MTAs' bounces (lower case). */
export const SMALL_MTAS = {
  /** dma (mail.c): the intro, "vN at host." after it, and the recipient sentence. */
  dragonflyIntro: 'this is the dragonfly mail agent',
  dragonflyTo: 'there was an error delivering your mail to ',
  /** dma (net.c): "<host> [<ip>] did not like our <command>:", the reply on the next lines. */
  dragonflyRemote: ' did not like our ',
  dragonflyEnd: ['message headers follow', 'original message follows'],
  /** OpenSMTPD (bounce.c). */
  opensmtpdIntro: 'this is the mailer-daemon, please do not reply',
  opensmtpdList: 'list of recipients',
  opensmtpdDelay: 'delayed for more than',
  opensmtpdEnd: 'below is a copy of the original message',
  /** Courier (courier/module.dsn). */
  courier: 'courier mail server',
  courierFailed: 'undeliverable mail',
  courierDelayed: ['delays in delivering your message'],
  /** MDaemon's notice: the verdict line, and the rulers around its session log. */
  mdaemonFatal: 'had permanent fatal delivery errors',
  mdaemonTranscript: '--- session transcript ---',
  mdaemonEnd: '--- end transcript ---',
  /** Smail 3's rulers. */
  smailFailed: 'failed addresses follow:',
} as const;

function firstWord(s: string): string {
  let end = 0;
  while (end < s.length && s.charCodeAt(end) > 0x20) end++;
  return s.slice(0, end);
}

export const dragonfly: Family = {
  name: 'dragonfly',
  detect: (b) => (b.saw(SMALL_MTAS.dragonflyIntro) ? EVIDENCE.marker : EVIDENCE.none),
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, [SMALL_MTAS.dragonflyIntro]);
    if (start < 0) return [];
    const intro = (lines[start] as string).trim();
    const at = intro.toLowerCase().lastIndexOf(' at ');
    let reportingMta: string | null = null;
    if (at >= 0) {
      reportingMta = intro.slice(at + 4).trim();
      while (reportingMta.endsWith('.')) reportingMta = reportingMta.slice(0, -1);
    }
    let end = findLine(lines, SMALL_MTAS.dragonflyEnd, start + 1);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    const collected = collectBlocks(lines, start + 1, end, {
      start: (line) => labelledAddress(line, [SMALL_MTAS.dragonflyTo]),
      continuation: 'section',
    });
    const failures = collected.blocks.map((block) => {
      const f: Failure = { recipient: block.recipient, diagnosis: '' };
      let text: string[] = [];
      for (const line of block.lines) {
        // "%s [%s] did not like our %s:\n%s": the reply is on the lines after.
        if (lowerAscii(line).indexOf(SMALL_MTAS.dragonflyRemote) > 0) {
          f.remoteMta = firstWord(line);
          text = [];
        } else text.push(line);
      }
      // The recipient sentence ends with a full stop that is no part of the text.
      f.diagnosis = text.join(' ');
      return f;
    });
    return toFindings(b, 'dragonfly', failures, { reportingMta, returnedAt, permanent: true });
  },
};

export const opensmtpd: Family = {
  name: 'opensmtpd',
  detect: (b) =>
    b.saw(SMALL_MTAS.opensmtpdIntro) && b.saw(SMALL_MTAS.opensmtpdList)
      ? EVIDENCE.marker
      : EVIDENCE.none,
  parse(b) {
    const lines = b.lines();
    const listAt = findLineContaining(lines, [SMALL_MTAS.opensmtpdList]);
    if (listAt < 0) return [];
    const delay = findLineContaining(lines, [SMALL_MTAS.opensmtpdDelay], 0, listAt + 1) >= 0;
    let end = findLine(lines, [SMALL_MTAS.opensmtpdEnd], listAt + 1);
    const returnedAt = end;
    if (end < 0) end = lines.length;
    const collected = collectBlocks(lines, listAt + 1, end, {
      // "a@b: 550 5.1.1 No such user", a long reply wrapped onto indented lines.
      start(line) {
        const named = leadingAddress(line);
        return named !== null && named.rest !== '' ? named : null;
      },
      continuation: 'indented',
    });
    const failures: Failure[] = collected.blocks.map((block) => ({
      recipient: block.recipient,
      diagnosis: block.lines.join(' '),
      action: delay ? 'delayed' : null,
    }));
    return toFindings(b, 'opensmtpd', failures, { returnedAt, permanent: !delay });
  },
};

export const courier: Family = {
  name: 'courier',
  detect(b) {
    if (
      b.from.indexOf(SMALL_MTAS.courier) >= 0 ||
      lowerAscii(b.header('message-id')).startsWith('<courier.')
    )
      return EVIDENCE.sender;
    if (b.saw(SMALL_MTAS.courier)) return EVIDENCE.marker;
    if (b.saw(SMALL_MTAS.courierFailed) || b.sawAny(SMALL_MTAS.courierDelayed))
      return EVIDENCE.layout;
    return EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    const start = findLineContaining(lines, [
      SMALL_MTAS.courierFailed,
      ...SMALL_MTAS.courierDelayed,
    ]);
    if (start < 0) return [];
    const startLower = lowerAscii(lines[start] as string);
    const delay = SMALL_MTAS.courierDelayed.some((d) => startLower.indexOf(d) >= 0);
    const returnedAt = findLine(
      lines,
      ['content-type: message/rfc822', 'content-type: text/rfc822-headers'],
      start + 1,
    );
    const end = returnedAt < 0 ? lines.length : returnedAt;
    // "<a@b>:" at the margin, then the host indented and the ">>>" / "<<<" exchange.
    const collected = collectBlocks(lines, start + 1, end, {
      start(line, raw) {
        if (!raw.startsWith('<') || !line.endsWith(':')) return null;
        const named = leadingAddress(line);
        return named !== null && named.rest === '' ? named : null;
      },
      continuation: 'indented',
      noise: ['-----', '>>>'],
    });
    const failures = collected.blocks.map((block) => {
      const f: Failure = { recipient: block.recipient, diagnosis: '' };
      if (delay) f.action = 'delayed';
      const own: string[] = [];
      const replies: string[] = [];
      for (const line of block.lines) {
        if (line.startsWith('<<<')) replies.push(line.slice(3).trim());
        // "    mx.example.co.jp [192.0.2.95]:" names the host; other lines explain.
        else if (line.endsWith(']:') && f.remoteMta === undefined) f.remoteMta = firstWord(line);
        else own.push(line);
      }
      f.diagnosis = replies.length > 0 ? replies.join(' ') : own.join(' ');
      return f;
    });
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
  detect: (b) => (b.saw(SMALL_MTAS.smailFailed) ? EVIDENCE.marker : EVIDENCE.none),
  parse(b) {
    const lines = b.lines();
    // The rulers: "|---- Message log follows: ----|", "|---- Failed addresses follow: ----|",
    // "|---- Message text follows: ----|" (where the returned message starts).
    const rulers: { at: number; kind: 'failed' | 'log' | 'text' }[] = [];
    for (let i = 0; i < lines.length && rulers.length < 20; i++) {
      const line = (lines[i] as string).trim();
      if (!line.startsWith('|---') && !line.startsWith('----')) continue;
      const lower = lowerAscii(line);
      const kind =
        lower.indexOf('failed addresses') >= 0
          ? 'failed'
          : lower.indexOf('message log') >= 0
            ? 'log'
            : 'text';
      rulers.push({ at: i, kind });
      if (kind === 'text') break;
    }
    const text = rulers.find((r) => r.kind === 'text');
    const returnedAt = text === undefined ? -1 : text.at;
    const sectionEnd = (r: number): number =>
      r + 1 < rulers.length ? (rulers[r + 1] as { at: number }).at : lines.length;
    const log: string[] = [];
    const failures: Failure[] = [];
    for (let r = 0; r < rulers.length; r++) {
      const { at, kind } = rulers[r] as { at: number; kind: string };
      if (kind === 'log') {
        for (let i = at + 1; i < sectionEnd(r) && log.length < 10; i++) {
          const line = (lines[i] as string).trim();
          if (line !== '') log.push(line);
        }
      } else if (kind === 'failed') {
        // " a@b ... unknown host", " <a@b> ... (reason)": one line per address.
        const collected = collectBlocks(lines, at + 1, sectionEnd(r), {
          start: (line) => leadingAddress(line),
          continuation: 'indented',
        });
        for (const block of collected.blocks)
          failures.push({ recipient: block.recipient, diagnosis: block.lines.join(' ') });
      }
    }
    // An address without its own reason: the message log says why.
    for (const f of failures) if (f.diagnosis === '') f.diagnosis = log.join(' ');
    return toFindings(b, 'smail', failures, { returnedAt, permanent: true });
  },
};

/** A 3-digit SMTP reply at the start of `s`, and the reply (null when `s` is none). */
function smtpReplyAt(s: string): number | null {
  if (s.length < 3) return null;
  const a = s.charCodeAt(0);
  const b = s.charCodeAt(1);
  const c = s.charCodeAt(2);
  if (a < 0x32 || a > 0x35 || b < 0x30 || b > 0x39 || c < 0x30 || c > 0x39) return null;
  if (s.length > 3 && s.charCodeAt(3) > 0x20 && s[3] !== '-') return null;
  return (a - 0x30) * 100 + (b - 0x30) * 10 + (c - 0x30);
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

/** Where a "hh:mm:ss" clock starts within the first 40 characters of `s`, or -1. */
function clockAt(s: string): number {
  for (let i = 0; i + 8 <= s.length && i < 40; i++) {
    if (s[i + 2] !== ':' || s[i + 5] !== ':') continue;
    if ([0, 1, 3, 4, 6, 7].every((k) => isDigit(s, i + k))) return i;
  }
  return -1;
}

/**
 * A transcript line without its "Mon 2025-03-03 09:15:00: " stamp and its direction
 * arrow ("-->", "<--", ">>>", "<<<"): MDaemon logs each command and reply so.
 */
function transcriptText(line: string): string {
  let s = line.trim();
  const stamp = clockAt(s);
  if (stamp >= 0) {
    const after = s.indexOf(': ', stamp + 8);
    if (after >= 0 && after < stamp + 16) s = s.slice(after + 2).trim();
  }
  for (const arrow of ['-->', '<--', '>>>', '<<<'])
    if (s.startsWith(arrow)) return s.slice(arrow.length).trim();
  return s;
}

/** True when `line` is a stamped transcript line ("Thu 2026-12-03 10:11:58.741: ..."). */
function stamped(line: string): boolean {
  const s = line.trim();
  const at = clockAt(s);
  if (at < 0) return false;
  const after = s.indexOf(': ', at + 8);
  return after >= 0 && after < at + 16;
}

/** True when a stamped transcript line logs a command sent or a reply received. */
function stampedExchange(line: string): boolean {
  return stamped(line) && (line.indexOf(': -->') >= 0 || line.indexOf(': <--') >= 0);
}

/**
 * Where MDaemon's session log lies: [start, end) with `start` the line before its first
 * line. Its rulers ("--- Session Transcript ---", "--- End Transcript ---") are the
 * notice template's words, which a localized MDaemon translates; the log itself is one
 * stamped line per event ("Thu 2026-12-03 10:11:58.741: --> RCPT To:<a@b>"), the same in
 * every language. So without the English ruler the log is the run of stamped lines
 * around the first stamped command or reply. Null when there is none.
 */
function transcriptBounds(lines: readonly string[]): { start: number; end: number } | null {
  const ruler = findLineContaining(lines, [SMALL_MTAS.mdaemonTranscript]);
  if (ruler >= 0) {
    const end = findLineContaining(lines, [SMALL_MTAS.mdaemonEnd], ruler + 1);
    return { start: ruler, end: end < 0 ? lines.length : end };
  }
  const first = lines.findIndex(stampedExchange);
  if (first < 0) return null;
  let start = first;
  while (start > 0 && stamped(lines[start - 1] as string)) start--;
  let end = first + 1;
  while (end < lines.length && stamped(lines[end] as string)) end++;
  return { start: start - 1, end };
}

/**
 * MDaemon's delivery failure notice. The recipient and the reply come from the
 * session log it attaches: the reply to a "RCPT To:<a@b>" names that recipient; a
 * reply to DATA or the message's end concerns every recipient the server had accepted
 * (else those of the log's "*  To:" lines).
 */
export const mdaemon: Family = {
  name: 'mdaemon',
  detect(b) {
    if (b.from.indexOf('mdaemon') >= 0 && b.saw(SMALL_MTAS.mdaemonTranscript))
      return EVIDENCE.sender;
    // A localized notice from MDaemon's own account: its session log, whatever the
    // language of the rulers around it.
    if (b.from.indexOf('mdaemon') >= 0 && b.lines().some(stampedExchange)) return EVIDENCE.sender;
    return b.saw(SMALL_MTAS.mdaemonFatal) && b.saw(SMALL_MTAS.mdaemonTranscript)
      ? EVIDENCE.marker
      : EVIDENCE.none;
  },
  parse(b) {
    const lines = b.lines();
    const bounds = transcriptBounds(lines);
    if (bounds === null) return [];
    const { start, end } = bounds;
    const permanent = findLineContaining(lines, [SMALL_MTAS.mdaemonFatal], 0, start) >= 0;
    const failures: Failure[] = [];
    const listed: string[] = [];
    const accepted: string[] = [];
    let rcpt: string | null = null;
    let command: string | null = null;
    let remoteMta: string | null = null;
    for (let i = start + 1; i < end; i++) {
      const text = transcriptText(lines[i] as string);
      const lower = lowerAscii(text);
      if (lower.startsWith('*  to:') || lower.startsWith('* to:')) {
        const a = addressIn(text.slice(text.indexOf(':') + 1));
        if (a !== null) listed.push(a);
        continue;
      }
      if (lower.startsWith('attempting smtp connection to')) {
        const host = text.slice(text.indexOf('[') + 1, text.indexOf(']'));
        const name = host.split(':')[0]?.trim() ?? '';
        if (name !== '') remoteMta = name;
        continue;
      }
      if (lower.startsWith('rcpt to:')) {
        rcpt = addressIn(text.slice(8));
        command = 'RCPT TO';
        continue;
      }
      if (lower.startsWith('mail from:')) command = 'MAIL FROM';
      else if (lower === 'data') command = 'DATA';
      else if (lower === '.') command = '.';
      const code = smtpReplyAt(text);
      if (code === null) continue;
      if (code < 400) {
        if (command === 'RCPT TO' && rcpt !== null) accepted.push(rcpt);
        if (command === 'RCPT TO') rcpt = null;
        continue;
      }
      const targets =
        command === 'RCPT TO' && rcpt !== null ? [rcpt] : accepted.length > 0 ? accepted : listed;
      for (const recipient of targets)
        failures.push({ recipient, diagnosis: text, remoteMta, command });
      if (command === 'RCPT TO') rcpt = null;
    }
    // A permanent failure whose log holds no 4xx/5xx reply (the connection never got
    // one: "Socket connection failed ..."): the log's last line says why, for the
    // recipients of its "*  To:" lines.
    if (failures.length === 0 && permanent) {
      let last = '';
      for (let i = end - 1; i > start && last === ''; i--)
        last = transcriptText(lines[i] as string);
      if (last !== '')
        for (const recipient of listed) failures.push({ recipient, diagnosis: last, remoteMta });
    }
    return toFindings(b, 'mdaemon', failures, { returnedAt: -1, permanent });
  },
};
