// `oobd rules audit PATH... [--expected FILE] [--rules F]`: run the rules over a corpus
// and show, per rule and context row, how often it decided a label and (with
// expectations) how often it was right; the rules that never decided anything; and the
// replies no rule recognised, grouped by normalised form with a pattern to start from.
// PATH is a folder (or file) of bounces, parsed as `oobd parse` parses them, or a log
// folder (segment files), whose OOB records are classified again with these rules.
import { readFileSync } from 'node:fs';
import { basename, sep } from 'node:path';
import {
  compileClassifier,
  replyLine,
  UNCATEGORIZED,
  type CompiledClassifier,
  type ReplyContext,
} from '../classify/index';
import {
  RulesAudit,
  acceptedLabels,
  precision,
  type AuditEntry,
  type AuditReport,
  type ExpectationLine,
} from '../classify/audit';
import { readRulesSources } from '../config/rules';
import { ErrorCode, OobdError, errorMessage } from '../errors';
import { listSegments, parseSegment } from '../log/reader';
import type { LogRecord } from '../log/record';
import { auditMessage } from '../pipeline/parse-mode';
import { inferenceReply } from '../pipeline/records';
import { readMessages, type SourceError } from './sources';

export interface AuditOptions {
  expected?: string;
  rules: string[];
  json: boolean;
  /** Uncategorized groups to print; 0 prints all. */
  limit: number;
  /** Precision below this (0–1) is flagged, for entries with at least `minChecked` checked replies. */
  lowPrecision: number;
  minChecked: number;
}

/** One expected record: the labels that count as right, and what the line said. */
interface Expectation {
  /** Null when the line names no label oobd knows (nothing to check). */
  accepted: readonly string[] | null;
  /** The Sisimai reason the labels come from; null for a `label` line. */
  reason: string | null;
  /** The line's `index` (1-based within its file), else its place among the file's lines. */
  index: number;
}

/** Expectations of one file, in pairing order, and where pairing has got to. */
interface FileExpectations {
  file: string;
  entries: Expectation[];
  next: number;
}

/**
 * Expectations file: JSON lines, each `{file, index?, label | reason}` (the corpus
 * format, `reason` being Sisimai's vocabulary, or plain `label`). Grouped by file,
 * sorted by index, Sisimai's `delivered` entries dropped (they stand for no record).
 * @throws OobdError OOBD_FILE_UNREADABLE naming the file and line.
 */
export function readExpectations(path: string): Map<string, FileExpectations[]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OobdError(ErrorCode.FileUnreadable, `${path}: cannot read: ${errorMessage(err)}`);
  }
  const byFile = new Map<string, Array<{ index: number; order: number; line: ExpectationLine }>>();
  text.split('\n').forEach((raw, lineNo) => {
    if (raw.trim() === '') return;
    let line: ExpectationLine;
    try {
      line = JSON.parse(raw) as ExpectationLine;
    } catch (err) {
      throw new OobdError(
        ErrorCode.FileUnreadable,
        `${path}:${lineNo + 1}: not a JSON object: ${errorMessage(err)}`,
      );
    }
    if (typeof line !== 'object' || line === null || typeof line.file !== 'string') {
      throw new OobdError(ErrorCode.FileUnreadable, `${path}:${lineNo + 1}: needs a "file"`);
    }
    const list = byFile.get(line.file) ?? [];
    list.push({
      index: typeof line.index === 'number' ? line.index : Infinity,
      order: lineNo,
      line,
    });
    byFile.set(line.file, list);
  });
  const byName = new Map<string, FileExpectations[]>();
  for (const [file, list] of byFile) {
    list.sort((a, b) => a.index - b.index || a.order - b.order);
    const entries: Expectation[] = [];
    for (const { line } of list) {
      const accepted = acceptedLabels(line);
      if (accepted === 'skip') continue;
      entries.push({
        accepted,
        reason: line.label === undefined ? (line.reason ?? null) : null,
        index: typeof line.index === 'number' ? line.index : entries.length + 1,
      });
    }
    const name = basename(file);
    byName.set(name, [...(byName.get(name) ?? []), { file, entries, next: 0 }]);
  }
  return byName;
}

