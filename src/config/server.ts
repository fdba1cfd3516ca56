// config/oobd.toml: the server configuration (DESIGN.md §3). TOML (or JSON5 by
// extension) → zod strict schema (unknown keys are errors) → paths resolved → frozen
// object. Defaults live here, in the schema, and nowhere else.
import { availableParallelism, hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ErrorCode, OobdError } from '../errors';
import { readConfigFile, validate, deepFreeze } from './load';
import { checkNamedFiles, PACKAGE_RULES, type NamedFile } from './paths';
import {
  formatListen,
  listenProblem,
  parseDuration,
  parseListen,
  parseSize,
  SIZE_UNITS_TEXT,
  type ListenAddress,
} from './units';

export { PACKAGE_RULES, SHIPPED_RULES_FILES } from './paths';

/**
 * A size: "10MB", "10MiB", "512KB", "1.5GB" (binary multiples: KB and KiB are both
 * 1024 bytes), or a whole number of bytes, as KumoMTA's max_message_size is given.
 */
const size = () =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const bytes = parseSize(value);
    if (bytes === null) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a size such as "10MB", "10MiB", "512KB" or a whole number of bytes, got ${JSON.stringify(value)} (units: ${SIZE_UNITS_TEXT})`,
      });
      return z.NEVER;
    }
    return bytes;
  });

/**
 * A duration with its unit: "30s", "10m", "1h30m", "250ms". A bare number is refused:
 * whether `idle_timeout = 300` means seconds or milliseconds would be a guess (KumoMTA
 * takes durations as strings with units too).
 */
const duration = () =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    // Zero is zero in every unit: `dedup_window = 0` needs none.
    if (value === 0 || value === '0') return 0;
    const ms = typeof value === 'string' ? parseDuration(value) : null;
    if (ms === null) {
      const text = String(value).trim();
      const bare = /^\d+(?:\.\d+)?$/.test(text);
      ctx.addIssue({
        code: 'custom',
        message: bare
          ? `${JSON.stringify(value)} has no unit: write "${text}s" for seconds or "${text}ms" for ` +
            'milliseconds (units ms, s, m, h, d; compounds such as "1h30m")'
          : `expected a duration such as "30s", "10m" or "1h30m" (units ms, s, m, h, d), got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return ms;
  });

const listen = z.string().transform((value, ctx): ListenAddress => {
  const addr = parseListen(value);
  if (!addr) {
    const problem = listenProblem(value);
    ctx.addIssue({
      code: 'custom',
      message: `expected "ip:port" or "[ipv6]:port" with an IP address, got ${JSON.stringify(value)}${problem === '' ? '' : `: ${problem}`}`,
    });
    return z.NEVER;
  }
  return addr;
});

const positiveInt = z.number().int().positive();

/** What is wrong with a Redis URL (null when nothing); `cluster`: a node of a Redis Cluster. */
export function redisUrlProblem(value: string, cluster: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `expected a redis:// or rediss:// URL, got ${JSON.stringify(value)}`;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    return `expected a redis:// or rediss:// URL, got ${JSON.stringify(value)}`;
  }
  if (!url.hostname) return `no host in ${JSON.stringify(value)}`;
  if (cluster && url.pathname.length > 1 && url.pathname !== '/0') {
    return `a Redis Cluster has only database 0, got ${JSON.stringify(value)}`;
  }
  return null;
}

/**
 * queue.redis_url: a URL (one Redis) or a list of URLs (the seed nodes of a Redis
 * Cluster; a one-element list is a cluster too).
 */
const redisUrl = z.unknown().transform((value, ctx): string | string[] => {
  const cluster = Array.isArray(value);
  const urls: unknown[] = cluster ? value : [value];
  if (cluster && urls.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'a Redis Cluster needs at least one node URL' });
    return z.NEVER;
  }
  for (const url of urls) {
    const problem =
      typeof url === 'string'
        ? redisUrlProblem(url, cluster)
        : `expected a URL or a list of URLs (a Redis Cluster), got ${JSON.stringify(url)}`;
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
  }
  return cluster ? (urls as string[]) : (value as string);
});

