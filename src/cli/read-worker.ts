// The reading thread of `oobd parse` (read-ahead.ts): lists and reads the files in
// order and hands them over in batches, each batch one transferred buffer, so the
// open/read/close system calls of thousands of small files run on another core
// while the main thread parses. Reads at most `window` batches ahead of the parser.
import { parentPort, workerData } from 'node:worker_threads';
import { listFiles, readSource, type SourceError } from './sources';
import type { ReadBatch, ReadItem, ReadWorkerData } from './read-ahead';

const { paths, window, batchFiles, batchBytes } = workerData as ReadWorkerData;
const port = parentPort;
if (port === null) throw new Error('read-worker.js runs as a worker thread');

const errors: SourceError[] = [];
const files = listFiles(paths, errors);
let credits = window;
let pumping = false;
let done = false;

function nextBatch(): ReadBatch {
  const items: ReadItem[] = [];
  const chunks: Buffer[] = [];
  let bytes = 0;
  while (items.length < batchFiles && bytes < batchBytes) {
    const next = files.next();
    if (next.done === true) {
      done = true;
      break;
    }
    const raw = readSource(next.value, errors);
    if (raw === null) continue;
    items.push({ file: next.value, start: bytes, end: bytes + raw.length });
    chunks.push(raw);
    bytes += raw.length;
  }
  const buffer = new ArrayBuffer(bytes);
  const view = new Uint8Array(buffer);
  let at = 0;
  for (const chunk of chunks) {
    view.set(chunk, at);
    at += chunk.length;
  }
  return { items, errors: errors.splice(0), buffer, done };
}

function pump(): void {
  if (pumping) return;
  pumping = true;
  while (credits > 0 && !done) {
    credits--;
    const batch = nextBatch();
    port?.postMessage(batch, [batch.buffer]);
  }
  pumping = false;
  if (done) port?.close();
}

// Each message from the parser is one batch consumed: one more may be read.
port.on('message', () => {
  credits++;
  pump();
});
pump();
