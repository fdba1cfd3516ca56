// An in-memory index of the log folder's OOB, Feedback and MDN records (an MDN is the
// Reception that carries an mdn_report), for the web
// view: per record only where its line lies and what the filters and counts need
// (reception time, type, classification, recipient domain, group of an uncategorized
// reply), in typed arrays of about 30 bytes a record. Queries over a million records
// then take milliseconds (a scan of the arrays, not of the files), and a page of records
// is read back from the segments by position through the reader.
//
// The folder is followed with a FolderTail: lines written after the start are indexed
// as they come and passed to listeners (the SSE stream); what the folder held at the
// start is indexed in the background, newest segment first (so the recent view is
// complete first), one chunk per event-loop turn, never holding the SMTP event loop.
// Segments removed from the folder leave the index; past `maxRecords`, the oldest
// segments do.
import { join } from 'node:path';
import { replyLine } from '../classify/reply-line';
import type { LogRecord } from './record';
import { leadingType, readRanges, readSegmentLines } from './reader';
import { complainedAddresses } from './suppressions';
import { FolderTail, type FolderPosition, type TailLine } from './tail';

/** The record types the index holds, in the order of their numeric kind. */
export const INDEXED_TYPES = ['OOB', 'Feedback', 'MDN'] as const;
export type IndexedType = (typeof INDEXED_TYPES)[number];

const KIND: ReadonlyMap<string, number> = new Map(INDEXED_TYPES.map((t, i) => [t, i]));

/** How an uncategorized reply is grouped (`oobd rules audit`'s normalised form). */
export interface ReplyGrouping {
  /** The normalised text: replies with the same key are one group. */
  key: string;
  /** A rules-file pattern matching every reply of the group. */
  pattern: string;
}

export interface RecordIndexOptions {
  dir: string;
  maxSegmentDurationMs: number;
  /** About the most records kept; the oldest segments leave first. @defaultValue 2000000 */
  maxRecords?: number;
  /** Groups an uncategorized OOB record's reply line; without it, identical lines form a group. */
  groupReply?: (line: string) => ReplyGrouping;
  /** A folder error (it is retried). */
  onError?: (err: unknown) => void;
  /** @defaultValue 1000 */
  pollMs?: number;
  /** Dictionaries (domains, reply groups) are compacted only beyond this many entries. @defaultValue 100000 */
  compactAbove?: number;
}

/** Which records a query wants; null fields do not filter. */
export interface RecordQuery {
  types: ReadonlySet<IndexedType> | null;
  /** bounce_classification values, lower case. */
  classes: ReadonlySet<string> | null;
  /** A recipient domain (lower case): it and its subdomains. */
  domain: string | null;
  /** `created` at or after (Unix seconds). */
  since: number | null;
  /** `created` at or before (Unix seconds), as `oobd logs --until`. */
  until: number | null;
}

/** Where a page of records ends: the next page holds records strictly older (created, then position). */
export interface RecordCursor {
  created: number;
  segment: string;
  start: number;
}

/** One indexed record. */
export interface IndexEntry {
  segment: string;
  start: number;
  end: number;
  created: number;
  type: IndexedType;
  classification: string;
  domain: string;
}

export interface Coverage {
  /** The records the folder held at start are all indexed (or the limit was reached). */
  ready: boolean;
  /** Records the index holds. */
  records: number;
  /** Older segments were left out or dropped for `maxRecords`: `created` of the oldest record kept. */
  truncatedBefore: number | null;
}

export interface Summary {
  total: number;
  byType: Array<[string, number]>;
  byClass: Array<[string, number]>;
  /** The `domainLimit` largest, largest first. */
  byDomain: Array<[string, number]>;
  /** Records of the domains not in byDomain, and how many domains there were in all. */
  otherDomains: number;
  domains: number;
}

export interface ReplyGroupCount {
  count: number;
  key: string;
  pattern: string;
  /** The first reply line seen of the group. */
  example: string;
}

/** A record written after the start, as passed to listeners. */
export interface LiveRecord {
  entry: IndexEntry;
  /** The line as written (the record's JSON). */
  line: string;
  /** Encoded folder position just after it (an SSE id). */
  position: string;
}

