// Queue mode A/B by CPU per message, with every configuration loaded at the same time
// (issue 17, h107): bench/smtp.js runs one configuration at a time, and on a machine
// shared with other jobs the load changes between two runs by more than most changes
// are worth (its ratios spread over 3-7× bare in one run). Here each round sends the
// same number of DSNs (smtp-source, 20 sessions) to every configuration at once, all
// servers and their redis-servers pinned to CPU 0 and the clients to CPU 1, so they
// share whatever else the machine runs; each configuration's server + Redis CPU per
// message is divided by the first one's in the same round, and the median of those
// ratios is printed with its quartiles. Give the first configuration twice (an A/A
// pair) to see how far two identical builds differ.
//
//   npm run build && node bench/queue-pairs.js [--rounds R] [--messages M] SPEC...
//
// SPEC is LABEL=ROOT[,KEY=VALUE...]: ROOT a built checkout (bin/oobd, dist/, node_modules
// reachable); an upper-case KEY is an environment variable of the server (e.g.
// OOBD_BENCH_NODE_ARGS=--max-semi-space-size=2, flags for node), a lower-case one a
// [queue] key (e.g. worker_threads=true). Every server is `serve --workers 1` in
// bullmq mode with its own redis-server, started and warmed up as bench/smtp.js does.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Config } = require('./smtp');

const FIXTURE = path.join(__dirname, '..', '..', 'shared', 'corpus', 'kumomta', 'rfc3464', '1.eml');
const TICK_NS = 1e9 / 100;

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** utime+stime (ns) of a process and its threads. */
function cpuNs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_NS;
}

function parseSpec(spec) {
  const eq = spec.indexOf('=');
  if (eq < 1) throw new Error(`not LABEL=ROOT[,KEY=VALUE...]: ${spec}`);
  const [root, ...pairs] = spec.slice(eq + 1).split(',');
  const env = {};
  let queue = '';
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at);
    const value = pair.slice(at + 1);
    if (/^[A-Z_]+$/.test(key)) env[key] = value;
    else queue += `${key} = ${value}\n`;
  }
  return { label: spec.slice(0, eq), root: path.resolve(root), env, queue };
}

function quantile(values, q) {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.floor(q * v.length))];
}

let runs = 0;

/** One smtp-source run of `messages` DSNs over 20 sessions, pinned to CPU 1. */
function drive(port, messages, fixture) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'taskset',
      ['-c', '1', 'smtp-source', '-d', '-N', '-s', '20', '-m', String(messages)].concat([
        '-f',
        `pairs-${process.pid}-${++runs}@bench.test`,
        '-t',
        'bench@bounce.example.com',
        '-M',
        'bench.test',
        '-F',
        fixture,
        `127.0.0.1:${port}`,
      ]),
      { stdio: 'ignore' },
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`smtp-source exited with ${code}`)),
    );
  });
}

async function main() {
  const rounds = Number(arg('rounds', 9));
  const messages = Number(arg('messages', 2000));
  const specs = process.argv
    .slice(2)
    .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'))
    .map(parseSpec);
  if (specs.length < 2) throw new Error('give at least two SPECs');
  spawnSync('taskset', ['-pc', '1', String(process.pid)]);
  // smtp-source appends CRLF to every line: it gets an LF copy.
  const fixture = path.join(os.tmpdir(), `oobd-pairs-${process.pid}.eml`);
  fs.writeFileSync(fixture, fs.readFileSync(FIXTURE, 'latin1').replace(/\r\n/g, '\n'), 'latin1');
  const configs = [];
  try {
    for (const spec of specs) {
      const c = await Config.oobd('bullmq', { ...spec, label: ` [${spec.label}]` });
      configs.push({ spec, c, results: [] });
    }
    for (const { c } of configs) await c.warmUp(6000, 20, true);
    for (let round = 0; round < rounds; round++) {
      const before = await Promise.all(
        configs.map(async ({ c }) => ({
          server: cpuNs(c.server.pid),
          redis: cpuNs(c.redis.pid),
          counters: await c.redisCounters(),
        })),
      );
      await Promise.all(configs.map(({ c }) => drive(c.port, messages, fixture)));
      for (const { c } of configs) c.expected += messages;
      await Promise.all(configs.map(({ c }) => c.settle()));
      const line = [];
      for (const [i, entry] of configs.entries()) {
        const { c } = entry;
        const counters = await c.redisCounters();
        const r = {
          server: (cpuNs(c.server.pid) - before[i].server) / 1e3 / messages,
          redis: (cpuNs(c.redis.pid) - before[i].redis) / 1e3 / messages,
          perJob: messages / (counters.jobs - before[i].counters.jobs),
        };
        entry.results.push(r);
        line.push(`${entry.spec.label} ${r.server.toFixed(0)}+${r.redis.toFixed(0)}`);
      }
      console.log(`round ${round + 1}: ${line.join('  ')} µs/msg`);
    }
    const first = configs[0];
    const total = (r) => r.server + r.redis;
    console.log(
      `\nserver + redis CPU per message, ${rounds} rounds of ${messages} DSNs to each at once; ratio to ${first.spec.label} in the same round: median (quartiles)`,
    );
    for (const { spec, c, results } of configs) {
      const ratios = results.map((r, i) => total(r) / total(first.results[i]));
      const rss = c.rss();
      console.log(
        `  ${spec.label.padEnd(12)} ${quantile(results.map(total), 0.5).toFixed(0).padStart(5)} µs  ${quantile(ratios, 0.5).toFixed(3)} (${quantile(ratios, 0.25).toFixed(3)}-${quantile(ratios, 0.75).toFixed(3)})  ${quantile(
          results.map((r) => r.perJob),
          0.5,
        ).toFixed(1)} msgs/job  peak RSS ${(rss.server / 2 ** 20).toFixed(0)} MB`,
      );
    }
  } finally {
    for (const { c } of configs) await c.close();
    fs.rmSync(fixture, { force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
