// The bullmq backend (DESIGN.md §1): the edge adds a job — the raw message, its
// envelope and the recipients' policies — to a BullMQ queue on Redis and answers 250
// only when Redis acknowledged it. Workers (`oobd worker` anywhere, or
// `oobd serve --workers N`) run the same pipeline as the inline backend, with retries
// and exponential backoff with jitter. Relays go through their own queue, so a relay
// retry never re-logs the report.
//
// A message is logged once, whatever crashes and retries happen:
//   * its job id is its content id (`contentId`: envelope and bytes), so a sending
//     MTA that never got the 250 and sends the message again adds the same job: a
//     no-op while the job exists;
//   * after the job is gone (completed and removed), BullMQ's deduplication key
//     (`<prefix>:<queue>:de:<id>`, kept queue.dedup_window) makes the add a no-op;
//   * a job that runs again (its worker died after writing the records, or it failed
//     after the write) writes only the records the log does not hold (written.ts).
//
// The edge adds all the messages whose DATA ended in one event-loop turn with one
// `addBulk` (one round trip, one pipeline), and answers each of them once Redis
// acknowledged the batch.
//
// Redis Cluster: BullMQ's scripts touch many keys of a queue at once, so every key of
// a queue must hash to one slot: the queue names are hash tags there ("{messages}").
import { Queue, Worker, type Job as BullJob, type JobsOptions } from 'bullmq';
import type { Cluster } from 'ioredis';
import type { ServerConfig } from '../config/server';
import { ErrorCode, OobdError, errorMessage } from '../errors';
import type { Logger } from '../logger';
import type { Envelope, RecipientPolicy, RelayRequest } from '../pipeline/process';
import type { SniffKind } from '../report/sniff';
import {
  processJob,
  quarantineRefusedRelay,
  relayMessage,
  relayRecord,
  writeRecords,
  type Job,
  type JobQueue,
  type ProcessorDeps,
} from './job';
import { redisTarget, workerConnection, type RedisConnection, type RedisTarget } from './redis';
import { WrittenRecords } from './written';

export const MESSAGE_QUEUE = 'messages';
export const RELAY_QUEUE = 'relays';

/**
 * A queue's name in Redis: in a Redis Cluster a hash tag, so that all of the queue's
 * keys (`<prefix>:{messages}:wait`, `...:de:<id>`, ...) land in one slot (BullMQ's
 * documented requirement for clusters). One Redis keeps the plain names, which
 * earlier versions used: jobs already queued stay visible across an upgrade.
 */
export function queueName(base: string, target: RedisTarget): string {
  return target.cluster ? `{${base}}` : base;
}

/**
 * How a message job looks in Redis (JSON). Version 2 carries the raw message as a
 * Latin-1 string (one char per octet: about 1.0–1.1× the message's size in Redis,
 * where version 1's base64 took 1.33×, and no base64 coding on either side). Workers
 * read both, so jobs queued by an older edge are processed after an upgrade;
 * upgrade workers before edges (an older worker fails version 2 jobs, which are then
 * retried, and quarantined once out of attempts).
 */
interface MessageJobDataV1 {
  v: 1;
  envelope: Envelope;
  recipients: RecipientPolicy[];
  sniffed: SniffKind;
  /** base64 */
  raw: string;
}

interface MessageJobDataV2 {
  v: 2;
  envelope: Envelope;
  recipients: RecipientPolicy[];
  sniffed: SniffKind;
  /** Latin-1: one char per octet. */
  raw: string;
}

type MessageJobData = MessageJobDataV1 | MessageJobDataV2;

interface RelayJobData {
  v: 1 | 2;
  envelope: Envelope;
  request: RelayRequest;
  /** base64 (v1) or Latin-1 (v2), as in message jobs. */
  raw: string;
}

function latin1(raw: Uint8Array): string {
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
}

function rawOf(data: { v: number; raw: string }): Buffer {
  return Buffer.from(data.raw, data.v === 1 ? 'base64' : 'latin1');
}

