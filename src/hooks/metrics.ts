// The hooks' Prometheus series, registered on the service's registry (/metrics).
import { Counter, Gauge, type Registry } from 'prom-client';

/** Why a POST did not deliver its batch (the `reason` label). */
export type FailureReason =
  'network' | 'timeout' | 'http_3xx' | 'http_408' | 'http_429' | 'http_4xx' | 'http_5xx';

export class HookMetrics {
  readonly recordsSent: Counter<'hook'>;
  readonly batchesSent: Counter<'hook'>;
  readonly batchesFailed: Counter<'hook' | 'reason'>;
  readonly recordsDeadLettered: Counter<'hook'>;
  readonly recordsSkipped: Counter<'hook' | 'reason'>;
  readonly lagRecords: Gauge<'hook'>;
  readonly lagSeconds: Gauge<'hook'>;
  readonly lagging: Gauge<'hook'>;
  readonly delivering: Gauge<'hook'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.recordsSent = new Counter({
      name: 'oobd_hook_records_sent_total',
      help: 'Records a hook endpoint acknowledged with a 2xx',
      labelNames: ['hook'],
      registers,
    });
    this.batchesSent = new Counter({
      name: 'oobd_hook_batches_sent_total',
      help: 'POSTs a hook endpoint acknowledged with a 2xx',
      labelNames: ['hook'],
      registers,
    });
    this.batchesFailed = new Counter({
      name: 'oobd_hook_batches_failed_total',
      help: 'POSTs that did not deliver their batch, by reason (http_4xx batches go to the dead-letter folder; the others are retried)',
      labelNames: ['hook', 'reason'],
      registers,
    });
    this.recordsDeadLettered = new Counter({
      name: 'oobd_hook_records_dead_lettered_total',
      help: 'Records of batches refused with a 4xx (not 408/429), kept for `oobd hooks replay`',
      labelNames: ['hook'],
      registers,
    });
    this.recordsSkipped = new Counter({
      name: 'oobd_hook_records_skipped_total',
      help: 'Lines a hook could not send: invalid (not JSON), torn (cut by a crash), removed (segment deleted before delivery)',
      labelNames: ['hook', 'reason'],
      registers,
    });
    this.lagRecords = new Gauge({
      name: 'oobd_hook_lag_records',
      help: 'Log records (all types) this hook has not passed yet',
      labelNames: ['hook'],
      registers,
    });
    this.lagSeconds = new Gauge({
      name: 'oobd_hook_lag_seconds',
      help: 'Age of the oldest record this hook has not passed yet (0 when none)',
      labelNames: ['hook'],
      registers,
    });
    this.lagging = new Gauge({
      name: 'oobd_hook_lagging',
      help: "1 while the oldest undelivered record is older than the hook's max_lag",
      labelNames: ['hook'],
      registers,
    });
    this.delivering = new Gauge({
      name: 'oobd_hook_delivering',
      help: '1 when this process delivers the hook (holds its lock for this log folder)',
      labelNames: ['hook'],
      registers,
    });
  }
}
