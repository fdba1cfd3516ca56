// Nothing accepted is lost: when a record cannot be written or the pool is full the
// client gets a 4xx and keeps the message.
import { promises as fs } from 'node:fs';
import { sendMessage } from '../helpers/smtp-client';
import {
  BACKENDS,
  dsnMessage,
  startBackendService,
  startTestService,
  type TestService,
} from '../helpers/service';

describe('when records cannot be written', () => {
  let t: TestService;
  beforeAll(async () => {
    // One record batch per segment, so every message opens a new segment file.
    t = await startTestService({ config: { logs: { max_segment_bytes: 1 } } });
  });
  afterAll(() => t?.stop());

  it('answers 451 4.3.0 instead of 250, and accepts again once the folder is back', async () => {
    await fs.rm(t.logsDir, { recursive: true });
    await fs.writeFile(t.logsDir, 'the log folder is gone');
    const failed = await sendMessage(t.port, {
      from: '',
      to: ['a@bounce.example.com'],
      message: dsnMessage(),
    });
    expect(failed.code).toBe(451);
    expect(failed.text).toBe('4.3.0 temporary failure, try again later');
    await fs.rm(t.logsDir);
    await fs.mkdir(t.logsDir);
    const ok = await sendMessage(t.port, {
      from: '',
      to: ['a@bounce.example.com'],
      message: dsnMessage(),
    });
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
  afterAll(() => t?.stop());

  it('answers 451 4.3.0 when back_pressure messages already wait, with a Rejection record each', async () => {
    // A large report keeps the single thread busy while the others arrive.
    const parts = Array.from(
      { length: 3000 },
      (_, i) => `--b1\r\nContent-Type: text/plain\r\n\r\npart ${i} ${'y'.repeat(900)}\r\n`,
    );
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
      (all) =>
        all.filter((r) => r.type === 'Rejection' && r.response.code === 451).length === busy.length,
    );
  });
});

describe.each(BACKENDS)('hostile messages over SMTP (%s)', (mode) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startBackendService(mode, { config: { smtp: { max_message_size: '20MB' } } });
  });
  afterAll(() => t?.stop());

  const parts = Array.from(
    { length: 10_000 },
    (_, i) => `--b1\r\nContent-Type: text/plain\r\n\r\n${i}\r\n`,
  ).join('');
  let seed = 7;
  const random = Buffer.alloc(256 * 1024);
  for (let i = 0; i < random.length; i++)
    random[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  const cases: Array<[string, string | Buffer]> = [
    ['random bytes', random],
    [
      'NUL bytes in headers and body',
      `Content-Type: multipart/report; boundary=b1\r\nSubject: \0\0\0\r\n\r\n\0--b1\0\r\n`,
    ],
    [
      'a 1 MB header line',
      `Subject: ${'x'.repeat(1024 * 1024)}\r\nContent-Type: multipart/report; boundary=b1\r\n\r\n--b1--\r\n`,
    ],
    ['10,000 parts', dsnMessage().replace('--b1--', `${parts}--b1--`)],
    ['truncated MIME without a closing boundary', dsnMessage().slice(0, 700)],
    [
      'invalid base64 in the status part',
      dsnMessage().replace(
        'Content-Type: message/delivery-status',
        'Content-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64***',
      ),
    ],
  ];

  it.each(cases)(
    'accepts or refuses %s, keeps serving and logs what it accepted',
    async (_name, message) => {
      const reply = await sendMessage(t.port, { from: '', to: ['h@bounce.example.com'], message });
      expect([250, 550]).toContain(reply.code);
      if (reply.code === 250) {
        const id = reply.text.slice('OK id='.length);
        await t.waitForRecords((all) => all.some((r) => r.id === id && r.type === 'Reception'));
      }
      const after = await sendMessage(t.port, {
        from: '',
        to: ['h@bounce.example.com'],
        message: dsnMessage(),
      });
      expect(after.code).toBe(250);
    },
  );
});
