// The bullmq backend (DESIGN.md §1): the edge adds jobs — raw messages, their
// envelopes and the recipients' policies — to a BullMQ queue on Redis and answers 250
// only when Redis acknowledged them. Workers (`oobd worker` anywhere, or
// `oobd serve --workers N`) run the same pipeline as the inline backend, with retries
// and exponential backoff with jitter. Relays go through their own queue, so a relay
// retry never re-logs the report.
//
// One job carries the messages whose DATA ended together (up to BATCH_MAX_MESSAGES and
// BATCH_MAX_BYTES): BullMQ's work per job (the add, the move to active, the
// completion: Lua scripts, a job hash, an event) is then shared by the batch, which
// cut Redis's CPU per message by about 40% (issue 17). The edge sends what ended in
// one event-loop turn with one `add` per job (back to back), or, while an add is on its
// way, what ends until Redis acknowledged it (a group commit); a busy edge also holds
// a batch a few milliseconds for the other open sessions (BATCH_LINGER_MS). It answers
// each message once Redis acknowledged its job.
//
// A message is logged once, whatever crashes and retries happen:
//   * its id is its content id (`contentId`: envelope and bytes), so a sending MTA
//     that never got the 250 and sends the message again sends the same id, in
//     another job;
//   * the worker that runs a job first claims its messages: `<prefix>:<queue>:owner:<id>`
//     is set to the job's id unless it holds another job's (one Lua call per job,
//     kept queue.dedup_window). A message another job owns is skipped: that job logs
//     it (or quarantines it);
//   * a job that runs again (its worker died after writing the records, or it failed
//     after the write) still owns its messages, and writes only the records the log
//     does not hold (written.ts).
//
// Redis Cluster: BullMQ's scripts touch many keys of a queue at once, so every key of
// a queue must hash to one slot: the queue names are hash tags there ("{messages}"),
// and the owner keys carry the same tag.
import { createHash } from 'node:crypto';
import { Queue, Worker, type Job as BullJob, type JobsOptions } from 'bullmq';
import { Redis, type Cluster } from 'ioredis';
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
 * keys (`<prefix>:{messages}:wait`, `...:owner:<id>`, ...) land in one slot (BullMQ's
 * documented requirement for clusters). One Redis keeps the plain names, which
 * earlier versions used: jobs already queued stay visible across an upgrade.
 */
export function queueName(base: string, target: RedisTarget): string {
  return target.cluster ? `{${base}}` : base;
}

/**
 * How a message job looks in Redis (JSON). Version 3 carries a batch of messages,
 * each raw message as a Latin-1 string (one char per octet: about 1.0–1.1× its size
 * in Redis, where version 1's base64 took 1.33×, and no base64 coding on either
 * side). Versions 1 and 2 carried one message (base64, Latin-1). Workers read all
 * three, so jobs queued by an older edge are processed after an upgrade; upgrade
 * workers before edges (an older worker fails version 3 jobs, which are then retried,
 * and quarantined once out of attempts).
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

interface QueuedMessage {
  envelope: Envelope;
  recipients: RecipientPolicy[];
  sniffed: SniffKind;
  /** Latin-1: one char per octet. */
  raw: string;
}

interface MessageJobDataV3 {
  v: 3;
  messages: QueuedMessage[];
}

type MessageJobData = MessageJobDataV1 | MessageJobDataV2 | MessageJobDataV3;

interface RelayJobData {
  v: 1 | 2;
  envelope: Envelope;
  request: RelayRequest;
  /** base64 (v1) or Latin-1 (v2), as in message jobs. */
  raw: string;
}

/** Most messages in one job: a batch is what one event-loop turn of the edge ended. */
export const BATCH_MAX_MESSAGES = 64;
/**
 * Most raw bytes in one job (a larger message travels alone): a worker holds a job's
 * messages at once, and Redis stores the job as one string.
 */
export const BATCH_MAX_BYTES = 1024 * 1024;

function latin1(raw: Uint8Array): string {
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
}

