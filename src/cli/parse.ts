// `oobd parse PATH...`: the records `serve` would write for each message if it
// arrived for a domain with log_oob and log_arf on (without the Reception record,
// except the one that carries an MDN's `mdn_report`), as JSON lines with
// "source_file". A message that yields none prints one line with
// "type":"Unrecognized", so nothing is skipped silently.
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { compileClassifier, type CompiledClassifier } from '../classify/index';
import { readRulesSources } from '../config/rules';
import { knownToCompile } from '../config/rules-checked';
import { ErrorCode, OobdError } from '../errors';
import { parseModeRecords, type ParseModeSettings } from '../pipeline/parse-mode';
import { compileVerp, VerpPatternError } from '../report/verp';
import { classifierSettings } from './classify';
import { addRulesConfigOption, Output } from './common';
import { requirePaths } from './paths';
import { noMessageNote, outputLines, type BatchOutput } from './parse-output';
import { ParseThreads } from './parse-threads';
import { listInput, moreFilesThan, readBatchesWithStdin, type ReadBatch } from './read-ahead';
import { messagesOf, STDIN_PATH, type SourceError } from './sources';

export { outputLines } from './parse-output';

interface ParseOptions {
  config?: string;
  rules?: string[];
  to?: string;
  from?: string;
  verp?: string;
  problems?: boolean;
  threads?: string;
}

/** `--verp`: a template checked as listener_domains.toml checks one. */
function verpOption(value: string | undefined): string | null {
  if (value === undefined) return null;
  try {
    compileVerp(value);
  } catch (err) {
    if (err instanceof VerpPatternError)
      throw new OobdError(ErrorCode.UsageError, `--verp: ${err.message}`);
    throw err;
  }
  return value;
}

/** Parse threads start for inputs of more files than this. */
const THREADS_AFTER_FILES = 64;
/** Outputs (batches) held for the thread that makes the oldest one, at most. */
const MAX_PENDING = 16;

/**
 * One per core beyond two, at most 3: the main thread parses and the reader thread
 * takes a share of a core. A parse thread pays for itself only where it has a core
 * of its own: each compiles the rules and warms up its own JIT (a fresh isolate parses
 * its first few hundred messages several times slower), so on two cores one thread
 * made the run slower: `oobd parse` over 7,900 messages (25 copies of the corpus'
 * maildir/bsd) took 2.72–2.76 s with `--threads 1` against 2.08–2.23 s with
 * `--threads 0`, using 1.3 s more CPU.
 */
function defaultThreads(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 2));
}

