// A real SMTP server on 127.0.0.1:0 that stands in for a routing_domain host: it
// keeps what it receives, or answers with a chosen reply.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SunkMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface Sink {
  port: number;
  messages: SunkMessage[];
  /** The reply DATA gets: null accepts, else {code, message}. */
  reply: { code: number; message: string } | null;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const sink: Sink = {
    port: 0,
    messages: [],
    reply: null,
    close: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (sink.reply) {
          const err = new Error(sink.reply.message) as Error & { responseCode: number };
          err.responseCode = sink.reply.code;
          return callback(err);
        }
        sink.messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback(null, 'queued as SINK1');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sink.port = (server.server.address() as AddressInfo).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
