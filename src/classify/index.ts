// Bounce classifier: KumoMTA's rules files (configure_bounce_classifier) compiled into
// RE2.Sets (RULE_SETS of them, runs of consecutive rules; DESIGN.md says one, and
// RULE_SETS says why not). RE2 matches in time linear in the input whatever the
// patterns, so a hostile reply cannot stall a worker, and a fixed number of automata
// for all rules keeps the cost of a classification nearly flat as the rules grow
// (bench/classify.js).
// Pure: config/rules.ts reads the files and hands their text in.
import RE2 from 're2';
import { LRUCache } from 'lru-cache';
import { ErrorCode, OobdError } from '../errors';
import type { Reply } from '../report/types';
import {
  decodeRulesFile,
  formatProblem,
  messageOf,
  type DecodedRulesFile,
  type RuleProblem,
} from './rules-file';
import { leadingCodesLength, quotedReplyAt, replyLine } from './reply-line';
import { ContextLayer, type ContextRef, type ReplyContext } from './context';

type RE2Set = InstanceType<typeof RE2.Set>;

export { formatProblem, type RuleProblem } from './rules-file';
export { parseReplyLine, replyLine } from './reply-line';
export type { ContextRef, ContextRowDef, ReplyContext, StageDef } from './context';

/** The text of one rules file; config/ reads files, classify/ stays pure. */
export interface RulesSource {
  /** Path as configured, used in error messages and in `RuleRef.file`. */
  file: string;
  text: string;
}

/** Which rule won, so an operator can see why a reply got its label. */
export interface RuleRef {
  file: string;
  label: string;
  /** 0-based index of the pattern within the label's list. */
  index: number;
  pattern: string;
}

export interface Classification {
  label: string;
  /** The rule that matched the line; null when none did. */
  rule: RuleRef | null;
  /**
   * The context row (rules/context.toml) that decided the label from what the line
   * cannot carry (stage, diagnostic type, action, or the bare reply code when no rule
   * matched); null when the rule's label stands. When set, `label` is the row's and
   * `context.replaced` the rule's.
   */
  context: ContextRef | null;
  /**
   * The reply quoted inside the line that decided the label (`"550 5.1.1 user unknown"`
   * out of `"554 5.0.0 relay said: 550 5.1.1 user unknown"`) when the line's own words
   * matched no rule, or only a weak one (its bare codes, or stock words that give way to
   * a specific enhanced code); `rule` is then the rule that matched the quoted reply. Null otherwise, and always without a context table (the
   * rules alone are KumoMTA's classification).
   */
  inner: string | null;
}

export interface ClassifierOptions {
  /**
   * Replies kept with their label (KumoMTA's `cache_size`); 0 disables the cache.
   * @defaultValue 1024
   */
  cacheSize?: number;
  /**
   * Replies kept that matched no rule (KumoMTA's `uncategorized_cache_size`); 0 disables it.
   * @defaultValue 1024
   */
  uncategorizedCacheSize?: number;
  /**
   * Compile each run's RE2.Set when a line first reaches it instead of every one up
   * front. Only for rules known to compile (checked before, as `npm run build` checks
   * the shipped ones: config/rules-checked.ts): a problem in a run would otherwise
   * surface at the first line that reaches it, not at load. A line that matches in an
   * earlier run never reaches the later ones (firstMatch), so a command that classifies
   * a few lines, or none, compiles only the runs it needs: the eight sets of the shipped
   * rules are about 150 ms of CPU, most of `oobd parse`'s start.
   * @defaultValue false
   */
  deferSets?: boolean;
}

export interface Classifier {
  /**
   * The label of a reply. `context` (the stage, diagnostic type and action the report
   * gave) is used only by the context tables among the classifier's files; without one,
   * the label is the rules' alone, as in KumoMTA.
   */
  classify(reply: Reply, context?: ReplyContext): Classification;
}

/** What compileClassifier returns: a Classifier that also tells what it was built from. */
export interface CompiledClassifier extends Classifier {
  /** Classify an already built single line (`"550 5.1.1 user unknown"`). */
  classifyLine(line: string, context?: ReplyContext): Classification;
  /** Every rule in load order, which is match priority order: the first match wins. */
  readonly rules: readonly RuleRef[];
  /** Every context row in load order (the first whose conditions hold decides). */
  readonly contextRows: readonly ContextRowRef[];
  /** Cache occupancy and hit counts, e.g. for /metrics. */
  stats(): ClassifierStats;
}

export interface ClassifierStats {
  /** Replies in the classified cache. */
  classified: number;
  /** Replies in the uncategorized cache. */
  uncategorized: number;
  /** Classifications answered from either cache. */
  hits: number;
  /** Classifications that ran the RE2 set. */
  misses: number;
}

