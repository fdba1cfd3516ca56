// The SMTP edge (DESIGN.md §1, §4): smtp-server wired to the listener-domain policy.
// It does only cheap work — the policy at RCPT, the size limit, the header sniff and
// the loop check at end of DATA — and answers 250 only once the queue has durably
// taken the message. Every 4xx/5xx it sends is also written as a Rejection record.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';
import { acceptsMail, type DomainMap } from '../config/domains';
import { formatListen, type ListenAddress } from '../config/units';
import type { ServerConfig } from '../config/server';
import { ErrorCode, errorMessage, isOobdError } from '../errors';
import type { Metrics } from '../http/metrics';
import { makeRecord, type LogRecord } from '../log/record';
import type { LogWriter } from '../log/writer';
import type { Logger } from '../logger';
import { acceptsAtData, type Envelope, type RecipientPolicy } from '../pipeline/process';
import { contentId, type JobQueue } from '../queue/job';
import { Replies, replyError, replyResponse, type Reply } from './replies';
import { sniffMessage } from '../report/sniff';

export interface EdgeDeps {
  config: ServerConfig;
  /** The current domain map (replaced on SIGHUP). */
  domains: () => DomainMap;
  queue: JobQueue;
  /** Where Rejection records (and Reception records of refused messages) go. */
  log: LogWriter;
  logger: Logger;
  metrics: Metrics;
}

/** Per-connection state smtp-server does not keep. */
interface ConnState {
  /** UUID of the SMTP session: the records' `session_id`. */
  sessionId: string;
  listener: string;
}

/** 8 random bytes per process: ids of different processes (serve, workers, restarts) never meet. */
const ID_NODE = randomBytes(8).toString('hex');
let idCounter = 0;

/**
 * 32 hex characters, like KumoMTA's spool ids, and time-ordered like them:
 * milliseconds (12), a per-process counter (4), the process's random part (16).
 * Cheaper than 16 fresh random bytes per message on the SMTP event loop.
 */
export function newMessageId(): string {
  idCounter = (idCounter + 1) & 0xffff;
  return (
    Date.now().toString(16).padStart(12, '0') + idCounter.toString(16).padStart(4, '0') + ID_NODE
  );
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : '';
}

function addressText(addr: SMTPServerAddress | false | undefined): string {
  return addr ? addr.address : '';
}

interface Listening {
  server: SMTPServer;
  address: ListenAddress;
}

/** What the stop uses of smtp-server's connection objects (`server.connections`). */
interface SMTPConnectionLike {
  session: SMTPServerSession;
  send(code: number, text: string): void;
  close(): void;
  /** smtp-server's socket; destroyed when a client holds a connection past the deadline. */
  _socket?: { destroy(): void };
}

export class SmtpEdge {
  private readonly listening: Listening[] = [];
  private readonly conns = new WeakMap<SMTPServerSession, ConnState>();
  /**
   * The policy each taken recipient had at RCPT (smtp-server keeps the address object
   * it passed to onRcptTo in the envelope): DATA applies what RCPT promised, even
   * when a SIGHUP reloaded the domains in between, and does not look it up again.
   */
  private readonly rcptPolicies = new WeakMap<SMTPServerAddress, RecipientPolicy>();
  private active = 0;
  /** Sessions between DATA and its reply: a graceful stop waits for them. */
  private readonly inData = new Set<SMTPServerSession>();
  /** Connections already sent the shutdown 421. */
  private readonly told = new WeakSet<SMTPConnectionLike>();
  /**
   * Connections counted against max_clients: a session is counted when smtp-server
   * calls onConnect and released when it closes. smtp-server calls onClose for every
   * socket, also for one the client closed or reset before onConnect ran (inside the
   * early-talker delay): those were never counted and must not free a slot.
   */
  private readonly counted = new WeakSet<SMTPServerSession>();
  private openConnections = 0;
  private draining = false;
  private readonly tls: { key: Buffer; cert: Buffer } | null;

  constructor(private readonly deps: EdgeDeps) {
    const { tls_key, tls_cert } = deps.config.smtp;
    this.tls =
      tls_key && tls_cert ? { key: readFileSync(tls_key), cert: readFileSync(tls_cert) } : null;
    patchSizeCheck();
  }

