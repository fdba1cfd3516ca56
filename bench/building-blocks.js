// The building blocks of report/ against the libraries that could replace them (issue 12
// item 10): nodemailer's libqp, libbase64, libmime (RFC 2047 words, Content-Type
// parameters, header lines), iconv-lite (charsets, as libmime uses it), nodemailer's
// addressparser, @zone-eu/mailsplit (header sections, the MIME split), mailparser (the
// whole message) and `new Date()` (what mailparser does with a Date field).
//
// "src uses" says which side src/ ships. Where it ships the library, the "ours" side is
// the implementation report/ had before (bench/own-blocks.js). Last, the time each
// library takes to load, which a thread and every `oobd parse` process pay once.
//
// Each block is fed exactly what the parsers feed it: one recording pass runs
// parseMessage + reportRecords over the corpus with the cross-module exports of
// dist/report/{header,codec,address,date,mime}.js wrapped, and keeps every call's
// arguments per message. Then, per block, ours and the library replay those calls in
// interleaved rounds; the best round is kept (the shared machine only ever adds time)
// and printed as µs per message of the corpus. "differ" counts the calls whose results
// are not the same (compared as the parsers use them); --diff N prints N examples each.
//
// Run after `npm run build`:
//   node bench/building-blocks.js [--diff N] [--rounds R] [--json] [PATH...]
// PATHs default to the development corpus (Sisimai's maildirs and mailbox, KumoMTA's
// fixtures, fixtures/).
'use strict';
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const dist = (p) => path.join(ROOT, 'dist', p);
const SHARED = path.resolve(ROOT, '..', 'shared', 'corpus');
const DEFAULT_PATHS = [
  ...['bsd', 'dos', 'mac', 'err', 'not'].map((d) => path.join(SHARED, 'sisimai', 'maildir', d)),
  path.join(SHARED, 'sisimai', 'mailbox'),
  path.join(SHARED, 'kumomta'),
  path.join(ROOT, 'fixtures'),
];

function args(argv) {
  const out = { diff: 0, rounds: 7, json: false, paths: [] };
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--diff') out.diff = Number(argv[++i]);
    else if (argv[i] === '--rounds') out.rounds = Number(argv[++i]);
    else if (argv[i] === '--json') out.json = true;
    else out.paths.push(argv[i]);
  }
  if (out.paths.length === 0) out.paths = DEFAULT_PATHS;
  return out;
}

/** The modules whose exports are wrapped; parsers call them through these objects. */
const modules = {
  header: require(dist('report/header.js')),
  codec: require(dist('report/codec.js')),
  address: require(dist('report/address.js')),
  date: require(dist('report/date.js')),
  mime: require(dist('report/mime.js')),
};
const recorded = {
  'header scan': { mod: 'header', fn: 'scanFields' },
  'content-type': { mod: 'header', fn: 'parseContentType' },
  'quoted-printable': { mod: 'codec', fn: 'decodeQuotedPrintable' },
  base64: { mod: 'codec', fn: 'decodeBase64' },
  charset: { mod: 'codec', fn: 'decodeCharset' },
  'encoded words': { mod: 'codec', fn: 'decodeEncodedWords' },
  mailbox: { mod: 'address', fn: 'extractAddress' },
  'address list': { mod: 'address', fn: 'extractAddressList' },
  'typed address': { mod: 'address', fn: 'parseTypedAddress' },
  date: { mod: 'date', fn: 'parseDate' },
};
// The functions oobd ships, before any wrapping.
for (const r of Object.values(recorded)) r.shipped = modules[r.mod][r.fn];

/**
 * Blocks that report/ now leaves to a library: their "ours" side is the implementation
 * report/ had before (bench/own-blocks.js), their library side is what src/ ships (the
 * library behind a thin bound-keeping wrapper).
 */
const own = require('./own-blocks.js');
const retired = {
  'quoted-printable': own.decodeQuotedPrintable,
  base64: own.decodeBase64,
  charset: own.decodeCharset,
};

/** Runs the parser over every message with the exports wrapped; returns the calls made. */
function record(messages) {
  const { parseMessage } = require(dist('report/index.js'));
  const { reportRecords } = require(dist('pipeline/records.js'));
  const { loadClassifier, benchContext } = require('./parse.js');
  const classifier = loadClassifier();
  const ctx = benchContext();
  const calls = {};
  for (const [name, r] of Object.entries(recorded)) {
    calls[name] = [];
    modules[r.mod][r.fn] = (...a) => {
      calls[name].push(a);
      return r.shipped(...a);
    };
  }
  for (const m of messages)
    reportRecords(parseMessage(m.raw), classifier, ctx, { oob: true, arf: true });
  for (const r of Object.values(recorded)) modules[r.mod][r.fn] = r.shipped;
  return calls;
}

