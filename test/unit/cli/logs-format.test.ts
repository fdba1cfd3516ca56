// The pure parts of `oobd logs`: time bounds, readable lines, the summary.
import { formatRecord, parseTimeBound } from '../../../src/cli/logs';
import type { LogRecord } from '../../../src/log/record';

describe('oobd logs time bounds', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('reads a time without a zone as UTC, whatever the local zone, as records print it', () => {
    for (const tz of ['UTC', 'Asia/Tokyo', 'America/Los_Angeles']) {
      process.env.TZ = tz;
      expect({ tz, at: parseTimeBound('--since', '2026-11-30T17:20:00', 0) }).toEqual({
        tz,
        at: Date.UTC(2026, 10, 30, 17, 20),
      });
      expect({ tz, at: parseTimeBound('--since', '2026-11-30 17:20', 0) }).toEqual({
        tz,
        at: Date.UTC(2026, 10, 30, 17, 20),
      });
    }
  });

  it('keeps an explicit zone and reads a date alone as UTC midnight', () => {
    expect(parseTimeBound('--since', '2026-11-30T17:20:00+09:00', 0)).toBe(
      Date.UTC(2026, 10, 30, 8, 20),
    );
    expect(parseTimeBound('--since', '2026-11-30T17:20:00Z', 0)).toBe(
      Date.UTC(2026, 10, 30, 17, 20),
    );
    expect(parseTimeBound('--until', '2026-11-30', 0)).toBe(Date.UTC(2026, 10, 30));
  });

  it('takes a duration back from now and refuses anything else, naming the option', () => {
    expect(parseTimeBound('--since', '2h', 10_000_000)).toBe(10_000_000 - 7_200_000);
    expect(() => parseTimeBound('--until', 'yesterday', 0)).toThrow(/--until: expected a duration/);
  });
});

describe('oobd logs readable lines', () => {
  function record(created: string, event: string): LogRecord {
    return {
      type: 'OOB',
      id: '0'.repeat(32),
      sender: 'bounce@example.com',
      recipient: 'user@example.net',
      queue: 'example.com',
      site: '',
      size: 0,
      response: { code: 550, enhanced_code: null, content: 'no such user', command: null },
      peer_address: null,
      timestamp: 0,
      event_time: event,
      created: 0,
      created_time: created,
      num_attempts: 0,
      bounce_classification: 'InvalidRecipient',
      egress_pool: null,
      egress_source: null,
      source_address: null,
      feedback_report: null,
      meta: {},
      headers: {},
      delivery_protocol: null,
      reception_protocol: 'ESMTP',
      nodeid: '00000000-0000-0000-0000-000000000000',
      session_id: '00000000-0000-0000-0000-000000000000',
    } as LogRecord;
  }

  it("shows the record's own time only when it differs from the reception by a second or more", () => {
    const same = formatRecord(record('2026-11-30T17:20:00.100Z', '2026-11-30T17:20:00.104Z'));
    expect(same).not.toContain('(event');
    const old = formatRecord(record('2026-11-30T17:20:00.100Z', '1994-05-01T10:00:00Z'));
    expect(old).toContain('2026-11-30T17:20:00.100Z (event 1994-05-01T10:00:00Z) OOB');
  });
});
