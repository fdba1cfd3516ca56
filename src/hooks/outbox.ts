// The log folder read as a hook's outbox: which records come next, which segments are
// finished, how far behind the hook is. The checkpoint (checkpoint.ts) is its state.
//
// A segment is finished when its writer closed it (read-only, writer.ts) or, for a
// segment left writable by a writer that was killed, once it is older than
// logs.max_segment_duration plus a grace period: a live writer never appends to a
// segment that old (it rotates by age before writing). Bytes after the last newline of
// a finished segment are a line torn by that crash; they are reported, never sent.
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import {
  isSegmentName,
  leadingType,
  listSegments,
  readSegmentLines,
  segmentTimeMs,
} from '../log/reader';
import { lastLineEnd } from '../log/tail';
import { matchesTrace, type TraceFilter, type TracedRecord } from '../log/trace-filter';
import type { Checkpoint } from './checkpoint';

/** Extra age, beyond max_segment_duration, before a writable segment counts as abandoned. */
export const ABANDONED_GRACE_MS = 60_000;
/**
 * A finished segment joins the watermark only once it is this old, so a segment another
 * writer named a moment earlier but created a moment later is never passed over.
 */
export const WATERMARK_GRACE_MS = 60_000;

/** Which records a hook sends. */
export interface RecordFilter {
  /**
   * Record types as written in the config; `MDN` stands for the Reception records that
   * carry an `mdn_report` (and the "MDN" records of earlier versions).
   */
  types: ReadonlySet<string>;
  /** Labels in lower case; applies to the record types in CLASSIFIED_TYPES; null: every label. */
  classes: ReadonlySet<string> | null;
  /** Trace values every record sent must carry (`trace = { campaign = "..." }`); empty: any. */
  trace?: TraceFilter;
}

/** Record types whose bounce_classification comes from the rules (the ones `classes` filters). */
export const CLASSIFIED_TYPES: ReadonlySet<string> = new Set(['OOB', 'Bounce', 'TransientFailure']);

/** True when a line of this (leading) type may match: worth parsing. */
export function typeWanted(type: string, filter: RecordFilter): boolean {
  return filter.types.has(type) || (type === 'Reception' && filter.types.has('MDN'));
}

export function recordMatches(
  record: TracedRecord & { bounce_classification?: unknown; mdn_report?: unknown },
  filter: RecordFilter,
): boolean {
  if (typeof record.type !== 'string') return false;
  const mdn =
    filter.types.has('MDN') &&
    record.type === 'Reception' &&
    record.mdn_report !== undefined &&
    record.mdn_report !== null;
  if (!filter.types.has(record.type) && !mdn) return false;
  if (filter.trace !== undefined && !matchesTrace(record, filter.trace)) return false;
  if (filter.classes === null || !CLASSIFIED_TYPES.has(record.type)) return true;
  return (
    typeof record.bounce_classification === 'string' &&
    filter.classes.has(record.bounce_classification.toLowerCase())
  );
}

/**
 * Bytes read at a time while forming a batch (a line longer than this is read whole):
 * small enough that a batch decodes little more than the lines it takes.
 */
const READ_WINDOW = 65536;

/** Records to POST, all from one segment, and the byte range they (and the lines skipped among them) cover. */
export interface Batch {
  segment: string;
  /** Byte offset the batch starts at (the checkpoint's offset). */
  start: number;
  /** Byte offset after its last line: the checkpoint's offset once it is delivered. */
  end: number;
  /** The matching records, each exactly as written to the log (one JSON text each). */
  records: string[];
  /** Lines covered, sent or not (for the lag count). */
  lines: number;
  /** `id` of the first and last record sent. */
  firstId: string;
  lastId: string;
  /** Complete lines that are not JSON (damaged segment): skipped, reported. */
  invalid: number;
  /** A torn last line of a finished segment was skipped (its byte count). */
  tornBytes: number;
}

export interface OutboxOptions {
  dir: string;
  /** logs.max_segment_duration of the writers of this folder. */
  maxSegmentDurationMs: number;
  /** For tests. @defaultValue Date.now */
  now?: () => number;
  /** @defaultValue ABANDONED_GRACE_MS */
  abandonedGraceMs?: number;
  /** @defaultValue WATERMARK_GRACE_MS */
  watermarkGraceMs?: number;
}

interface SegmentState {
  name: string;
  path: string;
  offset: number;
  size: number;
  /** Closed by its writer, or abandoned: it will not grow any more. */
  finished: boolean;
  /** Lines between `offset` and `countedTo` (the lag in records). */
  pendingLines: number;
  countedTo: number;
}

