// Every fixture (RFC reports and MTA formats) sent over SMTP produces the records of its reviewed snapshot
// (fixtures/<kind>/<name>.records.json), on both queue backends: the server, the
// thread pool and the workers add nothing and lose nothing.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LogRecord } from '../../src/log/record';
import { FIXTURES, fixtureFiles } from '../helpers/fixture-records';
import { SmtpClient } from '../helpers/smtp-client';
import { BACKENDS, startBackendService, type TestService } from '../helpers/service';

const HEURISTIC = readdirSync(join(FIXTURES, 'heuristic'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => `heuristic/${d.name}`);
const FILES = fixtureFiles(['rfc3464', 'rfc6533', 'rfc5965', 'rfc8098', 'rfc3834', ...HEURISTIC]);

/**
 * The envelope sender the message came with: its Return-Path (so the sniff sees the
 * sender real MTAs use, null or not), else the null reverse-path.
 */
function envelopeSender(raw: Buffer): string {
  const text = raw.subarray(0, 64 * 1024).toString('latin1');
  const header = text.slice(0, Math.max(0, text.search(/\r?\n\r?\n/)));
  const m = /^Return-Path:\s*<([^>@]+@[^>]+)>/im.exec(header);
  return m?.[1] ?? '';
}

/**
 * The fields a record owes to the message, not to when and where it arrived. The
 * recipient and peer name of an OOB record come from the report; those of a Feedback
 * record and a Reception are the envelope's (checked apart), as are its size and time.
 */
function essence(r: LogRecord) {
  const ownEnvelope = r.type !== 'OOB';
  return {
    type: r.type,
    recipient: ownEnvelope ? null : r.recipient,
    response: r.response,
    peer_name: ownEnvelope ? null : (r.peer_address?.name ?? null),
    bounce_classification: r.bounce_classification,
    feedback_report: r.feedback_report,
    feedback_detail: r.feedback_detail ?? null,
    oob_report: r.oob_report ?? null,
    mdn_report: r.mdn_report ?? null,
  };
}

describe.each(BACKENDS)('reports over SMTP (%s)', (mode) => {
  let t: TestService;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await startBackendService(mode, { config: { classifier: { pool_size: 2 } } });
    const { client } = await SmtpClient.open(t.port);
    await client.cmd('EHLO mx.remote.example');
    for (const file of FILES) {
      const raw = readFileSync(join(FIXTURES, file));
      await client.cmd(`MAIL FROM:<${envelopeSender(raw)}>`);
      await client.cmd('RCPT TO:<report@bounce.example.com>');
      const reply = await client.data(raw);
      ids.set(
        file,
        reply.code === 250
          ? reply.text.slice('OK id='.length)
          : `refused ${reply.code} ${reply.text}`,
      );
    }
    await client.quit();
  }, 60_000);
  afterAll(() => t?.stop());

  it.each(FILES)('%s gives the records of its snapshot', async (file) => {
    const id = ids.get(file)!;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const expected = JSON.parse(
      readFileSync(join(FIXTURES, file.replace(/\.eml$/, '.records.json')), 'utf8'),
    ) as LogRecord[];
    const records = await t.waitForRecords((all) =>
      all.some((r) => r.id === id && (r.type === 'Reception' || r.type === 'Feedback')),
    );
    // The snapshot holds the Reception of an MDN (it carries mdn_report), no other.
    const mine = records.filter((r) => r.id === id && (r.type !== 'Reception' || r.mdn_report));
    expect(mine.map(essence)).toEqual(expected.map(essence));
    const raw = readFileSync(join(FIXTURES, file));
    for (const record of mine) {
      expect(record.queue).toBe('bounce.example.com');
      expect(record.peer_address?.addr).toBe('127.0.0.1');
      if (record.type === 'OOB') {
        expect(record.sender).toBe('report@bounce.example.com');
      } else {
        // Feedback (and the MDN's Reception): the report's own envelope, as KumoMTA.
        expect(record.sender).toBe(envelopeSender(raw));
        expect(record.recipient).toBe('report@bounce.example.com');
        expect(record.peer_address?.name).toBe('mx.remote.example');
        // The bytes received: the file's lines end in CRLF on the wire.
        expect(record.size).toBe(
          Buffer.byteLength(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'),
        );
      }
    }
    // KumoMTA logs an ARF report as Feedback instead of Reception.
    const reception = records.some((r) => r.id === id && r.type === 'Reception');
    expect(reception).toBe(!mine.some((r) => r.type === 'Feedback'));
  });
});
