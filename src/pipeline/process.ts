// The pipeline core shared by both queue backends (DESIGN.md §1):
// parse → classify → records + disposition. Pure: ids, clocks and policies come in,
// records and relay requests go out; writing and relaying are the caller's edges.
import type { Classifier } from '../classify/index';
import type { Disposition } from '../config/domains';
import { makeRecord, type LogRecord, type RecordType } from '../log/record';
import { parseMessage } from '../report/index';
import type { ParseProblem, ParseResult, ReportKind } from '../report/types';
import type { SniffKind } from '../report/sniff';
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
export function analyze(raw: Uint8Array | string, classifier: Classifier): ParseResult {
  return labelFindings(parseMessage(raw), classifier);
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : '';
}

/**
 * Records and relays for an analysed message. One set of report records per
 * recipient whose policy logs the message's kind (normally there is one: the VERP
 * address); `sender` of those records is that recipient.
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
  const ctx = {
    id: envelope.id,
    created: new Date(envelope.receivedAt),
    nodeid,
    session_id: envelope.sessionId,
  };
  const reportRecords: LogRecord[] = [];
  const relayGroups = new Map<string, string[]>();
  let feedbackLogged = false;
  // When the full parse recognises nothing, the message was still accepted on what the
  // sniff saw, and what happens to it (relay or drop) follows that.
  const kind = result.kind === 'none' ? sniffed : result.kind;
  for (const recipient of recipients) {
    const disposition = dispositionFor(kind, recipient);
    let relay = recipient.relayTo;
    if (disposition !== 'Ignore') {
      const selection: RecordSelection = { oob: kind !== 'arf', arf: kind === 'arf' };
      const records = buildRecords(
        result,
        {
          ...ctx,
          reportAddress: recipient.address,
          queue: recipient.domain,
          peerAddr: envelope.remoteAddress,
          now,
        },
        selection,
      );
      if (records.some((r) => r.type === 'Feedback')) feedbackLogged = true;
      reportRecords.push(...records);
      relay =
        disposition === 'LogThenRelay' || (recipient.relayTo && disposition !== 'LogThenDrop');
    }
    if (relay && recipient.routingDomain) {
      const group = relayGroups.get(recipient.routingDomain) ?? [];
      group.push(recipient.address);
      relayGroups.set(recipient.routingDomain, group);
    }
  }
  const records: LogRecord[] = [];
  // KumoMTA logs an ARF report as a Feedback record instead of a Reception.
  if (!feedbackLogged) {
    records.push(
      makeRecord(ctx, {
        type: 'Reception',
        sender: envelope.mailFrom,
        recipient: envelope.rcptTo.length === 1 ? (envelope.rcptTo[0] ?? '') : [...envelope.rcptTo],
        queue: domainOf(envelope.rcptTo[0] ?? ''),
        size,
        response: { code: 250, enhanced_code: null, content: '', command: null },
        peer_address: { name: envelope.heloName, addr: envelope.remoteAddress },
        time: new Date(envelope.receivedAt),
      }),
    );
  }
  records.push(...reportRecords);
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
): SerializedOutcome {
  const result = analyze(input.raw, classifier);
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
