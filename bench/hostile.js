// `node bench/hostile.js [--seed N] [--mutations N] [--top N]` (after `npm run build`):
// how parse time grows with hostile input, and whether any input makes a parser throw.
//
// Everything that arrives over SMTP is hostile (brief, "Untrusted input"): no input may
// make parsing super-linear, crash, or hang. Tests cannot assert timings, so this prints
// them. Two parts:
//
// 1. Growth. Every message of fixtures/ and of the development corpus
//    (../shared/corpus/sisimai/maildir/bsd), and the family starts of
//    test/unit/report/hostile.test.ts, are parsed with their body repeated until the
//    message is about 512 KB; the slowest are parsed again at about 2 MB. The repeated
//    body puts every line a parser looks for many times over, which is what makes a
//    scan that restarts per line, or a lookup per recipient over the whole text, show.
//    Growth is t(2 MB) / (4 × t(512 KB)): 1 is linear, 4 is quadratic (below 1: the
//    parsers' caps on recipients, parts and lines stop the work). Each time is the best
//    of two runs.
// 2. Mutations. Each message is cut, has lines swapped, duplicated or dropped, and has
//    bytes replaced, from a fixed seed; any parse that ends in the parser's last-defence
//    "internal" problem (an exception) is listed. Exit code 1 when one does.
//
// 3. Stall. Every message with its body repeated to about --smtp-thread bytes (16 KiB,
//    the default of classifier.smtp_thread_max_bytes): serve inline parses a message
//    up to that size on its SMTP thread, so the slowest of these is about how long
//    one message can hold that thread (docs/parsing.md).
//
// Prints the slowest inputs per MB with their growth, the slowest at the SMTP thread's
// limit, and the count of internal problems.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const { parseMessage } = require(path.join(ROOT, 'dist', 'report', 'index.js'));

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SEED = arg('seed', 17);
const MUTATIONS = arg('mutations', 8);
const TOP = arg('top', 12);
const SMTP_THREAD_BYTES = arg('smtp-thread', 16 * 1024);

function emlFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...emlFiles(p));
    else if (entry.name.endsWith('.eml')) out.push(p);
  }
  return out;
}

const { CORPUS_BSD: CORPUS, requireCorpus } = require('./corpus.js');
requireCorpus('bench:hostile');
const inputs = [...emlFiles(path.join(ROOT, 'fixtures')), ...emlFiles(CORPUS)].map((f) => ({
  name: path.relative(path.resolve(ROOT, '..'), f),
  raw: fs.readFileSync(f),
}));

