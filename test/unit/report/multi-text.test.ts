// A report whose text tells of one recipient and whose delivery-status part holds a
// second group with a reply of its own (bench/multi-transplant.js does this to every
// development DSN): the first recipient keeps the record it has alone. The text's
// readings pair with the groups by address, and text that names nobody serves the one
// group that lacks a reply saying why, never one it may belong to another (RFC 3464
// §2.3). Wordings written for these tests.
import { parseMessage } from '../../../src/report/index';
import { formatEnhancedCode } from '../../../src/values';

type Row = [string, number, string | null, string];

/** [recipient, reply code, enhanced code, content] of a message's failed OOB findings. */
function rows(raw: string): Row[] {
  return parseMessage(Buffer.from(raw)).findings.flatMap((f): Row[] =>
    f.kind === 'oob' && f.report.action === 'failed'
      ? [
          [
            f.recipient,
            f.reply.code,
            f.reply.enhancedCode === null ? null : formatEnhancedCode(f.reply.enhancedCode),
            f.reply.content,
          ],
        ]
      : [],
  );
}

/** A Sendmail-shaped report: its text part, then one DSN group per entry (field lines). */
function report(text: string[], groups: string[][]): string {
  return [
    'From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.com>',
    'To: sender@example.com',
    'Subject: Returned mail: see transcript for details',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="sep"',
    '',
    '--sep',
    'Content-Type: text/plain',
    '',
    'The original message was received at Tue, 1 Dec 2026 07:10:00 GMT',
    'from client.example.com [198.51.100.20]',
    '',
    ...text,
    '',
    '--sep',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; relay.example.com',
    'Arrival-Date: Tue, 1 Dec 2026 07:10:00 GMT',
    '',
    ...groups.flatMap((g) => [...g, '']),
    '--sep',
    'Content-Type: text/rfc822-headers',
    '',
    'From: sender@example.com',
    'To: pia@example.org',
    'Subject: Minutes',
    'Message-ID: <minutes-7@example.com>',
    '',
    '--sep--',
    '',
  ].join('\n');
}

/** The second group: another recipient, refused with a reply of its own. */
const SECOND = [
  'Final-Recipient: rfc822; rex@example.net',
  'Action: failed',
  'Status: 5.2.2',
  'Diagnostic-Code: smtp; 552 5.2.2 Mailbox over its storage limit',
];
const SECOND_ROW: Row = ['rex@example.net', 552, '5.2.2', 'Mailbox over its storage limit'];

/** The records alone, then with SECOND after the group: the first must not change. */
function alone(text: string[], group: string[]): { one: Row[]; two: Row[] } {
  return { one: rows(report(text, [group])), two: rows(report(text, [group, SECOND])) };
}

describe('a second recipient group beside a text that tells of the first only', () => {
  it("keeps the address a relay's Final-Recipient of a host alone leaves to the text", () => {
    const { one, two } = alone(
      [
        '   ----- The following addresses had permanent fatal errors -----',
        '<pia@example.org>',
        '',
        '   ----- Transcript of session follows -----',
        '550 5.1.2 <pia@example.org>... Host unknown (no MX or A record for example.org)',
      ],
      ['Final-Recipient: rfc822; @gateway.example.org', 'Action: failed', 'Status: 5.1.2'],
    );
    expect(one).toHaveLength(1);
    expect(one[0]?.[0]).toBe('pia@example.org');
    expect(one[0]?.[2]).toBe('5.1.2');
    expect(two).toEqual([one[0], SECOND_ROW]);
  });

  it("keeps the reason of a deferral transcript without a reply code (Sendmail's queue timeout)", () => {
    const { one, two } = alone(
      [
        '   ----- The following addresses had permanent fatal errors -----',
        '<pia@example.org>',
        '',
        '   ----- Transcript of session follows -----',
        '<pia@example.org>... Deferred: Connection reset by mx.example.org.',
        'Message could not be delivered for 4 days',
        'Message will be deleted from queue',
      ],
      ['Final-Recipient: rfc822; pia@example.org', 'Action: failed', 'Status: 4.4.7'],
    );
    expect(one[0]?.[3]).toContain('Connection reset by mx.example.org.');
    expect(two).toEqual([one[0], SECOND_ROW]);
  });

  it("takes the mailer's exit line that names nobody when the other group has its reply", () => {
    const { one, two } = alone(
      [
        '   ----- The following addresses had permanent fatal errors -----',
        '"|/usr/local/bin/filter-mail"',
        '    (reason: 75)',
        '    (expanded from: <pia@example.org>)',
        '',
        '   ----- Transcript of session follows -----',
        'filter-mail: cannot open spool directory',
        '554 5.3.0 unknown mailer error 75',
      ],
      [
        'Final-Recipient: rfc822; pia@example.org',
        'Action: failed',
        'Status: 5.0.0',
        'Diagnostic-Code: X-Unix; 75',
      ],
    );
    expect(one).toEqual([['pia@example.org', 554, '5.3.0', 'unknown mailer error 75']]);
    expect(two).toEqual([one[0], SECOND_ROW]);
  });

  it("takes the server's reply after DATA over Sendmail's class-only Diagnostic-Code", () => {
    const { one, two } = alone(
      [
        '   ----- The following addresses had permanent fatal errors -----',
        '<pia@example.org>',
        '',
        '   ----- Transcript of session follows -----',
        '... while talking to mx.example.org.:',
        '>>> .',
        '<<< 554 5.7.1 Content refused: message looks like bulk mail',
        '554 5.0.0 Service unavailable',
      ],
      [
        'Final-Recipient: rfc822; pia@example.org',
        'Action: failed',
        'Status: 5.7.1',
        'Diagnostic-Code: smtp; 554 5.0.0 Service unavailable',
      ],
    );
    expect(one).toEqual([
      ['pia@example.org', 554, '5.7.1', 'Content refused: message looks like bulk mail'],
    ]);
    expect(two).toEqual([one[0], SECOND_ROW]);
  });
});

