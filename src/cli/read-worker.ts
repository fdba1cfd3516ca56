// The reading thread of `oobd parse` (read-ahead.ts): reads the files of the input's
// listing (made once, by the main thread) in order and hands them over in batches, each batch one transferred buffer, so the
// open/read/close system calls of thousands of small files run on another core
// while the main thread parses. Reads at most `window` batches ahead of the parser.
import { parentPort, workerData } from 'node:worker_threads';
import { readSource, type SourceError } from './sources';
import { packFiles, type ReadBatch, type ReadItem, type ReadWorkerData } from './read-ahead';

const { entries, window, batchFiles, batchBytes } = workerData as ReadWorkerData;
const port = parentPort;
if (port === null) throw new Error('read-worker.js runs as a worker thread');

interface ReadFile {
  file: string;
  raw: Buffer;
}

const errors: SourceError[] = [];
/** The next entry of the listing to read. */
let at = 0;
/** A large file read while filling a batch: it opens the next one, alone. */
let carried: ReadFile | null = null;
let credits = window;
let pumping = false;

/** Every file has been read and handed over. */
function finished(): boolean {
  return at >= entries.length && carried === null;
}

/** The next file's bytes, or null when every file has been read. */
function readNext(): ReadFile | null {
  if (carried !== null) {
    const next = carried;
    carried = null;
    return next;
  }
  while (at < entries.length) {
    const entry = entries[at++] as string | SourceError;
    if (typeof entry !== 'string') {
      errors.push(entry); // a path that could not be listed, where it stands
      continue;
    }
    const raw = readSource(entry, errors);
    if (raw !== null) return { file: entry, raw };
  }
  return null;
}

function nextBatch(): ReadBatch {
  const files: ReadFile[] = [];
  let bytes = 0;
  while (files.length < batchFiles && bytes < batchBytes) {
    const next = readNext();
    if (next === null) break;
    // A large file travels alone, so its buffer is handed over without a copy.
    if (files.length > 0 && next.raw.length >= batchBytes) {
      carried = next;
      break;
    }
    files.push(next);
    bytes += next.raw.length;
  }
  const done = finished();
  const only = files.length === 1 ? (files[0] as ReadFile).raw : null;
  if (only !== null && only.byteOffset === 0 && only.buffer.byteLength === only.length) {
    const item: ReadItem = { file: (files[0] as ReadFile).file, start: 0, end: only.length };
    return { items: [item], errors: errors.splice(0), buffer: only.buffer as ArrayBuffer, done };
  }
  return { ...packFiles(files), errors: errors.splice(0), done };
}

function pump(): void {
  if (pumping) return;
  pumping = true;
  while (credits > 0 && !finished()) {
    credits--;
    const batch = nextBatch();
    port?.postMessage(batch, [batch.buffer]);
  }
  pumping = false;
  if (finished()) port?.close();
}

// Each message from the parser is one batch consumed: one more may be read.
port.on('message', () => {
  credits++;
  pump();
});
pump();
