// Reading log segments from several folders (a server's and its workers') as one
// stream in reception order: the order of `created`, which is what `oobd logs
// --since/--until` filter on. Each segment is append-only and written by one process,
// so its records are nearly in reception order already; the segments are merged
// with a heap, k-way, the way `sort -m` merges sorted files. A segment joins the merge
// when the merge reaches the reception time of its first record (a worker may write
// records long after they were received, so the time in a segment's name is no
// guide). Memory stays bounded: a segment is read a chunk at a time, and a file is
// open only while a chunk is read.
import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { LogRecord } from './record';
import { listSegments } from './reader';

/** Milliseconds of a record's reception (`created_time`, else `created` seconds). */
export function createdMs(record: LogRecord): number {
  const ms = typeof record.created_time === 'string' ? Date.parse(record.created_time) : NaN;
  return Number.isFinite(ms) ? ms : record.created * 1000;
}

/** Unix milliseconds of a segment name `YYYYMMDD-HHMMSS.ffffff` (UTC). */
export function segmentStartMs(path: string): number {
  const name = basename(path);
  const iso =
    `${name.slice(0, 4)}-${name.slice(4, 6)}-${name.slice(6, 8)}T` +
    `${name.slice(9, 11)}:${name.slice(11, 13)}:${name.slice(13, 15)}.${name.slice(16, 19)}Z`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : 0;
}

/** One record line read from a segment. */
export interface SegmentEntry {
  line: string;
  record: LogRecord;
  /** Sort key: `createdMs(record)`. */
  key: number;
}

const CHUNK = 256 * 1024;

/**
 * Complete lines of one segment from a byte offset. A last line without its newline
 * (being written right now) is left for the next read, so `offset` always stands
 * after a complete line: `oobd logs --follow` goes on from there.
 */
export class SegmentCursor {
  private rest: Buffer = Buffer.alloc(0);

  constructor(
    readonly path: string,
    /** Bytes of complete lines consumed so far. */
    public offset = 0,
  ) {}

  /** The next complete lines (at least one unless the end is reached), or [] at the end. */
  async next(chunk = CHUNK): Promise<string[]> {
    const handle = await fs.open(this.path, 'r');
    try {
      for (;;) {
        const buffer = Buffer.allocUnsafe(chunk);
        const position = this.offset + this.rest.length;
        const { bytesRead } = await handle.read(buffer, 0, chunk, position);
        if (bytesRead === 0) {
          this.rest = Buffer.alloc(0);
          return [];
        }
        const data = this.rest.length
          ? Buffer.concat([this.rest, buffer.subarray(0, bytesRead)])
          : buffer.subarray(0, bytesRead);
        const last = data.lastIndexOf(0x0a);
        if (last < 0) {
          this.rest = Buffer.from(data);
          continue;
        }
        this.rest = Buffer.alloc(0);
        this.offset += last + 1;
        return data.toString('utf8', 0, last).split('\n');
      }
    } finally {
      await handle.close();
    }
  }
}

/** Reception time of a segment's first record (Unix ms), or null when it has none. */
async function firstKey(path: string): Promise<number | null> {
  const cursor = new SegmentCursor(path);
  for (let lines = await cursor.next(16 * 1024); lines.length > 0; lines = await cursor.next()) {
    for (const line of lines) {
      const record = parseLine(line);
      if (record) return createdMs(record);
    }
  }
  return null;
}

/** Parses a line; null for a blank or torn one (a crash mid-write). */
export function parseLine(line: string): LogRecord | null {
  if (line.trim() === '') return null;
  try {
    return JSON.parse(line) as LogRecord;
  } catch {
    return null;
  }
}

interface Source {
  cursor: SegmentCursor;
  /** Order of the segment among all (name time, then folder order): breaks ties. */
  rank: number;
  /** Reception time of its first record: when the merge takes the segment in. */
  startMs: number;
  queue: SegmentEntry[];
  head: number;
}

/** Binary min-heap of sources by their head entry's key, then rank. */
class SourceHeap {
  private readonly items: Source[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Source | undefined {
    return this.items[0];
  }

  private less(a: Source, b: Source): boolean {
    const ka = a.queue[a.head]!.key;
    const kb = b.queue[b.head]!.key;
    return ka < kb || (ka === kb && a.rank < b.rank);
  }

  push(source: Source): void {
    const items = this.items;
    items.push(source);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): Source | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < items.length && this.less(items[l]!, items[min]!)) min = l;
        if (r < items.length && this.less(items[r]!, items[min]!)) min = r;
        if (min === i) break;
        [items[i], items[min]] = [items[min]!, items[i]!];
        i = min;
      }
    }
    return top;
  }
}

/** Every segment of the folders, in the order the merge opens them. */
export async function listAllSegments(dirs: readonly string[]): Promise<string[]> {
  const all: Array<{ path: string; startMs: number; folder: number }> = [];
  for (const [folder, dir] of dirs.entries()) {
    for (const path of await listSegments(dir)) {
      all.push({ path, startMs: segmentStartMs(path), folder });
    }
  }
  all.sort((a, b) => a.startMs - b.startMs || a.folder - b.folder || (a.path < b.path ? -1 : 1));
  return all.map((s) => s.path);
}

/**
 * The records of the segments that pass `keep`, in reception order, merged across
 * segments and folders. `onDone` gets each segment's offset after its last complete
 * line (for following it afterwards).
 */
export async function* mergeSegments(
  paths: readonly string[],
  keep: (record: LogRecord) => boolean,
  onDone: (path: string, offset: number) => void = () => undefined,
): AsyncGenerator<SegmentEntry> {
  const pending: Source[] = [];
  for (const [rank, path] of paths.entries()) {
    const startMs = await firstKey(path).catch(() => null);
    if (startMs !== null) {
      pending.push({ cursor: new SegmentCursor(path), rank, startMs, queue: [], head: 0 });
    } else {
      onDone(path, 0);
    }
  }
  pending.sort((a, b) => a.startMs - b.startMs || a.rank - b.rank);
  const heap = new SourceHeap();
  let next = 0;

  /** Reads the source's next entries that pass `keep`; false at its end. */
  const fill = async (source: Source): Promise<boolean> => {
    source.queue = [];
    source.head = 0;
    while (source.queue.length === 0) {
      const lines = await source.cursor.next().catch(() => []);
      if (lines.length === 0) {
        onDone(source.cursor.path, source.cursor.offset);
        return false;
      }
      for (const line of lines) {
        const record = parseLine(line);
        if (record && keep(record)) source.queue.push({ line, record, key: createdMs(record) });
      }
    }
    // Stable: records of the same instant keep their written order.
    source.queue.sort((a, b) => a.key - b.key);
    return true;
  };

  for (;;) {
    // Open the next segments the merge has reached.
    while (next < pending.length) {
      const top = heap.peek();
      const candidate = pending[next]!;
      if (top && candidate.startMs > top.queue[top.head]!.key) break;
      next++;
      if (await fill(candidate)) heap.push(candidate);
    }
    const source = heap.pop();
    if (!source) {
      if (next >= pending.length) return;
      continue;
    }
    yield source.queue[source.head]!;
    source.head++;
    if (source.head < source.queue.length || (await fill(source))) heap.push(source);
  }
}
