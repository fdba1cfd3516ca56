// A thread of the processing pool: parse, classify, decide and serialise one message
// at a time. It compiles its own classifier from the rules text it is given (RE2
// objects cannot cross threads).
import { parentPort, workerData } from 'node:worker_threads';
import { compileClassifier, type Classifier } from '../classify/index';
import { errorMessage } from '../errors';
import type { TaskReply, WorkerInit, WorkerReply, WorkerRequest } from './pool-protocol';
import { processMessage, type ProcessInput } from './process';

const init = workerData as WorkerInit;
let classifier: Classifier = compileClassifier(init.sources, init.classifier);
parentPort?.postMessage({ type: 'ready' } satisfies WorkerReply);

parentPort?.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'rules') {
    // The main thread validated these sources before sending them.
    classifier = compileClassifier(msg.sources, init.classifier);
    return;
  }
  waiting.push(...msg.inputs);
  if (!scheduled) {
    scheduled = true;
    setImmediate(work);
  }
});

/** Inputs received and not yet answered, oldest first. */
const waiting: ProcessInput[] = [];
let scheduled = false;

/**
 * Answers everything that arrived while the previous batch was being worked on, in
 * one message back: fewer wake-ups of the SMTP event loop when the pool is busy.
 */
function work(): void {
  scheduled = false;
  const replies: TaskReply[] = [];
  for (const input of waiting.splice(0)) {
    try {
      replies.push({ type: 'result', outcome: processMessage(input, classifier, init.nodeid, new Date()) });
    } catch (err) {
      replies.push({ type: 'error', message: errorMessage(err) });
    }
  }
  parentPort?.postMessage({ type: 'replies', replies } satisfies WorkerReply);
}
