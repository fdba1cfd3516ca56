// Queue mode's diagnostic output: everything on stderr is pino JSON (BullMQ's own
// console lines included), and a Redis that may evict jobs is warned about once.
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { readAllRecords } from '../../src/log/reader';
import { startServe } from '../helpers/process';
import { RedisServer, requireRedisServer } from '../helpers/redis';
import { sendMessage } from '../helpers/smtp-client';
import { dsnMessage, makeTempDir, writeTestConfig } from '../helpers/service';

// Every test here needs Redis: without it the file fails once, here.
requireRedisServer();

describe('queue mode diagnostics', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
    const client = new Redis(redis.url);
    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    client.disconnect();
  });
  afterAll(() => redis?.destroy());

  it('warns once per process about maxmemory-policy and writes only pino JSON on stderr', async () => {
    const dir = makeTempDir();
    writeTestConfig(dir);
    const serve = await startServe(
      ['--config', join(dir, 'oobd.toml'), '--queue', 'bullmq', '--workers', '2'],
      { env: { REDIS_URL: redis.url } },
    );
    try {
      const reply = await sendMessage(serve.port, {
        from: '',
        to: ['w@bounce.example.com'],
        message: dsnMessage(),
      });
      expect(reply.code).toBe(250);
      const id = reply.text.slice('OK id='.length);
      for (let i = 0; i < 400; i++) {
        const records = await readAllRecords(join(dir, 'logs'));
        if (records.some((r) => r.id === id && r.type === 'OOB')) break;
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
    }
    // Every line pino wrote has a numeric level; a plain console line does not.
    expect(serve.logs.filter((line) => typeof line.level !== 'number')).toEqual([]);
    const eviction = serve.logs.filter((line) =>
      /maxmemory-policy|eviction policy/i.test(String(line.msg)),
    );
    expect(eviction).toHaveLength(1);
    expect(eviction[0]).toMatchObject({ level: 40, maxmemory_policy: 'allkeys-lru' });
  }, 150_000);
});
