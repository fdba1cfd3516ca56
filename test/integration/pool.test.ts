// The processing pool with real worker threads (from the dist/ build).
import { ProcessPool, type PoolOptions } from '../../src/pipeline/pool';
import { STRING_WIRE_MAX, wireBytes } from '../../src/pipeline/pool-protocol';
import type { ProcessInput } from '../../src/pipeline/process';
import { reportJob } from '../helpers/jobs';
import { dsnMessage } from '../helpers/service';

const base: PoolOptions = {
  size: 1,
  nodeid: '11111111-2222-3333-4444-555555555555',
  sources: [{ file: 'rules.toml', text: '[rules]\nInvalidRecipient = ["(?i)user unknown"]\n' }],
  classifier: { cacheSize: 16, uncategorizedCacheSize: 16 },
};

function input(raw: string | Buffer, n = 0): ProcessInput {
  return reportJob(raw, n.toString(16).padStart(32, '0'));
}

/**
 * 16 MB of text in 1,000 parts and no report: the parse walks the message and then
 * decodes every text part for the non-RFC parsers, so it holds twice the message.
 * (A report of the same size needs its text parts decoded by no parser, and whether
 * its walk alone fits a 16 MB heap turns on what else the thread has loaded.)
 */
function heapHog(): Buffer {
  const parts = Array.from(
    { length: 1000 },
    (_, i) => `--b1\r\nContent-Type: text/plain\r\n\r\n${'z'.repeat(16_000)} ${i}\r\n`,
  );
  return Buffer.from(
    `From: a@sender.example\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n${parts.join('')}--b1--\r\n`,
  );
}

