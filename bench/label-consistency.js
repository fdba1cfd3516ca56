#!/usr/bin/env node
'use strict';
// Label consistency of the open reply sets: `node bench/label-consistency.js [--all] [file...]`.
//
// The open blind sets (bench/data/blind-replies*.tsv) were written by different people, and
// two of them sometimes label one meaning differently. This groups their rows by strong
// markers they share and prints the groups whose expected reasons disagree:
//   - provider codes: Yahoo's [TS01]/[TSS04]/[PH01], Apple's [CS01], Microsoft's AS(1234)
//     and 3-digit enhanced details (5.7.708), Orange's OFR004_104, Comcast's RL/BL codes;
//   - an RFC 3463 enhanced status code together with a key phrase (one family of wordings
//     of a meaning, e.g. "greylist", "rate limit", "quota"), so one code in two senses
//     does not make a group;
//   - a few key phrases alone whose meaning does not depend on the code (greylisting,
//     sending quotas, complaints, IP reputation).
// A group is printed when its rows' reasons are not all the same; it is marked DISJOINT
// when two of its rows have no reason in common (neither "a|b" row names the other's), and
// "no shared label" when, moreover, the KumoMTA labels those reasons accept do not meet
// (bench/score.js's table), the rows a classifier cannot satisfy together.
// --all prints every group, agreeing or not. Held-back sets are never read (bench/blind.js).

const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const DATA = path.join(__dirname, 'data');
const argv = process.argv.slice(2);
const showAll = argv.includes('--all');
const positional = argv.filter((a) => !a.startsWith('--'));

// Held-back sets (helper rules; bench/blind.js HELD_BACK): never opened here.
const HELD_BACK = [
  /^blind-replies-4/,
  /^blind-replies-5/,
  /^blind-replies-languages-2/,
  /-6b/,
  /^blind-messages-5/,
];
const isHeldBack = (f) => HELD_BACK.some((re) => re.test(path.basename(f)));

const files = (
  positional.length > 0
    ? positional
    : fs
        .readdirSync(DATA)
        .filter((f) => /^blind-replies.*\.tsv$/.test(f))
        .sort()
        .map((f) => path.join(DATA, f))
).filter((f) => {
  if (!isHeldBack(f)) return true;
  console.error(`skipped held-back set ${path.basename(f)}`);
  return false;
});

let ACCEPTED = null;
try {
  ACCEPTED = require(path.join(ROOT, 'dist', 'classify', 'audit.js')).SISIMAI_REASON_LABELS;
} catch {
  // Without a build the label check is skipped; the reason check still runs.
}

/** Key phrase families: one meaning each, by several wordings (lower-cased text). */
const PHRASES = [
  ['greylist', /gr[ae]y[- ]?list/],
  ['complaint', /complaint/],
  ['reputation', /reputation/],
  ['rate-limit', /rate[- ]?limit|too many (?:messages|mails|emails)|sending rate|slow down/],
  ['connections', /too many (?:concurrent |simultaneous )?connections|connection limit/],
  [
    'sending-quota',
    /sending (?:quota|limit)(?!s)|(?:daily|hourly|(?<![-\w])message) (?:message |user sending )?(?:quota|limit)|recipients? [a-z ]{0,20}(?:this|per) hour/,
  ],
  ['mailbox-full', /mailbox (?:is )?full|over ?quota|quota exceeded|insufficient storage/],
  ['unknown-user', /user unknown|unknown user|no such user|does not exist|not found/],
  ['disabled', /disabled|deactivated|suspended|inactive/],
  ['spam', /\bspam/],
  ['blocklist', /block ?list|black ?list|\brbl\b|dnsbl|spamhaus|\blisted/],
  ['dmarc', /dmarc/],
  ['spf', /\bspf\b/],
  ['dkim', /dkim/],
  ['ptr', /\bptr\b|reverse dns|rdns|reverse lookup/],
  ['relay', /relay/],
  ['size', /too (?:big|large)|size limit|exceeds .*size/],
  ['virus', /virus|malware|infected/],
  ['tls', /\btls\b|starttls|encryption/],
  ['auth', /authenticat/],
  ['policy', /policy/],
  ['deferred', /deferred/],
];
// Phrases whose meaning does not depend on the code: a group of their own.
const ALONE = new Set(['greylist', 'complaint', 'sending-quota']);

