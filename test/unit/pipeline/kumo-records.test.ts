// Records KumoMTA's tooling reads unchanged, and every bounce tied to the message that
// caused it (issue 14): Feedback records as KumoMTA writes them, one set of records per
// message, MDNs as Receptions, KumoMTA's trace header and VERP decoded into every OOB
// record, and every record oobd writes against KumoMTA's `JsonLogRecord` shape.
import fs from 'node:fs';
import path from 'node:path';
import type { LogRecord } from '../../../src/log/record';
import {
  analyze,
  decideOutcome,
  type Envelope,
  type RecipientPolicy,
} from '../../../src/pipeline/process';
import { parseModeRecords } from '../../../src/pipeline/parse-mode';
import { relayRecord } from '../../../src/queue/job';
import type { ParseOptions } from '../../../src/report/types';
import type { VerpSpec } from '../../../src/report/verp';
import { fixtureClassifier, fixtureFiles, FIXTURES } from '../../helpers/fixture-records';
import { kumoSchemaProblems } from '../../helpers/kumo-schema';

const NODEID = '557f3ad4-2c8c-11ee-976e-782d7e12e173';
const RECEIVED = new Date('2026-11-30T10:00:00.000Z');
const NOW = new Date('2026-11-30T10:00:02.500Z');

function envelope(mailFrom: string, rcptTo: string[]): Envelope {
  return {
    id: 'a'.repeat(32),
    mailFrom,
    rcptTo,
    listener: '127.0.0.1:25',
    remoteAddress: '192.0.2.7',
    heloName: 'mx.provider.example',
    sessionId: '9bcd689e-23d9-41b7-a015-63a1382f8b57',
    receivedAt: RECEIVED.getTime(),
  };
}

function policy(address: string, verp: VerpSpec | null = null): RecipientPolicy {
  return {
    address,
    domain: address.slice(address.indexOf('@') + 1).toLowerCase(),
    logOob: 'LogThenDrop',
    logArf: 'LogThenDrop',
    relayTo: false,
    routingDomain: null,
    verp,
  };
}

/** The records the server writes for a message: parse, classify, decide. */
function records(
  raw: string | Buffer,
  env: Envelope,
  policies: RecipientPolicy[],
  options: ParseOptions = {},
): LogRecord[] {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  const result = analyze(bytes, fixtureClassifier(), options);
  return decideOutcome(env, policies, 'report', result, bytes.length, NODEID, NOW).records;
}

const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

/** KumoMTA's trace header value: base64 JSON with its marker. */
function traceValue(payload: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ '_@_': '\\_/', ...payload })).toString('base64');
}

function arf(rcptTo: string[]): string {
  return crlf([
    'From: FBL <fbl@provider.example>',
    'To: fbl@bounce.example.com',
    'Subject: complaint',
    'Date: Mon, 30 Nov 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'A complaint.',
    '--b',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: ProviderFBL/1.0',
    'Version: 1',
    'Arrival-Date: Sun, 29 Nov 2026 08:00:00 +0000',
    'Original-Mail-From: <news@sender.example>',
    ...rcptTo.map((r) => `Original-Rcpt-To: <${r}>`),
    'Reported-Domain: sender.example',
    '',
    '--b',
    'Content-Type: message/rfc822',
    '',
    'From: news@sender.example',
    'To: undisclosed-recipients:;',
    'Message-ID: <mailing-7@sender.example>',
    'Subject: news',
    '',
    'news',
    '--b--',
  ]);
}

/** A DSN; `returned` are the returned message's header lines (text/rfc822-headers). */
function dsn(
  recipientFields: string[],
  returned: string[],
  returnedType = 'text/rfc822-headers',
): string {
  return crlf([
    'From: Mail Delivery System <MAILER-DAEMON@mx.remote.example>',
    'To: bounce@bounce.example.com',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Mon, 30 Nov 2026 09:30:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.remote.example',
    '',
    ...recipientFields,
    '',
    '--b',
    `Content-Type: ${returnedType}`,
    '',
    ...returned,
    ...(returnedType === 'message/rfc822' ? ['', 'body'] : []),
    '--b--',
  ]);
}

