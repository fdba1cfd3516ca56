// Parse throughput: messages per second of parseMessage + reportRecords (what a
// worker does for each message before writing records) over every message of the
// Sisimai corpus, held in memory. When Sisimai (Debian's libsisimai-perl) is
// installed, the same files go through Sisimai->make in one perl process, and the
// ratio is printed (issue 3: at least 5×). Run after `npm run build`:
//   node bench/parse.js [DIR] [--rounds N] [--json]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');

const dist = path.join(__dirname, '..', 'dist');
const { parseMessage } = require(path.join(dist, 'report', 'index.js'));
const { reportRecords } = require(path.join(dist, 'pipeline', 'records.js'));
const { compileClassifier } = require(path.join(dist, 'classify', 'index.js'));

/** The Sisimai corpus; OOBD_CORPUS overrides (the folder holding maildir/ and expected.jsonl). */
const { CORPUS, CORPUS_BSD: DEFAULT_DIR } = require('./corpus.js');
const RULES = require(path.join(dist, 'config', 'server.js')).SHIPPED_RULES_FILES.map((f) =>
  path.join(__dirname, '..', f),
);

/** The shipped rules files that exist, compiled (earlier file wins, as in config/oobd.toml). */
function loadClassifier() {
  const sources = RULES.filter((f) => fs.existsSync(f)).map((f) => ({
    file: path.relative(path.join(__dirname, '..'), f),
    text: fs.readFileSync(f, 'utf8'),
  }));
  return compileClassifier(sources, { cacheSize: 1024, uncategorizedCacheSize: 1024 });
}

/** A fixed record context, so records are comparable run to run. */
function benchContext() {
  const at = new Date('2024-11-07T17:20:00.000Z');
  return {
    id: '0'.repeat(32),
    created: at,
    nodeid: '00000000-0000-4000-8000-000000000000',
    session_id: '00000000-0000-4000-8000-000000000001',
    reportAddress: 'bounce@bounce.example.com',
    queue: 'bounce.example.com',
    peerAddr: '192.0.2.1',
    now: at,
  };
}

const SELECTION = { oob: true, arf: true };

/** Files of a folder (sorted, not recursive) loaded into memory. */
function loadMessages(dir) {
  return fs
    .readdirSync(dir)
    .filter((name) => fs.statSync(path.join(dir, name)).isFile())
    .sort()
    .map((name) => ({ file: path.join(dir, name), raw: fs.readFileSync(path.join(dir, name)) }));
}

/** The records `oobd parse` would print for one message (without Unrecognized lines). */
function recordsOf(raw, classifier, ctx = benchContext()) {
  return reportRecords(parseMessage(raw), classifier, ctx, SELECTION);
}

/**
 * Times parseMessage + reportRecords over `dir`: a warm-up round, then whole rounds
 * until `minSeconds` have passed (at least `rounds`). Returns messages per second.
 */
function benchParse({ dir = DEFAULT_DIR, rounds = 5, minSeconds = 2 } = {}) {
  const messages = loadMessages(dir);
  const classifier = loadClassifier();
  const ctx = benchContext();
  for (const m of messages) recordsOf(m.raw, classifier, ctx);
  let count = 0;
  let done = 0;
  const start = process.hrtime.bigint();
  let seconds = 0;
  while (done < rounds || seconds < minSeconds) {
    for (const m of messages) {
      reportRecords(parseMessage(m.raw), classifier, ctx, SELECTION);
      count++;
    }
    done++;
    seconds = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return {
    files: messages.length,
    messages: count,
    rounds: done,
    seconds,
    msgsPerSec: count / seconds,
  };
}

/** True when `perl -MSisimai` loads. */
function sisimaiAvailable() {
  const r = spawnSync('perl', ['-MSisimai', '-e', 'print $Sisimai::VERSION'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * Times Sisimai->make over the same folder in one perl process (`rounds` times,
 * after one warm-up), so start-up and module loading are not counted.
 */
function benchSisimai({ dir = DEFAULT_DIR, rounds = 3 } = {}) {
  const version = sisimaiAvailable();
  if (version === null) return null;
  const script = [
    'use strict; use Sisimai; use Time::HiRes qw(time);',
    'my ($dir, $rounds) = @ARGV;',
    'Sisimai->make($dir);',
    'my $t = time; my $records = 0;',
    'for (1 .. $rounds) { my $d = Sisimai->make($dir); $records = scalar(@{ $d || [] }); }',
    'printf "%.6f %d\\n", time - $t, $records;',
  ].join('\n');
  const out = execFileSync('perl', ['-e', script, dir, String(rounds)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const [seconds, records] = out.trim().split(' ').map(Number);
  const files = loadMessages(dir).length;
  return {
    version,
    files,
    messages: files * rounds,
    rounds,
    records,
    seconds,
    msgsPerSec: (files * rounds) / seconds,
  };
}

function main(argv) {
  const args = argv.slice(2);
  let dir = DEFAULT_DIR;
  let rounds = 5;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--rounds') rounds = Number(args[++i]);
    else if (args[i] === '--json') json = true;
    else dir = args[i];
  }
  const ours = benchParse({ dir, rounds });
  const sisimai = benchSisimai({ dir });
  if (json) {
    console.log(
      JSON.stringify({
        ours,
        sisimai,
        ratio: sisimai ? ours.msgsPerSec / sisimai.msgsPerSec : null,
      }),
    );
    return;
  }
  console.log(`corpus: ${dir} (${ours.files} messages)`);
  console.log(
    `oobd parseMessage + reportRecords: ${ours.msgsPerSec.toFixed(0)} msgs/s (${ours.messages} messages in ${ours.seconds.toFixed(2)} s)`,
  );
  if (sisimai === null) {
    console.log('Sisimai: not installed (perl -MSisimai failed), no comparison');
    return;
  }
  console.log(
    `Sisimai ${sisimai.version} make(): ${sisimai.msgsPerSec.toFixed(0)} msgs/s (${sisimai.messages} messages in ${sisimai.seconds.toFixed(2)} s)`,
  );
  console.log(`ratio: ${(ours.msgsPerSec / sisimai.msgsPerSec).toFixed(1)}× Sisimai (target ≥ 5×)`);
}

module.exports = {
  benchParse,
  benchSisimai,
  loadClassifier,
  loadMessages,
  recordsOf,
  benchContext,
  CORPUS,
  DEFAULT_DIR,
};

if (require.main === module) main(process.argv);