/** Columns of one segment's entries; grown by doubling. */
class Columns {
  count = 0;
  start = new Float64Array(64);
  length = new Uint32Array(64);
  created = new Uint32Array(64);
  kind = new Uint8Array(64);
  cls = new Uint16Array(64);
  domain = new Uint32Array(64);
  /** Reply group id + 1; 0 when the record is not an uncategorized OOB. */
  group = new Uint32Array(64);
  minCreated = Infinity;
  maxCreated = -Infinity;

  push(
    start: number,
    length: number,
    created: number,
    kind: number,
    cls: number,
    domain: number,
    group: number,
  ): void {
    if (this.count === this.start.length) this.grow();
    const i = this.count++;
    this.start[i] = start;
    this.length[i] = length;
    this.created[i] = created;
    this.kind[i] = kind;
    this.cls[i] = cls;
    this.domain[i] = domain;
    this.group[i] = group;
    if (created < this.minCreated) this.minCreated = created;
    if (created > this.maxCreated) this.maxCreated = created;
  }

  private grow(): void {
    const size = this.start.length * 2;
    const grow = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
    ): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.start = grow(this.start, (n) => new Float64Array(n));
    this.length = grow(this.length, (n) => new Uint32Array(n));
    this.created = grow(this.created, (n) => new Uint32Array(n));
    this.kind = grow(this.kind, (n) => new Uint8Array(n));
    this.cls = grow(this.cls, (n) => new Uint16Array(n));
    this.domain = grow(this.domain, (n) => new Uint32Array(n));
    this.group = grow(this.group, (n) => new Uint32Array(n));
  }
}

/** Strings interned to small ids. */
class Dictionary {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();

  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
}

/** The domain of an address, lower case ("" when there is none). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return '';
  let domain = address.slice(at + 1).trim();
  if (domain.endsWith('>')) domain = domain.slice(0, -1);
  return domain.toLowerCase();
}

/**
 * The type the web view shows a record as: its `type`, except `MDN` for the Reception
 * that carries an MDN's `mdn_report` (KumoMTA has no MDN record type; oobd 0.1 wrote
 * records of type "MDN", which stay MDN).
 */
export function recordViewType(record: { type?: unknown; mdn_report?: unknown }): string {
  if (record.type === 'Reception' && record.mdn_report !== undefined && record.mdn_report !== null)
    return 'MDN';
  return String(record.type ?? '');
}

/**
 * The classification the web view shows and counts a record under: an OOB record's
 * `bounce_classification`; for a complaint `Feedback: <feedback type>` (`abuse`,
 * `fraud`, `opt-out`, ...) and for an MDN `MDN: <disposition type>` (`displayed`,
 * `deleted`, ...). Their records say `Uncategorized`, as KumoMTA writes them, which in
 * a chart of bounce classifications would read as "bounces no rule knows".
 */
export function recordViewClassification(record: LogRecord): string {
  const type = recordViewType(record);
  if (type === 'Feedback') {
    const ft = record.feedback_report?.feedback_type;
    return typeof ft === 'string' && ft !== '' ? `Feedback: ${ft.toLowerCase()}` : 'Feedback';
  }
  if (type === 'MDN') {
    const dt = (record.mdn_report as { disposition?: { type?: unknown } } | undefined)?.disposition
      ?.type;
    return typeof dt === 'string' && dt !== '' ? `MDN: ${dt.toLowerCase()}` : 'MDN';
  }
  return typeof record.bounce_classification === 'string' ? record.bounce_classification : '';
}

/** A Reception line that may carry an mdn_report (makeRecord writes it last), worth parsing. */
export function mayBeMdn(type: string | null, text: string): boolean {
  return type === 'Reception' && text.includes(',"mdn_report":');
}

/**
 * The addresses a record is about, as the web view shows them: an OOB record's
 * recipient; an MDN's Original-Recipient, else Final-Recipient; for Feedback, the
 * complained-about addresses (`original_rcpto_to`, else oobd's `feedback_detail`),
 * never the report's own RCPT TO (its `recipient`, as KumoMTA writes it).
 */
