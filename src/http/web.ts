// The web view on http.listen (docs/web.md): the page (/), its script, style and
// icon (/assets/*), the JSON API (/api/records, /api/summary, /api/uncategorized,
// /api/suppressions) and the live stream (/events). It reads the log folder through a
// RecordIndex (log/record-index.ts) that follows the folder whoever writes it, so the
// view shows the records of serve's main thread, its worker threads and any `oobd
// worker` process sharing logs.dir.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { Gauge, type Registry } from 'prom-client';
import type { ServerConfig } from '../config/server';
import { errorMessage } from '../errors';
import type { Logger } from '../logger';
import type { LogRecord } from '../log/record';
import { RecordIndex, type ReplyGrouping } from '../log/record-index';
import {
  suppressionsCsv,
  suppressionsFromFolders,
  suppressionsJson,
  type SuppressionRules,
} from '../log/suppressions';
import { encodePosition } from '../log/tail';
import type { HttpAccess } from './access';
import { EventStreams } from './events';
import type { HttpRoutes } from './server';
import { renderPage, ruleLine, type Tab } from './page';
import { SuppressionCache } from './suppression-cache';
import { QueryError, encodeCursor, parseWebQuery, type WebQuery } from './web-query';

/**
 * The same policy for every response of the view: no inline script or style, nothing
 * from another origin, no framing (the page shows addresses and remote servers' text).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/** The page's own script and style (web/), shipped in the package (package.json "files") and the image. */
const ASSETS_DIR = resolve(__dirname, '../../web');
const ASSETS: Record<string, string> = {
  '/assets/app.js': 'text/javascript; charset=utf-8',
  '/assets/app.css': 'text/css; charset=utf-8',
  // The page names it (<link rel="icon">), so the browser asks for no /favicon.ico
  // (a 404 in its console).
  '/assets/favicon.svg': 'image/svg+xml',
};

/** Default time range of the page (the API's is all of the index). */
export const PAGE_DEFAULT_SINCE = '24h';
/** Uncategorized groups listed. */
const GROUP_LIMIT = 200;

/** How far the index reaches (docs/web.md, "GET /api/records"). */
export interface CoverageJson {
  /** The folder found at start is indexed. */
  ready: boolean;
  /** Records indexed. */
  records: number;
  /** `created` of the oldest record kept, when http.web_max_records left older ones out. */
  truncated_before: number | null;
}

export interface WebViewOptions {
  config: ServerConfig;
  logger: Logger;
  /** Where the view's gauges are registered (the server's /metrics). */
  registry?: Registry;
  /** How uncategorized replies are grouped; `oobd rules audit`'s grouping in production. */
  groupReply?: (line: string) => ReplyGrouping;
  /** How often the folder is polled besides fs.watch. @defaultValue 1000 */
  pollMs?: number;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    })
    .end(`${JSON.stringify(body)}\n`);
}

function parseLines(lines: ReadonlyArray<string | null>): LogRecord[] {
  const out: LogRecord[] = [];
  for (const line of lines) {
    if (line === null) continue;
    try {
      out.push(JSON.parse(line) as LogRecord);
    } catch {
      // A line replaced under the index (a segment rewritten by hand): left out.
    }
  }
  return out;
}

export class WebView {
  readonly index: RecordIndex;
  readonly events: EventStreams;
  private readonly assets = new Map<string, Buffer>();
  private readonly suppressionCache: SuppressionCache;
  private readonly suppressionTexts = new WeakMap<object, { csv?: string; json?: string }>();

  private constructor(private readonly opts: WebViewOptions) {
    const { config, logger } = opts;
    this.index = new RecordIndex({
      dir: config.logs.dir,
      maxSegmentDurationMs: config.logs.max_segment_duration,
      maxRecords: config.http.web_max_records,
      ...(opts.groupReply ? { groupReply: opts.groupReply } : {}),
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      onError: (err) =>
        logger.warn(
          { err: errorMessage(err), dir: config.logs.dir },
          'web view: reading the log folder failed',
        ),
    });
    this.events = new EventStreams(this.index, config.logs.dir);
    this.suppressionCache = new SuppressionCache(config.logs.dir, this.suppressionRules());
    for (const path of Object.keys(ASSETS))
      this.assets.set(path, readFileSync(resolve(ASSETS_DIR, path.slice('/assets/'.length))));
    if (opts.registry) this.registerMetrics(opts.registry);
  }

