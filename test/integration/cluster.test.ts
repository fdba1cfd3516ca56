// Queue mode on a Redis Cluster: three masters on loopback, `oobd serve` (bullmq)
// and `oobd worker` as separate processes given the nodes as a queue.redis_url list.
// BullMQ's scripts touch several keys of a queue at once, which a cluster only allows
// within one slot: the queue names are hash tags, so each queue lives on one node.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { LogRecord } from '../../src/log/record';
import { readAllRecords } from '../../src/log/reader';
import { CLI, startServe } from '../helpers/process';
import { waitForIdleQueues } from '../helpers/redis';
import { RedisCluster } from '../helpers/redis-cluster';
import { sendMessage } from '../helpers/smtp-client';
import { dsnMessage, makeTempDir, writeTestConfig } from '../helpers/service';

describe('bullmq mode on a Redis Cluster', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await RedisCluster.start(3);
  }, 60_000);
  afterAll(() => cluster?.destroy());

  it('takes a message through serve and a worker, each queue in one slot, a resent message logged once', async () => {
    const dir = makeTempDir();
    const config = writeTestConfig(dir, { mode: 'bullmq', redisUrl: cluster.urls });
    const file = join(dir, 'oobd.toml');
    const serve = await startServe(['--config', file]);
    const worker = spawn(process.execPath, [CLI, 'worker', '--config', file], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let workerLog = '';
    worker.stderr!.setEncoding('utf8').on('data', (c: string) => (workerLog += c));
    const workerExited = new Promise((r) => worker.on('exit', r));
    try {
      const message = { from: '', to: ['cluster@bounce.example.com'], message: dsnMessage() };
      const reply = await sendMessage(serve.port, message);
      expect(reply.code).toBe(250);
      const id = reply.text.slice('OK id='.length);
      let records: LogRecord[] = [];
      for (let i = 0; i < 400 && !records.some((r) => r.id === id && r.type === 'OOB'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        records = await readAllRecords(config.logs.dir);
      }
      const oob = records.find((r) => r.id === id && r.type === 'OOB');
      expect(oob).toMatchObject({
        recipient: 'nobody@remote.example',
        bounce_classification: expect.any(String),
      });
      await waitForIdleQueues(cluster.urls, config.queue.prefix);

      // Every key of the message queue, the key naming the job that owns the message
      // among them, is on one node.
      const keys = await cluster.keysByNode(`${config.queue.prefix}:*`);
      const holding = [...keys].filter(([, k]) => k.some((key) => key.includes(':{messages}:')));
      expect(holding).toHaveLength(1);
      expect(holding[0]![1]).toContain(`${config.queue.prefix}:{messages}:owner:${id}`);

      // Sent again (its 250 lost, say): the same job, no second record set.
      const again = await sendMessage(serve.port, message);
      expect(again).toMatchObject({ code: 250, text: `OK id=${id}` });
      await waitForIdleQueues(cluster.urls, config.queue.prefix);
      const receptions = (await readAllRecords(config.logs.dir)).filter(
        (r) => r.id === id && r.type === 'Reception',
      );
      expect(receptions).toHaveLength(1);
    } catch (err) {
      throw new Error(`${String(err)}\nworker stderr:\n${workerLog}`, { cause: err });
    } finally {
      worker.kill('SIGTERM');
      await workerExited;
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  }, 90_000);
});