/** REDIS_URL replaces queue.redis_url; a comma-separated list is a Redis Cluster's nodes. */
function redisUrlFromEnv(file: string, value: string): string | string[] {
  const urls = value
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
  const cluster = urls.length > 1;
  for (const url of urls) {
    const problem = redisUrlProblem(url, cluster);
    if (problem)
      throw new OobdError(ErrorCode.ConfigInvalid, `${file}: REDIS_URL (environment): ${problem}`);
  }
  return cluster ? urls : (urls[0] ?? value);
}

function defaultPoolSize(): number {
  return Math.max(1, Math.floor(availableParallelism() / 4));
}

const smtpSchema = z
  .strictObject({
    /** Addresses to listen on. @defaultValue ["127.0.0.1:2525"] */
    listen: z
      .array(listen)
      .min(1)
      .default(['127.0.0.1:2525'].map((s) => parseListen(s)!)),
    /** Name in the greeting and in Received headers. @defaultValue the machine's host name */
    hostname: z.string().min(1).default(hostname()),
    /** SIZE limit; larger messages get 552 5.3.4. @defaultValue 10MB */
    max_message_size: size().default(10 * 1024 * 1024),
    /** Concurrent connections; more get 421 4.7.0. @defaultValue 1000 */
    max_clients: positiveInt.default(1000),
    /** Recipients per transaction; more get 452 4.5.3. @defaultValue 100 */
    max_recipients: positiveInt.default(100),
    /** More Received headers than this is a mail loop: 554 5.4.6. @defaultValue 30 */
    max_received_headers: positiveInt.default(30),
    /** Idle time before a silent client is disconnected. @defaultValue 5m */
    idle_timeout: duration().default(300_000),
    /** PEM private key file; STARTTLS is offered when both key and cert are set. */
    tls_key: z.string().min(1).optional(),
    /** PEM certificate chain file. */
    tls_cert: z.string().min(1).optional(),
  })
  .refine((smtp) => (smtp.tls_key === undefined) === (smtp.tls_cert === undefined), {
    error: 'tls_key and tls_cert must be set together (STARTTLS needs both)',
    path: ['tls_cert'],
  });

const domainsSchema = z.strictObject({
  /** listener_domains files, merged in order (a later file's entry replaces an earlier one). @defaultValue ["listener_domains.toml"], beside the config file */
  files: z.array(z.string().min(1)).default(['listener_domains.toml']),
});

const classifierSchema = z.strictObject({
  /**
   * Rules files (and context tables), merged in order; the first loaded matching rule
   * wins. @defaultValue the rules the package ships (SHIPPED_RULES_FILES)
   */
  files: z.array(z.string().min(1)).default(() => [...PACKAGE_RULES]),
  /** Classified replies kept in the LRU cache. @defaultValue 1024 */
  cache_size: z.number().int().nonnegative().default(1024),
  /** Uncategorized replies kept in their own LRU cache. @defaultValue 1024 */
  uncategorized_cache_size: z.number().int().nonnegative().default(1024),
  /**
   * Worker threads that parse and classify in serve inline the messages above
   * `smtp_thread_max_bytes` (all of them when it is 0). Queue workers parse on their
   * own thread (pipeline/local.ts). @defaultValue a quarter of the cores, at least 1
   */
  pool_size: positiveInt.optional(),
  /**
   * serve inline: messages up to this size are parsed on the SMTP thread, a slice at a
   * time (pipeline/local.ts), larger ones on the `pool_size` threads, started when the
   * first such message arrives; 0 parses every message on the threads (DESIGN.md §6
   * as written). @defaultValue 16KB
   */
  smtp_thread_max_bytes: size().default(16 * 1024),
  /** Most messages in flight before new ones get 451 4.3.0. @defaultValue 131072 */
  back_pressure: positiveInt.default(131072),
});

