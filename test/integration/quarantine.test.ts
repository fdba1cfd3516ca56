// The quarantine folder: every message oobd accepted and could not deliver or
// process is kept there, and `oobd quarantine list|show|retry` works on it.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { readAllRecords } from '../../src/log/reader';
import { Quarantine, type QuarantineEntry } from '../../src/queue/quarantine';
import { runCliAsync } from '../helpers/process';
import { sendMessage } from '../helpers/smtp-client';
import { startSink, type Sink } from '../helpers/sink';
import { BACKENDS, dsnMessage, startBackendService, type TestService } from '../helpers/service';

/** Waits until the quarantine folder holds an entry for the message; returns it. */
async function quarantined(t: TestService, id: string): Promise<QuarantineEntry> {
  for (let i = 0; i < 400; i++) {
    const names = await fs.readdir(t.quarantineDir).catch(() => [] as string[]);
    const meta = names.find((n) => n.startsWith(id) && n.endsWith('.json'));
    if (meta) {
      const text = await fs.readFile(join(t.quarantineDir, meta), 'utf8').catch(() => '');
      if (text.endsWith('\n')) return JSON.parse(text) as QuarantineEntry;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`message ${id} never reached the quarantine folder`);
}

describe.each(BACKENDS)('a relay the routing host refuses with 5xx (%s)', (mode) => {
  let sink: Sink;
  let t: TestService;
  beforeAll(async () => {
    sink = await startSink();
    t = await startBackendService(mode, {
      domains: {
        'relay.example.com': {
          log_oob: 'LogThenRelay',
          routing_domain: `[127.0.0.1]:${sink.port}`,
        },
      },
      config: { relay: { attempts: 2 } },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await sink.close();
  });

  it('is logged as a Bounce and kept in quarantine with the refusal, then retried once the host takes it', async () => {
    sink.reply = { code: 550, message: '5.7.1 no thanks' };
    const reply = await sendMessage(t.port, {
      from: '',
      to: ['r1@relay.example.com'],
      message: dsnMessage({ to: 'r1@relay.example.com' }),
    });
    expect(reply.code).toBe(250);
    const id = reply.text.slice('OK id='.length);
    await t.waitForRecords((all) => all.some((r) => r.id === id && r.type === 'Bounce'));
    const entry = await quarantined(t, id);
    expect(entry).toMatchObject({
      id,
      cause: 'relay-refused',
      envelope: { id, rcptTo: ['r1@relay.example.com'] },
      relay: { routingDomain: `[127.0.0.1]:${sink.port}`, rcptTo: ['r1@relay.example.com'] },
    });
    expect(entry.reason).toContain('550');
    expect(entry.reason).toContain('no thanks');

    const config = join(t.dir, 'oobd.toml');
    const list = await runCliAsync(['quarantine', 'list', '--config', config]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('relay-refused');

    // The routing host takes it now: retry relays it and logs the Delivery.
    sink.reply = null;
    sink.messages.length = 0;
    const retry = await runCliAsync(['quarantine', 'retry', '--config', config, entry.key ?? id]);
    expect(retry.stderr).toBe('');
    expect(retry.code).toBe(0);
    expect(sink.messages.map((m) => m.to)).toEqual([['r1@relay.example.com']]);
    const records = await readAllRecords(t.logsDir);
    const mine = records.filter((r) => r.id === id);
    expect(mine.filter((r) => r.type === 'Reception')).toHaveLength(1);
    expect(mine.filter((r) => r.type === 'OOB')).toHaveLength(1);
    expect(mine.filter((r) => r.type === 'Delivery')).toHaveLength(1);
    const left = await fs.readdir(t.quarantineDir);
    expect(left.filter((n) => n.startsWith(id))).toEqual([]);
  });
});

describe('oobd quarantine list, show and retry', () => {
  let t: TestService;
  let config: string;
  beforeAll(async () => {
    t = await startBackendService('inline');
    config = join(t.dir, 'oobd.toml');
  });
  afterAll(() => t?.stop());

  it('keeps a message that still yields nothing, noting the retry, and shows it', async () => {
    // A report by its headers, with nothing a parser can read in it.
    const message = [
      'From: MAILER-DAEMON@mx.remote.example',
      'To: b@bounce.example.com',
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="x"',
      '',
      '--x',
      'Content-Type: text/plain',
      '',
      'nothing to see',
      '--x--',
      '',
    ].join('\r\n');
    const reply = await sendMessage(t.port, { from: '', to: ['b@bounce.example.com'], message });
    expect(reply.code).toBe(250);
    const id = reply.text.slice('OK id='.length);
    const entry = await quarantined(t, id);
    expect(entry).toMatchObject({ cause: 'unrecognized', logged: true, sniffed: 'report' });

    const show = await runCliAsync(['quarantine', 'show', '--config', config, id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('cause: unrecognized');
    expect(show.stdout).toContain('envelope: <> -> b@bounce.example.com');
    expect(show.stdout).toContain('Subject: Undelivered Mail Returned to Sender');
    const raw = await runCliAsync(['quarantine', 'show', '--raw', '--config', config, id]);
    expect(raw.stdout).toContain('nothing to see');

    const before = (await readAllRecords(t.logsDir)).length;
    const retry = await runCliAsync(['quarantine', 'retry', '--config', config, id]);
    expect(retry.code).toBe(1);
    expect(retry.stdout).toContain(`${id}: kept: still nothing recognised`);
    expect((await readAllRecords(t.logsDir)).length).toBe(before);
    const after = await quarantined(t, id);
    expect(after).toMatchObject({ retries: 1, lastRetry: { result: 'still nothing recognised' } });

    const missing = await runCliAsync(['quarantine', 'show', '--config', config, 'f00d']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no quarantined message f00d');
  });

  it('takes --dir after the subcommand as before it, and shows it in the subcommand help', async () => {
    const dir = join(t.dir, 'quarantine');
    const before = await runCliAsync(['quarantine', '--dir', dir, 'list']);
    const after = await runCliAsync(['quarantine', 'list', '--dir', dir]);
    expect(after.code).toBe(0);
    expect(after.stdout).toBe(before.stdout);
    expect(after.stdout).toContain(`in ${dir}`);
    for (const sub of ['list', 'show', 'retry']) {
      expect((await runCliAsync(['quarantine', sub, '--help'])).stdout).toContain('--dir <folder>');
    }
  });

  it('writes the records of an entry once the parser reads it, with its original envelope, and only then removes it', async () => {
    // An entry as an older oobd wrote it (no cause, no policies): the domains of the
    // config decide, and its Reception is already in the logs.
    const quarantine = new Quarantine(t.quarantineDir, 1024 ** 2);
    const envelope = {
      id: 'ab'.repeat(16),
      mailFrom: '',
      rcptTo: ['old@bounce.example.com'],
      listener: `127.0.0.1:${t.port}`,
      remoteAddress: '192.0.2.7',
      heloName: 'mx.remote.example',
      sessionId: '11111111-2222-3333-4444-555555555555',
      receivedAt: Date.parse('2024-03-01T10:00:00Z'),
    };
    await quarantine.put(
      envelope,
      Buffer.from(dsnMessage({ recipient: 'gone@remote.example' })),
      'unrecognized: accepted as a report, no findings',
    );
    const dry = await runCliAsync([
      'quarantine',
      'retry',
      '--dry-run',
      '--config',
      config,
      envelope.id,
    ]);
    expect(dry.code).toBe(0);
    expect(
      dry.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type),
    ).toEqual(['OOB']);
    // The verdicts and their sum go beside the records, on stderr.
    expect(dry.stderr).toContain(
      '1 message(s): 1 would leave the quarantine, 0 would stay (dry run: nothing written or relayed)\n',
    );
    expect(await quarantine.read(envelope.id)).not.toBeNull();
    expect((await readAllRecords(t.logsDir)).some((r) => r.id === envelope.id)).toBe(false);

    const retry = await runCliAsync([
      'quarantine',
      'retry',
      '--all',
      '--cause',
      'unrecognized',
      '--config',
      config,
    ]);
    expect(retry.stdout).toContain(`${envelope.id}: cleared: wrote OOB`);
    expect(retry.stdout).toMatch(/\n2 message\(s\): 1 cleared, 1 kept\n$/);
    const records = (await readAllRecords(t.logsDir)).filter((r) => r.id === envelope.id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      type: 'OOB',
      sender: 'old@bounce.example.com',
      recipient: 'gone@remote.example',
      bounce_classification: 'InvalidRecipient',
      created_time: '2024-03-01T10:00:00Z',
      session_id: envelope.sessionId,
    });
    expect(await quarantine.read(envelope.id)).toBeNull();
    // The unrecognised one of the previous test is still there: --cause chose, it stayed.
    expect(retry.code).toBe(1);
  });
});

describe('a message whose queue job ran out of attempts', () => {
  it('is retried into the logs (Reception and report) once the log folder is back', async () => {
    const t = await startBackendService('bullmq', {
      config: { queue: { attempts: 2 }, logs: { max_segment_bytes: 1 } },
    });
    try {
      await fs.rm(t.logsDir, { recursive: true });
      await fs.writeFile(t.logsDir, 'not a folder');
      const reply = await sendMessage(t.port, {
        from: '',
        to: ['q@bounce.example.com'],
        message: dsnMessage({ recipient: 'late@remote.example' }),
      });
      expect(reply.code).toBe(250);
      const id = reply.text.slice('OK id='.length);
      const entry = await quarantined(t, id);
      expect(entry).toMatchObject({ cause: 'attempts-exhausted', logged: false });
      await fs.rm(t.logsDir);
      await fs.mkdir(t.logsDir);
      const retry = await runCliAsync([
        'quarantine',
        'retry',
        '--config',
        join(t.dir, 'oobd.toml'),
        id,
      ]);
      expect(retry.stdout).toContain(`${id}: cleared: wrote Reception, OOB`);
      expect(retry.code).toBe(0);
      const records = (await readAllRecords(t.logsDir)).filter((r) => r.id === id);
      expect(records.map((r) => r.type)).toEqual(['Reception', 'OOB']);
      expect(await fs.readdir(t.quarantineDir)).toEqual([]);
    } finally {
      await t.stop();
    }
  }, 60_000);
});
