// Output identity of two builds (issue 17): a change meant to make the parsers do less
// work must not change one byte of what they produce. Both builds are loaded in this
// process; every message under the paths goes through each one's `processMessage`
// (the serve pipeline: parse, classify, records as JSON lines, problems) with the same
// envelope and clock, once as octets and once as a binary string, and once more with
// trace header names configured (`[reports] trace_headers`). Each build classifies
// with the rules of its own checkout (the folder above its dist/).
//
//   node bench/same-records.js BASE_DIST [DIST] [PATH ...]
//
// DIST defaults to this checkout's dist/; the paths to the development corpus
// (../shared/corpus), every bench/data/blind-messages-* folder and fixtures/. Held-back
// sets (blind-messages-5*, *-6b*) are compared like the others, but only their counts
// are printed, never a file name. Exit code 1 when anything differs.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { loggingPolicy } = require('./policy');

const ROOT = path.resolve(__dirname, '..');
const HELD_BACK = /blind-messages-5|-6b/;
const NOW = new Date('2024-11-07T17:20:00.000Z');
const ENVELOPE = {
  id: '0'.repeat(32),
  mailFrom: '',
  rcptTo: ['bounce@bounce.example.com'],
  listener: '127.0.0.1:25',
  remoteAddress: '192.0.2.1',
  heloName: 'mx.example.net',
  sessionId: '00000000-0000-4000-8000-000000000001',
  receivedAt: NOW.getTime(),
};
const RECIPIENTS = [loggingPolicy('bounce@bounce.example.com')];
const OPTIONS = [{}, { traceHeaders: ['KumoRef', 'Feedback-ID', 'X-Mailer'] }];

/** `processMessage` of a build, with a classifier of its checkout's shipped rules. */
function loadBuild(dist) {
  const dir = path.resolve(dist);
  const checkout = path.dirname(dir);
  const { processMessage } = require(path.join(dir, 'pipeline', 'process.js'));
  const { compileClassifier } = require(path.join(dir, 'classify', 'index.js'));
  const { SHIPPED_RULES_FILES } = require(path.join(dir, 'config', 'server.js'));
  const sources = SHIPPED_RULES_FILES.map((f) => path.join(checkout, f))
    .filter((f) => fs.existsSync(f))
    .map((f) => ({ file: path.relative(checkout, f), text: fs.readFileSync(f, 'utf8') }));
  const classifier = compileClassifier(sources, { cacheSize: 1024, uncategorizedCacheSize: 1024 });
  /** Everything the pipeline gives for one message, as one string. */
  return (raw) =>
    OPTIONS.flatMap((options) =>
      [raw, raw.toString('latin1')].map((input) =>
        JSON.stringify(
          processMessage(
            { envelope: ENVELOPE, recipients: RECIPIENTS, sniffed: 'dsn', raw: input },
            classifier,
            '00000000-0000-4000-8000-000000000000',
            NOW,
            options,
          ),
        ),
      ),
    ).join('\n');
}

/** Message files under `p` (sorted; notes, expectations and licences left out). */
function messageFiles(p, out = []) {
  const st = fs.statSync(p);
  if (st.isDirectory())
    for (const n of fs.readdirSync(p).sort()) messageFiles(path.join(p, n), out);
  else if (st.isFile() && !/\.(md|json|jsonl|py|txt|tsv)$|LICENSE/.test(p)) out.push(p);
  return out;
}

function defaultPaths() {
  const data = path.join(ROOT, 'bench', 'data');
  return [
    path.join(ROOT, '..', '..', 'shared', 'corpus'),
    ...fs
      .readdirSync(data)
      .filter((n) => n.startsWith('blind-messages-'))
      .map((n) => path.join(data, n)),
    path.join(ROOT, 'fixtures'),
  ].filter((p) => fs.existsSync(p));
}

function main() {
  const args = process.argv.slice(2);
  if (args.length === 0) {
    console.error('usage: node bench/same-records.js BASE_DIST [DIST] [PATH ...]');
    process.exit(2);
  }
  const base = loadBuild(args[0]);
  const build = loadBuild(args[1] ?? path.join(ROOT, 'dist'));
  const paths = args.length > 2 ? args.slice(2) : defaultPaths();
  let differing = 0;
  for (const root of paths) {
    const files = messageFiles(root);
    const held = HELD_BACK.test(root);
    let differ = 0;
    for (const file of files) {
      const raw = fs.readFileSync(file);
      if (base(raw) === build(raw)) continue;
      differ++;
      if (!held && !HELD_BACK.test(file) && differ <= 10) console.log(`  differs: ${file}`);
    }
    differing += differ;
    const name = path.relative(process.cwd(), root) || root;
    console.log(
      `${name}${held ? ' (held back: counts only)' : ''}: ${files.length} messages, ${differ} differ`,
    );
  }
  process.exit(differing > 0 ? 1 : 0);
}

if (require.main === module) main();