/** A context row with where it was loaded from. */
export interface ContextRowRef {
  file: string;
  index: number;
  name: string;
  label: string;
}

export const UNCATEGORIZED = 'Uncategorized';

export const DEFAULT_CACHE_SIZE = 1024;
export const DEFAULT_UNCATEGORIZED_CACHE_SIZE = 1024;

/**
 * Lines longer than this are classified but not cached: the caches hold whole lines as
 * keys, and a sender that returns 100 KB replies must not be able to pin
 * `cache_size` × 100 KB of memory. Real SMTP replies are far shorter (RFC 5321
 * §4.5.3.1.5 limits a reply line to 512 octets).
 */
const MAX_CACHED_LINE = 4096;

/** Every regular expression of the set gets these flags: `u` because RE2 matches UTF-8. */
const SET_FLAGS = 'u';

/**
 * The rules are matched by this many RE2.Sets of consecutive rules (fewer when there
 * are fewer rules), each with a memory budget of its own for its DFA.
 *
 * RE2 builds a set's DFA lazily, one state per new stretch of input, and keeps the
 * states within a fixed budget (RE2's default max_mem, 8 MiB; node-re2 offers no way
 * to raise it). A set of every shipped rule outgrows that budget on varied replies
 * (the addresses, hosts and ids in them make each reply new) and then throws its
 * states away and rebuilds them over and over: measured on the 323 replies of the
 * corpus' maildir/bsd with their addresses and ids varied on every pass, one set of
 * the 412 patterns stayed at 370–570 µs per reply; two sets, 130–300; four, 16–60;
 * eight, 26–130; sixteen, 50–150. The non-English families (476 patterns, several
 * with long Unicode classes that make a larger DFA state) pushed four sets of about
 * 120 rules back over the budget (94–124 µs per reply, `node bench/classify.js`,
 * "the corpus' replies" row): a run of 120 of them cost 100–120 µs where its three
 * runs of 40 cost 2–4 µs each. Five sets measured 12–19 µs, six 10–29, eight 11–29
 * (alternated runs); six leave room for the rules to grow by about a third. Six passes
 * over a line cost little once each DFA is warm (a line the DFAs know: 11–13 µs
 * against 8–11 with four), and a fixed number keeps the cost of a line independent of
 * how many rules there are (`npm run bench` compares 1,000 rules with 100). Each set
 * may hold up to RE2's 8 MiB of DFA states.
 *
 * The runs are cut by program size (runsByWeight), not by rule count: with 698 rules,
 * six runs of 117 held RE2 programs of 12,600 to 72,500 instructions, and the largest
 * (the non-English families with their bounded repetitions) outgrew the budget again;
 * the program shares the budget, and a larger program makes each DFA state larger.
 * Measured with RE2's own counters (valgrind; the corpus' replies, addresses and ids
 * varied four times; a C++ loop over the sets as firstMatch does, 2026-12, h115): six
 * runs by count of the rules before h115, 3.28 M instructions a new reply; of the h115
 * rules, six runs by size 2.27 M, seven 1.42 M, eight 1.30 M. Seven and eight count
 * the same with sixteen times RE2's budget, so they throw no states away; eight runs
 * of about 33,000 instructions leave room to grow.
 */
const RULE_SETS = 8;

/**
 * The most program weight (programWeight) one run may hold; more rules give more runs
 * than RULE_SETS (setCount). Measured with `node bench/classify.js` ("the corpus'
 * replies, addresses and ids new each pass", 2026-12-03): eight runs of the 969 shipped
 * rules weighed about 56,500 each and took 40 µs a reply; eight runs of the 1,072 rules
 * after that day's language families weighed about 69,000 each and took 212 µs, the DFA
 * budget outgrown again as above; ten runs of those 1,072 (about 55,400 each) took 54 µs.
 * Rules added later then add runs instead of outgrowing the budget.
 */
const MAX_RUN_WEIGHT = 56_000;

/**
 * How many runs `rules` are cut into: RULE_SETS, or more when the rules weigh more
 * than RULE_SETS runs of MAX_RUN_WEIGHT.
 */
export function setCount(rules: readonly RuleRef[]): number {
  const total = rules.reduce((sum, rule) => sum + programWeight(rule.pattern), 0);
  return Math.max(RULE_SETS, Math.ceil(total / MAX_RUN_WEIGHT));
}

const UNCATEGORIZED_RESULT: Classification = Object.freeze({
  label: UNCATEGORIZED,
  rule: null,
  context: null,
  inner: null,
});

