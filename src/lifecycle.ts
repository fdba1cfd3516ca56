// The one place that owns start and shutdown order (STYLE.md §8).
//
// Start:    logs → rules → domains → parse pool → queue (+ workers) → http → SMTP.
//           Anything wrong with a file stops here, before a port is bound.
// Stop:     SMTP stops accepting and lets every message past DATA get its reply →
//           the queue drains (inline: running pipelines; bullmq: pending adds) →
//           workers finish or return their jobs → Redis connections close → pool
//           threads stop → relay connections close → http closes → logs flush and
//           the last segment is made read-only.
// SIGHUP:   domains and rules files are re-read; a bad file keeps the last good set.
import { DomainMap } from './config/domains';
import { RulesStore } from './config/rules';
import type { ServerConfig } from './config/server';
import { ErrorCode, OobdError, errorMessage } from './errors';
import { startHttp } from './http/server';
import { Metrics } from './http/metrics';
import { LogWriter } from './log/writer';
import type { Logger } from './logger';
import { ProcessPool } from './pipeline/pool';
import { BullmqQueue, BullmqWorkers } from './queue/bullmq';
import { WorkerThreads } from './queue/worker-threads';
import { InlineQueue } from './queue/inline';
import type { JobQueue, ProcessorDeps } from './queue/job';
import { Quarantine } from './queue/quarantine';
import { checkRedis, openCheckedConnection, redisTarget } from './queue/redis';
import { Relayer } from './relay/relay';
import { SmtpEdge } from './smtp/server';

export interface ServiceOptions {
  logger: Logger;
  /** Overrides queue.mode. */
  mode?: 'inline' | 'bullmq';
  /**
   * serve: BullMQ worker threads to run inside this process (bullmq mode), each what
   * `oobd worker` runs. worker: BullMQ Worker instances on this process's event loop.
   * @defaultValue serve 0, worker 1
   */
  workers?: number;
  /** Collect process metrics (CPU, heap) too. @defaultValue true */
  defaultMetrics?: boolean;
}

export interface ReloadReport {
  domains: 'reloaded' | 'kept' | 'n/a';
  rules: 'reloaded' | 'kept';
  errors: string[];
}

export interface Service {
  readonly config: ServerConfig;
  readonly mode: 'inline' | 'bullmq';
  /** Bound SMTP listeners, "ip:port" (none for a worker-only process). */
  readonly smtpAddresses: string[];
  /** Bound /metrics address, or null when disabled. */
  readonly httpAddress: string | null;
  readonly metrics: Metrics;
  readonly log: LogWriter;
  /** Re-reads domain and rules files; keeps the last good set of each on error. */
  reload(): ReloadReport;
  /** Graceful stop; resolves when everything is flushed. */
  stop(deadlineMs?: number): Promise<void>;
}

function classifierOptions(config: ServerConfig) {
  return {
    cacheSize: config.classifier.cache_size,
    uncategorizedCacheSize: config.classifier.uncategorized_cache_size,
  };
}

/** Runs the cleanups in reverse order, ignoring failures (used when start fails half-way). */
async function unwind(cleanups: Array<() => Promise<unknown> | unknown>): Promise<void> {
  for (const cleanup of cleanups.reverse())
    await Promise.resolve()
      .then(cleanup)
      .catch(() => undefined);
}

interface Core {
  log: LogWriter;
  /** Null where nothing is processed in this thread (serve in bullmq mode). */
  pool: ProcessPool | null;
  relayer: Relayer;
  deps: ProcessorDeps;
  metrics: Metrics;
  reloadRules(): 'reloaded' | 'kept';
  /** The end of every stop, once no work arrives any more: threads, relays, http, logs. */
  close(closeHttp: () => Promise<void>): Promise<void>;
}

/**
 * What both `serve` and `worker` need: logs, rules, the parse pool, relaying, quarantine.
 * `withPool` false: the rules are still compiled (a bad file stops the start) but no
 * parse threads are started, for a serve whose messages are processed elsewhere.
 */