const FAILED = (rcpt: string) => [
  `Final-Recipient: rfc822; ${rcpt}`,
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 no such user',
];

describe('Feedback records as KumoMTA writes them', () => {
  const raw = arf(['first@recipient.example', 'second@recipient.example']);
  const written = records(raw, envelope('fbl@provider.example', ['fbl@bounce.example.com']), [
    policy('fbl@bounce.example.com'),
  ]);

  it('an ARF report with two Original-Rcpt-To gives one Feedback record and no Reception', () => {
    expect(written.map((r) => r.type)).toEqual(['Feedback']);
  });

  it("keeps the report's envelope in sender and recipient, and the complained-about addresses in original_rcpto_to", () => {
    const [r] = written;
    expect(r!.sender).toBe('fbl@provider.example');
    expect(r!.recipient).toBe('fbl@bounce.example.com');
    expect(r!.queue).toBe('bounce.example.com');
    expect(r!.feedback_report!.original_rcpto_to).toEqual([
      'first@recipient.example',
      'second@recipient.example',
    ]);
    expect(r!.feedback_detail).toEqual({
      source: 'rfc5965',
      recipients: ['first@recipient.example', 'second@recipient.example'],
      recipient_from: 'original-rcpt-to',
      original_message_id: 'mailing-7@sender.example',
    });
  });

  it('is timestamped when it is logged, not at the Arrival-Date, and carries the bytes and the client as a Reception would', () => {
    const [r] = written;
    expect(r!.timestamp).toBe(Math.floor(NOW.getTime() / 1000));
    expect(r!.event_time).toBe('2026-11-30T10:00:02.500Z');
    expect(r!.feedback_report!.arrival_date).toBe('2026-11-29T08:00:00Z');
    expect(r!.size).toBe(Buffer.byteLength(raw, 'latin1'));
    expect(r!.peer_address).toEqual({ name: 'mx.provider.example', addr: '192.0.2.7' });
    expect(r!.response).toEqual({ code: 250, enhanced_code: null, content: '', command: null });
  });

  it('is classified Uncategorized, a label KumoMTA writes, never "Feedback"', () => {
    expect(written[0]!.bounce_classification).toBe('Uncategorized');
  });

  it('has string user_agent and version even when the report lacks them, and says they were missing', () => {
    const broken = raw.replace('User-Agent: ProviderFBL/1.0\r\n', '').replace('Version: 1\r\n', '');
    const result = analyze(Buffer.from(broken), fixtureClassifier());
    expect(result.problems.map((p) => p.code)).toEqual(
      expect.arrayContaining(['arf.user-agent-missing', 'arf.version-missing']),
    );
    const [r] = records(broken, envelope('fbl@provider.example', ['fbl@bounce.example.com']), [
      policy('fbl@bounce.example.com'),
    ]);
    expect(r!.feedback_report!.user_agent).toBe('');
    expect(r!.feedback_report!.version).toBe('');
  });
});

describe('one set of records per message', () => {
  it('a report sent to several RCPT TO yields one set, with the first RCPT TO as sender', () => {
    const raw = dsn(FAILED('gone@remote.example'), ['Message-ID: <m1@sender.example>']);
    const rcptTo = ['bounce-1@bounce.example.com', 'bounce-2@bounce.example.com'];
    const written = records(
      raw,
      envelope('', rcptTo),
      rcptTo.map((a) => policy(a)),
    );
    expect(written.map((r) => r.type)).toEqual(['Reception', 'OOB']);
    expect(written[0]!.recipient).toEqual(rcptTo);
    expect(written[1]!.sender).toBe('bounce-1@bounce.example.com');
    expect(written[1]!.recipient).toBe('gone@remote.example');
  });

  it('takes as sender the first RCPT TO whose domain logs the report', () => {
    const raw = dsn(FAILED('gone@remote.example'), []);
    const ignoring: RecipientPolicy = { ...policy('x@other.example'), logOob: 'Ignore' };
    const written = records(raw, envelope('', ['x@other.example', 'b@bounce.example.com']), [
      ignoring,
      policy('b@bounce.example.com'),
    ]);
    expect(written.filter((r) => r.type === 'OOB').map((r) => r.sender)).toEqual([
      'b@bounce.example.com',
    ]);
  });
});