/** The expectations whose `file` is the source path or a suffix of it (the longest). */
function expectationsFor(
  expected: Map<string, FileExpectations[]>,
  path: string,
): FileExpectations | null {
  const norm = path.split(sep).join('/');
  let best: FileExpectations | null = null;
  for (const candidate of expected.get(basename(path)) ?? []) {
    const file = candidate.file.split(sep).join('/');
    if (norm === file || norm.endsWith(`/${file}`)) {
      if (best === null || file.length > best.file.length) best = candidate;
    }
  }
  return best;
}

function contextOfRecord(record: LogRecord): ReplyContext {
  const oob = record.oob_report;
  return {
    command: record.response.command,
    action: oob?.action ?? null,
    diagnosticType: oob?.diagnostic_code?.type ?? null,
    diagnosticText: oob?.diagnostic_code?.text ?? null,
    status: oob?.status ?? null,
  };
}

function auditLogs(
  segments: string[],
  classifier: CompiledClassifier,
  audit: RulesAudit,
  expected: Map<string, FileExpectations[]> | null,
): void {
  for (const segment of segments) {
    const records = parseSegment(readFileSync(segment, 'utf8'));
    const expectations = expected ? expectationsFor(expected, segment) : null;
    for (const record of records) {
      if (record.type !== 'OOB' || record.bounce_classification === 'AutoReply') continue;
      if (record.bounce_classification === 'ChallengeResponse') continue;
      let line = replyLine({
        code: record.response.code,
        enhancedCode: record.response.enhanced_code,
        content: record.response.content,
        command: record.response.command,
      });
      let classification = classifier.classifyLine(line, contextOfRecord(record));
      // As the pipeline labels records: the parser's conclusion (oob_report.inferred)
      // decides when no rule knows the reply.
      const inferred = record.oob_report?.inferred;
      if (classification.label === UNCATEGORIZED && inferred !== undefined) {
        line = replyLine(inferenceReply(inferred));
        classification = classifier.classifyLine(line, contextOfRecord(record));
      }
      const expected = expectations ? (expectations.entries[expectations.next++] ?? null) : null;
      audit.add(
        line,
        classification,
        expected?.accepted ?? null,
        `${segment}: ${record.id}`,
        expected?.reason ?? null,
      );
    }
  }
}

/** Run the audit over the paths. Unreadable paths are returned, not thrown. */
export async function runAudit(
  paths: readonly string[],
  options: Pick<AuditOptions, 'expected' | 'rules'>,
): Promise<{ report: AuditReport; errors: SourceError[]; files: string[] }> {
  const classifier = compileClassifier(readRulesSources(options.rules));
  const audit = new RulesAudit(classifier);
  const expected = options.expected ? readExpectations(options.expected) : null;
  const errors: SourceError[] = [];
  const messagePaths: string[] = [];
  for (const path of paths) {
    const segments = await listSegments(path).catch(() => []);
    if (segments.length > 0) auditLogs(segments, classifier, audit, expected);
    else messagePaths.push(path);
  }
  const used = new Set<FileExpectations>();
  for (const message of readMessages(messagePaths, errors)) {
    const expectations = expected ? expectationsFor(expected, message.file) : null;
    if (expectations) used.add(expectations);
    for (const item of auditMessage(message.raw, classifier)) {
      for (let r = 0; r < item.records; r++) {
        const expected = expectations ? (expectations.entries[expectations.next++] ?? null) : null;
        if (r === 0 && item.classification !== null && item.line !== null) {
          audit.add(
            item.line,
            item.classification,
            expected?.accepted ?? null,
            `${message.file}#${expected?.index ?? r + 1}`,
            expected?.reason ?? null,
          );
        }
      }
    }
  }
  for (const expectations of used) {
    for (const left of expectations.entries.slice(expectations.next))
      audit.unpaired(`${expectations.file}#${left.index}`);
  }
  return { report: audit.report(), errors, files: [...options.rules] };
}

function percent(value: number | null): string {
  return value === null ? '    -' : `${(100 * value).toFixed(1).padStart(5)}%`;
}

