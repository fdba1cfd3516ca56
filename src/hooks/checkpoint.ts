// A hook's checkpoint: how far into the log folder its records have been delivered
// (acknowledged with a 2xx). The segments are the durable outbox; the checkpoint is the
// only state a hook keeps, so a restart, a crash or a SIGKILL resumes from it.
//
// Several writers can append to one folder at once (serve's main thread and its worker
// threads, or a serve and an `oobd worker` sharing logs.dir), each to a segment of its
// own, so more than one segment can be growing at a time. The checkpoint is therefore
// a watermark plus per-segment byte offsets:
//   * `done_through`: every segment whose name sorts at or before it was delivered whole;
//   * `segments`: the byte offset reached in each later segment (missing: 0).
//
// Written atomically (temporary file, fsync, rename, fsync of the folder): after a
// crash the file is the old checkpoint or the new one, never a mix.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, OobdError, errorMessage } from '../errors';

/** Folder under logs.dir holding the hooks' checkpoints, locks and dead letters. */
export const HOOKS_DIR = '.hooks';

export interface Checkpoint {
  /** Format version. */
  version: 1;
  hook: string;
  /** Segments named at or before this were delivered whole; "" when none. */
  done_through: string;
  /** Byte offset reached in segments after `done_through`. */
  segments: Record<string, number>;
  /** When it was written, RFC 3339. */
  updated: string;
}

export function hooksDir(logsDir: string): string {
  return join(logsDir, HOOKS_DIR);
}

export function checkpointPath(logsDir: string, hook: string): string {
  return join(hooksDir(logsDir), `${hook}.checkpoint.json`);
}

export function lockPath(logsDir: string, hook: string): string {
  return join(hooksDir(logsDir), `${hook}.lock`);
}

export function deadLetterDir(logsDir: string, hook: string): string {
  return join(hooksDir(logsDir), `${hook}.dead`);
}

/** The checkpoint, or null when the hook has none yet. A damaged file is an error, never a silent restart. */
export async function readCheckpoint(logsDir: string, hook: string): Promise<Checkpoint | null> {
  const file = checkpointPath(logsDir, hook);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const data = JSON.parse(text) as Partial<Checkpoint>;
    if (
      data.version === 1 &&
      typeof data.done_through === 'string' &&
      data.segments !== null &&
      typeof data.segments === 'object' &&
      Object.values(data.segments).every((v) => Number.isSafeInteger(v) && v >= 0)
    ) {
      return {
        version: 1,
        hook,
        done_through: data.done_through,
        segments: { ...data.segments },
        updated: typeof data.updated === 'string' ? data.updated : '',
      };
    }
  } catch {
    // Reported below with the file's name.
  }
  throw new OobdError(
    ErrorCode.HookStateInvalid,
    `${file}: not a hook checkpoint; move it away to restart hook "${hook}" from its start_from position`,
  );
}

/** Writes a file atomically: temporary file, fsync, rename, fsync of the folder. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const dir = file.slice(0, file.lastIndexOf('/')) || '.';
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  // The rename is durable only once the folder's entry is.
  const folder = await fs.open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

export async function writeCheckpoint(logsDir: string, checkpoint: Checkpoint): Promise<void> {
  checkpoint.updated = new Date().toISOString();
  await writeFileAtomic(
    checkpointPath(logsDir, checkpoint.hook),
    `${JSON.stringify(checkpoint, null, 1)}\n`,
  );
}

/**
 * The oldest segment (by name) a hook still needs, or null when it needs none of those
 * present: what any removal of old segments must keep, with everything after it.
 */
export function oldestNeeded(checkpoint: Checkpoint | null, segmentNames: string[]): string | null {
  if (checkpoint === null) return segmentNames[0] ?? null;
  for (const name of segmentNames) {
    if (name > checkpoint.done_through) return name;
  }
  return null;
}

interface LockContent {
  token: string;
  pid: number;
  host: string;
  started: string;
}

/** A lock taken by a process whose heartbeat is older than this is taken over. */
export const LOCK_STALE_MS = 30_000;
/** How often the holder refreshes its lock. */
export const LOCK_HEARTBEAT_MS = 5_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One deliverer per hook and log folder. Processes that share a folder (a serve and an
 * `oobd worker` on one machine, or on a shared volume) would otherwise both send its
 * records. The holder refreshes the lock's mtime every few seconds; a lock whose
 * process is gone (same host, dead pid) or whose heartbeat stopped is taken over.
 * Two processes can both believe they hold it only between a takeover and the
 * loser's next heartbeat check (a few seconds): duplicates, never a loss.
 */
export class HookLock {
  private readonly token = randomBytes(12).toString('hex');
  private held = false;

  constructor(
    private readonly file: string,
    private readonly staleMs = LOCK_STALE_MS,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** Takes the lock if it is free or stale; false when a live process holds it. */
  async acquire(): Promise<boolean> {
    const content: LockContent = {
      token: this.token,
      pid: process.pid,
      host: hostname(),
      started: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fs.writeFile(this.file, `${JSON.stringify(content)}\n`, { flag: 'wx' });
        this.held = true;
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      if (!(await this.stale())) return false;
      await fs.unlink(this.file).catch(() => undefined);
    }
    return false;
  }

  private async stale(): Promise<boolean> {
    try {
      const [text, stat] = await Promise.all([fs.readFile(this.file, 'utf8'), fs.stat(this.file)]);
      if (Date.now() - stat.mtimeMs > this.staleMs) return true;
      let holder: Partial<LockContent>;
      try {
        holder = JSON.parse(text) as Partial<LockContent>;
      } catch {
        // Half-written by a process that died between create and write.
        return Date.now() - stat.mtimeMs > 2000;
      }
      if (holder.host === hostname() && typeof holder.pid === 'number') {
        return !alive(holder.pid);
      }
      return false;
    } catch (err) {
      // Removed meanwhile: free.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw err;
    }
  }

  /** Refreshes the heartbeat; false (and no longer held) when another process took the lock over. */
  async heartbeat(): Promise<boolean> {
    if (!this.held) return false;
    try {
      const holder = JSON.parse(await fs.readFile(this.file, 'utf8')) as Partial<LockContent>;
      if (holder.token !== this.token) {
        this.held = false;
        return false;
      }
      const now = new Date();
      await fs.utimes(this.file, now, now);
      return true;
    } catch {
      this.held = false;
      return false;
    }
  }

  /** Gives the lock up (only if it is still ours). */
  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    try {
      const holder = JSON.parse(await fs.readFile(this.file, 'utf8')) as Partial<LockContent>;
      if (holder.token === this.token) await fs.unlink(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new OobdError(
          ErrorCode.HookStateInvalid,
          `${this.file}: cannot release: ${errorMessage(err)}`,
        );
    }
  }
}
