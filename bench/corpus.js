// Where the benches find Sisimai's development corpus (maildir/bsd/ and expected.jsonl):
// $OOBD_CORPUS, else ../shared/corpus/sisimai beside the checkout. One place, so every
// bench reads the same folder and says the same thing when it is not there.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const FROM_ENV = Boolean(process.env.OOBD_CORPUS);
/** The folder holding maildir/ and expected.jsonl. */
const CORPUS = path.resolve(
  process.env.OOBD_CORPUS || path.join(__dirname, '..', '..', 'shared', 'corpus', 'sisimai'),
);
/** Its messages. */
const CORPUS_BSD = path.join(CORPUS, 'maildir', 'bsd');

/**
 * Exits 2 with one line naming where the corpus was looked for (and why there) when
 * maildir/bsd/ or expected.jsonl is missing, instead of a stack trace.
 * @param {string} script what to call the bench in the message, e.g. "bench:accuracy"
 */
function requireCorpus(script) {
  if (fs.existsSync(CORPUS_BSD) && fs.existsSync(path.join(CORPUS, 'expected.jsonl'))) return;
  const origin = FROM_ENV ? '$OOBD_CORPUS' : 'beside the checkout, as $OOBD_CORPUS is not set';
  console.error(
    `${script}: no corpus at ${CORPUS} (${origin}); it wants maildir/bsd/ and expected.jsonl there; ` +
      "set OOBD_CORPUS to the folder of Sisimai's set-of-emails that holds them",
  );
  process.exit(2);
}

module.exports = { CORPUS, CORPUS_BSD, requireCorpus };