export function recordRecipients(record: LogRecord): string[] {
  const mdn = record.mdn_report;
  if (mdn !== undefined && mdn !== null) {
    const about = mdn.original_recipient ?? mdn.final_recipient;
    return typeof about === 'string' && about !== '' ? [about] : [];
  }
  if (record.type === 'Feedback') return complainedAddresses(record);
  const r = record.recipient;
  return Array.isArray(r)
    ? r.filter((x) => typeof x === 'string')
    : typeof r === 'string'
      ? [r]
      : [];
}

/** `"<code> <enhanced> <content>"`: the line the classifier matched (DESIGN.md §6), as `oobd rules audit` rebuilds it. */
export function recordReplyLine(record: LogRecord): string {
  const r = record.response;
  return replyLine({
    code: typeof r?.code === 'number' ? r.code : 0,
    enhancedCode: r?.enhanced_code ?? null,
    content: typeof r?.content === 'string' ? r.content : '',
    command: null,
  });
}

const UNCATEGORIZED = 'uncategorized';

/** What the index keeps of a record besides its position. */
interface Fields {
  kind: number;
  created: number;
  classification: string;
  domain: string;
  /** Reply group id + 1, 0 for none. */
  group: number;
}

/** The JSON string whose opening quote is at `at`, and the index after it; null when there is none. */
function jsonStringAt(text: string, at: number): { value: string; end: number } | null {
  if (text.charCodeAt(at) !== 34) return null;
  let escaped = false;
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) {
      escaped = true;
      i++;
    } else if (c === 34) {
      const raw = text.slice(at, i + 1);
      try {
        return { value: escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1), end: i + 1 };
      } catch {
        return null;
      }
    }
  }
  return null;
}

const RECIPIENT_KEY = ',"recipient":';
const CREATED_KEY = ',"created":';
const CLASSIFICATION_KEY = ',"bounce_classification":';

/**
 * The fields of a classified OOB line without parsing all of it (most of the log, and
 * most of the cost of indexing it): makeRecord writes `recipient`, `created` and
 * `bounce_classification` at the top level in that order, after only string fields and
 * objects without such keys, and inside a JSON string a quote is always escaped, so the
 * first `,"key":` is the field. Null (parse the whole line) for anything else: an
 * array of recipients, an uncategorized record (its reply is grouped), another layout.
 */
function fastOobFields(text: string): Fields | null {
  const r = text.indexOf(RECIPIENT_KEY);
  if (r < 0) return null;
  const recipient = jsonStringAt(text, r + RECIPIENT_KEY.length);
  if (recipient === null) return null;
  const c = text.indexOf(CREATED_KEY, recipient.end);
  if (c < 0) return null;
  let created = 0;
  let i = c + CREATED_KEY.length;
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    created = created * 10 + d;
  }
  if (text.charCodeAt(i) !== 44) return null;
  const b = text.indexOf(CLASSIFICATION_KEY, i);
  if (b < 0) return null;
  const label = jsonStringAt(text, b + CLASSIFICATION_KEY.length);
  if (label === null || label.value.toLowerCase() === UNCATEGORIZED) return null;
  return {
    kind: KIND.get('OOB')!,
    created,
    classification: label.value,
    domain: domainOf(recipient.value),
    group: 0,
  };
}
/** Reply lines whose group is remembered (cleared when full: cheap, and the common lines come back first). */
const GROUP_CACHE_SIZE = 10_000;
/** Dictionaries smaller than this are never compacted (a few MB at most). */
const COMPACT_MIN = 100_000;
/** A compiled query: the type bits, class and domain masks, and the time range. */
interface QueryMasks {
  kinds: number;
  cls: Uint8Array | null;
  domain: Uint8Array | null;
  since: number;
  until: number;
}

/** True when entry `i` of a segment's columns matches the compiled query. */
function passes(m: QueryMasks, cols: Columns, i: number): boolean {
  const created = cols.created[i]!;
  return (
    created >= m.since &&
    created <= m.until &&
    ((m.kinds >> cols.kind[i]!) & 1) !== 0 &&
    (m.cls === null || m.cls[cols.cls[i]!] === 1) &&
    (m.domain === null || m.domain[cols.domain[i]!] === 1)
  );
}

