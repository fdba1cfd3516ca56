// Selecting records by what ties them to the message that caused them: the values of
// KumoMTA's trace header (`supplemental_trace`: recipient, tenant, campaign and the
// other meta names a sender includes) and of the VERP decoding (`oob_report.verp`).
// Shared by `oobd logs --trace`, the hooks' `trace` filter and `oobd suppressions --trace`.
import { ErrorCode, OobdError } from '../errors';

/** `key = value` pairs a record must all carry (in one of its trace sources). */
export type TraceFilter = ReadonlyArray<{ key: string; value: string }>;

/** What a record may carry its trace values in (a parsed log line; any shape). */
export interface TracedRecord {
  type?: unknown;
  oob_report?: { supplemental_trace?: unknown; verp?: unknown } | null | undefined;
  feedback_report?: { supplemental_trace?: unknown } | null | undefined;
  mdn_report?: { supplemental_trace?: unknown } | null | undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The trace sources of a record, most specific first: the OOB record's trace header and
 * VERP decoding, a Feedback record's trace header, an MDN's.
 */
export function traceSources(record: TracedRecord): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const oob = record.oob_report;
  if (isObject(oob)) {
    if (isObject(oob.supplemental_trace)) out.push(oob.supplemental_trace);
    if (isObject(oob.verp)) out.push(oob.verp);
  }
  const feedback = record.feedback_report;
  if (isObject(feedback) && isObject(feedback.supplemental_trace))
    out.push(feedback.supplemental_trace);
  const mdn = record.mdn_report;
  if (isObject(mdn) && isObject(mdn.supplemental_trace)) out.push(mdn.supplemental_trace);
  return out;
}

/** A trace value as text: strings as they are, numbers and booleans printed, else null. */
function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** The value of `key` in the record's trace sources (the first that has it), or null. */
export function traceValue(record: TracedRecord, key: string): string | null {
  for (const source of traceSources(record)) {
    const value = text(source[key]);
    if (value !== null) return value;
  }
  return null;
}

/** True when the record carries every pair of the filter (an empty filter: always). */
export function matchesTrace(record: TracedRecord, filter: TraceFilter): boolean {
  if (filter.length === 0) return true;
  const sources = traceSources(record);
  return filter.every(({ key, value }) => sources.some((s) => text(s[key]) === value));
}

/**
 * `key=value` arguments (`--trace campaign=spring`) as a filter. Keys are compared as
 * written (they are JSON keys: KumoMTA meta names), values exactly.
 * @throws OobdError OOBD_USAGE for an argument without `=` or with an empty key.
 */
export function parseTraceFilter(option: string, items: readonly string[]): TraceFilter {
  return items.map((item) => {
    const eq = item.indexOf('=');
    const key = eq < 0 ? '' : item.slice(0, eq).trim();
    if (key === '')
      throw new OobdError(
        ErrorCode.UsageError,
        `${option}: expected key=value (e.g. campaign=spring), got ${JSON.stringify(item)}`,
      );
    return { key, value: item.slice(eq + 1) };
  });
}

/** A filter from a config table (`trace = { campaign = "spring" }`). */
export function traceFilterOf(table: Readonly<Record<string, string>> | undefined): TraceFilter {
  return table === undefined ? [] : Object.entries(table).map(([key, value]) => ({ key, value }));
}
