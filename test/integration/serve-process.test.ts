// `oobd serve` as a process: signals, reload, config errors, STARTTLS.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { stringify } from 'smol-toml';
import { readAllRecords } from '../../src/log/reader';
import { SmtpClient, sendMessage } from '../helpers/smtp-client';
import { runCli, startServe } from '../helpers/process';
import { dsnMessage, makeTempDir, writeTestConfig } from '../helpers/service';

describe('oobd serve process', () => {
  it('writes the record of every message it answered 250 to, when stopped with SIGTERM mid-run', async () => {
    const dir = makeTempDir();
    writeTestConfig(dir);
    const serve = await startServe(['--config', join(dir, 'oobd.toml')]);
    const ids: string[] = [];
    // SIGTERM goes out once the server has answered a first message: "mid-run" is a
    // state to wait for, not a time (its threads compile the rules first).
    let firstAnswered: () => void = () => {};
    const answered = new Promise<void>((resolve) => (firstAnswered = resolve));
    const sending = Array.from({ length: 6 }, async (_, c) => {
      const { client } = await SmtpClient.open(serve.port);
      try {
        await client.cmd('EHLO sender.test');
        for (let i = 0; i < 30; i++) {
          if ((await client.cmd('MAIL FROM:<>')).code !== 250) return;
          if ((await client.cmd(`RCPT TO:<c${c}-${i}@bounce.example.com>`)).code !== 250) return;
          const reply = await client.data(dsnMessage());
          if (reply.code !== 250) return;
          ids.push(reply.text.slice('OK id='.length));
          firstAnswered();
        }
      } catch {
        // The server closed the connection while shutting down.
      } finally {
        client.destroy();
      }
    });
    await Promise.race([answered, Promise.all(sending)]);
    serve.child.kill('SIGTERM');
    await Promise.all(sending);
    expect(await serve.exited).toBe(0);
    expect(ids.length).toBeGreaterThan(0);
    const records = await readAllRecords(join(dir, 'logs'));
    const logged = new Set(records.filter((r) => r.type === 'Reception').map((r) => r.id));
    expect(ids.filter((id) => !logged.has(id))).toEqual([]);
    expect(serve.logs.some((l) => l.msg === 'stopped')).toBe(true);
  });

  it('reloads the domain files on SIGHUP and keeps the previous map when the new file is bad', async () => {
    const dir = makeTempDir();
    const config = writeTestConfig(dir);
    const domainsFile = config.domains.files[0]!;
    const serve = await startServe(['--config', join(dir, 'oobd.toml')]);
    try {
      const before = await sendMessage(serve.port, {
        from: '',
        to: ['x@new.example.org'],
        message: dsnMessage(),
      });
      expect(before.code).toBe(550);

      writeFileSync(domainsFile, stringify({ 'new.example.org': { log_oob: 'LogThenDrop' } }));
      serve.child.kill('SIGHUP');
      await serve.waitForLog((l) => l.msg === 'reload finished' && l.domains === 'reloaded');
      // The config file is unchanged: no word about restarting.
      const restartWarning = (l: { msg?: unknown }) =>
        String(l.msg).startsWith('the config file changed since start');
      expect(serve.logs.filter(restartWarning)).toEqual([]);
      const after = await sendMessage(serve.port, {
        from: '',
        to: ['x@new.example.org'],
        message: dsnMessage(),
      });
      expect(after.code).toBe(250);

      writeFileSync(domainsFile, '["new.example.org"]\nlog_oob = "Sometimes"\n');
      serve.child.kill('SIGHUP');
      const failure = await serve.waitForLog(
        (l) => l.msg === 'domains reload failed; keeping the previous map',
      );
      expect(String(failure.err)).toContain(`${domainsFile}: ["new.example.org"].log_oob`);
      const kept = await sendMessage(serve.port, {
        from: '',
        to: ['y@new.example.org'],
        message: dsnMessage(),
      });
      expect(kept.code).toBe(250);

      // An edited oobd.toml is not re-read by SIGHUP, and the log says so.
      const configFile = join(dir, 'oobd.toml');
      writeFileSync(configFile, `${readFileSync(configFile, 'utf8')}\n# edited\n`);
      serve.child.kill('SIGHUP');
      const warning = await serve.waitForLog(restartWarning);
      expect(warning).toMatchObject({ level: 40, file: configFile });
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('reloads the rules on SIGHUP, keeps the last good set when a file is bad, and logs the recovery', async () => {
    const dir = makeTempDir();
    const rules = join(dir, 'rules.toml');
    writeFileSync(rules, '[rules]\nInvalidRecipient = ["(?i)no such user"]\n');
    writeTestConfig(dir, { config: { classifier: { files: [rules] } } });
    const serve = await startServe(['--config', join(dir, 'oobd.toml')]);
    try {
      writeFileSync(rules, '[rules]\nInvalidRecipient = ["(?i)no such user", "(unclosed"]\n');
      serve.child.kill('SIGHUP');
      const failure = await serve.waitForLog(
        (l) => l.msg === 'rules reload failed; keeping the last good rules',
      );
      expect(failure).toMatchObject({ file: rules, label: 'InvalidRecipient', index: 1 });
      const reply = await sendMessage(serve.port, {
        from: '',
        to: ['r@bounce.example.com'],
        message: dsnMessage({ diagnostic: '550 no such user here' }),
      });
      expect(reply.code).toBe(250);
      writeFileSync(rules, '[rules]\nInvalidRecipient = ["(?i)no such user"]\n');
      serve.child.kill('SIGHUP');
      await serve.waitForLog((l) => l.recovered === true);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    const records = await readAllRecords(join(dir, 'logs'));
    expect(records.find((r) => r.type === 'OOB')?.bounce_classification).toBe('InvalidRecipient');
  });

  it('refuses to start with a bad rules file, naming the file, label and index', () => {
    const dir = makeTempDir();
    const rules = join(dir, 'rules.toml');
    writeFileSync(rules, '[rules]\nSpamBlock = ["ok", "(?<=lookbehind)"]\n');
    writeTestConfig(dir, { config: { classifier: { files: [rules] } } });
    const result = runCli(['serve', '--config', join(dir, 'oobd.toml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${rules}: "SpamBlock"[1]`);
  });

  it('refuses to start on a bad config, naming the file and the key, with exit code 2', () => {
    const dir = makeTempDir();
    const file = join(dir, 'oobd.toml');
    writeFileSync(file, '[smtp]\nlisten = ["127.0.0.1:0"]\nmax_clients = "many"\n');
    const result = runCli(['serve', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`OOBD_CONFIG_INVALID: ${file}: smtp.max_clients:`);
  });

  it('refuses to start when a domains file is bad, naming the domain and the key', () => {
    const dir = makeTempDir();
    writeTestConfig(dir, { domains: { 'bounce.example.com': { log_oob: 'LogThenRelay' } } });
    const result = runCli(['serve', '--config', join(dir, 'oobd.toml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '["bounce.example.com"].routing_domain: required because LogThenRelay relays messages',
    );
  });

  it.each(['smtp', 'http'])(
    'refuses to start when its %s listener is taken, naming the address, the key and the file',
    async (section) => {
      // A real listener holds the port, as another oobd (a second `npm start`) would.
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const taken = `127.0.0.1:${(holder.address() as AddressInfo).port}`;
      try {
        const dir = makeTempDir();
        const listen =
          section === 'smtp' ? { smtp: { listen: [taken] } } : { http: { listen: taken } };
        writeTestConfig(dir, { config: listen });
        const file = join(dir, 'oobd.toml');
        const result = runCli(['serve', '--config', file]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(
          `cannot listen on ${taken} (${section}.listen in ${file}): address already in use`,
        );
      } finally {
        await new Promise((resolve) => holder.close(resolve));
      }
    },
  );

  it('offers STARTTLS when tls_key and tls_cert are set, and accepts a DSN over TLS', async () => {
    const dir = makeTempDir();
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=oobd.test',
      ],
      { stdio: 'ignore' },
    );
    writeTestConfig(dir, { config: { smtp: { tls_key: key, tls_cert: cert } } });
    const serve = await startServe(['--config', join(dir, 'oobd.toml')]);
    try {
      const { client } = await SmtpClient.open(serve.port);
      const ehlo = await client.cmd('EHLO sender.test');
      expect(ehlo.lines).toContain('STARTTLS');
      await client.quit();
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: serve.port,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
      });
      const info = await transport.sendMail({
        envelope: { from: '', to: ['tls@bounce.example.com'] },
        raw: dsnMessage({ to: 'tls@bounce.example.com' }),
      });
      transport.close();
      expect(String(info.response)).toMatch(/^250 OK id=[0-9a-f]{32}$/);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('does not offer STARTTLS without a key and certificate', async () => {
    const dir = makeTempDir();
    writeTestConfig(dir);
    const serve = await startServe(['--config', join(dir, 'oobd.toml')]);
    try {
      const { client } = await SmtpClient.open(serve.port);
      const ehlo = await client.cmd('EHLO sender.test');
      expect(ehlo.lines).not.toContain('STARTTLS');
      await client.quit();
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});
