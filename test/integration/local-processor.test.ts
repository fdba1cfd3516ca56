// Parsing on the queue worker's own thread (pipeline/local.ts), against the pool
// threads it stands in for (the dist/ build, for the pool thread of large messages).
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { compileClassifier, type RulesSource } from '../../src/classify/index';
import { RulesStore } from '../../src/config/rules';
import { LocalProcessor, type LocalProcessorOptions } from '../../src/pipeline/local';
import { ProcessPool } from '../../src/pipeline/pool';
import type { ProcessInput, SerializedOutcome } from '../../src/pipeline/process';
import { silentLogger } from '../../src/logger';
import { reportJob } from '../helpers/jobs';
import { dsnMessage, makeTempDir } from '../helpers/service';

const nodeid = '11111111-2222-3333-4444-555555555555';
const classifier = { cacheSize: 16, uncategorizedCacheSize: 16 };
const sources: RulesSource[] = [
  { file: 'rules.toml', text: '[rules]\nInvalidRecipient = ["(?i)user unknown"]\n' },
];

function options(extra: Partial<LocalProcessorOptions> = {}): LocalProcessorOptions {
  return {
    rules: { classifier: compileClassifier(sources, classifier), sources },
    classifier,
    nodeid,
    ...extra,
  };
}

function input(raw: string, n = 0): ProcessInput {
  return reportJob(raw, n.toString(16).padStart(32, '0'));
}

/** The records of an outcome without the processing time, which differs from run to run. */
function records(outcome: SerializedOutcome): Array<Record<string, unknown>> {
  return outcome.lines
    .trimEnd()
    .split('\n')
    .map((line) => {
      const {
        timestamp: _t,
        event_time: _e,
        ...rest
      } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
}

/** A DSN whose body is padded to more than `bytes`. */
function largeDsn(bytes: number): string {
  return dsnMessage().replace(
    '--b1--',
    `--b1\r\nContent-Type: text/plain\r\n\r\n${'z'.repeat(bytes)}\r\n--b1--`,
  );
}

describe("processing on the worker's own thread", () => {
  it('gives the same outcome as a pool thread, without starting one', async () => {
    const local = new LocalProcessor(options());
    const pool = new ProcessPool({ size: 1, nodeid, sources, classifier });
    try {
      const message = dsnMessage().replace('user unknown', 'user unknown \u00e9\u00ff');
      const [here, there] = await Promise.all([
        local.process(input(message)),
        pool.process(input(message)),
      ]);
      expect(here.labels).toEqual(['InvalidRecipient']);
      expect({ ...here, lines: records(here) }).toEqual({ ...there, lines: records(there) });
      expect(local.size).toBe(0);
    } finally {
      await Promise.all([local.close(), pool.close()]);
    }
  });

  it('parses a message above maxLocalBytes on a parse thread it starts then', async () => {
    const local = new LocalProcessor(options({ maxLocalBytes: 4096 }));
    try {
      expect((await local.process(input(dsnMessage(), 1))).labels).toEqual(['InvalidRecipient']);
      expect(local.size).toBe(0);
      const large = await local.process(input(largeDsn(8192), 2));
      expect(large.labels).toEqual(['InvalidRecipient']);
      expect(local.size).toBe(1);
    } finally {
      await local.close();
    }
  });

  it('starts poolSize parse threads for messages above maxLocalBytes', async () => {
    const local = new LocalProcessor(options({ maxLocalBytes: 4096, poolSize: 2 }));
    try {
      expect((await local.process(input(largeDsn(8192), 1))).labels).toEqual(['InvalidRecipient']);
      expect(local.size).toBe(2);
    } finally {
      await local.close();
    }
  });

  it('lets other callbacks of the event loop run between two slices of waiting messages', async () => {
    // A slice of 0 ms ends after every message: what waits in the loop (another SMTP
    // session's command, say) runs before the next message is parsed.
    const local = new LocalProcessor(options({ sliceMs: 0 }));
    const order: string[] = [];
    try {
      const done = [1, 2, 3].map((n) =>
        local.process(input(dsnMessage(), n)).then(() => void order.push(`message ${n}`)),
      );
      setImmediate(() => order.push('other callback'));
      await Promise.all(done);
      expect(order).toEqual(['message 1', 'other callback', 'message 2', 'message 3']);
    } finally {
      await local.close();
    }
  });

  it('fails a message whose processing throws with OOBD_PROCESSING_FAILED, and goes on', async () => {
    let broken = true;
    const good = compileClassifier(sources, classifier);
    const local = new LocalProcessor({
      ...options(),
      rules: {
        sources,
        get classifier() {
          if (broken) throw new Error('no classifier');
          return good;
        },
      },
    });
    try {
      await expect(local.process(input(dsnMessage()))).rejects.toMatchObject({
        code: 'OOBD_PROCESSING_FAILED',
      });
      broken = false;
      await expect(local.process(input(dsnMessage(), 1))).resolves.toMatchObject({
        labels: ['InvalidRecipient'],
      });
    } finally {
      await local.close();
    }
  });

  it('refuses work beyond back_pressure with OOBD_QUEUE_FULL', async () => {
    const local = new LocalProcessor(options({ backPressure: 3 }));
    try {
      const accepted = [1, 2, 3].map((n) => local.process(input(dsnMessage(), n)));
      await expect(local.process(input(dsnMessage()))).rejects.toMatchObject({
        code: 'OOBD_QUEUE_FULL',
      });
      await Promise.all(accepted);
      await expect(local.process(input(dsnMessage()))).resolves.toBeDefined();
    } finally {
      await local.close();
    }
  });

  it('finishes waiting work before it closes, then refuses more', async () => {
    const local = new LocalProcessor(options());
    const pending = Array.from({ length: 20 }, (_, n) => local.process(input(dsnMessage(), n)));
    await local.close();
    await expect(Promise.all(pending)).resolves.toHaveLength(20);
    await expect(local.process(input(dsnMessage()))).rejects.toMatchObject({
      code: 'OOBD_SHUTTING_DOWN',
    });
  });

  it('uses the rules a reload brought, here and on its parse thread', async () => {
    const dir = makeTempDir();
    const file = join(dir, 'rules.toml');
    writeFileSync(file, sources[0]!.text);
    const rules = new RulesStore({ files: [file], classifier, logger: silentLogger() });
    rules.load();
    const local = new LocalProcessor({ rules, classifier, nodeid, maxLocalBytes: 4096 });
    try {
      // The parse thread is started before the reload, with the first rules.
      expect((await local.process(input(largeDsn(8192), 1))).labels).toEqual(['InvalidRecipient']);
      writeFileSync(file, '[rules]\nSomethingElse = ["(?i)user unknown"]\n');
      expect(rules.reload()).toEqual({ reloaded: true });
      local.reload(rules.sources);
      const [small, large] = await Promise.all([
        local.process(input(dsnMessage(), 2)),
        local.process(input(largeDsn(8192), 3)),
      ]);
      expect(small.labels).toEqual(['SomethingElse']);
      expect(large.labels).toEqual(['SomethingElse']);
    } finally {
      await local.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