describe('processing pool', () => {
  it('parses, classifies and serialises the records on a thread', async () => {
    const pool = new ProcessPool(base);
    try {
      const outcome = await pool.process(input(dsnMessage()));
      expect(outcome.kind).toBe('dsn');
      expect(outcome.types).toEqual(['Reception', 'OOB']);
      expect(outcome.labels).toEqual(['InvalidRecipient']);
      const [reception, oob] = outcome.lines
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(reception).toMatchObject({
        type: 'Reception',
        nodeid: base.nodeid,
        peer_address: { name: 'mx.remote.example', addr: '192.0.2.9' },
      });
      expect(oob).toMatchObject({
        type: 'OOB',
        sender: 'b@bounce.example.com',
        recipient: 'nobody@remote.example',
      });
    } finally {
      await pool.close();
    }
  });

  it('gives the same records for a message sent as a string and one sent as bytes', async () => {
    const pool = new ProcessPool(base);
    try {
      // Over STRING_WIRE_MAX the message travels as bytes; 8-bit octets must survive both.
      const small = dsnMessage().replace('user unknown', 'user unknown \u00e9\u00ff');
      const large = small.replace(
        '--b1--',
        `--b1\r\nContent-Type: text/plain\r\n\r\n${'z'.repeat(STRING_WIRE_MAX)}\r\n--b1--`,
      );
      expect(typeof wireBytes(Buffer.from(small))).toBe('string');
      expect(typeof wireBytes(Buffer.from(large))).not.toBe('string');
      const [a, b] = await Promise.all([pool.process(input(small)), pool.process(input(large))]);
      const oob = (lines: string) =>
        JSON.parse(lines.trimEnd().split('\n')[1] ?? '') as Record<string, unknown>;
      expect(b.labels).toEqual(a.labels);
      expect(oob(b.lines).response).toEqual(oob(a.lines).response);
      expect(JSON.stringify(oob(a.lines).response)).toContain('user unknown \u00e9\u00ff');
    } finally {
      await pool.close();
    }
  });

  it('refuses work beyond back_pressure with OOBD_QUEUE_FULL', async () => {
    const pool = new ProcessPool({ ...base, backPressure: 3 });
    try {
      const accepted = [1, 2, 3].map((n) => pool.process(input(dsnMessage(), n)));
      await expect(pool.process(input(dsnMessage()))).rejects.toMatchObject({
        code: 'OOBD_QUEUE_FULL',
      });
      await Promise.all(accepted);
      await expect(pool.process(input(dsnMessage()))).resolves.toBeDefined();
    } finally {
      await pool.close();
    }
  });

  it('fails the message that overran the deadline and replaces its thread', async () => {
    // Long enough for a cold thread's first message on a loaded machine (20 ms was not);
    // the test blocks past it below, so its length costs only that wait.
    const deadline = 1000;
    // One thread: the one that answered the first message gets the second.
    const pool = new ProcessPool({ ...base, size: 1, taskTimeoutMs: deadline });
    try {
      // A ready thread arms the deadline when the message is dispatched. Should even the
      // warm-up overrun it, its thread is replaced and the warm-up tried again.
      let warm = false;
      for (let attempt = 0; attempt < 5 && !warm; attempt++)
        warm = await pool.process(input(dsnMessage(), 1)).then(
          () => true,
          () => false,
        );
      expect(warm).toBe(true);
      const crashesBefore = pool.crashes;
      const late = pool.process(input(dsnMessage(), 2));
      // Once the dispatch (a setImmediate) has run, block this thread past the deadline:
      // the loop then runs its timers before it reads the thread's answer (libuv runs
      // timers before polling for I/O), so the deadline wins whatever the machine's speed.
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, deadline * 1.5);
          resolve();
        }),
      );
      await expect(late).rejects.toMatchObject({
        code: 'OOBD_PROCESSING_FAILED',
        message: expect.stringContaining(`no result within ${deadline} ms`) as unknown,
      });
      expect(pool.crashes).toBe(crashesBefore + 1);
      expect(pool.size).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it("fails only the message that exhausted its thread's heap; the others it held finish on a new thread", async () => {
    // 16 MB of message cannot be parsed in a 16 MB heap, whatever the machine's speed
    // (a deadline short enough to catch a big message also catches a small one on a
    // loaded machine). A thread that dies and one that times out take the same path.
    const pool = new ProcessPool({ ...base, maxHeapMb: 16, depth: 8 });
    try {
      const culprit = pool.process(input(heapHog(), 1));
      const rest = [2, 3, 4, 5].map((n) => pool.process(input(dsnMessage(), n)));
      await expect(culprit).rejects.toMatchObject({
        code: 'OOBD_PROCESSING_FAILED',
        message: expect.stringContaining('memory limit') as unknown,
      });
      const outcomes = await Promise.all(rest);
      expect(outcomes.map((o) => o.kind)).toEqual(['dsn', 'dsn', 'dsn', 'dsn']);
      expect(pool.crashes).toBe(1);
      expect(pool.size).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('finishes queued work before it closes, then refuses more', async () => {
    const pool = new ProcessPool({ ...base, size: 2 });
    const pending = Array.from({ length: 20 }, (_, n) => pool.process(input(dsnMessage(), n)));
    await pool.close();
    await expect(Promise.all(pending)).resolves.toHaveLength(20);
    await expect(pool.process(input(dsnMessage()))).rejects.toMatchObject({
      code: 'OOBD_SHUTTING_DOWN',
    });
  });

  it('uses the new rules after a reload', async () => {
    const pool = new ProcessPool(base);
    try {
      pool.reload([{ file: 'r2.toml', text: '[rules]\nSomethingElse = ["(?i)user unknown"]\n' }]);
      const outcome = await pool.process(input(dsnMessage()));
      expect(outcome.labels).toEqual(['SomethingElse']);
    } finally {
      await pool.close();
    }
  });
});

describe('what the pool sends to a thread', () => {
  it('is a small message as a Latin-1 string that gives back every byte', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const wire = wireBytes(bytes);
    expect(typeof wire).toBe('string');
    expect(Buffer.from(wire as string, 'latin1').equals(bytes)).toBe(true);
  });

  it('is a large message as bytes of its own, not the buffer it is a view into', () => {
    const big = Buffer.alloc(STRING_WIRE_MAX + 3, 0x41);
    const view = big.subarray(1, STRING_WIRE_MAX + 2);
    const wire = wireBytes(view);
    expect(typeof wire).not.toBe('string');
    const bytes = wire as Uint8Array;
    expect(bytes.buffer.byteLength).toBe(view.length);
    expect(Buffer.from(bytes).equals(view)).toBe(true);
    const exact = new Uint8Array(STRING_WIRE_MAX + 1);
    expect(wireBytes(exact)).toBe(exact);
  });
});
