// `oobd suppressions [DIR...]`: the addresses to stop mailing, from the log records
// (src/log/suppressions.ts says which records list an address).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { SuppressionsConfig } from '../config/server';
import { parseDuration } from '../config/units';
import { ErrorCode, OobdError } from '../errors';
import { addConfigOption, configPath, Output, requireFolder, serverConfig } from './common';
import { requirePaths } from './paths';
import { parseTimeBound } from './logs';

interface SuppressionsOptions {
  config?: string;
  format?: string;
  since?: string;
  classes?: string;
  feedbackTypes?: string;
  softClasses?: string;
  softThreshold?: string;
  softWindow?: string;
  trace?: string[];
  campaign?: string;
  tenant?: string;
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

function duration(option: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === null)
    throw new OobdError(
      ErrorCode.UsageError,
      `${option}: expected a duration such as 15m, 2h or 30d, got "${value}"`,
    );
  return ms;
}

/** The [suppressions] table of the config; the schema's defaults when there is no config and folders were named. */
function suppressionsConfig(
  opts: SuppressionsOptions,
  dirsGiven: boolean,
): {
  rules: SuppressionsConfig;
  logsDir: string;
} {
  const file = configPath(opts);
  if (opts.config === undefined && dirsGiven && !existsSync(file)) {
    const defaults = serverConfig().buildServerConfig('(defaults)', {}, {});
    return { rules: defaults.suppressions, logsDir: defaults.logs.dir };
  }
  const config = serverConfig().loadServerConfig(file);
  // Without folder arguments logs.dir is read: say which file and key named a missing one.
  if (!dirsGiven) {
    requireFolder(config.logs.dir, 'log folder', 'logs.dir', config.file, 'oobd suppressions DIR');
  }
  return { rules: config.suppressions, logsDir: config.logs.dir };
}

export function register(program: Command): void {
  addConfigOption(program.command('suppressions'))
    .description(
      'addresses that should no longer be mailed: hard bounces, complaints, repeated soft bounces',
    )
    .argument('[dir...]', 'log folders (default: logs.dir of the config)')
    .option('-f, --format <format>', 'csv (RFC 4180, with a header line) or json (an array)', 'csv')
    .option(
      '-s, --since <when>',
      'only records received at or after WHEN: a duration back from now (30d) or a time (2024-05-01, 2024-05-01T10:00:00Z; without a zone, UTC), as oobd logs --since',
    )
    .option(
      '--classes <labels>',
      'bounce classifications that list an address at once, comma-separated',
    )
    .option(
      '--feedback-types <types>',
      'ARF feedback types that list the complained-about addresses',
    )
    .option(
      '--soft-classes <labels>',
      'classifications that list an address after --soft-threshold of them',
    )
    .option('--soft-threshold <n>', 'soft failures that list an address')
    .option('--soft-window <duration>', '... when they fall within this long a stretch')
    .option(
      '--trace <key=value>',
      "only records whose trace header or VERP decoding has this value (e.g. tenant=acme: that tenant's list); repeat for several",
      (item: string, items: string[] = []) => [...items, item],
    )
    .option('--campaign <name>', 'the same as --trace campaign=NAME')
    .option('--tenant <name>', 'the same as --trace tenant=NAME')
    .addHelpText(
      'after',
      '\nDefaults come from [suppressions] in the config: classes InvalidRecipient,\n' +
        'BadDomain, InactiveMailbox; complaints of type abuse or fraud; 3 QuotaIssues or\n' +
        'MessageExpired failures within 30d. Columns: address (domain in lower case),\n' +
        'kind (complaint, hard, soft), reason (classification or feedback type), count,\n' +
        'first_seen, last_seen (when oobd received the reports, UTC), last_reply.',
    )
    .action(async (dirs: string[], opts: SuppressionsOptions) => {
      requirePaths('suppressions', dirs);
      if (opts.format !== 'csv' && opts.format !== 'json')
        throw new OobdError(
          ErrorCode.UsageError,
          `--format must be csv or json, got "${opts.format}"`,
        );
      const { rules, logsDir } = suppressionsConfig(opts, dirs.length > 0);
      const folders = dirs.length > 0 ? dirs : [logsDir];
      let softThreshold = rules.soft_threshold;
      if (opts.softThreshold !== undefined) {
        softThreshold = Number(opts.softThreshold);
        if (!Number.isInteger(softThreshold) || softThreshold < 1)
          throw new OobdError(
            ErrorCode.UsageError,
            `--soft-threshold must be a whole number of at least 1, got "${opts.softThreshold}"`,
          );
      }
      const lib = require('../log/suppressions') as typeof import('../log/suppressions');
      const { traceOptions } = require('./logs') as typeof import('./logs');
      const trace = traceOptions(opts);
      const rows = await lib.suppressionsFromFolders(folders, {
        classes: list(opts.classes) ?? rules.classes,
        feedbackTypes: list(opts.feedbackTypes) ?? rules.feedback_types,
        softClasses: list(opts.softClasses) ?? rules.soft_classes,
        softThreshold,
        softWindowMs:
          opts.softWindow === undefined
            ? rules.soft_window
            : duration('--soft-window', opts.softWindow),
        sinceUnix:
          opts.since === undefined
            ? null
            : Math.floor(parseTimeBound('--since', opts.since, Date.now()) / 1000),
        trace,
      });
      const output = new Output();
      await output.write(
        opts.format === 'json' ? lib.suppressionsJson(rows) : lib.suppressionsCsv(rows),
      );
      output.finish();
    });
}
