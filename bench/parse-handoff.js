// CPU per message of handing a message to a parse thread (ProcessPool, one thread)
// against parsing it on the calling thread (LocalProcessor), without SMTP around it
// (issue 17, docs/parsing.md). bench/smtp.js measures the whole server, but on a
// shared 2-core machine its figures move by ±20% from run to run; this isolates the
// part that differs.
//
//   npm run build && taskset -c 0 node --v8-pool-size=0 --max-semi-space-size=4 \
//     bench/parse-handoff.js [--burst B] [--messages N] [--rounds R]
//
// Pin it to one core (as bench/smtp.js pins the server): the parse thread then shares
// the core with the main thread, as it does under the SMTP benchmark. The figure is
// process.cpuUsage() (every thread of the process) over N messages of the bench's DSN,
// submitted B at a time (B sessions ending DATA in the same loop turn), in R rounds
// that alternate between the two; the median is printed with the lowest and highest.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { loggingPolicy } = require('./policy');

const ROOT = path.resolve(__dirname, '..');
const dist = (p) => require(path.join(ROOT, 'dist', p));
const { ProcessPool } = dist('pipeline/pool.js');
const { LocalProcessor } = dist('pipeline/local.js');
const { RulesStore } = dist('config/rules.js');
const { SHIPPED_RULES_FILES } = dist('config/server.js');
const { silentLogger } = dist('logger.js');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const BURST = arg('burst', 20);
const MESSAGES = arg('messages', 4000);
const ROUNDS = arg('rounds', 8);

/** The DSN bench/smtp.js sends. */
const RAW = fs.readFileSync(
  path.join(ROOT, '..', 'shared', 'corpus', 'kumomta', 'rfc3464', '1.eml'),
);
const classifier = { cacheSize: 1024, uncategorizedCacheSize: 1024 };
const rules = new RulesStore({
  files: SHIPPED_RULES_FILES.map((f) => path.join(ROOT, f)),
  classifier,
  logger: silentLogger(),
});
rules.load();

let n = 0;
/** A message as the edge hands it on: each with its own id and recipient. */
function input() {
  n++;
  const recipient = `b${n}@bounce.example.com`;
  return {
    envelope: {
      id: n.toString(16).padStart(32, '0'),
      mailFrom: '',
      rcptTo: [recipient],
      listener: '127.0.0.1:25',
      remoteAddress: '192.0.2.9',
      heloName: 'mx.remote.example',
      sessionId: 'session',
      receivedAt: Date.now(),
    },
    recipients: [loggingPolicy(recipient)],
    sniffed: 'report',
    raw: Buffer.from(RAW),
  };
}

/** µs of CPU (all threads) per message over MESSAGES messages. */
async function run(processor) {
  const before = process.cpuUsage();
  for (let done = 0; done < MESSAGES; done += BURST) {
    await Promise.all(Array.from({ length: BURST }, () => processor.process(input())));
    // A loop turn between bursts, as between the SMTP reads that bring them.
    await new Promise((r) => setImmediate(r));
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / MESSAGES;
}

function summary(values) {
  const v = [...values].sort((a, b) => a - b);
  return `${v[v.length >> 1].toFixed(1)} µs (${v[0].toFixed(1)}–${v[v.length - 1].toFixed(1)})`;
}

async function main() {
  const pool = new ProcessPool({ size: 1, sources: rules.sources, classifier, nodeid: 'bench' });
  const local = new LocalProcessor({ rules, classifier, nodeid: 'bench' });
  // The thread compiles its rules; then both warm up.
  await new Promise((r) => setTimeout(r, 2000));
  for (let i = 0; i < 2; i++) for (const p of [pool, local]) await run(p);
  const results = { pool: [], local: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ['local', 'pool'] : ['pool', 'local'];
    for (const name of order) results[name].push(await run(name === 'pool' ? pool : local));
  }
  console.log(
    `CPU per message (all threads), ${MESSAGES} messages ${BURST} at a time, ${ROUNDS} rounds, median (min–max):`,
  );
  console.log(`  parse thread (ProcessPool, 1 thread)  ${summary(results.pool)}`);
  console.log(`  calling thread (LocalProcessor)       ${summary(results.local)}`);
  await Promise.all([pool.close(), local.close()]);
}

void main();
