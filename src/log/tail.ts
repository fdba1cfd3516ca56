// Following a log folder as it is written, whoever writes it: serve's main thread, its
// worker threads and `oobd worker` processes sharing the folder each append to segments
// of their own. fs.watch (inotify on Linux) tells of a change at once; a poll every
// `pollMs` catches what a watch misses (network file systems, an overflowed inotify
// queue, a platform without it). Only complete lines are passed on: bytes after the last
// newline belong to a line still being written.
//
// A position in the folder is kept as the hooks keep their checkpoints (hooks/outbox.ts):
// every segment named up to `done` is read whole, each later segment up to its offset (0
// when not listed). It names a place in the files, so it means the same after a restart.
import { watch, promises as fs, type FSWatcher } from 'node:fs';
import { basename, join } from 'node:path';
import { isSegmentName, listSegments, readSegmentLines, segmentTimeMs } from './reader';

/** Where a reader of the folder has got to. */
export interface FolderPosition {
  /** Every segment whose name sorts at or before this is read whole ("" when none). */
  done: string;
  /** Later segments: bytes read (a segment not listed is read from 0). */
  offsets: Map<string, number>;
}

/** A complete line of a segment and where it lies. */
export interface TailLine {
  text: string;
  /** Byte offsets of the line: [start, end), end just past its newline. */
  start: number;
  end: number;
}

/** Extra age, beyond max_segment_duration, before a writable segment counts as abandoned (as the hooks' outbox). */
export const ABANDONED_GRACE_MS = 60_000;
/**
 * A finished segment joins `done` only once it is this old, so a segment another writer
 * named a moment earlier but created a moment later is never passed over.
 */
export const WATERMARK_GRACE_MS = 60_000;

const POSITION_VERSION = 'p1';
/** Most segments a position may list (a folder with more open segments is not sensible). */
const MAX_POSITION_SEGMENTS = 1000;

/**
 * `p1~<done>~<segment>:<offset>~...`, segments in name order: short enough for an SSE
 * `id:` and a Last-Event-ID header, with no character that needs escaping there.
 */
export function encodePosition(position: FolderPosition): string {
  const parts = [POSITION_VERSION, position.done];
  for (const name of [...position.offsets.keys()].sort())
    parts.push(`${name}:${position.offsets.get(name)}`);
  return parts.join('~');
}

/** The position `encodePosition` wrote; null for anything else (never throws). */
export function decodePosition(text: string): FolderPosition | null {
  if (text.length > 64 * MAX_POSITION_SEGMENTS) return null;
  const parts = text.split('~');
  if (parts[0] !== POSITION_VERSION || parts.length < 2) return null;
  const done = parts[1] ?? '';
  if (done !== '' && !isSegmentName(done)) return null;
  const offsets = new Map<string, number>();
  for (const part of parts.slice(2)) {
    const colon = part.indexOf(':');
    const name = part.slice(0, colon);
    const digits = part.slice(colon + 1);
    if (colon < 0 || !isSegmentName(name) || !/^\d{1,15}$/.test(digits)) return null;
    offsets.set(name, Number(digits));
  }
  return { done, offsets };
}

/** Whether a segment will not grow any more: closed by its writer (read-only) or abandoned. */
export function segmentFinished(
  mode: number,
  name: string,
  now: number,
  maxSegmentDurationMs: number,
): boolean {
  const age = now - (segmentTimeMs(name) ?? now);
  return (mode & 0o222) === 0 || age > maxSegmentDurationMs + ABANDONED_GRACE_MS;
}

export interface FolderTailOptions {
  dir: string;
  /** logs.max_segment_duration of the folder's writers (tells an abandoned segment from a growing one). */
  maxSegmentDurationMs: number;
  /** New complete lines of one segment, in file order. */
  onLines(segment: string, lines: ReadonlyArray<TailLine>): void;
  /** The segment names in the folder, after each look at it (to forget removed ones). */
  onListing?(names: ReadonlyArray<string>): void;
  /** A look at the folder failed (it is retried at the next poll). */
  onError?(err: unknown): void;
  /** @defaultValue 1000 */
  pollMs?: number;
  /**
   * Least time between the starts of two looks, in milliseconds. Every append to the
   * folder is a watch event; under load they come thousands a second, and a look (a
   * directory listing, a stat and a read per open segment) for each cost the writer's
   * event loop about a fifth of its CPU (serve with the web view, 20 SMTP sessions). So
   * events within this time are taken together in the next look.
   * @defaultValue 100
   */
  minIntervalMs?: number;
  /** Bytes read at a time; the tail yields to the event loop between reads. @defaultValue 128 KiB */
  chunkBytes?: number;
  /** For tests. @defaultValue Date.now */
  now?: () => number;
}

interface Tracked {
  name: string;
  path: string;
  offset: number;
  finished: boolean;
  /** Finished and read to its last complete line. */
  drained: boolean;
}

/** What the folder held when the tail started: the part of each segment that is history. */
export interface TailStart {
  /** Segment name → offset where its new lines start (Infinity: all of it is history). */
  historyEnds: Map<string, number>;
}

export class FolderTail {
  private readonly tracked = new Map<string, Tracked>();
  private done = '';
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** performance.now() when the last look started. */
  private lastLook = -Infinity;
  private readonly now: () => number;