describe('a Sendmail local user named alone in the text', () => {
  const text = [
    '   ----- The following addresses had permanent fatal errors -----',
    'pia',
    '    (expanded from: pia)',
    '',
    '   ----- Transcript of session follows -----',
    'pia... Deferred: Connection refused by [192.0.2.25]',
    'Message could not be delivered for 5 days',
  ];
  const group = (address: string): string[] => [
    `Final-Recipient: rfc822; ${address}`,
    'Action: failed',
    'Status: 4.4.7',
  ];

  it('is no reason of a group of another local part', () => {
    const found = rows(report(text, [group('quin@relay.example.com'), SECOND]));
    expect(found[0]?.[3]).not.toContain('Connection refused');
  });
});

describe('text that names nobody where it may be another recipient’s', () => {
  const transcript = [
    '   ----- Transcript of session follows -----',
    '... while talking to mx.example.org.:',
    '>>> .',
    '<<< 554 5.7.1 Content refused: message looks like bulk mail',
    '554 5.0.0 Service unavailable',
  ];
  const classOnly = (address: string): string[] => [
    `Final-Recipient: rfc822; ${address}`,
    'Action: failed',
    'Status: 5.0.0',
    'Diagnostic-Code: smtp; 554 5.0.0 Service unavailable',
  ];

  it('is read for neither of two groups that both lack a reply saying why', () => {
    const found = rows(
      report(
        ['<pia@example.org>', '<rex@example.net>', '', ...transcript],
        [classOnly('pia@example.org'), classOnly('rex@example.net')],
      ),
    );
    expect(found.map((r) => r[2])).toEqual(['5.0.0', '5.0.0']);
    expect(found.map((r) => r[3])).toEqual(['Service unavailable', 'Service unavailable']);
  });

  it("is not read when it repeats the other group's reply", () => {
    const found = rows(
      report(
        ['<pia@example.org>', '', ...transcript],
        [
          classOnly('pia@example.org'),
          [
            'Final-Recipient: rfc822; rex@example.net',
            'Action: failed',
            'Status: 5.7.1',
            'Diagnostic-Code: smtp; 554 5.7.1 Content refused: message looks like bulk mail',
          ],
        ],
      ),
    );
    expect(found[0]).toEqual(['pia@example.org', 554, '5.0.0', 'Service unavailable']);
  });

  it('is not read when it names the other recipient', () => {
    const found = rows(
      report(
        [
          '<pia@example.org>',
          '',
          '   ----- Transcript of session follows -----',
          '... while talking to mx.example.net.:',
          '>>> RCPT To:<rex@example.net>',
          '<<< 554 5.7.1 <rex@example.net>... Relaying denied',
        ],
        [classOnly('pia@example.org'), SECOND],
      ),
    );
    expect(found).toEqual([['pia@example.org', 554, '5.0.0', 'Service unavailable'], SECOND_ROW]);
  });
});

describe('the addresses of a text paired with groups that name none', () => {
  it('are not given out when the groups of no address outnumber them', () => {
    const found = rows(
      report(
        [
          '   ----- The following addresses had permanent fatal errors -----',
          '<pia@example.org>',
          '',
          '   ----- Transcript of session follows -----',
          '550 5.1.2 <pia@example.org>... Host unknown (no MX or A record for example.org)',
        ],
        [
          ['Final-Recipient: rfc822; @gateway.example.org', 'Action: failed', 'Status: 5.1.2'],
          ['Final-Recipient: rfc822; @gateway.example.net', 'Action: failed', 'Status: 5.1.2'],
        ],
      ),
    );
    expect(found.map((r) => r[0])).not.toContain('pia@example.org');
  });
});
