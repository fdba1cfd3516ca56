// Segment writer: JSON lines in files named YYYYMMDD-HHMMSS.ffffff (UTC), as KumoMTA
// names its log segments. A segment is closed when it reaches max_segment_bytes or
// max_segment_duration, and is made read-only when closed so consumers know it is
// complete.
//
// Writes are group-committed: the appends of one event-loop turn, and every append
// that arrives while a write is in flight, make one batch, and one write (plus one
// fdatasync when `fsync` is on) covers the whole batch. `append` resolves only once its records are on disk, which
// is what lets the SMTP edge answer 250 after the records are durable without paying
// one fsync per message.
import { randomUUID } from 'node:crypto';
import { promises as fs, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, OobdError, errorMessage } from '../errors';
import type { LogRecord } from './record';

export interface LogWriterOptions {
  /** Folder of the segments; created when missing. */
  dir: string;
  /** @defaultValue 1 GiB */
  maxSegmentBytes?: number;
  /** @defaultValue 10 minutes */
  maxSegmentDurationMs?: number;
  /** fdatasync each batch before resolving. @defaultValue false */
  fsync?: boolean;
}

interface Pending {
  data: string;
  count: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface Segment {
  name: string;
  path: string;
  handle: FileHandle;
  bytes: number;
  openedAt: number;
}

const NODEID_FILE = '.nodeid';

/** UTC `YYYYMMDD-HHMMSS.ffffff` for a time in microseconds. */
export function segmentName(micros: number): string {
  const date = new Date(Math.floor(micros / 1000));
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-` +
    `${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}.` +
    p(micros % 1_000_000, 6)
  );
}

/** Reads the node id kept in the log folder, creating it on first start. */
export async function loadNodeId(dir: string): Promise<string> {
  const file = join(dir, NODEID_FILE);
  try {
    const text = (await fs.readFile(file, 'utf8')).trim();
    if (/^[0-9a-f-]{36}$/i.test(text)) return text.toLowerCase();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = randomUUID();
  // Write then rename, so a crash never leaves a half-written id behind.
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${id}\n`);
  try {
    await fs.link(tmp, file);
  } catch (err) {
    // Another process (a worker sharing this folder) created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    await fs.unlink(tmp);
    return (await fs.readFile(file, 'utf8')).trim().toLowerCase();
  }
  await fs.unlink(tmp);
  return id;
}

export class LogWriter {
  readonly dir: string;
  readonly nodeid: string;
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly fsync: boolean;
  private pending: Pending[] = [];
  private segment: Segment | null = null;
  private flushing: Promise<void> | null = null;
  private flushScheduled = false;
  private ageTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private rotateRequested = false;
  private lastMicros = 0;
  /** Records written since start, for /metrics. */
  recordsWritten = 0;
  bytesWritten = 0;
  /** Writes (batches) since start: records per write is how well appends are grouped. */
  batchesWritten = 0;

  private constructor(opts: LogWriterOptions, nodeid: string) {
    this.dir = opts.dir;
    this.nodeid = nodeid;
    this.maxBytes = opts.maxSegmentBytes ?? 1024 ** 3;
    this.maxAgeMs = opts.maxSegmentDurationMs ?? 600_000;
    this.fsync = opts.fsync ?? false;
  }

  static async open(opts: LogWriterOptions): Promise<LogWriter> {
    try {
      await fs.mkdir(opts.dir, { recursive: true });
      return new LogWriter(opts, await loadNodeId(opts.dir));
    } catch (err) {
      throw new OobdError(
        ErrorCode.LogWriteFailed,
        `logs.dir ${opts.dir}: cannot use the log folder: ${errorMessage(err)}`,
        { cause: err },
      );
    }
  }

  /** Appends records; resolves once they are written (and synced when fsync is on). */
  append(records: ReadonlyArray<LogRecord>): Promise<void> {
    let data = '';
    for (const record of records) data += `${JSON.stringify(record)}\n`;
    return this.appendLines(data, records.length);
  }

