import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the system temp dir. */
export function makeTempDir(prefix = 'oobd-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
