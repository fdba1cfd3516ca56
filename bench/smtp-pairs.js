// serve inline CPU per message of two builds and a control, the pair method of
// docs/parsing.md (issue 17): three `serve` processes started side by side (pinned as
// bench/smtp.js pins them), then triples of back-to-back runs of the same load, the
// order of the three rotated through all six, and the ratio to BASE taken within each
// triple. CONTROL is a copy of BASE (an A/A pair): its ratio shows the noise.
//
//   npm run build && node bench/smtp-pairs.js BASE NEW CONTROL [--triples 12] [--messages 2000]
//
// BASE, NEW and CONTROL are checkouts with bin/oobd and a built dist/; the load is Postfix's
// smtp-source, as in bench/smtp.js. A build that always
// runs in the same place of the triple is measured with a bias (an earlier run with NEW
// always second gave 1.18 while its control gave 1.11).
'use strict';
const { spawnSync } = require('node:child_process');
const { Config } = require('./smtp');

const ORDERS = [
  [0, 1, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
  [1, 0, 2],
  [0, 2, 1],
];

function option(args, name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function quantile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

const spread = (v) =>
  `${quantile(v, 0.5).toFixed(3)} (${quantile(v, 0.25).toFixed(3)}-${quantile(v, 0.75).toFixed(3)})`;

async function main() {
  const args = process.argv.slice(2);
  const roots = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  if (roots.length !== 3) {
    console.error('usage: node bench/smtp-pairs.js BASE NEW CONTROL [--triples N] [--messages M]');
    process.exit(2);
  }
  const triples = option(args, 'triples', 12);
  const messages = option(args, 'messages', 2000);
  const sessions = 20;
  spawnSync('taskset', ['-pc', '1', String(process.pid)]);
  const servers = [];
  try {
    for (const [i, root] of roots.entries())
      servers.push(
        await Config.oobd('inline', { root, label: ` ${['base', 'new', 'control'][i]}` }),
      );
    for (const s of servers) await s.warmUp(4000, sessions, true);
    const cpu = [[], [], []];
    for (let t = 0; t < triples; t++) {
      for (const i of ORDERS[t % ORDERS.length])
        cpu[i].push((await servers[i].measure(messages, sessions, true)).server);
      console.error(`triple ${t + 1}: ${cpu.map((c) => c[t].toFixed(0)).join(' ')} µs`);
    }
    const ratio = (i) => cpu[i].map((v, t) => v / cpu[0][t]);
    console.log(
      `serve inline, server CPU per message (median µs): base ${quantile(cpu[0], 0.5).toFixed(0)}, new ${quantile(cpu[1], 0.5).toFixed(0)}, control ${quantile(cpu[2], 0.5).toFixed(0)}; ${triples} triples of ${messages} messages`,
    );
    console.log(`new/base ${spread(ratio(1))}   control/base (A/A) ${spread(ratio(2))}`);
  } finally {
    for (const s of servers) await s.close();
  }
}

module.exports = { ORDERS, quantile, spread };

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