function rawOf(data: { v: number; raw: string }): Buffer {
  return Buffer.from(data.raw, data.v === 1 ? 'base64' : 'latin1');
}

function queuedMessage(job: Job): QueuedMessage {
  return {
    envelope: job.envelope,
    recipients: job.recipients,
    sniffed: job.sniffed,
    raw: latin1(job.raw),
  };
}

/** The data of a job carrying `jobs` (version 3). */
export function encodeJobs(jobs: ReadonlyArray<Job>): MessageJobDataV3 {
  return { v: 3, messages: jobs.map(queuedMessage) };
}

function notAJob(): OobdError {
  return new OobdError(
    ErrorCode.ProcessingFailed,
    'job data is not an oobd message job (version 1, 2 or 3)',
  );
}

/** One message of a job; `encoding` is how its raw bytes are written (version 1: base64). */
function decodeOne(
  data: {
    envelope?: Envelope;
    recipients?: RecipientPolicy[];
    sniffed?: SniffKind;
    raw?: unknown;
  } | null,
  encoding: 'base64' | 'latin1',
): Job {
  if (typeof data?.raw !== 'string' || !data.envelope || !Array.isArray(data.recipients)) {
    throw notAJob();
  }
  return {
    envelope: data.envelope,
    recipients: data.recipients,
    sniffed: data.sniffed ?? 'none',
    raw: Buffer.from(data.raw, encoding),
  };
}

/** The messages of a job of any version (one for versions 1 and 2). */
export function decodeJobs(data: MessageJobData): Job[] {
  if (data?.v === 1 || data?.v === 2) return [decodeOne(data, data.v === 1 ? 'base64' : 'latin1')];
  if (data?.v === 3 && Array.isArray(data.messages) && data.messages.length > 0) {
    return data.messages.map((m) => decodeOne(m, 'latin1'));
  }
  throw notAJob();
}

/** The ids of a job's messages, without decoding their bytes; none for data that is no message job. */
function messageIds(data: MessageJobData): string[] {
  if (data?.v === 3 && Array.isArray(data.messages)) {
    return data.messages.flatMap((m) =>
      typeof m?.envelope?.id === 'string' ? [m.envelope.id] : [],
    );
  }
  if ((data?.v === 1 || data?.v === 2) && typeof data.envelope?.id === 'string')
    return [data.envelope.id];
  return [];
}

/**
 * Splits what one turn of the edge ended into jobs: in order, up to
 * BATCH_MAX_MESSAGES messages and BATCH_MAX_BYTES raw bytes each (a message larger
 * than that is a job of its own).
 */
