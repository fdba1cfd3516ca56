// A throwaway redis-server per test file: free port on loopback, no persistence, its
// own folder. It can be stopped and started again on the same port to test outages.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { MESSAGE_QUEUE, RELAY_QUEUE, queueName } from '../../src/queue/bullmq';
import { redisTarget, workerConnection } from '../../src/queue/redis';
import { makeTempDir } from './tmp';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let available: boolean | null = null;

/**
 * Throws one clear error when redis-server is not on PATH. Call it at the top of a
 * test file whose every test needs Redis: the file then fails once, before anything
 * starts, instead of each test failing with a spawn error and a teardown TypeError.
 */
export function requireRedisServer(): void {
  available ??= !spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error;
  if (!available) {
    throw new Error('redis-server not found: install it (apt-get install redis-server)');
  }
}

export class RedisServer {
  private child: ChildProcess | null = null;
  readonly dir = makeTempDir('oobd-redis-');

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    requireRedisServer();
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          child.stdout!.off('data', onData);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
      child.once('error', reject);
    });
    child.stdout!.resume();
    child.stderr!.resume();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.child = null;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Waits until no job of oobd's queues under `prefix` is waiting, delayed or running
 * (a job that runs again after a crash has been processed too).
 */
export async function waitForIdleQueues(
  redisUrl: string | string[],
  prefix: string,
  timeoutMs = 60_000,
): Promise<void> {
  const target = redisTarget(redisUrl);
  const connection = workerConnection(target);
  const queues = [MESSAGE_QUEUE, RELAY_QUEUE].map(
    (name) => new Queue(queueName(name, target), { connection, prefix }),
  );
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await Promise.all(
        queues.map((q) => q.getJobCounts('active', 'wait', 'delayed', 'prioritized')),
      );
      const busy = counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
      if (busy === 0) return;
      if (Date.now() > deadline)
        throw new Error(`queues still hold ${busy} jobs: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    if ('disconnect' in connection && typeof connection.disconnect === 'function')
      connection.disconnect();
  }
}