function threadCount(value: string | undefined): number {
  if (value === undefined) return defaultThreads();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new OobdError(
      ErrorCode.UsageError,
      `--threads: expected a whole number, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** A batch's output: made here, or by a parse thread (once it arrives). */
interface PendingOutput {
  made: BatchOutput | null;
  arriving: Promise<BatchOutput> | null;
}

/** Files named on standard error one by one (noMessageNote), at most. */
const MAX_NOTES = 20;

/**
 * What standard error says of the files that held no mail message: each (up to
 * MAX_NOTES), then once what oobd parse reads. Their stdout lines are the usual
 * "Unrecognized" ones, and they do not change the exit code: a folder of messages
 * may hold other files (a Maildir's dovecot-uidlist, an empty maildirfolder).
 */
export function noMessageLines(notes: ReadonlyArray<string>): string {
  if (notes.length === 0) return '';
  let out = '';
  for (const note of notes.slice(0, MAX_NOTES)) out += `oobd parse: ${note}\n`;
  if (notes.length > MAX_NOTES)
    out += `oobd parse: ... and ${notes.length - MAX_NOTES} more files that hold no mail message\n`;
  out +=
    `oobd parse: ${notes.length === 1 ? 'that file was' : 'those files were'} read and printed as "Unrecognized"; ` +
    'oobd parse reads mail messages: .eml files (header fields at the top, as a mail client saves a message), mbox files, and folders of them\n';
  return out;
}

export function register(program: Command): void {
  addRulesConfigOption(program.command('parse'))
    .description(
      'print the records for .eml files, folders (recursive), mbox files and a message on standard input, as JSON lines',
    )
    .argument(
      '<path...>',
      '.eml files (any name), folders, mbox files; - reads one message (or an mbox) from standard input',
    )
    .option(
      '-r, --rules <file>',
      'a rules file to classify with; repeat for several (default: classifier.files of --config, else the rules oobd ships)',
      (file: string, files: string[] = []) => [...files, file],
    )
    .option(
      '-t, --to <address>',
      'the address the reports were sent to (default: Delivered-To, X-Original-To or To)',
    )
    .option(
      '--from <address>',
      "the envelope sender of the reports: the Feedback record's sender (default: Return-Path)",
    )
    .option(
      '--verp <template>',
      'decode the --to address into oob_report.verp, as a domain\'s verp in listener_domains.toml (e.g. "bounce-{id}-{local}={domain}@")',
    )
    .option(
      '--problems',
      'after the records of a message, a {"type":"Problems",...} line when the parsers noted something (a recipient block naming no recipient, a date that does not parse, ...)',
    )
    .option(
      '--threads <n>',
      'parse threads besides the main one for inputs of more than 64 files (default: one per core beyond two, at most 3; 0: none)',
    )
    .addHelpText(
      'after',
      '\nEach record is what `serve` would log for the message on a domain with log_oob and\n' +
        'log_arf on, without the Reception record, plus "source_file" (and "source_index"\n' +
        'inside an mbox). A message that yields no record prints {"type":"Unrecognized",...},\n' +
        'with "not_bounced" naming the recipients a delay warning (or a relay, delivery or\n' +
        'expansion notice) is about: no OOB record is written for them. Its "problems" list\n' +
        'what the parsers noted; --problems prints them for messages with records too.\n' +
        'A message on standard input: `oobd parse - < bounce.eml` (its "source_file" is "-").\n' +
        'A file that holds no mail message (empty, a binary, a PDF or JSON file) prints its\n' +
        '"Unrecognized" line too, and standard error names it.\n' +
        'Exit code 0 (also when a file holds no message), 1 when a file or folder could not\n' +
        'be read, 2 when a path does not exist (then nothing is parsed).',
    )
    .action(async (paths: string[], opts: ParseOptions) => {
      requirePaths('parse', paths);
      const threads = threadCount(opts.threads);
      if (paths.filter((p) => p === STDIN_PATH).length > 1)
        throw new OobdError(
          ErrorCode.UsageError,
          `"${STDIN_PATH}" (standard input) may be given once: it holds one input`,
        );
      const errors: SourceError[] = [];
      // Listed once, for reading and for the threads. Reading starts first: its
      // thread boots while the rules compile.
      const listing = listInput(paths);
      const batches = readBatchesWithStdin(listing, errors);
      const settingsOfConfig = classifierSettings(opts);
      const files = opts.rules ?? settingsOfConfig.files;
      const sources = readRulesSources(files);
      // The shipped rules (checked by the build) compile their sets as lines need them.
      const classifierOptions = {
        cacheSize: 4096,
        uncategorizedCacheSize: 4096,
        deferSets: knownToCompile(sources),
      };
      const settings: ParseModeSettings = {
        to: opts.to ?? null,
        from: opts.from ?? null,
        verp: verpOption(opts.verp),
        parse: { traceHeaders: settingsOfConfig.traceHeaders ?? [] },
      };
      const now = new Date();
      const problems = opts.problems === true;
      // Parse threads start before this thread compiles its rules: each loads the
      // parsers and compiles the same rules beside it, on a core of its own.
      const helpers =
        threads > 0 && moreFilesThan(listing, THREADS_AFTER_FILES)
          ? ParseThreads.start(threads, {
              sources: [...sources],
              classifier: classifierOptions,
              settings,
              now: now.getTime(),
              problems,
            })
          : null;
      const output = new Output();
      // Lines are encoded straight into a 64 KiB chunk, written when full: one
      // UTF-8 encode per line instead of one of a large concatenated string.
      const CHUNK = 64 * 1024;
      let chunk = Buffer.allocUnsafeSlow(CHUNK);
      let used = 0;
      const flush = async () => {
        if (used === 0) return;
        const full = chunk.subarray(0, used);
        chunk = Buffer.allocUnsafeSlow(CHUNK);
        used = 0;
        await output.write(full);
      };
      const emit = async (text: string) => {
        // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
        if (used + text.length * 3 > CHUNK) await flush();
        if (text.length * 3 > CHUNK) {
          await output.write(text);
          return;
        }
        used += chunk.write(text, used);
      };
      const notes: string[] = [];
      /** Parses a batch here, writing each message's lines as they are made. */
      const parseHere = async (classifier: CompiledClassifier, batch: ReadBatch) => {
        for (const item of batch.items) {
          const raw = Buffer.from(batch.buffer, item.start, item.end - item.start);
          for (const message of messagesOf(item.file, raw)) {
            const parsed = parseModeRecords(message.raw, classifier, settings, now);
            await emit(outputLines(message, parsed, problems));
            const note = noMessageNote(message, parsed);
            if (note !== null) notes.push(note);
            if (output.closed) return;
          }
        }
      };

      // Outputs not written yet, in input order: the oldest waits for its thread.
      const pending: PendingOutput[] = [];
      const writeReady = async (all: boolean) => {
        while (pending.length > 0 && !output.closed) {
          const head = pending[0] as PendingOutput;
          if (head.made === null && head.arriving !== null && (all || pending.length > MAX_PENDING))
            head.made = await head.arriving;
          if (head.made === null) return;
          pending.shift();
          await emit(head.made.text);
          notes.push(...head.made.notes);
        }
      };
      try {
        const classifier = compileClassifier(sources, classifierOptions);
        for await (const batch of batches) {
          const arriving = helpers?.take(batch) ?? null;
          if (arriving !== null) {
            const out: PendingOutput = { made: null, arriving };
            void arriving.then(
              (made) => (out.made = made),
              () => undefined,
            );
            pending.push(out);
          } else if (pending.length === 0) {
            await parseHere(classifier, batch);
          } else {
            // Behind a thread's batch: made now, written after it.
            const made: BatchOutput = { text: '', notes: [] };
            for (const item of batch.items) {
              const raw = Buffer.from(batch.buffer, item.start, item.end - item.start);
              for (const message of messagesOf(item.file, raw)) {
                const parsed = parseModeRecords(message.raw, classifier, settings, now);
                made.text += outputLines(message, parsed, problems);
                const note = noMessageNote(message, parsed);
                if (note !== null) made.notes.push(note);
              }
            }
            pending.push({ made, arriving: null });
          }
          await writeReady(false);
          if (output.closed) break;
          // Lets the threads' answers (messages to this thread) in before the next batch.
          if (helpers !== null) await new Promise((r) => setImmediate(r));
        }
        await writeReady(true);
      } finally {
        await helpers?.close();
      }
      await flush();
      output.finish();
      // A reader that went away (`| head`) ends the command quietly (common.ts, Output).
      if (!output.closed) process.stderr.write(noMessageLines(notes));
      for (const error of errors)
        process.stderr.write(`oobd parse: ${error.path}: ${error.message}\n`);
      if (errors.length > 0) process.exitCode = 1;
    });
}
