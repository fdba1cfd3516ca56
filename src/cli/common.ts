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

/**
 * Standard output for the commands that print much (parse, logs). `write` waits for
 * room. A reader that goes away (`oobd parse … | head`) ends the output quietly, as
 * SIGPIPE ends a C tool: `closed` turns true and later writes are dropped. Any other
 * output error is thrown by `finish`.
 */
export class Output {
  private error: NodeJS.ErrnoException | null = null;

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      this.error ??= err;
    });
  }

  get closed(): boolean {
    return this.error !== null;
  }

  async write(data: Buffer | string): Promise<void> {
    if (this.error !== null || this.out.write(data)) return;
    // Wait for room, or for the error that means there will be none.
    await new Promise<void>((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('error', done);
        resolve();
      };
      this.out.once('drain', done);
      this.out.once('error', done);
    });
  }

  /** Throws the output's error, unless it was the reader going away. */
  finish(): void {
    if (this.error !== null && this.error.code !== 'EPIPE') throw this.error;
  }
}