export function encodeJob(job: Job): MessageJobDataV2 {
  return {
    v: 2,
    envelope: job.envelope,
    recipients: job.recipients,
    sniffed: job.sniffed,
    raw: latin1(job.raw),
  };
}

export function decodeJob(data: MessageJobData): Job {
  if (
    (data?.v !== 1 && data?.v !== 2) ||
    typeof data.raw !== 'string' ||
    !data.envelope ||
    !Array.isArray(data.recipients)
  ) {
    throw new OobdError(
      ErrorCode.ProcessingFailed,
      'job data is not an oobd message job (version 1 or 2)',
    );
  }
  return {
    envelope: data.envelope,
    recipients: data.recipients,
    sniffed: data.sniffed,
    raw: rawOf(data),
  };
}

function jobOptions(config: ServerConfig, attempts: number): JobsOptions {
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

/** The options of a job whose id is `id`, remembered for queue.dedup_window after it is added. */
function idOptions(base: JobsOptions, id: string, windowMs: number): JobsOptions {
  return windowMs > 0
    ? { ...base, jobId: id, deduplication: { id, ttl: windowMs } }
    : { ...base, jobId: id };
}

interface PendingAdd {
  id: string;
  data: MessageJobDataV2;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** How long the edge waits for Redis to acknowledge a batch before it answers 451. */
const ADD_TIMEOUT_MS = 10_000;

/** The producer side used by the SMTP edge. */
export class BullmqQueue implements JobQueue {
  readonly mode = 'bullmq' as const;
  readonly contentIds = true;
  private readonly queue: Queue;
  private readonly options: JobsOptions;
  private batch: PendingAdd[] = [];
  private flushScheduled = false;
  private active = 0;
  private closing = false;

  constructor(
    private readonly config: ServerConfig,
    private readonly redis: RedisConnection,
  ) {
    const target = redisTarget(config.queue.redis_url);
    this.queue = new Queue(queueName(MESSAGE_QUEUE, target), {
      connection: redis,
      prefix: config.queue.prefix,
    });
    // Connection errors are reported by the connection's own listener (redis.ts).
    this.queue.on('error', () => undefined);
    this.options = jobOptions(config, config.queue.attempts);
  }

  get inFlight(): number {
    return this.active;
  }

  /**
   * Resolves once Redis has the job (or already had it: same content id); fails at
   * once while Redis is away. Jobs submitted in one event-loop turn go to Redis
   * together.
   */
  submit(job: Job): Promise<void> {
    if (this.closing) {
      return Promise.reject(new OobdError(ErrorCode.ShuttingDown, 'queue is closing'));
    }
    if (this.redis.status !== 'ready') {
      return Promise.reject(
        new OobdError(ErrorCode.QueueUnavailable, `redis is ${this.redis.status}`),
      );
    }
    this.active++;
    return new Promise<void>((resolve, reject) => {
      this.batch.push({ id: job.envelope.id, data: encodeJob(job), resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    const windowMs = this.config.queue.dedup_window;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`redis did not acknowledge within ${ADD_TIMEOUT_MS / 1000}s`)),
        ADD_TIMEOUT_MS,
      );
    });
    const added = this.queue.addBulk(
      batch.map((p) => ({
        name: 'message',
        data: p.data,
        opts: idOptions(this.options, p.id, windowMs),
      })),
    );
    Promise.race([added, timeout])
      .then(
        () => {
          for (const p of batch) p.resolve();
        },
        (err: unknown) => {
          const error = new OobdError(
            ErrorCode.QueueUnavailable,
            `adding the job to redis failed: ${errorMessage(err)}`,
            { cause: err },
          );
          for (const p of batch) p.reject(error);
        },
      )
      .finally(() => {
        clearTimeout(timer);
        this.active -= batch.length;
      });
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
  /** The cluster client the workers share, closed after them. */
  private readonly cluster: Cluster | null;
  /** What the log already holds for messages whose jobs may run again. */
  private readonly written: Promise<WrittenRecords>;
  private readonly relayOptions: JobsOptions;

  constructor(private readonly opts: WorkerPoolOptions) {
    const { config } = opts;
    const target = redisTarget(config.queue.redis_url);
    const connection = workerConnection(target);
    this.cluster = 'nodes' in connection ? (connection as Cluster) : null;
    this.written = WrittenRecords.fromLogFolder(opts.deps.log.dir, opts.logger);
    this.relayOptions = jobOptions(config, config.relay.attempts);
    this.relayQueue = new Queue(queueName(RELAY_QUEUE, target), {
      connection,
      prefix: config.queue.prefix,
    });
    this.relayQueue.on('error', () => undefined);
    const common = {
      connection,
      prefix: config.queue.prefix,
      concurrency: config.queue.concurrency,
      lockDuration: config.queue.lock_duration,
      stalledInterval: Math.max(1000, Math.floor(config.queue.lock_duration / 2)),
      // A job whose worker died comes back this many times before it fails (and is
      // quarantined); BullMQ's default of 1 would fail it on a second crash.
      maxStalledCount: config.queue.attempts,
      autorun: true,
    };
    for (let i = 0; i < Math.max(1, opts.count); i++) {
      const messages = new Worker(
        queueName(MESSAGE_QUEUE, target),
        (job: BullJob<MessageJobData>) => this.processMessage(job),
        common,
      );
      messages.on('failed', (job, err) => void this.onMessageFailed(job, err));
      messages.on('completed', (job: BullJob<MessageJobData>) => {
        void this.written.then((w) => w.completed(job.data.envelope.id));
      });
      messages.on('error', (err) =>
        opts.logger.warn({ err: errorMessage(err) }, 'bullmq worker error'),
      );
      const relays = new Worker(
        queueName(RELAY_QUEUE, target),
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
    const written = await this.written;
    await processJob(job, this.opts.deps, (request, j) => this.enqueueRelay(request, j), written);
  }

  private async enqueueRelay(request: RelayRequest, job: Job): Promise<void> {
    const data: RelayJobData = { v: 2, envelope: job.envelope, request, raw: latin1(job.raw) };
    // One relay per message and routing domain, even if the message job runs again
    // after the relay job completed (the deduplication window).
    const id = `${job.envelope.id}-${Buffer.from(request.routingDomain).toString('hex')}`;
    await this.relayQueue.add(
      'relay',
      data,
      idOptions(this.relayOptions, id, this.opts.config.queue.dedup_window),
    );
  }

  private async processRelay(bullJob: BullJob<RelayJobData>): Promise<void> {
    const { envelope, request } = bullJob.data;
    const job: Job = { envelope, recipients: [], sniffed: 'none', raw: rawOf(bullJob.data) };
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
      await quarantineRefusedRelay(job, request, bounced, deps);
      await writeRecords(deps, [relayRecord(envelope, request, bounced, deps.log.nodeid, attempt)]);
      return;
    }
    if (result.status === 'permanent') await quarantineRefusedRelay(job, request, result, deps);
    await writeRecords(deps, [relayRecord(envelope, request, result, deps.log.nodeid, attempt)]);
    if (result.status === 'transient') {
      throw new Error(
        `relay to ${request.routingDomain} deferred: ${result.response.code} ${result.response.content}`,
      );
    }
  }

  /**
   * A message job that failed for good (out of attempts, or back from too many
   * crashed workers: BullMQ sets finishedOn then) goes to the quarantine folder.
   */
  private async onMessageFailed(
    bullJob: BullJob<MessageJobData> | undefined,
    err: Error,
  ): Promise<void> {
    if (!bullJob) return;
    const { deps, logger } = this.opts;
    if (!bullJob.finishedOn) {
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
        {
          cause: 'attempts-exhausted',
          recipients: job.recipients,
          sniffed: job.sniffed,
          logged: false,
        },
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
    this.cluster?.disconnect();
  }
}
