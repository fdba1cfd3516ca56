// Last resort for bounces no RFC parser and no heuristic family recognised, in
// the manner of Sisimai's RFC 3464 fallback: in a message that looks like a bounce
// (sent by a mailer daemon, or with a bounce subject), lines that begin with an
// address, or name one after words like "recipient:", are failed recipients, and
// the text that follows the address is the diagnostic. Nothing here is an MTA's
// format; the families in heuristic/ know those better and run first.
import { extractAddress, extractAddressList, isEmailAddress, localPartOf } from './address';
import { decodeEncodedWords } from './codec';
import { parseDate } from './date';
import { messageIdOf } from './dsn';
import type { MimeMessage } from './mime';
import { extractReply, oneLine } from './reply';
import type { OobFinding } from './types';

const SOURCE = 'heuristic:fallback';
const MAX_RECIPIENTS = 100;
const MAX_LINES = 2000;

const BOUNCE_SENDERS = new Set([
  'mailer-daemon',
  'postmaster',
  'root',
  'mail-daemon',
  'mailerdaemon',
]);

const BOUNCE_SUBJECTS = [
  'delivery failed',
  'delivery failure',
  'delivery report',
  'delivery status notification',
  'delivery notification',
  'failure notice',
  'mail delivery',
  'mail failed',
  'mail error',
  'non-delivery',
  'nondelivery',
  'returned mail',
  'undeliverable',
  'undelivered mail',
  'could not be delivered',
  'warning: ',
];

/** Lines (lower case, trimmed) where the returned message begins: nothing after is the bounce's own text. */
const STOP_PREFIXES = [
  'received:',
  'return-path:',
  'received-from-mta:',
  'reporting-mta:',
  'content-type: message/rfc822',
  'content-type: message/delivery-status',
  'content-type: text/rfc822-headers',
  'here is a copy of the first part of the message',
  'the non-delivered message is attached',
  'a copy of the original message below this line',
  'your message reads (in part)',
];

const STOP_PHRASES = [
  'message text follows',
  'original message follows',
  'below is a copy of the original message',
  'below this line is a copy of the message',
  'attachment is a copy of the message',
  'unsent message below',
  'the attachment contains the original mail headers',
  '------ this is a copy of the message',
  'original message --',
];

/** Words after which an address on the same line is a failed recipient. */
const ADDRESS_MARKERS = [
  'recipient:',
  'address:',
  'addressed to ',
  'could not be delivered to:',
  'could not be delivered to ',
  'delivery to the following recipient failed',
  'delivery failed:',
  'did not reach the following recipient:',
  'error-for:',
  'failed recipient:',
  'failed to deliver to ',
  'intended recipient:',
  'mailbox is full:',
  'rcpt to:',
  'unknown user:',
  'undeliverable to ',
  'undeliverable address:',
  'you sent mail to ',
  'your message to ',
  'the following message to ',
];

function looksLikeBounce(msg: MimeMessage): boolean {
  const h = msg.headers;
  if (BOUNCE_SENDERS.has(localPartOf(h.get('from')))) return true;
  if (h.has('x-failed-recipients')) return true;
  const returnPath = (h.get('return-path') ?? '').trim().toLowerCase();
  if (returnPath === '<>' || returnPath.indexOf('mailer-daemon') >= 0) return true;
  const subject = decodeEncodedWords(h.get('subject') ?? '').toLowerCase();
  for (const s of BOUNCE_SUBJECTS) if (subject.indexOf(s) >= 0) return true;
  return false;
}

function isStop(lower: string): boolean {
  for (const p of STOP_PREFIXES) if (lower.startsWith(p)) return true;
  for (const p of STOP_PHRASES) if (lower.indexOf(p) >= 0) return true;
  return false;
}

/** The address a line names as a recipient, and where the text after it starts. */
function recipientOf(
  fullLine: string,
  fullLower: string,
): { address: string; rest: string } | null {
  // Sendmail marks failed addresses with ">>>" or "***" in some transcripts.
  let skip = 0;
  while (skip < 4 && (fullLine.charCodeAt(skip) === 0x3e || fullLine.charCodeAt(skip) === 0x2a))
    skip++;
  const line = skip > 0 ? fullLine.slice(skip).trimStart() : fullLine;
  const lower = skip > 0 ? fullLower.slice(fullLower.length - line.length) : fullLower;
  let from = -1;
  const c0 = line.charCodeAt(0);
  if (c0 === 0x3c || c0 === 0x22 || c0 === 0x27) from = 0;
  else {
    // The line starts with the address itself.
    let end = 0;
    while (end < line.length && line.charCodeAt(end) > 0x20) end++;
    if (line.slice(0, end).indexOf('@') > 0) from = 0;
  }
  if (from < 0) {
    for (const m of ADDRESS_MARKERS) {
      const i = lower.indexOf(m);
      if (i >= 0) {
        from = i + m.length;
        break;
      }
    }
  }
  if (from < 0) return null;
  let s = line.slice(from).trim();
  // Take the first word holding "@" (inside <> when there is one).
  let wordEnd: number;
  if (s.startsWith('<')) {
    const gt = s.indexOf('>');
    wordEnd = gt < 0 ? s.length : gt + 1;
  } else {
    wordEnd = 0;
    while (wordEnd < s.length && s.charCodeAt(wordEnd) > 0x20) wordEnd++;
  }
  const address = extractAddress(s.slice(0, wordEnd));
  if (address === null || !isEmailAddress(address)) return null;
  s = s.slice(wordEnd);
  // Separators MTAs put between the address and the reason.
  let i = 0;
  while (i < s.length && ' \t:.-,;>)('.indexOf(s.charAt(i)) >= 0) i++;
  return { address, rest: s.slice(i) };
}

