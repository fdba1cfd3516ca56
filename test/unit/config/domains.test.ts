import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../../src/config/load';
import { DomainMap, lookupKeys, parseRoutingDomain } from '../../../src/config/domains';
import { ErrorCode, OobdError } from '../../../src/errors';

const ROOT = join(__dirname, '../../..');

function map(data: unknown, file = 'domains.toml'): DomainMap {
  return DomainMap.fromData([{ file, data }]);
}

function configError(fn: () => unknown): OobdError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OobdError);
    expect((err as OobdError).code).toBe(ErrorCode.ConfigInvalid);
    return err as OobdError;
  }
  throw new Error('expected a config error');
}

describe('listener domain lookup', () => {
  const domains = map({
    '*': { log_oob: 'LogThenDrop' },
    'example.com': { log_oob: 'LogThenDrop', log_arf: 'LogThenDrop' },
    '*.example.com': { log_arf: 'LogThenDrop' },
    '*.deep.example.com': { relay_to: true, routing_domain: '[192.0.2.1]:2525' },
    'exact.deep.example.com': { log_oob: true, routing_domain: 'relay.internal' },
    listener: {
      '127.0.0.1:2525': {
        'example.com': { log_arf: 'Ignore' },
        '*.other.org': { log_oob: false, log_arf: 'LogThenDrop' },
      },
    },
  });

  it('lists the keys from the name itself through broader wildcards to "*"', () => {
    expect(lookupKeys('a.b.example.com')).toEqual([
      'a.b.example.com',
      '*.b.example.com',
      '*.example.com',
      '*.com',
      '*',
    ]);
  });

  it('prefers an exact entry over a wildcard that also matches', () => {
    expect(domains.lookup('exact.deep.example.com')?.entry).toBe('exact.deep.example.com');
  });

  it('matches a wildcard at any depth below its domain', () => {
    expect(domains.lookup('x.y.deep.example.com')?.entry).toBe('*.deep.example.com');
    expect(domains.lookup('x.example.com')?.entry).toBe('*.example.com');
  });

  it('does not match a wildcard against its own domain', () => {
    expect(domains.lookup('deep.example.com')?.entry).toBe('*.example.com');
  });

  it('falls back to a broader wildcard and then to "*"', () => {
    expect(domains.lookup('a.b.c.example.com')?.entry).toBe('*.example.com');
    expect(domains.lookup('unrelated.net')?.entry).toBe('*');
  });

  it('matches case-insensitively and ignores a trailing dot', () => {
    expect(domains.lookup('EXAMPLE.Com.')?.entry).toBe('example.com');
  });

  it('returns null when nothing matches and there is no "*" entry', () => {
    expect(map({ 'example.com': { log_oob: 'LogThenDrop' } }).lookup('example.org')).toBeNull();
  });

  it('maps true to LogThenRelay and false to Ignore', () => {
    const p = domains.lookup('exact.deep.example.com')!;
    expect(p.logOob).toBe('LogThenRelay');
    expect(p.logArf).toBe('Ignore');
    expect(p.routingDomain).toEqual({
      text: 'relay.internal',
      host: 'relay.internal',
      port: null,
      literal: false,
    });
  });

  it('applies a per-listener override on top of the global entry with the same key', () => {
    const global = domains.lookup('example.com')!;
    const onListener = domains.lookup('example.com', '127.0.0.1:2525')!;
    expect(global.logArf).toBe('LogThenDrop');
    expect(onListener).toMatchObject({
      listener: '127.0.0.1:2525',
      logOob: 'LogThenDrop',
      logArf: 'Ignore',
    });
  });

  it('uses per-listener wildcards only on that listener', () => {
    expect(domains.lookup('a.other.org', '127.0.0.1:2525')).toMatchObject({
      entry: '*.other.org',
      logArf: 'LogThenDrop',
    });
    expect(domains.lookup('a.other.org', '127.0.0.1:2626')?.entry).toBe('*');
  });

  it('falls back to the global table when the listener table has no match', () => {
    expect(domains.lookup('x.example.com', '127.0.0.1:2525')?.entry).toBe('*.example.com');
  });

  it('lets a later file replace an earlier entry', () => {
    const merged = DomainMap.fromData([
      { file: 'a.toml', data: { 'example.com': { log_oob: 'LogThenDrop' } } },
      { file: 'b.toml', data: { 'example.com': { log_arf: 'LogThenDrop' } } },
    ]);
    expect(merged.lookup('example.com')).toMatchObject({ logOob: 'Ignore', logArf: 'LogThenDrop' });
  });
});

