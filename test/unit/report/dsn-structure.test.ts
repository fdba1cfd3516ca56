// DSN structure as software varies it (bench/data/blind-messages-16): comments in
// Remote-MTA / Reporting-MTA and before Status's code (RFC 3464 §2.1.1), a Status
// written as a reply, and the returned copy that ties a forwarded report's findings.
import type { OobFinding } from '../../../src/report/types';
import { parseMessage } from '../../../src/report/index';
import { dsnMtaName } from '../../../src/report/dsn';
import { parseStatus, statusInReply } from '../../../src/report/reply';

const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\n'), 'utf8');

function report(boundary: string, statusLines: string[], returned: string[] = []): string[] {
  return [
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'A message could not be delivered.',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    ...statusLines,
    '',
    ...(returned.length > 0
      ? [`--${boundary}`, 'Content-Type: text/rfc822-headers', '', ...returned, '']
      : []),
    `--${boundary}--`,
  ];
}

function oob(raw: Buffer): OobFinding[] {
  const r = parseMessage(raw);
  expect(r.problems.map((p) => p.code)).not.toContain('internal');
  return r.findings.filter((f): f is OobFinding => f.kind === 'oob');
}

const BLOCK = [
  'Reporting-MTA: dns; relay.sample.example',
  '',
  'Final-Recipient: rfc822; pat@far.example',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 no such mailbox',
];

describe('Remote-MTA and Reporting-MTA names in a DSN', () => {
  it('drops a comment after the host name, as Gmail writes its Remote-MTA', () => {
    expect(
      dsnMtaName('dns; in1.far.example. (203.0.113.9, the server for the domain far.example.)'),
    ).toBe('in1.far.example');
  });

  it('drops a daemon name written as a comment after the Reporting-MTA', () => {
    expect(dsnMtaName('dns;store7.far.example (tcp_local-daemon)')).toBe('store7.far.example');
  });

  it('drops the root dot of an absolute dns name', () => {
    expect(dsnMtaName('DNS; mx.far.example.')).toBe('mx.far.example');
  });

  it('keeps a port or an address literal, which are no comments', () => {
    expect(dsnMtaName('dns; mx.far.example:25')).toBe('mx.far.example:25');
    expect(dsnMtaName('dns; [192.0.2.44]')).toBe('[192.0.2.44]');
  });

  it('keeps the dots of a name whose type is not dns', () => {
    expect(dsnMtaName('x-local; queue.')).toBe('queue.');
  });

  it('gives no name for a value that is only a comment, and keeps a lone dot', () => {
    expect(dsnMtaName('dns; (unknown)')).toBeNull();
    expect(dsnMtaName('dns; .')).toBe('.');
    expect(dsnMtaName(null)).toBeNull();
  });

  it('reports the cleaned Remote-MTA and Reporting-MTA on a parsed DSN', () => {
    const [f] = oob(
      eml(
        'From: MAILER-DAEMON@relay.sample.example',
        'To: bounces@sender.example',
        'Subject: failure notice',
        ...report('r1', [
          'Reporting-MTA: dns; relay.sample.example (outbound-daemon)',
          '',
          'Final-Recipient: rfc822; pat@far.example',
          'Action: failed',
          'Status: 5.1.1',
          'Remote-MTA: dns; in1.far.example. (203.0.113.9)',
          'Diagnostic-Code: smtp; 550 5.1.1 no such mailbox',
        ]),
      ),
    );
    expect(f?.report.remote_mta).toBe('in1.far.example');
    expect(f?.report.reporting_mta).toBe('relay.sample.example');
  });
});

