// The suppression list over records: which records list an address, and the CSV/JSON forms.
import { makeRecord, type FeedbackReport, type LogRecord } from '../../../src/log/record';
import {
  buildSuppressions,
  normalizeAddress,
  suppressionsCsv,
  suppressionsJson,
  type Suppression,
  type SuppressionRules,
} from '../../../src/log/suppressions';

const RULES: SuppressionRules = {
  classes: ['InvalidRecipient', 'BadDomain', 'InactiveMailbox'],
  feedbackTypes: ['abuse', 'fraud'],
  softClasses: ['QuotaIssues', 'MessageExpired'],
  softThreshold: 3,
  softWindowMs: 7 * 86_400_000,
};

const DAY = 86_400;
const T0 = 1_700_000_000;
let seq = 0;

function oob(
  recipient: string,
  label: string,
  createdUnix: number,
  content = 'user unknown',
  action = 'failed',
): LogRecord {
  const record = makeRecord(
    {
      id: (++seq).toString(16).padStart(32, '0'),
      created: new Date(createdUnix * 1000),
      nodeid: 'n',
      session_id: 's',
    },
    {
      type: 'OOB',
      sender: 'bounce@bounce.example.com',
      recipient,
      queue: 'bounce.example.com',
      response: {
        code: 550,
        enhanced_code: { class: 5, subject: 1, detail: 1 },
        content,
        command: null,
      },
      peer_address: null,
      bounce_classification: label,
    },
  );
  record.oob_report = {
    source: 'rfc3464',
    action,
    status: '5.1.1',
    final_recipient: recipient,
    original_recipient: null,
    remote_mta: null,
    reporting_mta: null,
    diagnostic_code: null,
    last_attempt_date: null,
    arrival_date: null,
    original_message_id: null,
    supplemental_trace: null,
  };
  return record;
}

function feedback(
  type: string,
  createdUnix: number,
  opts: {
    rcptTo?: string[];
    recipient?: string | string[];
    detail?: string[];
    removal?: string[];
    trace?: Record<string, unknown>;
  } = {},
): LogRecord {
  const report = {
    feedback_type: type,
    original_rcpto_to: opts.rcptTo ?? [],
    supplemental_trace: opts.trace ?? null,
  } as unknown as FeedbackReport;
  const record = makeRecord(
    {
      id: (++seq).toString(16).padStart(32, '0'),
      created: new Date(createdUnix * 1000),
      nodeid: 'n',
      session_id: 's',
    },
    {
      type: 'Feedback',
      sender: 'fbl@bounce.example.com',
      recipient: opts.recipient ?? 'fbl@bounce.example.com',
      queue: 'bounce.example.com',
      response: { code: 250, enhanced_code: null, content: '', command: null },
      peer_address: null,
      feedback_report: report,
    },
  );
  if (opts.detail !== undefined)
    record.feedback_detail = {
      source: 'rfc5965',
      recipients: opts.detail,
      recipient_from: opts.detail.length > 0 ? 'returned-message' : null,
      original_message_id: null,
    };
  if (opts.removal !== undefined && record.feedback_detail !== undefined)
    record.feedback_detail.removal_recipients = opts.removal;
  return record;
}

