// [http]: the token the web view needs off loopback.
import { buildServerConfig, isLoopback } from '../../../src/config/server';
import { ErrorCode, type OobdError } from '../../../src/errors';

const TOKEN = 'a'.repeat(16);

function error(data: unknown, env: NodeJS.ProcessEnv = {}): OobdError {
  try {
    buildServerConfig('oobd.toml', data, env);
  } catch (err) {
    expect((err as OobdError).code).toBe(ErrorCode.ConfigInvalid);
    return err as OobdError;
  }
  throw new Error('expected a config error');
}

describe('http configuration', () => {
  it('needs no token on a loopback address, and has the web view on by default', () => {
    const config = buildServerConfig('oobd.toml', { http: { listen: '[::1]:9025' } }, {});
    expect(config.http).toEqual({
      listen: { host: '::1', port: 9025 },
      web: true,
      web_max_records: 2_000_000,
    });
    expect(isLoopback('127.0.0.2')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('::')).toBe(false);
  });

  it('names the file and http.token when listen is not loopback and no token is set', () => {
    expect(error({ http: { listen: '0.0.0.0:9025' } }).message).toBe(
      'oobd.toml: http.token: required when listen (0.0.0.0:9025) is not a loopback address: the web view shows recipient addresses; set http.token (or OOBD_HTTP_TOKEN) to a secret of at least 16 characters',
    );
    expect(
      buildServerConfig('oobd.toml', { http: { listen: '0.0.0.0:9025', token: TOKEN } }, {}).http
        .token,
    ).toBe(TOKEN);
  });

  it('takes the token from OOBD_HTTP_TOKEN', () => {
    const config = buildServerConfig(
      'oobd.toml',
      { http: { listen: '[::]:9025' } },
      { OOBD_HTTP_TOKEN: TOKEN },
    );
    expect(config.http.token).toBe(TOKEN);
  });

  it('refuses a short token or one that cannot travel in an Authorization header', () => {
    expect(error({ http: { token: 'short' } }).message).toMatch(
      /^oobd\.toml: http\.token: use at least 16 characters/,
    );
    expect(error({ http: { token: `${TOKEN} x` } }).message).toMatch(
      /^oobd\.toml: http\.token: letters, digits/,
    );
    expect(error({ http: { webb: false } }).message).toBe(
      'oobd.toml: unknown key http.webb (did you mean http.web?)',
    );
  });
});
