// One BullMQ worker thread of `oobd serve --workers N` (DESIGN.md §1): the same
// service `oobd worker` runs — its own Redis connections, parse pool, log segments
// and quarantine writes — on an event loop of its own, so the jobs' bookkeeping never
// competes with the SMTP edge for the main thread. The main thread talks to it over
// `WorkerThreadRequest`/`WorkerThreadReply` (worker-threads.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { ErrorCode, errorMessage, isOobdError } from '../errors';
import { startWorker, type Service } from '../lifecycle';
import { BULLMQ_DUPLICATES, captureConsole, createLogger, silentLogger } from '../logger';
import type { WorkerThreadInit, WorkerThreadReply, WorkerThreadRequest } from './worker-threads';

const init = workerData as WorkerThreadInit;
const logger =
  init.logLevel === 'silent'
    ? silentLogger()
    : createLogger('oobd', init.logLevel).child({ thread: init.index });

// A thread has a console of its own: BullMQ's lines in it go to this thread's logger.
captureConsole(logger, BULLMQ_DUPLICATES);

function send(reply: WorkerThreadReply): void {
  parentPort?.postMessage(reply);
}

async function main(): Promise<void> {
  let service: Service;
  try {
    // /metrics stays with serve, which asks this thread for its figures; the log hooks
    // too: serve's main thread delivers the folder this thread writes to.
    service = await startWorker(
      { ...init.config, http: { ...init.config.http, listen: '' } },
      { logger, workers: 1, defaultMetrics: false, hooks: false },
    );
  } catch (err) {
    send({
      type: 'failed',
      message: errorMessage(err),
      code: isOobdError(err) ? err.code : ErrorCode.QueueUnavailable,
    });
    logger.flush();
    parentPort?.close();
    return;
  }
  parentPort?.on('message', (msg: WorkerThreadRequest) => {
    switch (msg.type) {
      case 'reload':
        service.reload();
        break;
      case 'metrics':
        service.metrics.registry.getMetricsAsJSON().then(
          (metrics) => send({ type: 'metrics', id: msg.id, metrics }),
          () => send({ type: 'metrics', id: msg.id, metrics: [] }),
        );
        break;
      case 'stop':
        service
          .stop(msg.deadlineMs)
          .catch((err: unknown) =>
            logger.error({ err: errorMessage(err) }, 'worker thread stop failed'),
          )
          .finally(() => {
            logger.flush();
            send({ type: 'stopped' });
            parentPort?.close();
          });
        break;
    }
  });
  send({ type: 'ready' });
}

void main();
