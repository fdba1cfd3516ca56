// `oobd serve`: the SMTP server (and, in queue mode, optional worker threads).
import type { Command } from 'commander';
import { checkConfigFiles, loadServerConfig } from '../config/server';
import { ErrorCode, OobdError } from '../errors';
import { addConfigOption, configPath } from './common';
import { parseCount, runUntilSignal } from './run';

interface ServeOptions {
  config?: string;
  workers?: string;
  queue?: string;
}

export function register(program: Command): void {
  addConfigOption(program.command('serve'))
    .description('run the SMTP server on the configured listeners')
    .option('-q, --queue <mode>', 'override queue.mode: "inline" or "bullmq"')
    .option(
      '-w, --workers <n>',
      'in bullmq mode, also run N worker threads here, each what `oobd worker` runs (default 0)',
    )
    .addHelpText(
      'after',
      '\nIn inline mode (the default) every message is parsed, classified and logged before\n' +
        'the 250 reply. In bullmq mode the message is stored in Redis (queue.redis_url or\n' +
        '$REDIS_URL) and processed by workers: `oobd worker` processes, or --workers N here.\n' +
        '\nSignals: SIGTERM/SIGINT stop gracefully (a second one exits at once); SIGHUP reloads\n' +
        'the listener_domains and rules files, keeping the last good set when one is bad.',
    )
    .action(async (opts: ServeOptions) => {
      const config = loadServerConfig(configPath(opts));
      checkConfigFiles(config, { smtp: true });
      if (opts.queue !== undefined && opts.queue !== 'inline' && opts.queue !== 'bullmq') {
        throw new OobdError(
          ErrorCode.UsageError,
          `--queue must be "inline" or "bullmq", got "${opts.queue}"`,
        );
      }
      const mode = opts.queue ?? config.queue.mode;
      const workers = parseCount(opts.workers, 0);
      if (workers === null) {
        throw new OobdError(
          ErrorCode.UsageError,
          `--workers must be a whole number, got "${opts.workers}"`,
        );
      }
      if (workers > 0 && mode !== 'bullmq') {
        throw new OobdError(
          ErrorCode.UsageError,
          '--workers needs queue mode bullmq (--queue bullmq or queue.mode)',
        );
      }
      // The server's modules (smtp-server, bullmq, re2 ...) load only when it runs, so
      // the other subcommands and --help start fast.
      const { createLogger } = require('../logger') as typeof import('../logger');
      const { startService } = require('../lifecycle') as typeof import('../lifecycle');
      const logger = createLogger('oobd');
      const service = await startService(config, { logger, mode, workers });
      await runUntilSignal(service, logger);
    });
}
