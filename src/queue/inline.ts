// The inline backend (default, nothing to install): the pipeline runs inside the SMTP
// transaction and the 250 is sent only after the records are written (and, for
// LogThenRelay, after the routing host took the message). On any failure the client
// gets a 4xx and retries: the sending MTA is the retry store, so nothing accepted is
// ever lost. Back-pressure comes from the analyze pool (classifier.back_pressure).
import { ErrorCode, OobdError } from '../errors';
import { processJob, type Job, type JobQueue, type ProcessorDeps } from './job';

export class InlineQueue implements JobQueue {
  readonly mode = 'inline' as const;
  readonly contentIds = false;
  private active = 0;
  private closing = false;

  constructor(private readonly deps: ProcessorDeps) {}

  get inFlight(): number {
    return this.active;
  }

  async submit(job: Job): Promise<void> {
    if (this.closing) throw new OobdError(ErrorCode.ShuttingDown, 'inline queue is closing');
    this.active++;
    try {
      await processJob(job, this.deps, 'now');
    } finally {
      this.active--;
    }
  }

  /** Waits for the messages being processed; new ones are refused. */
  async close(): Promise<void> {
    this.closing = true;
    while (this.active > 0) await new Promise((r) => setTimeout(r, 10));
  }
}
