// `npm run bench:transplant [-- --verbose] [-- --only PREFIX]`: reply transplants
// (bench/transplant-lib.js) over the development bounces (../shared/corpus/sisimai/
// maildir/bsd) and our fixtures: each message whose parser reads a reply, rewritten
// with every donor reply in place of its own; prints, per format family (the corpus
// file's name without its number, the fixture's folder), the messages checked, the
// transplants that failed and the failures by kind, then the total. --verbose lists
// every failure.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { DONORS, checkMessage } = require('./transplant-lib.js');

const { ROOT, transplantArgs, distDeps } = require('./transplant-setup.js');

const { verbose, only } = transplantArgs();
const deps = distDeps();

/** [family, file] for every message: the corpus, then fixtures/ (recursively). */
function messages() {
  const out = [];
  const corpus = path.join(ROOT, '..', 'shared', 'corpus', 'sisimai', 'maildir', 'bsd');
  for (const name of fs.readdirSync(corpus).sort())
    if (name.endsWith('.eml')) out.push([name.replace(/-\d+\.eml$/, ''), path.join(corpus, name)]);
  const walk = (dir) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.eml'))
        out.push([`fixtures/${path.relative(path.join(ROOT, 'fixtures'), dir)}`, full]);
    }
  };
  walk(path.join(ROOT, 'fixtures'));
  return out.filter(([family]) => only === null || family.startsWith(only));
}

const families = new Map();
let skipped = 0;
let missed = 0;
let templates = 0;
const total = { files: 0, transplants: 0, failed: 0, kinds: {} };
const lines = [];
for (const [family, file] of messages()) {
  const raw = fs.readFileSync(file, 'latin1');
  const results = checkMessage(deps, raw, DONORS);
  if (results === null) {
    skipped++;
    continue;
  }
  if (!families.has(family))
    families.set(family, { files: 0, transplants: 0, failed: 0, kinds: {} });
  const fam = families.get(family);
  fam.files++;
  total.files++;
  for (const r of results) {
    if (r.template) {
      templates++;
      if (verbose) lines.push(`${path.relative(ROOT, file)} | ${r.donor} | template sentence`);
      continue;
    }
    if (r.missed) {
      missed++;
      if (verbose) lines.push(`${path.relative(ROOT, file)} | ${r.donor} | missed copy`);
      continue;
    }
    fam.transplants++;
    total.transplants++;
    if (r.failures.length === 0) continue;
    fam.failed++;
    total.failed++;
    for (const f of r.failures) {
      fam.kinds[f.kind] = (fam.kinds[f.kind] ?? 0) + 1;
      total.kinds[f.kind] = (total.kinds[f.kind] ?? 0) + 1;
      if (verbose) lines.push(`${path.relative(ROOT, file)} | ${r.donor} | ${f.kind}: ${f.detail}`);
    }
  }
}

const kinds = (k) =>
  Object.entries(k)
    .sort()
    .map(([n, c]) => `${n} ${c}`)
    .join(', ');
console.log(`Reply transplants: ${DONORS.length} donors per message\n`);
console.log('family                                 files  failed/transplants  failures by kind');
for (const [family, f] of [...families].sort())
  console.log(
    `${family.padEnd(38)} ${String(f.files).padStart(5)}  ${`${f.failed}/${f.transplants}`.padStart(18)}  ${kinds(f.kinds)}`,
  );
console.log('');
console.log(
  `total: ${total.failed} of ${total.transplants} transplants failed (${total.files} messages; ` +
    `${skipped} without a reply to replace or whose reply is not in the raw text; ` +
    `${missed} transplants not checked: the parser still reads the original reply, from a copy not found; ` +
    `${templates} not checked: the text replaced was the notice's own sentence, not a reply)`,
);
console.log(`failures by kind: ${kinds(total.kinds) || 'none'}`);
if (verbose) console.log('\n' + lines.join('\n'));
