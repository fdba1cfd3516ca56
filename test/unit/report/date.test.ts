import { parseCanonical, parseDate, parseLenient } from '../../../src/report/date';

const iso = (s: string | null): string | null => parseDate(s)?.toISOString() ?? null;

describe('lenient date reading', () => {
  it.each([
    ['Thu, 02 Jul 26 18:55:38 UTC', '2026-07-02T18:55:38.000Z'],
    ['Thu, 7 Jul 1994 17:15:49 -0400', '1994-07-07T21:15:49.000Z'],
    ['Wed, 29 Jan 2025 17:36:51 +0100 (CET)', '2025-01-29T16:36:51.000Z'],
    ['Thu, 8 Mar 2005 14:00:00 EDT', '2005-03-08T18:00:00.000Z'],
    ['Thu, 29 Apr 2013 23:45:50 PST', '2013-04-30T07:45:50.000Z'],
    ['Thu, 9 Apr 2006 23:34:45 JST', '2006-04-09T14:34:45.000Z'],
    ['Thu, 29 Apr 2006 23:34:45 GMT', '2006-04-29T23:34:45.000Z'],
    ['Sun, 05 Jan 2025 18:03:23 -0400', '2025-01-05T22:03:23.000Z'],
    ['Mon, 20 Sep 2021 21:32:59 +0200 (GMT+02:00)', '2021-09-20T19:32:59.000Z'],
    ['Thu,29 Apr 2010 23:34:45 +0900', '2010-04-29T14:34:45.000Z'],
  ])('reads %s', (input, expected) => {
    expect(iso(input)).toBe(expected);
  });

  it('ignores a wrong or missing weekday', () => {
    expect(iso('Mon, 02 Jul 2026 18:55:38 +0000')).toBe('2026-07-02T18:55:38.000Z');
    expect(iso('02 Jul 2026 18:55:38 +0000')).toBe('2026-07-02T18:55:38.000Z');
  });

  it('reads a time without seconds', () => {
    expect(iso('Tue, 1 Jul 2003 10:52 +0200')).toBe('2003-07-01T08:52:00.000Z');
  });

  it('takes the zone from a comment when the value has none', () => {
    expect(iso('Thu, 29 Apr 2006 23:34:45 (EDT)')).toBe('2006-04-30T03:34:45.000Z');
  });

  it('takes a numeric zone over the comment after it', () => {
    expect(iso('Wed, 20 Sep 1995 00:19:00 (EDT) -0400')).toBe('1995-09-20T04:19:00.000Z');
  });

  it('reads two- and three-digit years as RFC 5322 section 4.3 says', () => {
    expect(iso('1 Jan 49 00:00:00 +0000')).toBe('2049-01-01T00:00:00.000Z');
    expect(iso('1 Jan 50 00:00:00 +0000')).toBe('1950-01-01T00:00:00.000Z');
    expect(iso('1 Jan 104 00:00:00 +0000')).toBe('2004-01-01T00:00:00.000Z');
  });

  it('reads military zones as -0000 (RFC 5322 section 4.3)', () => {
    expect(iso('Thu, 02 Jul 2026 18:55:38 A')).toBe('2026-07-02T18:55:38.000Z');
  });

  it('reads ISO 8601, numeric dates and asctime', () => {
    expect(iso('2017-04-29T23:34:45Z')).toBe('2017-04-29T23:34:45.000Z');
    expect(iso('2017-04-29T23:34:45+09:00')).toBe('2017-04-29T14:34:45.000Z');
    expect(iso('29-04-2017 23:34')).toBe('2017-04-29T23:34:00.000Z');
    expect(iso('Thu Apr 29 23:34:45 2010')).toBe('2010-04-29T23:34:45.000Z');
  });

  it('gives null for values that are no date, never an error', () => {
    for (const bad of [
      'not a date',
      '',
      '99999999',
      'Fri, 31 Feb 2020 10:00:00 +0000',
      '2013-07-08 18-21-01x',
      'Thu, 45 Jul 2026 25:61:00',
      'x'.repeat(100_000),
    ]) {
      expect(iso(bad)).toBeNull();
    }
    expect(iso(null)).toBeNull();
  });
});

describe('the one-pass reader for the canonical form', () => {
  // A seeded generator, so a failure names an input that reproduces.
  function* canonicalVariants(count: number): Generator<string> {
    let seed = 20261122;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pick = <T>(items: readonly T[]): T => items[next(items.length)] as T;
    const pad = (n: number): string => String(n).padStart(2, '0');
    for (let k = 0; k < count; k++) {
      const day = next(33); // 0 and 32 are invalid; 29–31 are invalid in some months
      const parts = [
        pick(['', 'Mon, ', 'Tue,', 'wed,  ', 'Sunday, ', 'Xyz, ', '1, ']),
        pick([String(day), pad(day), ` ${day}`]),
        pick([' ', '  ', '\t']),
        pick([
          'Jan',
          'feb',
          'MAR',
          'Apr',
          'May',
          'Jun',
          'Jul',
          'Aug',
          'Sep',
          'Oct',
          'Nov',
          'Dec',
          'Foo',
          'June',
        ]),
        ' ',
        pick(['2024', '2025', '1899', '99', '10000']),
        ' ',
        `${pick(['00', '09', '23', '24', '9'])}:${pick(['00', '59', '60'])}${pick(['', ':00', ':60', ':5', ':07.250'])}`,
        pick([' ', '']),
        pick(['+0000', '-0400', '+0530', '+2400', '+0060', '-9999', 'GMT', '+09:00', '']),
        pick(['', ' ', ' (CET)', ' (PST', ' (a (b) c)', ' (x) y', ' (GMT+02:00)\t']),
      ];
      yield parts.join('');
    }
  }

  it('reads every canonical variant exactly as the general reader does', () => {
    const mismatches: string[] = [];
    let readInOnePass = 0;
    for (const input of canonicalVariants(20_000)) {
      if (parseCanonical(input) !== undefined) readInOnePass++;
      const fast = parseDate(input)?.getTime() ?? null;
      const general = parseLenient(input)?.getTime() ?? null;
      if (fast !== general) mismatches.push(`${JSON.stringify(input)}: ${fast} vs ${general}`);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The comparison means something only if the one-pass reader took many of them.
    expect(readInOnePass).toBeGreaterThan(500);
  });
});
