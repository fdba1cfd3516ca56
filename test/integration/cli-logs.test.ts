// `oobd logs` on real segments: time filters on the reception time, several folders
// merged in reception order, usage errors for unknown types, the Feedback summary.
import { join } from 'node:path';
import { makeRecord, type LogRecord, type RecordType } from '../../src/log/record';
import { LogWriter } from '../../src/log/writer';
import { runCli } from '../helpers/process';
import { sendMessage } from '../helpers/smtp-client';
import { dsnMessage, makeTempDir, startTestService } from '../helpers/service';
import type { FeedbackReport } from '../../src/values';

function jsonLines(text: string): LogRecord[] {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogRecord);
}

let seq = 0;
function record(
  type: RecordType,
  created: Date,
  extra: { time?: Date; label?: string; feedback?: Partial<FeedbackReport> } = {},
): LogRecord {
  const id = (++seq).toString(16).padStart(32, '0');
  return makeRecord(
    { id, created, nodeid: '00000000-0000-0000-0000-000000000000', session_id: 's' },
    {
      type,
      sender: 'bounce@bounce.example.com',
      recipient: `user${seq}@remote.example`,
      queue: 'bounce.example.com',
      response: { code: 550, enhanced_code: null, content: `record ${seq}`, command: null },
      peer_address: null,
      time: extra.time ?? created,
      ...(extra.label ? { bounce_classification: extra.label } : {}),
      ...(extra.feedback
        ? {
            feedback_report: {
              feedback_type: 'abuse',
              user_agent: 'test/1.0',
              version: '1',
              arrival_date: null,
              incidents: null,
              original_envelope_id: null,
              original_mail_from: null,
              reporting_mta: null,
              source_ip: null,
              authentication_results: [],
              original_rcpto_to: [],
              reported_domain: [],
              reported_uri: [],
              extensions: {},
              original_message: null,
              supplemental_trace: null,
              ...extra.feedback,
            },
          }
        : {}),
    },
  );
}

