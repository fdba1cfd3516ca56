// The shipped rules, compiled once by `npm run build` (`node dist/config/rules-checked.js`
// after tsc), which records their digest in dist/rules-checked.json. A command that
// loads rules with that digest knows they compile, so it may compile the classifier's
// sets as lines first need them (ClassifierOptions.deferSets): `oobd parse` over an
// empty folder or a few messages then skips most of the RE2 compiling. Any other
// rules (edited, reordered, a user's own files) are compiled up front as always, so a
// problem in them is still reported at load.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileClassifier, type RulesSource } from '../classify/index';
import { errorMessage } from '../errors';
import { PACKAGE_RULES } from './paths';
import { readRulesSources } from './rules';

/** Beside the build (dist/), absent from the sources: under ts-jest nothing is vouched for. */
const CHECKED_FILE = join(__dirname, '..', 'rules-checked.json');

interface CheckedFile {
  /** rulesDigest of every rules list the build compiled. */
  digests: string[];
}

/** SHA-256 of the rules' texts, in load order (the order decides which rule wins). */
export function rulesDigest(sources: readonly RulesSource[]): string {
  const hash = createHash('sha256');
  for (const { text } of sources) hash.update(`${Buffer.byteLength(text)}\0`).update(text);
  return hash.digest('hex');
}

/** Whether these rules, text for text and in this order, are rules the build compiled. */
export function knownToCompile(sources: readonly RulesSource[], file = CHECKED_FILE): boolean {
  let checked: Partial<CheckedFile>;
  try {
    checked = JSON.parse(readFileSync(file, 'utf8')) as Partial<CheckedFile>;
  } catch {
    return false;
  }
  return Array.isArray(checked.digests) && checked.digests.includes(rulesDigest(sources));
}

/**
 * The build step: compiles the shipped rules with every set up front and records their
 * digest. Rules that cannot be read (a build without rules/, as the container's build
 * stage) or compiled are recorded as nothing, and the step still succeeds: commands
 * then compile up front, and report any problem as they always do.
 */
export function writeChecked(file = CHECKED_FILE): void {
  rmSync(file, { force: true });
  try {
    const sources = readRulesSources(PACKAGE_RULES);
    compileClassifier(sources);
    const checked: CheckedFile = { digests: [rulesDigest(sources)] };
    writeFileSync(file, `${JSON.stringify(checked)}\n`);
  } catch (err) {
    process.stderr.write(`rules-checked: shipped rules not recorded: ${errorMessage(err)}\n`);
  }
}

if (require.main === module) writeChecked();
