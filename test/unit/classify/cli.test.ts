// `oobd classify` and `oobd rules check` as an operator runs them: the compiled CLI
// (npm test builds dist/ first) in a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/cli/main.js');

function oobd(
  args: string[],
  input?: string,
): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.OOBD_CONFIG;
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env,
    input: input ?? '',
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('oobd classify', () => {
  it('prints the label and the winning rule of each reply, with the shipped rules', () => {
    const run = oobd(['classify', '552 5.2.2 x', '352 5.2.2 x']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'QuotaIssues  552 5.2.2 x\n  rule: rules/iana.toml: "QuotaIssues"[0]',
    );
    expect(run.stdout).toContain('Uncategorized  352 5.2.2 x\n  rule: no rule matched');
  });

  it('prints one JSON object per reply with --json', () => {
    const run = oobd([
      'classify',
      '--json',
      '452 4.5.3 Too many recipients',
      '550 5.1.1 user unknown',
    ]);
    expect(run.status).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      reply: '452 4.5.3 Too many recipients',
      code: 452,
      enhanced_code: { class: 4, subject: 5, detail: 3 },
      content: 'Too many recipients',
      label: 'TooManyRecipients',
    });
    expect(lines[1]).toMatchObject({
      label: 'InvalidRecipient',
      rule: { file: 'rules/bounces.toml', label: 'InvalidRecipient', index: 0 },
    });
  });

  it('reads one reply per stdin line when none is given', () => {
    const run = oobd(
      ['classify', '--json'],
      '550 5.1.1 user unknown\n\n552 5.2.2 mailbox full\r\n',
    );
    expect(run.status).toBe(0);
    const labels = run.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { label: string }).label);
    expect(labels).toEqual(['InvalidRecipient', 'QuotaIssues']);
  });

  describe('with --rules', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'oobd-cli-'));
      writeFileSync(join(dir, 'mine.json5'), "{rules: {Mine: ['(?i)user unknown']}}");
      writeFileSync(join(dir, 'bad.toml'), '[rules]\nBroken = ["ok", "(?=x)"]\n');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('uses the given files instead of the config', () => {
      const run = oobd([
        'classify',
        '--json',
        '--rules',
        join(dir, 'mine.json5'),
        '--',
        '550 5.1.1 User Unknown',
      ]);
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        label: 'Mine',
        rule: {
          file: join(dir, 'mine.json5'),
          label: 'Mine',
          index: 0,
          pattern: '(?i)user unknown',
        },
      });
    });

    it('fails with exit code 2 and names file, label and index of a bad pattern', () => {
      const run = oobd(['classify', '--rules', join(dir, 'bad.toml'), '--', '550 x']);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('OOBD_RULE_INVALID');
      expect(run.stderr).toContain(`${join(dir, 'bad.toml')}: "Broken"[1]`);
    });
  });
});

describe('oobd rules check', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oobd-check-'));
    writeFileSync(
      join(dir, 'a.toml'),
      '[rules]\nA = ["(?=x)", "dup", "(unclosed"]\nB = ["dup", "\\\\1"]\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("passes the config's shipped rules with a summary", () => {
    const run = oobd(['rules', 'check']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\d+ files?, \d+ labels, \d+ patterns: 0 errors, 0 warnings\n$/);
  });

  it('reports every bad pattern and duplicate, and exits 2', () => {
    const file = join(dir, 'a.toml');
    const missing = join(dir, 'missing.toml');
    const run = oobd(['rules', 'check', file, missing]);
    expect(run.status).toBe(2);
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('error: '))).toEqual([
      expect.stringContaining(`${file}: "A"[0] "(?=x)"`),
      expect.stringContaining(`${file}: "A"[2] "(unclosed"`),
      expect.stringContaining(`${file}: "B"[1]`),
      expect.stringContaining(`${missing}: cannot read`),
    ]);
    expect(lines.filter((line) => line.startsWith('warning: '))).toEqual([
      expect.stringContaining(`${file}: "B"[0] "dup": duplicate of "A"[1]`),
    ]);
    expect(lines.at(-1)).toBe('2 files, 2 labels, 5 patterns: 4 errors, 1 warning');
  });
});
