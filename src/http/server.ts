// /metrics (Prometheus text format) and /healthz on the configured http.listen.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ListenAddress } from '../config/units';
import type { Metrics } from './metrics';

/**
 * What /healthz reports. `problem`: the service cannot do its job (503, e.g. Redis
 * unreachable in queue mode: messages get 451). `degraded`: it works, but not as
 * configured (200, e.g. the last reload failed and the previous files are in
 * effect), so a load balancer keeps it in while the body tells the operator why.
 */
export interface Health {
  /** Null when healthy, else why not (e.g. "redis unreachable"): 503. */
  problem(): Promise<string | null>;
  /** Null, or why the service runs degraded: 200 with the reason in the body. */
  degraded?(): string | null;
}

export async function startHttp(
  address: ListenAddress,
  metrics: Metrics,
  health: Health,
): Promise<{ server: Server; address: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/metrics') {
      metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500).end(err.message),
      );
      return;
    }
    if (path === '/healthz') {
      health.problem().then(
        (problem) => {
          const degraded = health.degraded?.() ?? null;
          const body = [problem, degraded === null ? null : `degraded: ${degraded}`]
            .filter((line) => line !== null)
            .join('\n');
          res
            .writeHead(problem ? 503 : 200, { 'content-type': 'text/plain' })
            .end(`${body || 'ok'}\n`);
        },
        (err: Error) => res.writeHead(503).end(`${err.message}\n`),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics or /healthz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return { server, address: `${address.host}:${bound.port}` };
}
