// Findings + classification → log records. Pure: the clock and ids come in through
// the context, so `oobd parse`, the server and the snapshot tests share this code.
import { UNCATEGORIZED, type Classifier, type ReplyContext } from '../classify/index';
import { makeRecord, type LogRecord, type RecordContext } from '../log/record';
import type { Finding, OobFinding, ParseResult, Reply } from '../report/types';
import { parseEnhancedCode, type OobInference } from '../values';

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
      return selection.oob && isBounce(finding);
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
 * What the classifier reads for a parser's conclusion (never written to a record):
 * the status with the reply code of its class (DESIGN.md §5: 550 for 5, 451 for 4)
 * and the conclusion's text.
 */
function inferenceReply(inferred: OobInference): Reply {
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
