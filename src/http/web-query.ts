// The web view's filters, read from a URL's query string: the same parameters for the
// page (so a view can be shared by its URL), /api/records, /api/summary,
// /api/uncategorized and /events.
//
//   type=OOB,Feedback,MDN   class=InvalidRecipient,...   domain=example.com
//   since=24h | 2025-01-31T00:00:00Z | 1738281600      until=(same forms)
//   limit=100   cursor=<from a previous page's "next">
//
// Times are on `created` (when oobd received the message), as `oobd logs --since`
// filters: unlike a report's own dates, a sender of reports cannot set it.
import { parseDuration } from '../config/units';
import {
  INDEXED_TYPES,
  type IndexedType,
  type RecordCursor,
  type RecordQuery,
} from '../log/record-index';
import { isSegmentName } from '../log/reader';

/** A bad parameter: the message names it; answered with 400. */
export class QueryError extends Error {}

export interface WebQuery extends RecordQuery {
  limit: number;
  cursor: RecordCursor | null;
  /** The parameters as given (for links and the form). */
  raw: Record<'type' | 'class' | 'domain' | 'since' | 'until', string>;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** Longest parameter value taken (longer ones are a mistake or an attack). */
const MAX_PARAM = 1000;

function param(params: URLSearchParams, name: string): string {
  const value = (params.get(name) ?? '').trim();
  if (value.length > MAX_PARAM)
    throw new QueryError(`${name}: longer than ${MAX_PARAM} characters`);
  return value;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * A time parameter in Unix seconds: a duration back from `now` (`15m`, `24h`, `7d`), an
 * RFC 3339 / ISO 8601 date or date-time (UTC unless it names a zone), or Unix seconds.
 */
export function parseTime(name: string, value: string, nowMs: number): number | null {
  if (value === '') return null;
  if (/^\d{9,11}$/.test(value)) return Number(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const zoned = /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(value) || value.length === 10;
    const ms = Date.parse(zoned ? value : `${value}Z`);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  } else {
    const ms = parseDuration(value);
    if (ms !== null && /[a-z]$/i.test(value)) return Math.floor((nowMs - ms) / 1000);
  }
  throw new QueryError(
    `${name}: expected a duration such as 15m, 24h or 7d, a date-time such as 2025-01-31T08:00:00Z, or Unix seconds; got ${JSON.stringify(value)}`,
  );
}

export function encodeCursor(cursor: RecordCursor): string {
  return `${cursor.created}~${cursor.segment}~${cursor.start}`;
}

export function decodeCursor(text: string): RecordCursor {
  const [created, segment, start] = text.split('~');
  if (
    created === undefined ||
    segment === undefined ||
    start === undefined ||
    !/^\d{1,12}$/.test(created) ||
    !isSegmentName(segment) ||
    !/^\d{1,15}$/.test(start)
  )
    throw new QueryError('cursor: not a cursor this server gave');
  return { created: Number(created), segment, start: Number(start) };
}

/**
 * The filters of a query string.
 * @param defaults values for parameters absent from the query (the page shows the last 24 hours)
 * @throws QueryError naming the bad parameter
 */
export function parseWebQuery(
  params: URLSearchParams,
  nowMs: number,
  defaults: { since?: string } = {},
): WebQuery {
  const raw = {
    type: param(params, 'type'),
    class: param(params, 'class'),
    domain: param(params, 'domain'),
    since: params.has('since') ? param(params, 'since') : (defaults.since ?? ''),
    until: param(params, 'until'),
  };
  let types: Set<IndexedType> | null = null;
  if (raw.type !== '') {
    types = new Set();
    for (const t of list(raw.type)) {
      const known = INDEXED_TYPES.find((k) => k.toLowerCase() === t.toLowerCase());
      if (!known)
        throw new QueryError(
          `type: ${JSON.stringify(t)} is not one of ${INDEXED_TYPES.join(', ')}`,
        );
      types.add(known);
    }
  }
  const classes = raw.class === '' ? null : new Set(list(raw.class).map((c) => c.toLowerCase()));
  let domain: string | null = raw.domain.toLowerCase().replace(/^@/, '').replace(/\.$/, '');
  if (domain === '') domain = null;
  const since = parseTime('since', raw.since, nowMs);
  const until = parseTime('until', raw.until, nowMs);
  const limitText = param(params, 'limit');
  let limit = DEFAULT_LIMIT;
  if (limitText !== '') {
    if (!/^\d{1,6}$/.test(limitText) || Number(limitText) < 1)
      throw new QueryError(`limit: expected a whole number from 1 to ${MAX_LIMIT}`);
    limit = Math.min(MAX_LIMIT, Number(limitText));
  }
  const cursorText = param(params, 'cursor');
  return {
    types,
    classes,
    domain,
    since,
    until,
    limit,
    cursor: cursorText === '' ? null : decodeCursor(cursorText),
    raw,
  };
}