const queueSchema = z.strictObject({
  /** `inline` runs the pipeline in the SMTP transaction; `bullmq` hands it to workers over Redis. @defaultValue "inline" */
  mode: z.enum(['inline', 'bullmq']).default('inline'),
  /**
   * Redis for bullmq mode: a URL, or a list of URLs for a Redis Cluster (its seed
   * nodes; the queues' names then carry hash tags, see queue/bullmq.ts). `REDIS_URL`
   * overrides it (comma-separated for a cluster). @defaultValue "redis://127.0.0.1:6379"
   */
  redis_url: redisUrl.default('redis://127.0.0.1:6379'),
  /** Key prefix of the BullMQ queues. @defaultValue "oobd" */
  prefix: z.string().min(1).default('oobd'),
  /**
   * How long a worker's claim on a message id lasts (queue/bullmq.ts): a sending MTA
   * that sends the same message again within it (it never got the 250) gets 250, and
   * the other job carrying it skips it. About 150 bytes of Redis memory per message;
   * 0 keeps a claim only until its job completes. @defaultValue 24h
   */
  dedup_window: duration().default(86_400_000),
  /**
   * `oobd serve --workers N`: false runs the N BullMQ workers on the SMTP edge's event
   * loop, which parses their messages as serve inline does (in slices, up to
   * `classifier.smtp_thread_max_bytes`; larger ones on `pool_size` parse threads);
   * true runs each on a worker thread of its own, which does what `oobd worker` does.
   * One thread costs less CPU and memory per message (one V8 heap, one compiled rule
   * set: docs/parsing.md, issue 17); threads use more cores at once. @defaultValue false
   */
  worker_threads: z.boolean().default(false),
  /**
   * Message jobs each worker runs at once. Their messages are parsed one after another
   * on the worker's thread anyway (pipeline/local.ts); at 1, BullMQ's completion of a
   * job fetches the next one in the same call, where more jobs at once cost a
   * `moveToActive` that finds the queue empty and a BZPOPMIN wait per job: about 10%
   * less CPU per message than 64 (docs/parsing.md, issue 17). @defaultValue 1
   */
  concurrency: positiveInt.default(1),
  /** Attempts of a job before it is quarantined. @defaultValue 8 */
  attempts: positiveInt.default(8),
  /** First retry delay; it doubles on each attempt, with jitter. @defaultValue 1s */
  backoff: duration().default(1000),
  /** A worker that stops renewing a job's lock (a crash) loses the job to another after this. @defaultValue 30s */
  lock_duration: duration().default(30_000),
  /** Completed jobs kept in Redis for inspection; 0 removes them at once. @defaultValue 0 */
  keep_completed: z.number().int().nonnegative().default(0),
  /** Where messages that can never be processed are kept. @defaultValue "quarantine", in the working directory */
  quarantine_dir: z.string().min(1).default('quarantine'),
  /** Oldest quarantined files are removed beyond this size. @defaultValue 1GB */
  quarantine_max_bytes: size().default(1024 ** 3),
});

const logsSchema = z.strictObject({
  /** Folder of the segment files. @defaultValue "logs", in the working directory */
  dir: z.string().min(1).default('logs'),
  /** A segment is closed when it reaches this size. @defaultValue 1GB */
  max_segment_bytes: size().default(1024 ** 3),
  /** A segment is closed when it is this old. @defaultValue 10m */
  max_segment_duration: duration().default(600_000),
  /**
   * fdatasync each batch of records before the SMTP reply (group commit). Off, a
   * record is written to the kernel before the reply, so it survives an oobd crash
   * but not a power loss of the machine. @defaultValue false
   */
  fsync: z.boolean().default(false),
});

