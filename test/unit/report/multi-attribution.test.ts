// Each recipient of a notice that names several takes its own reply (fixtures/multi
// checks whole messages): Sendmail's per-recipient lines after a refused DATA, the
// transcript's server reply over Sendmail's own summary line, and Gmail notices with
// one "** heading **" block per recipient. Wordings written for these tests.
import { parseMessage } from '../../../src/report/index';
import { formatEnhancedCode } from '../../../src/values';
import { reasonAbout } from '../../../src/report/reply';

const lines = (text: string): string[] => text.split('\n');

/** [recipient, reply code, enhanced code, content, command] of a message's OOB findings. */
function replies(raw: string): Array<[string, number, string | null, string, string | null]> {
  return parseMessage(Buffer.from(raw)).findings.flatMap((f) =>
    f.kind === 'oob'
      ? [
          [
            f.recipient,
            f.reply.code,
            f.reply.enhancedCode === null ? null : formatEnhancedCode(f.reply.enhancedCode),
            f.reply.content,
            f.reply.command,
          ] as [string, number, string | null, string, string | null],
        ]
      : [],
  );
}

describe('a reason read beside one address of a list of entries', () => {
  it('stops at the next line of the same shape that names another address', () => {
    const text = [
      '451 4.4.1 <ann@example.org>... Deferred: Connection timed out',
      '451 4.4.1 <bob@example.org>... Deferred: Connection refused',
    ].join('\n');
    expect(reasonAbout(lines(text), 'ann@example.org')).toBe(
      '451 4.4.1 <ann@example.org>... Deferred: Connection timed out',
    );
    expect(reasonAbout(lines(text), 'bob@example.org')).toBe(
      '451 4.4.1 <bob@example.org>... Deferred: Connection refused',
    );
  });

  it('goes on over a continuation line that repeats no words before an address', () => {
    const text = [
      'Mailbox full for <cy@example.org>, the quota of 2 GB is',
      'reached; ask dee@example.org to make room',
    ].join('\n');
    expect(reasonAbout(lines(text), 'cy@example.org')).toBe(
      'Mailbox full for <cy@example.org>, the quota of 2 GB is reached; ask dee@example.org to make room',
    );
  });

  it("ends Sendmail's own line for a recipient where the transcript's next command starts", () => {
    const text = [
      '>>> DATA',
      '<<< 554 5.7.1 Message refused',
      '554 5.0.0 <eve@example.org>... Service unavailable',
      '>>> QUIT',
      '<<< 221 2.0.0 Bye',
    ].join('\n');
    expect(reasonAbout(lines(text), 'eve@example.org')).toBe(
      '554 5.0.0 <eve@example.org>... Service unavailable',
    );
  });

  it("keeps the commands and replies that an entry headed by the address holds (Courier's)", () => {
    const text = [
      '<fay@example.org>:',
      '    mx.example.org [198.51.100.7]:',
      '>>> DATA',
      '<<< 552 5.3.4 Message too large for this server',
    ].join('\n');
    expect(reasonAbout(lines(text), 'fay@example.org')).toContain('552 5.3.4');
  });
});

/** A Sendmail report with the given fatal-error list and transcript, DSN groups with Status only. */
function sendmail(list: string[], transcript: string[], groups: Array<[string, string]>): string {
  return [
    'From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.com>',
    'To: sender@example.com',
    'Subject: Returned mail: see transcript for details',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    '   ----- The following addresses had permanent fatal errors -----',
    ...list,
    '',
    '   ----- Transcript of session follows -----',
    ...transcript,
    '',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mail.example.com',
    '',
    ...groups.flatMap(([r, s]) => [
      `Final-Recipient: rfc822; ${r}`,
      'Action: failed',
      `Status: ${s}`,
      '',
    ]),
    '--b--',
    '',
  ].join('\n');
}

