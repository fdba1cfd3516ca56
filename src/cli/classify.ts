// `oobd classify [REPLY...]`: the label of each SMTP reply and the rule that gave it,
// so an operator can see why a bounce got its classification (a check-bounce tool in
// the spirit of ZoneMTA's). Replies come from the arguments, else one per stdin line.
import { createInterface } from 'node:readline';
import { isAbsolute, relative } from 'node:path';
import type { Command } from 'commander';
import {
  compileClassifier,
  parseReplyLine,
  replyLine,
  type Classification,
  type CompiledClassifier,
} from '../classify/index';
import { PACKAGE_RULES } from '../config/paths';
import { readRulesSources } from '../config/rules';
import { checkConfigFiles, loadServerConfig } from '../config/server';
import { addRulesConfigOption, explicitConfigPath } from './common';

interface ClassifyOptions {
  config?: string;
  json?: boolean;
  rules?: string[];
}

export interface ClassifierSettings {
  /** In load order; relative to the working directory when inside it, else absolute. */
  files: string[];
  /** Unset: the classifier's defaults. */
  cacheSize?: number;
  uncategorizedCacheSize?: number;
  /** What named each file (`classifier.files[0] in /etc/oobd/oobd.toml`), for messages. */
  origins: Map<string, string>;
}

/**
 * A path as a person reads it in the output (`rules/iana.toml` in a checkout): relative
 * to the working directory when it lies inside it, else absolute.
 */
function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/**
 * The rules of parse, classify and rules check: the classifier section of the config
 * named by `--config` or $OOBD_CONFIG, else the rules the package ships, with no
 * config at all (DESIGN.md §3). These commands do not look in the working directory,
 * so they say the same from every folder.
 * @throws OobdError OOBD_FILE_UNREADABLE naming the config (and key) when a named rules
 *   file cannot be read; unless `tolerant`, which leaves unreadable files to the caller.
 */
export function classifierSettings(
  opts: { config?: string },
  tolerant = false,
): ClassifierSettings {
  const file = explicitConfigPath(opts);
  if (file === null) return { files: PACKAGE_RULES.map(shownPath), origins: new Map() };
  const config = loadServerConfig(file);
  if (!tolerant) checkConfigFiles(config, { smtp: false });
  const files = config.classifier.files.map(shownPath);
  return {
    files,
    cacheSize: config.classifier.cache_size,
    uncategorizedCacheSize: config.classifier.uncategorized_cache_size,
    origins: new Map(files.map((f, i) => [f, `classifier.files[${i}] in ${file}`])),
  };
}

function describe(reply: string, line: string, result: Classification): string {
  const rule = result.rule
    ? `${result.rule.file}: ${JSON.stringify(result.rule.label)}[${result.rule.index}] ${result.rule.pattern}`
    : 'no rule matched';
  const input = reply.trim() === line ? '' : `\n  matched as: ${line}`;
  return `${result.label}  ${reply.trim()}${input}\n  rule: ${rule}\n`;
}

function classifyOne(classifier: CompiledClassifier, reply: string, json: boolean): string {
  const parsed = parseReplyLine(reply);
  const line = replyLine(parsed);
  const result = classifier.classifyLine(line);
  if (!json) return describe(reply, line, result);
  return `${JSON.stringify({
    reply,
    line,
    code: parsed.code,
    enhanced_code: parsed.enhancedCode,
    content: parsed.content,
    label: result.label,
    rule: result.rule,
  })}\n`;
}

export function register(program: Command): void {
  addRulesConfigOption(program.command('classify [reply...]'))
    .summary('classify SMTP replies and show the rule that matched')
    .description(
      'Classify SMTP replies ("550 5.1.1 user unknown"; one per stdin line when none is ' +
        'given) and show the rule that matched: file, label, index and pattern.',
    )
    .option('--json', 'one JSON object per reply')
    .option(
      '-r, --rules <file>',
      "a rules file to use instead of the config's classifier.files; repeat for several",
      (file: string, files: string[] = []) => [...files, file],
    )
    .action(async (replies: string[], opts: ClassifyOptions) => {
      let files: string[];
      let cacheSize: number | undefined;
      let uncategorizedCacheSize: number | undefined;
      if (opts.rules && opts.rules.length > 0) {
        files = opts.rules;
      } else {
        ({ files, cacheSize, uncategorizedCacheSize } = classifierSettings(opts));
      }
      const classifier = compileClassifier(readRulesSources(files), {
        ...(cacheSize === undefined ? {} : { cacheSize }),
        ...(uncategorizedCacheSize === undefined ? {} : { uncategorizedCacheSize }),
      });
      const json = opts.json === true;
      if (replies.length > 0) {
        for (const reply of replies) process.stdout.write(classifyOne(classifier, reply, json));
        return;
      }
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const reply of lines) {
        if (reply.trim() === '') continue;
        process.stdout.write(classifyOne(classifier, reply, json));
      }
    });
}
