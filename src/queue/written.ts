// Queue mode writes a message's records once even when its job runs again.
//
// A job can run again after its records were written: the worker died between the
// write and BullMQ's completion (SIGKILL, power, OOM: the job comes back when its
// lock expires), it failed after the write (the relay queue was unreachable), or its
// lock was lost while it ran (the event loop stalled past queue.lock_duration) and
// another worker took it over. Redis cannot tell which records reached the log, and
// the log is a plain file: no step covers both. So the log folder is asked instead:
//
//   * records this process wrote are remembered until their job is completed (or,
//     if it never is, among the last `max` such messages);
//   * at start, the tails of the segments a crashed process left open (a closed
//     segment is read-only, so a writable one that no running writer holds was being
//     written when its process died) are read for the records they hold.
//
// A job that runs again writes only the records that are not there. Records are
// compared by (id, type, recipient), counted, so two findings for one recipient stay
// two. The check reads this machine's log folder: a job that comes back to a worker
// on another machine (whose log folder is elsewhere) can still be logged twice, at
// most the jobs the dead worker held between their write and their completion.
import { promises as fs } from 'node:fs';
import { listSegments } from '../log/reader';
import type { Logger } from '../logger';
import { errorMessage } from '../errors';
import type { RecordGuard } from './job';

/** How much of each crashed segment's end is read at start, and of how many segments. */
const TAIL_BYTES = 16 * 1024 * 1024;
const TAIL_SEGMENTS = 4;

function recordKey(line: string): { id: string; key: string } | null {
  try {
    const r = JSON.parse(line) as { id?: unknown; type?: unknown; recipient?: unknown };
    if (typeof r.id !== 'string' || typeof r.type !== 'string') return null;
    return { id: r.id, key: `${r.type}\0${JSON.stringify(r.recipient ?? '')}` };
  } catch {
    // A torn last line (the crash cut the write): that record is not in the log.
    return null;
  }
}

function countKeys(lines: ReadonlyArray<string>, into = new Map<string, number>()) {
  for (const line of lines) {
    const k = recordKey(line);
    if (k) into.set(k.key, (into.get(k.key) ?? 0) + 1);
  }
  return into;
}

function splitLines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

export class WrittenRecords implements RecordGuard {
  /**
   * Lines written by this process for jobs not (yet) completed, oldest first, as UTF-8
   * bytes outside the JS heap: they stay until the job's completion comes back from
   * Redis, long enough under load to outlive two young-generation collections, and as
   * strings they filled the old generation (about a third of queue mode's promoted
   * bytes, and its mark-compacts with them; issue 17).
   */
  private readonly recent = new Map<string, Buffer>();
  /** Record keys found in crashed segments at start, per message id. */
  private readonly found = new Map<string, Map<string, number>>();

  constructor(private readonly max = 10_000) {}

  /**
   * Reads the last 16 MiB of the newest four segments in `dir` that are still
   * writable (see above; a segment another running writer holds is read too, which
   * is harmless: its records are in the log). Errors are logged, not thrown: without
   * the scan a job interrupted by a crash may be logged twice, but nothing is lost.
   */
  static async fromLogFolder(dir: string, logger: Logger): Promise<WrittenRecords> {
    const written = new WrittenRecords();
    try {
      let read = 0;
      for (const path of (await listSegments(dir)).reverse()) {
        if (read >= TAIL_SEGMENTS) break;
        const stat = await fs.stat(path);
        if ((stat.mode & 0o222) === 0) continue;
        read++;
        const handle = await fs.open(path, 'r');
        try {
          const start = Math.max(0, stat.size - TAIL_BYTES);
          const buffer = Buffer.alloc(stat.size - start);
          await handle.read(buffer, 0, buffer.length, start);
          let text = buffer.toString('utf8');
          // Started mid-file: the first line is a part of one.
          if (start > 0) text = text.slice(text.indexOf('\n') + 1);
          written.addFound(splitLines(text));
        } finally {
          await handle.close();
        }
      }
    } catch (err) {
      logger.warn(
        { dir, err: errorMessage(err) },
        'could not read the log folder for records of interrupted jobs; a job interrupted by a crash may be logged twice',
      );
    }
    return written;
  }

  /** Messages whose records were found at start. */
  get foundMessages(): number {
    return this.found.size;
  }

  private addFound(lines: string[]): void {
    for (const line of lines) {
      const k = recordKey(line);
      if (!k) continue;
      let keys = this.found.get(k.id);
      if (!keys) this.found.set(k.id, (keys = new Map()));
      keys.set(k.key, (keys.get(k.key) ?? 0) + 1);
    }
  }

  /**
   * The lines of `lines` (records of message `id`) not in the log yet, and how many.
   * `count` is how many records `lines` holds (the caller built them, so it knows).
   */
  async unwritten(
    id: string,
    lines: string,
    count: number,
  ): Promise<{ lines: string; count: number }> {
    const known = this.found.get(id);
    const previous = this.recent.get(id);
    // The common case (a job's first run) returns the lines as they are, unread: the
    // outcome's lines are a concatenation that counting would copy into one string.
    if (!known && previous === undefined) return { lines, count };
    const all = splitLines(lines);
    const present = new Map(known);
    if (previous !== undefined) countKeys(splitLines(previous.toString('utf8')), present);
    let left = '';
    let leftCount = 0;
    for (const line of all) {
      const k = recordKey(line);
      const n = k ? (present.get(k.key) ?? 0) : 0;
      if (k && n > 0) {
        present.set(k.key, n - 1);
        continue;
      }
      left += `${line}\n`;
      leftCount++;
    }
    return { lines: left, count: leftCount };
  }

  /** Notes records appended for message `id` (kept until `completed`). */
  written(id: string, lines: string): void {
    const before = this.recent.get(id);
    const bytes = Buffer.from(lines, 'utf8');
    this.recent.delete(id);
    this.recent.set(id, before === undefined ? bytes : Buffer.concat([before, bytes]));
    if (this.recent.size > this.max) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }

  /** Were records of message `id` written (by this process, or found at start)? */
  has(id: string): boolean {
    return this.recent.has(id) || this.found.has(id);
  }

  /** The job of message `id` is completed: it does not run again. */
  completed(id: string): void {
    this.recent.delete(id);
    this.found.delete(id);
  }
}
