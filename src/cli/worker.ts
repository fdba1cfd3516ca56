// `oobd worker`: processes queued messages from Redis (queue mode). Run any number,
// on any machine that reaches the Redis of queue.redis_url (or $REDIS_URL).
import type { Command } from 'commander';
import { ErrorCode, OobdError } from '../errors';
import { addConfigOption, configPath, serverConfig } from './common';
import { DEFAULT_STOP_BUDGET, parseCount, parseStopBudget, runUntilSignal } from './run';

interface WorkerOptions {
  config?: string;
  workers?: string;
  stopTimeout?: string;
}

export function register(program: Command): void {
  addConfigOption(program.command('worker'))
    .description('run BullMQ workers that process messages queued by `oobd serve` in bullmq mode')
    .option(
      '-w, --workers <n>',
      'BullMQ worker instances in this process, each running queue.concurrency jobs (default 1)',
    )
    .option(
      '--stop-timeout <duration>',
      `budget of the whole graceful stop, after which the worker exits naming what was still open (default ${DEFAULT_STOP_BUDGET})`,
    )
    .addHelpText(
      'after',
      '\nRecords go to logs.dir of this machine. The process parses and classifies on\n' +
        'its main thread (classifier.pool_size is for serve inline), starting one parse\n' +
        'thread only for a message above 1 MiB. /metrics and /healthz are served on\n' +
        'http.listen: beside an oobd serve with the same config, give the worker another\n' +
        'address (or ""). SIGTERM finishes running jobs (or returns them to the queue)\n' +
        'before exiting; SIGHUP reloads the rules files.',
    )
    .action(async (opts: WorkerOptions) => {
      const budgetMs = parseStopBudget(opts.stopTimeout);
      const { loadServerConfig, checkConfigFiles } = serverConfig();
      const config = loadServerConfig(configPath(opts));
      checkConfigFiles(config, { smtp: false });
      const workers = parseCount(opts.workers, 1);
      if (workers === null || workers === 0) {
        throw new OobdError(
          ErrorCode.UsageError,
          `--workers must be a whole number of at least 1, got "${opts.workers}"`,
        );
      }
      // The server's modules (smtp-server, bullmq, re2 ...) load only when it runs, so
      // the other subcommands and --help start fast.
      const { BULLMQ_DUPLICATES, captureConsole, createLogger } =
        require('../logger') as typeof import('../logger');
      const { startWorker } = require('../lifecycle') as typeof import('../lifecycle');
      const logger = createLogger('oobd-worker');
      // Libraries' console lines (BullMQ's) join the pino JSON on stderr.
      captureConsole(logger, BULLMQ_DUPLICATES);
      const service = await startWorker(config, {
        logger,
        workers,
        ...(opts.config === undefined ? {} : { configArg: opts.config }),
      });
      await runUntilSignal(service, logger, budgetMs);
    });
}
