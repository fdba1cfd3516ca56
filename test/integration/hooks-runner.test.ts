// Hook runners against a real HTTP endpoint on 127.0.0.1, over segments written by the
// real LogWriter: outages, retries, dead letters, restarts, the per-folder lock, lag.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { buildServerConfig, type HookConfig } from '../../src/config/server';
import { ErrorCode } from '../../src/errors';
import { checkpointPath, readCheckpoint } from '../../src/hooks/checkpoint';
import { listDeadLetters, replayDeadLetters } from '../../src/hooks/dead-letter';
import { HookMetrics } from '../../src/hooks/metrics';
import { HookRunner } from '../../src/hooks/runner';
import { verifySignature } from '../../src/hooks/signature';
import { makeRecord, type LogRecord } from '../../src/log/record';
import { listSegments } from '../../src/log/reader';
import { LogWriter } from '../../src/log/writer';
import type { Logger } from '../../src/logger';
import { HookReceiver } from '../helpers/hook-receiver';
import { makeTempDir } from '../helpers/tmp';

function record(n: number, created = new Date()): LogRecord {
  return makeRecord(
    { id: n.toString(16).padStart(32, '0'), created, nodeid: 'n', session_id: 's' },
    {
      type: 'OOB',
      sender: 'bounce@bounce.example.com',
      recipient: `user${n}@remote.example`,
      queue: 'bounce.example.com',
      response: {
        code: 550,
        enhanced_code: { class: 5, subject: 1, detail: 1 },
        content: 'no such user, "quoted", ünïcode',
        command: null,
      },
      peer_address: null,
      bounce_classification: 'InvalidRecipient',
    },
  );
}

function hookConfig(url: string, extra: Record<string, unknown> = {}): HookConfig {
  return buildServerConfig(
    'test.toml',
    {
      hooks: [
        {
          name: 'app',
          url,
          backoff: '20ms',
          max_backoff: '200ms',
          timeout: '2s',
          start_from: 'oldest',
          ...extra,
        },
      ],
    },
    {},
  ).hooks[0]!;
}

function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

