// The one place that owns start and shutdown order (STYLE.md §8).
//
// Start:    logs (+ log hooks) → rules → domains → parse pool → queue (+ workers) → http → SMTP.
//           Anything wrong with a file stops here, before a port is bound.
// Stop:     SMTP stops accepting, tells idle clients 421 and lets every message in
//           DATA or past it get its reply → the queue drains (inline: running
//           pipelines; bullmq: pending adds) → workers finish or return their jobs →
//           Redis connections close → pool threads stop → relay connections close →
//           http closes → logs flush and the last segment is made read-only. Log hooks
//           stop first in that last part (their POST in flight gets a few seconds); what
//           they did not send yet they send after the next start, from their checkpoints.
//           All of it under one budget (`stop(budgetMs)`): a stage still running when the
//           budget is spent is left behind and named, and the caller exits (cli/run.ts).
// SIGHUP:   domains and rules files are re-read; a bad file keeps the last good set.
//           The config file itself is not (a warning says so when it was edited).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { normaliseReply } from './classify/normalise';
import { DomainMap } from './config/domains';
import { RulesStore } from './config/rules';
import type { ServerConfig } from './config/server';
import { ErrorCode, OobdError, errorMessage } from './errors';
import { HttpAccess } from './http/access';
import { startHttp } from './http/server';
import { WebView, webRoutes } from './http/web';
import { Metrics } from './http/metrics';
import { HookMetrics } from './hooks/metrics';
import { Hooks } from './hooks/runner';
import { LogWriter } from './log/writer';
import type { Logger } from './logger';
import { LOCAL_MAX_BYTES, LocalProcessor, SMTP_SLICE_MS } from './pipeline/local';
import { ProcessPool } from './pipeline/pool';
import { BullmqQueue, BullmqWorkers } from './queue/bullmq';
import { WorkerThreads } from './queue/worker-threads';
import { InlineQueue } from './queue/inline';
import type { JobQueue, ProcessorDeps } from './queue/job';
import { Quarantine } from './queue/quarantine';
import { queueDepth } from './queue/depth';
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
  /**
   * Deliver config.hooks from this process's log folder. Serve's worker threads pass
   * false: they write to serve's folder, whose hooks serve's main thread delivers.
   * @defaultValue true
   */
  hooks?: boolean;
  /**
   * The --config the command was given, repeated in the commands oobd suggests in its
   * errors and log lines (`oobd hooks replay`, `oobd rules check`) so they read the
   * same config from any directory.
   */
  configArg?: string;
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
  /**
   * Graceful stop under one budget for every stage (@defaultValue 30 s). Resolves
   * when everything is flushed, or when the budget is spent: then `clean` is false
   * and `open` names what was still running (the process should exit anyway).
   */
  stop(budgetMs?: number): Promise<StopReport>;
}

export interface StopReport {
  /** Every stage finished within the budget. */
  clean: boolean;
  /** What was cut off or still running when the budget ran out. */
  open: string[];
}

/**
 * One time budget for the whole stop. Each stage runs with what is left (less a
 * reserve for the stages after it); a stage that outlives its share is named in
 * `open` and the stop goes on without it, so the logs are still flushed.
 */
class StopBudget {
  readonly open: string[] = [];
  private readonly deadline: number;

  constructor(readonly budgetMs: number) {
    this.deadline = Date.now() + budgetMs;
  }

  /** Milliseconds left, less `reserveMs` kept for later stages. */
  left(reserveMs = 0): number {
    return Math.max(0, this.deadline - reserveMs - Date.now());
  }

  /** The reserve the final stages (threads, logs) keep from the draining ones. */
  get reserve(): number {
    return Math.min(5000, Math.floor(this.budgetMs / 4));
  }

  async run(
    what: string,
    stage: (ms: number) => Promise<unknown> | unknown,
    reserveMs = 0,
  ): Promise<void> {
    const ms = this.left(reserveMs);
    let timer: NodeJS.Timeout | undefined;
    const finished = Promise.resolve()
      .then(() => stage(ms))
      .then(
        () => true,
        (err: unknown) => {
          this.open.push(`${what}: failed: ${errorMessage(err)}`);
          return true;
        },
      );
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const done = await Promise.race([finished, late]);
    clearTimeout(timer);
    if (!done) this.open.push(what);
  }

