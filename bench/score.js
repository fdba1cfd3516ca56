// Parse accuracy against the Sisimai corpus, scored as ../shared/corpus/README.md
// says: for each expected record (expected.jsonl), paired with the records of its
// file in order, count detected, recipient, status, reply code and label.
//
//   node bench/score.js RECORDS.jsonl|-        score `oobd parse` output (JSON lines with source_file)
//   node bench/score.js --parse [DIR]          parse the corpus with dist/ and score that
//   options: --filter rfc3464-,arf-,rfc3834-   only files whose name starts with one of these
//            --verbose                         list every miss
//
// How the README's rules are applied, once for every caller:
// * Records pair with the expected records of their file by recipient where one
//   matches, then the rest in order; `Unrecognized` lines and records that are not
//   findings (Reception, Rejection) are skipped first.
// * A Feedback record counts once for each address of its
//   `feedback_report.original_rcpto_to` (else of `feedback_detail.recipients`, oobd's
//   reading of a report without it; else once, with no recipient): its `sender` and
//   `recipient` are the report's own envelope, as KumoMTA writes them. An MDN is the
//   Reception carrying `mdn_report`, about its Original-Recipient (else Final-).
// * Where the expectation is Sisimai's placeholder for "no recipient named", an empty
//   recipient counts too.
// * DESIGN.md §7: an OOB record's `recipient` is Original-Recipient, else
//   Final-Recipient; Sisimai reports Final-Recipient. A record whose recipient is its
//   `oob_report.original_recipient` and whose `oob_report.final_recipient` is the
//   expected address counts as right, and is counted apart ("by DESIGN §7").
// * Expected records with reason `delivered` are left out of every measure (oobd does
//   not log delivered recipients), and so are those of recipients the report marks as
//   no bounce (Action delayed, relayed, expanded: DESIGN.md §5, no OOB record), when
//   the caller says which (`notBounced`); `onhold` and `undefined` count for all but label.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const { CORPUS } = require('./corpus.js');

/**
 * Sisimai reason → the labels that count as right (corpus README): the table
 * `oobd rules audit --expected` uses, from the build (run after `npm run build`).
 */
const { SISIMAI_REASON_LABELS: REASON_LABELS } = require(
  path.join(__dirname, '..', 'dist', 'classify', 'audit.js'),
);
const UNSCORED_LABEL = new Set(['onhold', 'undefined', 'delivered']);
/** Sisimai's recipient for a report that names none (corpus README). */
const PLACEHOLDER = 'undisclosed-recipient-in-headers@libsisimai.org.invalid';
const FINDING_TYPES = new Set(['OOB', 'Feedback', 'MDN']);
const MEASURES = ['detected', 'recipient', 'status', 'replycode', 'label'];

