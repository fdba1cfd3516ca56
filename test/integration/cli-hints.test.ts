// What a new user meets when something is wrong: serve refusing bad rules files with
// every problem and the `oobd rules check` command to run, commands suggested with the
// --config they were given (quoted, so they work from any folder through a shell),
// --config before or after a subcommand, sizes in IEC units, classify context values no
// row can match, and the benches without their corpus or message set. Real processes only.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli, startServe } from '../helpers/process';
import { makeTempDir, ROOT, writeTestConfig } from '../helpers/service';
import { SmtpClient } from '../helpers/smtp-client';

/** A folder whose name has a space, as "My Documents" has. */
function spacedDir(): string {
  const dir = join(makeTempDir(), 'oobd conf');
  mkdirSync(dir);
  return dir;
}

/** Runs a command line oobd suggested through a shell, `oobd` being the built CLI. */
function runSuggested(command: string, cwd: string): { code: number | null; stdout: string } {
  expect(command).toMatch(/^oobd /);
  const line = command.replace(/^oobd /, `'${process.execPath}' '${CLI}' `);
  const result = spawnSync('sh', ['-c', line], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout };
}

/** The command after "run: " at the end of an error message. */
function suggestedCommand(text: string): string {
  const m = /run: (oobd [^\n]*)\n?$/.exec(text);
  expect(m).not.toBeNull();
  return m![1]!;
}

/** A rules file with a label whose value is not a list, and two patterns RE2 refuses. */
const THREE_PROBLEMS =
  '[rules]\n' +
  'QuotaIssues = "over quota"\n' +
  'InvalidRecipient = ["(?<=user) unknown", "no (mailbox)\\\\1 here"]\n';

/** The same two bad patterns, in two labels, and nothing else wrong. */
const TWO_PATTERNS =
  '[rules]\n' +
  'InvalidRecipient = ["(?<=user) unknown", "(?i)no such user"]\n' +
  'BadDomain = ["(?i)unknown domain", "no (domain)\\\\1 here"]\n';

