// `oobd` command line: one file per subcommand, each exporting `register(program)`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { OobdError, ErrorCode, errorMessage } from '../errors';
import { register as registerClassify } from './classify';
import { register as registerHooks } from './hooks';
import { register as registerLogs } from './logs';
import { register as registerParse } from './parse';
import { MissingPaths } from './paths';
import { register as registerQuarantine } from './quarantine';
import { register as registerReplay } from './replay';
import { register as registerRules } from './rules';
import { register as registerServe } from './serve';
import { register as registerSuppressions } from './suppressions';
import { register as registerWorker } from './worker';

/** Subcommands in the order `oobd --help` lists them (DESIGN.md §8). */
const SUBCOMMANDS: ReadonlyArray<(program: Command) => void> = [
  registerServe,
  registerWorker,
  registerParse,
  registerClassify,
  registerRules,
  registerQuarantine,
  registerSuppressions,
  registerReplay,
  registerLogs,
  registerHooks,
];

export function buildProgram(): Command {
  const program = new Command('oobd')
    .description(
      'Out-of-band bounce ingestion server: accepts DSNs, feedback reports, MDNs and\n' +
        'auto-replies over SMTP, classifies every failed recipient and writes\n' +
        'KumoMTA-compatible JSON log records.',
    )
    .version(readVersion(), '-V, --version')
    .showHelpAfterError('(run oobd --help for usage)')
    .addHelpText(
      'after',
      '\nStart here:\n' +
        '  oobd serve --config config/oobd.toml      SMTP on the listeners of that file\n' +
        '  oobd parse bounce.eml                     what serve would log for a message\n' +
        '  oobd classify "550 5.1.1 user unknown"    the label of a reply, and the rule\n' +
        '  oobd logs --since 1h                      the records, as readable lines\n' +
        '\n`oobd <command> --help` for each command. Records field by field: docs/records.md;\n' +
        'every setting: config/oobd.toml and config/listener_domains.toml (both commented).',
    );
  for (const register of SUBCOMMANDS) register(program);
  return program;
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error, 3 not built yet. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof OobdError) {
    if (err.code === ErrorCode.NotImplemented) return 3;
    if (err.code === ErrorCode.ConfigInvalid || err.code === ErrorCode.UsageError) return 2;
    if (err.code === ErrorCode.RuleInvalid || err.code === ErrorCode.FileUnreadable) return 2;
    if (err.code === ErrorCode.RedisUnsupported) return 2;
  }
  return 1;
}

/**
 * A reader that goes away (`oobd rules audit … | head`) ends what a command prints
 * quietly, as SIGPIPE ends a C tool: the command finishes its work (a quarantine retry
 * still writes its records) and what it would have printed is dropped. Without a
 * listener, the EPIPE would be an unhandled 'error' event and a stack trace.
 * Any other output error is still thrown.
 */
function quietOnClosedStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedStdout();
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed help, version or the usage error.
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof MissingPaths) {
      process.stderr.write(err.lines());
      process.exitCode = exitCodeFor(err);
      return;
    }
    const code = err instanceof OobdError ? `${err.code}: ` : '';
    process.stderr.write(`oobd: ${code}${errorMessage(err)}\n`);
    process.exitCode = exitCodeFor(err);
  }
}

if (require.main === module) void main(process.argv);
