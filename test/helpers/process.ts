// Runs the built CLI (dist/) as a child process, as an operator would.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './service';

export const CLI = join(ROOT, 'dist/cli/main.js');

export function runCli(
  args: string[],
  opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: 60_000,
    // `oobd parse` over every fixture, four times, prints more than spawnSync's
    // default 1 MiB; past it the child is killed (status null, ENOBUFS).
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface ServeProcess {
  child: ChildProcess;
  smtp: string[];
  port: number;
  /** Every diagnostic log line so far (pino JSON on stderr). */
  logs: Array<Record<string, unknown>>;
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Starts `oobd serve` and resolves once it logged "oobd serving". */
export function startServe(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const listeners: Array<() => void> = [];
  let stderrText = '';
  let buffer = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderrText += chunk;
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
      for (const l of listeners.splice(0)) l();
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      for (const l of listeners.splice(0)) l();
      resolve(code);
    }),
  );
  const waitForLog = (predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new Error(`log line never came; stderr:\n${stderrText}`)),
        timeoutMs,
      );
      const check = () => {
        const hit = logs.find(predicate);
        if (hit) {
          clearTimeout(deadline);
          resolve(hit);
        } else if (child.exitCode !== null) {
          clearTimeout(deadline);
          reject(new Error(`serve exited with ${child.exitCode}; stderr:\n${stderrText}`));
        } else listeners.push(check);
      };
      check();
    });
  // Worker threads each load the rules and their parse pool first: on a loaded
  // machine that takes tens of seconds, so the start gets a generous ceiling.
  return waitForLog((l) => l.msg === 'oobd serving', 90_000).then((line) => {
    const smtp = line.smtp as string[];
    return { child, smtp, port: Number(smtp[0]!.split(':').pop()), logs, waitForLog, exited };
  });
}

/** Like runCli, without blocking this process (needed when the CLI talks to a server running in this process). */
export function runCliAsync(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
