// /metrics and /healthz on a real listener.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'smol-toml';
import { FIXTURES } from '../helpers/fixture-records';
import { sendMessage } from '../helpers/smtp-client';
import {
  DEFAULT_DOMAINS,
  dsnMessage,
  makeTempDir,
  startTestService,
  type TestService,
} from '../helpers/service';

describe('http endpoint', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ config: { http: { listen: '127.0.0.1:0' } } });
  });
  afterAll(() => t.stop());

  it('answers /healthz with 200 ok', async () => {
    const res = await fetch(`http://${t.service.httpAddress}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
  });

  it('counts messages, rejections and records in /metrics', async () => {
    await sendMessage(t.port, { from: '', to: ['a@bounce.example.com'], message: dsnMessage() });
    await sendMessage(t.port, { from: '', to: ['a@unlisted.example'], message: dsnMessage() });
    const text = await (await fetch(`http://${t.service.httpAddress}/metrics`)).text();
    expect(text).toContain('oobd_messages_total{outcome="accepted"} 1');
    expect(text).toContain('oobd_rejections_total{code="550",command="RCPT"} 1');
    expect(text).toMatch(/oobd_records_total\{type="Reception"\} [1-9]/);
  });

  it('counts the recipients a report names that are no bounce, by action, instead of logging them', async () => {
    // RFC 3464 appendix example: two failed recipients and a delayed one.
    const message = readFileSync(join(FIXTURES, 'rfc3464', 'kumomta-2.eml'));
    const reply = await sendMessage(t.port, { from: '', to: ['d@bounce.example.com'], message });
    expect(reply.code).toBe(250);
    const id = reply.text.slice('OK id='.length);
    const records = await t.waitForRecords((all) => all.some((r) => r.id === id));
    expect(records.filter((r) => r.id === id && r.type === 'OOB')).toHaveLength(2);
    const text = await (await fetch(`http://${t.service.httpAddress}/metrics`)).text();
    expect(text).toContain('oobd_recipients_not_bounced_total{action="delayed"} 1');
  });

  it('answers 404 elsewhere', async () => {
    expect((await fetch(`http://${t.service.httpAddress}/nope`)).status).toBe(404);
  });
});

describe('reload status', () => {
  let t: TestService;
  let rules: string;
  beforeAll(async () => {
    const dir = makeTempDir();
    rules = join(dir, 'rules.toml');
    writeFileSync(rules, '[rules]\nInvalidRecipient = ["(?i)no such user"]\n');
    t = await startTestService({
      config: { http: { listen: '127.0.0.1:0' }, classifier: { files: [rules] } },
    });
  });
  afterAll(() => t.stop());

  const metric = async (name: string): Promise<string> => {
    const text = await (await fetch(`http://${t.service.httpAddress}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      .join('\n');
  };
  const value = async (name: string) => Number((await metric(name)).split(' ').pop());

  it('exports whether the last reload worked and when one last did, counts failures, and /healthz says degraded', async () => {
    expect(await metric('oobd_config_last_reload_successful')).toBe(
      'oobd_config_last_reload_successful 1',
    );
    const started = await value('oobd_config_last_reload_success_timestamp_seconds');
    expect(started).toBeGreaterThan(Date.now() / 1000 - 600);

    writeFileSync(t.domainsFile, '["bounce.example.com"]\nlog_oob = "Sometimes"\n');
    expect(t.service.reload().errors).toHaveLength(1);
    expect(await metric('oobd_config_last_reload_successful')).toBe(
      'oobd_config_last_reload_successful 0',
    );
    expect(await metric('oobd_config_reload_failures_total')).toBe(
      'oobd_config_reload_failures_total{files="domains"} 1',
    );
    expect(await value('oobd_config_last_reload_success_timestamp_seconds')).toBe(started);
    const degraded = await fetch(`http://${t.service.httpAddress}/healthz`);
    // Still serving with the last good files: up, but saying so.
    expect(degraded.status).toBe(200);
    const body = await degraded.text();
    expect(body).toMatch(
      /^degraded: the last reload failed at \S+Z; serving with the previous files\n/,
    );
    expect(body).toContain(`${t.domainsFile}: ["bounce.example.com"].log_oob`);

    writeFileSync(t.domainsFile, stringify(DEFAULT_DOMAINS));
    const before = Date.now() / 1000;
    expect(t.service.reload().errors).toEqual([]);
    expect(await metric('oobd_config_last_reload_successful')).toBe(
      'oobd_config_last_reload_successful 1',
    );
    expect(await value('oobd_config_last_reload_success_timestamp_seconds')).toBeGreaterThanOrEqual(
      before,
    );
    const healthy = await fetch(`http://${t.service.httpAddress}/healthz`);
    expect(healthy.status).toBe(200);
    expect(await healthy.text()).toBe('ok\n');
  });

  it('counts a rules reload that keeps the last good rules as a failure', async () => {
    writeFileSync(rules, '[rules]\nInvalidRecipient = ["(unclosed"]\n');
    const report = t.service.reload();
    expect(report.rules).toBe('kept');
    expect(report.errors).toEqual([expect.stringContaining(`${rules}: "InvalidRecipient"[0]`)]);
    expect(await metric('oobd_config_last_reload_successful')).toBe(
      'oobd_config_last_reload_successful 0',
    );
    expect(await metric('oobd_config_reload_failures_total')).toContain(
      'oobd_config_reload_failures_total{files="rules"} 1',
    );
    const body = await (await fetch(`http://${t.service.httpAddress}/healthz`)).text();
    expect(body).toContain(`${rules}: "InvalidRecipient"[0]`);
  });
});
