// The build's record of the shipped rules (config/rules-checked.ts): only rules with the
// same texts in the same order are known to compile.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { knownToCompile, rulesDigest, writeChecked } from '../../../src/config/rules-checked';
import { shippedRules } from '../../helpers/shipped-rules';
import { makeTempDir } from '../../helpers/tmp';

describe('rules known to compile', () => {
  const file = join(makeTempDir(), 'rules-checked.json');
  writeChecked(file);

  it('include the shipped rules once the build step has compiled them', () => {
    expect(knownToCompile(shippedRules(), file)).toBe(true);
  });

  it('leave out edited, reordered or missing rules, and everything without a record', () => {
    const shipped = shippedRules();
    const edited = shipped.map((source, i) =>
      i === 1 ? { ...source, text: `${source.text}\n# an edit\n` } : source,
    );
    expect(knownToCompile(edited, file)).toBe(false);
    expect(knownToCompile([...shipped].reverse(), file)).toBe(false);
    expect(knownToCompile(shipped.slice(1), file)).toBe(false);
    expect(knownToCompile(shipped, join(makeTempDir(), 'none.json'))).toBe(false);
  });

  it('tell rules apart by their texts, not by where they were read from', () => {
    const shipped = shippedRules();
    const renamed = shipped.map((source) => ({ ...source, file: `elsewhere/${source.file}` }));
    expect(rulesDigest(renamed)).toBe(rulesDigest(shipped));
    expect(
      rulesDigest([
        { file: 'a', text: 'ab' },
        { file: 'b', text: 'c' },
      ]),
    ).not.toBe(
      rulesDigest([
        { file: 'a', text: 'a' },
        { file: 'b', text: 'bc' },
      ]),
    );
  });

  afterAll(() => rmSync(file, { force: true }));
});