// ---- the libraries, called as a parser of ours would call them -------------------

const libqp = require('libqp');
const libbase64 = require('libbase64');
const { Libmime } = require('libmime');
const addressparser = require('nodemailer/lib/addressparser');
const mailsplit = require('@zone-eu/mailsplit');
const { simpleParser } = require('mailparser');
const libmime = new Libmime();

/** Addresses of an addressparser result, groups flattened, only those with an "@". */
function addressesOf(value) {
  const out = [];
  for (const a of addressparser(value, { flatten: true })) {
    if (typeof a.address === 'string' && a.address.indexOf('@') > 0) out.push(a.address);
  }
  return out;
}

/** Header section (or report body) fields as mailsplit + libmime give them. */
function libScanFields(text, start, stopAtBlank) {
  const fields = [];
  let pos = start;
  let block = 0;
  // A section that starts with its blank line has no fields.
  if (stopAtBlank && text.charCodeAt(start) === 0x0a) return { fields, end: start + 1 };
  for (;;) {
    const blank = text.indexOf('\n\n', pos);
    const end = blank < 0 ? text.length : blank;
    const section = text.slice(pos, end);
    if (section.trim() !== '') {
      for (const line of new mailsplit.Headers(section).getList()) {
        const { key, value } = libmime.decodeHeader(line.line);
        if (key !== '' && line.line.indexOf(':') >= 0) fields.push({ name: key, value, block });
      }
      block++;
    }
    if (stopAtBlank || blank < 0) return { fields, end: blank < 0 ? text.length : blank + 2 };
    pos = blank + 2;
  }
}

const library = {
  'header scan': ([text, start, stopAtBlank]) => libScanFields(text, start, stopAtBlank),
  'content-type': ([value]) => {
    if (value === null) return null;
    const p = libmime.parseHeaderValue(value, { stripComments: true });
    const type = p.value.toLowerCase();
    const slash = type.indexOf('/');
    if (slash <= 0 || slash === type.length - 1) return null;
    return { type, params: new Map(Object.entries(p.params)) };
  },
  'quoted-printable': ([s]) => ({ bytes: libqp.decode(s) }),
  base64: ([s]) => ({ bytes: libbase64.decode(s) }),
  'encoded words': ([v]) => libmime.decodeWords(v),
  mailbox: ([v]) => (v === null ? null : (addressesOf(v)[0] ?? null)),
  'address list': ([v]) => (v === null ? [] : addressesOf(v)),
  'typed address': ([v]) => {
    // The "type;" prefix is ours to split (RFC 3464 §2.3.2): no library reads it.
    const semi = v.indexOf(';');
    const typed = semi >= 0 && semi < 40 && v.slice(0, semi).indexOf('@') < 0;
    const type = typed ? v.slice(0, semi).trim().toLowerCase() : '';
    const rest = (typed ? v.slice(semi + 1) : v).trim();
    return { type, address: addressesOf(rest)[0] ?? (rest === '<>' ? '' : rest) };
  },
  date: ([v]) => {
    if (v === null || v === undefined) return null;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
  },
};

/** Results as the parsers use them, for the "differ" count. */
const key = {
  'header scan': (r) => JSON.stringify(r.fields.map((f) => [f.name, f.value, f.block])),
  'content-type': (r) => (r === null ? 'null' : JSON.stringify([r.type, [...r.params].sort()])),
  'quoted-printable': (r) => r.bytes.toString('latin1'),
  base64: (r) => r.bytes.toString('latin1'),
  charset: (r) => r,
  'encoded words': (r) => r,
  mailbox: (r) => String(r),
  'address list': (r) => JSON.stringify(r),
  'typed address': (r) => JSON.stringify(r),
  date: (r) => (r === null ? 'null' : r.toISOString()),
};

/**
 * µs one pass over `list` takes: passes repeat until MIN_ROUND_MS have gone by (a block
 * with a handful of calls is otherwise below the timer's noise), after a collection so
 * that one side does not pay for the other's garbage.
 */
const MIN_ROUND_MS = 20;
function timeRound(fn, list) {
  globalThis.gc();
  let passes = 0;
  const start = process.hrtime.bigint();
  for (;;) {
    for (const a of list) fn(a);
    passes++;
    const elapsed = Number(process.hrtime.bigint() - start) / 1e3;
    if (elapsed >= MIN_ROUND_MS * 1000) return elapsed / passes;
  }
}

