// Feedback reports as they reach a sender second-hand or redacted (bench/data/blind-messages-18):
// an ARF report a person forwards as an attachment is read for the complaint inside, and a
// redaction placeholder with brackets in its local part (RFC 6590) names no mailbox.
import type { FeedbackFinding } from '../../../src/report/types';
import { parseMessage } from '../../../src/report/index';
import { bracketedLocalPart } from '../../../src/report/arf';

const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\n'), 'utf8');

function arfReport(boundary: string, fields: string[], returnedTo: string): string[] {
  return [
    'From: loop@provider.sample.example',
    'To: complaints@sender.sample.example',
    'Subject: Complaint',
    `Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'A subscriber reported this message.',
    `--${boundary}`,
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: SampleLoop/2',
    'Version: 1',
    ...fields,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    'From: promo@sender.sample.example',
    `To: ${returnedTo}`,
    'Subject: Weekly picks',
    'Message-ID: <picks-7@sender.sample.example>',
    '',
    `--${boundary}--`,
  ];
}

function forward(note: string, attached: string[]): Buffer {
  return eml(
    'From: Desk <desk@sender.sample.example>',
    'To: lists@sender.sample.example',
    'Subject: Fwd: Complaint',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: text/plain',
    '',
    note,
    '--outer',
    'Content-Type: message/rfc822',
    '',
    ...attached,
    '--outer--',
  );
}

function feedback(raw: Buffer): FeedbackFinding[] {
  const r = parseMessage(raw);
  expect(r.problems.map((p) => p.code)).not.toContain('internal');
  return r.findings.filter((f): f is FeedbackFinding => f.kind === 'feedback');
}

describe('a forwarded ARF report', () => {
  test('a report a person forwards as an attachment gives the complaint inside, tied to the returned copy', () => {
    const found = feedback(
      forward(
        'Please take this address off the list.',
        arfReport(
          'in1',
          ['Original-Rcpt-To: <wren.hill@provider.sample.example>'],
          'other@provider.sample.example',
        ),
      ),
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.recipient).toBe('wren.hill@provider.sample.example');
    expect(found[0]?.report.feedback_type).toBe('abuse');
    expect(found[0]?.originalMessageId).toBe('picks-7@sender.sample.example');
  });

  test('a forwarded report without Original-Rcpt-To names the returned To, not the forward own recipient', () => {
    const found = feedback(forward('FYI', arfReport('in2', [], 'ash.lee@provider.sample.example')));
    expect(found[0]?.recipient).toBe('ash.lee@provider.sample.example');
  });

  test('a forwarded ordinary message that mentions a feedback report gives no finding', () => {
    const r = parseMessage(
      forward('Is this a feedback report?', [
        'From: promo@sender.sample.example',
        'To: ash.lee@provider.sample.example',
        'Subject: Weekly picks',
        '',
        'Feedback-Type: abuse',
        'Original-Rcpt-To: <ash.lee@provider.sample.example>',
      ]),
    );
    expect(r.findings).toHaveLength(0);
  });

  test('a forwarded report of another kind than feedback or delivery status gives no finding', () => {
    const r = parseMessage(
      forward('TLS report, anything to do?', [
        'From: reports@provider.sample.example',
        'Content-Type: multipart/report; report-type="tlsrpt"; boundary="t"',
        '',
        '--t',
        'Content-Type: text/plain',
        '',
        'Aggregate TLS report; 3 sessions failed.',
        '--t',
        'Content-Type: application/tlsrpt+json',
        '',
        '{"organization-name":"provider.sample.example","policies":[]}',
        '--t--',
      ]),
    );
    expect(r.findings).toHaveLength(0);
  });
});

describe('redacted complained-about addresses', () => {
  test('a bracketed placeholder local part in Original-Rcpt-To and To names no recipient', () => {
    const found = feedback(
      eml(
        ...arfReport(
          'r1',
          ['Original-Rcpt-To: <[redacted]@provider.sample.example>'],
          '[redacted]@provider.sample.example',
        ),
      ),
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.recipient).toBe('');
    expect(found[0]?.report.original_rcpto_to).toEqual([]);
  });

  test('a hashed local part stays an address, as the report gives it', () => {
    const found = feedback(
      eml(
        ...arfReport(
          'r2',
          ['Original-Rcpt-To: <5d41402abc4b2a76@provider.sample.example>'],
          'x@provider.sample.example',
        ),
      ),
    );
    expect(found[0]?.recipient).toBe('5d41402abc4b2a76@provider.sample.example');
  });

  test('an address whose display name has brackets is no placeholder', () => {
    expect(
      bracketedLocalPart(
        '"Lee [home]" <ash.lee@provider.sample.example>',
        'ash.lee@provider.sample.example',
      ),
    ).toBe(false);
    expect(bracketedLocalPart('<x]@provider.sample.example>', 'x]@provider.sample.example')).toBe(
      true,
    );
    expect(bracketedLocalPart('ash.lee@[192.0.2.9]', 'ash.lee@[192.0.2.9]')).toBe(false);
    expect(bracketedLocalPart('', 'no-at-sign')).toBe(false);
  });
});
