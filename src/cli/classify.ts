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
  type ReplyContext,
} from '../classify/index';
import { PACKAGE_RULES } from '../config/paths';
import { ErrorCode, OobdError } from '../errors';
import { readRulesSources } from '../config/rules';
import { addRulesConfigOption, explicitConfigPath, Output, serverConfig } from './common';

interface ClassifyOptions {
  config?: string;
  json?: boolean;
  rules?: string[];
  command?: string;
  action?: string;
  diagnosticType?: string;
  status?: string;
}

export interface ClassifierSettings {
  /** In load order; relative to the working directory when inside it, else absolute. */
  files: string[];
  /** Unset: the classifier's defaults. */
  cacheSize?: number;
  uncategorizedCacheSize?: number;
  /** What named each file (`classifier.files[0] in /etc/oobd/oobd.toml`), for messages. */
  origins: Map<string, string>;
  /** `[reports] trace_headers` of the config (`oobd parse`); unset without a config. */
  traceHeaders?: string[];
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
  const { loadServerConfig, checkConfigFiles } = serverConfig();
  const config = loadServerConfig(file);
  if (!tolerant) checkConfigFiles(config, { smtp: false });
  const files = config.classifier.files.map(shownPath);
  return {
    files,
    cacheSize: config.classifier.cache_size,
    uncategorizedCacheSize: config.classifier.uncategorized_cache_size,
    origins: new Map(files.map((f, i) => [f, `classifier.files[${i}] in ${file}`])),
    traceHeaders: [...config.reports.trace_headers],
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
  const inner = result.inner === null ? '' : `\n  quoted reply: ${result.inner}`;
  let out = `${result.label}  ${reply.trim()}${input}${note}${inner}\n  rule: ${rule}\n`;
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
    status: context.status ?? null,
    label: result.label,
    decided_by: decidedBy(result),
    rule: result.rule,
    context: result.context,
    inner_reply: result.inner,
  })}\n`;
}

/** RFC 3464 §2.3.3: the values of a DSN's Action field. */
const DSN_ACTIONS = ['failed', 'delayed', 'delivered', 'relayed', 'expanded'];

/**
 * `--action` and `--status` as the context table reads them: a value it can never
 * match (a typo, `--status 5.1`) is a usage error rather than a silent "no row".
 * @throws OobdError OOBD_USAGE naming the option and the values it takes
 */
export function checkContextOptions(opts: { action?: string; status?: string }): void {
  if (opts.action !== undefined && !DSN_ACTIONS.includes(opts.action.toLowerCase())) {
    throw new OobdError(
      ErrorCode.UsageError,
      `--action: "${opts.action}" is not a DSN Action; the actions are ${DSN_ACTIONS.join(', ')} (RFC 3464 §2.3.3)`,
    );
  }
  if (opts.status !== undefined && !/^[245]\.\d{1,3}\.\d{1,3}$/.test(opts.status)) {
    throw new OobdError(
      ErrorCode.UsageError,
      `--status: "${opts.status}" is not a DSN Status; expected class.subject.detail, such as 5.1.1 or 4.4.7 (RFC 3463)`,
    );
  }
}

export function register(program: Command): void {
  addRulesConfigOption(program.command('classify [reply...]'))
    .summary('classify SMTP replies and show the rule that matched')
    .description(
      'Classify SMTP replies ("550 5.1.1 user unknown"; one per stdin line when none is ' +
        'given) and show the rule that matched: file, label, index and pattern. The rules ' +
        'match "<code> <enhanced code> <text>"; a reply given without its code is ' +
        'classified as oobd classifies a bounce without one (451 with a 4.x.x enhanced ' +
        'code, else 550), and the output says which code it assumed. What the line cannot ' +
        'carry (--command, --action, --status, --diagnostic-type) is used by the context table ' +
        '(rules/context.toml); the row that decided is shown as "context".',
    )
    .option('--json', 'one JSON object per reply')
    .option(
      '--command <command>',
      'the SMTP command the reply answered (response.command): CONNECT, EHLO, "MAIL FROM", "RCPT TO", DATA',
    )
    .option(
      '--action <action>',
      'the DSN Action of the report: failed (a final bounce), delayed, delivered, relayed or expanded',
    )
    .option(
      '--status <code>',
      'the DSN Status of the report (RFC 3464 §2.3.4): 4.4.7 (delivery time expired) ...',
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
      checkContextOptions(opts);
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
      const context: ReplyContext = {
        command: opts.command ?? null,
        action: opts.action ?? null,
        diagnosticType: opts.diagnosticType ?? null,
        status: opts.status ?? null,
      };
      const output = new Output();
      if (replies.length > 0) {
        for (const reply of replies) {
          if (output.closed) break;
          await output.write(classifyOne(classifier, reply, json, context));
        }
        output.finish();
        return;
      }
      // Typed at a terminal with no reply: say what it waits for, rather than nothing.
      if (process.stdin.isTTY) {
        process.stderr.write(
          'oobd classify: reading replies from the terminal, one per line (Ctrl-D ends); ' +
            'or give them as arguments: oobd classify "550 5.1.1 user unknown"\n',
        );
      }
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const reply of lines) {
        // The reader went away (`| head`): stop reading, as parse and logs do.
        if (output.closed) break;
        if (reply.trim() === '') continue;
        await output.write(classifyOne(classifier, reply, json, context));
      }
      lines.close();
      if (output.closed) process.stdin.destroy();
      output.finish();
    });
}
