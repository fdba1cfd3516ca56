// A parse + classify thread of the analyze pool. It compiles its own classifier from
// the rules text it is given (RE2 objects cannot cross threads) and answers one
// message at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { compileClassifier, type Classifier } from '../classify/index';
import { errorMessage } from '../errors';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pool-protocol';
import { analyze } from './process';

const init = workerData as WorkerInit;
let classifier: Classifier = compileClassifier(init.sources, init.classifier);

parentPort?.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'rules') {
    // The main thread validated these sources before sending them.
    classifier = compileClassifier(msg.sources, init.classifier);
    return;
  }
  let reply: WorkerReply;
  try {
    reply = { type: 'result', result: analyze(msg.raw, classifier) };
  } catch (err) {
    reply = { type: 'error', message: errorMessage(err) };
  }
  parentPort?.postMessage(reply);
});
