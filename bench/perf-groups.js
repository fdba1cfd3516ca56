// Groups the samples of a `perf record -g` profile of serve inline (or the bare server)
// by what their stacks hold, as docs/parsing.md's issue-17 tables do, and prints each
// group's share and its µs per message. Each sample goes to the first group of GROUPS
// whose test its stack (leaf first) passes.
//
//   perf record -e cpu-clock -F 4000 -g -p SERVER -o P.data   (during M messages; the
//     server started with OOBD_BENCH_NODE_ARGS="--perf-basic-prof-only-functions
//     --interpreted-frames-native-stack", so JIT frames carry names)
//   perf script -i P.data -F tid,ip,sym > P.txt
//   node bench/perf-groups.js P.txt --messages M [--hz 4000]
'use strict';
const fs = require('node:fs');

const has = (re) => (stack) => re.test(stack);
const GC = /Scaveng|Heap::CollectGarbage|MarkCompact|ArrayBufferSweeper|GCTracer|Heap::/;
const SYSCALL_WRITE = /sys_write|__libc_write|writev/;

/** [name, test of the joined stack]; the first that matches takes the sample. */
const GROUPS = [
  ['V8 helper threads (compiler, GC)', (s) => s.includes('PlatformWorkerThread')],
  ['parse and classify (analyze)', has(/JS:\S?analyze \S*dist\/pipeline\/process\.js/)],
  ['records (decideOutcome)', has(/dist\/pipeline\/process\.js/)],
  ['log writer', has(/dist\/log\/writer\.js/)],
  ["records' JSON and the rest of LocalProcessor.work", has(/dist\/pipeline\/local\.js/)],
  ['processJob, writeOutcome', has(/dist\/queue\/job\.js/)],
  ['sniff', has(/dist\/report\/sniff\.js/)],
  ['the edge (smtp/server.js) and the reply it sends', has(/dist\/smtp\/server\.js/)],
  ['metrics', has(/prom-client|dist\/http\/metrics/)],
  ['GC on the main thread', has(GC)],
  ['smtp-server: socket writes', (s) => /smtp-server/.test(s) && SYSCALL_WRITE.test(s)],
  ["smtp-server's JS", has(/smtp-server/)],
  ['other writes', has(SYSCALL_WRITE)],
  ['socket reads', has(/sys_read|__libc_read|uv__read/)],
  ['epoll', has(/epoll/)],
  ['promise turns', has(/RunMicrotasks/)],
  ['other', () => true],
];

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The samples of `perf script -F tid,ip,sym` output: each a list of symbols, leaf first. */
function samples(text) {
  const out = [];
  for (const block of text.split(/\n\s*\n/)) {
    const frames = block
      .split('\n')
      .filter((line) => /^\s/.test(line))
      .map((line) => line.trim().replace(/^[0-9a-f]+ /, ''));
    if (frames.length > 0) out.push(frames.join(' | '));
  }
  return out;
}

function main() {
  const file = process.argv[2];
  const messages = option('messages', 0);
  if (!file || !messages) {
    console.error('usage: node bench/perf-groups.js PERF_SCRIPT.txt --messages M [--hz 4000]');
    process.exit(2);
  }
  const usPerSample = 1e6 / option('hz', 4000);
  const all = samples(fs.readFileSync(file, 'utf8'));
  const counts = new Map(GROUPS.map(([name]) => [name, 0]));
  for (const stack of all) {
    const [name] = GROUPS.find(([, test]) => test(stack));
    counts.set(name, counts.get(name) + 1);
  }
  console.log(
    `${all.length} samples, ${((all.length * usPerSample) / messages).toFixed(1)} µs a message`,
  );
  for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1])) {
    if (n === 0) continue;
    const share = ((100 * n) / all.length).toFixed(1).padStart(5);
    console.log(`${share}%  ${((n * usPerSample) / messages).toFixed(1).padStart(6)} µs  ${name}`);
  }
}

main();
