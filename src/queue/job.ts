// One received message through the whole pipeline: analyse, decide, relay, write.
// The inline backend runs it inside the SMTP transaction; BullMQ workers run it per
// job. Both get the same records for the same message.
import { createHash } from 'node:crypto';
import { ErrorCode, OobdError, errorMessage, isOobdError } from '../errors';
import type { Metrics } from '../http/metrics';
import { makeRecord, type LogRecord, type RecordType } from '../log/record';
import type { LogWriter } from '../log/writer';
import type { Logger } from '../logger';
import {
  decideOutcome,
  serializeOutcome,
  type Envelope,
  type ProcessInput,
  type RecipientPolicy,
  type RelayRequest,
  type SerializedOutcome,
} from '../pipeline/process';
import type { SniffKind } from '../report/sniff';
import type { RelayResult, Relayer } from '../relay/relay';
import type { Quarantine } from './quarantine';

/** What the edge hands to a queue: everything needed to process the message later. */
export interface Job extends ProcessInput {
  envelope: Envelope;
  recipients: RecipientPolicy[];
  /** What the header sniff at end of DATA saw. */
  sniffed: SniffKind;
  raw: Uint8Array;
}

/**
 * The id of a message derived from what the sending MTA sends again when it retries:
 * the envelope (MAIL FROM, every RCPT TO in order) and the message bytes. 32 hex
 * characters (the first 128 bits of SHA-256), the length of KumoMTA's spool ids. A
 * retry of a message whose 250 never arrived gets the same id, so queue mode's workers
 * log it once whichever job carries it (the claims in bullmq.ts).
 */
export function contentId(
  mailFrom: string,
  rcptTo: ReadonlyArray<string>,
  raw: Uint8Array,
): string {
  const hash = createHash('sha256');
  // NUL cannot occur in an SMTP address: the fields cannot run into each other.
  hash.update(`oobd-message-1\0${mailFrom}\0${rcptTo.join('\0')}\0\0`, 'utf8');
  hash.update(raw);
  return hash.digest('hex').slice(0, 32);
}

export interface JobQueue {
  readonly mode: 'inline' | 'bullmq';
  /**
   * True when message ids must come from `contentId` (queue mode: a retried message
   * must have the same id); false lets the edge use its cheaper time-ordered ids.
   */
  readonly contentIds: boolean;
  /**
   * Resolves once the message is durably handed off (inline: processed and its records
   * written; bullmq: stored in Redis). Rejects with an OobdError that the edge turns
   * into a 4xx reply, so the sending MTA keeps the message and retries. `sessions`
   * (the SMTP sessions open now) tells a batching backend how many more messages may
   * come soon.
   */
  submit(job: Job, sessions?: number): Promise<void>;
  /** Messages being handed off right now. */
  readonly inFlight: number;
  close(): Promise<void>;
}

