// Options and helpers shared by the subcommands.
import type { Command } from 'commander';

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
