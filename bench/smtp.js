// End-to-end SMTP cost: a bare smtp-server that accepts and discards, oobd inline and
// oobd bullmq (`serve --workers 1` plus redis-server), driven by the same client
// (Postfix's smtp-source when installed, else a Node client) at the same concurrency.
//
//   npm run build && node bench/smtp.js [--sessions S] [--per-session M] [--rounds R]
//                                       [--warm-up N] [--configs bare,inline,bullmq,fsync]
//                                       [--compare DIR,...]
//
// The figure that matters is CPU per message (issue 17): utime+stime from /proc of the
// server process (all its threads), of redis-server and of the client, each apart.
// Wall-clock rates on a small shared machine mostly measure who else is running;
// CPU time per message does not depend on that nearly as much. So:
//   * servers and redis-server are pinned to CPU 0 with taskset, the client (and this
//     script) to CPU 1, so the client never takes the server's core;
//   * every server starts once and is warmed up (--warm-up, 6,000 messages: queue mode
//     takes several messages per job, so its job path needs that many to be compiled;
//     with 2,000 its first rounds cost 30-70% more than the later ones), then each round
//     sends S sessions × M messages to each configuration in turn (interleaved, the
//     order rotating from round to round), each right after a run of the bare server;
//   * the ratio to bare is taken within each such pair (server CPU, plus Redis for
//     bullmq, over bare's server CPU just before), and the median of the rounds is
//     printed with the lowest and highest, which show how noisy the run was.
// "accepted/s" is SMTP throughput (messages answered 250 per second); "end-to-end/s"
// counts until the last record is on disk (bullmq: the workers have drained the
// queue). Peak RSS is VmHWM of the server process (and of redis-server).
//
// --compare DIR[,DIR...] adds the inline and bullmq configurations of other checkouts
// (their bin/oobd and dist/, built), interleaved with this one: an A/B of builds.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
/** The shipped rules files, as config/oobd.toml lists them (relative to ROOT). */
const shippedRules = () => require(path.join(ROOT, 'dist/config/server.js')).SHIPPED_RULES_FILES;
const FIXTURE = path.join(ROOT, '..', 'shared', 'corpus', 'kumomta', 'rfc3464', '1.eml');
/** NODE_OPTIONS of queue-mode processes in docker-compose.yml and contrib/ (bin/oobd says why). */
const QUEUE_NODE_OPTIONS = '--max-old-space-size=1024 --max-semi-space-size=16';
/** The young-generation cap bin/oobd's shebang gives every command (it says why). */
const SEMI_SPACE_MB = 4;
const SERVER_CPU = '0';
const CLIENT_CPU = '1';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** taskset (util-linux) when present and the machine has a second core; else nothing is pinned. */
const PIN = has('taskset') && os.cpus().length >= 2;

/** argv for `command args` pinned to `cpu` (unchanged when pinning is off). */
function pinned(cpu, command, args) {
  return PIN ? ['taskset', ['-c', cpu, command, ...args]] : [command, args];
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function peakRss(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const TICK_NS = 1e9 / 100; // USER_HZ is 100 on Linux (sysconf(_SC_CLK_TCK)).

/** Fields of /proc/<pid>/stat after the command name (field 3 is index 0). */
function statFields(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * utime+stime (ns) of a process, all its threads, those that ended included (stat(5)
 * fields 14 and 15). The kernel derives them from its exact runtime, in 10 ms units.
 */
function cpuNs(pid) {
  try {
    const f = statFields(pid);
    return (Number(f[11]) + Number(f[12])) * TICK_NS;
  } catch {
    return null;
  }
}

/** cutime+cstime (ns): the CPU of this script's waited-for children, i.e. smtp-source. */
function childrenCpuNs() {
  const f = statFields('self');
  return (Number(f[13]) + Number(f[14])) * TICK_NS;
}

function waitForLine(stream, predicate, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('server did not start')), timeoutMs);
    const onData = (chunk) => {
      buf += chunk.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const hit = predicate(line);
        if (hit !== undefined) {
          clearTimeout(timer);
          stream.off('data', onData);
          stream.resume();
          resolve(hit);
          return;
        }
      }
    };
    stream.on('data', onData);
  });
}

