// `readMessages` with the reading on a thread of its own (read-worker.ts): same
// messages, same order, same errors. Memory stays bounded: the reader is at most
// `window` batches (of `batchFiles` files or `batchBytes` bytes) ahead.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../errors';
import {
  listFiles,
  messagesOf,
  readMessages,
  readSource,
  readStandardInput,
  STDIN_PATH,
  type SourceError,
  type SourceMessage,
} from './sources';

export interface ReadWorkerData {
  paths: string[];
  window: number;
  batchFiles: number;
  batchBytes: number;
}

/** A file of a batch: its bytes are `buffer[start, end)`. */
export interface ReadItem {
  file: string;
  start: number;
  end: number;
}

export interface ReadBatch {
  items: ReadItem[];
  /** Paths that could not be listed or read since the previous batch. */
  errors: SourceError[];
  buffer: ArrayBuffer;
  /** No batch follows. */
  done: boolean;
}

/**
 * The compiled worker script, or null under ts-jest/swc, where the sources are
 * TypeScript a worker thread cannot load (callers then read on their own thread).
 */
function workerScript(): string | null {
  const beside = join(__dirname, 'read-worker.js');
  if (existsSync(beside)) return beside;
  const built = resolve(__dirname, '../../dist/cli/read-worker.js');
  return existsSync(built) ? built : null;
}

/**
 * Starts reading at once, on a thread of its own, and returns the messages in order
 * as they are consumed. Start it before other set-up work: the thread boots while
 * the caller compiles its rules.
 */
export function readMessagesAhead(
  paths: ReadonlyArray<string>,
  errors: SourceError[],
  options: ReadAheadOptions = {},
): AsyncGenerator<SourceMessage> {
  const script = workerScript();
  if (script === null) return fromIterable(readMessages(paths, errors));
  return messagesOfBatches(readBatchesAhead(paths, errors, options));
}

export interface ReadAheadOptions {
  window?: number;
  batchFiles?: number;
  batchBytes?: number;
}

/** The messages of each batch, in order. */
async function* messagesOfBatches(
  batches: AsyncGenerator<ReadBatch>,
): AsyncGenerator<SourceMessage> {
  for await (const batch of batches) {
    for (const item of batch.items) {
      yield* messagesOf(item.file, Buffer.from(batch.buffer, item.start, item.end - item.start));
    }
  }
}

/**
 * Like `readMessagesAhead`, batch by batch (each batch one buffer, which its consumer
 * may transfer to another thread): `oobd parse` hands whole batches to its parse
 * threads. Null under ts-jest/swc, where no reading thread can start (see above).
 */
export function readBatchesAhead(
  paths: ReadonlyArray<string>,
  errors: SourceError[],
  { window = 4, batchFiles = 32, batchBytes = 2 * 1024 * 1024 }: ReadAheadOptions = {},
): AsyncGenerator<ReadBatch> {
  const script = workerScript();
  if (script === null) return batchesOf(paths, errors);
  if (fewFiles(paths, batchFiles, batchBytes)) return oneBatch(paths, errors);
  const data: ReadWorkerData = { paths: [...paths], window, batchFiles, batchBytes };
  const worker = new Worker(script, { workerData: data });
  // Until the messages are consumed the thread must not keep the process alive: a
  // caller that fails during its set-up never iterates, so never terminates it.
  worker.unref();
  return fromWorker(worker, errors);
}

/**
 * `readBatchesAhead` for paths of which one is `-` (STDIN_PATH): the batches of the
 * paths before it, then one batch of standard input's bytes (file `-`), then those of
 * the paths after it. Standard input is read on this thread, when its turn comes.
 */
export async function* readBatchesWithStdin(
  paths: ReadonlyArray<string>,
  errors: SourceError[],
  options: ReadAheadOptions = {},
): AsyncGenerator<ReadBatch> {
  const at = paths.indexOf(STDIN_PATH);
  if (at < 0) {
    yield* readBatchesAhead(paths, errors, options);
    return;
  }
  const after = paths.slice(at + 1);
  if (at > 0)
    for await (const batch of readBatchesAhead(paths.slice(0, at), errors, options))
      yield { ...batch, done: false };
  let raw: Buffer | null = null;
  try {
    raw = await readStandardInput();
  } catch (err) {
    errors.push({ path: STDIN_PATH, message: `standard input: ${errorMessage(err)}` });
  }
  yield {
    items: raw === null ? [] : [{ file: STDIN_PATH, start: 0, end: raw.length }],
    errors: [],
    // A buffer of its own: a parse thread may take it over (see ReadBatch).
    buffer: raw === null ? new ArrayBuffer(0) : new Uint8Array(raw).buffer,
    done: after.length === 0,
  };
  if (after.length > 0) yield* readBatchesAhead(after, errors, options);
}