describe('Status fields with comments and in reply form', () => {
  it('reads the code after a comment that opens the Status', () => {
    const s = parseStatus('(permanent failure) 5.2.2');
    expect(s.code).toEqual({ class: 5, subject: 2, detail: 2 });
    expect(s.comment).toBe('permanent failure');
  });

  it('reads the code before a trailing comment as before', () => {
    expect(parseStatus('5.1.1 (bad destination mailbox address)')).toEqual({
      code: { class: 5, subject: 1, detail: 1 },
      comment: 'bad destination mailbox address',
    });
  });

  it('gives no code for an unclosed comment or a comment without a code', () => {
    expect(parseStatus('(permanent failure').code).toBeNull();
    expect(parseStatus('(see the text) delivery failed').code).toBeNull();
  });

  it('takes the enhanced code out of a Status written as a reply', () => {
    expect(statusInReply('550 5.7.1')).toEqual({ class: 5, subject: 7, detail: 1 });
    expect(statusInReply('451\t4.4.7 try later')).toEqual({ class: 4, subject: 4, detail: 7 });
  });

  it('takes no enhanced code from a bare reply, a mismatched class or a longer number', () => {
    expect(statusInReply('554')).toBeNull();
    expect(statusInReply('550 4.2.2')).toBeNull();
    expect(statusInReply('5500 5.1.1')).toBeNull();
    expect(statusInReply('550-5.1.1')).toBeNull();
  });

  it('reports the enhanced code of a reply-form Status and of a commented one', () => {
    const parsed = (status: string): OobFinding | undefined =>
      oob(
        eml(
          'From: MAILER-DAEMON@relay.sample.example',
          'To: bounces@sender.example',
          'Subject: failure notice',
          ...report('r2', [
            'Reporting-MTA: dns; relay.sample.example',
            '',
            'Final-Recipient: rfc822; pat@far.example',
            'Action: failed',
            `Status: ${status}`,
            'Diagnostic-Code: smtp; mailbox unavailable',
          ]),
        ),
      )[0];
    const reply = parsed('553 5.1.3');
    expect(reply?.report.status).toBe('5.1.3');
    expect(reply?.reply.code).toBe(553);
    expect(parsed('(permanent) 5.2.1')?.report.status).toBe('5.2.1');
    expect(parsed('554')?.report.status).toBeNull();
  });
});

describe('the returned copy that ties a forwarded DSN', () => {
  const inner = (returned: string[]): string[] => [
    'Return-Path: <>',
    'From: MAILER-DAEMON@relay.sample.example',
    'To: owner@sender.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Message-ID: <the-dsn-itself@relay.sample.example>',
    'MIME-Version: 1.0',
    ...report('in', BLOCK, returned),
  ];
  const forwarded = (returned: string[]): Buffer =>
    eml(
      'From: Owner <owner@sender.example>',
      'To: desk@sender.example',
      'Subject: Fwd: Undelivered Mail Returned to Sender',
      'Message-ID: <the-forward@sender.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="fw"',
      '',
      '--fw',
      'Content-Type: text/plain',
      '',
      'Could you look at this bounce?',
      '--fw',
      'Content-Type: message/rfc822',
      '',
      ...inner(returned),
      '--fw--',
    );

  it('takes no Message-ID from the forwarded report itself when it returned no copy', () => {
    const [f] = oob(forwarded([]));
    expect(f?.recipient).toBe('pat@far.example');
    expect(f?.report.original_message_id).toBeNull();
  });

  it('takes the Message-ID of the copy the forwarded report returned', () => {
    const [f] = oob(
      forwarded([
        'From: owner@sender.example',
        'To: pat@far.example',
        'Message-ID: <the-original@sender.example>',
      ]),
    );
    expect(f?.report.original_message_id).toBe('the-original@sender.example');
  });

  it('still takes the returned message of a DSN that returns a DSN', () => {
    const raw = eml(
      'Return-Path: <>',
      'From: MAILER-DAEMON@outer.sample.example',
      'To: bounces@sender.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="out"',
      '',
      '--out',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; outer.sample.example',
      '',
      'Final-Recipient: rfc822; owner@sender.example',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 unknown',
      '',
      '--out',
      'Content-Type: message/rfc822',
      '',
      ...inner([]),
      '--out--',
    );
    const found = oob(raw);
    expect(found.map((f) => f.recipient)).toEqual(['owner@sender.example']);
    expect(found[0]?.report.original_message_id).toBe('the-dsn-itself@relay.sample.example');
  });
});