/** The strong markers of one reply. */
function markers(reply) {
  const text = reply.replace(/\\n/g, '\n');
  const lower = text.toLowerCase();
  const out = new Set();
  // Yahoo ([TS01] [TSS04] [PH01] [GL01]), Apple ([CS01]), Comcast (RL000001, BL000000).
  for (const m of text.matchAll(/\b(TSS?\d{2}|PH\d{2}|GL\d{2}|CS\d{2}|HM\d{2}|RL\d{6}|BL\d{6})\b/g))
    out.add(`code ${m[1]}`);
  for (const m of text.matchAll(/\bAS\((\d{3,5})\)/g)) out.add(`code AS(${m[1]})`);
  for (const m of text.matchAll(/\b(OFR\d{3}_\d{3})\b/g)) out.add(`code ${m[1]}`);
  // Microsoft's (and Gmail's) enhanced codes with a detail of two or three digits past 9:
  // provider-specific meanings (5.7.708, 4.7.650, 4.7.28), a marker on their own.
  const enhanced = [...text.matchAll(/\b([245])\.(\d{1,3})\.(\d{1,3})\b/g)].map(
    (m) => `${m[1]}.${m[2]}.${m[3]}`,
  );
  const phrases = PHRASES.filter(([, re]) => re.test(lower)).map(([k]) => k);
  for (const code of new Set(enhanced)) {
    const [, , detail] = code.split('.');
    if (Number(detail) >= 10 && code[2] === '7') out.add(`code ${code}`);
    for (const p of phrases) out.add(`${code} + ${p}`);
  }
  for (const p of phrases) if (ALONE.has(p)) out.add(`phrase ${p}`);
  return out;
}

const rows = [];
for (const file of files) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((l, i) => {
    if (!l.trim() || l.startsWith('#')) return;
    const [reason, reply] = l.split('\t');
    if (reply === undefined) return;
    rows.push({ set: path.basename(file), line: i + 1, reason, reply, reasons: reason.split('|') });
  });
}

const groups = new Map();
for (const row of rows)
  for (const m of markers(row.reply)) {
    if (!groups.has(m)) groups.set(m, []);
    groups.get(m).push(row);
  }

/** The KumoMTA labels a reason accepts (`kumo:<Label>` accepts itself). */
function labelsOf(reason) {
  if (reason.startsWith('kumo:')) return [reason.slice(5)];
  return (ACCEPTED && ACCEPTED[reason]) || [];
}
const labelsOfRow = (r) => new Set(r.reasons.flatMap(labelsOf));

let shown = 0;
let disjoint = 0;
for (const [marker, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
  if (list.length < 2) continue;
  const distinct = new Set(list.map((r) => r.reason));
  if (distinct.size < 2 && !showAll) continue;
  let noCommon = false;
  let noLabel = false;
  for (let i = 0; i < list.length; i++)
    for (let j = i + 1; j < list.length; j++) {
      if (!list[i].reasons.some((x) => list[j].reasons.includes(x))) {
        noCommon = true;
        const a = labelsOfRow(list[i]);
        if (ACCEPTED && ![...labelsOfRow(list[j])].some((x) => a.has(x))) noLabel = true;
      }
    }
  if (distinct.size >= 2) shown += 1;
  if (noCommon) disjoint += 1;
  const flag = noLabel ? ' DISJOINT, no shared label' : noCommon ? ' DISJOINT' : '';
  console.log(`\n== ${marker}: ${list.length} rows, ${distinct.size} reasons${flag}`);
  for (const r of list)
    console.log(`  ${r.reason.padEnd(24)} ${r.set}:${r.line}  ${r.reply.slice(0, 140)}`);
}
console.log(
  `\n${rows.length} rows in ${files.length} open sets; ${groups.size} markers; ` +
    `${shown} groups with different reasons, ${disjoint} of them disjoint`,
);
