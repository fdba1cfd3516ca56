// The bullmq backend (DESIGN.md §1): the edge adds a job — the raw message, its
// envelope and the recipients' policies — to a BullMQ queue on Redis and answers 250
// only when Redis acknowledged it. Workers (`oobd worker` anywhere, or
// `oobd serve --workers N`) run the same pipeline as the inline backend, with retries
// and exponential backoff with jitter. Relays go through their own queue, so a relay
// retry never re-logs the report.
//
// Job ids are the message ids: adding a job that is already queued is a no-op.
import { Queue, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ServerConfig } from '../config/server';
import { ErrorCode, OobdError, errorMessage } from '../errors';
import type { Logger } from '../logger';
import type { Envelope, RecipientPolicy, RelayRequest } from '../pipeline/process';
import type { SniffKind } from '../report/sniff';
import {
  processJob,
  relayMessage,
  relayRecord,
  writeRecords,
  type Job,
  type JobQueue,
  type ProcessorDeps,
} from './job';
import { workerConnectionOptions } from './redis';

export const MESSAGE_QUEUE = 'messages';
export const RELAY_QUEUE = 'relays';

/** How a job looks in Redis (JSON): the raw message travels as base64. */
interface MessageJobData {
  v: 1;
  envelope: Envelope;
  recipients: RecipientPolicy[];
  sniffed: SniffKind;
  raw: string;
}

interface RelayJobData {
  v: 1;
  envelope: Envelope;
  request: RelayRequest;
  raw: string;
}

export function encodeJob(job: Job): MessageJobData {
  return {
    v: 1,
    envelope: job.envelope,
    recipients: job.recipients,
    sniffed: job.sniffed,
    raw: Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength).toString('base64'),
  };
}

export function decodeJob(data: MessageJobData): Job {
  if (
    data?.v !== 1 ||
    typeof data.raw !== 'string' ||
    !data.envelope ||
    !Array.isArray(data.recipients)
  ) {
    throw new OobdError(
      ErrorCode.ProcessingFailed,
      'job data is not an oobd message job (version 1)',
    );
  }
  return {
    envelope: data.envelope,
    recipients: data.recipients,
    sniffed: data.sniffed,
    raw: Buffer.from(data.raw, 'base64'),
  };
}

function jobOptions(config: ServerConfig, attempts: number) {
  return {
    attempts,
    backoff: { type: 'exponential', delay: config.queue.backoff, jitter: 0.5 },
    // Records are the product; a completed job is only kept when asked (trimming a
    // kept set costs Redis work on every completion).
    removeOnComplete:
      config.queue.keep_completed === 0 ? true : { count: config.queue.keep_completed },
    // Failed jobs stay for inspection (their messages are also in quarantine).
    removeOnFail: { count: 1000 },
  };
}

/** The producer side used by the SMTP edge. */
export class BullmqQueue implements JobQueue {
  readonly mode = 'bullmq' as const;
  private readonly queue: Queue;
  private active = 0;
  private closing = false;

  constructor(
    private readonly config: ServerConfig,
    private readonly redis: Redis,
  ) {
    this.queue = new Queue(MESSAGE_QUEUE, { connection: redis, prefix: config.queue.prefix });
    // Connection errors are reported by the connection's own listener (redis.ts).
    this.queue.on('error', () => undefined);
  }

  get inFlight(): number {
    return this.active;
  }

  /** Resolves once Redis has the job; fails at once while Redis is away. */
  async submit(job: Job): Promise<void> {
    if (this.closing) throw new OobdError(ErrorCode.ShuttingDown, 'queue is closing');
    if (this.redis.status !== 'ready') {
      throw new OobdError(ErrorCode.QueueUnavailable, `redis is ${this.redis.status}`);
    }
    this.active++;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.add('message', encodeJob(job), {
          jobId: job.envelope.id,
          ...jobOptions(this.config, this.config.queue.attempts),
        }),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('redis did not acknowledge within 10s')),
            10_000,
          );
        }),
      ]);
    } catch (err) {
      throw new OobdError(
        ErrorCode.QueueUnavailable,
        `adding the job to redis failed: ${errorMessage(err)}`,
        {
          cause: err,
        },
      );
    } finally {
      clearTimeout(timer);
      this.active--;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    while (this.active > 0) await new Promise((r) => setTimeout(r, 10));
    await this.queue.close();
  }
}

export interface WorkerPoolOptions {
  config: ServerConfig;
  deps: ProcessorDeps;
  /** BullMQ Worker instances in this process (each runs `queue.concurrency` jobs). */
  count: number;
  logger: Logger;
}

/**
 * Message and relay workers in this process. Their CPU work (parse + classify) runs
 * on the analyze pool's threads, so `count` sets how many jobs are handled at once
 * and `classifier.pool_size` how many cores they use.
 */
