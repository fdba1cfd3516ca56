// The command line as an operator meets it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli } from '../helpers/process';
import { ROOT, makeTempDir } from '../helpers/service';

describe('oobd command line', () => {
  it('lists every subcommand of the design in --help', () => {
    const result = runCli(['--help']);
    expect(result.code).toBe(0);
    for (const name of [
      'serve',
      'worker',
      'parse',
      'classify',
      'rules',
      'replay',
      'logs',
      'quarantine',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    // A first-time user is pointed at a first command and at the reference documents.
    expect(result.stdout).toContain('oobd serve --config config/oobd.toml');
    expect(result.stdout).toContain('docs/records.md');
  });

  it('gives help for a subcommand, with --config', () => {
    const result = runCli(['serve', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--config <file>');
    expect(result.stdout).toContain('SIGHUP');
  });

  it('shows --config in the help of every subcommand, command groups included', () => {
    const commands = [
      ['serve'],
      ['worker'],
      ['parse'],
      ['classify'],
      ['rules'],
      ['rules', 'check'],
      ['replay'],
      ['logs'],
      ['quarantine'],
      ['quarantine', 'list'],
      ['quarantine', 'show'],
      ['quarantine', 'retry'],
    ];
    for (const command of commands) {
      const result = runCli([...command, '--help']);
      expect({ command, code: result.code }).toEqual({ command, code: 0 });
      expect({ command, config: result.stdout.includes('--config <file>') }).toEqual({
        command,
        config: true,
      });
    }
  });

  it('exits non-zero with a usage message for an unknown subcommand', () => {
    const result = runCli(['frobnicate']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it('runs as the installed command, bin/oobd, with its Node flags', () => {
    // The shebang is `env -S "NODE_OPTIONS=..." node --v8-pool-size=0`: the command must start through it.
    const result = spawnSync(
      join(ROOT, 'bin/oobd'),
      ['parse', join(ROOT, 'fixtures/rfc3464/kumomta-1.eml')],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.split('\n')[0] ?? '')).toMatchObject({ type: 'OOB' });
  });

  it.each([
    ['parse', ['parse', join(ROOT, 'fixtures/rfc3464/kumomta-1.eml')], false],
    ['classify', ['classify', '550 5.1.1 user unknown'], false],
    ['parse --config', ['parse', '--config', 'config/oobd.toml', 'fixtures'], true],
  ])('loads the config schema (zod) for %s only when a config is named', (_, args, loads) => {
    // Loading zod and building the schema is a quarter of a one-message parse's start.
    const script =
      `require(${JSON.stringify(CLI)}).main(['node', 'oobd', ...${JSON.stringify(args)}])` +
      `.then(() => process.stderr.write(String(Object.keys(require.cache).some((f) => f.includes('/node_modules/zod/')))))`;
    const result = spawnSync(process.execPath, ['-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, OOBD_CONFIG: '' },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(result.status).toBe(0);
    // The last line: before it, `oobd parse fixtures` names the LICENSE files it read.
    expect(result.stderr.split('\n').pop()).toBe(String(loads));
  });

  it.each([
    ['rules audit', ['rules', 'audit', 'fixtures']],
    [
      'classify with replies as arguments',
      ['classify', ...Array<string>(3000).fill('550 5.1.1 x')],
    ],
    ['classify with replies on standard input', ['classify']],
  ])('ends %s quietly with exit code 0 when the reader of its output goes away', (_, args) => {
    // `oobd … | head -c 1`, through a real pipe: pipefail gives oobd's own exit code.
    const replies = join(makeTempDir(), 'replies.txt');
    writeFileSync(replies, '550 5.1.1 user unknown\n'.repeat(100_000));
    const quoted = args.map((a) => `'${a}'`).join(' ');
    const result = spawnSync(
      'bash',
      [
        '-c',
        `set -o pipefail; '${process.execPath}' '${CLI}' ${quoted} < '${replies}' | head -c 1`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toHaveLength(1);
    expect(result.status).toBe(0);
  });

  /** A copy of bin/oobd in a folder of its own, with what the test gives it beside. */
  function binIn(folder: string): string {
    mkdirSync(join(folder, 'bin'));
    copyFileSync(join(ROOT, 'bin/oobd'), join(folder, 'bin/oobd'));
    copyFileSync(join(ROOT, 'package.json'), join(folder, 'package.json'));
    return join(folder, 'bin/oobd');
  }

  it('tells a checkout that is not built yet to run npm run build, without a stack trace', () => {
    const folder = makeTempDir();
    const result = spawnSync(binIn(folder), ['parse', '-'], { cwd: folder, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `oobd: not built: ${join(folder, 'dist/cli/main.js')} is missing; in a checkout, ` +
        `run \`npm run build\` in ${folder} first (npm start and npm test run it)\n`,
    );
  });

  it('says how to build re2 when its install script never ran, without a stack trace', () => {
    // What `npm install --ignore-scripts` (or npm 12 without --allow-scripts=re2) leaves:
    // re2's package without build/Release/re2.node, every other package in place.
    const folder = makeTempDir();
    const bin = binIn(folder);
    cpSync(join(ROOT, 'dist'), join(folder, 'dist'), { recursive: true });
    mkdirSync(join(folder, 'node_modules/re2'), { recursive: true });
    for (const name of readdirSync(join(ROOT, 'node_modules'))) {
      if (name !== 're2')
        symlinkSync(join(ROOT, 'node_modules', name), join(folder, 'node_modules', name));
    }
    for (const file of ['package.json', 're2.js']) {
      copyFileSync(join(ROOT, 'node_modules/re2', file), join(folder, 'node_modules/re2', file));
    }
    const result = spawnSync(bin, ['classify', '550 5.1.1 user unknown'], {
      cwd: folder,
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^oobd: cannot load re2's native module \(.*re2\.node.*\)\n/);
    expect(result.stderr).toContain(`cd '${folder}' && npm rebuild re2`);
    expect(result.stderr).toContain('--allow-scripts=re2');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('says what classify waits for when it reads replies from a terminal, and nothing when piped', () => {
    // script(1) (util-linux) runs the command on a real pseudo-terminal fed from a file.
    const replies = join(makeTempDir(), 'replies.txt');
    writeFileSync(replies, '550 5.1.1 user unknown\n');
    const command = `'${process.execPath}' '${CLI}' classify`;
    const onTerminal = spawnSync(
      'bash',
      ['-c', `script -qec "${command}" /dev/null < '${replies}'`],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(onTerminal.status).toBe(0);
    expect(onTerminal.stdout).toContain(
      'reading replies from the terminal, one per line (Ctrl-D ends)',
    );
    expect(onTerminal.stdout).toMatch(/^InvalidRecipient {2}550 5\.1\.1 user unknown/m);
    const piped = spawnSync('bash', ['-c', `${command} < '${replies}'`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toMatch(/^InvalidRecipient {2}550 5\.1\.1 user unknown/);
  });

  it('shows numeric defaults as numbers, not quoted strings, in every subcommand help', () => {
    for (const args of [['rules', 'audit'], ['replay'], ['parse'], ['serve'], ['worker']]) {
      const help = runCli([...args, '--help']).stdout;
      expect(help).not.toMatch(/\(default: "\d+"\)/);
    }
    expect(runCli(['rules', 'audit', '--help']).stdout).toMatch(/\(default: 50\)/);
  });

  it('has no subcommand left that is not built', () => {
    expect(runCli(['--help']).stdout).not.toContain('not built');
  });
});
