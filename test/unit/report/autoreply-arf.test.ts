// Auto-replies and feedback reports in the form each program emits them
// (fixtures/autoreply-arf/, see its README): what the held-out scoring counts for each
// (record type, the responding or complained-about addresses, the label or the
// feedback type), and no record for the near misses.
import type { LogRecord } from '../../../src/log/record';
import { sniffMessage } from '../../../src/report/sniff';
import { expectedRows, fixtureRecords, readFixture } from '../../helpers/fixture-records';

interface Expected {
  says: string;
  type: 'OOB' | 'Feedback' | 'none';
  recipients: string[];
  label?: string;
  feedback_type?: string;
}

const { rows: ROWS } = expectedRows<Expected>('autoreply-arf');

function recordsOf(file: string): LogRecord[] {
  return fixtureRecords(readFixture(`autoreply-arf/${file}.eml`));
}

/** The addresses a record stands for, the way bench/score.js pairs them. */
function addressesOf(r: LogRecord): string[] {
  if (r.type === 'Feedback') {
    const rcpt = r.feedback_report?.original_rcpto_to ?? [];
    return (rcpt.length > 0 ? rcpt : (r.feedback_detail?.recipients ?? [])).map((a) =>
      a.toLowerCase(),
    );
  }
  return (typeof r.recipient === 'string' ? [r.recipient] : r.recipient).map((a) =>
    a.toLowerCase(),
  );
}

/** Files still read wrong, and why (the report names them as what is left). */
const KNOWN_WRONG: Readonly<Record<string, string>> = {};

describe('auto-replies and feedback reports as their software emits them', () => {
  it.each(ROWS.filter((row) => row.type === 'none'))('$file gives no record: $says', (row) => {
    expect(recordsOf(row.file)).toEqual([]);
  });

  it.each(ROWS.filter((row) => row.type === 'OOB' && KNOWN_WRONG[row.file] === undefined))(
    '$file is one $label record for $recipients: $says',
    (row) => {
      const records = recordsOf(row.file);
      expect(records.map((r) => r.type)).toEqual(['OOB']);
      const r = records[0] as LogRecord;
      expect(addressesOf(r)).toEqual(row.recipients);
      expect(r.bounce_classification).toBe(row.label);
    },
  );

  it.each(ROWS.filter((row) => row.type === 'Feedback' && KNOWN_WRONG[row.file] === undefined))(
    '$file is one Feedback record of type $feedback_type about $recipients: $says',
    (row) => {
      const records = recordsOf(row.file);
      expect(records.map((r) => r.type)).toEqual(['Feedback']);
      const r = records[0] as LogRecord;
      expect(r.feedback_report?.feedback_type).toBe(row.feedback_type);
      expect(addressesOf(r)).toEqual(row.recipients);
    },
  );
});

describe('the end-of-DATA sniff of the same messages', () => {
  // The edge refuses what the sniff calls 'none' (550 5.7.1), so every auto-reply and
  // report must sniff as something even from a non-null envelope sender.
  it.each(ROWS.filter((row) => row.type !== 'none'))(
    '$file is taken at DATA from a non-null sender',
    (row) => {
      const raw = readFixture(`autoreply-arf/${row.file}.eml`);
      expect(sniffMessage(raw, 'someone@example.org').kind).not.toBe('none');
    },
  );
});
