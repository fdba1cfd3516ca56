// `npm run bench:transplant [-- --verbose] [-- --only PREFIX]`: reply transplants
// (bench/transplant-lib.js) over the development bounces (../shared/corpus/sisimai/
// maildir/bsd) and our fixtures: each message whose parser reads a reply, rewritten
// with every donor reply in place of its own; prints, per format family (the corpus
// file's name without its number, the fixture's folder), the messages checked, the
// transplants that failed and the failures by kind, then the total. --verbose lists
// every failure.
'use strict';
const fs = require('node:fs');
const { DONORS, OLD_DONORS, checkMessage } = require('./transplant-lib.js');

const { transplantArgs, distDeps, devMessages, Tally } = require('./transplant-setup.js');

const { verbose, only } = transplantArgs();
const deps = distDeps();

/** [family, file] for every message (transplant-setup.js), narrowed by --only. */
const messages = () => devMessages(only);

const tally = new Tally(verbose);
let skipped = 0;
let missed = 0;
let templates = 0;
let skippedShapes = 0;
for (const [family, file] of messages()) {
  const raw = fs.readFileSync(file, 'latin1');
  const results = checkMessage(deps, raw, DONORS);
  if (results === null) {
    skipped++;
    continue;
  }
  tally.message(family);
  for (const r of results) {
    if (r.template) {
      templates++;
      tally.note(file, r.donor, 'template sentence');
      continue;
    }
    if (r.skipped) {
      skippedShapes++;
      tally.note(file, r.donor, 'carrier cannot hold the shape');
      continue;
    }
    if (r.missed) {
      missed++;
      tally.note(file, r.donor, 'missed copy');
      continue;
    }
    tally.transplant(family, file, r);
  }
}

console.log(`Reply transplants: ${DONORS.length} donors per message\n`);
tally.printFamilies(false);
console.log('');
tally.printDonors(
  DONORS.map((d) => d.name),
  OLD_DONORS,
);
console.log('');
console.log(
  `total: ${tally.total.failed} of ${tally.total.transplants} transplants failed (${tally.total.files} messages; ` +
    `${skipped} without a reply to replace or whose reply is not in the raw text; ` +
    `${missed} transplants not checked: the parser still reads the original reply, from a copy not found; ` +
    `${templates} not checked: the text replaced was the notice's own sentence, not a reply; ` +
    `${skippedShapes} donors skipped where the carrier cannot hold their shape)`,
);
tally.printEnd();
