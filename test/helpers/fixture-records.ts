// Fixture → records, the way `oobd parse` makes them, with a fixed context (ids,
// clock, node, session, report address, peer) so snapshots do not drift. The
// classifier is built from the shipped rules files when they exist.
import fs from 'node:fs';
import path from 'node:path';
import { compileClassifier, type Classifier, type RulesSource } from '../../src/classify/index';
import { SHIPPED_RULES_FILES } from '../../src/config/server';
import type { LogRecord } from '../../src/log/record';
import {
  replyContext,
  reportRecords,
  type RecordSelection,
  type ReportContext,
} from '../../src/pipeline/records';
import { parseMessage } from '../../src/report/index';
import type { ParseResult } from '../../src/report/types';

export const ROOT = path.join(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'fixtures');

/** The context every fixture's records are made with. */
export const FIXTURE_CONTEXT: ReportContext = Object.freeze({
  id: '0'.repeat(32),
  created: new Date('2024-11-07T17:20:00.000Z'),
  nodeid: '557f3ad4-2c8c-11ee-976e-782d7e12e173',
  session_id: '9bcd689e-23d9-41b7-a015-63a1382f8b57',
  reportAddress: 'bounce@bounce.example.com',
  queue: 'bounce.example.com',
  peerAddr: '192.0.2.1',
  now: new Date('2024-11-07T17:20:01.000Z'),
});

export const FIXTURE_SELECTION: RecordSelection = Object.freeze({ oob: true, arf: true });

const RULES_FILES = SHIPPED_RULES_FILES;

let classifier: Classifier | null = null;

/** The shipped rules (those of the files that exist), compiled once per test file. */
export function fixtureClassifier(): Classifier {
  if (classifier === null) {
    const sources: RulesSource[] = [];
    for (const file of RULES_FILES) {
      const full = path.join(ROOT, file);
      if (fs.existsSync(full)) sources.push({ file, text: fs.readFileSync(full, 'utf8') });
    }
    classifier = compileClassifier(sources, { cacheSize: 1024, uncategorizedCacheSize: 1024 });
  }
  return classifier;
}

/** The records a message yields under the fixed context. */
export function fixtureRecords(raw: Uint8Array): LogRecord[] {
  return reportRecords(parseMessage(raw), fixtureClassifier(), FIXTURE_CONTEXT, FIXTURE_SELECTION);
}

/** `.eml` files of fixture folders (relative to fixtures/), sorted. */
export function fixtureFiles(folders: readonly string[]): string[] {
  const out: string[] = [];
  for (const folder of folders) {
    const dir = path.join(FIXTURES, folder);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort())
      if (name.endsWith('.eml')) out.push(path.join(folder, name));
  }
  return out;
}

/** Where a fixture's expected records live: `<name>.records.json` beside it. */
export function snapshotPath(fixture: string): string {
  return path.join(FIXTURES, fixture.replace(/\.eml$/, '.records.json'));
}

export function readFixture(fixture: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, fixture));
}

/** The OOB records of a fixture (`folder/name.eml`, relative to fixtures/), by recipient in lower case. */
export function oobRecordsByRecipient(fixture: string): Map<string, LogRecord> {
  const out = new Map<string, LogRecord>();
  for (const r of fixtureRecords(readFixture(fixture)))
    if (r.type === 'OOB' && typeof r.recipient === 'string') out.set(r.recipient.toLowerCase(), r);
  return out;
}

/** The `.eml` files of fixtures/<folder> (not recursive), without the extension. */
export function fixtureNames(folder: string): string[] {
  return fs
    .readdirSync(path.join(FIXTURES, folder))
    .filter((f) => f.endsWith('.eml'))
    .map((f) => f.slice(0, -4));
}

/**
 * What a person decided for one failed or delayed recipient of a fixture (the
 * `expected.json` of fixtures/siblings, legacy and variants): the address, the action,
 * the enhanced and reply codes (null where the message gives none) and the labels that
 * are right; `L` is null where the fixture decides no label.
 */
export interface ExpectedRecipient<L extends string[] | null = string[]> {
  recipient: string;
  action: 'failed' | 'delayed';
  status: string | null;
  code: number | null;
  labels: L;
}

/**
 * A fixture folder's `expected.json` (file name without `.eml` → what a person decided
 * for it), as the object and as rows carrying their file name.
 */
export function expectedRows<T extends object>(
  folder: string,
): { expected: Record<string, T>; rows: Array<T & { file: string }> } {
  const expected = JSON.parse(
    fs.readFileSync(path.join(FIXTURES, folder, 'expected.json'), 'utf8'),
  ) as Record<string, T>;
  return { expected, rows: Object.entries(expected).map(([file, e]) => ({ file, ...e })) };
}

/**
 * A fixture's records against its snapshot; with UPDATE_FIXTURES=1 the snapshot is
 * rewritten instead.
 */
export function expectSnapshotRecords(fixture: string): void {
  const records = fixtureRecords(readFixture(fixture));
  const file = snapshotPath(fixture);
  if (process.env.UPDATE_FIXTURES === '1') {
    fs.writeFileSync(file, JSON.stringify(records, null, 2) + '\n');
    return;
  }
  expect(fs.existsSync(file)).toBe(true);
  expect(records).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/**
 * A parse with its delayed recipients made failed, so that records show them too (a
 * delayed recipient makes no record, DESIGN.md §5), and the label each delayed finding
 * gets in its own context (recipient in lower case → label). Label before the records
 * are made: making them labels the findings in place.
 */
export function delayedAsFailed(parsed: ParseResult): {
  asFailed: ParseResult;
  delayed: Map<string, string>;
} {
  const delayed = new Map<string, string>();
  for (const f of parsed.findings)
    if (f.kind === 'oob' && f.report.action === 'delayed')
      delayed.set(
        f.recipient.toLowerCase(),
        fixtureClassifier().classify(f.reply, replyContext(f)).label,
      );
  const asFailed: ParseResult = {
    ...parsed,
    findings: parsed.findings.map((f) =>
      f.kind === 'oob' && f.report.action === 'delayed'
        ? { ...f, report: { ...f.report, action: 'failed' } }
        : f,
    ),
  };
  return { asFailed, delayed };
}