  /** Starts following the log folder; what it holds is indexed in the background. */
  static async start(opts: WebViewOptions): Promise<WebView> {
    const view = new WebView(opts);
    await view.index.start();
    return view;
  }

  async close(): Promise<void> {
    this.events.close();
    await this.index.close();
  }

  private registerMetrics(registry: Registry): void {
    const index = this.index;
    const events = this.events;
    new Gauge({
      name: 'oobd_web_index_records',
      help: 'OOB, Feedback and MDN records in the web view index',
      registers: [registry],
      collect() {
        this.set(index.coverage().records);
      },
    });
    new Gauge({
      name: 'oobd_web_event_streams',
      help: 'Open /events streams',
      registers: [registry],
      collect() {
        this.set(events.count);
      },
    });
  }

  /** Serves the view's routes; false for a path that is not one of them. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const path = url.pathname;
    const contentType = ASSETS[path];
    if (contentType !== undefined) {
      res
        .writeHead(200, {
          ...SECURITY_HEADERS,
          'content-type': contentType,
          'cache-control': 'no-cache',
        })
        .end(this.assets.get(path));
      return true;
    }
    if (path !== '/' && path !== '/events' && !path.startsWith('/api/')) return false;
    this.route(req, res, url).catch((err: unknown) => {
      this.opts.logger.error({ err: errorMessage(err), path }, 'web view request failed');
      if (!res.headersSent) sendJson(res, 500, { error: errorMessage(err) });
      else res.destroy();
    });
    return true;
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    let q: WebQuery;
    try {
      q = parseWebQuery(
        url.searchParams,
        Date.now(),
        path === '/' ? { since: PAGE_DEFAULT_SINCE } : {},
      );
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      if (path === '/') {
        res
          .writeHead(400, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
          .end(`${err.message}\n`);
      } else sendJson(res, 400, { error: err.message });
      return;
    }
    switch (path) {
      case '/':
        return this.page(res, url, q);
      case '/events': {
        const header = req.headers['last-event-id'];
        const lastEventId =
          typeof header === 'string' && header !== ''
            ? header
            : url.searchParams.get('last_event_id');
        this.events.handle(req, res, q, lastEventId);
        return;
      }
      case '/api/records':
        return sendJson(res, 200, await this.records(q));
      case '/api/summary':
        return sendJson(res, 200, this.summary(q));
      case '/api/uncategorized':
        return sendJson(res, 200, this.uncategorized(q));
      case '/api/suppressions':
        return this.suppressionList(res, url);
      default:
        sendJson(res, 404, {
          error: `no such route; the API has /api/records, /api/summary, /api/uncategorized, /api/suppressions and /events`,
        });
    }
  }

  /** The config's [suppressions] rules, as the suppression module takes them. */
  private suppressionRules(): SuppressionRules {
    const rules = this.opts.config.suppressions;
    return {
      classes: rules.classes,
      feedbackTypes: rules.feedback_types,
      softClasses: rules.soft_classes,
      softThreshold: rules.soft_threshold,
      softWindowMs: rules.soft_window,
      sinceUnix: null,
    };
  }

  /** The index's coverage as the API shows it. */
  private coverage(): CoverageJson {
    const c = this.index.coverage();
    return { ready: c.ready, records: c.records, truncated_before: c.truncatedBefore };
  }

  /** GET /api/records: a page of records, newest first, and the cursor of the next. */
  async records(q: WebQuery): Promise<{
    records: LogRecord[];
    next: string | null;
    position: string;
    coverage: CoverageJson;
  }> {
    // Taken before the query, so a client that follows /events from it misses nothing.
    const position = encodePosition(this.index.position());
    const page = this.index.records(q, q.limit, q.cursor);
    const records = parseLines(await this.index.readLines(page.entries));
    return {
      records,
      next: page.next ? encodeCursor(page.next) : null,
      position,
      coverage: this.coverage(),
    };
  }

