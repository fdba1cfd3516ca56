// Options and helpers shared by the subcommands.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { PACKAGE_CONFIG } from '../config/paths';
import { ErrorCode, OobdError } from '../errors';

/**
 * The server-config module, loaded by the first command that reads a config file: it
 * brings zod, whose loading and schema building take about 100 ms of CPU, a quarter
 * of `oobd parse`'s start, and which `oobd parse` or `oobd classify` without a config
 * never use.
 */
export function serverConfig(): typeof import('../config/server') {
  return require('../config/server') as typeof import('../config/server');
}

/** The config file looked for in the working directory. */
export const DEFAULT_CONFIG = 'config/oobd.toml';

/**
 * `--config F` for the commands that run from a config (serve, worker, logs):
 * default $OOBD_CONFIG, else ./config/oobd.toml when it exists, else the package's own.
 */
export function addConfigOption(cmd: Command): Command {
  return cmd.option(
    '-c, --config <file>',
    'config file (default: $OOBD_CONFIG, else ./config/oobd.toml if it exists, else the one oobd ships)',
  );
}

/**
 * `--config F` for the commands that need only rules (parse, classify, rules): without
 * it or $OOBD_CONFIG they need no config at all and use the rules the package ships.
 */
export function addRulesConfigOption(cmd: Command): Command {
  return cmd.option(
    '-c, --config <file>',
    'config file whose classifier.files to use (default: $OOBD_CONFIG, else the rules oobd ships)',
  );
}

/**
 * The config file named by `--config` or $OOBD_CONFIG, or null when neither is set.
 * A missing file named by $OOBD_CONFIG is refused here, saying so: an environment
 * variable set long ago is easy to forget, and "cannot read FILE" alone does not say
 * where FILE came from.
 */
export function explicitConfigPath(
  opts: { config?: string },
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  if (opts.config !== undefined) return opts.config;
  const fromEnv = env.OOBD_CONFIG || null;
  if (fromEnv !== null && !existsSync(fromEnv))
    throw new OobdError(
      ErrorCode.FileUnreadable,
      `${fromEnv}: no such file (named by $OOBD_CONFIG); set OOBD_CONFIG to an existing config file, unset it, or pass --config`,
    );
  return fromEnv;
}

/**
 * The config of serve, worker and logs (DESIGN.md §3): `--config`, else $OOBD_CONFIG,
 * else ./config/oobd.toml when it exists, else the package's own config/oobd.toml.
 */
export function configPath(
  opts: { config?: string },
  env: NodeJS.ProcessEnv = process.env,
): string {
  const named = explicitConfigPath(opts, env);
  if (named !== null) return named;
  return existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : PACKAGE_CONFIG;
}

/** The folders a config names, by key, and where they are when it leaves them out (cwd). */
const DEFAULT_FOLDERS: Readonly<Record<string, string>> = {
  'logs.dir': 'logs',
  'queue.quarantine_dir': 'quarantine',
};

/**
 * Throws a usage error when a folder a command reads its state from does not exist,
 * naming the config key and file it came from. A missing log or quarantine folder
 * almost always means the command ran from another folder than serve (relative
 * paths) or with another config: saying "nothing there" would read as "all clear".
 * When the folder is the key's default in the working directory, the message says so:
 * a config that leaves the key out (the shipped one does) names no folder of its own,
 * and passing it with --config from elsewhere would not help.
 *
 * @param dir the folder (absolute, as the config resolved it)
 * @param what what it holds, e.g. "log folder"
 * @param key the config key that named it, e.g. "logs.dir"
 * @param configFile the config file it was read from
 * @param usage how to name the folder on the command line instead, e.g. "oobd logs DIR"
 * @throws OobdError USAGE_ERROR when `dir` does not exist
 */
export function requireFolder(
  dir: string,
  what: string,
  key: string,
  configFile: string,
  usage?: string,
): void {
  if (existsSync(dir)) return;
  const name = DEFAULT_FOLDERS[key];
  const defaulted =
    name !== undefined && dir === resolve(name)
      ? `, or "${name}" in the working directory when the config leaves ${key} out`
      : '';
  const named = usage === undefined ? '' : `, or name the folder: ${usage}`;
  throw new OobdError(
    ErrorCode.UsageError,
    `${what} ${dir} does not exist (${key} of ${configFile}${defaulted}); run from the folder oobd serve runs in, pass the config it uses with --config${named}`,
  );
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
