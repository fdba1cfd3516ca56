// Following a log folder: positions, new lines once, history never, finished segments.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  FolderTail,
  WATERMARK_GRACE_MS,
  decodePosition,
  encodePosition,
  type TailLine,
} from '../../../src/log/tail';
import { segmentName } from '../../../src/log/writer';
import { makeTempDir } from '../../helpers/tmp';

const A = '20240101-000000.000000';
const B = '20240101-000500.000000';

describe('folder positions', () => {
  it('encode and decode to the same position', () => {
    const position = { done: A, offsets: new Map([[B, 1234]]) };
    const text = encodePosition(position);
    expect(text).toBe(`p1~${A}~${B}:1234`);
    expect(decodePosition(text)).toEqual(position);
    expect(decodePosition('p1~')).toEqual({ done: '', offsets: new Map() });
  });

  it('decode anything else to null', () => {
    for (const bad of ['', 'p2~', 'p1', `p1~x~${B}:1`, `p1~~${B}:-1`, `p1~~${B}`, `p1~~../etc:1`])
      expect([bad, decodePosition(bad)]).toEqual([bad, null]);
  });
});

describe('FolderTail', () => {
  async function started(dir: string, now?: () => number) {
    const seen: Array<{ segment: string; line: TailLine }> = [];
    const tail = new FolderTail({
      dir,
      maxSegmentDurationMs: 600_000,
      pollMs: 60_000,
      onLines: (segment, lines) => lines.forEach((line) => seen.push({ segment, line })),
      ...(now ? { now } : {}),
    });
    const start = await tail.start();
    return { tail, seen, start };
  }

  it('passes each line written after the start once, never the history, and waits for a line to be complete', async () => {
    const dir = makeTempDir();
    const open = segmentName(Date.now() * 1000);
    await fs.writeFile(join(dir, open), '{"n":1}\n{"n":2');
    const { tail, seen, start } = await started(dir);
    try {
      expect(start.historyEnds.get(open)).toBe(8);
      await tail.settle();
      expect(seen).toEqual([]);
      await fs.appendFile(join(dir, open), '}\n{"n":3}\n');
      await tail.settle();
      expect(seen.map((s) => s.line)).toEqual([
        { text: '{"n":2}', start: 8, end: 16 },
        { text: '{"n":3}', start: 16, end: 24 },
      ]);
      const next = segmentName(Date.now() * 1000 + 1);
      await fs.writeFile(join(dir, next), '{"n":4}\n');
      await tail.settle();
      await tail.settle();
      expect(seen.map((s) => [s.segment, s.line.text])).toEqual([
        [open, '{"n":2}'],
        [open, '{"n":3}'],
        [next, '{"n":4}'],
      ]);
      expect(tail.position()).toEqual({
        done: '',
        offsets: new Map([
          [open, 24],
          [next, 8],
        ]),
      });
      expect(tail.positionAfter(open, 16)).toBe(`p1~~${open}:16~${next}:8`);
    } finally {
      await tail.stop();
    }
  });

  it('counts closed segments old enough as done, and retires a segment once it is closed and read', async () => {
    const dir = makeTempDir();
    let now = Date.UTC(2024, 0, 1, 1, 0, 0);
    await fs.writeFile(join(dir, A), '{"n":1}\n');
    await fs.chmod(join(dir, A), 0o444);
    const current = segmentName((now - 1000) * 1000);
    await fs.writeFile(join(dir, current), '{"n":2}\n');
    const { tail, seen, start } = await started(dir, () => now);
    try {
      expect(start.historyEnds.get(A)).toBe(Infinity);
      expect(tail.position()).toEqual({ done: A, offsets: new Map([[current, 8]]) });
      await fs.appendFile(join(dir, current), '{"n":3}\n');
      await fs.chmod(join(dir, current), 0o444);
      now += WATERMARK_GRACE_MS;
      await tail.settle();
      expect(seen.map((s) => s.line.text)).toEqual(['{"n":3}']);
      expect(tail.position()).toEqual({ done: current, offsets: new Map() });
    } finally {
      await tail.stop();
    }
  });

  it('takes the watch events of a burst of appends together, at most one look per minIntervalMs', async () => {
    const dir = makeTempDir();
    const name = segmentName(Date.now() * 1000);
    await fs.writeFile(join(dir, name), '');
    let looks = 0;
    const seen: string[] = [];
    const tail = new FolderTail({
      dir,
      maxSegmentDurationMs: 600_000,
      pollMs: 60_000,
      minIntervalMs: 5_000,
      onLines: (_segment, lines) => lines.forEach((line) => seen.push(line.text)),
      onListing: () => looks++,
    });
    await tail.start();
    try {
      await tail.settle();
      const after = looks;
      for (let n = 1; n <= 20; n++) await fs.appendFile(join(dir, name), `{"n":${n}}\n`);
      tail.kick();
      // Each append was a watch event; the look they call for waits out the interval.
      await new Promise((r) => setImmediate(r));
      expect(looks).toBe(after);
      await tail.settle();
      expect(looks).toBe(after + 1);
      expect(seen).toHaveLength(20);
    } finally {
      await tail.stop();
    }
  });

  it('notices a new line through fs.watch without waiting for the poll', async () => {
    const dir = makeTempDir();
    const name = segmentName(Date.now() * 1000);
    await fs.writeFile(join(dir, name), '');
    const { tail, seen } = await started(dir);
    try {
      await fs.appendFile(join(dir, name), '{"n":1}\n');
      // The poll is a minute away: only the watch can deliver this.
      for (let i = 0; i < 400 && seen.length === 0; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(seen.map((s) => s.line.text)).toEqual(['{"n":1}']);
    } finally {
      await tail.stop();
    }
  });
});
