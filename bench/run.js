// `npm run bench`: every throughput figure in one run.
//   1. parsing: parseMessage + records in-process, and the `oobd parse` command over
//      the corpus, each against Sisimai 4.25 (Debian libsisimai-perl) when installed;
//   2. classification: RE2 set, cached and uncached, 100 vs 1,000 rules;
//   3. SMTP end to end: oobd inline and bullmq against a bare smtp-server.
// Options: --skip-smtp, --parse-only, --sessions S, --per-session M, --rounds R (SMTP part).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { benchParse, benchSisimai, DEFAULT_DIR } = require('./parse.js');
const { runClassifyBench } = require('./classify.js');
const { benchSmtp } = require('./smtp.js');

// The installed command, as operators run it (its shebang carries the Node flags).
const BIN = path.join(__dirname, '..', 'bin', 'oobd');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function timed(cmd, args, opts) {
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr}`);
  return { seconds, stdout: result.stdout };
}

/**
 * Whole commands over copies of the corpus: `oobd parse` and a Sisimai script, each
 * run at two sizes, `rounds` times, interleaved, best time kept (the machine's noise
 * only ever adds time). "total" includes process start; "marginal" is the extra
 * messages over the extra time between the two sizes, i.e. throughput once started.
 * "start-up" is a run over an empty folder: what every run pays before its first message.
 */
function benchCommands(small = 5, large = 25, rounds = 3) {
  const files = fs.readdirSync(DEFAULT_DIR).filter((f) => f.endsWith('.eml'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oobd-bench-corpus-'));
  const dirs = [];
  for (let c = 0; c < large; c++) {
    const dir = path.join(tmp, String(c));
    fs.mkdirSync(dir);
    for (const f of files) fs.copyFileSync(path.join(DEFAULT_DIR, f), path.join(dir, f));
    dirs.push(dir);
  }
  const empty = path.join(tmp, 'empty');
  fs.mkdirSync(empty);
  const of = (n) => (n === 0 ? [empty] : dirs.slice(0, n));
  const root = path.join(__dirname, '..');
  const oobd = (n) =>
    timed(BIN, ['parse', '--config', path.join(root, 'config', 'oobd.toml'), ...of(n)], {
      cwd: root,
    });
  const hasSisimai = spawnSync('perl', ['-MSisimai', '-e', '1']).status === 0;
  const script =
    'use Sisimai; my $n = 0; for my $d (@ARGV) { my $r = Sisimai->make($d); $n += scalar @{ $r || [] } } print "$n\\n";';
  const sisimai = (n) => timed('perl', ['-e', script, ...of(n)]);
  const rows = [['oobd parse', oobd]];
  if (hasSisimai) rows.push(['Sisimai->make', sisimai]);
  const best = new Map(
    rows.map(([name]) => [name, { start: Infinity, small: Infinity, large: Infinity }]),
  );
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of rows) {
      const b = best.get(name);
      b.start = Math.min(b.start, run(0).seconds);
      b.small = Math.min(b.small, run(small).seconds);
      b.large = Math.min(b.large, run(large).seconds);
    }
  }
  const results = new Map();
  console.log(
    `\nCommand level: ${files.length * small} and ${files.length * large} messages (${small} and ${large} copies of maildir/bsd), best of ${rounds}`,
  );
  console.log(
    '                      total msgs/s (process start included)   marginal msgs/s (once started)',
  );
  for (const [name] of rows) {
    const b = best.get(name);
    const total = (files.length * large) / b.large;
    const marginal = (files.length * (large - small)) / (b.large - b.small);
    results.set(name, { total, marginal });
    console.log(
      `  ${name.padEnd(18)} ${total.toFixed(0).padStart(12)}                              ${marginal.toFixed(0).padStart(12)}`,
    );
  }
  console.log(
    `  start-up (an empty folder): ${rows.map(([name]) => `${name} ${(best.get(name).start * 1000).toFixed(0)} ms`).join(', ')}`,
  );
  fs.rmSync(tmp, { recursive: true, force: true });
  const ours = results.get('oobd parse');
  const theirs = results.get('Sisimai->make');
  if (ours && theirs) {
    console.log(
      `  ratio              ${(ours.total / theirs.total).toFixed(1)}× Sisimai (issue 17: ≥ 8×)  ${' '.repeat(15)}${(ours.marginal / theirs.marginal).toFixed(1)}× Sisimai`,
    );
  } else {
    console.log('  Sisimai: not installed (apt-get install libsisimai-perl to compare)');
  }
}

async function main() {
  console.log(
    `oobd benchmarks — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`,
  );
  const ours = benchParse({});
  console.log(`\nParsing in-process: maildir/bsd (${ours.files} messages)`);
  console.log(`  oobd parseMessage + records  ${ours.msgsPerSec.toFixed(0).padStart(7)} msgs/s`);
  const sisimai = benchSisimai({});
  if (sisimai) {
    console.log(
      `  Sisimai ${sisimai.version} make()        ${sisimai.msgsPerSec.toFixed(0).padStart(7)} msgs/s`,
    );
    console.log(
      `  ratio                        ${(ours.msgsPerSec / sisimai.msgsPerSec).toFixed(1)}× Sisimai (issue 3: ≥ 5×)`,
    );
  }
  benchCommands();
  if (process.argv.includes('--parse-only')) return;
  console.log('');
  runClassifyBench();
  if (!process.argv.includes('--skip-smtp')) {
    await benchSmtp({
      sessions: arg('sessions', 20),
      perSession: arg('per-session', 200),
      rounds: arg('rounds', 5),
    });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
