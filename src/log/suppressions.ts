// The suppression list: one row per address that should no longer be mailed, built from
// the log records (`oobd suppressions`, and the web view's download).
//
// An address is listed when, among the records considered:
//   * a hard failure: an OOB record whose bounce_classification is in `classes`
//     (default InvalidRecipient, BadDomain, InactiveMailbox), unless the report only
//     said the message was delayed (DSN Action: delayed, RFC 3464 §2.3.3): a warning,
//     which counts as a soft failure;
//   * a complaint: a Feedback (ARF, RFC 5965) record whose feedback_type is in
//     `feedbackTypes` (default abuse, fraud), for each complained-about address
//     (`feedback_report.original_rcpto_to`, else oobd's `feedback_detail.recipients`,
//     else its `removal_recipients`, else the recipient in KumoMTA's trace header);
//   * soft failures: at least `softThreshold` OOB records whose classification is in
//     `softClasses` (default QuotaIssues, MessageExpired) within some `softWindowMs`-long
//     stretch; like listmonk's per-type bounce counts, one full mailbox is no reason to
//     stop mailing, a mailbox full for weeks is.
// Classifications describing the sender's side (blocklists, rate limits, policy) never
// list the recipient. An OOB record whose report named no recipient lists the one its
// VERP address or KumoMTA's trace header names (`oob_report.verp.recipient`,
// `oob_report.supplemental_trace.recipient`). With a trace filter (`--trace
// tenant=acme`), only records carrying those trace values count: one list per tenant.
//
// Addresses are compared with the domain in lower case and the local part as sent
// (RFC 5321 §2.4: only the receiving host may treat the local part case-insensitively).
// Times are the records' `created` (when oobd received the report): unlike a report's
// own dates, a sender of reports cannot set it.
//
// `SuppressionList` is pure (records in, rows out); `suppressionsFromFolders` feeds it
// from log folders as a stream, in constant memory per address.
import { formatEnhancedCode } from '../values';
import type { LogRecord } from './record';
import { streamFolderRecords } from './reader';
import { matchesTrace, type TraceFilter } from './trace-filter';

export interface SuppressionRules {
  /** Labels that list an address at the first failure (compared case-insensitively). */
  classes: ReadonlyArray<string>;
  /** Feedback types that list the complained-about addresses (case-insensitive). */
  feedbackTypes: ReadonlyArray<string>;
  /** Labels that list an address after `softThreshold` failures within `softWindowMs`. */
  softClasses: ReadonlyArray<string>;
  softThreshold: number;
  softWindowMs: number;
  /** Only records created at or after this Unix time (seconds); null: all. */
  sinceUnix?: number | null;
  /** Only records carrying these trace values (log/trace-filter.ts); empty or unset: all. */
  trace?: TraceFilter;
}

export type SuppressionKind = 'complaint' | 'hard' | 'soft';

/** One row of the list. */
export interface Suppression {
  /** Local part as sent, `@`, domain in lower case. */
  address: string;
  /** Which rule listed it; a complaint outranks a hard failure, which outranks soft ones. */
  kind: SuppressionKind;
  /** The bounce classification, or the feedback type of a complaint, of the latest such record. */
  reason: string;
  /** Records that count towards listing the address (every kind that lists it). */
  count: number;
  /** RFC 3339 (UTC) `created` of the first and the last of them. */
  first_seen: string;
  last_seen: string;
  /** The remote reply of the latest bounce among them (`550 5.1.1 text`); "" for complaints only. */
  last_reply: string;
}

/** The record types that can list an address (the others are not even parsed). */
export const SUPPRESSION_TYPES: ReadonlySet<string> = new Set(['OOB', 'Feedback']);

/** The columns of the CSV, in order (the keys of `Suppression`). */
export const SUPPRESSION_COLUMNS = [
  'address',
  'kind',
  'reason',
  'count',
  'first_seen',
  'last_seen',
  'last_reply',
] as const satisfies ReadonlyArray<keyof Suppression>;

interface Tally {
  count: number;
  first: number;
  last: number;
  /** Reason of the latest record. */
  reason: string;
  reply: string;
  replyAt: number;
}

interface AddressState {
  address: string;
  complaint: Tally | null;
  hard: Tally | null;
  soft: Tally | null;
  /** `created` of every soft failure, until the address qualifies. */
  softTimes: number[];
  softListed: boolean;
}

/**
 * `local@domain` with the domain lower-cased; null for anything that is not an address
 * (empty, no `@`, an empty side, white space or control characters, a `.invalid` placeholder).
 */