  /** GET /api/summary: counts by type, classification and recipient domain. */
  summary(q: WebQuery) {
    const s = this.index.summary(q);
    return {
      since: q.since === null ? null : new Date(q.since * 1000).toISOString(),
      until: q.until === null ? null : new Date(q.until * 1000).toISOString(),
      total: s.total,
      by_type: s.byType.map(([type, count]) => ({ type, count })),
      by_class: s.byClass.map(([classification, count]) => ({ classification, count })),
      by_domain: s.byDomain.map(([domain, count]) => ({ domain, count })),
      other_domains: s.otherDomains,
      domains: s.domains,
      coverage: this.coverage(),
    };
  }

  /** GET /api/uncategorized: uncategorized OOB replies grouped as `oobd rules audit` groups them. */
  uncategorized(q: WebQuery) {
    const u = this.index.uncategorized({ ...q, types: new Set(['OOB'] as const) }, GROUP_LIMIT);
    return {
      total: u.total,
      groups: u.groups.map((g) => ({ ...g, rule: ruleLine(g.pattern) })),
      coverage: this.coverage(),
    };
  }

  private async page(res: ServerResponse, url: URL, q: WebQuery): Promise<void> {
    const tab: Tab = url.searchParams.get('tab') === 'uncategorized' ? 'uncategorized' : 'records';
    const position = encodePosition(this.index.position());
    let records: LogRecord[] = [];
    let next: string | null = null;
    if (tab === 'records') {
      const page = this.index.records(q, q.limit, q.cursor);
      records = parseLines(await this.index.readLines(page.entries));
      next = page.next ? encodeCursor(page.next) : null;
    }
    const html = renderPage({
      tab,
      query: q,
      records,
      next,
      groups: tab === 'uncategorized' ? this.uncategorized(q) : null,
      classifications: this.index.classifications(),
      position,
      coverage: this.index.coverage(),
      logsDir: this.opts.config.logs.dir,
    });
    res
      .writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      })
      .end(html);
  }

  /**
   * GET /api/suppressions?format=csv|json[&since=DUR]: the list `oobd suppressions`
   * prints for this log folder, with the config's [suppressions] rules (every record
   * counts, however old). The first download reads the folder; later ones only what
   * was written since (suppression-cache.ts).
   */
  private async suppressionList(res: ServerResponse, url: URL): Promise<void> {
    const format = url.searchParams.get('format') ?? 'csv';
    if (format !== 'csv' && format !== 'json') {
      sendJson(res, 400, { error: `format: expected csv or json, got ${JSON.stringify(format)}` });
      return;
    }
    const sinceText = url.searchParams.get('since') ?? '';
    let sinceUnix: number | null;
    try {
      sinceUnix = parseWebQuery(new URLSearchParams({ since: sinceText }), Date.now()).since;
    } catch (err) {
      sendJson(res, 400, { error: errorMessage(err) });
      return;
    }
    const rules = this.suppressionRules();
    // The whole list is kept up to date; one since a time is built from the folder.
    const rows =
      sinceUnix === null
        ? await this.suppressionCache.rows()
        : await suppressionsFromFolders([this.opts.config.logs.dir], { ...rules, sinceUnix });
    // The same rows (nothing changed since the last download) give the same text.
    const texts = this.suppressionTexts.get(rows) ?? {};
    this.suppressionTexts.set(rows, texts);
    const body = (texts[format] ??=
      format === 'json' ? suppressionsJson(rows) : suppressionsCsv(rows));
    const day = new Date().toISOString().slice(0, 10);
    res
      .writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type':
          format === 'json'
            ? 'application/json; charset=utf-8'
            : 'text/csv; charset=utf-8; header=present',
        'content-disposition': `attachment; filename="oobd-suppressions-${day}.${format}"`,
        'cache-control': 'no-store',
      })
      .end(body);
  }
}

/** Access control and the view's routes, as the HTTP server asks for them (server.ts). */
export function webRoutes(access: HttpAccess, view: WebView | null): HttpRoutes {
  return {
    allow(req, res, url) {
      // The page's own script and style hold no data (and the sign-in form uses the style).
      if (view !== null && ASSETS[url.pathname] !== undefined) return true;
      return access.check(req, res, url);
    },
    handle(req, res, url) {
      return view?.handle(req, res, url) ?? false;
    },
  };
}
