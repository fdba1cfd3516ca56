import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_RULES, SHIPPED_RULES_FILES } from '../../../src/config/paths';
import { buildServerConfig, checkConfigFiles, loadServerConfig } from '../../../src/config/server';
import { parseConfigText } from '../../../src/config/load';
import { parseDuration, parseListen, parseSize } from '../../../src/config/units';
import type { OobdError } from '../../../src/errors';
import { ErrorCode } from '../../../src/errors';

const ROOT = join(__dirname, '../../..');

function invalid(data: unknown): OobdError {
  try {
    buildServerConfig('oobd.toml', data, {});
  } catch (err) {
    expect((err as OobdError).code).toBe(ErrorCode.ConfigInvalid);
    return err as OobdError;
  }
  throw new Error('expected a config error');
}

describe('server configuration', () => {
  it('loads the shipped config/oobd.toml with the documented values', () => {
    const config = loadServerConfig(join(ROOT, 'config/oobd.toml'), {});
    expect(config.smtp.listen).toEqual([{ host: '127.0.0.1', port: 2525 }]);
    expect(config.smtp.max_message_size).toBe(10 * 1024 * 1024);
    expect(config.classifier.files).toEqual(
      ['providers', 'phrases', 'iana', 'context'].map((f) => join(ROOT, `rules/${f}.toml`)),
    );
    expect(config.classifier.files).toEqual(SHIPPED_RULES_FILES.map((f) => join(ROOT, f)));
    expect(config.domains.files).toEqual([join(ROOT, 'config/listener_domains.toml')]);
    expect(config.queue.mode).toBe('inline');
    expect(config.logs.max_segment_duration).toBe(600_000);
    expect(config.http.listen).toEqual({ host: '127.0.0.1', port: 9025 });
  });

  it('fills every default from the schema when the file is empty', () => {
    const config = buildServerConfig('empty.toml', {}, {});
    expect(config.smtp.max_clients).toBe(1000);
    expect(config.classifier.back_pressure).toBe(131072);
    expect(config.classifier.pool_size).toBeGreaterThanOrEqual(1);
    expect(config.queue.concurrency).toBe(1);
    expect(config.relay.concurrency).toBe(64);
  });

  it('freezes the result', () => {
    const config = buildServerConfig('x.toml', {}, {});
    expect(Object.isFrozen(config.smtp)).toBe(true);
    expect(() => {
      (config.smtp as { max_clients: number }).max_clients = 1;
    }).toThrow();
  });

  it('lets REDIS_URL override queue.redis_url', () => {
    const config = buildServerConfig(
      'x.toml',
      { queue: { redis_url: 'redis://a:1' } },
      { REDIS_URL: 'redis://b:2' },
    );
    expect(config.queue.redis_url).toBe('redis://b:2');
  });

  it('takes a list of node URLs in queue.redis_url as a Redis Cluster, and REDIS_URL with commas as one', () => {
    const nodes = ['redis://10.0.0.1:7000', 'redis://10.0.0.2:7000'];
    expect(
      buildServerConfig('x.toml', { queue: { redis_url: nodes } }, {}).queue.redis_url,
    ).toEqual(nodes);
    expect(
      buildServerConfig('x.toml', { queue: { redis_url: ['redis://10.0.0.1:7000'] } }, {}).queue
        .redis_url,
    ).toEqual(['redis://10.0.0.1:7000']);
    expect(
      buildServerConfig('x.toml', {}, { REDIS_URL: 'redis://10.0.0.1:7000, redis://10.0.0.2:7000' })
        .queue.redis_url,
    ).toEqual(nodes);
  });

  it('names queue.redis_url or REDIS_URL when a Redis URL is wrong', () => {
    expect(invalid({ queue: { redis_url: 'localhost:6379' } }).message).toBe(
      'oobd.toml: queue.redis_url: expected a redis:// or rediss:// URL, got "localhost:6379"',
    );
    expect(invalid({ queue: { redis_url: [] } }).message).toContain(
      'queue.redis_url: a Redis Cluster needs at least one node URL',
    );
    expect(invalid({ queue: { redis_url: ['redis://a:1/2', 'redis://b:1'] } }).message).toContain(
      'queue.redis_url: a Redis Cluster has only database 0',
    );
    expect(invalid({ queue: { redis_url: 6379 } }).message).toContain(
      'queue.redis_url: expected a URL or a list of URLs',
    );
    expect(() => buildServerConfig('x.toml', {}, { REDIS_URL: 'http://a:1' })).toThrow(
      'x.toml: REDIS_URL (environment): expected a redis:// or rediss:// URL, got "http://a:1"',
    );
  });

  it('reads queue.dedup_window as a duration, 24 hours unless set', () => {
    expect(buildServerConfig('x.toml', {}, {}).queue.dedup_window).toBe(86_400_000);
    expect(
      buildServerConfig('x.toml', { queue: { dedup_window: '2h' } }, {}).queue.dedup_window,
    ).toBe(7_200_000);
    expect(buildServerConfig('x.toml', { queue: { dedup_window: 0 } }, {}).queue.dedup_window).toBe(
      0,
    );
    expect(invalid({ queue: { dedup_window: 'a day' } }).message).toContain('queue.dedup_window');
  });

  it('names the file and the section.key of an unknown key, and the allowed key it is a typo of', () => {
    expect(invalid({ smtp: { listen: ['127.0.0.1:25'], hostnme: 'x' } }).message).toBe(
      'oobd.toml: unknown key smtp.hostnme (did you mean smtp.hostname?)',
    );
    expect(invalid({ smpt: {} }).message).toBe('oobd.toml: unknown key smpt (did you mean smtp?)');
    // A key near none of the section's keys gets no guess.
    expect(invalid({ logs: { compression: 'zstd' } }).message).toBe(
      'oobd.toml: unknown key logs.compression',
    );
  });

  it('names the key of a bad value', () => {
    expect(invalid({ smtp: { max_message_size: 'ten megabytes' } }).message).toContain(
      'oobd.toml: smtp.max_message_size:',
    );
    expect(invalid({ smtp: { listen: ['localhost:25'] } }).message).toContain('smtp.listen[0]');
    expect(invalid({ queue: { mode: 'kafka' } }).message).toContain('queue.mode');
    expect(invalid({ logs: { max_segment_duration: '10 fortnights' } }).message).toContain(
      'logs.max_segment_duration',
    );
  });

  it('refuses a duration without a unit, naming the file and key and showing the form to write', () => {
    expect(invalid({ smtp: { idle_timeout: 300 } }).message).toBe(
      'oobd.toml: smtp.idle_timeout: 300 has no unit: write "300s" for seconds or "300ms" for ' +
        'milliseconds (units ms, s, m, h, d; compounds such as "1h30m")',
    );
    expect(invalid({ queue: { backoff: '250' } }).message).toContain(
      'oobd.toml: queue.backoff: "250" has no unit: write "250s"',
    );
    expect(
      buildServerConfig('x.toml', { smtp: { idle_timeout: '300s' } }, {}).smtp.idle_timeout,
    ).toBe(300_000);
  });

  it('reads a size given as a bare number as bytes, as KumoMTA does', () => {
    const config = buildServerConfig('x.toml', { smtp: { max_message_size: 20_000 } }, {});
    expect(config.smtp.max_message_size).toBe(20_000);
    expect(invalid({ smtp: { max_message_size: 1.5 } }).message).toContain(
      'oobd.toml: smtp.max_message_size: expected a size such as "10MB", "10MiB", "512KB" or a whole number of bytes, got 1.5 (units: B, KB/KiB, MB/MiB, GB/GiB, TB/TiB, all 1024-based: 1KB = 1KiB = 1024 bytes)',
    );
  });

  it('takes the IEC units KiB, MiB and GiB for every size key, each the same 1024-based size as KB, MB and GB', () => {
    const config = buildServerConfig(
      'x.toml',
      {
        smtp: { max_message_size: '10MiB' },
        classifier: { smtp_thread_max_bytes: '16KiB' },
        queue: { quarantine_max_bytes: '2GiB' },
        logs: { max_segment_bytes: '512 mib' },
      },
      {},
    );
    expect(config.smtp.max_message_size).toBe(10 * 1024 * 1024);
    expect(config.classifier.smtp_thread_max_bytes).toBe(16 * 1024);
    expect(config.queue.quarantine_max_bytes).toBe(2 * 1024 ** 3);
    expect(config.logs.max_segment_bytes).toBe(512 * 1024 ** 2);
    // KB and MB keep their documented meaning: binary, the same as KiB and MiB.
    const kb = buildServerConfig('x.toml', { smtp: { max_message_size: '10MB' } }, {});
    expect(kb.smtp.max_message_size).toBe(config.smtp.max_message_size);
  });

  it('lists the accepted size units when a size has another', () => {
    const message = invalid({ smtp: { max_message_size: '10 megs' } }).message;
    expect(message).toContain('oobd.toml: smtp.max_message_size:');
    for (const unit of ['KB/KiB', 'MB/MiB', 'GB/GiB', '1024-based'])
      expect(message).toContain(unit);
    expect(message).toContain('got "10 megs"');
  });

  it('requires tls_key and tls_cert together', () => {
    expect(invalid({ smtp: { tls_key: '/k.pem' } }).message).toContain(
      'smtp.tls_cert: tls_key and tls_cert must be set together',
    );
  });

  it('loads the shipped config/oobd.toml from any working directory, its files from the package', () => {
    const cwd = join(tmpdir(), 'anywhere');
    const config = buildServerConfig(
      join(ROOT, 'config/oobd.toml'),
      parseConfigText(
        'x.toml',
        '[domains]\nfiles = ["listener_domains.toml"]\n[classifier]\nfiles = ["../rules/iana.toml"]',
      ),
      {},
      cwd,
    );
    expect(config.domains.files).toEqual([join(ROOT, 'config/listener_domains.toml')]);
    expect(config.classifier.files).toEqual([join(ROOT, 'rules/iana.toml')]);
    // Folders it leaves out are written where oobd runs, not into the package.
    expect(config.logs.dir).toBe(join(cwd, 'logs'));
    expect(config.queue.quarantine_dir).toBe(join(cwd, 'quarantine'));
  });

  it("resolves every relative path written in the file against the file's folder", () => {
    const config = buildServerConfig(
      'etc/oobd/oobd.toml',
      {
        smtp: { tls_key: 'tls/key.pem', tls_cert: '/abs/cert.pem' },
        domains: { files: ['domains.toml'] },
        classifier: { files: ['rules/a.toml', '../b.json5'] },
        logs: { dir: '../../var/logs' },
        queue: { quarantine_dir: 'q' },
      },
      {},
      '/srv',
    );
    expect(config.smtp.tls_key).toBe('/srv/etc/oobd/tls/key.pem');
    expect(config.smtp.tls_cert).toBe('/abs/cert.pem');
    expect(config.domains.files).toEqual(['/srv/etc/oobd/domains.toml']);
    expect(config.classifier.files).toEqual(['/srv/etc/oobd/rules/a.toml', '/srv/etc/b.json5']);
    expect(config.logs.dir).toBe('/srv/var/logs');
    expect(config.queue.quarantine_dir).toBe('/srv/etc/oobd/q');
  });

  it('defaults to the shipped rules, listener_domains.toml beside the file, and folders in the working directory', () => {
    const config = buildServerConfig('/etc/oobd/oobd.toml', {}, {}, '/var/lib/oobd');
    expect(config.classifier.files).toEqual([...PACKAGE_RULES]);
    expect(config.domains.files).toEqual(['/etc/oobd/listener_domains.toml']);
    expect(config.logs.dir).toBe('/var/lib/oobd/logs');
    expect(config.queue.quarantine_dir).toBe('/var/lib/oobd/quarantine');
  });

  it('names the config file and the key of every file it names that cannot be read', () => {
    const dir = join(tmpdir(), `oobd-named-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'listener_domains.toml'), '');
    const file = join(dir, 'oobd.toml');
    const config = buildServerConfig(
      file,
      {
        classifier: { files: ['../nowhere/rules.toml'] },
        smtp: { tls_key: 'k.pem', tls_cert: 'c.pem' },
      },
      {},
    );
    try {
      checkConfigFiles(config, { smtp: true });
      throw new Error('expected an error');
    } catch (err) {
      expect((err as OobdError).code).toBe(ErrorCode.FileUnreadable);
      const lines = (err as OobdError).message.split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toBe(
        `${join(tmpdir(), 'nowhere/rules.toml')}: cannot read: ENOENT: no such file or directory, stat '${join(tmpdir(), 'nowhere/rules.toml')}' (classifier.files[0] in ${file})`,
      );
      expect(lines[1]).toContain(`(smtp.tls_key in ${file})`);
      expect(lines[2]).toContain(`(smtp.tls_cert in ${file})`);
      expect(lines[3]).toBe(`relative paths in ${file} resolve against its own folder, ${dir}`);
    }
    // A worker reads no domains or TLS files: only the rules are its concern.
    expect(() => checkConfigFiles(config, { smtp: false })).toThrow(
      /^[^\n]*classifier\.files\[0\][^\n]*\nrelative paths in [^\n]*$/,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells where the shipped rules are when a copy of the shipped config moved away from them', () => {
    // The operator's first step in production: config/oobd.toml copied to /etc/oobd,
    // whose "../rules/providers.toml" ... now name files beside nothing.
    const dir = join(tmpdir(), `oobd-copied-${process.pid}`, 'etc-oobd');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'listener_domains.toml'), '');
    const file = join(dir, 'oobd.toml');
    const files = SHIPPED_RULES_FILES.map((f) => `../${f}`);
    const config = buildServerConfig(file, { classifier: { files } }, {});
    try {
      checkConfigFiles(config, { smtp: true });
      throw new Error('expected an error');
    } catch (err) {
      const lines = (err as OobdError).message.split('\n');
      expect(lines).toHaveLength(SHIPPED_RULES_FILES.length + 2);
      expect(lines.at(-1)).toBe(
        `the rules oobd ships are in ${join(PACKAGE_RULES[0]!, '..')}: leave classifier.files out of ${file} to use them, or give their absolute paths`,
      );
    }
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('reads JSON5 by extension', () => {
    expect(parseConfigText('x.json5', '{smtp: {max_clients: 5, /* c */}}')).toEqual({
      smtp: { max_clients: 5 },
    });
  });

  it('reports TOML syntax errors with the file name', () => {
    try {
      parseConfigText('bad.toml', '[smtp\nlisten = 1');
      throw new Error('expected an error');
    } catch (err) {
      expect((err as OobdError).code).toBe(ErrorCode.FileUnreadable);
      expect((err as OobdError).message).toMatch(/^bad\.toml: not valid TOML/);
    }
  });
});

describe('config units', () => {
  it('parses sizes with binary multiples', () => {
    expect(parseSize('10MB')).toBe(10485760);
    expect(parseSize('512 kb')).toBe(524288);
    expect(parseSize(42)).toBe(42);
    expect(parseSize('1.5GB')).toBe(1610612736);
    expect(parseSize('10MiB')).toBe(10485760);
    expect(parseSize('512 KiB')).toBe(524288);
    expect(parseSize('1GiB')).toBe(1073741824);
    expect(parseSize('1TiB')).toBe(1024 ** 4);
    expect(parseSize('10Mib')).toBe(10485760);
    expect(parseSize('10MiBs')).toBeNull();
    expect(parseSize('ten')).toBeNull();
    expect(parseSize(-1)).toBeNull();
  });

  it('parses durations, compound ones included', () => {
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30')).toBeNull();
    expect(parseDuration('soon')).toBeNull();
  });

  it('parses IPv4 and bracketed IPv6 listeners and refuses host names', () => {
    expect(parseListen('0.0.0.0:25')).toEqual({ host: '0.0.0.0', port: 25 });
    expect(parseListen('[::1]:2525')).toEqual({ host: '::1', port: 2525 });
    expect(parseListen('localhost:25')).toBeNull();
    expect(parseListen('127.0.0.1:70000')).toBeNull();
    expect(parseListen('::1:25')).toBeNull();
  });

  it.each([
    ['2525', 'a port needs its address: "127.0.0.1:2525" (this machine only) or "0.0.0.0:2525"'],
    [':25', 'a port needs its address: "127.0.0.1:25"'],
    ['127.0.0.1:65536', 'port 65536 is out of range (0-65535)'],
    ['localhost:2525', '"localhost" is not an IP address: listeners bind IP addresses'],
    ['mx1.example.net:25', '"mx1.example.net" is not an IP address'],
    ['::1:2525', 'an IPv6 address takes brackets: "[::1]:PORT"'],
    ['2001:db8::25', 'an IPv6 address takes brackets'],
    ['127.0.0.1', 'the port is missing: "127.0.0.1:PORT"'],
    ['[::1]', ''],
  ])('says why the listener %j is refused and how to write it', (value, problem) => {
    const file = join(tmpdir(), 'oobd-listen.toml');
    const attempt = () => buildServerConfig(file, { smtp: { listen: [value] } }, {});
    expect(attempt).toThrow(
      `smtp.listen[0]: expected "ip:port" or "[ipv6]:port" with an IP address, got ${JSON.stringify(value)}`,
    );
    if (problem !== '') expect(attempt).toThrow(problem);
  });
});
