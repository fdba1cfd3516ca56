// The parse threads of `oobd parse` (the build in dist/, as `oobd parse` runs them):
// a batch handed to a thread comes back as the lines the main thread makes for it.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileClassifier } from '../../src/classify/index';
import { readRulesSources } from '../../src/config/rules';
import { outputLines, type BatchOutput } from '../../src/cli/parse-output';
import { ParseThreads } from '../../src/cli/parse-threads';
import {
  listInput,
  moreFilesThan,
  readBatchesWithStdin,
  type ReadBatch,
} from '../../src/cli/read-ahead';
import { messagesOf, notAMessage } from '../../src/cli/sources';
import { parseModeRecords, type ParseModeSettings } from '../../src/pipeline/parse-mode';
import { makeTempDir, ROOT, shippedRules } from '../helpers/service';

// Settings other than the defaults, so a thread that dropped them would print other lines.
const SETTINGS: ParseModeSettings = {
  to: 'bounce-77-jane=example.com@bounce.example.net',
  from: 'fbl@provider.example',
  verp: 'bounce-{id}-{local}={domain}@',
  parse: { traceHeaders: ['Kumo-Trace'] },
};

function batchOf(files: string[]): ReadBatch {
  const raws = files.map((f) => readFileSync(f));
  const buffer = new ArrayBuffer(raws.reduce((n, r) => n + r.length, 0));
  const view = new Uint8Array(buffer);
  let at = 0;
  const items = raws.map((raw, i) => {
    view.set(raw, at);
    at += raw.length;
    return { file: files[i]!, start: at - raw.length, end: at };
  });
  return { items, errors: [], buffer, done: false };
}

describe('oobd parse threads', () => {
  it('turn a batch of files into the same lines as the main thread, naming the file that holds no message', async () => {
    const sources = readRulesSources(shippedRules());
    const classifierOptions = { cacheSize: 64, uncategorizedCacheSize: 64 };
    const now = new Date('2025-01-02T03:04:05.678Z');
    const files = [
      'rfc3464/kumomta-1.eml',
      'rfc3464/LICENSE-sisimai',
      'rfc5965/kumomta-1.eml',
      'mbox/sisimai-mbox-1',
    ].map((f) => join(ROOT, 'fixtures', f));
    const classifier = compileClassifier(sources, classifierOptions);
    let expected = '';
    for (const file of files) {
      const raw = readFileSync(file);
      for (const message of messagesOf(file, raw))
        expected += outputLines(
          message,
          parseModeRecords(message.raw, classifier, SETTINGS, now),
          true,
        );
    }
    const threads = ParseThreads.start(1, {
      sources: [...sources],
      classifier: classifierOptions,
      settings: SETTINGS,
      now: now.getTime(),
      problems: true,
    });
    try {
      let arriving: Promise<BatchOutput> | null = null;
      const batch = batchOf(files);
      // The thread takes work once it has compiled its rules.
      for (let i = 0; i < 600 && arriving === null; i++) {
        arriving = threads.take(batch);
        if (arriving === null) await new Promise((r) => setTimeout(r, 50));
      }
      expect(arriving).not.toBeNull();
      expect(batch.buffer.byteLength).toBe(0); // moved to the thread
      expect(await arriving).toEqual({
        text: expected,
        notes: [`${files[1]}: ${notAMessage(readFileSync(files[1]!))}`],
      });
      expect(notAMessage(readFileSync(files[1]!))).toMatch(/^not a mail message/);
    } finally {
      await threads.close();
    }
  }, 60_000);

  it('take nothing when none is asked for', () => {
    const threads = ParseThreads.start(0, {
      sources: [],
      classifier: { cacheSize: 1, uncategorizedCacheSize: 1 },
      settings: SETTINGS,
      now: 0,
      problems: false,
    });
    expect(threads.take(batchOf([join(ROOT, 'fixtures/rfc3464/kumomta-1.eml')]))).toBeNull();
    return threads.close();
  });
});

describe('oobd parse reading ahead', () => {
  it('keeps every batch the reading thread sent before the first one was asked for', async () => {
    // The thread starts when the reading is set up, and sends its first batches while
    // the command compiles its rules; none may be lost before the command iterates.
    const dir = makeTempDir();
    const names: string[] = [];
    for (let i = 0; i < 100; i++) {
      const name = join(dir, `${String(i).padStart(3, '0')}.eml`);
      copyFileSync(join(ROOT, 'fixtures/rfc3464/kumomta-1.eml'), name);
      names.push(name);
    }
    const errors: { path: string; message: string }[] = [];
    const batches = readBatchesWithStdin([dir], errors, { batchFiles: 8, window: 4 });
    await new Promise((r) => setTimeout(r, 1000));
    const read: string[] = [];
    for await (const batch of batches) read.push(...batch.items.map((item) => item.file));
    expect(read).toEqual(names);
    expect(errors).toEqual([]);
  });

  it('tells an input of more files than a limit from one of as many, folders listed', () => {
    const dir = makeTempDir();
    for (let i = 0; i < 3; i++)
      copyFileSync(join(ROOT, 'fixtures/rfc3464/kumomta-1.eml'), join(dir, `${i}.eml`));
    expect(moreFilesThan([dir], 3)).toBe(false);
    expect(moreFilesThan([dir, '-'], 3)).toBe(false);
    expect(moreFilesThan([dir, join(ROOT, 'fixtures/rfc5965/kumomta-1.eml')], 3)).toBe(true);
    expect(moreFilesThan([join(dir, 'missing')], 0)).toBe(false);
  });

  it('lists an input once, and reads it, its listing errors where they stand, on either path', async () => {
    const dir = makeTempDir();
    const names = (folder: string, count: number) =>
      Array.from({ length: count }, (_, i) => {
        const name = join(folder, `${String(i).padStart(3, '0')}.eml`);
        copyFileSync(join(ROOT, 'fixtures/rfc3464/kumomta-1.eml'), name);
        return name;
      });
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    const first = names(join(dir, 'a'), 40);
    const second = names(join(dir, 'b'), 3);
    const missing = [join(dir, 'missing-1'), join(dir, 'missing-2')];
    for (const [paths, expected] of [
      // 43 files: more than a batch, so the reading thread reads them.
      [
        [join(dir, 'a'), missing[0], join(dir, 'b'), missing[1]],
        [...first, ...second],
      ],
      // 3 files: read here, in one batch.
      [[missing[0], join(dir, 'b'), missing[1]], second],
    ] as Array<[string[], string[]]>) {
      const listing = listInput(paths);
      expect(listing.files).toBe(expected.length);
      expect(moreFilesThan(listing, expected.length - 1)).toBe(true);
      expect(moreFilesThan(listing, expected.length)).toBe(false);
      const errors: { path: string; message: string }[] = [];
      const read: string[] = [];
      for await (const batch of readBatchesWithStdin(listing, errors, { batchFiles: 32 }))
        read.push(...batch.items.map((item) => item.file));
      expect(read).toEqual(expected);
      expect(errors.map((error) => error.path)).toEqual(missing);
    }
  });
});
