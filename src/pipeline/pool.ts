// The parse + classify thread pool (KumoMTA's classifier `pool_size` and
// `back_pressure`, DESIGN.md §6): the CPU work runs on worker threads so the SMTP
// event loop stays free, and at most `backPressure` messages wait for them.
//
// Each thread runs one task at a time, so when a hostile message crashes a thread,
// exhausts its heap limit or runs past the deadline, we know which message did it:
// that task fails with OOBD_PROCESSING_FAILED (the caller quarantines the message),
// the thread is replaced and the other messages carry on.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClassifierOptions, RulesSource } from '../classify/index';
import { ErrorCode, OobdError } from '../errors';
import type { ParseResult } from '../report/types';
import type { WorkerReply, WorkerRequest } from './pool-protocol';

export interface PoolOptions {
  /** Threads. @defaultValue 1 */
  size: number;
  sources: ReadonlyArray<RulesSource>;
  classifier: ClassifierOptions;
  /** Most tasks waiting or running before `analyze` refuses with OOBD_QUEUE_FULL. @defaultValue 131072 */
  backPressure?: number;
  /** A task running longer than this kills its thread. @defaultValue 30s */
  taskTimeoutMs?: number;
  /** Heap limit per thread, so one message cannot take the machine's memory. @defaultValue 512 */
  maxHeapMb?: number;
}

interface Task {
  raw: Uint8Array;
  resolve: (result: ParseResult) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  timer: NodeJS.Timeout | null;
}

/**
 * The compiled worker script. Under ts-jest/swc the sources are TypeScript that a
 * worker thread cannot load, so they fall back to the build in dist/ (which
 * `npm test` builds first).
 */
function workerScript(): string {
  const beside = join(__dirname, 'pool-worker.js');
  if (existsSync(beside)) return beside;
  return resolve(__dirname, '../../dist/pipeline/pool-worker.js');
}

export class AnalyzePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly opts: Required<PoolOptions>;
  private sources: ReadonlyArray<RulesSource>;
  private closing = false;
  /** Tasks that failed because their thread died or timed out, for /metrics. */
  crashes = 0;

  constructor(opts: PoolOptions) {
    this.opts = {
      backPressure: 131072,
      taskTimeoutMs: 30_000,
      maxHeapMb: 512,
      ...opts,
    };
    this.sources = opts.sources;
    for (let i = 0; i < Math.max(1, opts.size); i++) this.slots.push(this.spawn());
  }

  /** Waiting plus running tasks. */
  get inFlight(): number {
    return this.queue.length + this.slots.filter((s) => s.task).length;
  }

  get size(): number {
    return this.slots.length;
  }

  analyze(raw: Uint8Array): Promise<ParseResult> {
    if (this.closing) {
      return Promise.reject(new OobdError(ErrorCode.ShuttingDown, 'analyze pool is closed'));
    }
    if (this.inFlight >= this.opts.backPressure) {
      return Promise.reject(
        new OobdError(
          ErrorCode.QueueFull,
          `classifier.back_pressure (${this.opts.backPressure}) messages are already waiting`,
        ),
      );
    }
    return new Promise<ParseResult>((resolve, reject) => {
      this.queue.push({ raw, resolve, reject });
      this.dispatch();
    });
  }

  /** New rules for every thread (SIGHUP); the sources were validated by the caller. */
  reload(sources: ReadonlyArray<RulesSource>): void {
    this.sources = sources;
    const msg: WorkerRequest = { type: 'rules', sources: [...sources] };
    for (const slot of this.slots) slot.worker.postMessage(msg);
  }

  /** Finishes queued and running tasks, then stops the threads. */
  async close(): Promise<void> {
    this.closing = true;
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(workerScript(), {
      workerData: { sources: [...this.sources], classifier: this.opts.classifier },
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb },
    });
    const slot: Slot = { worker, task: null, timer: null };
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', (err) => this.onDeath(slot, err));
    worker.on('exit', (code) => {
      if (!this.closing || slot.task) this.onDeath(slot, new Error(`thread exited with code ${code}`));
    });
    worker.unref();
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.task) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.timer = setTimeout(() => {
        void slot.worker.terminate();
        this.onDeath(slot, new Error(`no result within ${this.opts.taskTimeoutMs} ms`));
      }, this.opts.taskTimeoutMs);
      const msg: WorkerRequest = { type: 'analyze', raw: task.raw };
      slot.worker.postMessage(msg);
    }
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const task = slot.task;
    if (!task) return;
    slot.task = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (reply.type === 'result') task.resolve(reply.result);
    else task.reject(new OobdError(ErrorCode.ProcessingFailed, reply.message));
    this.dispatch();
  }

  private onDeath(slot: Slot, err: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    if (slot.timer) clearTimeout(slot.timer);
    const task = slot.task;
    slot.task = null;
    if (task) {
      this.crashes++;
      task.reject(
        new OobdError(ErrorCode.ProcessingFailed, `parse thread failed on this message: ${err.message}`, {
          cause: err,
        }),
      );
    }
    if (this.closing) {
      this.slots.splice(index, 1);
      return;
    }
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    this.slots[index] = this.spawn();
    this.dispatch();
  }
}
