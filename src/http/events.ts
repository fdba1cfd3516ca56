// GET /events: Server-Sent Events (HTML Living Standard §9.2), one `message` event per
// new OOB, Feedback or MDN record: `data:` the record's JSON exactly as written to the
// log, `id:` the folder position just after it (log/tail.ts). A client that reconnects
// sends that id back as Last-Event-ID (EventSource does it by itself; `?last_event_id=`
// does the same for the first connection) and first gets every record written since,
// read from the segments, then the live ones: nothing missed, nothing twice. A gap too
// large to replay gets one `reset` event instead (reload the records from the API).
//
// The filters of /api/records (type, class, domain) apply; since and until do not (the
// stream is the records arriving now).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import type { LogRecord } from '../log/record';
import {
  INDEXED_TYPES,
  domainOf,
  mayBeMdn,
  recordRecipients,
  recordViewClassification,
  recordViewType,
  type IndexEntry,
  type IndexedType,
  type RecordIndex,
  type RecordQuery,
} from '../log/record-index';
import { leadingType, listSegments, readSegmentLines } from '../log/reader';
import { decodePosition, encodePosition, type FolderPosition } from '../log/tail';

/** Most bytes of segments read to replay a gap; a larger gap gets a `reset` event. */
export const MAX_REPLAY_BYTES = 32 * 1024 * 1024;
/** Most streams open at once (each holds a socket and a listener). */
export const MAX_STREAMS = 100;
/** A client this far behind (bytes queued in its socket) is disconnected; it resumes. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;
/** What EventSource waits before reconnecting. */
const RETRY_MS = 2000;

/** Whether an indexed record passes a query's type, class and domain filters. */
export function entryMatches(
  entry: Pick<IndexEntry, 'type' | 'classification' | 'domain' | 'created'>,
  q: RecordQuery,
): boolean {
  if (q.types && !q.types.has(entry.type)) return false;
  if (q.classes && !q.classes.has(entry.classification.toLowerCase())) return false;
  if (q.domain && entry.domain !== q.domain && !entry.domain.endsWith(`.${q.domain}`)) return false;
  if (q.since !== null && entry.created < q.since) return false;
  if (q.until !== null && entry.created > q.until) return false;
  return true;
}

/** The fields `entryMatches` reads, from a record's line; null for a line of another type or not JSON. */
function lineEntry(
  text: string,
): (Pick<IndexEntry, 'type' | 'classification' | 'domain' | 'created'> & { line: string }) | null {
  const type = leadingType(text);
  if (
    type !== null &&
    !(INDEXED_TYPES as ReadonlyArray<string>).includes(type) &&
    !mayBeMdn(type, text)
  )
    return null;
  let record: LogRecord;
  try {
    record = JSON.parse(text) as LogRecord;
  } catch {
    return null;
  }
  if (record === null || typeof record !== 'object') return null;
  const viewType = recordViewType(record);
  if (!(INDEXED_TYPES as ReadonlyArray<string>).includes(viewType)) return null;
  return {
    type: viewType as IndexedType,
    classification: recordViewClassification(record),
    domain: domainOf(recordRecipients(record)[0] ?? ''),
    created: typeof record.created === 'number' ? record.created : 0,
    // An SSE data line ends at CR or LF: a line holding one (not oobd's) is re-serialised.
    line: /[\r\n]/.test(text) ? JSON.stringify(record) : text,
  };
}

export class EventStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly index: RecordIndex,
    private readonly dir: string,
  ) {}

  get count(): number {
    return this.open.size;
  }

  /** Ends every stream (server stop); clients reconnect to the next server and resume. */
  close(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }

  /** Serves one stream with the query's filters (since and until are ignored). */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    q: RecordQuery,
    lastEventId: string | null,
  ): void {
    if (this.open.size >= MAX_STREAMS) {
      res
        .writeHead(503, { 'retry-after': '10', 'content-type': 'text/plain' })
        .end('too many event streams\n');
      return;
    }
    const filter: RecordQuery = { ...q, since: null, until: null };
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    this.open.add(res);
    req.socket.setNoDelay(true);

    // Live records that arrive during a replay wait here, so they follow it in order.
    let queued: Array<{ id: string; data: string }> | null = [];
    const send = (id: string, data: string) => {
      if (res.writableEnded) return;
      res.write(`id: ${id}\ndata: ${data}\n\n`);
      if (res.writableLength > MAX_QUEUED_BYTES) res.destroy();
    };
    const unsubscribe = this.index.subscribe((live) => {
      if (!entryMatches(live.entry, filter)) return;
      if (queued) queued.push({ id: live.position, data: live.line });
      else send(live.position, live.line);
    });
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    const done = () => {
      clearInterval(keepalive);
      unsubscribe();
      this.open.delete(res);
    };
    res.on('close', done);

    const from = lastEventId === null ? null : decodePosition(lastEventId);
    const upTo = this.index.position();
    const replay = from === null ? Promise.resolve() : this.replay(from, upTo, filter, send, res);
    replay
      .catch(() => res.write('event: reset\ndata: {}\n\n'))
      .finally(() => {
        const waiting = queued ?? [];
        queued = null;
        for (const item of waiting) send(item.id, item.data);
      });
  }

  /**
   * Sends the matching records between two positions, segment by segment in name order;
   * a `reset` event instead when that is more than MAX_REPLAY_BYTES of segments.
   */
  private async replay(
    from: FolderPosition,
    upTo: FolderPosition,
    q: RecordQuery,
    send: (id: string, data: string) => void,
    res: ServerResponse,
  ): Promise<void> {
    const ranges: Array<{ name: string; start: number; end: number }> = [];
    let bytes = 0;
    for (const path of await listSegments(this.dir)) {
      const name = basename(path);
      if (name <= from.done) continue;
      const start = from.offsets.get(name) ?? 0;
      let end: number;
      if (name <= upTo.done) end = (await fs.stat(path)).size;
      else end = upTo.offsets.get(name) ?? 0;
      if (end <= start) continue;
      ranges.push({ name, start, end });
      bytes += end - start;
    }
    if (bytes > MAX_REPLAY_BYTES) {
      res.write('event: reset\ndata: {}\n\n');
      return;
    }
    const position: FolderPosition = { done: from.done, offsets: new Map(from.offsets) };
    for (const range of ranges) {
      let offset = range.start;
      while (offset < range.end && !res.writableEnded) {
        const chunk = await readSegmentLines(join(this.dir, range.name), offset, 256 * 1024);
        if (chunk.lines.length === 0) break;
        for (const line of chunk.lines) {
          if (line.end > range.end) break;
          offset = line.end;
          const entry = lineEntry(line.text);
          if (entry === null || !entryMatches(entry, q)) continue;
          position.offsets.set(range.name, line.end);
          send(encodePosition(position), entry.line);
        }
        if (chunk.lines[0]!.end > range.end) break;
      }
      position.offsets.set(range.name, range.end);
    }
  }
}
