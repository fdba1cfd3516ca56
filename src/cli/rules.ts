// `oobd rules check [FILE...]`: compile rules files and report every problem, not
// just the first one the server would refuse to start with. Exit 0 when the rules
// load, 2 when any file or pattern is bad (warnings do not fail the check).
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { checkRules, formatProblem, type RuleProblem, type RulesSource } from '../classify/index';
import { labelWarnings } from '../classify/labels';
import { ErrorCode, OobdError, errorMessage } from '../errors';
import { addRulesConfigOption } from './common';
import { requirePaths } from './paths';
import { classifierSettings } from './classify';

interface CheckOptions {
  config?: string;
}

interface AuditCliOptions {
  config?: string;
  expected?: string;
  rules?: string[];
  json?: boolean;
  limit: string;
  minChecked: string;
}

function wholeNumber(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new OobdError(ErrorCode.UsageError, `${name} must be a whole number ≥ 0, not ${value}`);
  }
  return n;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Read every file, turning an unreadable one into a problem instead of stopping;
 * `origins` says which config key named a file.
 */
function readAll(
  files: readonly string[],
  origins: ReadonlyMap<string, string>,
): { sources: RulesSource[]; problems: RuleProblem[] } {
  const sources: RulesSource[] = [];
  const problems: RuleProblem[] = [];
  for (const file of files) {
    try {
      sources.push({ file, text: readFileSync(file, 'utf8') });
    } catch (err) {
      problems.push({
        code: ErrorCode.FileUnreadable,
        file,
        label: null,
        index: null,
        pattern: null,
        reason: `cannot read: ${errorMessage(err)}${origins.has(file) ? ` (${origins.get(file)})` : ''}`,
      });
    }
  }
  return { sources, problems };
}

export function register(program: Command): void {
  // --config is taken before the subcommand (`oobd rules --config F check`) as after it.
  const rules = addRulesConfigOption(
    program.command('rules').description('work with bounce classifier rules files'),
  );
  addRulesConfigOption(rules.command('check [file...]'))
    .summary('compile rules files and report every problem')
    .description(
      'Compile rules files (default: classifier.files of --config or $OOBD_CONFIG, else ' +
        'the rules oobd ships), report ' +
        'every bad pattern with file, label and index, and warn about exact duplicate ' +
        "patterns and about labels outside KumoMTA's predefined set (with the closest " +
        'one: any label is allowed, but most of these are typos). Exits 2 when any ' +
        'file or pattern is bad; warnings do not fail the check.',
    )
    .action((files: string[], opts: CheckOptions) => {
      let list = files;
      let origins: ReadonlyMap<string, string> = new Map();
      if (list.length === 0) {
        const config = opts.config ?? rules.opts<CheckOptions>().config;
        const settings = classifierSettings(config === undefined ? {} : { config }, true);
        ({ files: list, origins } = settings);
      }
      const { sources, problems: unreadable } = readAll(list, origins);
      const check = checkRules(sources);
      const warnings = [...check.warnings, ...labelWarnings(sources)];
      // In the order of the files given, as a person fixes them.
      const errors: RuleProblem[] = [];
      for (const file of new Set(list)) {
        errors.push(...unreadable.filter((problem) => problem.file === file));
        errors.push(...check.errors.filter((problem) => problem.file === file));
      }
      errors.push(...check.errors.filter((problem) => !errors.includes(problem)));
      for (const problem of errors) process.stdout.write(`error: ${formatProblem(problem)}\n`);
      for (const file of new Set(list)) {
        for (const problem of warnings.filter((w) => w.file === file))
          process.stdout.write(`warning: ${formatProblem(problem)}\n`);
      }
      process.stdout.write(
        `${plural(list.length, 'file')}, ${plural(check.labels, 'label')}, ` +
          `${plural(check.patterns, 'pattern')}` +
          (check.contextRows > 0 ? `, ${plural(check.contextRows, 'context row')}` : '') +
          `: ${plural(errors.length, 'error')}, ` +
          `${plural(warnings.length, 'warning')}\n`,
      );
      if (errors.length > 0) process.exitCode = 2;
    });

  addRulesConfigOption(rules.command('audit'))
    .summary('per-rule hits and precision over a corpus, and the replies no rule knows')
    .description(
      'Classify every reply of a corpus (folders or files of bounces, parsed as `oobd parse` ' +
        'parses them, or log folders, whose OOB records are classified again) and print, per ' +
        'rule and context row, how often it decided the label and, with --expected, how often ' +
        'that label was right and which replies got a label their expectation refuses (file, ' +
        'index, rule, reply); the rules that never decided one; and the uncategorized replies ' +
        'grouped by normalised form (addresses, hosts, ids, numbers masked) with a pattern to ' +
        'paste into a rules file.',
    )
    .argument('<path...>', 'bounce files or folders (.eml, mbox), or log folders')
    .option(
      '-e, --expected <file>',
      'JSON lines {file, index, label} or the corpus format {file, index, reason} (Sisimai reasons)',
    )
    .option(
      '-r, --rules <file>',
      "a rules file (or context table) instead of the config's classifier.files; repeat for several",
      (file: string, files: string[] = []) => [...files, file],
    )
    .option('--json', 'one JSON object with every tally')
    // Numbers shown as numbers in --help (a plain string default prints as "50").
    .addOption(
      new Option('--limit <n>', 'uncategorized groups to print, 0 for all').default('50', '50'),
    )
    .addOption(
      new Option(
        '--min-checked <n>',
        'checked replies a rule needs to be flagged under 50% precision',
      ).default('3', '3'),
    )
    .action(async (paths: string[], opts: AuditCliOptions) => {
      requirePaths('rules audit', paths);
      const { runAudit, formatAudit, lowPrecision } =
        require('./rules-audit') as typeof import('./rules-audit');
      let files = opts.rules ?? [];
      if (files.length === 0) {
        const config = opts.config ?? rules.opts<AuditCliOptions>().config;
        files = classifierSettings(config === undefined ? {} : { config }).files;
      }
      const options = {
        ...(opts.expected === undefined ? {} : { expected: opts.expected }),
        rules: files,
        json: opts.json === true,
        limit: wholeNumber(opts.limit, '--limit'),
        lowPrecision: 0.5,
        minChecked: wholeNumber(opts.minChecked, '--min-checked'),
      };
      const { report, errors } = await runAudit(paths, options);
      if (options.json) {
        const low = lowPrecision(report, options.lowPrecision, options.minChecked);
        process.stdout.write(`${JSON.stringify({ files, ...report, low_precision: low })}\n`);
      } else {
        process.stdout.write(formatAudit(report, files, options));
      }
      for (const error of errors)
        process.stderr.write(`oobd rules audit: ${error.path}: ${error.message}\n`);
      if (errors.length > 0) process.exitCode = 1;
    });
}
