// What bench/transplant.js, multi-transplant.js and address-transplant.js share: their command line
// (`--verbose`, `--only PREFIX`) and the parser, record helpers and classifier of the
// build in dist/ (the shipped rules) that the transplant libraries are handed, and the
// tally of failures they print.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const { CORPUS_BSD, requireCorpus } = require('./corpus.js');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

/** `--verbose` and `--only PREFIX` (a family name prefix, or null for all). */
function transplantArgs(argv = process.argv.slice(2)) {
  const onlyAt = argv.indexOf('--only');
  return { verbose: argv.includes('--verbose'), only: onlyAt >= 0 ? argv[onlyAt + 1] : null };
}

/**
 * [family, file] for every development message: the corpus (family = the file name
 * without its number), then fixtures/ recursively (family = `fixtures/<folder>`), each in
 * name order; only families starting with `only` when it is not null.
 */
function devMessages(only) {
  const out = [];
  requireCorpus('bench: transplant');
  const corpus = CORPUS_BSD;
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

/** dist/'s parser, record helpers and a classifier of the shipped rules (after `npm run build`). */
function distDeps() {
  const { parseMessage } = require(path.join(DIST, 'report', 'index.js'));
  const records = require(path.join(DIST, 'pipeline', 'records.js'));
  const { compileClassifier } = require(path.join(DIST, 'classify', 'index.js'));
  const { SHIPPED_RULES_FILES } = require(path.join(DIST, 'config', 'server.js'));
  const classifier = compileClassifier(
    SHIPPED_RULES_FILES.filter((f) => fs.existsSync(path.join(ROOT, f))).map((file) => ({
      file,
      text: fs.readFileSync(path.join(ROOT, file), 'utf8'),
    })),
    { cacheSize: 4096, uncategorizedCacheSize: 4096 },
  );
  return {
    parseMessage,
    isBounce: records.isBounce,
    labelFindings: records.labelFindings,
    replyContext: records.replyContext,
    inferenceReply: records.inferenceReply,
    classifier,
  };
}

/** "kind count, kind count" of a failures-by-kind object, sorted by kind. */
function kindsText(kinds) {
  return Object.entries(kinds)
    .sort()
    .map(([n, c]) => `${n} ${c}`)
    .join(', ');
}

/**
 * Failed transplants per format family and in total, by kind; with `verbose`, one
 * line per failure ("file | donor | kind: detail", the file relative to the checkout).
 */
class Tally {
  constructor(verbose) {
    this.verbose = verbose;
    this.families = new Map();
    this.total = { files: 0, transplants: 0, failed: 0, kinds: {} };
    this.lines = [];
    /** Per donor: transplants and failed ones. */
    this.donors = new Map();
  }

  /** A message of `family` was checked. */
  message(family) {
    if (!this.families.has(family))
      this.families.set(family, { files: 0, transplants: 0, failed: 0, kinds: {} });
    this.families.get(family).files++;
    this.total.files++;
  }

  /** One transplant into `file` (of `family`); returns whether it failed. */
  transplant(family, file, result) {
    const fam = this.families.get(family);
    fam.transplants++;
    this.total.transplants++;
    if (!this.donors.has(result.donor))
      this.donors.set(result.donor, { transplants: 0, failed: 0 });
    const donor = this.donors.get(result.donor);
    donor.transplants++;
    if (result.failures.length === 0) return false;
    donor.failed++;
    fam.failed++;
    this.total.failed++;
    for (const f of result.failures) {
      fam.kinds[f.kind] = (fam.kinds[f.kind] ?? 0) + 1;
      this.total.kinds[f.kind] = (this.total.kinds[f.kind] ?? 0) + 1;
      this.note(file, result.donor, `${f.kind}: ${f.detail}`);
    }
    return true;
  }

  /** A line for --verbose about `file` and `donor`. */
  note(file, donor, what) {
    if (this.verbose) this.lines.push(`${path.relative(ROOT, file)} | ${donor} | ${what}`);
  }

  /** The family table; `onlyFailed` leaves out families without a failure. */
  printFamilies(onlyFailed) {
    console.log(
      'family                                 files  failed/transplants  failures by kind',
    );
    for (const [family, f] of [...this.families].sort())
      if (!onlyFailed || f.failed > 0)
        console.log(
          `${family.padEnd(38)} ${String(f.files).padStart(5)}  ${`${f.failed}/${f.transplants}`.padStart(18)}  ${kindsText(f.kinds)}`,
        );
  }

  /** Failed transplants per donor, in the order given (`names`); `firstNew` starts the widened donors. */
  printDonors(names, firstNew) {
    console.log('donor                                              failed/transplants');
    names.forEach((name, i) => {
      const d = this.donors.get(name) ?? { transplants: 0, failed: 0 };
      if (i === firstNew) console.log('(widened shapes)');
      console.log(`${name.padEnd(50)} ${`${d.failed}/${d.transplants}`.padStart(18)}`);
    });
  }

  /** The failures by kind, then (--verbose) every failure. */
  printEnd() {
    console.log(`failures by kind: ${kindsText(this.total.kinds) || 'none'}`);
    if (this.verbose) console.log('\n' + this.lines.join('\n'));
  }
}

module.exports = { ROOT, DIST, transplantArgs, distDeps, devMessages, Tally };