describe('MDNs as KumoMTA types', () => {
  it('an MDN is the Reception of the message carrying mdn_report: no record of type MDN', () => {
    const raw = fs.readFileSync(path.join(FIXTURES, 'rfc8098', 'rfc8098-example.eml'));
    const written = records(raw, envelope('', ['mdn@bounce.example.com']), [
      policy('mdn@bounce.example.com'),
    ]);
    expect(written.map((r) => r.type)).toEqual(['Reception']);
    expect(written[0]!.bounce_classification).toBe('Uncategorized');
    expect(written[0]!.mdn_report?.disposition.type).toBe('displayed');
    expect(written[0]!.mdn_report?.original_message_id).toBe('199509192301.23456@example.org');
  });
});

describe("KumoMTA's trace header in the returned message", () => {
  const trace = { recipient: 'jane@example.com', tenant: 'acme', campaign: 'spring' };

  it.each([
    ['text/rfc822-headers', 'X-KumoRef'],
    ['message/rfc822', 'X-KumoRef'],
    ['text/rfc822-headers', 'X-Acme-Trace'],
  ])(
    'a DSN returning %s with %s gives OOB records with the decoded supplemental_trace',
    (type, header) => {
      const raw = dsn(
        [...FAILED('jane@example.com'), '', ...FAILED('joe@example.com')],
        ['Message-ID: <m2@sender.example>', `${header}: ${traceValue(trace)}`, 'Subject: hi'],
        type,
      );
      const oob = records(raw, envelope('', ['bounce@bounce.example.com']), [
        policy('bounce@bounce.example.com'),
      ]).filter((r) => r.type === 'OOB');
      expect(oob).toHaveLength(2);
      for (const r of oob) {
        expect(r.oob_report!.supplemental_trace).toEqual(trace);
        expect(r.oob_report!.original_message_id).toBe('m2@sender.example');
      }
    },
  );

  it('decodes a folded trace header, and one pasted into the text of a bounce that is no DSN', () => {
    const value = traceValue(trace);
    const raw = crlf([
      'From: MAILER-DAEMON@mx.remote.example',
      'To: bounce@bounce.example.com',
      'Subject: failure notice',
      '',
      'Hi. This is the qmail-send program at mx.remote.example.',
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      "This is a permanent error; I've given up. Sorry it didn't work out.",
      '',
      '<jane@example.com>:',
      '192.0.2.9 does not like recipient.',
      'Remote host said: 550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown',
      'Giving up on 192.0.2.9.',
      '',
      '--- Below this line is a copy of the message.',
      '',
      'Message-ID: <m3@sender.example>',
      `X-KumoRef: ${value.slice(0, 40)}`,
      `\t${value.slice(40)}`,
      'Subject: hi',
      '',
      'body',
    ]);
    const oob = records(raw, envelope('', ['bounce@bounce.example.com']), [
      policy('bounce@bounce.example.com'),
    ]).filter((r) => r.type === 'OOB');
    expect(oob).toHaveLength(1);
    expect(oob[0]!.oob_report!.supplemental_trace).toEqual(trace);
    expect(oob[0]!.oob_report!.original_message_id).toBe('m3@sender.example');
  });

  it('reads a configured header name that does not start with X- only when [reports] trace_headers names it', () => {
    const raw = dsn(FAILED('jane@example.com'), [`Kumo-Trace: ${traceValue(trace)}`]);
    const env = envelope('', ['bounce@bounce.example.com']);
    const pol = [policy('bounce@bounce.example.com')];
    const oob = (options: ParseOptions) =>
      records(raw, env, pol, options).filter((r) => r.type === 'OOB')[0]!;
    expect(oob({}).oob_report!.supplemental_trace).toBeNull();
    expect(oob({ traceHeaders: ['Kumo-Trace'] }).oob_report!.supplemental_trace).toEqual(trace);
  });

  it('ignores X- headers whose value is base64 JSON without the marker, or is no base64 at all', () => {
    const other = Buffer.from(JSON.stringify({ recipient: 'x@example.com' })).toString('base64');
    const raw = dsn(FAILED('jane@example.com'), [`X-Other: ${other}`, 'X-Mailer: Foo 1.0']);
    const oob = records(raw, envelope('', ['bounce@bounce.example.com']), [
      policy('bounce@bounce.example.com'),
    ]).filter((r) => r.type === 'OOB');
    expect(oob[0]!.oob_report!.supplemental_trace).toBeNull();
  });
});