function compareBlock(name, list, messages, rounds, diffExamples) {
  const shipped = (a) => recorded[name].shipped(...a);
  const ours = retired[name] ? (a) => retired[name](...a) : shipped;
  const lib = retired[name] ? shipped : library[name];
  let differ = 0;
  let differText = 0;
  const examples = [];
  let threw = 0;
  for (const a of list) {
    let l;
    try {
      l = key[name](lib(a));
    } catch (err) {
      threw++;
      l = `throws ${err}`;
    }
    const o = key[name](ours(a));
    if (o !== l) {
      differ++;
      if (o.replace(WHITE_SPACE, ' ') !== l.replace(WHITE_SPACE, ' ')) differText++;
      if (examples.length < diffExamples)
        examples.push({ input: a.map(show), ours: o.slice(0, 300), library: l.slice(0, 300) });
    }
  }
  let bestOurs = Infinity;
  let bestLib = Infinity;
  const safeLib = (a) => {
    try {
      lib(a);
    } catch {
      /* counted above */
    }
  };
  for (let r = 0; r < rounds; r++) {
    bestOurs = Math.min(bestOurs, timeRound(ours, list));
    bestLib = Math.min(bestLib, timeRound(safeLib, list));
  }
  return {
    name,
    uses: retired[name] ? 'library' : 'ours',
    calls: list.length,
    oursUs: bestOurs / messages,
    libraryUs: bestLib / messages,
    differ,
    differText,
    threw,
    examples,
  };
}

/** Runs of white space, raw or JSON-escaped: "differ" also counts ignoring them. */
const WHITE_SPACE = /(?:\\[nt]|\s)+/g;

function show(v) {
  if (typeof v === 'string') return v.length > 200 ? v.slice(0, 200) + `… (${v.length} chars)` : v;
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  return v;
}

/** The MIME walk: our synchronous walk against mailsplit's stream and mailparser. */
async function compareWalk(messages, rounds, diffExamples) {
  const { readMessage } = modules.mime;
  const { parseMessage } = require(dist('report/index.js'));
  const split = (raw) =>
    new Promise((resolve, reject) => {
      const types = [];
      // Walk into returned messages as our walk does, whatever their disposition.
      const splitter = new mailsplit.Splitter({ defaultInlineEmbedded: true });
      splitter.on('data', (data) => {
        if (data.type === 'node') types.push(data.contentType || 'text/plain');
      });
      splitter.on('end', () => resolve(types));
      splitter.on('error', reject);
      splitter.end(raw);
    });
  const oursTypes = (raw) => readMessage(raw).parts.map((p) => p.type);
  let differ = 0;
  const examples = [];
  for (const m of messages) {
    const o = JSON.stringify(oursTypes(m.raw));
    const l = JSON.stringify(await split(m.raw));
    if (o !== l) {
      differ++;
      if (examples.length < diffExamples) examples.push({ file: m.file, ours: o, library: l });
    }
  }
  const best = { walk: Infinity, split: Infinity, parse: Infinity, mailparser: Infinity };
  for (let r = 0; r < rounds; r++) {
    globalThis.gc();
    let t = process.hrtime.bigint();
    for (const m of messages) readMessage(m.raw).texts();
    best.walk = Math.min(best.walk, Number(process.hrtime.bigint() - t) / 1e3);
    globalThis.gc();
    t = process.hrtime.bigint();
    for (const m of messages) await split(m.raw);
    best.split = Math.min(best.split, Number(process.hrtime.bigint() - t) / 1e3);
    globalThis.gc();
    t = process.hrtime.bigint();
    for (const m of messages) parseMessage(m.raw);
    best.parse = Math.min(best.parse, Number(process.hrtime.bigint() - t) / 1e3);
    globalThis.gc();
    t = process.hrtime.bigint();
    for (const m of messages)
      await simpleParser(m.raw, { skipHtmlToText: true, skipTextLinks: true });
    best.mailparser = Math.min(best.mailparser, Number(process.hrtime.bigint() - t) / 1e3);
  }
  const n = messages.length;
  return [
    {
      name: 'MIME walk',
      uses: 'ours',
      calls: n,
      oursUs: best.walk / n,
      libraryUs: best.split / n,
      differ,
      differText: differ,
      threw: 0,
      examples,
    },
    {
      name: 'parseMessage',
      uses: 'ours',
      calls: n,
      oursUs: best.parse / n,
      libraryUs: best.mailparser / n,
      differ: null,
      differText: null,
      threw: 0,
      examples: [],
    },
  ];
}

