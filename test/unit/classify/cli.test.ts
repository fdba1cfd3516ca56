// `oobd classify` and `oobd rules check` as an operator runs them: the compiled CLI
// (npm test builds dist/ first) in a child process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
      decided_by: 'rule',
      rule: { file: 'rules/phrases.toml', label: 'InvalidRecipient', index: 0 },
      context: null,
    });
  });

  it('shows the quoted reply that decided, in JSON and in text', () => {
    const reply = '554 5.0.0 Relay answered: 552 5.2.2 storage for user ran out';
    const json = oobd(['classify', '--json', reply]);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      label: 'QuotaIssues',
      decided_by: 'rule',
      inner_reply: '552 5.2.2 storage for user ran out',
    });
    const text = oobd(['classify', reply]);
    expect(text.stdout).toContain('quoted reply: 552 5.2.2 storage for user ran out');
    const plain = oobd(['classify', '--json', '550 5.1.1 user unknown']).stdout;
    expect((JSON.parse(plain) as { inner_reply: unknown }).inner_reply).toBeNull();
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

  it('says which reply code it assumed for text given without one', () => {
    const run = oobd(['classify', 'hello', '451 hello']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      '  matched as: 550 hello\n  assumed: reply code 550, since none was given',
    );
    // A reply with its code assumes nothing.
    expect(run.stdout.match(/assumed:/g)).toHaveLength(1);
    const json = oobd(['classify', '--json', 'hello', '4.2.2 mailbox full', '550 5.1.1 x']);
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { assumed_code: number | null }).assumed_code),
    ).toEqual([550, 451, null]);
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
      '[rules]\nSpamBlock = ["(?=x)", "dup", "(unclosed"]\nSpamContent = ["dup", "\\\\1"]\n',
    );
    writeFileSync(
      join(dir, 'labels.toml'),
      '[rules]\nInvalidRecipent = ["(?i)no such user"]\nquotaissues = ["(?i)over quota"]\n' +
        'SuppressMe = ["(?i)unsubscribed"]\nInvalidRecipient = ["(?i)user unknown"]\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("passes the config's shipped rules with a summary", () => {
    const run = oobd(['rules', 'check']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^\d+ files?, \d+ labels, \d+ patterns, \d+ context rows: 0 errors, 0 warnings\n$/,
    );
  });

  it('reports every bad pattern and duplicate, and exits 2', () => {
    const file = join(dir, 'a.toml');
    const missing = join(dir, 'missing.toml');
    const run = oobd(['rules', 'check', file, missing]);
    expect(run.status).toBe(2);
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('error: '))).toEqual([
      expect.stringContaining(`${file}: "SpamBlock"[0] "(?=x)"`),
      expect.stringContaining(`${file}: "SpamBlock"[2] "(unclosed"`),
      expect.stringContaining(`${file}: "SpamContent"[1]`),
      expect.stringContaining(`${missing}: cannot read`),
    ]);
    expect(lines.filter((line) => line.startsWith('warning: '))).toEqual([
      expect.stringContaining(`${file}: "SpamContent"[0] "dup": duplicate of "SpamBlock"[1]`),
    ]);
    expect(lines.at(-1)).toBe('2 files, 2 labels, 5 patterns: 4 errors, 1 warning');
  });

  it("warns about labels outside KumoMTA's predefined set, naming the closest, and passes", () => {
    const file = join(dir, 'labels.toml');
    const run = oobd(['rules', 'check', file]);
    expect(run.status).toBe(0);
    const warnings = run.stdout.split('\n').filter((line) => line.startsWith('warning: '));
    expect(warnings).toEqual([
      `warning: ${file}: "InvalidRecipent": not one of KumoMTA's predefined labels (did you mean InvalidRecipient?); allowed, but consumers of KumoMTA logs will not know it`,
      `warning: ${file}: "quotaissues": not one of KumoMTA's predefined labels (did you mean QuotaIssues?); allowed, but consumers of KumoMTA logs will not know it`,
      `warning: ${file}: "SuppressMe": not one of KumoMTA's predefined labels; allowed, but consumers of KumoMTA logs will not know it`,
    ]);
    expect(run.stdout).toMatch(/1 file, 4 labels, 4 patterns: 0 errors, 3 warnings\n$/);
  });
});

