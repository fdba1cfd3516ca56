// The command run from a folder that is not the checkout, with no config anywhere:
// what a user of the installed package meets first (DESIGN.md §3).
import { PACKAGE_RULES } from '../../src/config/paths';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runCliAsync, startServe } from '../helpers/process';
import { ROOT, makeTempDir } from '../helpers/service';

const NO_CONFIG = { OOBD_CONFIG: undefined };

describe('oobd from any directory', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeTempDir('oobd-cwd-');
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('parses a DSN with no config, classifying with the rules the package ships', () => {
    const result = runCli(['parse', join(ROOT, 'fixtures/rfc3464/kumomta-1.eml')], {
      cwd,
      env: NO_CONFIG,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.split('\n')[0]!)).toMatchObject({
      type: 'OOB',
      recipient: 'louisl@larry.slip.umd.edu',
    });
  });

  it('classifies a reply with no config, naming the shipped rules file that matched', () => {
    const result = runCli(['classify', '550 5.1.1 user unknown'], { cwd, env: NO_CONFIG });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^InvalidRecipient {2}550 5\.1\.1 user unknown\n/);
    expect(result.stdout).toContain(`rule: ${join(ROOT, 'rules')}/`);
  });

  it('checks the shipped rules with no config', () => {
    const result = runCli(['rules', 'check'], { cwd, env: NO_CONFIG });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^4 files, \d+ labels, \d+ patterns, \d+ context rows: 0 errors/m,
    );
  });

  it('uses the config named by $OOBD_CONFIG for the rules, and --config before or after `rules check`', () => {
    const dir = join(cwd, 'etc');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'only.toml'), '[rules]\nMine = ["(?i)frobnicated"]\n');
    writeFileSync(join(dir, 'oobd.toml'), '[classifier]\nfiles = ["only.toml"]\n');
    const viaEnv = runCli(['classify', '550 frobnicated'], {
      cwd,
      env: { OOBD_CONFIG: join(dir, 'oobd.toml') },
    });
    expect(viaEnv.stdout).toMatch(/^Mine /);
    for (const args of [
      ['rules', '--config', 'etc/oobd.toml', 'check'],
      ['rules', 'check', '--config', 'etc/oobd.toml'],
    ]) {
      const result = runCli(args, { cwd, env: NO_CONFIG });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^1 file, 1 label, 1 pattern: 0 errors/m);
    }
  });

  it('says that a missing config file came from $OOBD_CONFIG, for a command with or without a config of its own', () => {
    const env = { OOBD_CONFIG: join(cwd, 'nowhere/oobd.toml') };
    for (const args of [['logs'], ['classify', '550 x'], ['serve']]) {
      const result = runCli(args, { cwd, env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${env.OOBD_CONFIG}: no such file (named by $OOBD_CONFIG)`);
    }
    // --config comes first: the variable is not looked at.
    const named = runCli(['classify', '--config', join(ROOT, 'config/oobd.toml'), '550 x'], {
      cwd,
      env,
    });
    expect(named.code).toBe(0);
  });

  it('names the config file and key of a rules file that is missing', () => {
    const dir = join(cwd, 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'oobd.toml'), '[classifier]\nfiles = ["../rules/none.toml"]\n');
    const config = join(dir, 'oobd.toml');
    const classify = runCli(['classify', '--config', config, '550 x'], { cwd });
    expect(classify.code).toBe(2);
    expect(classify.stderr).toContain(`${join(cwd, 'rules/none.toml')}: cannot read:`);
    expect(classify.stderr).toContain(`(classifier.files[0] in ${config})`);
    const check = runCli(['rules', 'check', '--config', config], { cwd });
    expect(check.code).toBe(2);
    expect(check.stdout).toContain(`(classifier.files[0] in ${config})`);
  });

  it('refuses to read records, suppressions, hooks or the quarantine from a folder with no log folder, naming the config key', () => {
    const dir = join(cwd, 'elsewhere');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'oobd.toml'),
      '[[hooks]]\nname = "app"\nurl = "http://127.0.0.1:8080/hook"\n',
    );
    const config = join(dir, 'oobd.toml');
    // logs.dir and queue.quarantine_dir are left out: "logs" and "quarantine" in the
    // working directory, which here holds neither (serve never ran in it).
    // The message says that a config leaving the key out means the working directory
    // (passing that config from elsewhere would not help), and how to name the folder
    // instead where the command takes one.
    for (const [args, usage] of [
      [['logs'], ', or name the folder: oobd logs DIR'],
      [['logs', '--summary'], ', or name the folder: oobd logs DIR'],
      [['suppressions'], ', or name the folder: oobd suppressions DIR'],
      [['hooks', 'status'], ''],
      [['hooks', 'replay', 'app'], ''],
    ] as const) {
      const result = runCli([...args, '--config', config], { cwd: dir });
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toContain(
        `log folder ${join(dir, 'logs')} does not exist (logs.dir of ${config}, or "logs" in the working directory when the config leaves logs.dir out); run from the folder oobd serve runs in, pass the config it uses with --config${usage}\n`,
      );
      expect(result.stdout).toBe('');
    }
    // The quarantine commands name the folder they read, the quarantine folder, and its
    // key; the missing log folder is why the command thinks serve never ran here.
    for (const args of [
      ['quarantine', 'list'],
      ['quarantine', 'retry', '--all'],
    ]) {
      const result = runCli([...args, '--config', config], { cwd: dir });
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toContain(
        `quarantine folder ${join(dir, 'quarantine')} does not exist (queue.quarantine_dir of ${config}), nor does the log folder ${join(dir, 'logs')} (logs.dir); run from the folder oobd serve runs in, pass the config it uses with --config, or name the folder with --dir`,
      );
      expect(result.stdout).toBe('');
    }
    // Once serve has made the log folder, a quarantine that was never needed is empty.
    mkdirSync(join(dir, 'logs'));
    const list = runCli(['quarantine', 'list', '--config', config], { cwd: dir });
    expect(list.code).toBe(0);
    const status = runCli(['hooks', 'status', '--config', config], { cwd: dir });
    expect(status.code).toBe(0);
  });

  it('does not send the user to the working directory for a log folder the config names itself', () => {
    const dir = join(cwd, 'named-logs');
    mkdirSync(dir, { recursive: true });
    const config = join(dir, 'oobd.toml');
    writeFileSync(config, '[logs]\ndir = "records"\n');
    const result = runCli(['logs', '--config', config], { cwd, env: NO_CONFIG });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `log folder ${join(dir, 'records')} does not exist (logs.dir of ${config}); run from the folder oobd serve runs in`,
    );
  });

  /** `oobd serve --config NAME/oobd.toml` from cwd, after writing `files` into cwd/NAME. */
  function serveWithFiles(name: string, files: Record<string, string>) {
    const dir = join(cwd, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return { dir, result: runCli(['serve', '--config', `${name}/oobd.toml`], { cwd }) };
  }

  it('refuses to serve when a file the config names is missing, naming the config and the key', () => {
    const { dir, result } = serveWithFiles('serve-missing', {
      'oobd.toml': '[domains]\nfiles = ["domains.toml"]\n[http]\nlisten = ""\n',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${join(dir, 'domains.toml')}: cannot read: ENOENT: no such file or directory, stat '${join(dir, 'domains.toml')}' (domains.files[0] in serve-missing/oobd.toml)`,
    );
  });

  it('refuses a bad domains file before it opens logs or starts a hook', () => {
    const { dir, result } = serveWithFiles('serve-bad-domain', {
      'oobd.toml':
        '[smtp]\nlisten = ["127.0.0.1:0"]\n[http]\nlisten = ""\n[logs]\ndir = "records"\n' +
        '[[hooks]]\nname = "app"\nurl = "http://127.0.0.1:8080/oobd"\n',
      'listener_domains.toml':
        '["relay.example.com"]\nlog_oob = "LogThenRelay"\nrouting_domain = "[127.0.0.1:2526]"\n',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `oobd: OOBD_CONFIG_INVALID: ${join(dir, 'listener_domains.toml')}: ["relay.example.com"].routing_domain = "[127.0.0.1:2526]": expected "[ip]", "[ip]:port", "host" or "host:port"\n`,
    );
    expect(existsSync(join(dir, 'records'))).toBe(false);
  });

  it("serves with paths relative to the config file's folder, not to the working directory", async () => {
    const dir = join(cwd, 'site', 'conf');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'domains.toml'), '["bounce.example.com"]\nlog_oob = "LogThenDrop"\n');
    writeFileSync(
      join(dir, 'oobd.toml'),
      [
        '[smtp]',
        'listen = ["127.0.0.1:0"]',
        '[domains]',
        'files = ["domains.toml"]',
        '[classifier]',
        'pool_size = 1',
        '[logs]',
        'dir = "../records"',
        '[http]',
        'listen = ""',
      ].join('\n'),
    );
    const serve = await startServe(['--config', join(dir, 'oobd.toml')], { cwd, env: NO_CONFIG });
    try {
      const serving = serve.logs.find((l) => l.msg === 'oobd serving')!;
      expect(serving.logs).toBe(join(cwd, 'site', 'records'));
      expect(serving.domains).toBe(1);
      expect(serving.rules).toEqual([...PACKAGE_RULES]);
      expect(existsSync(join(cwd, 'site', 'records'))).toBe(true);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('takes --config on every subcommand that reads a config, and shows it in --help', async () => {
    for (const args of [
      ['serve'],
      ['worker'],
      ['parse'],
      ['classify'],
      ['rules'],
      ['rules', 'check'],
      ['logs'],
    ]) {
      const result = await runCliAsync([...args, '--help'], { cwd });
      expect(`${args.join(' ')}: ${result.stdout}`).toMatch(/-c, --config <file>/);
    }
  });
});