/** What a segment that vanished before it was delivered held. */
export interface RemovedSegment {
  name: string;
  /** Bytes not delivered. */
  bytes: number;
  lines: number;
}

export class Outbox {
  private readonly states = new Map<string, SegmentState>();
  private readonly now: () => number;
  private readonly abandonedGraceMs: number;
  private readonly watermarkGraceMs: number;
  private lagCache: { key: string; created: number | null } | null = null;

  constructor(
    private readonly opts: OutboxOptions,
    readonly checkpoint: Checkpoint,
  ) {
    this.now = opts.now ?? Date.now;
    this.abandonedGraceMs = opts.abandonedGraceMs ?? ABANDONED_GRACE_MS;
    this.watermarkGraceMs = opts.watermarkGraceMs ?? WATERMARK_GRACE_MS;
  }

  /**
   * The checkpoint of a hook that has none: `oldest` starts before every segment;
   * `now` starts at the end of every complete line already written.
   */
  static async initialCheckpoint(
    dir: string,
    hook: string,
    startFrom: 'now' | 'oldest',
  ): Promise<Checkpoint> {
    const checkpoint: Checkpoint = {
      version: 1,
      hook,
      done_through: '',
      segments: {},
      updated: '',
    };
    if (startFrom === 'oldest') return checkpoint;
    for (const path of await listSegments(dir)) {
      const stat = await fs.stat(path);
      // A closed segment is passed whole (a torn line in it is history, not news).
      const end = (stat.mode & 0o222) === 0 ? stat.size : await lastLineEnd(path);
      if (end > 0) checkpoint.segments[basename(path)] = end;
    }
    return checkpoint;
  }