/** expected.jsonl, grouped by file (`maildir/bsd/x.eml`) and sorted by index. */
function loadExpected(corpus = CORPUS) {
  const byFile = new Map();
  for (const line of fs.readFileSync(path.join(corpus, 'expected.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const e = JSON.parse(line);
    if (!byFile.has(e.file)) byFile.set(e.file, []);
    byFile.get(e.file).push(e);
  }
  for (const list of byFile.values()) list.sort((a, b) => a.index - b.index);
  return byFile;
}

/** `/any/where/maildir/bsd/x.eml` or `x.eml` → `maildir/bsd/x.eml` (the key of expected.jsonl). */
function corpusKey(file) {
  const norm = String(file).split(path.sep).join('/');
  const i = norm.lastIndexOf('maildir/');
  return i >= 0 ? norm.slice(i) : `maildir/bsd/${path.posix.basename(norm)}`;
}

function toFilter(filter) {
  if (filter === undefined || filter === null) return () => true;
  if (typeof filter === 'function') return filter;
  const prefixes = Array.isArray(filter) ? filter : String(filter).split(',');
  return (key) => prefixes.some((p) => path.posix.basename(key).startsWith(p));
}

function enhancedText(code) {
  return code ? `${code.class}.${code.subject}.${code.detail}` : '';
}

/**
 * The address an MDN is about: oobd writes an MDN as the message's Reception carrying
 * `mdn_report` (KumoMTA has no MDN record type); its recipient is Original-Recipient,
 * else Final-Recipient. Records of type "MDN" (earlier versions) keep their own.
 */
function mdnFinding(r) {
  if (r.type === 'MDN') return r;
  if (r.type !== 'Reception' || !r.mdn_report) return null;
  const m = r.mdn_report;
  return { ...r, type: 'MDN', recipient: m.original_recipient || m.final_recipient || '' };
}

/**
 * The complained-about addresses of a Feedback record: `feedback_report.original_rcpto_to`
 * (corpus README; KumoMTA keeps the report's envelope in `sender`/`recipient`), else
 * oobd's reading of a report without that field (`feedback_detail.recipients`: the
 * trace header's recipient, the returned message's To). Null when neither names one.
 */
function complained(r) {
  const rcpt = (r.feedback_report && r.feedback_report.original_rcpto_to) || [];
  if (rcpt.length > 0) return rcpt;
  const detail = (r.feedback_detail && r.feedback_detail.recipients) || [];
  return detail.length > 0 ? detail : null;
}

/** The records of one file as the scorer pairs them: findings only, one per complained-about address. */
function scoredRecords(records) {
  const out = [];
  for (const record of records) {
    if (!record) continue;
    const r = mdnFinding(record) || record;
    if (!FINDING_TYPES.has(r.type)) continue;
    if (r.type === 'Feedback') {
      const addresses = complained(r);
      if (addresses === null) out.push({ ...r, recipient: '' });
      else for (const recipient of addresses) out.push({ ...r, recipient });
    } else if (Array.isArray(r.recipient)) {
      for (const recipient of r.recipient) out.push({ ...r, recipient });
    } else out.push(r);
  }
  return out;
}

const lower = (s) => String(s === null || s === undefined ? '' : s).toLowerCase();

/**
 * How a record's recipient compares with an expected one: 'same', 'design' (DESIGN §7:
 * the record carries Original-Recipient, the expectation is its Final-Recipient), or null.
 */
function recipientMatch(r, e) {
  if (r === undefined) return null;
  const want = lower(e.recipient);
  const got = lower(r.recipient);
  if (got === want || (want === PLACEHOLDER && got === '')) return 'same';
  const o = r.oob_report;
  if (
    o &&
    o.original_recipient &&
    lower(o.original_recipient) === got &&
    lower(o.final_recipient) === want
  )
    return 'design';
  return null;
}

/** Expected records paired with records: by recipient where one matches, then the rest in order. */
function pair(expected, records) {
  const used = new Set();
  const paired = new Array(expected.length).fill(undefined);
  expected.forEach((e, i) => {
    const j = records.findIndex((r, k) => !used.has(k) && recipientMatch(r, e) !== null);
    if (j >= 0) {
      used.add(j);
      paired[i] = records[j];
    }
  });
  let next = 0;
  expected.forEach((e, i) => {
    if (paired[i] !== undefined) return;
    while (next < records.length && used.has(next)) next++;
    if (next < records.length) {
      used.add(next);
      paired[i] = records[next++];
    }
  });
  return paired;
}

/**
 * Scores records against the expectations.
 * @param recordsByFile Map or object: file path → array of records (JSON objects as `oobd parse` prints them).
 *   Files missing from it yield nothing (every expected record of theirs is a miss).
 * @param options.filter function(key) | prefix list | "p1,p2": which corpus files to score.
 * @param options.notBounced Map: corpus key → Map(recipient lower case → action) of the
 *   recipients the parser found and that are no bounce (no record by DESIGN.md §5).
 * @returns `{ totals: {measure: {ok, total}}, byDesign, skipped: [{file, index, recipient, action}],
 *   misses: [{file, index, measure, expected, got, kind}] }`
 */
function score(recordsByFile, { filter, corpus = CORPUS, notBounced = new Map() } = {}) {
  const produced = new Map();
  const entries =
    recordsByFile instanceof Map ? recordsByFile.entries() : Object.entries(recordsByFile || {});
  for (const [file, records] of entries) {
    const key = corpusKey(file);
    produced.set(key, [...(produced.get(key) || []), ...records]);
  }
  const accept = toFilter(filter);
  const totals = Object.fromEntries(MEASURES.map((m) => [m, { ok: 0, total: 0 }]));
  const misses = [];
  const skipped = [];
  let byDesign = 0;
  const count = (measure, ok, e, got, r) => {
    totals[measure].total++;
    if (ok) totals[measure].ok++;
    else {
      const miss = {
        file: e.file,
        index: e.index,
        measure,
        expected: expectedValue(measure, e),
        got,
      };
      miss.kind = missKind(miss, e, r, corpus);
      misses.push(miss);
    }
  };
  for (const [file, all] of loadExpected(corpus)) {
    if (!accept(file)) continue;
    const unlogged = notBounced.get(file) || new Map();
    const expected = [];
    for (const e of all) {
      if (e.reason === 'delivered') continue;
      const action = unlogged.get(lower(e.recipient));
      if (action !== undefined)
        skipped.push({ file, index: e.index, recipient: e.recipient, action });
      else expected.push(e);
    }
    const records = scoredRecords(produced.get(file) || []);
    const paired = pair(expected, records);
    expected.forEach((e, i) => {
      const r = paired[i];
      count('detected', r !== undefined, e, r === undefined ? null : r.type, r);
      const how = recipientMatch(r, e);
      if (how === 'design') byDesign++;
      count('recipient', how !== null, e, r ? r.recipient : null, r);
      if (e.status && !e.status_is_pseudo) {
        const got = r ? enhancedText(r.response && r.response.enhanced_code) : null;
        count('status', got === e.status, e, got, r);
      }
      if (e.replycode !== '' && e.replycode !== null && e.replycode !== undefined) {
        const got = r && r.response ? r.response.code : null;
        count('replycode', got === Number(e.replycode), e, got, r);
      }
      if (!UNSCORED_LABEL.has(e.reason)) {
        let ok = false;
        if (r !== undefined) {
          if (e.reason === 'feedback') ok = r.type === 'Feedback';
          else ok = (REASON_LABELS[e.reason] || []).includes(r.bounce_classification);
        }
        count('label', ok, e, r ? `${r.type}/${r.bounce_classification}` : null, r);
      }
    });
  }
  return { totals, misses, skipped, byDesign };
}

const messageCache = new Map();

/** The corpus file's text, lower case (for "is the expected address in the message at all"). */
function messageText(corpus, file) {
  if (!messageCache.has(file)) {
    let text;
    try {
      text = fs.readFileSync(path.join(corpus, file), 'latin1').toLowerCase();
    } catch {
      text = '';
    }
    messageCache.set(file, text);
  }
  return messageCache.get(file);
}

/** `text` holds `address` as a whole address (not inside a longer one). */
function containsAddress(text, address) {
  const inAddress = (c) => c !== undefined && /[a-z0-9._%+@-]/.test(c);
  for (let i = text.indexOf(address); i >= 0; i = text.indexOf(address, i + 1)) {
    const after = text[i + address.length];
    if (!inAddress(text[i - 1]) && !(inAddress(after) && after !== '.')) return true;
  }
  return false;
}

/**
 * Why a record missed, as a kind a reader can act on. Derived from the record and the
 * message only (never from a list of files), so a new miss gets a kind too.
 */
function missKind(miss, e, r, corpus) {
  if (r === undefined) return 'not detected';
  const o = r.oob_report || null;
  const source = o ? o.source : r.type;
  switch (miss.measure) {
    case 'recipient': {
      const want = lower(e.recipient);
      if (want === '')
        return 'recipient: the expectation names none (Sisimai found no recipient; the message names one)';
      if (o && lower(o.final_recipient) === lower(r.recipient) && source.startsWith('rfc'))
        return "recipient: the DSN's Final-Recipient; the expectation is another address";
      if (!containsAddress(messageText(corpus, e.file), want))
        return 'recipient: the expected address is not in the message as such';
      return 'recipient: other';
    }
    case 'status':
    case 'replycode': {
      const what = miss.measure === 'status' ? 'status' : 'reply code';
      const content = (r.response && r.response.content) || '';
      const diagnostic = (o && o.diagnostic_code && o.diagnostic_code.text) || '';
      const transcript =
        content.includes('<<<') ||
        diagnostic.includes('<<<') ||
        messageText(corpus, e.file).includes('transcript of session');
      if (source.startsWith('rfc') && (!o || o.diagnostic_code === null))
        return `${what}: DSN block without Diagnostic-Code`;
      if (transcript)
        return `${what}: SMTP transcript (the remote reply, the expectation another line)`;
      if (source.startsWith('rfc') && o.diagnostic_code.type !== 'smtp')
        return `${what}: non-SMTP Diagnostic-Code (${o.diagnostic_code.type})`;
      return `${what}: ${source}`;
    }
    case 'label':
      return `label: ${e.reason} (classification, rules)`;
    default:
      return miss.measure;
  }
}

/** A printable per-kind table of misses: each kind with its count, then its misses. */
function formatMisses(misses) {
  const byKind = new Map();
  for (const m of misses) {
    if (!byKind.has(m.kind)) byKind.set(m.kind, []);
    byKind.get(m.kind).push(m);
  }
  const kinds = [...byKind.entries()].sort(
    (a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1),
  );
  const lines = [];
  for (const [kind, list] of kinds) {
    lines.push(`${String(list.length).padStart(3)}  ${kind}`);
    for (const m of list)
      lines.push(
        `       ${path.posix.basename(m.file)}#${m.index}  ${m.measure}  expected ${JSON.stringify(m.expected)}  got ${JSON.stringify(m.got)}`,
      );
  }
  return lines.join('\n');
}

function expectedValue(measure, e) {
  switch (measure) {
    case 'detected':
      return e.reason;
    case 'recipient':
      return e.recipient;
    case 'status':
      return e.status;
    case 'replycode':
      return e.replycode;
    default:
      return `${e.reason} → ${e.reason === 'feedback' ? 'Feedback' : (REASON_LABELS[e.reason] || []).join('|')}`;
  }
}

/** A printable table of `score()` totals. */
function formatTable(totals, title = '') {
  const lines = [];
  if (title) lines.push(title);
  lines.push('measure      matched   total        %');
  for (const m of MEASURES) {
    const { ok, total } = totals[m];
    const pct = total === 0 ? '   n/a' : ((100 * ok) / total).toFixed(1).padStart(6);
    lines.push(`${m.padEnd(10)} ${String(ok).padStart(9)} ${String(total).padStart(7)}   ${pct}`);
  }
  return lines.join('\n');
}

/** JSON lines as `oobd parse` prints them → Map(source_file → records). */
function groupBySourceFile(text) {
  const byFile = new Map();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line);
    const file = r.source_file || '';
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(r);
  }
  return byFile;
}

