// Human units in config files: sizes ("10MB"), durations ("10m") and listen
// addresses ("0.0.0.0:2525", "[::1]:2525"). Config files are trusted operator input.
import { isIP } from 'node:net';

/**
 * Size units, matched case-insensitively. All are 1024-based: KB/MB/GB/TB have always
 * meant binary multiples here (as in KumoMTA's sizes), and the IEC names KiB/MiB/GiB/TiB
 * say the same explicitly.
 */
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  k: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1024 ** 4,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};

/** The units parseSize takes, for error messages. */
export const SIZE_UNITS_TEXT =
  'B, KB/KiB, MB/MiB, GB/GiB, TB/TiB, all 1024-based: 1KB = 1KiB = 1024 bytes';

/**
 * Bytes from a whole number (bytes) or a string such as "10MB", "10MiB", "512 KB", "1GB"
 * (binary multiples, see SIZE_UNITS; "20000" without a unit is bytes too).
 */
export function parseSize(value: number | string): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) return null;
  const unit = SIZE_UNITS[(m[2] ?? '').toLowerCase()];
  if (unit === undefined) return null;
  return Math.floor(Number(m[1]) * unit);
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Milliseconds from a duration with its unit: "10m", "30s", "1h30m", "250ms". A number
 * without a unit is null: its unit would be a guess.
 */
export function parseDuration(value: string): number | null {
  const text = value.trim();
  if (text === '') return null;
  let total = 0;
  let rest = text;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*/.exec(rest);
    if (!m) return null;
    total += Number(m[1]) * (DURATION_UNITS[m[2] ?? ''] ?? 0);
    rest = rest.slice(m[0].length);
  }
  return total;
}

export interface ListenAddress {
  host: string;
  port: number;
}

/** "ip:port" or "[ipv6]:port"; the host must be an IP literal (no DNS at startup). */
export function parseListen(value: string): ListenAddress | null {
  let host: string;
  let portText: string;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end < 0 || value[end + 1] !== ':') return null;
    host = value.slice(1, end);
    portText = value.slice(end + 2);
  } else {
    const colon = value.lastIndexOf(':');
    if (colon < 0) return null;
    host = value.slice(0, colon);
    portText = value.slice(colon + 1);
    if (host.includes(':')) return null;
  }
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  if (port > 65535 || isIP(host) === 0) return null;
  return { host, port };
}

/**
 * Why `parseListen` refused `value`, said with the fix: a port alone, a port out of
 * range, a host name (listeners bind IP addresses; nothing is resolved), an IPv6
 * address without its brackets. '' when none of these is the cause.
 */
export function listenProblem(value: string): string {
  const text = value.trim();
  if (/^:?\d+$/.test(text)) {
    const port = text.replace(':', '');
    return `a port needs its address: "127.0.0.1:${port}" (this machine only) or "0.0.0.0:${port}" (every IPv4 address)`;
  }
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(text);
  const colon = text.lastIndexOf(':');
  const host = bracketed ? bracketed[1]! : colon < 0 ? text : text.slice(0, colon);
  const port = bracketed ? bracketed[2]! : colon < 0 ? '' : text.slice(colon + 1);
  if (!bracketed && isIP(host) === 6) return `an IPv6 address takes brackets: "[${host}]:PORT"`;
  if (!bracketed && isIP(text) === 6)
    return `an IPv6 address takes brackets and a port: "[${text}]:PORT"`;
  if (isIP(host) === 0 && host !== '')
    return /^[\w.-]+$/.test(host)
      ? `${JSON.stringify(host)} is not an IP address: listeners bind IP addresses, names are not resolved ("127.0.0.1" for this machine, "0.0.0.0" for all)`
      : '';
  if (port === '') return `the port is missing: "${bracketed ? `[${host}]` : host}:PORT"`;
  if (/^\d+$/.test(port) && Number(port) > 65535) return `port ${port} is out of range (0-65535)`;
  return '';
}

/** The canonical "ip:port" text of a listener, as used for per-listener overrides. */
export function formatListen(addr: ListenAddress): string {
  return addr.host.includes(':') ? `[${addr.host}]:${addr.port}` : `${addr.host}:${addr.port}`;
}
