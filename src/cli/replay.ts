// `oobd replay --server H:P PATH...`: sends .eml / mbox messages over SMTP (to test
// a server, to re-feed quarantined messages), with a progress bar and a summary of
// the replies.
import type { Command } from 'commander';
import { ErrorCode, OobdError, errorMessage } from '../errors';
import { reportAddress } from '../pipeline/parse-mode';
import { Headers, MAX_HEADER_BYTES, scanFields } from '../report/header';
import { formatListen } from '../config/units';
import { configPath, serverConfig } from './common';
import { requirePaths } from './paths';
import { looksLikeMessage, readMessages, type SourceError, type SourceMessage } from './sources';

interface ReplayOptions {
  server?: string;
  config?: string;
  to?: string;
  from?: string;
  concurrency?: string;
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

/** Wildcard listen addresses, and the loopback address a client on the same machine uses. */
const WILDCARD_TO_LOOPBACK: Readonly<Record<string, string>> = {
  '0.0.0.0': '127.0.0.1',
  '::': '::1',
};

/**
 * Where to send: --server, else the first `smtp.listen` of the config (`--config`,
 * $OOBD_CONFIG, ./config/oobd.toml, the shipped one), a wildcard address taken as its
 * loopback. A `--config` given with `--server` is still read, so a wrong path is not
 * silently ignored. `from` says where a server that came from the config was found.
 */
function destination(opts: ReplayOptions): { host: string; port: number; from: string | null } {
  const load = () => serverConfig().loadServerConfig(configPath(opts));
  if (opts.server !== undefined) {
    if (opts.config !== undefined) load();
    return { ...parseServer(opts.server), from: null };
  }
  const config = load();
  const first = config.smtp.listen[0];
  if (first === undefined) {
    throw new OobdError(ErrorCode.UsageError, `no --server, and ${config.file} has no smtp.listen`);
  }
  const host = WILDCARD_TO_LOOPBACK[first.host] ?? first.host;
  const server = formatListen({ host, port: first.port });
  return { host, port: first.port, from: `${server}, the first smtp.listen of ${config.file}` };
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

  draw(counts: Counts, final = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!final && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const spinner = '|/-\\'[Math.floor(now / 100) % 4];
    process.stderr.write(
      `\r${final ? ' ' : spinner} accepted ${counts.accepted}  refused ${counts.refused}  ` +
        `not sent ${counts.notSent}   `,
    );
    if (final) process.stderr.write('\n');
  }
}

interface Counts {
  /** The server answered the message with 2xx. */
  accepted: number;
  /** The server answered with 4xx/5xx (at MAIL, RCPT or DATA). */
  refused: number;
  /** No reply to count: no recipient, or the connection failed. */
  notSent: number;
}

/** Connection failures: the server was never reached (nodemailer's error codes). */
const CONNECTION_ERRORS = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS']);

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : address;
}

/** The id oobd gives a message in its 250 reply ("OK id=<32 hex>"). */
const REPLY_ID = /\bid=([0-9a-f]{32})\b/;

/** How far the time at the head of an id may be from the send for the id to be that time. */
const TIME_ID_SLACK_MS = 24 * 60 * 60 * 1000;

/**
 * Whether an oobd id is time-ordered (inline mode: its first 12 hex digits are the
 * milliseconds it was received, newMessageId in smtp/server.ts) rather than derived
 * from the envelope and bytes (queue mode: contentId in queue/job.ts, a hash whose head
 * falls within a day of now about once in two million).
 */
export function isTimeOrderedId(id: string, sentAt: number): boolean {
  return Math.abs(Number.parseInt(id.slice(0, 12), 16) - sentAt) <= TIME_ID_SLACK_MS;
}

/**
 * What the summary says when the server names messages by their content (queue mode):
 * one it took before, within queue.dedup_window, is answered 250 and not logged again
 * (README, "Queue mode"), which a person replaying the same files again cannot see.
 */
export function sameContentLines(contentIds: number, repeats: ReadonlyArray<string>): string[] {
  if (contentIds === 0) return [];
  const lines = [
    '  queue mode: the server names each message by its envelope and bytes, and one it took',
    '  before (within its queue.dedup_window, 24 h unless set) is answered 250 and not logged',
    '  again: replaying the same files again logs nothing new (another --from or --to makes new messages)',
  ];
  if (repeats.length > 0) {
    lines.push(
      `  ${repeats.length} message${repeats.length === 1 ? '' : 's'} of this run had the envelope and bytes of one sent before in it, so ${repeats.length === 1 ? 'it was' : 'they were'} logged once:`,
      ...repeats.slice(0, 20).map((r) => `    ${r}`),
      ...(repeats.length > 20 ? [`    ... and ${repeats.length - 20} more`] : []),
    );
  }
  return lines;
}

const DEFAULT_RECIPIENT =
  'each message goes to its own Delivered-To, X-Original-To, Envelope-To or To address';

