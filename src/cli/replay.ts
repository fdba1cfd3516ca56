// `oobd replay --server H:P PATH...`: sends .eml / mbox messages over SMTP (to test
// a server, to re-feed quarantined messages), with a progress bar and a summary of
// the replies.
import type { Command } from 'commander';
import { ErrorCode, OobdError, errorMessage } from '../errors';
import { reportAddress } from '../pipeline/parse-mode';
import { Headers, MAX_HEADER_BYTES, scanFields } from '../report/header';
import { addConfigOption } from './common';
import { readMessages, type SourceError, type SourceMessage } from './sources';

interface ReplayOptions {
  server: string;
  to?: string;
  from?: string;
  concurrency: string;
}

function parseServer(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new OobdError(
      ErrorCode.UsageError,
      `--server: expected HOST:PORT or [IPv6]:PORT, got "${text}"`,
    );
  }
  return { host: m[1] ?? m[2] ?? '', port };
}

/**
 * Recipient for a message: --to, else where it was delivered (Delivered-To,
 * X-Original-To, Envelope-To, To), read as `oobd parse` reads its report address.
 */
function recipientOf(raw: Buffer): string | null {
  const { fields } = scanFields(
    raw.toString('latin1', 0, Math.min(raw.length, MAX_HEADER_BYTES)),
    0,
    true,
    null,
  );
  return reportAddress(new Headers(fields)) || null;
}

class Progress {
  private lastDraw = 0;
  constructor(private readonly enabled: boolean) {}

  draw(done: number, ok: number, failed: number, final = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!final && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const spinner = '|/-\\'[Math.floor(now / 100) % 4];
    process.stderr.write(
      `\r${final ? ' ' : spinner} sent ${done}  accepted ${ok}  refused/failed ${failed}   `,
    );
    if (final) process.stderr.write('\n');
  }
}

export function register(program: Command): void {
  addConfigOption(program.command('replay'))
    .description('send .eml / mbox messages to an SMTP server, with a progress bar and a summary')
    .argument('<path...>', '.eml files, folders (recursive) or mbox files')
    .requiredOption('-s, --server <host:port>', 'the SMTP server to send to, e.g. 127.0.0.1:2525')
    .option(
      '-t, --to <address>',
      'envelope recipient (default: the Delivered-To, X-Original-To, Envelope-To or To of each message)',
    )
    .option('-f, --from <address>', 'envelope sender (default: <>, as reports are sent)', '')
    .option('-n, --concurrency <n>', 'messages in flight at once', '4')
    .addHelpText('after', '\nExit code 0 when every message got a 2xx reply, 1 otherwise.')
    .action(async (paths: string[], opts: ReplayOptions) => {
      const { host, port } = parseServer(opts.server);
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new OobdError(
          ErrorCode.UsageError,
          `--concurrency must be a whole number of at least 1, got "${opts.concurrency}"`,
        );
      }
      // Loaded here, so the other subcommands do not pay for it.
      const nodemailer = require('nodemailer') as typeof import('nodemailer');
      const transport = nodemailer.createTransport({
        pool: true,
        maxConnections: concurrency,
        maxMessages: Infinity,
        host,
        port,
        secure: false,
        tls: { rejectUnauthorized: false },
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      const errors: SourceError[] = [];
      const replies = new Map<string, number>();
      const failures: string[] = [];
      const progress = new Progress(process.stderr.isTTY === true);
      let done = 0;
      let ok = 0;
      const count = (key: string) => replies.set(key, (replies.get(key) ?? 0) + 1);
      const started = Date.now();

      const send = async (message: SourceMessage) => {
        const where = message.index === null ? message.file : `${message.file}#${message.index}`;
        const to = opts.to ?? recipientOf(message.raw);
        if (!to) {
          failures.push(`${where}: no recipient (use --to)`);
          count('no recipient');
        } else {
          try {
            const info = await transport.sendMail({
              envelope: { from: opts.from ?? '', to: [to] },
              raw: message.raw,
            });
            ok++;
            count(String(info.response).slice(0, 3));
          } catch (err) {
            const e = err as { responseCode?: number; response?: string };
            const key = e.responseCode ? String(e.responseCode) : 'connection error';
            count(key);
            failures.push(`${where}: ${e.response ?? errorMessage(err)}`);
          }
        }
        done++;
        progress.draw(done, ok, done - ok);
      };

      const inFlight = new Set<Promise<void>>();
      for (const message of readMessages(paths, errors)) {
        const p = send(message).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      transport.close();
      progress.draw(done, ok, done - ok, true);

      const seconds = (Date.now() - started) / 1000;
      const lines = [
        `sent ${done} message(s) to ${host}:${port} in ${seconds.toFixed(1)}s`,
        ...[...replies].sort().map(([key, n]) => `  ${key.padEnd(16)} ${n}`),
        ...failures.slice(0, 20).map((f) => `  ! ${f}`),
        ...(failures.length > 20 ? [`  ! ... and ${failures.length - 20} more`] : []),
        ...errors.map((e) => `  ! ${e.path}: ${e.message}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (ok !== done || errors.length > 0) process.exitCode = 1;
    });
}