/** RFC 6750 §2.1 b64token: what an `Authorization: Bearer` value may hold. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** 127.0.0.0/8 and ::1 (RFC 1122 §3.2.1.3, RFC 4291 §2.5.3), the only hosts that need no token. */
export function isLoopback(host: string): boolean {
  return host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const httpSchema = z
  .strictObject({
    /** /metrics, /healthz and the web view; "" disables the endpoint. @defaultValue "127.0.0.1:9025" */
    listen: z.union([z.literal(''), listen]).default(parseListen('127.0.0.1:9025')!),
    /**
     * Bearer token every route but /healthz requires; required when `listen` is not a
     * loopback address (`OOBD_HTTP_TOKEN` sets it from the environment).
     */
    token: z
      .string()
      .min(16, { error: 'use at least 16 characters (e.g. the output of `openssl rand -hex 32`)' })
      .regex(BEARER_TOKEN, {
        error: 'letters, digits and - . _ ~ + / only, optionally ending in = (RFC 6750 b64token)',
      })
      .optional(),
    /** The web view (/, /api/*, /events) next to /metrics and /healthz. @defaultValue true */
    web: z.boolean().default(true),
    /**
     * Most OOB, Feedback and MDN records the web view keeps in its in-memory index
     * (about 30 bytes each); the oldest segments leave it first. @defaultValue 2000000
     */
    web_max_records: positiveInt.default(2_000_000),
  })
  .superRefine((http, ctx) => {
    if (http.listen !== '' && http.token === undefined && !isLoopback(http.listen.host))
      ctx.addIssue({
        code: 'custom',
        message: `required when listen (${formatListen(http.listen)}) is not a loopback address: the web view shows recipient addresses; set http.token (or OOBD_HTTP_TOKEN) to a secret of at least 16 characters`,
        path: ['token'],
      });
  });

const relaySchema = z.strictObject({
  /** Connection and reply timeout when relaying to a routing_domain. @defaultValue 60s */
  timeout: duration().default(60_000),
  /** Relay attempts (queue mode) before the message bounces. @defaultValue 10 */
  attempts: positiveInt.default(10),
  /** Relay jobs each queue worker runs at once (each waits on a routing host). @defaultValue 64 */
  concurrency: positiveInt.default(64),
});

/**
 * Record types a hook can ask for (src/log/record.ts), and `MDN`: the Reception
 * records that carry an MDN's `mdn_report`.
 */
const RECORD_TYPES = [
  'Reception',
  'OOB',
  'Feedback',
  'MDN',
  'Rejection',
  'Delivery',
  'TransientFailure',
  'Bounce',
] as const;

/** A hook's name names its files (`<logs.dir>/.hooks/<name>.*`), so it stays a plain word. */
const HOOK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** RFC 9110 §5.1 field name (a token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Headers oobd sets on every POST; an operator's `headers` cannot replace them. */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'idempotency-key',
  'x-oobd-signature',
  'x-oobd-hook',
  'host',
  'transfer-encoding',
  'connection',
]);

/**
 * The ports fetch never connects to (WHATWG Fetch, "port blocking": the "bad port"
 * list, https://fetch.spec.whatwg.org/#port-blocking), which Node's fetch (undici)
 * enforces: a hook URL on one of them fails every POST with "bad port". Checked
 * against Node's fetch on every port 1-65535.
 */
const FETCH_BAD_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
  103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
  512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
  995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
  6669, 6679, 6697, 10080,
]);

const hookUrl = z.string().transform((value, ctx): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // "http//host/path" (the colon left out) is the usual typo.
    const fixed = /^(https?)\/\/(.+)$/i.exec(value);
    ctx.addIssue({
      code: 'custom',
      message: `expected an http:// or https:// URL, got ${JSON.stringify(value)}${fixed ? ` (did you mean "${fixed[1]}://${fixed[2]}"?)` : ''}`,
    });
    return z.NEVER;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({
      code: 'custom',
      message: `expected an http:// or https:// URL, got ${JSON.stringify(value)} (scheme ${url.protocol})`,
    });
    return z.NEVER;
  }
  if (url.port !== '' && FETCH_BAD_PORTS.has(Number(url.port))) {
    ctx.addIssue({
      code: 'custom',
      message: `port ${url.port} is on fetch's list of blocked ports (WHATWG Fetch "bad port"): every POST would fail; run the receiver on another port, or behind a proxy on one`,
    });
    return z.NEVER;
  }
  if (url.username !== '' || url.password !== '') {
    // fetch refuses such URLs (WHATWG Fetch): every POST would fail.
    ctx.addIssue({
      code: 'custom',
      message:
        'credentials in the URL are not sent; put them in headers, e.g. headers = { Authorization = "Basic ..." }',
    });
    return z.NEVER;
  }
  return url.href;
});