// The family starts of test/unit/report/hostile.test.ts ("in the shapes the non-RFC
// families read"), each with a short body of the lines its family looks for.
const starts = [
  [
    'qmail',
    'From: MAILER-DAEMON@x.example\nSubject: failure notice\n\nHi. This is the qmail-send program at x.\n',
    '<a@b.example>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 no such user\n',
  ],
  [
    'exim',
    'From: Mail Delivery System <Mailer-Daemon@x.example>\nMessage-Id: <E1aaaaa-000000-00@x.example>\nSubject: Mail delivery failed\n\nThis message was created automatically by mail delivery software.\n',
    '  a@b.example\n    host mx.b.example [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<a@b.example>:\n    550 5.1.1 unknown user\n',
  ],
  [
    'sendmail',
    'From: MAILER-DAEMON@x.example\nSubject: Returned mail: see transcript for details\n\n   ----- The following addresses had permanent fatal errors -----\n',
    '<a@b.example>\n    (reason: 550 5.1.1 User unknown)\n>>> RCPT To:<a@b.example>\n<<< 550 5.1.1 <a@b.example>... User unknown\n',
  ],
  [
    'postfix',
    'From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host x.\n',
    '<a@b.example>: host mx.b.example[192.0.2.1] said: 550 5.1.1 <a@b.example>: Recipient\n    address rejected: User unknown (in reply to RCPT TO command)\n',
  ],
  [
    'exchange',
    'From: postmaster@x.example\nX-MS-Exchange-Message-Is-Ndr: \nSubject: Undeliverable: x\n\nDelivery has failed to these recipients or groups:\n',
    "a@b.example\nThe email address you entered couldn't be found.\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'\n",
  ],
  [
    'domino',
    'From: postmaster@x.example\nX-MIMETrack: x\nSubject: DELIVERY FAILURE: User a not listed\n\nYour message\n',
    'was not delivered to:\n\n  a@b.example\n\nbecause:\n\n  User a (a@b.example) not listed in Domino Directory\n',
  ],
  [
    'imail',
    'From: postmaster@x.example\nX-Mailer: <SMTP32 v8>\nSubject: Undeliverable Mail\n\n',
    'Unknown user: a@b.example\nMessage undeliverable to a@b.example\n',
  ],
  [
    'sentence',
    'From: postmaster@x.example\nSubject: Mail System Error - Returned Mail\n\n',
    'Your message could not be delivered to the following recipients:\n<a@b.example> 550 5.1.1 mailbox unavailable\n',
  ],
  [
    'courier',
    'From: "Courier mail server at x" <@>\nSubject: NOTICE: mail delivery status.\n\n',
    '<a@b.example>:\n>>> RCPT TO:<a@b.example>\n<<< 550 5.1.1 no such user\n',
  ],
  [
    'dsn',
    'From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\n',
    'Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n\n',
  ],
];
for (const [name, head, line] of starts) {
  inputs.push({
    name: `family start: ${name}`,
    raw: Buffer.from(head + line.repeat(40), 'latin1'),
  });
}

/** Header block and body of a message (split at the first empty line). */
function split(raw) {
  const text = raw.toString('latin1');
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) return [text, ''];
  return [text.slice(0, m.index + m[0].length), text.slice(m.index + m[0].length)];
}

/** The message with its body repeated until it is about `bytes` long. */
function amplified(raw, bytes) {
  const [head, body] = split(raw);
  const times = Math.max(1, Math.round((bytes - head.length) / Math.max(body.length, 1)));
  return Buffer.from(head + body.repeat(Math.min(times, 1_000_000)), 'latin1');
}

/** Best of two wall-clock times of one parse, in µs, and whether it ended in an exception. */
function timeParse(buf) {
  let best = Infinity;
  let internal = false;
  for (let i = 0; i < 2; i++) {
    const t = process.hrtime.bigint();
    const r = parseMessage(buf);
    const us = Number(process.hrtime.bigint() - t) / 1000;
    if (us < best) best = us;
    if (r.problems.some((p) => p.code === 'internal')) internal = true;
  }
  return { us: best, internal };
}

// A small deterministic PRNG (mulberry32), so a run can be repeated with --seed.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(raw, rand) {
  const lines = raw.toString('latin1').split('\n');
  const pick = () => Math.floor(rand() * lines.length);
  switch (Math.floor(rand() * 5)) {
    case 0: // cut anywhere
      return Buffer.from(lines.join('\n').slice(0, Math.floor(rand() * raw.length)), 'latin1');
    case 1: {
      // swap two lines
      const i = pick();
      const j = pick();
      [lines[i], lines[j]] = [lines[j], lines[i]];
      break;
    }
    case 2: // one line many times
      lines.splice(pick(), 0, ...Array(200).fill(lines[pick()]));
      break;
    case 3: // drop a run of lines
      lines.splice(pick(), 1 + Math.floor(rand() * 10));
      break;
    default: {
      // replace bytes with hostile ones
      const buf = Buffer.from(lines.join('\n'), 'latin1');
      const bytes = [0, 0x0d, 0x0a, 0x3c, 0x3e, 0x3a, 0x22, 0x3d, 0xff, 0x80, 0x2d, 0x40];
      for (let k = 0; k < 20; k++)
        buf[Math.floor(rand() * buf.length)] = bytes[Math.floor(rand() * bytes.length)];
      return buf;
    }
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}