/**
 * Whether `paths` are regular files that fit in one batch: read here, they cost less
 * than a reading thread's start (an isolate of its own: about 40 ms of CPU against
 * the 450 of `oobd parse` for one message), and the batch is the one the thread
 * would have made.
 */
function fewFiles(paths: ReadonlyArray<string>, batchFiles: number, batchBytes: number): boolean {
  if (paths.length > batchFiles) return false;
  let bytes = 0;
  for (const path of paths) {
    try {
      const stat = statSync(path);
      if (!stat.isFile()) return false;
      bytes += stat.size;
    } catch {
      return false; // the reading thread reports it, as for any other input
    }
  }
  return bytes < batchBytes;
}

/** One batch of the files `paths` name, read on this thread. */
async function* oneBatch(
  paths: ReadonlyArray<string>,
  errors: SourceError[],
): AsyncGenerator<ReadBatch> {
  const files: Array<{ file: string; raw: Buffer }> = [];
  for (const file of paths) {
    const raw = readSource(file, errors);
    if (raw !== null) files.push({ file, raw });
  }
  yield { ...packFiles(files), errors: [], done: true };
}

/** Files' bytes end to end in one buffer, as a batch carries them. */
export function packFiles(files: ReadonlyArray<{ file: string; raw: Buffer }>): {
  items: ReadItem[];
  buffer: ArrayBuffer;
} {
  let bytes = 0;
  for (const { raw } of files) bytes += raw.length;
  const buffer = new ArrayBuffer(bytes);
  const view = new Uint8Array(buffer);
  const items: ReadItem[] = [];
  let at = 0;
  for (const { file, raw } of files) {
    view.set(raw, at);
    items.push({ file, start: at, end: at + raw.length });
    at += raw.length;
  }
  return { items, buffer };
}

/** Batches read on this thread (no reading thread available): one file each. */
async function* batchesOf(
  paths: ReadonlyArray<string>,
  errors: SourceError[],
): AsyncGenerator<ReadBatch> {
  const files = [...listFiles(paths, errors)];
  for (let i = 0; i < files.length; i++) {
    const file = files[i] as string;
    const raw = readSource(file, errors);
    const buffer = raw === null ? new ArrayBuffer(0) : new Uint8Array(raw).buffer;
    const items = raw === null ? [] : [{ file, start: 0, end: raw.length }];
    yield { items, errors: [], buffer, done: i === files.length - 1 };
  }
  if (files.length === 0) yield { items: [], errors: [], buffer: new ArrayBuffer(0), done: true };
}

async function* fromIterable(messages: Iterable<SourceMessage>): AsyncGenerator<SourceMessage> {
  yield* messages;
}

async function* fromWorker(worker: Worker, errors: SourceError[]): AsyncGenerator<ReadBatch> {
  const ready: ReadBatch[] = [];
  let failure: Error | null = null;
  let finished = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  worker.on('message', (batch: ReadBatch) => {
    ready.push(batch);
    notify();
  });
  worker.on('error', (err) => {
    failure = err;
    notify();
  });
  worker.on('exit', (code) => {
    if (!finished && failure === null)
      failure = new Error(`the file reading thread exited with code ${code}`);
    notify();
  });
  worker.ref();
  try {
    for (;;) {
      while (ready.length === 0 && failure === null)
        await new Promise<void>((resolve) => (wake = resolve));
      const batch = ready.shift();
      if (batch === undefined) throw failure ?? new Error('the file reading thread stopped');
      if (batch.done) finished = true;
      else worker.postMessage(1);
      errors.push(...batch.errors);
      yield batch;
      if (batch.done) return;
    }
  } finally {
    finished = true;
    await worker.terminate();
  }
}
