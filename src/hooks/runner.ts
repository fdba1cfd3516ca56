// Log hooks (DESIGN.md §9): every `[[hooks]]` entry gets a runner that reads this
// node's log folder as its outbox and POSTs the records it wants, in batches, to its
// url. At least once: the checkpoint moves only after a 2xx (or after a refused batch
// is safely in the dead-letter folder), so a down endpoint, a 5xx, a timeout, a restart
// or a SIGKILL only delays records, and resends at most the batch that was in flight.
//
// One batch is in flight per hook, so records of one segment arrive in the order they
// were written; segments are sent in name (creation) order, one after the other, so
// records written at the same time by two writers of the folder can arrive out of
// time order. Receivers deduplicate on the Idempotency-Key header.
import { promises as fs } from 'node:fs';
import { configArgument, shellWord } from '../config/paths';
import type { HookConfig } from '../config/server';
import { errorMessage } from '../errors';
import type { Logger } from '../logger';
import {
  HookLock,
  LOCK_HEARTBEAT_MS,
  LOCK_STALE_MS,
  lockPath,
  hooksDir,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint';
import { writeDeadLetter } from './dead-letter';
import { batchBody, idempotencyKey, postBatch } from './delivery';
import type { HookMetrics } from './metrics';
import { traceFilterOf } from '../log/trace-filter';
import { Outbox, type Batch, type RecordFilter } from './outbox';

export interface HookRunnerOptions {
  hook: HookConfig;
  /** The log folder this node writes (and the hook reads). */
  logsDir: string;
  /** This folder's node id (`.nodeid`), part of each idempotency key. */
  nodeid: string;
  /** logs.max_segment_duration, to tell an abandoned segment from a growing one. */
  maxSegmentDurationMs: number;
  logger: Logger;
  metrics: HookMetrics;
  /** How often an idle hook looks for new records. @defaultValue 500 */
  pollMs?: number;
  /** How often a hook that another process delivers tries to take over. @defaultValue 5000 */
  lockRetryMs?: number;
  /** @defaultValue LOCK_STALE_MS */
  lockStaleMs?: number;
  /**
   * The --config serve or worker was given: the `oobd hooks replay` a dead letter's log
   * line suggests repeats it, or it would read another config (and log folder).
   */
  configArg?: string;
}

/** How often lag is measured while idle or waiting to retry. */
const LAG_INTERVAL_MS = 1000;
/** A lagging hook's warning is repeated this often. */
const LAG_WARNING_REPEAT_MS = 300_000;
/** A checkpoint moved only past filtered-out lines is written at most this often. */
const LAZY_SAVE_MS = 1000;

/** Exponential backoff with "equal jitter": half the delay fixed, half random. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return full / 2 + Math.random() * (full / 2);
}

export class HookRunner {
  private readonly hook: HookConfig;
  private readonly log: Logger;
  private readonly filter: RecordFilter;
  private readonly lock: HookLock;
  private outbox: Outbox | null = null;
  /** The batch that failed and is being retried, with its body. */
  private pending: { batch: Batch; body: string; attempt: number } | null = null;
  private dirty = false;
  private lastSave = 0;
  private lastLag = 0;
  private lagWarnedAt = 0;
  private stopping = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly abort = new AbortController();
  private heartbeat: NodeJS.Timeout | null = null;
  private lockLost = false;
  private announcedWaiting = false;

  constructor(private readonly opts: HookRunnerOptions) {
    this.hook = opts.hook;
    this.log = opts.logger.child({ hook: opts.hook.name });
    this.filter = {
      types: new Set(opts.hook.types),
      // Compared case-insensitively, as `oobd logs --class` and the suppression list do.
      classes: opts.hook.classes ? new Set(opts.hook.classes.map((c) => c.toLowerCase())) : null,
      trace: traceFilterOf(opts.hook.trace),
    };
    this.lock = new HookLock(
      lockPath(opts.logsDir, opts.hook.name),
      opts.lockStaleMs ?? LOCK_STALE_MS,
    );
    opts.metrics.delivering.set({ hook: this.hook.name }, 0);
  }

  get name(): string {
    return this.hook.name;
  }

  /**
   * Takes the hook's lock and loads or creates its checkpoint, then delivers in the
   * background. Resolves before any record is sent, so a new hook's `now` position is
   * fixed before the server accepts mail; rejects when the checkpoint is damaged or
   * cannot be written (the service does not start).
   */
  async start(): Promise<void> {
    if (this.running) return;
    await this.takeOver();
    this.running ??= this.loop();
  }

  /**
   * Stops after the POST in flight (aborted at the deadline: its batch is sent again
   * on the next start), writes the checkpoint and gives up the lock.
   */
  async stop(deadlineMs = 10_000): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const timer = setTimeout(() => this.abort.abort(), deadlineMs);
    try {
      await this.running;
    } finally {
      clearTimeout(timer);
    }
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (this.lockLost) this.dropLock();
        if (!this.outbox && !(await this.takeOver())) {
          await this.sleep(this.opts.lockRetryMs ?? LOCK_HEARTBEAT_MS);
          continue;
        }
        await this.step();
        failures = 0;
      } catch (err) {
        const delay = backoffDelay(failures++, this.hook.backoff, this.hook.max_backoff);
        this.log.error(
          { err: errorMessage(err), retryInMs: Math.round(delay) },
          'hook failed to read its log folder or write its checkpoint; trying again',
        );
        await this.sleep(delay);
      }
    }
    await this.shutdown();
  }

  private async shutdown(): Promise<void> {
    try {
      if (this.outbox && this.dirty && !this.lockLost) await this.save();
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, 'hook checkpoint not written at stop');
    }
    this.dropLock();
    await this.lock.release().catch(() => undefined);
  }

  /** Takes the hook's lock and loads (or creates) its checkpoint. */
  private async takeOver(): Promise<boolean> {
    await fs.mkdir(hooksDir(this.opts.logsDir), { recursive: true });
    if (!(await this.lock.acquire())) {
      if (!this.announcedWaiting)
        this.log.info(
          'another process delivers this hook from this log folder (its lock is held); taking over if it stops',
        );
      this.announcedWaiting = true;
      return false;
    }
    this.announcedWaiting = false;
    try {
      let checkpoint = await readCheckpoint(this.opts.logsDir, this.hook.name);
      if (checkpoint === null) {
        checkpoint = await Outbox.initialCheckpoint(
          this.opts.logsDir,
          this.hook.name,
          this.hook.start_from,
        );
        // Written at once: records that arrive from now on are this hook's even if
        // the process is killed before it sends anything.
        await writeCheckpoint(this.opts.logsDir, checkpoint);
      }
      this.outbox = new Outbox(
        { dir: this.opts.logsDir, maxSegmentDurationMs: this.opts.maxSegmentDurationMs },
        checkpoint,
      );
      this.lastSave = Date.now();
    } catch (err) {
      await this.lock.release().catch(() => undefined);
      throw err;
    }
    this.lockLost = false;
    this.heartbeat = setInterval(() => {
      this.lock.heartbeat().then(
        (held) => {
          if (!held && !this.stopping) {
            this.lockLost = true;
            this.wake?.();
          }
        },
        () => undefined,
      );
    }, LOCK_HEARTBEAT_MS);
    this.heartbeat.unref();
    this.opts.metrics.delivering.set({ hook: this.hook.name }, 1);
    this.log.info(
      {
        url: this.hook.url,
        done_through: this.outbox.checkpoint.done_through || null,
        segments: this.outbox.checkpoint.segments,
      },
      'hook delivering',
    );
    return true;
  }

  private dropLock(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.lockLost && this.outbox)
      this.log.warn("another process took this hook's lock over; leaving the delivery to it");
    this.outbox = null;
    this.pending = null;
    this.lockLost = false;
    const labels = { hook: this.hook.name };
    this.opts.metrics.delivering.set(labels, 0);
    this.opts.metrics.lagRecords.remove(labels);
    this.opts.metrics.lagSeconds.remove(labels);
    this.opts.metrics.lagging.remove(labels);
  }

  private async step(): Promise<void> {
    const outbox = this.outbox!;
    await this.refresh(outbox);
    let pending = this.pending;
    if (!pending) {
      const batch = await outbox.next(this.filter, this.hook.batch_size, this.hook.max_batch_bytes);
      if (!batch) {
        if (this.dirty) await this.save();
        await this.sleep(this.opts.pollMs ?? 500);
        return;
      }
      this.reportSkipped(batch);
      if (batch.records.length === 0) {
        outbox.commit(batch);
        this.dirty = true;
        if (Date.now() - this.lastSave >= LAZY_SAVE_MS) await this.save();
        return;
      }
      pending = { batch, body: batchBody(batch.records), attempt: 0 };
      this.pending = pending;
    }
    const { batch, body } = pending;
    const outcome = await postBatch(
      this.hook,
      body,
      idempotencyKey(this.hook.name, this.opts.nodeid, batch.segment, batch.start, batch.end),
      { signal: this.abort.signal },
    );
    const labels = { hook: this.hook.name };
    switch (outcome.kind) {
      case 'stopped':
        return;
      case 'delivered':
        this.opts.metrics.recordsSent.inc(labels, batch.records.length);
        this.opts.metrics.batchesSent.inc(labels);
        if (pending.attempt > 0)
          this.log.info(
            { attempts: pending.attempt + 1, records: batch.records.length },
            'hook endpoint accepted the batch again',
          );
        this.pending = null;
        outbox.commit(batch);
        await this.save();
        return;
      case 'rejected': {
        this.opts.metrics.batchesFailed.inc({ ...labels, reason: outcome.reason });
        const file = await writeDeadLetter(
          this.opts.logsDir,
          this.hook.name,
          batch.segment,
          batch.start,
          batch.end,
          body,
        );
        this.opts.metrics.recordsDeadLettered.inc(labels, batch.records.length);
        this.log.error(
          {
            status: outcome.status,
            response: outcome.detail,
            records: batch.records.length,
            first_id: batch.firstId,
            last_id: batch.lastId,
            dead_letter: file,
          },
          `hook endpoint refused a batch (HTTP ${outcome.status}); kept as a dead letter, later records go on. Fix the endpoint, then run: oobd hooks replay ${shellWord(this.hook.name)}${configArgument(this.opts.configArg)}`,
        );
        this.pending = null;
        outbox.commit(batch);
        await this.save();
        return;
      }
      case 'retry': {
        this.opts.metrics.batchesFailed.inc({ ...labels, reason: outcome.reason });
        const delay = backoffDelay(pending.attempt, this.hook.backoff, this.hook.max_backoff);
        pending.attempt++;
        this.log.warn(
          {
            reason: outcome.reason,
            status: outcome.status,
            detail: outcome.detail,
            attempt: pending.attempt,
            records: batch.records.length,
            retryInMs: Math.round(delay),
          },
          'hook endpoint did not take the batch; retrying',
        );
        const until = Date.now() + delay;
        // Lag keeps being measured (and warned about) while the endpoint is down.
        while (!this.stopping && !this.lockLost && Date.now() < until) {
          await this.sleep(Math.min(until - Date.now(), LAG_INTERVAL_MS * 5));
          if (!this.stopping) await this.refresh(outbox);
        }
        return;
      }
    }
  }

  private reportSkipped(batch: Batch): void {
    const name = this.hook.name;
    if (batch.invalid > 0) {
      this.opts.metrics.recordsSkipped.inc({ hook: name, reason: 'invalid' }, batch.invalid);
      this.log.error(
        { segment: batch.segment, offset: batch.start, lines: batch.invalid },
        'log segment holds lines that are not JSON records; they are skipped',
      );
    }
    if (batch.tornBytes > 0) {
      this.opts.metrics.recordsSkipped.inc({ hook: name, reason: 'torn' });
      this.log.warn(
        { segment: batch.segment, offset: batch.end - batch.tornBytes, bytes: batch.tornBytes },
        'log segment ends in a line cut by a crash (its writer was killed mid-write); that partial line is skipped',
      );
    }
  }

  private async refresh(outbox: Outbox): Promise<void> {
    const removed = await outbox.refresh();
    for (const segment of removed) {
      this.opts.metrics.recordsSkipped.inc(
        { hook: this.hook.name, reason: 'removed' },
        segment.lines,
      );
      this.log.error(
        { segment: segment.name, bytes: segment.bytes, records: segment.lines },
        'a log segment was removed before this hook delivered it; its remaining records are lost to the hook (remove segments only after every hook passed them: oobd hooks status)',
      );
      this.pending = this.pending?.batch.segment === segment.name ? null : this.pending;
      this.dirty = true;
    }
    if (Date.now() - this.lastLag >= LAG_INTERVAL_MS) {
      this.lastLag = Date.now();
      await this.updateLag(outbox);
    }
  }

  private async updateLag(outbox: Outbox): Promise<void> {
    const { records, oldestCreated } = await outbox.lag();
    const labels = { hook: this.hook.name };
    const now = Date.now();
    const seconds = oldestCreated === null ? 0 : Math.max(0, now / 1000 - oldestCreated);
    this.opts.metrics.lagRecords.set(labels, records);
    this.opts.metrics.lagSeconds.set(labels, seconds);
    const lagging = seconds * 1000 > this.hook.max_lag;
    this.opts.metrics.lagging.set(labels, lagging ? 1 : 0);
    if (lagging && now - this.lagWarnedAt >= LAG_WARNING_REPEAT_MS) {
      this.lagWarnedAt = now;
      this.log.warn(
        {
          lag_records: records,
          lag_seconds: Math.round(seconds),
          max_lag_seconds: this.hook.max_lag / 1000,
        },
        'hook is behind by more than its max_lag; its records are kept until it catches up',
      );
    } else if (!lagging && this.lagWarnedAt > 0) {
      this.lagWarnedAt = 0;
      this.log.info({ lag_records: records }, 'hook caught up to within its max_lag');
    }
  }

  private async save(): Promise<void> {
    await writeCheckpoint(this.opts.logsDir, this.outbox!.checkpoint);
    this.dirty = false;
    this.lastSave = Date.now();
  }

  /** Waits `ms`, or less when the runner is stopped or loses its lock. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        if (this.wake === finish) this.wake = null;
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, ms));
      this.wake = finish;
    });
  }
}

export interface HooksOptions {
  logsDir: string;
  nodeid: string;
  maxSegmentDurationMs: number;
  logger: Logger;
  metrics: HookMetrics;
  pollMs?: number;
  /** See HookRunnerOptions.configArg. */
  configArg?: string;
}

/** The runners of every configured hook over one log folder. */
export class Hooks {
  readonly runners: HookRunner[];

  constructor(hooks: ReadonlyArray<HookConfig>, opts: HooksOptions) {
    this.runners = hooks.map(
      (hook) =>
        new HookRunner({
          hook,
          logsDir: opts.logsDir,
          nodeid: opts.nodeid,
          maxSegmentDurationMs: opts.maxSegmentDurationMs,
          logger: opts.logger,
          metrics: opts.metrics,
          ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
          ...(opts.configArg !== undefined ? { configArg: opts.configArg } : {}),
        }),
    );
  }

  /** Starts every runner; rejects (after stopping them) when one cannot read or write its state. */
  async start(): Promise<void> {
    try {
      await Promise.all(this.runners.map((runner) => runner.start()));
    } catch (err) {
      await this.stop(0);
      throw err;
    }
  }

  async stop(deadlineMs = 10_000): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop(deadlineMs)));
  }
}