/** A strict RFC 4180 reader, to show the CSV reads back to the same values. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else if (i >= text.length) throw new Error('unterminated quote');
        else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n')
          throw new Error(`bare ${JSON.stringify(text[i])} in an unquoted field`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      i += 2;
      rows.push(row);
      row = [];
    } else if (i < text.length) throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

describe('suppression list', () => {
  it('lists a hard-bounced address with its reason, count, first and last seen and last reply', () => {
    const rows = buildSuppressions(
      [
        oob('gone@example.org', 'InvalidRecipient', T0 + 10, 'no such user'),
        oob('gone@example.org', 'InvalidRecipient', T0, 'unknown user'),
      ],
      RULES,
    );
    expect(rows).toEqual<Suppression[]>([
      {
        address: 'gone@example.org',
        kind: 'hard',
        reason: 'InvalidRecipient',
        count: 2,
        first_seen: '2023-11-14T22:13:20Z',
        last_seen: '2023-11-14T22:13:30Z',
        last_reply: '550 5.1.1 no such user',
      },
    ]);
  });

  it('compares the domain case-insensitively and keeps the local part as sent', () => {
    const rows = buildSuppressions(
      [
        oob('Ann@Example.ORG', 'BadDomain', T0),
        oob('Ann@example.org', 'BadDomain', T0 + 1),
        oob('ann@example.org', 'BadDomain', T0 + 2),
      ],
      RULES,
    );
    expect(rows.map((r) => [r.address, r.count])).toEqual([
      ['Ann@example.org', 2],
      ['ann@example.org', 1],
    ]);
  });

  it('never lists an address for sender-side or unknown classifications, or for a record that is not a bounce', () => {
    const rows = buildSuppressions(
      [
        oob('a@example.org', 'SpamBlock', T0),
        oob('b@example.org', 'PolicyRelated', T0),
        oob('c@example.org', 'Uncategorized', T0),
        feedback('not-spam', T0, { rcptTo: ['d@example.org'] }),
      ],
      RULES,
    );
    expect(rows).toEqual([]);
  });

  it("lists complained-about addresses from original_rcpto_to, else from a recipient outside the report's own domain", () => {
    const rows = buildSuppressions(
      [
        feedback('abuse', T0, { rcptTo: ['x@Mail.Example', 'y@mail.example'] }),
        // Records written before Feedback followed KumoMTA: the addresses in `recipient`.
        feedback('fraud', T0 + 5, { recipient: 'z@mail.example' }),
        // KumoMTA's form without Original-Rcpt-To: `recipient` is the report's own envelope.
        feedback('abuse', T0 + 6, { recipient: 'fbl@bounce.example.com' }),
      ],
      RULES,
    );
    expect(rows.map((r) => [r.address, r.kind, r.reason, r.last_reply])).toEqual([
      ['x@mail.example', 'complaint', 'abuse', ''],
      ['y@mail.example', 'complaint', 'abuse', ''],
      ['z@mail.example', 'complaint', 'fraud', ''],
    ]);
  });

  it("lists the addresses oobd read from a report without Original-Rcpt-To, never the report's own RCPT TO", () => {
    const rows = buildSuppressions(
      [
        feedback('abuse', T0, { detail: ['returned@mail.example'] }),
        feedback('abuse', T0 + 1, { detail: [], trace: { recipient: 'traced@mail.example' } }),
        // KumoMTA's form naming nobody, sent to two of our addresses in two domains.
        feedback('abuse', T0 + 2, {
          detail: [],
          recipient: ['fbl@bounce.example.com', 'fbl@other-bounce.example.net'],
        }),
      ],
      RULES,
    );
    expect(rows.map((r) => r.address)).toEqual(['returned@mail.example', 'traced@mail.example']);
  });

  it('lists the addresses an opt-out report asks to remove when it names no complained-about address', () => {
    const rows = buildSuppressions(
      [
        feedback('opt-out', T0, {
          detail: [],
          removal: ['leaving@mail.example', 'also@mail.example'],
        }),
        // A complained-about address, where the report names one, is the one listed.
        feedback('opt-out', T0 + 1, {
          detail: ['named@mail.example'],
          removal: ['other@mail.example'],
        }),
      ],
      { ...RULES, feedbackTypes: ['opt-out'] },
    );
    expect(rows.map((r) => [r.address, r.reason])).toEqual([
      ['also@mail.example', 'opt-out'],
      ['leaving@mail.example', 'opt-out'],
      ['named@mail.example', 'opt-out'],
    ]);
  });

  it("lists the VERP or trace recipient of an OOB record whose report named none, and keeps one tenant's records with a trace filter", () => {
    const verp = oob('', 'InvalidRecipient', T0);
    verp.oob_report!.verp = { id: '1', recipient: 'verp@mail.example', tenant: 'acme' };
    verp.oob_report!.recipient_from = 'verp';
    const traced = oob('', 'InvalidRecipient', T0 + 1);
    traced.oob_report!.supplemental_trace = { recipient: 'traced@mail.example', tenant: 'other' };
    const named = oob('named@mail.example', 'InvalidRecipient', T0 + 2);
    named.oob_report!.supplemental_trace = { tenant: 'acme' };
    const all = buildSuppressions([verp, traced, named], RULES).map((r) => r.address);
    expect(all.sort()).toEqual(['named@mail.example', 'traced@mail.example', 'verp@mail.example']);
    const acme = buildSuppressions([verp, traced, named], {
      ...RULES,
      trace: [{ key: 'tenant', value: 'acme' }],
    }).map((r) => r.address);
    expect(acme.sort()).toEqual(['named@mail.example', 'verp@mail.example']);
  });

  it('lists soft failures only from the threshold on, within the window, in whatever order they come', () => {
    const full = (addr: string, day: number) =>
      oob(addr, 'QuotaIssues', T0 + day * DAY, 'mailbox full');
    const rows = buildSuppressions(
      [
        full('two@example.org', 0),
        full('two@example.org', 1),
        full('spread@example.org', 0),
        full('spread@example.org', 5),
        full('spread@example.org', 10),
        full('three@example.org', 6),
        full('three@example.org', 0),
        full('three@example.org', 3),
        full('three@example.org', 40),
      ],
      RULES,
    );
    expect(rows.map((r) => [r.address, r.kind, r.reason, r.count])).toEqual([
      ['three@example.org', 'soft', 'QuotaIssues', 4],
    ]);
  });

  it('counts a delayed DSN as a soft failure even when its classification is a hard one', () => {
    const delayed = (day: number) =>
      oob('late@example.org', 'InvalidRecipient', T0 + day * DAY, 'user unknown', 'delayed');
    expect(buildSuppressions([delayed(0), delayed(1)], RULES)).toEqual([]);
    expect(
      buildSuppressions([delayed(0), delayed(1), delayed(2)], RULES).map((r) => r.kind),
    ).toEqual(['soft']);
  });

  it('ranks a complaint over a hard bounce, and counts every record that lists the address', () => {
    const rows = buildSuppressions(
      [
        oob('both@example.org', 'InvalidRecipient', T0, 'gone'),
        feedback('abuse', T0 + 100, { rcptTo: ['both@example.org'] }),
      ],
      RULES,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        address: 'both@example.org',
        kind: 'complaint',
        reason: 'abuse',
        count: 2,
        last_reply: '550 5.1.1 gone',
      }),
    ]);
  });

  it('keeps only records received since --since, and takes labels case-insensitively', () => {
    const rows = buildSuppressions(
      [
        oob('old@example.org', 'InvalidRecipient', T0),
        oob('new@example.org', 'invalidrecipient', T0 + DAY),
      ],
      {
        ...RULES,
        sinceUnix: T0 + 1,
      },
    );
    expect(rows.map((r) => r.address)).toEqual(['new@example.org']);
  });

  it('refuses what is not an address', () => {
    expect(normalizeAddress(' <A@B.Example> ')).toBe('A@b.example');
    for (const bad of [
      '',
      'nobody',
      '@example.org',
      'a@',
      'a b@example.org',
      'x@y.invalid',
      'undisclosed@libsisimai.org.invalid',
    ])
      expect(normalizeAddress(bad)).toBeNull();
  });

  it('writes RFC 4180 CSV that reads back to the same values, whatever the reply text holds', () => {
    const hostile = 'said "no", then,\r\nlater\n"=HYPERLINK(1)", ünïcödé';
    const rows = buildSuppressions([oob('q@example.org', 'InactiveMailbox', T0, hostile)], RULES);
    const csv = suppressionsCsv(rows);
    const parsed = parseCsv(csv);
    expect(parsed[0]).toEqual([
      'address',
      'kind',
      'reason',
      'count',
      'first_seen',
      'last_seen',
      'last_reply',
    ]);
    expect(parsed.slice(1)).toEqual([
      [
        'q@example.org',
        'hard',
        'InactiveMailbox',
        '1',
        '2023-11-14T22:13:20Z',
        '2023-11-14T22:13:20Z',
        `550 5.1.1 ${hostile}`,
      ],
    ]);
    expect(suppressionsCsv([])).toBe(
      'address,kind,reason,count,first_seen,last_seen,last_reply\r\n',
    );
  });

  it('writes a JSON array of the rows', () => {
    const rows = buildSuppressions(
      [
        oob('a@example.org', 'InvalidRecipient', T0, 'x "y"'),
        oob('b@example.org', 'BadDomain', T0),
      ],
      RULES,
    );
    expect(JSON.parse(suppressionsJson(rows))).toEqual(rows);
    expect(JSON.parse(suppressionsJson([]))).toEqual([]);
  });
});
