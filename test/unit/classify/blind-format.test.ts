// bench/blind.js's line format as a scorer of hand-written sets reads it: a reason is a
// Sisimai reason or `kumo:<KumoMTA label>`, so a class no Sisimai reason has (such as
// TooManyRecipients, RFC 3463 X.5.3) can be scored. Runs the script as `node
// bench/blind.js <file>` over a set written here (the compiled CLI: npm test builds
// dist/ first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const BLIND = join(ROOT, 'bench/blind.js');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oobd-blind-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function blind(lines: string[]): { status: number | null; stdout: string; stderr: string } {
  const file = join(dir, `set-${Math.random().toString(36).slice(2)}.tsv`);
  writeFileSync(file, ['# a set written for this test', ...lines].join('\n') + '\n');
  const env = { ...process.env };
  delete env.OOBD_CONFIG;
  const run = spawnSync(process.execPath, [BLIND, '--misses', file], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('bench/blind.js reasons', () => {
  it('scores a kumo: reason by the KumoMTA label it names', () => {
    const run = blind([
      'kumo:TooManyRecipients\t452 4.5.3 Too many recipients for one transaction',
      'kumo:QuotaIssues\t552 5.2.2 Mailbox is over its storage limit',
      'userunknown\t550 5.1.1 No such mailbox here\twhy: a Sisimai reason beside them',
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^kumo:TooManyRecipients\s+1\/1/m);
    expect(run.stdout).toMatch(/^kumo:QuotaIssues\s+1\/1/m);
    expect(run.stdout).toContain('right labels: 3/3 (100.0%)');
  });

  it('counts a kumo: reason wrong when the reply gets another label', () => {
    const run = blind(['kumo:TooManyRecipients\t550 5.1.1 No such mailbox here']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('right labels: 0/1 (0.0%)');
    expect(run.stdout).toContain('kumo:TooManyRecipients\tInvalidRecipient\t');
  });

  it('takes a kumo: label and a Sisimai reason named together, either one right', () => {
    const run = blind(['exceedlimit|kumo:TooManyRecipients\t452 4.5.3 Too many recipients']);
    expect(run.stdout).toContain('right labels: 1/1 (100.0%)');
  });

  it('refuses a kumo: label KumoMTA does not predefine, naming the line', () => {
    const run = blind(['kumo:TooManyRecipient\t452 4.5.3 Too many recipients']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(
      'bad line "kumo:TooManyRecipient\\t452 4.5.3 Too many recipients"',
    );
  });
});
