// serve inline parses small messages on the SMTP thread and larger ones on parse
// threads (classifier.smtp_thread_max_bytes, pipeline/local.ts, docs/parsing.md).
import {
  classificationOf,
  dsnMessage,
  startTestService,
  type TestService,
} from '../helpers/service';

/** oobd_parse_threads as /metrics would show it now. */
async function parseThreads(t: TestService): Promise<number | undefined> {
  const metric = await t.service.metrics.registry.getSingleMetric('oobd_parse_threads')?.get();
  return metric?.values[0]?.value;
}

/** A DSN padded past `bytes` with a text part. */
function largeDsn(bytes: number, recipient: string): string {
  return dsnMessage({ recipient }).replace(
    '--b1--',
    `--b1\r\nContent-Type: text/plain\r\n\r\n${'z'.repeat(bytes)}\r\n--b1--`,
  );
}

describe('serve inline with the default smtp_thread_max_bytes', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ config: { classifier: { pool_size: 2 } } });
  });
  afterAll(() => t?.stop());

  it('parses a small message on the SMTP thread without starting a parse thread', async () => {
    expect(await classificationOf(t, dsnMessage({ recipient: 'a@remote.example' }))).toBe(
      'InvalidRecipient',
    );
    expect(await parseThreads(t)).toBe(0);
  });

  it('still parses a message above 16 KiB on pool_size parse threads, with the same outcome', async () => {
    expect(await classificationOf(t, largeDsn(20 * 1024, 'b@remote.example'))).toBe(
      'InvalidRecipient',
    );
    expect(await parseThreads(t)).toBe(2);
    // Small messages stay on the SMTP thread once the threads run.
    expect(await classificationOf(t, dsnMessage({ recipient: 'c@remote.example' }))).toBe(
      'InvalidRecipient',
    );
  });
});

describe('serve inline with smtp_thread_max_bytes = 0', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({
      config: { classifier: { pool_size: 1, smtp_thread_max_bytes: 0 } },
    });
  });
  afterAll(() => t?.stop());

  it('parses every message on the parse threads, started with the service', async () => {
    expect(await parseThreads(t)).toBe(1);
    expect(await classificationOf(t, dsnMessage({ recipient: 'd@remote.example' }))).toBe(
      'InvalidRecipient',
    );
  });
});

describe('serve inline with a smaller smtp_thread_max_bytes', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({
      config: { classifier: { pool_size: 1, smtp_thread_max_bytes: '4KB' } },
    });
  });
  afterAll(() => t?.stop());

  it('sends a message just above it to a parse thread', async () => {
    expect(await parseThreads(t)).toBe(0);
    expect(await classificationOf(t, largeDsn(5 * 1024, 'e@remote.example'))).toBe(
      'InvalidRecipient',
    );
    expect(await parseThreads(t)).toBe(1);
  });
});
