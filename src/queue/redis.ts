// Redis connections for queue mode (one Redis, or a Redis Cluster), and the
// requirements check at start.
import { isMainThread } from 'node:worker_threads';
import type { RedisOptions } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { ErrorCode, OobdError, errorMessage } from '../errors';
import type { Logger } from '../logger';

/**
 * ioredis 6 declares `class VerbatimString extends String` as it loads. V8 turns a
 * prototype that gets a new heir into a dictionary-mode object ("setup mode") and
 * turns it back only when a property load through an object inheriting from it misses
 * its inline cache. The strings oobd reads are primitives, whose loads never do that,
 * so String.prototype stayed slow for the process's life: optimised code then calls
 * the generic LoadIC for every `indexOf`, `charCodeAt` or `slice` of a string. Every
 * process that loads ioredis parses on its own thread (serve in both modes, workers),
 * and the parse of the bench DSN cost 55 instead of 34 µs (docs/parsing.md, issue 17).
 * Loads through a String wrapper object, once V8 keeps feedback for them (after some
 * calls), make it fast again. Runs once, when this module loads, after ioredis.
 */
function restoreFastStringPrototype(): void {
  const wrapper = Object('') as { indexOf: unknown };
  for (let i = 0; i < 10_000; i++) loadThrough(wrapper);
}

function loadThrough(wrapper: { indexOf: unknown }): unknown {
  return wrapper.indexOf;
}

restoreFastStringPrototype();

/** BullMQ needs Redis 6.2 (LMOVE, GETDEL, ZRANGE BYSCORE ... LIMIT). */
export const MIN_REDIS_VERSION = '6.2.0';

/**
 * Where the queues live: `queue.redis_url` as a string is one Redis; as a list, the
 * seed nodes of a Redis Cluster (any reachable nodes: the client learns the others).
 */
export type RedisTarget = { cluster: false; url: string } | { cluster: true; urls: string[] };

/** A connection to either kind of target. */
export type RedisConnection = Redis | Cluster;

export function redisTarget(redisUrl: string | ReadonlyArray<string>): RedisTarget {
  return typeof redisUrl === 'string'
    ? { cluster: false, url: redisUrl }
    : { cluster: true, urls: [...redisUrl] };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/** The target for log lines and errors, without passwords. */
export function describeTarget(target: RedisTarget): string {
  return target.cluster ? `cluster ${target.urls.map(redactUrl).join(',')}` : redactUrl(target.url);
}

/** Host, port and credentials of a redis:// or rediss:// URL as ioredis options. */
function urlOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const options: RedisOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
  };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  const db = parsed.pathname.slice(1);
  if (db) options.db = Number(db);
  if (parsed.protocol === 'rediss:') options.tls = {};
  return options;
}

const retryStrategy = (times: number) => Math.min(times * 200, 2000);

/**
 * A Redis Cluster client. Credentials and TLS come from the first URL (a cluster's
 * nodes share them); the database number does not apply (a cluster has only 0).
 */
function clusterClient(
  urls: ReadonlyArray<string>,
  redisOptions: RedisOptions,
  offlineQueue: boolean,
): Cluster {
  const nodes = urls.map((u) => {
    const { host, port } = urlOptions(u);
    return { host: host ?? '127.0.0.1', port: port ?? 6379 };
  });
  const { username, password, tls } = urlOptions(urls[0] ?? 'redis://127.0.0.1:6379');
  return new Cluster(nodes, {
    enableOfflineQueue: offlineQueue,
    clusterRetryStrategy: retryStrategy,
    redisOptions: {
      ...redisOptions,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(tls ? { tls } : {}),
    },
  });
}

/**
 * The producer connection of the SMTP edge: it never queues commands while Redis is
 * away (enableOfflineQueue: false), so a job add fails at once and the client gets
 * 451 instead of waiting; it reconnects by itself with a capped backoff.
 */