/** Failed recipients found in the bounce's own text; null when there are none. */
export function parseFallback(msg: MimeMessage): OobFinding[] | null {
  if (!looksLikeBounce(msg)) return null;
  const h = msg.headers;
  const own = new Set<string>();
  for (const name of ['from', 'to', 'reply-to', 'sender']) {
    const a = extractAddress(h.get(name));
    if (a !== null) own.add(a.toLowerCase());
  }
  const found: { address: string; text: string[] }[] = [];
  const seen = new Set<string>();
  // "reject reason: Mailbox full", "Reason: ...": a reason the bounce states apart
  // from its recipients, for those that have none of their own.
  const reasons: string[] = [];
  let lines = 0;
  outer: for (const { type, text } of msg.texts()) {
    if (type !== 'text/plain' && msg.texts().length > 1) continue;
    let current: { address: string; text: string[] } | null = null;
    let pos = 0;
    while (pos < text.length && lines < MAX_LINES) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = text.length;
      const raw = text.slice(pos, Math.min(nl, pos + 4096));
      pos = nl + 1;
      lines++;
      const line = raw.trim();
      if (line === '') {
        current = null;
        continue;
      }
      const lower = line.toLowerCase();
      if (isStop(lower)) break outer;
      const reasonAt = lower.indexOf('reason:');
      if (reasonAt >= 0 && reasonAt <= 20 && reasons.length < 3) {
        const reason = line.slice(reasonAt + 7).trim();
        if (reason !== '') reasons.push(reason);
      }
      const r = recipientOf(line, lower);
      if (r !== null) {
        const key = r.address.toLowerCase();
        const local = key.slice(0, key.lastIndexOf('@'));
        if (own.has(key) || BOUNCE_SENDERS.has(local)) {
          current = null;
          continue;
        }
        if (!seen.has(key)) {
          if (found.length >= MAX_RECIPIENTS) break outer;
          seen.add(key);
          current = { address: r.address, text: r.rest === '' ? [] : [r.rest] };
          found.push(current);
        } else {
          current = found.find((f) => f.address.toLowerCase() === key) ?? null;
          if (current !== null && r.rest !== '' && current.text.length < 8)
            current.text.push(r.rest);
        }
        continue;
      }
      // Lines right after a recipient (indented or not) explain it, as Postfix and qmail write them.
      if (current !== null && current.text.length < 8) current.text.push(line);
    }
  }
  // Exim and Gmail name the failed recipients in X-Failed-Recipients: when present,
  // it is the list, and the text only explains it.
  const listed = extractAddressList(h.get('x-failed-recipients')).filter(isEmailAddress);
  if (listed.length > 0) {
    const byAddress = new Map(found.map((f) => [f.address.toLowerCase(), f]));
    found.length = 0;
    const unique = new Set<string>();
    for (const a of listed.slice(0, MAX_RECIPIENTS)) {
      const key = a.toLowerCase();
      if (unique.has(key)) continue;
      unique.add(key);
      found.push(byAddress.get(key) ?? { address: a, text: [] });
    }
  }
  if (found.length === 0) return null;
  const date = parseDate(h.get('date'));
  const originalMessageId = messageIdOf(msg.returned());
  return found.map((f) => {
    const text = oneLine((f.text.length > 0 ? f.text : reasons).join(' '));
    const reply = extractReply(text, { status: null, action: 'failed' });
    const cls = reply.enhancedCode?.class ?? Math.floor(reply.code / 100);
    return {
      kind: 'oob' as const,
      recipient: f.address,
      reply,
      report: {
        source: SOURCE,
        action: cls === 4 ? 'delayed' : 'failed',
        status: null,
        final_recipient: f.address,
        original_recipient: null,
        remote_mta: null,
        reporting_mta: null,
        diagnostic_code: null,
        last_attempt_date: null,
        arrival_date: null,
        original_message_id: originalMessageId,
      },
      time: date,
      label: null,
    };
  });
}