describe('oobd serve with a bad rules file', () => {
  it('refuses to start naming every problem, with file and rule, and the `oobd rules check --config` command that lists them again', () => {
    const dir = spacedDir();
    const rules = join(dir, 'mine.toml');
    writeFileSync(rules, THREE_PROBLEMS);
    writeTestConfig(dir, { config: { classifier: { files: [rules] } } });
    const config = join(dir, 'oobd.toml');
    const serve = runCli(['serve', '--config', config], { cwd: makeTempDir() });
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain('oobd: OOBD_RULE_INVALID: 3 problems in the rules files:\n');
    expect(serve.stderr).toContain(
      `  ${rules}: "QuotaIssues": must be a list of regular expressions\n`,
    );
    expect(serve.stderr).toContain(
      `  ${rules}: "InvalidRecipient"[0] "(?<=user) unknown": RE2 cannot compile it`,
    );
    expect(serve.stderr).toContain(
      `  ${rules}: "InvalidRecipient"[1] "no (mailbox)\\\\1 here": RE2 cannot compile it`,
    );
    const command = suggestedCommand(serve.stderr);
    expect(command).toBe(`oobd rules check --config '${config}'`);

    // The command, run as written from another folder, lists the same three.
    const check = runSuggested(command, makeTempDir());
    expect(check.code).toBe(2);
    expect(check.stdout.split('\n').filter((l) => l.startsWith('error: '))).toHaveLength(3);
    expect(check.stdout).toContain('3 errors');
  });

  it('names both bad patterns when nothing else is wrong, whatever labels they are in', () => {
    const dir = spacedDir();
    const rules = join(dir, 'mine.toml');
    writeFileSync(rules, TWO_PATTERNS);
    writeTestConfig(dir, { config: { classifier: { files: [rules] } } });
    const serve = runCli(['serve', '--config', join(dir, 'oobd.toml')]);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain('2 problems in the rules files:\n');
    expect(serve.stderr).toContain(`${rules}: "InvalidRecipient"[0] "(?<=user) unknown"`);
    expect(serve.stderr).toContain(`${rules}: "BadDomain"[1] "no (domain)\\\\1 here"`);
  });

  it('lists the first 20 problems and counts the rest', () => {
    const dir = makeTempDir();
    const rules = join(dir, 'many.toml');
    const patterns = Array.from({ length: 25 }, (_, i) => `"(?<=x${i}) y"`);
    writeFileSync(rules, `[rules]\nInvalidRecipient = [${patterns.join(', ')}]\n`);
    writeTestConfig(dir, { config: { classifier: { files: [rules] } } });
    const serve = runCli(['serve', '--config', join(dir, 'oobd.toml')]);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain('25 problems in the rules files:\n');
    expect(serve.stderr).toContain('"InvalidRecipient"[19] "(?<=x19) y"');
    expect(serve.stderr).not.toContain('"InvalidRecipient"[20]');
    expect(serve.stderr).toContain('\n  and 5 more\nrun: oobd rules check --config ');
  });

  it('names the bad files in the `oobd rules check` it suggests when serve was given no --config', () => {
    const cwd = makeTempDir();
    mkdirSync(join(cwd, 'config'));
    const rules = join(cwd, 'config', 'mine.toml');
    writeFileSync(rules, TWO_PATTERNS);
    writeTestConfig(join(cwd, 'config'), { config: { classifier: { files: [rules] } } });
    // ./config/oobd.toml is found by itself.
    const serve = runCli(['serve'], { cwd, env: { OOBD_CONFIG: undefined } });
    expect(serve.code).toBe(2);
    const command = suggestedCommand(serve.stderr);
    expect(command).toBe(`oobd rules check ${rules}`);
    const check = runSuggested(command, makeTempDir());
    expect(check.code).toBe(2);
    expect(check.stdout).toContain('2 errors');
  });

  it('logs every problem of a rules file made bad before a SIGHUP, with the command to list them, and keeps the last good rules', async () => {
    const dir = spacedDir();
    const rules = join(dir, 'mine.toml');
    writeFileSync(rules, '[rules]\nInvalidRecipient = ["(?i)no such user"]\n');
    writeTestConfig(dir, { config: { classifier: { files: [rules] } } });
    const config = join(dir, 'oobd.toml');
    const serve = await startServe(['--config', config]);
    try {
      writeFileSync(rules, THREE_PROBLEMS);
      serve.child.kill('SIGHUP');
      const failure = await serve.waitForLog(
        (l) => l.msg === 'rules reload failed; keeping the last good rules',
      );
      expect(failure.code).toBe('OOBD_RULE_INVALID');
      expect(failure.problems).toBe(3);
      const err = String(failure.err);
      expect(err).toContain(`${rules}: "QuotaIssues": must be a list`);
      expect(err).toContain(`${rules}: "InvalidRecipient"[0]`);
      expect(err).toContain(`${rules}: "InvalidRecipient"[1]`);
      expect(suggestedCommand(err)).toBe(`oobd rules check --config '${config}'`);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});

describe('--config before or after the subcommand', () => {
  it('is taken by every command group with subcommands, and `oobd quarantine show` suggests the list command with it', () => {
    const dir = spacedDir();
    writeTestConfig(dir);
    mkdirSync(join(dir, 'logs'));
    const config = join(dir, 'oobd.toml');
    const elsewhere = makeTempDir();
    for (const [group, sub] of [
      ['hooks', 'status'],
      ['quarantine', 'list'],
      ['rules', 'check'],
    ] as const) {
      const before = runCli([group, '--config', config, sub], { cwd: elsewhere });
      const after = runCli([group, sub, '--config', config], { cwd: elsewhere });
      expect(before.stderr).toBe('');
      expect(before.code).toBe(0);
      expect(after).toEqual(before);
    }
    for (const args of [
      ['quarantine', '--config', config, 'show', 'nosuchkey'],
      ['quarantine', 'show', 'nosuchkey', '--config', config],
    ]) {
      const show = runCli(args, { cwd: elsewhere });
      expect(show.code).toBe(2);
      const m = /\((oobd quarantine list[^)]*) shows them\)/.exec(show.stderr);
      expect(m?.[1]).toBe(`oobd quarantine list --config '${config}'`);
      const list = runSuggested(m![1]!, makeTempDir());
      expect(list.code).toBe(0);
      expect(list.stdout).toContain(': empty');
    }
  });
});

describe('sizes in IEC units', () => {
  it('serve takes max_message_size = "1KiB" as 1024 bytes and advertises it', async () => {
    const dir = makeTempDir();
    writeTestConfig(dir, { config: { smtp: { max_message_size: '1KiB' } } });
    const serve = await startServe(['--config', join(dir, 'oobd.toml')]);
    try {
      const { client } = await SmtpClient.open(serve.port);
      const ehlo = await client.cmd('EHLO sender.test');
      expect(ehlo.lines).toContain('SIZE 1024');
      await client.quit();
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('serve refuses a size in another unit, listing the units it takes', () => {
    const dir = makeTempDir();
    writeTestConfig(dir);
    const config = join(dir, 'oobd.toml');
    const text = readFileSync(config, 'utf8');
    expect(text).toContain('[smtp]\n');
    writeFileSync(config, text.replace('[smtp]\n', '[smtp]\nmax_message_size = "10 megs"\n'));
    const serve = runCli(['serve', '--config', join(dir, 'oobd.toml')]);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain('OOBD_CONFIG_INVALID');
    expect(serve.stderr).toContain('smtp.max_message_size');
    expect(serve.stderr).toContain('MB/MiB');
    expect(serve.stderr).toContain('got "10 megs"');
  });
});

describe('oobd classify with a context value no row can match', () => {
  it('refuses an --action that is not a DSN Action, naming the five actions', () => {
    const result = runCli(['classify', '--action', 'bounced', '550 5.1.1 no such user']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--action: "bounced" is not a DSN Action');
    expect(result.stderr).toContain('failed, delayed, delivered, relayed, expanded');
    expect(result.stdout).toBe('');
  });

  it('refuses a --status that is not class.subject.detail, with an example', () => {
    const result = runCli(['classify', '--status', '5.1', '550 no such user']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--status: "5.1" is not a DSN Status');
    expect(result.stderr).toContain('5.1.1');
  });

  it('takes an action in any case and a three-part status', () => {
    const result = runCli([
      'classify',
      '--json',
      '--action',
      'Delayed',
      '--status',
      '4.4.7',
      '451 try again later',
    ]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { action: string; status: string };
    expect(out.action).toBe('Delayed');
    expect(out.status).toBe('4.4.7');
  });
});

describe('npm run bench:accuracy without the corpus', () => {
  it('says which folder it looked in and that OOBD_CORPUS names another, without a stack trace', () => {
    const missing = join(makeTempDir(), 'no corpus here');
    const result = spawnSync(process.execPath, [join(ROOT, 'bench/accuracy.js')], {
      env: { ...process.env, OOBD_CORPUS: missing },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`no corpus at ${missing}`);
    expect(result.stderr).toContain('maildir/bsd/ and expected.jsonl');
    expect(result.stderr).toContain('set OOBD_CORPUS');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});

describe('the benches that read the corpus or a message set', () => {
  const bench = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(ROOT, 'bench', script), ...args], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('bench/address-transplant.js reads the corpus $OOBD_CORPUS names, and says where it looked when it is not there', () => {
    const corpus = makeTempDir();
    mkdirSync(join(corpus, 'maildir/bsd'), { recursive: true });
    copyFileSync(
      join(ROOT, 'fixtures/rfc3464/kumomta-1.eml'),
      join(corpus, 'maildir/bsd/onefamily-01.eml'),
    );
    writeFileSync(
      join(corpus, 'expected.jsonl'),
      `${JSON.stringify({ file: 'maildir/bsd/onefamily-01.eml', index: 1, recipient: 'louisl@larry.slip.umd.edu', reason: 'userunknown' })}\n`,
    );
    const found = bench('address-transplant.js', ['--only', 'onefamily'], { OOBD_CORPUS: corpus });
    expect(found.status).toBe(0);
    expect(found.stdout).toMatch(/\(1 messages;/);

    const missing = join(makeTempDir(), 'no corpus here');
    const result = bench('address-transplant.js', [], { OOBD_CORPUS: missing });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `bench/address-transplant.js: no corpus at ${missing} ($OOBD_CORPUS); it wants maildir/bsd/ and expected.jsonl there; set OOBD_CORPUS to the folder of Sisimai's set-of-emails that holds them\n`,
    );
    expect(result.stdout).toBe('');
  });

  it('bench/blind-messages.js names the folder without an expected.jsonl it was given', () => {
    const missing = join(makeTempDir(), 'no set here');
    const result = bench('blind-messages.js', [missing]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`no expected.jsonl in ${missing} (the folder given)`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
