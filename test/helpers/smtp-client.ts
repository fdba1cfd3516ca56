// A deliberately plain SMTP client for tests: one command, one parsed reply, so a
// test can assert the exact code and text the server sent at each step.
import type { Socket } from 'node:net';
import { connect } from 'node:net';

export interface SmtpReply {
  code: number;
  /** Text of the last line, after the code. */
  text: string;
  lines: string[];
}

export class SmtpClient {
  private buffer = '';
  private waiting: Array<(reply: SmtpReply | Error) => void> = [];
  private replies: SmtpReply[] = [];
  private closedError: Error | null = null;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.fail(new Error('connection closed'));
    });
    socket.on('error', (err) => this.fail(err));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<SmtpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new SmtpClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects and reads the greeting. */
  static async open(
    port: number,
    host = '127.0.0.1',
  ): Promise<{ client: SmtpClient; greeting: SmtpReply }> {
    const client = await SmtpClient.connect(port, host);
    const greeting = await client.read();
    return { client, greeting };
  }

  private fail(err: Error): void {
    this.closedError ??= err;
    for (const waiter of this.waiting.splice(0)) waiter(err);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let lines: string[] = [];
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end < 0) break;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      lines.push(line);
      if (line.length < 4 || line[3] !== '-') {
        const reply: SmtpReply = {
          code: Number(line.slice(0, 3)),
          text: line.slice(4),
          lines: lines.map((l) => l.slice(4)),
        };
        lines = [];
        const waiter = this.waiting.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
    }
    if (lines.length > 0) this.buffer = `${lines.join('\r\n')}\r\n${this.buffer}`;
  }

  read(): Promise<SmtpReply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.waiting.push((r) => (r instanceof Error ? reject(r) : resolve(r)));
    });
  }

  async cmd(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.read();
  }

  /** DATA, then the message with dot-stuffing and CRLF line ends, then ".". */
  async data(message: string | Buffer): Promise<SmtpReply> {
    const go = await this.cmd('DATA');
    if (go.code !== 354) return go;
    const text = (Buffer.isBuffer(message) ? message.toString('latin1') : message)
      .replace(/\r?\n/g, '\r\n')
      .replace(/^\./gm, '..');
    this.socket.write(text.endsWith('\r\n') ? text : `${text}\r\n`, 'latin1');
    this.socket.write('.\r\n');
    return this.read();
  }

  /** EHLO, MAIL FROM, RCPT TO (each), DATA; returns every reply. */
  async send(opts: {
    from: string;
    to: string[];
    message: string | Buffer;
    ehlo?: string;
  }): Promise<{
    mail: SmtpReply;
    rcpts: SmtpReply[];
    data: SmtpReply | null;
  }> {
    await this.cmd(`EHLO ${opts.ehlo ?? 'client.test'}`);
    const mail = await this.cmd(`MAIL FROM:<${opts.from}>`);
    const rcpts: SmtpReply[] = [];
    for (const to of opts.to) rcpts.push(await this.cmd(`RCPT TO:<${to}>`));
    const data = rcpts.some((r) => r.code === 250) ? await this.data(opts.message) : null;
    if (!data) await this.cmd('RSET');
    return { mail, rcpts, data };
  }

  async quit(): Promise<void> {
    if (this.closed) return;
    try {
      await this.cmd('QUIT');
    } catch {
      // the server may close first
    }
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Sends one message on a new connection and returns the DATA reply (or the first refusal). */
export async function sendMessage(
  port: number,
  opts: { from: string; to: string[]; message: string | Buffer },
): Promise<SmtpReply> {
  const { client } = await SmtpClient.open(port);
  try {
    const result = await client.send(opts);
    if (result.mail.code !== 250) return result.mail;
    return result.data ?? result.rcpts.find((r) => r.code !== 250) ?? result.rcpts[0]!;
  } finally {
    await client.quit();
  }
}
