// `npm run bench`: every throughput figure in one run.
//   1. parsing: parseMessage + records in-process, and the `oobd parse` command over
//      the corpus, each against Sisimai 4.25 (Debian libsisimai-perl) when installed;
//   2. classification: RE2 set, cached and uncached, 100 vs 1,000 rules;
//   3. SMTP end to end: oobd inline and bullmq against a bare smtp-server.
// Options: --skip-smtp, --messages N, --sessions S (SMTP part).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { benchParse, benchSisimai, DEFAULT_DIR } = require('./parse.js');
const { runClassifyBench } = require('./classify.js');
const { benchSmtp } = require('./smtp.js');

const CLI = path.join(__dirname, '..', 'dist', 'cli', 'main.js');

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

/** Whole commands, process start included: `oobd parse` vs a Sisimai script over the same copies. */
function benchCommands(copies = 20) {
  const files = fs.readdirSync(DEFAULT_DIR).filter((f) => f.endsWith('.eml'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oobd-bench-corpus-'));
  for (let c = 0; c < copies; c++) {
    const dir = path.join(tmp, String(c));
    fs.mkdirSync(dir);
    for (const f of files) fs.copyFileSync(path.join(DEFAULT_DIR, f), path.join(dir, f));
  }
  const messages = files.length * copies;
  const ours = timed(process.execPath, [CLI, 'parse', '--config', path.join(__dirname, '..', 'config', 'oobd.toml'), tmp], {
    cwd: path.join(__dirname, '..'),
  });
  const lines = ours.stdout.split('\n').filter(Boolean).length;
  let sisimai = null;
  if (spawnSync('perl', ['-MSisimai', '-e', '1']).status === 0) {
    const script = 'use Sisimai; my $n = 0; for my $d (@ARGV) { my $r = Sisimai->make($d); $n += scalar @{ $r || [] } } print "$n\\n";';
    const dirs = Array.from({ length: copies }, (_, c) => path.join(tmp, String(c)));
    sisimai = timed('perl', ['-e', script, ...dirs]);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`\nCommand level: ${messages} messages (${copies} copies of maildir/bsd), process start included`);
  console.log(`  oobd parse         ${(messages / ours.seconds).toFixed(0).padStart(7)} msgs/s  (${ours.seconds.toFixed(2)} s, ${lines} lines)`);
  if (sisimai) {
    console.log(`  Sisimai->make      ${(messages / sisimai.seconds).toFixed(0).padStart(7)} msgs/s  (${sisimai.seconds.toFixed(2)} s, ${sisimai.stdout.trim()} records)`);
    console.log(`  ratio              ${(sisimai.seconds / ours.seconds).toFixed(1)}× Sisimai (target ≥ 5×)`);
  } else {
    console.log('  Sisimai: not installed (apt-get install libsisimai-perl to compare)');
  }
}

async function main() {
  console.log(`oobd benchmarks — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
  const ours = benchParse({});
  console.log(`\nParsing in-process: maildir/bsd (${ours.files} messages)`);
  console.log(`  oobd parseMessage + records  ${ours.msgsPerSec.toFixed(0).padStart(7)} msgs/s`);
  const sisimai = benchSisimai({});
  if (sisimai) {
    console.log(`  Sisimai ${sisimai.version} make()        ${sisimai.msgsPerSec.toFixed(0).padStart(7)} msgs/s`);
    console.log(`  ratio                        ${(ours.msgsPerSec / sisimai.msgsPerSec).toFixed(1)}× Sisimai (target ≥ 5×)`);
  }
  benchCommands();
  console.log('');
  runClassifyBench();
  if (!process.argv.includes('--skip-smtp')) {
    await benchSmtp({ messages: arg('messages', 5000), sessions: arg('sessions', 20) });
    if (!process.argv.includes('--sessions')) await benchSmtp({ messages: arg('messages', 5000), sessions: 100 });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
