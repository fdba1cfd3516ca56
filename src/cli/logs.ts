// `oobd logs [DIR...]`: read, filter, follow and summarise the log segments of one or
// more folders (a server's and its workers'), merged in reception order.
import type { Command } from 'commander';
import { closestLabel, knownLabel } from '../classify/labels';
import { parseDuration } from '../config/units';
import { ErrorCode, OobdError } from '../errors';
import {
  SegmentCursor,
  createdMs,
  listAllSegments,
  mergeSegments,
  parseLine,
  type SegmentEntry,
} from '../log/merge';
import { recordRecipients } from '../log/record-index';
import type { LogRecord, RecordType } from '../log/record';
import { matchesTrace, parseTraceFilter, type TraceFilter } from '../log/trace-filter';
import { addConfigOption, configPath, Output, requireFolder, serverConfig } from './common';
import { requirePaths } from './paths';

interface LogsOptions {
  config?: string;
  follow?: boolean;
  type?: string;
  class?: string;
  domain?: string;
  since?: string;
  until?: string;
  trace?: string[];
  campaign?: string;
  tenant?: string;
  summary?: boolean;
  json?: boolean;
}

/** Every record type a log folder can hold (DESIGN.md §7), in the contract's order. */
export const RECORD_TYPES = [
  'Reception',
  'OOB',
  'Feedback',
  'Rejection',
  'Delivery',
  'TransientFailure',
  'Bounce',
] as const satisfies readonly RecordType[];
// A record type added to the contract and forgotten here fails the build.
const everyType: Exclude<RecordType, (typeof RECORD_TYPES)[number]> extends never ? true : false =
  true;
void everyType;

/**
 * What `--type` (and a hook's `types`) accepts: the record types, and `MDN` for the
 * Reception records that carry an MDN's `mdn_report` (records of type "MDN" that an
 * earlier version wrote match it too).
 */
export const TYPE_FILTERS = [...RECORD_TYPES, 'MDN'] as const;

/** True when a record is of one of the (lower-case) `--type` values. */
export function typeMatches(
  record: { type?: unknown; mdn_report?: unknown },
  types: ReadonlySet<string>,
): boolean {
  const type = String(record.type).toLowerCase();
  if (types.has(type)) return true;
  return (
    types.has('mdn') &&
    (type === 'mdn' ||
      (type === 'reception' && record.mdn_report !== undefined && record.mdn_report !== null))
  );
}

export interface RecordFilter {
  types: Set<string> | null;
  classes: Set<string> | null;
  domain: string | null;
  /** Reception time bounds, Unix milliseconds (`created`), inclusive. */
  sinceMs: number | null;
  untilMs: number | null;
  /** Trace values the record must carry (`--trace`, `--campaign`, `--tenant`). */
  trace?: TraceFilter;
}

function csvList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

function lowerSet(values: string[]): Set<string> | null {
  return values.length === 0 ? null : new Set(values.map((v) => v.toLowerCase()));
}

/** `--type`: record types, case-insensitive; an unknown one is a usage error. */
export function parseTypes(value: string | undefined): Set<string> | null {
  const types = csvList(value);
  for (const type of types) {
    if (!TYPE_FILTERS.some((t) => t.toLowerCase() === type.toLowerCase())) {
      throw new OobdError(
        ErrorCode.UsageError,
        `--type: unknown record type "${type}"; the types are ${RECORD_TYPES.join(', ')}, and MDN (the Receptions that carry an mdn_report)`,
      );
    }
  }
  return lowerSet(types);
}

/** `--trace key=value` (repeatable), `--campaign X` and `--tenant X` as one filter. */
export function traceOptions(opts: {
  trace?: string[];
  campaign?: string;
  tenant?: string;
}): TraceFilter {
  const items = [...(opts.trace ?? [])];
  if (opts.campaign !== undefined) items.push(`campaign=${opts.campaign}`);
  if (opts.tenant !== undefined) items.push(`tenant=${opts.tenant}`);
  return parseTraceFilter('--trace', items);
}

/**
 * `--class`: labels are open (any rules file may define its own), so an unknown one
 * only gets a warning, with the nearest known label when one is close.
 */