/** A Node client for machines without Postfix: S sessions, each sending in turn. */
async function nodeClient(port, messages, sessions, message, sender) {
  let next = 0;
  let failed = 0;
  const body = message.toString('latin1').replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
  await Promise.all(
    Array.from(
      { length: sessions },
      () =>
        new Promise((resolve) => {
          const socket = net.connect(port, '127.0.0.1');
          let buf = '';
          let step = 'greet';
          let n = 0;
          const send = (line) => socket.write(`${line}\r\n`);
          const nextMessage = () => {
            if (next >= messages) {
              step = 'quit';
              send('QUIT');
              return;
            }
            n = next++;
            step = 'mail';
            send(`MAIL FROM:<${sender}>`);
          };
          socket.on('data', (chunk) => {
            buf += chunk.toString('latin1');
            let nl;
            while ((nl = buf.indexOf('\r\n')) >= 0) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 2);
              if (line[3] === '-') continue;
              const code = Number(line.slice(0, 3));
              if (step === 'greet') {
                step = 'ehlo';
                send('EHLO bench.test');
              } else if (step === 'ehlo') nextMessage();
              else if (step === 'mail') {
                step = 'rcpt';
                send(`RCPT TO:<${n}bench@bounce.example.com>`);
              } else if (step === 'rcpt') {
                step = 'data';
                send('DATA');
              } else if (step === 'data') {
                step = 'dot';
                socket.write(`${body}\r\n.\r\n`);
              } else if (step === 'dot') {
                if (code !== 250) failed++;
                nextMessage();
              }
            }
          });
          socket.on('close', resolve);
          socket.on('error', resolve);
        }),
    ),
  );
  return failed;
}

/** smtp-source appends CRLF to every line of -F's file, so it gets an LF copy. */
let lfFixture = null;
function fixtureForSmtpSource() {
  if (!lfFixture) {
    lfFixture = path.join(os.tmpdir(), `oobd-bench-dsn-${process.pid}.eml`);
    fs.writeFileSync(
      lfFixture,
      fs.readFileSync(FIXTURE, 'latin1').replace(/\r\n/g, '\n'),
      'latin1',
    );
  }
  return lfFixture;
}

/**
 * Sends `messages` DSNs over `sessions` sessions and returns the seconds it took.
 * smtp-source runs pinned to the client's core; it is waited for, so its CPU shows
 * in this process's cutime/cstime.
 */
let runs = 0;

