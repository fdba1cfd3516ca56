// A thread of the processing pool: parse, classify, decide and serialise one message
// at a time. It compiles its own classifier from the rules text it is given (RE2
// objects cannot cross threads).
import { parentPort, workerData } from 'node:worker_threads';
import { compileClassifier, type Classifier } from '../classify/index';
import { errorMessage } from '../errors';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pool-protocol';
import { processMessage } from './process';

const init = workerData as WorkerInit;
let classifier: Classifier = compileClassifier(init.sources, init.classifier);
parentPort?.postMessage({ type: 'ready' } satisfies WorkerReply);

parentPort?.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'rules') {
    // The main thread validated these sources before sending them.
    classifier = compileClassifier(msg.sources, init.classifier);
    return;
  }
  let reply: WorkerReply;
  try {
    reply = { type: 'result', outcome: processMessage(msg.input, classifier, init.nodeid, new Date()) };
  } catch (err) {
    reply = { type: 'error', message: errorMessage(err) };
  }
  parentPort?.postMessage(reply);
});
