// The [[hooks]] and [suppressions] parts of oobd.toml: defaults, and errors that name
// the file and the key.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../../src/config/load';
import {
  buildServerConfig,
  loadServerConfig,
  serverConfigSchema,
} from '../../../src/config/server';
import { ErrorCode, type OobdError } from '../../../src/errors';
import { makeTempDir } from '../../helpers/tmp';

function invalid(data: unknown, file = 'oobd.toml'): OobdError {
  try {
    buildServerConfig(file, data, {});
  } catch (err) {
    expect((err as OobdError).code).toBe(ErrorCode.ConfigInvalid);
    return err as OobdError;
  }
  throw new Error('expected a config error');
}

describe('hooks configuration', () => {
  it('fills the documented defaults of a hook', () => {
    const config = buildServerConfig(
      'oobd.toml',
      { hooks: [{ name: 'app', url: 'https://app.example/bounces' }] },
      {},
    );
    expect(config.hooks).toEqual([
      {
        name: 'app',
        url: 'https://app.example/bounces',
        types: ['OOB', 'Feedback', 'MDN'],
        batch_size: 100,
        max_batch_bytes: 1024 ** 2,
        timeout: 10_000,
        headers: {},
        backoff: 1000,
        max_backoff: 300_000,
        max_lag: 900_000,
        start_from: 'now',
      },
    ]);
    expect(Object.isFrozen(config.hooks[0])).toBe(true);
  });

  it('has no hooks and the documented suppression rules when the file says nothing', () => {
    const config = buildServerConfig('oobd.toml', {}, {});
    expect(config.hooks).toEqual([]);
    expect(config.suppressions).toEqual({
      classes: ['InvalidRecipient', 'BadDomain', 'InactiveMailbox'],
      feedback_types: ['abuse', 'fraud'],
      soft_classes: ['QuotaIssues', 'MessageExpired'],
      soft_threshold: 3,
      soft_window: 30 * 86_400_000,
    });
  });

  it('names the file and the key of a url that is not http or https', () => {
    expect(invalid({ hooks: [{ name: 'a', url: 'ftp://app.example/x' }] }).message).toBe(
      'oobd.toml: hooks[0].url: expected an http:// or https:// URL, got "ftp://app.example/x" (scheme ftp:)',
    );
    expect(invalid({ hooks: [{ name: 'a', url: 'app.example/bounces' }] }).message).toBe(
      'oobd.toml: hooks[0].url: expected an http:// or https:// URL, got "app.example/bounces"',
    );
  });

  it('suggests the colon a url left out after http', () => {
    expect(invalid({ hooks: [{ name: 'a', url: 'http//127.0.0.1:8080/oobd' }] }).message).toBe(
      'oobd.toml: hooks[0].url: expected an http:// or https:// URL, got "http//127.0.0.1:8080/oobd" (did you mean "http://127.0.0.1:8080/oobd"?)',
    );
  });

  it.each([6000, 6667, 10080, 5060])(
    'refuses a url on port %i, which fetch never connects to, as Node itself does',
    async (port) => {
      const url = `http://127.0.0.1:${port}/oobd`;
      expect(invalid({ hooks: [{ name: 'a', url }] }).message).toBe(
        `oobd.toml: hooks[0].url: port ${port} is on fetch's list of blocked ports (WHATWG Fetch "bad port"): every POST would fail; run the receiver on another port, or behind a proxy on one`,
      );
      // Node's own fetch refuses it before connecting: what every POST would meet.
      const refused = await fetch(url, { method: 'POST' }).then(
        () => null,
        (err: Error & { cause?: Error }) => err.cause?.message ?? err.message,
      );
      expect(refused).toBe('bad port');
    },
  );

  it('takes a url on the ports next to the blocked ones', () => {
    for (const port of [6001, 8080, 10081, 5062]) {
      const config = buildServerConfig(
        'oobd.toml',
        { hooks: [{ name: 'a', url: `http://127.0.0.1:${port}/oobd` }] },
        {},
      );
      expect(config.hooks[0]!.url).toBe(`http://127.0.0.1:${port}/oobd`);
    }
  });

  it('names the file and the key of a duplicate hook name, case-insensitively', () => {
    const err = invalid({
      hooks: [
        { name: 'app', url: 'http://127.0.0.1:8080/a' },
        { name: 'crm', url: 'http://127.0.0.1:8080/b' },
        { name: 'App', url: 'http://127.0.0.1:8080/c' },
      ],
    });
    expect(err.message).toBe(
      'oobd.toml: hooks[2].name: duplicate hook name "App" (also hooks[0].name); names key the checkpoints, so each must be unique',
    );
  });

  it('names the file and the key of an unknown key in a hook or in [suppressions]', () => {
    expect(
      invalid({ hooks: [{ name: 'a', url: 'http://127.0.0.1:8080/', batchsize: 5 }] }).message,
    ).toBe('oobd.toml: unknown key hooks[0].batchsize (did you mean hooks[0].batch_size?)');
    expect(invalid({ suppressions: { soft_treshold: 2 } }).message).toBe(
      'oobd.toml: unknown key suppressions.soft_treshold (did you mean suppressions.soft_threshold?)',
    );
  });

  it('reports the real file path when the config is read from disk', () => {
    const dir = makeTempDir();
    const file = join(dir, 'oobd.toml');
    writeFileSync(
      file,
      '[[hooks]]\nname = "app"\nurl = "https://app.example/b"\n\n[[hooks]]\nname = "app"\nurl = "mailto:x@y"\n',
    );
    try {
      loadServerConfig(file, {});
      throw new Error('expected a config error');
    } catch (err) {
      expect((err as OobdError).code).toBe(ErrorCode.ConfigInvalid);
      expect((err as OobdError).message).toContain(
        `${file}: hooks[1].url: expected an http:// or https:// URL`,
      );
      expect((err as OobdError).message).toContain(
        `${file}: hooks[1].name: duplicate hook name "app"`,
      );
    }
  });

  it('rejects a bad name, type, timeout, batch size and a header oobd sets itself', () => {
    const base = { url: 'http://127.0.0.1:8080/' };
    expect(invalid({ hooks: [{ ...base, name: '../etc' }] }).message).toContain(
      'hooks[0].name: a hook name is',
    );
    expect(
      invalid({ hooks: [{ ...base, name: 'a', types: ['OOB', 'Bounced'] }] }).message,
    ).toContain('hooks[0].types[1]');
    expect(invalid({ hooks: [{ ...base, name: 'a', timeout: 'soon' }] }).message).toContain(
      'hooks[0].timeout: expected a duration',
    );
    expect(invalid({ hooks: [{ ...base, name: 'a', batch_size: 0 }] }).message).toContain(
      'hooks[0].batch_size',
    );
    expect(
      invalid({ hooks: [{ ...base, name: 'a', headers: { 'X-Oobd-Signature': 'x' } }] }).message,
    ).toContain('hooks[0].headers.X-Oobd-Signature: set by oobd itself');
    expect(
      invalid({ hooks: [{ ...base, name: 'a', headers: { 'Bad Header': 'x' } }] }).message,
    ).toContain('not a valid HTTP header name');
    expect(
      invalid({ hooks: [{ ...base, name: 'a', headers: { 'X-Token': 'a\r\nX-Evil: 1' } }] })
        .message,
    ).toContain('hooks[0].headers.X-Token: a header value cannot hold a line break');
    expect(invalid({ hooks: [{ name: 'a', url: 'https://u:p@app.example/b' }] }).message).toContain(
      'hooks[0].url: credentials in the URL are not sent',
    );
  });

  it('takes classes, secret, headers and units', () => {
    const config = buildServerConfig(
      'oobd.toml',
      {
        hooks: [
          {
            name: 'crm',
            url: 'http://127.0.0.1:8080/hook',
            types: ['OOB', 'Feedback'],
            classes: ['InvalidRecipient'],
            batch_size: 10,
            timeout: '2s',
            secret: 's3cret',
            headers: { Authorization: 'Bearer t' },
            max_lag: '1h',
            start_from: 'oldest',
          },
        ],
      },
      {},
    );
    expect(config.hooks[0]).toMatchObject({
      classes: ['InvalidRecipient'],
      timeout: 2000,
      secret: 's3cret',
      headers: { Authorization: 'Bearer t' },
      max_lag: 3_600_000,
      start_from: 'oldest',
    });
  });
});

