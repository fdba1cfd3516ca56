// Who may use http.listen. /healthz is always open (load balancers and container health
// checks carry no credentials). Everything else, /metrics included, is:
//
// * without `http.token` (allowed only on a loopback address): open to this machine,
//   with the Host header checked against loopback names so a web page the operator
//   visits cannot reach the view through DNS rebinding (a name of the attacker's that
//   resolves to 127.0.0.1);
// * with `http.token`: `Authorization: Bearer <token>` (RFC 6750 §2.1) for programs
//   (Prometheus's `authorization.credentials`, curl), or, for a browser, the session
//   cookie that opening `/?token=<token>` once sets (HttpOnly, SameSite=Strict), after
//   which the browser is sent to the same URL without the token, so it stays out of
//   the address bar, the history and Referer headers.
//
// The cookie holds an HMAC of the token, not the token: changing the token logs every
// browser out, and several oobd processes with the same token accept each other's.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const SESSION_COOKIE = 'oobd_session';
const SESSION_MAX_AGE_S = 30 * 86_400;

export interface AccessOptions {
  /** http.token; null when none is configured (loopback only). */
  token: string | null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `localhost`, `127.x.y.z`, `[::1]`, each with an optional port. */
function loopbackHost(host: string): boolean {
  const name = host.startsWith('[')
    ? host.slice(0, host.indexOf(']') + 1)
    : host.replace(/:\d+$/, '');
  return (
    name === 'localhost' ||
    name === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) ||
    name.endsWith('.localhost')
  );
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export class HttpAccess {
  private readonly token: string | null;
  private readonly session: string | null;

  constructor(opts: AccessOptions) {
    this.token = opts.token;
    this.session =
      opts.token === null
        ? null
        : createHmac('sha256', opts.token).update('oobd web session v1').digest('hex');
  }

  /** Whether a token is required. */
  get protected(): boolean {
    return this.token !== null;
  }

  /**
   * Lets the request through (true) or answers it (false): 401 with a form to enter
   * the token, 403 for a foreign Host, or the redirect that sets the session cookie.
   */
  check(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (this.token === null) {
      if (loopbackHost(req.headers.host ?? '')) return true;
      res
        .writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
        .end(
          'Host not allowed: without http.token this server answers only to localhost and loopback addresses\n',
        );
      return false;
    }
    const auth = req.headers.authorization ?? '';
    if (/^bearer /i.test(auth) && sameSecret(auth.slice(7).trim(), this.token)) return true;
    const session = cookie(req, SESSION_COOKIE);
    if (session !== null && sameSecret(session, this.session!)) return true;
    const offered = url.searchParams.get('token');
    if (url.pathname === '/' && offered !== null && sameSecret(offered, this.token)) {
      url.searchParams.delete('token');
      const secure = req.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
      res
        .writeHead(303, {
          location: `${url.pathname}${url.search}`,
          'set-cookie': `${SESSION_COOKIE}=${this.session}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MAX_AGE_S}${secure}`,
          'cache-control': 'no-store',
        })
        .end();
      return false;
    }
    const wrong = offered !== null;
    if (url.pathname === '/' && (req.headers.accept ?? '').includes('text/html')) {
      res
        .writeHead(401, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy':
            "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
          'cache-control': 'no-store',
        })
        .end(loginPage(wrong));
      return false;
    }
    res
      .writeHead(401, {
        'www-authenticate': `Bearer realm="oobd"${wrong || auth !== '' ? ', error="invalid_token"' : ''}`,
        'content-type': 'text/plain; charset=utf-8',
      })
      .end('a bearer token is required (Authorization: Bearer <http.token>)\n');
    return false;
  }
}

function loginPage(wrong: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>oobd: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/app.css"></head>
<body class="login"><main>
<h1>oobd</h1>
<form method="get" action="/">
<label for="token">Token (<code>http.token</code> of the server's configuration)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Open</button>
${wrong ? '<p role="alert">That token is not the server\'s.</p>' : ''}
</form></main></body></html>
`;
}