/**
 * How much of a line is searched for a quoted reply. A relay puts the remote reply near
 * the start of its own ("... remote server said: 550 5.1.1 ..."), and RFC 5321
 * §4.5.3.1.5 limits a reply line to 512 octets, so several fit; past this the line is
 * not searched, whatever its length.
 */
const MAX_INNER_SCAN = 2048;

/** How many problems a RulesInvalidError's message lists; the rest are counted. */
export const LISTED_PROBLEMS = 20;

/**
 * The message of a RulesInvalidError: one problem on one line; several as a count and
 * then one line each (file, label, index, pattern, reason), the first LISTED_PROBLEMS
 * of them and "and N more". `hint` (e.g. the `oobd rules check` command to run) ends it.
 */
export function problemsMessage(problems: readonly RuleProblem[], hint?: string): string {
  const end = hint === undefined ? '' : `${problems.length > 1 ? '\n' : '; '}${hint}`;
  const [first] = problems;
  if (first === undefined) return `invalid rules${end}`;
  if (problems.length === 1) return `${formatProblem(first)}${end}`;
  const lines = problems.slice(0, LISTED_PROBLEMS).map((problem) => `  ${formatProblem(problem)}`);
  const rest = problems.length - LISTED_PROBLEMS;
  if (rest > 0) lines.push(`  and ${rest} more`);
  return `${problems.length} problems in the rules files:\n${lines.join('\n')}${end}`;
}

/**
 * A rules file or pattern that cannot be used; `problems` holds every one that was
 * found, and the message lists them (see problemsMessage). The code is the first
 * problem's: OOBD_FILE_UNREADABLE for text that is not TOML/JSON/JSON5, else
 * OOBD_RULE_INVALID.
 */
export class RulesInvalidError extends OobdError {
  readonly problems: readonly RuleProblem[];

  constructor(problems: readonly RuleProblem[], hint?: string) {
    super(problems[0]?.code ?? ErrorCode.RuleInvalid, problemsMessage(problems, hint));
    this.name = 'RulesInvalidError';
    this.problems = problems;
  }
}

/** The outcome of `checkRules`: what `oobd rules check` prints. */
export interface RulesCheck {
  /** Every problem that stops the rules from loading. */
  errors: RuleProblem[];
  /** Exact duplicate patterns: the later copy can never win. */
  warnings: RuleProblem[];
  files: number;
  /** Distinct labels over all files. */
  labels: number;
  patterns: number;
  /** Rows of the context tables among the files. */
  contextRows: number;
}

function contextLayerOf(files: readonly DecodedRulesFile[]): ContextLayer {
  return new ContextLayer(files.flatMap((file) => (file.context ? [file.context] : [])));
}

/** The reply code a line starts with, or 0. */
function lineCode(line: string): number {
  const code = Number(line.slice(0, 3));
  return Number.isInteger(code) && code >= 200 && code <= 599 ? code : 0;
}

function flatten(files: readonly DecodedRulesFile[]): RuleRef[] {
  const rules: RuleRef[] = [];
  for (const { file, labels } of files) {
    for (const { label, patterns } of labels) {
      patterns.forEach((pattern, index) => rules.push({ file, label, index, pattern }));
    }
  }
  return rules;
}

function decodeAll(sources: readonly RulesSource[]): {
  files: DecodedRulesFile[];
  problems: RuleProblem[];
} {
  const files: DecodedRulesFile[] = [];
  const problems: RuleProblem[] = [];
  for (const source of sources) {
    const result = decodeRulesFile(source);
    files.push(result.decoded);
    problems.push(...result.problems);
  }
  return { files, problems };
}

/** Problems sorted as a person reads the files: file order, then label, then index. */
function inFileOrder(files: readonly DecodedRulesFile[], problems: RuleProblem[]): RuleProblem[] {
  const fileOrder = new Map<string, number>();
  const labelOrder = new Map<string, number>();
  files.forEach(({ file, labels }, fileIndex) => {
    if (!fileOrder.has(file)) fileOrder.set(file, fileIndex);
    labels.forEach(({ label }, labelIndex) => {
      const key = `${file}\0${label}`;
      if (!labelOrder.has(key)) labelOrder.set(key, labelIndex);
    });
  });
  const rank = (problem: RuleProblem): [number, number, number] => [
    fileOrder.get(problem.file) ?? files.length,
    problem.label === null ? -1 : (labelOrder.get(`${problem.file}\0${problem.label}`) ?? -1),
    problem.index ?? -1,
  ];
  return problems
    .map((problem, order) => ({ problem, order, rank: rank(problem) }))
    .sort((a, b) => {
      for (let i = 0; i < 3; i++) {
        const diff = (a.rank[i] ?? 0) - (b.rank[i] ?? 0);
        if (diff !== 0) return diff;
      }
      return a.order - b.order;
    })
    .map(({ problem }) => problem);
}

