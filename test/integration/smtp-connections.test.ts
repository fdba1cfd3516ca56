// max_clients counts each connection once and releases it once: connections that the
// client closes or resets before the greeting must not free slots they never took.
import { connect, type Socket } from 'node:net';
import { SmtpClient, type SmtpReply } from '../helpers/smtp-client';
import { startTestService, type TestService } from '../helpers/service';

/** Opens a TCP connection and closes it at once (FIN), or resets it (RST). */
function connectAndDrop(port: number, how: 'close' | 'reset'): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ port, host: '127.0.0.1' }, () => {
      if (how === 'reset') socket.resetAndDestroy();
      else socket.end();
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' ? resolve() : reject(err),
    );
    socket.once('close', () => resolve());
  });
}

async function connectionsGauge(t: TestService): Promise<number> {
  const metric = await t.service.metrics.registry.getSingleMetric('oobd_smtp_connections')?.get();
  return metric?.values[0]?.value ?? NaN;
}

describe('max_clients', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ config: { smtp: { max_clients: 5 } } });
  });
  afterAll(() => t.stop());

  it('greets exactly 5 of 8 held connections after 10 connections closed or reset before the greeting', async () => {
    for (let i = 0; i < 10; i++) await connectAndDrop(t.port, i % 2 === 0 ? 'close' : 'reset');
    const held = await Promise.all(Array.from({ length: 8 }, () => SmtpClient.open(t.port)));
    const greetings: SmtpReply[] = held.map((h) => h.greeting);
    expect(greetings.filter((g) => g.code === 220)).toHaveLength(5);
    expect(greetings.filter((g) => g.code === 421)).toHaveLength(3);
    for (const h of held) h.client.destroy();
    // Every slot comes back, and the gauge never goes below zero.
    for (let i = 0; i < 400 && (await connectionsGauge(t)) > 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await connectionsGauge(t)).toBe(0);
    const again = await SmtpClient.open(t.port);
    expect(again.greeting.code).toBe(220);
    again.client.destroy();
  });
});
