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
  /** The input's listing, in order (listInput): the thread reads, it does not list. */
  entries: ListEntry[];
  window: number;
  batchFiles: number;
  batchBytes: number;
}

/**
 * One entry of an input's listing, in input order: a file to read, or a path that
 * could not be listed (reported where it stands, between the files before and after).
 */
export type ListEntry = string | SourceError;

/**
 * The listing of an input's paths, made once: the files of the paths before `-`
 * (STDIN_PATH), whether `-` is among them, and the files of the paths after it.
 */
export interface InputListing {
  before: ListEntry[];
  stdin: boolean;
  after: ListEntry[];
  /** Files listed, standard input aside. */
  files: number;
}

/** Every file under `paths` and every listing error, in the order they come. */
function listEntries(paths: ReadonlyArray<string>): ListEntry[] {
  const entries: ListEntry[] = [];
  const errors: SourceError[] = [];
  for (const file of listFiles(paths, errors)) {
    // An error is pushed while the listing works its way to the next file.
    entries.push(...errors.splice(0), file);
  }
  entries.push(...errors);
  return entries;
}

/** How many files a listing names. */
function fileCount(entries: ReadonlyArray<ListEntry>): number {
  let files = 0;
  for (const entry of entries) if (typeof entry === 'string') files++;
  return files;
}

/**
 * Lists the input once, for every use: whether it fits in one batch read here, whether
 * parse threads pay (moreFilesThan), and what the reading thread reads. Folders are
 * listed by readdir alone (file types come with the names), so listing costs far less
 * than reading: 7,900 files in 25 folders are 25 calls.
 */
export function listInput(paths: ReadonlyArray<string>): InputListing {
  const at = paths.indexOf(STDIN_PATH);
  const before = listEntries(at < 0 ? paths : paths.slice(0, at));
  const after = at < 0 ? [] : listEntries(paths.slice(at + 1));
  return { before, stdin: at >= 0, after, files: fileCount(before) + fileCount(after) };
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
  return messagesOfBatches(readBatchesAhead(listEntries(paths), errors, options));
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
 * may transfer to another thread), over a listing (listInput): `oobd parse` hands
 * whole batches to its parse threads. Without a reading thread (ts-jest/swc, see
 * above) the files are read on this thread, one a batch.
 */
export function readBatchesAhead(
  entries: ListEntry[],
  errors: SourceError[],
  { window = 4, batchFiles = 32, batchBytes = 2 * 1024 * 1024 }: ReadAheadOptions = {},
): AsyncGenerator<ReadBatch> {
  const script = workerScript();
  if (script === null) return batchesOf(entries, errors);
  const few = readFew(entries, batchFiles, batchBytes);
  if (few !== null) return oneBatch(few, errors);
  const data: ReadWorkerData = { entries, window, batchFiles, batchBytes };
  const worker = new Worker(script, { workerData: data });
  return fromWorker(worker, errors);
}

/**
 * The batches of an input (its paths, or their listing by listInput) of which one
 * path may be `-` (STDIN_PATH): the batches of the paths before it, then one batch of
 * standard input's bytes (file `-`), then those of the paths after it. Standard input
 * is read on this thread, when its turn comes. Reading the paths before it starts at
 * once, as `readBatchesAhead` does (a generator function would start it only when the
 * first batch is asked for, after the caller's set-up).
 */
export function readBatchesWithStdin(
  input: ReadonlyArray<string> | InputListing,
  errors: SourceError[],
  options: ReadAheadOptions = {},
): AsyncGenerator<ReadBatch> {
  const listing = isListing(input) ? input : listInput(input);
  if (!listing.stdin) return readBatchesAhead(listing.before, errors, options);
  const before =
    listing.before.length > 0 ? readBatchesAhead(listing.before, errors, options) : null;
  return stdinAmong(before, listing.after, errors, options);
}

function isListing(input: ReadonlyArray<string> | InputListing): input is InputListing {
  return !Array.isArray(input);
}

async function* stdinAmong(
  before: AsyncGenerator<ReadBatch> | null,
  after: ListEntry[],
  errors: SourceError[],
  options: ReadAheadOptions,
): AsyncGenerator<ReadBatch> {
  if (before !== null) for await (const batch of before) yield { ...batch, done: false };
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
 * The files of a listing, read on this thread, when they are regular files that fit
 * in one batch (at most `batchFiles` files, fewer than `batchBytes` bytes); null, with
 * nothing read, when they do not. Read here, a few files cost less than a reading
 * thread's start (an isolate of its own: about 40 ms of CPU, and the wait for it,
 * against the 400 of `oobd parse` over an empty folder), and the batch is the one the
 * thread would have made; an empty listing starts no thread either. Listing and
 * reading errors are kept in the order they happen, as the thread would report them.
 */
function readFew(
  entries: ReadonlyArray<ListEntry>,
  batchFiles: number,
  batchBytes: number,
): { files: Array<{ file: string; raw: Buffer }>; errors: SourceError[] } | null {
  if (fileCount(entries) > batchFiles) return null;
  let bytes = 0;
  for (const entry of entries) {
    if (typeof entry !== 'string') continue;
    try {
      const stat = statSync(entry);
      if (!stat.isFile()) return null;
      bytes += stat.size;
    } catch {
      return null; // the reading thread reports it, as for any other input
    }
    if (bytes >= batchBytes) return null;
  }
  const errors: SourceError[] = [];
  const files: Array<{ file: string; raw: Buffer }> = [];
  for (const entry of entries) {
    if (typeof entry !== 'string') {
      errors.push(entry);
      continue;
    }
    const raw = readSource(entry, errors);
    if (raw !== null) files.push({ file: entry, raw });
  }
  return { files, errors };
}

/** Whether an input (standard input aside) names more than `limit` files. */
export function moreFilesThan(input: ReadonlyArray<string> | InputListing, limit: number): boolean {
  return (isListing(input) ? input : listInput(input)).files > limit;
}

/** The one batch of files `readFew` read. */
async function* oneBatch(
  few: { files: Array<{ file: string; raw: Buffer }>; errors: SourceError[] },
  errors: SourceError[],
): AsyncGenerator<ReadBatch> {
  errors.push(...few.errors);
  yield { ...packFiles(few.files), errors: few.errors, done: true };
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
  entries: ReadonlyArray<ListEntry>,
  errors: SourceError[],
): AsyncGenerator<ReadBatch> {
  const files: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') files.push(entry);
    else errors.push(entry);
  }
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

/**
 * The batches the reading thread sends, in order. Its messages are listened to from
 * now on (they may come while the caller is still setting up, before it asks for the
 * first batch); the thread keeps the process alive only once the batches are asked for.
 */
function fromWorker(worker: Worker, errors: SourceError[]): AsyncGenerator<ReadBatch> {
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
  // Until the batches are asked for the thread must not keep the process alive: a
  // caller that fails during its set-up never iterates, so never terminates it. Unref'd
  // after the listeners: adding a 'message' listener refs the thread's port again, and
  // a reader waiting for credits over an input of more than `window` batches then
  // kept `oobd parse --rules missing.toml FOLDER` alive after its error.
  worker.unref();
  return (async function* batches(): AsyncGenerator<ReadBatch> {
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
  })();
}
