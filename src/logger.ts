// Diagnostic logs: pino JSON on stderr. They are kept apart from the product records
// (JSON lines in logs.dir), which are the contract; these are for operators.
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
