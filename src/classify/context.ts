// The context layer: what a reply means can depend on more than its line. Rules files
// (KumoMTA's format) see only "<code> <enhanced> <content>"; a context table sees what
// the report says around the reply:
//   * the SMTP stage it answered (KumoMTA's `response.command`, or the words MTAs use
//     for it: Postfix "refused to talk to me", Exim "after initial connection"),
//   * the diagnostic type (RFC 3464 §2.3.6: `smtp` is a remote reply, `x-unix` the exit
//     of a local delivery program),
//   * the DSN action (RFC 3464 §2.3.3: `failed` is a final bounce, after the queue
//     lifetime when the last reply was a 4xx),
// and the label the rules gave. Each row of the table says: when these hold, the label
// is this one. Rows are data, in a file beside the rules (rules/context.toml), so the
// decisions are listed in one place, tested, and shown by `oobd classify --json` as
// the input that decided.
//
// A context table is a classifier file of its own kind: `[[stage]]` and `[[context]]`
// arrays instead of KumoMTA's `[rules]`. Without one, the classifier is KumoMTA's: a
// KumoMTA rules file means what it meant.
//
// Pure: no I/O. Patterns are RE2 (the text is hostile).
import RE2 from 're2';
import { ErrorCode } from '../errors';
import type { RuleProblem } from './rules-file';

type RE2Set = InstanceType<typeof RE2.Set>;

/**
 * The same text as a string V8 stores one byte a character, when every character fits
 * in one (labels are ASCII). A rules file with one character above U+00FF (the
 * Japanese and Chinese phrases of the shipped rules) decodes to a two-byte string, and
 * every label sliced from it stays two-byte; one such label in a record made the
 * record's JSON, the log writer's batch and its UTF-8 copy two-byte as well (twice
 * the bytes to build, join and encode for every message; issue 17, h127).
 */
export function oneByteCopy(text: string): string {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return text;
  return Buffer.from(text, 'latin1').toString('latin1');
}

/** What the line cannot carry: where and how the reply was reported. Every field may be unknown. */
export interface ReplyContext {
  /**
   * The SMTP command the reply answered (KumoMTA's `response.command`: `MAIL FROM`,
   * `RCPT TO`, `DATA`, `.`, `CONNECT`, `EHLO`...); null when the report does not say.
   */
  command?: string | null;
  /** The DSN `Action` (RFC 3464 §2.3.3), e.g. `failed` for a final bounce, `delayed` for a warning. */
  action?: string | null;
  /** The `Diagnostic-Code` type (RFC 3464 §2.3.6): `smtp`, `x-unix`, `x-postfix`, `text`... */
  diagnosticType?: string | null;
  /**
   * The diagnostic text as the report gave it, before the parser took the reply out of
   * it: it may hold the stage words ("... refused to talk to me: 554 ...").
   */
  diagnosticText?: string | null;
  /**
   * The report's own `Status` (RFC 3464 §2.3.4, `4.4.7`): the reporting MTA's verdict on
   * the recipient, which may say more than the last reply ("delivery time expired"
   * over the last attempt's "451 4.3.0 try again later"). Null when the report gave none.
   */
  status?: string | null;
}

/** One SMTP stage: the commands that name it and the words MTAs use for it. */
export interface StageDef {
  name: string;
  /** `response.command` values, compared case-insensitively, text after a ':' ignored. */
  commands: string[];
  /** RE2 patterns that say the reply came at this stage, searched in the line and the diagnostic text. */
  words: string[];
}

/** The conditions of a context row; every one given must hold. */
export interface ContextWhen {
  /** The label the rules gave (`Uncategorized` when no rule matched). */
  rule_label?: string[];
  /** The stage, by name from the `[[stage]]` list. */
  stage?: string[];
  /** The DSN action, lower case. */
  action?: string[];
  /** The diagnostic type, lower case. */
  diagnostic_type?: string[];
  /** Reply codes: `421`, or with `x` for any digit: `4xx`, `50x`. */
  code?: string[];
  /** The report's Status (RFC 3463 class.subject.detail), `x` for any part: `4.4.7`, `x.4.7`. */
  status?: string[];
  /** An RE2 pattern the reply line must match. */
  line?: string;
}

