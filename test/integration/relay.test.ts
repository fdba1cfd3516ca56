// LogThenRelay and relay_to against a real SMTP sink on loopback.
import { sendMessage } from '../helpers/smtp-client';
import { startSink, type Sink } from '../helpers/sink';
import {
  PLAIN_MESSAGE,
  dsnMessage,
  startBackendService,
  startTestService,
  type TestService,
} from '../helpers/service';

describe('relaying to routing_domain', () => {
  let sink: Sink;
  let t: TestService;

  beforeAll(async () => {
    sink = await startSink();
    const routing = `[127.0.0.1]:${sink.port}`;
    t = await startTestService({
      domains: {
        'relay.example.com': {
          log_oob: 'LogThenRelay',
          log_arf: 'LogThenDrop',
          routing_domain: routing,
        },
        'pass.example.com': { relay_to: true, routing_domain: routing },
        'drop.example.com': { log_oob: 'LogThenDrop', relay_to: true, routing_domain: routing },
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await sink.close();
  });
  beforeEach(() => {
    sink.messages.length = 0;
    sink.reply = null;
  });

  it('logs a DSN, relays it with a Received header, then answers 250 and writes a Delivery record', async () => {
    const reply = await sendMessage(t.port, {
      from: '',
      to: ['b1@relay.example.com'],
      message: dsnMessage({ to: 'b1@relay.example.com' }),
    });
    expect(reply.code).toBe(250);
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]!.to).toEqual(['b1@relay.example.com']);
    expect(sink.messages[0]!.from).toBe('');
    expect(sink.messages[0]!.raw.toString()).toMatch(
      /^Received: from client\.test \(\[127\.0\.0\.1\]\)\r\n\tby oobd\.test \(oobd\)/,
    );
    const id = reply.text.slice('OK id='.length);
    const records = await t.waitForRecords((all) =>
      all.some((r) => r.id === id && r.type === 'Delivery'),
    );
    const delivery = records.find((r) => r.id === id && r.type === 'Delivery')!;
    expect(delivery).toMatchObject({
      recipient: 'b1@relay.example.com',
      site: `127.0.0.1:${sink.port}`,
      response: { code: 250 },
      delivery_protocol: 'ESMTP',
    });
    expect(records.filter((r) => r.id === id).map((r) => r.type)).toEqual(
      expect.arrayContaining(['Reception', 'Delivery']),
    );
  });

  it('relays an ordinary message for a relay_to domain instead of refusing it', async () => {
    const reply = await sendMessage(t.port, {
      from: 'alice@sender.example',
      to: ['x@pass.example.com'],
      message: PLAIN_MESSAGE,
    });
    expect(reply.code).toBe(250);
    expect(sink.messages.map((m) => m.from)).toEqual(['alice@sender.example']);
  });

  it('drops a report for a LogThenDrop domain even when it has relay_to', async () => {
    const reply = await sendMessage(t.port, {
      from: '',
      to: ['x@drop.example.com'],
      message: dsnMessage(),
    });
    expect(reply.code).toBe(250);
    expect(sink.messages).toHaveLength(0);
  });

  it('answers 451 4.3.0 when the routing host defers, and logs TransientFailure and Rejection but not the report', async () => {
    sink.reply = { code: 451, message: '4.3.0 try later' };
    const reply = await sendMessage(t.port, {
      from: '',
      to: ['b2@relay.example.com'],
      message: dsnMessage({ recipient: 'deferred@remote.example' }),
    });
    expect(reply.code).toBe(451);
    expect(reply.text).toBe('4.3.0 temporary failure, try again later');
    const records = await t.waitForRecords((all) =>
      all.some(
        (r) =>
          r.type === 'Rejection' &&
          r.recipient === 'b2@relay.example.com' &&
          r.response.code === 451,
      ),
    );
    const rejection = records.find(
      (r) => r.type === 'Rejection' && r.recipient === 'b2@relay.example.com',
    )!;
    const mine = records.filter((r) => r.id === rejection.id).map((r) => r.type);
    expect(mine).toEqual(['TransientFailure', 'Rejection']);
  });

  it('logs a Bounce record when the routing host refuses permanently, and still accepts the report', async () => {
    sink.reply = { code: 550, message: '5.7.1 no thanks' };
    const reply = await sendMessage(t.port, {
      from: '',
      to: ['b3@relay.example.com'],
      message: dsnMessage(),
    });
    expect(reply.code).toBe(250);
    const id = reply.text.slice('OK id='.length);
    const records = await t.waitForRecords((all) =>
      all.some((r) => r.id === id && r.type === 'Bounce'),
    );
    expect(records.find((r) => r.id === id && r.type === 'Bounce')?.response).toMatchObject({
      code: 550,
      enhanced_code: { class: 5, subject: 7, detail: 1 },
      content: 'no thanks',
    });
  });

  it('answers 451 when the routing host is down', async () => {
    const down = await startTestService({
      domains: {
        'relay.example.com': { log_oob: 'LogThenRelay', routing_domain: '[127.0.0.1]:1' },
      },
    });
    try {
      const reply = await sendMessage(down.port, {
        from: '',
        to: ['b@relay.example.com'],
        message: dsnMessage(),
      });
      expect(reply.code).toBe(451);
    } finally {
      await down.stop();
    }
  });
});

describe('relaying in bullmq mode, through the relay queue', () => {
  let sink: Sink;
  let t: TestService;

  beforeAll(async () => {
    sink = await startSink();
    t = await startBackendService('bullmq', {
      domains: {
        'relay.example.com': {
          log_oob: 'LogThenRelay',
          routing_domain: `[127.0.0.1]:${sink.port}`,
        },
      },
      config: { relay: { attempts: 3 } },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await sink.close();
  });
  beforeEach(() => {
    sink.messages.length = 0;
    sink.reply = null;
  });

  it('answers 250 once queued, then relays and writes a Delivery record', async () => {
    const reply = await sendMessage(t.port, {
      from: '',
      to: ['q1@relay.example.com'],
      message: dsnMessage(),
    });
    expect(reply.code).toBe(250);
    const id = reply.text.slice('OK id='.length);
    await t.waitForRecords((all) => all.some((r) => r.id === id && r.type === 'Delivery'));
    expect(sink.messages).toHaveLength(1);
  });

  it('retries a deferred relay without logging the report again', async () => {
    sink.reply = { code: 451, message: '4.3.0 busy' };
    const reply = await sendMessage(t.port, {
      from: '',
      to: ['q2@relay.example.com'],
      message: dsnMessage(),
    });
    const id = reply.text.slice('OK id='.length);
    await t.waitForRecords((all) => all.some((r) => r.id === id && r.type === 'TransientFailure'));
    sink.reply = null;
    const records = await t.waitForRecords((all) =>
      all.some((r) => r.id === id && r.type === 'Delivery'),
    );
    const mine = records.filter((r) => r.id === id);
    expect(mine.filter((r) => r.type === 'Reception')).toHaveLength(1);
    expect(mine.find((r) => r.type === 'Delivery')!.num_attempts).toBeGreaterThan(1);
  });

  it('logs a Bounce when relay attempts run out', async () => {
    sink.reply = { code: 421, message: '4.7.0 go away' };
    const reply = await sendMessage(t.port, {
      from: '',
      to: ['q3@relay.example.com'],
      message: dsnMessage(),
    });
    const id = reply.text.slice('OK id='.length);
    const records = await t.waitForRecords(
      (all) => all.some((r) => r.id === id && r.type === 'Bounce'),
      20_000,
    );
    expect(records.find((r) => r.id === id && r.type === 'Bounce')!.response.content).toMatch(
      /^relay attempts exhausted/,
    );
    expect(records.filter((r) => r.id === id && r.type === 'TransientFailure')).toHaveLength(2);
  });
});
