import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseLineEnds } from '../../../src/report/mime';
import { parseMessage } from '../../../src/report/index';

const FIXTURE = join(__dirname, '../../../fixtures/rfc3464/kumomta-1.eml');

describe('line ends', () => {
  it('reads CR CR LF as one line end, as a CRLF file gets when CRLF is added twice', () => {
    expect(normaliseLineEnds('a\r\r\nb\r\n\r\nc\rd')).toBe('a\nb\n\nc\nd');
  });

  it('gives the same findings for LF, CRLF, CR and CR CR LF copies of a DSN', () => {
    const lf = readFileSync(FIXTURE, 'latin1').replace(/\r\n/g, '\n');
    const variants = [
      lf,
      lf.replace(/\n/g, '\r\n'),
      lf.replace(/\n/g, '\r'),
      lf.replace(/\n/g, '\r\r\n'),
    ];
    const results = variants.map((text) => parseMessage(Buffer.from(text, 'latin1')));
    for (const result of results) expect(result.findings).toEqual(results[0]!.findings);
    expect(results[0]!.findings).toHaveLength(1);
  });
});
