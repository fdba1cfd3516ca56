// Starts a real oobd service in this process on 127.0.0.1:0 with its own temporary
// folder (config files, logs, quarantine), so integration tests run in parallel
// without sharing state.
import { existsSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'smol-toml';
import { buildServerConfig, SHIPPED_RULES_FILES, type ServerConfig } from '../../src/config/server';
import { startService, type Service } from '../../src/lifecycle';
import type { LogRecord } from '../../src/log/record';
import { readAllRecords } from '../../src/log/reader';
import { silentLogger } from '../../src/logger';
import { RedisServer } from './redis';
import { sendMessage } from './smtp-client';
import { makeTempDir } from './tmp';

export { makeTempDir };

export const ROOT = resolve(__dirname, '../..');

/** The shipped rules files that exist (the classifier may not have shipped one yet). */
export function shippedRules(): string[] {
  return SHIPPED_RULES_FILES.map((f) => join(ROOT, f)).filter((f) => existsSync(f));
}

type Table = Record<string, unknown>;

export type Backend = 'inline' | 'bullmq';

export interface TestServiceOptions {
  /** listener_domains content as an object (TOML tables). */
  domains?: Table;
  /** Sections of oobd.toml merged over the test defaults. */
  config?: Table;
  /** Queue backend; bullmq needs `redisUrl`. @defaultValue "inline" */
  mode?: Backend;
  /** One Redis, or the nodes of a Redis Cluster. */
  redisUrl?: string | string[];
  /** In-process BullMQ workers in bullmq mode. @defaultValue 1 */
  workers?: number;
  /** queue.worker_threads: the workers on threads of their own. @defaultValue false */
  workerThreads?: boolean;
}

export interface TestService {
  service: Service;
  config: ServerConfig;
  dir: string;
  /** The first SMTP listener's port. */
  port: number;
  logsDir: string;
  quarantineDir: string;
  domainsFile: string;
  records(): Promise<LogRecord[]>;
  /** Polls the logs until `predicate` holds for the records (or times out). */
  waitForRecords(
    predicate: (records: LogRecord[]) => boolean,
    timeoutMs?: number,
  ): Promise<LogRecord[]>;
  stop(): Promise<void>;
}

export const DEFAULT_DOMAINS: Table = {
  'bounce.example.com': { log_oob: 'LogThenDrop', log_arf: 'LogThenDrop' },
};

function merge(base: Table, over: Table): Table {
  const out: Table = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] =
      prev &&
      typeof prev === 'object' &&
      !Array.isArray(prev) &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value)
        ? merge(prev as Table, value as Table)
        : value;
  }
  return out;
}

/** Writes oobd.toml + listener_domains.toml into `dir` and returns the config. */
export function writeTestConfig(dir: string, opts: TestServiceOptions = {}): ServerConfig {
  const domainsFile = join(dir, 'listener_domains.toml');
  writeFileSync(domainsFile, stringify(opts.domains ?? DEFAULT_DOMAINS));
  const data = merge(
    {
      smtp: { listen: ['127.0.0.1:0'], hostname: 'oobd.test' },
      domains: { files: [domainsFile] },
      classifier: { files: shippedRules(), pool_size: 1 },
      queue: {
        quarantine_dir: join(dir, 'quarantine'),
        mode: opts.mode ?? 'inline',
        ...(opts.redisUrl ? { redis_url: opts.redisUrl } : {}),
        ...(opts.workerThreads !== undefined ? { worker_threads: opts.workerThreads } : {}),
        // Queues of each test service are their own.
        prefix: `oobd-${Math.random().toString(36).slice(2, 10)}`,
        backoff: '100ms',
        lock_duration: '5s',
      },
      logs: { dir: join(dir, 'logs') },
      http: { listen: '' },
    },
    opts.config ?? {},
  );
  const file = join(dir, 'oobd.toml');
  writeFileSync(file, stringify(data));
  return buildServerConfig(file, data, {});
}

export async function startTestService(opts: TestServiceOptions = {}): Promise<TestService> {
  const dir = makeTempDir();
  const config = writeTestConfig(dir, opts);
  const service = await startService(config, {
    logger: silentLogger(),
    defaultMetrics: false,
    workers: config.queue.mode === 'bullmq' ? (opts.workers ?? 1) : 0,
  });
  const port = Number(service.smtpAddresses[0]!.split(':').pop());
  const logsDir = config.logs.dir;
  const records = () => readAllRecords(logsDir);
  let stopped = false;
  return {
    service,
    config,
    dir,
    port,
    logsDir,
    quarantineDir: config.queue.quarantine_dir,
    domainsFile: config.domains.files[0]!,
    records,
    async waitForRecords(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const all = await records();
        if (predicate(all)) return all;
        if (Date.now() > deadline) {
          throw new Error(
            `records never matched; have ${all.length}: ${all.map((r) => r.type).join(',')}`,
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await service.stop(5000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A minimal multipart/report DSN (RFC 3464 §6) for one failed recipient. */
export function dsnMessage(
  opts: { to?: string; recipient?: string; diagnostic?: string; status?: string } = {},
): string {
  const recipient = opts.recipient ?? 'nobody@remote.example';
  return [
    'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.remote.example>',
    `To: ${opts.to ?? 'bounce-1@bounce.example.com'}`,
    'Subject: Delivery Status Notification (Failure)',
    'Message-ID: <dsn-1@mx.remote.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'Delivery failed.',
    '',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.remote.example',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    `Status: ${opts.status ?? '5.1.1'}`,
    `Diagnostic-Code: smtp; ${opts.diagnostic ?? '550 5.1.1 user unknown'}`,
    '',
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    'Message-ID: <original-1@sender.example>',
    'Subject: hello',
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

export const PLAIN_MESSAGE = [
  'From: Alice <alice@sender.example>',
  'To: bounce-1@bounce.example.com',
  'Subject: lunch?',
  'Message-ID: <plain-1@sender.example>',
  '',
  'Are you free on Thursday?',
  '',
].join('\r\n');

/** Both queue backends: pipeline integration tests run against each. */
export const BACKENDS: Backend[] = ['inline', 'bullmq'];

/**
 * A test service on the given backend; for bullmq it also spawns a throwaway
 * redis-server, stopped with the service.
 */
export async function startBackendService(
  mode: Backend,
  opts: TestServiceOptions = {},
): Promise<TestService> {
  if (mode === 'inline') return startTestService({ ...opts, mode });
  const redis = await RedisServer.start();
  let t: TestService;
  try {
    t = await startTestService({ ...opts, mode, redisUrl: redis.url });
  } catch (err) {
    await redis.destroy();
    throw err;
  }
  const stop = t.stop;
  t.stop = async () => {
    await stop();
    await redis.destroy();
  };
  return t;
}

/** Sends `message` to `t` (to `rcpt`) and returns the bounce classification of its OOB record. */
export async function classificationOf(
  t: TestService,
  message: string,
  rcpt = 'p@bounce.example.com',
): Promise<unknown> {
  const reply = await sendMessage(t.port, { from: '', to: [rcpt], message });
  expect(reply.code).toBe(250);
  const id = reply.text.slice('OK id='.length);
  const all = await t.waitForRecords((records) =>
    records.some((r) => r.id === id && r.type === 'OOB'),
  );
  const oob = all.find((r) => r.id === id && r.type === 'OOB');
  return oob?.type === 'OOB' ? oob.bounce_classification : null;
}
