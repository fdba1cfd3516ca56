// The rules files the package ships, read as the bundled config reads them, for tests
// that classify with the shipped rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RulesSource } from '../../src/classify/index';
import { SHIPPED_RULES_FILES } from '../../src/config/server';

const ROOT = join(__dirname, '../..');

/** Every shipped rules file (and the context table), in load order. */
export function shippedRules(): RulesSource[] {
  return SHIPPED_RULES_FILES.map((file) => ({
    file,
    text: readFileSync(join(ROOT, file), 'utf8'),
  }));
}
