// /metrics (Prometheus text format) and /healthz on the configured http.listen.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

/** Access control and the web view (web.ts); /healthz is answered without either. */
export interface HttpRoutes {
  /** False when it answered the request itself (refused it, or redirected). */
  allow(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
  /** False for a path that is not one of its routes. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

export async function startHttp(
  address: ListenAddress,
  metrics: Metrics,
  health: Health,
  routes?: HttpRoutes,
): Promise<{ server: Server; address: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    let url: URL;
    try {
      // Never parsed as a relative reference: "//host/x" stays a path.
      url = new URL(`http://oobd.invalid${req.url?.startsWith('/') ? req.url : '/'}`);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (routes && path !== '/healthz' && !routes.allow(req, res, url)) return;
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
    if (routes?.handle(req, res, url)) return;
    res.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics or /healthz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return { server, address: `${address.host}:${bound.port}` };
}