// Warm the JIT on the plain inputs first, so the growth figures compare warm code.
for (let r = 0; r < 2; r++) for (const { raw } of inputs) parseMessage(raw);

const speeds = [];
const internals = [];
for (const { name, raw } of inputs) {
  const big = amplified(raw, 512 * 1024);
  const t = timeParse(big);
  if (t.internal) internals.push(`${name} (512 KB)`);
  speeds.push({
    name,
    raw,
    kb: big.length / 1024,
    us: t.us,
    msPerMb: t.us / 1000 / (big.length / 1048576),
  });
}
speeds.sort((x, y) => y.msPerMb - x.msPerMb);
for (const s of speeds.slice(0, TOP)) {
  const huge = amplified(s.raw, 2048 * 1024);
  const t = timeParse(huge);
  if (t.internal) internals.push(`${s.name} (2 MB)`);
  s.growth = t.us / ((huge.length / (s.kb * 1024)) * s.us);
  s.hugeMs = t.us / 1000;
}

// Cut at the limit itself: a message above it would go to a parse thread.
const stalls = inputs
  .map(({ name, raw }) => {
    const msg = amplified(raw, SMTP_THREAD_BYTES).subarray(0, SMTP_THREAD_BYTES);
    return { name, ms: timeParse(msg).us / 1000 };
  })
  .sort((x, y) => y.ms - x.ms);

const rand = rng(SEED);
let mutated = 0;
for (const { name, raw } of inputs) {
  for (let k = 0; k < MUTATIONS; k++) {
    const m = mutate(raw, rand);
    mutated++;
    const r = parseMessage(m);
    if (r.problems.some((p) => p.code === 'internal')) internals.push(`${name} (mutation ${k})`);
  }
}

console.log(
  `Hostile input: ${inputs.length} messages, bodies repeated to about 512 KB (the slowest ${TOP} also to 2 MB); ${mutated} mutations (seed ${SEED})`,
);
console.log(
  `\nSlowest per MB at 512 KB, and growth to 2 MB (t(2 MB) / (4 × t(512 KB)); 1 = linear, 4 = quadratic):`,
);
console.log('   ms/MB  ms at 512 KB  ms at 2 MB  growth  message');
for (const s of speeds.slice(0, TOP)) {
  console.log(
    `  ${s.msPerMb.toFixed(0).padStart(6)}  ${(s.us / 1000).toFixed(1).padStart(12)}  ${s.hugeMs.toFixed(1).padStart(10)}  ${s.growth.toFixed(2).padStart(6)}  ${s.name}`,
  );
}
const ms = speeds.map((s) => s.msPerMb).sort((x, y) => x - y);
console.log(
  `\nms per MB at 512 KB over all ${ms.length}: median ${ms[Math.floor(ms.length / 2)].toFixed(0)}, 95th percentile ${ms[Math.floor(ms.length * 0.95)].toFixed(0)}, max ${ms[ms.length - 1].toFixed(0)}; growth to 2 MB of the slowest: max ${Math.max(...speeds.slice(0, TOP).map((s) => s.growth)).toFixed(2)}`,
);
const stallMs = stalls.map((s) => s.ms).sort((x, y) => x - y);
console.log(
  `\nParse of each message cut to ${SMTP_THREAD_BYTES} bytes (serve inline's SMTP thread parses up to classifier.smtp_thread_max_bytes): median ${stallMs[Math.floor(stallMs.length / 2)].toFixed(1)} ms, 99th percentile ${stallMs[Math.floor(stallMs.length * 0.99)].toFixed(1)} ms, slowest:`,
);
for (const s of stalls.slice(0, 3)) console.log(`  ${s.ms.toFixed(1).padStart(6)} ms  ${s.name}`);
console.log(`Exceptions (internal problems): ${internals.length}`);
for (const i of internals.slice(0, 20)) console.log(`  ${i}`);
if (internals.length) process.exitCode = 1;
