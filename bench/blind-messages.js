// `node bench/blind-messages.js [--misses] [dir]` (after `npm run build`): how oobd does on
// whole bounce messages it was never tuned on (bench/data/blind-messages-5/: `NN-name.eml`
// rebuilt from what each MTA or provider sends, and expected.jsonl, one line per message;
// the open set bench/data/blind-messages-7/ has the same layout, pass its folder):
// {"kind":"parse","file","expect":{"count","records":[...]},"why"}, the shape of
// ../shared/corpus/field/expected.jsonl). Every .eml goes through `bin/oobd parse` at once;
// its records are paired with the expected ones as ../shared/corpus/README.md pairs them
// (by recipient where it matches, else in order; a Feedback record by the addresses of its
// feedback_report.original_rcpto_to and feedback_detail.recipients). The open sets
// bench/data/blind-messages-7/, -8/, -9/ and -10/ (OPEN_MESSAGE_SETS in bench/blind.js) may be
// read; -5 and -6b are held back. An expected record may give:
//   type                   the record type (default "OOB"; "Unrecognized" for a message
//                          that yields no record, "Feedback", "Reception" for an MDN);
//   recipient              compared case-insensitively;
//   code                   the reply code; null: the message gives none, so none or the
//                          class default oobd assumes (550; 451 under a 4.x.x status) is right;
//   enhanced_code          "5.1.1", or null for none; left out: not scored;
//   bounce_classification  a label, or "A|B" when more than one is defensible.
// Prints, each as n/N: messages right as a whole (record count and every field of every
// record), record count, recipient, reply code, enhanced code and label (type and label);
// --misses lists each field that differed, expected against got.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
const args = process.argv.slice(2);
const showMisses = args.includes('--misses');
const positional = args.filter((a) => !a.startsWith('--'));
const dir = path.resolve(positional[0] || path.join(__dirname, 'data', 'blind-messages-5'));

if (!fs.existsSync(path.join(dir, 'expected.jsonl'))) {
  console.error(
    `bench/blind-messages.js: no expected.jsonl in ${dir} (${positional[0] === undefined ? 'the default set, as no folder was given' : 'the folder given'}); ` +
      'pass a folder of .eml files and their expected.jsonl, e.g. bench/data/blind-messages-7',
  );
  process.exit(2);
}
const expected = fs
  .readFileSync(path.join(dir, 'expected.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => JSON.parse(l));
for (const e of expected) {
  if (e.kind !== 'parse' || !e.file || !e.expect || !Array.isArray(e.expect.records))
    throw new Error(`${dir}/expected.jsonl: bad line for ${JSON.stringify(e.file)}`);
  if (!fs.existsSync(path.join(dir, e.file))) throw new Error(`${dir}: no ${e.file}`);
}

const out = execFileSync(
  path.join(ROOT, 'bin', 'oobd'),
  ['parse', ...expected.map((e) => path.join(dir, e.file))],
  { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
const byFile = new Map();
for (const line of out.split('\n').filter(Boolean)) {
  const rec = JSON.parse(line);
  const key = path.basename(rec.source_file);
  if (!byFile.has(key)) byFile.set(key, []);
  byFile.get(key).push(rec);
}

const fmt = (e) => (e ? `${e.class}.${e.subject}.${e.detail}` : null);
const lower = (s) => String(s || '').toLowerCase();
/** The addresses a record stands for: a Feedback record's complained-about ones too. */
function addresses(r) {
  const list = [lower(r.recipient)];
  const fr = r.feedback_report;
  if (r.type === 'Feedback' && fr && Array.isArray(fr.original_rcpto_to))
    list.push(...fr.original_rcpto_to.map(lower));
  // A report without Original-Rcpt-To (AOL, a headers-only report) names the address
  // elsewhere: feedback_detail.recipients is every complained-about address oobd read
  // (docs/records.md, feedback_detail), Original-Rcpt-To's first.
  const fd = r.feedback_detail;
  if (r.type === 'Feedback' && fd && Array.isArray(fd.recipients))
    list.push(...fd.recipients.map(lower));
  return list;
}

const MEASURES = [
  'messages right',
  'records count',
  'recipient',
  'reply code',
  'enhanced code',
  'label',
];
const tally = new Map(MEASURES.map((m) => [m, { right: 0, total: 0 }]));
const add = (m, ok) => {
  const t = tally.get(m);
  t.total += 1;
  if (ok) t.right += 1;
  return ok;
};
const misses = [];

for (const e of expected) {
  const got = byFile.get(e.file) || [];
  const miss = (field, want, have) =>
    misses.push(`${e.file}\t${field}\twant ${JSON.stringify(want)}\tgot ${JSON.stringify(have)}`);
  let whole = true;
  if (e.expect.count !== undefined) {
    const ok = add('records count', got.length === e.expect.count);
    if (!ok) miss('count', e.expect.count, `${got.length} (${got.map((r) => r.type).join(', ')})`);
    whole = whole && ok;
  }
  const used = new Set();
  e.expect.records.forEach((x, i) => {
    let j = -1;
    if (x.recipient !== undefined)
      j = got.findIndex((r, k) => !used.has(k) && addresses(r).includes(lower(x.recipient)));
    if (j < 0) j = got.findIndex((r, k) => !used.has(k) && k >= i);
    if (j < 0) j = got.findIndex((r, k) => !used.has(k));
    const r = j >= 0 ? got[j] : null;
    if (j >= 0) used.add(j);
    const resp = (r && r.response) || {};
    const enh = fmt(resp.enhanced_code);
    const tag = `[${i + 1}]`;
    if (x.recipient !== undefined) {
      const ok = add('recipient', !!r && addresses(r).includes(lower(x.recipient)));
      if (!ok) miss(`${tag} recipient`, x.recipient, r ? r.recipient : 'no record');
      whole = whole && ok;
    }
    if (x.code !== undefined) {
      const fallback = String(x.enhanced_code || enh || '').startsWith('4.') ? 451 : 550;
      const ok = add(
        'reply code',
        !!r &&
          (x.code === null
            ? resp.code === null || resp.code === undefined || resp.code === fallback
            : resp.code === x.code),
      );
      if (!ok) miss(`${tag} reply code`, x.code, r ? resp.code : 'no record');
      whole = whole && ok;
    }
    if (x.enhanced_code !== undefined) {
      const ok = add('enhanced code', !!r && enh === x.enhanced_code);
      if (!ok) miss(`${tag} enhanced code`, x.enhanced_code, r ? enh : 'no record');
      whole = whole && ok;
    }
    const type = x.type || 'OOB';
    const labels = x.bounce_classification ? x.bounce_classification.split('|') : null;
    const ok = add(
      'label',
      !!r && r.type === type && (!labels || labels.includes(r.bounce_classification)),
    );
    if (!ok)
      miss(
        `${tag} label`,
        `${type}${labels ? `/${labels.join('|')}` : ''}`,
        r ? `${r.type}/${r.bounce_classification}` : 'no record',
      );
    whole = whole && ok;
  });
  add('messages right', whole);
}

console.log(`== ${path.relative(ROOT, dir)} (${expected.length} messages)`);
for (const [m, t] of tally) {
  const pct = t.total ? ((100 * t.right) / t.total).toFixed(1) : '-';
  console.log(
    `${m.padEnd(15)} ${String(t.right).padStart(3)}/${String(t.total).padEnd(3)} (${pct}%)`,
  );
}
if (showMisses) {
  console.log('\nmisses:');
  for (const m of misses) console.log(m);
}
