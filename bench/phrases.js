// `node bench/phrases.js` (after `npm run build`): are the heuristic families'
// phrases format markers and general patterns, or sentences of one message?
//
// Every lower-case phrase literal of src/report/heuristic/*.ts and
// src/report/fallback.ts (the phrase constants the families detect and parse by) is
// looked up in the decoded text (own text parts, Subject, From) of each file of the
// development corpus (../shared/corpus/sisimai/maildir/bsd). A phrase found in
// exactly one file is a sentence only that message holds, unless the families that
// read that file read no other corpus file (the program's marker, seen once) or
// the phrase is in DOCUMENTED with the source that prints it in every message of
// its kind. Any other one-file phrase fails the check (exit status 1).
//
//   node bench/phrases.js            table of the phrases in one file or none, exit 1 on a failure
//   node bench/phrases.js --all      every phrase with its file count
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
// Its messages: maildir/bsd of $OOBD_CORPUS (the folder holding maildir/ and
// expected.jsonl, as for bench:accuracy), else of ../shared/corpus/sisimai.
const { CORPUS_BSD: CORPUS, requireCorpus } = require('./corpus.js');
const SOURCES = [
  ...fs
    .readdirSync(path.join(ROOT, 'src/report/heuristic'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join('src/report/heuristic', f)),
  'src/report/fallback.ts',
];

const { readMessage } = require(path.join(ROOT, 'dist/report/mime.js'));
const { parseMessage } = require(path.join(ROOT, 'dist/report/index.js'));
const { htmlToText } = require(path.join(ROOT, 'dist/report/heuristic/common.js'));
const { decodeEncodedWords } = require(path.join(ROOT, 'dist/report/codec.js'));

/** The string literals of a TypeScript file outside comments that read as phrases. */
function phrasesOf(file) {
  const out = new Set();
  for (const raw of fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('//') || line.startsWith('*') || line.startsWith('/*')) continue;
    const code = line.indexOf(' // ') >= 0 ? line.slice(0, line.indexOf(' // ')) : line;
    for (const m of code.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)) {
      const s = (m[1] ?? m[2]).replace(/\\'/g, "'");
      // Lower-case words of some length: what `saw`, `indexOf` and `startsWith` look for.
      if (s.length < 8 || s !== s.toLowerCase() || !/[a-z]/.test(s)) continue;
      if (!/[ :]/.test(s.trim())) continue;
      if (s.startsWith('./') || s.startsWith('../') || s.startsWith('heuristic')) continue;
      out.add(s);
    }
  }
  return out;
}

/** The decoded text of a corpus file as the families read it, lower case. */
function textOf(file) {
  const msg = readMessage(fs.readFileSync(file));
  let text =
    decodeEncodedWords(msg.headers.get('subject') ?? '') + '\n' + (msg.headers.get('from') ?? '');
  for (const t of msg.texts())
    text += '\n' + (t.type === 'text/html' ? htmlToText(t.text) : t.text);
  return text.toLowerCase();
}

/** The `heuristic:<name>` sources each corpus file's records come from. */
function sourcesOf(file) {
  const names = new Set();
  for (const f of parseMessage(fs.readFileSync(file)).findings)
    if (f.kind === 'oob' && f.report.source.startsWith('heuristic:'))
      names.add(f.report.source.slice(10));
  return names;
}

/**
 * Phrases that occur in one corpus file although their family has more (or the
 * file came as a DSN): each is a marker the program prints in every message of
 * its kind, with where that text comes from. Review this list when adding one.
 */
