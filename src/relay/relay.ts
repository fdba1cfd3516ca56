// Relaying a received message to its routing_domain (KumoMTA's LogThenRelay and
// relay_to). `[ip]` and `[ip]:port` connect to that address; a host name is looked up
// as MX (RFC 5321 §5.1: the host itself when it has no MX). A Received header is
// prepended so the loop check on the far side (and ours) can count hops.
import { resolveMx } from 'node:dns/promises';
import nodemailer, { type Transporter } from 'nodemailer';
import { parseRoutingDomain, type RoutingDomain } from '../config/domains';
import { errorMessage } from '../errors';
import { parseEnhancedCode, type Response } from '../values';

export type RelayStatus = 'delivered' | 'transient' | 'permanent';

export interface RelayResult {
  status: RelayStatus;
  /** The routing host that answered (or was tried last). */
  site: string;
  response: Response;
}

export interface RelayOptions {
  /** Our name in EHLO and in the Received header. */
  hostname: string;
  /** @defaultValue 60s */
  timeoutMs: number;
}

export interface RelayMessage {
  id: string;
  mailFrom: string;
  rcptTo: string[];
  raw: Uint8Array;
  receivedFrom: { heloName: string; remoteAddress: string };
  receivedAt: number;
}

interface Target {
  host: string;
  port: number;
}

function receivedHeader(msg: RelayMessage, hostname: string): string {
  const date = new Date(msg.receivedAt).toUTCString().replace('GMT', '+0000');
  return (
    `Received: from ${msg.receivedFrom.heloName || 'unknown'} ([${msg.receivedFrom.remoteAddress}])\r\n` +
    `\tby ${hostname} (oobd) with ESMTP id ${msg.id};\r\n\t${date}\r\n`
  );
}

export class Relayer {
  private readonly transports = new Map<string, Transporter>();

  constructor(private readonly opts: RelayOptions) {}

  /** Targets in preference order for a routing_domain. */
  async targets(routing: RoutingDomain): Promise<Target[]> {
    const port = routing.port ?? 25;
    if (routing.literal) return [{ host: routing.host, port }];
    try {
      const mx = await resolveMx(routing.host);
      if (mx.length > 0) {
        return mx.sort((a, b) => a.priority - b.priority).map((r) => ({ host: r.exchange, port }));
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENODATA' && code !== 'ENOTFOUND') throw err;
    }
    return [{ host: routing.host, port }];
  }

  async relay(routingDomainText: string, msg: RelayMessage): Promise<RelayResult> {
    const routing = parseRoutingDomain(routingDomainText);
    if (!routing) {
      return failure(
        'permanent',
        routingDomainText,
        554,
        `invalid routing_domain ${routingDomainText}`,
      );
    }
    let targets: Target[];
    try {
      targets = await this.targets(routing);
    } catch (err) {
      return failure(
        'transient',
        routing.host,
        451,
        `MX lookup for ${routing.host} failed: ${errorMessage(err)}`,
      );
    }
    const raw = Buffer.concat([Buffer.from(receivedHeader(msg, this.opts.hostname)), msg.raw]);
    let last: RelayResult | null = null;
    for (const target of targets) {
      const attempt = await this.send(target, msg, raw);
      // A host's reply is its answer; only a host that never replied sends us to the next MX.
      if (attempt.replied) return attempt.result;
      last = attempt.result;
    }
    return last ?? failure('transient', routing.host, 451, 'no routing target');
  }

  private async send(
    target: Target,
    msg: RelayMessage,
    raw: Buffer,
  ): Promise<{ replied: boolean; result: RelayResult }> {
    const site = `${target.host}:${target.port}`;
    try {
      const info = await this.transport(target).sendMail({
        envelope: { from: msg.mailFrom, to: msg.rcptTo },
        raw,
      });
      return {
        replied: true,
        result: {
          status: 'delivered',
          site,
          response: parseReply(String(info.response ?? '250'), 250),
        },
      };
    } catch (err) {
      const e = err as { responseCode?: number; response?: string; code?: string };
      if (typeof e.responseCode === 'number') {
        const response = parseReply(e.response ?? errorMessage(err), e.responseCode);
        const status = e.responseCode >= 500 ? 'permanent' : 'transient';
        return { replied: true, result: { status, site, response } };
      }
      // Connection refused, timeout, TLS failure: no reply from the host.
      return {
        replied: false,
        result: failure('transient', site, 451, `${e.code ?? 'error'}: ${errorMessage(err)}`),
      };
    }
  }

  private transport(target: Target): Transporter {
    const key = `${target.host}:${target.port}`;
    let transport = this.transports.get(key);
    if (!transport) {
      transport = nodemailer.createTransport({
        pool: true,
        maxConnections: 4,
        host: target.host,
        port: target.port,
        secure: false,
        name: this.opts.hostname,
        connectionTimeout: this.opts.timeoutMs,
        greetingTimeout: this.opts.timeoutMs,
        socketTimeout: this.opts.timeoutMs,
        // Opportunistic STARTTLS to an internal host: encrypt when offered, do not
        // refuse to relay over a self-signed certificate.
        tls: { rejectUnauthorized: false },
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      this.transports.set(key, transport);
    }
    return transport;
  }

  close(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
  }
}

function failure(status: RelayStatus, site: string, code: number, content: string): RelayResult {
  return {
    status,
    site,
    response: {
      code,
      enhanced_code: parseEnhancedCode(code >= 500 ? '5.0.0' : '4.0.0'),
      content,
      command: null,
    },
  };
}

/** `250 2.0.0 Ok: queued as X` → {250, 2.0.0, "Ok: queued as X"}. */
export function parseReply(text: string, fallbackCode: number): Response {
  const line = text.replace(/[\r\n]+/g, ' ').trim();
  const m = /^(\d{3})[ -]?(?:(\d\.\d{1,3}\.\d{1,3})\s+)?(.*)$/.exec(line);
  if (!m) return { code: fallbackCode, enhanced_code: null, content: line, command: null };
  return {
    code: Number(m[1]),
    enhanced_code: m[2] ? parseEnhancedCode(m[2]) : null,
    content: m[3] ?? '',
    command: null,
  };
}