export function classWarnings(value: string | undefined): string[] {
  const warnings: string[] = [];
  for (const label of csvList(value)) {
    if (knownLabel(label) !== null) continue;
    const near = closestLabel(label);
    warnings.push(
      `warning: --class "${label}" is not a label oobd or the predefined KumoMTA rules write` +
        `${near ? ` (did you mean ${near}?)` : ''}; filtering on it anyway`,
    );
  }
  return warnings;
}

const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A time bound: a duration back from `now` (`15m`, `2h`, `1d`) or a date or time
 * (`2024-05-01`, `2024-05-01T10:00:00Z`). A date alone is UTC midnight and a time
 * without a zone is UTC too: records print their times in UTC and the web view reads
 * zone-less times as UTC, so the same text means the same instant everywhere
 * (Date.parse alone would take a zone-less time as local time).
 */
export function parseTimeBound(option: string, text: string, now: number): number {
  const ms = parseDuration(text);
  if (ms !== null) return now - ms;
  const trimmed = text.trim();
  const iso = trimmed.replace(' ', 'T');
  const zoned = /T.*(?:Z|[+-]\d{2}:?\d{2})$/i.test(iso) || !iso.includes('T') ? iso : `${iso}Z`;
  const at = DATE_TIME.test(trimmed) ? Date.parse(zoned) : NaN;
  if (Number.isFinite(at)) return at;
  throw new OobdError(
    ErrorCode.UsageError,
    `${option}: expected a duration such as 15m or 2h, or a time such as 2024-05-01 or ` +
      `2024-05-01T10:00:00Z, got "${text}"`,
  );
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : '';
}

export function matches(record: LogRecord, filter: RecordFilter): boolean {
  if (filter.types && !typeMatches(record, filter.types)) return false;
  if (filter.classes && !filter.classes.has(String(record.bounce_classification).toLowerCase()))
    return false;
  if (filter.sinceMs !== null || filter.untilMs !== null) {
    const created = createdMs(record);
    if (filter.sinceMs !== null && created < filter.sinceMs) return false;
    if (filter.untilMs !== null && created > filter.untilMs) return false;
  }
  if (filter.domain) {
    const d = filter.domain;
    // The envelope's recipients, and who a complaint or an MDN is about (the web view's
    // domain): a complaint about example.org is found by --domain example.org.
    const recipients = [
      ...(Array.isArray(record.recipient) ? record.recipient : [record.recipient]),
      ...(record.type === 'OOB' ? [] : recordRecipients(record)),
    ];
    const hit =
      record.queue.toLowerCase() === d ||
      recipients.some((r) => domainOf(r) === d || domainOf(r).endsWith(`.${d}`)) ||
      domainOf(record.sender) === d;
    if (!hit) return false;
  }
  if (filter.trace && !matchesTrace(record, filter.trace)) return false;
  return true;
}

/**
 * One readable line per record. It starts with the reception time (`created_time`);
 * when the record's own time differs (`event_time`: an OOB record's Last-Attempt-Date,
 * a relay attempt), it follows in parentheses.
 */
export function formatRecord(r: LogRecord): string {
  const recipient = Array.isArray(r.recipient) ? r.recipient.join(',') : r.recipient;
  const enhanced = r.response.enhanced_code
    ? ` ${r.response.enhanced_code.class}.${r.response.enhanced_code.subject}.${r.response.enhanced_code.detail}`
    : '';
  const label =
    r.type === 'OOB'
      ? ` ${r.bounce_classification}`
      : r.type === 'Feedback'
        ? ` ${r.feedback_report?.feedback_type || '-'}`
        : r.mdn_report
          ? ` MDN ${r.mdn_report.disposition.type ?? '-'}`
          : '';
  const content = r.response.content ? ` ${r.response.content}` : '';
  // A complaint's or an MDN's envelope names the report's addresses; say who it is about.
  const aboutList = r.type === 'Feedback' || r.mdn_report ? recordRecipients(r) : [];
  const about = aboutList.length > 0 ? ` about ${aboutList.join(',')}` : '';
  const received = r.created_time ?? r.event_time;
  // The record's own time only when it says something: KumoMTA's OOB timestamp is the
  // logging time when the report has no Last-Attempt-Date, a few ms after `created`.
  const event =
    r.event_time && received && Math.abs(Date.parse(r.event_time) - Date.parse(received)) >= 1000
      ? ` (event ${r.event_time})`
      : '';
  return `${received}${event} ${r.type}${label} ${r.sender || '<>'} -> ${recipient || '-'}${about} ${r.response.code}${enhanced}${content} [${r.id}]`;
}