export function producerConnection(target: RedisTarget, logger: Logger): RedisConnection {
  const options = { maxRetriesPerRequest: 1, connectTimeout: 5000 };
  const redis = target.cluster
    ? clusterClient(target.urls, options, false)
    : new Redis(target.url, { ...options, enableOfflineQueue: false, retryStrategy });
  const where = describeTarget(target);
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down)
      logger.error(
        { redis: where, err: err.message },
        'redis unreachable: new messages get 451 4.3.0',
      );
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ redis: where }, 'redis reachable again: accepting messages');
    down = false;
  });
  return redis;
}

/**
 * The connection BullMQ workers are given: options for one Redis (BullMQ opens its
 * own connections from them), or a Cluster client, which BullMQ shares for commands
 * and duplicates for its blocking fetches; the caller closes it after the workers.
 * Blocking commands need no retry cap (maxRetriesPerRequest: null, BullMQ's rule).
 */
export function workerConnection(target: RedisTarget): RedisOptions | Cluster {
  if (target.cluster) {
    const cluster = clusterClient(target.urls, { maxRetriesPerRequest: null }, true);
    // Reported by the workers' own error events.
    cluster.on('error', () => undefined);
    return cluster;
  }
  return { ...urlOptions(target.url), maxRetriesPerRequest: null, retryStrategy };
}

function versionAtLeast(actual: string, wanted: string): boolean {
  const a = actual.split('.').map(Number);
  const w = wanted.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = w[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

function infoField(info: string, field: string): string | null {
  for (const line of info.split('\n')) {
    if (line.startsWith(`${field}:`)) return line.slice(field.length + 1).trim();
  }
  return null;
}

/**
 * Policies already warned about in this process (`node|policy`): the check runs at
 * start and on every reconnect, and `serve --workers N` starts N workers that each
 * open their own connections; one warning per process is enough. Worker threads
 * leave it to the main thread, which checks the same Redis.
 */
const warnedPolicies = new Set<string>();

/**
 * Checks a reachable Redis (every master of a cluster): version ≥ 6.2 (else
 * OOBD_REDIS_UNSUPPORTED) and warns, once per process and node, when maxmemory-policy
 * would let Redis evict queued messages.
 */
export async function checkRedis(
  redis: RedisConnection,
  target: RedisTarget,
  logger: Logger,
): Promise<void> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    const where =
      redis instanceof Cluster
        ? `${node.options.host}:${node.options.port}`
        : describeTarget(target);
    await checkNode(node, where, logger);
  }
}

async function checkNode(redis: Redis, where: string, logger: Logger): Promise<void> {
  let info: string;
  try {
    info = await redis.info();
  } catch (err) {
    throw new OobdError(ErrorCode.QueueUnavailable, `redis ${where}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  const version = infoField(info, 'redis_version') ?? '0';
  if (!versionAtLeast(version, MIN_REDIS_VERSION)) {
    throw new OobdError(
      ErrorCode.RedisUnsupported,
      `redis ${where} is version ${version}; queue mode needs ${MIN_REDIS_VERSION} or later`,
    );
  }
  const policy = infoField(info, 'maxmemory_policy');
  const key = `${where}|${policy}`;
  if (policy && policy !== 'noeviction' && isMainThread && !warnedPolicies.has(key)) {
    warnedPolicies.add(key);
    logger.warn(
      { redis: where, maxmemory_policy: policy },
      'redis maxmemory-policy is not noeviction: under memory pressure Redis may delete queued messages; set maxmemory-policy noeviction',
    );
  }
}

/**
 * A producer connection (`producerConnection`), checked (`checkRedis`) when Redis
 * answers within `waitMs`; otherwise `whenDown` is logged and start goes on. `problem`
 * is what /healthz reports. A failed check closes the connection and throws.
 */
export async function openCheckedConnection(
  target: RedisTarget,
  logger: Logger,
  waitMs: number,
  whenDown: string,
): Promise<{ redis: RedisConnection; problem: () => Promise<string | null> }> {
  const redis = producerConnection(target, logger);
  try {
    if (await whenReady(redis, waitMs)) await checkRedis(redis, target, logger);
    else logger.error({}, whenDown);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const problem = async () => (redis.status === 'ready' ? null : `redis ${redis.status}`);
  return { redis, problem };
}

/** Waits until the connection is ready, or gives up after `timeoutMs`. */
export function whenReady(redis: RedisConnection, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}