async function openCore(
  config: ServerConfig,
  opts: ServiceOptions,
  cleanups: Array<() => unknown>,
  withPool = true,
): Promise<Core> {
  const { logger } = opts;
  const log = await LogWriter.open({
    dir: config.logs.dir,
    maxSegmentBytes: config.logs.max_segment_bytes,
    maxSegmentDurationMs: config.logs.max_segment_duration,
    fsync: config.logs.fsync,
  });
  cleanups.push(() => log.close());
  const metrics = new Metrics({ defaultMetrics: opts.defaultMetrics ?? true });
  // Compiled once here, in the main thread, so a bad pattern stops the start with the
  // file, label and index; the threads compile the same text.
  const rules = new RulesStore({
    files: config.classifier.files,
    classifier: classifierOptions(config),
    logger,
  });
  rules.load();
  const pool = withPool
    ? new ProcessPool({
        size: config.classifier.pool_size,
        nodeid: log.nodeid,
        sources: rules.sources,
        classifier: classifierOptions(config),
        backPressure: config.classifier.back_pressure,
      })
    : null;
  cleanups.push(() => pool?.close());
  const relayer = new Relayer({ hostname: config.smtp.hostname, timeoutMs: config.relay.timeout });
  cleanups.push(() => relayer.close());
  const deps: ProcessorDeps = {
    process: (job) =>
      pool
        ? pool.process(job)
        : Promise.reject(
            new OobdError(ErrorCode.ProcessingFailed, 'this process has no parse threads'),
          ),
    log,
    relayer,
    quarantine: new Quarantine(config.queue.quarantine_dir, config.queue.quarantine_max_bytes),
    logger,
    metrics,
  };
  return {
    log,
    pool,
    relayer,
    deps,
    metrics,
    reloadRules() {
      // The store logs a failure (file, label, index) and keeps the last good rules.
      if (!rules.reload().reloaded) return 'kept';
      pool?.reload(rules.sources);
      return 'reloaded';
    },
    async close(closeHttp) {
      await pool?.close();
      relayer.close();
      // http closes after the drain, so /metrics shows it to the end.
      await closeHttp();
      await log.close();
      logger.info({ records: log.recordsWritten }, 'stopped');
    },
  };
}

async function openHttp(
  config: ServerConfig,
  metrics: Metrics,
  problem: () => Promise<string | null>,
  cleanups: Array<() => unknown>,
): Promise<{ address: string | null; close: () => Promise<void> }> {
  if (config.http.listen === '') return { address: null, close: async () => undefined };
  const http = await startHttp(config.http.listen, metrics, { problem });
  const close = () =>
    new Promise<void>((resolve) => {
      http.server.close(() => resolve());
      http.server.closeAllConnections();
    });
  cleanups.push(close);
  return { address: http.address, close };
}