/**
 * Bytes of history indexed per event-loop turn: about a hundred records, a millisecond
 * or two of work, so an SMTP reply or a page request waits at most that long for it.
 */
const BACKFILL_CHUNK = 128 * 1024;

export class RecordIndex {
  private readonly segments = new Map<string, Columns>();
  private readonly classes = new Dictionary();
  private domains = new Dictionary();
  private groupKeys = new Dictionary();
  /** Per group id: pattern and first example. */
  private groupInfo: Array<{ pattern: string; example: string }> = [];
  private readonly listeners = new Set<(record: LiveRecord) => void>();
  private readonly groupCache = new Map<string, ReplyGrouping>();
  private readonly tail: FolderTail;
  private readonly maxRecords: number;
  private total = 0;
  private ready = false;
  private truncated = false;
  private closed = false;
  private backfilling: Promise<void> = Promise.resolve();
  /** Bad lines met (not JSON): counted, skipped. */
  badLines = 0;

  constructor(private readonly opts: RecordIndexOptions) {
    this.maxRecords = opts.maxRecords ?? 2_000_000;
    this.tail = new FolderTail({
      dir: opts.dir,
      maxSegmentDurationMs: opts.maxSegmentDurationMs,
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      onLines: (segment, lines) => this.onLive(segment, lines),
      onListing: (names) => this.onListing(names),
      onError: (err) => opts.onError?.(err),
    });
  }

