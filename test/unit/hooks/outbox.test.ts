// The log folder as a hook's outbox, on real segments written by the real LogWriter.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  makeRecord,
  type LogRecord,
  type OobReport,
  type RecordType,
} from '../../../src/log/record';
import { traceFilterOf } from '../../../src/log/trace-filter';
import { listSegments } from '../../../src/log/reader';
import { LogWriter, segmentName } from '../../../src/log/writer';
import type { Checkpoint } from '../../../src/hooks/checkpoint';
import { Outbox, type Batch, type RecordFilter } from '../../../src/hooks/outbox';
import { makeTempDir } from '../../helpers/tmp';

function record(n: number, type: RecordType = 'OOB', label = 'InvalidRecipient'): LogRecord {
  return makeRecord(
    {
      id: n.toString(16).padStart(32, '0'),
      created: new Date(1_700_000_000_000 + n * 1000),
      nodeid: 'n',
      session_id: 's',
    },
    {
      type,
      sender: 'bounce@bounce.example.com',
      recipient: `user${n}@remote.example`,
      queue: 'bounce.example.com',
      response: {
        code: 550,
        enhanced_code: { class: 5, subject: 1, detail: 1 },
        content: `no such user ${n}`,
        command: null,
      },
      peer_address: null,
      bounce_classification: label,
    },
  );
}

/** The record as a Reception carrying an MDN's detail (how oobd writes an MDN). */
function withMdn(r: LogRecord): LogRecord {
  r.mdn_report = {
    disposition: {
      action_mode: 'manual-action',
      sending_mode: 'MDN-sent-manually',
      type: 'displayed',
      modifiers: [],
    },
    final_recipient: 'reader@remote.example',
    original_recipient: null,
    original_message_id: null,
    reporting_ua: null,
    supplemental_trace: null,
  };
  return r;
}

function oobReport(
  trace: Record<string, unknown> | null,
  verp?: Record<string, string>,
): OobReport {
  return {
    source: 'rfc3464',
    action: 'failed',
    status: '5.1.1',
    final_recipient: 'user@remote.example',
    original_recipient: null,
    remote_mta: null,
    reporting_mta: null,
    diagnostic_code: null,
    last_attempt_date: null,
    arrival_date: null,
    original_message_id: null,
    supplemental_trace: trace,
    ...(verp ? { verp } : {}),
  };
}

const OOB_ONLY: RecordFilter = { types: new Set(['OOB']), classes: null };

function fresh(hook = 'app'): Checkpoint {
  return { version: 1, hook, done_through: '', segments: {}, updated: '' };
}

/** Every batch until the outbox has nothing more, committed as a delivered batch would be. */
async function drain(
  outbox: Outbox,
  filter: RecordFilter,
  size = 100,
  bytes = 1 << 20,
): Promise<Batch[]> {
  const batches: Batch[] = [];
  await outbox.refresh();
  for (
    let batch = await outbox.next(filter, size, bytes);
    batch;
    batch = await outbox.next(filter, size, bytes)
  ) {
    batches.push(batch);
    outbox.commit(batch);
  }
  return batches;
}

const ids = (batches: Batch[]) =>
  batches.flatMap((b) => b.records.map((r) => (JSON.parse(r) as LogRecord).id));

