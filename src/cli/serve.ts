// `oobd serve`: the SMTP server. Signals: SIGTERM/SIGINT stop gracefully (a second
// one exits at once), SIGHUP reloads the domain and rules files.
import type { Command } from 'commander';
import { loadServerConfig } from '../config/server';
import { ErrorCode, OobdError } from '../errors';
import { startService } from '../lifecycle';
import { createLogger } from '../logger';
import { addConfigOption, configPath } from './common';

interface ServeOptions {
  config?: string;
  workers?: string;
  queue?: string;
}

export function register(program: Command): void {
  addConfigOption(program.command('serve'))
    .description('run the SMTP server on the configured listeners')
    .option('-w, --workers <n>', 'also run N BullMQ workers in this process (queue mode)')
    .option('-q, --queue <mode>', 'override queue.mode: inline or bullmq')
    .addHelpText(
      'after',
      '\nSignals: SIGTERM/SIGINT stop gracefully (a second one exits at once); SIGHUP reloads\n' +
        'the listener_domains and rules files, keeping the last good set when one is bad.',
    )
    .action(async (opts: ServeOptions) => {
      const logger = createLogger('oobd');
      const file = configPath(opts);
      const config = loadServerConfig(file);
      if (opts.queue !== undefined && opts.queue !== 'inline' && opts.queue !== 'bullmq') {
        throw new OobdError(ErrorCode.UsageError, `--queue must be "inline" or "bullmq", got "${opts.queue}"`);
      }
      const workers = opts.workers === undefined ? 0 : Number(opts.workers);
      if (!Number.isInteger(workers) || workers < 0) {
        throw new OobdError(ErrorCode.UsageError, `--workers must be a whole number, got "${opts.workers}"`);
      }
      const mode = opts.queue ?? config.queue.mode;
      if (mode === 'bullmq' || workers > 0) {
        throw new OobdError(ErrorCode.NotImplemented, 'queue mode "bullmq" is not built yet');
      }
      const service = await startService(config, { logger });
      await new Promise<void>((resolve) => {
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
          logger.info('SIGHUP: reloading domains and rules');
          service.reload();
        });
      });
    });
}