const hookSchema = z.strictObject({
  /** Names the hook in logs, metrics and its checkpoint file; unique (case-insensitively). */
  name: z.string().regex(HOOK_NAME, {
    error: 'a hook name is 1-64 letters, digits, "_", "." or "-", starting with a letter or digit',
  }),
  /** Where batches are POSTed: an http:// or https:// URL. */
  url: hookUrl,
  /** Record types sent. @defaultValue ["OOB", "Feedback", "MDN"] */
  types: z.array(z.enum(RECORD_TYPES)).min(1).default(['OOB', 'Feedback', 'MDN']),
  /**
   * Only OOB, Bounce and TransientFailure records whose bounce_classification is one of
   * these; records of the other types in `types` are sent whatever their label.
   * @defaultValue every classification
   */
  classes: z.array(z.string().min(1)).min(1).optional(),
  /**
   * Only records whose trace values (KumoMTA's trace header, `supplemental_trace`, or
   * the VERP decoding, `oob_report.verp`) hold all of these, e.g.
   * `{ tenant = "acme" }`: one hook per tenant or campaign. @defaultValue every record
   */
  trace: z.record(z.string().min(1), z.string()).optional(),
  /** Most records per POST. @defaultValue 100 */
  batch_size: positiveInt.max(10_000).default(100),
  /** Most body bytes per POST (a single larger record still goes, alone). @defaultValue 1MB */
  max_batch_bytes: size().default(1024 ** 2),
  /** Whole request, from connecting to the end of the response. @defaultValue 10s */
  timeout: duration().default(10_000),
  /** HMAC-SHA256 key: when set, each POST carries `X-Oobd-Signature: t=<unix>,v1=<hex>`. */
  secret: z.string().min(1).optional(),
  /** Extra request headers, e.g. `{ Authorization = "Bearer ..." }`. @defaultValue {} */
  headers: z
    .record(z.string(), z.string())
    .superRefine((headers, ctx) => {
      for (const name of Object.keys(headers)) {
        if (!HEADER_NAME.test(name))
          ctx.addIssue({ code: 'custom', message: 'not a valid HTTP header name', path: [name] });
        else if (RESERVED_HEADERS.has(name.toLowerCase()))
          ctx.addIssue({
            code: 'custom',
            message: 'set by oobd itself; it cannot be replaced',
            path: [name],
          });
        // RFC 9110 §5.5: no CR, LF or NUL in a field value.
        else if (/[\r\n\0]/.test(headers[name] ?? ''))
          ctx.addIssue({
            code: 'custom',
            message: 'a header value cannot hold a line break or NUL',
            path: [name],
          });
      }
    })
    .default({}),
  /** First retry delay after a failed POST; it doubles on each failure, with jitter. @defaultValue 1s */
  backoff: duration().default(1000),
  /** Longest retry delay. @defaultValue 5m */
  max_backoff: duration().default(300_000),
  /** Oldest undelivered record older than this: a warning and `oobd_hook_lagging` 1. @defaultValue 15m */
  max_lag: duration().default(900_000),
  /**
   * Where a hook without a checkpoint starts: `now` (records written from its first start
   * on) or `oldest` (every record in the log folder). @defaultValue "now"
   */
  start_from: z.enum(['now', 'oldest']).default('now'),
});

