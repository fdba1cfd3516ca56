// The one place that owns start and shutdown order (STYLE.md §8).
//
// Start:    logs → rules → domains → parse pool → queue → http → SMTP listeners.
//           Anything wrong with a file stops here, before a port is bound.
// Stop:     SMTP stops accepting and lets every message past DATA get its reply →
//           queue drains → pool threads stop → relay connections close → http
//           closes → logs flush and the last segment is made read-only.
// SIGHUP:   domains and rules files are re-read; a bad file keeps the last good set.
import { compileClassifier, type RulesSource } from './classify/index';
import { DomainMap } from './config/domains';
import { loadRulesSources } from './config/rules-sources';
import type { ServerConfig } from './config/server';
import { errorMessage } from './errors';
import { startHttp } from './http/server';
import { Metrics } from './http/metrics';
import { LogWriter } from './log/writer';
import type { Logger } from './logger';
import { AnalyzePool } from './pipeline/pool';
import { InlineQueue } from './queue/inline';
import type { JobQueue, ProcessorDeps } from './queue/job';
import { Quarantine } from './queue/quarantine';
import { Relayer } from './relay/relay';
import { SmtpEdge } from './smtp/server';

export interface ServiceOptions {
  logger: Logger;
  /** Collect process metrics (CPU, heap) too. @defaultValue true */
  defaultMetrics?: boolean;
}

export interface ReloadReport {
  domains: 'reloaded' | 'kept';
  rules: 'reloaded' | 'kept';
  errors: string[];
}

export interface Service {
  readonly config: ServerConfig;
  /** Bound SMTP listeners, "ip:port". */
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

function compileSources(config: ServerConfig): RulesSource[] {
  const sources = loadRulesSources(config.classifier.files);
  // Compiling here validates the rules before a thread sees them.
  compileClassifier(sources, {
    cacheSize: config.classifier.cache_size,
    uncategorizedCacheSize: config.classifier.uncategorized_cache_size,
  });
  return sources;
}

export async function startService(config: ServerConfig, opts: ServiceOptions): Promise<Service> {
  const { logger } = opts;
  const log = await LogWriter.open({
    dir: config.logs.dir,
    maxSegmentBytes: config.logs.max_segment_bytes,
    maxSegmentDurationMs: config.logs.max_segment_duration,
    fsync: config.logs.fsync,
  });
  const cleanups: Array<() => Promise<void> | void> = [() => log.close()];
  const unwind = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  };
  try {
    let sources = compileSources(config);
    let domains = DomainMap.load(config.domains.files);
    const metrics = new Metrics({ defaultMetrics: opts.defaultMetrics ?? true });

    const pool = new AnalyzePool({
      size: config.classifier.pool_size,
      sources,
      classifier: {
        cacheSize: config.classifier.cache_size,
        uncategorizedCacheSize: config.classifier.uncategorized_cache_size,
      },
      backPressure: config.classifier.back_pressure,
    });
    cleanups.push(() => pool.close());
    const relayer = new Relayer({ hostname: config.smtp.hostname, timeoutMs: config.relay.timeout });
    cleanups.push(() => relayer.close());
    const deps: ProcessorDeps = {
      analyze: (raw) => pool.analyze(raw),
      log,
      relayer,
      quarantine: new Quarantine(config.queue.quarantine_dir, config.queue.quarantine_max_bytes),
      logger,
      metrics,
    };
    const queue: JobQueue = new InlineQueue(deps);
    cleanups.push(() => queue.close());

    let httpAddress: string | null = null;
    let closeHttp = async (): Promise<void> => undefined;
    if (config.http.listen !== '') {
      const http = await startHttp(config.http.listen, metrics, {
        problem: async () => null,
      });
      httpAddress = http.address;
      closeHttp = () =>
        new Promise<void>((resolve) => {
          http.server.close(() => resolve());
          http.server.closeAllConnections();
        });
      cleanups.push(closeHttp);
    }

    const edge = new SmtpEdge({ config, domains: () => domains, queue, log, logger, metrics });
    const smtpAddresses = await edge.start();
    cleanups.push(() => edge.stop());
    logger.info(
      {
        smtp: smtpAddresses,
        http: httpAddress,
        mode: queue.mode,
        pool: pool.size,
        domains: domains.size,
        rules: config.classifier.files,
        logs: config.logs.dir,
        nodeid: log.nodeid,
      },
      'oobd serving',
    );

    let stopping: Promise<void> | null = null;
    return {
      config,
      smtpAddresses,
      httpAddress,
      metrics,
      log,
      reload(): ReloadReport {
        const report: ReloadReport = { domains: 'kept', rules: 'kept', errors: [] };
        try {
          domains = DomainMap.load(config.domains.files);
          report.domains = 'reloaded';
        } catch (err) {
          report.errors.push(errorMessage(err));
          logger.error({ err: errorMessage(err) }, 'domains reload failed; keeping the previous map');
        }
        try {
          sources = compileSources(config);
          pool.reload(sources);
          report.rules = 'reloaded';
        } catch (err) {
          report.errors.push(errorMessage(err));
          logger.error({ err: errorMessage(err) }, 'rules reload failed; keeping the previous rules');
        }
        logger.info({ domains: report.domains, rules: report.rules }, 'reload finished');
        return report;
      },
      stop(deadlineMs = 30_000): Promise<void> {
        stopping ??= (async () => {
          logger.info({ deadlineMs }, 'stopping: no new transactions');
          await edge.stop(deadlineMs);
          await queue.close();
          await pool.close();
          relayer.close();
          // http closes after the drain, so /metrics shows it to the end.
          await closeHttp();
          cleanups.length = 0;
          await log.close();
          logger.info({ records: log.recordsWritten }, 'stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}
