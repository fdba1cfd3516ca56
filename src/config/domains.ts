// config/listener_domains.toml: which domains oobd accepts mail for and what it does
// with each kind of message (KumoMTA's listener_domains helper, DESIGN.md §3).
//
// Lookup order for a recipient domain d on listener L (all case-insensitive):
//   1. the listener's own table `[listener."L"]`, most specific key first:
//      d itself, then `*.parent` wildcards from the nearest parent outwards, then "*";
//   2. the same walk over the global table.
// A per-listener entry overrides only the keys it sets: it is merged onto the global
// entry with the same key. Exact names win over wildcards; a wildcard matches any
// depth below its domain but not the domain itself; a lookup always falls back to a
// broader wildcard and then to "*".
import { isIP } from 'node:net';
import { z } from 'zod';
import { closestLabel } from '../classify/labels';
import { ErrorCode, OobdError } from '../errors';
import { deepFreeze, describeIssues, formatPath, readConfigFile, validate } from './load';
import { listenProblem, parseListen, formatListen } from './units';
import { compileVerp, VerpPatternError, type VerpSpec } from '../report/verp';

export type Disposition = 'Ignore' | 'LogThenDrop' | 'LogThenRelay';

/** Where relayed messages go: `[ip]`, `[ip]:port` (no MX lookup), `host`, `host:port`. */
export interface RoutingDomain {
  /** As written in the file. */
  text: string;
  host: string;
  /** Null means 25. */
  port: number | null;
  /** `[ip]` form: connect to the address, no MX lookup. */
  literal: boolean;
}

export interface DomainPolicy {
  /** The entry that matched, e.g. `*.example.com` (for logs and tests). */
  entry: string;
  /** The listener whose override applied, or null. */
  listener: string | null;
  /** DSNs, non-RFC bounces, auto-replies and MDNs. */
  logOob: Disposition;
  /** ARF feedback reports. */
  logArf: Disposition;
  /** Relay every message, report or not, to routing_domain. */
  relayTo: boolean;
  routingDomain: RoutingDomain | null;
  /**
   * How to decode the envelope recipient a report arrives for (its return-path / VERP
   * address) into `oob_report.verp` (report/verp.ts); null: not decoded.
   */
  verp: VerpSpec | null;
}

/** A domain accepts mail at RCPT when it logs something or relays. */
export function acceptsMail(policy: DomainPolicy): boolean {
  return policy.logOob !== 'Ignore' || policy.logArf !== 'Ignore' || policy.relayTo;
}

const DISPOSITIONS: readonly Disposition[] = ['Ignore', 'LogThenDrop', 'LogThenRelay'];

/** The disposition a mistyped one is closest to (`logthendrop`, `LogThenDorp`), or null. */
function nearDisposition(input: unknown): Disposition | null {
  return typeof input === 'string'
    ? (closestLabel(input, DISPOSITIONS) as Disposition | null)
    : null;
}

const dispositionValue = z.union([z.enum(DISPOSITIONS), z.boolean()], {
  error: (issue) => {
    const near = nearDisposition(issue.input);
    return `expected "Ignore", "LogThenDrop", "LogThenRelay", true (= LogThenRelay) or false (= Ignore)${near === null ? '' : ` (did you mean "${near}"?)`}`;
  },
});

export function parseRoutingDomain(text: string): RoutingDomain | null {
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return null;
    const host = text.slice(1, end);
    const rest = text.slice(end + 1);
    if (isIP(host) === 0) return null;
    if (rest === '') return { text, host, port: null, literal: true };
    const port = parsePort(rest.startsWith(':') ? rest.slice(1) : '');
    return port === null ? null : { text, host, port, literal: true };
  }
  const colon = text.lastIndexOf(':');
  const host = colon >= 0 ? text.slice(0, colon) : text;
  const port = colon >= 0 ? parsePort(text.slice(colon + 1)) : null;
  if (colon >= 0 && port === null) return null;
  if (!isHostname(host)) return null;
  return { text, host: host.toLowerCase(), port, literal: false };
}

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

function isHostname(text: string): boolean {
  return (
    text.length > 0 &&
    text.length <= 253 &&
    text
      .split('.')
      .every((label) => /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label))
  );
}

