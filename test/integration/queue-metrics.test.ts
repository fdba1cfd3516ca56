// Queue depth on /metrics in bullmq mode, read from Redis when /metrics is scraped.
import { RedisServer, requireRedisServer } from '../helpers/redis';
import { sendMessage } from '../helpers/smtp-client';
import { dsnMessage, startTestService } from '../helpers/service';

// Every test here needs Redis: without it the file fails once, here.
requireRedisServer();

describe('queue depth on /metrics', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis?.destroy());

  it('shows waiting, active, delayed and failed jobs of each queue', async () => {
    // No workers: what the edge queues waits.
    const t = await startTestService({
      mode: 'bullmq',
      redisUrl: redis.url,
      workers: 0,
      config: { http: { listen: '127.0.0.1:0' } },
    });
    try {
      for (let i = 0; i < 3; i++) {
        const reply = await sendMessage(t.port, {
          from: '',
          to: [`d${i}@bounce.example.com`],
          message: dsnMessage(),
        });
        expect(reply.code).toBe(250);
      }
      const text = await (await fetch(`http://${t.service.httpAddress}/metrics`)).text();
      expect(text).toContain('# TYPE oobd_queue_jobs gauge');
      expect(text).toContain('oobd_queue_jobs{queue="messages",state="waiting"} 3');
      for (const state of ['active', 'delayed', 'failed']) {
        expect(text).toContain(`oobd_queue_jobs{queue="messages",state="${state}"} 0`);
      }
      expect(text).toContain('oobd_queue_jobs{queue="relays",state="waiting"} 0');
    } finally {
      await t.stop();
    }
  });

  it('leaves the series out, without failing the scrape, while Redis is down', async () => {
    const own = await RedisServer.start();
    const t = await startTestService({
      mode: 'bullmq',
      redisUrl: own.url,
      workers: 0,
      config: { http: { listen: '127.0.0.1:0' } },
    });
    try {
      await own.stop();
      const res = await fetch(`http://${t.service.httpAddress}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain('oobd_queue_jobs{');
      expect(text).toContain('oobd_messages_total');
    } finally {
      await t.stop();
      await own.destroy();
    }
  });
});
