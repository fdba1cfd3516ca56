// Prometheus metrics (prom-client): what an operator graphs and alerts on.
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';

/** Another thread's metrics, as prom-client's JSON. */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** Metrics that describe the process (its reloads), reported by the main thread alone. */
const PROCESS_METRICS = new Set([
  'oobd_config_last_reload_successful',
  'oobd_config_last_reload_success_timestamp_seconds',
  'oobd_config_reload_failures_total',
]);

export class Metrics {
  readonly registry = new Registry();

  /** SMTP transactions by outcome: accepted, rejected, tempfail. */
  readonly messages = new Counter({
    name: 'oobd_messages_total',
    help: 'Messages that reached end of DATA, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly rejections = new Counter({
    name: 'oobd_rejections_total',
    help: '4xx/5xx replies sent, by reply code and command',
    labelNames: ['code', 'command'] as const,
    registers: [this.registry],
  });

  readonly records = new Counter({
    name: 'oobd_records_total',
    help: 'Log records written, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly reports = new Counter({
    name: 'oobd_reports_total',
    help: 'Processed messages by the kind the parser recognised',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly classifications = new Counter({
    name: 'oobd_classifications_total',
    help: 'OOB records by bounce classification',
    labelNames: ['label'] as const,
    registers: [this.registry],
  });

  readonly notBounced = new Counter({
    name: 'oobd_recipients_not_bounced_total',
    help: 'Recipients a report named with an Action that is no failure (delayed, relayed, delivered, expanded): no OOB record, by action',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  readonly parseProblems = new Counter({
    name: 'oobd_parse_problems_total',
    help: 'Non-fatal parse problems (a bad recipient block, an undecodable part), by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly unrecognized = new Counter({
    name: 'oobd_unrecognized_total',
    help: 'Messages accepted as reports that yielded nothing (kept in quarantine)',
    registers: [this.registry],
  });

  readonly quarantined = new Counter({
    name: 'oobd_quarantined_total',
    help: 'Messages put in quarantine, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** Queue mode: a sending MTA sent a message again, and another job holds it (queue/bullmq.ts). */
  readonly duplicates = new Counter({
    name: 'oobd_duplicates_skipped_total',
    help: 'Queue mode: messages sent again while another job holds them, skipped (that job logs them)',
    registers: [this.registry],
  });

  readonly relays = new Counter({
    name: 'oobd_relays_total',
    help: 'Relays to routing domains, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly inFlight = new Gauge({
    name: 'oobd_messages_in_flight',
    help: 'Messages being processed (inline) or handed to Redis (bullmq)',
    registers: [this.registry],
  });

  readonly connections = new Gauge({
    name: 'oobd_smtp_connections',
    help: 'Open SMTP connections',
    registers: [this.registry],
  });

  readonly processingSeconds = new Histogram({
    name: 'oobd_processing_seconds',
    help: 'End of DATA to reply',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  /**
   * Reload status, named as Prometheus names its own: 1 when the last SIGHUP reload
   * (domains and rules files) took effect, 0 when a bad file made it keep the previous
   * set. Set to 1 at start (a bad file at start stops the start instead).
   */
  readonly reloadSuccessful = new Gauge({
    name: 'oobd_config_last_reload_successful',
    help: 'Whether the last reload of the domains and rules files succeeded (1) or kept the previous files (0)',
    registers: [this.registry],
  });

  readonly reloadSuccessTimestamp = new Gauge({
    name: 'oobd_config_last_reload_success_timestamp_seconds',
    help: 'When the files in effect were loaded (start or last successful reload), Unix seconds',
    registers: [this.registry],
  });

  readonly reloadFailures = new Counter({
    name: 'oobd_config_reload_failures_total',
    help: 'Reloads that kept the previous files because a file was bad, by which files (domains, rules)',
    labelNames: ['files'] as const,
    registers: [this.registry],
  });

  /** Where other threads' metrics come from (serve's worker threads). */
  private readonly sources: Array<() => Promise<MetricsJson[]>> = [];

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'oobd_' });
    this.reloadSuccessful.set(1);
    this.reloadSuccessTimestamp.set(Date.now() / 1000);
  }

  /**
   * Exports `oobd_queue_jobs{queue,state}`, read by `read` on each scrape (bullmq mode).
   * When `read` fails (Redis away or slow) the series are left out of that scrape
   * rather than shown stale.
   */
  addQueueDepth(read: () => Promise<Array<{ queue: string; state: string; count: number }>>): void {
    new Gauge({
      name: 'oobd_queue_jobs',
      help: 'Jobs in each BullMQ queue by state (waiting, active, delayed for a retry, failed), read from Redis at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        let depth;
        try {
          depth = await read();
        } catch {
          return;
        }
        for (const { queue, state, count } of depth) this.set({ queue, state }, count);
      },
    });
  }

  /**
   * `oobd_parse_threads`: the parse threads running now, read at scrape time (serve
   * inline parses on its SMTP thread and starts `pool_size` only once a message above
   * `smtp_thread_max_bytes` arrives, `pool_size` from the start when that is 0; a queue
   * worker parses on its own thread and starts one only for a message above
   * LOCAL_MAX_BYTES, pipeline/local.ts).
   */
  addParseThreads(read: () => number): void {
    new Gauge({
      name: 'oobd_parse_threads',
      help: 'Parse threads running (serve inline and queue workers parse on their own thread and start them only for a large message)',
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** Adds the metrics of other threads to what `text` reports (summed per series). */
  addSource(source: () => Promise<MetricsJson[]>): void {
    this.sources.push(source);
  }

  /**
   * The Prometheus text of this thread's metrics and every source's. Series the other
   * threads have too are summed; the rest (this process's CPU, memory and Node.js
   * metrics) are printed as they are, since aggregating drops or averages some of them.
   */
  async text(): Promise<string> {
    if (this.sources.length === 0) return this.registry.metrics();
    const theirs: MetricsJson[] = [];
    for (const source of this.sources) {
      for (const metrics of await source()) {
        // The process's own state (reload status) is this thread's to report: the
        // threads' copies are never updated, and summing them would be meaningless.
        const summable = metrics.filter((m) => !PROCESS_METRICS.has(m.name));
        if (summable.length > 0) theirs.push(summable);
      }
    }
    const shared = new Set(theirs.flat().map((m) => m.name));
    const mine = await this.registry.getMetricsAsJSON();
    const summed = AggregatorRegistry.aggregate([
      mine.filter((m) => shared.has(m.name)),
      ...theirs,
    ]);
    let text = await summed.metrics();
    for (const m of mine) {
      if (!shared.has(m.name)) text += `${await this.registry.getSingleMetricAsString(m.name)}\n`;
    }
    return text;
  }
}