describe('a Sendmail transcript that refuses several recipients at DATA', () => {
  it("gives each recipient the server reply, not Sendmail's summary or the next recipient's line", () => {
    const raw = sendmail(
      ['<gus@example.org>', '<hal@example.org>', '<ivy@example.org>'],
      [
        '... while talking to mx.example.org.:',
        '>>> RCPT To:<gus@example.org>',
        '<<< 550 5.2.1 <gus@example.org>... Account disabled',
        '550 5.2.1 <gus@example.org>... Account disabled',
        '>>> DATA',
        '<<< 552 5.3.4 Message exceeds the size limit of this server',
        '552 5.0.0 <hal@example.org>... Service unavailable',
        '552 5.0.0 <ivy@example.org>... Service unavailable',
      ],
      [
        ['gus@example.org', '5.2.1'],
        ['hal@example.org', '5.3.4'],
        ['ivy@example.org', '5.3.4'],
      ],
    );
    expect(replies(raw)).toEqual([
      ['gus@example.org', 550, '5.2.1', '<gus@example.org>... Account disabled', 'RCPT TO'],
      ['hal@example.org', 552, '5.3.4', 'Message exceeds the size limit of this server', 'DATA'],
      ['ivy@example.org', 552, '5.3.4', 'Message exceeds the size limit of this server', 'DATA'],
    ]);
  });

  it("keeps a reason line outside the transcript whose code differs from the server's", () => {
    const raw = sendmail(
      ['<jo@example.org>', '    (reason: 551 5.1.6 <jo@example.org>... User has moved)'],
      [
        '... while talking to mx.example.org.:',
        '>>> RCPT To:<jo@example.org>',
        '<<< 450 4.7.1 <jo@example.org>... Try again later',
      ],
      [['jo@example.org', '5.1.6']],
    );
    expect(replies(raw).map(([r, code]) => [r, code])).toEqual([['jo@example.org', 551]]);
  });
});

describe('a Gmail notice with one "** heading **" block per recipient', () => {
  const notice = (blocks: string[][], failed?: string): string =>
    [
      'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
      'To: sender@example.com',
      'Subject: Delivery Status Notification (Failure)',
      ...(failed === undefined ? [] : [`X-Failed-Recipients: ${failed}`]),
      'Content-Type: text/plain',
      '',
      ...blocks.flat(),
      '',
    ].join('\n');
  const block = (heading: string, to: string, reply: string): string[] => [
    `** ${heading} **`,
    '',
    `Your message wasn't delivered to ${to} because the remote server refused it.`,
    '',
    'The response from the remote server was:',
    reply,
    '',
  ];

  it('gives each recipient the reply of the block that names it', () => {
    const raw = notice([
      block('Message not delivered', 'kai@example.org', '550 5.7.1 Sender domain on a blocklist'),
      block('Address not found', 'lu@example.net', '550 5.1.1 No mailbox by that name'),
    ]);
    expect(replies(raw).map(([r, code, st]) => [r, code, st])).toEqual([
      ['kai@example.org', 550, '5.7.1'],
      ['lu@example.net', 550, '5.1.1'],
    ]);
  });

  it('reads the recipients of X-Failed-Recipients, each from its block, in the header order', () => {
    const raw = notice(
      [
        block('Message not delivered', 'mo@example.org', '552 5.2.2 Mailbox over quota'),
        block('Message not delivered', 'ned@example.net', '550 5.2.1 Account suspended'),
      ],
      'ned@example.net, mo@example.org',
    );
    expect(replies(raw).map(([r, code, st]) => [r, code, st])).toEqual([
      ['ned@example.net', 550, '5.2.1'],
      ['mo@example.org', 552, '5.2.2'],
    ]);
  });

  it('does not take a "** heading **" after other text below the reply as a block of its own', () => {
    const raw = notice([
      block('Address not found', 'oz@example.org', '550 5.1.1 No mailbox by that name'),
      ['Learn more at the help centre.', '', '** Other text **', 'pia@example.net wrote something'],
    ]);
    expect(replies(raw).map(([r]) => r)).toEqual(['oz@example.org']);
  });
});
