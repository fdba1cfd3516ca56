// DESIGN.md §4, row by row, against a real server on 127.0.0.1:0 and its real logs.
import { writeFileSync } from 'node:fs';
import { stringify } from 'smol-toml';
import { SmtpClient, sendMessage } from '../helpers/smtp-client';
import {
  BACKENDS,
  PLAIN_MESSAGE,
  dsnMessage,
  startBackendService,
  type TestService,
} from '../helpers/service';

describe.each(BACKENDS)('SMTP replies and their records (%s)', (mode) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startBackendService(mode, {
      domains: {
        'bounce.example.com': { log_oob: 'LogThenDrop', log_arf: 'LogThenDrop' },
        'arf-only.example.com': { log_arf: 'LogThenDrop' },
        'nothing.example.com': { log_oob: 'Ignore', log_arf: false },
      },
      config: { smtp: { max_message_size: 20_000, max_received_headers: 30 } },
    });
  });
  afterAll(() => t?.stop());

  it('refuses RCPT to a domain with no entry with 550 5.7.1 and writes a Rejection record', async () => {
    const { client } = await SmtpClient.open(t.port);
    await client.cmd('EHLO sender.test');
    expect((await client.cmd('MAIL FROM:<alice@sender.example>')).code).toBe(250);
    const reply = await client.cmd('RCPT TO:<someone@unlisted.example>');
    expect(reply.code).toBe(550);
    expect(reply.text).toBe('5.7.1 relaying not permitted');
    await client.quit();
    const records = await t.waitForRecords((all) =>
      all.some((r) => r.type === 'Rejection' && r.recipient === 'someone@unlisted.example'),
    );
    const rejection = records.find((r) => r.recipient === 'someone@unlisted.example')!;
    expect(rejection).toMatchObject({
      type: 'Rejection',
      sender: 'alice@sender.example',
      queue: 'unlisted.example',
      response: {
        code: 550,
        enhanced_code: { class: 5, subject: 7, detail: 1 },
        content: 'relaying not permitted',
        command: 'RCPT TO:<someone@unlisted.example>',
      },
      peer_address: { name: 'sender.test', addr: '127.0.0.1' },
    });
    expect(rejection.id).toMatch(/^[0-9a-f]{32}$/);
    expect(rejection.session_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses RCPT to a domain whose entry logs nothing and does not relay', async () => {
    const { client } = await SmtpClient.open(t.port);
    await client.cmd('EHLO sender.test');
    await client.cmd('MAIL FROM:<>');
    expect((await client.cmd('RCPT TO:<x@nothing.example.com>')).code).toBe(550);
    await client.quit();
  });

  it('accepts RCPT to a log_oob domain, case-insensitively', async () => {
    const { client } = await SmtpClient.open(t.port);
    await client.cmd('EHLO sender.test');
    await client.cmd('MAIL FROM:<>');
    expect((await client.cmd('RCPT TO:<bounce-1@Bounce.Example.COM>')).code).toBe(250);
    await client.quit();
  });

  it('accepts a multipart/report DSN with 250 OK id=<id> and writes its Reception record', async () => {
    const reply = await sendMessage(t.port, {
      from: '',
      to: ['bounce-7@bounce.example.com'],
      message: dsnMessage({ to: 'bounce-7@bounce.example.com' }),
    });
    expect(reply.code).toBe(250);
    const id = /^OK id=([0-9a-f]{32})$/.exec(reply.text)?.[1];
    expect(id).toBeDefined();
    const records = await t.waitForRecords((all) =>
      all.some((r) => r.id === id && r.type === 'Reception'),
    );
    const reception = records.find((r) => r.id === id && r.type === 'Reception')!;
    expect(reception).toMatchObject({
      sender: '',
      recipient: 'bounce-7@bounce.example.com',
      queue: 'bounce.example.com',
      response: { code: 250, enhanced_code: null, content: '', command: null },
      reception_protocol: 'ESMTP',
    });
    expect(reception.size).toBeGreaterThan(500);
  });

  it('refuses a plain message after DATA with 550 5.7.1 and writes Reception and Rejection records', async () => {
    const reply = await sendMessage(t.port, {
      from: 'alice@sender.example',
      to: ['bounce-8@bounce.example.com'],
      message: PLAIN_MESSAGE,
    });
    expect(reply.code).toBe(550);
    expect(reply.text).toBe('5.7.1 relaying not permitted');
    const records = await t.waitForRecords((all) =>
      all.some((r) => r.type === 'Rejection' && r.recipient === 'bounce-8@bounce.example.com'),
    );
    const rejection = records.find(
      (r) => r.type === 'Rejection' && r.recipient === 'bounce-8@bounce.example.com',
    )!;
    expect(rejection.response).toMatchObject({ code: 550, command: 'DATA' });
    const reception = records.find((r) => r.type === 'Reception' && r.id === rejection.id);
    expect(reception).toMatchObject({
      sender: 'alice@sender.example',
      recipient: 'bounce-8@bounce.example.com',
    });
  });

  it('refuses a DSN for a domain that only logs ARF reports', async () => {
    const reply = await sendMessage(t.port, {
      from: '',
      to: ['x@arf-only.example.com'],
      message: dsnMessage({ to: 'x@arf-only.example.com' }),
    });
    expect(reply.code).toBe(550);
  });

  it('refuses a message over max_message_size with 552 5.3.4 and a Rejection record', async () => {
    const big = `${dsnMessage()}\r\n${'x'.repeat(76)}\r\n`.repeat(400);
    const reply = await sendMessage(t.port, {
      from: '',
      to: ['big@bounce.example.com'],
      message: big,
    });
    expect(reply.code).toBe(552);
    expect(reply.text).toBe('5.3.4 message size exceeds fixed maximum message size');
    await t.waitForRecords((all) =>
      all.some(
        (r) =>
          r.type === 'Rejection' &&
          r.recipient === 'big@bounce.example.com' &&
          r.response.code === 552,
      ),
    );
  });

  it('advertises SIZE and refuses MAIL FROM with a larger SIZE= with 552 5.3.4 and a Rejection record', async () => {
    const { client } = await SmtpClient.open(t.port);
    const ehlo = await client.cmd('EHLO sender.test');
    expect(ehlo.lines).toContain('SIZE 20000');
    const reply = await client.cmd('MAIL FROM:<size@sender.example> SIZE=999999');
    expect(reply.code).toBe(552);
    expect(reply.text).toBe('5.3.4 message size exceeds fixed maximum message size');
    await client.quit();
    await t.waitForRecords((all) =>
      all.some(
        (r) =>
          r.type === 'Rejection' &&
          r.response.command === 'MAIL FROM:<size@sender.example> SIZE=999999',
      ),
    );
  });

  it('refuses a mail loop (over 30 Received headers) with 554 5.4.6', async () => {
    const received = Array.from(
      { length: 31 },
      (_, i) =>
        `Received: from hop${i}.example by hop${i + 1}.example; Mon, 1 Jan 2024 00:00:00 +0000`,
    );
    const reply = await sendMessage(t.port, {
      from: '',
      to: ['loop@bounce.example.com'],
      message: `${received.join('\r\n')}\r\n${dsnMessage()}`,
    });
    expect(reply.code).toBe(554);
    expect(reply.text).toBe('5.4.6 mail loop detected: too many Received headers');
    await t.waitForRecords((all) =>
      all.some((r) => r.type === 'Rejection' && r.response.code === 554),
    );
  });

  it('handles each recipient by its own domain policy in one transaction', async () => {
    const { client } = await SmtpClient.open(t.port);
    const result = await client.send({
      from: '',
      to: ['a@bounce.example.com', 'b@unlisted.example', 'c@arf-only.example.com'],
      message: dsnMessage(),
    });
    await client.quit();
    expect(result.rcpts.map((r) => r.code)).toEqual([250, 550, 250]);
    expect(result.data?.code).toBe(250);
    const id = result.data!.text.slice('OK id='.length);
    // The ARF-only domain does not take a DSN: recorded as refused, not dropped silently.
    // In bullmq mode the edge writes the Rejection and a worker the Reception, later.
    const records = await t.waitForRecords(
      (all) =>
        all.some(
          (r) => r.id === id && r.type === 'Rejection' && r.recipient === 'c@arf-only.example.com',
        ) && all.some((r) => r.id === id && r.type === 'Reception'),
    );
    expect(records.find((r) => r.id === id && r.type === 'Reception')?.recipient).toEqual([
      'a@bounce.example.com',
      'c@arf-only.example.com',
    ]);
  });
});

