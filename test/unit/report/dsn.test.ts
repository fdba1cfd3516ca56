import type { OobFinding } from '../../../src/report/types';
import { parseMessage } from '../../../src/report/index';
import { readFixture } from '../../helpers/fixture-records';

const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\n'), 'utf8');

function dsn(
  statusLines: string[],
  opts: { type?: string; reportType?: string; tail?: string[] } = {},
): Buffer {
  return eml(
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    'To: bounce@bounce.example.com',
    'Subject: Undelivered Mail Returned to Sender',
    `Content-Type: ${opts.type ?? 'multipart/report'}; report-type=${opts.reportType ?? 'delivery-status'}; boundary="b"`,
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    ...statusLines,
    ...(opts.tail ?? ['--b--']),
  );
}

function oob(raw: Buffer): OobFinding[] {
  const r = parseMessage(raw);
  expect(r.problems.map((p) => p.code)).not.toContain('internal');
  return r.findings.filter((f): f is OobFinding => f.kind === 'oob');
}

describe('RFC 3464 delivery status notifications', () => {
  it('yields one finding per recipient block, in order', () => {
    const findings = oob(readFixture('rfc3464/kumomta-2.eml'));
    expect(findings.map((f) => [f.recipient, f.report.action, f.reply.code])).toEqual([
      ['arathib@vnet.ibm.com', 'failed', 550],
      ['johnh@hpnjld.njd.hp.com', 'delayed', 451],
      ['wsnell@sdcc13.ucsd.edu', 'failed', 550],
    ]);
  });

  it('keeps the other recipients when one block is malformed', () => {
    const findings = oob(
      dsn([
        'Reporting-MTA: dns; mx.example.net',
        '',
        'Final-Recipient: rfc822; first@example.com',
        'Action: failed',
        'Status: 5.1.1',
        '',
        'Action: failed',
        'Status: 5.0.0',
        'Garbage line without a colon',
        'Last-Attempt-Date: yesterday-ish',
        '',
        'Final-Recipient: rfc822; third@example.com',
        'Action: delayed',
        'Status: not-a-status',
        'Last-Attempt-Date: sometime',
        '',
      ]),
    );
    expect(findings.map((f) => f.recipient)).toEqual(['first@example.com', 'third@example.com']);
    expect(findings[1]?.time).toBeNull();
    expect(findings[1]?.report.status).toBeNull();
    expect(findings[1]?.reply.code).toBe(451);
  });

  it('reports a block without a recipient and a bad date as problems', () => {
    const r = parseMessage(
      dsn([
        'Reporting-MTA: dns; x',
        '',
        'Action: failed',
        '',
        'Final-Recipient: rfc822; a@example.com',
        'Action: failed',
        'Last-Attempt-Date: sometime',
        '',
      ]),
    );
    expect(r.problems.map((p) => p.code)).toEqual(
      expect.arrayContaining(['dsn.recipient-missing', 'dsn.bad-date']),
    );
    expect(r.findings).toHaveLength(1);
  });

  it('splits recipient blocks that lack the blank line between them', () => {
    const findings = oob(
      dsn([
        'Reporting-MTA: dns; mx.example.net',
        'Final-Recipient: rfc822; a@example.com',
        'Original-Recipient: rfc822; alias-a@example.com',
        'Action: failed',
        'Status: 5.1.1',
        'Original-Recipient: rfc822; alias-b@example.com',
        'Final-Recipient: rfc822; b@example.com',
        'Action: failed',
        'Status: 5.2.2',
        'Final-Recipient: rfc822; c@example.com',
        'Action: delayed',
        'Status: 4.4.1',
      ]),
    );
    expect(findings.map((f) => [f.recipient, f.report.final_recipient, f.report.status])).toEqual([
      ['alias-a@example.com', 'a@example.com', '5.1.1'],
      ['alias-b@example.com', 'b@example.com', '5.2.2'],
      ['c@example.com', 'c@example.com', '4.4.1'],
    ]);
    expect(findings[0]?.report.reporting_mta).toBe('mx.example.net');
  });

  it('reads folded field values', () => {
    const [f] = oob(
      dsn([
        'Reporting-MTA: dns;',
        '  mx.example.net',
        '',
        'Final-Recipient: rfc822;',
        '\tfolded@example.com',
        'Action: failed',
        'Status: 5.0.0',
        'Diagnostic-Code: smtp; 550 5.1.1 <folded@example.com>: Recipient address',
        '    rejected: User unknown in virtual mailbox table',
      ]),
    );
    expect(f?.recipient).toBe('folded@example.com');
    expect(f?.report.reporting_mta).toBe('mx.example.net');
    expect(f?.report.diagnostic_code).toEqual({
      type: 'smtp',
      text: '550 5.1.1 <folded@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
    });
    expect(f?.reply.content).toBe(
      '<folded@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
    );
  });

  it('reads field names, address types, content types and Action in any case', () => {
    const raw = eml(
      'CONTENT-TYPE: Multipart/REPORT; REPORT-TYPE=Delivery-Status; Boundary="B"',
      '',
      '--B',
      'content-type: MESSAGE/DELIVERY-STATUS',
      '',
      'REPORTING-MTA: DNS; MX.EXAMPLE.NET',
      '',
      'final-recipient: RFC822; Upper@Example.COM',
      'ACTION: FAILED (bad destination mailbox address)',
      'status: 5.1.1',
      'DIAGNOSTIC-CODE: SMTP; 550 5.1.1 no such user',
      '--B--',
    );
    const [f] = oob(raw);
    expect(f?.recipient).toBe('Upper@Example.COM');
    expect(f?.report.action).toBe('failed');
    expect(f?.reply).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 1, detail: 1 },
      content: 'no such user',
      command: null,
    });
  });

  it('reads angle-bracketed, empty and type-less recipient addresses', () => {
    const findings = oob(
      dsn([
        'Reporting-MTA: dns; mx',
        '',
        'Original-Recipient: rfc822;<>',
        'Final-Recipient: rfc822;<angle@example.com>',
        'Action: failed',
        'Status: 5.0.0',
        '',
        'Final-Recipient: bare@example.com',
        'Action: failed',
        'Status: 5.0.0',
        '',
        'Final-Recipient: x400; /C=us/ADMD=x/PRMD=y/O=z/S=someone/',
        'Action: failed',
        'Status: 5.0.0',
      ]),
    );
    expect(findings.map((f) => [f.recipient, f.report.original_recipient])).toEqual([
      ['angle@example.com', null],
      ['bare@example.com', null],
      ['/C=us/ADMD=x/PRMD=y/O=z/S=someone/', null],
    ]);
  });

  describe('a recipient that is a bare local part', () => {
    const block = (recipient: string): string[] => [
      'Reporting-MTA: dns; mx.example.net',
      '',
      `Final-Recipient: ${recipient}`,
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: x-unix; unknown user',
    ];
    const returned = (...headers: string[]): string[] => [
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      'From: News <news@sender.example.org>',
      ...headers,
      'Subject: hello',
      '',
      '--b--',
    ];

    it('is the address of the returned message with that local part, the report keeping its own word', () => {
      const [finding] = oob(
        dsn(block('rfc822; John'), {
          tail: returned('To: John Smith <john@example.com>, ann@example.com'),
        }),
      );
      expect(finding?.recipient).toBe('john@example.com');
      expect(finding?.report.final_recipient).toBe('John');
    });

    it('is qualified from a Cc address too', () => {
      const [finding] = oob(
        dsn(block('rfc822; ann'), {
          tail: returned('To: list@lists.example.org', 'Cc: Ann <Ann@example.com>'),
        }),
      );
      expect(finding?.recipient).toBe('Ann@example.com');
    });

    it('stays as written when the returned message names two addresses with that local part', () => {
      const [finding] = oob(
        dsn(block('rfc822; john'), {
          tail: returned('To: john@example.com, john@example.org'),
        }),
      );
      expect(finding?.recipient).toBe('john');
    });

    it('stays as written when no returned address has that local part', () => {
      const [finding] = oob(
        dsn(block('rfc822; john'), { tail: returned('To: johnny@example.com') }),
      );
      expect(finding?.recipient).toBe('john');
    });

    it('stays as the RFC 3464 example wrote it: an address of another mail system, no returned message', () => {
      const [finding] = oob(readFixture('rfc3464/kumomta-3.eml'));
      expect(finding?.recipient).toBe('nair_s');
      expect(finding?.report.final_recipient).toBe('nair_s');
    });

    it('leaves a recipient with a domain alone, whatever the returned message says', () => {
      const [finding] = oob(
        dsn(block('rfc822; john@mx.example.net'), { tail: returned('To: john@example.com') }),
      );
      expect(finding?.recipient).toBe('john@mx.example.net');
    });
  });

  it('ignores X- extension fields and unknown fields', () => {
    const [f] = oob(
      dsn([
        'Reporting-MTA: dns; mx',
        'X-Postfix-Queue-ID: 897DAC0',
        'X-Postfix-Sender: rfc822; user@example.com',
        '',
        'Final-Recipient: rfc822; a@example.com',
        'X-Actual-Recipient: rfc822; b@example.com',
        'X-Whatever: rfc822; c@example.com',
        'Action: failed',
        'Status: 5.0.0',
      ]),
    );
    expect(f?.recipient).toBe('a@example.com');
  });

  it('reads a delivery-status part without a multipart/report wrapper', () => {
    const [f] = oob(
      dsn(
        [
          'Reporting-MTA: dns; mx',
          '',
          'Final-Recipient: rfc822; mixed@example.com',
          'Action: failed',
          'Status: 5.1.1',
        ],
        { type: 'multipart/mixed', reportType: 'x' },
      ),
    );
    expect(f?.recipient).toBe('mixed@example.com');
  });

  it('reads a delivery-status part under a wrong report-type', () => {
    const [f] = oob(
      dsn(
        [
          'Reporting-MTA: dns; mx',
          '',
          'Final-Recipient: rfc822; wrong@example.com',
          'Action: failed',
          'Status: 5.1.1',
        ],
        { reportType: 'disposition-notification' },
      ),
    );
    expect(f?.recipient).toBe('wrong@example.com');
  });

  it('reads what it can of a report cut off in the middle of its delivery-status part', () => {
    const findings = oob(
      dsn(
        [
          'Reporting-MTA: dns; mx',
          '',
          'Final-Recipient: rfc822; one@example.com',
          'Action: failed',
          'Status: 5.1.1',
          '',
          'Final-Recipient: rfc822; two@example.com',
          'Action: fai',
        ],
        { tail: [] },
      ),
    );
    expect(findings.map((f) => [f.recipient, f.report.action])).toEqual([
      ['one@example.com', 'failed'],
      ['two@example.com', 'fai'],
    ]);
  });

  it('reads every prefix of a real DSN without an error', () => {
    const raw = readFixture('rfc3464/kumomta-5.eml');
    for (let cut = 0; cut <= raw.length; cut += 7) {
      const r = parseMessage(raw.subarray(0, cut));
      expect(r.problems.map((p) => p.code)).not.toContain('internal');
    }
  });

  it('reads a base64 message/global-delivery-status with utf-8 and \\x{} encoded addresses (RFC 6533)', () => {
    const status = [
      'Reporting-MTA: dns; smtp.example.org',
      '',
      'Original-Recipient: utf-8; j\\x{00FC}rgen@m\\x{00FC}ller.example',
      'Final-Recipient: rfc822; juergen@mueller.example',
      'Action: failed',
      'Status: 5.2.1',
      'Diagnostic-Code: smtp; 550 5.2.1 Mailbox disabled',
      '',
    ].join('\r\n');
    const raw = eml(
      'Content-Type: multipart/report; report-type=delivery-status; boundary=b',
      '',
      '--b',
      'Content-Type: message/global-delivery-status',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(status, 'utf8').toString('base64'),
      '--b',
      'Content-Type: message/global',
      '',
      'To: jürgen@müller.example',
      'Message-ID: <global-2@example.com>',
      '',
      'Grüße',
      '--b--',
    );
    const [f] = oob(raw);
    expect(f?.recipient).toBe('jürgen@müller.example');
    expect(f?.report.source).toBe('rfc6533');
    expect(f?.report.final_recipient).toBe('juergen@mueller.example');
    expect(f?.report.original_message_id).toBe('global-2@example.com');
    expect(f?.reply.enhancedCode).toEqual({ class: 5, subject: 2, detail: 1 });
  });

  it('reads raw UTF-8 addresses of the RFC 6533 fixture', () => {
    const findings = oob(readFixture('rfc6533/utf8-recipients.eml'));
    expect(findings.map((f) => [f.recipient, f.report.action, f.report.remote_mta])).toEqual([
      ['用户@例子.广告', 'failed', 'mx.例子.广告'],
      ['δοκιμή@παράδειγμα.δοκιμή', 'delayed', null],
    ]);
  });

  it('reads DSN fields pasted into a plain-text bounce', () => {
    const [f] = oob(readFixture('rfc3464/sisimai-rfc3464-34.eml'));
    expect(f?.recipient).toBe('kijitora@example.com');
    expect(f?.report.action).toBe('delayed');
    expect(f?.reply.enhancedCode).toEqual({ class: 4, subject: 4, detail: 1 });
    expect(f?.report.diagnostic_code?.type).toBe('x-postfix');
  });

  it('takes the reply from the notification text when a block has no Diagnostic-Code', () => {
    const raw = eml(
      'Content-Type: multipart/report; report-type=delivery-status; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'userunknown@example.net: 550 5.1.1 <userunknown@example.net>: Recipient address rejected: User unknown',
      'mailboxfull@example.net: 552 5.2.2 <mailboxfull@example.net>: Mailbox full',
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx',
      '',
      'Final-Recipient: rfc822; userunknown@example.net',
      'Action: failed',
      'Status: 5.0.0',
      '',
      'Final-Recipient: rfc822; mailboxfull@example.net',
      'Action: failed',
      'Status: 5.0.0',
      '--b--',
    );
    expect(
      oob(raw).map((f) => [f.reply.code, f.reply.enhancedCode, f.report.diagnostic_code]),
    ).toEqual([
      [550, { class: 5, subject: 1, detail: 1 }, null],
      [552, { class: 5, subject: 2, detail: 2 }, null],
    ]);
  });

  it('reads an Action of SendGrid\'s "expired" as failed', () => {
    const [f] = oob(
      dsn([
        'Arrival-Date: 2013-07-08 18-21-01',
        '',
        'Final-Recipient: rfc822; a@example.org',
        'Action: expired',
        'Status: ',
        'Diagnostic-Code: Connection timed out',
      ]),
    );
    expect(f?.report.action).toBe('failed');
    expect(f?.report.arrival_date).toBeNull();
  });

  it('takes the original message id from the returned message, without angle brackets', () => {
    const [f] = oob(readFixture('rfc3464/sisimai-rfc3464-01.eml'));
    expect(f?.report.original_message_id).toBe('E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org');
  });

  it('reads a bounce forwarded inside a message/rfc822 part', () => {
    const inner = dsn([
      'Reporting-MTA: dns; mx',
      '',
      'Final-Recipient: rfc822; fwd@example.com',
      'Action: failed',
      'Status: 5.1.1',
    ]).toString('utf8');
    const raw = eml(
      'Content-Type: multipart/mixed; boundary=outer',
      'Subject: Fwd: bounce',
      '',
      '--outer',
      'Content-Type: text/plain',
      '',
      'see below',
      '--outer',
      'Content-Type: message/rfc822',
      '',
      inner,
      '--outer--',
    );
    expect(oob(raw).map((f) => f.recipient)).toEqual(['fwd@example.com']);
  });
});