  constructor(private readonly opts: FolderTailOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Takes the folder as it is now as history (nothing of it is passed to onLines), then
   * follows it: every complete line written from here on is passed once, in file order.
   */
  async start(): Promise<TailStart> {
    const historyEnds = new Map<string, number>();
    const now = this.now();
    let watermarkOpen = true;
    for (const path of await listSegments(this.opts.dir)) {
      const name = basename(path);
      let stat;
      try {
        stat = await fs.stat(path);
      } catch {
        continue;
      }
      const finished = segmentFinished(stat.mode, name, now, this.opts.maxSegmentDurationMs);
      const age = now - (segmentTimeMs(name) ?? now);
      if (watermarkOpen && finished && age >= WATERMARK_GRACE_MS) {
        this.done = name;
        historyEnds.set(name, Infinity);
        continue;
      }
      watermarkOpen = false;
      const offset = await lastLineEnd(path, stat.size);
      historyEnds.set(name, offset);
      this.tracked.set(name, { name, path, offset, finished, drained: false });
    }
    try {
      this.watcher = watch(this.opts.dir, { persistent: false }, () => this.kick());
      this.watcher.on('error', () => this.closeWatcher());
    } catch {
      // No inotify (limit reached, unsupported file system): the poll does the work.
      this.watcher = null;
    }
    this.schedulePoll();
    return { historyEnds };
  }

  /** Stops watching; a look at the folder in progress finishes without passing lines on. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.closeWatcher();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Where the tail has got to (a copy). */
  position(): FolderPosition {
    const offsets = new Map<string, number>();
    for (const t of this.tracked.values()) offsets.set(t.name, t.offset);
    return { done: this.done, offsets };
  }

  /**
   * The encoded position just after a line of `segment` ending at `end` that is being
   * passed to onLines (the tail's own offset for it moves after the call).
   */
  positionAfter(segment: string, end: number): string {
    const position = this.position();
    position.offsets.set(segment, end);
    return encodePosition(position);
  }

  /** Looks at the folder now (a watch event or a test); coalesces with a look in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.refreshLoop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once everything written so far has been passed on. */
  async settle(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.kick();
      this.schedulePoll();
    }, this.opts.pollMs ?? 1000);
    this.timer.unref();
  }

  private async refreshLoop(): Promise<void> {
    do {
      const wait = this.lastLook + (this.opts.minIntervalMs ?? 100) - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (this.stopped) return;
      this.again = false;
      this.lastLook = performance.now();
      try {
        await this.refresh();
      } catch (err) {
        this.opts.onError?.(err);
      }
    } while (this.again && !this.stopped);
  }

  private async refresh(): Promise<void> {
    const paths = await listSegments(this.opts.dir);
    const names = paths.map((p) => basename(p));
    this.opts.onListing?.(names);
    const present = new Set(names);
    for (const name of [...this.tracked.keys()]) if (!present.has(name)) this.tracked.delete(name);
    const now = this.now();
    for (const name of names) {
      if (name <= this.done || this.stopped) continue;
      let t = this.tracked.get(name);
      if (!t) {
        t = { name, path: join(this.opts.dir, name), offset: 0, finished: false, drained: false };
        this.tracked.set(name, t);
      }
      if (t.drained) continue;
      let stat;
      try {
        stat = await fs.stat(t.path);
      } catch {
        continue;
      }
      // Judged before reading: lines written after this stat are read at the next look.
      t.finished = segmentFinished(stat.mode, name, now, this.opts.maxSegmentDurationMs);
      await this.readNew(t);
    }
    this.advanceWatermark(now);
  }

  private async readNew(t: Tracked): Promise<void> {
    const chunkBytes = this.opts.chunkBytes ?? 128 * 1024;
    for (;;) {
      if (this.stopped) return;
      let chunk;
      try {
        chunk = await readSegmentLines(t.path, t.offset, chunkBytes);
      } catch {
        return;
      }
      if (chunk.lines.length === 0) {
        if (t.finished) t.drained = true;
        return;
      }
      const lines: TailLine[] = [];
      let start = t.offset;
      for (const line of chunk.lines) {
        lines.push({ text: line.text, start, end: line.end });
        start = line.end;
      }
      this.opts.onLines(t.name, lines);
      t.offset = start;
      // Another thread's SMTP replies wait on this event loop: one chunk per turn.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private advanceWatermark(now: number): void {
    for (const name of [...this.tracked.keys()].sort()) {
      const t = this.tracked.get(name)!;
      const age = now - (segmentTimeMs(name) ?? now);
      if (!t.drained || age < WATERMARK_GRACE_MS) break;
      this.done = name;
      this.tracked.delete(name);
    }
  }
}

/**
 * Offset just past the last newline among the first `size` bytes of a file (default:
 * all of it), 0 when there is none: where the complete lines of a segment that is
 * still being written end. Reads backwards in 64 KiB blocks.
 */
export async function lastLineEnd(path: string, size?: number): Promise<number> {
  const handle = await fs.open(path, 'r');
  try {
    size ??= (await handle.stat()).size;
    const buffer = Buffer.allocUnsafe(65536);
    let pos = size;
    while (pos > 0) {
      const from = Math.max(0, pos - buffer.length);
      const { bytesRead } = await handle.read(buffer, 0, pos - from, from);
      const nl = buffer.subarray(0, bytesRead).lastIndexOf(10);
      if (nl >= 0) return from + nl + 1;
      pos = from;
    }
    return 0;
  } finally {
    await handle.close();
  }
}
