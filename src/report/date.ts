// Lenient RFC 5322 §3.3 date-time reader, with the obsolete syntax of §4.3 (two- and
// three-digit years, alphabetic zones, military zones) and what MTAs send besides:
// `(CET)` comments, `UTC`, `GMT+02:00`, missing seconds, a missing or wrong weekday,
// asctime order, ISO 8601. A value it cannot make sense of gives null, never an error.
//
// Ours, not `new Date()` (which mailparser uses): V8's reader agrees on the corpus's
// dates, but it does not know JST or a zone given only in a comment, reads a date
// without a zone in the machine's local time, rolls 31 Feb into March, reads "1 Jan
// 104" as the year 104 and "x 1" as 1 January 2001 (bench/building-blocks.js).

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Offsets in minutes east of UTC. RFC 5322 §4.3 names first, then common abbreviations. */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  wet: 0,
  west: 60,
  bst: 60,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  mez: 60,
  mesz: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  ist: 330,
  pkt: 300,
  ict: 420,
  wib: 420,
  hkt: 480,
  sgt: 480,
  awst: 480,
  pht: 480,
  jst: 540,
  kst: 540,
  acst: 570,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
  hst: -600,
  akst: -540,
  akdt: -480,
  ast: -240,
  adt: -180,
  nst: -210,
  brt: -180,
  art: -180,
};

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function allDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isDigit(s.charCodeAt(i))) return true;
  return false;
}

function isAlpha(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** Minutes east of UTC, or NaN when not given. */
  zone: number;
}

/** Nothing read yet: -1 for the fields a date must have, 0 for those it may omit. */
function emptyParts(): Parts {
  return { year: -1, month: -1, day: -1, hour: -1, minute: 0, second: 0, ms: 0, zone: Number.NaN };
}

/** `+hhmm`, `-hh:mm`, `+hh`; returns minutes or NaN. */
function parseOffset(s: string): number {
  const sign = s.charCodeAt(0) === 0x2d ? -1 : 1;
  const body = s.slice(1).replace(':', '');
  if (!allDigits(body) || body.length > 4) return Number.NaN;
  let h: number;
  let m = 0;
  if (body.length <= 2) h = Number(body);
  else {
    h = Number(body.slice(0, body.length - 2));
    m = Number(body.slice(body.length - 2));
  }
  if (h > 23 || m > 59) return Number.NaN;
  return sign * (h * 60 + m);
}

/** An alphabetic zone, possibly with an offset glued on (`GMT+0200`, `UTC+2`). */
function parseZoneName(s: string): number {
  const lower = s.toLowerCase();
  let i = 0;
  while (i < lower.length && lower.charCodeAt(i) >= 0x61 && lower.charCodeAt(i) <= 0x7a) i++;
  const name = lower.slice(0, i);
  const rest = lower.slice(i);
  let base: number | undefined = ZONES[name];
  if (base === undefined && name.length === 1 && name !== 'j') base = 0; // RFC 5322 §4.3 military: -0000
  if (base === undefined) return Number.NaN;
  if (rest === '') return base;
  if (
    (rest.charCodeAt(0) === 0x2b || rest.charCodeAt(0) === 0x2d) &&
    (name === 'gmt' || name === 'utc' || name === 'ut')
  ) {
    return parseOffset(rest);
  }
  return Number.NaN;
}

function parseTime(tok: string, p: Parts): boolean {
  // hh:mm[:ss[.fff]] with an optional zone glued on ("23:34:45Z", "23:34:45+09:00").
  let t = tok;
  let zone = '';
  for (let i = 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x2b || c === 0x2d || c === 0x5a || c === 0x7a) {
      zone = t.slice(i);
      t = t.slice(0, i);
      break;
    }
  }
  const pieces = t.split(':');
  if (pieces.length < 2 || pieces.length > 3) return false;
  const [hs, ms, ssRaw] = pieces;
  if (
    hs === undefined ||
    ms === undefined ||
    !allDigits(hs) ||
    !allDigits(ms) ||
    hs.length > 2 ||
    ms.length > 2
  )
    return false;
  let ss = ssRaw ?? '0';
  let frac = 0;
  const dot = ss.indexOf('.');
  if (dot >= 0) {
    const f = ss.slice(dot + 1);
    if (allDigits(f)) frac = Math.floor(Number(`0.${f}`) * 1000);
    ss = ss.slice(0, dot);
  }
  if (!allDigits(ss) || ss.length > 2) return false;
  p.hour = Number(hs);
  p.minute = Number(ms);
  p.second = Number(ss);
  p.ms = frac;
  if (zone !== '') {
    const z = zone === 'Z' || zone === 'z' ? 0 : parseOffset(zone);
    if (!Number.isNaN(z)) p.zone = z;
  }
  return true;
}

