// A throwaway Redis Cluster on loopback: N masters (redis-server --cluster-enabled
// yes), joined with `redis-cli --cluster create ... --cluster-replicas 0`, no
// persistence, one folder. Each node's cluster bus listens on its port + 10000
// (Redis's default, which every Redis version with clusters understands), so ports
// are chosen with that port free too.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { makeTempDir } from './tmp';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (+10000) is free too. */
async function nodePort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    if (taken.has(port) || taken.has(port + 10000)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + 10000))) {
      taken.add(port);
      taken.add(port + 10000);
      return port;
    }
  }
  throw new Error('no free port pair for a cluster node');
}

function waitForOutput(child: ChildProcess, text: string, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(text)) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}: ${out}`)));
    child.once('error', reject);
  });
}

export class RedisCluster {
  private readonly children: ChildProcess[] = [];
  readonly dir = makeTempDir('oobd-redis-cluster-');
  readonly ports: number[] = [];

  private constructor() {}

  /** Starts `masters` nodes, creates the cluster and waits until every node says it is ok. */
  static async start(masters = 3): Promise<RedisCluster> {
    const cluster = new RedisCluster();
    try {
      await cluster.startNodes(masters);
      await cluster.create();
      await cluster.waitUntilOk();
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
    return cluster;
  }

  /** The nodes as `queue.redis_url` takes them. */
  get urls(): string[] {
    return this.ports.map((p) => `redis://127.0.0.1:${p}`);
  }

  private async startNodes(masters: number): Promise<void> {
    const taken = new Set<number>();
    for (let i = 0; i < masters; i++) this.ports.push(await nodePort(taken));
    await Promise.all(
      this.ports.map((port) => {
        const child = spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(this.dir, `nodes-${port}.conf`),
            '--cluster-node-timeout',
            '5000',
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
        this.children.push(child);
        child.stderr!.resume();
        return waitForOutput(child, 'Ready to accept connections', `redis-server on ${port}`);
      }),
    );
  }

  private async create(): Promise<void> {
    const child = spawn(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...this.ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('exit', resolve);
      child.once('error', reject);
    });
    if (code !== 0) throw new Error(`redis-cli --cluster create exited with ${code}: ${out}`);
  }

  /** Every node reports cluster_state:ok (the nodes have agreed on the slots). */
  private async waitUntilOk(timeoutMs = 30_000): Promise<void> {
    const clients = this.ports.map((port) => new Redis(port, '127.0.0.1', { lazyConnect: false }));
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const infos = await Promise.all(clients.map((c) => c.cluster('INFO') as Promise<string>));
        if (infos.every((info) => info.includes('cluster_state:ok'))) return;
        if (Date.now() > deadline) throw new Error(`cluster not ok: ${infos.join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      for (const c of clients) c.disconnect();
    }
  }

  /** Keys on each node that match `pattern`, per port. */
  async keysByNode(pattern: string): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    for (const port of this.ports) {
      const client = new Redis(port, '127.0.0.1');
      try {
        out.set(port, await client.keys(pattern));
      } finally {
        client.disconnect();
      }
    }
    return out;
  }

  async destroy(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
