// `oobd serve`: the SMTP server (and, in queue mode, optional worker threads).
import type { Command } from 'commander';
import { ErrorCode, OobdError } from '../errors';
import { addConfigOption, configPath, serverConfig } from './common';
import { DEFAULT_STOP_BUDGET, parseCount, parseStopBudget, runUntilSignal } from './run';

interface ServeOptions {
  config?: string;
  workers?: string;
  stopTimeout?: string;
  queue?: string;
}

export function register(program: Command): void {
  addConfigOption(program.command('serve'))
    .description('run the SMTP server on the configured listeners')
    .option('-q, --queue <mode>', 'override queue.mode: "inline" or "bullmq"')
    .option(
      '-w, --workers <n>',
      'in bullmq mode, also run N BullMQ workers here (default 0): on the SMTP event loop, or on worker threads with queue.worker_threads = true',
    )
    .option(
      '--stop-timeout <duration>',
      `budget of the whole graceful stop, after which oobd exits naming what was still open (default ${DEFAULT_STOP_BUDGET})`,
    )
    .addHelpText(
      'after',
      '\nIn inline mode (the default) every message is parsed, classified and logged before\n' +
        'the 250 reply. In bullmq mode the message is stored in Redis (queue.redis_url or\n' +
        '$REDIS_URL) and processed by workers: `oobd worker` processes, or --workers N here.\n' +
        '\nSignals: SIGTERM/SIGINT stop gracefully (a second one exits at once): no new\n' +
        'connections, idle clients get 421, messages in DATA get their reply, queues and\n' +
        'logs are flushed, all within --stop-timeout; then oobd exits (code 1 and a log line\n' +
        'naming what was still open when the budget ran out). SIGHUP reloads the\n' +
        'listener_domains and rules files, keeping the last good set when one is bad.\n' +
        '\nA bad rules file stops the start with every problem (file, label and index each)\n' +
        'and the `oobd rules check` command that lists them again; a reload logs the same.',
    )
    .action(async (opts: ServeOptions) => {
      const budgetMs = parseStopBudget(opts.stopTimeout);
      const { loadServerConfig, checkConfigFiles } = serverConfig();
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
      const { BULLMQ_DUPLICATES, captureConsole, createLogger } =
        require('../logger') as typeof import('../logger');
      const { startService } = require('../lifecycle') as typeof import('../lifecycle');
      const logger = createLogger('oobd');
      // Libraries' console lines (BullMQ's) join the pino JSON on stderr.
      captureConsole(logger, BULLMQ_DUPLICATES);
      const service = await startService(config, {
        logger,
        mode,
        workers,
        ...(opts.config === undefined ? {} : { configArg: opts.config }),
      });
      await runUntilSignal(service, logger, budgetMs);
    });
}
