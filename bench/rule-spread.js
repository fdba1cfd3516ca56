// Which corpus files each rule's pattern matches: a rule that matches the reply of only
// one corpus file may be that file's sentence rather than a phrase family, and is worth
// nothing on mail the corpus does not hold. Such a rule must be a general phrase with a
// documented source (a "Source:" comment in its family); this script lists them so a
// reader can judge, and flags those without a source.
//
//   node bench/rule-spread.js [--all]        (after `npm run build`; parses maildir/bsd)
//   require('./rule-spread.js').ruleSpread(recordsByFile, files) from bench/accuracy.js
//
// Every pattern of every KumoMTA rules file among the shipped files is matched against
// every OOB reply line of the corpus (not only the winning rule: a shadowed rule that
// matches one sentence is just as fitted).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const RE2 = require('re2');
const { parse: parseToml } = require('smol-toml');

const ROOT = path.join(__dirname, '..');
const { SHIPPED_RULES_FILES } = require(path.join(ROOT, 'dist/config/server.js'));
const { replyLine } = require(path.join(ROOT, 'dist/classify/index.js'));

/** The reply line of an OOB record, as the classifier sees it. */
function lineOf(record) {
  const r = record.response || {};
  return replyLine({
    code: r.code,
    enhancedCode: r.enhanced_code || null,
    content: r.content || '',
    command: r.command || null,
  });
}

/**
 * The "Source:" comment of the family a pattern belongs to: the nearest "# Source:" line
 * above the pattern, within its label's list or in the comment block just above the
 * label. null when the family names no source.
 */
function sourceOf(lines, patternLine) {
  let inHeader = false;
  for (let i = patternLine - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (line.startsWith('#')) {
      const at = line.indexOf('Source:');
      if (at >= 0) return line.slice(at + 'Source:'.length).trim();
      continue;
    }
    if (/^[A-Za-z]\w* = \[/.test(line)) {
      inHeader = true;
      continue;
    }
    if (inHeader) return null; // the block above the label had no source
    if (line === '' || line === ']' || line.startsWith('[')) return null;
  }
  return null;
}

/** A "Source:" comment in the file's header (before [rules]): the source of every rule in it. */
function fileSource(lines) {
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('[')) return null;
    const at = line.startsWith('#') ? line.indexOf('Source:') : -1;
    if (at >= 0) return line.slice(at + 'Source:'.length).trim();
  }
  return null;
}

/** Every pattern of the KumoMTA rules files, with its file, label, index, line and source. */
function patternsOf(files) {
  const out = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const doc = parseToml(text);
    if (!doc.rules) continue; // a context table
    const lines = text.split('\n');
    const ofFile = fileSource(lines);
    let searchFrom = 0;
    for (const [label, patterns] of Object.entries(doc.rules)) {
      patterns.forEach((pattern, index) => {
        // Patterns are single-quoted literal strings, each on its own line.
        let at = -1;
        for (let i = searchFrom; i < lines.length; i++) {
          if (lines[i].includes(`'${pattern}'`)) {
            at = i;
            break;
          }
        }
        if (at >= 0) searchFrom = at + 1;
        out.push({
          file,
          label,
          index,
          pattern,
          source: (at >= 0 ? sourceOf(lines, at) : null) ?? ofFile,
          re: new RE2(pattern, 'u'),
        });
      });
    }
  }
  return out;
}

/**
 * @param recordsByFile Map(file → records) as `oobd parse` prints them
 * @param files rules files (relative to the project root), default the shipped ones
 * @returns every pattern with `files` (corpus files whose replies it matches) and `source`
 */
function ruleSpread(recordsByFile, files = SHIPPED_RULES_FILES) {
  const replies = [];
  for (const [file, records] of recordsByFile) {
    const lines = records.filter((r) => r.type === 'OOB').map(lineOf);
    if (lines.length > 0) replies.push([path.basename(file), lines]);
  }
  return patternsOf(files).map(({ re, ...rule }) => {
    const matched = replies
      .filter(([, lines]) => lines.some((line) => re.test(line)))
      .map(([f]) => f);
    return { ...rule, files: matched };
  });
}

function format(spread, { all = false } = {}) {
  const single = spread.filter((rule) => rule.files.length === 1);
  const unsourced = single.filter((rule) => rule.source === null);
  const byCount = (n) => spread.filter((rule) => rule.files.length === n).length;
  const lines = [
    `rule spread over the corpus: ${spread.length} patterns; ${byCount(0)} match no corpus file, ` +
      `${single.length} match exactly one, ${spread.length - byCount(0) - single.length} match several`,
    `patterns matching one corpus file without a documented source: ${unsourced.length === 0 ? 'none' : unsourced.length}`,
  ];
  for (const rule of all ? single : unsourced) {
    lines.push(
      `  ${rule.file}: ${JSON.stringify(rule.label)}[${rule.index}] (${rule.files[0]}) ${rule.pattern}`,
      `      source: ${rule.source ?? 'NONE'}`,
    );
  }
  return lines.join('\n');
}

module.exports = { ruleSpread, format };

if (require.main === module) {
  const { parseCorpus } = require('./score.js');
  const spread = ruleSpread(parseCorpus());
  console.log(format(spread, { all: process.argv.includes('--all') }));
}
