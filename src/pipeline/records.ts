// Findings + classification → log records. Pure: the clock and ids come in through
// the context, so `oobd parse`, the server and the snapshot tests share this code.
import { UNCATEGORIZED, type Classifier, type ReplyContext } from '../classify/index';
import { makeRecord, type LogRecord, type RecordContext } from '../log/record';
import type {
  FeedbackFinding,
  Finding,
  MdnFinding,
  OobFinding,
  ParseResult,
  Reply,
} from '../report/types';
import { cachedVerp, decodeVerp, type VerpSpec } from '../report/verp';
import {
  parseEnhancedCode,
  UNKNOWN_ADDR,
  type FeedbackDetail,
  type OobInference,
  type OobReport,
} from '../values';

/**
 * Actions that make an OOB record: `failed` (RFC 3464 §2.3.3: the recipient did not
 * get the message; KumoMTA logs OOB records for failed recipients only), and
 * `auto-replied` (RFC 3834 auto-replies and challenge-response probes, DESIGN.md §7).
 * `delayed`, `relayed`, `delivered` and `expanded` recipients are no bounce: no
 * record, counted by `notBounced` (DESIGN.md §5).
 */
const LOGGED_ACTIONS = new Set(['failed', 'auto-replied']);

/** True when an OOB finding is a bounce (or an auto-reply) that makes a record. */
export function isBounce(finding: Finding): boolean {
  return finding.kind !== 'oob' || LOGGED_ACTIONS.has(finding.report.action);
}

/**
 * The action of every recipient a report named that is no bounce (delayed, relayed,
 * delivered, expanded, or an unknown action), in order: what `oobd_recipients_not_bounced_total`
 * counts instead of writing a record.
 */
export function notBounced(result: ParseResult): string[] {
  const out: string[] = [];
  for (const f of result.findings) if (!isBounce(f) && f.kind === 'oob') out.push(f.report.action);
  return out;
}

export interface ReportContext extends RecordContext {
  /**
   * The envelope recipient the report was sent to (the VERP / return-path address):
   * OOB records' `sender`. For a message sent to several, the first whose policy logs
   * the report (KumoMTA logs one set of records per message).
   */
  reportAddress: string;
  /** Its domain, lower case: OOB records' `queue`. */
  queue: string;
  /** IP address of the SMTP client that delivered the report; `''` when unknown (`0.0.0.0` is written). */
  peerAddr: string;
  /** Used when a finding has no time of its own, and as a Feedback record's time (when it is logged). */
  now: Date;
  /** MAIL FROM of the received message (Reception, Feedback `sender`). @defaultValue `''` */
  mailFrom?: string;
  /** RCPT TO of the received message (Reception, Feedback `recipient`). @defaultValue `[reportAddress]` */
  rcptTo?: readonly string[];
  /** Bytes received (Reception, Feedback `size`). @defaultValue 0 */
  size?: number;
  /** The client's EHLO name (Reception, Feedback `peer_address.name`). @defaultValue `''` */
  peerName?: string;
  /** The `verp` pattern of `reportAddress`'s domain, decoded into `oob_report.verp`. */
  verp?: VerpSpec | null;
}

export interface RecordSelection {
  /** Write OOB records (DSNs, auto-replies, non-RFC bounces) and an MDN's `mdn_report`. */
  oob: boolean;
  /** Write Feedback records (ARF). */
  arf: boolean;
}

/** True when this finding produces a record under the given selection. */
export function isLogged(finding: Finding, selection: RecordSelection): boolean {
  switch (finding.kind) {
    case 'oob':
      return selection.oob && isBounce(finding);
    case 'mdn':
      return selection.oob;
    case 'feedback':
      return selection.arf;
  }
}

/**
 * What the classifier's context tables may use besides the reply line: the SMTP stage
 * (`response.command`), the DSN action and Status, and the diagnostic type and text
 * (src/classify/context.ts, rules/context.toml).
 */
export function replyContext(finding: OobFinding): ReplyContext {
  const diagnostic = finding.report.diagnostic_code;
  return {
    command: finding.reply.command,
    action: finding.report.action,
    diagnosticType: diagnostic?.type ?? null,
    diagnosticText: diagnostic?.text ?? null,
    status: finding.report.status,
  };
}

/**
 * What the classifier reads for a parser's conclusion (never written to a record):
 * the status with the reply code of its class (DESIGN.md §5: 550 for 5, 451 for 4)
 * and the conclusion's text. `oobd rules audit` reads it too, so that it counts a reply
 * as uncategorized only when the record is.
 */
