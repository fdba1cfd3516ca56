// The web view's suppression list, kept up to date instead of rebuilt per download:
// segments only grow, so after the first build only the lines written since are read
// and added to the same SuppressionList (log/suppressions.ts, whose rules do not depend
// on the order records come in). A segment that shrank or disappeared (removed by hand
// or by retention) makes the next download rebuild the list from the folder, so the
// list is always the one `oobd suppressions` prints for the folder as it is.
import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { LogRecord } from '../log/record';
import { leadingType, listSegments, readSegmentLines } from '../log/reader';
import {
  SUPPRESSION_TYPES,
  SuppressionList,
  type Suppression,
  type SuppressionRules,
} from '../log/suppressions';

/** Bytes read per event-loop turn (the SMTP edge shares the loop). */
const CHUNK = 128 * 1024;

export class SuppressionCache {
  private list: SuppressionList;
  /** Segment name → bytes of complete lines added so far. */
  private offsets = new Map<string, number>();
  private updating: Promise<Suppression[]> | null = null;
  /** The rows of the last pass, while no record that can change them was added. */
  private last: Suppression[] | null = null;

  constructor(
    private readonly dir: string,
    private readonly rules: SuppressionRules,
  ) {
    this.list = new SuppressionList(rules);
  }

  /** The list for the folder as it is now; concurrent calls share one pass. */
  rows(): Promise<Suppression[]> {
    this.updating ??= this.update().finally(() => {
      this.updating = null;
    });
    return this.updating;
  }

  private async update(): Promise<Suppression[]> {
    const paths = await listSegments(this.dir);
    const sizes = new Map<string, number>();
    for (const path of paths) {
      const size = await fs.stat(path).then(
        (s) => s.size,
        () => -1,
      );
      if (size >= 0) sizes.set(basename(path), size);
    }
    for (const [name, offset] of this.offsets) {
      if ((sizes.get(name) ?? -1) < offset) {
        this.list = new SuppressionList(this.rules);
        this.offsets = new Map();
        this.last = null;
        break;
      }
    }
    for (const path of paths) {
      const name = basename(path);
      const size = sizes.get(name);
      if (size === undefined) continue;
      let offset = this.offsets.get(name) ?? 0;
      while (offset < size) {
        let chunk;
        try {
          chunk = await readSegmentLines(path, offset, CHUNK);
        } catch {
          break;
        }
        if (chunk.lines.length === 0) break;
        for (const line of chunk.lines) {
          const type = leadingType(line.text);
          if (type === null || SUPPRESSION_TYPES.has(type)) {
            try {
              this.list.add(JSON.parse(line.text) as LogRecord);
              this.last = null;
            } catch {
              // Not JSON (a damaged line): `oobd suppressions` passes over it too.
            }
          }
          offset = line.end;
        }
        this.offsets.set(name, offset);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    this.last ??= this.list.rows();
    return this.last;
  }
}
