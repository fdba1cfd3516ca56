// `oobd serve --workers N` (DESIGN.md §1): N worker threads, each running what
// `oobd worker` runs (worker-thread.ts). A thread that dies is replaced, with a
// backoff so a thread that cannot start does not spin; its running jobs go back to
// the queue when their BullMQ locks expire, as with a killed `oobd worker`.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MetricsJson } from '../http/metrics';
import type { ServerConfig } from '../config/server';
import { ErrorCode, OobdError, errorMessage } from '../errors';
import type { Logger } from '../logger';

export type ThreadMetrics = MetricsJson;

export interface WorkerThreadInit {
  config: ServerConfig;
  /** The serve logger's level; "silent" keeps the thread silent too. */
  logLevel: string;
  /** 0-based, for the thread's log lines. */
  index: number;
}

export type WorkerThreadRequest =
  { type: 'reload' } | { type: 'metrics'; id: number } | { type: 'stop'; deadlineMs: number };

export type WorkerThreadReply =
  | { type: 'ready' }
  | { type: 'failed'; message: string; code: ErrorCode }
  | { type: 'metrics'; id: number; metrics: ThreadMetrics }
  | { type: 'stopped' };

export interface WorkerThreadsOptions {
  config: ServerConfig;
  count: number;
  logger: Logger;
  /** First delay before a dead thread is replaced; doubles up to 30 s. @defaultValue 1000 */
  restartDelayMs?: number;
  /** Old-generation heap limit of each thread, in MiB. @defaultValue workerThreadHeapMb(config) */
  maxHeapMb?: number;
}

/**
 * The old-generation heap limit of a worker thread, in MiB (Node's `resourceLimits`).
 * It is set for what it does to V8's heap growing, not as a cap that load reaches:
 * after each full GC V8 lets the old generation grow to its live size times a factor
 * that rises with the heap limit, from 1.3 at a limit of 256 MiB to 4 at 2 GiB and
 * above (V8's heap-controller.cc, MemoryController::MaxGrowingFactor). Left at Node's
 * default (a quarter of the machine's memory, 4 GiB here) a thread whose live heap is
 * about 20 MB ran to 65-70 MB of old generation between full GCs under SMTP load;
 * with 512 (the parse pool threads' limit, factor 1.4) serve --workers 1 peaked at
 * 191 MB instead of 218 MB (bench/smtp.js, issue 17). A thread holds at most
 * queue.concurrency jobs of at most 1 MiB of messages each (BATCH_MAX_BYTES) plus
 * their copies (Latin-1 strings, Buffers, JSON): the limit grows with the concurrency
 * (8 MiB a job) so that it stays far above that. A thread that reaches it anyway dies
 * and is replaced, and its jobs come back when their locks expire, as with any dead
 * thread.
 */
export const WORKER_THREAD_HEAP_MB = 512;

/** A worker thread's old-generation limit (MiB) for `config`: WORKER_THREAD_HEAP_MB, more at a high queue.concurrency. */
export function workerThreadHeapMb(config: ServerConfig): number {
  return Math.max(WORKER_THREAD_HEAP_MB, 8 * config.queue.concurrency);
}

interface Slot {
  index: number;
  worker: Worker | null;
  /** Replacements in a row without a minute of uptime between them. */
  restarts: number;
  startedAt: number;
  timer: NodeJS.Timeout | null;
}

/** The compiled thread script (under ts-jest the build in dist/, which `npm test` makes first). */
function threadScript(): string {
  const beside = join(__dirname, 'worker-thread.js');
  if (existsSync(beside)) return beside;
  return resolve(__dirname, '../../dist/queue/worker-thread.js');
}

export class WorkerThreads {
  private readonly slots: Slot[];
  private stopping = false;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { worker: Worker; resolve: (m: ThreadMetrics) => void }
  >();