export function inferenceReply(inferred: OobInference): Reply {
  const enhancedCode = inferred.status === null ? null : parseEnhancedCode(inferred.status);
  return {
    code: enhancedCode?.class === 4 ? 451 : 550,
    enhancedCode,
    content: inferred.reason,
    command: null,
  };
}

/**
 * Sets the label of every OOB finding the parser left unlabelled: by its reply and
 * context, else (when nothing matches the reply) by the parser's conclusion in
 * `oob_report.inferred`. Runs where the
 * classifier lives (a pool thread, or in-process for `oobd parse`).
 */
export function labelFindings(result: ParseResult, classifier: Classifier): ParseResult {
  for (const finding of result.findings) {
    // A recipient that is no bounce makes no record: nothing to label.
    if (finding.kind === 'oob' && finding.label === null && isBounce(finding)) {
      const context = replyContext(finding);
      let label = classifier.classify(finding.reply, context).label;
      const inferred = finding.report.inferred;
      if (label === UNCATEGORIZED && inferred !== undefined)
        label = classifier.classify(inferenceReply(inferred), context).label;
      finding.label = label;
    }
  }
  return result;
}

/** `0.0.0.0` for an unknown client address: KumoMTA's `addr` is an IP address, never empty. */
function peerAddr(ctx: ReportContext): string {
  return ctx.peerAddr === '' ? UNKNOWN_ADDR : ctx.peerAddr;
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : '';
}

/** The received message's own fields, as its Reception (and a Feedback record) carry them. */
function envelopeFields(ctx: ReportContext) {
  const rcptTo = ctx.rcptTo ?? (ctx.reportAddress === '' ? [] : [ctx.reportAddress]);
  return {
    sender: ctx.mailFrom ?? '',
    recipient: rcptTo.length === 1 ? (rcptTo[0] as string) : [...rcptTo],
    queue: domainOf(rcptTo[0] ?? ''),
    size: ctx.size ?? 0,
    peer_address: { name: ctx.peerName ?? '', addr: peerAddr(ctx) },
  };
}

/**
 * The message's Reception record (KumoMTA's: MAIL FROM, RCPT TO, bytes, the client's
 * EHLO name and address, a 250, at reception time). An MDN's detail rides on it as
 * `mdn_report`: KumoMTA has no record type for an MDN and logs its Reception only.
 */
export function receptionRecord(ctx: ReportContext, mdn?: MdnFinding): LogRecord {
  return makeRecord(ctx, {
    type: 'Reception',
    ...envelopeFields(ctx),
    response: { code: 250, enhanced_code: null, content: '', command: null },
    time: ctx.created,
    mdn_report: mdn?.report,
  });
}

/**
 * A Feedback record: KumoMTA logs an ARF report as the message's Reception with the
 * type changed and the report in `feedback_report`, so `sender`/`recipient` are the
 * report's own envelope, `size` its bytes, `peer_address` the client, `timestamp`
 * when it is logged, and `bounce_classification` `Uncategorized` (its 250 matches no
 * rule). Who complained about what is `feedback_report.original_rcpto_to`, and
 * oobd's reading of it `feedback_detail`.
 */
function feedbackRecord(finding: FeedbackFinding, ctx: ReportContext): LogRecord {
  const recipients =
    finding.recipient === ''
      ? []
      : Array.isArray(finding.recipient)
        ? [...finding.recipient]
        : [finding.recipient];
  const detail: FeedbackDetail = {
    source: finding.source,
    recipients,
    recipient_from: recipients.length === 0 ? null : finding.recipientFrom,
    original_message_id: finding.originalMessageId,
  };
  if (finding.removalRecipients !== undefined && finding.removalRecipients.length > 0)
    detail.removal_recipients = [...finding.removalRecipients];
  return makeRecord(ctx, {
    type: 'Feedback',
    ...envelopeFields(ctx),
    response: { code: 250, enhanced_code: null, content: '', command: null },
    time: ctx.now,
    bounce_classification: UNCATEGORIZED,
    feedback_report: finding.report,
    feedback_detail: detail,
  });
}

/**
 * `oob_report` with its keys in the documented order, plus what the pipeline adds:
 * the VERP decoding and where an empty recipient was taken from.
 */
