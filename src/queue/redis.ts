// Redis connections for queue mode, and the requirements check at start.
import { isMainThread } from 'node:worker_threads';
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { ErrorCode, OobdError, errorMessage } from '../errors';
import type { Logger } from '../logger';

/** BullMQ needs Redis 6.2 (LMOVE, GETDEL, ZRANGE BYSCORE ... LIMIT). */
export const MIN_REDIS_VERSION = '6.2.0';

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/**
 * The producer connection of the SMTP edge: it never queues commands while Redis is
 * away (enableOfflineQueue: false), so a job add fails at once and the client gets
 * 451 instead of waiting; it reconnects by itself with a capped backoff.
 */
export function producerConnection(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down)
      logger.error(
        { redis: redactUrl(url), err: err.message },
        'redis unreachable: new messages get 451 4.3.0',
      );
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ redis: redactUrl(url) }, 'redis reachable again: accepting messages');
    down = false;
  });
  return redis;
}

/** Options for BullMQ workers' own connections (blocking commands need no retry cap). */
export function workerConnectionOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const options: RedisOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  const db = parsed.pathname.slice(1);
  if (db) options.db = Number(db);
  if (parsed.protocol === 'rediss:') options.tls = {};
  return options;
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
 * Policies already warned about in this process (`url|policy`): the check runs at
 * start and on every reconnect, and `serve --workers N` starts N workers that each
 * open their own connections; one warning per process is enough. Worker threads
 * leave it to the main thread, which checks the same Redis.
 */
const warnedPolicies = new Set<string>();

/**
 * Checks a reachable Redis: version ≥ 6.2 (else OOBD_REDIS_UNSUPPORTED) and warns,
 * once per process, when maxmemory-policy would let Redis evict queued messages.
 */
export async function checkRedis(redis: Redis, url: string, logger: Logger): Promise<void> {
  let info: string;
  try {
    info = await redis.info();
  } catch (err) {
    throw new OobdError(
      ErrorCode.QueueUnavailable,
      `redis ${redactUrl(url)}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  const version = infoField(info, 'redis_version') ?? '0';
  if (!versionAtLeast(version, MIN_REDIS_VERSION)) {
    throw new OobdError(
      ErrorCode.RedisUnsupported,
      `redis ${redactUrl(url)} is version ${version}; queue mode needs ${MIN_REDIS_VERSION} or later`,
    );
  }
  const policy = infoField(info, 'maxmemory_policy');
  const key = `${url}|${policy}`;
  if (policy && policy !== 'noeviction' && isMainThread && !warnedPolicies.has(key)) {
    warnedPolicies.add(key);
    logger.warn(
      { redis: redactUrl(url), maxmemory_policy: policy },
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
  url: string,
  logger: Logger,
  waitMs: number,
  whenDown: string,
): Promise<{ redis: Redis; problem: () => Promise<string | null> }> {
  const redis = producerConnection(url, logger);
  try {
    if (await whenReady(redis, waitMs)) await checkRedis(redis, url, logger);
    else logger.error({}, whenDown);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const problem = async () => (redis.status === 'ready' ? null : `redis ${redis.status}`);
  return { redis, problem };
}

/** Waits until the connection is ready, or gives up after `timeoutMs`. */
export function whenReady(redis: Redis, timeoutMs: number): Promise<boolean> {
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