/** `2017-04-29`, `29-04-2017`, `2017/04/29`, `29.04.2017`, `2-Jul-2026`. */
function parseNumericDate(tok: string, p: Parts): boolean {
  let sep = '';
  for (const c of ['-', '/', '.']) {
    if (tok.indexOf(c) > 0) {
      sep = c;
      break;
    }
  }
  if (sep === '') return false;
  const f = tok.split(sep);
  if (f.length !== 3) return false;
  const [a, b, c] = f as [string, string, string];
  if (isAlpha(b)) {
    const m = monthOf(b);
    if (m < 0 || !allDigits(a) || !allDigits(c)) return false;
    p.day = Number(a);
    p.month = m;
    p.year = Number(c);
    return true;
  }
  if (!allDigits(a) || !allDigits(b) || !allDigits(c)) return false;
  if (a.length === 4) {
    p.year = Number(a);
    p.month = Number(b) - 1;
    p.day = Number(c);
  } else {
    p.day = Number(a);
    p.month = Number(b) - 1;
    p.year = Number(c);
  }
  return true;
}

function monthOf(tok: string): number {
  if (tok.length < 3) return -1;
  return MONTHS.indexOf(tok.slice(0, 3).toLowerCase());
}

/** RFC 5322 §4.3: 00-49 → 2000-2049, 50-99 → 1950-1999, three digits → +1900. */
function fullYear(y: number, digits: number): number {
  if (digits <= 2) return y < 50 ? 2000 + y : 1900 + y;
  if (digits === 3) return 1900 + y;
  return y;
}

