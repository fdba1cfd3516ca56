// Nothing accepted is lost: when a record cannot be written or the pool is full the
// client gets a 4xx and keeps the message.
import { promises as fs } from 'node:fs';
import { sendMessage } from '../helpers/smtp-client';
import { dsnMessage, startTestService, type TestService } from '../helpers/service';

describe('when records cannot be written', () => {
  let t: TestService;
  beforeAll(async () => {
    // One record batch per segment, so every message opens a new segment file.
    t = await startTestService({ config: { logs: { max_segment_bytes: 1 } } });
  });
  afterAll(() => t.stop());

  it('answers 451 4.3.0 instead of 250, and accepts again once the folder is back', async () => {
    await fs.rm(t.logsDir, { recursive: true });
    await fs.writeFile(t.logsDir, 'the log folder is gone');
    const failed = await sendMessage(t.port, { from: '', to: ['a@bounce.example.com'], message: dsnMessage() });
    expect(failed.code).toBe(451);
    expect(failed.text).toBe('4.3.0 temporary failure, try again later');
    await fs.rm(t.logsDir);
    await fs.mkdir(t.logsDir);
    const ok = await sendMessage(t.port, { from: '', to: ['a@bounce.example.com'], message: dsnMessage() });
    expect(ok.code).toBe(250);
    const id = ok.text.slice('OK id='.length);
    await t.waitForRecords((all) => all.some((r) => r.id === id && r.type === 'Reception'));
  });
});

describe('back-pressure', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ config: { classifier: { pool_size: 1, back_pressure: 1 } } });
  });
  afterAll(() => t.stop());

  it('answers 451 4.3.0 when back_pressure messages already wait, with a Rejection record each', async () => {
    // A large report keeps the single thread busy while the others arrive.
    const parts = Array.from({ length: 3000 }, (_, i) => `--b1\r\nContent-Type: text/plain\r\n\r\npart ${i} ${'y'.repeat(900)}\r\n`);
    const big = dsnMessage().replace('--b1--', `${parts.join('')}--b1--`);
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        sendMessage(t.port, { from: '', to: [`bp${i}@bounce.example.com`], message: big }),
      ),
    );
    const codes = replies.map((r) => r.code);
    expect(codes.every((c) => c === 250 || c === 451)).toBe(true);
    expect(codes).toContain(451);
    expect(codes).toContain(250);
    const busy = replies.filter((r) => r.code === 451);
    expect(busy.every((r) => r.text === '4.3.0 too busy, try again later')).toBe(true);
    await t.waitForRecords(
      (all) => all.filter((r) => r.type === 'Rejection' && r.response.code === 451).length === busy.length,
    );
  });
});