export interface ProcessorDeps {
  /** Parse, classify, decide and serialise (on the pool threads). */
  process(job: Job): Promise<SerializedOutcome>;
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

/**
 * Lets a queue backend keep a message's records from being written twice when its
 * job runs again (see bullmq.ts): `unwritten` gets the outcome's lines and how many
 * records they hold, and returns those not written yet; `written` is told what was
 * appended.
 */
export interface RecordGuard {
  unwritten(id: string, lines: string, count: number): Promise<{ lines: string; count: number }>;
  written(id: string, lines: string): void;
}

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

/** Writes records built on this thread (relay records) and counts them. */
export async function writeRecords(
  deps: ProcessorDeps,
  records: ReadonlyArray<LogRecord>,
): Promise<void> {
  await deps.log.append(records);
  for (const record of records) deps.metrics.records.inc({ type: record.type });
}

export async function processJob(
  job: Job,
  deps: ProcessorDeps,
  relayMode: RelayMode,
  guard?: RecordGuard,
): Promise<void> {
  const { envelope, raw } = job;
  let outcome: SerializedOutcome;
  try {
    outcome = await deps.process(job);
  } catch (err) {
    if (!isOobdError(err, ErrorCode.ProcessingFailed)) throw err;
    // The message broke a parser thread. It is accepted, logged and kept for an
    // operator; retrying it would only break another thread.
    await deps.quarantine.put(envelope, raw, errorMessage(err), {
      cause: 'processing-failed',
      recipients: job.recipients,
      sniffed: job.sniffed,
      logged: true,
    });
    deps.metrics.quarantined.inc({ reason: 'processing-failed' });
    deps.logger.error(
      { id: envelope.id, err: errorMessage(err) },
      'message quarantined: processing failed',
    );
    const nothing = { kind: 'none' as const, findings: [], problems: [] };
    outcome = serializeOutcome(
      decideOutcome(
        envelope,
        job.recipients,
        job.sniffed,
        nothing,
        raw.length,
        deps.log.nodeid,
        new Date(),
      ),
      [],
    );
    outcome.unrecognized = false;
  }
  deps.metrics.reports.inc({ kind: outcome.kind });
  for (const problem of outcome.problems) deps.metrics.parseProblems.inc({ code: problem.code });
  for (const action of outcome.notBounced) deps.metrics.notBounced.inc({ action });
  if (outcome.problems.length > 0) {
    deps.logger.debug({ id: envelope.id, problems: outcome.problems }, 'parse problems');
  }
  if (outcome.unrecognized) {
    deps.metrics.unrecognized.inc();
    deps.metrics.quarantined.inc({ reason: 'unrecognized' });
    deps.logger.warn(
      { id: envelope.id, kind: outcome.kind },
      'accepted as a report but nothing was recognised; kept in quarantine',
    );
    await deps.quarantine.put(envelope, raw, 'unrecognized: accepted as a report, no findings', {
      cause: 'unrecognized',
      recipients: job.recipients,
      sniffed: job.sniffed,
      logged: true,
    });
  }

  if (relayMode === 'now') {
    const relayRecords: LogRecord[] = [];
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
      if (relayed.status === 'permanent') await quarantineRefusedRelay(job, request, relayed, deps);
      relayRecords.push(record);
    }
    await writeOutcome(deps, outcome, relayRecords);
    return;
  }
  await writeOutcome(deps, outcome, [], guard ? { guard, id: envelope.id } : undefined);
  for (const request of outcome.relays) await relayMode(request, job);
}

/**
 * A relay the routing host refused (5xx, or attempts ran out) leaves a message oobd
 * accepted and did not deliver: it is kept in quarantine like every other such
 * message, so it can be relayed again once the routing host takes it.
 */
export async function quarantineRefusedRelay(
  job: Job,
  request: RelayRequest,
  result: RelayResult,
  deps: ProcessorDeps,
): Promise<void> {
  const reply = `${result.response.code} ${result.response.content}`.trim();
  await deps.quarantine.put(
    job.envelope,
    job.raw,
    `relay to ${request.routingDomain} refused: ${reply}`,
    {
      cause: 'relay-refused',
      // A relay job (queue mode) carries the envelope and the relay, not the policies.
      ...(job.recipients.length > 0 ? { recipients: job.recipients, sniffed: job.sniffed } : {}),
      logged: true,
      relay: request,
    },
  );
  deps.metrics.quarantined.inc({ reason: 'relay-refused' });
  deps.logger.warn(
    { id: job.envelope.id, routingDomain: request.routingDomain, reply },
    'relay refused by the routing host; message kept in quarantine',
  );
}

/** Writes an outcome's records (and relay records after them) in one append, and counts them. */
async function writeOutcome(
  deps: ProcessorDeps,
  outcome: SerializedOutcome,
  extra: LogRecord[],
  guarded?: { guard: RecordGuard; id: string },
): Promise<void> {
  let lines = outcome.lines;
  for (const record of extra) lines += `${JSON.stringify(record)}\n`;
  let count = outcome.types.length + extra.length;
  if (guarded) {
    const left = await guarded.guard.unwritten(guarded.id, lines, count);
    if (left.count < count) {
      deps.logger.info(
        { id: guarded.id, records: count, alreadyWritten: count - left.count },
        'message processed again: records already in the log are not written twice',
      );
    }
    lines = left.lines;
    count = left.count;
  }
  await deps.log.appendLines(lines, count);
  guarded?.guard.written(guarded.id, lines);
  for (const type of outcome.types) deps.metrics.records.inc({ type });
  for (const label of outcome.labels) deps.metrics.classifications.inc({ label });
  for (const record of extra) deps.metrics.records.inc({ type: record.type });
}
