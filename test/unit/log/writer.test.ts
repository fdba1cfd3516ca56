import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { makeRecord, rfc3339, type LogRecord } from '../../../src/log/record';
import { listSegments, readAllRecords } from '../../../src/log/reader';
import { LogWriter, segmentName } from '../../../src/log/writer';
import { makeTempDir } from '../../helpers/service';

function record(n: number): LogRecord {
  return makeRecord(
    { id: n.toString(16).padStart(32, '0'), created: new Date(0), nodeid: 'n', session_id: 's' },
    {
      type: 'Reception',
      sender: `s${n}@example.com`,
      recipient: 'r@example.com',
      queue: 'example.com',
      response: { code: 250, enhanced_code: null, content: '', command: null },
      peer_address: null,
    },
  );
}

describe('log segments', () => {
  it('names segments YYYYMMDD-HHMMSS.ffffff in UTC', () => {
    expect(segmentName(Date.UTC(2024, 10, 7, 17, 20, 5, 123) * 1000 + 456)).toBe(
      '20241107-172005.123456',
    );
  });

  it('writes records in KumoMTA key order, one JSON object per line', async () => {
    const dir = makeTempDir();
    const writer = await LogWriter.open({ dir });
    await writer.append([record(1)]);
    await writer.close();
    const [segment] = await listSegments(dir);
    const line = (await fs.readFile(segment!, 'utf8')).trimEnd();
    expect(Object.keys(JSON.parse(line))).toEqual([
      'type',
      'id',
      'sender',
      'recipient',
      'queue',
      'site',
      'size',
      'response',
      'peer_address',
      'timestamp',
      'event_time',
      'created',
      'created_time',
      'num_attempts',
      'bounce_classification',
      'egress_pool',
      'egress_source',
      'source_address',
      'feedback_report',
      'meta',
      'headers',
      'delivery_protocol',
      'reception_protocol',
      'nodeid',
      'session_id',
    ]);
  });

  it('keeps the node id across restarts', async () => {
    const dir = makeTempDir();
    const a = await LogWriter.open({ dir });
    await a.close();
    const b = await LogWriter.open({ dir });
    await b.close();
    expect(a.nodeid).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.nodeid).toBe(a.nodeid);
  });

  it('rotates by size and makes closed segments read-only', async () => {
    const dir = makeTempDir();
    const writer = await LogWriter.open({ dir, maxSegmentBytes: 1500, fsync: false });
    for (let i = 0; i < 6; i++) await writer.append([record(i)]);
    const open = writer.currentSegment;
    const segments = await listSegments(dir);
    expect(segments.length).toBeGreaterThanOrEqual(3);
    for (const path of segments.filter((p) => p !== open)) {
      expect((await fs.stat(path)).mode & 0o222).toBe(0);
    }
    await writer.close();
    expect((await fs.stat(open!)).mode & 0o222).toBe(0);
    expect((await readAllRecords(dir)).map((r) => r.sender)).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => `s${i}@example.com`),
    );
  });

  it('closes a segment when it reaches max_segment_duration, even when idle', async () => {
    const dir = makeTempDir();
    const writer = await LogWriter.open({ dir, maxSegmentDurationMs: 100 });
    await writer.append([record(1)]);
    const first = writer.currentSegment!;
    // The age timer fires after 100 ms; a loaded machine may take longer to close the
    // file and make it read-only.
    const readOnly = async () => ((await fs.stat(first)).mode & 0o222) === 0;
    for (let waited = 0; !(await readOnly()) && waited < 5000; waited += 25) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(writer.currentSegment).toBeNull();
    expect(await readOnly()).toBe(true);
    await writer.append([record(2)]);
    expect(writer.currentSegment).not.toBe(first);
    await writer.close();
  });

  it('group-commits concurrent appends in order, with fdatasync, and resolves each once it is written', async () => {
    const dir = makeTempDir();
    const writer = await LogWriter.open({ dir, fsync: true });
    await Promise.all(Array.from({ length: 200 }, (_, i) => writer.append([record(i)])));
    expect(writer.recordsWritten).toBe(200);
    await writer.close();
    const records = await readAllRecords(dir);
    expect(records.map((r) => r.sender)).toEqual(
      Array.from({ length: 200 }, (_, i) => `s${i}@example.com`),
    );
  });

  it('writes the appends of one event-loop turn in one write, without fsync too', async () => {
    const dir = makeTempDir();
    const writer = await LogWriter.open({ dir });
    await writer.append([record(0)]); // opens the segment
    const before = writer.batchesWritten;
    await Promise.all(Array.from({ length: 50 }, (_, i) => writer.append([record(i + 1)])));
    expect(writer.batchesWritten - before).toBe(1);
    expect(writer.recordsWritten).toBe(51);
    await writer.close();
    expect((await readAllRecords(dir)).map((r) => r.sender)).toEqual(
      Array.from({ length: 51 }, (_, i) => `s${i}@example.com`),
    );
  });

  it('writes records with non-ASCII text intact and counts their UTF-8 bytes, without fsync and with it', async () => {
    for (const fsync of [false, true]) {
      const dir = makeTempDir();
      const writer = await LogWriter.open({ dir, fsync });
      const wide = { ...record(1), sender: 'jörg@exämple.com', queue: '例え.jp' };
      await Promise.all([writer.append([record(0)]), writer.append([wide])]);
      const path = writer.currentSegment!;
      const size = (await fs.stat(path)).size;
      expect(writer.bytesWritten).toBe(size);
      await writer.close();
      const records = await readAllRecords(dir);
      expect(records.map((r) => [r.sender, r.queue])).toEqual([
        ['s0@example.com', 'example.com'],
        ['jörg@exämple.com', '例え.jp'],
      ]);
      expect(size).toBeGreaterThan(Buffer.byteLength(JSON.stringify(record(0))) * 2);
    }
  });

  it('rejects appends with OOBD_LOG_WRITE_FAILED when the folder is gone, and recovers', async () => {
    const dir = makeTempDir();
    const writer = await LogWriter.open({ dir, maxSegmentBytes: 10 });
    await writer.append([record(1)]);
    await fs.rm(dir, { recursive: true });
    await fs.writeFile(dir, 'not a folder');
    await expect(writer.append([record(2)])).rejects.toMatchObject({
      code: 'OOBD_LOG_WRITE_FAILED',
    });
    await fs.rm(dir);
    await fs.mkdir(dir);
    await writer.append([record(3)]);
    await writer.close();
    expect((await readAllRecords(dir)).map((r) => r.sender)).toEqual(['s3@example.com']);
  });

  it('refuses appends after close', async () => {
    const writer = await LogWriter.open({ dir: makeTempDir() });
    await writer.close();
    await expect(writer.append([record(1)])).rejects.toMatchObject({
      code: 'OOBD_LOG_WRITE_FAILED',
    });
  });

  it('prints whole seconds without a fraction, as KumoMTA does', () => {
    expect(rfc3339(new Date(Date.UTC(1994, 6, 7, 21, 15, 49)))).toBe('1994-07-07T21:15:49Z');
    expect(rfc3339(new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 5)))).toBe('2024-01-01T00:00:00.005Z');
  });
});

describe('log reader', () => {
  it('skips a torn last line instead of failing', async () => {
    const dir = makeTempDir();
    await fs.writeFile(
      join(dir, '20240101-000000.000000'),
      `${JSON.stringify(record(1))}\n{"type":"Recep`,
    );
    expect((await readAllRecords(dir)).length).toBe(1);
  });
});
