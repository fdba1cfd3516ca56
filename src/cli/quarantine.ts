// `oobd quarantine list|show|retry`: what oobd accepted and could not process or
// deliver (queue.quarantine_dir), and putting a message back through the pipeline
// once its cause is fixed (new rules, a parser fix, a routing host that takes it again).
import type { Command } from 'commander';
import type { ServerConfig } from '../config/server';
import { ErrorCode, OobdError, errorMessage } from '../errors';
import type { ListedEntry, Quarantine, QuarantineCause } from '../queue/quarantine';
import { existsSync } from 'node:fs';
import { configArgument, shellWord } from '../config/paths';
import { addConfigOption, configPath, serverConfig } from './common';

interface QuarantineOptions {
  config?: string;
  dir?: string;
  json?: boolean;
  raw?: boolean;
  all?: boolean;
  cause?: string;
  dryRun?: boolean;
}

function open(
  group: Command,
  opts: QuarantineOptions,
): { config: ServerConfig; quarantine: Quarantine; list: string } {
  const merged = { ...(group.opts() as QuarantineOptions), ...opts };
  const config = serverConfig().loadServerConfig(configPath(merged));
  const { Quarantine } = require('../queue/quarantine') as typeof import('../queue/quarantine');
  const dir = merged.dir ?? config.queue.quarantine_dir;
  // The quarantine folder is made with its first message, so its absence alone means
  // "nothing quarantined yet"; with no log folder either, the command runs from
  // another folder (or config) than serve, and "empty" would mislead. The message is
  // about the folder asked for, the quarantine folder, and its key; the log folder is
  // named as the reason to think serve never ran with this config here.
  if (merged.dir !== undefined && !existsSync(dir))
    throw new OobdError(ErrorCode.UsageError, `quarantine folder ${dir} (--dir) does not exist`);
  if (merged.dir === undefined && !existsSync(dir) && !existsSync(config.logs.dir)) {
    throw new OobdError(
      ErrorCode.UsageError,
      `quarantine folder ${dir} does not exist (queue.quarantine_dir of ${config.file}), nor does the log folder ${config.logs.dir} (logs.dir); run from the folder oobd serve runs in, pass the config it uses with --config, or name the folder with --dir`,
    );
  }
  // The list command a message suggests repeats --config and --dir, so it reads the
  // same folder from any directory.
  const list = `oobd quarantine list${configArgument(merged.config)}${merged.dir === undefined ? '' : ` --dir ${shellWord(merged.dir)}`}`;
  return { config, quarantine: new Quarantine(dir, config.queue.quarantine_max_bytes), list };
}

function envelopeText(entry: ListedEntry): string {
  return `${entry.envelope.mailFrom || '<>'} -> ${entry.envelope.rcptTo.join(',')}`;
}

