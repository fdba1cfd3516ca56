// qmail (qmail-send's bounce, "Hi. This is the qmail-send program at ...", since
// 1996) and the MTAs that copied its layout: qmail-ldap and vpopmail patches,
// Yahoo's "Sorry, we were unable to deliver your message", and the unnamed clones
// Sisimai files as X2 / X4. The layout:
//
//   <intro paragraph>
//
//   <kijitora@example.jp>:
//   192.0.2.153 does not like recipient.
//   Remote host said: 550 5.1.1 <kijitora@example.jp>... User Unknown
//   Giving up on 192.0.2.153.
//
//   --- Below this line is a copy of the message.
//
// qmail-local and qmail-remote append their own enhanced code to their own text:
// "Sorry, no mailbox here by that name. (#5.1.1)".
import {
  MAX_DIAGNOSTIC_LINES,
  bareAddress,
  findLine,
  startsWithI,
  toFindings,
  type Bounce,
  type Failure,
  type Family,
} from './common';
import { replyStage } from '../reply';
import type { OobFinding } from '../types';

/** Lines that start the returned message in qmail and its clones. */
const END_MARKERS = [
  '--- below this line is a copy of the message',
  '--- enclosed is a copy of the message',
  '--- original message follows',
  '--- the header of the original message is following',
];

/** Intros of qmail-send and of the clones, lower case (line starts). */
const QMAIL_INTROS = [
  'hi. this is the qmail-send program',
  'hi. this is the qmail', // qmail-ldap, netqmail builds that rename the program
  'he/her is not ',
  'su mensaje no pudo ser entregado',
  'this is the machine generated message from mail service',
  'this is the mail delivery agent at',
  'unable to deliver message to the following address',
  'unfortunately, your mail was not delivered to the following address:',
  'your mail message to the following address',
  'your message to the following addresses',
  "we're sorry.",
];

const YAHOO_INTRO = ['sorry, we were unable to deliver your message'];

/** qmail-remote's own lines that say nothing about why the recipient failed. */
const NOISE = ['giving up on ', '(other mxes tried:'];

/** Where the remote server's reply starts ("Remote host said:", qmail-remote since 1.0). */
const REMOTE_SAID = 'remote host said:';

function hostAfter(line: string, prefix: string): string | null {
  const rest = line.slice(prefix.length).trim();
  let end = 0;
  while (end < rest.length && rest.charCodeAt(end) > 0x20) end++;
  let host = rest.slice(0, end);
  while (host.endsWith('.')) host = host.slice(0, -1);
  return host === '' ? null : host;
}

/**
 * Recipient blocks after the intro line: "<addr>:" (also "To: <addr>:" in some
 * clones) starts one, the lines up to the next start or the end marker explain it.
 */
export function parseQmailLayout(
  bounce: Bounce,
  family: string,
  intros: readonly string[],
  stripCommandTag: boolean,
): OobFinding[] {
  const lines = bounce.lines();
  const start = findLine(lines, intros);
  if (start < 0) return [];
  let end = findLine(lines, END_MARKERS, start + 1);
  const returnedAt = end;
  if (end < 0) end = lines.length;
  let reportingMta: string | null = null;
  const introLine = (lines[start] as string).trim();
  const at = introLine.toLowerCase().indexOf(' program at ');
  if (at >= 0) reportingMta = hostAfter(introLine, introLine.slice(0, at + 12));

  const failures: (Failure & { own: string[]; remote: string[] })[] = [];
  let cur: (Failure & { own: string[]; remote: string[] }) | null = null;
  let inRemote = false;
  for (let i = start + 1; i < end; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') {
      inRemote = false;
      continue;
    }
    let candidate = line;
    if (startsWithI(candidate, 'to:')) candidate = candidate.slice(3).trimStart();
    if (candidate.startsWith('<') && candidate.endsWith(':')) {
      const address = bareAddress(candidate);
      if (address !== null) {
        cur = { recipient: address, diagnosis: '', own: [], remote: [] };
        failures.push(cur);
        inRemote = false;
        continue;
      }
    }
    if (cur === null) continue;
    const lower = line.toLowerCase();
    if (lower.startsWith('giving up on ')) {
      cur.remoteMta ??= hostAfter(line, 'giving up on ');
      continue;
    }
    if (NOISE.some((n) => lower.startsWith(n))) continue;
    if (lower.startsWith(REMOTE_SAID)) {
      inRemote = true;
      const rest = line.slice(REMOTE_SAID.length).trim();
      if (rest !== '') cur.remote.push(rest);
      continue;
    }
    if (cur.own.length + cur.remote.length >= MAX_DIAGNOSTIC_LINES) continue;
    // Lines after "Remote host said:" are the reply until qmail's own words resume.
    if (inRemote && !lower.startsWith("i'm not going to try again")) cur.remote.push(line);
    else {
      inRemote = false;
      cur.own.push(line);
    }
  }
  for (const f of failures) {
    let text = f.remote.length > 0 ? f.remote.join(' ') : f.own.join(' ');
    // The stage: Yahoo's "[RCPT_TO]" tag, or qmail-remote's own sentence before
    // "Remote host said:" ("... but sender was rejected.").
    f.command = replyStage(text) ?? replyStage(f.own.join(' '));
    if (stripCommandTag) text = withoutCommandTag(text);
    f.diagnosis = text;
    // "remote host 192.0.2.32 said: 550 ..." (the qmail-remote fallback patch).
    if (f.remote.length === 0) {
      const lower = text.toLowerCase();
      const i = lower.indexOf('remote host ');
      if (i >= 0) f.remoteMta ??= hostAfter(text, text.slice(0, i + 12));
    }
  }
  return toFindings(bounce, family, failures, {
    reportingMta,
    returnedAt,
    // qmail-send writes this intro only for messages it has given up on.
    permanent: true,
  });
}

/** Yahoo ends a reply with the SMTP stage it failed at: "... User Unknown [RCPT_TO]". */
function withoutCommandTag(text: string): string {
  const t = text.trimEnd();
  if (!t.endsWith(']')) return t;
  const open = t.lastIndexOf('[');
  if (open < 0) return t;
  const tag = t.slice(open + 1, -1);
  for (let i = 0; i < tag.length; i++) {
    const c = tag.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || c === 0x5f)) return t;
  }
  return tag.length >= 4 ? t.slice(0, open).trimEnd() : t;
}

export const qmail: Family = {
  name: 'qmail',
  detect(b) {
    // qmail-send's intro, or one of the clones' near the top; the parse then
    // needs qmail's "<address>:" lines, which other layouts do not have.
    return b.sawAny(QMAIL_INTROS);
  },
  parse: (b) => parseQmailLayout(b, 'qmail', QMAIL_INTROS, false),
};

export const yahoo: Family = {
  name: 'yahoo',
  detect: (b) => b.sawAny(YAHOO_INTRO),
  parse: (b) => parseQmailLayout(b, 'yahoo', YAHOO_INTRO, true),
};
