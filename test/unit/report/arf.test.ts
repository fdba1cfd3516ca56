import type { FeedbackFinding } from '../../../src/report/types';
import { parseMessage } from '../../../src/report/index';
import { readFixture } from '../../helpers/fixture-records';

const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

function feedback(raw: Buffer): FeedbackFinding {
  const r = parseMessage(raw);
  expect(r.kind).toBe('arf');
  const f = r.findings[0];
  if (f?.kind !== 'feedback')
    throw new Error(`expected a feedback finding, got ${JSON.stringify(r)}`);
  return f;
}

function arf(
  reportFields: string[],
  returned: string[],
  returnedType = 'message/rfc822',
  extraPartHeaders: string[] = [],
): Buffer {
  return eml(
    'Content-Type: multipart/report; report-type=feedback-report;',
    '    boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report.',
    '--b',
    'Content-Type: message/feedback-report',
    '',
    ...reportFields,
    '',
    '--b',
    `Content-Type: ${returnedType}`,
    ...extraPartHeaders,
    '',
    ...returned,
    '--b--',
  );
}

describe('RFC 5965 feedback reports', () => {
  it('reads every address of an Original-Rcpt-To written as a list', () => {
    const f = feedback(
      arf(
        [
          'Feedback-Type: abuse',
          'User-Agent: X/1',
          'Version: 1',
          'Original-Rcpt-To: <a@example.net>, b@example.net',
        ],
        ['From: news@example.com', 'To: a@example.net', 'Subject: s', '', 'x'],
      ),
    );
    expect(f.report.original_rcpto_to).toEqual(['a@example.net', 'b@example.net']);
  });

  it('keeps one address whose display name holds a comma', () => {
    const f = feedback(
      arf(
        [
          'Feedback-Type: abuse',
          'User-Agent: X/1',
          'Version: 1',
          'Original-Rcpt-To: "Olsen, Tara" <tara@example.net>',
        ],
        ['From: news@example.com', 'To: tara@example.net', 'Subject: s', '', 'x'],
      ),
    );
    expect(f.report.original_rcpto_to).toEqual(['tara@example.net']);
  });

  it.each(['Abuse', ' ABUSE ', 'Not-Spam'])(
    'reads the Feedback-Type %j as the registered lower-case token',
    (written) => {
      const f = feedback(
        arf(
          [
            `Feedback-Type: ${written}`,
            'User-Agent: X/1',
            'Version: 1',
            'Original-Rcpt-To: a@example.net',
          ],
          ['From: news@example.com', 'To: a@example.net', 'Subject: s', '', 'x'],
        ),
      );
      expect(f.report.feedback_type).toBe(written.trim().toLowerCase());
    },
  );

  it("reads every field of the RFC example into KumoMTA's feedback_report", () => {
    const f = feedback(readFixture('rfc5965/kumomta-2.eml'));
    expect(f.recipient).toBe('user@example.com');
    expect(f.time?.toISOString()).toBe('2005-03-08T18:00:00.000Z');
    const { original_message, ...rest } = f.report;
    expect(rest).toEqual({
      feedback_type: 'abuse',
      user_agent: 'SomeGenerator/1.0',
      version: '1',
      arrival_date: '2005-03-08T18:00:00Z',
      incidents: null,
      original_envelope_id: null,
      original_mail_from: 'somespammer@example.net',
      reporting_mta: { mta_type: 'dns', name: 'mail.example.com' },
      source_ip: '192.0.2.1',
      authentication_results: ['mail.example.com; spf=fail smtp.mail=somespammer@example.com'],
      original_rcpto_to: ['user@example.com'],
      reported_domain: ['example.net'],
      reported_uri: ['http://example.net/earn_money.html', 'mailto:user@example.com'],
      extensions: { 'removal-recipient': ['user@example.com'] },
      supplemental_trace: { recipient: 'test@example.com' },
    });
    expect(
      original_message?.startsWith(
        'From: <somespammer@example.net>\nReceived: from mailserver.example.net',
      ),
    ).toBe(true);
    expect(original_message).toContain('\nSpam Spam Spam');
  });

  it("keeps Yahoo's version 0.1 as a string and falls back to Received-Date", () => {
    const f = feedback(readFixture('rfc5965/kumomta-3.eml'));
    expect(f.report.version).toBe('0.1');
    expect(f.report.arrival_date).toBe('2023-12-14T16:16:15Z');
    expect(f.report.extensions).toEqual({});
  });

  it('keeps Received-Date as an extension when Arrival-Date is there', () => {
    const f = feedback(
      arf(
        [
          'Feedback-Type: abuse',
          'Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT',
          'Received-Date: Thu, 8 Mar 2005 15:00:00 EDT',
        ],
        ['To: a@example.com', '', 'x'],
      ),
    );
    expect(f.report.arrival_date).toBe('2005-03-08T18:00:00Z');
    expect(f.report.extensions).toEqual({ 'received-date': ['Thu, 8 Mar 2005 15:00:00 EDT'] });
  });

  it('gives every Original-Rcpt-To as the recipient, without angle brackets', () => {
    const f = feedback(
      arf(
        [
          'Feedback-Type: abuse',
          'Original-Rcpt-To: <one@example.com>',
          'Original-Rcpt-To: two@example.com',
          'Incidents: 3',
        ],
        ['To: other@example.com', '', 'x'],
      ),
    );
    expect(f.recipient).toEqual(['one@example.com', 'two@example.com']);
    expect(f.report.original_rcpto_to).toEqual(['one@example.com', 'two@example.com']);
    expect(f.report.incidents).toBe(3);
  });

  it('takes the recipient from the returned message when there is no Original-Rcpt-To', () => {
    expect(
      feedback(
        arf(
          ['Feedback-Type: abuse'],
          ['From: x@example.net', 'To: "Kiji" <kiji@example.org>', '', 'x'],
        ),
      ).recipient,
    ).toBe('kiji@example.org');
  });

  it('leaves the recipient empty when the returned message is addressed to undisclosed recipients', () => {
    // The report named no recipient: none is made up (no placeholder address).
    expect(
      feedback(arf(['Feedback-Type: opt-out'], ['To: <Undisclosed Recipients>', '', 'x']))
        .recipient,
    ).toBe('');
    expect(
      feedback(arf(['Feedback-Type: opt-out'], ['To: undisclosed-recipients:;', '', 'x']))
        .recipient,
    ).toBe('');
  });

  it('decodes a folded X-KumoRef header of the returned message', () => {
    const f = feedback(
      arf(
        ['Feedback-Type: abuse'],
        [
          'From: <s@example.net>',
          'X-KumoRef: eyJfQF8iOiJcXF8vIiwicmVjaXBpZW50Ijoi',
          '\tdGVzdEBleGFtcGxlLmNvbSJ9',
          'Subject: s',
          '',
          'Spam',
        ],
      ),
    );
    expect(f.report.supplemental_trace).toEqual({ recipient: 'test@example.com' });
  });

  it("ignores an X-KumoRef without KumoMTA's marker, or that is no JSON", () => {
    const plain = Buffer.from(JSON.stringify({ recipient: 'x@example.com' })).toString('base64');
    expect(
      feedback(arf(['Feedback-Type: abuse'], [`X-KumoRef: ${plain}`, '', 'x'])).report
        .supplemental_trace,
    ).toBeNull();
    expect(
      feedback(arf(['Feedback-Type: abuse'], ['X-KumoRef: !!!not base64 json', '', 'x'])).report
        .supplemental_trace,
    ).toBeNull();
  });

  it('transfer-decodes a quoted-printable text/rfc822-headers part', () => {
    const f = feedback(
      arf(
        ['Feedback-Type: abuse'],
        ['Subject: =E2=9C=93 ok', 'To: a@example.com'],
        'text/rfc822-headers',
        ['Content-Transfer-Encoding: quoted-printable'],
      ),
    );
    expect(f.report.original_message).toBe('Subject: ✓ ok\nTo: a@example.com');
  });

  it('reads a feedback report whose report-type is missing', () => {
    const raw = Buffer.from(
      arf(['Feedback-Type: fraud', 'User-Agent: x/1', 'Version: 1'], ['To: a@example.com', '', 'x'])
        .toString('utf8')
        .replace(' report-type=feedback-report;', ''),
    );
    expect(feedback(raw).report.feedback_type).toBe('fraud');
  });

  it("reads Microsoft's JMRP complaint as an abuse report", () => {
    const f = feedback(readFixture('rfc5965/sisimai-arf-22.eml'));
    expect(f.recipient).toBe('kijitora@example.com');
    expect(f.report.feedback_type).toBe('abuse');
    expect(f.report.source_ip).toBe('192.0.2.222');
  });

  it("reads Apple Mail's unsubscribe message as an opt-out report from its sender", () => {
    const f = feedback(readFixture('rfc5965/sisimai-arf-26.eml'));
    expect(f.recipient).toBe('example@icloud.com');
    expect(f.report.feedback_type).toBe('opt-out');
  });
  it('reads a legacy report whose ARF fields are in a text/plain part', () => {
    const raw = Buffer.from(
      arf(
        [
          'Feedback-Type: abuse',
          'User-Agent: Legacy/0.1',
          'Version: 0.1',
          'Original-Rcpt-To: a@example.net',
        ],
        ['To: a@example.net', '', 'x'],
      )
        .toString('utf8')
        .replace('Content-Type: message/feedback-report', 'Content-Type: text/plain'),
    );
    const f = feedback(raw);
    expect(f.report.feedback_type).toBe('abuse');
    expect(f.report.original_rcpto_to).toEqual(['a@example.net']);
  });

  it('does not take a text/plain part that only mentions ARF fields for a report', () => {
    const raw = Buffer.from(
      arf(
        ['This report lists', 'Feedback-Type: abuse', 'Version: 1'],
        ['To: a@example.net', '', 'x'],
      )
        .toString('utf8')
        .replace('Content-Type: message/feedback-report', 'Content-Type: text/plain'),
    );
    expect(parseMessage(raw).kind).not.toBe('arf');
  });

  it('names no complained-about address for a redaction placeholder, and says so', () => {
    const r = parseMessage(
      arf(
        [
          'Feedback-Type: abuse',
          'User-Agent: x/1',
          'Version: 1',
          'Original-Rcpt-To: [redacted]',
          'Original-Rcpt-To: redacted@',
        ],
        ['To: undisclosed-recipients:;', '', 'x'],
      ),
    );
    const f = r.findings[0];
    if (f?.kind !== 'feedback') throw new Error('expected a feedback finding');
    expect(f.report.original_rcpto_to).toEqual([]);
    expect(f.recipient).toBe('');
    expect(r.problems.filter((p) => p.code === 'arf.original-rcpt-to-redacted')).toHaveLength(2);
  });

  it('keeps an address whose local part is redacted, as the report gives it', () => {
    const f = feedback(
      arf(
        [
          'Feedback-Type: abuse',
          'User-Agent: x/1',
          'Version: 1',
          'Original-Rcpt-To: xxxxxxxx@example.net',
        ],
        ['To: xxxxxxxx@example.net', '', 'x'],
      ),
    );
    expect(f.report.original_rcpto_to).toEqual(['xxxxxxxx@example.net']);
  });
});

