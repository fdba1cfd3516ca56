// What the pure parsers hand to the pipeline. A parser never throws on bad input:
// what it cannot use becomes a ParseProblem (logged and counted by the caller), and
// one bad recipient block never loses the others.
import type { EnhancedCode, FeedbackReport, MdnReport, OobReport } from '../values';

/** An SMTP reply as taken from a Diagnostic-Code or bounce text. */
export interface Reply {
  /** Reply code; 550 (class 5) or 451 (class 4) when the text holds none. */
  code: number;
  enhancedCode: EnhancedCode | null;
  /** Reply text without the reply code and without a repeated enhanced code; no line breaks. */
  content: string;
  /**
   * The SMTP command the reply answered, in KumoMTA's `response.command` vocabulary
   * (`MAIL FROM`, `RCPT TO`, `DATA`, `.` for end of data, `CONNECT` for the greeting or
   * connection stage, `EHLO`/`HELO`), when the bounce says; null when it does not.
   */
  command: string | null;
}

/** One failed (or delayed, or auto-replied) recipient: becomes one OOB record. */
export interface OobFinding {
  kind: 'oob';
  /** Original-Recipient, else Final-Recipient, as `local@domain`; `''` when unknown. */
  recipient: string;
  reply: Reply;
  report: OobReport;
  /** When the failure happened (Last-Attempt-Date); null means "now". */
  time: Date | null;
  /** A label the parser knows better than the rules (`AutoReply`); null lets the classifier decide. */
  label: string | null;
  /**
   * For a finding without a recipient: the one address the returned message went to
   * (its To and Cc name exactly one, and it was no list post). The pipeline's last
   * resort after VERP and the trace header (`oob_report.recipient_from`
   * `returned-message`).
   */
  returnedRecipient?: string;
}

/**
 * An RFC 5965 feedback report (or a complaint format that means the same): becomes one
 * Feedback record, whose `sender`/`recipient` are the report's own envelope (KumoMTA).
 */
export interface FeedbackFinding {
  kind: 'feedback';
  /**
   * The complained-about addresses (several → array): Original-Rcpt-To, else the trace
   * header's recipient, else the returned message's To/Cc; `''` when the report names
   * none. They go to `feedback_detail.recipients`.
   */
  recipient: string | string[];
  /** Where `recipient` comes from (`FeedbackDetail.recipient_from`); null when empty. */
  recipientFrom: string | null;
  /**
   * The addresses the report asks to take off the list (ARF's Removal-Recipient), when it
   * names any (`FeedbackDetail.removal_recipients`).
   */
  removalRecipients?: string[];
  /** `rfc5965`, `jmrp`, `amazonses`, `apple-unsubscribe` (`FeedbackDetail.source`). */
  source: string;
  report: FeedbackReport;
  /** Message-ID of the returned message, without angle brackets. */
  originalMessageId: string | null;
  /** Arrival-Date of the reported message; null when the report gives none. */
  time: Date | null;
}

/** An RFC 8098 disposition notification: its detail goes on the message's Reception. */
export interface MdnFinding {
  kind: 'mdn';
  /** Original-Recipient, else Final-Recipient. */
  recipient: string;
  report: MdnReport;
  time: Date | null;
}

export type Finding = OobFinding | FeedbackFinding | MdnFinding;

/** Which parser produced the findings. */
export type ReportKind = 'dsn' | 'arf' | 'mdn' | 'autoreply' | 'challenge' | 'heuristic' | 'none';

/** What the parsers may be told (server config `[reports]`); every key is optional. */
export interface ParseOptions {
  /**
   * Header names, besides every `X-` header, that may carry KumoMTA's trace header
   * (report/trace.ts), for a KumoMTA `trace_headers.header_name` without the `X-`.
   */
  traceHeaders?: readonly string[];
}

export interface ParseProblem {
  /** Stable identifier, e.g. `dsn.recipient-block-invalid`, `mime.bad-base64`. */
  code: string;
  detail: string;
}

export interface ParseResult {
  kind: ReportKind;
  findings: Finding[];
  problems: ParseProblem[];
}
