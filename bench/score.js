// Parse accuracy against the Sisimai corpus, scored as ../shared/corpus/README.md
// says: for each expected record (expected.jsonl), paired with the records of its
// file in order, count detected, recipient, status, reply code and label.
//
//   node bench/score.js RECORDS.jsonl|-        score `oobd parse` output (JSON lines with source_file)
//   node bench/score.js --parse [DIR]          parse the corpus with dist/ and score that
//   options: --filter rfc3464-,arf-,rfc3834-   only files whose name starts with one of these
//            --verbose                         list every miss
//
// Choices the README leaves open, made here once for every caller:
// * Records pair with expected records of their file in order; `Unrecognized` lines
//   and records that are not findings (Reception, Rejection) are skipped first.
// * A record whose `recipient` is an array (a Feedback record with several
//   Original-Rcpt-To) counts as one record per address, as Sisimai reports them.
// * Expected records with reason `delivered` are left out of every measure (oobd
//   does not log delivered recipients); `onhold` and `undefined` count for all but label.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const CORPUS =
  process.env.OOBD_CORPUS || path.resolve(__dirname, '..', '..', 'shared', 'corpus', 'sisimai');

/** Sisimai reason → the labels that count as right (corpus README). */
const REASON_LABELS = {
  userunknown: ['InvalidRecipient'],
  hasmoved: ['InvalidRecipient', 'InactiveMailbox'],
  suspend: ['InactiveMailbox'],
  mailboxfull: ['QuotaIssues'],
  exceedlimit: ['QuotaIssues'],
  mesgtoobig: ['QuotaIssues', 'ContentRelated'],
  systemfull: ['QuotaIssues', 'TransientFailure'],
  hostunknown: ['BadDomain', 'DNSFailure'],
  notaccept: ['BadDomain', 'RoutingErrors'],
  expired: ['MessageExpired'],
  networkerror: [
    'BadConnection',
    'NoAnswerFromHost',
    'DNSFailure',
    'RoutingErrors',
    'TransientFailure',
  ],
  toomanyconn: ['TransientFailure', 'PolicyRelated', 'BadConnection'],
  speeding: ['TransientFailure', 'PolicyRelated', 'BadConnection'],
  blocked: [
    'SpamBlock',
    'PolicyRelated',
    'SpamRelated',
    'BadConfiguration',
    'AuthenticationFailed',
  ],
  badreputation: ['SpamBlock', 'SpamRelated', 'PolicyRelated'],
  requireptr: ['BadConfiguration', 'PolicyRelated', 'SpamBlock', 'AuthenticationFailed'],
  rejected: ['InvalidSender', 'PolicyRelated', 'SpamBlock'],
  filtered: ['InvalidRecipient', 'PolicyRelated', 'ContentRelated', 'InactiveMailbox'],
  policyviolation: ['PolicyRelated', 'ContentRelated', 'SpamContent'],
  spamdetected: ['SpamContent', 'SpamRelated'],
  virusdetected: ['VirusRelated'],
  contenterror: ['ContentRelated', 'ProtocolErrors', 'ProhibitedAttachment'],
  notcompliantrfc: ['ProtocolErrors', 'ContentRelated', 'PolicyRelated'],
  syntaxerror: ['ProtocolErrors', 'ContentRelated', 'PolicyRelated'],
  securityerror: ['AuthenticationFailed', 'PolicyRelated', 'BadConfiguration'],
  authfailure: ['AuthenticationFailed', 'PolicyRelated', 'BadConfiguration'],
  failedstarttls: ['AuthenticationFailed', 'PolicyRelated', 'BadConfiguration'],
  norelaying: ['RelayDenied', 'RelayingIssues'],
  systemerror: ['BadConfiguration', 'RoutingErrors', 'TransientFailure', 'BadConnection'],
  mailererror: ['BadConfiguration', 'RoutingErrors', 'TransientFailure', 'BadConnection'],
  vacation: ['AutoReply'],
};
const UNSCORED_LABEL = new Set(['onhold', 'undefined', 'delivered']);
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

/** The records of one file as the scorer pairs them: findings only, array recipients expanded. */
function scoredRecords(records) {
  const out = [];
  for (const r of records) {
    if (!r || !FINDING_TYPES.has(r.type)) continue;
    if (Array.isArray(r.recipient))
      for (const recipient of r.recipient) out.push({ ...r, recipient });
    else out.push(r);
  }
  return out;
}

/**
 * Scores records against the expectations.
 * @param recordsByFile Map or object: file path → array of records (JSON objects as `oobd parse` prints them).
 *   Files missing from it yield nothing (every expected record of theirs is a miss).
 * @param options.filter function(key) | prefix list | "p1,p2": which corpus files to score.
 * @returns `{ totals: {measure: {ok, total}}, misses: [{file, index, measure, expected, got}] }`
 */
function score(recordsByFile, { filter, corpus = CORPUS } = {}) {
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
  const count = (measure, ok, e, got) => {
    totals[measure].total++;
    if (ok) totals[measure].ok++;
    else
      misses.push({
        file: e.file,
        index: e.index,
        measure,
        expected: expectedValue(measure, e),
        got,
      });
  };
  for (const [file, expected] of loadExpected(corpus)) {
    if (!accept(file)) continue;
    const records = scoredRecords(produced.get(file) || []);
    let position = 0;
    for (const e of expected) {
      if (e.reason === 'delivered') continue;
      const r = records[position++];
      count('detected', r !== undefined, e, r === undefined ? null : r.type);
      count(
        'recipient',
        r !== undefined && String(r.recipient).toLowerCase() === e.recipient.toLowerCase(),
        e,
        r ? r.recipient : null,
      );
      if (e.status && !e.status_is_pseudo) {
        const got = r ? enhancedText(r.response && r.response.enhanced_code) : null;
        count('status', got === e.status, e, got);
      }
      if (e.replycode !== '' && e.replycode !== null && e.replycode !== undefined) {
        const got = r && r.response ? r.response.code : null;
        count('replycode', got === Number(e.replycode), e, got);
      }
      if (!UNSCORED_LABEL.has(e.reason)) {
        let ok = false;
        if (r !== undefined) {
          if (e.reason === 'feedback') ok = r.type === 'Feedback';
          else ok = (REASON_LABELS[e.reason] || []).includes(r.bounce_classification);
        }
        count('label', ok, e, r ? `${r.type}/${r.bounce_classification}` : null);
      }
    }
  }
  return { totals, misses };
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
  if (verbose)
    for (const m of misses)
      console.log(
        `miss ${m.measure}: ${m.file}#${m.index} expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.got)}`,
      );
}

module.exports = {
  score,
  formatTable,
  groupBySourceFile,
  parseCorpus,
  loadExpected,
  corpusKey,
  REASON_LABELS,
};

if (require.main === module) main(process.argv);