  /**
   * Re-reads the folder: new segments, growth, finished segments, lines to come. Returns
   * the segments that disappeared before they were delivered (removed by someone else).
   */
  async refresh(): Promise<RemovedSegment[]> {
    const paths = await listSegments(this.opts.dir);
    const present = new Set<string>();
    const now = this.now();
    for (const path of paths) {
      const name = basename(path);
      if (name <= this.checkpoint.done_through) continue;
      present.add(name);
      let state = this.states.get(name);
      if (state?.finished) continue;
      let stat;
      try {
        stat = await fs.stat(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      if (!state) {
        const offset = this.checkpoint.segments[name] ?? 0;
        state = {
          name,
          path,
          offset,
          size: stat.size,
          finished: false,
          pendingLines: 0,
          countedTo: offset,
        };
        this.states.set(name, state);
      }
      state.size = stat.size;
      const age = now - (segmentTimeMs(name) ?? now);
      state.finished =
        (stat.mode & 0o222) === 0 || age > this.opts.maxSegmentDurationMs + this.abandonedGraceMs;
      if (state.size > state.countedTo) {
        const { lines, end } = await countLines(state.path, state.countedTo, state.size);
        state.pendingLines += lines;
        state.countedTo = end;
      }
    }
    const removed: RemovedSegment[] = [];
    for (const [name, state] of this.states) {
      if (present.has(name)) continue;
      this.states.delete(name);
      delete this.checkpoint.segments[name];
      if (state.offset < state.size || state.pendingLines > 0)
        removed.push({ name, bytes: state.size - state.offset, lines: state.pendingLines });
    }
    this.advanceWatermark();
    return removed;
  }

  /** Segments in name order (the order records are sent in). */
  private ordered(): SegmentState[] {
    return [...this.states.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /**
   * The next batch: up to `batchSize` matching records (and `maxBytes` of body, though
   * one record always fits) from the first segment with unread lines. A batch can hold
   * no record at all (every line it covers was filtered out); it is then committed
   * without a POST. Null when nothing new was written.
   */
  async next(filter: RecordFilter, batchSize: number, maxBytes: number): Promise<Batch | null> {
    for (const state of this.ordered()) {
      if (state.offset >= state.size) continue;
      const batch: Batch = {
        segment: state.name,
        start: state.offset,
        end: state.offset,
        records: [],
        lines: 0,
        firstId: '',
        lastId: '',
        invalid: 0,
        tornBytes: 0,
      };
      let bodyBytes = 2;
      let full = false;
      // Lines filtered out still have to be read; a batch stops after this many bytes
      // so the checkpoint moves (and the loop yields) through a long stretch of them.
      const scanLimit = batch.start + Math.max(8 * maxBytes, 8 << 20);
      while (!full && batch.end < scanLimit) {
        const chunk = await readSegmentLines(state.path, batch.end, READ_WINDOW);
        if (chunk.lines.length === 0) {
          state.size = Math.max(state.size, chunk.size);
          if (state.finished && chunk.size > batch.end) {
            batch.tornBytes = chunk.size - batch.end;
            batch.end = chunk.size;
          }
          break;
        }
        for (const line of chunk.lines) {
          // makeRecord puts `type` first: a line of a type the hook does not want is
          // passed without parsing (Reception and Rejection records are half the log).
          const type = leadingType(line.text);
          if (type === null || typeWanted(type, filter)) {
            let record: TracedRecord & {
              id?: unknown;
              bounce_classification?: unknown;
              mdn_report?: unknown;
            };
            try {
              record = JSON.parse(line.text) as typeof record;
            } catch {
              record = {};
              if (line.text.trim() !== '') batch.invalid++;
            }
            if (recordMatches(record, filter)) {
              const bytes = line.end - batch.end;
              if (
                batch.records.length >= batchSize ||
                (batch.records.length > 0 && bodyBytes + bytes > maxBytes)
              ) {
                full = true;
                break;
              }
              bodyBytes += bytes;
              batch.records.push(line.text);
              const id = typeof record.id === 'string' ? record.id : '';
              if (batch.records.length === 1) batch.firstId = id;
              batch.lastId = id;
            }
          }
          batch.end = line.end;
          batch.lines++;
        }
      }
      if (batch.end > batch.start) return batch;
    }
    return null;
  }

  /** Moves the checkpoint (in memory) past a delivered batch. */
  commit(batch: Batch): void {
    const state = this.states.get(batch.segment);
    if (!state || batch.start !== state.offset) return;
    state.offset = batch.end;
    if (batch.end <= state.countedTo)
      state.pendingLines = Math.max(0, state.pendingLines - batch.lines);
    else {
      state.pendingLines = 0;
      state.countedTo = batch.end;
    }
    this.checkpoint.segments[batch.segment] = batch.end;
    this.lagCache = null;
    this.advanceWatermark();
  }

  /** Finished, delivered, old enough segments leave the map for the watermark. */
  private advanceWatermark(): void {
    const now = this.now();
    for (const state of this.ordered()) {
      const age = now - (segmentTimeMs(state.name) ?? now);
      if (!state.finished || state.offset < state.size || age < this.watermarkGraceMs) break;
      this.checkpoint.done_through = state.name;
      delete this.checkpoint.segments[state.name];
      this.states.delete(state.name);
    }
    for (const name of Object.keys(this.checkpoint.segments)) {
      if (name <= this.checkpoint.done_through || !isSegmentName(name))
        delete this.checkpoint.segments[name];
    }
  }

  /**
   * How far behind the hook is: complete lines not yet passed (sent or filtered out),
   * and the `created` time (Unix seconds) of the oldest of them, null when none.
   */
  async lag(): Promise<{ records: number; oldestCreated: number | null }> {
    let records = 0;
    let first: SegmentState | null = null;
    for (const state of this.ordered()) {
      records += state.pendingLines;
      if (first === null && state.pendingLines > 0) first = state;
    }
    if (first === null) return { records, oldestCreated: null };
    const key = `${first.name}:${first.offset}`;
    if (this.lagCache?.key !== key) {
      let created: number | null;
      try {
        const { lines } = await readSegmentLines(first.path, first.offset, 65536);
        const value = lines[0]
          ? (JSON.parse(lines[0].text) as { created?: unknown }).created
          : null;
        created = typeof value === 'number' ? value : null;
      } catch {
        created = null;
      }
      // A line without a usable time: the segment's opening time is the next best.
      created ??= (segmentTimeMs(first.name) ?? this.now()) / 1000;
      this.lagCache = { key, created };
    }
    return { records, oldestCreated: this.lagCache.created };
  }
}

/** Newlines in [from, to) of a file, and the offset just past the last of them (`from` when none). */
async function countLines(
  path: string,
  from: number,
  to: number,
): Promise<{ lines: number; end: number }> {
  const handle = await fs.open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let lines = 0;
    let end = from;
    let pos = from;
    while (pos < to) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, to - pos), pos);
      if (bytesRead === 0) break;
      for (
        let nl = buffer.indexOf(10, 0);
        nl >= 0 && nl < bytesRead;
        nl = buffer.indexOf(10, nl + 1)
      ) {
        lines++;
        end = pos + nl + 1;
      }
      pos += bytesRead;
    }
    return { lines, end };
  } finally {
    await handle.close();
  }
}

/** The path of a segment in a folder (for callers that hold names). */
export function segmentPath(dir: string, name: string): string {
  return join(dir, name);
}
