// The signature a hook puts on each POST when its `secret` is set, in the scheme of
// Stripe's webhooks (a timestamp inside the signed material, so a captured request
// cannot be replayed later):
//
//   X-Oobd-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//
// A receiver recomputes the HMAC over the raw body bytes it received, compares in
// constant time, and rejects a `t` too far from its own clock (5 minutes is usual).
// The timestamp is taken at each attempt, so a retried batch carries a fresh one.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Oobd-Signature';

/** The header value for a body sent at `unixSeconds`. */
export function signatureHeader(
  secret: string,
  body: string | Buffer,
  unixSeconds = Math.floor(Date.now() / 1000),
): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.`).update(body).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export interface VerifyOptions {
  /** Largest accepted distance between `t` and now, in seconds. @defaultValue 300 */
  toleranceSeconds?: number;
  /** "Now" in Unix seconds. @defaultValue the clock */
  now?: number;
}

/**
 * True when `header` is a valid signature of `body` with `secret`, made within the
 * tolerance. Several `v1=` entries are accepted (any one may match).
 */
export function verifySignature(
  secret: string,
  header: string | undefined | null,
  body: string | Buffer,
  opts: VerifyOptions = {},
): boolean {
  if (!header) return false;
  let t: number | null = null;
  const macs: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) macs.push(value.toLowerCase());
  }
  if (t === null || macs.length === 0) return false;
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  return macs.some((mac) => timingSafeEqual(Buffer.from(mac, 'hex'), expected));
}