describe('oobd classify with context', () => {
  it('takes --command, --action and --diagnostic-type and shows the context row that decided', () => {
    const run = oobd([
      'classify',
      '--json',
      '--action',
      'failed',
      '--',
      '451 4.4.1 connect to mx.example.net[192.0.2.1]:25: Connection timed out',
    ]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      action: 'failed',
      command: null,
      label: 'MessageExpired',
      decided_by: 'context',
      rule: { file: 'rules/phrases.toml', label: 'NoAnswerFromHost' },
      context: {
        file: 'rules/context.toml',
        name: 'unreachable until the queue lifetime ran out',
        replaced: 'NoAnswerFromHost',
      },
    });
  });

  it("takes --status, the report's own Status, for a final bounce whose delivery time expired", () => {
    const reply = '451 4.3.0 Temporary system failure. Please try again later.';
    const run = oobd([
      'classify',
      '--json',
      '--action',
      'failed',
      '--status',
      '4.4.7',
      '--',
      reply,
    ]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      action: 'failed',
      status: '4.4.7',
      label: 'MessageExpired',
      decided_by: 'context',
      context: { file: 'rules/context.toml', name: 'delivery time expired (Status X.4.7)' },
    });
    const without = oobd(['classify', '--json', '--action', 'failed', '--', reply]);
    expect(JSON.parse(without.stdout)).toMatchObject({ status: null, label: 'TransientFailure' });
  });

  it('prints the context row in the text output', () => {
    // RFC 5321's stock 554 text, which no rule decides: the stage does.
    const run = oobd(['classify', '--command', 'CONNECT', '--', '554 Transaction failed']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('PolicyRelated  554 Transaction failed');
    expect(run.stdout).toContain(
      '  context: rules/context.toml: context[1] "refused at connection or greeting" (stage connect, from the command): Uncategorized → PolicyRelated',
    );
  });

  it('gives the same reply another label in another context', () => {
    const labels = (args: string[]) =>
      (
        JSON.parse(oobd(['classify', '--json', ...args, '--', '550 5.0.0 255']).stdout) as {
          label: string;
        }
      ).label;
    expect(labels([])).toBe('Uncategorized');
    expect(labels(['--diagnostic-type', 'x-unix'])).toBe('BadConfiguration');
  });
});

