// /metrics and /healthz on a real listener.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/fixture-records';
import { sendMessage } from '../helpers/smtp-client';
import { dsnMessage, startTestService, type TestService } from '../helpers/service';

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
