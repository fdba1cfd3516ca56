// Diagnostic logs: pino JSON on stderr. They are kept apart from the product records
// (JSON lines in logs.dir), which are the contract; these are for operators.
import { format } from 'node:util';
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level = process.env.OOBD_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    { name, level, base: { pid: process.pid } },
    pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that drops everything (tests, `oobd parse`). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * Sends what libraries print with `console` (BullMQ warns and reports errors that way)
 * to `logger` as pino JSON, so stderr carries one format a log shipper can parse.
 * Lines matching `drop` are discarded: oobd reports those conditions itself, once.
 * Applies to the calling thread (each worker thread has its own console).
 */
export function captureConsole(logger: Logger, drop: readonly RegExp[] = []): void {
  const route =
    (level: 'info' | 'warn' | 'error') =>
    (...args: unknown[]): void => {
      const text = format(...args);
      if (drop.some((re) => re.test(text))) return;
      logger[level]({ console: true }, text);
    };
  console.log = route('info');
  console.info = route('info');
  console.debug = route('info');
  console.warn = route('warn');
  console.error = route('error');
}

/** BullMQ's own warnings that oobd's Redis check words better and gives once (queue/redis.ts). */
export const BULLMQ_DUPLICATES: readonly RegExp[] = [
  /^IMPORTANT! Eviction policy is /,
  /^It is highly recommended to use a minimum Redis version of /,
];