describe('oobd rules audit', () => {
  const FIXTURES = join(ROOT, 'fixtures/audit');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oobd-audit-'));
    writeFileSync(join(dir, 'parked.toml'), "[rules]\nParked = ['(?i)parked at gate']\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints per rule its file, label, index, hits and precision, the rules never matched, and the uncategorized replies grouped', () => {
    const run = oobd(['rules', 'audit', FIXTURES, '--expected', join(FIXTURES, 'expected.jsonl')]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain('7 replies classified with rules/providers.toml, rules/phrases.toml');
    expect(out).toContain('expectations: 4 of 7 labels right (57.1%)');
    expect(out).toMatch(/\n +1 +1\/1 +100\.0% +rules\/phrases\.toml: "PolicyRelated"\[0\] /);
    expect(out).toMatch(
      /\n +1 +1\/1 +100\.0% +rules\/context\.toml: context\[0\] → BadConfiguration +local delivery program failed/,
    );
    expect(out).toMatch(/"InvalidRecipient"\[3\] .*\(1 relabelled by context\)/);
    expect(out).toMatch(/never matched: \d+ of \d+ rules\n {2}rules\/providers\.toml: /);
    // Each reply whose label its expectation refuses: where, what, which rule, and the reply.
    expect(out).toContain('wrong labels: 3\n');
    expect(out).toContain(
      `  ${join(FIXTURES, 'sisimai-lhost-googleworkspace-01.eml')}#1  Uncategorized (no rule), expected InvalidSender or PolicyRelated or SpamBlock (Sisimai: rejected)\n` +
        '      550 Unspecified Error (SENT_SECOND_EHLO): Smtp server does not advertise AUTH capability\n',
    );
    expect(out).toContain(
      'uncategorized: 3 replies in 2 groups (count, normalised reply, pattern)\n' +
        '      2  550 5.0.0 <address>: account <address> is parked at gate <n>, ref <id>\n' +
        "         '(?i)\\S+@\\S+:\\s+account\\s+\\S+@\\S+\\s+is\\s+parked\\s+at\\s+gate\\s+\\d+,\\s+ref\\s+\\S+',\n",
    );
  });

  it('lists the rules under 50% precision, and prints every tally as JSON', () => {
    const run = oobd([
      'rules',
      'audit',
      FIXTURES,
      '--json',
      '--min-checked',
      '2',
      '--expected',
      join(FIXTURES, 'expected.jsonl'),
      '--rules',
      join(dir, 'parked.toml'),
    ]);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as {
      files: string[];
      replies: number;
      checked: number;
      low_precision: Array<{ label: string; hits: number; right: number; checked: number }>;
      entries: Array<{ kind: string; label: string; hits: number }>;
      uncategorized: Array<{ count: number; key: string; pattern: string }>;
      wrong: Array<{ source: string; label: string; accepted: string[]; rule: string | null }>;
    };
    expect(report.files).toEqual([join(dir, 'parked.toml')]);
    expect(report.wrong).toContainEqual({
      source: expect.stringMatching(/relay-parked-01\.eml#1$/),
      line: expect.stringContaining('is parked at gate 7'),
      label: 'Parked',
      accepted: ['InactiveMailbox'],
      reason: null,
      rule: `${join(dir, 'parked.toml')}: "Parked"[0]`,
    });
    expect(report.replies).toBe(7);
    expect(report.low_precision).toEqual([
      expect.objectContaining({ label: 'Parked', hits: 2, right: 0, checked: 2 }),
    ]);
    expect(report.uncategorized.map((group) => group.count)).toEqual([1, 1, 1, 1, 1]);
  });

  it('names the expectations no record took, and says which Sisimai reason an expected label stands for', () => {
    const expected = join(dir, 'extra.jsonl');
    writeFileSync(
      expected,
      readFileSync(join(FIXTURES, 'expected.jsonl'), 'utf8') +
        '{"file": "audit/sisimai-rfc3464-03.eml", "index": 2, "reason": "userunknown"}\n',
    );
    const run = oobd(['rules', 'audit', FIXTURES, '--expected', expected]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'expectations: 4 of 7 labels right (57.1%), 1 expectations without a reply',
    );
    expect(run.stdout).toContain(
      'expectations without a reply (no record of the file took them): 1\n  audit/sisimai-rfc3464-03.eml#2\n',
    );
    const json = JSON.parse(
      oobd(['rules', 'audit', FIXTURES, '--json', '--expected', expected]).stdout,
    ) as {
      unpairedExpectations: string[];
      wrong: Array<{ source: string; reason: string | null }>;
    };
    expect(json.unpairedExpectations).toEqual(['audit/sisimai-rfc3464-03.eml#2']);
    expect(json.wrong).toContainEqual(
      expect.objectContaining({
        source: expect.stringMatching(/sisimai-lhost-googleworkspace-01\.eml#1$/),
        reason: 'rejected',
      }),
    );
  });

  it('reads a log folder: its OOB records classified again with the given rules', () => {
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const parsed = oobd(['parse', FIXTURES]);
    expect(parsed.status).toBe(0);
    writeFileSync(join(logs, '20250303-101500.000000'), parsed.stdout);
    const run = oobd(['rules', 'audit', logs, '--json']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as {
      replies: number;
      uncategorized: Array<{ count: number }>;
    };
    expect(report.replies).toBe(7);
    expect(report.uncategorized.map((group) => group.count)).toEqual([2, 1]);
  });

  it("counts a reply as uncategorized only when the record is: the parser's conclusion (oob_report.inferred) decides as in the pipeline", () => {
    // Google Groups' notice carries no reply a rule knows; the parser's conclusion
    // (a 5.x.x refusal by the group) labels the record, and the audit must agree.
    const file = join(ROOT, 'fixtures/heuristic/google/sisimai-lhost-googlegroups-01.eml');
    const parsed = oobd(['parse', file]);
    expect(parsed.status).toBe(0);
    const record = JSON.parse(parsed.stdout.split('\n')[0]!) as {
      bounce_classification: string;
      oob_report: { inferred?: unknown };
    };
    expect(record.oob_report.inferred).toBeDefined();
    expect(record.bounce_classification).not.toBe('Uncategorized');
    const logs = join(dir, 'logs-inferred');
    mkdirSync(logs);
    writeFileSync(join(logs, '20250303-101500.000000'), parsed.stdout);
    for (const path of [file, logs]) {
      const run = oobd(['rules', 'audit', path, '--json']);
      expect(run.status).toBe(0);
      const report = JSON.parse(run.stdout) as { replies: number; uncategorized: unknown[] };
      expect({ path, replies: report.replies }).toEqual({ path, replies: 1 });
      expect({ path, uncategorized: report.uncategorized }).toEqual({ path, uncategorized: [] });
    }
  });

  it('exits 1 and names a path it cannot read, after auditing the others', () => {
    // A file that exists and cannot be read, as root too: a process's memory from address 0.
    const unreadable = '/proc/self/mem';
    const run = oobd(['rules', 'audit', FIXTURES, unreadable]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('7 replies classified');
    expect(run.stderr).toContain(`oobd rules audit: ${unreadable}:`);
  });

  it('exits 2 naming a path that does not exist, before auditing anything', () => {
    const missing = join(dir, 'missing');
    const run = oobd(['rules', 'audit', FIXTURES, missing]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`oobd rules audit: no such file or folder: ${missing}\n`);
  });

  it('fails with exit code 2 on an expectations file that is not JSON lines', () => {
    writeFileSync(join(dir, 'bad.jsonl'), '{"file": "x.eml", "label": "A"}\nnot json\n');
    const run = oobd(['rules', 'audit', FIXTURES, '--expected', join(dir, 'bad.jsonl')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${join(dir, 'bad.jsonl')}:2: not a JSON object`);
  });
});