describe("Removal-Recipient (the ARF drafts' opt-out field, an extension of RFC 5965)", () => {
  const optOut = (...removal: string[]) =>
    parseMessage(
      arf(
        ['Feedback-Type: opt-out', 'User-Agent: ListDesk/2.4', 'Version: 1', ...removal],
        ['From: letters@shop.example', 'To: <Undisclosed Recipients>', 'Subject: s', '', 'x'],
      ),
    );

  it('gives the address of one Removal-Recipient as the address to take off the list, not as a complainant', () => {
    const r = optOut('Removal-Recipient: <marta@customers.example>');
    const f = r.findings[0] as FeedbackFinding;
    expect(f.removalRecipients).toEqual(['marta@customers.example']);
    expect(f.report.original_rcpto_to).toEqual([]);
    expect(f.recipient).toBe('');
    expect(f.report.extensions['removal-recipient']).toEqual(['<marta@customers.example>']);
  });

  it('reads every Removal-Recipient field, a display name and a list among them, once per address', () => {
    const r = optOut(
      'Removal-Recipient: Olaf Berg <olaf@customers.example>',
      'Removal-Recipient: kim@customers.example, <lee@customers.example>',
      'Removal-Recipient: OLAF@customers.example',
    );
    expect((r.findings[0] as FeedbackFinding).removalRecipients).toEqual([
      'olaf@customers.example',
      'kim@customers.example',
      'lee@customers.example',
    ]);
  });

  it('leaves out a Removal-Recipient that holds no address and says so, keeping the others', () => {
    const r = optOut(
      'Removal-Recipient: unsubscribed reader',
      'Removal-Recipient: [redacted]@customers.example',
      'Removal-Recipient:',
      'Removal-Recipient: nadia@customers.example',
    );
    expect((r.findings[0] as FeedbackFinding).removalRecipients).toEqual([
      'nadia@customers.example',
    ]);
    expect(r.problems.filter((p) => p.code === 'arf.removal-recipient-invalid')).toHaveLength(2);
  });

  it('names ten fields without an address one by one and counts the rest in one problem, for a report of thousands of them', () => {
    const placeholders = Array.from({ length: 3000 }, (_, i) => `Removal-Recipient: withheld-${i}`);
    const redacted = Array.from({ length: 3000 }, () => 'Original-Rcpt-To: [redacted]');
    const r = optOut(...placeholders, ...redacted, 'Removal-Recipient: nadia@customers.example');
    const removal = r.problems.filter((p) => p.code === 'arf.removal-recipient-invalid');
    expect(removal).toHaveLength(11);
    expect(removal[0]?.detail).toBe('Removal-Recipient without an address: "withheld-0"');
    expect(removal[10]?.detail).toBe('2990 more Removal-Recipient fields without an address');
    const original = r.problems.filter((p) => p.code === 'arf.original-rcpt-to-redacted');
    expect(original).toHaveLength(11);
    expect(original[10]?.detail).toBe('2990 more Original-Rcpt-To fields without an address');
    expect((r.findings[0] as FeedbackFinding).removalRecipients).toEqual([
      'nadia@customers.example',
    ]);
  });

  it('names no address to remove when every Removal-Recipient is malformed', () => {
    const r = optOut('Removal-Recipient: nobody-here');
    expect((r.findings[0] as FeedbackFinding).removalRecipients).toBeUndefined();
  });

  it('names no address to remove in a report without Removal-Recipient, and its complainant stays Original-Rcpt-To', () => {
    const f = feedback(
      arf(
        [
          'Feedback-Type: abuse',
          'User-Agent: ListDesk/2.4',
          'Version: 1',
          'Original-Rcpt-To: <ines@customers.example>',
        ],
        ['To: ines@customers.example', '', 'x'],
      ),
    );
    expect(f.removalRecipients).toBeUndefined();
    expect(f.recipient).toBe('ines@customers.example');
    expect(f.report.extensions).toEqual({});
  });
});
