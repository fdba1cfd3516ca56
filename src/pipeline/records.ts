// Findings + classification → log records. Pure: the clock and ids come in through
// the context, so `oobd parse`, the server and the snapshot tests share this code.
import type { Classifier, ReplyContext } from '../classify/index';
import { makeRecord, type LogRecord, type RecordContext } from '../log/record';
import type { Finding, OobFinding, ParseResult } from '../report/types';

/** DSN actions that mean "this recipient did not get the message" (RFC 3464 §2.3.3). */
const LOGGED_ACTIONS = new Set(['failed', 'delayed', 'auto-replied']);

export interface ReportContext extends RecordContext {
  /** The envelope recipient the report was sent to (the VERP / return-path address). */
  reportAddress: string;
  /** Its domain, lower case: the record's `queue`. */
  queue: string;
  /** IP address of the SMTP client that delivered the report. */
  peerAddr: string;
  /** Used when a finding has no time of its own. */
  now: Date;
}

export interface RecordSelection {
  /** Write OOB records (DSNs, auto-replies, non-RFC bounces) and MDN records. */
  oob: boolean;
  /** Write Feedback records (ARF). */
  arf: boolean;
}

/** True when this finding produces a record under the given selection. */
export function isLogged(finding: Finding, selection: RecordSelection): boolean {
  switch (finding.kind) {
    case 'oob':
      return selection.oob && LOGGED_ACTIONS.has(finding.report.action);
    case 'mdn':
      return selection.oob;
    case 'feedback':
      return selection.arf;
  }
}

/**
 * What the classifier's context tables may use besides the reply line: the SMTP stage
 * (`response.command`), the DSN action and the diagnostic type and text
 * (src/classify/context.ts, rules/context.toml).
 */
export function replyContext(finding: OobFinding): ReplyContext {
  const diagnostic = finding.report.diagnostic_code;
  return {
    command: finding.reply.command,
    action: finding.report.action,
    diagnosticType: diagnostic?.type ?? null,
    diagnosticText: diagnostic?.text ?? null,
  };
}

/**
 * Sets the label of every OOB finding the parser left unlabelled. Runs where the
 * classifier lives (a pool thread, or in-process for `oobd parse`).
 */
export function labelFindings(result: ParseResult, classifier: Classifier): ParseResult {
  for (const finding of result.findings) {
    if (finding.kind === 'oob' && finding.label === null) {
      finding.label = classifier.classify(finding.reply, replyContext(finding)).label;
    }
  }
  return result;
}

/** The record of one finding; OOB findings must be labelled already (see labelFindings). */
export function findingRecord(finding: Finding, ctx: ReportContext): LogRecord {
  // Every branch passes the same fields in the same order: one object shape for
  // makeRecord, which runs once per recipient of every report.
  const time = finding.time ?? ctx.now;
  switch (finding.kind) {
    case 'oob':
      return makeRecord(ctx, {
        type: 'OOB',
        sender: ctx.reportAddress,
        recipient: finding.recipient,
        queue: ctx.queue,
        response: {
          code: finding.reply.code,
          enhanced_code: finding.reply.enhancedCode,
          content: finding.reply.content,
          command: finding.reply.command,
        },
        peer_address: { name: finding.report.reporting_mta ?? '', addr: ctx.peerAddr },
        time,
        bounce_classification: finding.label ?? 'Uncategorized',
        feedback_report: null,
        oob_report: finding.report,
        mdn_report: undefined,
      });
    case 'feedback':
      return makeRecord(ctx, {
        type: 'Feedback',
        sender: ctx.reportAddress,
        recipient: finding.recipient,
        queue: ctx.queue,
        response: { code: 250, enhanced_code: null, content: '', command: null },
        peer_address: { name: finding.report.reporting_mta?.name ?? '', addr: ctx.peerAddr },
        time,
        bounce_classification: 'Feedback',
        feedback_report: finding.report,
        oob_report: undefined,
        mdn_report: undefined,
      });
    case 'mdn':
      return makeRecord(ctx, {
        type: 'MDN',
        sender: ctx.reportAddress,
        recipient: finding.recipient,
        queue: ctx.queue,
        response: { code: 250, enhanced_code: null, content: '', command: null },
        peer_address: { name: finding.report.reporting_ua ?? '', addr: ctx.peerAddr },
        time,
        bounce_classification: 'MDN',
        feedback_report: null,
        oob_report: undefined,
        mdn_report: finding.report,
      });
  }
}

/** The records of a labelled parse result under a selection, in the order of the findings. */
export function buildRecords(
  result: ParseResult,
  ctx: ReportContext,
  selection: RecordSelection,
): LogRecord[] {
  const records: LogRecord[] = [];
  for (const finding of result.findings) {
    if (isLogged(finding, selection)) records.push(findingRecord(finding, ctx));
  }
  return records;
}

/** Labels the findings, then builds their records (`oobd parse`, tests). */
export function reportRecords(
  result: ParseResult,
  classifier: Classifier,
  ctx: ReportContext,
  selection: RecordSelection,
): LogRecord[] {
  return buildRecords(labelFindings(result, classifier), ctx, selection);
}
