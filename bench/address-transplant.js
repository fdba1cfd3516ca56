// `npm run bench:addresses [-- --verbose] [-- --only PREFIX]`: address transplants
// (bench/address-transplant-lib.js) over the development bounces (../shared/corpus/
// sisimai/maildir/bsd) and our fixtures: each message whose records name exactly the
// recipients its expectation names (expected.jsonl, *.expected.json; a fixture without
// one: the recipients it yields), rewritten with each donor address in place of its
// first failed recipient (the RFC 5321/6531 shapes, then the writings real bounces give an
// address: a display name, a mailto link, a colon or comma after it, ...); prints per donor and per format family the transplants that
// failed, by kind, then the total. --verbose lists every failure.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { DONORS, WRITINGS, checkMessage } = require('./address-transplant-lib.js');

const ALL = [...DONORS, ...WRITINGS];

const { ROOT, transplantArgs, distDeps, Tally } = require('./transplant-setup.js');

const { CORPUS, requireCorpus } = require('./corpus.js');
requireCorpus('bench/address-transplant.js');
const { verbose, only } = transplantArgs();
const deps = distDeps();

/** Corpus file → the recipients its expectations name for bounce records (lower case). */
const corpusExpected = new Map();
for (const line of fs.readFileSync(path.join(CORPUS, 'expected.jsonl'), 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  const e = JSON.parse(line);
  if (!corpusExpected.has(e.file)) corpusExpected.set(e.file, []);
  if (e.reason === 'feedback' || e.reason === 'delivered') continue;
  corpusExpected.get(e.file).push(String(e.recipient).toLowerCase());
}

/** [family, file, expected] for every message: the corpus, then fixtures/ (recursively). */
function messages() {
  const out = [];
  const bsd = path.join(CORPUS, 'maildir', 'bsd');
  for (const name of fs.readdirSync(bsd).sort())
    if (name.endsWith('.eml'))
      out.push([
        name.replace(/-\d+\.eml$/, ''),
        path.join(bsd, name),
        corpusExpected.get(`maildir/bsd/${name}`) ?? null,
      ]);
  const walk = (dir) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.eml')) {
        const exp = full.replace(/\.eml$/, '.expected.json');
        let expected = null;
        if (fs.existsSync(exp)) {
          const recs = JSON.parse(fs.readFileSync(exp, 'utf8')).records ?? [];
          expected = recs
            .filter((r) => r.type === 'OOB')
            .map((r) => String(r.recipient).toLowerCase());
        }
        out.push([`fixtures/${path.relative(path.join(ROOT, 'fixtures'), dir)}`, full, expected]);
      }
    }
  };
  walk(path.join(ROOT, 'fixtures'));
  return out.filter(([family]) => only === null || family.startsWith(only));
}

const tally = new Tally(verbose);
const byDonor = new Map(ALL.map((d) => [d.name, { transplants: 0, failed: 0 }]));
let skipped = 0;
for (const [family, file, expected] of messages()) {
  const raw = fs.readFileSync(file, 'latin1');
  const results = checkMessage(deps, raw, expected, ALL);
  if (results === null) {
    skipped++;
    continue;
  }
  tally.message(family);
  for (const r of results) {
    const donor = byDonor.get(r.donor);
    donor.transplants++;
    if (tally.transplant(family, file, r)) donor.failed++;
  }
}

console.log(
  `Address transplants: ${DONORS.length} address shapes and ${WRITINGS.length} writings per message\n`,
);
console.log('donor                              failed/transplants');
for (const d of ALL) {
  if (d === WRITINGS[0]) console.log('(writings)');
  const s = byDonor.get(d.name);
  console.log(`${d.name.padEnd(34)} ${`${s.failed}/${s.transplants}`.padStart(18)}`);
}
console.log('');
tally.printFamilies(!verbose);
console.log('(families without a failure not listed)\n');
console.log(
  `total: ${tally.total.failed} of ${tally.total.transplants} transplants failed (${tally.total.files} messages; ` +
    `${skipped} not checked: no bounce record, records not naming exactly the expected recipients, ` +
    `or the recipient not written out in the raw text)`,
);
const sum = (list) =>
  list.reduce(
    (acc, d) => {
      const s = byDonor.get(d.name);
      return [acc[0] + s.failed, acc[1] + s.transplants];
    },
    [0, 0],
  );
const [oldFailed, oldAll] = sum(DONORS);
const [newFailed, newAll] = sum(WRITINGS);
console.log(
  `address shapes: ${oldFailed} of ${oldAll} failed; writings: ${newFailed} of ${newAll} failed`,
);
tally.printEnd();
