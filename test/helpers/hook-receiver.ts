// A real HTTP endpoint for log hooks, on 127.0.0.1: it can be down (not listening:
// connection refused), answer a chosen status, or accept. It keeps every request it got.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export class HookReceiver {
  /** Every POST answered, in arrival order. */
  readonly posts: ReceivedPost[] = [];
  /** Status to answer with. */
  status = 200;
  /** Requests received and not answered yet (held). */
  inFlight = 0;
  /** When set, each request is held until this resolves (a delivery "in flight"). */
  hold: Promise<void> | null = null;
  private server: Server | null = null;
  private waiters: Array<() => void> = [];
  /** The port, fixed once first bound so the hook's url stays valid while it is down. */
  port = 0;

  static async start(): Promise<HookReceiver> {
    const receiver = new HookReceiver();
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/bounces`;
  }

  /** Starts listening (again, on the same port). */
  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = () => {
          const status = this.status;
          this.posts.push({
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            status,
          });
          res
            .writeHead(status, { 'content-type': 'text/plain' })
            .end(status >= 300 ? `status ${status}\n` : 'ok\n');
          for (const w of this.waiters.splice(0)) w();
        };
        if (this.hold) {
          this.inFlight++;
          for (const w of this.waiters.splice(0)) w();
          void this.hold.then(() => {
            this.inFlight--;
            answer();
          });
        } else answer();
      });
    });
    // Keep-alive sockets would outlive down(); the hook must reconnect for each test step.
    server.keepAliveTimeout = 1;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: connections are refused until `up`. */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Records of the POSTs answered 2xx, in order (duplicates included). */
  delivered(): Array<Record<string, unknown>> {
    return this.posts
      .filter((p) => p.status >= 200 && p.status < 300)
      .flatMap((p) => JSON.parse(p.body) as Array<Record<string, unknown>>);
  }

  /** Resolves once `predicate` holds for the received POSTs. */
  async waitFor(predicate: (r: HookReceiver) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline)
        throw new Error(
          `hook receiver: condition not met; got ${this.posts.length} POSTs (${this.posts.map((p) => p.status).join(',')})`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
