// The heap limit serve gives its BullMQ worker threads (queue/worker-threads.ts).
import type { ServerConfig } from '../../../src/config/server';
import { WORKER_THREAD_HEAP_MB, workerThreadHeapMb } from '../../../src/queue/worker-threads';

const withConcurrency = (concurrency: number) =>
  ({ queue: { concurrency } }) as unknown as ServerConfig;

describe('workerThreadHeapMb', () => {
  it('gives a thread at the default concurrency the parse threads’ 512 MiB', () => {
    expect(WORKER_THREAD_HEAP_MB).toBe(512);
    expect(workerThreadHeapMb(withConcurrency(64))).toBe(512);
    expect(workerThreadHeapMb(withConcurrency(1))).toBe(512);
  });

  it('grows with queue.concurrency, 8 MiB a job, so many 1 MiB jobs at once stay far under it', () => {
    expect(workerThreadHeapMb(withConcurrency(65))).toBe(520);
    expect(workerThreadHeapMb(withConcurrency(1000))).toBe(8000);
  });
});