describe('KumoMTA parity', () => {
  // The recipients, codes and dates of KumoMTA's own report tables for these
  // fixtures (crates/kumo-log-types/src/rfc3464.rs); content follows our rule.
  it.each([
    [
      'kumomta-1.eml',
      [['louisl@larry.slip.umd.edu', 'failed', '4.0.0', 426, '1994-07-07T21:15:49Z', null]],
    ],
    [
      'kumomta-2.eml',
      [
        ['arathib@vnet.ibm.com', 'failed', '5.0.0', 550, null, null],
        ['johnh@hpnjld.njd.hp.com', 'delayed', '4.0.0', 451, null, null],
        ['wsnell@sdcc13.ucsd.edu', 'failed', '5.0.0', 550, null, null],
      ],
    ],
    ['kumomta-3.eml', [['nair_s', 'failed', '5.0.0', 550, null, null]]],
    ['kumomta-4.eml', [['thomas@de-montfort.ac.uk', 'delayed', '4.0.0', 451, null, null]]],
    [
      'kumomta-5.eml',
      [['recipient@domain.com', 'failed', '5.0.0', 552, null, '2025-01-29T16:36:51Z']],
    ],
    ['kumomta-6.eml', [['redacted@example.com', 'failed', '5.0.0', 550, null, null]]],
    [
      'kumomta-obsolete-arrival-date.eml',
      [['user@example.com', 'failed', '5.1.1', 550, null, '2026-07-02T18:55:38Z']],
    ],
  ])("%s gives KumoMTA's recipients, codes and dates", (name, expected) => {
    const findings = oob(readFixture(`rfc3464/${name}`));
    expect(
      findings.map((f) => [
        f.recipient,
        f.report.action,
        f.report.status,
        f.reply.code,
        f.report.last_attempt_date,
        f.report.arrival_date,
      ]),
    ).toEqual(expected);
  });

  it('gives the Outlook relay reply of kumomta-6 without the repeated enhanced code', () => {
    const [f] = oob(readFixture('rfc3464/kumomta-6.eml'));
    expect(f?.reply.enhancedCode).toEqual({ class: 5, subject: 4, detail: 1 });
    expect(f?.reply.content.startsWith('Recipient address rejected: Access denied.')).toBe(true);
    expect(f?.report.remote_mta).toBe('example-com.mail.eo.outlook.com:25');
  });
});