describe('hook outbox', () => {
  it('sends the records a hook wants, exactly as written, in batches that cover the lines between', async () => {
    const dir = makeTempDir();
    const writer = await LogWriter.open({ dir });
    for (let n = 1; n <= 5; n++) await writer.append([record(n, 'Reception'), record(n)]);
    const outbox = new Outbox({ dir, maxSegmentDurationMs: 600_000 }, fresh());
    const batches = await drain(outbox, OOB_ONLY, 2);
    expect(batches.map((b) => b.records.length)).toEqual([2, 2, 1]);
    expect(ids(batches)).toEqual([1, 2, 3, 4, 5].map((n) => n.toString(16).padStart(32, '0')));
    const [segment] = await listSegments(dir);
    const text = await fs.readFile(segment!, 'utf8');
    const written = text.split('\n').filter((l) => l.startsWith('{"type":"OOB"'));
    expect(batches.flatMap((b) => b.records)).toEqual(written);
    // Contiguous ranges from 0 to the end of the segment: nothing skipped, nothing twice.
    expect(batches[0]!.start).toBe(0);
    for (let i = 1; i < batches.length; i++) expect(batches[i]!.start).toBe(batches[i - 1]!.end);
    expect(batches.at(-1)!.end).toBe(Buffer.byteLength(text));
    expect(outbox.checkpoint.segments).toEqual({
      [segment!.split('/').pop()!]: Buffer.byteLength(text),
    });
    await writer.close();
  });

  it('keeps a batch within max_batch_bytes, but sends a larger record alone', async () => {
    const dir = makeTempDir();
    const writer = await LogWriter.open({ dir });
    const big = record(2);
    big.response.content = 'x'.repeat(5000);
    await writer.append([record(1), big, record(3)]);
    const outbox = new Outbox({ dir, maxSegmentDurationMs: 600_000 }, fresh());
    const batches = await drain(outbox, OOB_ONLY, 100, 3000);
    expect(batches.map((b) => b.records.length)).toEqual([1, 1, 1]);
    await writer.close();
  });

  it('filters classifications of OOB records only: Feedback and MDN records pass whatever their label', async () => {
    const dir = makeTempDir();
    const writer = await LogWriter.open({ dir });
    await writer.append([
      record(1, 'OOB', 'InvalidRecipient'),
      record(2, 'OOB', 'SpamBlock'),
      record(3, 'Feedback', 'Uncategorized'),
      withMdn(record(4, 'Reception', 'Uncategorized')),
      record(5, 'Rejection', 'Uncategorized'),
      record(6, 'Reception', 'Uncategorized'),
    ]);
    const outbox = new Outbox({ dir, maxSegmentDurationMs: 600_000 }, fresh());
    const batches = await drain(outbox, {
      types: new Set(['OOB', 'Feedback', 'MDN']),
      classes: new Set(['invalidrecipient']),
    });
    // "MDN" stands for the Reception that carries an mdn_report (4), not any Reception (6).
    expect(ids(batches).map((id) => parseInt(id, 16))).toEqual([1, 3, 4]);
    await writer.close();
  });

  it('sends only the records whose trace header or VERP decoding holds every value of the trace filter', async () => {
    const dir = makeTempDir();
    const writer = await LogWriter.open({ dir });
    const traced = (
      n: number,
      trace: Record<string, unknown> | null,
      verp?: Record<string, string>,
    ) => {
      const r = record(n);
      r.oob_report = oobReport(trace, verp);
      return r;
    };
    await writer.append([
      traced(1, { tenant: 'acme', campaign: 'spring' }),
      traced(2, { tenant: 'acme', campaign: 'autumn' }),
      traced(3, { tenant: 'other', campaign: 'spring' }),
      traced(4, null, { id: '77', tenant: 'acme', campaign: 'spring' }),
      traced(5, null),
      record(6),
    ]);
    const outbox = new Outbox({ dir, maxSegmentDurationMs: 600_000 }, fresh());
    const batches = await drain(outbox, {
      types: new Set(['OOB']),
      classes: null,
      trace: traceFilterOf({ tenant: 'acme', campaign: 'spring' }),
    });
    expect(ids(batches).map((id) => parseInt(id, 16))).toEqual([1, 4]);
    await writer.close();
  });

  it('follows every segment of a folder that two writers append to at once', async () => {
    const dir = makeTempDir();
    const a = await LogWriter.open({ dir });
    const b = await LogWriter.open({ dir });
    const outbox = new Outbox({ dir, maxSegmentDurationMs: 600_000 }, fresh());
    const seen: string[] = [];
    for (let n = 1; n <= 20; n++) {
      await (n % 2 ? a : b).append([record(n)]);
      if (n % 5 === 0) seen.push(...ids(await drain(outbox, OOB_ONLY, 3)));
    }
    expect((await listSegments(dir)).length).toBe(2);
    expect(seen.map((id) => parseInt(id, 16)).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    await a.close();
    await b.close();
  });

  it('moves a closed, delivered segment into the watermark once it is old enough, and never reads it again', async () => {
    const dir = makeTempDir();
    const closed = await LogWriter.open({ dir });
    await closed.append([record(1)]);
    await closed.close();
    const writer = await LogWriter.open({ dir });
    await writer.append([record(2)]);
    let now = Date.now();
    const outbox = new Outbox({ dir, maxSegmentDurationMs: 600_000, now: () => now }, fresh());
    expect(ids(await drain(outbox, OOB_ONLY)).length).toBe(2);
    const [first, second] = (await listSegments(dir)).map((p) => p.split('/').pop()!);
    // Too young: a segment named a moment earlier could still appear.
    expect(outbox.checkpoint.done_through).toBe('');
    now += 61_000;
    await outbox.refresh();
    expect(outbox.checkpoint.done_through).toBe(first);
    // The second is still open (writable): it stays in the map.
    expect(Object.keys(outbox.checkpoint.segments)).toEqual([second]);
    await writer.close();
    await outbox.refresh();
    expect(outbox.checkpoint.done_through).toBe(second);
    expect(outbox.checkpoint.segments).toEqual({});
    // Resuming from that checkpoint reads nothing again.
    const again = new Outbox(
      { dir, maxSegmentDurationMs: 600_000 },
      { ...outbox.checkpoint, segments: {} },
    );
    expect(await drain(again, OOB_ONLY)).toEqual([]);
  });

  it('skips and reports the torn last line of a segment left writable by a killed writer', async () => {
    const dir = makeTempDir();
    const name = segmentName((Date.now() - 15 * 60_000) * 1000);
    const lines = `${JSON.stringify(record(1))}\n${JSON.stringify(record(2))}\n`;
    await fs.writeFile(join(dir, name), `${lines}{"type":"OOB","id":"000`, { mode: 0o644 });
    const outbox = new Outbox({ dir, maxSegmentDurationMs: 600_000 }, fresh());
    const batches = await drain(outbox, OOB_ONLY);
    expect(ids(batches).map((id) => parseInt(id, 16))).toEqual([1, 2]);
    expect(batches.at(-1)!.tornBytes).toBe('{"type":"OOB","id":"000'.length);
    expect(outbox.checkpoint.done_through).toBe(name);
  });

  it('waits for the rest of a line that is still being written in a live segment', async () => {
    const dir = makeTempDir();
    const name = segmentName(Date.now() * 1000);
    const line = JSON.stringify(record(1));
    await fs.writeFile(join(dir, name), line.slice(0, 10), { mode: 0o644 });
    const outbox = new Outbox({ dir, maxSegmentDurationMs: 600_000 }, fresh());
    expect(await drain(outbox, OOB_ONLY)).toEqual([]);
    await fs.appendFile(join(dir, name), `${line.slice(10)}\n`);
    expect(ids(await drain(outbox, OOB_ONLY)).map((id) => parseInt(id, 16))).toEqual([1]);
  });

  it('counts a non-JSON line as invalid and goes on', async () => {
    const dir = makeTempDir();
    const name = segmentName(Date.now() * 1000);
    await fs.writeFile(
      join(dir, name),
      `${JSON.stringify(record(1))}\nnot json\n${JSON.stringify(record(2))}\n`,
    );
    const outbox = new Outbox({ dir, maxSegmentDurationMs: 600_000 }, fresh());
    const batches = await drain(outbox, OOB_ONLY);
    expect(ids(batches).length).toBe(2);
    expect(batches.reduce((n, b) => n + b.invalid, 0)).toBe(1);
  });

  it('starts a new "now" hook after what is already written, and an "oldest" hook before it', async () => {
    const dir = makeTempDir();
    const closed = await LogWriter.open({ dir });
    await closed.append([record(1)]);
    await closed.close();
    const writer = await LogWriter.open({ dir });
    await writer.append([record(2)]);
    const now = new Outbox(
      { dir, maxSegmentDurationMs: 600_000 },
      await Outbox.initialCheckpoint(dir, 'a', 'now'),
    );
    const oldest = new Outbox(
      { dir, maxSegmentDurationMs: 600_000 },
      await Outbox.initialCheckpoint(dir, 'b', 'oldest'),
    );
    await writer.append([record(3)]);
    expect(ids(await drain(now, OOB_ONLY)).map((id) => parseInt(id, 16))).toEqual([3]);
    expect(ids(await drain(oldest, OOB_ONLY)).map((id) => parseInt(id, 16))).toEqual([1, 2, 3]);
    await writer.close();
  });

  it('measures lag in records (every type) and by the created time of the oldest one not passed', async () => {
    const dir = makeTempDir();
    const writer = await LogWriter.open({ dir });
    await writer.append([record(1), record(2, 'Reception'), record(3)]);
    const outbox = new Outbox({ dir, maxSegmentDurationMs: 600_000 }, fresh());
    await outbox.refresh();
    expect(await outbox.lag()).toEqual({ records: 3, oldestCreated: 1_700_000_001 });
    const batch = (await outbox.next(OOB_ONLY, 1, 1 << 20))!;
    outbox.commit(batch);
    // The batch of one OOB record also passed the Reception record after it.
    expect(await outbox.lag()).toEqual({ records: 1, oldestCreated: 1_700_000_003 });
    await drain(outbox, OOB_ONLY);
    expect(await outbox.lag()).toEqual({ records: 0, oldestCreated: null });
    await writer.close();
  });

  it('reports a segment removed before it was delivered', async () => {
    const dir = makeTempDir();
    const writer = await LogWriter.open({ dir });
    await writer.append([record(1), record(2)]);
    await writer.close();
    const outbox = new Outbox({ dir, maxSegmentDurationMs: 600_000 }, fresh());
    await outbox.refresh();
    const [segment] = await listSegments(dir);
    await fs.chmod(segment!, 0o644);
    await fs.unlink(segment!);
    const removed = await outbox.refresh();
    expect(removed).toEqual([
      expect.objectContaining({ name: segment!.split('/').pop(), lines: 2 }),
    ]);
    expect(await outbox.next(OOB_ONLY, 10, 1 << 20)).toBeNull();
  });
});
