// The shipped rules files (SHIPPED_RULES_FILES, as the bundled config loads them) and the
// table-driven check the phrase-family suites of test/unit/classify share: every reply of
// a family gets its label from those rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileClassifier,
  type CompiledClassifier,
  type RulesSource,
} from '../../src/classify/index';
import { SHIPPED_RULES_FILES } from '../../src/config/server';

const ROOT = join(__dirname, '../..');

/** The shipped rules files, read from the repository, in load order. */
export function shippedRules(): RulesSource[] {
  return SHIPPED_RULES_FILES.map((file) => ({
    file,
    text: readFileSync(join(ROOT, file), 'utf8'),
  }));
}

/** One describe per family: each [reply, label] of it gets that label. */
export function describeFamilies(
  families: Record<string, Array<[string, string]>>,
  classifier: CompiledClassifier = compileClassifier(shippedRules()),
): void {
  describe.each(Object.entries(families))('%s', (_family, cases) => {
    it.each(cases)('%j → %s', (line, expected) => {
      expect(classifier.classifyLine(line).label).toBe(expected);
    });
  });
}

/** One describe of the nearest phrases: each [reply, label] of them does NOT get that label. */
export function describeNearest(
  cases: Array<[string, string]>,
  classifier: CompiledClassifier = compileClassifier(shippedRules()),
): void {
  describe('nearest phrases of other labels', () => {
    it.each(cases)('%j does not get %s', (line, label) => {
      expect(classifier.classifyLine(line).label).not.toBe(label);
    });
  });
}