  /**
   * Appends records serialised elsewhere (a pool thread): `lines` is `count` JSON
   * objects, each ending in a newline.
   */
  appendLines(lines: string, count: number): Promise<void> {
    if (count === 0) return Promise.resolve();
    if (this.closed) {
      return Promise.reject(new OobdError(ErrorCode.LogWriteFailed, 'log writer is closed'));
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ data: lines, count, resolve, reject });
      this.kick();
    });
  }

  /** Writes what is pending, closes the current segment (read-only) and refuses new appends. */
  async close(): Promise<void> {
    this.closed = true;
    await this.rotate();
  }

  /** Closes the current segment now (read-only); the next append opens a new one. */
  async rotate(): Promise<void> {
    this.rotateRequested = true;
    this.flush();
    while (this.flushing) await this.flushing;
  }

  /** Name of the segment being written, if any. */
  get currentSegment(): string | null {
    return this.segment?.path ?? null;
  }

  /**
   * Flushes at the end of this event-loop turn: the records of every message finished
   * in the turn (many, when the parse threads answer a busy server) go out in one
   * write instead of one write each.
   */
  private kick(): void {
    if (this.flushScheduled || this.flushing) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Starts the flush loop unless it runs; the loop is the only code that touches the segment. */
  private flush(): void {
    if (this.flushing || (this.pending.length === 0 && !this.rotateRequested)) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      if (this.pending.length > 0 || this.rotateRequested) this.kick();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.length > 0 || this.rotateRequested) {
      if (this.pending.length === 0) {
        this.rotateRequested = false;
        await this.closeSegment().catch(() => undefined);
        continue;
      }
      const batch = this.pending;
      this.pending = [];
      const buffer = Buffer.from(batch.map((p) => p.data).join(''), 'utf8');
      try {
        await this.writeBatch(buffer);
        let count = 0;
        for (const p of batch) count += p.count;
        this.recordsWritten += count;
        this.bytesWritten += buffer.length;
        this.batchesWritten++;
        for (const p of batch) p.resolve();
      } catch (err) {
        const failure = new OobdError(
          ErrorCode.LogWriteFailed,
          `writing ${this.segment?.path ?? this.dir} failed: ${errorMessage(err)}`,
          { cause: err },
        );
        // The segment may hold a partial line now; start a fresh one next time.
        await this.closeSegment().catch(() => undefined);
        for (const p of batch) p.reject(failure);
      }
    }
  }

  private async writeBatch(buffer: Buffer): Promise<void> {
    let segment = this.segment;
    if (
      segment &&
      (segment.bytes + buffer.length > this.maxBytes ||
        Date.now() - segment.openedAt >= this.maxAgeMs) &&
      segment.bytes > 0
    ) {
      await this.closeSegment();
      segment = null;
    }
    segment ??= await this.openSegment();
    if (this.fsync) {
      let offset = 0;
      while (offset < buffer.length) {
        const { bytesWritten } = await segment.handle.write(buffer, offset, buffer.length - offset);
        offset += bytesWritten;
      }
      segment.bytes += buffer.length;
      await segment.handle.datasync();
      return;
    }
    // Without fsync the write only copies into the page cache (microseconds), so it
    // is done right here: a round trip through libuv's thread pool would cost each
    // SMTP reply more than the write itself.
    let offset = 0;
    while (offset < buffer.length)
      offset += writeSync(segment.handle.fd, buffer, offset, buffer.length - offset);
    segment.bytes += buffer.length;
  }

  private async openSegment(): Promise<Segment> {
    for (;;) {
      const micros = Math.max(Date.now() * 1000, this.lastMicros + 1);
      this.lastMicros = micros;
      const name = segmentName(micros);
      const path = join(this.dir, name);
      try {
        // 'wx': never append to a segment another process (or an earlier run) owns.
        const handle = await fs.open(path, 'wx', 0o644);
        const segment: Segment = { name, path, handle, bytes: 0, openedAt: Date.now() };
        this.segment = segment;
        this.ageTimer = setTimeout(() => void this.rotate().catch(() => undefined), this.maxAgeMs);
        this.ageTimer.unref();
        return segment;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }

  private async closeSegment(): Promise<void> {
    const segment = this.segment;
    if (!segment) return;
    this.segment = null;
    if (this.ageTimer) clearTimeout(this.ageTimer);
    this.ageTimer = null;
    try {
      if (this.fsync) await segment.handle.datasync().catch(() => undefined);
      await segment.handle.close();
    } finally {
      // Read-only marks the segment complete for consumers (KumoMTA does the same).
      await fs.chmod(segment.path, 0o444).catch(() => undefined);
    }
  }
}
