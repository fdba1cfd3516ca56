// `oobd parse PATH...`: the records `serve` would write for each message if it
// arrived for a domain with log_oob and log_arf on (without the Reception record),
// as JSON lines with "source_file". A message that yields none prints one line with
// "type":"Unrecognized", so nothing is skipped silently.
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { compileClassifier, type Classifier } from '../classify/index';
import { readRulesSources } from '../config/rules';
import { loadServerConfig } from '../config/server';
import type { LogRecord } from '../log/record';
import { analyze } from '../pipeline/process';
import { buildRecords } from '../pipeline/records';
import { readHeaderFields } from '../smtp/sniff';
import { addConfigOption, configPath } from './common';
import { readMessages, type SourceError, type SourceMessage } from './sources';

interface ParseOptions {
  config?: string;
  rules?: string[];
  to?: string;
}

/** Deterministic id for a message: the same file always gets the same record ids. */
function messageId(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 32);
}

/** The address a report was sent to, from the headers MTAs add at final delivery. */
function reportAddress(raw: Buffer): string {
  const fields = readHeaderFields(raw);
  for (const name of ['delivered-to', 'x-original-to', 'envelope-to', 'to']) {
    const field = fields.find((f) => f.name === name);
    if (!field) continue;
    const lt = field.value.indexOf('<');
    const gt = field.value.indexOf('>', lt + 1);
    const addr = (lt >= 0 && gt > lt ? field.value.slice(lt + 1, gt) : field.value.split(',')[0] ?? '').trim();
    if (addr.includes('@')) return addr;
  }
  return '';
}

export function parseRecords(message: SourceMessage, classifier: Classifier, to: string | undefined, now: Date): Array<Record<string, unknown>> {
  const result = analyze(message.raw, classifier);
  const address = to ?? reportAddress(message.raw);
  const at = address.lastIndexOf('@');
  const records: LogRecord[] = buildRecords(
    result,
    {
      id: messageId(message.raw),
      created: now,
      nodeid: '00000000-0000-0000-0000-000000000000',
      session_id: '00000000-0000-0000-0000-000000000000',
      reportAddress: address,
      queue: at >= 0 ? address.slice(at + 1).toLowerCase() : '',
      peerAddr: '',
      now,
    },
    { oob: true, arf: true },
  );
  const source = message.index === null ? { source_file: message.file } : { source_file: message.file, source_index: message.index };
  if (records.length === 0) {
    return [{ type: 'Unrecognized', ...source, kind: result.kind, findings: result.findings.length, problems: result.problems }];
  }
  return records.map((record) => ({ ...record, ...source }));
}

export function register(program: Command): void {
  addConfigOption(program.command('parse'))
    .description('print the records for .eml files, folders (recursive) and mbox files, as JSON lines')
    .argument('<path...>', '.eml files (any name), folders, mbox files')
    .option(
      '-r, --rules <file>',
      'a rules file to classify with; repeat for several (default: classifier.files of the config)',
      (file: string, files: string[] = []) => [...files, file],
    )
    .option('-t, --to <address>', 'the address the reports were sent to (default: Delivered-To, X-Original-To or To)')
    .addHelpText(
      'after',
      '\nEach record is what `serve` would log for the message on a domain with log_oob and\n' +
        'log_arf on, without the Reception record, plus "source_file" (and "source_index"\n' +
        'inside an mbox). A message that yields no record prints {"type":"Unrecognized",...}.\n' +
        'Exit code 0, or 1 when a path could not be read.',
    )
    .action(async (paths: string[], opts: ParseOptions) => {
      const files = opts.rules ?? loadServerConfig(configPath(opts)).classifier.files;
      const classifier = compileClassifier(readRulesSources(files), { cacheSize: 4096, uncategorizedCacheSize: 4096 });
      const errors: SourceError[] = [];
      const now = new Date();
      let buffer = '';
      const flush = async () => {
        if (buffer === '') return;
        const chunk = buffer;
        buffer = '';
        if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
      };
      for await (const message of readMessages(paths, errors)) {
        for (const record of parseRecords(message, classifier, opts.to, now)) buffer += `${JSON.stringify(record)}\n`;
        if (buffer.length > 64 * 1024) await flush();
      }
      await flush();
      for (const error of errors) process.stderr.write(`oobd parse: ${error.path}: ${error.message}\n`);
      if (errors.length > 0) process.exitCode = 1;
    });
}
