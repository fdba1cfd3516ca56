// `oobd rules check [FILE...]`: compile rules files and report every problem, not
// just the first one the server would refuse to start with. Exit 0 when the rules
// load, 2 when any file or pattern is bad (warnings do not fail the check).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkRules, formatProblem, type RuleProblem, type RulesSource } from '../classify/index';
import { ErrorCode, errorMessage } from '../errors';
import { addRulesConfigOption } from './common';
import { classifierSettings } from './classify';

interface CheckOptions {
  config?: string;
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
        'patterns. Exits 2 when any file or pattern is bad.',
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
      // In the order of the files given, as a person fixes them.
      const errors: RuleProblem[] = [];
      for (const file of new Set(list)) {
        errors.push(...unreadable.filter((problem) => problem.file === file));
        errors.push(...check.errors.filter((problem) => problem.file === file));
      }
      errors.push(...check.errors.filter((problem) => !errors.includes(problem)));
      for (const problem of errors) process.stdout.write(`error: ${formatProblem(problem)}\n`);
      for (const problem of check.warnings) {
        process.stdout.write(`warning: ${formatProblem(problem)}\n`);
      }
      process.stdout.write(
        `${plural(list.length, 'file')}, ${plural(check.labels, 'label')}, ` +
          `${plural(check.patterns, 'pattern')}: ${plural(errors.length, 'error')}, ` +
          `${plural(check.warnings.length, 'warning')}\n`,
      );
      if (errors.length > 0) process.exitCode = 2;
    });
}
