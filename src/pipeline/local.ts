// Parse + classify on the calling thread, for the BullMQ workers (`oobd worker`, and
// each `serve --workers N` thread) and for serve inline's SMTP thread. DESIGN.md §6
// puts this work on pool threads so the SMTP event loop stays free; a queue worker
// has no SMTP loop, and handing each message to a pool thread cost it more than the
// parse (issue 17: the postMessage both ways and the thread's wake-up were ~15% of a
// worker thread's samples, about 30 µs a message, plus a second V8 isolate and a
// second compiled rule set in RSS).
//
// serve inline (issue 17, h86) parses small messages on the SMTP thread too: the
// hand-off (structured clone both ways, waking the thread, and on a busy machine the
// switches between the two threads) costs CPU per message of its own, and a parse
// thread is a second V8 isolate with a second compiled rule set. The SMTP loop still
// stays responsive: it is held at most SMTP_SLICE_MS plus one message's parse, and
// only messages up to `classifier.smtp_thread_max_bytes` are parsed there (16 KiB by
// default: the slowest of bench/hostile.js's inputs cut to 16 KiB parsed in about
// 10 ms; at 64 KiB in 17 ms, and up to 100 ms while the code was still cold on a
// loaded machine; above 16 KiB the hand-off is a small part of a parse). Larger ones
// go to `pool_size` pool threads, which keep the pool's deadline and heap limit. 0
// restores DESIGN.md §6 as written (docs/parsing.md).
//
// Same interface and results as ProcessPool.process: the same function makes the
// outcome (processMessage, what pool-worker.ts calls), a throw is OOBD_PROCESSING_FAILED
// (the job quarantines the message), more than `backPressure` waiting is OOBD_QUEUE_FULL.
//
// What the pool thread gave beyond that, and why it is not needed here for most mail:
//   * the event loop must still get turns while a job's messages are parsed: BullMQ
//     renews each job's lock on a timer (every lock_duration / 2, 30 s by default), and
//     a loop that does not come back in time loses its jobs to another worker. So the
//     queue is worked in slices of at most SLICE_MS, with a turn of the loop between
//     slices: the loop is held at most SLICE_MS plus one message's parse.
//   * one message's parse is bounded (bench/hostile.js: at most about 160 ms per MB on
//     hostile input, linear), but smtp.max_message_size allows 10 MB by default and
//     any size when set: 1.6 s and more of a blocked loop, and no deadline or heap
//     limit of its own. A message above LOCAL_MAX_BYTES (1 MiB: at most about 160 ms,
//     well within any lock renewal) therefore goes to a pool thread, started the first
//     time one arrives, which keeps the pool's deadline and heap limit for it. Real
//     bounces are a few KiB to some hundred KiB: they all stay on this thread.
import { performance } from 'node:perf_hooks';
import type { Classifier, ClassifierOptions, RulesSource } from '../classify/index';
import { ErrorCode, OobdError, errorMessage } from '../errors';
import type { ParseOptions } from '../report/types';
import { ProcessPool, queueFull, type Task } from './pool';
import { processMessage, type ProcessInput, type SerializedOutcome } from './process';

/** Messages larger than this (bytes) are parsed on a pool thread (header comment). */
export const LOCAL_MAX_BYTES = 1024 * 1024;

/** Longest run of parsing (ms) before the event loop gets a turn (header comment). */
export const SLICE_MS = 20;

/**
 * The same on serve inline's SMTP thread: shorter, since the replies of every other
 * session wait behind a slice (a queue worker's slice only delays its lock renewals).
 */
export const SMTP_SLICE_MS = 10;

/** The rules in effect: RulesStore keeps them compiled and swaps both on reload. */
export interface LocalRules {
  readonly classifier: Classifier;
  readonly sources: readonly RulesSource[];
}

export interface LocalProcessorOptions {
  rules: LocalRules;
  /** Cache sizes of the pool thread's classifier (large messages). */
  classifier: ClassifierOptions;
  /** The node id the records carry. */
  nodeid: string;
  /** What the parsers are told (`[reports]` of the config). @defaultValue {} */
  parse?: ParseOptions;
  /** Most messages waiting or running before `process` refuses with OOBD_QUEUE_FULL. @defaultValue 131072 */
  backPressure?: number;
  /** Messages above this many bytes go to a pool thread. @defaultValue LOCAL_MAX_BYTES */
  maxLocalBytes?: number;
  /** Threads of the pool for messages above `maxLocalBytes`, started on first need. @defaultValue 1 */
  poolSize?: number;
  /** Longest run of parsing (ms) before the event loop gets a turn. @defaultValue SLICE_MS */
  sliceMs?: number;
}

export class LocalProcessor {
  private readonly opts: Required<LocalProcessorOptions>;
  private readonly queue: Task[] = [];
  private pool: ProcessPool | null = null;
  private scheduled = false;
  private closing = false;

  constructor(opts: LocalProcessorOptions) {
    this.opts = {
      parse: {},
      backPressure: 131072,
      maxLocalBytes: LOCAL_MAX_BYTES,
      poolSize: 1,
      sliceMs: SLICE_MS,
      ...opts,
    };
  }

  /** Waiting messages, here and on the pool thread. */
  get inFlight(): number {
    return this.queue.length + (this.pool?.inFlight ?? 0);
  }

  /** Parse threads started (0 until a message above `maxLocalBytes` arrives). */
  get size(): number {
    return this.pool?.size ?? 0;
  }

  /** Parses, classifies, decides and serialises a received message (ProcessPool.process). */
  process(input: ProcessInput): Promise<SerializedOutcome> {
    if (this.closing) {
      return Promise.reject(new OobdError(ErrorCode.ShuttingDown, 'processor is closed'));
    }
    if (this.inFlight >= this.opts.backPressure) {
      return Promise.reject(queueFull(this.opts.backPressure));
    }
    if (input.raw.byteLength > this.opts.maxLocalBytes) return this.threads().process(input);
    return new Promise<SerializedOutcome>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the current callbacks: the messages of a job (and of jobs fetched
        // together) are parsed in one go.
        setImmediate(() => this.work());
      }
    });
  }

  /** The rules changed (SIGHUP): the pool thread, if any, compiles them too. */
  reload(sources: ReadonlyArray<RulesSource>): void {
    this.pool?.reload(sources);
  }

  /** Finishes waiting messages, then stops the pool thread if one was started. */
  async close(): Promise<void> {
    this.closing = true;
    while (this.queue.length > 0) await new Promise((r) => setImmediate(r));
    await this.pool?.close();
  }

  private threads(): ProcessPool {
    this.pool ??= new ProcessPool({
      size: this.opts.poolSize,
      sources: this.opts.rules.sources,
      classifier: this.opts.classifier,
      nodeid: this.opts.nodeid,
      parse: this.opts.parse,
      backPressure: this.opts.backPressure,
    });
    return this.pool;
  }

  private work(): void {
    const started = performance.now();
    const { rules, nodeid, parse, sliceMs } = this.opts;
    let task: Task | undefined;
    while ((task = this.queue.shift())) {
      try {
        // The rules in effect now: a reload between two slices applies to the next one.
        task.resolve(processMessage(task.input, rules.classifier, nodeid, new Date(), parse));
      } catch (err) {
        task.reject(new OobdError(ErrorCode.ProcessingFailed, errorMessage(err), { cause: err }));
      }
      if (this.queue.length > 0 && performance.now() - started >= sliceMs) {
        setImmediate(() => this.work());
        return;
      }
    }
    this.scheduled = false;
  }
}
