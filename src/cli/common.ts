// Options and helpers shared by the subcommands.
import type { Command } from 'commander';
import { ErrorCode, OobdError } from '../errors';

export const DEFAULT_CONFIG = 'config/oobd.toml';

/** `--config F`, defaulting to $OOBD_CONFIG, then config/oobd.toml (DESIGN.md §8). */
export function addConfigOption(cmd: Command): Command {
  return cmd.option(
    '-c, --config <file>',
    'server config file (default: $OOBD_CONFIG or config/oobd.toml)',
  );
}

export function configPath(opts: { config?: string }): string {
  return opts.config ?? process.env.OOBD_CONFIG ?? DEFAULT_CONFIG;
}

/** A subcommand of the design that is not built yet: listed in --help, exits 3 when run. */
export function notBuilt(program: Command, name: string, args: string, summary: string): void {
  // Arguments are shown in the usage but not enforced, so running it says "not built".
  addConfigOption(program.command(name))
    .usage(`[options]${args ? ` ${args}` : ''}`)
    .argument('[args...]')
    .description(`${summary} (not built yet)`)
    .allowUnknownOption(true)
    .action(() => {
      throw new OobdError(ErrorCode.NotImplemented, `"oobd ${name}" is not built yet`);
    });
}