/** What is wrong with a `verp` value, or null. */
function verpProblem(spec: VerpSpec): string | null {
  try {
    compileVerp(spec);
    return null;
  } catch (err) {
    if (err instanceof VerpPatternError) return err.message;
    throw err;
  }
}

const verpValue = z
  .union([z.string(), z.strictObject({ regex: z.string().min(1) })], {
    error:
      'expected a template such as "bounce-{id}-{local}={domain}@" or { regex = "..." } with named groups',
  })
  .superRefine((spec, ctx) => {
    const problem = verpProblem(spec);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

const entrySchema = z.strictObject({
  log_oob: dispositionValue.optional(),
  log_arf: dispositionValue.optional(),
  relay_to: z.boolean().optional(),
  routing_domain: z
    .string()
    .refine((s) => parseRoutingDomain(s) !== null, {
      error: 'expected "[ip]", "[ip]:port", "host" or "host:port"',
    })
    .optional(),
  verp: verpValue.optional(),
});

type Entry = z.output<typeof entrySchema>;

const fileSchema = z.record(z.string(), z.unknown());

/** "*", "*.example.com" or a domain name; returns the lower-case key or null. */
function normaliseKey(key: string): string | null {
  const lower = key.trim().toLowerCase();
  if (lower === '*') return lower;
  const name = lower.startsWith('*.') ? lower.slice(2) : lower;
  return isHostname(name) ? lower : null;
}

function toDisposition(value: Entry['log_oob']): Disposition {
  if (value === undefined || value === false) return 'Ignore';
  if (value === true) return 'LogThenRelay';
  return value;
}

function resolveEntry(key: string, listener: string | null, entry: Entry): DomainPolicy {
  return {
    entry: key,
    listener,
    logOob: toDisposition(entry.log_oob),
    logArf: toDisposition(entry.log_arf),
    relayTo: entry.relay_to ?? false,
    routingDomain: entry.routing_domain ? parseRoutingDomain(entry.routing_domain) : null,
    verp: entry.verp ?? null,
  };
}

function needsRouting(policy: DomainPolicy): boolean {
  return policy.logOob === 'LogThenRelay' || policy.logArf === 'LogThenRelay' || policy.relayTo;
}

interface Table {
  entries: Map<string, Entry>;
}

export class DomainMap {
  private readonly global: Map<string, DomainPolicy>;
  private readonly listeners: Map<string, Map<string, DomainPolicy>>;
  /** Answers already given: every RCPT and every end of DATA asks. Bounded. */
  private readonly memo = new Map<string, DomainPolicy | null>();

  private constructor(
    global: Map<string, DomainPolicy>,
    listeners: Map<string, Map<string, DomainPolicy>>,
  ) {
    this.global = global;
    this.listeners = listeners;
  }

  /** Builds the map from already-parsed file contents, in order; later files replace earlier entries. */
  static fromData(files: ReadonlyArray<{ file: string; data: unknown }>): DomainMap {
    const global: Table = { entries: new Map() };
    const listenerTables = new Map<string, Table>();
    const origin = new Map<string, string>();
    for (const { file, data } of files) {
      const top = validate(file, fileSchema, data);
      for (const [rawKey, value] of Object.entries(top)) {
        if (rawKey === 'listener') {
          readListenerTables(file, value, listenerTables, origin);
          continue;
        }
        const key = normaliseKey(rawKey);
        if (key === null) {
          throw new OobdError(
            ErrorCode.ConfigInvalid,
            `${file}: ${formatPath([rawKey])}: not a domain name, "*.domain" wildcard or "*"`,
          );
        }
        global.entries.set(key, validateEntry(file, [rawKey], value));
        origin.set(key, file);
      }
    }
    const globalPolicies = new Map<string, DomainPolicy>();
    for (const [key, entry] of global.entries) {
      const policy = resolveEntry(key, null, entry);
      checkRouting(origin.get(key) ?? '', [key], policy);
      globalPolicies.set(key, policy);
    }
    const listenerPolicies = new Map<string, Map<string, DomainPolicy>>();
    for (const [listener, table] of listenerTables) {
      const policies = new Map<string, DomainPolicy>();
      for (const [key, entry] of table.entries) {
        const base = global.entries.get(key) ?? {};
        const policy = resolveEntry(key, listener, { ...base, ...entry });
        checkRouting(origin.get(`${listener} ${key}`) ?? '', ['listener', listener, key], policy);
        policies.set(key, policy);
      }
      listenerPolicies.set(listener, policies);
    }
    return deepFreeze(new DomainMap(globalPolicies, listenerPolicies));
  }

  static load(files: ReadonlyArray<string>): DomainMap {
    return DomainMap.fromData(files.map((file) => ({ file, data: readConfigFile(file) })));
  }

  /**
   * The policy for a recipient domain arriving on a listener ("ip:port"), or null when
   * no entry matches (the caller answers 550 5.7.1).
   */
  lookup(domain: string, listener?: string): DomainPolicy | null {
    const key = `${listener ?? ''} ${domain}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const policy = this.resolve(domain, listener);
    if (this.memo.size >= 10_000) this.memo.clear();
    this.memo.set(key, policy);
    return policy;
  }

  private resolve(domain: string, listener: string | undefined): DomainPolicy | null {
    const candidates = lookupKeys(domain);
    if (listener !== undefined) {
      const table = this.listeners.get(listener) ?? this.listeners.get(canonicalListener(listener));
      if (table) {
        for (const key of candidates) {
          const hit = table.get(key);
          if (hit) return hit;
        }
      }
    }
    for (const key of candidates) {
      const hit = this.global.get(key);
      if (hit) return hit;
    }
    return null;
  }

  /** Number of entries (global and per-listener), for startup logs. */
  get size(): number {
    let n = this.global.size;
    for (const table of this.listeners.values()) n += table.size;
    return n;
  }
}

/** d, then *.parent wildcards nearest first, then "*". "a.b.c" → a.b.c, *.b.c, *.c, *. */
export function lookupKeys(domain: string): string[] {
  const name = domain.trim().toLowerCase().replace(/\.$/, '');
  const keys = [name];
  let rest = name;
  for (let dot = rest.indexOf('.'); dot >= 0; dot = rest.indexOf('.')) {
    rest = rest.slice(dot + 1);
    if (rest) keys.push(`*.${rest}`);
  }
  keys.push('*');
  return keys;
}

function canonicalListener(listener: string): string {
  const addr = parseListen(listener);
  return addr ? formatListen(addr) : listener;
}

function readListenerTables(
  file: string,
  value: unknown,
  tables: Map<string, Table>,
  origin: Map<string, string>,
): void {
  const listeners = validate(file, fileSchema, value);
  for (const [rawListener, domains] of Object.entries(listeners)) {
    const addr = parseListen(rawListener);
    if (!addr) {
      const problem = listenProblem(rawListener);
      throw new OobdError(
        ErrorCode.ConfigInvalid,
        `${file}: ${formatPath(['listener', rawListener])}: expected a listener "ip:port" or "[ipv6]:port"${problem === '' ? '' : `: ${problem}`}`,
      );
    }
    const listener = formatListen(addr);
    const table = tables.get(listener) ?? { entries: new Map<string, Entry>() };
    tables.set(listener, table);
    for (const [rawKey, entry] of Object.entries(validate(file, fileSchema, domains))) {
      const key = normaliseKey(rawKey);
      if (key === null) {
        throw new OobdError(
          ErrorCode.ConfigInvalid,
          `${file}: ${formatPath(['listener', rawListener, rawKey])}: not a domain name, "*.domain" wildcard or "*"`,
        );
      }
      table.entries.set(key, validateEntry(file, ['listener', rawListener, rawKey], entry));
      origin.set(`${listener} ${key}`, file);
    }
  }
}

function validateEntry(file: string, path: string[], data: unknown): Entry {
  const result = entrySchema.safeParse(data);
  if (result.success) return result.data;
  throw new OobdError(
    ErrorCode.ConfigInvalid,
    describeIssues(file, result.error, entrySchema, path, data),
  );
}

function checkRouting(file: string, path: string[], policy: DomainPolicy): void {
  if (needsRouting(policy) && !policy.routingDomain) {
    const why = policy.relayTo ? 'relay_to = true' : 'LogThenRelay';
    throw new OobdError(
      ErrorCode.ConfigInvalid,
      `${file}: ${formatPath([...path, 'routing_domain'])}: required because ${why} relays messages`,
    );
  }
}
