// The paths named on a command line (oobd parse, replay, rules audit, logs, suppressions):
// one that does not exist is a usage error, named before anything is read or sent.
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ErrorCode, OobdError } from '../errors';

/**
 * Paths named on a command line that do not exist: a usage error (exit 2), reported
 * by main.ts as one line per path, `oobd parse: no such file or folder: PATH`, with
 * the folder a relative path was looked for in. Nothing else is done: a typo in one
 * path of `oobd replay` must not send the others, to be sent again after the fix.
 */
export class MissingPaths extends OobdError {
  constructor(
    readonly command: string,
    readonly paths: ReadonlyArray<string>,
  ) {
    super(ErrorCode.UsageError, paths.map((path) => `no such file or folder: ${path}`).join('; '));
  }

  /** The lines main.ts prints, each ending in a newline. */
  lines(cwd: string = process.cwd()): string {
    let out = '';
    for (const path of this.paths) {
      const where = isAbsolute(path) ? '' : ` (looked for in ${cwd})`;
      out += `oobd ${this.command}: no such file or folder: ${path}${where}\n`;
    }
    return out;
  }
}

/**
 * Throws MissingPaths for the paths (files or folders named on the command line) that
 * do not exist; `-` (standard input) is no path. A path that exists but cannot be read
 * is left to the command, which names it and why.
 */
export function requirePaths(command: string, paths: ReadonlyArray<string>): void {
  const missing = paths.filter((path) => path !== '-' && !exists(path));
  if (missing.length > 0) throw new MissingPaths(command, missing);
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}
