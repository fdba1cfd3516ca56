// Rules files in KumoMTA's format (configure_bounce_classifier): one `[rules]` table
// whose keys are labels and whose values are lists of regular expressions, as `.toml`,
// `.json` or `.json5`. Decoding never stops at the first problem, so `oobd rules check`
// can list them all; compileClassifier refuses any.
import JSON5 from 'json5';
import { parse as parseToml } from 'smol-toml';
import { ErrorCode } from '../errors';
import type { RulesSource } from './index';
import {
  decodeContextDocument,
  isContextDocument,
  oneByteCopy,
  type DecodedContextFile,
} from './context';

/**
 * " at line L, column C" of a syntax error: smol-toml's TomlError has `line` and
 * `column`, json5's SyntaxError `lineNumber` and `columnNumber` (both 1-based); "" when
 * the error says neither.
 */
function whereInText(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const e = err as {
    line?: unknown;
    column?: unknown;
    lineNumber?: unknown;
    columnNumber?: unknown;
  };
  const line = e.line ?? e.lineNumber;
  const column = e.column ?? e.columnNumber;
  if (typeof line !== 'number') return '';
  return typeof column === 'number' ? ` at line ${line}, column ${column}` : ` at line ${line}`;
}

/** One thing wrong in a rules file, located as precisely as the problem allows. */
export interface RuleProblem {
  /** OOBD_RULE_INVALID for a bad label, list or pattern; OOBD_FILE_UNREADABLE for bad TOML/JSON. */
  code: typeof ErrorCode.RuleInvalid | typeof ErrorCode.FileUnreadable;
  file: string;
  /** The label (key under `[rules]`), when the problem is inside one. */
  label: string | null;
  /** 0-based index of the pattern in the label's list, when the problem is one pattern. */
  index: number | null;
  pattern: string | null;
  /** What is wrong, without the location (see formatProblem). */
  reason: string;
}

/** One label's patterns, in file order. */
export interface LabelRules {
  label: string;
  patterns: string[];
}

export interface DecodedRulesFile {
  file: string;
  /** In file order: the order decides which rule wins. */
  labels: LabelRules[];
  /**
   * Set when the file is a context table (`[[stage]]` / `[[context]]`, see context.ts)
   * instead of KumoMTA rules; `labels` is then empty.
   */
  context?: DecodedContextFile;
}

/**
 * `file: label[index] "pattern": reason` — the one place that words a location, so the
 * CLI, the startup error and the reload log all name file, label and index alike.
 */
export function formatProblem(problem: RuleProblem): string {
  let where = problem.file;
  if (problem.label !== null) {
    where += `: ${JSON.stringify(problem.label)}`;
    if (problem.index !== null) where += `[${problem.index}]`;
  }
  if (problem.pattern !== null) where += ` ${JSON.stringify(problem.pattern)}`;
  return `${where}: ${problem.reason}`;
}

type Format = 'toml' | 'json5';

function formatOf(file: string): Format | null {
  const lower = file.toLowerCase();
  if (lower.endsWith('.toml')) return 'toml';
  if (lower.endsWith('.json') || lower.endsWith('.json5')) return 'json5';
  return null;
}

/**
 * The message of a thrown value. Not `instanceof Error`: errors from the native RE2
 * addon and from other realms (worker threads, test sandboxes) fail that check.
 */
export function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err) {
    const { message } = err as { message: unknown };
    if (typeof message === 'string') return message;
  }
  return String(err);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decode one rules file. Label order is the order of the keys in the file; note that a
 * label spelled as an integer (`"42"`) is listed before the others, because JavaScript
 * objects keep integer-like keys in numeric order whatever the source order.
 */
export function decodeRulesFile(source: RulesSource): {
  decoded: DecodedRulesFile;
  problems: RuleProblem[];
} {
  const { file } = source;
  const problems: RuleProblem[] = [];
  const decoded: DecodedRulesFile = { file, labels: [] };
  const problem = (
    reason: string,
    at: { label?: string; index?: number; pattern?: string; code?: RuleProblem['code'] } = {},
  ): void => {
    problems.push({
      code: at.code ?? ErrorCode.RuleInvalid,
      file,
      label: at.label ?? null,
      index: at.index ?? null,
      pattern: at.pattern ?? null,
      reason,
    });
  };

  const format = formatOf(file);
  if (format === null) {
    problem('not a rules file: the name must end in .toml, .json or .json5', {
      code: ErrorCode.FileUnreadable,
    });
    return { decoded, problems };
  }

  let document: unknown;
  try {
    document = format === 'toml' ? parseToml(source.text) : JSON5.parse(source.text);
  } catch (err) {
    const message = messageOf(err).split('\n')[0];
    problem(
      `not valid ${format === 'toml' ? 'TOML' : 'JSON/JSON5'}${whereInText(err)}: ${message}`,
      {
        code: ErrorCode.FileUnreadable,
      },
    );
    return { decoded, problems };
  }

  if (!isPlainObject(document)) {
    problem('expected a table with a "rules" key');
    return { decoded, problems };
  }
  if (isContextDocument(document)) {
    const context = decodeContextDocument(file, document);
    return { decoded: { ...decoded, context: context.decoded }, problems: context.problems };
  }
  for (const key of Object.keys(document)) {
    if (key !== 'rules') problem(`unknown key ${JSON.stringify(key)}: only "rules" is allowed`);
  }
  const rules = document.rules;
  if (rules === undefined) {
    problem('missing the "rules" table (or [[context]] rows, for a context table)');
    return { decoded, problems };
  }
  if (!isPlainObject(rules)) {
    problem('"rules" must be a table of label = ["regex", ...]');
    return { decoded, problems };
  }

  for (const [label, list] of Object.entries(rules)) {
    if (label.trim() === '') {
      problem('a label must not be empty', { label });
      continue;
    }
    if (!Array.isArray(list)) {
      problem('must be a list of regular expressions', { label });
      // Listed without patterns, so that problems sort in file order.
      decoded.labels.push({ label, patterns: [] });
      continue;
    }
    const patterns: string[] = [];
    list.forEach((pattern: unknown, index) => {
      if (typeof pattern !== 'string') {
        problem(`must be a string, not ${Array.isArray(pattern) ? 'an array' : typeof pattern}`, {
          label,
          index,
        });
      } else if (pattern === '') {
        // An empty pattern matches every reply and silently shadows every later rule.
        problem('an empty pattern matches every reply; write "^" if that is really meant', {
          label,
          index,
          pattern,
        });
      }
      // Keep the slot (even when bad) so indices stay those of the file.
      patterns.push(typeof pattern === 'string' ? pattern : '');
    });
    decoded.labels.push({ label: oneByteCopy(label), patterns });
  }
  return { decoded, problems };
}
