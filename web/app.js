// The web view's script (served as /assets/app.js; no build step, no framework). The
// server renders the page; this draws the charts from /api/summary, inserts records as
// /events announces them, loads older pages from /api/records and copies rule lines.
//
// Every value from a record is set with textContent or as an attribute value, never
// through innerHTML: reply texts and addresses come from remote servers, i.e. anyone.
'use strict';

(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const body = document.body;
  const here = new URL(window.location.href);
  /** The filters of the page (the server applies the same to the API and /events). */
  const filters = new URLSearchParams();
  for (const key of ['type', 'class', 'domain', 'since', 'until']) {
    const value = here.searchParams.get(key);
    if (value !== null) filters.set(key, value);
  }
  if (!here.searchParams.has('since')) filters.set('since', '24h');
  const status = document.getElementById('status');

  function el(name, text, attrs) {
    const node = document.createElement(name);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    return node;
  }

  function svg(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function setStatus(text) {
    if (status) status.textContent = text;
  }

  // --- rows: the same columns as the server's renderRow (src/http/page.ts) ---

  function domainOf(address) {
    const at = address.lastIndexOf('@');
    if (at < 0) return '';
    let domain = address.slice(at + 1).trim();
    if (domain.endsWith('>')) domain = domain.slice(0, -1);
    return domain.toLowerCase();
  }

  /** As recordViewType (src/log/record-index.ts): an MDN is the Reception carrying mdn_report. */
  function viewType(record) {
    return record.type === 'Reception' && record.mdn_report ? 'MDN' : String(record.type || '');
  }

  /** As recordViewClassification (src/log/record-index.ts): complaints and MDNs by their type. */
  function viewClassification(record) {
    const type = viewType(record);
    if (type === 'Feedback') {
      const ft = (record.feedback_report || {}).feedback_type;
      return typeof ft === 'string' && ft !== '' ? 'Feedback: ' + ft.toLowerCase() : 'Feedback';
    }
    if (type === 'MDN') {
      const dt = ((record.mdn_report || {}).disposition || {}).type;
      return typeof dt === 'string' && dt !== '' ? 'MDN: ' + dt.toLowerCase() : 'MDN';
    }
    return typeof record.bounce_classification === 'string' ? record.bounce_classification : '';
  }

  function traceRecipient(trace) {
    const r = trace && typeof trace === 'object' ? trace.recipient : null;
    return typeof r === 'string' && r !== '' ? [r] : [];
  }

  /**
   * As recordRecipients (src/log/record-index.ts): an MDN's Original-Recipient (else
   * Final-); for Feedback, the complained-about addresses, never the report's own RCPT TO.
   */
  function recipients(record) {
    const r = record.recipient;
    const own = Array.isArray(r) ? r.map(String) : typeof r === 'string' ? [r] : [];
    const mdn = record.mdn_report;
    if (mdn) {
      const about = mdn.original_recipient || mdn.final_recipient;
      return about ? [String(about)] : [];
    }
    if (record.type === 'Feedback') {
      const report = record.feedback_report || {};
      const listed = report.original_rcpto_to;
      if (Array.isArray(listed) && listed.length > 0) return listed.map(String);
      const detail = record.feedback_detail;
      const read = detail && detail.recipients;
      if (Array.isArray(read) && read.length > 0) return read.map(String);
      const traced = traceRecipient(report.supplemental_trace);
      if (traced.length > 0 || detail) return traced;
      // Records of oobd 0.1 kept the complained-about addresses in `recipient`.
      const queue = String(record.queue || '').toLowerCase();
      return own.filter((a) => a.lastIndexOf('@') >= 0 && domainOf(a) !== queue);
    }
    return own;
  }

  function rowFor(record) {
    const list = recipients(record);
    const response = record.response || {};
    const e = response.enhanced_code;
    const created = typeof record.created === 'number' ? record.created : 0;
    const iso = created > 0 ? new Date(created * 1000).toISOString() : '';
    const type = viewType(record);
    const tr = el('tr', null, { 'data-type': type });
    const td = (text, cls) => {
      const cell = el('td', text);
      if (cls) cell.className = cls;
      tr.appendChild(cell);
      return cell;
    };
    const time = el('time', iso.replace('T', ' ').slice(0, 19), {
      datetime: iso.slice(0, 19) + 'Z',
    });
    td(null).appendChild(time);
    td(type);
    td(list.join(', '), 'recipient');
    td(domainOf(list[0] || ''));
    td(null).appendChild(el('span', viewClassification(record), { class: 'label' }));
    td(response.code ? String(response.code) : '');
    td(e ? e.class + '.' + e.subject + '.' + e.detail : '');
    td(response.content || '', 'reply');
    return tr;
  }

  // --- charts: horizontal bars, each with its value as text and a link that filters ---

  function barChart(container, title, rows, key, param) {
    container.replaceChildren();
    if (rows.length === 0) {
      container.appendChild(el('p', 'No records in this range.', { class: 'chart-empty' }));
      return;
    }
    const width = 520;
    const labelWidth = 200;
    const barHeight = 20;
    const gap = 6;
    const max = Math.max(...rows.map((r) => r.count));
    const height = rows.length * (barHeight + gap);
    const id = container.parentElement.id;
    const chart = svg('svg', {
      viewBox: '0 0 ' + width + ' ' + height,
      width: '100%',
      role: 'img',
      'aria-labelledby': id + '-title ' + id + '-desc',
    });
    chart.appendChild(svg('title', { id: id + '-title' }, title));
    chart.appendChild(
      svg(
        'desc',
        { id: id + '-desc' },
        rows.map((r) => (String(r[key]) || '(none)') + ': ' + r.count).join(', '),
      ),
    );
    rows.forEach((row, i) => {
      const y = i * (barHeight + gap);
      const value = String(row[key]);
      // Records with no value (an OOB whose recipient has no domain, a Feedback record
      // naming no address) and the "other domains" remainder are no filter: their bar
      // is shown without a link, which would select every record or none.
      const name = value === '' ? '(none)' : value;
      let a;
      if (value === '' || row.filter === false) {
        a = svg('g', {});
      } else {
        const link = new URLSearchParams(filters);
        link.set(param, value);
        a = svg('a', { href: '/?' + link.toString() });
      }
      a.appendChild(svg('title', {}, name + ': ' + row.count.toLocaleString('en')));
      a.appendChild(
        svg(
          'text',
          { x: labelWidth - 6, y: y + barHeight - 6, 'text-anchor': 'end', class: 'bar-label' },
          name.length > 28 ? name.slice(0, 27) + '…' : name,
        ),
      );
      const w = Math.max(1, Math.round(((width - labelWidth - 70) * row.count) / max));
      a.appendChild(
        svg('rect', { x: labelWidth, y: y, width: w, height: barHeight, class: 'bar' }),
      );
      a.appendChild(
        svg(
          'text',
          { x: labelWidth + w + 6, y: y + barHeight - 6, class: 'bar-value' },
          row.count.toLocaleString('en'),
        ),
      );
      chart.appendChild(a);
    });
    container.appendChild(chart);
  }

  let summaryTimer = null;
  let summaryBusy = false;

  async function loadSummary() {
    const classChart = document.querySelector('#chart-class .chart');
    const domainChart = document.querySelector('#chart-domain .chart');
    if (!classChart || !domainChart) return;
    summaryBusy = true;
    try {
      const res = await fetch('/api/summary?' + filters.toString(), { credentials: 'same-origin' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const s = await res.json();
      barChart(classChart, 'Records by classification', s.by_class, 'classification', 'class');
      const domains = s.by_domain.slice();
      if (s.other_domains > 0)
        domains.push({
          domain: 'other domains (' + (s.domains - s.by_domain.length) + ')',
          count: s.other_domains,
          filter: false,
        });
      barChart(domainChart, 'Records by recipient domain', domains, 'domain', 'domain');
      const caption = document.querySelector('#records caption');
      if (caption)
        caption.textContent =
          'Records, newest first (' + s.total.toLocaleString('en') + ' in range)';
    } catch (err) {
      classChart.replaceChildren(el('p', 'Counts could not be loaded: ' + err.message));
    } finally {
      summaryBusy = false;
    }
  }

  /** Counts follow new records, at most every two seconds. */
  function refreshSummarySoon() {
    if (summaryTimer !== null) return;
    summaryTimer = setTimeout(() => {
      summaryTimer = null;
      if (summaryBusy) refreshSummarySoon();
      else loadSummary();
    }, 2000);
  }

  // --- live records ---

  /** A classification first seen live becomes a choice of the filter. */
  function addClassChoice(label) {
    const select = document.querySelector('#filters select[name="class"]');
    if (!select || typeof label !== 'string' || label === '') return;
    for (const option of select.options) if (option.value === label) return;
    const option = el('option', label, { value: label });
    select.appendChild(option);
  }

  const tbody = document.querySelector('#records tbody');
  const MAX_ROWS = 2000;

  function follow() {
    const params = new URLSearchParams(filters);
    params.delete('since');
    params.delete('until');
    const position = body.dataset.position;
    if (position) params.set('last_event_id', position);
    const source = new EventSource('/events?' + params.toString());
    source.onopen = () => {
      body.dataset.stream = 'open';
      setStatus('Live: new records appear at the top.');
    };
    source.onerror = () => {
      body.dataset.stream = 'reconnecting';
      setStatus('Live updates interrupted; reconnecting…');
    };
    source.onmessage = (event) => {
      let record;
      try {
        record = JSON.parse(event.data);
      } catch {
        return;
      }
      const empty = tbody.querySelector('tr.empty');
      if (empty) empty.remove();
      addClassChoice(viewClassification(record));
      const row = rowFor(record);
      row.classList.add('new');
      tbody.insertBefore(row, tbody.firstChild);
      while (tbody.rows.length > MAX_ROWS) tbody.deleteRow(tbody.rows.length - 1);
      refreshSummarySoon();
    };
    // The gap since the page was rendered is too large to replay: start afresh.
    source.addEventListener('reset', () => window.location.reload());
  }

  // --- older pages ---

  const older = document.getElementById('older');
  if (older) {
    older.addEventListener('click', async () => {
      older.disabled = true;
      try {
        const params = new URLSearchParams(filters);
        params.set('cursor', older.dataset.cursor || '');
        const res = await fetch('/api/records?' + params.toString(), {
          credentials: 'same-origin',
        });
        if (!res.ok) throw new Error('HTTP ' + res.status);
        const page = await res.json();
        for (const record of page.records) tbody.appendChild(rowFor(record));
        if (page.next) older.dataset.cursor = page.next;
        else older.hidden = true;
      } catch (err) {
        setStatus('Older records could not be loaded: ' + err.message);
      } finally {
        older.disabled = false;
      }
    });
  }

  // --- the filter form: a choice in a list applies at once ---

  const form = document.getElementById('filters');
  if (form) {
    for (const select of form.querySelectorAll('select')) {
      select.addEventListener('change', () => form.requestSubmit());
    }
    // Empty fields are left out of the URL, but an empty "since" means "all time".
    form.addEventListener('formdata', (event) => {
      for (const key of ['type', 'class', 'domain', 'until']) {
        if (event.formData.get(key) === '') event.formData.delete(key);
      }
    });
  }

  // --- rule lines ---

  for (const button of document.querySelectorAll('button.copy')) {
    button.addEventListener('click', async () => {
      const source = document.getElementById(button.dataset.copy);
      if (!source) return;
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = 'Copied';
      } catch {
        // No clipboard (a page served over plain http to another host): select the text.
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = 'Selected: press Ctrl+C';
      }
    });
  }

  if (body.dataset.tab === 'records') {
    loadSummary();
    if (body.dataset.live === '1' && tbody) follow();
  }
})();
