// Reading segments back: for `oobd logs`, the hooks, the suppression list, the tests
// and anyone scripting against the log folder. Segments sort by name, which is their
// creation time.
import { createReadStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LogRecord } from './record';

const SEGMENT_NAME = /^\d{8}-\d{6}\.\d{6}$/;

export function isSegmentName(name: string): boolean {
  return SEGMENT_NAME.test(name);
}

/** Segment paths in the folder, oldest first. */
export async function listSegments(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter(isSegmentName)
    .sort()
    .map((name) => join(dir, name));
}

/** Parses a segment's text; a torn last line (a crash mid-write) is skipped, not fatal. */
export function parseSegment(text: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as LogRecord);
    } catch {
      // A partial line can only be the last one of a segment that was being written.
    }
  }
  return records;
}

/** Every record in the folder, oldest segment first. */
export async function readAllRecords(dir: string): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (const path of await listSegments(dir)) {
    out.push(...parseSegment(await fs.readFile(path, 'utf8')));
  }
  return out;
}

/**
 * When a segment was opened, in Unix milliseconds, from its name (`YYYYMMDD-HHMMSS.ffffff`,
 * UTC); null for a name that is not a segment's.
 */
export function segmentTimeMs(name: string): number | null {
  if (!isSegmentName(name)) return null;
  const n = (from: number, to: number) => Number(name.slice(from, to));
  return (
    Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(9, 11), n(11, 13), n(13, 15)) +
    Math.floor(n(16, 22) / 1000)
  );
}

/** One complete line of a segment: its text (without the newline) and the byte offset after it. */
export interface SegmentLine {
  text: string;
  /** Byte offset just past this line's newline. */
  end: number;
}

export interface SegmentChunk {
  /** Complete lines from the offset on, in order. */
  lines: SegmentLine[];
  /** The segment's size when it was read. */
  size: number;
}

/**
 * Complete lines of a segment from byte `offset`, about `maxBytes` of them (more when one
 * line is longer: a line is never cut). Bytes after the last newline (a line still being
 * written, or torn by a crash) are left for the caller to judge with `size`.
 */
export async function readSegmentLines(
  path: string,
  offset: number,
  maxBytes: number,
): Promise<SegmentChunk> {
  const handle = await fs.open(path, 'r');
  try {
    const { size } = await handle.stat();
    const lines: SegmentLine[] = [];
    let want = Math.max(1, maxBytes);
    while (offset < size) {
      const length = Math.min(want, size - offset);
      const buffer = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await handle.read(buffer, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      let start = 0;
      for (let nl = buffer.indexOf(10, 0); nl >= 0 && nl < got; nl = buffer.indexOf(10, start)) {
        lines.push({ text: buffer.toString('utf8', start, nl), end: offset + nl + 1 });
        start = nl + 1;
      }
      if (lines.length > 0 || got < length || offset + got >= size) break;
      // One line longer than the window: read a wider one.
      want *= 2;
    }
    return { lines, size };
  } finally {
    await handle.close();
  }
}

const TYPE_PREFIX = '{"type":"';

/**
 * The `type` a record line starts with (makeRecord writes it first), without parsing
 * the line; null when the line does not start that way.
 */
export function leadingType(line: string): string | null {
  if (!line.startsWith(TYPE_PREFIX)) return null;
  const end = line.indexOf('"', TYPE_PREFIX.length);
  return end < 0 || end - TYPE_PREFIX.length > 32 ? null : line.slice(TYPE_PREFIX.length, end);
}

export interface StreamOptions {
  /** Only records of these types; other lines are passed over without being parsed. */
  types?: ReadonlySet<string>;
  /** A line that is not JSON (the torn last line of a segment whose writer crashed); skipped when absent. */
  onBadLine?: (line: string, path: string) => void;
}

/** The records of one segment, read as a stream (constant memory, whatever its size). */
export async function* streamSegmentRecords(
  path: string,
  opts: StreamOptions = {},
): AsyncGenerator<LogRecord> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  const types = opts.types;
  for await (const line of lines) {
    if (types !== undefined) {
      const type = leadingType(line);
      if (type !== null && !types.has(type)) continue;
    }
    if (line.trim() === '') continue;
    let record: LogRecord;
    try {
      record = JSON.parse(line) as LogRecord;
    } catch {
      opts.onBadLine?.(line, path);
      continue;
    }
    if (types !== undefined && !types.has(record.type)) continue;
    yield record;
  }
}

/** Every record of the folders' segments, folder by folder, each oldest segment first. */
export async function* streamFolderRecords(
  dirs: ReadonlyArray<string>,
  opts: StreamOptions = {},
): AsyncGenerator<LogRecord> {
  for (const dir of dirs) {
    for (const path of await listSegments(dir)) yield* streamSegmentRecords(path, opts);
  }
}

/** A byte range of a file: [start, end). */
export interface ByteRange {
  start: number;
  end: number;
}

/** Ranges closer than this are read as one block (one read instead of two, a few KB more). */
const COALESCE_GAP = 64 * 1024;

/**
 * The text of each byte range of a file (lines a caller located before, e.g. from an
 * index), in the order given, with one open and as few positional reads as the ranges
 * allow (neighbouring ranges are read as one block). A range that reaches past the end
 * of the file (the file was replaced) comes back short; a missing file throws.
 */
export async function readRanges(
  path: string,
  ranges: ReadonlyArray<ByteRange>,
): Promise<string[]> {
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a]!.start - ranges[b]!.start);
  const out: string[] = new Array<string>(ranges.length).fill('');
  const handle = await fs.open(path, 'r');
  try {
    let k = 0;
    while (k < order.length) {
      const first = ranges[order[k]!]!;
      let end = first.end;
      let last = k;
      while (last + 1 < order.length && ranges[order[last + 1]!]!.start - end < COALESCE_GAP) {
        last++;
        end = Math.max(end, ranges[order[last]!]!.end);
      }
      const block = Buffer.allocUnsafe(Math.max(0, end - first.start));
      let got = 0;
      while (got < block.length) {
        const { bytesRead } = await handle.read(block, got, block.length - got, first.start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      for (; k <= last; k++) {
        const r = ranges[order[k]!]!;
        const from = Math.min(got, r.start - first.start);
        out[order[k]!] = block.toString(
          'utf8',
          from,
          Math.min(got, Math.max(from, r.end - first.start)),
        );
      }
    }
    return out;
  } finally {
    await handle.close();
  }
}