function oobReport(
  r: OobReport,
  verp: Record<string, string> | null,
  recipientFrom: OobReport['recipient_from'],
): OobReport {
  const out: OobReport = {
    source: r.source,
    action: r.action,
    status: r.status,
    final_recipient: r.final_recipient,
    original_recipient: r.original_recipient,
    remote_mta: r.remote_mta,
    reporting_mta: r.reporting_mta,
    diagnostic_code: r.diagnostic_code,
    last_attempt_date: r.last_attempt_date,
    arrival_date: r.arrival_date,
    original_message_id: r.original_message_id,
    supplemental_trace: r.supplemental_trace,
  };
  if (r.inferred !== undefined) out.inferred = r.inferred;
  if (verp !== null) out.verp = verp;
  if (recipientFrom !== undefined) out.recipient_from = recipientFrom;
  return out;
}

/** The OOB record of a finding; it must be labelled already (see labelFindings). */
export function oobRecord(
  finding: OobFinding,
  ctx: ReportContext,
  verp: Record<string, string> | null = null,
): LogRecord {
  let recipient = finding.recipient;
  let from: OobReport['recipient_from'];
  if (recipient === '') {
    // The report named no recipient: what the return path or KumoMTA's trace header
    // says it went to, and the record says which (oob_report.recipient_from).
    const traced = finding.report.supplemental_trace?.['recipient'];
    if (verp?.['recipient'] !== undefined) {
      recipient = verp['recipient'];
      from = 'verp';
    } else if (typeof traced === 'string' && traced !== '') {
      recipient = traced;
      from = 'supplemental_trace';
    } else if (finding.returnedRecipient !== undefined && finding.returnedRecipient !== '') {
      // The returned message went to this one address only (report/fallback.ts).
      recipient = finding.returnedRecipient;
      from = 'returned-message';
    }
  }
  return makeRecord(ctx, {
    type: 'OOB',
    sender: ctx.reportAddress,
    recipient,
    queue: ctx.queue,
    response: {
      code: finding.reply.code,
      enhanced_code: finding.reply.enhancedCode,
      content: finding.reply.content,
      command: finding.reply.command,
    },
    peer_address: { name: finding.report.reporting_mta ?? '', addr: peerAddr(ctx) },
    time: finding.time ?? ctx.now,
    bounce_classification: finding.label ?? UNCATEGORIZED,
    feedback_report: null,
    oob_report: oobReport(finding.report, verp, from),
  });
}

/** `reportAddress` decoded by the context's `verp` pattern, or null. */
export function verpOf(ctx: ReportContext): Record<string, string> | null {
  if (ctx.verp === undefined || ctx.verp === null) return null;
  const pattern = cachedVerp(ctx.verp);
  return pattern === null ? null : decodeVerp(pattern, ctx.reportAddress);
}

export interface BuildOptions {
  /**
   * Write the message's Reception when nothing replaces it (serve); without it only a
   * Reception that carries an MDN's `mdn_report` is written (`oobd parse`).
   */
  reception: boolean;
}

/**
 * The records of a labelled parse result under a selection: the message's Reception
 * (or, for an ARF report, its Feedback record instead, as KumoMTA), then one OOB record
 * per logged finding in the order of the report. One set per message, whatever the
 * number of RCPT TO.
 */
export function buildRecords(
  result: ParseResult,
  ctx: ReportContext,
  selection: RecordSelection,
  options: BuildOptions = { reception: false },
): LogRecord[] {
  const records: LogRecord[] = [];
  let mdn: MdnFinding | undefined;
  for (const finding of result.findings) {
    if (finding.kind === 'feedback' && selection.arf) records.push(feedbackRecord(finding, ctx));
    else if (finding.kind === 'mdn' && selection.oob) mdn ??= finding;
  }
  if (records.length === 0 && (options.reception || mdn !== undefined))
    records.push(receptionRecord(ctx, mdn));
  let verp: Record<string, string> | null | undefined;
  for (const finding of result.findings) {
    if (finding.kind !== 'oob' || !selection.oob || !isBounce(finding)) continue;
    verp ??= verpOf(ctx);
    records.push(oobRecord(finding, ctx, verp));
  }
  return records;
}

/** Labels the findings, then builds their records (`oobd parse`, tests, benchmarks). */
export function reportRecords(
  result: ParseResult,
  classifier: Classifier,
  ctx: ReportContext,
  selection: RecordSelection,
  options: BuildOptions = { reception: false },
): LogRecord[] {
  return buildRecords(labelFindings(result, classifier), ctx, selection, options);
}