describe.each(BACKENDS)('a domains reload between RCPT and DATA (%s)', (mode) => {
  it('applies the policy each recipient had at RCPT, as promised by its 250', async () => {
    const t = await startBackendService(mode, {
      domains: { 'bounce.example.com': { log_oob: 'LogThenDrop', log_arf: 'LogThenDrop' } },
    });
    try {
      const { client } = await SmtpClient.open(t.port);
      await client.cmd('EHLO sender.test');
      await client.cmd('MAIL FROM:<>');
      expect((await client.cmd('RCPT TO:<kept@bounce.example.com>')).code).toBe(250);
      // The domain leaves the map before DATA.
      writeFileSync(t.domainsFile, stringify({ 'other.example.com': { log_oob: 'LogThenDrop' } }));
      expect(t.service.reload().domains).toBe('reloaded');
      const reply = await client.data(dsnMessage());
      expect(reply.code).toBe(250);
      await client.quit();
      const id = reply.text.slice('OK id='.length);
      await t.waitForRecords((all) => all.some((r) => r.id === id && r.type === 'OOB'));
      // A new transaction gets the new map.
      const next = await sendMessage(t.port, {
        from: '',
        to: ['kept@bounce.example.com'],
        message: dsnMessage(),
      });
      expect(next.code).toBe(550);
    } finally {
      await t.stop();
    }
  });
});

