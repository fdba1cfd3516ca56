// Rules files: the I/O edge of the classifier. Reads the configured files (paths
// relative to the working directory, as written in the config), compiles them, and
// keeps the last good set across SIGHUP reloads. classify/ stays pure; this is the
// only place that touches the disk for rules.
import { readFileSync } from 'node:fs';
import {
  compileClassifier,
  RulesInvalidError,
  type ClassifierOptions,
  type CompiledClassifier,
  type RuleProblem,
  type RulesSource,
} from '../classify/index';
import { ErrorCode, OobdError, errorMessage, isOobdError } from '../errors';
import { configArgument, shellWord } from './paths';

/** The two pino methods the store uses; a pino Logger fits. */
export interface RulesLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Read rules files, in order, as the classifier's input.
 * @throws OobdError OOBD_FILE_UNREADABLE naming the file that cannot be read.
 */
export function readRulesSources(files: readonly string[]): RulesSource[] {
  return files.map((file) => {
    try {
      return { file, text: readFileSync(file, 'utf8') };
    } catch (err) {
      throw new OobdError(ErrorCode.FileUnreadable, `${file}: cannot read: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  });
}

export interface RulesStoreOptions {
  /** Rules files in load order (earlier files win). */
  files: readonly string[];
  /** Cache sizes for every classifier the store compiles. */
  classifier?: ClassifierOptions;
  logger: RulesLogger;
  /**
   * Keep the compiled classifier (`classifier`). A service whose classifying runs on
   * its pool threads only needs the rules validated and their text: each compiled
   * copy holds about 25 MB (RE2 programs, caches), so it is dropped once checked.
   * @defaultValue true
   */
  keepClassifier?: boolean;
  /**
   * The --config serve or worker was given: a rules error ends with
   * `run: oobd rules check --config F`, which lists the same problems (and the
   * warnings) for every file that config names. Without it, the hint names the files
   * with problems (`oobd rules check FILE...`, absolute paths, so it works anywhere).
   */
  configArg?: string;
}

/** What a reload did: the new rules are in effect, or the last good ones were kept. */
export type RulesReload = { reloaded: true } | { reloaded: false; error: OobdError };

/** Where a rules error points, for structured logs (pino fields). */
function errorFields(err: OobdError): Record<string, unknown> {
  const fields: Record<string, unknown> = { err: err.message, code: err.code };
  if (err instanceof RulesInvalidError) {
    const first = err.problems[0];
    if (first) {
      fields.file = first.file;
      if (first.label !== null) fields.label = first.label;
      if (first.index !== null) fields.index = first.index;
      if (first.pattern !== null) fields.pattern = first.pattern;
    }
    fields.problems = err.problems.length;
  }
  return fields;
}

/**
 * The `oobd rules check` command that lists every problem of a failed load, with
 * warnings: `--config F` when the process was given one, else the files with problems.
 */
export function rulesCheckHint(problems: readonly RuleProblem[], configArg?: string): string {
  const files = [...new Set(problems.map((problem) => problem.file))];
  const args =
    configArg === undefined ? ` ${files.map(shellWord).join(' ')}` : configArgument(configArg);
  return `run: oobd rules check${args}`;
}

function asOobdError(err: unknown): OobdError {
  if (isOobdError(err)) return err;
  return new OobdError(ErrorCode.RuleInvalid, errorMessage(err), { cause: err });
}

/**
 * Holds the rules in effect: their text (`sources`, what worker threads compile
 * from, since RE2 objects cannot cross threads) and a classifier compiled from them.
 * `load()` at startup throws on any bad file, so the server refuses to start;
 * `reload()` on SIGHUP never throws and keeps the last good rules when a file is bad.
 * Every successful load compiles a new classifier, which starts with empty caches.
 */
export class RulesStore {
  private readonly logger: RulesLogger;
  private readonly classifierOptions: ClassifierOptions;
  private files: readonly string[];
  private current: {
    sources: readonly RulesSource[];
    classifier: CompiledClassifier | null;
  } | null = null;
  private readonly keepClassifier: boolean;
  private readonly configArg: string | undefined;
  /** The last reload failed; the next good one logs the recovery. */
  private failing = false;

  constructor(options: RulesStoreOptions) {
    this.files = Object.freeze([...options.files]);
    this.classifierOptions = { ...options.classifier };
    this.logger = options.logger;
    this.keepClassifier = options.keepClassifier ?? true;
    this.configArg = options.configArg;
  }

  /**
   * Read and compile the rules; call once at startup.
   * @throws OobdError (OOBD_FILE_UNREADABLE or OOBD_RULE_INVALID) whose message names
   *   file, label and index of every problem (the first 20) and ends with the
   *   `oobd rules check` command that lists them with warnings.
   */
  load(): CompiledClassifier {
    const next = this.compile(this.files);
    this.keep(next);
    this.failing = false;
    this.logger.info(this.summary(next.classifier), 'rules loaded');
    return next.classifier;
  }

  private keep(next: { sources: readonly RulesSource[]; classifier: CompiledClassifier }): void {
    this.current = this.keepClassifier ? next : { sources: next.sources, classifier: null };
  }

  /**
   * Re-read the files (SIGHUP). `files` replaces the list when the config changed.
   * On error the last good rules stay in effect and the error is logged with file,
   * label and index; a later good reload logs that the rules recovered.
   */
  reload(files: readonly string[] = this.files): RulesReload {
    let next: { sources: readonly RulesSource[]; classifier: CompiledClassifier };
    try {
      next = this.compile(files);
    } catch (err) {
      const error = asOobdError(err);
      this.failing = true;
      this.logger.error(
        errorFields(error),
        this.current
          ? 'rules reload failed; keeping the last good rules'
          : 'rules reload failed; no rules loaded yet',
      );
      return { reloaded: false, error };
    }
    this.files = Object.freeze([...files]);
    this.keep(next);
    const recovered = this.failing;
    this.failing = false;
    this.logger.info(
      { ...this.summary(next.classifier), ...(recovered ? { recovered: true } : {}) },
      recovered ? 'rules reloaded; recovered from the previous failure' : 'rules reloaded',
    );
    return { reloaded: true };
  }

  /**
   * The classifier of the rules in effect.
   * @throws OobdError (OOBD_RULE_INVALID) when the store was made with `keepClassifier: false`.
   */
  get classifier(): CompiledClassifier {
    const { classifier } = this.loaded();
    if (classifier === null) {
      throw new OobdError(
        ErrorCode.RuleInvalid,
        'this rules store keeps the rules text only (keepClassifier: false)',
      );
    }
    return classifier;
  }

  /** The text of the rules in effect, for worker threads to compile their own classifier. */
  get sources(): readonly RulesSource[] {
    return this.loaded().sources;
  }

  /** The files of the rules in effect. */
  get currentFiles(): readonly string[] {
    return this.files;
  }

  private loaded(): { sources: readonly RulesSource[]; classifier: CompiledClassifier | null } {
    if (this.current === null) {
      throw new OobdError(ErrorCode.RuleInvalid, 'no rules loaded: call load() first');
    }
    return this.current;
  }

  private compile(files: readonly string[]): {
    sources: readonly RulesSource[];
    classifier: CompiledClassifier;
  } {
    const sources = Object.freeze(readRulesSources(files).map((source) => Object.freeze(source)));
    try {
      return { sources, classifier: compileClassifier(sources, this.classifierOptions) };
    } catch (err) {
      // The same error (code, problems) with the command that lists them all.
      if (!(err instanceof RulesInvalidError)) throw err;
      throw new RulesInvalidError(err.problems, rulesCheckHint(err.problems, this.configArg));
    }
  }

  private summary(classifier: CompiledClassifier): Record<string, unknown> {
    return {
      files: [...this.files],
      labels: new Set(classifier.rules.map((rule) => rule.label)).size,
      patterns: classifier.rules.length,
    };
  }
}
