// String.prototype must keep V8's fast properties in every process that parses: with
// it in dictionary mode, optimised code reads each string method (`indexOf`,
// `charCodeAt`, `slice`) through the generic inline cache, and serve's parse cost
// about half as much again (issue 17, src/queue/redis.ts). Checked in a child process
// with V8's own test for it (`%HasFastProperties`, behind --allow-natives-syntax).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/service';

/** Whether String.prototype has fast properties after `requires` loaded in a fresh node. */
function fastAfterLoading(requires: string[]): boolean {
  const script =
    requires.map((path) => `require(${JSON.stringify(path)});`).join('') +
    'process.stdout.write(String(%HasFastProperties(String.prototype)));';
  const result = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`node failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as boolean;
}

describe('String.prototype in oobd processes', () => {
  it('is left in dictionary mode by loading ioredis alone, the reason for the repair', () => {
    expect(fastAfterLoading([require.resolve('ioredis')])).toBe(false);
  });

  it('has fast properties once the queue module that loads ioredis has loaded', () => {
    expect(fastAfterLoading([join(ROOT, 'dist/queue/redis.js')])).toBe(true);
  });

  it('has fast properties once everything serve and worker load has loaded', () => {
    expect(
      fastAfterLoading([join(ROOT, 'dist/lifecycle.js'), join(ROOT, 'dist/cli/main.js')]),
    ).toBe(true);
  });
});
