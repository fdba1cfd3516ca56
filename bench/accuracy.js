// `npm run bench:accuracy`: `oobd parse` over ../shared/corpus/sisimai/maildir, scored
// as ../shared/corpus/README.md says (bench/score.js), for the RFC subset, the
// rfc3464 files, the MTA/provider files and the whole corpus; every miss of the whole
// corpus by kind; a check that the CRLF (dos) and CR-only (mac) copies give the same
// records as the LF originals; `oobd rules audit` over the corpus (the rules and
// context rows under 50% precision); and the rule spread check (bench/rule-spread.js:
// rules matching one corpus file only must be documented phrase families, not that
// file's sentence).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const { score, formatTable, formatMisses, groupBySourceFile, corpusKey } = require('./score.js');
const { ruleSpread, format: formatSpread } = require('./rule-spread.js');

const ROOT = path.join(__dirname, '..');
/** Sisimai's corpus (maildir/ and expected.jsonl): $OOBD_CORPUS, else ../shared/corpus/sisimai beside the checkout. */
const { CORPUS, requireCorpus } = require('./corpus.js');

function parse(dir) {
  const result = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'dist/cli/main.js'),
      'parse',
      '--config',
      path.join(ROOT, 'config/oobd.toml'),
      dir,
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    },
  );
  if (result.status !== 0) throw new Error(`oobd parse failed: ${result.stderr}`);
  return result.stdout;
}

/** `oobd rules audit` of the corpus against its expectations, as JSON. */
function audit(dir) {
  const args = [
    path.join(ROOT, 'dist/cli/main.js'),
    'rules',
    'audit',
    '--config',
    path.join(ROOT, 'config/oobd.toml'),
    dir,
  ];
  args.push('--expected', path.join(CORPUS, 'expected.jsonl'), '--json', '--limit', '0');
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (result.status !== 0) throw new Error(`oobd rules audit failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function printAudit(report) {
  const low = report.low_precision;
  const uncategorized = report.uncategorized.reduce((n, group) => n + group.count, 0);
  const decided = report.entries.filter((entry) => entry.hits > 0).length;
  console.log(
    `oobd rules audit (maildir/bsd): ${report.replies} replies; ${decided} rules and context rows decided a label; ` +
      `${uncategorized} uncategorized in ${report.uncategorized.length} groups`,
  );
  console.log(
    `rules under 50% precision with ≥ 3 checked replies: ${low.length === 0 ? 'none' : low.length}`,
  );
  for (const entry of low) {
    const where =
      entry.kind === 'rule'
        ? `${entry.file}: "${entry.label}"[${entry.index}]`
        : `${entry.file}: context[${entry.index}] → ${entry.label}`;
    console.log(`  ${entry.right}/${entry.checked}  ${where}  ${entry.pattern}`);
  }
}

/**
 * The recipients each file's report names that are no bounce (Action delayed, relayed,
 * expanded, delivered): the built parser's findings that `oobd parse` writes no record
 * for (DESIGN.md §5). corpus key → Map(recipient lower case → action).
 */
function notBouncedRecipients(dir) {
  const { parseMessage } = require(path.join(ROOT, 'dist', 'report', 'index.js'));
  const { isBounce } = require(path.join(ROOT, 'dist', 'pipeline', 'records.js'));
  const out = new Map();
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) continue;
    const found = new Map();
    for (const f of parseMessage(fs.readFileSync(file)).findings) {
      if (f.kind !== 'oob' || isBounce(f)) continue;
      for (const a of [f.recipient, f.report.final_recipient, f.report.original_recipient])
        if (a) found.set(String(a).toLowerCase(), f.report.action);
    }
    if (found.size > 0) out.set(corpusKey(file), found);
  }
  return out;
}

/** What the tables count, for a reader who has not read bench/score.js. */
const LEGEND = [
  `Sisimai's corpus (${CORPUS}) through oobd parse, each record paired with the`,
  'expected one (expected.jsonl) of its file. Each measure counts the expected records',
  'that name it (total) and those oobd got right (matched):',
  '  detected   the file gave a record to pair with it (by recipient, else in order)',
  "  recipient  the record's recipient is the expected address",
  "  status     the enhanced status code (5.1.1); only expectations with a real one (not Sisimai's pseudo status)",
  '  replycode  the SMTP reply code (550); only expectations that name one',
  "  label      bounce_classification is a label that fits Sisimai's reason (reasons with no",
  '             oobd counterpart, such as onhold and undefined, are not counted)',
  '             (bench/score.js, REASON_LABELS: userunknown → InvalidRecipient ...)',
  '',
].join('\n');

function main() {
  const bsdDir = path.join(CORPUS, 'maildir', 'bsd');
  requireCorpus('bench:accuracy');
  console.log(LEGEND);
  const bsd = groupBySourceFile(parse(bsdDir));
  const notBounced = notBouncedRecipients(bsdDir);
  const sets = [
    ['RFC reports (rfc3464-, arf-, rfc3834-)', 'rfc3464-,arf-,rfc3834-'],
    ['rfc3464- files (label target ≥ 85%)', 'rfc3464-'],
    ['MTA and provider formats (lhost-, rhost-)', 'lhost-,rhost-'],
    ['whole corpus (maildir/bsd)', undefined],
  ];
  for (const [title, filter] of sets) {
    console.log(formatTable(score(bsd, { filter, notBounced }).totals, title));
    console.log('');
  }
  const whole = score(bsd, { notBounced });
  const r = whole.totals.recipient;
  console.log(
    `recipient: ${whole.byDesign} of the ${r.ok} matched are the report's Original-Recipient, which oobd's record names where Sisimai names the Final-Recipient (docs/records.md, OOB);` +
      ` without that rule ${(((r.ok - whole.byDesign) * 100) / r.total).toFixed(1)}%.`,
  );
  console.log(
    `not scored: ${whole.skipped.length} expected records of recipients the report marks as no bounce (oobd writes no OOB record for them: docs/records.md, OOB):`,
  );
  for (const s of whole.skipped)
    console.log(`       ${path.basename(s.file)}#${s.index}  ${s.recipient}  Action: ${s.action}`);
  console.log(`\nMisses of the whole corpus by kind (${whole.misses.length}):`);
  console.log(formatMisses(whole.misses));
  console.log('');
  // The same messages with other line ends must give the same records.
  const essence = (records) =>
    JSON.stringify(
      records.map((r) => [
        r.type,
        r.recipient,
        r.response?.code,
        r.response?.enhanced_code,
        r.bounce_classification,
      ]),
    );
  for (const variant of ['dos', 'mac']) {
    const other = groupBySourceFile(parse(path.join(CORPUS, 'maildir', variant)));
    let same = 0;
    let compared = 0;
    const bsdByName = new Map(
      [...bsd].map(([file, records]) => [path.basename(corpusKey(file)), records]),
    );
    for (const [file, records] of other) {
      const original = bsdByName.get(path.basename(corpusKey(file)));
      if (!original) continue;
      compared++;
      if (essence(original) === essence(records)) same++;
    }
    console.log(
      `${variant} line ends: ${same} of ${compared} files give the same records as maildir/bsd`,
    );
  }
  console.log('');
  printAudit(audit(path.join(CORPUS, 'maildir', 'bsd')));
  console.log('');
  console.log(formatSpread(ruleSpread(bsd)));
  console.log(
    '\nFor reference (corpus README): Sisimai 4.25 agrees with these expectations on 82% of',
  );
  console.log('reasons, 91% of statuses and 93% of reply codes; Sisimai 5.1 on 95%, 98% and 99%.');
}

main();
