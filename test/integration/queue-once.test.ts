// Queue mode logs each message once: a sending MTA that never got its 250 sends the
// same message again, and a job whose worker died after writing its records runs
// again; neither may leave a second record set. Real redis-server, real `oobd serve`
// and `oobd worker` processes, a real SMTP client.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { LogRecord } from '../../src/log/record';
import { readAllRecords } from '../../src/log/reader';
import { MESSAGE_QUEUE, queueName } from '../../src/queue/bullmq';
import { redisTarget, workerConnection } from '../../src/queue/redis';
import { CLI, startServe, type ServeProcess } from '../helpers/process';
import { RedisServer, freePort, waitForIdleQueues } from '../helpers/redis';
import { SmtpClient, sendMessage } from '../helpers/smtp-client';
import { dsnMessage, makeTempDir, startTestService, writeTestConfig } from '../helpers/service';

function countBy(records: LogRecord[], type: string, key: (r: LogRecord) => string = (r) => r.id) {
  const counts = new Map<string, number>();
  for (const r of records) if (r.type === type) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return counts;
}

function startWorkerProcess(config: string): {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<unknown>;
} {
  const child = spawn(process.execPath, [CLI, 'worker', '--config', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return { child, stderr: () => stderr, exited: new Promise((r) => child.on('exit', r)) };
}

/** The message queue of the service on `redisUrl`, to look at and add jobs as a test needs. */
function messageQueue(redisUrl: string, prefix: string): Queue {
  const target = redisTarget(redisUrl);
  return new Queue(queueName(MESSAGE_QUEUE, target), {
    connection: workerConnection(target),
    prefix,
  });
}

describe('bullmq mode logs each message once', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis.destroy());

  it('answers 250 with the same id to a message sent again after its job completed, and logs it once', async () => {
    const t = await startTestService({
      mode: 'bullmq',
      redisUrl: redis.url,
      workers: 1,
      config: { http: { listen: '127.0.0.1:0' } },
    });
    try {
      // 8-bit octets (UTF-8) travel through Redis unchanged.
      const message = {
        from: '',
        to: ['again@bounce.example.com'],
        message: Buffer.from(dsnMessage({ diagnostic: '550 5.1.1 Empfänger unbekannt' }), 'utf8'),
      };
      const first = await sendMessage(t.port, message);
      expect(first.code).toBe(250);
      const id = first.text.slice('OK id='.length);
      const records = await t.waitForRecords(
        (all) => all.some((r) => r.id === id && r.type === 'OOB'),
        30_000,
      );
      expect(records.find((r) => r.id === id && r.type === 'OOB')!.response.content).toContain(
        'Empfänger unbekannt',
      );
      // The job is completed and removed: only the claim on the message remembers it.
      await waitForIdleQueues(redis.url, t.config.queue.prefix);
      const second = await sendMessage(t.port, message);
      expect(second).toMatchObject({ code: 250, text: `OK id=${id}` });
      // A message that differs in one recipient is another message.
      const other = await sendMessage(t.port, { ...message, to: ['other@bounce.example.com'] });
      expect(other.code).toBe(250);
      expect(other.text).not.toBe(first.text);
      const otherId = other.text.slice('OK id='.length);
      await t.waitForRecords(
        (all) => all.some((r) => r.id === otherId && r.type === 'OOB'),
        30_000,
      );
      await waitForIdleQueues(redis.url, t.config.queue.prefix);
      const receptions = countBy(await t.records(), 'Reception');
      expect(receptions.get(id)).toBe(1);
      expect(receptions.get(otherId)).toBe(1);
      // The skipped resend is counted (the worker thread's figures are in serve's).
      const metrics = await (await fetch(`http://${t.service.httpAddress}/metrics`)).text();
      expect(metrics).toContain('oobd_duplicates_skipped_total 1');
    } finally {
      await t.stop();
    }
  }, 60_000);

  it('does not log a message again when its job comes back after the worker died between writing and completing', async () => {
    // The edge runs here; workers are `oobd worker` processes sharing its log folder.
    const t = await startTestService({ mode: 'bullmq', redisUrl: redis.url, workers: 0 });
    const queue = messageQueue(redis.url, t.config.queue.prefix);
    const config = join(t.dir, 'oobd.toml');
    try {
      const reply = await sendMessage(t.port, {
        from: '',
        to: ['crash@bounce.example.com'],
        message: dsnMessage({ recipient: 'two@remote.example' }),
      });
      expect(reply.code).toBe(250);
      const id = reply.text.slice('OK id='.length);
      // The message waits in a job of its own (one message ended DATA in that turn).
      const [queued] = await queue.getJobs(['waiting']);
      expect(queued).toBeDefined();
      const data = queued!.data as { v: number; messages: { envelope: { id: string } }[] };
      expect(data.v).toBe(3);
      expect(data.messages.map((m) => m.envelope.id)).toEqual([id]);
      const first = startWorkerProcess(config);
      await t.waitForRecords((all) => all.some((r) => r.id === id && r.type === 'OOB'), 30_000);
      await waitForIdleQueues(redis.url, t.config.queue.prefix);
      // SIGKILL leaves the worker's segment open (writable), as a crash mid-job does.
      first.child.kill('SIGKILL');
      await first.exited;
      // The state a crash between the record write and BullMQ's completion leaves:
      // the records are in the log, and the job (its id and creation time: it still
      // owns the message) is back in the queue.
      await queue.add('message', data, { jobId: queued!.id!, timestamp: queued!.timestamp });
      const second = startWorkerProcess(config);
      try {
        await waitForIdleQueues(redis.url, t.config.queue.prefix, 30_000);
        const records = await t.records();
        expect(countBy(records, 'Reception').get(id)).toBe(1);
        expect(countBy(records, 'OOB').get(id)).toBe(1);
        expect(second.stderr()).toContain('records already in the log are not written twice');
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      await queue.close();
      await t.stop();
    }
  }, 60_000);

  it('logs a message once when two jobs carry it, whichever worker runs first', async () => {
    // An edge died after Redis took the first job and before the 250: the sending MTA
    // sent the message again, to another edge, and it went out in another batch. The
    // two jobs race for it; the first to claim it logs it, the other skips it.
    const t = await startTestService({ mode: 'bullmq', redisUrl: redis.url, workers: 0 });
    const queue = messageQueue(redis.url, t.config.queue.prefix);
    const config = join(t.dir, 'oobd.toml');
    const workers: ReturnType<typeof startWorkerProcess>[] = [];
    try {
      const twice = await sendMessage(t.port, {
        from: '',
        to: ['twice@bounce.example.com'],
        message: dsnMessage({ recipient: 'twice@remote.example' }),
      });
      const once = await sendMessage(t.port, {
        from: '',
        to: ['once@bounce.example.com'],
        message: dsnMessage({ recipient: 'once@remote.example' }),
      });
      expect([twice.code, once.code]).toEqual([250, 250]);
      const twiceId = twice.text.slice('OK id='.length);
      const onceId = once.text.slice('OK id='.length);
      type Data = { v: 3; messages: { envelope: { id: string } }[] };
      const jobs = await queue.getJobs(['waiting']);
      const first = jobs.find((j) => (j.data as Data).messages[0]!.envelope.id === twiceId)!;
      const second = jobs.find((j) => (j.data as Data).messages[0]!.envelope.id === onceId)!;
      // Both messages sent again, in one batch: each is now carried by two jobs.
      await queue.add('message', {
        v: 3,
        messages: [...(second.data as Data).messages, ...(first.data as Data).messages],
      });
      // Two workers, so the jobs can run at once.
      workers.push(startWorkerProcess(config), startWorkerProcess(config));
      await t.waitForRecords(
        (all) =>
          all.some((r) => r.id === twiceId && r.type === 'OOB') &&
          all.some((r) => r.id === onceId && r.type === 'OOB'),
        30_000,
      );
      await waitForIdleQueues(redis.url, t.config.queue.prefix, 30_000);
      const records = await t.records();
      expect(countBy(records, 'Reception').get(twiceId)).toBe(1);
      expect(countBy(records, 'OOB').get(twiceId)).toBe(1);
      expect(countBy(records, 'Reception').get(onceId)).toBe(1);
      expect(countBy(records, 'OOB').get(onceId)).toBe(1);
      const stderr = workers.map((w) => w.stderr()).join('');
      expect(stderr).toContain('message sent again while another job holds it');
    } finally {
      for (const w of workers) {
        w.child.kill('SIGTERM');
        await w.exited;
      }
      await queue.close();
      await t.stop();
    }
  }, 60_000);

  it('processes a job queued by the previous version (raw message as base64, version 1)', async () => {
    const t = await startTestService({ mode: 'bullmq', redisUrl: redis.url, workers: 1 });
    const queue = messageQueue(redis.url, t.config.queue.prefix);
    try {
      const id = '0123456789abcdef0123456789abcdef';
      // 8-bit octets (UTF-8 here) must come through unchanged.
      const raw = Buffer.from(
        dsnMessage({ diagnostic: '550 5.1.1 Empfänger unbekannt' }).replace(/\n/g, '\r\n'),
        'utf8',
      );
      await queue.add(
        'message',
        {
          v: 1,
          envelope: {
            id,
            mailFrom: '',
            rcptTo: ['v1@bounce.example.com'],
            listener: '127.0.0.1:25',
            remoteAddress: '127.0.0.1',
            heloName: 'old.example',
            sessionId: '00000000-0000-4000-8000-000000000000',
            receivedAt: Date.now(),
          },
          recipients: [
            {
              address: 'v1@bounce.example.com',
              domain: 'bounce.example.com',
              logOob: 'LogThenDrop',
              logArf: 'LogThenDrop',
              relayTo: false,
              routingDomain: null,
            },
          ],
          sniffed: 'report',
          raw: raw.toString('base64'),
        },
        { jobId: id },
      );
      const records = await t.waitForRecords(
        (all) => all.some((r) => r.id === id && r.type === 'OOB'),
        30_000,
      );
      const oob = records.find((r) => r.id === id && r.type === 'OOB')!;
      expect(oob.recipient).toBe('nobody@remote.example');
      expect(oob.response.content).toContain('Empfänger unbekannt');
    } finally {
      await queue.close();
      await t.stop();
    }
  }, 60_000);

  it('loses nothing and logs nothing twice when serve is killed with SIGKILL mid-load and the client retries', async () => {
    const dir = makeTempDir();
    const port = await freePort();
    const config = writeTestConfig(dir, {
      mode: 'bullmq',
      redisUrl: redis.url,
      config: { smtp: { listen: [`127.0.0.1:${port}`] }, queue: { lock_duration: '2s' } },
    });
    const file = join(dir, 'oobd.toml');
    const total = 400;
    const sessions = 8;
    // Message n: its own recipient, so its records can be told apart; the same bytes
    // and envelope on every attempt, as an MTA retries.
    const messageFor = (n: number) => ({
      from: '',
      to: [`r${n}@bounce.example.com`],
      message: dsnMessage({ recipient: `user${n}@remote.example` }),
    });
    const ids = new Map<number, string>();
    const todo = Array.from({ length: total }, (_, n) => n);
    // Every 20th message's first 250 is treated as lost (the client hangs up without
    // reading on), as when oobd dies between Redis taking the job and the reply: the
    // client sends it again, while its job waits, runs or is already done.
    const lost = new Map<number, string>();
    let serve: ServeProcess = await startServe(['--config', file, '--workers', '1']);
    let killedAt = -1;
    let restarting: Promise<void> | null = null;
    const killAndRestart = async () => {
      serve.child.kill('SIGKILL');
      await serve.exited;
      serve = await startServe(['--config', file, '--workers', '1']);
    };
    // One session: sends what is left, reconnecting (and sending again what got no 250)
    // whenever the server goes away.
    const session = async () => {
      let client: SmtpClient | null = null;
      while (todo.length > 0) {
        const n = todo.shift()!;
        try {
          if (!client || client.closed) {
            client = (await SmtpClient.open(port)).client;
            await client.cmd('EHLO retry.test');
          }
          const m = messageFor(n);
          const mail = await client.cmd(`MAIL FROM:<${m.from}>`);
          const rcpt = await client.cmd(`RCPT TO:<${m.to[0]}>`);
          if (mail.code !== 250 || rcpt.code !== 250)
            throw new Error(`refused: ${mail.code} ${rcpt.code}`);
          const reply = await client.data(m.message);
          if (reply.code !== 250) throw new Error(`DATA got ${reply.code}`);
          const id = reply.text.slice('OK id='.length);
          if (n % 20 === 0 && !lost.has(n)) {
            lost.set(n, id);
            throw new Error('reply lost');
          }
          ids.set(n, id);
          if (killedAt < 0 && ids.size >= 100) {
            killedAt = ids.size;
            restarting = killAndRestart();
          }
        } catch {
          todo.push(n);
          client?.destroy();
          client = null;
          // The server is down: wait until it is back before the next attempt.
          if (restarting) await restarting;
          else await new Promise((r) => setTimeout(r, 20));
        }
      }
      await client?.quit();
    };
    try {
      await Promise.all(Array.from({ length: sessions }, session));
      expect(ids.size).toBe(total);
      expect(killedAt).toBeGreaterThan(0);
      expect(killedAt).toBeLessThan(total);
      // A message sent again got the id of its first sending: it was the same job.
      expect(lost.size).toBe(total / 20);
      for (const [n, id] of lost) expect([n, ids.get(n)]).toEqual([n, id]);
      await waitForIdleQueues(redis.url, config.queue.prefix, 60_000);
      const records = await readAllRecords(config.logs.dir);
      const receptions = countBy(records, 'Reception');
      const byRecipient = countBy(records, 'OOB', (r) => String(r.recipient));
      for (let n = 0; n < total; n++) {
        expect([n, receptions.get(ids.get(n)!)]).toEqual([n, 1]);
        expect([n, byRecipient.get(`user${n}@remote.example`)]).toEqual([n, 1]);
      }
      expect(receptions.size).toBe(total);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  }, 120_000);
});
