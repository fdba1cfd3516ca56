// A thread of the processing pool: parse, classify, decide and serialise one message
// at a time. It compiles its own classifier from the rules text it is given (RE2
// objects cannot cross threads).
import { parentPort, workerData } from 'node:worker_threads';
import { compileClassifier, type Classifier } from '../classify/index';
import { errorMessage } from '../errors';
import { parseMessage } from '../report/index';
import {
  type TaskReply,
  type WireInput,
  type WorkerInit,
  type WorkerReply,
  type WorkerRequest,
} from './pool-protocol';
import { processMessage } from './process';

const init = workerData as WorkerInit;
let classifier: Classifier = compileClassifier(init.sources, init.classifier);

/**
 * A freshly started thread runs cold code for its first messages; warming up on a
 * small DSN before saying "ready" keeps that off the first real message's deadline.
 */
function warmUp(): void {
  const dsn = [
    'Content-Type: multipart/report; report-type=delivery-status; boundary=w',
    '',
    '--w',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; warm.invalid',
    '',
    'Final-Recipient: rfc822; warm@warm.invalid',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
    '',
    '--w--',
    '',
  ].join('\r\n');
  const raw = Buffer.from(dsn);
  for (let i = 0; i < 20; i++) parseMessage(raw);
}
warmUp();
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
const waiting: WireInput[] = [];
let scheduled = false;

/**
 * Answers everything that arrived while the previous batch was being worked on, in
 * as few messages back as it can: fewer wake-ups of the SMTP event loop when the
 * pool is busy. Answers that have waited `init.flushMs` go out before the next
 * message is started, so the pool's deadline always runs for the message this
 * thread is actually on (the oldest unanswered one).
 */
function work(): void {
  scheduled = false;
  let replies: TaskReply[] = [];
  let since = Date.now();
  for (const input of waiting.splice(0)) {
    if (replies.length > 0 && Date.now() - since >= init.flushMs) {
      parentPort?.postMessage({ type: 'replies', replies } satisfies WorkerReply);
      replies = [];
      since = Date.now();
    }
    try {
      replies.push({
        type: 'result',
        // A string input is the message as a binary string: the parser takes it as is.
        outcome: processMessage(input, classifier, init.nodeid, new Date()),
      });
    } catch (err) {
      replies.push({ type: 'error', message: errorMessage(err) });
    }
  }
  parentPort?.postMessage({ type: 'replies', replies } satisfies WorkerReply);
}
