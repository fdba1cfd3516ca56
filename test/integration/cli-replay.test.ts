// `oobd replay` against a real server: what it sends, what it skips, and a summary
// that counts what happened.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runCliAsync } from '../helpers/process';
import { freePort, RedisServer, waitForIdleQueues } from '../helpers/redis';
import {
  ROOT,
  dsnMessage,
  makeTempDir,
  startTestService,
  type TestService,
} from '../helpers/service';

describe('oobd replay', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  /** `oobd replay` of `path` to the test server, every message to one bounce address. */
  const replayToServer = (path: string) =>
    runCliAsync([
      'replay',
      '--server',
      `127.0.0.1:${t.port}`,
      '--to',
      'r@bounce.example.com',
      path,
    ]);

  it('skips files that are not messages, naming them, and sends the rest', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'a.eml'), dsnMessage());
    copyFileSync(join(ROOT, 'fixtures/rfc5965/LICENSE-sisimai'), join(dir, 'LICENSE-sisimai'));
    writeFileSync(join(dir, 'COPYING'), 'Permission is hereby granted, free of charge\n');
    const result = await replayToServer(dir);
    expect(result.stdout).toMatch(/^ {2}250 +1$/m);
    expect(result.stdout).toContain(
      'skipped 2 files that are not messages (no header at the top):',
    );
    expect(result.stdout).toContain(join(dir, 'LICENSE-sisimai'));
    expect(result.stdout).toContain(join(dir, 'COPYING'));
    expect(result.code).toBe(0);
    // An inline server names each message by its time: nothing to say of resending.
    expect(result.stdout).not.toContain('queue mode');
  });

  it("sends every message of a Maildir's new/ and cur/, whatever the host and flags in their names, and none of tmp/", async () => {
    const dir = makeTempDir();
    for (const sub of ['new', 'cur', 'tmp'])
      mkdirSync(join(dir, 'Maildir', sub), { recursive: true });
    const box = join(dir, 'Maildir');
    writeFileSync(join(box, 'new', '1764800000.M1P11.mx1.example.net'), dsnMessage());
    writeFileSync(join(box, 'cur', '1764800001.M2P12.mx1.example.net,S=900:2,S'), dsnMessage());
    writeFileSync(join(box, 'cur', '1764800002.M3P13.mail.example.org:2,RS'), dsnMessage());
    writeFileSync(join(box, 'tmp', '1764800003.M4P14.mx1.example.net'), dsnMessage());
    writeFileSync(join(box, 'dovecot-uidlist'), '3 V1764800000 N4\n');
    const result = await replayToServer(box);
    expect(result.stdout).toMatch(/: 3 accepted, 0 refused, 0 not sent/);
    expect(result.stdout).toMatch(/^ {2}250 +3$/m);
    expect(result.stdout).toContain(join(box, 'dovecot-uidlist'));
    expect(result.stdout).not.toContain(join(box, 'tmp'));
    expect(result.code).toBe(0);
  });

  it('names every missing path and sends nothing, exiting 2', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'a.eml'), dsnMessage());
    const result = await runCliAsync(
      [
        'replay',
        '--server',
        `127.0.0.1:${t.port}`,
        '--to',
        'r@bounce.example.com',
        'a.eml',
        'typo.eml',
        join(dir, 'gone'),
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `oobd replay: no such file or folder: typo.eml (looked for in ${dir})\n` +
        `oobd replay: no such file or folder: ${join(dir, 'gone')}\n`,
    );
    expect(result.stdout).toBe('');
  });

  it('says where messages went without --to and why the server refused them', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'a.eml'), `To: someone@unlisted.example\r\n${dsnMessage()}`);
    writeFileSync(join(dir, 'b.eml'), `To: other@unlisted.example\r\n${dsnMessage()}`);
    const result = await runCliAsync(['replay', '--server', `127.0.0.1:${t.port}`, dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'no --to: each message goes to its own Delivered-To, X-Original-To, Envelope-To or To address',
    );
    expect(result.stdout).toMatch(/^ {2}550 +2$/m);
    expect(result.stdout).toContain(
      'refused recipients by domain (no --to, so each message went to its own address): unlisted.example 2',
    );
    expect(result.stdout).toContain('--to ADDRESS');
  });

  it('counts a message it could not deliver to the server as not sent, and exits 1', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'a.eml'), dsnMessage());
    writeFileSync(join(dir, 'b.eml'), dsnMessage());
    const port = await freePort();
    const result = runCli(['replay', '--server', `127.0.0.1:${port}`, '--to', 'x@b.example', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(/sent [1-9]/);
    expect(result.stdout).toMatch(/^127\.0\.0\.1:\d+: 0 accepted, 0 refused, \d+ not sent/m);
    expect(result.stdout).toContain(`could not connect to 127.0.0.1:${port}`);
  });

  it('sends to the first smtp.listen of the config when no --server is given, a wildcard address as loopback', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'a.eml'), dsnMessage());
    const config = join(dir, 'oobd.toml');
    // The test server listens on 127.0.0.1; a config listening on every address is
    // reached from this machine over loopback.
    writeFileSync(config, `[smtp]\nlisten = ["0.0.0.0:${t.port}"]\n`);
    const result = await runCliAsync([
      'replay',
      '--config',
      config,
      '--to',
      'r@bounce.example.com',
      join(dir, 'a.eml'),
    ]);
    expect(result.stderr).toContain(
      `oobd replay: no --server: sending to 127.0.0.1:${t.port}, the first smtp.listen of ${config}\n`,
    );
    expect(result.stdout).toMatch(
      new RegExp(`^127\\.0\\.0\\.1:${t.port}: 1 accepted, 0 refused`, 'm'),
    );
    expect(result.code).toBe(0);
  });

  it('refuses a --config it cannot read even when --server is given, naming the file', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'a.eml'), dsnMessage());
    const missing = join(dir, 'nope.toml');
    const result = await runCliAsync([
      'replay',
      '--config',
      missing,
      '--server',
      `127.0.0.1:${t.port}`,
      '--to',
      'r@bounce.example.com',
      join(dir, 'a.eml'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(missing);
    expect(result.stdout).toBe('');
  });

  it('shows plain defaults in --help', () => {
    const help = runCli(['replay', '--help']).stdout;
    expect(help).not.toContain('(default: "")');
    expect(help).not.toContain('(default: "4")');
    expect(help).toMatch(
      /--from <address> +envelope sender \(default: <>, as reports are sent\)\n/,
    );
    expect(help.replace(/\s+/g, ' ')).toContain('messages in flight at once (default: 4)');
    expect(help).toContain('--config');
  });
});