/** Records for every file of `dir`, made by the built parser (dist/) as `oobd parse` would. */
function parseCorpus(dir = path.join(CORPUS, 'maildir', 'bsd')) {
  const { loadClassifier, loadMessages, recordsOf } = require('./parse.js');
  const classifier = loadClassifier();
  const byFile = new Map();
  for (const m of loadMessages(dir)) byFile.set(m.file, recordsOf(m.raw, classifier));
  return byFile;
}

function main(argv) {
  const args = argv.slice(2);
  let filter;
  let verbose = false;
  let parse = false;
  let input = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--filter') filter = args[++i];
    else if (a === '--verbose') verbose = true;
    else if (a === '--parse') parse = true;
    else input = a;
  }
  let byFile;
  if (parse) byFile = parseCorpus(input || undefined);
  else if (input === null || input === '-') byFile = groupBySourceFile(fs.readFileSync(0, 'utf8'));
  else byFile = groupBySourceFile(fs.readFileSync(input, 'utf8'));
  const { totals, misses } = score(byFile, { filter });
  console.log(formatTable(totals, `Sisimai corpus${filter ? ` (${filter})` : ''}`));
  if (verbose) console.log(formatMisses(misses));
}

module.exports = {
  score,
  formatTable,
  formatMisses,
  groupBySourceFile,
  parseCorpus,
  loadExpected,
  corpusKey,
  REASON_LABELS,
};

if (require.main === module) main(process.argv);
