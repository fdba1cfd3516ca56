// A parse thread of `oobd parse` (parse-threads.ts): compiles the rules it is given,
// then turns each batch of files it receives into the batch's output text, the same
// lines the main thread makes (parse-output.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { compileClassifier } from '../classify/index';
import { errorMessage } from '../errors';
import { parseModeRecords } from '../pipeline/parse-mode';
import { noMessageNote, outputLines } from './parse-output';
import type { ParseThreadInit, ParseThreadReply, ParseThreadRequest } from './parse-threads';
import { messagesOf } from './sources';

const init = workerData as ParseThreadInit;
const port = parentPort;
if (port === null) throw new Error('parse-worker.js runs as a worker thread');

const classifier = compileClassifier(init.sources, init.classifier);
const now = new Date(init.now);
port.postMessage({ type: 'ready' } satisfies ParseThreadReply);

port.on('message', (request: ParseThreadRequest) => {
  let text = '';
  const notes: string[] = [];
  try {
    for (const item of request.items) {
      const raw = Buffer.from(request.buffer, item.start, item.end - item.start);
      for (const message of messagesOf(item.file, raw)) {
        const parsed = parseModeRecords(message.raw, classifier, init.settings, now);
        text += outputLines(message, parsed, init.problems);
        const note = noMessageNote(message, parsed);
        if (note !== null) notes.push(note);
      }
    }
  } catch (err) {
    port.postMessage({
      type: 'failed',
      seq: request.seq,
      message: errorMessage(err),
    } satisfies ParseThreadReply);
    return;
  }
  port.postMessage({ type: 'text', seq: request.seq, text, notes } satisfies ParseThreadReply);
});
