// Where oobd finds its files when nobody says: the package's own config and rules,
// found from this module's location (dist/config/ or src/config/, two levels below
// the package root), never from the working directory, so `oobd` works from any
// folder and as a globally installed package (DESIGN.md §3).
import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ErrorCode, OobdError, errorMessage } from '../errors';

/** The package's root folder: where package.json, config/ and rules/ are. */
export const PACKAGE_ROOT = resolve(__dirname, '../..');

/** The config file the package ships: serve's and worker's last resort. */
export const PACKAGE_CONFIG = join(PACKAGE_ROOT, 'config', 'oobd.toml');

/**
 * The rules files oobd ships, relative to the package root, in load order (the first
 * loaded matching rule wins): documented provider codes, phrase families, the IANA
 * enhanced-code mapping, then the context table (rules/context.toml).
 */
export const SHIPPED_RULES_FILES: readonly string[] = Object.freeze([
  'rules/providers.toml',
  'rules/phrases.toml',
  'rules/iana.toml',
  'rules/context.toml',
]);

/** The shipped rules files as absolute paths: the default of classifier.files. */
export const PACKAGE_RULES: readonly string[] = Object.freeze(
  SHIPPED_RULES_FILES.map((file) => join(PACKAGE_ROOT, file)),
);

/** A file a config names, with the key that names it (`classifier.files[1]`). */
export interface NamedFile {
  key: string;
  path: string;
}

/**
 * Checks that every file in `files` is a readable regular file.
 * @throws OobdError OOBD_FILE_UNREADABLE, one line per file that is not, each naming
 *   the path, the reason, the key and the config file that named it.
 */
export function checkNamedFiles(configFile: string, files: readonly NamedFile[]): void {
  const problems: string[] = [];
  let missing = false;
  let shippedRuleMissing = false;
  for (const { key, path } of files) {
    try {
      if (!statSync(path).isFile()) throw new Error('not a regular file');
      accessSync(path, constants.R_OK);
    } catch (err) {
      // fs errors carry their message whatever realm they come from (`instanceof
      // Error` fails for them under a test runner's sandbox).
      const { message, code } = err as { message?: unknown; code?: unknown };
      const reason = typeof message === 'string' ? message : errorMessage(err);
      problems.push(`${path}: cannot read: ${reason} (${key} in ${configFile})`);
      if (code === 'ENOENT') {
        missing = true;
        if (key.startsWith('classifier.files') && SHIPPED_RULES_NAMES.has(basename(path)))
          shippedRuleMissing = true;
      }
    }
  }
  if (problems.length === 0) return;
  // The usual cause: a copy of the shipped config/oobd.toml moved to another folder
  // (/etc/oobd), whose "../rules/..." now points next to nothing.
  if (missing)
    problems.push(
      `relative paths in ${configFile} resolve against its own folder, ${dirname(resolve(configFile))}`,
    );
  if (shippedRuleMissing)
    problems.push(
      `the rules oobd ships are in ${join(PACKAGE_ROOT, 'rules')}: leave classifier.files out of ${configFile} to use them, or give their absolute paths`,
    );
  throw new OobdError(ErrorCode.FileUnreadable, problems.join('\n'));
}

/** File names of the shipped rules files (`providers.toml` ...). */
const SHIPPED_RULES_NAMES: ReadonlySet<string> = new Set(
  SHIPPED_RULES_FILES.map((file) => basename(file)),
);

/** A word for a shell command line: as is when it needs no quoting, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w./@:+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * ` --config F` (F quoted for a shell when it needs it) to repeat in a command oobd
 * suggests, so it reads the same config (and folders) from any directory; '' when the
 * command was given no --config.
 */
export function configArgument(config: string | undefined): string {
  return config === undefined ? '' : ` --config ${shellWord(config)}`;
}
