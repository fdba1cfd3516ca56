// Queue mode on a real redis-server: nothing that got a 250 is lost to a worker crash
// or a Redis outage, and nothing is logged twice.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { LogRecord } from '../../src/log/record';
import { readAllRecords } from '../../src/log/reader';
import { startWorker } from '../../src/lifecycle';
import { silentLogger } from '../../src/logger';
import { checkRedis, redisTarget } from '../../src/queue/redis';
import {
  WORKER_THREAD_HEAP_MB,
  WorkerThreads,
  workerThreadHeapMb,
} from '../../src/queue/worker-threads';
import type { Worker } from 'node:worker_threads';
import { startServe, CLI } from '../helpers/process';
import { RedisServer, requireRedisServer, waitForIdleQueues } from '../helpers/redis';
import { SmtpClient, sendMessage, type SmtpReply } from '../helpers/smtp-client';
import {
  classificationOf,
  dsnMessage,
  makeTempDir,
  startTestService,
  writeTestConfig,
} from '../helpers/service';
import { spawn } from 'node:child_process';

// Every test here needs Redis: without it the file fails once, here.
requireRedisServer();

/** Sends `total` DSNs over `connections` parallel sessions; returns every DATA reply. */
/**
 * A bullmq service (`workers` of serve's own) whose one rules file labels "user
 * unknown" InvalidRecipient, and the label of the DSN for user<n> sent to it.
 */
async function withRulesFile(
  redisUrl: string,
  workers: number,
  config: Record<string, unknown> = {},
) {
  const dir = makeTempDir();
  const rulesFile = join(dir, 'rules.toml');
  await fs.writeFile(rulesFile, '[rules]\nInvalidRecipient = ["(?i)user unknown"]\n');
  const t = await startTestService({
    mode: 'bullmq',
    redisUrl,
    workers,
    config: { ...config, classifier: { files: [rulesFile] } },
  });
  const labelOf = (n: number) =>
    classificationOf(t, dsnMessage({ recipient: `user${n}@remote.example` }));
  return { dir, rulesFile, t, labelOf };
}

async function blast(port: number, total: number, connections: number): Promise<SmtpReply[]> {
  const replies: SmtpReply[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const { client } = await SmtpClient.open(port);
      try {
        await client.cmd('EHLO load.test');
        while (next < total) {
          const n = next++;
          await client.cmd('MAIL FROM:<>');
          await client.cmd(`RCPT TO:<b${n}@bounce.example.com>`);
          replies.push(await client.data(dsnMessage({ recipient: `user${n}@remote.example` })));
        }
      } finally {
        await client.quit();
      }
    }),
  );
  return replies;
}

function idsOf(replies: SmtpReply[]): string[] {
  return replies.filter((r) => r.code === 250).map((r) => r.text.slice('OK id='.length));
}

function countBy(records: LogRecord[], type: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) if (r.type === type) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
  return counts;
}