describe('oobd replay to a server in queue mode', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis.destroy());

  it('says that messages sent before are not logged again, and which of the run repeated one', async () => {
    const t = await startTestService({ mode: 'bullmq', redisUrl: redis.url, workers: 1 });
    try {
      const dir = makeTempDir();
      writeFileSync(join(dir, 'a.eml'), dsnMessage({ recipient: 'first@example.org' }));
      writeFileSync(join(dir, 'b.eml'), dsnMessage({ recipient: 'first@example.org' }));
      writeFileSync(join(dir, 'c.eml'), dsnMessage({ recipient: 'other@example.org' }));
      const replay = (...paths: string[]) =>
        runCliAsync([
          'replay',
          '--server',
          `127.0.0.1:${t.port}`,
          '--to',
          'r@bounce.example.com',
          '--concurrency',
          '1',
          ...paths,
        ]);
      const first = await replay(dir);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/: 3 accepted, 0 refused, 0 not sent/);
      expect(first.stdout).toContain(
        '  queue mode: the server names each message by its envelope and bytes, and one it took\n',
      );
      // b.eml holds the bytes of a.eml: the same message, logged once.
      expect(first.stdout).toContain(
        '1 message of this run had the envelope and bytes of one sent before in it, so it was logged once:',
      );
      expect(first.stdout).toContain(`    ${join(dir, 'b.eml')}: as ${join(dir, 'a.eml')}`);
      await t.waitForRecords((all) => all.filter((r) => r.type === 'OOB').length >= 2, 30_000);
      await waitForIdleQueues(redis.url, t.config.queue.prefix);

      // Replayed again: accepted, logged nothing new, and the summary says why.
      const again = await replay(join(dir, 'c.eml'));
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/: 1 accepted/);
      expect(again.stdout).toContain(
        '  again: replaying the same files again logs nothing new (another --from or --to makes new messages)\n',
      );
      expect(again.stdout).not.toContain('of this run had');
      await waitForIdleQueues(redis.url, t.config.queue.prefix);
      const oob = (await t.records()).filter((r) => r.type === 'OOB');
      expect(oob.map((r) => r.recipient).sort()).toEqual([
        'first@example.org',
        'other@example.org',
      ]);
    } finally {
      await t.stop();
    }
  }, 60_000);
});