describe("trace values: a hook's trace filter and [reports] trace_headers", () => {
  it("takes a hook's trace table and the header names of [reports]", () => {
    const config = buildServerConfig(
      'oobd.toml',
      {
        hooks: [{ name: 'acme', url: 'http://127.0.0.1:8080/hook', trace: { tenant: 'acme' } }],
        reports: { trace_headers: ['Kumo-Trace'] },
      },
      {},
    );
    expect(config.hooks[0]!.trace).toEqual({ tenant: 'acme' });
    expect(config.reports.trace_headers).toEqual(['Kumo-Trace']);
    expect(buildServerConfig('x.toml', {}, {}).reports.trace_headers).toEqual([]);
  });

  it('names the file and the key of a header name that is none, and of a trace value that is no string', () => {
    const header = invalid({ reports: { trace_headers: ['Kumo Trace:'] } });
    expect(header.message).toContain('oobd.toml');
    expect(header.message).toContain('reports.trace_headers');
    const trace = invalid({
      hooks: [{ name: 'a', url: 'http://127.0.0.1/h', trace: { tenant: 7 } }],
    });
    expect(trace.message).toContain('hooks');
    expect(trace.message).toContain('trace');
  });
});

describe('the commented hook and suppression examples of config/oobd.toml', () => {
  it('parse once uncommented, with the values they show', () => {
    const text = readFileSync(join(__dirname, '../../../config/oobd.toml'), 'utf8');
    const start = text.indexOf('# [[hooks]]');
    expect(start).toBeGreaterThan(0);
    const uncommented = text
      .slice(start)
      .split('\n')
      .filter((line) => /^# (\[|[a-z_]+ = )/.test(line))
      .map((line) => line.slice(2))
      .join('\n');
    const config = buildServerConfig('oobd.toml', parseConfigText('oobd.toml', uncommented), {});
    expect(config.hooks[0]).toMatchObject({
      name: 'app',
      classes: ['InvalidRecipient', 'BadDomain'],
      trace: { tenant: 'acme' },
      secret: 'change-me',
      max_lag: 900_000,
    });
    expect(config.suppressions).toEqual(buildServerConfig('x.toml', {}, {}).suppressions);
    // Commented out, the shipped file starts without hooks.
    expect(loadServerConfig(join(__dirname, '../../../config/oobd.toml'), {}).hooks).toEqual([]);
  });
});

describe('hooks documentation', () => {
  it('gives every [[hooks]] key the config accepts a row in the table of docs/hooks.md', () => {
    const keys = Object.keys(serverConfigSchema.shape.hooks.unwrap().element.shape);
    const table = readFileSync(join(__dirname, '../../../docs/hooks.md'), 'utf8');
    const documented = new Set(
      [...table.matchAll(/^\| ((?:`[a-z_]+`(?:, )?)+) +\|/gm)].flatMap((m) =>
        [...m[1]!.matchAll(/`([a-z_]+)`/g)].map((k) => k[1]!),
      ),
    );
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((k) => !documented.has(k))).toEqual([]);
  });
});