export function normalizeAddress(raw: string): string | null {
  let s = raw.trim();
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1).trim();
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return null;
  }
  const domain = s.slice(at + 1).toLowerCase();
  // RFC 2606 §2: ".invalid" never names a real domain (parsers' "no recipient" placeholders).
  if (domain === 'invalid' || domain.endsWith('.invalid')) return null;
  return `${s.slice(0, at)}@${domain}`;
}

function formatReply(record: LogRecord): string {
  const r = record.response;
  const enhanced = r.enhanced_code ? ` ${formatEnhancedCode(r.enhanced_code)}` : '';
  return `${r.code}${enhanced}${r.content ? ` ${r.content}` : ''}`;
}

function lowerSet(values: ReadonlyArray<string>): Set<string> {
  return new Set(values.map((v) => v.toLowerCase()));
}

function rfc3339Seconds(unix: number): string {
  return `${new Date(unix * 1000).toISOString().slice(0, 19)}Z`;
}

function traceRecipient(trace: unknown): string | null {
  if (typeof trace !== 'object' || trace === null) return null;
  const value = (trace as Record<string, unknown>)['recipient'];
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * The complained-about addresses of a Feedback record: `feedback_report.original_rcpto_to`
 * (KumoMTA's field), else `feedback_detail.recipients` (oobd's reading of a report
 * without it), else `feedback_detail.removal_recipients`, else the recipient of KumoMTA's
 * trace header, else `recipient` (where
 * oobd's records kept them before they followed KumoMTA), leaving out the report's own
 * envelope recipient (an address in the record's `queue` domain, which is ours).
 */
export function complainedAddresses(record: LogRecord): string[] {
  const listed = record.feedback_report?.original_rcpto_to ?? [];
  if (listed.length > 0) return [...listed];
  const detail = record.feedback_detail?.recipients ?? [];
  if (detail.length > 0) return [...detail];
  // An opt-out report that names only the addresses to take off the list
  // (Removal-Recipient): those are the addresses it is about.
  const removal = record.feedback_detail?.removal_recipients ?? [];
  if (removal.length > 0) return [...removal];
  const traced = traceRecipient(record.feedback_report?.supplemental_trace);
  if (traced !== null) return [traced];
  // A record with feedback_detail follows KumoMTA: its `recipient` is the report's own
  // RCPT TO (ours, whatever domain), never a complained-about address.
  if (record.feedback_detail !== undefined) return [];
  const recipients = Array.isArray(record.recipient) ? record.recipient : [record.recipient];
  const own = record.queue.toLowerCase();
  return recipients.filter((r) => {
    const at = r.lastIndexOf('@');
    return (
      at >= 0 &&
      r
        .slice(at + 1)
        .trim()
        .toLowerCase() !== own
    );
  });
}

/**
 * The address an OOB record is about: its `recipient`, else (the report named none)
 * the one its VERP address or KumoMTA's trace header names.
 */
export function oobAddress(record: LogRecord): string | null {
  if (typeof record.recipient !== 'string') return null;
  if (record.recipient !== '') return record.recipient;
  const verp = record.oob_report?.verp?.['recipient'];
  if (typeof verp === 'string' && verp !== '') return verp;
  return traceRecipient(record.oob_report?.supplemental_trace);
}

export class SuppressionList {
  private readonly hard: Set<string>;
  private readonly soft: Set<string>;
  private readonly complaints: Set<string>;
  private readonly byAddress = new Map<string, AddressState>();

  constructor(private readonly rules: SuppressionRules) {
    this.hard = lowerSet(rules.classes);
    this.soft = lowerSet(rules.softClasses);
    this.complaints = lowerSet(rules.feedbackTypes);
  }

  /** Takes one record into account; records of other types are ignored. Any order. */
  add(record: LogRecord): void {
    const created = typeof record.created === 'number' ? record.created : NaN;
    if (!Number.isFinite(created)) return;
    const since = this.rules.sinceUnix;
    if (since !== null && since !== undefined && created < since) return;
    if (this.rules.trace !== undefined && !matchesTrace(record, this.rules.trace)) return;
    if (record.type === 'OOB') {
      const label = String(record.bounce_classification ?? '');
      const key = label.toLowerCase();
      const delayed = record.oob_report?.action === 'delayed';
      let kind: SuppressionKind | null = null;
      if (this.hard.has(key)) kind = delayed ? 'soft' : 'hard';
      else if (this.soft.has(key)) kind = 'soft';
      const address = oobAddress(record);
      if (kind === null || address === null) return;
      this.count(address, kind, label, created, formatReply(record));
    } else if (record.type === 'Feedback') {
      const type = record.feedback_report?.feedback_type ?? '';
      if (!this.complaints.has(type.toLowerCase())) return;
      for (const address of complainedAddresses(record))
        this.count(address, 'complaint', type.toLowerCase(), created, '');
    }
  }

  private count(
    raw: string,
    kind: SuppressionKind,
    reason: string,
    created: number,
    reply: string,
  ): void {
    const address = normalizeAddress(raw);
    if (address === null) return;
    let state = this.byAddress.get(address);
    if (!state) {
      state = {
        address,
        complaint: null,
        hard: null,
        soft: null,
        softTimes: [],
        softListed: false,
      };
      this.byAddress.set(address, state);
    }
    const tally = (state[kind] ??= {
      count: 0,
      first: created,
      last: created,
      reason,
      reply: '',
      replyAt: -Infinity,
    });
    tally.count++;
    tally.first = Math.min(tally.first, created);
    if (created >= tally.last) {
      tally.last = created;
      tally.reason = reason;
    }
    if (reply !== '' && created >= tally.replyAt) {
      tally.reply = reply;
      tally.replyAt = created;
    }
    if (kind === 'soft' && !state.softListed) {
      state.softTimes.push(created);
      if (
        state.softTimes.length >= this.rules.softThreshold &&
        this.softQualifies(state.softTimes)
      ) {
        state.softListed = true;
        state.softTimes = [];
      }
    }
  }

  /** Whether `threshold` of the times fall within one window (they may come in any order). */
  private softQualifies(times: number[]): boolean {
    const n = this.rules.softThreshold;
    const windowSeconds = this.rules.softWindowMs / 1000;
    times.sort((a, b) => a - b);
    for (let i = 0; i + n - 1 < times.length; i++) {
      if ((times[i + n - 1] as number) - (times[i] as number) <= windowSeconds) return true;
    }
    return false;
  }

  /** The listed addresses, sorted by address. */
  rows(): Suppression[] {
    const rows: Suppression[] = [];
    for (const state of this.byAddress.values()) {
      const tallies: Array<[SuppressionKind, Tally]> = [];
      if (state.complaint) tallies.push(['complaint', state.complaint]);
      if (state.hard) tallies.push(['hard', state.hard]);
      if (state.soft && state.softListed) tallies.push(['soft', state.soft]);
      const [kind, main] = tallies[0] ?? [];
      if (kind === undefined || main === undefined) continue;
      let count = 0;
      let first = Infinity;
      let last = -Infinity;
      let reply = '';
      let replyAt = -Infinity;
      for (const [, t] of tallies) {
        count += t.count;
        first = Math.min(first, t.first);
        last = Math.max(last, t.last);
        if (t.reply !== '' && t.replyAt >= replyAt) {
          reply = t.reply;
          replyAt = t.replyAt;
        }
      }
      rows.push({
        address: state.address,
        kind,
        reason: main.reason,
        count,
        first_seen: rfc3339Seconds(first),
        last_seen: rfc3339Seconds(last),
        last_reply: reply,
      });
    }
    // Each address lower-cased once, not once per comparison (a list can be 100k+ long).
    const keyed = rows.map((row) => ({ key: row.address.toLowerCase(), row }));
    keyed.sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : a.row.address < b.row.address ? -1 : 1,
    );
    return keyed.map((k) => k.row);
  }
}

/** The list for a set of records (the pure form). */
export function buildSuppressions(
  records: Iterable<LogRecord>,
  rules: SuppressionRules,
): Suppression[] {
  const list = new SuppressionList(rules);
  for (const record of records) list.add(record);
  return list.rows();
}

/** The list for the records of log folders, read as a stream. */
export async function suppressionsFromFolders(
  dirs: ReadonlyArray<string>,
  rules: SuppressionRules,
): Promise<Suppression[]> {
  const list = new SuppressionList(rules);
  for await (const record of streamFolderRecords(dirs, { types: SUPPRESSION_TYPES }))
    list.add(record);
  return list.rows();
}

/** One CSV field (RFC 4180 §2): quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header line, CRLF line ends. */
export function suppressionsCsv(rows: ReadonlyArray<Suppression>): string {
  let out = `${SUPPRESSION_COLUMNS.join(',')}\r\n`;
  for (const row of rows)
    out += `${SUPPRESSION_COLUMNS.map((c) => csvField(row[c])).join(',')}\r\n`;
  return out;
}

/** A JSON array, one row per line. */
export function suppressionsJson(rows: ReadonlyArray<Suppression>): string {
  if (rows.length === 0) return '[]\n';
  return `[\n${rows.map((row) => JSON.stringify(row)).join(',\n')}\n]\n`;
}