describe('bullmq mode', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis?.destroy());

  it("accepts 1,000 concurrent DSNs with 250 and writes each one's records exactly once", async () => {
    const t = await startTestService({ mode: 'bullmq', redisUrl: redis.url, workers: 2 });
    try {
      const replies = await blast(t.port, 1000, 50);
      expect(replies.filter((r) => r.code !== 250)).toEqual([]);
      const ids = idsOf(replies);
      expect(new Set(ids).size).toBe(1000);
      const records = await t.waitForRecords(
        (all) => countBy(all, 'Reception').size >= 1000,
        60_000,
      );
      const receptions = countBy(records, 'Reception');
      expect(ids.filter((id) => receptions.get(id) !== 1)).toEqual([]);
      const oob = countBy(records, 'OOB');
      // Each DSN names one failed recipient: at most one OOB record per message.
      expect([...oob.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await t.stop();
    }
  }, 120_000);

  it('loses nothing when a worker process is killed with SIGKILL mid-run', async () => {
    // The edge runs here without workers; the workers are separate `oobd worker` processes.
    const t = await startTestService({ mode: 'bullmq', redisUrl: redis.url, workers: 0 });
    const startWorker = () => {
      const child = spawn(process.execPath, [CLI, 'worker', '--config', join(t.dir, 'oobd.toml')], {
        stdio: 'ignore',
      });
      return { child, exited: new Promise((resolve) => child.on('exit', resolve)) };
    };
    try {
      const first = startWorker();
      const sending = blast(t.port, 1000, 20);
      // Kill the worker once it has written some records, while jobs are in flight.
      await t.waitForRecords((all) => all.length >= 100, 60_000);
      first.child.kill('SIGKILL');
      await first.exited;
      const replies = await sending;
      const ids = idsOf(replies);
      expect(ids).toHaveLength(1000);
      const second = startWorker();
      try {
        await t.waitForRecords(
          (all) => ids.every((id) => countBy(all, 'Reception').has(id)),
          90_000,
        );
        // The jobs the killed worker held come back when their locks expire.
        await waitForIdleQueues(redis.url, t.config.queue.prefix, 90_000);
        const records = await t.records();
        const receptions = countBy(records, 'Reception');
        // Jobs that were running in the killed worker run again in the second one,
        // which finds their records in the segment the first left open and does not
        // write them twice.
        expect([...receptions.entries()].filter(([, n]) => n > 1)).toEqual([]);
        expect(countBy(records, 'OOB').size).toBe(receptions.size);
        expect([...countBy(records, 'OOB').values()].filter((n) => n > 1)).toEqual([]);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      await t.stop();
    }
  }, 180_000);

  it('answers 451 while Redis is down, never 250, and accepts again when it is back without a restart', async () => {
    const own = await RedisServer.start();
    const t = await startTestService({ mode: 'bullmq', redisUrl: own.url, workers: 1 });
    try {
      const before = await sendMessage(t.port, {
        from: '',
        to: ['a@bounce.example.com'],
        message: dsnMessage(),
      });
      expect(before.code).toBe(250);
      await own.stop();
      const during: SmtpReply[] = [];
      for (let i = 0; i < 10; i++) {
        during.push(
          await sendMessage(t.port, {
            from: '',
            to: [`d${i}@bounce.example.com`],
            message: dsnMessage(),
          }),
        );
      }
      expect(during.map((r) => r.code)).toEqual(Array(10).fill(451));
      expect(during[0]!.text).toBe('4.3.0 temporary failure, try again later');
      await own.start();
      let after: SmtpReply | null = null;
      for (let i = 0; i < 100 && after?.code !== 250; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await sendMessage(t.port, {
          from: '',
          to: ['c@bounce.example.com'],
          message: dsnMessage(),
        });
        expect([250, 451]).toContain(after.code);
      }
      expect(after?.code).toBe(250);
      const id = after!.text.slice('OK id='.length);
      const records = await t.waitForRecords(
        (all) => all.some((r) => r.id === id && r.type === 'Reception'),
        30_000,
      );
      expect(
        records.filter((r) => r.type === 'Rejection' && r.response.code === 451).length,
      ).toBeGreaterThanOrEqual(10);
    } finally {
      await t.stop();
      await own.destroy();
    }
  }, 60_000);

  it('moves a message that keeps failing to the quarantine folder after its attempts', async () => {
    const t = await startTestService({
      mode: 'bullmq',
      redisUrl: redis.url,
      workers: 1,
      config: { queue: { attempts: 2 }, logs: { max_segment_bytes: 1 } },
    });
    try {
      // Records cannot be written: every attempt fails.
      await fs.rm(t.logsDir, { recursive: true });
      await fs.writeFile(t.logsDir, 'not a folder');
      const reply = await sendMessage(t.port, {
        from: '',
        to: ['q@bounce.example.com'],
        message: dsnMessage(),
      });
      expect(reply.code).toBe(250);
      const id = reply.text.slice('OK id='.length);
      const meta = join(t.quarantineDir, `${id}.json`);
      for (let i = 0; i < 200; i++) {
        if (await fs.stat(meta).catch(() => null)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const entry = JSON.parse(await fs.readFile(meta, 'utf8')) as {
        reason: string;
        envelope: { id: string };
      };
      expect(entry.envelope.id).toBe(id);
      expect(entry.reason).toMatch(
        /^gave up after 2 attempts: .*OOBD_LOG_WRITE_FAILED|^gave up after 2 attempts/,
      );
      expect(await fs.readFile(join(t.quarantineDir, `${id}.eml`), 'utf8')).toContain(
        'multipart/report',
      );
      await fs.rm(t.logsDir);
      await fs.mkdir(t.logsDir);
    } finally {
      await t.stop();
    }
  }, 30_000);

  it('checks the Redis it is given and warns when maxmemory-policy could evict jobs', async () => {
    const client = new Redis(redis.url);
    const warnings: string[] = [];
    const logger = silentLogger();
    logger.warn = ((_obj: unknown, msg: string) => {
      warnings.push(msg);
    }) as unknown as typeof logger.warn;
    try {
      await checkRedis(client, redisTarget(redis.url), logger);
      expect(warnings).toEqual([]);
      await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await checkRedis(client, redisTarget(redis.url), logger);
      expect(warnings[0]).toContain('maxmemory-policy is not noeviction');
    } finally {
      await client.config('SET', 'maxmemory-policy', 'noeviction');
      client.disconnect();
    }
  });

  it("shows the worker threads' records and classifications in serve's /metrics", async () => {
    const t = await startTestService({
      mode: 'bullmq',
      redisUrl: redis.url,
      workers: 2,
      workerThreads: true,
      config: { http: { listen: '127.0.0.1:0' } },
    });
    try {
      const reply = await sendMessage(t.port, {
        from: '',
        to: ['m@bounce.example.com'],
        message: dsnMessage(),
      });
      expect(reply.code).toBe(250);
      await t.waitForRecords((all) => all.some((r) => r.type === 'OOB'));
      const text = await (await fetch(`http://${t.service.httpAddress}/metrics`)).text();
      // Accepted by the edge (main thread), logged by a worker thread.
      expect(text).toContain('oobd_messages_total{outcome="accepted"} 1');
      expect(text).toContain('oobd_records_total{type="OOB"} 1');
      expect(text).toContain('oobd_reports_total{kind="dsn"} 1');
      // The worker threads classified it on their own threads: no parse thread anywhere.
      expect(text).toMatch(/^oobd_parse_threads 0$/m);
    } finally {
      await t.stop();
    }
  }, 30_000);

  it("runs serve's workers on the SMTP edge's thread unless queue.worker_threads is set, with the rules a reload brought", async () => {
    const { dir, rulesFile, t, labelOf } = await withRulesFile(redis.url, 1, {
      http: { listen: '127.0.0.1:0' },
    });
    try {
      expect(t.config.queue.worker_threads).toBe(false);
      expect(await labelOf(1)).toBe('InvalidRecipient');
      await fs.writeFile(rulesFile, '[rules]\nSomethingElse = ["(?i)user unknown"]\n');
      // The workers classify with serve's own rules: reloaded when reload() returns.
      expect(t.service.reload().rules).toBe('reloaded');
      expect(await labelOf(2)).toBe('SomethingElse');
      // Counted in serve's own registry (no thread reports them), parsed on this thread.
      const records = await t.service.metrics.registry.getSingleMetric('oobd_records_total')?.get();
      expect(records?.values.find((v) => v.labels.type === 'OOB')?.value).toBe(2);
      const text = await (await fetch(`http://${t.service.httpAddress}/metrics`)).text();
      expect(text).toContain('oobd_records_total{type="OOB"} 2');
      expect(text).toMatch(/^oobd_parse_threads 0$/m);
    } finally {
      await t.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('classifies on the worker thread with the rules a SIGHUP reload brought', async () => {
    // The edge here, and an `oobd worker` service in this process, so its reload is
    // done when reload() returns.
    const { dir, rulesFile, t, labelOf } = await withRulesFile(redis.url, 0);
    const worker = await startWorker(t.config, {
      logger: silentLogger(),
      workers: 1,
      defaultMetrics: false,
      hooks: false,
    });
    try {
      expect(await labelOf(1)).toBe('InvalidRecipient');
      await fs.writeFile(rulesFile, '[rules]\nSomethingElse = ["(?i)user unknown"]\n');
      expect(worker.reload().rules).toBe('reloaded');
      expect(await labelOf(2)).toBe('SomethingElse');
      const metrics = await worker.metrics.registry.getSingleMetric('oobd_parse_threads')?.get();
      expect(metrics?.values.map((v) => v.value)).toEqual([0]);
    } finally {
      await worker.stop(5000);
      await t.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('replaces a worker thread that dies, and messages accepted meanwhile still get their records', async () => {
    // The edge runs here without workers; the threads are started the way serve starts them.
    const t = await startTestService({ mode: 'bullmq', redisUrl: redis.url, workers: 0 });
    const errors: string[] = [];
    const logger = silentLogger();
    logger.error = ((obj: unknown, msg?: string) =>
      void errors.push(msg ?? String(obj))) as typeof logger.error;
    const threads = new WorkerThreads({ config: t.config, count: 1, logger, restartDelayMs: 50 });
    await threads.start();
    try {
      const slot = (threads as unknown as { slots: Array<{ worker: Worker | null }> }).slots[0]!;
      const first = slot.worker!;
      // The heap limit that keeps V8 from growing the thread's heap fourfold between GCs.
      expect(first.resourceLimits?.maxOldGenerationSizeMb).toBe(workerThreadHeapMb(t.config));
      await first.terminate();
      const ids = idsOf(await blast(t.port, 20, 4));
      expect(ids).toHaveLength(20);
      const records = await t.waitForRecords((all) => countBy(all, 'Reception').size >= 20, 30_000);
      const receptions = countBy(records, 'Reception');
      expect(ids.filter((id) => receptions.get(id) !== 1)).toEqual([]);
      expect(slot.worker).not.toBeNull();
      expect(slot.worker).not.toBe(first);
      expect(slot.worker!.resourceLimits?.maxOldGenerationSizeMb).toBe(WORKER_THREAD_HEAP_MB);
      expect(errors.some((e) => e.includes('worker thread is down'))).toBe(true);
    } finally {
      await threads.stop();
      await t.stop();
    }
  }, 60_000);

  it('runs `oobd serve --queue bullmq --workers 2` from the command line with REDIS_URL', async () => {
    const dir = makeTempDir();
    writeTestConfig(dir);
    const serve = await startServe(
      ['--config', join(dir, 'oobd.toml'), '--queue', 'bullmq', '--workers', '2'],
      {
        env: { REDIS_URL: redis.url },
      },
    );
    try {
      const line = serve.logs.find((l) => l.msg === 'oobd serving')!;
      expect(line).toMatchObject({ mode: 'bullmq', workers: 2, workerThreads: false });
      const reply = await sendMessage(serve.port, {
        from: '',
        to: ['cli@bounce.example.com'],
        message: dsnMessage(),
      });
      expect(reply.code).toBe(250);
      const id = reply.text.slice('OK id='.length);
      for (let i = 0; i < 200; i++) {
        const records = await readAllRecords(join(dir, 'logs'));
        if (records.some((r) => r.id === id && r.type === 'Reception')) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the worker never wrote the Reception record');
    } finally {
      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
    }
  }, 150_000);
});
