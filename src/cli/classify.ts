// `oobd classify [REPLY...]`: the label of each SMTP reply and the rule that gave it,
// so an operator can see why a bounce got its classification (a check-bounce tool in
// the spirit of ZoneMTA's). Replies come from the arguments, else one per stdin line.
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import {
  compileClassifier,
  parseReplyLine,
  replyLine,
  type Classification,
  type CompiledClassifier,
  type ReplyContext,
} from '../classify/index';
import { readRulesSources } from '../config/rules';
import { buildServerConfig, loadServerConfig } from '../config/server';
import { addConfigOption, configPath } from './common';

interface ClassifyOptions {
  config?: string;
  json?: boolean;
  rules?: string[];
  command?: string;
  action?: string;
  diagnosticType?: string;
}

export interface ClassifierSettings {
  files: string[];
  cacheSize: number;
  uncategorizedCacheSize: number;
  /** Set when the files are not what the user would expect; printed on stderr. */
  note: string | null;
}

/**
 * The classifier section of the server config (`--config`, $OOBD_CONFIG, else
 * config/oobd.toml). A missing config file at the default location is not an error
 * here, because these commands are useful on a bare checkout: the schema's defaults
 * apply and `note` says so. A config file named explicitly must exist.
 */
export function classifierSettings(opts: { config?: string }): ClassifierSettings {
  const file = configPath(opts);
  const named = opts.config !== undefined || process.env.OOBD_CONFIG !== undefined;
  const missing = !named && !existsSync(file);
  const config = missing ? buildServerConfig(file, {}) : loadServerConfig(file);
  const files = [...config.classifier.files];
  return {
    files,
    cacheSize: config.classifier.cache_size,
    uncategorizedCacheSize: config.classifier.uncategorized_cache_size,
    note: missing ? `${file} not found; using the default rules files ${files.join(', ')}` : null,
  };
}

/** An SMTP reply starts with its three-digit code (RFC 5321 §4.2). */
const REPLY_CODE = /^\s*[2-5]\d\d(?:[ \t-]|$)/;

/**
 * The code the classifier was given when the text had none: the parser's rule for a
 * failure without a reply code (DESIGN.md §5: 451 with a 4.x.x enhanced code, else
 * 550), so the label is the one `serve` would log for such a bounce. Null when the
 * text carried its own code.
 */
function assumedCode(reply: string, code: number): number | null {
  return REPLY_CODE.test(reply) ? null : code;
}

function describe(
  reply: string,
  line: string,
  result: Classification,
  assumed: number | null,
): string {
  const rule = result.rule
    ? `${result.rule.file}: ${JSON.stringify(result.rule.label)}[${result.rule.index}] ${result.rule.pattern}`
    : 'no rule matched';
  const input = reply.trim() === line ? '' : `\n  matched as: ${line}`;
  const note =
    assumed === null
      ? ''
      : `\n  assumed: reply code ${assumed}, since none was given (as oobd does for a bounce ` +
        'without one: 451 with a 4.x.x enhanced code, else 550); start the reply with its code ' +
        'to classify it with another';
  let out = `${result.label}  ${reply.trim()}${input}${note}\n  rule: ${rule}\n`;
  if (result.context) {
    const { file, index, name, replaced, stage } = result.context;
    const seen = stage ? ` (stage ${stage.name}, from the ${stage.from})` : '';
    out += `  context: ${file}: context[${index}] "${name}"${seen}: ${replaced} → ${result.label}\n`;
  }
  return out;
}

/** Which input decided the label: a context row, a rule, or nothing (Uncategorized). */
function decidedBy(result: Classification): 'context' | 'rule' | 'none' {
  if (result.context) return 'context';
  return result.rule ? 'rule' : 'none';
}

function classifyOne(
  classifier: CompiledClassifier,
  reply: string,
  json: boolean,
  context: ReplyContext,
): string {
  const parsed = parseReplyLine(reply);
  const line = replyLine(parsed);
  const result = classifier.classifyLine(line, context);
  const assumed = assumedCode(reply, parsed.code);
  if (!json) return describe(reply, line, result, assumed);
  return `${JSON.stringify({
    reply,
    line,
    code: parsed.code,
    assumed_code: assumed,
    enhanced_code: parsed.enhancedCode,
    content: parsed.content,
    command: context.command ?? null,
    action: context.action ?? null,
    diagnostic_type: context.diagnosticType ?? null,
    label: result.label,
    decided_by: decidedBy(result),
    rule: result.rule,
    context: result.context,
  })}\n`;
}

export function register(program: Command): void {
  addConfigOption(program.command('classify [reply...]'))
    .summary('classify SMTP replies and show the rule that matched')
    .description(
      'Classify SMTP replies ("550 5.1.1 user unknown"; one per stdin line when none is ' +
        'given) and show the rule that matched: file, label, index and pattern. The rules ' +
        'match "<code> <enhanced code> <text>"; a reply given without its code is ' +
        'classified as oobd classifies a bounce without one (451 with a 4.x.x enhanced ' +
        'code, else 550), and the output says which code it assumed. What the line cannot ' +
        'carry (--command, --action, --diagnostic-type) is used by the context table ' +
        '(rules/context.toml); the row that decided is shown as "context".',
    )
    .option('--json', 'one JSON object per reply')
    .option(
      '--command <command>',
      'the SMTP command the reply answered (response.command): CONNECT, EHLO, "MAIL FROM", "RCPT TO", DATA',
    )
    .option(
      '--action <action>',
      'the DSN Action of the report: failed (a final bounce), delayed ...',
    )
    .option(
      '--diagnostic-type <type>',
      'the Diagnostic-Code type: smtp (a remote reply), x-unix (a local delivery program) ...',
    )
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
        const settings = classifierSettings(opts);
        if (settings.note) process.stderr.write(`oobd: ${settings.note}\n`);
        ({ files, cacheSize, uncategorizedCacheSize } = settings);
      }
      const classifier = compileClassifier(readRulesSources(files), {
        ...(cacheSize === undefined ? {} : { cacheSize }),
        ...(uncategorizedCacheSize === undefined ? {} : { uncategorizedCacheSize }),
      });
      const json = opts.json === true;
      const context: ReplyContext = {
        command: opts.command ?? null,
        action: opts.action ?? null,
        diagnosticType: opts.diagnosticType ?? null,
      };
      if (replies.length > 0) {
        for (const reply of replies)
          process.stdout.write(classifyOne(classifier, reply, json, context));
        return;
      }
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const reply of lines) {
        if (reply.trim() === '') continue;
        process.stdout.write(classifyOne(classifier, reply, json, context));
      }
    });
}