  /** Binds every configured listener; returns the bound "ip:port" addresses. */
  async start(): Promise<string[]> {
    for (const address of this.deps.config.smtp.listen) {
      const server = this.createServer();
      sizeRejections.set(server, (session, command) => {
        void this.reject(session, Replies.tooBig, command, []);
      });
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once('error', onError);
        server.listen(address.port, address.host, () => {
          server.off('error', onError);
          resolve();
        });
      });
      const bound = server.server.address() as AddressInfo;
      const actual = { host: address.host, port: bound.port };
      server.on('error', (err) =>
        this.deps.logger.warn(
          { err: errorMessage(err), listener: formatListen(actual) },
          'smtp error',
        ),
      );
      this.listening.push({ server, address: actual });
    }
    return this.addresses;
  }

  get addresses(): string[] {
    return this.listening.map((l) => formatListen(l.address));
  }

  /** Transactions between end of DATA and the reply. */
  get inFlight(): number {
    return this.active;
  }

  /**
   * Graceful stop within `deadlineMs`: stop accepting connections, tell idle clients
   * 421 4.3.2 at once, let every message in DATA or past it get its reply, then send
   * 421 to whoever is left and close. Connections still open at the deadline are
   * destroyed. Returns what had to be cut off (empty when the stop was clean).
   */
  async stop(deadlineMs = 30_000): Promise<string[]> {
    this.draining = true;
    const deadline = Date.now() + deadlineMs;
    for (const { server } of this.listening) server.server.close();
    const busy = (connection: SMTPConnectionLike) => this.inData.has(connection.session);
    // Idle clients learn now that they should try again later (RFC 5321 §3.8).
    for (const connection of this.connections()) if (!busy(connection)) this.goodbye(connection);
    // A message being received or processed gets its reply, within the budget.
    const grace = Math.min(1000, deadlineMs / 4);
    while (this.inData.size > 0 && Date.now() < deadline - grace) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const cutOff = [...this.connections()].filter(busy).map((c) => this.describe(c));
    for (const connection of this.connections()) this.goodbye(connection);
    // Clients that ignore the 421 and keep their side open do not hold the stop up.
    while (this.connections().size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const connection of this.connections()) {
      cutOff.push(this.describe(connection));
      connection._socket?.destroy();
    }
    return [...new Set(cutOff)];
  }

  /** Every open connection of every listener. */
  private connections(): Set<SMTPConnectionLike> {
    const all = new Set<SMTPConnectionLike>();
    for (const { server } of this.listening) {
      for (const connection of (server as unknown as { connections: Set<SMTPConnectionLike> })
        .connections)
        all.add(connection);
    }
    return all;
  }

  private goodbye(connection: SMTPConnectionLike): void {
    if (this.told.has(connection)) return;
    this.told.add(connection);
    connection.send(
      Replies.shuttingDown.code,
      `${Replies.shuttingDown.enhanced} ${Replies.shuttingDown.text}`,
    );
    connection.close();
  }

  private describe(connection: SMTPConnectionLike): string {
    const session = connection.session;
    const from = `${session.remoteAddress}:${session.remotePort}`;
    return `SMTP connection from ${from}${this.inData.has(session) ? ' in DATA' : ''}`;
  }

  private createServer(): SMTPServer {
    const { smtp } = this.deps.config;
    return new SMTPServer({
      name: smtp.hostname,
      banner: 'oobd',
      size: smtp.max_message_size,
      authOptional: true,
      disabledCommands: this.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      hideSTARTTLS: !this.tls,
      ...(this.tls ? { key: this.tls.key, cert: this.tls.cert } : {}),
      disableReverseLookup: true,
      socketTimeout: smtp.idle_timeout,
      closeTimeout: 30_000,
      logger: false,
      onConnect: (session, callback) => this.onConnect(session, callback),
      onClose: (session) => this.release(session),
      onMailFrom: (address, session, callback) => {
        if (!this.draining) return callback();
        this.reject(session, Replies.shuttingDown, `MAIL FROM:<${address.address}>`, []).then(
          callback,
          callback,
        );
      },
      onRcptTo: (address, session, callback) => {
        // The common case (a recipient taken) answers at once, without a promise turn.
        const refusal = this.checkRecipient(address, session);
        if (!refusal) return callback();
        this.reject(session, refusal, `RCPT TO:<${address.address}>`, [address.address]).then(
          callback,
          callback,
        );
      },
      onData: (stream, session, callback) => {
        this.onData(stream, session).then((message) => callback(null, message), callback);
      },
    });
  }

  /** Frees the slot of a counted connection, once. */
  private release(session: SMTPServerSession): void {
    if (!this.counted.delete(session)) return;
    this.openConnections = Math.max(0, this.openConnections - 1);
    this.deps.metrics.connections.set(this.openConnections);
  }

  private onConnect(session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    if (!this.counted.has(session)) {
      this.counted.add(session);
      this.openConnections++;
      this.deps.metrics.connections.set(this.openConnections);
    }
    const listener = formatListen({ host: session.localAddress, port: session.localPort });
    this.conns.set(session, {
      sessionId: randomUUID(),
      listener: this.listenerKey(session) ?? listener,
    });
    if (this.draining) {
      void this.reject(session, Replies.shuttingDown, 'CONNECT', []).finally(() =>
        callback(replyError(Replies.shuttingDown)),
      );
      return;
    }
    if (this.openConnections > this.deps.config.smtp.max_clients) {
      void this.reject(session, Replies.tooManyClients, 'CONNECT', []).finally(() =>
        callback(replyError(Replies.tooManyClients)),
      );
      return;
    }
    callback();
  }

  /** The configured listener a session arrived on. */
  private listenerKey(session: SMTPServerSession): string | null {
    const raw = session.localAddress;
    const local = raw.startsWith('::ffff:') ? raw.slice(7) : raw;
    const byPort = this.listening.filter((l) => l.address.port === session.localPort);
    const exact = byPort.find((l) => l.address.host === local);
    const hit = exact ?? byPort[0];
    return hit ? formatListen(hit.address) : null;
  }

  private state(session: SMTPServerSession): ConnState {
    let state = this.conns.get(session);
    if (!state) {
      state = { sessionId: randomUUID(), listener: this.listenerKey(session) ?? '' };
      this.conns.set(session, state);
    }
    return state;
  }

  private policyFor(address: string, session: SMTPServerSession): RecipientPolicy | null {
    const domain = domainOf(address);
    if (!domain) return null;
    const policy = this.deps.domains().lookup(domain, this.state(session).listener);
    if (!policy || !acceptsMail(policy)) return null;
    return {
      address,
      domain,
      logOob: policy.logOob,
      logArf: policy.logArf,
      relayTo: policy.relayTo,
      routingDomain: policy.routingDomain?.text ?? null,
      verp: policy.verp,
    };
  }

  /** The refusal for a recipient, or null when it is taken (its policy kept for DATA). */
  private checkRecipient(address: SMTPServerAddress, session: SMTPServerSession): Reply | null {
    if (this.draining) return Replies.shuttingDown;
    if (session.envelope.rcptTo.length >= this.deps.config.smtp.max_recipients)
      return Replies.tooManyRecipients;
    const policy = this.policyFor(address.address, session);
    if (!policy) return Replies.relayDenied;
    this.rcptPolicies.set(address, policy);
    return null;
  }

  private async onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    this.inData.add(session);
    try {
      return await this.receive(stream, session);
    } finally {
      this.inData.delete(session);
    }
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const started = process.hrtime.bigint();
    const limit = this.deps.config.smtp.max_message_size;
    const chunks: Buffer[] = [];
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit the rest is read and thrown away: memory stays bounded.
        if (size <= limit) chunks.push(chunk);
      });
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    const rcptTo = session.envelope.rcptTo.map((r) => r.address);
    if (stream.sizeExceeded || size > limit) {
      this.deps.metrics.messages.inc({ outcome: 'rejected' });
      throw await this.reject(session, Replies.tooBig, 'DATA', rcptTo);
    }
    this.active++;
    this.deps.metrics.inFlight.inc();
    try {
      return await this.handleMessage(Buffer.concat(chunks, size), session, rcptTo);
    } finally {
      this.active--;
      this.deps.metrics.inFlight.dec();
      this.deps.metrics.processingSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async handleMessage(
    raw: Buffer,
    session: SMTPServerSession,
    rcptTo: string[],
  ): Promise<string> {
    const { metrics } = this.deps;
    const mailFrom = addressText(session.envelope.mailFrom);
    const state = this.state(session);
    const envelope: Envelope = {
      // Queue mode: the id a retry of this message gets too (its job is the same).
      id: this.deps.queue.contentIds ? contentId(mailFrom, rcptTo, raw) : newMessageId(),
      mailFrom,
      rcptTo,
      listener: state.listener,
      remoteAddress: session.remoteAddress,
      heloName: session.hostNameAppearsAs || '',
      sessionId: state.sessionId,
      receivedAt: Date.now(),
    };
    const sniff = sniffMessage(raw, mailFrom);
    if (sniff.receivedCount > this.deps.config.smtp.max_received_headers) {
      metrics.messages.inc({ outcome: 'rejected' });
      throw await this.reject(session, Replies.mailLoop, 'DATA', rcptTo, envelope.id);
    }
    const accepted: RecipientPolicy[] = [];
    const refused: string[] = [];
    for (const address of session.envelope.rcptTo) {
      const policy = this.rcptPolicies.get(address) ?? this.policyFor(address.address, session);
      if (policy && acceptsAtData(sniff.kind, policy)) accepted.push(policy);
      else refused.push(address.address);
    }
    if (accepted.length === 0) {
      // Not a report, bounce or auto-reply, and no recipient relays ordinary mail.
      metrics.messages.inc({ outcome: 'rejected' });
      await this.writeSafely([this.receptionRecord(envelope, raw.length)]);
      throw await this.reject(session, Replies.relayDenied, 'DATA', rcptTo, envelope.id);
    }
    if (refused.length > 0) {
      // One reply covers the transaction; the recipients whose domain does not take
      // this kind of message are recorded as refused rather than dropped silently.
      await this.reject(session, Replies.relayDenied, 'DATA', refused, envelope.id);
    }
    try {
      await this.deps.queue.submit(
        { envelope, recipients: accepted, sniffed: sniff.kind, raw },
        this.openConnections,
      );
    } catch (err) {
      const reply = this.replyForFailure(err);
      this.deps.logger.warn(
        { id: envelope.id, err: errorMessage(err), code: reply.code },
        'message not accepted',
      );
      metrics.messages.inc({ outcome: 'tempfail' });
      throw await this.reject(session, reply, 'DATA', rcptTo, envelope.id);
    }
    metrics.messages.inc({ outcome: 'accepted' });
    return `OK id=${envelope.id}`;
  }

  private replyForFailure(err: unknown): Reply {
    if (isOobdError(err, ErrorCode.QueueFull)) return Replies.busy;
    if (isOobdError(err, ErrorCode.ShuttingDown)) return Replies.shuttingDown;
    return Replies.tempFailure;
  }

  private receptionRecord(envelope: Envelope, size: number): LogRecord {
    return makeRecord(
      {
        id: envelope.id,
        created: new Date(envelope.receivedAt),
        nodeid: this.deps.log.nodeid,
        session_id: envelope.sessionId,
      },
      {
        type: 'Reception',
        sender: envelope.mailFrom,
        recipient: envelope.rcptTo.length === 1 ? (envelope.rcptTo[0] ?? '') : envelope.rcptTo,
        queue: domainOf(envelope.rcptTo[0] ?? ''),
        size,
        response: { code: 250, enhanced_code: null, content: '', command: null },
        peer_address: { name: envelope.heloName, addr: envelope.remoteAddress },
        time: new Date(envelope.receivedAt),
      },
    );
  }

  /** Writes the Rejection record of a reply and returns the error smtp-server sends. */
  private async reject(
    session: SMTPServerSession,
    reply: Reply,
    command: string,
    recipients: string[],
    id = newMessageId(),
  ): Promise<Error> {
    this.deps.metrics.rejections.inc({
      code: String(reply.code),
      command: command.split(' ', 1)[0] ?? command,
    });
    const now = new Date();
    const record = makeRecord(
      { id, created: now, nodeid: this.deps.log.nodeid, session_id: this.state(session).sessionId },
      {
        type: 'Rejection',
        sender: addressText(session.envelope?.mailFrom),
        recipient: recipients.length === 1 ? (recipients[0] ?? '') : recipients,
        queue: domainOf(recipients[0] ?? ''),
        response: replyResponse(reply, command),
        peer_address: { name: session.hostNameAppearsAs || '', addr: session.remoteAddress },
        time: now,
      },
    );
    await this.writeSafely([record]);
    return replyError(reply);
  }

  /** Rejection bookkeeping must never turn a reply into a crash: failures are logged. */
  private async writeSafely(records: LogRecord[]): Promise<void> {
    try {
      await this.deps.log.append(records);
      for (const record of records) this.deps.metrics.records.inc({ type: record.type });
    } catch (err) {
      this.deps.logger.error({ err: errorMessage(err), records }, 'could not write records');
    }
  }
}

