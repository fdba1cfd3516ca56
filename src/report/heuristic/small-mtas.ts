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
  EVIDENCE,
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
