// The queue tests on a machine without redis-server: one clear failure, early, naming
// what to install, instead of a spawn error and a TypeError in every teardown.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, makeTempDir } from '../helpers/service';

describe('the redis-server test helper', () => {
  it('fails once, early, with "redis-server not found: install it" when it is not on PATH', () => {
    const emptyPath = makeTempDir('oobd-nopath-');
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/jest/bin/jest.js'),
        '--runInBand',
        '--ci',
        join(ROOT, 'test/integration/queue-metrics.test.ts'),
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: emptyPath }, timeout: 120_000 },
    );
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status).not.toBe(0);
    expect(output).toContain('redis-server not found: install it');
    expect(output).not.toContain('ENOENT');
    expect(output).not.toContain('TypeError');
    // One failure for the file, before any test or server starts.
    expect(output.match(/Test suite failed to run/g)).toHaveLength(1);
    expect(output).toMatch(/^Tests: +0 total$/m);
  }, 150_000);
});
