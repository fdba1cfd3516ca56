// Queue depth for /metrics (bullmq mode): how many jobs of each queue wait, run, wait
// for a retry (delayed) or failed, read from Redis when /metrics is scraped. BullMQ's
// getJobCounts is one round trip of O(1) commands (LLEN/ZCARD) per queue.
import { Queue } from 'bullmq';
import type { ServerConfig } from '../config/server';
import { MESSAGE_QUEUE, RELAY_QUEUE, queueName } from './bullmq';
import { redisTarget, type RedisConnection } from './redis';

export const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

export interface QueueDepth {
  queue: string;
  state: (typeof DEPTH_STATES)[number];
  count: number;
}

/** A scrape never waits longer than this for Redis: a slow Redis leaves the series out. */
const SCRAPE_TIMEOUT_MS = 1000;

/**
 * Counts of both queues on `redis` (the process's producer connection, which fails at
 * once while Redis is away). Rejects when Redis does not answer in time.
 */
export function queueDepth(
  config: ServerConfig,
  redis: RedisConnection,
): { read(): Promise<QueueDepth[]>; close(): Promise<void> } {
  const target = redisTarget(config.queue.redis_url);
  const queues = [MESSAGE_QUEUE, RELAY_QUEUE].map((base) => {
    const queue = new Queue(queueName(base, target), {
      connection: redis,
      prefix: config.queue.prefix,
    });
    // Connection errors are reported by the connection's own listener (redis.ts).
    queue.on('error', () => undefined);
    return { base, queue };
  });
  return {
    async read() {
      if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
      let timer: NodeJS.Timeout | undefined;
      const counts = Promise.all(
        queues.map(async ({ base, queue }) => {
          const got = await queue.getJobCounts(...DEPTH_STATES);
          return DEPTH_STATES.map((state) => ({
            queue: base,
            state,
            count: got[state] ?? 0,
          }));
        }),
      );
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('redis did not answer in time')),
          SCRAPE_TIMEOUT_MS,
        );
      });
      try {
        return (await Promise.race([counts, late])).flat();
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await Promise.all(queues.map(({ queue }) => queue.close().catch(() => undefined)));
    },
  };
}
