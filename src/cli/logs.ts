// `oobd logs [DIR]`: read, filter, follow and summarise the log segments.
import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import { loadServerConfig } from '../config/server';
import { parseDuration } from '../config/units';
import { ErrorCode, OobdError } from '../errors';
import type { LogRecord } from '../log/record';
import { listSegments } from '../log/reader';
import { addConfigOption, configPath, Output } from './common';

interface LogsOptions {
  config?: string;
  follow?: boolean;
  type?: string;
  class?: string;
  domain?: string;
  since?: string;
  summary?: boolean;
  json?: boolean;
}

export interface RecordFilter {
  types: Set<string> | null;
  classes: Set<string> | null;
  domain: string | null;
  sinceUnix: number | null;
}

function csvSet(value: string | undefined): Set<string> | null {
  if (!value) return null;
  return new Set(value.split(',').map((v) => v.trim().toLowerCase()).filter(Boolean));
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : '';
}

export function matches(record: LogRecord, filter: RecordFilter): boolean {
  if (filter.types && !filter.types.has(record.type.toLowerCase())) return false;
  if (filter.classes && !filter.classes.has(record.bounce_classification.toLowerCase())) return false;
  if (filter.sinceUnix !== null && record.timestamp < filter.sinceUnix) return false;
  if (filter.domain) {
    const d = filter.domain;
    const recipients = Array.isArray(record.recipient) ? record.recipient : [record.recipient];
    const hit =
      record.queue.toLowerCase() === d ||
      recipients.some((r) => domainOf(r) === d || domainOf(r).endsWith(`.${d}`)) ||
      domainOf(record.sender) === d;
    if (!hit) return false;
  }
  return true;
}

/** One readable line per record. */
export function formatRecord(r: LogRecord): string {
  const recipient = Array.isArray(r.recipient) ? r.recipient.join(',') : r.recipient;
  const enhanced = r.response.enhanced_code
    ? ` ${r.response.enhanced_code.class}.${r.response.enhanced_code.subject}.${r.response.enhanced_code.detail}`
    : '';
  const label = r.type === 'OOB' ? ` ${r.bounce_classification}` : '';
  const content = r.response.content ? ` ${r.response.content}` : '';
  return `${r.event_time} ${r.type}${label} ${r.sender || '<>'} -> ${recipient || '-'} ${r.response.code}${enhanced}${content} [${r.id}]`;
}

class Summary {
  readonly byType = new Map<string, number>();
  readonly byClass = new Map<string, number>();
  readonly byDomain = new Map<string, number>();
  total = 0;

  add(r: LogRecord): void {
    this.total++;
    this.byType.set(r.type, (this.byType.get(r.type) ?? 0) + 1);
    if (r.type === 'OOB') {
      this.byClass.set(r.bounce_classification, (this.byClass.get(r.bounce_classification) ?? 0) + 1);
      const first = Array.isArray(r.recipient) ? (r.recipient[0] ?? '') : r.recipient;
      const domain = domainOf(first) || '(none)';
      this.byDomain.set(domain, (this.byDomain.get(domain) ?? 0) + 1);
    }
  }

  format(): string {
    const table = (title: string, map: Map<string, number>, limit = 20) => {
      const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, limit);
      if (rows.length === 0) return '';
      return `${title}\n${rows.map(([k, n]) => `  ${String(n).padStart(8)}  ${k}`).join('\n')}\n`;
    };
    return (
      `records: ${this.total}\n` +
      table('by type', this.byType) +
      table('OOB by classification', this.byClass) +
      table('OOB by recipient domain (top 20)', this.byDomain)
    );
  }
}

/** Reads complete lines from a segment starting at `offset`; returns the new offset. */
async function readFrom(path: string, offset: number, onLine: (line: string) => void): Promise<number> {
  const handle = await fs.open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size <= offset) return offset;
    const buffer = Buffer.alloc(size - offset);
    await handle.read(buffer, 0, buffer.length, offset);
    const text = buffer.toString('utf8');
    const last = text.lastIndexOf('\n');
    if (last < 0) return offset;
    for (const line of text.slice(0, last).split('\n')) if (line.trim()) onLine(line);
    return offset + Buffer.byteLength(text.slice(0, last + 1));
  } finally {
    await handle.close();
  }
}

export function register(program: Command): void {
  addConfigOption(program.command('logs'))
    .description('read, filter, follow and summarise log segments')
    .argument('[dir]', 'the log folder (default: logs.dir of the config)')
    .option('-f, --follow', 'keep printing records as they are written')
    .option('-t, --type <types>', 'only these record types, comma-separated (OOB,Feedback,Rejection,...)')
    .option('-C, --class <labels>', 'only OOB records with these bounce classifications, comma-separated')
    .option('-d, --domain <domain>', 'only records for this domain (queue, recipient or sender domain)')
    .option('-s, --since <duration>', 'only records of the last DURATION (e.g. 15m, 2h, 1d)')
    .option('--summary', 'print counts by type, classification and domain instead of records')
    .option('--json', 'print the records as JSON lines')
    .action(async (dirArg: string | undefined, opts: LogsOptions) => {
      if (opts.summary && opts.json) throw new OobdError(ErrorCode.UsageError, '--summary and --json exclude each other');
      const dir = dirArg ?? loadServerConfig(configPath(opts)).logs.dir;
      let sinceUnix: number | null = null;
      if (opts.since) {
        const ms = parseDuration(opts.since);
        if (ms === null) throw new OobdError(ErrorCode.UsageError, `--since: expected a duration such as 15m or 2h, got "${opts.since}"`);
        sinceUnix = Math.floor((Date.now() - ms) / 1000);
      }
      const filter: RecordFilter = {
        types: csvSet(opts.type),
        classes: csvSet(opts.class),
        domain: opts.domain?.toLowerCase() ?? null,
        sinceUnix,
      };
      try {
        await fs.access(dir);
      } catch {
        throw new OobdError(ErrorCode.UsageError, `log folder ${dir} does not exist`);
      }
      const summary = new Summary();
      const output = new Output();
      let out = '';
      const onLine = (line: string) => {
        let record: LogRecord;
        try {
          record = JSON.parse(line) as LogRecord;
        } catch {
          return;
        }
        if (!matches(record, filter)) return;
        if (opts.summary) summary.add(record);
        else out += `${opts.json ? line : formatRecord(record)}\n`;
      };
      const flush = async () => {
        if (!out) return;
        const chunk = out;
        out = '';
        await output.write(chunk);
      };
      const offsets = new Map<string, number>();
      const pass = async () => {
        for (const path of await listSegments(dir)) {
          const offset = offsets.get(path) ?? 0;
          offsets.set(path, await readFrom(path, offset, onLine).catch(() => offset));
          await flush();
          if (output.closed) return;
        }
      };
      await pass();
      if (!opts.follow) {
        if (opts.summary) await output.write(summary.format());
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
        await pass();
      }
      output.finish();
    });
}
