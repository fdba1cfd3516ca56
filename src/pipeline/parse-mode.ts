// `oobd parse` records: what `serve` would write for a message on a domain with
// log_oob and log_arf on, without the Reception record (but with the Feedback record
// that stands for an ARF report's, and the Reception that carries an MDN's
// `mdn_report`), with a fixed context so the same file always prints the same lines.
// Pure; runs in-process or on the processing pool's threads.
import { hash } from 'node:crypto';
import {
  replyLine,
  UNCATEGORIZED,
  type Classification,
  type Classifier,
  type CompiledClassifier,
} from '../classify/index';
import type { Finding, ParseOptions, ReportKind, ParseProblem } from '../report/types';
import type { Headers } from '../report/header';
import { parseMessage, parseMessageAndHeaders } from '../report/index';
import type { VerpSpec } from '../report/verp';
import { UNKNOWN_ADDR } from '../values';
import {
  buildRecords,
  inferenceReply,
  isBounce,
  isLogged,
  labelFindings,
  replyContext,
} from './records';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export interface ParsedMessage {
  /** Each record as JSON, without a trailing newline. */
  records: string[];
  kind: ReportKind;
  findings: number;
  /** The recipients the report names that are no bounce (no record, DESIGN.md §5). */
  notBounced: { recipient: string; action: string }[];
  problems: ParseProblem[];
}

/**
 * Deterministic id for a message: the same bytes always get the same record ids.
 * The first 128 bits of SHA-256 in hex (32 characters, the id's format): SHA-256
 * runs on the CPU's SHA instructions and is twice as fast as MD5 here. It names
 * messages, it protects nothing.
 */
function messageId(raw: Uint8Array): string {
  return hash('sha256', raw, 'hex').slice(0, 32);
}

const ADDRESS_FIELDS = ['delivered-to', 'x-original-to', 'envelope-to', 'to'];

/** The address a report was sent to, from the headers MTAs add at final delivery. */
export function reportAddress(headers: Headers): string {
  for (const name of ADDRESS_FIELDS) {
    const value = headers.raw(name);
    if (value === null) continue;
    const lt = value.indexOf('<');
    const gt = value.indexOf('>', lt + 1);
    const addr = (
      lt >= 0 && gt > lt ? value.slice(lt + 1, gt) : (value.split(',')[0] ?? '')
    ).trim();
    if (addr.includes('@')) return addr;
  }
  return '';
}

/**
 * The envelope sender a report came with: the `Return-Path` its final delivery wrote
 * (RFC 5321 §4.4: the MAIL FROM), `''` for `<>` or when there is none.
 */
export function reportSender(headers: Headers): string {
  const value = headers.raw('return-path');
  if (value === null) return '';
  const lt = value.indexOf('<');
  const gt = value.indexOf('>', lt + 1);
  const addr = (lt >= 0 && gt > lt ? value.slice(lt + 1, gt) : value).trim();
  return addr.includes('@') ? addr : '';
}

/** What `oobd parse` knows of the envelope and the configuration, beside the message. */
export interface ParseModeSettings {
  /** `--to`: the envelope recipient; null: from the message's delivery headers. */
  to: string | null;
  /** `--from`: the envelope sender; null: the message's Return-Path. */
  from: string | null;
  /** `--verp`: a pattern to decode the envelope recipient with, or null. */
  verp: VerpSpec | null;
  /** What the parsers are told (`[reports]` of --config). */
  parse: ParseOptions;
}

export function parseModeRecords(
  raw: Uint8Array,
  classifier: Classifier,
  settings: ParseModeSettings,
  now: Date,
): ParsedMessage {
  // One MIME walk serves the parsers and the envelope.
  const parsed = parseMessageAndHeaders(raw, settings.parse);
  const result = labelFindings(parsed.result, classifier);
  const address = settings.to ?? (parsed.headers === null ? '' : reportAddress(parsed.headers));
  const sender = settings.from ?? (parsed.headers === null ? '' : reportSender(parsed.headers));
  const at = address.lastIndexOf('@');
  const records = buildRecords(
    result,
    {
      id: messageId(raw),
      created: now,
      nodeid: ZERO_UUID,
      session_id: ZERO_UUID,
      reportAddress: address,
      queue: at >= 0 ? address.slice(at + 1).toLowerCase() : '',
      // No SMTP client: KumoMTA's own "unknown address".
      peerAddr: UNKNOWN_ADDR,
      now,
      mailFrom: sender,
      size: raw.length,
      verp: settings.verp,
    },
    { oob: true, arf: true },
  );
  return {
    records: records.map((r) => JSON.stringify(r)),
    kind: result.kind,
    findings: result.findings.length,
    notBounced: result.findings.flatMap((f) =>
      f.kind === 'oob' && !isBounce(f) ? [{ recipient: f.recipient, action: f.report.action }] : [],
    ),
    problems: result.problems,
  };
}

/** A finding that would become a record, with how the rules labelled it (`oobd rules audit`). */
export interface AuditedFinding {
  finding: Finding;
  /**
   * How many expected entries it stands for in a corpus's expectations (a Feedback
   * report: one per complained-about address; its record is one).
   */
  records: number;
  /** The reply line the classifier saw; null for findings the parser labels itself. */
  line: string | null;
  /** The classification; null for findings the parser labels (AutoReply, Feedback, MDN ...). */
  classification: Classification | null;
}

/**
 * The findings of one message that `oobd parse` would print records for, in order,
 * each classified as the pipeline classifies it (reply line plus context) but keeping
 * which rule or context row decided.
 */
export function auditMessage(raw: Uint8Array, classifier: CompiledClassifier): AuditedFinding[] {
  const out: AuditedFinding[] = [];
  for (const finding of parseMessage(raw).findings) {
    if (!isLogged(finding, { oob: true, arf: true })) continue;
    const records =
      finding.kind === 'feedback' && Array.isArray(finding.recipient)
        ? Math.max(1, finding.recipient.length)
        : 1;
    if (finding.kind !== 'oob' || finding.label !== null) {
      out.push({ finding, records, line: null, classification: null });
      continue;
    }
    // As labelFindings: the parser's conclusion decides when no rule knows the reply,
    // and the audit reports the line that decided (so "uncategorized" means what the
    // record says).
    let line = replyLine(finding.reply);
    let classification = classifier.classifyLine(line, replyContext(finding));
    const inferred = finding.report.inferred;
    if (classification.label === UNCATEGORIZED && inferred !== undefined) {
      line = replyLine(inferenceReply(inferred));
      classification = classifier.classifyLine(line, replyContext(finding));
    }
    out.push({ finding, records, line, classification });
  }
  return out;
}