describe('DSN recipient blocks without a usable Diagnostic-Code', () => {
  /** A DSN whose notification part says `note` and whose delivery-status part is `fields`. */
  const report = (note: string[], fields: string[]): Buffer =>
    eml(
      'From: postmaster@mta.example.org',
      'Content-Type: multipart/report; report-type=delivery-status; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      ...note,
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mta.example.org',
      '',
      ...fields,
      '',
      '--b--',
    );
  const summary = (f: OobFinding | undefined) => [
    f?.reply.code,
    f?.reply.enhancedCode === null || f?.reply.enhancedCode === undefined
      ? null
      : `${f.reply.enhancedCode.class}.${f.reply.enhancedCode.subject}.${f.reply.enhancedCode.detail}`,
    f?.reply.content,
  ];
  /** Kim's block, whose Diagnostic-Code gives only the class (RFC 3463 §3 X.0.0). */
  const onlyClass = [
    'Final-Recipient: rfc822; kim@example.net',
    'Action: failed',
    'Status: 5.0.0',
    'Diagnostic-Code: smtp; 554 5.0.0 Service unavailable',
  ];

  it("takes the server's reply the text quotes when the Diagnostic-Code gives only the class", () => {
    const [f] = oob(
      report(
        ['<kim@example.net>... Deferred', '<<< 550 5.1.1 <kim@example.net>... User unknown'],
        onlyClass,
      ),
    );
    expect(summary(f)).toEqual([550, '5.1.1', '<kim@example.net>... User unknown']);
  });

  it('keeps a Diagnostic-Code of the class alone when the text quotes no reply, numbers or not', () => {
    const own = [554, '5.0.0', 'Service unavailable'];
    expect(summary(oob(report(['Delivery to <kim@example.net> failed.'], onlyClass))[0])).toEqual(
      own,
    );
    const dated = report(
      [
        'Received at Tue, 3 Dec 2024 10:20:30 +0200 (queue 4411).',
        'Delivery to <kim@example.net> failed after 250 tries.',
      ],
      onlyClass,
    );
    expect(summary(oob(dated)[0])).toEqual(own);
  });

  it("takes the remote reply from X-Supplementary-Info (Messaging Server's host, status and diagnostic)", () => {
    const findings = oob(
      report(
        [
          'Your message cannot be delivered to the following recipients:',
          '',
          '  Recipient address: one@example.net',
          '  Reason: Remote SMTP server has rejected address',
        ],
        [
          'Final-recipient: RFC822; one@example.net',
          'Action: failed',
          'Status: 5.0.0',
          'X-Supplementary-Info: <mx.example.net #5.0.0 smtp; 552 5.2.2 mailbox of one@example.net',
          ' is over its quota>',
          '',
          'Final-recipient: RFC822; two@example.org',
          'Action: failed',
          'Status: 5.0.0',
          'X-Supplementary-Info: <mx.example.org #5.0.0 smtp;',
          ' 550 5.7.1 [two@example.org]: Relaying denied>',
        ],
      ),
    );
    expect(findings.map(summary)).toEqual([
      [552, '5.2.2', 'mailbox of one@example.net is over its quota'],
      [550, '5.7.1', '[two@example.org]: Relaying denied'],
    ]);
    expect(findings[0]?.report.diagnostic_code).toBeNull();
  });

  it('takes the reply from an X-...-Diagnostic field', () => {
    const [f] = oob(
      report(
        ['Delivery failed.'],
        [
          'Final-Recipient: rfc822; one@example.net',
          'Action: failed',
          'Status: 5.0.0',
          'X-Remote-Diagnostic: smtp; 554 5.7.1 Message refused by policy',
        ],
      ),
    );
    expect(summary(f)).toEqual([554, '5.7.1', 'Message refused by policy']);
  });

  it('keeps a Diagnostic-Code that holds a reply over the extension fields', () => {
    const [f] = oob(
      report(
        ['Delivery failed.'],
        [
          'Final-Recipient: rfc822; one@example.net',
          'Action: failed',
          'Status: 5.1.1',
          'Diagnostic-Code: smtp; 550 5.1.1 no such user',
          'X-Supplementary-Info: <mx.example.net #5.0.0 smtp; 554 other text>',
        ],
      ),
    );
    expect(summary(f)).toEqual([550, '5.1.1', 'no such user']);
  });

  // Messaging Server's "<host #x.y.z type; reply>": the status it assigned stands in for
  // an enhanced code the reply lacks, as a Status field would (RFC 3464 §2.3.4, §2.3.6).
  const supplementary = (value: string): OobFinding | undefined =>
    oob(
      report(
        ['Delivery failed.'],
        ['Final-Recipient: rfc822; one@example.net', 'Action: failed', value],
      ),
    )[0];

  it('lets the status assigned in X-Supplementary-Info stand in when the reply has no enhanced code and there is no Status', () => {
    const f = supplementary(
      'X-Supplementary-Info: <relay.example.net #5.2.2 smtp;552 Requested mail action aborted: exceeded storage allocation>',
    );
    expect(summary(f)).toEqual([
      552,
      '5.2.2',
      'Requested mail action aborted: exceeded storage allocation',
    ]);
  });

  it("keeps the reply's own enhanced code over the assigned 5.0.0 in X-Supplementary-Info", () => {
    const f = supplementary(
      'X-Supplementary-Info: < #5.0.0 smtp;550 5.1.1 no account by that name>',
    );
    expect(summary(f)).toEqual([550, '5.1.1', 'no account by that name']);
  });

  it('takes no assigned status of another class than the reply, nor a "#" inside a host name', () => {
    expect(
      summary(supplementary('X-Supplementary-Info: <relay.example.net #4.4.7 smtp;550 Refused>')),
    ).toEqual([550, null, 'Refused']);
    expect(
      summary(supplementary('X-Supplementary-Info: <relay#5.example.net smtp;550 Refused>')),
    ).toEqual([550, null, 'Refused']);
  });

  it('does not take an extension field without a reply code, nor an unrelated X- field', () => {
    const [f] = oob(
      report(
        ['Delivery failed.'],
        [
          'Final-Recipient: rfc822; one@example.net',
          'Action: failed',
          'Status: 5.4.7',
          'X-Supplementary-Info: <mx.example.net #5.4.7 timed out>',
          'X-Queue-Id: 550 4A2B',
        ],
      ),
    );
    expect(f?.reply.code).toBe(550);
    expect(f?.reply.enhancedCode).toEqual({ class: 5, subject: 4, detail: 7 });
  });

  it("takes the reply from Sendmail's transcript when the diagnostic is a local program's exit status", () => {
    const [f] = oob(
      report(
        [
          '   ----- The following addresses had permanent fatal errors -----',
          '"|/usr/local/bin/filter"',
          '    (reason: 75)',
          '    (expanded from: <one@example.net>)',
          '',
          '   ----- Transcript of session follows -----',
          'filter: cannot open spool file',
          '554 5.3.0 unknown mailer error 75',
        ],
        [
          'Final-Recipient: RFC822; one@example.net',
          'X-Actual-Recipient: X-Unix; |/usr/local/bin/filter',
          'Action: failed',
          'Status: 5.0.0',
          'Diagnostic-Code: X-Unix; 75',
        ],
      ),
    );
    expect(summary(f)).toEqual([554, '5.3.0', 'unknown mailer error 75']);
    // The Diagnostic-Code itself is kept as it was sent, its type lower-cased.
    expect(f?.report.diagnostic_code).toEqual({ type: 'x-unix', text: '75' });
  });

  it("takes each recipient's part of a transcript, with the command it answered", () => {
    const findings = oob(
      report(
        [
          '   ----- Transcript of session follows -----',
          '... while talking to mx.example.net.:',
          '>>> RCPT To:<one@example.net>',
          '<<< 550 5.1.1 <one@example.net>... User unknown',
          '>>> RCPT To:<two@example.net>',
          '<<< 452 4.2.2 <two@example.net>... Over quota',
        ],
        [
          'Final-Recipient: RFC822; one@example.net',
          'Action: failed',
          'Status: 5.0.0',
          '',
          'Final-Recipient: RFC822; two@example.net',
          'Action: failed',
          'Status: 5.0.0',
        ],
      ),
    );
    expect(findings.map((f) => [...summary(f), f.reply.command])).toEqual([
      [550, '5.1.1', '<one@example.net>... User unknown', 'RCPT TO'],
      [452, '4.2.2', '<two@example.net>... Over quota', 'RCPT TO'],
    ]);
  });

  it("takes the stage from Postfix's notification paragraph when the Diagnostic-Code has none", () => {
    const [f] = oob(
      report(
        [
          '<one@example.net>: host mx.example.net[192.0.2.1] said: 550 5.7.1 Message',
          '    content rejected (in reply to end of DATA command)',
        ],
        [
          'Final-Recipient: rfc822; one@example.net',
          'Action: failed',
          'Status: 5.7.1',
          'Diagnostic-Code: smtp; 550 5.7.1 Message content rejected',
        ],
      ),
    );
    expect([f?.reply.content, f?.reply.command]).toEqual(['Message content rejected', '.']);
  });

  it('does not take the stage of a paragraph that tells of another reply', () => {
    const [f] = oob(
      report(
        ['<one@example.net>: host mx said: 451 4.3.0 try later (in reply to RCPT TO command)'],
        [
          'Final-Recipient: rfc822; one@example.net',
          'Action: failed',
          'Status: 5.7.1',
          'Diagnostic-Code: smtp; 550 5.7.1 Message content rejected',
        ],
      ),
    );
    expect(f?.reply.command).toBeNull();
  });

  it("takes the notification's own words when no reply is anywhere", () => {
    const [f] = oob(
      report(
        [
          'Your message to one@example.net could not be delivered for the following reason:',
          '',
          '   The mailbox is disabled.',
        ],
        ['Final-Recipient: rfc822; one@example.net', 'Action: failed', 'Status: 5.2.1'],
      ),
    );
    expect(summary(f)).toEqual([550, '5.2.1', 'The mailbox is disabled.']);
  });
});

