// Log hooks end to end: real DSNs over SMTP to a real `oobd serve` process, records
// POSTed to a real HTTP endpoint on 127.0.0.1 that is down, fails, or answers late,
// with oobd stopped (SIGTERM) and killed (SIGKILL) in the middle of a delivery.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LogRecord } from '../../src/log/record';
import { readAllRecords } from '../../src/log/reader';
import { HookReceiver } from '../helpers/hook-receiver';
import { RedisServer } from '../helpers/redis';
import { CLI, runCli, runCliAsync, startServe, type ServeProcess } from '../helpers/process';
import { dsnMessage, makeTempDir, writeTestConfig } from '../helpers/service';
import { sendMessage } from '../helpers/smtp-client';

/** One OOB record per DSN: its message id and recipient name it. */
const keyOf = (r: { id?: unknown; recipient?: unknown }) =>
  `${String(r.id)}/${String(r.recipient)}`;

async function sendDsns(port: number, from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n++) {
    const reply = await sendMessage(port, {
      from: '',
      to: ['bounce-1@bounce.example.com'],
      message: dsnMessage({ recipient: `user${n}@remote.example` }),
    });
    expect(reply.code).toBe(250);
  }
}

function hookTable(url: string, extra: Record<string, unknown> = {}) {
  return { name: 'app', url, backoff: '50ms', max_backoff: '300ms', timeout: '5s', ...extra };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopServe(serve: ServeProcess): Promise<void> {
  if (serve.child.exitCode !== null) return;
  serve.child.kill('SIGTERM');
  await serve.exited;
}

describe('log hooks of oobd serve', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  it('delivers the OOB records of 5 DSNs that arrived while its endpoint was down, once it is up', async () => {
    const receiver = await HookReceiver.start();
    await receiver.down();
    cleanups.push(() => receiver.down());
    const dir = makeTempDir();
    writeTestConfig(dir, {
      config: { hooks: [hookTable(receiver.url)], http: { listen: '127.0.0.1:0' } },
    });
    const serve = await startServe(['--config', join(dir, 'oobd.toml')]);
    cleanups.push(() => stopServe(serve));
    const http = String(serve.logs.find((l) => l.msg === 'oobd serving')!.http);

    await sendDsns(serve.port, 1, 5);
    await serve.waitForLog(
      (l) => l.msg === 'hook endpoint did not take the batch; retrying' && l.reason === 'network',
    );
    await receiver.up();
    await receiver.waitFor((r) => r.delivered().length >= 5);

    const logged = (await readAllRecords(join(dir, 'logs'))).filter((r) => r.type === 'OOB');
    expect(logged).toHaveLength(5);
    expect(receiver.delivered()).toEqual(JSON.parse(JSON.stringify(logged)));
    expect(receiver.delivered().map((r) => r.recipient)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `user${n}@remote.example`),
    );
    // Reception records are not what this hook asked for.
    expect(receiver.delivered().every((r) => r.type === 'OOB')).toBe(true);

    const metrics = async () => (await fetch(`http://${http}/metrics`)).text();
    await waitFor(async () =>
      (await metrics()).includes('oobd_hook_records_sent_total{hook="app"} 5'),
    );
    const text = await metrics();
    expect(text).toMatch(/oobd_hook_batches_failed_total\{hook="app",reason="network"\} [1-9]/);
    expect(text).toContain('oobd_hook_delivering{hook="app"} 1');
    await waitFor(async () => /oobd_hook_lag_records\{hook="app"\} 0\n/.test(await metrics()));
    expect(await metrics()).toContain('oobd_hook_lag_seconds{hook="app"} 0');

    const status = runCli(['hooks', 'status', '--json', '--config', join(dir, 'oobd.toml')]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual([
      expect.objectContaining({ hook: 'app', dead_letters: 0 }),
    ]);
  });

  it("points at its dead letters, in serve's log line and in `oobd hooks status` (--config before or after `status`), with an `oobd hooks replay` command that repeats a quoted --config, and that command, run from another folder, sends them", async () => {
    const receiver = await HookReceiver.start();
    cleanups.push(() => receiver.down());
    receiver.status = 422;
    // A folder with a space: the suggested commands quote the config path.
    const dir = join(makeTempDir(), 'oobd conf');
    mkdirSync(dir);
    writeTestConfig(dir, { config: { hooks: [hookTable(receiver.url)] } });
    const config = join(dir, 'oobd.toml');
    const serve = await startServe(['--config', config]);
    cleanups.push(() => stopServe(serve));
    await sendDsns(serve.port, 1, 1);
    const refused = await serve.waitForLog((l) =>
      String(l.msg).startsWith('hook endpoint refused a batch'),
    );
    const suggested = `oobd hooks replay app --config '${config}'`;
    expect(String(refused.msg)).toMatch(/then run: (.*)$/);
    expect(/then run: (.*)$/.exec(String(refused.msg))![1]).toBe(suggested);

    // Run from another folder: without --config the suggested command would read
    // another config and log folder.
    for (const args of [
      ['hooks', 'status', '--config', config],
      ['hooks', '--config', config, 'status'],
    ]) {
      const status = runCli(args, { cwd: makeTempDir() });
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      expect(status.stdout).toContain(`  dead letters:  1 (${suggested})\n`);
    }
    receiver.status = 200;
    // The command as serve wrote it, through a shell, with `oobd` the built CLI. Async:
    // the receiver answers on this process's event loop.
    const replay = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(
        'sh',
        ['-c', suggested.replace(/^oobd /, `'${process.execPath}' '${CLI}' `)],
        {
          cwd: makeTempDir(),
        },
      );
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(replay.stdout).toContain('1 delivered, 0 left');
    expect(replay.code).toBe(0);
    expect(receiver.delivered().map((r) => r.recipient)).toEqual(['user1@remote.example']);
    // --config before `replay` is taken too: nothing is left to send.
    const again = await runCliAsync(['hooks', '--config', config, 'replay', 'app'], {
      cwd: makeTempDir(),
    });
    expect(again.stdout).toContain('0 delivered, 0 left');
    expect(again.code).toBe(0);
  });

  it('loses no record when oobd is stopped and killed with SIGKILL in the middle of deliveries to an endpoint that is down, then fails, then answers', async () => {
    const receiver = await HookReceiver.start();
    await receiver.down();
    cleanups.push(() => receiver.down());
    const dir = makeTempDir();
    const BATCH = 3;
    writeTestConfig(dir, { config: { hooks: [hookTable(receiver.url, { batch_size: BATCH })] } });
    const config = ['--config', join(dir, 'oobd.toml')];

    // 1. Endpoint down while mail arrives.
    let serve = await startServe(config);
    cleanups.push(() => stopServe(serve));
    await sendDsns(serve.port, 1, 12);
    await serve.waitForLog((l) => l.reason === 'network');

    // 2. Endpoint up but failing with 500.
    receiver.status = 500;
    await receiver.up();
    await receiver.waitFor((r) => r.posts.filter((p) => p.status === 500).length >= 2);

    // 3. It answers 200: a few batches go through, then one is held in flight and oobd
    //    is killed. The endpoint got that batch, oobd never heard: it comes again.
    receiver.status = 200;
    await receiver.waitFor((r) => r.delivered().length >= 2 * BATCH);
    let release!: () => void;
    receiver.hold = new Promise<void>((resolve) => (release = resolve));
    await receiver.waitFor((r) => r.inFlight > 0);
    serve.child.kill('SIGKILL');
    await serve.exited;
    receiver.hold = null;
    release();

    // 4. Restarted: more mail; a graceful stop while a POST is in flight (answered
    //    during the stop, so it is acknowledged and not sent again).
    serve = await startServe(config);
    await sendDsns(serve.port, 13, 20);
    await receiver.waitFor((r) => r.delivered().length >= 12);
    receiver.hold = new Promise<void>((resolve) => (release = resolve));
    await receiver.waitFor((r) => r.inFlight > 0);
    serve.child.kill('SIGTERM');
    await serve.waitForLog((l) => l.msg === 'shutting down');
    receiver.hold = null;
    release();
    expect(await serve.exited).toBe(0);

    // 5. Restarted again: the rest arrives.
    serve = await startServe(config);
    const logged = (await readAllRecords(join(dir, 'logs'))).filter(
      (r: LogRecord) => r.type === 'OOB',
    );
    expect(logged).toHaveLength(20);
    const wanted = new Set(logged.map(keyOf));
    await receiver.waitFor((r) => new Set(r.delivered().map(keyOf)).size >= 20, 60_000);
    const got = receiver.delivered().map(keyOf);
    expect(new Set(got)).toEqual(wanted);
    // Duplicates: at most the batch that was in flight when oobd was killed.
    expect(got.length - wanted.size).toBeGreaterThan(0);
    expect(got.length - wanted.size).toBeLessThanOrEqual(BATCH);
    // Records of one segment arrive in the order they were written.
    const firstSeen = [...new Set(got)];
    const written = logged.map(keyOf);
    const segmentOf = new Map(written.map((k, i) => [k, i]));
    const resentOnce = firstSeen.map((k) => segmentOf.get(k)!);
    expect(resentOnce).toEqual([...resentOnce].sort((a, b) => a - b));
  });

  it("delivers, from serve, the records that serve's worker threads write in bullmq mode", async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.destroy());
    const receiver = await HookReceiver.start();
    cleanups.push(() => receiver.down());
    const dir = makeTempDir();
    writeTestConfig(dir, {
      mode: 'bullmq',
      redisUrl: redis.url,
      workerThreads: true,
      config: { hooks: [hookTable(receiver.url)] },
    });
    // One thread is enough to show it (its segments are its own); more only slow the start.
    const serve = await startServe(['--config', join(dir, 'oobd.toml'), '--workers', '1']);
    cleanups.push(() => stopServe(serve));
    await sendDsns(serve.port, 1, 6);
    await receiver.waitFor((r) => r.delivered().length >= 6);
    const logged = (await readAllRecords(join(dir, 'logs'))).filter((r) => r.type === 'OOB');
    expect(new Set(receiver.delivered().map(keyOf))).toEqual(new Set(logged.map(keyOf)));
    expect(receiver.delivered()).toHaveLength(6);
    // One deliverer for the folder: the hook runs in serve's main thread only.
    expect(serve.logs.filter((l) => l.msg === 'hook delivering')).toHaveLength(1);
  });
});

