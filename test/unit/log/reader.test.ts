// Reading segments back: segment times, complete lines from an offset, streaming.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  leadingType,
  readSegmentLines,
  segmentTimeMs,
  streamFolderRecords,
} from '../../../src/log/reader';
import { segmentName } from '../../../src/log/writer';
import { makeTempDir } from '../../helpers/tmp';

describe('log reader', () => {
  it('reads the opening time back from a segment name', () => {
    const micros = Date.UTC(2024, 10, 7, 17, 20, 5, 123) * 1000 + 456;
    expect(segmentTimeMs(segmentName(micros))).toBe(Date.UTC(2024, 10, 7, 17, 20, 5, 123));
    expect(segmentTimeMs('.nodeid')).toBeNull();
  });

  it('returns complete lines from an offset with the byte offset after each, and never a partial one', async () => {
    const file = join(makeTempDir(), '20240101-000000.000000');
    const long = `{"type":"OOB","x":"${'é'.repeat(40_000)}"}`;
    await fs.writeFile(file, `{"a":1}\n${long}\n{"b":2}\n{"c":`);
    const first = await readSegmentLines(file, 0, 16);
    expect(first.lines).toEqual([{ text: '{"a":1}', end: 8 }]);
    // A line longer than the window is read whole.
    const second = await readSegmentLines(file, 8, 16);
    expect(second.lines[0]!.text).toBe(long);
    const all = await readSegmentLines(file, 0, 1 << 20);
    expect(all.lines.map((l) => l.text.slice(0, 7))).toEqual([
      '{"a":1}',
      long.slice(0, 7),
      '{"b":2}',
    ]);
    expect(all.lines.at(-1)!.end).toBe(all.size - '{"c":'.length);
  });

  it('streams records, passing over unwanted types unparsed and reporting lines that are not JSON', async () => {
    const dir = makeTempDir();
    await fs.writeFile(
      join(dir, '20240101-000000.000000'),
      '{"type":"Reception","id":"1"}\n{"type":"OOB","id":"2"}\n{"type":"Rejection",broken\n{"type":"OOB",torn',
    );
    await fs.writeFile(join(dir, '20240101-000001.000000'), '{"type":"Feedback","id":"3"}\n');
    const bad: string[] = [];
    const seen: string[] = [];
    for await (const r of streamFolderRecords([dir], {
      types: new Set(['OOB', 'Feedback']),
      onBadLine: (line) => bad.push(line),
    }))
      seen.push(r.id);
    expect(seen).toEqual(['2', '3']);
    expect(bad).toEqual(['{"type":"OOB",torn']);
    expect(leadingType('{"type":"MDN","id":"x"}')).toBe('MDN');
    expect(leadingType('{"id":"x","type":"MDN"}')).toBeNull();
  });
});