describe("The SMTP stage of a DSN recipient's reply, from the notification text", () => {
  /** A Postfix-like DSN: notification text `note`, one recipient block per `blocks` entry. */
  const report = (note: string[], blocks: string[][]): Buffer =>
    eml(
      'From: MAILER-DAEMON@mx.sender.example (Mail Delivery System)',
      'Subject: Undelivered Mail Returned to Sender',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="q"',
      '',
      '--q',
      'Content-Description: Notification',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'This is the mail system at host mx.sender.example.',
      '',
      "I'm sorry to have to inform you that your message could not",
      "be delivered to one or more recipients. It's attached below.",
      '',
      '                   The mail system',
      '',
      ...note,
      '',
      '--q',
      'Content-Description: Delivery report',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.sender.example',
      'X-Postfix-Queue-ID: 4F2A1',
      '',
      ...blocks.flatMap((b) => [...b, '']),
      '--q--',
    );
  const block = (address: string, status: string, diagnostic: string): string[] => [
    `Final-Recipient: rfc822; ${address}`,
    `Original-Recipient: rfc822;${address}`,
    'Action: failed',
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
  ];
  const stages = (raw: Buffer) => oob(raw).map((f) => [f.recipient, f.reply.code, f.reply.command]);

  it("reads a Postfix entry whose wrapped reply names the recipient again (the note on the entry's last line)", () => {
    const raw = report(
      [
        '<carla@rcpt.example>: host mx1.rcpt.example[192.0.2.10] said: 550 5.1.1',
        '    <carla@rcpt.example>: Recipient address rejected: User unknown in virtual',
        '    mailbox table (in reply to RCPT TO command)',
      ],
      [
        block(
          'carla@rcpt.example',
          '5.1.1',
          '550 5.1.1 <carla@rcpt.example>: Recipient address rejected: User unknown in virtual mailbox table',
        ),
      ],
    );
    expect(stages(raw)).toEqual([['carla@rcpt.example', 550, 'RCPT TO']]);
  });

  it('gives each recipient the stage of its own entry when two recipients failed at different commands', () => {
    const raw = report(
      [
        '<dora@rcpt.example>: host mx1.rcpt.example[192.0.2.10] said: 452 4.2.2',
        '    <dora@rcpt.example>: mailbox over quota (in reply to RCPT',
        '    TO command)',
        '',
        '<emil@rcpt.example> (expanded from <team@sender.example>): host',
        '    mx1.rcpt.example[192.0.2.10] said: 554 5.7.1 Message rejected as spam by',
        '    content filter (in reply to end of DATA command)',
        '',
        '<fred@rcpt.example>: host mx1.rcpt.example[192.0.2.10] said: 553 5.1.8',
        '    <news@sender.example>: Sender address rejected: Domain not found (in',
        '    reply to MAIL FROM command)',
      ],
      [
        block('dora@rcpt.example', '4.2.2', '452 4.2.2 <dora@rcpt.example>: mailbox over quota'),
        block('emil@rcpt.example', '5.7.1', '554 5.7.1 Message rejected as spam by content filter'),
        block(
          'fred@rcpt.example',
          '5.1.8',
          '553 5.1.8 <news@sender.example>: Sender address rejected: Domain not found',
        ),
      ],
    );
    expect(stages(raw)).toEqual([
      ['dora@rcpt.example', 452, 'RCPT TO'],
      ['emil@rcpt.example', 554, '.'],
      ['fred@rcpt.example', 553, 'MAIL FROM'],
    ]);
  });

  it("reads Exim's indented entries, whose stage line names the recipient again", () => {
    const raw = report(
      [
        'A message that you sent could not be delivered to one or more of its',
        'recipients. This is a permanent error. The following address(es) failed:',
        '',
        '  gina@rcpt.example',
        '    host mx1.rcpt.example [192.0.2.10]',
        '    SMTP error from remote mail server after RCPT TO:<gina@rcpt.example>:',
        '    550 5.1.1 <gina@rcpt.example>: no such user here',
        '  hugo@rcpt.example',
        '    host mx1.rcpt.example [192.0.2.10]',
        '    SMTP error from remote mail server after end of data:',
        '    552 5.3.4 Message too large for this mailbox',
      ],
      [
        block('gina@rcpt.example', '5.1.1', '550 5.1.1 <gina@rcpt.example>: no such user here'),
        block('hugo@rcpt.example', '5.3.4', '552 5.3.4 Message too large for this mailbox'),
      ],
    );
    expect(stages(raw)).toEqual([
      ['gina@rcpt.example', 550, 'RCPT TO'],
      ['hugo@rcpt.example', 552, '.'],
    ]);
  });

  it("reads a Sendmail transcript's command for each recipient when the Diagnostic-Code has the reply", () => {
    const raw = report(
      [
        '   ----- The following addresses had permanent fatal errors -----',
        '<ida@rcpt.example>',
        '    (reason: 550 5.1.1 <ida@rcpt.example>... User unknown)',
        '<jan@rcpt.example>',
        '    (reason: 554 5.7.1 Content rejected)',
        '',
        '   ----- Transcript of session follows -----',
        '... while talking to mx1.rcpt.example.:',
        '>>> RCPT To:<ida@rcpt.example>',
        '<<< 550 5.1.1 <ida@rcpt.example>... User unknown',
        '550 5.1.1 <ida@rcpt.example>... User unknown',
        '>>> DATA',
        '<<< 554 5.7.1 Content rejected',
        '554 5.7.1 <jan@rcpt.example>... Content rejected',
      ],
      [
        block('ida@rcpt.example', '5.1.1', '550 5.1.1 <ida@rcpt.example>... User unknown'),
        block('jan@rcpt.example', '5.7.1', '554 5.7.1 Content rejected'),
      ],
    );
    expect(stages(raw)).toEqual([
      ['ida@rcpt.example', 550, 'RCPT TO'],
      ['jan@rcpt.example', 554, 'DATA'],
    ]);
  });

  it('gives no stage to a reply Sendmail shows under a pipelined DATA with the DATA reply after it', () => {
    const raw = report(
      [
        '   ----- Transcript of session follows -----',
        '... while talking to mx1.rcpt.example.:',
        '>>> DATA',
        '<<< 550 5.1.1 <olga@rcpt.example>: Recipient address rejected: User unknown',
        '550 5.1.1 <olga@rcpt.example>... User unknown',
        '<<< 554 5.5.1 Error: no valid recipients',
      ],
      [
        block(
          'olga@rcpt.example',
          '5.1.1',
          '550 5.1.1 <olga@rcpt.example>: Recipient address rejected: User unknown',
        ),
      ],
    );
    expect(stages(raw)).toEqual([['olga@rcpt.example', 550, null]]);
  });

  it("does not give a recipient the stage of another recipient's entry that names it", () => {
    const raw = report(
      [
        '<kai@rcpt.example>: host mx1.rcpt.example[192.0.2.10] said: 550 5.7.1',
        '    <lea@rcpt.example>: forwarding loop detected (in reply to RCPT TO command)',
        '',
        '<lea@rcpt.example>: host mx1.rcpt.example[192.0.2.10] said: 550 5.1.1 no',
        '    such mailbox',
      ],
      [
        block(
          'kai@rcpt.example',
          '5.7.1',
          '550 5.7.1 <lea@rcpt.example>: forwarding loop detected',
        ),
        block('lea@rcpt.example', '5.1.1', '550 5.1.1 no such mailbox'),
      ],
    );
    expect(stages(raw)).toEqual([
      ['kai@rcpt.example', 550, 'RCPT TO'],
      ['lea@rcpt.example', 550, null],
    ]);
  });

  it('does not take a transcript that names another recipient for one that it does not name', () => {
    const raw = report(
      [
        '   ----- Transcript of session follows -----',
        '... while talking to mx1.rcpt.example.:',
        '>>> RCPT To:<max@rcpt.example>',
        '<<< 550 5.1.1 <max@rcpt.example>... User unknown',
      ],
      [
        block('max@rcpt.example', '5.1.1', '550 5.1.1 <max@rcpt.example>... User unknown'),
        block('nina@rcpt.example', '5.1.1', '550 5.1.1 User unknown'),
      ],
    );
    expect(stages(raw)).toEqual([
      ['max@rcpt.example', 550, 'RCPT TO'],
      ['nina@rcpt.example', 550, null],
    ]);
  });
});

