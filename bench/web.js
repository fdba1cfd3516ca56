// The web view's first load with a million records in the log folder:
//   node bench/web.js [--records N] [--rounds R] [--dir DIR]
// (after `npm run build`; `npm run bench` runs it too, unless --skip-web).
//
// 1. Generates N records once into DIR (default: <tmpdir>/oobd-bench-web-<N>, kept for
//    the next run): what a busy bounce domain writes in the last 24 hours, in closed
//    10-minute segments: per received message a Reception and its OOB records (the
//    corpus's real records as templates: rfc3464, heuristic families, ARF, MDN, with
//    fresh ids, recipients over 5,000 domains and reception times), plus Rejections.
// 2. Starts `oobd serve` on that folder, waits until the web view has indexed it
//    (printed: the indexing time and the server's memory).
// 3. Times the page's first load as a browser does it: GET / (HTML with the newest
//    records), then /api/records and /api/summary for the default range (24 h), which
//    here holds every record: the worst case. Best and median of R rounds.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Records of the corpus (fixtures/), by type, as `oobd parse` writes them. */
function templates() {
  const out = spawnSync(process.execPath, [CLI, 'parse', path.join(ROOT, 'fixtures')], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    cwd: ROOT,
  });
  if (out.status !== 0) throw new Error(`oobd parse failed: ${out.stderr}`);
  const byType = { OOB: [], Feedback: [], MDN: [] };
  for (const line of out.stdout.split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line);
    delete r.source_file;
    if (byType[r.type]) byType[r.type].push(r);
  }
  return byType;
}

