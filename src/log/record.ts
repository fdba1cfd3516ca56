// The log record: the product contract. Same keys, same order and same meaning as
// KumoMTA's JSON log records (../shared/reference/log-records.md), so anything that
// consumes KumoMTA logs consumes ours; `oob_report` and `mdn_report` are our additions
// and come last. Key order is fixed by `makeRecord`, the only place records are built.

export type RecordType =
  | 'Reception'
  | 'OOB'
  | 'Feedback'
  | 'MDN'
  | 'Rejection'
  | 'Delivery'
  | 'TransientFailure'
  | 'Bounce';

/** RFC 3463 enhanced status code, e.g. 5.1.1 → `{class: 5, subject: 1, detail: 1}`. */
export interface EnhancedCode {
  class: number;
  subject: number;
  detail: number;
}

export interface Response {
  /** SMTP reply code. */
  code: number;
  enhanced_code: EnhancedCode | null;
  /** Reply text without the reply code and enhanced code; never holds a line break. */
  content: string;
  /** The SMTP command the reply answered (Rejection records), else null. */
  command: string | null;
}

export interface PeerAddress {
  name: string;
  addr: string;
}

/** RFC 5965 feedback report, with KumoMTA's keys (including `original_rcpto_to`). */
export interface FeedbackReport {
  feedback_type: string;
  user_agent: string | null;
  /** A string: Yahoo sends `0.1`. */
  version: string | null;
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
  /** Decoded `X-KumoRef` header of the returned message, when present. */
  supplemental_trace: unknown;
}

/** Our per-recipient view of a DSN, auto-reply or non-RFC bounce. */
export interface OobReport {
  /** `rfc3464`, `rfc6533`, `rfc3834` or `heuristic:<family>`. */
  source: string;
  /** DSN Action (lower case), or `failed` / `delayed` for heuristic bounces, `auto-replied` for auto-replies. */
  action: string;
  /** Enhanced status code as text (`5.1.1`), or null. */
  status: string | null;
  final_recipient: string | null;
  original_recipient: string | null;
  remote_mta: string | null;
  reporting_mta: string | null;
  diagnostic_code: { type: string; text: string } | null;
  /** RFC 3339 or null. */
  last_attempt_date: string | null;
  /** RFC 3339 or null. */
  arrival_date: string | null;
  /** Message-ID of the returned message, without angle brackets. */
  original_message_id: string | null;
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
}

export interface LogRecord {
  type: RecordType;
  /** Id of the received message, 32 hex characters; the same for all its records. */
  id: string;
  /** Reception/Rejection: MAIL FROM (`""` for `<>`). OOB/Feedback/MDN: the envelope recipient the report was sent to. */
  sender: string;
  /** Reception: RCPT TO (array when several). OOB: Original-Recipient, else Final-Recipient. */
  recipient: string | string[];
  /** The recipient domain of the received message. */
  queue: string;
  /** `""` except Delivery/TransientFailure/Bounce (the routing host). */
  site: string;
  /** Reception: bytes received; otherwise 0. */
  size: number;
  response: Response;
  peer_address: PeerAddress | null;
  /** Unix seconds of the event. */
  timestamp: number;
  /** RFC 3339 with fraction, the same instant as `timestamp`. */
  event_time: string;
  /** Unix seconds when the received message arrived. */
  created: number;
  created_time: string;
  num_attempts: number;
  bounce_classification: string;
  egress_pool: null;
  egress_source: null;
  source_address: null;
  feedback_report: FeedbackReport | null;
  meta: Record<string, unknown>;
  headers: Record<string, unknown>;
  delivery_protocol: string | null;
  reception_protocol: string | null;
  /** UUID kept in the log folder, stable across restarts. */
  nodeid: string;
  /** UUID of the SMTP session the message arrived in. */
  session_id: string;
  oob_report?: OobReport;
  mdn_report?: MdnReport;
}

/** The fields every record of one received message shares. */
export interface RecordContext {
  id: string;
  /** When the message arrived (or, for a rejection before DATA, when the reply was sent). */
  created: Date;
  nodeid: string;
  session_id: string;
}

export interface RecordFields {
  type: RecordType;
  sender: string;
  recipient: string | string[];
  queue: string;
  site?: string;
  size?: number;
  response: Response;
  peer_address: PeerAddress | null;
  /** When the event happened; defaults to now. */
  time?: Date;
  num_attempts?: number;
  bounce_classification?: string;
  feedback_report?: FeedbackReport | null;
  delivery_protocol?: string | null;
  oob_report?: OobReport | undefined;
  mdn_report?: MdnReport | undefined;
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

/** Builds a record with KumoMTA's key order. */
export function makeRecord(ctx: RecordContext, f: RecordFields): LogRecord {
  const time = f.time ?? new Date();
  const record: LogRecord = {
    type: f.type,
    id: ctx.id,
    sender: f.sender,
    recipient: f.recipient,
    queue: f.queue,
    site: f.site ?? '',
    size: f.size ?? 0,
    response: f.response,
    peer_address: f.peer_address,
    timestamp: unixSeconds(time),
    event_time: rfc3339(time),
    created: unixSeconds(ctx.created),
    created_time: rfc3339(ctx.created),
    num_attempts: f.num_attempts ?? 0,
    bounce_classification: f.bounce_classification ?? 'Uncategorized',
    egress_pool: null,
    egress_source: null,
    source_address: null,
    feedback_report: f.feedback_report ?? null,
    meta: {},
    headers: {},
    delivery_protocol: f.delivery_protocol ?? null,
    reception_protocol: 'ESMTP',
    nodeid: ctx.nodeid,
    session_id: ctx.session_id,
  };
  if (f.oob_report) record.oob_report = f.oob_report;
  if (f.mdn_report) record.mdn_report = f.mdn_report;
  return record;
}

/** `"5.1.1"` → `{class: 5, subject: 1, detail: 1}`; null unless it is a valid RFC 3463 code. */
export function parseEnhancedCode(text: string): EnhancedCode | null {
  const parts = text.trim().split('.');
  if (parts.length !== 3) return null;
  const [c, s, d] = parts.map((p) =>
    p.length >= 1 && p.length <= 3 && /^\d+$/.test(p) ? Number(p) : NaN,
  );
  if (c === undefined || s === undefined || d === undefined) return null;
  if (![2, 4, 5].includes(c) || Number.isNaN(s) || Number.isNaN(d)) return null;
  return { class: c, subject: s, detail: d };
}