export async function startService(config: ServerConfig, opts: ServiceOptions): Promise<Service> {
  const { logger } = opts;
  const mode = opts.mode ?? config.queue.mode;
  const cleanups: Array<() => unknown> = [];
  try {
    const core = await openCore(config, opts, cleanups, mode !== 'bullmq');
    let domains = DomainMap.load(config.domains.files);

    let queue: JobQueue;
    let workers: WorkerThreads | null = null;
    let problem = async (): Promise<string | null> => null;
    let closeRedis = async (): Promise<void> => undefined;
    if (mode === 'bullmq') {
      // A Redis that is reachable must be good enough; one that is down is waited for
      // (messages get 451 meanwhile), and checked when it comes up.
      const target = redisTarget(config.queue.redis_url);
      const checked = await openCheckedConnection(
        target,
        logger,
        3000,
        'redis unreachable at start: messages get 451 4.3.0 until it is back',
      );
      const redis = checked.redis;
      closeRedis = async () => void redis.disconnect();
      cleanups.push(closeRedis);
      problem = checked.problem;
      redis.on('ready', () => {
        checkRedis(redis, target, logger).catch((err: unknown) =>
          logger.error({ err: errorMessage(err) }, 'redis check failed'),
        );
      });
      queue = new BullmqQueue(config, redis);
      if ((opts.workers ?? 0) > 0) {
        // Threads, not Workers on this event loop: the jobs' Redis round trips and
        // bookkeeping would otherwise take the SMTP edge's thread (measured: the
        // in-process Workers left the edge 15% less throughput than a separate worker).
        const threads = new WorkerThreads({ config, count: opts.workers ?? 0, logger });
        workers = threads;
        cleanups.push(() => threads.stop(5000));
        await threads.start();
        core.metrics.addSource(() => threads.metrics());
      }
    } else {
      queue = new InlineQueue(core.deps);
    }
    cleanups.push(() => queue.close());

    const http = await openHttp(config, core.metrics, problem, cleanups);
    const edge = new SmtpEdge({
      config,
      domains: () => domains,
      queue,
      log: core.log,
      logger,
      metrics: core.metrics,
    });
    const smtpAddresses = await edge.start();
    cleanups.push(() => edge.stop());
    logger.info(
      {
        smtp: smtpAddresses,
        http: http.address,
        mode,
        workers: opts.workers ?? 0,
        pool: core.pool?.size ?? 0,
        domains: domains.size,
        rules: config.classifier.files,
        logs: config.logs.dir,
        nodeid: core.log.nodeid,
      },
      'oobd serving',
    );

    let stopping: Promise<void> | null = null;
    return {
      config,
      mode,
      smtpAddresses,
      httpAddress: http.address,
      metrics: core.metrics,
      log: core.log,
      reload(): ReloadReport {
        const report: ReloadReport = { domains: 'kept', rules: 'kept', errors: [] };
        try {
          domains = DomainMap.load(config.domains.files);
          report.domains = 'reloaded';
        } catch (err) {
          report.errors.push(errorMessage(err));
          logger.error(
            { err: errorMessage(err) },
            'domains reload failed; keeping the previous map',
          );
        }
        report.rules = core.reloadRules();
        // The threads re-read the rules files themselves (and keep theirs on error).
        workers?.reload();
        logger.info({ domains: report.domains, rules: report.rules }, 'reload finished');
        return report;
      },
      stop(deadlineMs = 30_000): Promise<void> {
        stopping ??= (async () => {
          logger.info({ deadlineMs }, 'stopping: no new transactions');
          await edge.stop(deadlineMs);
          await queue.close();
          await workers?.stop(deadlineMs);
          await closeRedis();
          cleanups.length = 0;
          await core.close(http.close);
        })();
        return stopping;
      },
    };
  } catch (err) {
    await unwind(cleanups);
    throw err;
  }
}

/** `oobd worker`: BullMQ workers only, no SMTP. */
export async function startWorker(config: ServerConfig, opts: ServiceOptions): Promise<Service> {
  const { logger } = opts;
  const cleanups: Array<() => unknown> = [];
  try {
    const core = await openCore(config, opts, cleanups);
    const { redis, problem } = await openCheckedConnection(
      redisTarget(config.queue.redis_url),
      logger,
      5000,
      'redis unreachable at start: workers will pick up jobs when it is back',
    );
    cleanups.push(() => redis.disconnect());
    const workers = new BullmqWorkers({
      config,
      deps: core.deps,
      count: opts.workers ?? 1,
      logger,
    });
    cleanups.push(() => workers.close());
    const http = await openHttp(config, core.metrics, problem, cleanups);
    logger.info(
      {
        mode: 'bullmq',
        workers: opts.workers ?? 1,
        concurrency: config.queue.concurrency,
        pool: core.pool?.size ?? 0,
        logs: config.logs.dir,
        nodeid: core.log.nodeid,
      },
      'oobd worker running',
    );
    let stopping: Promise<void> | null = null;
    return {
      config,
      mode: 'bullmq',
      smtpAddresses: [],
      httpAddress: http.address,
      metrics: core.metrics,
      log: core.log,
      reload(): ReloadReport {
        const report: ReloadReport = { domains: 'n/a', rules: core.reloadRules(), errors: [] };
        logger.info({ rules: report.rules }, 'reload finished');
        return report;
      },
      stop(): Promise<void> {
        stopping ??= (async () => {
          logger.info('stopping: finishing running jobs');
          await workers.close();
          redis.disconnect();
          cleanups.length = 0;
          await core.close(http.close);
        })();
        return stopping;
      },
    };
  } catch (err) {
    await unwind(cleanups);
    throw err;
  }
}
