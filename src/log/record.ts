// The log record: the product contract. Same keys, same order, same types and same
// meaning as KumoMTA's JSON log records (kumo-log-types `JsonLogRecord`; field by
// field: docs/records.md), so anything that consumes KumoMTA logs consumes ours;
// `oob_report`, `feedback_detail` and `mdn_report` are our additions and come last.
// Key order is fixed by `makeRecord`, the only place records are built.

/**
 * The record types oobd writes: each is one of KumoMTA's `RecordType` values (its
 * deserialiser refuses any other). An MDN is not a type of its own: it is the
 * `Reception` of the message, carrying `mdn_report` (docs/records.md).
 */
export type RecordType =
  'Reception' | 'OOB' | 'Feedback' | 'Rejection' | 'Delivery' | 'TransientFailure' | 'Bounce';

import type {
  FeedbackDetail,
  FeedbackReport,
  MdnReport,
  OobReport,
  PeerAddress,
  Response,
} from '../values';
import { rfc3339, unixSeconds } from '../values';

export type {
  EnhancedCode,
  FeedbackDetail,
  FeedbackReport,
  MdnReport,
  OobReport,
  PeerAddress,
  Response,
  SupplementalTrace,
} from '../values';
export { rfc3339, unixSeconds, UNKNOWN_ADDR } from '../values';

export interface LogRecord {
  type: RecordType;
  /** Id of the received message, 32 hex characters; the same for all its records. */
  id: string;
  /** Reception/Feedback/Rejection: MAIL FROM (`""` for `<>`). OOB: the envelope recipient the report was sent to. */
  sender: string;
  /**
   * Reception/Feedback: RCPT TO (an array when several, as KumoMTA's multi-recipient
   * records). OOB: Original-Recipient, else Final-Recipient.
   */
  recipient: string | string[];
  /** The recipient domain of the received message. */
  queue: string;
  /** `""` except Delivery/TransientFailure/Bounce (the routing host). */
  site: string;
  /** Reception/Feedback: bytes received; otherwise 0. */
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
  feedback_detail?: FeedbackDetail;
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
  feedback_detail?: FeedbackDetail | undefined;
  mdn_report?: MdnReport | undefined;
}

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
  if (f.feedback_detail) record.feedback_detail = f.feedback_detail;
  if (f.mdn_report) record.mdn_report = f.mdn_report;
  return record;
}
