// The web view's suppression list follows the folder: new lines added, removals rebuilt.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { SuppressionCache } from '../../../src/http/suppression-cache';
import { makeRecord, type LogRecord } from '../../../src/log/record';
import { buildSuppressions, type SuppressionRules } from '../../../src/log/suppressions';
import { readAllRecords } from '../../../src/log/reader';
import { makeTempDir } from '../../helpers/tmp';

const RULES: SuppressionRules = {
  classes: ['InvalidRecipient'],
  feedbackTypes: ['abuse'],
  softClasses: ['QuotaIssues'],
  softThreshold: 2,
  softWindowMs: 86_400_000,
  sinceUnix: null,
};

function oob(recipient: string, label: string, created: number): string {
  const record: LogRecord = makeRecord(
    { id: 'a'.repeat(32), created: new Date(created * 1000), nodeid: 'n', session_id: 's' },
    {
      type: 'OOB',
      sender: 'b@bounce.example.com',
      recipient,
      queue: 'bounce.example.com',
      response: { code: 550, enhanced_code: null, content: 'no', command: null },
      peer_address: null,
      bounce_classification: label,
    },
  );
  return `${JSON.stringify(record)}\n`;
}

describe('SuppressionCache', () => {
  it('adds what was written since the last download and rebuilds when a segment goes', async () => {
    const dir = makeTempDir();
    const a = join(dir, '20250101-000000.000000');
    const b = join(dir, '20250101-001000.000000');
    await fs.writeFile(
      a,
      oob('gone@x.example', 'InvalidRecipient', 1000) + oob('full@x.example', 'QuotaIssues', 1001),
    );
    const cache = new SuppressionCache(dir, RULES);
    const addresses = async () => (await cache.rows()).map((r) => r.address);
    expect(await addresses()).toEqual(['gone@x.example']);
    await fs.appendFile(a, oob('full@x.example', 'QuotaIssues', 1002) + '{"type":"OOB",torn');
    await fs.writeFile(b, oob('new@y.example', 'InvalidRecipient', 2000));
    expect(await addresses()).toEqual(['full@x.example', 'gone@x.example', 'new@y.example']);
    expect(await cache.rows()).toEqual(buildSuppressions(await readAllRecords(dir), RULES));
    await fs.rm(a);
    expect(await addresses()).toEqual(['new@y.example']);
  });
});