async function drive(port, messages, sessions, useSmtpSource) {
  const started = process.hrtime.bigint();
  // Every message must be another message: in queue mode a message sent again (same
  // envelope and bytes) is the same job, a no-op. smtp-source numbers the recipients
  // of one run (-N), and each run has its own sender.
  const sender = `bench-${process.pid}-${++runs}@bench.test`;
  if (useSmtpSource) {
    const [cmd, args] = pinned(CLIENT_CPU, 'smtp-source', [
      '-d',
      '-N',
      '-s',
      String(sessions),
      '-m',
      String(messages),
      '-f',
      sender,
      '-t',
      'bench@bounce.example.com',
      '-M',
      'bench.test',
      '-F',
      fixtureForSmtpSource(),
      `127.0.0.1:${port}`,
    ]);
    const result = spawnSync(cmd, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`smtp-source failed: ${result.stderr}`);
  } else {
    const failed = await nodeClient(port, messages, sessions, fs.readFileSync(FIXTURE), sender);
    if (failed > 0) throw new Error(`${failed} messages were not accepted`);
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Counts records of a type in a log folder, reading only what was appended since the last call. */
class RecordCounter {
  constructor(dir, type) {
    this.dir = dir;
    this.needle = Buffer.from(`\n{"type":"${type}"`);
    /** Per segment: bytes read, and the last newline-terminated part kept for the next read. */
    this.files = new Map();
    this.count = 0;
  }

  update() {
    const names = fs.existsSync(this.dir) ? fs.readdirSync(this.dir) : [];
    for (const name of names) {
      if (!/^\d{8}-\d{6}\.\d{6}$/.test(name)) continue;
      const file = path.join(this.dir, name);
      // A record starts a line: the file is read as if it began with a newline.
      const seen = this.files.get(name) ?? { offset: 0, carry: Buffer.from('\n') };
      const size = fs.statSync(file).size;
      if (size <= seen.offset) continue;
      const fd = fs.openSync(file, 'r');
      const chunk = Buffer.alloc(size - seen.offset);
      fs.readSync(fd, chunk, 0, chunk.length, seen.offset);
      fs.closeSync(fd);
      const text = Buffer.concat([seen.carry, chunk]);
      // Only whole lines are counted; the rest waits for the next read.
      const end = text.lastIndexOf(10);
      let at = -1;
      while ((at = text.indexOf(this.needle, at + 1)) >= 0 && at < end) this.count++;
      seen.carry = text.subarray(end);
      seen.offset = size;
      this.files.set(name, seen);
    }
    return this.count;
  }

  async waitFor(n, timeoutMs = 300_000) {
    const deadline = Date.now() + timeoutMs;
    while (this.update() < n) {
      if (Date.now() > deadline)
        throw new Error(`only ${this.count} of ${n} records in ${this.dir}`);
      await sleep(10);
    }
  }
}

function writeConfig(dir, port, extra, fsync) {
  fs.writeFileSync(
    path.join(dir, 'domains.toml'),
    '["bounce.example.com"]\nlog_oob = "LogThenDrop"\nlog_arf = "LogThenDrop"\n',
  );
  fs.writeFileSync(
    path.join(dir, 'oobd.toml'),
    `[smtp]\nlisten = ["127.0.0.1:${port}"]\nhostname = "bench.test"\nmax_clients = 5000\n` +
      `[domains]\nfiles = ["${path.join(dir, 'domains.toml')}"]\n` +
      `[classifier]\nfiles = ${JSON.stringify(shippedRules().map((f) => path.join(ROOT, f)))}\n` +
      `[logs]\ndir = "${path.join(dir, 'logs')}"\nfsync = ${fsync}\n[http]\nlisten = ""\n` +
      `[queue]\nquarantine_dir = "${path.join(dir, 'quarantine')}"\n${extra}`,
  );
  return path.join(dir, 'oobd.toml');
}

async function stop(child) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * One running configuration: its processes stay up across rounds. `measure` sends one
 * round and returns its rates and CPU per message.
 */
class Config {
  constructor(name, kind) {
    this.name = name;
    this.kind = kind;
    this.server = null;
    this.redis = null;
    this.port = 0;
    this.counter = null;
    this.expected = 0;
    this.dir = null;
    this.redisPort = 0;
  }

  static async bare() {
    const c = new Config('bare smtp-server', 'bare');
    // The same Node flags as bin/oobd, so the comparison measures code, not settings.
    const [cmd, args] = pinned(SERVER_CPU, process.execPath, [
      '--v8-pool-size=0',
      `--max-semi-space-size=${SEMI_SPACE_MB}`,
      path.join(__dirname, 'bare-server.js'),
    ]);
    c.server = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    c.port = await waitForLine(c.server.stdout, (l) => (/^\d+$/.test(l) ? Number(l) : undefined));
    return c;
  }

  /**
   * oobd from `root` (this checkout, or another one for --compare); `queue` adds lines
   * to the config's [queue] table, `env` to the server's environment.
   */
  static async oobd(
    mode,
    { root = ROOT, label = '', fsync = false, queue = '', env: more = {} } = {},
  ) {
    const name = `oobd ${mode}${mode === 'bullmq' ? ' + redis' : ''}${fsync ? ' fsync' : ''}${label}`;
    const c = new Config(name, mode);
    c.dir = fs.mkdtempSync(path.join(os.tmpdir(), `oobd-bench-${mode}-`));
    c.port = await freePort();
    let extra = '';
    if (mode === 'bullmq') {
      c.redisPort = await freePort();
      const [cmd, args] = pinned(SERVER_CPU, 'redis-server', [
        '--port',
        String(c.redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        c.dir,
      ]);
      c.redis = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      await waitForLine(c.redis.stdout, (l) =>
        l.includes('Ready to accept connections') ? true : undefined,
      );
      extra = `mode = "bullmq"\nredis_url = "redis://127.0.0.1:${c.redisPort}"\n`;
    }
    extra += queue;
    const config = writeConfig(c.dir, c.port, extra, fsync);
    const serve = ['serve', '--config', config, ...(mode === 'bullmq' ? ['--workers', '1'] : [])];
    // OOBD_BENCH_NODE_ARGS runs bin/oobd under `node` with more flags (bin/oobd's own
    // first), e.g. "--cpu-prof --cpu-prof-dir=DIR" for a profile of every thread.
    const nodeArgs = (more.OOBD_BENCH_NODE_ARGS ?? process.env.OOBD_BENCH_NODE_ARGS ?? '')
      .split(' ')
      .filter(Boolean);
    const [cmd, args] =
      nodeArgs.length > 0
        ? pinned(SERVER_CPU, process.execPath, [
            '--v8-pool-size=0',
            ...nodeArgs,
            path.join(root, 'bin/oobd'),
            ...serve,
          ])
        : pinned(SERVER_CPU, path.join(root, 'bin/oobd'), serve);
    // Queue mode runs as docker-compose.yml and contrib/oobd-worker.service run it.
    const env =
      mode === 'bullmq' ? { ...process.env, NODE_OPTIONS: QUEUE_NODE_OPTIONS } : { ...process.env };
    Object.assign(env, more);
    // Without the shebang (profiles), the default it puts in front of NODE_OPTIONS.
    if (nodeArgs.length > 0)
      env.NODE_OPTIONS = `--max-semi-space-size=${SEMI_SPACE_MB} ${env.NODE_OPTIONS ?? ''}`;
    c.server = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    await waitForLine(c.server.stderr, (l) => (l.includes('"oobd serving"') ? true : undefined));
    c.counter = new RecordCounter(path.join(c.dir, 'logs'), 'OOB');
    return c;
  }

  /** A client of this configuration's redis-server (bullmq), made on first use. */
  redisClient() {
    const { Redis } = require('ioredis');
    this.client ??= new Redis(this.redisPort, '127.0.0.1');
    return this.client;
  }

  /**
   * Counters that say where Redis's work goes (bullmq): jobs added (BullMQ's job
   * counter, `oobd:messages:id`, which every add increments, custom ids or not), and
   * calls of Lua scripts (BullMQ's addStandardJob, moveToActive, moveToFinished and the
   * workers' claim are each one EVALSHA) and of BZPOPMIN (an idle worker's wait), from
   * INFO commandstats. Two reads a round: their own cost is a few µs.
   */
  async redisCounters() {
    if (!this.redis) return null;
    const client = this.redisClient();
    const [jobs, info] = await Promise.all([
      client.get('oobd:messages:id'),
      client.info('commandstats'),
    ]);
    const calls = (command) => {
      const m = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info);
      return m ? Number(m[1]) : 0;
    };
    return { jobs: Number(jobs ?? 0), evalsha: calls('evalsha'), bzpopmin: calls('bzpopmin') };
  }

  /** Waits until every message sent so far has its record (and, for bullmq, the queue is idle). */
  async settle() {
    if (!this.counter) return;
    await this.counter.waitFor(this.expected);
    if (this.redis) {
      // The worker completes a job after writing its records: wait for the last ones,
      // so their Redis work falls into this round.
      this.redisClient();
      // The active lists by name (prefix "oobd", one Redis: no hash tags): KEYS would
      // scan every key, the owner keys of all messages sent so far among them, and its
      // CPU would count as Redis's.
      const active = ['oobd:messages:active', 'oobd:relays:active'];
      for (;;) {
        const lengths = await Promise.all(active.map((k) => this.client.llen(k)));
        if (lengths.every((n) => n === 0)) break;
        await sleep(10);
      }
    }
  }

  async warmUp(messages, sessions, useSmtpSource) {
    await drive(this.port, messages, sessions, useSmtpSource);
    this.expected += messages;
    await this.settle();
  }

  async measure(messages, sessions, useSmtpSource) {
    const before = {
      server: cpuNs(this.server.pid),
      redis: this.redis ? cpuNs(this.redis.pid) : null,
      client: childrenCpuNs(),
      counters: await this.redisCounters(),
    };
    const started = process.hrtime.bigint();
    const seconds = await drive(this.port, messages, sessions, useSmtpSource);
    const client = childrenCpuNs();
    this.expected += messages;
    await this.settle();
    const total = Number(process.hrtime.bigint() - started) / 1e9;
    const server = cpuNs(this.server.pid);
    const redis = this.redis ? cpuNs(this.redis.pid) : null;
    const per = (a, b) => (a === null || b === null ? null : (b - a) / 1e3 / messages);
    const counters = await this.redisCounters();
    const jobs = counters && before.counters ? counters.jobs - before.counters.jobs : 0;
    const perJob = (key) => (jobs > 0 ? (counters[key] - before.counters[key]) / jobs : null);
    return {
      accepted: messages / seconds,
      endToEnd: messages / total,
      server: per(before.server, server),
      redis: per(before.redis, redis),
      client: useSmtpSource ? per(before.client, client) : null,
      messagesPerJob: jobs > 0 ? messages / jobs : null,
      evalshaPerJob: perJob('evalsha'),
      bzpopminPerJob: perJob('bzpopmin'),
    };
  }

  rss() {
    return { server: peakRss(this.server.pid), redis: this.redis ? peakRss(this.redis.pid) : null };
  }

  async close() {
    this.client?.disconnect();
    await stop(this.server);
    await stop(this.redis);
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function median(values) {
  const v = values.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function mb(bytes) {
  return bytes === null || bytes === undefined ? '-' : `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

const fmt = (v, digits = 0) => (v === null || v === undefined ? '-' : v.toFixed(digits));

/** The goals of issue 17, as ratios of CPU per message to the bare server's. */
const GOALS = { inline: 2.0, bullmq: 4.0 };
const RSS_GOALS = { inline: 150, bullmq: 200 };

/**
 * Runs the SMTP benchmark and prints its tables; returns the per-configuration
 * summaries (medians).
 */
async function benchSmtp({
  sessions = 20,
  perSession = 200,
  rounds = 5,
  warmUp = 6000,
  configs = ['bare', 'inline', 'bullmq'],
  compare = [],
} = {}) {
  const useSmtpSource = has('smtp-source');
  const messages = sessions * perSession;
  const client = useSmtpSource
    ? 'smtp-source (Postfix)'
    : 'Node client in this process (install postfix for smtp-source; client CPU not shown)';
  const withRedis = has('redis-server') && has('redis-cli');
  console.log(
    `\nSMTP, CPU per message: ${sessions} sessions × ${perSession} DSNs (${fs.statSync(FIXTURE).size} bytes) per round, ${rounds} rounds interleaved, median; client ${client}; ${os.cpus().length} cores`,
  );
  console.log(
    PIN
      ? `  servers and redis-server pinned to CPU ${SERVER_CPU}, client to CPU ${CLIENT_CPU} (taskset)`
      : '  not pinned (taskset missing or one core): CPU figures include contention with the client',
  );
  console.log(
    `  bullmq: NODE_OPTIONS=${QUEUE_NODE_OPTIONS}, as docker-compose.yml and contrib/ run queue mode`,
  );
  if (PIN) spawnSync('taskset', ['-pc', CLIENT_CPU, String(process.pid)]);
  const running = [];
  try {
    if (configs.includes('bare')) running.push(await Config.bare());
    if (configs.includes('inline')) running.push(await Config.oobd('inline'));
    if (configs.includes('bullmq')) {
      if (withRedis) running.push(await Config.oobd('bullmq'));
      else console.log('  bullmq: skipped (redis-server and redis-cli are needed)');
    }
    if (configs.includes('fsync')) running.push(await Config.oobd('inline', { fsync: true }));
    for (const root of compare) {
      const label = ` [${path.basename(path.resolve(root))}]`;
      if (configs.includes('inline')) running.push(await Config.oobd('inline', { root, label }));
      if (configs.includes('bullmq') && withRedis)
        running.push(await Config.oobd('bullmq', { root, label }));
    }
    for (const c of running) await c.warmUp(warmUp, sessions, useSmtpSource);
    const results = new Map(running.map((c) => [c, []]));
    const bare = running.find((c) => c.kind === 'bare');
    const others = running.filter((c) => c !== bare);
    /** Per configuration, the bare server's result measured right before each of its rounds. */
    const baseline = new Map(others.map((c) => [c, []]));
    for (let round = 0; round < rounds; round++) {
      // Rotate the order so that no configuration always follows the same one. The
      // bare server runs right before each configuration: the machine's speed drifts
      // over minutes (a shared VM), so a ratio within a pair is steadier than one
      // across a whole round.
      for (let i = 0; i < others.length; i++) {
        const c = others[(i + round) % others.length];
        if (bare) {
          const b = await bare.measure(messages, sessions, useSmtpSource);
          results.get(bare).push(b);
          baseline.get(c).push(b);
        }
        results.get(c).push(await c.measure(messages, sessions, useSmtpSource));
      }
      if (bare && others.length === 0)
        results.get(bare).push(await bare.measure(messages, sessions, useSmtpSource));
    }
    const serverSide = (r) => (r.server === null ? null : r.server + (r.redis ?? 0));
    console.log(
      '  configuration                  accepted/s  end-to-end/s   server   redis  client  × bare (min–max)   peak RSS',
    );
    const summaries = [];
    for (const c of running) {
      const rs = results.get(c);
      const ratios = baseline.has(c)
        ? rs.map((r, i) => {
            const b = baseline.get(c)[i]?.server;
            const own = serverSide(r);
            return b && own !== null ? own / b : null;
          })
        : [];
      const valid = ratios.filter((x) => x !== null);
      const summary = {
        name: c.name,
        kind: c.kind,
        accepted: median(rs.map((r) => r.accepted)),
        endToEnd: median(rs.map((r) => r.endToEnd)),
        server: median(rs.map((r) => r.server)),
        redis: median(rs.map((r) => r.redis)),
        client: median(rs.map((r) => r.client)),
        ratio: median(ratios),
        ratioMin: valid.length ? Math.min(...valid) : null,
        ratioMax: valid.length ? Math.max(...valid) : null,
        rss: c.rss(),
        messagesPerJob: median(rs.map((r) => r.messagesPerJob)),
        evalshaPerJob: median(rs.map((r) => r.evalshaPerJob)),
        bzpopminPerJob: median(rs.map((r) => r.bzpopminPerJob)),
      };
      summaries.push(summary);
      const spread =
        summary.ratio === null
          ? ''
          : `${fmt(summary.ratio, 2)}× (${fmt(summary.ratioMin, 2)}–${fmt(summary.ratioMax, 2)})`;
      const rss = summary.rss.redis
        ? `${mb(summary.rss.server)} + redis ${mb(summary.rss.redis)}`
        : mb(summary.rss.server);
      console.log(
        `  ${c.name.padEnd(30)} ${fmt(summary.accepted).padStart(10)}  ${fmt(summary.endToEnd).padStart(12)}  ${fmt(summary.server).padStart(7)} ${fmt(summary.redis).padStart(7)} ${fmt(summary.client).padStart(7)}  ${spread.padEnd(17)}  ${rss}`,
      );
    }
    for (const summary of summaries) {
      if (summary.messagesPerJob === null) continue;
      console.log(
        `  ${summary.name}: ${fmt(summary.messagesPerJob, 1)} messages a job; per job ${fmt(summary.evalshaPerJob, 2)} EVALSHA, ${fmt(summary.bzpopminPerJob, 2)} BZPOPMIN (medians of the rounds)`,
      );
    }
    console.log(
      '  CPU columns: µs per message (utime+stime from /proc); "× bare" = (server + redis) / bare server measured just before, median of the rounds',
    );
    console.log(
      `  goals: inline ≤ ${GOALS.inline}× and bullmq + redis ≤ ${GOALS.bullmq}× bare; peak RSS ≤ ${RSS_GOALS.inline} MB inline, ≤ ${RSS_GOALS.bullmq} MB bullmq`,
    );
    return summaries;
  } finally {
    for (const c of running) await c.close();
    if (lfFixture) fs.rmSync(lfFixture, { force: true });
    lfFixture = null;
  }
}

module.exports = { benchSmtp, Config };

if (require.main === module) {
  const compare = (arg('compare', '') || '').split(',').filter(Boolean);
  benchSmtp({
    sessions: Number(arg('sessions', 20)),
    perSession: Number(arg('per-session', 200)),
    rounds: Number(arg('rounds', 5)),
    warmUp: Number(arg('warm-up', 6000)),
    configs: arg('configs', 'bare,inline,bullmq').split(','),
    compare,
  }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