async function writeFolder(records: LogRecord[]): Promise<string> {
  const dir = makeTempDir('oobd-logs-');
  const log = await LogWriter.open({ dir });
  await log.append(records);
  await log.close();
  return dir;
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('oobd logs time filters', () => {
  it('shows a DSN dated 1994 received now with --since 1h, with both times on its line', async () => {
    const t = await startTestService();
    try {
      const dsn = dsnMessage({ recipient: 'old@remote.example' }).replace(
        'Action: failed',
        'Action: failed\r\nLast-Attempt-Date: Thu, 7 Jul 1994 17:16:05 -0400',
      );
      const reply = await sendMessage(t.port, {
        from: '',
        to: ['b@bounce.example.com'],
        message: dsn,
      });
      expect(reply.code).toBe(250);
      await t.waitForRecords((all) => all.some((r) => r.type === 'OOB'));
      const json = jsonLines(runCli(['logs', t.logsDir, '--since', '1h', '--json']).stdout);
      const oob = json.find((r) => r.type === 'OOB');
      expect(oob?.recipient).toBe('old@remote.example');
      // The record keeps the report's own date (KumoMTA's timestamp) ...
      expect(oob?.event_time).toBe('1994-07-07T21:16:05Z');
      // ... and the readable line shows when it arrived and when it is dated.
      const lines = runCli(['logs', t.logsDir, '--since', '1h', '--type', 'OOB']).stdout;
      expect(lines).toMatch(
        /^\d{4}-\d\d-\d\dT\S+ \(event 1994-07-07T21:16:05Z\) OOB \w+ b@bounce\.example\.com -> old@remote\.example /m,
      );
    } finally {
      await t.stop();
    }
  });

  it('filters --since and --until on the reception time, with durations or dates', async () => {
    const dir = await writeFolder([
      record('Reception', minutesAgo(180)),
      record('OOB', minutesAgo(90), { time: new Date('2030-01-01T00:00:00Z') }),
      record('Reception', minutesAgo(5)),
    ]);
    const contents = (args: string[]) =>
      jsonLines(runCli(['logs', dir, '--json', ...args]).stdout).map((r) => r.response.content);
    expect(contents(['--since', '2h'])).toEqual(['record 2', 'record 3']);
    expect(contents(['--until', '1h'])).toEqual(['record 1', 'record 2']);
    expect(contents(['--since', '2h', '--until', '1h'])).toEqual(['record 2']);
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(contents(['--since', day])).toHaveLength(3);
    const bad = runCli(['logs', dir, '--until', 'yesterday-ish']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--until');
  });

  it('says in --help which time the filters use', () => {
    const help = runCli(['logs', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--since .*filters on the reception time \(created\)/);
    expect(help).toContain('--until');
    expect(help).toContain('--config');
  });
});

describe('oobd logs options', () => {
  it('refuses an unknown --type with exit code 2, naming the valid types', async () => {
    const dir = await writeFolder([record('Reception', minutesAgo(1))]);
    const result = runCli(['logs', dir, '--type', 'OOB,Bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--type: unknown record type "Bogus"');
    expect(result.stderr).toContain(
      'Reception, OOB, Feedback, Rejection, Delivery, TransientFailure, Bounce, and MDN (the Receptions that carry an mdn_report)',
    );
  });

  it('warns about an unknown --class, naming the closest label, and still filters on it', async () => {
    const dir = await writeFolder([
      record('OOB', minutesAgo(2), { label: 'InvalidRecipient' }),
      record('OOB', minutesAgo(1), { label: 'MyOwnLabel' }),
    ]);
    const misspelt = runCli(['logs', dir, '--class', 'InvalidRecipent', '--json']);
    expect(misspelt.code).toBe(0);
    expect(misspelt.stderr).toContain(
      'warning: --class "InvalidRecipent" is not a label oobd or the predefined KumoMTA rules write (did you mean InvalidRecipient?)',
    );
    expect(misspelt.stdout).toBe('');
    const known = runCli(['logs', dir, '--class', 'invalidrecipient', '--json']);
    expect(known.stderr).toBe('');
    expect(jsonLines(known.stdout)).toHaveLength(1);
    const own = runCli(['logs', dir, '--class', 'MyOwnLabel', '--json']);
    expect(own.stderr).toContain('warning: --class "MyOwnLabel"');
    expect(jsonLines(own.stdout)).toHaveLength(1);
  });

  it('merges several folders in reception order', async () => {
    // A server's and a worker's folders, each written in its own order.
    const server = await writeFolder([
      record('Reception', minutesAgo(50)),
      record('Reception', minutesAgo(30)),
      record('Reception', minutesAgo(10)),
    ]);
    const worker = await writeFolder([
      record('OOB', minutesAgo(40)),
      record('OOB', minutesAgo(20)),
      record('OOB', minutesAgo(5)),
    ]);
    const result = runCli(['logs', server, worker, '--json']);
    expect(result.code).toBe(0);
    const created = jsonLines(result.stdout).map((r) => Date.parse(r.created_time));
    expect(created).toHaveLength(6);
    expect(created).toEqual([...created].sort((a, b) => a - b));
    expect(jsonLines(result.stdout).map((r) => r.type)).toEqual([
      'Reception',
      'OOB',
      'Reception',
      'OOB',
      'Reception',
      'OOB',
    ]);
    const missing = runCli(['logs', server, join(worker, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`oobd logs: no such file or folder: ${join(worker, 'nope')}\n`);
  });

  it('summarises Feedback by feedback type and reporting domain', async () => {
    const dir = await writeFolder([
      record('Feedback', minutesAgo(3), {
        feedback: {
          feedback_type: 'abuse',
          reporting_mta: { mta_type: 'dns', name: 'feedback.mail.example-isp.net' },
        },
      }),
      record('Feedback', minutesAgo(2), {
        feedback: {
          feedback_type: 'abuse',
          reporting_mta: { mta_type: 'dns', name: 'feedback.mail.example-isp.net' },
        },
      }),
      record('Feedback', minutesAgo(1), {
        feedback: { feedback_type: 'fraud', reporting_mta: null },
      }),
      // No Reporting-MTA (a provider's own complaint format): the client's EHLO name, marked.
      {
        ...record('Feedback', minutesAgo(1), {
          feedback: { feedback_type: 'abuse', reporting_mta: null },
        }),
        peer_address: { name: 'mx.complaints.example', addr: '192.0.2.7' },
      },
    ]);
    const summary = runCli(['logs', dir, '--summary']).stdout;
    expect(summary).toMatch(/Feedback by feedback type\n +3 +abuse\n +1 +fraud\n/);
    expect(summary).toMatch(
      /Feedback by reporting domain \(Reporting-MTA, else the EHLO name\)\n +2 +feedback\.mail\.example-isp\.net\n +1 +\(none\)\n +1 +mx\.complaints\.example \(EHLO\)\n/,
    );
  });

  it('finds a complaint by the domain it is about, and says whom it is about', async () => {
    const dir = await writeFolder([
      record('Feedback', minutesAgo(2), {
        feedback: { original_rcpto_to: ['ann@complainer.example', 'bob@complainer.example'] },
      }),
      record('Feedback', minutesAgo(1), {
        feedback: { original_rcpto_to: ['cy@elsewhere.example'] },
      }),
    ]);
    const lines = runCli(['logs', dir, '--domain', 'complainer.example']).stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(' Feedback abuse ');
    expect(lines[0]).toContain(' about ann@complainer.example,bob@complainer.example ');
  });

  it('filters on the trace header and VERP values with --trace, --campaign and --tenant, and on MDNs with --type MDN', async () => {
    const traced = (trace: Record<string, unknown> | null, verp?: Record<string, string>) => {
      const r = record('OOB', minutesAgo(4));
      r.oob_report = {
        source: 'rfc3464',
        action: 'failed',
        status: '5.1.1',
        final_recipient: r.recipient as string,
        original_recipient: null,
        remote_mta: null,
        reporting_mta: null,
        diagnostic_code: null,
        last_attempt_date: null,
        arrival_date: null,
        original_message_id: null,
        supplemental_trace: trace,
        ...(verp ? { verp } : {}),
      };
      return r;
    };
    const mdn = record('Reception', minutesAgo(1));
    mdn.mdn_report = {
      disposition: { action_mode: null, sending_mode: null, type: 'displayed', modifiers: [] },
      final_recipient: 'reader@remote.example',
      original_recipient: null,
      original_message_id: null,
      reporting_ua: null,
      supplemental_trace: { campaign: 'spring', tenant: 'acme' },
    };
    const records = [
      traced({ campaign: 'spring', tenant: 'acme' }),
      traced({ campaign: 'autumn', tenant: 'acme' }),
      traced(null, { id: '9', campaign: 'spring', tenant: 'other' }),
      record('Reception', minutesAgo(2)),
      mdn,
    ];
    const dir = await writeFolder(records);
    const ids = (args: string[]) => {
      const result = runCli(['logs', dir, '--json', ...args]);
      expect(result.code).toBe(0);
      return jsonLines(result.stdout).map((r) => records.findIndex((x) => x.id === r.id));
    };
    expect(ids(['--campaign', 'spring'])).toEqual([0, 2, 4]);
    expect(ids(['--trace', 'campaign=spring', '--tenant', 'acme'])).toEqual([0, 4]);
    expect(ids(['--trace', 'id=9'])).toEqual([2]);
    expect(ids(['--type', 'MDN'])).toEqual([4]);
    const bad = runCli(['logs', dir, '--trace', 'campaign']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--trace: expected key=value');
    const summary = runCli(['logs', dir, '--summary']).stdout;
    expect(summary).toMatch(
      /OOB and Feedback by campaign \(trace header\)\n +1 +OOB autumn\n +1 +OOB spring\n/,
    );
  });
});
