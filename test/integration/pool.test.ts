// The parse + classify thread pool with real worker threads (from the dist/ build).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnalyzePool } from '../../src/pipeline/pool';
import { dsnMessage } from '../helpers/service';

const classifier = { cacheSize: 16, uncategorizedCacheSize: 16 };
const rules = [{ file: 'rules.toml', text: '[rules]\nInvalidRecipient = ["(?i)user unknown"]\n' }];

describe('analyze pool', () => {
  it('parses on a worker thread and returns the findings', async () => {
    const pool = new AnalyzePool({ size: 1, sources: rules, classifier });
    try {
      const result = await pool.analyze(Buffer.from(dsnMessage()));
      expect(result.problems).toBeDefined();
      expect(Array.isArray(result.findings)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('refuses work beyond back_pressure with OOBD_QUEUE_FULL', async () => {
    const pool = new AnalyzePool({ size: 1, sources: rules, classifier, backPressure: 3 });
    const raw = Buffer.from(dsnMessage());
    try {
      const accepted = [pool.analyze(raw), pool.analyze(raw), pool.analyze(raw)];
      await expect(pool.analyze(raw)).rejects.toMatchObject({ code: 'OOBD_QUEUE_FULL' });
      await Promise.all(accepted);
      await expect(pool.analyze(raw)).resolves.toBeDefined();
    } finally {
      await pool.close();
    }
  });

  it('fails only the message that overran the deadline and replaces its thread', async () => {
    const pool = new AnalyzePool({ size: 1, sources: rules, classifier, taskTimeoutMs: 1 });
    const huge = Buffer.concat(Array.from({ length: 40 }, () => readFileSync(join(__dirname, '../../package-lock.json'))));
    try {
      await expect(pool.analyze(huge)).rejects.toMatchObject({ code: 'OOBD_PROCESSING_FAILED' });
      expect(pool.crashes).toBe(1);
      expect(pool.size).toBe(1);
    } finally {
      await pool.close();
    }
    const healthy = new AnalyzePool({ size: 1, sources: rules, classifier });
    try {
      await expect(healthy.analyze(Buffer.from(dsnMessage()))).resolves.toBeDefined();
    } finally {
      await healthy.close();
    }
  });

  it('finishes queued work before it closes', async () => {
    const pool = new AnalyzePool({ size: 2, sources: rules, classifier });
    const raw = Buffer.from(dsnMessage());
    const pending = Array.from({ length: 20 }, () => pool.analyze(raw));
    await pool.close();
    await expect(Promise.all(pending)).resolves.toHaveLength(20);
    await expect(pool.analyze(raw)).rejects.toMatchObject({ code: 'OOBD_SHUTTING_DOWN' });
  });
});
