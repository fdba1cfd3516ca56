// config/oobd.toml: the server configuration (DESIGN.md §3). TOML (or JSON5 by
// extension) → zod strict schema (unknown keys are errors) → paths resolved → frozen
// object. Defaults live here, in the schema, and nowhere else.
import { availableParallelism, hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { readConfigFile, validate, deepFreeze } from './load';
import { checkNamedFiles, PACKAGE_RULES, type NamedFile } from './paths';
import { parseDuration, parseListen, parseSize, type ListenAddress } from './units';

const size = (what: string) =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const bytes = parseSize(value);
    if (bytes === null) {
      ctx.addIssue({
        code: 'custom',
        message: `${what}: expected a size such as 10MB, 512KB or a number of bytes, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return bytes;
  });

const duration = (what: string) =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({
        code: 'custom',
        message: `${what}: expected a duration such as 10m, 30s, 1h or a number of seconds, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return ms;
  });

const listen = z.string().transform((value, ctx): ListenAddress => {
  const addr = parseListen(value);
  if (!addr) {
    ctx.addIssue({
      code: 'custom',
      message: `expected "ip:port" or "[ipv6]:port" with an IP address, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return addr;
});

const positiveInt = z.number().int().positive();

function defaultPoolSize(): number {
  return Math.max(1, Math.floor(availableParallelism() / 4));
}

const smtpSchema = z.strictObject({
  /** Addresses to listen on. @defaultValue ["127.0.0.1:2525"] */
  listen: z.array(listen).min(1).default(['127.0.0.1:2525'].map((s) => parseListen(s)!)),
  /** Name in the greeting and in Received headers. @defaultValue the machine's host name */
  hostname: z.string().min(1).default(hostname()),
  /** SIZE limit; larger messages get 552 5.3.4. @defaultValue 10MB */
  max_message_size: size('max_message_size').default(10 * 1024 * 1024),
  /** Concurrent connections; more get 421 4.7.0. @defaultValue 1000 */
  max_clients: positiveInt.default(1000),
  /** Recipients per transaction; more get 452 4.5.3. @defaultValue 100 */
  max_recipients: positiveInt.default(100),
  /** More Received headers than this is a mail loop: 554 5.4.6. @defaultValue 30 */
  max_received_headers: positiveInt.default(30),
  /** Idle time before a silent client is disconnected. @defaultValue 5m */
  idle_timeout: duration('idle_timeout').default(300_000),
  /** PEM private key file; STARTTLS is offered when both key and cert are set. */
  tls_key: z.string().min(1).optional(),
  /** PEM certificate chain file. */
  tls_cert: z.string().min(1).optional(),
}).refine((smtp) => (smtp.tls_key === undefined) === (smtp.tls_cert === undefined), {
  error: 'tls_key and tls_cert must be set together (STARTTLS needs both)',
  path: ['tls_cert'],
});

const domainsSchema = z.strictObject({
  /** listener_domains files, merged in order (a later file's entry replaces an earlier one). @defaultValue ["listener_domains.toml"], beside the config file */
  files: z.array(z.string().min(1)).default(['listener_domains.toml']),
});

const classifierSchema = z.strictObject({
  /** Rules files, merged in order; the first loaded matching rule wins. @defaultValue the rules the package ships (rules/bounces.toml, rules/iana.toml) */
  files: z.array(z.string().min(1)).default([...PACKAGE_RULES]),
  /** Classified replies kept in the LRU cache. @defaultValue 1024 */
  cache_size: z.number().int().nonnegative().default(1024),
  /** Uncategorized replies kept in their own LRU cache. @defaultValue 1024 */
  uncategorized_cache_size: z.number().int().nonnegative().default(1024),
  /** Worker threads that parse and classify. @defaultValue a quarter of the cores, at least 1 */
  pool_size: positiveInt.optional(),
  /** Most messages in flight before new ones get 451 4.3.0. @defaultValue 131072 */
  back_pressure: positiveInt.default(131072),
});

const queueSchema = z.strictObject({
  /** `inline` runs the pipeline in the SMTP transaction; `bullmq` hands it to workers over Redis. @defaultValue "inline" */
  mode: z.enum(['inline', 'bullmq']).default('inline'),
  /** Redis for bullmq mode; `REDIS_URL` overrides it. @defaultValue "redis://127.0.0.1:6379" */
  redis_url: z.string().min(1).default('redis://127.0.0.1:6379'),
  /** Key prefix of the BullMQ queues. @defaultValue "oobd" */
  prefix: z.string().min(1).default('oobd'),
  /** Jobs each worker runs at once (their parsing runs on the pool threads). @defaultValue 64 */
  concurrency: positiveInt.default(64),
  /** Attempts of a job before it is quarantined. @defaultValue 8 */
  attempts: positiveInt.default(8),
  /** First retry delay; it doubles on each attempt, with jitter. @defaultValue 1s */
  backoff: duration('backoff').default(1000),
  /** A worker that stops renewing a job's lock (a crash) loses the job to another after this. @defaultValue 30s */
  lock_duration: duration('lock_duration').default(30_000),
  /** Completed jobs kept in Redis for inspection; 0 removes them at once. @defaultValue 0 */
  keep_completed: z.number().int().nonnegative().default(0),
  /** Where messages that can never be processed are kept. @defaultValue "quarantine", in the working directory */
  quarantine_dir: z.string().min(1).default('quarantine'),
  /** Oldest quarantined files are removed beyond this size. @defaultValue 1GB */
  quarantine_max_bytes: size('quarantine_max_bytes').default(1024 ** 3),
});

const logsSchema = z.strictObject({
  /** Folder of the segment files. @defaultValue "logs", in the working directory */
  dir: z.string().min(1).default('logs'),
  /** A segment is closed when it reaches this size. @defaultValue 1GB */
  max_segment_bytes: size('max_segment_bytes').default(1024 ** 3),
  /** A segment is closed when it is this old. @defaultValue 10m */
  max_segment_duration: duration('max_segment_duration').default(600_000),
  /**
   * fdatasync each batch of records before the SMTP reply (group commit). Off, a
   * record is written to the kernel before the reply, so it survives an oobd crash
   * but not a power loss of the machine. @defaultValue false
   */
  fsync: z.boolean().default(false),
});

const httpSchema = z.strictObject({
  /** /metrics and /healthz; "" disables the endpoint. @defaultValue "127.0.0.1:9025" */
  listen: z.union([z.literal(''), listen]).default(parseListen('127.0.0.1:9025')!),
});

const relaySchema = z.strictObject({
  /** Connection and reply timeout when relaying to a routing_domain. @defaultValue 60s */
  timeout: duration('timeout').default(60_000),
  /** Relay attempts (queue mode) before the message bounces. @defaultValue 10 */
  attempts: positiveInt.default(10),
});

export const serverConfigSchema = z.strictObject({
  smtp: smtpSchema.prefault({}),
  domains: domainsSchema.prefault({}),
  classifier: classifierSchema.prefault({}),
  queue: queueSchema.prefault({}),
  logs: logsSchema.prefault({}),
  http: httpSchema.prefault({}),
  relay: relaySchema.prefault({}),
});

type Parsed = z.output<typeof serverConfigSchema>;

export type ServerConfig = Readonly<
  Omit<Parsed, 'classifier'> & {
    classifier: Omit<Parsed['classifier'], 'pool_size'> & { pool_size: number };
    /** The file this configuration came from. */
    file: string;
  }
>;

/** True when the config data sets `section.key` itself (rather than leaving it to its default). */
function isSet(data: unknown, section: string, key: string): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const table = (data as Record<string, unknown>)[section];
  return (
    typeof table === 'object' &&
    table !== null &&
    (table as Record<string, unknown>)[key] !== undefined
  );
}

/**
 * Validates config data (already parsed from TOML/JSON5); `file` names it in errors.
 *
 * Paths (DESIGN.md §3): a relative path written in the file resolves against the
 * file's folder, wherever oobd is started from. Keys left out take their defaults:
 * the rules the package ships, `listener_domains.toml` beside the file, and the
 * folders `logs` and `quarantine` in `cwd`. The folders are written to, so they follow
 * where oobd runs rather than where its config lies: the package's own config, used
 * when there is no other, may sit in a read-only install folder. Every path in the
 * result is absolute.
 */
export function buildServerConfig(
  file: string,
  data: unknown,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): ServerConfig {
  const parsed = validate(file, serverConfigSchema, data);
  const base = dirname(resolve(cwd, file));
  const inFile = (path: string) => resolve(base, path);
  const folder = (section: string, key: string, path: string) =>
    resolve(isSet(data, section, key) ? base : cwd, path);
  const { tls_key, tls_cert } = parsed.smtp;
  const config: ServerConfig = {
    ...parsed,
    smtp: {
      ...parsed.smtp,
      ...(tls_key === undefined ? {} : { tls_key: inFile(tls_key) }),
      ...(tls_cert === undefined ? {} : { tls_cert: inFile(tls_cert) }),
    },
    domains: { ...parsed.domains, files: parsed.domains.files.map(inFile) },
    classifier: {
      ...parsed.classifier,
      files: parsed.classifier.files.map(inFile),
      pool_size: parsed.classifier.pool_size ?? defaultPoolSize(),
    },
    queue: {
      ...parsed.queue,
      redis_url: env.REDIS_URL || parsed.queue.redis_url,
      quarantine_dir: folder('queue', 'quarantine_dir', parsed.queue.quarantine_dir),
    },
    logs: { ...parsed.logs, dir: folder('logs', 'dir', parsed.logs.dir) },
    file,
  };
  return deepFreeze(config);
}

/** Reads and validates the server config file. */
export function loadServerConfig(file: string, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return buildServerConfig(file, readConfigFile(file), env);
}

/**
 * The files a config names that a process reads: the rules files, and for an SMTP
 * server also the listener_domains files and the STARTTLS key and certificate.
 */
export function namedFiles(config: ServerConfig, opts: { smtp: boolean }): NamedFile[] {
  const files: NamedFile[] = config.classifier.files.map((path, i) => ({
    key: `classifier.files[${i}]`,
    path,
  }));
  if (opts.smtp) {
    files.unshift(...config.domains.files.map((path, i) => ({ key: `domains.files[${i}]`, path })));
    if (config.smtp.tls_key) files.push({ key: 'smtp.tls_key', path: config.smtp.tls_key });
    if (config.smtp.tls_cert) files.push({ key: 'smtp.tls_cert', path: config.smtp.tls_cert });
  }
  return files;
}

/**
 * Checks, before anything starts, that every file the config names can be read, so a
 * missing one is reported with the key and the config file that named it.
 * @throws OobdError OOBD_FILE_UNREADABLE, one line per unreadable file.
 */
export function checkConfigFiles(config: ServerConfig, opts: { smtp: boolean }): void {
  checkNamedFiles(config.file, namedFiles(config, opts));
}
