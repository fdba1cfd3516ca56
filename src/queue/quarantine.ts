// Messages that could not be processed (a parser thread crashed or timed out, a job
// ran out of attempts) or that were accepted as reports but yielded nothing are kept
// here for an operator, never dropped silently: `<id>.eml` (the message as received)
// and `<id>.json` (envelope and reason). The folder is bounded: beyond `maxBytes`
// the oldest files go first. `oobd parse quarantine/` re-reads them.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Envelope } from '../pipeline/process';

export interface QuarantineEntry {
  id: string;
  reason: string;
  envelope: Envelope;
  quarantinedAt: string;
}

export class Quarantine {
  private usedBytes: number | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  /** Stores a message; serialised so the size accounting stays exact. */
  put(envelope: Envelope, raw: Uint8Array, reason: string): Promise<void> {
    const run = this.chain.then(() => this.write(envelope, raw, reason));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async write(envelope: Envelope, raw: Uint8Array, reason: string): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    if (this.usedBytes === null) this.usedBytes = await this.measure();
    const entry: QuarantineEntry = {
      id: envelope.id,
      reason,
      envelope,
      quarantinedAt: new Date().toISOString(),
    };
    const meta = Buffer.from(`${JSON.stringify(entry)}\n`);
    await fs.writeFile(join(this.dir, `${envelope.id}.eml`), raw);
    await fs.writeFile(join(this.dir, `${envelope.id}.json`), meta);
    this.usedBytes += raw.length + meta.length;
    if (this.usedBytes > this.maxBytes) await this.trim();
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