  /** Logs the outcome; the report the caller exits by. */
  finish(logger: Logger, records: number): StopReport {
    if (this.open.length === 0) {
      logger.info({ records }, 'stopped');
      return { clean: true, open: [] };
    }
    logger.error(
      { budgetMs: this.budgetMs, open: this.open, records },
      'shutdown budget spent; exiting with these still open',
    );
    return { clean: false, open: [...this.open] };
  }
}

/**
 * The outcome of the last reload, for /metrics (Prometheus' reload-status gauges and a
 * failure counter) and /healthz (degraded while the previous files are in effect).
 */
class ReloadStatus {
  private failure: { at: Date; errors: string[] } | null = null;

  constructor(private readonly metrics: Metrics) {}

  record(report: ReloadReport): void {
    if (report.errors.length === 0) {
      this.failure = null;
      this.metrics.reloadSuccessful.set(1);
      this.metrics.reloadSuccessTimestamp.set(Date.now() / 1000);
      return;
    }
    this.failure = { at: new Date(), errors: report.errors };
    this.metrics.reloadSuccessful.set(0);
    if (report.domains === 'kept') this.metrics.reloadFailures.inc({ files: 'domains' });
    if (report.rules === 'kept') this.metrics.reloadFailures.inc({ files: 'rules' });
  }