function where(entry: AuditEntry): string {
  return entry.kind === 'rule'
    ? `${entry.file}: ${JSON.stringify(entry.label)}[${entry.index}]`
    : `${entry.file}: context[${entry.index}] → ${entry.label}`;
}

/** Entries whose precision is under `threshold` with at least `minChecked` checked replies. */
export function lowPrecision(
  report: AuditReport,
  threshold: number,
  minChecked: number,
): AuditEntry[] {
  return report.entries.filter((entry) => {
    const p = precision(entry);
    return p !== null && entry.checked >= minChecked && p < threshold;
  });
}

/** The text report: what to act on first (wrong labels, replies no rule knows), then the tallies. */
export function formatAudit(
  report: AuditReport,
  files: readonly string[],
  options: AuditOptions,
): string {
  const lines: string[] = [];
  const hit = report.entries.filter((entry) => entry.hits > 0 || entry.overridden > 0);
  const never = report.entries.filter(
    (entry) => entry.hits === 0 && entry.overridden === 0 && entry.kind === 'rule',
  );
  lines.push(`${report.replies} replies classified with ${files.join(', ')}`);
  if (options.expected) {
    const share = report.checked === 0 ? null : report.right / report.checked;
    lines.push(
      `expectations: ${report.right} of ${report.checked} labels right (${percent(share).trim()})` +
        (report.unpaired > 0 ? `, ${report.unpaired} expectations without a reply` : ''),
    );
    lines.push('', `wrong labels: ${report.wrong.length === 0 ? 'none' : report.wrong.length}`);
    for (const miss of report.wrong) {
      const why = miss.reason === null ? '' : ` (Sisimai: ${miss.reason})`;
      lines.push(
        `  ${miss.source}  ${miss.label} (${miss.rule ?? 'no rule'}), expected ${miss.accepted.join(' or ')}${why}`,
      );
      lines.push(`      ${miss.line}`);
    }
    if (report.unpaired > 0) {
      lines.push(
        '',
        `expectations without a reply (no record of the file took them): ${report.unpaired}`,
      );
      for (const expectation of report.unpairedExpectations) lines.push(`  ${expectation}`);
    }
  }
  const uncategorized = report.uncategorized.reduce((n, group) => n + group.count, 0);
  lines.push(
    '',
    `uncategorized: ${uncategorized} replies in ${report.uncategorized.length} groups (count, normalised reply, pattern)`,
  );
  const shown =
    options.limit > 0 ? report.uncategorized.slice(0, options.limit) : report.uncategorized;
  for (const group of shown) {
    lines.push(`${String(group.count).padStart(7)}  ${group.key}`);
    lines.push(`         '${group.pattern}',`);
  }
  if (shown.length < report.uncategorized.length) {
    lines.push(
      `  ... ${report.uncategorized.length - shown.length} more groups (--limit 0 shows all)`,
    );
  }
  lines.push('', 'rules and context rows that decided a label:');
  lines.push('   hits  right/checked  precision  rule');
  for (const entry of hit) {
    const checked = entry.checked > 0 ? `${entry.right}/${entry.checked}` : '-';
    lines.push(
      `${String(entry.hits).padStart(7)}  ${checked.padStart(13)}  ${percent(precision(entry)).padStart(9)}  ${where(entry)}  ${entry.pattern}` +
        (entry.overridden > 0 ? `  (${entry.overridden} relabelled by context)` : ''),
    );
  }
  if (options.expected) {
    const low = lowPrecision(report, options.lowPrecision, options.minChecked);
    lines.push(
      '',
      `under ${Math.round(options.lowPrecision * 100)}% precision with ≥ ${options.minChecked} checked: ${low.length === 0 ? 'none' : low.length}`,
    );
    for (const entry of low)
      lines.push(`  ${entry.right}/${entry.checked}  ${where(entry)}  ${entry.pattern}`);
  }
  const rules = report.entries.filter((entry) => entry.kind === 'rule').length;
  lines.push('', `never matched: ${never.length} of ${rules} rules`);
  for (const entry of never) lines.push(`  ${where(entry)}  ${entry.pattern}`);
  return `${lines.join('\n')}\n`;
}