/** One row: when its conditions hold, `label` is the classification. */
export interface ContextRowDef {
  name: string;
  label: string;
  when: ContextWhen;
}

export interface DecodedContextFile {
  file: string;
  stages: StageDef[];
  rows: ContextRowDef[];
}

/** The row that decided a label, as `oobd classify --json` shows it. */
export interface ContextRef {
  file: string;
  /** 0-based index of the row among the file's `[[context]]` rows. */
  index: number;
  name: string;
  /** The label the rules gave, which the row replaced. */
  replaced: string;
  /** The stage the row saw, and whether `response.command` or the words told it; null when the row has no stage condition. */
  stage: { name: string; from: 'command' | 'words' } | null;
}

const WHEN_KEYS = new Set([
  'rule_label',
  'stage',
  'action',
  'diagnostic_type',
  'code',
  'status',
  'line',
]);
const ROW_KEYS = new Set(['name', 'label', 'when']);
const STAGE_KEYS = new Set(['name', 'commands', 'words']);

/** `421`, `4xx`, `50x`: a reply class 2–5, then two digits or `x`. */
function isCodePattern(code: string): boolean {
  if (code.length !== 3) return false;
  const first = code[0] ?? '';
  if (first < '2' || first > '5') return false;
  return [code[1], code[2]].every(
    (ch) => ch === 'x' || (ch !== undefined && ch >= '0' && ch <= '9'),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] | null {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return null;
  return value as string[];
}

/** RE2's complaint about a pattern, or null when it compiles. */
function re2Error(pattern: string): string | null {
  try {
    new RE2(pattern, 'u');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** True when the decoded document is a context table (`[[stage]]` / `[[context]]`) rather than KumoMTA rules. */
export function isContextDocument(document: unknown): boolean {
  return (
    isPlainObject(document) &&
    !('rules' in document) &&
    ('context' in document || 'stage' in document)
  );
}

/**
 * Decode a context table. Every problem is reported (file, `context[i]` or `stage[i]`
 * as the label, the key as the reason), none stops the others from being found.
 */
export function decodeContextDocument(
  file: string,
  document: Record<string, unknown>,
): { decoded: DecodedContextFile; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const decoded: DecodedContextFile = { file, stages: [], rows: [] };
  const problem = (where: string | null, reason: string, pattern: string | null = null) =>
    problems.push({
      code: ErrorCode.RuleInvalid,
      file,
      label: where,
      index: null,
      pattern,
      reason,
    });

  for (const key of Object.keys(document)) {
    if (key !== 'stage' && key !== 'context') {
      problem(
        null,
        `unknown key ${JSON.stringify(key)}: a context table has only [[stage]] and [[context]]`,
      );
    }
  }

  const stages = document.stage ?? [];
  if (!Array.isArray(stages)) problem('stage', 'must be an array of tables ([[stage]])');
  else
    stages.forEach((raw: unknown, i) => {
      const where = `stage[${i}]`;
      if (!isPlainObject(raw)) return problem(where, 'must be a table');
      for (const key of Object.keys(raw))
        if (!STAGE_KEYS.has(key)) problem(where, `unknown key ${JSON.stringify(key)}`);
      const name = raw.name;
      if (typeof name !== 'string' || name.trim() === '') return problem(where, 'needs a name');
      if (decoded.stages.some((stage) => stage.name === name))
        problem(where, `stage ${JSON.stringify(name)} is defined twice`);
      const commands = stringList(raw.commands ?? []);
      const words = stringList(raw.words ?? []);
      if (commands === null) problem(where, '"commands" must be a list of strings');
      if (words === null) problem(where, '"words" must be a list of strings');
      for (const word of words ?? []) {
        const reason = re2Error(word);
        if (reason !== null) problem(where, `RE2 cannot compile a word pattern: ${reason}`, word);
      }
      decoded.stages.push({ name, commands: commands ?? [], words: words ?? [] });
    });

  const rows = document.context ?? [];
  if (!Array.isArray(rows)) problem('context', 'must be an array of tables ([[context]])');
  else
    rows.forEach((raw: unknown, i) => {
      const where = `context[${i}]`;
      if (!isPlainObject(raw)) return problem(where, 'must be a table');
      for (const key of Object.keys(raw))
        if (!ROW_KEYS.has(key)) problem(where, `unknown key ${JSON.stringify(key)}`);
      const { name, label } = raw;
      if (typeof name !== 'string' || name.trim() === '') problem(where, 'needs a name');
      if (typeof label !== 'string' || label.trim() === '') problem(where, 'needs a label');
      const whenRaw = raw.when;
      if (!isPlainObject(whenRaw) || Object.keys(whenRaw).length === 0) {
        problem(where, 'needs a [context.when] table with at least one condition');
        return;
      }
      const when: ContextWhen = {};
      for (const [key, value] of Object.entries(whenRaw)) {
        if (!WHEN_KEYS.has(key)) {
          problem(where, `unknown condition ${JSON.stringify(key)}`);
          continue;
        }
        if (key === 'line') {
          if (typeof value !== 'string' || value === '') {
            problem(where, '"line" must be a non-empty RE2 pattern');
            continue;
          }
          const reason = re2Error(value);
          if (reason !== null) problem(where, `RE2 cannot compile "line": ${reason}`, value);
          when.line = value;
          continue;
        }
        const list = stringList(value);
        if (list === null || list.length === 0) {
          problem(where, `${JSON.stringify(key)} must be a non-empty list of strings`);
          continue;
        }
        if (key === 'code') {
          const bad = list.filter((code) => !isCodePattern(code.toLowerCase()));
          if (bad.length > 0) problem(where, `"code" takes 421, 4xx or 50x, not ${bad.join(', ')}`);
        }
        if (key === 'status') {
          const bad = list.filter((status) => statusPattern(status) === null);
          if (bad.length > 0)
            problem(where, `"status" takes 4.4.7 or x.4.7 (x: any), not ${bad.join(', ')}`);
        }
        const normalised =
          key === 'action' || key === 'diagnostic_type' || key === 'code' || key === 'status'
            ? list.map((item) => item.toLowerCase())
            : list;
        (when as Record<string, string[]>)[key] = normalised;
      }
      // A row may only name stages its own file defines: the reader sees them together.
      for (const stage of when.stage ?? [])
        if (!decoded.stages.some((known) => known.name === stage))
          problem(
            where,
            `stage ${JSON.stringify(stage)} is not defined by a [[stage]] of this file`,
          );
      if (typeof name === 'string' && typeof label === 'string')
        decoded.rows.push({ name, label: oneByteCopy(label), when });
    });

  return { decoded, problems };
}

interface CompiledRow {
  file: string;
  index: number;
  def: ContextRowDef;
  ruleLabels: Set<string> | null;
  stages: Set<string> | null;
  actions: Set<string> | null;
  diagnosticTypes: Set<string> | null;
  /** Every reply code the row's `code` patterns allow. */
  codes: Set<number> | null;
  /** The row's `status` patterns, each as [class, subject, detail] with null for `x`. */
  statuses: StatusPattern[] | null;
  line: RE2 | null;
}

type StatusPattern = [number | null, number | null, number | null];

/** `4.4.7` or `x.4.7` → its parts (null for `x`), or null when it is neither. */
function statusPattern(text: string): StatusPattern | null {
  const parts = text.trim().toLowerCase().split('.');
  if (parts.length !== 3) return null;
  const out: Array<number | null> = [];
  for (const [i, part] of parts.entries()) {
    if (part === 'x') out.push(null);
    else if (isNumber(part) && (i > 0 || part === '2' || part === '4' || part === '5'))
      out.push(Number(part));
    else return null;
  }
  return out as StatusPattern;
}

/** One to three ASCII digits. */
function isNumber(part: string): boolean {
  if (part.length < 1 || part.length > 3) return false;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** The report's Status matches one of the patterns; an absent or unreadable one never does. */
function statusMatches(
  patterns: readonly StatusPattern[],
  status: string | null | undefined,
): boolean {
  if (status === null || status === undefined) return false;
  const parsed = statusPattern(status);
  if (parsed === null || parsed.includes(null)) return false;
  return patterns.some((p) => p.every((part, i) => part === null || part === parsed[i]));
}

/** The codes `421`, `4xx` or `50x` stands for (x: any digit), as numbers. */
function expandCodes(patterns: readonly string[]): Set<number> {
  const codes = new Set<number>();
  for (const pattern of patterns) {
    for (let code = 200; code <= 599; code++) {
      const text = String(code);
      if ([0, 1, 2].every((i) => pattern[i] === 'x' || pattern[i] === text[i])) codes.add(code);
    }
  }
  return codes;
}

/** What `decide` needs to know about the reply besides the rules' label. */
export interface AppliedInput {
  line: string;
  code: number;
  context: ReplyContext | undefined;
  /**
   * The stage the stage words in the line name (null: none), when the caller already
   * knows it: the classifier matches the words in the same RE2 pass as the rules and
   * caches the result with the line.
   */
  lineStage?: string | null | undefined;
}

/** The outcome of the layer: the row that decided (with the stage it saw), or null. */
export interface ContextDecision {
  label: string;
  ref: ContextRef;
}

/** Every context table of the classifier's files, compiled once. */
export class ContextLayer {
  readonly rows: readonly ContextRowDef[];
  private readonly compiled: CompiledRow[];
  /** Per rules label, the rows that can apply to it, in order (rows with no label condition included). */
  private readonly byLabel = new Map<string, CompiledRow[]>();
  private readonly anyLabel: CompiledRow[];
  private readonly stageByCommand = new Map<string, string>();
  private readonly commandMemo = new Map<string, string | null>();
  /** One set over every stage word; `wordStage[i]` is the stage of word i. */
  private readonly words: RE2Set | null;
  private readonly wordStage: string[] = [];
  private readonly wordList: string[] = [];

  constructor(tables: readonly DecodedContextFile[]) {
    const allWords: string[] = [];
    for (const table of tables)
      for (const stage of table.stages) {
        for (const command of stage.commands) {
          const key = normaliseCommand(command);
          if (!this.stageByCommand.has(key)) this.stageByCommand.set(key, stage.name);
        }
        for (const word of stage.words) {
          allWords.push(word);
          this.wordList.push(word);
          this.wordStage.push(stage.name);
        }
      }
    this.words = allWords.length > 0 ? new RE2.Set(allWords, 'u') : null;
    this.compiled = tables.flatMap((table) =>
      table.rows.map((def, index) => ({
        file: table.file,
        index,
        def,
        ruleLabels: def.when.rule_label ? new Set(def.when.rule_label) : null,
        stages: def.when.stage ? new Set(def.when.stage) : null,
        actions: def.when.action ? new Set(def.when.action) : null,
        diagnosticTypes: def.when.diagnostic_type ? new Set(def.when.diagnostic_type) : null,
        codes: def.when.code ? expandCodes(def.when.code) : null,
        statuses: def.when.status
          ? def.when.status.flatMap((p) => {
              const parsed = statusPattern(p);
              return parsed === null ? [] : [parsed];
            })
          : null,
        line: def.when.line ? new RE2(def.when.line, 'u') : null,
      })),
    );
    this.rows = this.compiled.map((row) => row.def);
    // Most replies' labels appear in no row: looking the label up first makes the layer
    // cost nothing for them, and a few comparisons for the rest.
    this.anyLabel = this.compiled.filter((row) => row.ruleLabels === null);
    const labels = new Set(this.compiled.flatMap((row) => [...(row.ruleLabels ?? [])]));
    for (const label of labels) {
      this.byLabel.set(
        label,
        this.compiled.filter((row) => row.ruleLabels === null || row.ruleLabels.has(label)),
      );
    }
  }

  /** Every row with where it came from, in the order they are tried. */
  get refs(): Array<{ file: string; index: number; name: string; label: string }> {
    return this.compiled.map((row) => ({
      file: row.file,
      index: row.index,
      name: row.def.name,
      label: row.def.label,
    }));
  }

  /**
   * The stage a `response.command` value names (null: a command of no known stage), or
   * undefined for a blank one. Memoised: a server sees a handful of command spellings,
   * and the memo is bounded against a stream of made-up ones.
   */
  private commandStage(command: string): string | null | undefined {
    const memo = this.commandMemo.get(command);
    if (memo !== undefined) return memo;
    const key = normaliseCommand(command);
    const stage = key === '' ? undefined : (this.stageByCommand.get(key) ?? null);
    if (stage !== undefined) {
      if (this.commandMemo.size >= 256) this.commandMemo.clear();
      this.commandMemo.set(command, stage);
    }
    return stage;
  }

  /** Every stage word pattern, in order; `stageOfWord(i)` names the stage of the i-th. */
  get wordPatterns(): readonly string[] {
    return this.wordList;
  }

  stageOfWord(index: number): string | null {
    return this.wordStage[index] ?? null;
  }

  /** The stage the words in a text name (the first word that matches, in table order), or null. */
  stageInText(text: string): string | null {
    if (this.words === null || text === '') return null;
    let found: number[];
    try {
      found = this.words.match(text);
    } catch {
      return null; // RE2.Set out of DFA memory on a huge text: no stage rather than a crash.
    }
    const first = found[0];
    return first === undefined ? null : this.stageOfWord(first);
  }

  get empty(): boolean {
    return this.compiled.length === 0;
  }

  /**
   * The SMTP stage of a reply: from `response.command` when the report gave one (a
   * command the tables do not know means "not a stage we reason about", never a
   * guess from words), else from the stage words in the line or the diagnostic text.
   */
  stageOf(
    line: string,
    context: ReplyContext | undefined,
    lineStage?: string | null,
  ): ContextRef['stage'] {
    const command = context?.command;
    if (command !== null && command !== undefined && command !== '') {
      const known = this.commandStage(command);
      if (known !== undefined) return known === null ? null : { name: known, from: 'command' };
    }
    const inLine = lineStage === undefined ? this.stageInText(line) : lineStage;
    if (inLine !== null) return { name: inLine, from: 'words' };
    const inDiagnostic = context?.diagnosticText ? this.stageInText(context.diagnosticText) : null;
    return inDiagnostic === null ? null : { name: inDiagnostic, from: 'words' };
  }

  /** The first row whose conditions hold for this reply and rules label, or null. */
  decide(ruleLabel: string, input: AppliedInput): ContextDecision | null {
    const rows = this.byLabel.get(ruleLabel) ?? this.anyLabel;
    if (rows.length === 0) return null;
    const { context } = input;
    const action = lower(context?.action);
    const diagnosticType = lower(context?.diagnosticType);
    let stage: ContextRef['stage'] | undefined;
    for (const row of rows) {
      if (row.actions !== null && (action === null || !row.actions.has(action))) continue;
      if (
        row.diagnosticTypes !== null &&
        (diagnosticType === null || !row.diagnosticTypes.has(diagnosticType))
      )
        continue;
      if (row.codes !== null && !row.codes.has(input.code)) continue;
      if (row.statuses !== null && !statusMatches(row.statuses, context?.status)) continue;
      if (row.stages !== null) {
        if (stage === undefined) stage = this.stageOf(input.line, context, input.lineStage);
        if (stage === null || !row.stages.has(stage.name)) continue;
      }
      if (row.line !== null && !row.line.test(input.line)) continue;
      return {
        label: row.def.label,
        ref: {
          file: row.file,
          index: row.index,
          name: row.def.name,
          replaced: ruleLabel,
          stage: row.stages !== null ? (stage ?? null) : null,
        },
      };
    }
    return null;
  }
}

function lower(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim().toLowerCase();
  return trimmed === '' ? null : trimmed;
}

/** `rcpt to:<a@b>` → `RCPT TO`: upper case, single spaces, nothing after a colon. */
export function normaliseCommand(command: string): string {
  const colon = command.indexOf(':');
  const head = colon >= 0 ? command.slice(0, colon) : command;
  return head
    .trim()
    .toUpperCase()
    .replaceAll('\t', ' ')
    .split(' ')
    .filter((part) => part !== '')
    .join(' ');
}
