// Japanese, Chinese and Korean bounces (fixtures/cjk/, see its README): carrier and ISP
// notices in ISO-2022-JP, Shift_JIS / CP932, EUC-JP, GB2312 / GBK / GB18030, Big5,
// EUC-KR and UTF-8, with RFC 2047 subjects, bilingual and CJK-only text. Each was
// written for this project from the layout its software is known to emit, with
// example.* addresses. What is checked is what the held-out scoring counts: the bounce
// is detected (and the near misses are not), its failed recipients and no invented
// one, the action, the status where the format gives one, and the label (one of those
// the corpus README's Sisimai reason → label table accepts).
import { expectedRows, fixtureNames, oobRecordsByRecipient } from '../../helpers/fixture-records';

interface Expected {
  says: string;
  detected: boolean;
  recipients: Array<{ recipient: string; labels: string[] }>;
  action: 'failed' | 'delayed' | null;
  status: string | null;
}

const { expected: EXPECTED, rows: ROWS } = expectedRows<Expected>('cjk');

/** The OOB records of a fixture, by recipient (lower case). */
const recordsOf = (file: string) => oobRecordsByRecipient(`cjk/${file}.eml`);

describe('Japanese, Chinese and Korean bounces (fixtures/cjk)', () => {
  it.each(ROWS.filter((row) => row.detected))('$says', (row) => {
    const records = recordsOf(row.file);
    expect([...records.keys()].sort()).toEqual(
      row.recipients.map((x) => x.recipient.toLowerCase()).sort(),
    );
    for (const { recipient, labels } of row.recipients) {
      const r = records.get(recipient.toLowerCase());
      expect(labels).toContain(r?.bounce_classification);
      expect(r?.oob_report?.action).toBe(row.action);
      if (row.status !== null) expect(r?.oob_report?.status).toBe(row.status);
    }
  });

  it.each(ROWS.filter((row) => !row.detected))('$says', (row) => {
    expect([...recordsOf(row.file).keys()]).toEqual([]);
  });

  it('has an expectation for every fixture, and at least 25 of them', () => {
    const files = fixtureNames('cjk');
    expect(files.filter((f) => EXPECTED[f] === undefined)).toEqual([]);
    expect(Object.keys(EXPECTED).filter((f) => !files.includes(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(25);
  });
});