function isWspCode(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** The value of `n` digits at `i`, or -1. */
function digitsAt(s: string, i: number, n: number): number {
  if (i + n > s.length) return -1;
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

/**
 * The canonical RFC 5322 §3.3 form most MTAs write, `[Mon, ]2 Jan 2006 15:04[:05]
 * +0000[ (comment)]`, read in one pass. Undefined when the value has any other shape:
 * the general reader below then decides, so both give the same answer for this form.
 */
export function parseCanonical(s: string): Date | null | undefined {
  let i = 0;
  const len = s.length;
  const skipWsp = (): number => {
    const from = i;
    while (i < len && isWspCode(s.charCodeAt(i))) i++;
    return i - from;
  };
  skipWsp();
  // Optional day of week: three letters and a comma.
  if (i + 4 <= len && s.charCodeAt(i + 3) === 0x2c && isAlpha(s.slice(i, i + 3))) {
    i += 4;
    skipWsp();
  }
  const p = emptyParts();
  const dayDigits = i + 1 < len && isDigit(s.charCodeAt(i + 1)) ? 2 : 1;
  p.day = digitsAt(s, i, dayDigits);
  if (p.day < 0) return undefined;
  i += dayDigits;
  if (skipWsp() === 0 || i + 3 > len) return undefined;
  p.month = MONTHS.indexOf(s.slice(i, i + 3).toLowerCase());
  i += 3;
  if (p.month < 0 || skipWsp() === 0) return undefined;
  p.year = digitsAt(s, i, 4);
  i += 4;
  if (p.year < 0 || skipWsp() === 0) return undefined;
  p.hour = digitsAt(s, i, 2);
  p.minute = digitsAt(s, i + 3, 2);
  if (p.hour < 0 || p.minute < 0 || s.charCodeAt(i + 2) !== 0x3a) return undefined;
  i += 5;
  if (s.charCodeAt(i) === 0x3a) {
    p.second = digitsAt(s, i + 1, 2);
    if (p.second < 0) return undefined;
    i += 3;
  }
  if (skipWsp() === 0) return undefined;
  const sign = s.charCodeAt(i);
  const hh = digitsAt(s, i + 1, 2);
  const mm = digitsAt(s, i + 3, 2);
  if ((sign !== 0x2b && sign !== 0x2d) || hh < 0 || mm < 0 || hh > 23 || mm > 59) return undefined;
  p.zone = (sign === 0x2d ? -1 : 1) * (hh * 60 + mm);
  i += 5;
  skipWsp();
  // Nothing after the zone but white space or one plain comment ("(PST)").
  if (i < len) {
    if (s.charCodeAt(i) !== 0x28) return undefined;
    const close = s.indexOf(')', i + 1);
    if (close < 0 || (s.indexOf('(', i + 1) >= 0 && s.indexOf('(', i + 1) < close))
      return undefined;
    i = close + 1;
    skipWsp();
    if (i < len) return undefined;
  }
  return instant(p, Number.NaN);
}

/** Reads a date; null when the value holds no usable date. */
export function parseDate(value: string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const input = value.length > 200 ? value.slice(0, 200) : value;
  const canonical = parseCanonical(input);
  return canonical === undefined ? parseLenient(input) : canonical;
}

/** The general reader behind `parseDate`, for any shape of date (exported for tests). */
export function parseLenient(input: string): Date | null {
  // Split comments off: "(CET)" is a zone only when nothing else gives one.
  let outside = '';
  let commentZone = Number.NaN;
  let depth = 0;
  let comment = '';
  // Most dates carry no comment: skip the character walk for them.
  if (input.indexOf('(') < 0) outside = input;
  for (let i = outside === '' ? 0 : input.length; i < input.length; i++) {
    const ch = input.charAt(i);
    if (ch === '(') {
      if (depth === 0) comment = '';
      depth++;
      outside += ' ';
    } else if (ch === ')' && depth > 0) {
      depth--;
      if (depth === 0 && Number.isNaN(commentZone)) commentZone = parseZoneName(comment.trim());
    } else if (depth > 0) comment += ch;
    else outside += ch;
  }

  const p = emptyParts();
  const smalls: string[] = [];
  let yearDigits = 4;
  let unusable = false;
  for (const raw of outside.replaceAll('\t', ' ').split(' ')) {
    for (let tok of raw.split(',')) {
      tok = tok.trim();
      if (tok === '') continue;
      const c0 = tok.charCodeAt(0);
      const tIndex = tok.indexOf('T');
      if (tIndex === 10 && p.year < 0) {
        // ISO 8601 date-time
        if (parseNumericDate(tok.slice(0, 10), p)) parseTime(tok.slice(11), p);
        continue;
      }
      if (tok.indexOf(':') > 0 && p.hour < 0 && isDigit(c0)) {
        if (!parseTime(tok, p)) unusable = true;
        continue;
      }
      if ((c0 === 0x2b || c0 === 0x2d) && tok.length >= 3 && Number.isNaN(p.zone)) {
        p.zone = parseOffset(tok);
        continue;
      }
      if (allDigits(tok)) {
        if (tok.length === 4 && p.year < 0) {
          p.year = Number(tok);
        } else if (tok.length <= 3) {
          smalls.push(tok);
        } else unusable = true;
        continue;
      }
      if (isDigit(c0) && p.month < 0 && parseNumericDate(tok, p)) {
        yearDigits = String(p.year).length;
        continue;
      }
      if (isAlpha(tok) || tok.indexOf('+') > 0 || tok.indexOf('-') > 0) {
        const lower = tok.toLowerCase();
        if (p.month < 0 && isAlpha(tok)) {
          const m = monthOf(tok);
          if (m >= 0 && (tok.length === 3 || MONTHS_FULL.has(lower) || tok.length === 4)) {
            p.month = m;
            continue;
          }
        }
        if (lower === 'pm' && p.hour >= 0 && p.hour < 12) {
          p.hour += 12;
          continue;
        }
        if (lower === 'am') {
          if (p.hour === 12) p.hour = 0;
          continue;
        }
        if (Number.isNaN(p.zone)) {
          const z = parseZoneName(tok);
          if (!Number.isNaN(z)) {
            p.zone = z;
            continue;
          }
        }
      }
      // A number that fits nowhere ("18-21-01" for a time) makes any instant a guess.
      if (hasDigit(tok)) unusable = true;
    }
  }
  for (const s of smalls) {
    if (p.day < 0) p.day = Number(s);
    else if (p.year < 0) {
      p.year = Number(s);
      yearDigits = s.length;
    } else unusable = true;
  }
  if (unusable || p.year < 0 || p.month < 0 || p.day < 0) return null;
  p.year = fullYear(p.year, yearDigits);
  return instant(p, commentZone);
}

/** The instant of complete parts; null when they name no real date. */
function instant(p: Parts, commentZone: number): Date | null {
  if (p.hour < 0) p.hour = 0;
  if (p.month > 11 || p.day < 1 || p.day > 31 || p.hour > 23 || p.minute > 59 || p.second > 60)
    return null;
  if (p.year < 1900 || p.year > 9999) return null;
  const zone = Number.isNaN(p.zone) ? (Number.isNaN(commentZone) ? 0 : commentZone) : p.zone;
  const ms =
    Date.UTC(p.year, p.month, p.day, p.hour, p.minute, Math.min(p.second, 59), p.ms) - zone * 60000;
  // Date.UTC rolls 31 Feb over into March: such a date is wrong, not a different day.
  const check = new Date(Date.UTC(p.year, p.month, p.day));
  if (check.getUTCDate() !== p.day) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date;
}

const MONTHS_FULL = new Set([
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'sept',
]);
