// The package as a user installs it: `npm pack`, then `npm install -g` of the tarball
// into a throwaway prefix, then `oobd` run from a folder with no config anywhere.
//
// How it stays fast and needs no network beyond the npm registry:
// * The pack runs in a copy of the checkout without dist/ (node_modules linked in),
//   so its prepack really builds dist/, and this checkout's dist/, which other tests
//   are running, is never rewritten.
// * `--prefer-offline` takes package tarballs and registry metadata from npm's cache
//   (where `npm ci` put the tarballs) and asks the npm registry only for what is
//   missing. npm resolves the dependency ranges of package.json as it would for any
//   user (a tarball's npm-shrinkwrap.json would not pin them: npm ignores it there).
// * `--ignore-scripts` keeps re2 from compiling for minutes: the installed re2 is
//   replaced by this checkout's, compiled for the Node running the tests, without its
//   C++ sources and objects. Every other package is what npm installed.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, makeTempDir } from '../helpers/service';

const run = promisify(execFile);

/** What the checkout has that a pack must not see: built or installed or local state. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'logs', 'quarantine', 'coverage']);

const npmEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  // The Node running the tests runs npm's scripts and the installed command.
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
});

describe('the npm package', () => {
  let work: string;
  let tarball: string;
  let files: string[];
  let prefix: string;

  beforeAll(async () => {
    work = makeTempDir('oobd-pack-');
    const stage = join(work, 'stage');
    mkdirSync(stage);
    for (const name of readdirSync(ROOT)) {
      if (NOT_COPIED.has(name) || name.endsWith('.tgz')) continue;
      cpSync(join(ROOT, name), join(stage, name), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'));
    const out = join(work, 'out');
    mkdirSync(out);
    await run('npm', ['pack', '--pack-destination', out], {
      cwd: stage,
      env: npmEnv(),
      timeout: 240_000,
    });
    expect(existsSync(join(stage, 'dist/cli/main.js'))).toBe(true); // built by prepack
    const packed = readdirSync(out).filter((f) => f.endsWith('.tgz'));
    expect(packed).toHaveLength(1);
    tarball = join(out, packed[0]!);
    const listing = await run('tar', ['tzf', tarball]);
    files = listing.stdout
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));

    prefix = join(work, 'prefix');
    await run(
      'npm',
      ['install', '--global', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', tarball],
      {
        cwd: work,
        env: npmEnv(),
        timeout: 240_000,
      },
    );
    const installed = join(prefix, 'lib/node_modules/oobd/node_modules/re2');
    expect(existsSync(join(installed, 'package.json'))).toBe(true);
    rmSync(installed, { recursive: true });
    const re2 = join(ROOT, 'node_modules/re2');
    cpSync(re2, installed, {
      recursive: true,
      filter: (src) =>
        !/^(vendor|build\/Release\/(obj\.target|\.deps))(\/|$)/.test(relative(re2, src)),
    });
  }, 480_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('builds dist/ on pack and ships what the command needs at run time, and no sources, tests or fixtures', () => {
    for (const file of [
      'bin/oobd',
      'dist/cli/main.js',
      'dist/pipeline/pool-worker.js',
      'config/oobd.toml',
      'config/listener_domains.toml',
      'rules/providers.toml',
      'rules/phrases.toml',
      'rules/iana.toml',
      'rules/context.toml',
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'docs/records.md',
      'web/app.js',
      'web/app.css',
      'package.json',
    ]) {
      expect(files).toContain(file);
    }
    expect(
      files.filter(
        (f) =>
          /^(src|test|fixtures|bench|\.ci)\//.test(f) ||
          f === 'package-lock.json' ||
          f === 'npm-shrinkwrap.json',
      ),
    ).toEqual([]);
  });

  it('installs globally with no development package, and runs from a folder with no config', async () => {
    const modules = readdirSync(join(prefix, 'lib/node_modules/oobd/node_modules'));
    for (const dev of ['typescript', 'jest', 'eslint', '@swc']) expect(modules).not.toContain(dev);

    const cwd = join(work, 'elsewhere');
    mkdirSync(cwd);
    const env: NodeJS.ProcessEnv = {
      ...npmEnv(),
      PATH: `${join(prefix, 'bin')}${delimiter}${npmEnv().PATH}`,
    };
    delete env.OOBD_CONFIG;
    // Through PATH, as a user types it: the bin link npm made, and its shebang.
    const oobd = (...args: string[]) => run('oobd', args, { cwd, env, timeout: 60_000 });

    const parsed = await oobd('parse', join(ROOT, 'fixtures/rfc3464/kumomta-1.eml'));
    expect(parsed.stderr).toBe('');
    expect(JSON.parse(parsed.stdout.split('\n')[0]!)).toMatchObject({
      type: 'OOB',
      recipient: 'louisl@larry.slip.umd.edu',
      response: { code: 426 },
    });

    const classified = await oobd('classify', '550 5.1.1 user unknown');
    expect(classified.stdout).toMatch(/^InvalidRecipient {2}550 5\.1\.1 user unknown\n/);
    expect(classified.stdout).toContain(join(prefix, 'lib/node_modules/oobd/rules/'));

    const help = await oobd('serve', '--help');
    expect(help.stdout).toContain('Usage: oobd serve');
    expect(help.stdout).toContain('--config <file>');
  });
});