describe('listener domain validation', () => {
  it('names the file, the domain and the key of an unknown key, and the key it is a typo of', () => {
    const err = configError(() =>
      map({ 'example.com': { log_oob: 'LogThenDrop', logoob: 1 } }, 'conf/d.toml'),
    );
    expect(err.message).toBe(
      'conf/d.toml: unknown key ["example.com"].logoob (did you mean ["example.com"].log_oob?)',
    );
  });

  it('names the key of a bad disposition and lists the accepted values', () => {
    const err = configError(() => map({ 'example.com': { log_arf: 'LogAndDrop' } }));
    expect(err.message).toContain('["example.com"].log_arf');
    expect(err.message).toContain('"Ignore", "LogThenDrop", "LogThenRelay"');
  });

  it('names the file, the key and the value given of a bad log_oob', () => {
    const err = configError(() =>
      map({ 'bounce.example.com': { log_oob: 'LogAndRelay' } }, 'conf/d.toml'),
    );
    expect(err.message).toBe(
      'conf/d.toml: ["bounce.example.com"].log_oob = "LogAndRelay": expected "Ignore", "LogThenDrop", "LogThenRelay", true (= LogThenRelay) or false (= Ignore)',
    );
  });

  it('echoes a value of the wrong type as the file wrote it', () => {
    expect(configError(() => map({ 'a.example': { log_oob: 3 } })).message).toContain(
      '["a.example"].log_oob = 3: expected',
    );
    expect(
      configError(() => map({ listener: { '127.0.0.1:25': { 'a.example': { log_arf: [] } } } }))
        .message,
    ).toContain('listener["127.0.0.1:25"]["a.example"].log_arf = []: expected');
  });

  it('names the disposition a mistyped one is closest to', () => {
    expect(configError(() => map({ 'a.example': { log_oob: 'logthendrop' } })).message).toContain(
      '= "logthendrop": expected "Ignore", "LogThenDrop", "LogThenRelay", true (= LogThenRelay) or false (= Ignore) (did you mean "LogThenDrop"?)',
    );
    expect(configError(() => map({ 'a.example': { log_oob: 'Drop' } })).message).not.toContain(
      'did you mean',
    );
  });

  it('cuts a long value short in the message', () => {
    const message = configError(() => map({ 'a.example': { log_oob: 'x'.repeat(500) } })).message;
    expect(message).toContain(`= "${'x'.repeat(76)}...: expected`);
  });

  it('requires routing_domain where a message can be relayed', () => {
    expect(configError(() => map({ 'a.example': { log_oob: 'LogThenRelay' } })).message).toBe(
      'domains.toml: ["a.example"].routing_domain: required because LogThenRelay relays messages',
    );
    expect(configError(() => map({ 'b.example': { relay_to: true } })).message).toContain(
      'relay_to = true',
    );
  });

  it('requires routing_domain for a per-listener override that relays', () => {
    const err = configError(() =>
      map({ listener: { '127.0.0.1:25': { 'a.example': { log_oob: true } } } }),
    );
    expect(err.message).toContain('listener["127.0.0.1:25"]["a.example"].routing_domain');
  });

  it('rejects a malformed routing_domain', () => {
    expect(
      configError(() => map({ 'a.example': { relay_to: true, routing_domain: '[not-an-ip]' } }))
        .message,
    ).toContain('routing_domain');
  });

  it('rejects a key that is not a domain, wildcard or "*"', () => {
    expect(configError(() => map({ 'exa mple.com': {} })).message).toContain('not a domain name');
    expect(configError(() => map({ 'a.*.com': {} })).message).toContain('not a domain name');
  });

  it('rejects a listener that is not ip:port', () => {
    expect(configError(() => map({ listener: { 'localhost:25': {} } })).message).toContain(
      'listener "ip:port"',
    );
  });

  it('parses every routing_domain form', () => {
    expect(parseRoutingDomain('[192.168.1.100]')).toEqual({
      text: '[192.168.1.100]',
      host: '192.168.1.100',
      port: null,
      literal: true,
    });
    expect(parseRoutingDomain('[::1]:2525')).toMatchObject({
      host: '::1',
      port: 2525,
      literal: true,
    });
    expect(parseRoutingDomain('mx.example.com:587')).toMatchObject({
      host: 'mx.example.com',
      port: 587,
      literal: false,
    });
    expect(parseRoutingDomain('[192.168.1.100]:0')).toBeNull();
    expect(parseRoutingDomain('bad host')).toBeNull();
  });

  it('takes a verp template or a regex with named groups', () => {
    const domains = map({
      'a.example.com': { log_oob: 'LogThenDrop', verp: 'bounce-{id}-{local}={domain}@' },
      'b.example.com': { log_oob: 'LogThenDrop', verp: { regex: '^b-(?P<id>[0-9]+)@' } },
    });
    expect(domains.lookup('a.example.com')?.verp).toBe('bounce-{id}-{local}={domain}@');
    expect(domains.lookup('b.example.com')?.verp).toEqual({ regex: '^b-(?P<id>[0-9]+)@' });
    expect(
      map({ 'c.example.com': { log_oob: 'LogThenDrop' } }).lookup('c.example.com')?.verp,
    ).toBeNull();
  });

  it('names the file, the domain and the key of a verp pattern that does not compile, and says what to fix', () => {
    const cases: [unknown, string][] = [
      ['bounce-{id-local@', 'without its "}"'],
      ['bounce@', 'names no part'],
      ['{id}@{id}', 'appears twice'],
      [{ regex: '^b-(?P<id>[0-9+@' }, 'not a valid RE2 expression'],
      [{ regex: '^b-[0-9]+@' }, 'no named group'],
      [42, 'expected a template'],
    ];
    for (const [verp, says] of cases) {
      const err = configError(() =>
        map({ 'a.example.com': { log_oob: 'LogThenDrop', verp } }, 'conf/d.toml'),
      );
      expect(err.message).toContain('conf/d.toml');
      expect(err.message).toContain('["a.example.com"].verp');
      expect(err.message).toContain(says);
    }
  });

  it('parses the commented verp example of the shipped file once uncommented', () => {
    const text = readFileSync(join(ROOT, 'config/listener_domains.toml'), 'utf8');
    const start = text.indexOf('# ["verp.bounce.example.com"]');
    expect(start).toBeGreaterThan(0);
    const block = text.slice(start).split('\n\n')[0]!;
    const uncommented = block
      .split('\n')
      .map((line) => line.slice(2))
      .join('\n');
    const domains = DomainMap.fromData([
      {
        file: 'listener_domains.toml',
        data: parseConfigText('listener_domains.toml', uncommented),
      },
    ]);
    expect(domains.lookup('verp.bounce.example.com')?.verp).toBe('bounce-{id}-{local}={domain}@');
  });

  it('loads the shipped listener_domains.toml', () => {
    const shipped = DomainMap.load([join(ROOT, 'config/listener_domains.toml')]);
    expect(shipped.lookup('bounce.example.com')).toMatchObject({
      logOob: 'LogThenDrop',
      logArf: 'LogThenDrop',
    });
    expect(shipped.lookup('customer1.bounce.example.com')?.entry).toBe('*.bounce.example.com');
    expect(shipped.lookup('unlisted.example.org')).toBeNull();
  });

  it('reports an unreadable file with its path', () => {
    try {
      DomainMap.load(['/nonexistent/domains.toml']);
      throw new Error('expected an error');
    } catch (err) {
      expect((err as OobdError).code).toBe(ErrorCode.FileUnreadable);
      expect((err as OobdError).message).toContain('/nonexistent/domains.toml');
    }
  });
});