/** RE2's complaint about one pattern, or null when RE2 accepts it. */
function patternError(pattern: string): string | null {
  try {
    new RE2(pattern, SET_FLAGS);
    return null;
  } catch (err) {
    return messageOf(err);
  }
}

function patternProblems(rules: readonly RuleRef[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  for (const rule of rules) {
    if (rule.pattern === '') continue; // reported by decodeRulesFile
    const reason = patternError(rule.pattern);
    if (reason !== null) {
      problems.push({
        code: ErrorCode.RuleInvalid,
        file: rule.file,
        label: rule.label,
        index: rule.index,
        pattern: rule.pattern,
        reason: `RE2 cannot compile it: ${reason}`,
      });
    }
  }
  return problems;
}

/**
 * A run of consecutive rules compiled into one RE2.Set; `offset` is the index of its
 * first rule. There are setCount() of them, more when one is too large to compile.
 */
interface SetChunk {
  set: RE2Set;
  offset: number;
  size: number;
}

/**
 * Compile the rules into as few RE2.Sets as RE2 allows. RE2 caps the memory of one
 * compiled program (8 MB in node-re2, which does not let us raise it), and many rules
 * with bounded repetitions (`.{0,40}`) can exceed it; such a set is split in halves
 * until each part compiles. The chunks keep rule order, so the first chunk with a
 * match holds the winning rule.
 */
function buildSets(rules: readonly RuleRef[], offset = 0): SetChunk[] {
  try {
    const set = new RE2.Set(
      rules.map((rule) => compiledPattern(rule.pattern)),
      SET_FLAGS,
    );
    return [{ set, offset, size: rules.length }];
  } catch (err) {
    // Locate the culprit: the set only says what is wrong, not where.
    const problems = patternProblems(rules);
    if (problems.length > 0) throw new RulesInvalidError(problems);
    if (rules.length > 1) {
      const half = Math.ceil(rules.length / 2);
      return [
        ...buildSets(rules.slice(0, half), offset),
        ...buildSets(rules.slice(half), offset + half),
      ];
    }
    const rule = rules[0];
    throw new RulesInvalidError([
      {
        code: ErrorCode.RuleInvalid,
        file: rule?.file ?? '',
        label: rule?.label ?? null,
        index: rule?.index ?? null,
        pattern: rule?.pattern ?? null,
        reason: `RE2 cannot compile it: ${messageOf(err)} (the pattern is too large)`,
      },
    ]);
  }
}

/** "One character of a sentence": anything but `.` and `;`, or a dot that does not end it. */
const SENTENCE_CHAR = '(?:[^.;]|\\.\\S)';
/**
 * The same set of strings with one class of every character instead of two: `\S`
 * after a dot is `[^.;\s]` or `[.;]`, and `[^.;]` is `[^.;\s]` or `\s`. RE2 compiles a
 * negated class into the UTF-8 automaton of all Unicode, and the rules repeat the unit
 * up to 300 times (`{0,40}`: 40 copies); one automaton a copy instead of two takes
 * about a tenth off the time to compile the shipped rules (RE2's byte classes are
 * computed over every range of every copy).
 */
const SENTENCE_CHAR_COMPILED = '(?:\\.?[^.;\\s]|\\s|\\.[.;])';

/**
 * The pattern RE2 compiles for a rule: the rule's own text with every sentence-character
 * unit (SENTENCE_CHAR, rules/phrases.toml's "up to N characters within one sentence")
 * in its cheaper equivalent form. Only a unit that is a group of its own is replaced,
 * not text that merely reads the same inside a class, after a backslash or quoted by
 * `\Q...\E`.
 */
export function compiledPattern(pattern: string): string {
  if (!pattern.includes(SENTENCE_CHAR)) return pattern;
  let out = '';
  let i = 0;
  let inClass = false;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\' && pattern[i + 1] === 'Q') {
      // `\Q...\E` quotes its text: literal characters, whatever they read as.
      const end = pattern.indexOf('\\E', i + 2);
      const stop = end < 0 ? pattern.length : end + 2;
      out += pattern.slice(i, stop);
      i = stop;
    } else if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i += 2;
    } else if (inClass) {
      // `[:alpha:]` inside a class does not close it.
      if (c === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        const stop = end < 0 ? pattern.length : end + 2;
        out += pattern.slice(i, stop);
        i = stop;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      i++;
    } else if (c === '(' && pattern.startsWith(SENTENCE_CHAR, i)) {
      out += SENTENCE_CHAR_COMPILED;
      i += SENTENCE_CHAR.length;
    } else if (c === '[') {
      // A `]` right after `[` or `[^` is a member, not the end.
      let stop = i + 1;
      if (pattern[stop] === '^') stop++;
      if (pattern[stop] === ']') stop++;
      out += pattern.slice(i, stop);
      i = stop;
      inClass = true;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * A rough size of the RE2 program of a pattern, in RE2 instructions: one per UTF-8 byte
 * of its text, and for a bounded repetition the copies RE2 makes of its operand (it
 * expands `(?:[^.;]|\.\S){0,40}` into 40 copies of a group of about 24 instructions;
 * a class or `.` is about 10). Over the shipped rules it follows the program sizes RE2
 * reports (correlation 0.99 with Prog::size() of each pattern alone); it only has to
 * balance runs of rules, and it reads the text with indexOf, so that weighing 700
 * patterns at start-up costs about a millisecond.
 */
export function programWeight(pattern: string): number {
  let weight = Buffer.byteLength(pattern);
  for (let at = pattern.indexOf('{'); at >= 0; at = pattern.indexOf('{', at + 1)) {
    const before = pattern[at - 1];
    // `\x{2019}`, `\p{Greek}`: a character or a class, not a repetition.
    if ((before === 'x' || before === 'p' || before === 'P') && pattern[at - 2] === '\\') continue;
    const max = repetitionBound(pattern, at);
    if (max === null) continue;
    weight += (before === ')' ? 24 : 10) * Math.max(max - 1, 0);
  }
  return weight;
}

/**
 * The upper bound of the repetition `{n}`, `{n,}` or `{n,m}` at `start` (n+1 for
 * `{n,}`, which RE2 compiles as n copies and a star); null when the brace is a literal.
 */
function repetitionBound(pattern: string, start: number): number | null {
  const close = pattern.indexOf('}', start);
  if (close < 0) return null;
  const [low, high, ...rest] = pattern.slice(start + 1, close).split(',');
  const digits = (text: string | undefined): boolean =>
    text !== undefined && text !== '' && [...text].every((d) => d >= '0' && d <= '9');
  if (!digits(low) || rest.length > 0 || (high !== undefined && high !== '' && !digits(high)))
    return null;
  const max = high === undefined ? Number(low) : high === '' ? Number(low) + 1 : Number(high);
  return max;
}

/**
 * Cut the rules into at most `count` runs of consecutive rules of about equal program
 * weight (programWeight), as [start, end) pairs. Runs of equal rule counts differ in
 * size by up to seven times (the non-English families are long), and the largest then
 * outgrows its DFA budget (RULE_SETS); equal weights keep every set within it.
 */
export function runsByWeight(rules: readonly RuleRef[], count: number): Array<[number, number]> {
  const weights = rules.map((rule) => programWeight(rule.pattern));
  let left = weights.reduce((sum, weight) => sum + weight, 0);
  const runs: Array<[number, number]> = [];
  let start = 0;
  let weight = 0;
  for (let i = 0; i < rules.length; i++) {
    const w = weights[i] ?? 0;
    // A run ends when the next rule would take it past its share of what is left
    // by more than half that rule.
    const share = left / (count - runs.length);
    if (i > start && runs.length < count - 1 && weight + w / 2 > share) {
      runs.push([start, i]);
      left -= weight;
      start = i;
      weight = 0;
    }
    weight += w;
  }
  if (start < rules.length) runs.push([start, rules.length]);
  return runs;
}

/** A cached line: its classification by the rules, and the stage its words name. */
interface CacheEntry {
  result: Classification;
  /** From the stage words of the context tables; undefined when not looked for. */
  stage: string | null | undefined;
  /** The final classification without context (the layer's rows that need none), once known. */
  plain?: Classification;
}

class SetClassifier implements CompiledClassifier {
  readonly rules: readonly RuleRef[];
  readonly contextRows: readonly ContextRowRef[];
  private readonly layer: ContextLayer;
  /** Runs of consecutive rules, [start, end), in priority order (runsByWeight). */
  private readonly runs: ReadonlyArray<[number, number]>;
  /** Each run's sets once compiled (more than one when RE2 could not take the run whole). */
  private readonly chunks: Array<readonly SetChunk[] | undefined>;
  /** One RE2 per rule, compiled only if a set ever fails to match (see firstMatch). */
  private readonly singles: Array<RE2 | undefined> = [];
  /** One frozen result per rule, shared by every reply that rule wins. */
  private readonly results: readonly Classification[];
  // Two caches, as in KumoMTA: replies that matched nothing are often unique (they
  // carry queue ids, addresses, timestamps), and in a single cache a stream of them
  // would evict the classified replies that are worth keeping.
  private readonly classified: LRUCache<string, CacheEntry> | null;
  private readonly uncategorized: LRUCache<string, CacheEntry> | null;
  private hits = 0;
  private misses = 0;

  constructor(rules: readonly RuleRef[], layer: ContextLayer, options: ClassifierOptions) {
    this.rules = Object.freeze(rules.map((rule) => Object.freeze({ ...rule })));
    this.layer = layer;
    this.contextRows = Object.freeze(layer.refs.map((row) => Object.freeze({ ...row })));
    // Runs of consecutive rules, so the first run with a match holds the winning rule
    // (RULE_SETS says why more than one). The context tables' stage words are matched
    // by the layer's own set, once per line that is not cached.
    this.runs = runsByWeight(this.rules, setCount(this.rules));
    this.chunks = [];
    if (options.deferSets !== true) for (let k = 0; k < this.runs.length; k++) this.runChunks(k);
    this.results = this.rules.map((rule) =>
      Object.freeze({ label: rule.label, rule, context: null, inner: null }),
    );
    const cacheSize = cacheSizeOption(options.cacheSize, DEFAULT_CACHE_SIZE, 'cacheSize');
    const uncategorizedSize = cacheSizeOption(
      options.uncategorizedCacheSize,
      DEFAULT_UNCATEGORIZED_CACHE_SIZE,
      'uncategorizedCacheSize',
    );
    this.classified = cacheSize > 0 ? new LRUCache({ max: cacheSize }) : null;
    this.uncategorized = uncategorizedSize > 0 ? new LRUCache({ max: uncategorizedSize }) : null;
  }

  classify(reply: Reply, context?: ReplyContext): Classification {
    return this.classifyLine(replyLine(reply), context);
  }

  classifyLine(line: string, context?: ReplyContext): Classification {
    const entry = this.byRules(line);
    if (this.layer.empty) return entry.result;
    // Without context the outcome depends on the line alone: decided once per cached line.
    if (context === undefined && entry.plain !== undefined) return entry.plain;
    const decision = this.layer.decide(entry.result.label, {
      line,
      code: lineCode(line),
      context,
      lineStage: entry.stage,
    });
    const result =
      decision === null
        ? entry.result
        : Object.freeze({
            label: decision.label,
            rule: entry.result.rule,
            context: decision.ref,
            inner: entry.result.inner,
          });
    if (context === undefined) entry.plain = result;
    return result;
  }

  /** The label of the line by the rules alone (KumoMTA's classification), cached. */
  private byRules(line: string): CacheEntry {
    const cacheable = line.length <= MAX_CACHED_LINE;
    if (cacheable) {
      const hit = this.classified?.get(line) ?? this.uncategorized?.get(line);
      if (hit !== undefined) {
        this.hits++;
        return hit;
      }
    }
    this.misses++;
    const rule = this.firstMatch(line);
    const result =
      (this.layer.empty ? undefined : this.innerReply(line, rule)) ??
      (rule === null ? undefined : this.results[rule]);
    const stage = this.layer.empty ? undefined : this.layer.stageInText(line);
    const entry: CacheEntry = { result: result ?? UNCATEGORIZED_RESULT, stage };
    if (cacheable) (result === undefined ? this.uncategorized : this.classified)?.set(line, entry);
    return entry;
  }

  /**
   * The classification by a reply quoted in the line, when the line's own words said
   * nothing a rule knows (`rule` null), or only what a rule reads as weak evidence (see
   * weakRule): a relay or gateway that wraps the remote reply in its own ("554 5.0.0
   * Relay said: 550 5.1.1 <a>: user unknown") is best read by the reply it quotes. Only
   * the first quoted reply in the first MAX_INNER_SCAN characters, one level deep, and
   * only with the same first digit as the line's own code; undefined when there is none
   * or no rule matches it. The line's own words are those before the quoted reply: a
   * rule that matched only with the quoted words ("550 ETP102 recipient rejected by
   * downstream MTA. Reason: [ 5.4.1 Recipient address rejected: Access denied ]") is
   * evidence from the quote, read in it with its own code.
   *
   * A quoted reply of the other permanence ("554 5.4.7 message timeout (exceeded max
   * time, last transfail: 421 4.4.0 no mail servers for this domain could be reached)",
   * an expiry that quotes the last temporary error) does not explain the wrapping one
   * (RFC 5321 §4.2.1), so its words do not decide it either: when the rule matched only
   * with them and the line's own words match a rule, that rule decides.
   */
  private innerReply(line: string, rule: number | null): Classification | undefined {
    const start = leadingCodesLength(line);
    if (start === 0) return undefined;
    // The bracketed-reason form needs the wrapping code alone, with no enhanced code.
    const bare = line.slice(0, start).trimEnd().length === 3 ? Number(line.slice(0, 3)) : undefined;
    const found = quotedReplyAt(line.slice(start, start + MAX_INNER_SCAN), MAX_INNER_SCAN, bare);
    if (found === null) return undefined;
    const own = line.slice(0, start + found.at).trimEnd();
    const fromQuote = rule !== null && !this.single(rule).test(own);
    if (found.reply[0] !== line[0]) {
      if (!fromQuote) return undefined;
      const ownRule = this.firstMatch(own);
      return ownRule === null ? undefined : this.results[ownRule];
    }
    if (rule !== null) {
      // The words that decide are the line's own: the rule's, or the first rule of the
      // line without the quote when the rule needed the quoted words.
      const decisive = fromQuote ? this.firstMatch(own) : rule;
      if (decisive !== null && !this.weakRule(decisive, fromQuote ? own : line, start))
        return undefined;
    }
    const innerRule = this.firstMatch(found.reply);
    const matched = innerRule === null ? undefined : this.rules[innerRule];
    if (matched === undefined) return undefined;
    return Object.freeze({
      label: matched.label,
      rule: matched,
      context: null,
      inner: found.reply,
    });
  }

  /**
   * Whether the rule that matched `line` is weak evidence next to a quoted reply with its
   * own enhanced code: a rule on the bare codes ("^5xx 5.7.1", rules/iana.toml), or a
   * rule that holds under a generic enhanced code (X.0.0) and gives way to a specific
   * one: the shipped files' weak-words guard (rules/phrases.toml, "WEAK WORDS": stock
   * "rejected", "try again later" ...), which leaves any specific code to decide. Told
   * by matching the rule against the line with its codes alone, then with X.0.0 and
   * with X.9.99 (a code no registry or rule names) in place of its own.
   */
  private weakRule(rule: number, line: string, start: number): boolean {
    const single = this.single(rule);
    const codes = line.slice(0, start).trimEnd();
    // A code alone is weak only where RFC 3463 makes it a catch-all: the X.Y.0 "other or
    // undefined" details and X.7.1 ("delivery not authorized", every policy refusal).
    // A specific detail such as 5.1.7/5.1.8 (the sender's address, §3.2) already says
    // whose address failed, and a quoted probe reply ("undeliverable address: host said:
    // 550 5.1.1 user unknown", Postfix sender verification) explains it, not overrules it.
    if (single.test(codes)) return catchAllCode(codes.slice(3).trim());
    const code = line.slice(0, 3);
    const content = line.slice(start);
    const cls = line[0] === '4' ? '4' : '5';
    return (
      single.test(`${code} ${cls}.0.0 ${content}`) && !single.test(`${code} ${cls}.9.99 ${content}`)
    );
  }

  /** The RE2 of one rule alone, compiled once when first needed. */
  private single(index: number): RE2 {
    let single = this.singles[index];
    if (single === undefined) {
      single = new RE2(compiledPattern(this.rules[index]?.pattern ?? '[^\\s\\S]'), SET_FLAGS);
      this.singles[index] = single;
    }
    return single;
  }

  /** The sets of run `k`, compiled when first needed. */
  private runChunks(k: number): readonly SetChunk[] {
    let chunks = this.chunks[k];
    if (chunks === undefined) {
      const [start, end] = this.runs[k] as [number, number];
      chunks = buildSets(this.rules.slice(start, end), start);
      this.chunks[k] = chunks;
    }
    return chunks;
  }

  /** Index of the first loaded rule that matches `line`, or null. */
  private firstMatch(line: string): number | null {
    for (let k = 0; k < this.runs.length; k++) {
      const match = this.firstMatchInRun(line, k);
      // Later runs hold only later rules.
      if (match !== null) return match;
    }
    return null;
  }

  private firstMatchInRun(line: string, k: number): number | null {
    for (const chunk of this.runChunks(k)) {
      let indices: number[];
      try {
        // RE2.Set returns the indices sorted, and index order is load order, so the
        // first one is KumoMTA's "first loaded rule wins".
        indices = chunk.set.match(line);
      } catch {
        // RE2.Set fails a match only when its DFA runs out of memory. A single RE2
        // falls back to its NFA instead of failing: slower, still linear in the
        // input, still the same answer.
        const single = this.firstSingleMatch(line, chunk);
        if (single !== null) return single;
        continue;
      }
      const first = indices[0];
      // Later chunks hold only later rules.
      if (first !== undefined) return chunk.offset + first;
    }
    return null;
  }

  private firstSingleMatch(line: string, chunk: SetChunk): number | null {
    const end = Math.min(chunk.offset + chunk.size, this.rules.length);
    for (let i = chunk.offset; i < end; i++) {
      if (this.rules[i] === undefined) break;
      if (this.single(i).test(line)) return i;
    }
    return null;
  }

  stats(): ClassifierStats {
    return {
      classified: this.classified?.size ?? 0,
      uncategorized: this.uncategorized?.size ?? 0,
      hits: this.hits,
      misses: this.misses,
    };
  }
}

function cacheSizeOption(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new OobdError(
      ErrorCode.ConfigInvalid,
      `${name} must be a whole number ≥ 0, not ${String(value)}`,
    );
  }
  return value;
}

/**
 * Compile rules files (in the order given: earlier files win) into one classifier.
 * The first rule that matches wins: file order, then label order within the file,
 * then pattern order within the label. Each classifier has its own caches, so a new
 * classifier (a reload) starts with empty ones.
 *
 * @throws RulesInvalidError (an OobdError with code OOBD_RULE_INVALID, or
 *   OOBD_FILE_UNREADABLE for text that is not TOML/JSON/JSON5) whose message names
 *   file, label and index of every problem found (the first LISTED_PROBLEMS of them);
 *   `problems` lists every one.
 */
export function compileClassifier(
  sources: readonly RulesSource[],
  options: ClassifierOptions = {},
): CompiledClassifier {
  const { files, problems } = decodeAll(sources);
  // A bad label or list stops the compile before RE2 sees the patterns: add what RE2
  // says of them, so one error names every problem, as `oobd rules check` does.
  const rules = flatten(files);
  if (problems.length > 0)
    throw new RulesInvalidError(inFileOrder(files, [...problems, ...patternProblems(rules)]));
  try {
    return new SetClassifier(rules, contextLayerOf(files), options);
  } catch (err) {
    // The rules are compiled in several sets, and the first that fails names only its
    // own bad patterns: name every one.
    if (!(err instanceof RulesInvalidError)) throw err;
    const all = patternProblems(rules);
    throw all.length > 0 ? new RulesInvalidError(all) : err;
  }
}

/**
 * Everything wrong with a set of rules files, not just the first problem: every
 * undecodable file, bad label or list, and every pattern RE2 rejects (RE2 lacks
 * look-around, back-references and `(?x)`, which Rust's regex and PCRE have). Exact
 * duplicate patterns are warnings: whichever copy loads later can never win.
 */
export function checkRules(sources: readonly RulesSource[]): RulesCheck {
  const { files, problems } = decodeAll(sources);
  const rules = flatten(files);
  const errors = inFileOrder(files, [...problems, ...patternProblems(rules)]);

  const warnings: RuleProblem[] = [];
  const firstSeen = new Map<string, RuleRef>();
  for (const rule of rules) {
    if (rule.pattern === '') continue;
    const earlier = firstSeen.get(rule.pattern);
    if (earlier === undefined) {
      firstSeen.set(rule.pattern, rule);
      continue;
    }
    const where =
      earlier.file === rule.file
        ? `${JSON.stringify(earlier.label)}[${earlier.index}]`
        : `${earlier.file}: ${JSON.stringify(earlier.label)}[${earlier.index}]`;
    warnings.push({
      code: ErrorCode.RuleInvalid,
      file: rule.file,
      label: rule.label,
      index: rule.index,
      pattern: rule.pattern,
      reason: `duplicate of ${where}, which loads first, so this copy never wins`,
    });
  }

  if (errors.length === 0) {
    // Every pattern compiles alone; this catches one too large for RE2 at all.
    try {
      buildSets(rules);
    } catch (err) {
      if (!(err instanceof RulesInvalidError)) throw err;
      errors.push(...err.problems);
    }
  }

  return {
    errors,
    warnings,
    files: sources.length,
    labels: new Set(rules.map((rule) => rule.label)).size,
    patterns: rules.length,
    contextRows: files.reduce((n, file) => n + (file.context?.rows.length ?? 0), 0),
  };
}

/**
 * Whether an enhanced code (`"5.7.1"`, or `""` for none) is one of RFC 3463's catch-alls:
 * no code, an X.Y.0 "other or undefined" detail (§3.1-§3.8), or X.7.1, which servers give
 * to every kind of policy refusal.
 */
function catchAllCode(enhanced: string): boolean {
  const detail = enhanced.slice(enhanced.lastIndexOf('.') + 1);
  return enhanced === '' || detail === '0' || enhanced.slice(2) === '7.1';
}
