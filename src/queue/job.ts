// One received message through the whole pipeline: analyse, decide, relay, write.
// The inline backend runs it inside the SMTP transaction; BullMQ workers run it per
// job. Both get the same records for the same message.
import { ErrorCode, OobdError, errorMessage, isOobdError } from '../errors';
import type { Metrics } from '../http/metrics';
import { makeRecord, type LogRecord, type RecordType } from '../log/record';
import type { LogWriter } from '../log/writer';
import type { Logger } from '../logger';
import {
  decideOutcome,
  type Envelope,
  type RecipientPolicy,
  type RelayRequest,
} from '../pipeline/process';
import type { ParseResult } from '../report/types';
import type { SniffKind } from '../smtp/sniff';
import type { RelayResult, Relayer } from '../relay/relay';
import type { Quarantine } from './quarantine';

/** What the edge hands to a queue: everything needed to process the message later. */
export interface Job {
  envelope: Envelope;
  recipients: RecipientPolicy[];
  /** What the header sniff at end of DATA saw. */
  sniffed: SniffKind;
  raw: Uint8Array;
}

export interface JobQueue {
  readonly mode: 'inline' | 'bullmq';
  /**
   * Resolves once the message is durably handed off (inline: processed and its records
   * written; bullmq: stored in Redis). Rejects with an OobdError that the edge turns
   * into a 4xx reply, so the sending MTA keeps the message and retries.
   */
  submit(job: Job): Promise<void>;
  /** Messages being handed off right now. */
  readonly inFlight: number;
  close(): Promise<void>;
}

export interface ProcessorDeps {
  analyze(raw: Uint8Array): Promise<ParseResult>;
  log: LogWriter;
  relayer: Relayer;
  quarantine: Quarantine;
  logger: Logger;
  metrics: Metrics;
}

/**
 * How relays happen: `now` relays inside this call (inline: the 250 waits for the
 * routing host); a function hands each relay to the relay queue after the records
 * are written (bullmq: a relay retry never re-logs the report).
 */
export type RelayMode = 'now' | ((request: RelayRequest, job: Job) => Promise<void>);

const RELAY_RECORD: Record<RelayResult['status'], RecordType> = {
  delivered: 'Delivery',
  transient: 'TransientFailure',
  permanent: 'Bounce',
};

/** The record of one relay attempt. */
export function relayRecord(
  envelope: Envelope,
  request: RelayRequest,
  result: RelayResult,
  nodeid: string,
  attempt: number,
): LogRecord {
  return makeRecord(
    {
      id: envelope.id,
      created: new Date(envelope.receivedAt),
      nodeid,
      session_id: envelope.sessionId,
    },
    {
      type: RELAY_RECORD[result.status],
      sender: request.mailFrom,
      recipient: request.rcptTo.length === 1 ? (request.rcptTo[0] ?? '') : [...request.rcptTo],
      queue: request.routingDomain,
      site: result.site,
      response: result.response,
      peer_address: null,
      num_attempts: attempt,
      delivery_protocol: 'ESMTP',
    },
  );
}

export function relayMessage(job: Job, request: RelayRequest) {
  return {
    id: job.envelope.id,
    mailFrom: request.mailFrom,
    rcptTo: request.rcptTo,
    raw: job.raw,
    receivedFrom: { heloName: job.envelope.heloName, remoteAddress: job.envelope.remoteAddress },
    receivedAt: job.envelope.receivedAt,
  };
}

function countRecords(metrics: Metrics, records: ReadonlyArray<LogRecord>): void {
  for (const record of records) {
    metrics.records.inc({ type: record.type });
    if (record.type === 'OOB') metrics.classifications.inc({ label: record.bounce_classification });
  }
}

/** Writes records and counts them. */
export async function writeRecords(deps: ProcessorDeps, records: ReadonlyArray<LogRecord>): Promise<void> {
  await deps.log.append(records);
  countRecords(deps.metrics, records);
}

export async function processJob(job: Job, deps: ProcessorDeps, relayMode: RelayMode): Promise<void> {
  const { envelope, raw } = job;
  let result: ParseResult;
  try {
    result = await deps.analyze(raw);
  } catch (err) {
    if (!isOobdError(err, ErrorCode.ProcessingFailed)) throw err;
    // The message broke a parser thread. It is accepted, logged and kept for an
    // operator; retrying it would only break another thread.
    await deps.quarantine.put(envelope, raw, errorMessage(err));
    deps.metrics.quarantined.inc({ reason: 'processing-failed' });
    deps.logger.error({ id: envelope.id, err: errorMessage(err) }, 'message quarantined: processing failed');
    result = { kind: 'none', findings: [], problems: [] };
  }
  deps.metrics.reports.inc({ kind: result.kind });
  for (const problem of result.problems) deps.metrics.parseProblems.inc({ code: problem.code });
  if (result.problems.length > 0) {
    deps.logger.warn({ id: envelope.id, problems: result.problems }, 'parse problems');
  }

  const outcome = decideOutcome(envelope, job.recipients, job.sniffed, result, raw.length, deps.log.nodeid, new Date());
  if (outcome.unrecognized) {
    deps.metrics.unrecognized.inc();
    deps.metrics.quarantined.inc({ reason: 'unrecognized' });
    deps.logger.warn({ id: envelope.id, kind: result.kind }, 'accepted as a report but nothing was recognised; kept in quarantine');
    await deps.quarantine.put(envelope, raw, 'unrecognized: accepted as a report, no findings');
  }

  if (relayMode === 'now') {
    const records = [...outcome.records];
    for (const request of outcome.relays) {
      const relayed = await deps.relayer.relay(request.routingDomain, relayMessage(job, request));
      deps.metrics.relays.inc({ result: relayed.status });
      const record = relayRecord(envelope, request, relayed, deps.log.nodeid, 1);
      if (relayed.status === 'transient') {
        // The sending MTA keeps the message and retries; only the failure is logged,
        // so the retry does not log the report twice.
        await writeRecords(deps, [record]);
        throw new OobdError(
          ErrorCode.RelayFailed,
          `relay to ${request.routingDomain} failed: ${relayed.response.code} ${relayed.response.content}`,
        );
      }
      records.push(record);
    }
    await writeRecords(deps, records);
    return;
  }
  await writeRecords(deps, outcome.records);
  for (const request of outcome.relays) await relayMode(request, job);
}