  constructor(private readonly opts: WorkerThreadsOptions) {
    this.slots = Array.from({ length: opts.count }, (_, index) => ({
      index,
      worker: null,
      restarts: 0,
      startedAt: 0,
      timer: null,
    }));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Starts every thread; rejects (naming the thread's error) when one cannot start. */
  async start(): Promise<void> {
    try {
      await Promise.all(this.slots.map((slot) => this.spawn(slot)));
    } catch (err) {
      await this.stop(5000);
      throw err;
    }
  }

  private spawn(slot: Slot): Promise<void> {
    const { config, logger } = this.opts;
    const worker = new Worker(threadScript(), {
      workerData: { config, logLevel: logger.level, index: slot.index } satisfies WorkerThreadInit,
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb ?? workerThreadHeapMb(config) },
    });
    slot.worker = worker;
    slot.startedAt = Date.now();
    return new Promise<void>((resolveStart, rejectStart) => {
      let ready = false;
      const fail = (message: string, code: ErrorCode = ErrorCode.QueueUnavailable) => {
        // A thread that could not start may still hold timers (a Redis reconnect).
        void worker.terminate();
        rejectStart(new OobdError(code, `worker thread ${slot.index} did not start: ${message}`));
      };
      worker.on('message', (reply: WorkerThreadReply) => {
        switch (reply.type) {
          case 'ready':
            ready = true;
            resolveStart();
            break;
          case 'failed':
            if (!ready) fail(reply.message, reply.code);
            break;
          case 'metrics': {
            const asked = this.pending.get(reply.id);
            this.pending.delete(reply.id);
            asked?.resolve(reply.metrics);
            break;
          }
          case 'stopped':
            break;
        }
      });
      worker.on('error', (err) => {
        if (!ready) fail(errorMessage(err));
        else logger.error({ thread: slot.index, err: errorMessage(err) }, 'worker thread failed');
      });
      worker.on('exit', (code) => {
        if (slot.worker === worker) slot.worker = null;
        for (const [id, asked] of this.pending) {
          if (asked.worker !== worker) continue;
          this.pending.delete(id);
          asked.resolve([]);
        }
        if (!ready) {
          fail(`exited with code ${code}`);
          return;
        }
        if (!this.stopping) this.replace(slot, code);
      });
    });
  }

  private replace(slot: Slot, code: number): void {
    if (Date.now() - slot.startedAt > 60_000) slot.restarts = 0;
    const delay = Math.min(30_000, (this.opts.restartDelayMs ?? 1000) * 2 ** slot.restarts);
    slot.restarts++;
    this.opts.logger.error(
      { thread: slot.index, code, restartInMs: delay },
      'worker thread is down; its running jobs return to the queue when their locks expire; starting a new one',
    );
    slot.timer = setTimeout(() => {
      slot.timer = null;
      if (this.stopping) return;
      this.spawn(slot).catch((err: unknown) => {
        this.opts.logger.error(
          { thread: slot.index, err: errorMessage(err) },
          'worker thread could not start',
        );
        // Tried again, later each time: serve keeps accepting meanwhile (Redis holds the jobs).
        if (!this.stopping) this.replace(slot, -1);
      });
    }, delay);
  }

  /** Tells every thread to re-read its rules files (SIGHUP). */
  reload(): void {
    for (const slot of this.slots)
      slot.worker?.postMessage({ type: 'reload' } satisfies WorkerThreadRequest);
  }

  /** Every live thread's metrics (a thread that does not answer within 2 s is left out). */
  async metrics(): Promise<ThreadMetrics[]> {
    const asks = this.slots.map((slot) => {
      const worker = slot.worker;
      if (!worker) return Promise.resolve<ThreadMetrics>([]);
      const id = this.nextId++;
      return new Promise<ThreadMetrics>((resolveAsk) => {
        const timer = setTimeout(() => {
          this.pending.delete(id);
          resolveAsk([]);
        }, 2000);
        this.pending.set(id, {
          worker,
          resolve: (m) => {
            clearTimeout(timer);
            resolveAsk(m);
          },
        });
        worker.postMessage({ type: 'metrics', id } satisfies WorkerThreadRequest);
      });
    });
    return Promise.all(asks);
  }

  /**
   * Each thread finishes its running jobs (or returns them to the queue), closes its
   * Redis connections and flushes its logs within `deadlineMs` (less a moment to
   * report); a thread still running at the deadline is terminated and its jobs come
   * back when their locks expire.
   */
  async stop(deadlineMs = 30_000): Promise<void> {
    const threadBudget = Math.max(1, deadlineMs - Math.min(1000, Math.floor(deadlineMs / 4)));
    this.stopping = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = null;
        const worker = slot.worker;
        if (!worker) return;
        const exited = new Promise<void>((r) => worker.once('exit', () => r()));
        worker.postMessage({
          type: 'stop',
          deadlineMs: threadBudget,
        } satisfies WorkerThreadRequest);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), deadlineMs)));
        if ((await Promise.race([exited, late])) === 'late') {
          this.opts.logger.error(
            { thread: slot.index },
            'worker thread did not stop in time; terminating it',
          );
          await worker.terminate();
        }
        clearTimeout(timer);
      }),
    );
  }
}
