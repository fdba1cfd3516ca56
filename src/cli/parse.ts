// `oobd parse PATH...`: the records `serve` would write for each message if it
// arrived for a domain with log_oob and log_arf on (without the Reception record),
// as JSON lines with "source_file". A message that yields none prints one line with
// "type":"Unrecognized", so nothing is skipped silently.
import type { Command } from 'commander';
import { compileClassifier } from '../classify/index';
import { readRulesSources } from '../config/rules';
import { parseModeRecords, type ParsedMessage } from '../pipeline/parse-mode';
import { classifierSettings } from './classify';
import { addRulesConfigOption, Output } from './common';
import { readMessagesAhead } from './read-ahead';
import type { SourceError, SourceMessage } from './sources';

interface ParseOptions {
  config?: string;
  rules?: string[];
  to?: string;
}

/** The output lines of one message: its records with "source_file" (and "source_index") added. */
export function outputLines(message: SourceMessage, parsed: ParsedMessage): string {
  const source =
    message.index === null
      ? { source_file: message.file }
      : { source_file: message.file, source_index: message.index };
  if (parsed.records.length === 0) {
    const { kind, findings, problems } = parsed;
    return `${JSON.stringify({ type: 'Unrecognized', ...source, kind, findings, problems })}\n`;
  }
  // Each record is a JSON object: the source fields go in before its closing brace.
  const fields = JSON.stringify(source).slice(1);
  let out = '';
  for (const record of parsed.records) out += `${record.slice(0, -1)},${fields}\n`;
  return out;
}

export function register(program: Command): void {
  addRulesConfigOption(program.command('parse'))
    .description(
      'print the records for .eml files, folders (recursive) and mbox files, as JSON lines',
    )
    .argument('<path...>', '.eml files (any name), folders, mbox files')
    .option(
      '-r, --rules <file>',
      'a rules file to classify with; repeat for several (default: classifier.files of --config, else the rules oobd ships)',
      (file: string, files: string[] = []) => [...files, file],
    )
    .option(
      '-t, --to <address>',
      'the address the reports were sent to (default: Delivered-To, X-Original-To or To)',
    )
    .addHelpText(
      'after',
      '\nEach record is what `serve` would log for the message on a domain with log_oob and\n' +
        'log_arf on, without the Reception record, plus "source_file" (and "source_index"\n' +
        'inside an mbox). A message that yields no record prints {"type":"Unrecognized",...}.\n' +
        'Exit code 0, or 1 when a path could not be read.',
    )
    .action(async (paths: string[], opts: ParseOptions) => {
      const errors: SourceError[] = [];
      // Reading starts first: its thread boots while the rules compile.
      const messages = readMessagesAhead(paths, errors);
      const files = opts.rules ?? classifierSettings(opts).files;
      const sources = readRulesSources(files);
      const classifierOptions = { cacheSize: 4096, uncategorizedCacheSize: 4096 };
      const classifier = compileClassifier(sources, classifierOptions);
      const to = opts.to ?? null;
      const now = new Date();
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
      const emit = async (message: SourceMessage, parsed: ParsedMessage) => {
        const text = outputLines(message, parsed);
        // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
        if (used + text.length * 3 > CHUNK) await flush();
        if (text.length * 3 > CHUNK) {
          await output.write(text);
          return;
        }
        used += chunk.write(text, used);
      };

      for await (const message of messages) {
        await emit(message, parseModeRecords(message.raw, classifier, to, now));
        if (output.closed) break;
      }
      await flush();
      output.finish();
      for (const error of errors)
        process.stderr.write(`oobd parse: ${error.path}: ${error.message}\n`);
      if (errors.length > 0) process.exitCode = 1;
    });
}
