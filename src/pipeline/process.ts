// The pipeline core shared by both queue backends (DESIGN.md §1):
// parse → classify → records + disposition. Pure: ids, clocks and policies come in,
// records and relay requests go out; writing and relaying are the caller's edges.
import type { Classifier } from '../classify/index';
import type { Disposition } from '../config/domains';
import type { LogRecord, RecordType } from '../log/record';
import { parseMessage } from '../report/index';
import type { ParseOptions, ParseProblem, ParseResult, ReportKind } from '../report/types';
import type { SniffKind } from '../report/sniff';
import type { VerpSpec } from '../report/verp';
import { buildRecords, labelFindings, notBounced, type RecordSelection } from './records';

/** What the edge knows about a received message; it travels with the job. */
export interface Envelope {
  /** 32 hex characters; the id of every record of this message. */
  id: string;
  /** MAIL FROM, `''` for the null reverse-path. */
  mailFrom: string;
  rcptTo: string[];
  /** The listener ("ip:port") the message arrived on. */
  listener: string;
  remoteAddress: string;
  /** EHLO/HELO name. */
  heloName: string;
  sessionId: string;
  /** Unix milliseconds. */
  receivedAt: number;
}

/**
 * A recipient's policy as it stood when the message was accepted, so a reload
 * between acceptance and processing cannot change what happens to it.
 */
export interface RecipientPolicy {
  address: string;
  /** Lower case. */
  domain: string;
  logOob: Disposition;
  logArf: Disposition;
  relayTo: boolean;
  /** routing_domain as written in the config, or null. */
  routingDomain: string | null;
  /**
   * The domain's `verp` pattern as written, or null. Optional: jobs queued by an
   * earlier version have none.
   */
  verp?: VerpSpec | null;
}

export interface RelayRequest {
  routingDomain: string;
  mailFrom: string;
  rcptTo: string[];
}

export interface Outcome {
  /** Reception (or Feedback instead, for ARF) and the report records, in order. */
  records: LogRecord[];
  relays: RelayRequest[];
  /**
   * The message was accepted as a report, bounce or auto-reply but yielded nothing
   * any recipient logs: it is logged, counted and kept for inspection, never
   * silently dropped.
   */
  unrecognized: boolean;
  kind: ReportKind;
  /** The Action of each recipient the report named that is no bounce (no record). */
  notBounced: string[];
}

/** What a recipient's policy says about a message of this report kind. */
export function dispositionFor(kind: ReportKind | SniffKind, policy: RecipientPolicy): Disposition {
  switch (kind) {
    case 'arf':
      return policy.logArf;
    case 'none':
      return 'Ignore';
    default:
      return policy.logOob;
  }
}

/**
 * The end-of-DATA decision on the sniffed kind: true when this recipient takes the
 * message (it logs that kind, or relays everything). False for every recipient is
 * `550 5.7.1 relaying not permitted`.
 */
export function acceptsAtData(sniffed: SniffKind, policy: RecipientPolicy): boolean {
  return dispositionFor(sniffed, policy) !== 'Ignore' || policy.relayTo;
}

/** Parse + classify: the CPU part, run on pool threads (or in-process for `oobd parse`). */
export function analyze(
  raw: Uint8Array | string,
  classifier: Classifier,
  options: ParseOptions = {},
): ParseResult {
  return labelFindings(parseMessage(raw, options), classifier);
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : '';
}

/**
 * Records and relays for an analysed message. One set of records per message, as
 * KumoMTA: its Reception (for an ARF report, its Feedback record instead), then the
 * report records when a recipient's policy logs the report's kind. Their `sender` is
 * the first such recipient (normally the only one: the VERP address), whose `verp`
 * pattern decodes it. Relays follow each recipient's own policy.
 */