describe.each(BACKENDS)('connection limits (%s)', (mode) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startBackendService(mode, {
      config: { smtp: { max_clients: 2, max_recipients: 2 } },
    });
  });
  afterAll(() => t?.stop());

  it('answers the connection over max_clients with 421 4.7.0 and a Rejection record', async () => {
    const a = await SmtpClient.open(t.port);
    const b = await SmtpClient.open(t.port);
    const c = await SmtpClient.open(t.port);
    expect(a.greeting.code).toBe(220);
    expect(b.greeting.code).toBe(220);
    expect(c.greeting.code).toBe(421);
    expect(c.greeting.text).toBe('4.7.0 too many connections, try again later');
    a.client.destroy();
    b.client.destroy();
    c.client.destroy();
    await t.waitForRecords((all) =>
      all.some((r) => r.type === 'Rejection' && r.response.code === 421),
    );
  });

  it('refuses recipients beyond max_recipients with 452 4.5.3', async () => {
    // The server may not have seen the previous test's connections close yet.
    let { client, greeting } = await SmtpClient.open(t.port);
    for (let i = 0; greeting.code !== 220 && i < 100; i++) {
      client.destroy();
      await new Promise((r) => setTimeout(r, 50));
      ({ client, greeting } = await SmtpClient.open(t.port));
    }
    expect(greeting.code).toBe(220);
    const result = await client.send({
      from: '',
      to: ['a@bounce.example.com', 'b@bounce.example.com', 'c@bounce.example.com'],
      message: dsnMessage(),
    });
    await client.quit();
    expect(result.rcpts.map((r) => r.code)).toEqual([250, 250, 452]);
    expect(result.rcpts[2]?.text).toBe('4.5.3 too many recipients');
    expect(result.data?.code).toBe(250);
  });
});