export function register(program: Command): void {
  program
    .command('replay')
    .description('send .eml / mbox messages to an SMTP server, with a progress bar and a summary')
    .argument('<path...>', '.eml files, folders (recursive) or mbox files')
    .option(
      '-s, --server <host:port>',
      'the SMTP server to send to, e.g. 127.0.0.1:2525 (default: the first smtp.listen of the config, 0.0.0.0 and :: as loopback)',
    )
    .option(
      '-c, --config <file>',
      'config file whose smtp.listen is the default --server (default: $OOBD_CONFIG, else ./config/oobd.toml if it exists, else the one oobd ships)',
    )
    .option(
      '-t, --to <address>',
      'envelope recipient of every message (default: the Delivered-To, X-Original-To, Envelope-To or To of each message)',
    )
    .option('-f, --from <address>', 'envelope sender (default: <>, as reports are sent)')
    .option('-n, --concurrency <n>', 'messages in flight at once (default: 4)')
    .addHelpText(
      'after',
      '\nFiles that do not start like a message (a header field or an mbox "From " line),\n' +
        'such as LICENSE or README files, are skipped and listed. Without --to, a message\n' +
        'goes to the address it was delivered to, which your server may not accept: give\n' +
        '--to an address of a domain it takes (e.g. bounce@bounce.example.com).\n' +
        'An oobd server in queue mode names a message by its envelope and bytes and logs it\n' +
        'once: sent again within its queue.dedup_window (24 h) it is answered 250 and not\n' +
        'logged again; the summary says so when the server names messages that way.\n' +
        '\nExit code 0 when every message got a 2xx reply, 1 otherwise.',
    )
    .action(async (paths: string[], opts: ReplayOptions) => {
      requirePaths('replay', paths);
      const { host, port, from } = destination(opts);
      const concurrency = opts.concurrency === undefined ? 4 : Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new OobdError(
          ErrorCode.UsageError,
          `--concurrency must be a whole number of at least 1, got "${opts.concurrency}"`,
        );
      }
      if (from !== null) process.stderr.write(`oobd replay: no --server: sending to ${from}\n`);
      if (opts.to === undefined)
        process.stderr.write(`oobd replay: no --to: ${DEFAULT_RECIPIENT}\n`);
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
      const skipped: string[] = [];
      const refusedDomains = new Map<string, number>();
      const progress = new Progress(process.stderr.isTTY === true);
      const counts: Counts = { accepted: 0, refused: 0, notSent: 0 };
      let unreachable: string | null = null;
      const count = (key: string) => replies.set(key, (replies.get(key) ?? 0) + 1);
      /** Ids the server gave, in queue mode derived from the envelope and bytes: where first sent. */
      const firstSent = new Map<string, string>();
      const repeats: string[] = [];
      let contentIds = 0;
      const started = Date.now();

      const send = async (message: SourceMessage) => {
        const where = message.index === null ? message.file : `${message.file}#${message.index}`;
        const to = opts.to ?? recipientOf(message.raw);
        if (!to) {
          failures.push(`${where}: no recipient (use --to)`);
          count('no recipient');
          counts.notSent++;
        } else {
          try {
            const info = await transport.sendMail({
              envelope: { from: opts.from ?? '', to: [to] },
              raw: message.raw,
            });
            counts.accepted++;
            count(String(info.response).slice(0, 3));
            const id = REPLY_ID.exec(String(info.response))?.[1];
            if (id !== undefined && !isTimeOrderedId(id, Date.now())) {
              contentIds++;
              const first = firstSent.get(id);
              if (first === undefined) firstSent.set(id, where);
              else repeats.push(`${where}: as ${first}`);
            }
          } catch (err) {
            const e = err as {
              responseCode?: number;
              response?: string;
              code?: string;
              command?: string;
            };
            if (e.responseCode) {
              counts.refused++;
              count(String(e.responseCode));
              if (opts.to === undefined && e.command === 'RCPT TO') {
                const domain = domainOf(to);
                refusedDomains.set(domain, (refusedDomains.get(domain) ?? 0) + 1);
              }
            } else {
              counts.notSent++;
              count('not sent');
              if (CONNECTION_ERRORS.has(e.code ?? '') && counts.accepted + counts.refused === 0)
                unreachable ??= errorMessage(err);
            }
            failures.push(`${where}: ${e.response ?? errorMessage(err)}`);
          }
        }
        progress.draw(counts);
      };

      const inFlight = new Set<Promise<void>>();
      for (const message of readMessages(paths, errors)) {
        // A server that cannot be reached at all: no point in trying every file.
        if (unreachable !== null) break;
        if (message.index === null && !looksLikeMessage(message.raw)) {
          skipped.push(message.file);
          continue;
        }
        const p = send(message).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      transport.close();
      progress.draw(counts, true);

      const seconds = (Date.now() - started) / 1000;
      const refusedByDomain = [...refusedDomains].sort((a, b) => b[1] - a[1]);
      const lines = [
        `${host}:${port}: ${counts.accepted} accepted, ${counts.refused} refused, ` +
          `${counts.notSent} not sent, in ${seconds.toFixed(1)}s`,
        ...[...replies].sort().map(([key, n]) => `  ${key.padEnd(16)} ${n}`),
        ...(unreachable === null
          ? []
          : [`  ! could not connect to ${host}:${port}: ${unreachable}; stopped there`]),
        ...(refusedByDomain.length === 0
          ? []
          : [
              `  refused recipients by domain (no --to, so each message went to its own address): ` +
                refusedByDomain.map(([domain, n]) => `${domain} ${n}`).join(', '),
              '  give --to ADDRESS, an address of a domain the server takes, to send every message there',
            ]),
        ...sameContentLines(contentIds, repeats),
        ...failures.slice(0, 20).map((f) => `  ! ${f}`),
        ...(failures.length > 20 ? [`  ! ... and ${failures.length - 20} more`] : []),
        ...(skipped.length === 0
          ? []
          : [
              `  skipped ${skipped.length} file${skipped.length === 1 ? ' that is not a message' : 's that are not messages'} (no header at the top): ` +
                skipped.join(', '),
            ]),
        ...errors.map((e) => `  ! ${e.path}: ${e.message}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      const all = counts.accepted + counts.refused + counts.notSent;
      if (counts.accepted !== all || unreachable !== null || errors.length > 0)
        process.exitCode = 1;
    });
}