describe('DSN text fields in other charsets', () => {
  const ESC = '\x1b';

  it("decodes lhost-domino-02's Diagnostic-Code, raw ISO-2022-JP, in the reply and in diagnostic_code", () => {
    const [f] = oob(readFixture('rfc3464/sisimai-lhost-domino-02.eml'));
    const text = 'ユーザーNeko (kijitora@example.co.jp) は Domino ディレクトリには見つかりません。';
    expect(f?.reply.content).toBe(text);
    expect(f?.report.diagnostic_code).toEqual({ type: 'x-notes', text });
  });

  it('decodes raw ISO-2022-JP and encoded words in the Diagnostic-Code and the Status comment', () => {
    const findings = oob(
      dsn([
        'Reporting-MTA: dns; mx.example.net',
        '',
        'Final-Recipient: rfc822; taro@example.jp',
        'Action: failed',
        'Status: 5.2.2',
        `Diagnostic-Code: smtp; 552 5.2.2 ${ESC}$B%a!<%k%\\%C%/%9$,0lGU$G$9${ESC}(B`,
        '',
        'Final-Recipient: rfc822; hanako@example.jp',
        'Action: failed',
        'Status: 5.1.1 (=?ISO-2022-JP?B?GyRCMDhAaCQsQjg6XyQ3JF4kOyRzGyhC?=)',
        '',
        'Final-Recipient: rfc822; jens@example.de',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 =?ISO-8859-1?Q?Empf=E4nger_unbekannt?=',
      ]),
    );
    expect(findings.map((f) => [f.recipient, f.reply.code, f.reply.content])).toEqual([
      ['taro@example.jp', 552, 'メールボックスが一杯です'],
      ['hanako@example.jp', 550, '宛先が存在しません'],
      ['jens@example.de', 550, 'Empfänger unbekannt'],
    ]);
  });
});