describe('VERP patterns of listener_domains.toml', () => {
  const address = 'bounce-4711-jane=example.com@bounce.example.com';
  const TEMPLATE = 'bounce-{id}-{local}={domain}@';

  it('decodes the envelope recipient into oob_report.verp', () => {
    const raw = dsn(FAILED('jane@example.com'), []);
    const [, r] = records(raw, envelope('', [address]), [policy(address, TEMPLATE)]);
    expect(r!.oob_report!.verp).toEqual({
      id: '4711',
      local: 'jane',
      domain: 'example.com',
      recipient: 'jane@example.com',
    });
    expect(r!.recipient).toBe('jane@example.com');
    expect(r!.oob_report!.recipient_from).toBeUndefined();
  });

  it('decodes with a regex of named groups', () => {
    const raw = dsn(FAILED('jane@example.com'), []);
    const spec = { regex: '^bounce-(?P<id>\\d+)-(?P<recipient>[^@]+=[^@]+)@' };
    const [, r] = records(raw, envelope('', [address]), [policy(address, spec)]);
    expect(r!.oob_report!.verp).toEqual({ id: '4711', recipient: 'jane=example.com' });
  });

  it('when the report names no recipient, uses the VERP recipient and says so', () => {
    const raw = dsn(
      ['Action: failed', 'Status: 5.1.1', 'Diagnostic-Code: smtp; 550 5.1.1 no such user'],
      [],
    );
    const written = records(raw, envelope('', [address]), [policy(address, TEMPLATE)]);
    const oob = written.filter((r) => r.type === 'OOB');
    expect(oob).toHaveLength(1);
    expect(oob[0]!.recipient).toBe('jane@example.com');
    expect(oob[0]!.oob_report!.recipient_from).toBe('verp');
    expect(oob[0]!.oob_report!.final_recipient).toBeNull();
  });

  it("when the report names no recipient and there is no VERP pattern, uses the trace header's recipient, else none", () => {
    const fields = ['Action: failed', 'Status: 5.1.1'];
    const traced = dsn(fields, [`X-KumoRef: ${traceValue({ recipient: 'jane@example.com' })}`]);
    const [, a] = records(traced, envelope('', ['b@bounce.example.com']), [
      policy('b@bounce.example.com'),
    ]);
    expect(a!.recipient).toBe('jane@example.com');
    expect(a!.oob_report!.recipient_from).toBe('supplemental_trace');
    const [, b] = records(dsn(fields, []), envelope('', ['b@bounce.example.com']), [
      policy('b@bounce.example.com'),
    ]);
    expect(b!.recipient).toBe('');
    expect(b!.oob_report!.recipient_from).toBeUndefined();
  });

  it("keeps both when the report's recipient and the VERP recipient differ", () => {
    const raw = dsn(FAILED('jane.doe@mail.example.com'), []);
    const [, r] = records(raw, envelope('', [address]), [policy(address, TEMPLATE)]);
    expect(r!.recipient).toBe('jane.doe@mail.example.com');
    expect(r!.oob_report!.verp!['recipient']).toBe('jane@example.com');
  });

  it('leaves verp out when the address does not match the pattern', () => {
    const raw = dsn(FAILED('jane@example.com'), []);
    const [, r] = records(raw, envelope('', ['postmaster@bounce.example.com']), [
      policy('postmaster@bounce.example.com', TEMPLATE),
    ]);
    expect(r!.oob_report!.verp).toBeUndefined();
  });
});

