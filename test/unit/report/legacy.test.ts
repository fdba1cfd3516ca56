// Legacy and generic plain-text bounces (fixtures/legacy/, see its README): 1998–2015
// ISP and MTA notices without a multipart/report (IMail, SMTP32, iPlanet and PMDF,
// GroupWise, Exchange 5.5/2000, Lotus Notes, old Yahoo/AOL/Hotmail/MSN, Post.Office and
// InterMail, Mirapoint, Mercury, PP, MMDF, smail, LISTSERV), bare sentences ("Delivery to
// the following recipients failed", "could not be delivered to"), warnings, and near
// misses that are not bounces. What is checked is what the held-out scoring counts: the
// exact set of failed or delayed recipients (none invented: not the returned message's
// own To/Cc, not a VERP'd sender, not a help-text postmaster), the action, the codes
// where the notice gives them, and the label where it gives a reason.
import { UNCATEGORIZED } from '../../../src/classify/index';
import type { LogRecord } from '../../../src/log/record';
import { inferenceReply, replyContext } from '../../../src/pipeline/records';
import { parseMessage } from '../../../src/report/index';
import type { OobFinding } from '../../../src/report/types';
import {
  expectedRows,
  type ExpectedRecipient,
  fixtureClassifier,
  fixtureNames,
  fixtureRecords,
  readFixture,
} from '../../helpers/fixture-records';

type LegacyRecipient = ExpectedRecipient<string[] | null>;

interface Expected {
  says: string;
  recipients: LegacyRecipient[];
}

const { expected: EXPECTED, rows: ROWS } = expectedRows<Expected>('legacy');

/** What the scoring reads of one failed or delayed recipient. */
interface Read {
  recipient: string;
  action: string;
  status: string | null;
  code: number | null;
  label: string;
}

function enhancedOf(e: { class: number; subject: number; detail: number } | null): string | null {
  return e === null ? null : `${e.class}.${e.subject}.${e.detail}`;
}

/**
 * The failed recipients as their OOB records give them, and the delayed ones (which make
 * no record, DESIGN.md §5) as the parse gives them, labelled the way `labelFindings` would
 * label a bounce; in the order the notice names them. Records and findings without an
 * address are left out: they invent nobody.
 */
function recordsOf(file: string): Read[] {
  const raw = readFixture(`legacy/${file}.eml`);
  const failed = fixtureRecords(raw).filter(
    (r) => r.type === 'OOB' && r.oob_report?.action === 'failed',
  );
  const out: Read[] = [];
  let k = 0;
  for (const f of parseMessage(raw).findings) {
    if (f.kind !== 'oob') continue;
    if (f.report.action === 'failed') {
      // Each failed finding makes one record, in order; the record's recipient may
      // come from elsewhere when the finding has none (oob_report.recipient_from).
      const r = failed[k++] as LogRecord;
      const recipient = recipientOf(r);
      if (recipient === '') continue;
      out.push({
        recipient,
        action: 'failed',
        status: enhancedOf(r.response.enhanced_code),
        code: r.response.code,
        label: r.bounce_classification,
      });
    } else if (f.report.action === 'delayed' && f.recipient !== '') {
      out.push({
        recipient: f.recipient.toLowerCase(),
        action: 'delayed',
        status: enhancedOf(f.reply.enhancedCode),
        code: f.reply.code,
        label: delayLabel(f),
      });
    }
  }
  return out;
}

/** A delayed recipient's label, as `labelFindings` labels a bounce (its reply, else the parser's conclusion). */
function delayLabel(f: OobFinding): string {
  const context = replyContext(f);
  const label = fixtureClassifier().classify(f.reply, context).label;
  const inferred = f.report.inferred;
  if (label !== UNCATEGORIZED || inferred === undefined) return label;
  return fixtureClassifier().classify(inferenceReply(inferred), context).label;
}

/** The record's recipient, lower case (an OOB record has one address). */
function recipientOf(r: LogRecord): string {
  return (typeof r.recipient === 'string' ? r.recipient : r.recipient.join(',')).toLowerCase();
}

/** Whether a fixture's records are exactly what its expectation says. */
function readRight(row: Expected, records: Read[]): boolean {
  return (
    records.length === row.recipients.length &&
    row.recipients.every((want, i) => {
      const r = records[i] as Read;
      return (
        r.recipient === want.recipient.toLowerCase() &&
        r.action === want.action &&
        (want.status === null || r.status === want.status) &&
        (want.code === null || r.code === want.code) &&
        (want.labels === null || want.labels.includes(r.label))
      );
    })
  );
}

/** Files still read wrong, and why (the report names them as what is left). */
const KNOWN_WRONG: Readonly<Record<string, string>> = {};

describe('legacy and generic plain-text bounces', () => {
  it.each(ROWS.filter((row) => KNOWN_WRONG[row.file] === undefined))('$file: $says', (row) => {
    const records = recordsOf(row.file);
    expect(records.map((r) => r.recipient)).toEqual(
      row.recipients.map((x) => x.recipient.toLowerCase()),
    );
    row.recipients.forEach((want, i) => {
      const r = records[i] as Read;
      expect([want.recipient, r.action]).toEqual([want.recipient, want.action]);
      if (want.status !== null)
        expect([want.recipient, r.status]).toEqual([want.recipient, want.status]);
      if (want.code !== null) expect([want.recipient, r.code]).toEqual([want.recipient, want.code]);
      if (want.labels !== null) expect(want.labels).toContain(r.label);
    });
  });

  // A loop, not it.each: the list may be empty, and an empty table is an error in jest.
  it('still reads every file in KNOWN_WRONG wrong, so that a fix removes it from the list', () => {
    for (const file of Object.keys(KNOWN_WRONG)) {
      const row = EXPECTED[file] as Expected;
      expect([file, readRight(row, recordsOf(file))]).toEqual([file, false]);
    }
  });

  it('says where a recipient the notice does not name comes from: the returned message', () => {
    const records = fixtureRecords(readFixture('legacy/generic-only-returned-to.eml'));
    expect(records.map((r) => [r.type, r.recipient, r.oob_report?.recipient_from])).toEqual([
      ['OOB', 'eli@example.org', 'returned-message'],
    ]);
  });

  it('takes no returned recipient when the returned message went to several, or to a list', () => {
    for (const file of ['generic-returned-many', 'generic-list-returned']) {
      const records = fixtureRecords(readFixture(`legacy/${file}.eml`));
      expect([file, records.filter((r) => r.type === 'OOB').map((r) => r.recipient)]).toEqual([
        file,
        [''],
      ]);
    }
  });

  it('has an expectation for every fixture, and at least 45 of them', () => {
    const files = fixtureNames('legacy');
    expect(files.filter((f) => EXPECTED[f] === undefined)).toEqual([]);
    expect(Object.keys(EXPECTED).filter((f) => !files.includes(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(45);
  });
});