function segmentName(ms) {
  const d = new Date(ms);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}.${p((ms % 1000) * 1000, 6)}`
  );
}

/** Writes `count` records over the last 24 hours into `dir`; returns bytes written. */
function generate(dir, count) {
  const t = templates();
  fs.mkdirSync(dir, { recursive: true });
  const domains = Array.from({ length: 5000 }, (_, i) =>
    i < 10
      ? [
          'gmail.com',
          'outlook.com',
          'yahoo.com',
          'hotmail.com',
          'icloud.com',
          'aol.com',
          'gmx.de',
          'web.de',
          'orange.fr',
          'mail.ru',
        ][i]
      : `customer${i}.example`,
  );
  // Zipf-like: a few providers take most of the mail.
  const pickDomain = () =>
    domains[
      Math.min(
        domains.length - 1,
        Math.floor(Math.exp(Math.random() * Math.log(domains.length + 1)) - 1),
      )
    ];
  const nodeid = '5b0d8a9e-7c1e-4f63-9d0e-2a51c6f3b7aa';
  const now = Date.now();
  const start = now - 24 * 3600 * 1000 + 60_000;
  const segmentMs = 10 * 60 * 1000;
  let written = 0;
  let bytes = 0;
  let segmentStart = start;
  let fd = null;
  let buffer = [];
  const flush = () => {
    if (fd !== null && buffer.length) {
      const text = buffer.join('');
      fs.writeSync(fd, text);
      bytes += Buffer.byteLength(text);
    }
    buffer = [];
  };
  const open = (ms) => {
    flush();
    if (fd !== null) fs.closeSync(fd);
    const file = path.join(dir, segmentName(ms));
    fd = fs.openSync(file, 'w');
    return file;
  };
  const files = [open(segmentStart)];
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  const iso = (s) => new Date(s * 1000).toISOString();
  const step = (now - start) / count;
  let time = start;
  while (written < count) {
    if (time - segmentStart >= segmentMs) {
      segmentStart += segmentMs;
      files.push(open(segmentStart));
    }
    const created = Math.floor(time / 1000);
    const id = randomBytes(16).toString('hex');
    const session = `${randomBytes(4).toString('hex')}-0000-4000-8000-${randomBytes(6).toString('hex')}`;
    const roll = Math.random();
    const common = (r) => {
      r.id = id;
      r.created = created;
      r.created_time = iso(created);
      r.timestamp = created;
      r.event_time = iso(created);
      r.nodeid = nodeid;
      r.session_id = session;
      return r;
    };
    if (roll < 0.09) {
      buffer.push(
        `${JSON.stringify(common({ type: 'Rejection', id, sender: '', recipient: `user@${pickDomain()}`, queue: '', site: '', size: 0, response: { code: 550, enhanced_code: { class: 5, subject: 7, detail: 1 }, content: 'relaying not permitted', command: 'RCPT TO' }, peer_address: { name: 'mx.example', addr: '192.0.2.1' }, timestamp: 0, event_time: '', created: 0, created_time: '', num_attempts: 0, bounce_classification: 'Uncategorized', egress_pool: null, egress_source: null, source_address: null, feedback_report: null, meta: {}, headers: {}, delivery_protocol: null, reception_protocol: 'ESMTP', nodeid, session_id: session }))}\n`,
      );
      written++;
    } else {
      const type = roll < 0.95 ? 'OOB' : roll < 0.985 ? 'Feedback' : 'MDN';
      const sender = `bounce-${id.slice(0, 8)}@bounce.example.com`;
      buffer.push(
        `${JSON.stringify(common({ type: 'Reception', id, sender: '', recipient: [sender], queue: 'bounce.example.com', site: '', size: 4000 + Math.floor(Math.random() * 20000), response: { code: 250, enhanced_code: null, content: `OK id=${id}`, command: '.' }, peer_address: { name: 'mx.remote.example', addr: '198.51.100.7' }, timestamp: 0, event_time: '', created: 0, created_time: '', num_attempts: 0, bounce_classification: 'Uncategorized', egress_pool: null, egress_source: null, source_address: null, feedback_report: null, meta: {}, headers: {}, delivery_protocol: null, reception_protocol: 'ESMTP', nodeid, session_id: session }))}\n`,
      );
      written++;
      const r = JSON.parse(JSON.stringify(pick(t[type])));
      r.sender = sender;
      r.queue = 'bounce.example.com';
      const address = `user${Math.floor(Math.random() * 1e6)}@${pickDomain()}`;
      if (type === 'Feedback' && r.feedback_report) r.feedback_report.original_rcpto_to = [address];
      else r.recipient = address;
      buffer.push(`${JSON.stringify(common(r))}\n`);
      written++;
    }
    time += step * (roll < 0.09 ? 1 : 2);
    if (buffer.length >= 2000) flush();
  }
  flush();
  fs.closeSync(fd);
  // Closed segments are read-only (writer.ts), as after a real run.
  for (const file of files) fs.chmodSync(file, 0o444);
  fs.writeFileSync(path.join(dir, '.bench-complete'), `${count}\n`);
  return bytes;
}

function get(port, pathname) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http
      .get({ host: '127.0.0.1', port, path: pathname }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
      })
      .on('error', reject);
  });
}

async function freePort() {
  const net = require('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function main() {
  const count = Number(arg('records', '1000000'));
  const rounds = Number(arg('rounds', '5'));
  const dir = arg('dir', path.join(os.tmpdir(), `oobd-bench-web-${count}`));
  if (!fs.existsSync(path.join(dir, '.bench-complete'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    const t0 = Date.now();
    const bytes = generate(dir, count);
    console.log(
      `generated ${count.toLocaleString('en')} records (${(bytes / 1e9).toFixed(2)} GB) in ${dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  } else {
    const bytes = fs
      .readdirSync(dir)
      .filter((n) => /^\d{8}-/.test(n))
      .reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    console.log(
      `using ${count.toLocaleString('en')} records (${(bytes / 1e9).toFixed(2)} GB) already in ${dir}`,
    );
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oobd-bench-web-run-'));
  const port = await freePort();
  fs.writeFileSync(
    path.join(work, 'domains.toml'),
    '["bounce.example.com"]\nlog_oob = "LogThenDrop"\nlog_arf = "LogThenDrop"\n',
  );
  fs.writeFileSync(
    path.join(work, 'oobd.toml'),
    [
      '[smtp]',
      'listen = ["127.0.0.1:0"]',
      '[domains]',
      `files = [${JSON.stringify(path.join(work, 'domains.toml'))}]`,
      '[classifier]',
      'pool_size = 1',
      `files = [${require(path.join(ROOT, 'dist', 'config', 'server.js'))
        .SHIPPED_RULES_FILES.map((f) => JSON.stringify(path.join(ROOT, f)))
        .join(', ')}]`,
      '[queue]',
      `quarantine_dir = ${JSON.stringify(path.join(work, 'quarantine'))}`,
      '[logs]',
      `dir = ${JSON.stringify(dir)}`,
      '[http]',
      `listen = "127.0.0.1:${port}"`,
      '',
    ].join('\n'),
  );
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--config', path.join(work, 'oobd.toml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: ROOT,
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  try {
    while (!stderr.includes('"oobd serving"')) {
      if (child.exitCode !== null) throw new Error(`serve exited: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const up = Date.now();
    const serving = JSON.parse(stderr.split('\n').find((l) => l.includes('"oobd serving"')));
    // SMTP round trips (NOOP) while the folder is indexed: what the edge's clients feel.
    const pinger = await smtpPinger(Number(serving.smtp[0].split(':').pop()));
    // A first load while the folder is still being indexed (newest first).
    const cold = await firstLoad(port);
    let summary;
    for (;;) {
      summary = JSON.parse((await get(port, '/api/summary?since=')).body);
      if (summary.coverage.ready) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const indexed = Date.now();
    const noops = await pinger.stop();
    // The same for a few seconds once indexing is done: the machine's own noise.
    const idle = await smtpPinger(Number(serving.smtp[0].split(':').pop()));
    await new Promise((r) => setTimeout(r, 3000));
    const idleNoops = await idle.stop();
    const stats = (t) =>
      `${t.length}, median ${percentile(t, 0.5).toFixed(1)} ms, p99 ${percentile(t, 0.99).toFixed(1)} ms, max ${percentile(t, 1).toFixed(1)} ms`;
    console.log(
      `  SMTP NOOP round trips during indexing: ${stats(noops)}; after: ${stats(idleNoops)}`,
    );
    const metrics = (await get(port, '/metrics')).body;
    const rss = Number(/^oobd_process_resident_memory_bytes (\S+)/m.exec(metrics)?.[1] ?? NaN);
    console.log(
      `oobd serve up in ${((up - started) / 1000).toFixed(1)} s; web view indexed ${summary.coverage.records.toLocaleString('en')} OOB/Feedback/MDN records in ${((indexed - up) / 1000).toFixed(1)} s (in the background); server RSS ${(rss / 1e6).toFixed(0)} MB`,
    );
    console.log(
      `  first load during indexing: ${cold.total.toFixed(0)} ms (html ${cold.html.toFixed(0)}, records ${cold.records.toFixed(0)}, summary ${cold.summary.toFixed(0)})`,
    );
    const loads = [];
    for (let r = 0; r < rounds; r++) loads.push(await firstLoad(port));
    loads.sort((a, b) => a.total - b.total);
    const best = loads[0];
    const median = loads[Math.floor(loads.length / 2)];
    const inRange = JSON.parse((await get(port, '/api/summary')).body).total;
    console.log(
      `web view first load, ${count.toLocaleString('en')} records in the folder, ${inRange.toLocaleString('en')} in the default range (24 h): ` +
        `best ${best.total.toFixed(0)} ms, median ${median.total.toFixed(0)} ms of ${rounds} ` +
        `(median parts: html ${median.html.toFixed(0)} ms, /api/records ${median.records.toFixed(0)} ms, /api/summary ${median.summary.toFixed(0)} ms)`,
    );
    // The suppression list reads every record of the folder (it is not in the index).
    const suppressions = await get(port, '/api/suppressions?format=csv');
    const again = await get(port, '/api/suppressions?format=csv');
    console.log(
      `  /api/suppressions?format=csv: ${(suppressions.ms / 1000).toFixed(1)} s for ${suppressions.body.split('\r\n').length - 2} addresses (the whole folder read; ${again.ms.toFixed(0)} ms for the next download, which reads only what was written since)`,
    );
    console.log(
      `  load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores`,
    );
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Sends NOOP every 20 ms on one SMTP connection and records each round trip (ms). */
async function smtpPinger(port) {
  const net = require('node:net');
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('latin1');
  let buffer = '';
  let waiting = null;
  socket.on('data', (chunk) => {
    buffer += chunk;
    if (waiting && /\r\n$/.test(buffer) && /^\d{3} /m.test(buffer)) {
      buffer = '';
      const w = waiting;
      waiting = null;
      w();
    }
  });
  const reply = () => new Promise((r) => (waiting = r));
  await reply(); // greeting
  const times = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t0 = process.hrtime.bigint();
      socket.write('NOOP\r\n');
      await reply();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      socket.end('QUIT\r\n');
      return times;
    },
  };
}

/** HTML, then the two API calls the page's script makes, in parallel as a browser does. */
async function firstLoad(port) {
  const t0 = process.hrtime.bigint();
  const html = await get(port, '/');
  if (html.status !== 200) throw new Error(`GET / answered ${html.status}`);
  const [records, summary] = await Promise.all([
    get(port, '/api/records?since=24h'),
    get(port, '/api/summary?since=24h'),
  ]);
  if (records.status !== 200 || summary.status !== 200) throw new Error('API failed');
  return {
    total: Number(process.hrtime.bigint() - t0) / 1e6,
    html: html.ms,
    records: records.ms,
    summary: summary.ms,
  };
}

module.exports = { main };
if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
