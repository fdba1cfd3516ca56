import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { readRulesSources, RulesStore } from '../../../src/config/rules';
import { ErrorCode, OobdError } from '../../../src/errors';

/** A real pino logger whose JSON lines are kept for the test to read. */
function recordingLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('RulesStore', () => {
  let dir: string;
  let first: string;
  let second: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oobd-rules-'));
    first = join(dir, 'first.toml');
    second = join(dir, 'second.json');
    writeFileSync(first, '[rules]\nOld = ["(?i)mailbox full"]\n');
    writeFileSync(second, '{"rules": {"Fallback": ["^5"]}}');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the files in order and exposes their text for worker threads', () => {
    const { logger, lines } = recordingLogger();
    const store = new RulesStore({ files: [first, second], logger });
    const classifier = store.load();
    expect(classifier.classifyLine('552 Mailbox Full').label).toBe('Old');
    expect(classifier.classifyLine('550 other').label).toBe('Fallback');
    expect(store.sources.map((source) => source.file)).toEqual([first, second]);
    expect(store.sources[0]?.text).toContain('Old');
    expect(lines.at(-1)).toMatchObject({ msg: 'rules loaded', labels: 2, patterns: 2 });
  });

  it('refuses to start with a bad file, naming file, label and index', () => {
    writeFileSync(first, '[rules]\nOld = ["fine", "(?<!x)y"]\n');
    const store = new RulesStore({ files: [first], logger: recordingLogger().logger });
    let error: unknown;
    try {
      store.load();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OobdError);
    expect((error as OobdError).code).toBe(ErrorCode.RuleInvalid);
    expect((error as OobdError).message).toContain(`${first}: "Old"[1]`);
  });

  it('refuses to start when a file cannot be read', () => {
    const missing = join(dir, 'missing.toml');
    const store = new RulesStore({ files: [missing], logger: recordingLogger().logger });
    expect(() => store.load()).toThrow(expect.objectContaining({ code: ErrorCode.FileUnreadable }));
  });

  it('keeps the last good rules when a reload fails, and logs file, label and index', () => {
    const { logger, lines } = recordingLogger();
    const store = new RulesStore({ files: [first], logger });
    const before = store.load();
    const sourcesBefore = store.sources;

    writeFileSync(first, '[rules]\nNew = ["ok", "ok2", "broken("]\n');
    const result = store.reload();

    expect(result.reloaded).toBe(false);
    expect(!result.reloaded && result.error.code).toBe(ErrorCode.RuleInvalid);
    expect(store.classifier).toBe(before);
    expect(store.sources).toBe(sourcesBefore);
    expect(store.classifier.classifyLine('552 mailbox full').label).toBe('Old');
    expect(lines.at(-1)).toMatchObject({
      level: 50,
      msg: 'rules reload failed; keeping the last good rules',
      file: first,
      label: 'New',
      index: 2,
      pattern: 'broken(',
    });
  });

  it('keeps the last good rules when a file disappears', () => {
    const { logger, lines } = recordingLogger();
    const store = new RulesStore({ files: [first], logger });
    store.load();
    rmSync(first);
    const result = store.reload();
    expect(result.reloaded).toBe(false);
    expect(!result.reloaded && result.error.code).toBe(ErrorCode.FileUnreadable);
    expect(store.classifier.classifyLine('552 mailbox full').label).toBe('Old');
    expect(lines.at(-1)).toMatchObject({ level: 50, code: ErrorCode.FileUnreadable });
  });

  it('logs the recovery when a later reload succeeds, with empty caches', () => {
    const { logger, lines } = recordingLogger();
    const store = new RulesStore({
      files: [first],
      classifier: { cacheSize: 4, uncategorizedCacheSize: 4 },
      logger,
    });
    store.load().classifyLine('552 mailbox full');
    expect(store.classifier.stats().classified).toBe(1);

    writeFileSync(first, '[rules]\nNew = ["(a"]\n');
    store.reload();
    writeFileSync(first, '[rules]\nNew = ["(?i)mailbox full"]\n');
    const result = store.reload();

    expect(result).toEqual({ reloaded: true });
    expect(store.classifier.classifyLine('552 mailbox full').label).toBe('New');
    expect(store.classifier.stats()).toMatchObject({ classified: 1, hits: 0, misses: 1 });
    expect(lines.at(-1)).toMatchObject({
      level: 30,
      msg: 'rules reloaded; recovered from the previous failure',
      recovered: true,
    });

    store.reload();
    expect(lines.at(-1)).toMatchObject({ msg: 'rules reloaded' });
    expect(lines.at(-1)).not.toHaveProperty('recovered');
  });

  it('takes a new list of files on reload', () => {
    const store = new RulesStore({ files: [first], logger: recordingLogger().logger });
    store.load();
    expect(store.reload([second, first])).toEqual({ reloaded: true });
    expect(store.currentFiles).toEqual([second, first]);
    expect(store.classifier.classifyLine('552 mailbox full').label).toBe('Fallback');
  });
});

describe('readRulesSources', () => {
  it('names the file it cannot read', () => {
    expect(() => readRulesSources(['/nonexistent/oobd/rules.toml'])).toThrow(
      expect.objectContaining({
        code: ErrorCode.FileUnreadable,
        message: expect.stringContaining('/nonexistent/oobd/rules.toml: cannot read'),
      }),
    );
  });
});
