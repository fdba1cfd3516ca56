// Keeps a started service running until SIGTERM/SIGINT (graceful stop; a second
// signal exits at once); SIGHUP reloads its files.
import type { Service } from '../lifecycle';
import type { Logger } from '../logger';

export function runUntilSignal(service: Service, logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    let signals = 0;
    const stop = (signal: string) => {
      signals++;
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      logger.info({ signal }, 'shutting down');
      service.stop().then(resolve, (err: unknown) => {
        logger.error({ err: String(err) }, 'shutdown failed');
        process.exitCode = 1;
        resolve();
      });
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