class Summary {
  readonly byType = new Map<string, number>();
  readonly byClass = new Map<string, number>();
  readonly byDomain = new Map<string, number>();
  readonly byFeedbackType = new Map<string, number>();
  readonly byReportingDomain = new Map<string, number>();
  readonly byCampaign = new Map<string, number>();
  total = 0;

  private static count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  add(r: LogRecord): void {
    this.total++;
    Summary.count(this.byType, r.mdn_report ? 'Reception (MDN)' : r.type);
    if (r.type === 'OOB' || r.type === 'Feedback') {
      // Which mailing it came from, where KumoMTA's trace header says.
      const trace = r.oob_report?.supplemental_trace ?? r.feedback_report?.supplemental_trace;
      const campaign = trace?.['campaign'];
      if (typeof campaign === 'string' && campaign !== '')
        Summary.count(this.byCampaign, `${r.type} ${campaign}`);
    }
    if (r.type === 'OOB') {
      Summary.count(this.byClass, r.bounce_classification);
      const first = Array.isArray(r.recipient) ? (r.recipient[0] ?? '') : r.recipient;
      Summary.count(this.byDomain, domainOf(first) || '(none)');
    }
    if (r.type === 'Feedback') {
      const report = r.feedback_report;
      Summary.count(this.byFeedbackType, report?.feedback_type?.toLowerCase() || '(none)');
      // Who sent the complaint: the mailbox provider's Reporting-MTA (RFC 5965 §3.2),
      // else the client that delivered it (its EHLO name, marked as such).
      const reportingMta = report?.reporting_mta?.name?.toLowerCase();
      const ehlo = r.peer_address?.name;
      Summary.count(this.byReportingDomain, reportingMta || (ehlo ? `${ehlo} (EHLO)` : '(none)'));
    }
  }