let sizeCheckPatched = false;
/** How the patched size check reaches the edge that owns a server, for its Rejection record. */
const sizeRejections = new WeakMap<
  SMTPServer,
  (session: SMTPServerSession, command: string) => void
>();

/**
 * smtp-server refuses `MAIL FROM:<..> SIZE=n` over the limit with its own text and
 * no enhanced code, before any handler runs. DESIGN.md §4 wants `552 5.3.4`, so
 * the check is re-worded here. Covered by a test, so an upstream change is noticed.
 */
function patchSizeCheck(): void {
  if (sizeCheckPatched) return;
  sizeCheckPatched = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SMTPConnection } = require('smtp-server/lib/smtp-connection') as {
    SMTPConnection: { prototype: Record<string, unknown> };
  };
  const original = SMTPConnection.prototype._validateMailParams as
    | ((
        this: unknown,
        parsed: unknown,
      ) => { code: number; message: string; enhancedCode: string | null } | null)
    | undefined;
  if (typeof original !== 'function') return;
  SMTPConnection.prototype._validateMailParams = function (
    this: { _server: SMTPServer; session: SMTPServerSession },
    parsed: { address?: string; args?: Record<string, string> },
  ) {
    const result = original.call(this, parsed);
    if (result && result.code === 552) {
      const size = parsed.args?.SIZE ?? '';
      sizeRejections.get(this._server)?.(
        this.session,
        `MAIL FROM:<${parsed.address ?? ''}> SIZE=${size}`,
      );
      return {
        code: 552,
        message: `${Replies.tooBig.enhanced} ${Replies.tooBig.text}`,
        enhancedCode: null,
      };
    }
    return result;
  };
}
