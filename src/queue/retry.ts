// Putting a quarantined message back through the pipeline once its cause is fixed
// (`oobd quarantine retry`): parse → classify → records written to the log folder as
// usual, with the message's original envelope (id, reception time, session), then the
// relays its policies ask for. A message whose relay was refused is relayed again.
// An entry leaves the quarantine only after its records are written; one that still
// fails stays, with the retry's result noted in it.
import { acceptsMail, type DomainMap } from '../config/domains';
import { errorMessage } from '../errors';
import type { RecordType } from '../log/record';
import type { LogWriter } from '../log/writer';
import type { ProcessPool } from '../pipeline/pool';
import type { RecipientPolicy, RelayRequest } from '../pipeline/process';
import { sniffMessage } from '../report/sniff';
import type { Relayer } from '../relay/relay';
import { relayMessage, relayRecord, type Job } from './job';
import type { ListedEntry, Quarantine, QuarantineEntry } from './quarantine';

export interface RetryDeps {
  quarantine: Quarantine;
  log: LogWriter;
  relayer: Relayer;
  /** Parse + classify threads (isolated, with a deadline: the message may have broken one). */
  pool: () => ProcessPool;
  /** The current domain map, for entries that predate stored policies. */
  domains: () => DomainMap;
}

export interface RetryResult {
  key: string;
  id: string;
  /** `cleared`: records written, the entry removed. `kept`: still in quarantine. */
  outcome: 'cleared' | 'kept';
  /** Types of the records written (or that would be, with dryRun). */
  written: RecordType[];
  /** What happened, for a person. */
  detail: string;
  /** dryRun: the record lines a retry would write. */
  lines?: string;
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : '';
}

/** The recipients' policies under the current domain map (for entries without stored ones). */
function currentPolicies(entry: QuarantineEntry, domains: DomainMap): RecipientPolicy[] {
  const policies: RecipientPolicy[] = [];
  for (const address of entry.envelope.rcptTo) {
    const domain = domainOf(address);
    const policy = domain ? domains.lookup(domain, entry.envelope.listener) : null;
    if (!policy || !acceptsMail(policy)) continue;
    policies.push({
      address,
      domain,
      logOob: policy.logOob,
      logArf: policy.logArf,
      relayTo: policy.relayTo,
      routingDomain: policy.routingDomain?.text ?? null,
      verp: policy.verp,
    });
  }
  return policies;
}

function typeOf(line: string): RecordType {
  return (JSON.parse(line) as { type: RecordType }).type;
}

/** Notes a retry that did not clear the entry, in the entry. */
async function keep(
  deps: RetryDeps,
  entry: ListedEntry,
  detail: string,
  dryRun: boolean,
  changes: Partial<QuarantineEntry> = {},
): Promise<RetryResult> {
  if (!dryRun) {
    const { key, size: _size, ...stored } = entry;
    await deps.quarantine.update(key, {
      ...stored,
      key,
      ...changes,
      retries: (entry.retries ?? 0) + 1,
      lastRetry: { at: new Date().toISOString(), result: detail },
    });
  }
  return { key: entry.key, id: entry.id, outcome: 'kept', written: [], detail };
}

/** Relays one request; returns the record's type and, when refused, why. */
async function relayOnce(
  deps: RetryDeps,
  job: Job,
  request: RelayRequest,
  attempt: number,
): Promise<{ line: string; type: RecordType; refused: string | null }> {
  const result = await deps.relayer.relay(request.routingDomain, relayMessage(job, request));
  const record = relayRecord(job.envelope, request, result, deps.log.nodeid, attempt);
  const refused =
    result.status === 'delivered'
      ? null
      : `relay to ${request.routingDomain} refused: ${result.response.code} ${result.response.content}`;
  return { line: `${JSON.stringify(record)}\n`, type: record.type, refused };
}

/**
 * Retries one quarantined message. With `dryRun`, nothing is relayed, written or
 * removed: the result holds the record lines a retry would write.
 */