describe('a reply written in the Status field', () => {
  const block = (status: string, diagnostic: string) =>
    oob(
      dsn([
        'Reporting-MTA: dns; mx.example.net',
        '',
        'Final-Recipient: rfc822; noor@example.org',
        'Action: failed',
        `Status: ${status}`,
        `Diagnostic-Code: ${diagnostic}`,
        '',
      ]),
    )[0]?.reply;

  it('takes the codes from the Status field and the words from a Diagnostic-Code without codes', () => {
    expect(block('553 5.1.3', 'smtp; bad recipient address syntax')).toEqual({
      code: 553,
      enhancedCode: { class: 5, subject: 1, detail: 3 },
      content: 'bad recipient address syntax',
      command: null,
    });
    expect(block('554', 'smtp; transaction refused')?.code).toBe(554);
  });

  it("keeps the Diagnostic-Code's own reply over a reply in the Status field", () => {
    expect(block('553 5.1.3', 'smtp; 550 5.1.1 no such mailbox')).toMatchObject({
      code: 550,
      enhancedCode: { class: 5, subject: 1, detail: 1 },
    });
  });

  it('reads no reply from a Status comment that is words only', () => {
    expect(block('failed (see below)', 'smtp; no such mailbox')?.code).toBe(550);
  });
});

