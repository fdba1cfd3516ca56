// Shutdown under one budget: a client that never finishes DATA cannot hold the
// process; when the budget is spent oobd logs what was still open and exits.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { listSegments, readAllRecords } from '../../src/log/reader';
import { startServe } from '../helpers/process';
import { SmtpClient, sendMessage } from '../helpers/smtp-client';
import { dsnMessage, makeTempDir, startTestService, writeTestConfig } from '../helpers/service';

describe('shutdown', () => {
  it('lets a message in DATA finish within the budget, then forces the exit naming what was open', async () => {
    const dir = makeTempDir();
    writeTestConfig(dir);
    const serve = await startServe(['--config', join(dir, 'oobd.toml'), '--stop-timeout', '2s']);
    const done = await sendMessage(serve.port, {
      from: '',
      to: ['done@bounce.example.com'],
      message: dsnMessage(),
    });
    expect(done.code).toBe(250);
    // A real client that starts DATA and never finishes it.
    const { client } = await SmtpClient.open(serve.port);
    await client.cmd('EHLO stuck.test');
    await client.cmd('MAIL FROM:<>');
    await client.cmd('RCPT TO:<stuck@bounce.example.com>');
    expect((await client.cmd('DATA')).code).toBe(354);
    client.write('Subject: never finished\r\n\r\nstill typing');
    // An idle client is told at once that the server is going away.
    const idle = await SmtpClient.open(serve.port);
    await idle.client.cmd('EHLO idle.test');

    serve.child.kill('SIGTERM');
    expect(await idle.client.read()).toMatchObject({
      code: 421,
      text: '4.3.2 shutting down, try again later',
    });
    const code = await serve.exited;
    expect(code).toBe(1);
    const forced = serve.logs.find(
      (l) => l.msg === 'shutdown budget spent; exiting with these still open',
    );
    expect(forced).toMatchObject({ level: 50, budgetMs: 2000 });
    expect(String(forced?.open)).toContain('SMTP connection from 127.0.0.1');
    expect(String(forced?.open)).toContain('in DATA');
    expect(client.closed).toBe(true);
    // What was accepted is on disk, in segments closed read-only.
    const records = await readAllRecords(join(dir, 'logs'));
    expect(
      records.some((r) => r.type === 'Reception' && r.recipient === 'done@bounce.example.com'),
    ).toBe(true);
    for (const segment of await listSegments(join(dir, 'logs'))) {
      expect(statSync(segment).mode & 0o222).toBe(0);
    }
  });

  it('stops cleanly within the budget when nothing is stuck', async () => {
    const t = await startTestService();
    const idle = await SmtpClient.open(t.port);
    await idle.client.cmd('EHLO idle.test');
    const report = await t.service.stop(5000);
    expect(report).toEqual({ clean: true, open: [] });
    expect(await idle.client.read()).toMatchObject({ code: 421 });
    await t.stop();
  });
});
