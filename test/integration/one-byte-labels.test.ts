// A rules file with any character above U+00FF (the shipped rules' Japanese and Chinese
// phrases) decodes to a string V8 stores two bytes a character, and every label sliced
// from it would be two-byte too; one such label in a record makes the record's JSON, the
// log writer's batch and its UTF-8 copy two-byte (issue 17, h127: the batch's join and
// copy 3.41 → 2.07 µs a message). Checked in a child process with V8's own view of the
// string (`%DebugPrint` prints a two-byte string as u"...", behind --allow-natives-syntax).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/service';

/** What %DebugPrint's first line says of `expression`, evaluated after `setup` in a fresh node. */
function debugPrint(setup: string, expression: string): string {
  const script = `${setup}; %DebugPrint(${expression});`;
  const result = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`node failed: ${result.stderr}`);
  return result.stdout.split('\n')[0] ?? '';
}

const RULES = [
  '# 宛先不明: a phrase outside Latin-1 makes the whole text two-byte',
  '[rules]',
  'InvalidRecipient = ["(?i)user unknown", "宛先不明"]',
  'MessageExpired = ["(?i)delivery time expired"]',
].join('\n');

const SETUP =
  `const { decodeRulesFile } = require(${JSON.stringify(join(ROOT, 'dist/classify/rules-file.js'))});` +
  `const { decoded } = decodeRulesFile({ file: 'x.toml', text: ${JSON.stringify(RULES)} });`;

describe('labels of a rules file with CJK phrases', () => {
  it('are two-byte when sliced straight from the text, the reason for the copy', () => {
    expect(
      debugPrint(
        `const t = ${JSON.stringify(RULES)} + ''`,
        "t.slice(t.indexOf('Mess'), t.indexOf('Mess') + 14)",
      ),
    ).toContain('u"MessageExpired"');
  });

  it('are one-byte strings once decoded, so records built from them stay one-byte', () => {
    const line = debugPrint(SETUP, 'decoded.labels[1].label');
    expect(line).toContain('"MessageExpired"');
    expect(line).not.toContain('u"MessageExpired"');
  });
});