export function batchesOf<T>(items: ReadonlyArray<T>, bytesOf: (item: T) => number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (
      current.length > 0 &&
      (current.length >= BATCH_MAX_MESSAGES || bytes + bytesOf(item) > BATCH_MAX_BYTES)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += bytesOf(item);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * A batch job's id: "b" and 32 hex digits of SHA-256 over its messages' ids, so the
 * id names what the job carries (BullMQ's own ids are integers, which it refuses as
 * custom ids; ":" is refused too).
 */
export function batchId(jobs: ReadonlyArray<Job>): string {
  const hash = createHash('sha256');
  for (const job of jobs) hash.update(`${job.envelope.id}\n`);
  return `b${hash.digest('hex').slice(0, 32)}`;
}

/**
 * What an owner key holds: the job's id and creation time. A job that runs again
 * (retried, or back from a dead worker) keeps both; the same batch added again later
 * (a resent message, alone in its turn as before) has the same id but another time,
 * so it does not own what the first one logged.
 */
function ownerToken(bullJob: BullJob): string {
  return `${String(bullJob.id)}@${bullJob.timestamp}`;
}

/**
 * Claims messages for a job: for each owner key (KEYS), sets it to the job's token
 * (ARGV[1], `ownerToken`) for ARGV[2] ms unless it holds another job's id. Returns 1 per message the
 * job owns (newly, or since an earlier run of the same job), else 0. One script, so
 * two workers racing for one message cannot both win.
 */
const CLAIM_SCRIPT = `
local owned = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, ARGV[1], 'NX', 'PX', ARGV[2]) then
    owned[i] = 1
  elseif redis.call('GET', key) == ARGV[1] then
    owned[i] = 1
  else
    owned[i] = 0
  end
end
return owned
`;

/** Worker errors of one kind are logged at most this often (a Redis outage repeats them). */
const ERROR_LOG_INTERVAL_MS = 10_000;

/** How long a claim lasts when queue.dedup_window is 0 (it is removed when its job completes). */
const CLAIM_WITHOUT_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * A job whose messages did not all go through: `ids` are those that failed (the
 * others are logged). When the job is out of attempts only they are quarantined.
 */
class MessagesFailed extends Error {
  constructor(
    message: string,
    readonly ids: ReadonlyArray<string>,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

interface ClaimingConnection {
  oobdClaim(numKeys: number, ...args: string[]): Promise<number[]>;
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

/**
 * The options of a job whose id is `id`, remembered for queue.dedup_window after it is
 * added (relay jobs: one per message and routing domain).
 */
function idOptions(base: JobsOptions, id: string, windowMs: number): JobsOptions {
  return windowMs > 0
    ? { ...base, jobId: id, deduplication: { id, ttl: windowMs } }
    : { ...base, jobId: id };
}

interface PendingAdd {
  job: Job;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** How long the edge waits for Redis to acknowledge a batch before it answers 451. */
const ADD_TIMEOUT_MS = 10_000;

/**
 * A busy edge holds a batch this long for the other sessions' messages before it sends
 * it (when no add is on its way; while one is, the batch waits for it anyway). Redis's
 * and BullMQ's work is per job, so fuller jobs cost less per message: at 20 sessions
 * jobs went from about 7 to 10 messages, and serve --workers 1 plus redis-server from
 * 883 to 690 µs of CPU per message (median of 6 interleaved rounds, each 0.68-0.85 of
 * the round's figure without it) with 16% more messages per second (issue 17; 2 ms
 * saved about half as much, 8 ms no more than 4). A lone session never waits.
 */
export const BATCH_LINGER_MS = 4;
/** The edge counts as busy for BATCH_LINGER_MS this long after Redis acknowledged an add. */
const BUSY_AFTER_ACK_MS = 20;

/** The producer side used by the SMTP edge. */
export class BullmqQueue implements JobQueue {
  readonly mode = 'bullmq' as const;
  readonly contentIds = true;
  private readonly queue: Queue;
  private readonly options: JobsOptions;
  private batch: PendingAdd[] = [];
  private flushScheduled = false;
  /** An add is on its way to Redis: what ends DATA meanwhile waits for it (group commit). */
  private adding = false;
  private active = 0;
  private closing = false;
  /** When Redis last acknowledged an add (ms). */
  private lastAck = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  /** Adds Redis acknowledged so far. */
  private acks = 0;
  /** Called at the next acknowledged add (`nextAdd`). */
  private readonly ackWaiters = new Set<() => void>();

  constructor(
    config: ServerConfig,
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

  /** Jobs added so far (acknowledged by Redis): a same-thread worker's `EdgeAdds`. */
  get added(): number {
    return this.acks;
  }

  /** Is the edge busy: did Redis acknowledge an add in the last BUSY_AFTER_ACK_MS? */
  get busy(): boolean {
    return Date.now() - this.lastAck < BUSY_AFTER_ACK_MS;
  }

  /** Resolves when Redis acknowledges the next add, or after `ms`. */
  nextAdd(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.ackWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.ackWaiters.add(done);
    });
  }

  /**
   * Resolves once Redis has the message's job; fails at once while Redis is away.
   * Messages submitted in one event-loop turn share jobs (`batchesOf`) and go to
   * Redis in one round trip. `sessions` is how many SMTP sessions are open: while the
   * edge is busy and other sessions may end DATA soon, the batch waits for them up to
   * BATCH_LINGER_MS; once every open session has a message in it (or it is full), or
   * when the edge is idle, it goes at once.
   */
  submit(job: Job, sessions = 1): Promise<void> {
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
      this.batch.push({ job, resolve, reject });
      const complete = this.batch.length >= Math.min(sessions, BATCH_MAX_MESSAGES);
      if (complete && this.lingerTimer) {
        clearTimeout(this.lingerTimer);
        this.lingerTimer = null;
        this.flushScheduled = false;
      }
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      if (!complete && Date.now() - this.lastAck < BUSY_AFTER_ACK_MS) {
        this.lingerTimer = setTimeout(() => {
          this.lingerTimer = null;
          this.flush();
        }, BATCH_LINGER_MS);
      } else {
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Sends what waits to Redis, unless an add is already on its way: then it goes when
   * that one is acknowledged, together with whatever else ended DATA meanwhile (a
   * group commit). An idle edge sends at once; a busy one sends fewer, larger jobs,
   * each message waiting at most one round trip more.
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
    }
    if (this.adding || this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.adding = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`redis did not acknowledge within ${ADD_TIMEOUT_MS / 1000}s`)),
        ADD_TIMEOUT_MS,
      );
    });
    // One `add` per job rather than one `addBulk`: the adds of one turn (usually one
    // job) still go out back to back without waiting for each other's replies, and
    // addBulk's ioredis pipeline copies every BullMQ script onto a new object per call
    // (the edge's costliest JavaScript function in its profile, issue 17).
    const added = Promise.all(
      batchesOf(batch, (p) => p.job.raw.byteLength).map((pending) => {
        const jobs = pending.map((p) => p.job);
        return this.queue.add('message', encodeJobs(jobs), {
          ...this.options,
          jobId: batchId(jobs),
        });
      }),
    );
    Promise.race([added, timeout])
      .then(
        () => {
          for (const p of batch) p.resolve();
          this.acks++;
          this.wakeWaiters();
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
        this.lastAck = Date.now();
        this.active -= batch.length;
        this.adding = false;
        this.flush();
      });
  }

  async close(): Promise<void> {
    this.closing = true;
    while (this.active > 0) await new Promise((r) => setTimeout(r, 10));
    this.wakeWaiters();
    await this.queue.close();
  }

  private wakeWaiters(): void {
    for (const wake of [...this.ackWaiters]) wake();
  }
}

/** What a worker on the edge's own thread learns from it (BullmqQueue). */
export interface EdgeAdds {
  /** Jobs the edge added so far. */
  readonly added: number;
  /** Did the edge add a job in the last few milliseconds? */
  readonly busy: boolean;
  /** Resolves when the edge's next add is acknowledged, or after `ms`. */
  nextAdd(ms: number): Promise<void>;
}

/**
 * How long a worker on the edge's thread holds a finished job, while the edge is busy,
 * for the edge's next add. BullMQ's completion script fetches the next waiting job in
 * the same call; when the queue is empty at that moment the worker blocks instead
 * (BZPOPMIN), is woken by the next add and fetches that job with a `moveToActive` of
 * its own: one more script and two more round trips per job. The records are written
 * before the wait, and the 250s of the next batch do not wait for it. Under
 * bench/queue-pairs.js load it took EVALSHA per job from 3.95 to 3.02 and BZPOPMIN
 * from 0.95 to 0.02, and redis-server's CPU per message down in every round (issue 17,
 * docs/parsing.md). The edge counts as busy while its last add is at most
 * BUSY_AFTER_ACK_MS old, so the next add usually comes well within the wait.
 */
export const NEXT_JOB_WAIT_MS = 25;

export interface WorkerPoolOptions {
  config: ServerConfig;
  deps: ProcessorDeps;
  /** BullMQ Worker instances in this process (each runs `queue.concurrency` message jobs and `relay.concurrency` relays). */
  count: number;
  logger: Logger;
  /** The edge, when these workers run on its thread (serve --workers N). */
  edge?: EdgeAdds;
}

/**
 * Message and relay workers in this process. Their CPU work (parse + classify) runs
 * on this thread (pipeline/local.ts; a parse thread only for a message above 1 MiB),
 * so `count` sets how many jobs are handled at once; `classifier.pool_size` is for
 * serve inline only.
 */
export class BullmqWorkers {
  private readonly workers: Worker[] = [];
  private readonly relayQueue: Queue;
  /** The cluster client the workers share, closed after them. */
  private readonly cluster: Cluster | null;
  /** What the log already holds for messages whose jobs may run again. */
  private readonly written: Promise<WrittenRecords>;
  private readonly relayOptions: JobsOptions;
  /** Runs CLAIM_SCRIPT (ioredis keeps it cached in Redis: EVALSHA). */
  private readonly connection: RedisConnection;
  /** `<prefix>:<message queue>:owner:`, the owner keys' common part. */
  private readonly ownerPrefix: string;
  /** Per kind of worker error: when it was last logged, and how many since were not. */
  private readonly errorLog = new Map<string, { at: number; skipped: number }>();

  constructor(private readonly opts: WorkerPoolOptions) {
    const { config } = opts;
    const target = redisTarget(config.queue.redis_url);
    const connection = workerConnection(target);
    // One Redis: the workers make their own connections from the options, and the
    // claims get one more. A cluster client is shared by all.
    this.connection = 'nodes' in connection ? (connection as Cluster) : new Redis(connection);
    this.connection.on('error', () => undefined);
    this.connection.defineCommand('oobdClaim', { lua: CLAIM_SCRIPT });
    this.ownerPrefix = `${config.queue.prefix}:${queueName(MESSAGE_QUEUE, target)}:owner:`;
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
      messages.on('completed', (job: BullJob<MessageJobData>) => void this.onMessageCompleted(job));
      messages.on('error', (err) => this.warnError('bullmq worker error', err));
      const relays = new Worker(
        queueName(RELAY_QUEUE, target),
        (job: BullJob<RelayJobData>) => this.processRelay(job),
        { ...common, concurrency: config.relay.concurrency },
      );
      relays.on('error', (err) => this.warnError('bullmq relay worker error', err));
      this.workers.push(messages, relays);
    }
  }

  /**
   * Logs a worker's error, at most once per ERROR_LOG_INTERVAL_MS per kind: while
   * Redis is away every worker reports each reconnect attempt, and the log would be
   * nothing else. The next line says how many were left out.
   */
  private warnError(kind: string, err: unknown): void {
    const now = Date.now();
    const last = this.errorLog.get(kind) ?? { at: 0, skipped: 0 };
    if (now - last.at < ERROR_LOG_INTERVAL_MS) {
      last.skipped++;
      this.errorLog.set(kind, last);
      return;
    }
    this.opts.logger.warn(
      { err: errorMessage(err), ...(last.skipped > 0 ? { suppressed: last.skipped } : {}) },
      kind,
    );
    this.errorLog.set(kind, { at: now, skipped: 0 });
  }

  /**
   * Runs a job's messages through the pipeline (together: the analyze pool gets them
   * in one hand-off). A message another job owns is left to that job. When any message
   * fails the job fails, and its retry writes only what the log does not hold yet.
   */
  private async processMessage(bullJob: BullJob<MessageJobData>): Promise<void> {
    const { edge } = this.opts;
    const addedBefore = edge?.added ?? 0;
    const jobs = decodeJobs(bullJob.data);
    const written = await this.written;
    const owned = await this.claim(ownerToken(bullJob), jobs);
    const results = await Promise.allSettled(
      jobs.map((job, i) =>
        owned[i]
          ? processJob(job, this.opts.deps, (request, j) => this.enqueueRelay(request, j), written)
          : this.skip(job, bullJob),
      ),
    );
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ id: jobs[i]!.envelope.id, err: r.reason as unknown }] : [],
    );
    if (failed.length > 0) {
      const first = failed[0]!;
      throw new MessagesFailed(
        failed.length === 1
          ? `message ${first.id}: ${errorMessage(first.err)}`
          : `${failed.length} of ${jobs.length} messages failed; ${first.id}: ${errorMessage(first.err)}`,
        failed.map((f) => f.id),
        first.err,
      );
    }
    // NEXT_JOB_WAIT_MS: no job added since this one was fetched, while the edge is busy.
    if (edge && edge.added === addedBefore && edge.busy) {
      await edge.nextAdd(NEXT_JOB_WAIT_MS);
    }
  }

  /** The owner keys of `ids`, in order. */
  private ownerKeys(ids: ReadonlyArray<string>): string[] {
    return ids.map((id) => this.ownerPrefix + id);
  }

  /** Per message of `jobs`: does the job with `token` own it (CLAIM_SCRIPT)? */
  private async claim(token: string, jobs: ReadonlyArray<Job>): Promise<boolean[]> {
    const window = this.opts.config.queue.dedup_window;
    const ttl = String(window > 0 ? window : CLAIM_WITHOUT_WINDOW_MS);
    const keys = this.ownerKeys(jobs.map((j) => j.envelope.id));
    const owned = await (this.connection as unknown as ClaimingConnection).oobdClaim(
      keys.length,
      ...keys,
      token,
      ttl,
    );
    return keys.map((_, i) => owned[i] === 1);
  }

  private async skip(job: Job, bullJob: BullJob<MessageJobData>): Promise<void> {
    this.opts.deps.metrics.duplicates.inc();
    const owner = await this.connection.get(this.ownerKeys([job.envelope.id])[0]!);
    this.opts.logger.info(
      { id: job.envelope.id, job: bullJob.id, owner },
      'message sent again while another job holds it: logged by that job only',
    );
  }

  private async onMessageCompleted(bullJob: BullJob<MessageJobData>): Promise<void> {
    const ids = messageIds(bullJob.data);
    const written = await this.written;
    for (const id of ids) written.completed(id);
    // Without a window a message is remembered only while its job exists.
    if (this.opts.config.queue.dedup_window === 0) {
      await Promise.all(
        this.ownerKeys(ids).map((key) => this.connection.del(key).catch(() => undefined)),
      );
    }
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
    let jobs: Job[];
    try {
      jobs = decodeJobs(bullJob.data);
    } catch (derr) {
      logger.error(
        { id: bullJob.id, err: errorMessage(derr) },
        'a failed job holds no oobd message; it stays in redis as a failed job',
      );
      return;
    }
    // Messages another job owns are that job's; when the owners cannot be read, all
    // are kept (a message in quarantine twice is better than one lost).
    const owners: (string | null)[] | null = await Promise.all(
      this.ownerKeys(jobs.map((j) => j.envelope.id)).map((key) => this.connection.get(key)),
    ).catch(() => null);
    // A message that went through in the last attempt is logged and done.
    const failedIds = err instanceof MessagesFailed ? new Set(err.ids) : null;
    const written = await this.written;
    for (const [i, job] of jobs.entries()) {
      if (failedIds && !failedIds.has(job.envelope.id)) continue;
      const owner = owners?.[i];
      if (owner !== undefined && owner !== null && owner !== ownerToken(bullJob)) continue;
      try {
        await deps.quarantine.put(
          job.envelope,
          job.raw,
          `gave up after ${bullJob.attemptsMade} attempts: ${err.message}`,
          {
            cause: 'attempts-exhausted',
            recipients: job.recipients,
            sniffed: job.sniffed,
            logged: written.has(job.envelope.id),
          },
        );
        deps.metrics.quarantined.inc({ reason: 'attempts-exhausted' });
        logger.error(
          {
            id: job.envelope.id,
            job: bullJob.id,
            attempts: bullJob.attemptsMade,
            err: err.message,
          },
          'message quarantined: attempts exhausted',
        );
      } catch (qerr) {
        logger.error(
          { id: job.envelope.id, job: bullJob.id, err: errorMessage(qerr) },
          'could not quarantine a failed message; it stays in redis as a failed job',
        );
      }
    }
  }

  /** Lets running jobs finish (or returns them to the queue), then closes connections. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await this.relayQueue.close();
    if (this.cluster) this.cluster.disconnect();
    else this.connection.disconnect();
  }
}
