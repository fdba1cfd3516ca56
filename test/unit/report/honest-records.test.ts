// Records say only what the message said (DESIGN.md §7): no placeholder address, no
// sentence written by us as a reply's text, no reply code a message never carried.
// Conclusions of the parser are in `oob_report.inferred`, named as such.
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, fixtureFiles, fixtureRecords, readFixture } from '../../helpers/fixture-records';

const HEURISTIC = fs
  .readdirSync(path.join(FIXTURES, 'heuristic'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => `heuristic/${d.name}`);
const ALL = fixtureFiles(['rfc3464', 'rfc6533', 'rfc5965', 'rfc8098', 'rfc3834', ...HEURISTIC]);

const GROUPS_TEMPLATE =
  'The group you tried to contact may not exist, or you may not have permission to post messages to the group.';

describe('records carry no value the message did not contain', () => {
  it('reads every fixture folder', () => {
    expect(ALL.length).toBeGreaterThan(90);
  });

  it.each(ALL)('%s: no placeholder address, no made-up text or reply', (fixture) => {
    const raw = readFixture(fixture);
    const text = raw.toString('utf8');
    for (const r of fixtureRecords(raw)) {
      expect(JSON.stringify(r)).not.toContain('libsisimai.org.invalid');
      // Google's English template only where the message quotes it.
      if (r.response.content === GROUPS_TEMPLATE) expect(text).toContain(GROUPS_TEMPLATE);
      // An auto-reply carries no SMTP reply: no failure code or status is given to it.
      if (r.oob_report?.source === 'rfc3834') {
        expect(r.response.code).toBe(250);
        expect(r.response.enhanced_code).toBeNull();
      }
      if (r.oob_report?.inferred !== undefined) {
        // A conclusion is never copied into the response.
        expect(r.response.content).not.toBe(r.oob_report.inferred.reason);
      }
    }
  });
});