describe('DSN fields pasted into a text bounce', () => {
  const exim = (copy: string[]): Buffer =>
    eml(
      'From: Mail Delivery System <Mailer-Daemon@mx.example.net>',
      'To: bounce@bounce.example.com',
      'X-Failed-Recipients: first@example.net',
      'Subject: Mail delivery failed: returning message to sender',
      'Content-Type: text/plain',
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      '  first@example.net',
      '    SMTP error from remote mail server after RCPT TO:<first@example.net>:',
      '    550 5.1.1 no mailbox here by that name',
      '',
      ...copy,
    );

  it("does not read the DSN fields of a returned copy (after Exim's copy line) as the bounce's own", () => {
    const findings = oob(
      exim([
        '------ This is a copy of the message, including all the headers. ------',
        '',
        'From: daemon@bounce.example.com',
        'Content-Type: multipart/report; report-type=delivery-status; boundary=z',
        '',
        '--z',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; bounce.example.com',
        '',
        'Final-Recipient: rfc822; earlier@bounce.example.com',
        'Action: failed',
        'Status: 5.2.1',
        '--z--',
      ]),
    );
    expect(findings.map((f) => f.recipient)).toEqual(['first@example.net']);
    expect(findings[0]?.reply.code).toBe(550);
  });

  it('does the same after a qmail-style "Below this line is a copy of the message" line', () => {
    const findings = oob(
      exim([
        '--- Below this line is a copy of the message.',
        '',
        'Final-Recipient: rfc822; earlier@bounce.example.com',
        'Action: failed',
        'Status: 5.2.1',
      ]),
    );
    expect(findings.map((f) => f.recipient)).toEqual(['first@example.net']);
  });

  it('still reads DSN fields that a notice pastes before its returned copy', () => {
    const findings = oob(
      eml(
        'From: MAILER-DAEMON@relay.example.net',
        'To: bounce@bounce.example.com',
        'Subject: Undelivered Mail Returned to Sender',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        '',
        'Reporting-MTA: dns; relay.example.net',
        '',
        'Final-Recipient: rfc822; pasted@example.org',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
        '',
        '----- Original message follows -----',
        '',
        'From: news@bounce.example.com',
        'Subject: hi',
      ),
    );
    expect(findings.map((f) => f.recipient)).toEqual(['pasted@example.org']);
  });
});
