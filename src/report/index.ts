// Entry point of the pure parsers (DESIGN.md §5): raw message bytes in, findings out.
// Each parser reads the same MIME walk; the first that recognises the message wins,
// in order of how much the message itself declares: RFC 5965 and RFC 8098 reports,
// RFC 3464 / 6533 DSNs, the non-ARF complaint formats, DSN fields pasted into text,
// challenge-response probes, RFC 3834 auto-replies, then the non-RFC families of
// heuristic/, then a last-resort scan for failed recipients in anything that looks
// like a bounce.
import { parseArf, parseComplaint } from './arf';
import { parseAutoReply, parseDressedAutoReply } from './autoreply';
import { parseChallenge } from './challenge';
import { completeFromNotification, findDsnPart, parseDsn, parseDsnInText } from './dsn';
import { parseFallback } from './fallback';
import { fromMailSystem } from './heuristic/common';
import { completeDsn, parseHeuristic } from './heuristic/index';
import type { Headers } from './header';
import { parseMdn } from './mdn';
import { readMessage, type MimeMessage, type MimePart } from './mime';
import { tieFindings } from './trace';
import type { Finding, ParseOptions, ParseResult, ReportKind } from './types';

export { readMessage, type MimeMessage } from './mime';
export type { ParseOptions } from './types';

/**
 * Parses one received message. Never throws: anything unexpected becomes an
 * `internal` ParseProblem with no findings (the parsers handle hostile input
 * themselves; this is the last line of defence, not the plan). `raw` is the octets,
 * or a binary string of them (one char per octet, as Node's latin1 gives).
 */
export function parseMessage(raw: Uint8Array | string, options: ParseOptions = {}): ParseResult {
  return parseMessageAndHeaders(raw, options).result;
}

/** `parseMessage`, plus the message's top-level header fields (null when the walk failed). */
export function parseMessageAndHeaders(
  raw: Uint8Array | string,
  options: ParseOptions = {},
): {
  result: ParseResult;
  headers: Headers | null;
} {
  let msg: MimeMessage | null = null;
  try {
    msg = readMessage(raw);
    return { result: parseWalked(msg, options), headers: msg.headers };
  } catch (err) {
    return {
      result: {
        kind: 'none',
        findings: [],
        problems: [
          {
            code: 'internal',
            detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
          },
        ],
      },
      headers: msg?.headers ?? null,
    };
  }
}

/**
 * Parses a message already read by `readMessage` (for callers that keep the walk):
 * the first parser that recognises it, then what ties its findings to the message
 * that caused them (the returned Message-ID and KumoMTA's trace header, report/trace.ts).
 */
export function parseWalked(msg: MimeMessage, options: ParseOptions = {}): ParseResult {
  const read: ReadScope = { scope: msg.root };
  const parsed = recognise(msg, options, read);
  if (parsed.kind === 'none') {
    const forwarded = forwardedBounce(msg, options);
    if (forwarded !== null) return forwarded;
  }
  tieFindings(parsed.findings, msg, options, read.scope);
  return parsed;
}

/**
 * A bounce or an ARF report a person forwarded as an attachment (a message/rfc822 part
 * whose own header says it is a mail system's notice: a null Return-Path, a daemon's
 * From, or a multipart/report body, RFC 6522): the attached report's findings, tied to
 * the message it returned. Only for a message nothing else recognised; one level deep.
 */
function forwardedBounce(msg: MimeMessage, options: ParseOptions): ParseResult | null {
  const attached = msg.returned();
  if (attached === null || attached.part.message === null) return null;
  const h = attached.headers;
  const from = (h.get('from') ?? '').toLowerCase();
  const notice =
    (h.get('return-path') ?? '').trim() === '<>' ||
    fromMailSystem(from) ||
    (h.get('content-type') ?? '').toLowerCase().indexOf('multipart/report') >= 0;
  if (!notice) return null;
  const inner = readMessage(Buffer.from(attached.text(), 'utf8'));
  const read: ReadScope = { scope: inner.root };
  const parsed = recognise(inner, options, read);
  // A forwarded ARF report (a person passing an FBL report on to whoever keeps the
  // suppression list) is the same complaint: its Feedback finding, as a forwarded DSN's
  // failures are failures.
  if (parsed.kind !== 'dsn' && parsed.kind !== 'heuristic' && parsed.kind !== 'arf') return null;
  tieFindings(parsed.findings, inner, options, read.scope);
  return {
    kind: parsed.kind,
    findings: parsed.findings,
    problems: [...msg.problems, ...inner.problems],
  };
}

function result(kind: ReportKind, findings: Finding[], msg: MimeMessage): ParseResult {
  return { kind, findings, problems: msg.problems };
}

/**
 * The message whose returned copy ties the findings (report/trace.ts): the message
 * itself, or, for a DSN found inside a message/rfc822 part (a bounce a person or a list
 * forwarded), that encapsulated report: the forwarded report is no returned message,
 * its Message-ID not the original's.
 */
interface ReadScope {
  scope: MimePart;
}

function recognise(msg: MimeMessage, options: ParseOptions, read: ReadScope): ParseResult {
  const arf = parseArf(msg, options);
  if (arf !== null) return result('arf', [arf], msg);
  const mdn = parseMdn(msg);
  if (mdn !== null) return result('mdn', [mdn], msg);
  const dsn = parseDsn(msg);
  if (dsn !== null && dsn.length > 0) {
    read.scope = findDsnPart(msg)?.scope ?? msg.root;
    return result('dsn', completeFromNotification(completeDsn(dsn, msg), msg), msg);
  }
  const complaint = parseComplaint(msg, options);
  if (complaint !== null) return result('arf', [complaint], msg);
  const pasted = parseDsnInText(msg);
  if (pasted !== null && pasted.length > 0) return result('dsn', pasted, msg);
  // Before auto-replies: a challenge is an automatic answer too, but a request.
  const challenge = parseChallenge(msg);
  if (challenge !== null) return result('challenge', [challenge], msg);
  const auto = parseAutoReply(msg);
  if (auto !== null) return result('autoreply', [auto], msg);
  const heuristic = parseHeuristic(msg);
  // A provider's complaint notice (Amazon SES) is a feedback report like ARF.
  if (heuristic.length > 0)
    return result(heuristic[0]?.kind === 'feedback' ? 'arf' : 'heuristic', heuristic, msg);
  // Before the last-resort scan: a vacation answer signed "Mail Delivery System" names
  // addresses (a colleague, a help desk) that scan would take for failed recipients.
  const dressed = parseDressedAutoReply(msg);
  if (dressed !== null) return result('autoreply', [dressed], msg);
  const fallback = parseFallback(msg);
  if (fallback !== null && fallback.length > 0) return result('heuristic', fallback, msg);
  return result('none', [], msg);
}
