// The web view's page, rendered on the server: the filters, the newest records and the
// uncategorized replies are in the HTML; page/app.js then draws the charts, follows
// /events and loads older pages. Every value from a record goes through `escapeHtml`:
// reply texts, addresses and labels come from remote servers, i.e. from anyone.
import type { LogRecord } from '../log/record';
import {
  INDEXED_TYPES,
  domainOf,
  recordRecipients,
  recordViewClassification,
  recordViewType,
  type Coverage,
  type ReplyGroupCount,
} from '../log/record-index';
import type { WebQuery } from './web-query';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export type Tab = 'records' | 'uncategorized';

/** The columns of a record row, as text (the page and app.js show the same). */
export interface RowFields {
  time: string;
  type: string;
  recipient: string;
  domain: string;
  classification: string;
  code: string;
  enhanced: string;
  reply: string;
}

/** What a row shows of a record (app.js has the same function for live rows). */
export function rowFields(record: LogRecord): RowFields {
  const recipients = recordRecipients(record);
  const e = record.response?.enhanced_code;
  const created = typeof record.created === 'number' ? record.created : 0;
  return {
    time: created > 0 ? new Date(created * 1000).toISOString().replace('T', ' ').slice(0, 19) : '',
    type: recordViewType(record),
    recipient: recipients.join(', '),
    domain: domainOf(recipients[0] ?? ''),
    classification: recordViewClassification(record),
    code: record.response?.code ? String(record.response.code) : '',
    enhanced: e ? `${e.class}.${e.subject}.${e.detail}` : '',
    reply: String(record.response?.content ?? ''),
  };
}

export function renderRow(record: LogRecord): string {
  const f = rowFields(record);
  const iso = f.time === '' ? '' : `${f.time.replace(' ', 'T')}Z`;
  return (
    `<tr data-type="${escapeHtml(f.type)}">` +
    `<td><time datetime="${escapeHtml(iso)}">${escapeHtml(f.time)}</time></td>` +
    `<td>${escapeHtml(f.type)}</td>` +
    `<td class="recipient">${escapeHtml(f.recipient)}</td>` +
    `<td>${escapeHtml(f.domain)}</td>` +
    `<td><span class="label">${escapeHtml(f.classification)}</span></td>` +
    `<td>${escapeHtml(f.code)}</td>` +
    `<td>${escapeHtml(f.enhanced)}</td>` +
    `<td class="reply">${escapeHtml(f.reply)}</td>` +
    `</tr>`
  );
}

/** `'pattern',`: the line `oobd rules audit` prints, to paste into a label's list in a rules file. */
export function ruleLine(pattern: string): string {
  return `'${pattern}',`;
}

export interface PageData {
  tab: Tab;
  query: WebQuery;
  /** Newest records first (records tab). */
  records: LogRecord[];
  /** Cursor of the next (older) page, if any. */
  next: string | null;
  /** Uncategorized groups (uncategorized tab). */
  groups: { total: number; groups: ReplyGroupCount[] } | null;
  classifications: string[];
  /** Folder position the page's records reach (app.js resumes /events from it). */
  position: string;
  coverage: Coverage;
  logsDir: string;
}

const SINCE_PRESETS = ['15m', '1h', '6h', '24h', '7d', '30d'];

function linkTo(query: WebQuery, tab: Tab): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query.raw)) if (value !== '') params.set(key, value);
  if (!query.raw.since) params.set('since', '');
  if (tab !== 'records') params.set('tab', tab);
  const search = params.toString();
  return search === '' ? '/' : `/?${search}`;
}

function options(values: ReadonlyArray<string>, selected: string, all: string): string {
  const chosen = selected.toLowerCase();
  let html = `<option value=""${chosen === '' ? ' selected' : ''}>${escapeHtml(all)}</option>`;
  const list = [...values];
  if (chosen !== '' && !list.some((v) => v.toLowerCase() === chosen)) list.push(selected);
  for (const v of list)
    html += `<option value="${escapeHtml(v)}"${v.toLowerCase() === chosen ? ' selected' : ''}>${escapeHtml(v)}</option>`;
  return html;
}

function coverageNote(coverage: Coverage): string {
  const notes: string[] = [];
  if (!coverage.ready)
    notes.push(
      `Reading the log folder: ${coverage.records.toLocaleString('en')} records so far, newest first; counts grow until it is done.`,
    );
  if (coverage.truncatedBefore !== null)
    notes.push(
      `Records received before ${new Date(coverage.truncatedBefore * 1000).toISOString()} are not in the view (http.web_max_records); <code>oobd logs</code> reads them.`,
    );
  return notes.map((n) => `<p class="note">${n}</p>`).join('');
}

