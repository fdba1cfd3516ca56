// Keeps a started service running until SIGTERM/SIGINT (graceful stop under one
// budget; a second signal exits at once); SIGHUP reloads its files. When the stop is
// over the process exits, whatever handles a client or a library still holds: exit
// code 0 after a clean stop, 1 when the budget ran out (the stop logged what was open).
import { parseDuration } from '../config/units';
import { ErrorCode, OobdError } from '../errors';
import type { Service } from '../lifecycle';
import type { Logger } from '../logger';

/** Default of --stop-timeout. */
export const DEFAULT_STOP_BUDGET = '30s';

/** `--stop-timeout`: the whole stop's budget, in milliseconds. */
export function parseStopBudget(value: string | undefined): number {
  const ms = parseDuration(value ?? DEFAULT_STOP_BUDGET);
  if (ms === null || ms <= 0) {
    throw new OobdError(
      ErrorCode.UsageError,
      `--stop-timeout: expected a duration such as 30s or 2m, got "${value}"`,
    );
  }
  return ms;
}

function exit(logger: Logger, code: number): void {
  // pino writes asynchronously: flush, then exit (a second's wait at most).
  const timer = setTimeout(() => process.exit(code), 1000);
  logger.flush(() => {
    clearTimeout(timer);
    process.exit(code);
  });
}

export function runUntilSignal(
  service: Service,
  logger: Logger,
  budgetMs = parseStopBudget(undefined),
): Promise<void> {
  return new Promise<void>(() => {
    let signals = 0;
    const stop = (signal: string) => {
      signals++;
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: exiting now');
        exit(logger, 1);
        return;
      }
      logger.info({ signal, budgetMs }, 'shutting down');
      // The stop keeps to its budget; this only catches a stop that itself hangs.
      setTimeout(() => {
        logger.error({ budgetMs }, 'shutdown did not finish; exiting');
        exit(logger, 1);
      }, budgetMs + 5000).unref();
      service.stop(budgetMs).then(
        (report) => exit(logger, report.clean ? 0 : 1),
        (err: unknown) => {
          logger.error({ err: String(err) }, 'shutdown failed');
          exit(logger, 1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      logger.info('SIGHUP: reloading');
      service.reload();
    });
  });
}

/** Parses a --workers style count. */
export function parseCount(value: string | undefined, fallback: number): number | null {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : null;
}
