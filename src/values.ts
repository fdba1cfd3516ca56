// Value types and helpers that the parsers (report/) and the log records (log/) share:
// a leaf module that imports nothing, so report/ never depends on log/ (DESIGN.md §2).
// The record type itself, the product contract, is log/record.ts.

/** RFC 3463 enhanced status code, e.g. 5.1.1 → `{class: 5, subject: 1, detail: 1}`. */
export interface EnhancedCode {
  class: number;
  subject: number;
  detail: number;
}

/**
 * KumoMTA's `response`. On OOB records it holds what the bounce said and nothing
 * more (DESIGN.md §5, §7):
 * * `code`: the reply code the text carries; without one, 550 for a class 5 status
 *   and 451 for class 4 (DESIGN.md §5). Auto-replies and challenge-response probes
 *   carry no SMTP reply: 250, the one code that says no more than what they do show
 *   (the message reached a mailbox that answered), with no enhanced code.
 * * `enhanced_code`: the text's RFC 3463 code, else the DSN's Status, else null.
 * * `content`: the text, without the reply code or a repeated enhanced code; `''`
 *   when the bounce gave none. Conclusions of the parser are in `oob_report.inferred`.
 * * `command`: the SMTP stage the bounce names (see reply.ts `SMTP_COMMANDS`:
 *   `CONNECT`, `EHLO`, `STARTTLS`, `AUTH`, `MAIL FROM`, `RCPT TO`, `DATA`, `.`), else null.
 */
export interface Response {
  /** SMTP reply code. */
  code: number;
  enhanced_code: EnhancedCode | null;
  /** Reply text without the reply code and enhanced code; never holds a line break. */
  content: string;
  /** The SMTP command the reply answered (Rejection records; OOB where the bounce says), else null. */
  command: string | null;
}

/**
 * KumoMTA's `ResolvedAddress`: `name` is the client's EHLO name (Reception, Feedback,
 * Rejection) or the report's Reporting-MTA (OOB); `addr` an IP address, never empty
 * (KumoMTA deserialises it as an address: `0.0.0.0` when unknown, as it writes itself).
 */
export interface PeerAddress {
  name: string;
  addr: string;
}

/** `peer_address.addr` when the client's address is not known (KumoMTA's `Ipv4Addr::UNSPECIFIED`). */
export const UNKNOWN_ADDR = '0.0.0.0';

/**
 * RFC 5965 feedback report, with KumoMTA's keys (including `original_rcpto_to`) and
 * types (kumo-log-types `ARFReport`: `feedback_type`, `user_agent` and `version` are
 * strings, never null).
 */
export interface FeedbackReport {
  feedback_type: string;
  /**
   * `User-Agent` (RFC 5965 §3.1, required). `""` when the report has none (a non-ARF
   * complaint, a broken report): KumoMTA writes no Feedback record then; oobd keeps the
   * complaint (docs/records.md, deliberate differences).
   */
  user_agent: string;
  /** `Version`, a string (Yahoo sends `0.1`); `""` when the report has none, as `user_agent`. */
  version: string;
  /** RFC 3339, from Arrival-Date, else Received-Date; null when absent or unparseable. */
  arrival_date: string | null;
  incidents: number | null;
  original_envelope_id: string | null;
  /** Without angle brackets. */
  original_mail_from: string | null;
  reporting_mta: { mta_type: string; name: string } | null;
  source_ip: string | null;
  authentication_results: string[];
  original_rcpto_to: string[];
  reported_domain: string[];
  reported_uri: string[];
  /** Every other field: lower-case name → values. */
  extensions: Record<string, string[]>;
  /** The returned message or headers, transfer-decoded. */
  original_message: string | null;
  /**
   * KumoMTA's trace header of the returned message, decoded (report/trace.ts): from any
   * `X-` header (or a configured name) whose value is base64 JSON with KumoMTA's marker;
   * the marker removed. Null when there is none.
   */
  supplemental_trace: SupplementalTrace | null;
}