function recordsTab(data: PageData): string {
  const rows = data.records.map(renderRow).join('\n');
  const empty =
    data.records.length === 0
      ? '<tr class="empty"><td colspan="8">No records match these filters.</td></tr>'
      : '';
  return `<section class="charts" aria-label="Counts over the chosen range">
<figure id="chart-class"><figcaption>By classification</figcaption><div class="chart" aria-live="off"></div></figure>
<figure id="chart-domain"><figcaption>By recipient domain</figcaption><div class="chart" aria-live="off"></div></figure>
<noscript><p>The charts need JavaScript; <a href="/api/summary">/api/summary</a> has the counts.</p></noscript>
</section>
<table id="records">
<caption>Records, newest first</caption>
<thead><tr><th scope="col">Received (UTC)</th><th scope="col">Type</th><th scope="col">Recipient</th><th scope="col">Domain</th><th scope="col">Classification</th><th scope="col">Code</th><th scope="col">Enhanced</th><th scope="col">Reply</th></tr></thead>
<tbody>
${rows}${empty}
</tbody>
</table>
<p><button type="button" id="older"${data.next === null ? ' hidden' : ''} data-cursor="${escapeHtml(data.next ?? '')}">Older records</button></p>`;
}

function uncategorizedTab(data: PageData): string {
  const groups = data.groups ?? { total: 0, groups: [] };
  const rows = groups.groups
    .map(
      (g, i) =>
        `<tr><td class="count">${g.count}</td>` +
        `<td><div class="key">${escapeHtml(g.key)}</div><div class="example">e.g. ${escapeHtml(g.example)}</div></td>` +
        `<td><code class="rule" id="rule-${i}">${escapeHtml(ruleLine(g.pattern))}</code> ` +
        `<button type="button" class="copy" data-copy="rule-${i}">Copy</button></td></tr>`,
    )
    .join('\n');
  return `<p>${groups.total.toLocaleString('en')} uncategorized replies in ${groups.groups.length.toLocaleString('en')} groups (addresses, hosts, ids and numbers masked, as <code>oobd rules audit</code> groups them). Paste a pattern into a label's list in a rules file, e.g. <code>InvalidRecipient = [ ... ]</code>, then check it with <code>oobd rules check</code>.</p>
<table id="uncategorized">
<caption>Uncategorized replies, most frequent first</caption>
<thead><tr><th scope="col">Count</th><th scope="col">Normalised reply</th><th scope="col">Rule line</th></tr></thead>
<tbody>
${rows || '<tr class="empty"><td colspan="3">No uncategorized replies in this range.</td></tr>'}
</tbody>
</table>`;
}

export function renderPage(data: PageData): string {
  const q = data.query.raw;
  const live = q.until === '';
  const typeOptions = options(INDEXED_TYPES, q.type, 'all');
  const classOptions = options(data.classifications, q.class, 'all');
  const presets = SINCE_PRESETS.map((p) => `<option value="${p}"></option>`).join('');
  const tabs = (['records', 'uncategorized'] as const)
    .map(
      (t) =>
        `<a href="${escapeHtml(linkTo(data.query, t))}"${t === data.tab ? ' aria-current="page"' : ''}>${t === 'records' ? 'Records' : 'Uncategorized'}</a>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>oobd: bounces</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/app.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<script src="/assets/app.js" defer></script>
</head>
<body data-tab="${data.tab}" data-live="${live ? '1' : '0'}" data-position="${escapeHtml(data.position)}">
<header>
<h1>oobd <small>bounces</small></h1>
<div class="downloads" role="group" aria-label="Download the suppression list">
<span>Suppression list</span>
<a class="button" id="download-csv" href="/api/suppressions?format=csv" download>CSV</a>
<a class="button" id="download-json" href="/api/suppressions?format=json" download>JSON</a>
</div>
</header>
<nav class="tabs" aria-label="Views">${tabs}</nav>
<form id="filters" method="get" action="/">
${data.tab === 'records' ? '' : `<input type="hidden" name="tab" value="${data.tab}">`}
<label>Type <select name="type">${typeOptions}</select></label>
<label>Classification <select name="class">${classOptions}</select></label>
<label>Recipient domain <input name="domain" value="${escapeHtml(q.domain)}" placeholder="example.com" size="18"></label>
<label>Since <input name="since" value="${escapeHtml(q.since)}" list="since-presets" placeholder="all" size="10"></label>
<datalist id="since-presets">${presets}</datalist>
<label>Until <input name="until" value="${escapeHtml(q.until)}" placeholder="now" size="10"></label>
<button type="submit">Apply</button>
</form>
${data.tab === 'records' ? `<p id="status" role="status">${live ? 'Live: new records appear at the top.' : 'A closed time range (until): no live updates.'}</p>` : ''}
${coverageNote(data.coverage)}
<main>
${data.tab === 'records' ? recordsTab(data) : uncategorizedTab(data)}
</main>
<footer>Log folder <code>${escapeHtml(data.logsDir)}</code> · ${data.coverage.records.toLocaleString('en')} records indexed · times are when oobd received the message (<code>created</code>), UTC · <a href="/api/records">API</a></footer>
</body>
</html>
`;
}
