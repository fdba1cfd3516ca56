// `oobd hooks status|replay`: where each log hook stands in this node's log folder, and
// sending its dead letters again.
import type { Command } from 'commander';
import type { HookConfig, ServerConfig } from '../config/server';
import { configArgument, shellWord } from '../config/paths';
import { ErrorCode, OobdError } from '../errors';
import { addConfigOption, configPath, requireFolder, serverConfig } from './common';

interface StatusOptions {
  config?: string;
  json?: boolean;
}

interface HookStatus {
  hook: string;
  url: string;
  /** Who delivers it now: "pid@host", or null when no process holds its lock. */
  delivered_by: string | null;
  /** False until serve or worker first ran the hook. */
  has_checkpoint: boolean;
  done_through: string | null;
  segments: Record<string, number>;
  lag_records: number;
  lag_seconds: number;
  dead_letters: number;
  /** The oldest segment this hook still needs (keep it and every later one). */
  oldest_needed: string | null;
}

function findHook(config: ServerConfig, name: string): HookConfig {
  const hook = config.hooks.find((h) => h.name.toLowerCase() === name.toLowerCase());
  if (!hook) {
    const known = config.hooks.map((h) => h.name).join(', ') || 'none';
    throw new OobdError(
      ErrorCode.UsageError,
      `${config.file} has no hook named "${name}" (hooks: ${known})`,
    );
  }
  return hook;
}

async function statusOf(config: ServerConfig, hook: HookConfig): Promise<HookStatus> {
  const { readFile } = require('node:fs/promises') as typeof import('node:fs/promises');
  const { basename } = require('node:path') as typeof import('node:path');
  const cp = require('../hooks/checkpoint') as typeof import('../hooks/checkpoint');
  const { Outbox } = require('../hooks/outbox') as typeof import('../hooks/outbox');
  const { listDeadLetters } =
    require('../hooks/dead-letter') as typeof import('../hooks/dead-letter');
  const { listSegments } = require('../log/reader') as typeof import('../log/reader');
  const dir = config.logs.dir;
  const checkpoint = await cp.readCheckpoint(dir, hook.name);
  let holder: string | null;
  try {
    const lock = JSON.parse(await readFile(cp.lockPath(dir, hook.name), 'utf8')) as {
      pid?: number;
      host?: string;
    };
    holder = `${lock.pid ?? '?'}@${lock.host ?? '?'}`;
  } catch {
    holder = null;
  }
  let lag = { records: 0, oldestCreated: null as number | null };
  if (checkpoint) {
    const outbox = new Outbox(
      { dir, maxSegmentDurationMs: config.logs.max_segment_duration },
      { ...checkpoint, segments: { ...checkpoint.segments } },
    );
    await outbox.refresh();
    lag = await outbox.lag();
  }
  const names = (await listSegments(dir)).map((p) => basename(p));
  return {
    hook: hook.name,
    url: hook.url,
    delivered_by: holder,
    has_checkpoint: checkpoint !== null,
    done_through: checkpoint?.done_through || null,
    segments: checkpoint?.segments ?? {},
    lag_records: lag.records,
    lag_seconds:
      lag.oldestCreated === null
        ? 0
        : Math.max(0, Math.round(Date.now() / 1000 - lag.oldestCreated)),
    dead_letters: (await listDeadLetters(dir, hook.name)).length,
    oldest_needed: cp.oldestNeeded(checkpoint, names),
  };
}

/**
 * The readable status of one hook. `config` is the --config the command was given: the
 * `oobd hooks replay` it suggests for dead letters repeats it, or it would read another
 * config (and log folder).
 */
