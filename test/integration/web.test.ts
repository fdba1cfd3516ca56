// The web view's API and event stream on a real service: real SMTP in, real HTTP out.
import { request } from 'node:http';
import { sendMessage } from '../helpers/smtp-client';
import { SseClient } from '../helpers/sse';
import { runCliAsync } from '../helpers/process';
import { dsnMessage, shippedRules, startTestService, type TestService } from '../helpers/service';

const TOKEN = 'test-token-0123456789abcdef';

function dsn(recipient: string, diagnostic: string, status = '5.1.1'): string {
  return dsnMessage({ recipient, diagnostic, status });
}

async function send(t: TestService, message: string): Promise<void> {
  const reply = await sendMessage(t.port, {
    from: '',
    to: ['bounce-1@bounce.example.com'],
    message,
  });
  expect(reply.code).toBe(250);
}

/** GET with any headers (fetch will not send a Host of our choosing). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls `read` until `done` holds for its result (the index follows the folder a moment behind). */
async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('web view API and events', () => {
  let t: TestService;
  let base: string;
  beforeAll(async () => {
    t = await startTestService({ config: { http: { listen: '127.0.0.1:0' } } });
    base = `http://${t.service.httpAddress}`;
  });
  afterAll(() => t.stop());

  it('pushes a record on /events after the 250 that accepted its DSN', async () => {
    const sse = await SseClient.connect(`${base}/events`);
    try {
      expect(sse.response.statusCode).toBe(200);
      expect(sse.response.headers['content-type']).toContain('text/event-stream');
      await send(
        t,
        dsn('pushed@events.example', '550 5.1.1 <pushed@events.example>: user unknown'),
      );
      const events = await sse.waitFor((e) =>
        e.some((x) => x.data.includes('pushed@events.example')),
      );
      const event = events.find((x) => x.data.includes('pushed@events.example'))!;
      const record = JSON.parse(event.data) as {
        type: string;
        recipient: string;
        bounce_classification: string;
      };
      expect(record).toMatchObject({
        type: 'OOB',
        recipient: 'pushed@events.example',
        bounce_classification: 'InvalidRecipient',
      });
      expect(event.id).toMatch(/^p1~/);
      // The data is the line as written to the log: the same record /api/records serves.
      const page = (await (await fetch(`${base}/api/records?domain=events.example`)).json()) as {
        records: unknown[];
      };
      expect(page.records).toEqual([record]);
    } finally {
      sse.close();
    }
  });

  it('resumes from Last-Event-ID with the records written while the client was away, each once', async () => {
    const first = await SseClient.connect(`${base}/events?domain=resume.example`);
    await send(t, dsn('one@resume.example', '550 5.1.1 user unknown'));
    await first.waitFor((e) => e.length === 1);
    const lastId = first.lastEventId!;
    first.close();

    await send(t, dsn('two@resume.example', '550 5.1.1 user unknown'));
    await send(t, dsn('three@resume.example', '552 5.2.2 mailbox full', '5.2.2'));
    const again = await SseClient.connect(`${base}/events?domain=resume.example`, {
      'last-event-id': lastId,
    });
    try {
      await again.waitFor((e) => e.length >= 2);
      await send(t, dsn('four@resume.example', '550 5.1.1 user unknown'));
      await again.waitFor((e) => e.length >= 3);
      expect(again.records().map((r) => r.recipient)).toEqual([
        'two@resume.example',
        'three@resume.example',
        'four@resume.example',
      ]);
    } finally {
      again.close();
    }
  });

  it('resumes from the position /api/records gave, so a page misses nothing written after it loaded', async () => {
    await send(t, dsn('before@position.example', '550 5.1.1 user unknown'));
    await t.waitForRecords((rs) => rs.some((r) => r.recipient === 'before@position.example'));
    const page = (await (await fetch(`${base}/api/records?domain=position.example`)).json()) as {
      records: Array<{ recipient: string }>;
      position: string;
    };
    // The indexer may not have seen the record yet; what it has not seen comes as an event.
    await send(t, dsn('after@position.example', '550 5.1.1 user unknown'));
    const sse = await SseClient.connect(
      `${base}/events?domain=position.example&last_event_id=${encodeURIComponent(page.position)}`,
    );
    try {
      await sse.waitFor((e) => e.some((x) => x.data.includes('after@position.example')));
      const seen = [
        ...page.records.map((r) => r.recipient),
        ...sse.records().map((r) => r.recipient),
      ];
      expect(seen.sort()).toEqual(['after@position.example', 'before@position.example']);
    } finally {
      sse.close();
    }
  });

  it('serves records as JSON, newest first, filtered, paged with a cursor', async () => {
    for (const n of [1, 2, 3])
      await send(t, dsn(`user${n}@paging.example`, `550 5.1.1 user${n} unknown`));
    await send(t, dsn('full@paging.example', '552 5.2.2 mailbox full', '5.2.2'));
    await t.waitForRecords(
      (rs) => rs.filter((r) => String(r.recipient).endsWith('@paging.example')).length === 4,
    );
    // The index follows the folder a moment behind: wait until it has all four.
    type Summary = { total: number; by_class: Array<{ classification: string; count: number }> };
    const summary = await eventually(
      async () =>
        (await (await fetch(`${base}/api/summary?domain=paging.example`)).json()) as Summary,
      (s) => s.total === 4,
    );
    const url = `${base}/api/records?domain=paging.example&class=InvalidRecipient&limit=2`;
    let res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    type Page = { records: Array<{ recipient: string }>; next: string | null };
    const page = (await res.json()) as Page;
    expect(page.records.map((r) => r.recipient)).toEqual([
      'user3@paging.example',
      'user2@paging.example',
    ]);
    res = await fetch(`${url}&cursor=${encodeURIComponent(page.next!)}`);
    const older = (await res.json()) as Page;
    expect(older.records.map((r) => r.recipient)).toEqual(['user1@paging.example']);
    expect(older.next).toBeNull();

    expect(summary.total).toBe(4);
    expect(summary.by_class).toEqual([
      { classification: 'InvalidRecipient', count: 3 },
      { classification: 'QuotaIssues', count: 1 },
    ]);
  });

  it('groups uncategorized replies as `oobd rules audit` does, with the same rule lines', async () => {
    for (const local of ['ann', 'bob', 'cy'])
      await send(
        t,
        dsn(
          `${local}@audit.example`,
          `550 5.0.0 <${local}@audit.example>: the flux capacitor needs 1.21 gigawatts`,
          '5.0.0',
        ),
      );
    await send(
      t,
      dsn('dee@audit.example', '554 5.0.0 the jabberwock ate it, queue id 8F3A2B19C4', '5.0.0'),
    );
    await t.waitForRecords(
      (rs) => rs.filter((r) => String(r.recipient).endsWith('@audit.example')).length === 4,
    );
    type Groups = {
      total: number;
      groups: Array<{ count: number; key: string; pattern: string; rule: string }>;
    };
    const api = await eventually(
      async () =>
        (await (await fetch(`${base}/api/uncategorized?domain=audit.example`)).json()) as Groups,
      (g) => g.total >= 4,
    );
    const audit = await runCliAsync([
      'rules',
      'audit',
      t.logsDir,
      '--json',
      ...shippedRules().flatMap((f) => ['--rules', f]),
    ]);
    expect(audit.code).toBe(0);
    const report = JSON.parse(audit.stdout) as {
      uncategorized: Array<{ count: number; key: string; pattern: string }>;
    };
    const audited = report.uncategorized.filter((g) => api.groups.some((a) => a.key === g.key));
    expect(api.groups.map(({ count, key, pattern }) => ({ count, key, pattern }))).toEqual(
      audited.map(({ count, key, pattern }) => ({ count, key, pattern })),
    );
    expect(api.groups[0]).toMatchObject({
      count: 3,
      key: '550 5.0.0 <address>: the flux capacitor needs <n>.<n> gigawatts',
    });
    expect(api.groups[0]!.rule).toBe(`'${api.groups[0]!.pattern}',`);
  });

  it('answers a bad filter with 400 naming the parameter', async () => {
    const res = await fetch(`${base}/api/records?since=yesterday`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^since: /);
    expect((await fetch(`${base}/api/records?type=Reception`)).status).toBe(400);
  });

  it('serves the suppression list as CSV and JSON, built by the suppression module', async () => {
    await send(t, dsn('gone@suppress.example', '550 5.1.1 <gone@suppress.example>: no such user'));
    await t.waitForRecords((rs) => rs.some((r) => r.recipient === 'gone@suppress.example'));
    const res = await fetch(`${base}/api/suppressions?format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="oobd-suppressions-\d{4}-\d\d-\d\d\.csv"$/,
    );
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('address,kind,reason,count,first_seen,last_seen,last_reply');
    expect(lines.find((l) => l.startsWith('gone@suppress.example,'))).toMatch(
      /^gone@suppress\.example,hard,InvalidRecipient,1,.*,550 5\.1\.1 /,
    );
    const json = (await (await fetch(`${base}/api/suppressions?format=json`)).json()) as Array<{
      address: string;
    }>;
    expect(json.map((r) => r.address)).toContain('gone@suppress.example');
    expect((await fetch(`${base}/api/suppressions?format=xml`)).status).toBe(400);
  });

  it('escapes a reply that holds a script in the page it renders', async () => {
    await send(t, dsn('xss@escape.example', '550 5.0.0 <script>alert(1)</script>', '5.0.0'));
    await t.waitForRecords((rs) => rs.some((r) => r.recipient === 'xss@escape.example'));
    const html = await eventually(
      async () => {
        const res = await fetch(`${base}/?domain=escape.example`);
        expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
        return res.text();
      },
      (text) => text.includes('xss@escape.example'),
    );
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('answers only to loopback host names without a token (no DNS rebinding)', async () => {
    const port = t.service.httpAddress!.split(':').pop()!;
    expect((await get(`${base}/api/summary`, { host: `localhost:${port}` })).status).toBe(200);
    const refused = await get(`${base}/api/summary`, { host: 'rebind.attacker.example' });
    expect(refused.status).toBe(403);
    expect((await get(`${base}/healthz`, { host: 'rebind.attacker.example' })).status).toBe(200);
  });
});

describe('web view with a token', () => {
  let t: TestService;
  let base: string;
  beforeAll(async () => {
    t = await startTestService({ config: { http: { listen: '127.0.0.1:0', token: TOKEN } } });
    base = `http://${t.service.httpAddress}`;
  });
  afterAll(() => t.stop());

  it('requires the bearer token everywhere but /healthz', async () => {
    for (const path of [
      '/',
      '/api/records',
      '/api/summary',
      '/api/suppressions',
      '/events',
      '/metrics',
    ]) {
      const res = await get(`${base}${path}`);
      expect([path, res.status]).toEqual([path, 401]);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="oobd"');
    }
    expect(
      (await get(`${base}/api/records`, { authorization: 'Bearer wrong-token-0123456789' })).status,
    ).toBe(401);
    expect((await get(`${base}/api/records`, { authorization: `Bearer ${TOKEN}` })).status).toBe(
      200,
    );
    expect((await get(`${base}/metrics`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get(`${base}/healthz`)).status).toBe(200);
  });

  it('lets a browser in with ?token= once: a session cookie, and the token gone from the URL', async () => {
    const login = await get(`${base}/?token=${TOKEN}&class=InvalidRecipient`);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/?class=InvalidRecipient');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^oobd_session=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=\//);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;
    const page = await get(`${base}/?class=InvalidRecipient`, { cookie: session });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<table id="records">');
    expect((await get(`${base}/api/summary`, { cookie: session })).status).toBe(200);
    // A browser without the cookie gets a form to enter the token.
    const form = await get(`${base}/`, { accept: 'text/html' });
    expect(form.status).toBe(401);
    expect(form.body).toContain('<input id="token" name="token" type="password"');
    expect(
      (await get(`${base}/?token=not-the-token-0123456`, { accept: 'text/html' })).body,
    ).toContain('not the server');
  });
});