/** The library each block is measured against. */
const LIBRARY_NAMES = {
  'header scan': 'mailsplit Headers + libmime',
  'content-type': 'libmime.parseHeaderValue',
  'quoted-printable': 'libqp',
  base64: 'libbase64',
  charset: 'iconv-lite',
  'encoded words': 'libmime.decodeWords',
  mailbox: 'addressparser',
  'address list': 'addressparser',
  'typed address': 'addressparser',
  date: 'new Date() (as mailparser)',
  'MIME walk': 'mailsplit Splitter (async)',
  parseMessage: 'mailparser simpleParser',
};

/** ms to require each module in a fresh process, best of `runs`. */
function loadTimes(runs = 5) {
  const { spawnSync } = require('node:child_process');
  const modules = [
    ['report/ (dist/report/index.js)', dist('report/index.js')],
    ['libqp', 'libqp'],
    ['libbase64', 'libbase64'],
    ['iconv-lite', 'iconv-lite'],
    ['libmime', 'libmime'],
    ['addressparser', 'nodemailer/lib/addressparser'],
    ['mailsplit', '@zone-eu/mailsplit'],
    ['mailparser', 'mailparser'],
  ];
  const script =
    "require('node:stream'); const t = process.hrtime.bigint(); require(process.argv[1]);" +
    ' console.log(Number(process.hrtime.bigint() - t) / 1e6);';
  return modules.map(([name, id]) => {
    let best = Infinity;
    for (let r = 0; r < runs; r++) {
      const out = spawnSync(process.execPath, ['-e', script, id], { cwd: ROOT, encoding: 'utf8' });
      best = Math.min(best, Number(out.stdout));
    }
    return { name, ms: best };
  });
}

async function main() {
  if (typeof globalThis.gc !== 'function') {
    // Rounds start after a collection: run again with the flag that allows it.
    const { spawnSync } = require('node:child_process');
    const r = spawnSync(process.execPath, ['--expose-gc', ...process.argv.slice(1)], {
      stdio: 'inherit',
    });
    process.exit(r.status ?? 1);
  }
  const opts = args(process.argv);
  const { readMessages } = require(dist('cli/sources.js'));
  const errors = [];
  const messages = [...readMessages(opts.paths, errors)];
  if (errors.length > 0) throw new Error(`unreadable: ${JSON.stringify(errors)}`);
  const calls = record(messages);
  const rows = [];
  for (const name of Object.keys(recorded))
    rows.push(compareBlock(name, calls[name], messages.length, opts.rounds, opts.diff));
  rows.push(...(await compareWalk(messages, Math.min(opts.rounds, 3), opts.diff)));
  const loads = loadTimes();
  if (opts.json) {
    console.log(JSON.stringify({ messages: messages.length, rows, loads }));
    return;
  }
  const parseUs = rows.find((r) => r.name === 'parseMessage').oursUs;
  console.log(
    `Building blocks over ${messages.length} messages, best of ${opts.rounds} rounds, µs per message of the corpus.`,
  );
  console.log(
    `"+% parse": what the library side adds over ours, in % of parseMessage (${parseUs.toFixed(1)} µs/message in this run).`,
  );
  console.log(
    '"differ": calls whose results differ (compared as the parsers use them); "non-ws": of those, ones that differ beyond white space.',
  );
  const head = [
    'block'.padEnd(17),
    'library'.padEnd(28),
    'src uses',
    'calls'.padStart(6),
    'ours µs'.padStart(9),
    'lib µs'.padStart(9),
    'lib/ours'.padStart(9),
    '+% parse'.padStart(9),
    'differ'.padStart(7),
    'non-ws'.padStart(7),
  ];
  console.log('  ' + head.join(' '));
  for (const r of rows) {
    const cells = [
      r.name.padEnd(17),
      (LIBRARY_NAMES[r.name] ?? '').padEnd(28),
      r.uses.padEnd(8),
      String(r.calls).padStart(6),
      r.oursUs.toFixed(2).padStart(9),
      r.libraryUs.toFixed(2).padStart(9),
      `${(r.libraryUs / r.oursUs).toFixed(1)}×`.padStart(9),
      `${(((r.libraryUs - r.oursUs) / parseUs) * 100).toFixed(1)}%`.padStart(9),
      (r.differ === null ? '-' : String(r.differ)).padStart(7),
      (r.differText === null ? '-' : String(r.differText)).padStart(7),
    ];
    console.log('  ' + cells.join(' ') + (r.threw ? ` (library threw ${r.threw}×)` : ''));
    for (const e of r.examples) console.log('      ', JSON.stringify(e));
  }
  console.log('Load time, best of 5 fresh processes (node:stream already loaded):');
  for (const l of loads) console.log(`  ${l.name.padEnd(32)} ${l.ms.toFixed(1).padStart(8)} ms`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