// Duplicate names are looked for even when an entry has other mistakes (`when`), so
// every problem is reported at once.
const hooksSchema = z.array(hookSchema).superRefine(
  (hooks, ctx) => {
    const seen = new Map<string, number>();
    hooks.forEach((hook: unknown, index) => {
      const name = (hook as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') return;
      const key = name.toLowerCase();
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else
        ctx.addIssue({
          code: 'custom',
          message: `duplicate hook name ${JSON.stringify(name)} (also hooks[${first}].name); names key the checkpoints, so each must be unique`,
          path: [index, 'name'],
        });
    });
  },
  { when: (payload) => Array.isArray(payload.value) },
);

const suppressionsSchema = z.strictObject({
  /** Bounce classifications that suppress an address at the first failure. @defaultValue ["InvalidRecipient", "BadDomain", "InactiveMailbox"] */
  classes: z.array(z.string().min(1)).default(['InvalidRecipient', 'BadDomain', 'InactiveMailbox']),
  /** Feedback (ARF) types that suppress the complained-about addresses. @defaultValue ["abuse", "fraud"] */
  feedback_types: z.array(z.string().min(1)).default(['abuse', 'fraud']),
  /** Classifications that suppress only after `soft_threshold` failures within `soft_window`. @defaultValue ["QuotaIssues", "MessageExpired"] */
  soft_classes: z.array(z.string().min(1)).default(['QuotaIssues', 'MessageExpired']),
  /** Soft failures of one address that suppress it. @defaultValue 3 */
  soft_threshold: positiveInt.default(3),
  /** ... when they fall within this long a stretch. @defaultValue 30d */
  soft_window: duration().default(30 * 86_400_000),
});

/** RFC 5322 §3.6.8 field name: printable ASCII but ":" and space. */
const FIELD_NAME = /^[!-9;-~]+$/;

const reportsSchema = z.strictObject({
  /**
   * Header names, besides every `X-` header (which are always read, as KumoMTA reads
   * them), that may carry KumoMTA's supplemental trace header in a returned message:
   * for a KumoMTA `trace_headers.header_name` that does not start with `X-`.
   * @defaultValue []
   */
  trace_headers: z
    .array(z.string().regex(FIELD_NAME, { error: 'not a header field name (RFC 5322 §3.6.8)' }))
    .default([]),
});

export const serverConfigSchema = z.strictObject({
  smtp: smtpSchema.prefault({}),
  domains: domainsSchema.prefault({}),
  classifier: classifierSchema.prefault({}),
  queue: queueSchema.prefault({}),
  logs: logsSchema.prefault({}),
  http: httpSchema.prefault({}),
  relay: relaySchema.prefault({}),
  hooks: hooksSchema.default([]),
  suppressions: suppressionsSchema.prefault({}),
  reports: reportsSchema.prefault({}),
});

type Parsed = z.output<typeof serverConfigSchema>;

/** One `[[hooks]]` entry, validated, with its defaults filled. */
export type HookConfig = Readonly<Parsed['hooks'][number]>;

/** The `[suppressions]` table, validated, with its defaults filled. */
export type SuppressionsConfig = Readonly<Parsed['suppressions']>;

export type ServerConfig = Readonly<
  Omit<Parsed, 'classifier'> & {
    classifier: Omit<Parsed['classifier'], 'pool_size'> & { pool_size: number };
    /** The file this configuration came from. */
    file: string;
  }
>;

/** `OOBD_HTTP_TOKEN` in place of http.token, so the secret can stay out of the file. */
function withEnvToken(data: unknown, env: NodeJS.ProcessEnv): unknown {
  const token = env.OOBD_HTTP_TOKEN;
  if (!token || data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  const root = data as Record<string, unknown>;
  const http = root.http;
  if (http !== undefined && (http === null || typeof http !== 'object' || Array.isArray(http)))
    return data;
  return { ...root, http: { ...(http as Record<string, unknown> | undefined), token } };
}

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
  const parsed = validate(file, serverConfigSchema, withEnvToken(data, env));
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
      redis_url: env.REDIS_URL ? redisUrlFromEnv(file, env.REDIS_URL) : parsed.queue.redis_url,
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
