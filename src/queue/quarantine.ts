// Messages oobd accepted and could not process or deliver are kept here for an
// operator, never dropped silently: a parser thread crashed or timed out on it, a job
// ran out of attempts, it was accepted as a report but yielded nothing, or the routing
// host refused to take it (5xx, or relay attempts exhausted). Each is `<key>.eml` (the
// message as received) and `<key>.json` (a QuarantineEntry: envelope, cause, reason,
// and what a retry needs). The key is the message id, with a suffix for a relay
// refusal (one message can be refused by several routing domains). The folder is
// bounded: beyond `maxBytes` the oldest files go first. `oobd quarantine list|show|
// retry` reads it; `oobd parse quarantine/` parses the messages.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Envelope, RecipientPolicy, RelayRequest } from '../pipeline/process';
import type { SniffKind } from '../report/sniff';

/** Why a message is in quarantine (stable codes: `oobd quarantine` and metrics use them). */
export type QuarantineCause =
  /** A parser thread crashed, ran out of heap or time on it (the message is logged as Reception). */
  | 'processing-failed'
  /** Accepted as a report, bounce or auto-reply, but nothing was recognised (logged as Reception). */
  | 'unrecognized'
  /** Queue mode: every attempt of the job failed (its records may be missing). */
  | 'attempts-exhausted'
  /** The routing host refused the relay (5xx, or attempts ran out): logged, not delivered. */
  | 'relay-refused';

export const QUARANTINE_CAUSES: readonly QuarantineCause[] = [
  'processing-failed',
  'unrecognized',
  'attempts-exhausted',
  'relay-refused',
];

/** What a quarantined message needs to be put back through the pipeline. */
export interface QuarantineDetails {
  cause: QuarantineCause;
  /** The recipients' policies when the message was accepted. */
  recipients?: RecipientPolicy[];
  /** What the sniff at end of DATA saw. */
  sniffed?: SniffKind;
  /** The message's records (Reception, report records) are already in the logs. */
  logged?: boolean;
  /** relay-refused: the relay that was refused. */
  relay?: RelayRequest;
}

/** The `<key>.json` file. Fields other than id, reason, envelope and quarantinedAt are absent from entries written before they existed. */
export interface QuarantineEntry extends Partial<QuarantineDetails> {
  /** The message id (the records' `id`). */
  id: string;
  /** File name stem: the id, or the id and a suffix for a relay refusal. */
  key?: string;
  /** Human-readable: what went wrong, with the error or the reply. */
  reason: string;
  envelope: Envelope;
  /** RFC 3339. */
  quarantinedAt: string;
  /** Retries so far (`oobd quarantine retry` that did not clear it). */
  retries?: number;
  lastRetry?: { at: string; result: string };
}

/** An entry as listed: with its key, the message size, and a cause even for old entries. */
export interface ListedEntry extends QuarantineEntry {
  key: string;
  cause: QuarantineCause;
  size: number;
}

/** The cause of an entry written before `cause` existed, from its reason text. */
export function causeOf(entry: QuarantineEntry): QuarantineCause {
  if (entry.cause && QUARANTINE_CAUSES.includes(entry.cause)) return entry.cause;
  if (entry.reason.startsWith('unrecognized')) return 'unrecognized';
  if (entry.reason.startsWith('gave up after')) return 'attempts-exhausted';
  return 'processing-failed';
}

/** The file name stem of an entry. */
export function quarantineKey(id: string, details?: QuarantineDetails): string {
  if (details?.cause !== 'relay-refused' || !details.relay) return id;
  const digest = createHash('sha256').update(details.relay.routingDomain).digest('hex');
  return `${id}-relay-${digest.slice(0, 8)}`;
}

/** Keys are ids (hex) with an optional `-relay-<hex>` suffix: nothing that walks out of the folder. */
const KEY = /^[0-9a-zA-Z_-]{1,128}$/;