/**
 * The decoded payload of KumoMTA's supplemental trace header (kumod `trace_headers`):
 * `recipient` (the recipient of the message KumoMTA sent) and the meta values named by
 * `include_meta_names` (`tenant`, `campaign`, ...). JSON values as sent.
 */
export type SupplementalTrace = Record<string, unknown>;

/**
 * Ours, on Feedback records: how oobd read the report, apart from KumoMTA's
 * `feedback_report` (whose keys keep KumoMTA's meaning).
 */
export interface FeedbackDetail {
  /**
   * Which format: `rfc5965`, or a complaint format that is not ARF (`jmrp`: Microsoft's
   * JMRP, `amazonses`: an Amazon SES complaint notice, `apple-unsubscribe`: Apple Mail's
   * unsubscribe message).
   */
  source: string;
  /**
   * The complained-about addresses: `feedback_report.original_rcpto_to` when the report
   * has it; else the trace header's recipient, the returned message's To/Cc, or (Apple)
   * the unsubscribing address. Empty when the report names none (none is made up).
   */
  recipients: string[];
  /**
   * Where `recipients` come from: `original-rcpt-to` (the report's field, or the
   * provider's equivalent: JMRP's X-HmXmrOriginalRecipient, SES's complainedRecipients),
   * `supplemental_trace`, `returned-message` (its To/Cc), `from`, or null (none).
   */
  recipient_from: string | null;
  /** Message-ID of the returned message, without angle brackets. */
  original_message_id: string | null;
  /**
   * The addresses the report's Removal-Recipient fields name (ARF drafts' opt-out: the
   * addresses to take off the list), once each; only when the report names any.
   */
  removal_recipients?: string[];
}

/** Our per-recipient view of a DSN, auto-reply or non-RFC bounce. */
export interface OobReport {
  /** `rfc3464`, `rfc6533`, `rfc3834`, `challenge-response` or `heuristic:<family>`. */
  source: string;
  /**
   * DSN Action (lower case), or `failed` / `delayed` for heuristic bounces,
   * `auto-replied` for auto-replies and challenge-response probes. Records are written
   * for `failed` and `auto-replied` only (DESIGN.md §5).
   */
  action: string;
  /** Enhanced status code as text (`5.1.1`), or null. */
  status: string | null;
  final_recipient: string | null;
  original_recipient: string | null;
  remote_mta: string | null;
  reporting_mta: string | null;
  /**
   * The DSN's Diagnostic-Code as sent: its type lower-cased (`smtp`, `x-unix`,
   * `x-postfix`; `text` for a non-RFC bounce's own words), its text unchanged.
   */
  diagnostic_code: { type: string; text: string } | null;
  /** RFC 3339 or null. */
  last_attempt_date: string | null;
  /** RFC 3339 or null. */
  arrival_date: string | null;
  /**
   * Message-ID of the returned message (attached, header section, or pasted inline in
   * the notification text), without angle brackets.
   */
  original_message_id: string | null;
  /**
   * KumoMTA's trace header found in the returned message (attached, or its header lines
   * pasted in the notification), decoded as for `feedback_report.supplemental_trace`;
   * null when there is none.
   */
  supplemental_trace: SupplementalTrace | null;
  /**
   * What the parser concluded that the message does not say as a reply, kept apart
   * from `response` (which holds only what the message said). Present only when a
   * parser drew a conclusion; the classifier labels by it when the reply alone
   * matches no rule.
   */
  inferred?: OobInference;
  /**
   * The envelope recipient the report came to (the record's `sender`) decoded by its
   * domain's `verp` pattern (listener_domains.toml): each named part (`id`, `local`,
   * `domain`, ...) and `recipient` (`local@domain`, or a `recipient` part). Present only
   * when the domain has a pattern and the address matches it.
   */
  verp?: Record<string, string>;
  /**
   * Set when the report named no recipient and the record's `recipient` comes from
   * elsewhere: `verp` (`verp.recipient`), `supplemental_trace`
   * (`supplemental_trace.recipient`), or `returned-message` (the returned message was
   * sent to that one address only). Absent when the recipient is the report's own.
   */
  recipient_from?: 'verp' | 'supplemental_trace' | 'returned-message';
}