describe("every record oobd writes deserialises with KumoMTA's JsonLogRecord", () => {
  const HEURISTIC = fs
    .readdirSync(path.join(FIXTURES, 'heuristic'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `heuristic/${d.name}`);
  const FILES = fixtureFiles([
    'rfc3464',
    'rfc6533',
    'rfc5965',
    'rfc8098',
    'rfc3834',
    'audit',
    ...HEURISTIC,
  ]);

  it('has fixtures of every kind to check', () => {
    expect(FILES.length).toBeGreaterThan(50);
  });

  it('the records serve writes for every fixture (Reception, OOB, Feedback, MDN as Reception), with and without VERP', () => {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const file of FILES) {
      const raw = fs.readFileSync(path.join(FIXTURES, file));
      const address = 'bounce-9-jane=example.com@bounce.example.com';
      for (const written of [
        records(raw, envelope('', [address]), [policy(address, 'bounce-{id}-{local}={domain}@')]),
        records(
          raw,
          envelope('fbl@provider.example', ['a@bounce.example.com', 'b@bounce.example.com']),
          [policy('a@bounce.example.com'), policy('b@bounce.example.com')],
        ),
      ]) {
        for (const r of written) {
          seen.add(r.mdn_report ? 'MDN' : r.type);
          for (const p of kumoSchemaProblems(JSON.parse(JSON.stringify(r))))
            problems.push(`${file} ${r.type}: ${p}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect([...seen].sort()).toEqual(['Feedback', 'MDN', 'OOB', 'Reception']);
  });

  it('the records oobd parse prints, whose peer_address.addr is 0.0.0.0 with no SMTP client', () => {
    const problems: string[] = [];
    const settings = { to: null, from: null, verp: null, parse: {} };
    for (const file of FILES) {
      const raw = fs.readFileSync(path.join(FIXTURES, file));
      for (const line of parseModeRecords(raw, fixtureClassifier(), settings, NOW).records) {
        const r = JSON.parse(line) as LogRecord;
        expect(r.peer_address?.addr).toBe('0.0.0.0');
        for (const p of kumoSchemaProblems(r)) problems.push(`${file} ${r.type}: ${p}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('relay records: Delivery, TransientFailure and Bounce', () => {
    const env = envelope('', ['b@relay.example.com']);
    const request = {
      routingDomain: '[192.0.2.5]:2525',
      mailFrom: '',
      rcptTo: ['b@relay.example.com'],
    };
    for (const status of ['delivered', 'transient', 'permanent'] as const) {
      const r = relayRecord(
        env,
        request,
        {
          status,
          site: '192.0.2.5:2525',
          response: { code: 250, enhanced_code: null, content: 'Ok', command: null },
        },
        NODEID,
        1,
      );
      expect(kumoSchemaProblems(JSON.parse(JSON.stringify(r)))).toEqual([]);
    }
  });

  it('refuses what KumoMTA refuses: an MDN type, a null user_agent, an empty peer address', () => {
    const raw = dsn(FAILED('jane@example.com'), []);
    const [, oob] = records(raw, envelope('', ['b@bounce.example.com']), [
      policy('b@bounce.example.com'),
    ]);
    const good = JSON.parse(JSON.stringify(oob)) as Record<string, unknown>;
    expect(kumoSchemaProblems(good)).toEqual([]);
    expect(kumoSchemaProblems({ ...good, type: 'MDN' })).not.toEqual([]);
    expect(kumoSchemaProblems({ ...good, peer_address: { name: '', addr: '' } })).not.toEqual([]);
    const [feedback] = records(
      arf(['x@recipient.example']),
      envelope('fbl@provider.example', ['fbl@bounce.example.com']),
      [policy('fbl@bounce.example.com')],
    );
    const report = { ...feedback!.feedback_report, user_agent: null };
    expect(kumoSchemaProblems({ ...feedback, feedback_report: report })).not.toEqual([]);
  });
});
