// One POST of a batch to a hook endpoint, with the fetch Node ships (undici). The
// outcome says what the runner does next: move on, keep the batch as a dead letter,
// or retry it.
//
// Status codes (RFC 9110 §15): any 2xx delivers. 408 Request Timeout and 429 Too Many
// Requests are temporary by definition, 5xx are server failures: retried. Other 4xx
// say this request will not succeed as it is (bad payload, auth, unknown path):
// retrying the same batch forever would stop every later record behind it, so the
// batch is written to the dead-letter folder and `oobd hooks replay` sends it again
// once the endpoint is fixed. A redirect is not followed (a POST body must not be
// re-sent somewhere the operator did not configure) and is retried: the url needs fixing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HookConfig } from '../config/server';
import type { FailureReason } from './metrics';
import { SIGNATURE_HEADER, signatureHeader } from './signature';

export type Outcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'rejected'; status: number; reason: 'http_4xx'; detail: string }
  | { kind: 'retry'; reason: FailureReason; status: number | null; detail: string }
  | { kind: 'stopped' };

let userAgent: string | null = null;

function agent(): string {
  if (userAgent === null) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
        version?: string;
      };
      userAgent = `oobd/${pkg.version ?? '0'}`;
    } catch {
      userAgent = 'oobd';
    }
  }
  return userAgent;
}

/** The POST body of a batch: its records, as written, in a JSON array. */
export function batchBody(records: ReadonlyArray<string>): string {
  return `[${records.join(',')}]`;
}

/**
 * The idempotency key of a batch: `<hook>:<nodeid>:<segment>:<start>-<end>`. The same
 * bytes of the same node's segment sent by the same hook give the same key; the hook's
 * name is part of it because two hooks (with different filters) can send different
 * bodies for the same byte range, and a receiver of both must not take one for the
 * other. Hook names hold no `:` (config schema).
 */
export function idempotencyKey(
  hook: string,
  nodeid: string,
  segment: string,
  start: number,
  end: number,
): string {
  return `${hook}:${nodeid}:${segment}:${start}-${end}`;
}

/** Up to `limit` characters of a response body, then the rest is dropped. */
async function excerpt(res: Response, limit = 512): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    while (bytes < limit * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

function failureDetail(err: unknown): { reason: FailureReason; detail: string } {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError')
    return { reason: 'timeout', detail: 'no complete answer in time' };
  const cause = e?.cause;
  const detail = cause?.code ?? cause?.message ?? e?.message ?? String(err);
  return { reason: 'network', detail };
}

export interface PostOptions {
  /** Aborts the request (shutdown); the outcome is then `stopped`. */
  signal?: AbortSignal;
  /** For tests. @defaultValue the clock */
  unixSeconds?: number;
}

/** POSTs one body to a hook endpoint. Never throws: every failure is an outcome. */
export async function postBatch(
  hook: HookConfig,
  body: string,
  key: string,
  opts: PostOptions = {},
): Promise<Outcome> {
  const headers: Record<string, string> = {
    'user-agent': agent(),
    ...hook.headers,
    'content-type': 'application/json',
    'idempotency-key': key,
    'x-oobd-hook': hook.name,
  };
  if (hook.secret !== undefined)
    headers[SIGNATURE_HEADER.toLowerCase()] = signatureHeader(hook.secret, body, opts.unixSeconds);
  const timeout = AbortSignal.timeout(hook.timeout);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  try {
    const res = await fetch(hook.url, {
      method: 'POST',
      headers,
      body,
      signal,
      redirect: 'manual',
    });
    const status = res.status;
    if (status >= 200 && status < 300) {
      await res.body?.cancel().catch(() => undefined);
      return { kind: 'delivered', status };
    }
    const detail = await excerpt(res);
    if (status >= 300 && status < 400) {
      const location = res.headers.get('location');
      return {
        kind: 'retry',
        reason: 'http_3xx',
        status,
        detail: `redirect to ${location ?? '(no Location)'} not followed: fix the hook's url`,
      };
    }
    if (status === 408) return { kind: 'retry', reason: 'http_408', status, detail };
    if (status === 429) return { kind: 'retry', reason: 'http_429', status, detail };
    if (status >= 400 && status < 500)
      return { kind: 'rejected', status, reason: 'http_4xx', detail };
    return { kind: 'retry', reason: 'http_5xx', status, detail };
  } catch (err) {
    if (opts.signal?.aborted && !timeout.aborted) return { kind: 'stopped' };
    return { kind: 'retry', status: null, ...failureDetail(err) };
  }
}
