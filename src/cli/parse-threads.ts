// Parse threads for `oobd parse` over large inputs. The main thread parses too; when
// the input names more than 64 files, helper threads (by default one per core beyond
// two; parse.ts says why) start before the main thread compiles its rules, so each
// thread's start (loading the parsers, compiling the same rules) runs beside the main
// thread's own, and take whole batches of files as they become ready while the main
// thread goes on with the others. A thread takes batches only once it is ready.
// Outputs are written in input order whichever thread made them, so the output is the
// same as with no thread.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClassifierOptions, RulesSource } from '../classify/index';
import type { ParseModeSettings } from '../pipeline/parse-mode';
import type { BatchOutput } from './parse-output';
import type { ReadBatch, ReadItem } from './read-ahead';

export interface ParseThreadInit {
  sources: RulesSource[];
  classifier: ClassifierOptions;
  /** --to, --from, --verp and the config's `[reports]`. */
  settings: ParseModeSettings;
  /** The run's fixed "now" (Unix ms), so every thread prints the same times. */
  now: number;
  /** --problems: a "Problems" line after the records of a message the parsers noted something about. */
  problems: boolean;
}

export interface ParseThreadRequest {
  seq: number;
  items: ReadItem[];
  buffer: ArrayBuffer;
}

export type ParseThreadReply =
  | { type: 'ready' }
  | { type: 'text'; seq: number; text: string; notes: string[] }
  | { type: 'failed'; seq: number; message: string };

/** The compiled thread script, or null under ts-jest/swc (no build beside the sources). */
function threadScript(): string | null {
  const beside = join(__dirname, 'parse-worker.js');
  if (existsSync(beside)) return beside;
  const built = resolve(__dirname, '../../dist/cli/parse-worker.js');
  return existsSync(built) ? built : null;
}

interface Helper {
  worker: Worker;
  ready: boolean;
  /** Batches handed over and not answered yet. */
  busy: number;
}

/** Batches a helper holds at once: one it works on, one waiting, so it never idles. */
const HELPER_DEPTH = 2;

export class ParseThreads {
  private readonly helpers: Helper[] = [];
  private readonly waiting = new Map<
    number,
    { resolve: (output: BatchOutput) => void; reject: (err: Error) => void }
  >();
  private seq = 0;
  private failure: Error | null = null;

  private constructor(private readonly init: ParseThreadInit) {}

  /**
   * Starts `count` threads; none (an object that never takes a batch) when `count` is
   * 0 or no compiled thread script exists.
   */
  static start(count: number, init: ParseThreadInit): ParseThreads {
    const threads = new ParseThreads(init);
    const script = count > 0 ? threadScript() : null;
    if (script === null) return threads;
    for (let i = 0; i < count; i++) threads.spawn(script);
    return threads;
  }

  private spawn(script: string): void {
    const worker = new Worker(script, { workerData: this.init satisfies ParseThreadInit });
    const helper: Helper = { worker, ready: false, busy: 0 };
    worker.on('message', (reply: ParseThreadReply) => {
      if (reply.type === 'ready') {
        helper.ready = true;
        return;
      }
      helper.busy--;
      const asked = this.waiting.get(reply.seq);
      this.waiting.delete(reply.seq);
      if (reply.type === 'text') asked?.resolve({ text: reply.text, notes: reply.notes });
      else asked?.reject(new Error(`parse thread failed: ${reply.message}`));
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      helper.ready = false;
      for (const asked of this.waiting.values()) asked.reject(err);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0 || helper.busy > 0) fail(new Error(`a parse thread exited with code ${code}`));
    });
    this.helpers.push(helper);
  }

  /**
   * Hands `batch` to a ready thread with room and returns its output to come; null
   * when no thread can take it now (the caller parses it itself). The batch's buffer
   * moves to the thread: the caller must not read it afterwards.
   */
  take(batch: ReadBatch): Promise<BatchOutput> | null {
    if (this.failure !== null) return null;
    let best: Helper | null = null;
    for (const helper of this.helpers) {
      if (helper.ready && helper.busy < HELPER_DEPTH && (best === null || helper.busy < best.busy))
        best = helper;
    }
    if (best === null) return null;
    const seq = this.seq++;
    best.busy++;
    const request: ParseThreadRequest = { seq, items: batch.items, buffer: batch.buffer };
    best.worker.postMessage(request, [batch.buffer]);
    return new Promise<BatchOutput>((resolve, reject) =>
      this.waiting.set(seq, { resolve, reject }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }
}