  format(): string {
    const table = (title: string, map: Map<string, number>, limit = 20) => {
      const rows = [...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
      if (rows.length === 0) return '';
      return `${title}\n${rows.map(([k, n]) => `  ${String(n).padStart(8)}  ${k}`).join('\n')}\n`;
    };
    return (
      `records: ${this.total}\n` +
      table('by type', this.byType) +
      // Every classification (there are a few dozen at most): a cut would hide labels.
      table('OOB by classification', this.byClass, Infinity) +
      table('OOB by recipient domain (top 20)', this.byDomain) +
      table('Feedback by feedback type', this.byFeedbackType) +
      table(
        'Feedback by reporting domain (Reporting-MTA, else the EHLO name)',
        this.byReportingDomain,
      ) +
      table('OOB and Feedback by campaign (trace header)', this.byCampaign)
    );
  }
}

/** New complete lines of every segment since the last pass, in reception order. */
async function readNew(
  dirs: readonly string[],
  offsets: Map<string, number>,
  filter: RecordFilter,
): Promise<SegmentEntry[]> {
  const entries: SegmentEntry[] = [];
  for (const path of await listAllSegments(dirs)) {
    const cursor = new SegmentCursor(path, offsets.get(path) ?? 0);
    try {
      for (let lines = await cursor.next(); lines.length > 0; lines = await cursor.next()) {
        for (const line of lines) {
          const record = parseLine(line);
          if (record && matches(record, filter))
            entries.push({ line, record, key: createdMs(record) });
        }
      }
    } catch {
      // A segment removed meanwhile (retention) has nothing more to give.
    }
    offsets.set(path, cursor.offset);
  }
  return entries.sort((a, b) => a.key - b.key);
}

export function register(program: Command): void {
  addConfigOption(program.command('logs'))
    .description('read, filter, follow and summarise log segments')
    .argument(
      '[dir...]',
      'log folders (default: logs.dir of the config); several are merged in reception order',
    )
    .option('-f, --follow', 'keep printing records as they are written')
    .option(
      '-t, --type <types>',
      'only these record types, comma-separated (Reception, OOB, Feedback, Rejection, Delivery, TransientFailure, Bounce; MDN: the Receptions that carry an mdn_report)',
    )
    .option(
      '-C, --class <labels>',
      'only records with these bounce classifications, comma-separated',
    )
    .option(
      '-d, --domain <domain>',
      'only records for this domain (queue, recipient or sender domain)',
    )
    .option(
      '-s, --since <when>',
      'only records received at or after WHEN: a duration back from now (15m, 2h, 1d) or a time (2024-05-01T10:00:00Z); filters on the reception time (created)',
    )
    .option(
      '-u, --until <when>',
      'only records received at or before WHEN (same forms as --since; reception time)',
    )
    .option(
      '--trace <key=value>',
      'only records whose trace header (supplemental_trace) or VERP decoding (oob_report.verp) has this value; repeat for several (all must hold)',
      (item: string, items: string[] = []) => [...items, item],
    )
    .option('--campaign <name>', 'the same as --trace campaign=NAME')
    .option('--tenant <name>', 'the same as --trace tenant=NAME')
    .option('--summary', 'print counts by type, classification, domain and feedback type')
    .option('--json', 'print the records as JSON lines')
    .addHelpText(
      'after',
      '\nTimes: --since and --until filter on when oobd received the message (created),\n' +
        "not on the record's own timestamp, which for OOB records is the report's\n" +
        'Last-Attempt-Date (as KumoMTA) and can be years old. Records print in reception\n' +
        'order, across folders; a readable line starts with the reception time and shows\n' +
        "the record's own time in parentheses when it differs by a second or more.\n" +
        'A time without a zone (2024-05-01T10:00) is UTC, as the times oobd prints.\n' +
        '--follow prints the records already there that pass the filters, then new ones.',
    )
    .action(async (dirArgs: string[], opts: LogsOptions) => {
      requirePaths('logs', dirArgs);
      if (opts.summary && opts.json)
        throw new OobdError(ErrorCode.UsageError, '--summary and --json exclude each other');
      const now = Date.now();
      const filter: RecordFilter = {
        types: parseTypes(opts.type),
        classes: lowerSet(csvList(opts.class)),
        domain: opts.domain?.toLowerCase() ?? null,
        sinceMs: opts.since === undefined ? null : parseTimeBound('--since', opts.since, now),
        untilMs: opts.until === undefined ? null : parseTimeBound('--until', opts.until, now),
        trace: traceOptions(opts),
      };
      for (const warning of classWarnings(opts.class))
        process.stderr.write(`oobd logs: ${warning}\n`);
      let dirs = dirArgs;
      if (dirs.length === 0) {
        // logs.dir of a config: say which file and key named a missing folder.
        const config = serverConfig().loadServerConfig(configPath(opts));
        requireFolder(config.logs.dir, 'log folder', 'logs.dir', config.file, 'oobd logs DIR');
        dirs = [config.logs.dir];
      }
      const summary = new Summary();
      const output = new Output();
      let out = '';
      const show = async (entry: SegmentEntry) => {
        if (opts.summary) {
          summary.add(entry.record);
          return;
        }
        out += `${opts.json ? entry.line : formatRecord(entry.record)}\n`;
        if (out.length >= 64 * 1024) await flush();
      };
      const flush = async () => {
        if (!out) return;
        const chunk = out;
        out = '';
        await output.write(chunk);
      };

      const offsets = new Map<string, number>();
      const merged = mergeSegments(
        await listAllSegments(dirs),
        (record) => matches(record, filter),
        (path, offset) => offsets.set(path, offset),
      );
      for await (const entry of merged) {
        await show(entry);
        if (output.closed) break;
      }
      await flush();
      if (!opts.follow || output.closed) {
        if (opts.summary && !output.closed) await output.write(summary.format());
        output.finish();
        return;
      }
      let stop = false;
      process.once('SIGINT', () => (stop = true));
      process.once('SIGTERM', () => (stop = true));
      let shown = -1;
      while (!stop && !output.closed) {
        if (opts.summary && summary.total !== shown) {
          shown = summary.total;
          await output.write(`\n${summary.format()}`);
        }
        await new Promise((r) => setTimeout(r, 500));
        for (const entry of await readNew(dirs, offsets, filter)) await show(entry);
        await flush();
      }
      output.finish();
    });
}