  /** Why the service runs on older files than its config names, or null. */
  degraded(): string | null {
    if (!this.failure) return null;
    return (
      `the last reload failed at ${this.failure.at.toISOString()}; serving with the previous files\n` +
      this.failure.errors.join('\n')
    );
  }
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

/** SHA-256 of the config file's bytes, or null when it cannot be read (the package's own, removed). */
function configFileDigest(file: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

interface Core {
  log: LogWriter;
  /**
   * Null where nothing is processed in this thread (serve in bullmq mode); parse
   * threads for serve inline, this thread for a queue worker (`parsing` of openCore).
   */
  pool: ProcessPool | LocalProcessor | null;
  relayer: Relayer;
  deps: ProcessorDeps;
  metrics: Metrics;
  reloadStatus: ReloadStatus;
  /** Re-reads the rules files; on failure the error (file, label, index) and the last good rules kept. */
  reloadRules(): { rules: 'reloaded' | 'kept'; error: string | null };
  /** The end of every stop, once no work arrives any more: threads, relays, http, logs. */
  close(closeHttp: () => Promise<void>, budget: StopBudget): Promise<StopReport>;
}

/**
 * Where a service parses and classifies: 'threads' is serve inline, on the SMTP
 * thread in slices for messages up to `smtp_thread_max_bytes` and on `pool_size`
 * parse threads above it (all of them there when it is 0: pipeline/local.ts says
 * why); 'here' is a queue worker, on its own thread (it has no SMTP loop to keep
 * free), a parse thread only above 1 MiB; 'none' is serve in bullmq mode, whose
 * messages are processed by the workers (the rules are still compiled, so a bad file
 * stops the start).
 */
type Parsing = 'threads' | 'here' | 'none';

/** What both `serve` and `worker` need: logs, rules, the parse pool, relaying, quarantine. */
async function openCore(
  config: ServerConfig,
  opts: ServiceOptions,
  cleanups: Array<() => unknown>,
  parsing: Parsing,
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
  // serve inline parses messages up to this size on the SMTP thread (0: none).
  const smtpThreadMaxBytes = config.classifier.smtp_thread_max_bytes;
  // Compiled once here, so a bad pattern stops the start with the file, label and
  // index; parse threads compile the same text. The compiled copy is kept only where
  // this thread classifies.
  const rules = new RulesStore({
    files: config.classifier.files,
    classifier: classifierOptions(config),
    logger,
    keepClassifier: parsing === 'here' || (parsing === 'threads' && smtpThreadMaxBytes > 0),
    ...(opts.configArg === undefined ? {} : { configArg: opts.configArg }),
  });
  rules.load();
  // Hooks start once the rules are known good: a start that a bad file stops POSTs nothing.
  const hooks = await startHooks(config, opts, log, metrics);
  cleanups.push(() => hooks?.stop(HOOKS_STOP_MS));
  const common = {
    nodeid: log.nodeid,
    parse: { traceHeaders: config.reports.trace_headers },
    classifier: classifierOptions(config),
    backPressure: config.classifier.back_pressure,
  };
  const smtpThread = {
    poolSize: config.classifier.pool_size,
    maxLocalBytes: smtpThreadMaxBytes,
    sliceMs: SMTP_SLICE_MS,
  };
  const pool =
    parsing === 'none'
      ? null
      : parsing === 'threads' && smtpThreadMaxBytes === 0
        ? new ProcessPool({ ...common, size: config.classifier.pool_size, sources: rules.sources })
        : new LocalProcessor({ ...common, rules, ...(parsing === 'threads' ? smtpThread : {}) });
  cleanups.push(() => pool?.close());
  if (pool) metrics.addParseThreads(() => pool.size);
  const relayer = new Relayer({ hostname: config.smtp.hostname, timeoutMs: config.relay.timeout });
  cleanups.push(() => relayer.close());
  const startDigest = configFileDigest(config.file);
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
    reloadStatus: new ReloadStatus(metrics),
    reloadRules() {
      // SIGHUP re-reads the files the config names, not the config itself (its
      // listeners, hooks, queue and folders are live objects): say so when the file
      // was edited, so "reload finished" is not read as "my [[hooks]] are in".
      if (configFileDigest(config.file) !== startDigest)
        logger.warn(
          { file: config.file },
          'the config file changed since start; SIGHUP reloads only the domain and rules files it names: restart oobd for the rest ([[hooks]], [smtp], [http], [queue], [logs], the lists of files)',
        );
      // The store logs a failure (file, label, index) and keeps the last good rules.
      const result = rules.reload();
      if (!result.reloaded) return { rules: 'kept', error: result.error.message };
      pool?.reload(rules.sources);
      return { rules: 'reloaded', error: null };
    },
    async close(closeHttp, budget) {
      await budget.run('log hooks (a POST in flight)', () => hooks?.stop(HOOKS_STOP_MS));
      await budget.run(`parsing (${pool?.inFlight ?? 0} message(s) waiting for it)`, () =>
        pool?.close(),
      );
      relayer.close();
      // http closes after the drain, so /metrics shows it to the end.
      await budget.run('http server', closeHttp);
      await budget.run('log segment flush', () => log.close());
      return budget.finish(logger, log.recordsWritten);
    },
  };
}

/** How long a stopping hook waits for its POST in flight before aborting it (it is resent after the next start). */
const HOOKS_STOP_MS = 5000;

/** The log hooks over this process's log folder, started; null when there are none to run here. */
async function startHooks(
  config: ServerConfig,
  opts: ServiceOptions,
  log: LogWriter,
  metrics: Metrics,
): Promise<Hooks | null> {
  if (opts.hooks === false || config.hooks.length === 0) return null;
  const hooks = new Hooks(config.hooks, {
    logsDir: config.logs.dir,
    nodeid: log.nodeid,
    maxSegmentDurationMs: config.logs.max_segment_duration,
    logger: opts.logger,
    metrics: new HookMetrics(metrics.registry),
    ...(opts.configArg === undefined ? {} : { configArg: opts.configArg }),
  });
  await hooks.start();
  return hooks;
}

/** What to do about a listener that would not bind, by the error's code. */
const LISTEN_ADVICE: Readonly<Record<string, string>> = {
  EADDRINUSE:
    'address already in use: another program (another oobd?) listens there; stop it or change the address',
  EACCES:
    'permission denied: a port below 1024 needs root or CAP_NET_BIND_SERVICE (see contrib/oobd.service)',
  EADDRNOTAVAIL: 'no interface of this machine has that address',
};

/**
 * Binds a listener; a failure names the address, the config key and file that set it,
 * and what to do (`listen EADDRINUSE: address already in use 127.0.0.1:9025` names
 * neither the key nor the file).
 */
async function bindListener<T>(
  key: string,
  configFile: string,
  bind: () => Promise<T>,
): Promise<T> {
  try {
    return await bind();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
    if (e.syscall !== 'listen' || e.code === undefined) throw err;
    const where = e.address === undefined ? '' : ` ${e.address}:${e.port ?? ''}`;
    const advice = LISTEN_ADVICE[e.code] ?? errorMessage(err);
    throw new OobdError(
      ErrorCode.ListenFailed,
      `cannot listen on${where} (${key} in ${configFile}): ${advice}`,
      { cause: err },
    );
  }
}

async function openHttp(
  config: ServerConfig,
  core: Core,
  problem: () => Promise<string | null>,
  cleanups: Array<() => unknown>,
  logger: Logger,
): Promise<{ address: string | null; close: () => Promise<void> }> {
  const listen = config.http.listen;
  if (listen === '') return { address: null, close: async () => undefined };
  const web = await startWeb(config, core.metrics, logger, cleanups);
  const http = await bindListener('http.listen', config.file, () =>
    startHttp(
      listen,
      core.metrics,
      { problem, degraded: () => core.reloadStatus.degraded() },
      web.routes,
    ),
  );
  const close = async () => {
    // Event streams end first: they would hold server.close() open.
    await web.close();
    await new Promise<void>((resolve) => {
      http.server.close(() => resolve());
      http.server.closeAllConnections();
    });
  };
  cleanups.push(close);
  return { address: http.address, close };
}

/** Access control for http.listen, and the web view unless http.web is off. */
async function startWeb(
  config: ServerConfig,
  metrics: Metrics,
  logger: Logger,
  cleanups: Array<() => unknown>,
) {
  const access = new HttpAccess({ token: config.http.token ?? null });
  const view = config.http.web
    ? await WebView.start({
        config,
        logger,
        registry: metrics.registry,
        // The grouping of `oobd rules audit`.
        groupReply: normaliseReply,
      })
    : null;
  cleanups.push(() => view?.close());
  return { routes: webRoutes(access, view), close: async () => view?.close() };
}

export async function startService(config: ServerConfig, opts: ServiceOptions): Promise<Service> {
  const { logger } = opts;
  const mode = opts.mode ?? config.queue.mode;
  const cleanups: Array<() => unknown> = [];
  try {
    // First, so a bad domains file stops the start before logs, rules and hooks open.
    let domains = DomainMap.load(config.domains.files);
    // serve --workers N without queue.worker_threads: the workers run on this thread,
    // which parses their messages the way serve inline parses its own.
    const sameThreadWorkers =
      mode === 'bullmq' && (opts.workers ?? 0) > 0 && !config.queue.worker_threads;
    const core = await openCore(
      config,
      opts,
      cleanups,
      mode === 'bullmq' && !sameThreadWorkers ? 'none' : 'threads',
    );

    let queue: JobQueue;
    let workers: WorkerThreads | BullmqWorkers | null = null;
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
      const edgeQueue = new BullmqQueue(config, redis);
      queue = edgeQueue;
      if (config.http.listen !== '') {
        const depth = queueDepth(config, redis);
        core.metrics.addQueueDepth(() => depth.read());
        closeRedis = async () => {
          await depth.close();
          redis.disconnect();
        };
        cleanups.push(closeRedis);
      }
      if (sameThreadWorkers) {
        // One V8 heap and one compiled rule set for the edge and the workers: about
        // 12% less CPU per message and 40 MB less peak RSS under bench/smtp.js load
        // than a worker thread (issue 17, docs/parsing.md); a thread leaves the edge
        // more of its own core (in-process Workers once left the edge 15% less
        // throughput than a separate worker).
        const here = new BullmqWorkers({
          config,
          deps: core.deps,
          count: opts.workers ?? 1,
          logger,
          edge: edgeQueue,
        });
        workers = here;
        cleanups.push(() => here.close());
      } else if ((opts.workers ?? 0) > 0) {
        // Threads (queue.worker_threads): the jobs' Redis round trips and bookkeeping
        // stay off the SMTP edge's thread.
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

    const http = await openHttp(config, core, problem, cleanups, logger);
    const edge = new SmtpEdge({
      config,
      domains: () => domains,
      queue,
      log: core.log,
      logger,
      metrics: core.metrics,
    });
    const smtpAddresses = await bindListener('smtp.listen', config.file, () => edge.start());
    cleanups.push(() => edge.stop());
    logger.info(
      {
        smtp: smtpAddresses,
        http: http.address,
        mode,
        workers: opts.workers ?? 0,
        ...(mode === 'bullmq' && (opts.workers ?? 0) > 0
          ? { workerThreads: config.queue.worker_threads }
          : {}),
        pool: core.pool?.size ?? 0,
        domains: domains.size,
        rules: config.classifier.files,
        logs: config.logs.dir,
        nodeid: core.log.nodeid,
      },
      'oobd serving',
    );

    let stopping: Promise<StopReport> | null = null;
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
        const rules = core.reloadRules();
        report.rules = rules.rules;
        if (rules.error !== null) report.errors.push(rules.error);
        // Worker threads re-read the rules files themselves (and keep theirs on error);
        // workers on this thread use the rules just reloaded.
        if (workers instanceof WorkerThreads) workers.reload();
        core.reloadStatus.record(report);
        logger.info({ domains: report.domains, rules: report.rules }, 'reload finished');
        return report;
      },
      stop(budgetMs = 30_000): Promise<StopReport> {
        stopping ??= (async () => {
          logger.info({ budgetMs }, 'stopping: no new transactions');
          const budget = new StopBudget(budgetMs);
          await budget.run(
            'SMTP connections',
            async (ms) => budget.open.push(...(await edge.stop(ms))),
            budget.reserve,
          );
          await budget.run(
            `${queue.mode} queue (${queue.inFlight} message(s) being handed off)`,
            () => queue.close(),
            budget.reserve,
          );
          if (workers instanceof WorkerThreads) {
            const threads = workers;
            await budget.run('worker threads', (ms) => threads.stop(ms));
          } else if (workers) {
            // Jobs still running at the deadline come back to the queue when their locks expire.
            const here = workers;
            await budget.run('bullmq workers (running jobs)', () => here.close(), budget.reserve);
          }
          await budget.run('redis connection', closeRedis);
          cleanups.length = 0;
          return core.close(http.close, budget);
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
    const core = await openCore(config, opts, cleanups, 'here');
    const { redis, problem } = await openCheckedConnection(
      redisTarget(config.queue.redis_url),
      logger,
      5000,
      'redis unreachable at start: workers will pick up jobs when it is back',
    );
    cleanups.push(() => redis.disconnect());
    let depth: ReturnType<typeof queueDepth> | null = null;
    if (config.http.listen !== '') {
      const reader = queueDepth(config, redis);
      depth = reader;
      core.metrics.addQueueDepth(() => reader.read());
      cleanups.push(() => reader.close());
    }
    const workers = new BullmqWorkers({
      config,
      deps: core.deps,
      count: opts.workers ?? 1,
      logger,
    });
    cleanups.push(() => workers.close());
    const http = await openHttp(config, core, problem, cleanups, logger);
    logger.info(
      {
        mode: 'bullmq',
        workers: opts.workers ?? 1,
        concurrency: config.queue.concurrency,
        // Messages are parsed on the worker's thread; larger than this, on a pool thread.
        parse: { here: true, threadsAboveBytes: LOCAL_MAX_BYTES },
        logs: config.logs.dir,
        nodeid: core.log.nodeid,
      },
      'oobd worker running',
    );
    let stopping: Promise<StopReport> | null = null;
    return {
      config,
      mode: 'bullmq',
      smtpAddresses: [],
      httpAddress: http.address,
      metrics: core.metrics,
      log: core.log,
      reload(): ReloadReport {
        const rules = core.reloadRules();
        const report: ReloadReport = {
          domains: 'n/a',
          rules: rules.rules,
          errors: rules.error === null ? [] : [rules.error],
        };
        core.reloadStatus.record(report);
        logger.info({ rules: report.rules }, 'reload finished');
        return report;
      },
      stop(budgetMs = 30_000): Promise<StopReport> {
        stopping ??= (async () => {
          logger.info({ budgetMs }, 'stopping: finishing running jobs');
          const budget = new StopBudget(budgetMs);
          // Jobs still running at the deadline come back to the queue when their locks expire.
          await budget.run('bullmq workers (running jobs)', () => workers.close(), budget.reserve);
          await budget.run('redis connection', async () => {
            await depth?.close();
            redis.disconnect();
          });
          cleanups.length = 0;
          return core.close(http.close, budget);
        })();
        return stopping;
      },
    };
  } catch (err) {
    await unwind(cleanups);
    throw err;
  }
}
