// `oobd rules check [FILE...]`: compile rules files and report every problem, not
// just the first one the server would refuse to start with. Exit 0 when the rules
// load, 2 when any file or pattern is bad (warnings do not fail the check).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkRules, formatProblem, type RuleProblem, type RulesSource } from '../classify/index';
import { labelWarnings } from '../classify/labels';
import { ErrorCode, errorMessage } from '../errors';
import { addConfigOption } from './common';
import { classifierSettings } from './classify';

interface CheckOptions {
  config?: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Read every file, turning an unreadable one into a problem instead of stopping. */
function readAll(files: readonly string[]): { sources: RulesSource[]; problems: RuleProblem[] } {
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
        reason: `cannot read: ${errorMessage(err)}`,
      });
    }
  }
  return { sources, problems };
}

export function register(program: Command): void {
  // `--config` on the group too: `oobd rules --config F check` reads the same file.
  const rules = addConfigOption(
    program.command('rules').description('work with bounce classifier rules files'),
  );
  addConfigOption(rules.command('check [file...]'))
    .summary('compile rules files and report every problem')
    .description(
      "Compile rules files (default: the config's classifier.files, in order), report " +
        'every bad pattern with file, label and index, and warn about exact duplicate ' +
        "patterns and about labels outside KumoMTA's predefined set (with the closest " +
        'one: any label is allowed, but most of these are typos). Exits 2 when any ' +
        'file or pattern is bad; warnings do not fail the check.',
    )
    .action((files: string[], opts: CheckOptions) => {
      let list = files;
      if (list.length === 0) {
        const config = opts.config ?? (rules.opts() as CheckOptions).config;
        const settings = classifierSettings(config === undefined ? {} : { config });
        if (settings.note) process.stderr.write(`oobd: ${settings.note}\n`);
        list = settings.files;
      }
      const { sources, problems: unreadable } = readAll(list);
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
          `${plural(check.patterns, 'pattern')}: ${plural(errors.length, 'error')}, ` +
          `${plural(warnings.length, 'warning')}\n`,
      );
      if (errors.length > 0) process.exitCode = 2;
    });
}
