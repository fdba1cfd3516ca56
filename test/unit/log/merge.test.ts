import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SegmentCursor, listAllSegments, mergeSegments } from '../../../src/log/merge';
import { makeTempDir } from '../../helpers/tmp';

const line = (n: number, createdMs: number) =>
  `${JSON.stringify({ type: 'Reception', n, created: Math.floor(createdMs / 1000), created_time: new Date(createdMs).toISOString() })}\n`;

describe('merging log segments', () => {
  it('leaves a line still being written for the next read', async () => {
    const dir = makeTempDir();
    const path = join(dir, '20240101-000000.000000');
    writeFileSync(path, `${line(1, 1000)}{"type":"Rec`);
    const cursor = new SegmentCursor(path);
    expect((await cursor.next()).map((l) => JSON.parse(l).n)).toEqual([1]);
    expect(await cursor.next()).toEqual([]);
    const offset = cursor.offset;
    appendFileSync(path, `eption","n":2,"created":2}\n`);
    const later = new SegmentCursor(path, offset);
    expect((await later.next()).map((l) => JSON.parse(l).n)).toEqual([2]);
  });

  it('puts a later-named segment holding earlier receptions in its place', async () => {
    const a = makeTempDir();
    const b = makeTempDir();
    // b's segment was opened an hour after a's, but holds messages received in between.
    writeFileSync(join(a, '20240101-100000.000000'), line(1, 1000) + line(3, 3000) + line(5, 5000));
    writeFileSync(join(b, '20240101-110000.000000'), line(2, 2000) + line(4, 4000) + line(6, 6000));
    writeFileSync(join(b, '20240101-120000.000000'), '');
    const offsets = new Map<string, number>();
    const seen: number[] = [];
    for await (const entry of mergeSegments(
      await listAllSegments([a, b]),
      () => true,
      (path, offset) => offsets.set(path, offset),
    )) {
      seen.push((entry.record as unknown as { n: number }).n);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...offsets.values()].sort((x, y) => x - y)).toEqual([
      0,
      line(1, 1000).length * 3,
      line(2, 2000).length * 3,
    ]);
  });
});