describe('oobd suppressions', () => {
  it('lists a hard-bounced address with its reason: oobd suppressions logs/ --format csv', async () => {
    const dir = makeTempDir();
    writeTestConfig(dir);
    const serve = await startServe(['--config', join(dir, 'oobd.toml')]);
    try {
      for (const [recipient, diagnostic] of [
        [
          'Gone.User@Remote.Example',
          '550 5.1.1 <Gone.User@Remote.Example>: Recipient address rejected: User unknown in virtual mailbox table',
        ],
        ['busy@remote.example', '421 4.7.0 Try again later, closing connection'],
      ] as const) {
        const reply = await sendMessage(serve.port, {
          from: '',
          to: ['bounce-1@bounce.example.com'],
          message: dsnMessage({ recipient, diagnostic }),
        });
        expect(reply.code).toBe(250);
      }
    } finally {
      await stopServe(serve);
    }
    const result = runCli(['suppressions', 'logs/', '--format', 'csv'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\r\n');
    expect(lines[0]).toBe('address,kind,reason,count,first_seen,last_seen,last_reply');
    expect(lines[1]).toMatch(
      /^Gone\.User@remote\.example,hard,InvalidRecipient,1,\d{4}-\d\d-\d\dT[\d:]+Z,\d{4}-\d\d-\d\dT[\d:]+Z,550 5\.1\.1 /,
    );
    expect(lines.slice(2)).toEqual(['']);

    const json = runCli(['suppressions', join(dir, 'logs'), '--format', 'json', '--since', '1h']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({
        address: 'Gone.User@remote.example',
        reason: 'InvalidRecipient',
        kind: 'hard',
      }),
    ]);
    // --since takes a time as oobd logs does: before every record, after every record.
    const all = runCli([
      'suppressions',
      join(dir, 'logs'),
      '--format',
      'json',
      '--since',
      '2000-01-01',
    ]);
    expect(JSON.parse(all.stdout)).toHaveLength(1);
    const none = runCli([
      'suppressions',
      join(dir, 'logs'),
      '--format',
      'json',
      '--since',
      '2999-01-01T00:00',
    ]);
    expect(JSON.parse(none.stdout)).toEqual([]);
    const bad = runCli(['suppressions', join(dir, 'logs'), '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be csv or json');
  });
});
