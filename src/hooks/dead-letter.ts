// Dead letters: batches a hook endpoint refused with a 4xx other than 408/429. Each is
// kept as the exact body that was POSTed, in `<logs.dir>/.hooks/<hook>.dead/`, named
// `<segment>.<start>-<end>.json` so its idempotency key can be rebuilt;
// `oobd hooks replay <hook>` POSTs them again (fresh signature, same key) and removes
// each one its endpoint accepts.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { HookConfig } from '../config/server';
import { deadLetterDir, writeFileAtomic } from './checkpoint';
import { idempotencyKey, postBatch, type Outcome } from './delivery';

const DEAD_LETTER_NAME = /^(\d{8}-\d{6}\.\d{6})\.(\d+)-(\d+)\.json$/;

export interface DeadLetter {
  file: string;
  segment: string;
  start: number;
  end: number;
}

/** Keeps a refused batch; resolves once it is on disk (before the checkpoint moves past it). */
export async function writeDeadLetter(
  logsDir: string,
  hook: string,
  segment: string,
  start: number,
  end: number,
  body: string,
): Promise<string> {
  const dir = deadLetterDir(logsDir, hook);
  await fs.mkdir(dir, { recursive: true });
  const file = join(dir, `${segment}.${start}-${end}.json`);
  await writeFileAtomic(file, body);
  return file;
}

/** The hook's dead letters, oldest first. */
export async function listDeadLetters(logsDir: string, hook: string): Promise<DeadLetter[]> {
  const dir = deadLetterDir(logsDir, hook);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: DeadLetter[] = [];
  for (const name of names) {
    const m = DEAD_LETTER_NAME.exec(name);
    if (!m) continue;
    out.push({ file: join(dir, name), segment: m[1]!, start: Number(m[2]), end: Number(m[3]) });
  }
  return out.sort((a, b) =>
    a.segment === b.segment ? a.start - b.start : a.segment < b.segment ? -1 : 1,
  );
}

export interface ReplayResult {
  letter: DeadLetter;
  outcome: Outcome;
}

/**
 * POSTs each dead letter again, oldest first; a delivered one is removed. Stops at the
 * first one that is not delivered (the endpoint is still not right), so order is kept.
 */
export async function replayDeadLetters(
  logsDir: string,
  nodeid: string,
  hook: HookConfig,
  onResult: (result: ReplayResult) => void = () => undefined,
): Promise<{ delivered: number; left: number }> {
  const letters = await listDeadLetters(logsDir, hook.name);
  let delivered = 0;
  for (const letter of letters) {
    const body = await fs.readFile(letter.file, 'utf8');
    const outcome = await postBatch(
      hook,
      body,
      idempotencyKey(hook.name, nodeid, letter.segment, letter.start, letter.end),
    );
    onResult({ letter, outcome });
    if (outcome.kind !== 'delivered') return { delivered, left: letters.length - delivered };
    await fs.unlink(letter.file);
    delivered++;
  }
  return { delivered, left: 0 };
}