export class BullmqWorkers {
  private readonly workers: Worker[] = [];
  private readonly relayQueue: Queue;

  constructor(private readonly opts: WorkerPoolOptions) {
    const { config } = opts;
    const connection = workerConnectionOptions(config.queue.redis_url);
    this.relayQueue = new Queue(RELAY_QUEUE, { connection, prefix: config.queue.prefix });
    this.relayQueue.on('error', () => undefined);
    const common = {
      connection,
      prefix: config.queue.prefix,
      concurrency: config.queue.concurrency,
      lockDuration: config.queue.lock_duration,
      stalledInterval: Math.max(1000, Math.floor(config.queue.lock_duration / 2)),
      autorun: true,
    };
    for (let i = 0; i < Math.max(1, opts.count); i++) {
      const messages = new Worker(
        MESSAGE_QUEUE,
        (job: BullJob<MessageJobData>) => this.processMessage(job),
        common,
      );
      messages.on('failed', (job, err) => void this.onMessageFailed(job, err));
      messages.on('error', (err) =>
        opts.logger.warn({ err: errorMessage(err) }, 'bullmq worker error'),
      );
      const relays = new Worker(
        RELAY_QUEUE,
        (job: BullJob<RelayJobData>) => this.processRelay(job),
        common,
      );
      relays.on('error', (err) =>
        opts.logger.warn({ err: errorMessage(err) }, 'bullmq relay worker error'),
      );
      this.workers.push(messages, relays);
    }
  }

  private async processMessage(bullJob: BullJob<MessageJobData>): Promise<void> {
    const job = decodeJob(bullJob.data);
    await processJob(job, this.opts.deps, (request, j) => this.enqueueRelay(request, j));
  }

  private async enqueueRelay(request: RelayRequest, job: Job): Promise<void> {
    const data: RelayJobData = {
      v: 1,
      envelope: job.envelope,
      request,
      raw: Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength).toString('base64'),
    };
    await this.relayQueue.add('relay', data, {
      // One relay per message and routing domain, even if the message job is retried.
      jobId: `${job.envelope.id}-${Buffer.from(request.routingDomain).toString('hex')}`,
      ...jobOptions(this.opts.config, this.opts.config.relay.attempts),
    });
  }

  private async processRelay(bullJob: BullJob<RelayJobData>): Promise<void> {
    const { envelope, request } = bullJob.data;
    const job: Job = {
      envelope,
      recipients: [],
      sniffed: 'none',
      raw: Buffer.from(bullJob.data.raw, 'base64'),
    };
    const { deps, config } = this.opts;
    const attempt = bullJob.attemptsMade + 1;
    const result = await deps.relayer.relay(request.routingDomain, relayMessage(job, request));
    deps.metrics.relays.inc({ result: result.status });
    const lastAttempt = attempt >= config.relay.attempts;
    if (result.status === 'transient' && lastAttempt) {
      // Out of attempts: the relay is given up and logged as a Bounce (KumoMTA logs an
      // expired message the same way).
      const bounced = { ...result, status: 'permanent' as const };
      bounced.response = {
        ...result.response,
        content: `relay attempts exhausted: ${result.response.content}`,
      };
      await writeRecords(deps, [relayRecord(envelope, request, bounced, deps.log.nodeid, attempt)]);
      return;
    }
    await writeRecords(deps, [relayRecord(envelope, request, result, deps.log.nodeid, attempt)]);
    if (result.status === 'transient') {
      throw new Error(
        `relay to ${request.routingDomain} deferred: ${result.response.code} ${result.response.content}`,
      );
    }
  }

  /** A message job out of attempts goes to the quarantine folder, not back to the queue. */
  private async onMessageFailed(
    bullJob: BullJob<MessageJobData> | undefined,
    err: Error,
  ): Promise<void> {
    if (!bullJob) return;
    const { deps, logger } = this.opts;
    const attempts = bullJob.opts.attempts ?? 1;
    if (bullJob.attemptsMade < attempts) {
      logger.warn(
        { id: bullJob.id, attempt: bullJob.attemptsMade, err: err.message },
        'message job failed; will retry',
      );
      return;
    }
    try {
      const job = decodeJob(bullJob.data);
      await deps.quarantine.put(
        job.envelope,
        job.raw,
        `gave up after ${bullJob.attemptsMade} attempts: ${err.message}`,
      );
      deps.metrics.quarantined.inc({ reason: 'attempts-exhausted' });
      logger.error(
        { id: bullJob.id, attempts: bullJob.attemptsMade, err: err.message },
        'message quarantined: attempts exhausted',
      );
    } catch (qerr) {
      logger.error(
        { id: bullJob.id, err: errorMessage(qerr) },
        'could not quarantine a failed message; it stays in redis as a failed job',
      );
    }
  }

  /** Lets running jobs finish (or returns them to the queue), then closes connections. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await this.relayQueue.close();
  }
}
