// How the edge packs the messages of one event-loop turn into BullMQ jobs, and how a
// worker reads every version of a message job back.
import {
  BATCH_MAX_BYTES,
  BATCH_MAX_MESSAGES,
  batchId,
  batchesOf,
  decodeJobs,
  encodeJobs,
} from '../../../src/queue/bullmq';
import type { Job } from '../../../src/queue/job';
import { reportJob } from '../../helpers/jobs';

function job(id: string, raw: Uint8Array = Buffer.from(`Subject: ${id}\r\n\r\nbody\r\n`)): Job {
  return reportJob(raw, id, `${id}@bounce.example.com`);
}

const size = (j: Job) => j.raw.byteLength;

describe('batchesOf', () => {
  it('keeps the messages of one turn in one job, in order', () => {
    const jobs = ['a', 'b', 'c'].map((id) => job(id));
    expect(batchesOf(jobs, size)).toEqual([jobs]);
  });

  it(`starts a new job after ${BATCH_MAX_MESSAGES} messages`, () => {
    const jobs = Array.from({ length: BATCH_MAX_MESSAGES * 2 + 1 }, (_, i) => job(`m${i}`));
    const batches = batchesOf(jobs, size);
    expect(batches.map((b) => b.length)).toEqual([BATCH_MAX_MESSAGES, BATCH_MAX_MESSAGES, 1]);
    expect(batches.flat()).toEqual(jobs);
  });

  it('starts a new job before the raw bytes would pass the limit, and sends a larger message alone', () => {
    const third = Math.floor(BATCH_MAX_BYTES / 3);
    const jobs = [
      job('a', new Uint8Array(third)),
      job('b', new Uint8Array(third)),
      job('c', new Uint8Array(third + 10)),
      job('big', new Uint8Array(BATCH_MAX_BYTES + 1)),
      job('d', new Uint8Array(10)),
    ];
    expect(batchesOf(jobs, size).map((b) => b.map((j) => j.envelope.id))).toEqual([
      ['a', 'b'],
      ['c'],
      ['big'],
      ['d'],
    ]);
  });

  it('makes no job of an empty turn', () => {
    expect(batchesOf([], size)).toEqual([]);
  });
});

describe('message job data', () => {
  it('carries every octet of each message through JSON (version 3, Latin-1)', () => {
    const octets = Uint8Array.from({ length: 256 }, (_, i) => i);
    const jobs = [job('a', octets), job('b')];
    const back = decodeJobs(JSON.parse(JSON.stringify(encodeJobs(jobs))) as never);
    expect(back.map((j) => j.envelope)).toEqual(jobs.map((j) => j.envelope));
    expect(Buffer.from(back[0]!.raw).equals(Buffer.from(octets))).toBe(true);
    expect(back[1]!.recipients).toEqual(jobs[1]!.recipients);
  });

  it('reads the one-message jobs of earlier versions (1: base64, 2: Latin-1)', () => {
    const one = job('old', Buffer.from('Subject: Empfänger\r\n\r\n', 'utf8'));
    const { raw, ...rest } = one;
    const v1 = { v: 1, ...rest, raw: Buffer.from(raw).toString('base64') };
    const v2 = { v: 2, ...rest, raw: Buffer.from(raw).toString('latin1') };
    for (const data of [v1, v2]) {
      const [back, ...more] = decodeJobs(data as never);
      expect(more).toEqual([]);
      expect(back!.envelope.id).toBe('old');
      expect(Buffer.from(back!.raw).equals(Buffer.from(raw))).toBe(true);
    }
  });

  it('refuses data that is no oobd message job, naming the versions it reads', () => {
    for (const data of [null, {}, { v: 4 }, { v: 3, messages: [] }, { v: 3, messages: [{}] }]) {
      expect(() => decodeJobs(data as never)).toThrow(/version 1, 2 or 3/);
    }
  });
});

describe('batchId', () => {
  it('names a batch by the ids it carries, in a form BullMQ takes as a custom id', () => {
    const a = batchId([job('a'), job('b')]);
    expect(a).toMatch(/^b[0-9a-f]{32}$/);
    expect(batchId([job('a'), job('b')])).toBe(a);
    expect(batchId([job('b'), job('a')])).not.toBe(a);
    expect(batchId([job('a')])).not.toBe(a);
  });
});
