// What bench/transplant.js and bench/address-transplant.js share: their command line
// (`--verbose`, `--only PREFIX`) and the parser, record helpers and classifier of the
// build in dist/ (the shipped rules) that the transplant libraries are handed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

/** `--verbose` and `--only PREFIX` (a family name prefix, or null for all). */
function transplantArgs(argv = process.argv.slice(2)) {
  const onlyAt = argv.indexOf('--only');
  return { verbose: argv.includes('--verbose'), only: onlyAt >= 0 ? argv[onlyAt + 1] : null };
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

module.exports = { ROOT, DIST, transplantArgs, distDeps };
