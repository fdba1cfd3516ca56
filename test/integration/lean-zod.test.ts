// config/lean-zod.ts in a plain Node process (jest's module registry does not use
// require.cache): zod loads without its locales, and they are all there once asked for.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/service';

function inNode(script: string): unknown {
  const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as unknown;
}

describe('zod loaded after config/lean-zod', () => {
  const lean = JSON.stringify(join(ROOT, 'dist/config/lean-zod.js'));
  const loadedLocales = `Object.keys(require.cache).filter((f) => /zod\\/v4\\/locales\\/(?!(?:en|index)\\.cjs)[^/]+\\.cjs$/.test(f)).length`;

  it('loads no locale but English until one is asked for, then has every locale zod has', () => {
    const plain = inNode(
      `const { z } = require('zod'); console.log(JSON.stringify({ keys: Object.keys(z.locales).sort(), loaded: ${loadedLocales} }));`,
    ) as { keys: string[]; loaded: number };
    const leaned = inNode(
      `require(${lean}); const { z } = require('zod'); const before = ${loadedLocales};` +
        ` const fr = typeof z.locales.fr; const keys = Object.keys(z.locales).sort();` +
        ` console.log(JSON.stringify({ before, fr, keys }));`,
    ) as { before: number; fr: string; keys: string[] };
    expect(plain.loaded).toBeGreaterThan(10);
    expect(leaned.before).toBe(0);
    expect(leaned.fr).toBe('function');
    expect(leaned.keys).toEqual(plain.keys);
  });

  it('leaves the config errors as they were: the same message for a bad value and an unknown key', () => {
    const errorOf = (first: string) =>
      inNode(
        `${first} const { validate } = require(${JSON.stringify(join(ROOT, 'dist/config/load.js'))});` +
          ` const { z } = require('zod');` +
          ` try { validate('x.toml', z.strictObject({ a: z.number() }), { a: 'one', b: 2 }); console.log('null') }` +
          ` catch (err) { console.log(JSON.stringify({ code: err.code, message: err.message })) }`,
      ) as { code: string; message: string };
    const leaned = errorOf(`require(${lean});`);
    expect(leaned).toEqual(errorOf(''));
    expect(leaned.code).toBe('OOBD_CONFIG_INVALID');
    expect(leaned.message).toContain('x.toml');
  });
});