export class Quarantine {
  private usedBytes: number | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  /** Stores a message; serialised so the size accounting stays exact. */
  put(
    envelope: Envelope,
    raw: Uint8Array,
    reason: string,
    details?: QuarantineDetails,
  ): Promise<void> {
    const run = this.chain.then(() => this.write(envelope, raw, reason, details));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async write(
    envelope: Envelope,
    raw: Uint8Array,
    reason: string,
    details?: QuarantineDetails,
  ): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    if (this.usedBytes === null) this.usedBytes = await this.measure();
    const key = quarantineKey(envelope.id, details);
    const entry: QuarantineEntry = {
      id: envelope.id,
      key,
      reason,
      envelope,
      quarantinedAt: new Date().toISOString(),
      ...details,
    };
    const meta = Buffer.from(`${JSON.stringify(entry)}\n`);
    // The message first, the entry last: a listed entry always has its message.
    await fs.writeFile(join(this.dir, `${key}.eml`), raw);
    await fs.writeFile(join(this.dir, `${key}.json`), meta);
    this.usedBytes += raw.length + meta.length;
    if (this.usedBytes > this.maxBytes) await this.trim();
  }

  /** Every entry, oldest first; files that are not entries are left alone. */
  async list(): Promise<ListedEntry[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries: ListedEntry[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const key = name.slice(0, -'.json'.length);
      const entry = await this.read(key).catch(() => null);
      if (entry) entries.push(entry.entry);
    }
    return entries.sort(
      (a, b) => a.quarantinedAt.localeCompare(b.quarantinedAt) || a.key.localeCompare(b.key),
    );
  }

  /**
   * An entry and its message, by key (or by message id when only one entry has it).
   * Null when there is none.
   */
  async read(keyOrId: string): Promise<{ entry: ListedEntry; raw: Buffer } | null> {
    if (!KEY.test(keyOrId)) return null;
    let key = keyOrId;
    let text = await fs.readFile(join(this.dir, `${key}.json`), 'utf8').catch(() => null);
    if (text === null) {
      const names = await fs.readdir(this.dir).catch(() => [] as string[]);
      const matching = names.filter((n) => n.startsWith(`${keyOrId}-`) && n.endsWith('.json'));
      if (matching.length !== 1) return null;
      key = matching[0]!.slice(0, -'.json'.length);
      text = await fs.readFile(join(this.dir, `${key}.json`), 'utf8').catch(() => null);
      if (text === null) return null;
    }
    const entry = JSON.parse(text) as QuarantineEntry;
    const raw = await fs.readFile(join(this.dir, `${key}.eml`));
    return { entry: { ...entry, key, cause: causeOf(entry), size: raw.length }, raw };
  }

  /** Rewrites an entry's JSON (after a retry that did not clear it). */
  async update(key: string, entry: QuarantineEntry): Promise<void> {
    if (!KEY.test(key)) throw new Error(`not a quarantine key: ${key}`);
    const path = join(this.dir, `${key}.json`);
    const tmp = `${path}.${process.pid}.tmp`;
    await fs.writeFile(tmp, `${JSON.stringify(entry)}\n`);
    await fs.rename(tmp, path);
  }

  /** Takes an entry out of the quarantine (entry first, so no entry is left without its message). */
  async remove(key: string): Promise<void> {
    if (!KEY.test(key)) throw new Error(`not a quarantine key: ${key}`);
    await fs.rm(join(this.dir, `${key}.json`), { force: true });
    await fs.rm(join(this.dir, `${key}.eml`), { force: true });
    this.usedBytes = null;
  }

  private async measure(): Promise<number> {
    let total = 0;
    for (const name of await fs.readdir(this.dir)) {
      const stat = await fs.stat(join(this.dir, name)).catch(() => null);
      if (stat?.isFile()) total += stat.size;
    }
    return total;
  }

  /**
   * Removes the oldest messages until the folder is at 90% of its limit, so that a
   * flood of bad messages pays for one folder scan per 10% of the limit, not one per
   * message.
   */
  private async trim(): Promise<void> {
    const files = await Promise.all(
      (await fs.readdir(this.dir)).map(async (name) => {
        const stat = await fs.stat(join(this.dir, name)).catch(() => null);
        return { name, size: stat?.size ?? 0, mtime: stat?.mtimeMs ?? 0 };
      }),
    );
    files.sort((a, b) => a.mtime - b.mtime || a.name.localeCompare(b.name));
    let used = files.reduce((sum, f) => sum + f.size, 0);
    const target = Math.floor(this.maxBytes * 0.9);
    for (const file of files) {
      if (used <= target) break;
      await fs.rm(join(this.dir, file.name), { force: true });
      used -= file.size;
    }
    this.usedBytes = used;
  }
}
