// Reading segments back: for `oobd logs`, the tests and anyone scripting against
// the log folder. Segments sort by name, which is their creation time.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
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