export async function retryQuarantined(
  entry: ListedEntry,
  raw: Buffer,
  deps: RetryDeps,
  dryRun = false,
): Promise<RetryResult> {
  const attempt = (entry.retries ?? 0) + 2;
  const job: Job = {
    envelope: entry.envelope,
    recipients: entry.recipients ?? [],
    sniffed: entry.sniffed ?? 'none',
    raw,
  };

  if (entry.cause === 'relay-refused' && entry.relay) {
    // The report was logged when it arrived; only the relay is left to do.
    if (dryRun) {
      return {
        key: entry.key,
        id: entry.id,
        outcome: 'kept',
        written: [],
        detail: `would relay to ${entry.relay.routingDomain}`,
        lines: '',
      };
    }
    const relayed = await relayOnce(deps, job, entry.relay, attempt);
    await deps.log.appendLines(relayed.line, 1);
    if (relayed.refused !== null) return keep(deps, entry, relayed.refused, dryRun);
    await deps.quarantine.remove(entry.key);
    return {
      key: entry.key,
      id: entry.id,
      outcome: 'cleared',
      written: [relayed.type],
      detail: `relayed to ${entry.relay.routingDomain}`,
    };
  }

  if (job.recipients.length === 0) job.recipients = currentPolicies(entry, deps.domains());
  if (job.recipients.length === 0) {
    return keep(
      deps,
      entry,
      `no domain entry takes its recipients (${entry.envelope.rcptTo.join(', ')}) now`,
      dryRun,
    );
  }
  if (entry.sniffed === undefined) job.sniffed = sniffMessage(raw, entry.envelope.mailFrom).kind;

  let outcome;
  try {
    outcome = await deps.pool().process(job);
  } catch (err) {
    return keep(deps, entry, `processing failed again: ${errorMessage(err)}`, dryRun);
  }
  // Entries whose Reception was written when the message arrived get only the rest.
  const logged = entry.logged ?? entry.cause !== 'attempts-exhausted';
  const lines = outcome.lines
    .split('\n')
    .filter((line) => line !== '' && !(logged && typeOf(line) === 'Reception'));
  if (outcome.unrecognized) {
    // Still nothing recognised: the message stays, but is logged once.
    if (!logged && lines.length > 0 && !dryRun) {
      await deps.log.appendLines(`${lines.join('\n')}\n`, lines.length);
    }
    return keep(deps, entry, 'still nothing recognised', dryRun, { logged: true });
  }
  const written = lines.map(typeOf);
  if (dryRun) {
    return {
      key: entry.key,
      id: entry.id,
      outcome: 'kept',
      written,
      detail: `would write ${written.join(', ') || 'nothing'}`,
      lines: lines.map((line) => `${line}\n`).join(''),
    };
  }
  // A message whose records were never written never had its relays either.
  const refusals: Array<{ request: RelayRequest; reason: string }> = [];
  let text = lines.map((line) => `${line}\n`).join('');
  if (!logged) {
    for (const request of outcome.relays) {
      const relayed = await relayOnce(deps, job, request, 1);
      text += relayed.line;
      written.push(relayed.type);
      if (relayed.refused !== null) refusals.push({ request, reason: relayed.refused });
    }
  }
  if (written.length > 0) await deps.log.appendLines(text, written.length);
  for (const { request, reason } of refusals) {
    await deps.quarantine.put(job.envelope, raw, reason, {
      cause: 'relay-refused',
      recipients: job.recipients,
      sniffed: job.sniffed,
      logged: true,
      relay: request,
    });
  }
  await deps.quarantine.remove(entry.key);
  return {
    key: entry.key,
    id: entry.id,
    outcome: 'cleared',
    written,
    detail:
      `wrote ${written.join(', ') || 'nothing new'}` +
      (refusals.length > 0
        ? `; ${refusals.map((r) => r.reason).join('; ')} (kept as a new entry)`
        : ''),
  };
}