function formatStatus(s: HookStatus, config?: string): string {
  const replay = `oobd hooks replay ${shellWord(s.hook)}${configArgument(config)}`;
  const parts = [
    s.done_through ? `segments through ${s.done_through} delivered` : null,
    ...Object.entries(s.segments).map(([name, offset]) => `${name} at byte ${offset}`),
  ].filter(Boolean);
  const position = !s.has_checkpoint
    ? 'no checkpoint yet (made when oobd serve or worker first runs the hook)'
    : parts.length > 0
      ? parts.join('; ')
      : 'at the start of the log folder';
  return (
    `${s.hook}  ${s.url}\n` +
    `  delivered by:  ${s.delivered_by ?? 'no running process'}\n` +
    `  position:      ${position}\n` +
    `  behind by:     ${s.lag_records} records, oldest ${s.lag_seconds}s old\n` +
    `  dead letters:  ${s.dead_letters}${s.dead_letters > 0 ? ` (${replay})` : ''}\n` +
    `  keep segments: ${s.oldest_needed ? `from ${s.oldest_needed} on` : 'none of the present ones are needed'}\n`
  );
}

export function register(program: Command): void {
  // --config is taken before the subcommand (`oobd hooks --config F status`) as after it.
  const hooks = addConfigOption(program.command('hooks'))
    .description('log hooks of this node: where each stands, and replaying its dead letters')
    .addHelpText(
      'after',
      "\nHooks read this node's log folder (logs.dir) and keep their state in its .hooks/\n" +
        'folder: <name>.checkpoint.json, <name>.lock and <name>.dead/ (batches refused with\n' +
        'a 4xx other than 408/429).',
    );

  addConfigOption(hooks.command('status'))
    .description('position, lag, dead letters and the oldest segment each hook still needs')
    .argument('[name]', 'only this hook')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, own: StatusOptions) => {
      const opts = { ...hooks.opts<StatusOptions>(), ...own };
      const config = serverConfig().loadServerConfig(configPath(opts));
      const selected = name === undefined ? config.hooks : [findHook(config, name)];
      if (selected.length === 0) {
        process.stdout.write(`${config.file} configures no [[hooks]]\n`);
        return;
      }
      requireFolder(config.logs.dir, 'log folder', 'logs.dir', config.file);
      const statuses: HookStatus[] = [];
      for (const hook of selected) statuses.push(await statusOf(config, hook));
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(statuses, null, 2)}\n`
          : statuses.map((s) => formatStatus(s, opts.config)).join('\n'),
      );
    });

  addConfigOption(hooks.command('replay'))
    .description("POST a hook's dead letters again, oldest first; each accepted one is removed")
    .argument('<name>', 'the hook')
    .action(async (name: string, own: { config?: string }) => {
      const opts = { ...hooks.opts<{ config?: string }>(), ...own };
      const config = serverConfig().loadServerConfig(configPath(opts));
      const hook = findHook(config, name);
      requireFolder(config.logs.dir, 'log folder', 'logs.dir', config.file);
      const { loadNodeId } = require('../log/writer') as typeof import('../log/writer');
      const { replayDeadLetters } =
        require('../hooks/dead-letter') as typeof import('../hooks/dead-letter');
      const nodeid = await loadNodeId(config.logs.dir);
      const result = await replayDeadLetters(
        config.logs.dir,
        nodeid,
        hook,
        ({ letter, outcome }) => {
          const what = `${letter.segment} bytes ${letter.start}-${letter.end}`;
          if (outcome.kind === 'delivered')
            process.stdout.write(`delivered ${what} (HTTP ${outcome.status})\n`);
          else if (outcome.kind === 'stopped') process.stdout.write(`stopped at ${what}\n`);
          else
            process.stdout.write(
              `not delivered ${what}: ${outcome.status ? `HTTP ${outcome.status}` : outcome.reason}${outcome.detail ? ` ${outcome.detail}` : ''}\n`,
            );
        },
      );
      process.stdout.write(`${result.delivered} delivered, ${result.left} left\n`);
      if (result.left > 0)
        throw new OobdError(
          ErrorCode.HookDeliveryFailed,
          `hook "${hook.name}": ${result.left} dead letters not delivered; they are kept`,
        );
    });
}
