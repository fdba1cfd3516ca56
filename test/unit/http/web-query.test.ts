// The web view's filters, read from query strings.
import {
  QueryError,
  decodeCursor,
  encodeCursor,
  parseTime,
  parseWebQuery,
} from '../../../src/http/web-query';

const NOW = Date.UTC(2025, 0, 31, 12, 0, 0);

describe('web view query', () => {
  it('reads times as durations back from now, RFC 3339 date-times, dates or Unix seconds', () => {
    expect(parseTime('since', '15m', NOW)).toBe(NOW / 1000 - 900);
    expect(parseTime('since', '1d', NOW)).toBe(NOW / 1000 - 86_400);
    expect(parseTime('since', '2025-01-31T08:00:00Z', NOW)).toBe(Date.UTC(2025, 0, 31, 8) / 1000);
    expect(parseTime('since', '2025-01-31T08:00:00+01:00', NOW)).toBe(
      Date.UTC(2025, 0, 31, 7) / 1000,
    );
    // No zone: UTC, as every time the view shows.
    expect(parseTime('since', '2025-01-31T08:00', NOW)).toBe(Date.UTC(2025, 0, 31, 8) / 1000);
    expect(parseTime('until', '2025-01-31', NOW)).toBe(Date.UTC(2025, 0, 31) / 1000);
    expect(parseTime('since', '1738281600', NOW)).toBe(1738281600);
    expect(parseTime('since', '', NOW)).toBeNull();
  });

  it('names the parameter of a time it cannot read', () => {
    for (const bad of ['yesterday', '90', '2025-13-45T00:00:00Z', '-1h'])
      expect(() => parseTime('until', bad, NOW)).toThrow(/^until: expected a duration/);
  });

  it('reads types, classes, domain, limit and cursor', () => {
    const q = parseWebQuery(
      new URLSearchParams(
        'type=oob,MDN&class=InvalidRecipient, BadDomain&domain=@Example.COM.&limit=5000&since=1h',
      ),
      NOW,
    );
    expect([...q.types!]).toEqual(['OOB', 'MDN']);
    expect([...q.classes!]).toEqual(['invalidrecipient', 'baddomain']);
    expect(q.domain).toBe('example.com');
    expect(q.limit).toBe(1000);
    expect(q.since).toBe(NOW / 1000 - 3600);
    expect(q.until).toBeNull();
    expect(q.cursor).toBeNull();
  });

  it('applies a default only where the parameter is absent (an empty since means all time)', () => {
    expect(parseWebQuery(new URLSearchParams(''), NOW, { since: '24h' }).since).toBe(
      NOW / 1000 - 86_400,
    );
    expect(parseWebQuery(new URLSearchParams('since='), NOW, { since: '24h' }).since).toBeNull();
  });

  it('refuses unknown types, bad limits and foreign cursors', () => {
    expect(() => parseWebQuery(new URLSearchParams('type=Reception'), NOW)).toThrow(QueryError);
    expect(() => parseWebQuery(new URLSearchParams('limit=0'), NOW)).toThrow(/^limit:/);
    expect(() => parseWebQuery(new URLSearchParams('cursor=../../etc'), NOW)).toThrow(/^cursor:/);
    expect(() => parseWebQuery(new URLSearchParams(`domain=${'a'.repeat(1001)}`), NOW)).toThrow(
      /^domain:/,
    );
  });

  it('round-trips a cursor', () => {
    const cursor = { created: 1738281600, segment: '20250131-080000.000000', start: 4096 };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });
});
