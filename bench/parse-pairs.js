// In-process CPU per message of two builds and a control (issue 17): each build's
// parseMessage + reportRecords (what bench/parse.js times) loaded into this one process
// with a classifier of its checkout's shipped rules; each round is one pass of every
// build over the same messages, timed with process.cpuUsage, the order of the three
// rotated through all six (as bench/smtp-pairs.js rotates servers), and the ratio to
// BASE taken within each round. CONTROL is a copy of BASE (an A/A pair): its ratio
// shows the noise, which on a shared machine is several per cent.
//
//   npm run build && node bench/parse-pairs.js BASE NEW CONTROL [--rounds 36] [DIR ...]
//
// BASE, NEW and CONTROL are checkouts with a built dist/ and the rules/ it ships (a copy
// of a dist/ and rules/ beside a link to node_modules will do). DIR defaults to every
// folder of the Sisimai corpus's maildir/ ($OOBD_CORPUS as in bench/parse.js).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { CORPUS, benchContext, loadMessages } = require('./parse');
const { ORDERS, quantile, spread } = require('./smtp-pairs');

const SELECTION = { oob: true, arf: true };

/** One pass of a build over the messages: its CPU µs per message. */
function passOf(checkout) {
  const dist = path.join(path.resolve(checkout), 'dist');
  const { parseMessage } = require(path.join(dist, 'report', 'index.js'));
  const { reportRecords } = require(path.join(dist, 'pipeline', 'records.js'));
  const { compileClassifier } = require(path.join(dist, 'classify', 'index.js'));
  const { SHIPPED_RULES_FILES } = require(path.join(dist, 'config', 'server.js'));
  const sources = SHIPPED_RULES_FILES.map((f) => path.join(checkout, f))
    .filter((f) => fs.existsSync(f))
    .map((f) => ({ file: path.relative(checkout, f), text: fs.readFileSync(f, 'utf8') }));
  const classifier = compileClassifier(sources, { cacheSize: 1024, uncategorizedCacheSize: 1024 });
  const ctx = benchContext();
  return (messages) => {
    const start = process.cpuUsage();
    for (const m of messages) reportRecords(parseMessage(m.raw), classifier, ctx, SELECTION);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / messages.length;
  };
}

function main(argv) {
  const args = argv.slice(2);
  let rounds = 36;
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--rounds') rounds = Number(args[++i]);
    else rest.push(args[i]);
  }
  const [base, next, control, ...dirs] = rest;
  if (control === undefined) {
    console.error('usage: node bench/parse-pairs.js BASE NEW CONTROL [--rounds N] [DIR ...]');
    process.exit(2);
  }
  const maildir = path.join(CORPUS, 'maildir');
  const folders =
    dirs.length > 0 ? dirs : fs.readdirSync(maildir).map((name) => path.join(maildir, name));
  const messages = folders.flatMap((dir) => loadMessages(dir));
  const passes = [base, next, control].map(passOf);
  // Warm-up: every classifier's cache and DFAs, every build's compiled code.
  for (let w = 0; w < 3; w++) for (const pass of passes) pass(messages);
  const cpu = passes.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const i of ORDERS[r % ORDERS.length]) cpu[i].push(passes[i](messages));
  }
  const ratio = (i) => cpu[i].map((v, r) => v / cpu[0][r]);
  console.log(
    `parseMessage + reportRecords, CPU per message (median µs): base ${quantile(cpu[0], 0.5).toFixed(1)}, new ${quantile(cpu[1], 0.5).toFixed(1)}, control ${quantile(cpu[2], 0.5).toFixed(1)}; ${rounds} rounds of ${messages.length} messages`,
  );
  console.log(`new/base ${spread(ratio(1))}   control/base (A/A) ${spread(ratio(2))}`);
}

if (require.main === module) main(process.argv);