// A delivery-status part whose generator left out the blank line after its
// Content-Type: the status fields sit in the part's header section (reported as
// https://github.com/jhillyerd/enmime/issues/28, fixtures/field-kinds-17 p21).
function statusPartWithHeaders(partLines: string[], bodyLines: string[]): Buffer {
  return eml(
    'From: Mail Delivery System <MAILER-DAEMON@relay.sample.example>',
    'Subject: Undelivered Mail Returned to Sender',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="hb"',
    '',
    '--hb',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '',
    '--hb',
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    ...partLines,
    '',
    ...bodyLines,
    '',
    '--hb--',
  );
}

describe('status fields run into the header section of the delivery-status part', () => {
  it('reads a recipient whose whole report sits in the part header section', () => {
    const found = oob(
      statusPartWithHeaders(
        [
          'Reporting-MTA: dns; relay.sample.example',
          'Final-Recipient: rfc822; lee@far.example',
          'Action: failed',
          'Status: 5.2.2',
          'Diagnostic-Code: smtp; 552 5.2.2 mailbox full',
        ],
        [],
      ),
    );
    expect(found.map((f) => [f.recipient, f.reply.code])).toEqual([['lee@far.example', 552]]);
    expect(found[0]?.report.reporting_mta).toBe('relay.sample.example');
  });

  it('reads the per-message group from the header section and the recipients from the body', () => {
    const found = oob(
      statusPartWithHeaders(
        ['Reporting-MTA: dns; relay.sample.example', 'X-Postfix-Queue-ID: 4QwZ1'],
        [
          'Final-Recipient: rfc822; ann@far.example',
          'Action: failed',
          'Status: 5.1.1',
          '',
          'Final-Recipient: rfc822; bob@far.example',
          'Action: failed',
          'Status: 5.1.1',
        ],
      ),
    );
    expect(found.map((f) => f.recipient)).toEqual(['ann@far.example', 'bob@far.example']);
    expect(found[0]?.report.reporting_mta).toBe('relay.sample.example');
  });

  it('reads a folded Diagnostic-Code from the header section whole', () => {
    const found = oob(
      statusPartWithHeaders(
        [
          'Final-Recipient: rfc822; kim@far.example',
          'Action: failed',
          'Status: 5.1.1',
          'Diagnostic-Code: smtp; 550 5.1.1 <kim@far.example>: Recipient address',
          '    rejected: User unknown',
        ],
        [],
      ),
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.reply.content).toContain('Recipient address rejected: User unknown');
  });

  it('reads a well-formed part once, its Content-Description and other part fields not being report fields', () => {
    const found = oob(
      statusPartWithHeaders(['Content-Disposition: inline', 'X-Mailer-Part: 2'], BLOCK),
    );
    expect(found.map((f) => f.recipient)).toEqual(['pat@far.example']);
  });

  it('does not take a whole message of the delivery-status type for fields in a part header (an mbox Status header)', () => {
    const found = oob(
      eml(
        'From: Mail Delivery System <MAILER-DAEMON@relay.sample.example>',
        'Subject: Delivery Status Notification (Failure)',
        'Status: RO',
        'Content-Type: message/delivery-status',
        '',
        ...BLOCK,
      ),
    );
    expect(found.map((f) => [f.recipient, f.reply.code])).toEqual([['pat@far.example', 550]]);
  });

  it('reads a part header section of a megabyte of fields and returns', () => {
    const many = Array.from({ length: 40_000 }, (_, i) => `X-Trace-${String(i)}: hop ${String(i)}`);
    const found = oob(
      statusPartWithHeaders(
        [...many, 'Final-Recipient: rfc822; max@far.example', 'Action: failed', 'Status: 5.1.1'],
        [],
      ),
    );
    expect(found.length).toBeLessThanOrEqual(1);
  });
});