export function decideOutcome(
  envelope: Envelope,
  recipients: ReadonlyArray<RecipientPolicy>,
  sniffed: SniffKind,
  result: ParseResult,
  size: number,
  nodeid: string,
  now: Date,
): Outcome {
  const relayGroups = new Map<string, string[]>();
  // When the full parse recognises nothing, the message was still accepted on what the
  // sniff saw, and what happens to it (relay or drop) follows that.
  const kind = result.kind === 'none' ? sniffed : result.kind;
  let logging: RecipientPolicy | null = null;
  for (const recipient of recipients) {
    const disposition = dispositionFor(kind, recipient);
    let relay = recipient.relayTo;
    if (disposition !== 'Ignore') {
      logging ??= recipient;
      relay =
        disposition === 'LogThenRelay' || (recipient.relayTo && disposition !== 'LogThenDrop');
    }
    if (relay && recipient.routingDomain) {
      const group = relayGroups.get(recipient.routingDomain) ?? [];
      group.push(recipient.address);
      relayGroups.set(recipient.routingDomain, group);
    }
  }
  const selection: RecordSelection =
    logging === null ? { oob: false, arf: false } : { oob: kind !== 'arf', arf: kind === 'arf' };
  const records = buildRecords(
    result,
    {
      id: envelope.id,
      created: new Date(envelope.receivedAt),
      nodeid,
      session_id: envelope.sessionId,
      reportAddress: logging?.address ?? envelope.rcptTo[0] ?? '',
      queue: logging?.domain ?? domainOf(envelope.rcptTo[0] ?? ''),
      peerAddr: envelope.remoteAddress,
      now,
      mailFrom: envelope.mailFrom,
      rcptTo: envelope.rcptTo,
      size,
      peerName: envelope.heloName ?? '',
      verp: logging?.verp ?? null,
    },
    selection,
    { reception: true },
  );
  const relays = [...relayGroups].map(([routingDomain, rcptTo]) => ({
    routingDomain,
    mailFrom: envelope.mailFrom,
    rcptTo,
  }));
  const reportExpected = recipients.some((r) => r.logOob !== 'Ignore' || r.logArf !== 'Ignore');
  return {
    records,
    relays,
    unrecognized: reportExpected && result.findings.length === 0 && relays.length === 0,
    kind: result.kind,
    notBounced: notBounced(result),
  };
}

/** A message to process: what the edge handed to the queue. */
export interface ProcessInput {
  envelope: Envelope;
  recipients: RecipientPolicy[];
  sniffed: SniffKind;
  raw: Uint8Array;
}

/**
 * An outcome with its records already serialised, so the thread that made it pays for
 * JSON and the SMTP event loop only appends the text to the log.
 */
export interface SerializedOutcome {
  kind: ReportKind;
  /** The records as JSON lines, each ending in a newline. */
  lines: string;
  /** Each record's type, in order (for metrics). */
  types: RecordType[];
  /** Each OOB record's bounce classification (for metrics). */
  labels: string[];
  relays: RelayRequest[];
  unrecognized: boolean;
  /** The Action of each recipient that is no bounce (for metrics). */
  notBounced: string[];
  problems: ParseProblem[];
}

export function serializeOutcome(outcome: Outcome, problems: ParseProblem[]): SerializedOutcome {
  let lines = '';
  const types: RecordType[] = [];
  const labels: string[] = [];
  for (const record of outcome.records) {
    lines += `${JSON.stringify(record)}\n`;
    types.push(record.type);
    if (record.type === 'OOB') labels.push(record.bounce_classification);
  }
  return {
    kind: outcome.kind,
    lines,
    types,
    labels,
    relays: outcome.relays,
    unrecognized: outcome.unrecognized,
    notBounced: outcome.notBounced,
    problems,
  };
}

/**
 * DESIGN.md §1 `process(raw, envelope, policy) -> { records, disposition }`: parse,
 * classify, decide and serialise, with no I/O. Runs on the pool threads.
 */
export function processMessage(
  input: Omit<ProcessInput, 'raw'> & { raw: Uint8Array | string },
  classifier: Classifier,
  nodeid: string,
  now: Date,
  options: ParseOptions = {},
): SerializedOutcome {
  const result = analyze(input.raw, classifier, options);
  const outcome = decideOutcome(
    input.envelope,
    input.recipients,
    input.sniffed,
    result,
    input.raw.length,
    nodeid,
    now,
  );
  return serializeOutcome(outcome, result.problems);
}