const DOCUMENTED = {
  'the user(s) account ':
    'au (EZweb) notice template: its verdict on the account ("The user(s) account is disabled.", "... is temporarily over quota.")',
  'pipe to ': "Exim deliver.c: the entry of a failed pipe delivery ('pipe to |command')",
  'undeliverable to':
    'IMail (SMTP32): the recipient line of a remote refusal ("undeliverable to a@b")',
  'undeliverable to ': 'IMail (SMTP32), as above; the last-resort scan reads it too',
  'google グループ':
    "Google Groups: the product's name in the Japanese template's help sentence and sign-off (the English one's is 'google group')",
  'may not have permission to post':
    "Google Groups: the English template's sentence (the other corpus files are translations)",
  'delayed mail (still being retried)': "Postfix bounce_template.c: the delay template's Subject",
  'this is a warning only': "Postfix bounce_template.c: the delay template's banner",
  ' but sender was rejected': 'qmail-remote.c: "Connected to %s but sender was rejected."',
  'connected to ':
    'qmail-remote.c: "Connected to %s but ..." (sender rejected, greeting failed, my name rejected)',
  'was not relayed to:':
    'amavisd-new: the nondelivery template ("The message WAS NOT relayed to:")',
  'your message to:': "Barracuda Spam & Virus Firewall: its notice's recipient line",
  'our bulk email filter':
    'Barracuda: its notice\'s Subject ("Message you sent blocked by our bulk email filter")',
  'addressed to:': "SurfControl E-mail Filter: its notice's recipient line",
  'your message could not be sent': "SurfControl E-mail Filter: its notice's first line",
  'addressed to ': 'general: "Your message addressed to a@b ..." (last-resort scan)',
  'following error': 'general: the end of a lead-in line ("... the following error:")',
  'generated response':
    'general: the end of a lead-in line (IMail\'s "Body of message generated response:")',
  'error details': 'general: the end of a lead-in line (Office 365\'s "Error Details" section)',
  'server di generazione': 'Exchange 2007+: the Italian "Generating server:" of every NDR',
  'informazioni di diagnostica per gli amministratori':
    'Exchange 2007+: the Italian "Diagnostic information for administrators:" heading of every NDR',
  'intestazioni originali del messaggio':
    'Exchange 2007+: the Italian "Original message headers:" of every NDR',
  'reported error:': 'Office 365 NDR (2016+): the "Error Details" field holding the reply',
  'message hops': 'Office 365 NDR (2016+): the section before the returned headers',
  'recipient(s) could not be reached':
    'Exchange 2000/2003: "The following recipient(s) could not be reached:"',
  'did not reach some or all of the intended recipients':
    "Exchange 2003 / Outlook: the NDR's first line",
  'the following text was generated during the delivery attempt':
    "Exim deliver.c: a pipe or file delivery's output follows",
  'could not be delivered to all of its recipients': "Exim 3 deliver.c: the bounce's list intro",
  'recipient addresses that were':
    'Exim moan.c (ERRMESS_BADADDRESS): "... recipient addresses that were incorrectly constructed:"',
  'this is a delivery failure notification message':
    "Mimecast: its notice's first line (the corpus file came with a DSN part)",
  'non recapitabile':
    'Exchange 2007+ / Outlook: the Italian NDR Subject ("Non recapitabile: <subject>")',
  'this address has been ignored':
    'Exim moan.c (ERRMESS_BADADDRESS): the line after the malformed address',
  'more info for email admins':
    "Office 365 NDR (2016+): the administrators' section heading of every plain-text NDR",
  'status code:':
    'Office 365 NDR (2016+): the field under "More Info for Email Admins" holding the code',
  'will continue to try':
    'general: a delay notice says the system still tries ("... will continue to try to deliver")',
};

function main() {
  requireCorpus('bench:phrases');
  const all = process.argv.includes('--all');
  const files = fs
    .readdirSync(CORPUS)
    .filter((f) => f.endsWith('.eml'))
    .sort();
  const texts = files.map((f) => textOf(path.join(CORPUS, f)));
  const sources = files.map((f) => sourcesOf(path.join(CORPUS, f)));
  let failures = 0;
  const rows = [];
  // How many corpus files each family reads.
  const familyCount = new Map();
  for (const set of sources) for (const s of set) familyCount.set(s, (familyCount.get(s) ?? 0) + 1);
  for (const src of SOURCES) {
    for (const phrase of phrasesOf(src)) {
      const hits = [];
      for (let i = 0; i < files.length; i++) if (texts[i].indexOf(phrase) >= 0) hits.push(i);
      let verdict = '';
      if (hits.length === 1) {
        const families = [...sources[hits[0]]];
        const alone = families.length > 0 && families.every((f) => familyCount.get(f) === 1);
        if (alone) verdict = `marker of ${families.join(', ')} (its one corpus file)`;
        else if (DOCUMENTED[phrase] !== undefined) verdict = 'marker: ' + DOCUMENTED[phrase];
        else {
          verdict = 'FAIL: a sentence of one message';
          failures++;
        }
      } else if (hits.length === 0) verdict = 'from the format (in no corpus file)';
      if (all || hits.length <= 1)
        rows.push([
          src.replace('src/report/', ''),
          hits.length,
          JSON.stringify(phrase),
          hits.length === 1 ? files[hits[0]] : '',
          verdict,
        ]);
    }
  }
  console.log('source\tfiles\tphrase\tonly file\tverdict');
  for (const r of rows) console.log(r.join('\t'));
  console.log(
    `\n${failures} phrase(s) only one corpus message holds, in a family with more corpus files`,
  );
  process.exitCode = failures > 0 ? 1 : 0;
}

main();
