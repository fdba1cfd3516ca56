// A plain Server-Sent Events client for tests (HTML Living Standard §9.2.6 parsing of
// id, event and data fields), over node:http so a test can send Last-Event-ID and read
// every event the server wrote, in order.
import { request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  private buffer = '';
  private waiters: Array<() => void> = [];
  private ended = false;
  /** The id field most recently seen (what EventSource would send back as Last-Event-ID). */
  lastEventId: string | null = null;

  private constructor(
    private readonly req: ClientRequest,
    readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.onData(chunk));
    response.on('end', () => this.finish());
    response.on('error', () => this.finish());
  }

  /** Connects and resolves once the response headers (and the stream) are there. */
  static connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) =>
        resolve(new SseClient(req, res)),
      );
      req.on('error', reject);
      req.end();
    });
  }

  private finish(): void {
    this.ended = true;
    for (const w of this.waiters.splice(0)) w();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id: string | null = null;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'id') id = value;
        else if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length === 0 && event === 'message') continue;
      if (id !== null) this.lastEventId = id;
      this.events.push({ id, event, data: data.join('\n') });
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the events once `predicate` holds for them; rejects after the timeout. */
  waitFor(predicate: (events: SseEvent[]) => boolean, timeoutMs = 15_000): Promise<SseEvent[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`events never matched; got ${JSON.stringify(this.events)}`)),
        timeoutMs,
      );
      const check = () => {
        if (predicate(this.events)) {
          clearTimeout(timer);
          resolve(this.events);
        } else if (this.ended) {
          clearTimeout(timer);
          reject(new Error(`stream ended; got ${JSON.stringify(this.events)}`));
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** The records carried by the message events so far. */
  records(): Array<Record<string, unknown>> {
    return this.events
      .filter((e) => e.event === 'message')
      .map((e) => JSON.parse(e.data) as Record<string, unknown>);
  }

  close(): void {
    this.req.destroy();
    this.response.destroy();
  }
}