function oneLine(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The header section of a message, for `show` (at most 64 KiB). */
function headerOf(raw: Buffer): string {
  const text = raw.toString('latin1', 0, Math.min(raw.length, 64 * 1024));
  const end = text.search(/\r?\n\r?\n/);
  return end >= 0 ? text.slice(0, end) : text;
}

/** The quarantined message `key`; `list` is the command that lists the keys. */
async function find(quarantine: Quarantine, key: string, list: string) {
  const found = await quarantine.read(key);
  if (!found) {
    throw new OobdError(
      ErrorCode.UsageError,
      `no quarantined message ${key} in ${quarantine.dir} (${list} shows them)`,
    );
  }
  return found;
}

const DIR_HELP = 'the quarantine folder (default: queue.quarantine_dir of the config)';

/** --config and --dir on a quarantine subcommand, so its --help shows both. */
function withFolderOptions(command: Command): Command {
  return addConfigOption(command).option('--dir <folder>', DIR_HELP);
}

export function register(program: Command): void {
  const group = addConfigOption(
    program
      .command('quarantine')
      .description('inspect quarantined messages; put them back through the pipeline')
      .option('--dir <folder>', DIR_HELP)
      .addHelpText(
        'after',
        '\nA message is quarantined when oobd accepted it and could not process or deliver\n' +
          'it: a parser thread failed on it (processing-failed), it looked like a report but\n' +
          'yielded nothing (unrecognized), its queue job ran out of attempts\n' +
          '(attempts-exhausted), or the routing host refused it (relay-refused).',
      ),
  );

  withFolderOptions(group.command('list'))
    .description('list quarantined messages, oldest first')
    .option('--json', 'one JSON object per entry')
    .action(async (opts: QuarantineOptions) => {
      const { quarantine } = open(group, opts);
      const entries = await quarantine.list();
      if (opts.json) {
        for (const entry of entries) process.stdout.write(`${JSON.stringify(entry)}\n`);
        return;
      }
      if (entries.length === 0) {
        process.stdout.write(`${quarantine.dir}: empty\n`);
        return;
      }
      for (const entry of entries) {
        process.stdout.write(
          `${entry.key}  ${entry.quarantinedAt}  ${entry.cause}  ${entry.size} bytes  ` +
            `${envelopeText(entry)}\n    ${oneLine(entry.reason)}\n`,
        );
      }
      process.stdout.write(`${entries.length} message(s) in ${quarantine.dir}\n`);
    });

  withFolderOptions(group.command('show'))
    .description('show a quarantined message: why it is there, its envelope and header')
    .argument('<key>', 'the key oobd quarantine list shows (or the message id)')
    .option('--raw', 'print the message as received instead')
    .action(async (key: string, opts: QuarantineOptions) => {
      const { quarantine, list } = open(group, opts);
      const { entry, raw } = await find(quarantine, key, list);
      if (opts.raw) {
        process.stdout.write(raw);
        return;
      }
      const { key: _key, size: _size, ...stored } = entry;
      process.stdout.write(
        `key: ${entry.key}\ncause: ${entry.cause}\nreason: ${entry.reason}\n` +
          `quarantined: ${entry.quarantinedAt}\nreceived: ${new Date(entry.envelope.receivedAt).toISOString()}\n` +
          `envelope: ${envelopeText(entry)}\nsize: ${entry.size} bytes\n` +
          (entry.lastRetry
            ? `last retry: ${entry.lastRetry.at}: ${entry.lastRetry.result} (${entry.retries ?? 1} so far)\n`
            : '') +
          `entry: ${JSON.stringify(stored)}\n\n${headerOf(raw)}\n`,
      );
    });

  withFolderOptions(group.command('retry'))
    .description(
      'put quarantined messages back through the pipeline: records written to logs.dir as ' +
        'usual (with the original envelope), relays done; an entry leaves only once its ' +
        'records are written',
    )
    .argument('[key...]', 'keys (or message ids) from oobd quarantine list')
    .option('--all', 'every quarantined message')
    .option(
      '--cause <cause>',
      'with --all: only this cause (processing-failed, unrecognized, attempts-exhausted, relay-refused)',
    )
    .option('--dry-run', 'print the records a retry would write; write, relay and remove nothing')
    .addHelpText(
      'after',
      '\nA relay-refused message is relayed again (its report was logged when it arrived).\n' +
        "Others are parsed and classified with the config's current rules; the Reception\n" +
        'record is not written twice. A message that still yields nothing, or whose relay\n' +
        'is refused again, stays in quarantine with the retry noted. Run it while oobd\n' +
        'serves or not: it writes a segment of its own in logs.dir.\n' +
        '\nExit code 0 when every message given was cleared, 1 otherwise.',
    )
    .action(async (keys: string[], opts: QuarantineOptions) => {
      if (keys.length > 0 === (opts.all === true)) {
        throw new OobdError(ErrorCode.UsageError, 'give the keys to retry, or --all');
      }
      const causes = ['processing-failed', 'unrecognized', 'attempts-exhausted', 'relay-refused'];
      if (opts.cause !== undefined && !causes.includes(opts.cause)) {
        throw new OobdError(
          ErrorCode.UsageError,
          `--cause: unknown cause "${opts.cause}"; the causes are ${causes.join(', ')}`,
        );
      }
      const { config, quarantine, list } = open(group, opts);
      const targets: Array<{ entry: ListedEntry; raw: Buffer }> = [];
      if (opts.all) {
        for (const entry of await quarantine.list()) {
          if (opts.cause !== undefined && entry.cause !== (opts.cause as QuarantineCause)) continue;
          const found = await quarantine.read(entry.key);
          if (found) targets.push(found);
        }
      } else {
        for (const key of keys) targets.push(await find(quarantine, key, list));
      }

      // Loaded here: the pipeline, the relay and the log writer only when retrying.
      const { LogWriter } = require('../log/writer') as typeof import('../log/writer');
      const { Relayer } = require('../relay/relay') as typeof import('../relay/relay');
      const { ProcessPool } = require('../pipeline/pool') as typeof import('../pipeline/pool');
      const { readRulesSources } = require('../config/rules') as typeof import('../config/rules');
      const { DomainMap } = require('../config/domains') as typeof import('../config/domains');
      const { retryQuarantined } = require('../queue/retry') as typeof import('../queue/retry');

      const log = opts.dryRun
        ? null
        : await LogWriter.open({
            dir: config.logs.dir,
            maxSegmentBytes: config.logs.max_segment_bytes,
            maxSegmentDurationMs: config.logs.max_segment_duration,
            fsync: config.logs.fsync,
          });
      const relayer = new Relayer({
        hostname: config.smtp.hostname,
        timeoutMs: config.relay.timeout,
      });
      const made: {
        pool: import('../pipeline/pool').ProcessPool | null;
        domains: import('../config/domains').DomainMap | null;
      } = { pool: null, domains: null };
      const deps = {
        quarantine,
        // A dry run writes nothing: the writer is never asked for more than its node id.
        log:
          log ??
          ({ nodeid: '00000000-0000-0000-0000-000000000000' } as import('../log/writer').LogWriter),
        relayer,
        pool: () =>
          (made.pool ??= new ProcessPool({
            size: 1,
            nodeid: log?.nodeid ?? '00000000-0000-0000-0000-000000000000',
            parse: { traceHeaders: config.reports.trace_headers },
            sources: readRulesSources(config.classifier.files),
            classifier: {
              cacheSize: config.classifier.cache_size,
              uncategorizedCacheSize: config.classifier.uncategorized_cache_size,
            },
          })),
        domains: () => (made.domains ??= DomainMap.load(config.domains.files)),
      };
      let kept = 0;
      /** Entries that stay (or, in a dry run, would stay) in the quarantine. */
      let wouldKeep = 0;
      try {
        for (const { entry, raw } of targets) {
          let line: string;
          try {
            const result = await retryQuarantined(entry, raw, deps, opts.dryRun === true);
            // A dry run keeps everything; it says what would go by giving the lines
            // (records, or none for a relay) it would write.
            if (opts.dryRun ? result.lines === undefined : result.outcome === 'kept') wouldKeep++;
            if (opts.dryRun) {
              process.stdout.write(result.lines ?? '');
              line = `${entry.key}: ${result.detail}`;
            } else {
              if (result.outcome === 'kept') kept++;
              line = `${entry.key}: ${result.outcome}: ${result.detail}`;
            }
          } catch (err) {
            kept++;
            wouldKeep++;
            line = `${entry.key}: kept: ${errorMessage(err)}`;
          }
          // A dry run's records go to stdout (for jq); what happened goes beside them.
          (opts.dryRun ? process.stderr : process.stdout).write(`${line}\n`);
        }
      } finally {
        await made.pool?.close();
        relayer.close();
        await log?.close();
      }
      if (targets.length === 0) process.stderr.write(`nothing to retry in ${quarantine.dir}\n`);
      else {
        const cleared = targets.length - wouldKeep;
        // After the per-message lines, where they went: a summary to read at the end.
        (opts.dryRun ? process.stderr : process.stdout).write(
          opts.dryRun
            ? `${targets.length} message(s): ${cleared} would leave the quarantine, ${wouldKeep} would stay (dry run: nothing written or relayed)\n`
            : `${targets.length} message(s): ${cleared} cleared, ${wouldKeep} kept\n`,
        );
      }
      if (kept > 0) process.exitCode = 1;
    });
}