  /** Starts following the folder; what it already holds is indexed in the background. */
  async start(): Promise<void> {
    const { historyEnds } = await this.tail.start();
    this.backfilling = this.backfill(historyEnds).catch((err: unknown) => {
      this.opts.onError?.(err);
      this.ready = true;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.tail.stop();
    await this.backfilling;
  }

  /** Resolves once the records the folder held at start are indexed. */
  whenReady(): Promise<void> {
    return this.backfilling;
  }

  /** Resolves once every line written so far is indexed (and passed to listeners). */
  settle(): Promise<void> {
    return this.tail.settle();
  }

  /** Calls `listener` for each record written from now on; returns the unsubscribe function. */
  subscribe(listener: (record: LiveRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where the live records have got to (records after it reach listeners). */
  position(): FolderPosition {
    return this.tail.position();
  }

  coverage(): Coverage {
    let oldest = Infinity;
    for (const cols of this.segments.values())
      if (cols.count > 0) oldest = Math.min(oldest, cols.minCreated);
    return {
      ready: this.ready,
      records: this.total,
      truncatedBefore: this.truncated && Number.isFinite(oldest) ? oldest : null,
    };
  }

  /** The classifications seen, sorted (for the filter's choices). */
  classifications(): string[] {
    return [...this.classes.values].sort((a, b) => a.localeCompare(b));
  }

  private onListing(names: ReadonlyArray<string>): void {
    const present = new Set(names);
    let dropped = false;
    for (const [name, cols] of this.segments) {
      if (present.has(name)) continue;
      this.total -= cols.count;
      this.segments.delete(name);
      dropped = true;
    }
    if (dropped) this.compact();
  }

  /**
   * Domains and reply groups of records that left the index are forgotten once the
   * dictionaries hold more entries than the index holds records: a server that runs for months with segments coming and
   * going keeps memory for what it shows, not for every domain it ever saw.
   */
  private compact(): void {
    // Each record holds one domain and at most one group: more entries than records
    // means that many at least are unused.
    const limit = Math.max(this.opts.compactAbove ?? COMPACT_MIN, this.total);
    if (this.domains.values.length <= limit && this.groupKeys.values.length <= limit) return;
    const domainIds = new Int32Array(this.domains.values.length).fill(-1);
    const groupIds = new Int32Array(this.groupKeys.values.length).fill(-1);
    const domains = new Dictionary();
    const groupKeys = new Dictionary();
    const groupInfo: typeof this.groupInfo = [];
    for (const cols of this.segments.values()) {
      for (let i = 0; i < cols.count; i++) {
        const d = cols.domain[i]!;
        if (domainIds[d]! < 0) domainIds[d] = domains.id(this.domains.values[d]!);
        cols.domain[i] = domainIds[d]!;
        const g = cols.group[i]!;
        if (g === 0) continue;
        if (groupIds[g - 1]! < 0) {
          const id = groupKeys.id(this.groupKeys.values[g - 1]!);
          if (id === groupInfo.length) groupInfo.push(this.groupInfo[g - 1]!);
          groupIds[g - 1] = id;
        }
        cols.group[i] = groupIds[g - 1]! + 1;
      }
    }
    this.domains = domains;
    this.groupKeys = groupKeys;
    this.groupInfo = groupInfo;
  }

  private onLive(segment: string, lines: ReadonlyArray<TailLine>): void {
    if (this.closed) return;
    for (const line of lines) {
      const entry = this.add(segment, line);
      if (entry === null || this.listeners.size === 0) continue;
      const live: LiveRecord = {
        entry,
        line: line.text,
        position: this.tail.positionAfter(segment, line.end),
      };
      for (const listener of this.listeners) listener(live);
    }
    this.enforceLimit();
  }

  /** Indexes one line; null when it is not a record of an indexed type. */
  private add(segment: string, line: TailLine): IndexEntry | null {
    const type = leadingType(line.text);
    if (type !== null && !KIND.has(type) && !mayBeMdn(type, line.text)) return null;
    const fields = (type === 'OOB' ? fastOobFields(line.text) : null) ?? this.parsed(line.text);
    if (fields === null) return null;
    const { kind, created, classification, domain, group } = fields;
    let cols = this.segments.get(segment);
    if (!cols) {
      cols = new Columns();
      this.segments.set(segment, cols);
    }
    cols.push(
      line.start,
      line.end - line.start,
      Math.min(created, 0xffffffff),
      kind,
      this.classes.id(classification),
      this.domains.id(domain),
      group,
    );
    this.total++;
    return {
      segment,
      start: line.start,
      end: line.end,
      created,
      type: INDEXED_TYPES[kind]!,
      classification,
      domain,
    };
  }

  /** What the index keeps of a line, from the whole record parsed; null for a line that is not one to index. */
  private parsed(text: string): Fields | null {
    let record: LogRecord;
    try {
      record = JSON.parse(text) as LogRecord;
    } catch {
      if (text.trim() !== '') this.badLines++;
      return null;
    }
    if (record === null || typeof record !== 'object') return null;
    const kind = KIND.get(recordViewType(record));
    if (kind === undefined) return null;
    const classification = recordViewClassification(record);
    let group = 0;
    if (record.type === 'OOB' && classification.toLowerCase() === UNCATEGORIZED) {
      const reply = recordReplyLine(record);
      const grouping = this.grouping(reply);
      const id = this.groupKeys.id(grouping.key);
      if (id === this.groupInfo.length)
        this.groupInfo.push({ pattern: grouping.pattern, example: reply });
      group = id + 1;
    }
    return {
      kind,
      created: typeof record.created === 'number' && record.created > 0 ? record.created : 0,
      classification,
      domain: domainOf(recordRecipients(record)[0] ?? ''),
      group,
    };
  }

  /** The group of a reply line; the same lines recur (one template, one address), so they are remembered. */
  private grouping(reply: string): ReplyGrouping {
    let grouping = this.groupCache.get(reply);
    if (grouping === undefined) {
      grouping = this.opts.groupReply?.(reply) ?? { key: reply, pattern: '' };
      if (this.groupCache.size >= GROUP_CACHE_SIZE) this.groupCache.clear();
      this.groupCache.set(reply, grouping);
    }
    return grouping;
  }

  private async backfill(historyEnds: Map<string, number>): Promise<void> {
    const names = [...historyEnds.keys()].sort().reverse();
    for (const name of names) {
      if (this.closed) return;
      if (this.total >= this.maxRecords) {
        this.truncated = true;
        break;
      }
      const end = historyEnds.get(name)!;
      const path = join(this.opts.dir, name);
      let offset = 0;
      while (offset < end && !this.closed) {
        let chunk;
        try {
          chunk = await readSegmentLines(path, offset, BACKFILL_CHUNK);
        } catch {
          break;
        }
        // A segment removed meanwhile fails to open (and the next listing drops what it gave).
        if (chunk.lines.length === 0) break;
        let start = offset;
        for (const line of chunk.lines) {
          if (line.end > end) break;
          this.add(name, { text: line.text, start, end: line.end });
          start = line.end;
        }
        if (start === offset) break;
        offset = start;
        // The SMTP edge shares this event loop: one chunk per turn.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    this.enforceLimit();
    this.ready = true;
  }

  /** Drops the oldest segments while the index holds more than maxRecords (keeping one). */
  private enforceLimit(): void {
    if (this.total <= this.maxRecords) return;
    for (const name of [...this.segments.keys()].sort()) {
      if (this.total <= this.maxRecords || this.segments.size <= 1) break;
      this.total -= this.segments.get(name)!.count;
      this.segments.delete(name);
      this.truncated = true;
    }
    this.compact();
  }

  /** Per-query masks over the dictionaries (a query is a scan of integer columns). */
  private compile(q: RecordQuery): QueryMasks {
    let kinds = 0;
    if (q.types) for (const t of q.types) kinds |= 1 << KIND.get(t)!;
    else kinds = (1 << INDEXED_TYPES.length) - 1;
    let cls: Uint8Array | null = null;
    if (q.classes) {
      cls = new Uint8Array(this.classes.values.length);
      this.classes.values.forEach((v, i) => {
        if (q.classes!.has(v.toLowerCase())) cls![i] = 1;
      });
    }
    let domain: Uint8Array | null = null;
    if (q.domain) {
      const d = q.domain;
      domain = new Uint8Array(this.domains.values.length);
      this.domains.values.forEach((v, i) => {
        if (v === d || v.endsWith(`.${d}`)) domain![i] = 1;
      });
    }
    return { kinds, cls, domain, since: q.since ?? -Infinity, until: q.until ?? Infinity };
  }

  /** Calls `visit` with each entry index of each segment that matches. */
  private scan(q: RecordQuery, visit: (cols: Columns, i: number, name: string) => void): void {
    const m = this.compile(q);
    for (const [name, cols] of this.segments) {
      if (cols.count === 0 || cols.maxCreated < m.since || cols.minCreated > m.until) continue;
      for (let i = 0; i < cols.count; i++) {
        if (passes(m, cols, i)) visit(cols, i, name);
      }
    }
  }

  private entry(cols: Columns, i: number, segment: string): IndexEntry {
    const start = cols.start[i]!;
    return {
      segment,
      start,
      end: start + cols.length[i]!,
      created: cols.created[i]!,
      type: INDEXED_TYPES[cols.kind[i]!]!,
      classification: this.classes.values[cols.cls[i]!] ?? '',
      domain: this.domains.values[cols.domain[i]!] ?? '',
    };
  }

  /**
   * The newest `limit` matching records, newest first (by `created`, then by position:
   * segment name, offset), older than `cursor` when given; `next` continues after them.
   */
  records(
    q: RecordQuery,
    limit: number,
    cursor: RecordCursor | null = null,
  ): { entries: IndexEntry[]; next: RecordCursor | null } {
    // Segments newest first: once `limit` are held, a segment whose newest record is
    // older than the oldest held cannot contribute, and most are skipped whole.
    const order = [...this.segments.entries()].sort((a, b) => b[1].maxCreated - a[1].maxCreated);
    let best: Array<{ created: number; segment: string; start: number; cols: Columns; i: number }> =
      [];
    const newer = (
      a: { created: number; segment: string; start: number },
      b: { created: number; segment: string; start: number },
    ) =>
      a.created !== b.created
        ? a.created > b.created
        : a.segment !== b.segment
          ? a.segment > b.segment
          : a.start > b.start;
    const m = this.compile(q);
    for (const [name, cols] of order) {
      if (cols.count === 0 || cols.maxCreated < m.since || cols.minCreated > m.until) continue;
      if (cursor && cols.minCreated > cursor.created) continue;
      if (best.length >= limit && cols.maxCreated < best[best.length - 1]!.created) break;
      const found: typeof best = [];
      const floor = best.length >= limit ? best[best.length - 1]! : null;
      for (let i = 0; i < cols.count; i++) {
        if (!passes(m, cols, i)) continue;
        const item = { created: cols.created[i]!, segment: name, start: cols.start[i]!, cols, i };
        if ((cursor && !newer(cursor, item)) || (floor && !newer(item, floor))) continue;
        found.push(item);
      }
      if (found.length === 0) continue;
      best = best.concat(found);
      best.sort((a, b) => (newer(a, b) ? -1 : 1));
      if (best.length > limit) best.length = limit;
    }
    const entries = best.map((b) => this.entry(b.cols, b.i, b.segment));
    const last = entries[entries.length - 1];
    return {
      entries,
      next:
        entries.length === limit && last
          ? { created: last.created, segment: last.segment, start: last.start }
          : null,
    };
  }

  /** Counts of the matching records by type, classification and recipient domain. */
  summary(q: RecordQuery, domainLimit = 20): Summary {
    const byKind = new Float64Array(INDEXED_TYPES.length);
    const byClass = new Float64Array(this.classes.values.length);
    const byDomain = new Float64Array(this.domains.values.length);
    let total = 0;
    this.scan(q, (cols, i) => {
      total++;
      byKind[cols.kind[i]!]!++;
      byClass[cols.cls[i]!]!++;
      byDomain[cols.domain[i]!]!++;
    });
    const pairs = (counts: Float64Array, names: ReadonlyArray<string>): Array<[string, number]> => {
      const out: Array<[string, number]> = [];
      counts.forEach((n, id) => {
        if (n > 0) out.push([names[id] ?? '', n]);
      });
      return out.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    };
    const domains = pairs(byDomain, this.domains.values);
    const top = domains.slice(0, domainLimit);
    let otherDomains = 0;
    for (const [, n] of domains.slice(domainLimit)) otherDomains += n;
    return {
      total,
      byType: pairs(byKind, INDEXED_TYPES),
      byClass: pairs(byClass, this.classes.values),
      byDomain: top,
      otherDomains,
      domains: domains.length,
    };
  }

  /** Uncategorized OOB replies among the matching records, grouped, most frequent first. */
  uncategorized(q: RecordQuery, limit: number): { total: number; groups: ReplyGroupCount[] } {
    const counts = new Map<number, number>();
    let total = 0;
    this.scan(q, (cols, i) => {
      const group = cols.group[i]!;
      if (group === 0) return;
      total++;
      counts.set(group - 1, (counts.get(group - 1) ?? 0) + 1);
    });
    const groups = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, limit)
      .map(([id, count]) => ({
        count,
        key: this.groupKeys.values[id] ?? '',
        pattern: this.groupInfo[id]?.pattern ?? '',
        example: this.groupInfo[id]?.example ?? '',
      }));
    return { total, groups };
  }

  /** The lines of index entries, read from their segments (in the entries' order); a line whose segment vanished is null. */
  async readLines(entries: ReadonlyArray<IndexEntry>): Promise<Array<string | null>> {
    const out: Array<string | null> = new Array<string | null>(entries.length).fill(null);
    const bySegment = new Map<string, number[]>();
    entries.forEach((e, i) => {
      const list = bySegment.get(e.segment) ?? [];
      list.push(i);
      bySegment.set(e.segment, list);
    });
    for (const [segment, indexes] of bySegment) {
      try {
        const texts = await readRanges(
          join(this.opts.dir, segment),
          indexes.map((i) => ({ start: entries[i]!.start, end: entries[i]!.end - 1 })),
        );
        texts.forEach((text, k) => (out[indexes[k]!] = text));
      } catch {
        // Removed since it was indexed: its records are gone from the folder too.
      }
    }
    return out;
  }
}