/** A parser's conclusion about a recipient, named as one (see `OobReport.inferred`). */
export interface OobInference {
  /** The RFC 3463 status the message amounts to (`5.2.1`: mailbox disabled), or null. */
  status: string | null;
  /**
   * What was concluded, as a fixed text of the rule that concluded it (never the
   * message's own words, which are in `response.content`).
   */
  reason: string;
}

/** RFC 8098 message disposition notification. */
export interface MdnReport {
  disposition: {
    /** `manual-action` or `automatic-action`. */
    action_mode: string | null;
    /** `MDN-sent-manually` or `MDN-sent-automatically`. */
    sending_mode: string | null;
    /** `displayed`, `deleted`, `dispatched`, `processed`, ... */
    type: string | null;
    modifiers: string[];
  };
  final_recipient: string | null;
  original_recipient: string | null;
  original_message_id: string | null;
  reporting_ua: string | null;
  /** KumoMTA's trace header of the returned message, decoded, or null (see OobReport). */
  supplemental_trace: SupplementalTrace | null;
}

/** Unix seconds, truncated as KumoMTA does. */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/**
 * RFC 3339 in UTC. Whole seconds print without a fraction (`1994-07-07T21:15:49Z`),
 * as KumoMTA's chrono serialisation does; otherwise milliseconds.
 */
export function rfc3339(date: Date): string {
  const ms = date.getTime();
  // A message's records share two instants (created, and the report's own time):
  // remember the last two rather than format each of them once per record.
  if (ms === lastMs[0]) return lastText[0] as string;
  if (ms === lastMs[1]) return lastText[1] as string;
  const iso = date.toISOString();
  const text = iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  lastMs[1] = lastMs[0] as number;
  lastText[1] = lastText[0] as string;
  lastMs[0] = ms;
  lastText[0] = text;
  return text;
}

const lastMs = [Number.NaN, Number.NaN];
const lastText = ['', ''];

/** `"5.1.1"` → `{class: 5, subject: 1, detail: 1}`; null unless the whole string is an RFC 3463 code. */
export function parseEnhancedCode(text: string): EnhancedCode | null {
  const s = text.trim();
  const r = enhancedCodeAt(s, 0);
  return r !== null && r.end === s.length ? r.code : null;
}

/** RFC 3463 §2 `class "." subject "." detail` at `pos` (class 2, 4 or 5, up to 3 digits each). */
export function enhancedCodeAt(s: string, pos: number): { code: EnhancedCode; end: number } | null {
  const c = s.charCodeAt(pos);
  if (c !== 0x32 && c !== 0x34 && c !== 0x35) return null;
  if (s.charCodeAt(pos + 1) !== 0x2e) return null;
  let i = pos + 2;
  let subject = 0;
  let n = 0;
  while (n < 3 && isDigit(s.charCodeAt(i))) {
    subject = subject * 10 + (s.charCodeAt(i) - 0x30);
    i++;
    n++;
  }
  if (n === 0 || s.charCodeAt(i) !== 0x2e) return null;
  i++;
  let detail = 0;
  n = 0;
  while (n < 3 && isDigit(s.charCodeAt(i))) {
    detail = detail * 10 + (s.charCodeAt(i) - 0x30);
    i++;
    n++;
  }
  if (n === 0) return null;
  const next = s.charCodeAt(i);
  // "5.1.1." ends a sentence; "5.1.10" or "5.1.1.2" is something else.
  if (isDigit(next) || (next === 0x2e && isDigit(s.charCodeAt(i + 1)))) return null;
  return { code: { class: c - 0x30, subject, detail }, end: i };
}

/** `{5, 1, 1}` → `"5.1.1"`. */
export function formatEnhancedCode(code: EnhancedCode): string {
  return `${code.class}.${code.subject}.${code.detail}`;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
