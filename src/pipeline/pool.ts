// The parse + classify thread pool (KumoMTA's classifier `pool_size` and
// `back_pressure`, DESIGN.md §6): the CPU work runs on worker threads so the SMTP
// event loop stays free, and at most `backPressure` messages wait for them.
//
// Each thread is handed up to `depth` messages at once, so it never waits for a
// turn of the main event loop between two messages (with one in flight, a busy SMTP
// loop would cap the pool at one message per loop turn). A thread answers in the
// order it was asked, so the oldest unanswered message is the one it is working on:
// when a hostile message crashes a thread, exhausts its heap limit or runs past the
// deadline, that message fails with OOBD_PROCESSING_FAILED (the caller quarantines
// it), the others it held are handed to the replacement thread, and work carries on.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClassifierOptions, RulesSource } from '../classify/index';
import { ErrorCode, OobdError } from '../errors';
import {
  wireBytes,
  type WireInput,
  type WorkerInit,
  type WorkerReply,
  type WorkerRequest,
} from './pool-protocol';
import type { ParseOptions } from '../report/types';
import type { ProcessInput, SerializedOutcome } from './process';

export interface PoolOptions {
  /** Threads. @defaultValue 1 */
  size: number;
  sources: ReadonlyArray<RulesSource>;
  classifier: ClassifierOptions;
  /** The node id the records carry. */
  nodeid: string;
  /** What the parsers are told (`[reports]` of the config). @defaultValue {} */
  parse?: ParseOptions;
  /** Most tasks waiting or running before `process` refuses with OOBD_QUEUE_FULL. @defaultValue 131072 */
  backPressure?: number;
  /** A task running longer than this kills its thread. @defaultValue 30s */
  taskTimeoutMs?: number;
  /** Heap limit per thread, so one message cannot take the machine's memory. @defaultValue 512 */
  maxHeapMb?: number;
  /** Messages handed to one thread at a time. @defaultValue 32 */
  depth?: number;
}

/** A message waiting for its outcome (here and in local.ts). */
export interface Task {
  input: ProcessInput;
  resolve: (outcome: SerializedOutcome) => void;
  reject: (err: Error) => void;
}

/** What `process` rejects with once `backPressure` messages wait (OOBD_QUEUE_FULL). */
export function queueFull(backPressure: number): OobdError {
  return new OobdError(
    ErrorCode.QueueFull,
    `classifier.back_pressure (${backPressure}) messages are already waiting`,
  );
}

interface Slot {
  worker: Worker;
  /** Handed to the thread, oldest (the one it is working on) first. */
  inFlight: Task[];
  /** Deadline of the oldest task. */
  timer: NodeJS.Timeout | null;
  /** The thread compiled its rules: deadlines run from here, not from its boot. */
  ready: boolean;
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

export class ProcessPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly opts: Required<PoolOptions>;
  private sources: ReadonlyArray<RulesSource>;
  private closing = false;
  private running = 0;
  private dispatchScheduled = false;
  /** Tasks that failed because their thread died or timed out, for /metrics. */
  crashes = 0;

  constructor(opts: PoolOptions) {
    this.opts = {
      backPressure: 131072,
      taskTimeoutMs: 30_000,
      maxHeapMb: 512,
      depth: 32,
      parse: {},
      ...opts,
    };
    this.sources = opts.sources;
    for (let i = 0; i < Math.max(1, opts.size); i++) this.slots.push(this.spawn());
  }

  /** Waiting plus running tasks. */
  get inFlight(): number {
    return this.queue.length + this.running;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Parses, classifies, decides and serialises a received message on a thread. */
  process(input: ProcessInput): Promise<SerializedOutcome> {
    if (this.closing) {
      return Promise.reject(new OobdError(ErrorCode.ShuttingDown, 'processing pool is closed'));
    }
    if (this.inFlight >= this.opts.backPressure) {
      return Promise.reject(queueFull(this.opts.backPressure));
    }
    return new Promise<SerializedOutcome>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.scheduleDispatch();
    });
  }

  /**
   * Dispatches once the current I/O callbacks are done, so that the messages of many
   * sessions that ended DATA in the same loop turn (and the room that the answers read
   * in one turn made) travel together. (Sending at once to an idle thread was measured
   * slower: 6% fewer messages at 20 sessions.)
   */
  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
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
      workerData: {
        sources: [...this.sources],
        classifier: this.opts.classifier,
        nodeid: this.opts.nodeid,
        parse: this.opts.parse,
      } satisfies WorkerInit,
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb },
    });
    const slot: Slot = { worker, inFlight: [], timer: null, ready: false };
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', (err) => this.onDeath(slot, err));
    worker.on('exit', (code) => {
      if (!this.closing || slot.inFlight.length > 0)
        this.onDeath(slot, new Error(`thread exited with code ${code}`));
    });
    worker.unref();
    return slot;
  }

  /** Hands waiting tasks to the least busy threads, up to `depth` each. */
  private dispatch(): void {
    const batches = new Map<Slot, WireInput[]>();
    while (this.queue.length > 0) {
      let best: Slot | null = null;
      for (const slot of this.slots) {
        if (
          slot.inFlight.length < this.opts.depth &&
          (!best || slot.inFlight.length < best.inFlight.length)
        )
          best = slot;
      }
      if (!best) break;
      const task = this.queue.shift()!;
      best.inFlight.push(task);
      this.running++;
      if (best.inFlight.length === 1) {
        // A thread with work keeps the process alive; an idle one does not.
        best.worker.ref();
        if (best.ready) this.arm(best);
      }
      const { envelope, recipients, sniffed, raw } = task.input;
      const input: WireInput = { envelope, recipients, sniffed, raw: wireBytes(raw) };
      const batch = batches.get(best);
      if (batch) batch.push(input);
      else batches.set(best, [input]);
    }
    for (const [slot, inputs] of batches) {
      const msg: WorkerRequest = { type: 'process', inputs };
      slot.worker.postMessage(msg);
    }
  }

  /** The deadline of the task the thread is working on now. */
  private arm(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      void slot.worker.terminate();
      this.onDeath(slot, new Error(`no result within ${this.opts.taskTimeoutMs} ms`));
    }, this.opts.taskTimeoutMs);
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (reply.type === 'ready') {
      slot.ready = true;
      if (slot.inFlight.length > 0) this.arm(slot);
      return;
    }
    for (const answer of reply.replies) {
      const task = slot.inFlight.shift();
      if (!task) break;
      this.running--;
      if (answer.type === 'result') task.resolve(answer.outcome);
      else task.reject(new OobdError(ErrorCode.ProcessingFailed, answer.message));
    }
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (slot.inFlight.length > 0) this.arm(slot);
    else slot.worker.unref();
    this.scheduleDispatch();
  }

  private onDeath(slot: Slot, err: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    if (slot.timer) clearTimeout(slot.timer);
    const [culprit, ...innocent] = slot.inFlight;
    slot.inFlight = [];
    this.running -= innocent.length + (culprit ? 1 : 0);
    // The others never started: they go back to the front of the queue, in order.
    this.queue.unshift(...innocent);
    if (culprit) {
      this.crashes++;
      culprit.reject(
        new OobdError(
          ErrorCode.ProcessingFailed,
          `parse thread failed on this message: ${err.message}`,
          {
            cause: err,
          },
        ),
      );
    }
    if (this.closing) {
      this.slots.splice(index, 1);
      if (this.slots.length === 0) for (const task of this.queue.splice(0)) task.reject(err);
      return;
    }
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    this.slots[index] = this.spawn();
    this.dispatch();
  }
}