interface Setup {
  dir: string;
  writer: LogWriter;
  receiver: HookReceiver;
  registry: Registry;
  lines: Array<Record<string, unknown>>;
  runner(hook: HookConfig, opts?: { lockRetryMs?: number }): Promise<HookRunner>;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<Setup> {
  const dir = makeTempDir();
  const writer = await LogWriter.open({ dir });
  const receiver = await HookReceiver.start();
  const registry = new Registry();
  const metrics = new HookMetrics(registry);
  const { logger, lines } = captureLogger();
  cleanups.push(
    () => writer.close(),
    () => receiver.down(),
  );
  return {
    dir,
    writer,
    receiver,
    registry,
    lines,
    async runner(hook, opts = {}) {
      const runner = new HookRunner({
        hook,
        logsDir: dir,
        nodeid: writer.nodeid,
        maxSegmentDurationMs: 600_000,
        logger,
        metrics,
        pollMs: 20,
        ...opts,
      });
      cleanups.push(() => runner.stop(1000));
      await runner.start();
      return runner;
    },
  };
}

const idsOf = (records: Array<Record<string, unknown>>) =>
  records.map((r) => parseInt(String(r.id), 16));
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('hook runner', () => {
  it('delivers every record once its endpoint, down and then failing with 500, answers 2xx', async () => {
    const s = await setup();
    await s.receiver.down();
    await s.runner(hookConfig(s.receiver.url, { batch_size: 7 }));
    for (let n = 1; n <= 30; n++) await s.writer.append([record(n)]);
    await waitUntil(
      async () =>
        (await metricValue(s.registry, 'oobd_hook_batches_failed_total', { reason: 'network' })) >=
        2,
    );
    s.receiver.status = 500;
    await s.receiver.up();
    await waitUntil(
      async () =>
        (await metricValue(s.registry, 'oobd_hook_batches_failed_total', { reason: 'http_5xx' })) >=
        2,
    );
    expect(s.receiver.delivered()).toEqual([]);
    s.receiver.status = 200;
    await s.receiver.waitFor((r) => r.delivered().length >= 30);
    expect(idsOf(s.receiver.delivered())).toEqual(range(1, 30));
    await waitUntil(
      async () => (await metricValue(s.registry, 'oobd_hook_records_sent_total')) === 30,
    );
    // The body is the records exactly as the log holds them.
    const [segment] = await listSegments(s.dir);
    const logged = (await fs.readFile(segment!, 'utf8')).trimEnd().split('\n');
    const sent = s.receiver.posts.filter((p) => p.status === 200).map((p) => p.body);
    expect(sent.join('').replace(/\]\[/g, ',')).toBe(`[${logged.join(',')}]`);
    await waitUntil(async () => (await metricValue(s.registry, 'oobd_hook_lag_records')) === 0);
  });

  it('signs each POST over its timestamp and body, and names the batch with an idempotency key', async () => {
    const s = await setup();
    await s.runner(
      hookConfig(s.receiver.url, { secret: 'topsecret', headers: { Authorization: 'Bearer abc' } }),
    );
    await s.writer.append([record(1), record(2)]);
    await s.receiver.waitFor((r) => r.delivered().length >= 2);
    const post = s.receiver.posts[0]!;
    expect(
      verifySignature('topsecret', post.headers['x-oobd-signature'] as string, post.body),
    ).toBe(true);
    expect(verifySignature('wrong', post.headers['x-oobd-signature'] as string, post.body)).toBe(
      false,
    );
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers.authorization).toBe('Bearer abc');
    expect(post.headers['x-oobd-hook']).toBe('app');
    expect(post.headers['idempotency-key']).toMatch(
      new RegExp(`^app:${s.writer.nodeid}:\\d{8}-\\d{6}\\.\\d{6}:0-\\d+$`),
    );
  });

  it('retries a batch that times out, and a 429, without losing or reordering records', async () => {
    const s = await setup();
    let release!: () => void;
    s.receiver.hold = new Promise<void>((r) => (release = r));
    await s.runner(hookConfig(s.receiver.url, { timeout: '150ms', batch_size: 2 }));
    for (let n = 1; n <= 6; n++) await s.writer.append([record(n)]);
    await waitUntil(
      async () =>
        (await metricValue(s.registry, 'oobd_hook_batches_failed_total', { reason: 'timeout' })) >=
        2,
    );
    s.receiver.hold = null;
    s.receiver.status = 429;
    release();
    await s.receiver.waitFor((r) => r.posts.some((p) => p.status === 429));
    s.receiver.status = 200;
    await s.receiver.waitFor((r) => idsOf(r.delivered()).includes(6));
    // The held requests were answered 429 after their timeouts: only 200s count as delivered.
    expect([...new Set(idsOf(s.receiver.delivered()))]).toEqual(range(1, 6));
  });

  it('keeps a batch refused with a 4xx as a dead letter, goes on with later records, and replays it', async () => {
    const s = await setup();
    s.receiver.status = 422;
    const hook = hookConfig(s.receiver.url, { batch_size: 3 });
    await s.runner(hook);
    await s.writer.append([record(1), record(2), record(3)]);
    await s.receiver.waitFor((r) => r.posts.length >= 1);
    s.receiver.status = 200;
    await s.writer.append([record(4)]);
    await s.receiver.waitFor((r) => r.delivered().length >= 1);
    expect(idsOf(s.receiver.delivered())).toEqual([4]);
    const letters = await listDeadLetters(s.dir, 'app');
    expect(letters).toHaveLength(1);
    expect(await fs.readFile(letters[0]!.file, 'utf8')).toBe(s.receiver.posts[0]!.body);
    expect(await metricValue(s.registry, 'oobd_hook_records_dead_lettered_total')).toBe(3);
    expect(
      s.lines.some((l) => String(l.msg).includes('oobd hooks replay app') && l.status === 422),
    ).toBe(true);

    const result = await replayDeadLetters(s.dir, s.writer.nodeid, hook);
    expect(result).toEqual({ delivered: 1, left: 0 });
    expect(await listDeadLetters(s.dir, 'app')).toEqual([]);
    const replayed = s.receiver.posts.at(-1)!;
    expect(replayed.body).toBe(s.receiver.posts[0]!.body);
    expect(replayed.headers['idempotency-key']).toBe(
      s.receiver.posts[0]!.headers['idempotency-key'],
    );
  });

  it('resumes from its checkpoint after a stop: what was acknowledged is not sent again', async () => {
    const s = await setup();
    const hook = hookConfig(s.receiver.url);
    const first = await s.runner(hook);
    for (let n = 1; n <= 10; n++) await s.writer.append([record(n)]);
    await s.receiver.waitFor((r) => r.delivered().length >= 10);
    await first.stop();
    const checkpoint = await readCheckpoint(s.dir, 'app');
    expect(Object.values(checkpoint!.segments)).toHaveLength(1);
    for (let n = 11; n <= 15; n++) await s.writer.append([record(n)]);
    await s.runner(hook);
    await s.receiver.waitFor((r) => r.delivered().length >= 15);
    expect(idsOf(s.receiver.delivered())).toEqual(range(1, 15));
    expect(JSON.parse(await fs.readFile(checkpointPath(s.dir, 'app'), 'utf8'))).toMatchObject({
      version: 1,
      hook: 'app',
    });
  });

  it('lets one runner per log folder deliver a hook; another takes over when it stops', async () => {
    const s = await setup();
    const hook = hookConfig(s.receiver.url);
    const a = await s.runner(hook, { lockRetryMs: 50 });
    await waitUntil(async () => (await metricValue(s.registry, 'oobd_hook_delivering')) === 1);
    await s.runner(hook, { lockRetryMs: 50 });
    for (let n = 1; n <= 5; n++) await s.writer.append([record(n)]);
    await s.receiver.waitFor((r) => r.delivered().length >= 5);
    expect(
      s.lines.some((l) => String(l.msg).startsWith('another process delivers this hook')),
    ).toBe(true);
    await a.stop();
    for (let n = 6; n <= 8; n++) await s.writer.append([record(n)]);
    await s.receiver.waitFor((r) => r.delivered().length >= 8);
    expect(idsOf(s.receiver.delivered())).toEqual(range(1, 8));
  });

  it('refuses to start on a damaged checkpoint, naming the file, instead of starting over', async () => {
    const s = await setup();
    await fs.mkdir(join(s.dir, '.hooks'), { recursive: true });
    await fs.writeFile(checkpointPath(s.dir, 'app'), '{"version":1,"done_thr');
    const runner = new HookRunner({
      hook: hookConfig(s.receiver.url),
      logsDir: s.dir,
      nodeid: s.writer.nodeid,
      maxSegmentDurationMs: 600_000,
      logger: pino({ level: 'silent' }),
      metrics: new HookMetrics(new Registry()),
    });
    await expect(runner.start()).rejects.toMatchObject({
      code: ErrorCode.HookStateInvalid,
      message: expect.stringContaining(checkpointPath(s.dir, 'app')),
    });
    // The lock it took is given back, so a fixed checkpoint can be used at once.
    await expect(fs.access(join(s.dir, '.hooks', 'app.lock'))).rejects.toThrow();
  });

  it('reports a hook that lags more than max_lag, in metrics and with a warning, and keeps its records', async () => {
    const s = await setup();
    await s.receiver.down();
    await s.runner(hookConfig(s.receiver.url, { max_lag: '1m' }));
    const hourAgo = new Date(Date.now() - 3_600_000);
    await s.writer.append([record(1, hourAgo), record(2, hourAgo)]);
    await waitUntil(async () => (await metricValue(s.registry, 'oobd_hook_lagging')) === 1);
    expect(await metricValue(s.registry, 'oobd_hook_lag_records')).toBe(2);
    expect(await metricValue(s.registry, 'oobd_hook_lag_seconds')).toBeGreaterThan(3500);
    expect(
      s.lines.some(
        (l) =>
          l.level === 40 && String(l.msg).startsWith('hook is behind by more than its max_lag'),
      ),
    ).toBe(true);
    await s.receiver.up();
    await s.receiver.waitFor((r) => r.delivered().length >= 2);
    await waitUntil(async () => (await metricValue(s.registry, 'oobd_hook_lagging')) === 0);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 20));
  }
}
