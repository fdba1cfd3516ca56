// Two shapes of reply the transplant bench (bench/transplant.js) showed read wrong,
// checked on messages written for them in the layouts of several MTAs:
// * a reply of a code and the address only ("554 <a@b>:", "554 <a@b>..."), RFC 5321
//   §4.2 making the text optional: its code stands, never the class default 550;
// * a multi-line reply (RFC 5321 §4.2.1) cut after its first line in a
//   Diagnostic-Code (Sendmail writes "552-5.7.0 ..." there), whole in the transcript.
import { parseMessage } from '../../../src/report/index';
import {
  cutMultiline,
  readReply,
  reasonAbout,
  transcriptAbout,
  wholeReplyIn,
} from '../../../src/report/reply';
import { labelFindings } from '../../../src/pipeline/records';
import { fixtureClassifier } from '../../helpers/fixture-records';
import type { OobFinding } from '../../../src/report/types';

/** A multipart/report with `text` as its notification and one recipient block. */
function dsn(text: string[], fields: string[]): Buffer {
  return Buffer.from(
    [
      'From: MAILER-DAEMON@relay.example.org',
      'To: sender@example.com',
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      ...text,
      '',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; relay.example.org',
      '',
      ...fields,
      '',
      '--b1--',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

function only(raw: Buffer): OobFinding {
  const found = parseMessage(raw).findings.filter((f): f is OobFinding => f.kind === 'oob');
  expect(found).toHaveLength(1);
  return found[0] as OobFinding;
}

const failedBlock = (rcpt: string): string[] => [
  `Final-Recipient: rfc822; ${rcpt}`,
  'Action: failed',
  'Status: 5.0.0',
];

describe('a reply of a code and the address alone keeps its code', () => {
  test.each([
    [
      'OpenSMTPD, the entry "a@b: 554 <a@b>:" and nothing after it',
      [
        '    This is the MAILER-DAEMON, please DO NOT REPLY to this email.',
        '',
        '    An error has occurred while attempting to deliver a message for',
        '    the following list of recipients:',
        '',
        'ines@dest.example.net: 554 <ines@dest.example.net>: ',
        '',
        '    Below is a copy of the original message:',
      ],
      554,
    ],
    [
      'OpenSMTPD, a reply whose words follow the address',
      [
        '    the following list of recipients:',
        '',
        'ines@dest.example.net: 553 <ines@dest.example.net>: Sender address not accepted here',
        '',
        '    Below is a copy of the original message:',
      ],
      553,
    ],
    [
      'Sendmail, the verdict line "554 <a@b>..." in its transcript',
      [
        '   ----- The following addresses had permanent fatal errors -----',
        '<ines@dest.example.net>',
        '    (reason: refused by the local delivery agent)',
        '',
        '   ----- Transcript of session follows -----',
        'procmail: quota exceeded while writing the folder',
        '554 <ines@dest.example.net>... ',
      ],
      554,
    ],
    [
      'Postfix, a reply cut after "said: 554 <a@b>:" with its words wrapped below',
      [
        'This is the mail system at host relay.example.org.',
        '',
        '<ines@dest.example.net>: host mx.dest.example.net[192.0.2.25] said: 554',
        '    <ines@dest.example.net>: Relaying is not permitted for this address (in',
        '    reply to RCPT TO command)',
      ],
      554,
    ],
    [
      'Postfix, "said: 551 <a@b>:" ending the line, its text on the next',
      [
        'This is the mail system at host relay.example.org.',
        '',
        '<ines@dest.example.net>: host mx.dest.example.net[192.0.2.25] said: 551 <ines@dest.example.net>:',
        '    Recipient moved away, try another route (in reply to RCPT TO command)',
      ],
      551,
    ],
    [
      'Exim, the remote reply indented under the address',
      [
        'This message was created automatically by mail delivery software.',
        '',
        'A message that you sent could not be delivered to one or more of its',
        'recipients. This is a permanent error. The following address(es) failed:',
        '',
        '  ines@dest.example.net',
        '    SMTP error from remote mail server after RCPT TO:<ines@dest.example.net>:',
        '    554 <ines@dest.example.net>:',
      ],
      554,
    ],
  ])('%s', (_name, text, code) => {
    const f = only(dsn(text, failedBlock('ines@dest.example.net')));
    expect(f.reply.code).toBe(code);
  });

  test('the reason of an entry "a@b: 554 <a@b>:" is that reply, not the paragraph below it', () => {
    const lines = [
      'the following list of recipients:',
      '',
      'ines@dest.example.net: 554 <ines@dest.example.net>:',
      '',
      'Below is a copy of the original message:',
    ];
    expect(reasonAbout(lines, 'ines@dest.example.net')).toBe('554 <ines@dest.example.net>:');
  });

  test('a line ending in a label and a colon still announces the reason below it', () => {
    const lines = [
      'ines@dest.example.net: delivery failed for the following reason:',
      '',
      'the mailbox has no room left',
    ];
    expect(reasonAbout(lines, 'ines@dest.example.net')).toBe('the mailbox has no room left');
  });

  test('a sentence that ends in the address, with no reply code, says nothing about it', () => {
    const lines = ['', 'Your message could not be delivered to ines@dest.example.net', ''];
    expect(reasonAbout(lines, 'ines@dest.example.net')).toBeNull();
  });

  test('a number before the address that is no reply code does not make a reply', () => {
    const lines = ['', 'Message 1 of 3 for ines@dest.example.net', ''];
    expect(reasonAbout(lines, 'ines@dest.example.net')).toBeNull();
  });

  test('a Diagnostic-Code with its own reply code keeps it beside a text of another', () => {
    const f = only(
      dsn(
        [
          'the following list of recipients:',
          '',
          'ines@dest.example.net: 554 <ines@dest.example.net>:',
        ],
        [...failedBlock('ines@dest.example.net'), 'Diagnostic-Code: smtp; 551 5.1.6 mailbox moved'],
      ),
    );
    expect(f.reply.code).toBe(551);
    expect(f.reply.content).toBe('mailbox moved');
  });
});

describe('a multi-line reply cut after its first line in a Diagnostic-Code', () => {
  test.each([
    ['552-5.7.0 This message was refused because', true],
    ['550-5.1.1 first line 550-5.1.1 second line', true],
    ['550-5.1.1 first line 550 5.1.1 last line', false],
    ['550 5.1.1 a reply of one line', false],
    ['mailbox unavailable', false],
    ['5500-1 is no reply code', false],
  ])('%s is cut: %s', (text, cut) => {
    expect(cutMultiline(text)).toBe(cut);
  });

  const transcript = (reply: string[]): string[] => [
    '   ----- The following addresses had permanent fatal errors -----',
    '<ines@dest.example.net>',
    `    (reason: ${reply[0]?.slice(4) ?? ''})`,
    '',
    '   ----- Transcript of session follows -----',
    '... while talking to mx.dest.example.net.:',
    '>>> DATA',
    ...reply,
    '554 5.0.0 Service unavailable',
  ];
  const lines = [
    '<<< 550-5.2.1 The account you wrote to has been switched off by',
    '<<< 550-5.2.1 its owner and no longer takes mail; see',
    '<<< 550 5.2.1  https://help.dest.example.net/disabled abc123 - mx',
  ];

  test('the whole reply of the transcript is read, every line of it', () => {
    const f = only(
      dsn(transcript(lines), [
        ...failedBlock('ines@dest.example.net'),
        'Diagnostic-Code: SMTP; 550-5.2.1 The account you wrote to has been switched off by',
      ]),
    );
    expect(f.reply.code).toBe(550);
    expect(f.reply.enhancedCode).toEqual({ class: 5, subject: 2, detail: 1 });
    expect(f.reply.content).toBe(
      'The account you wrote to has been switched off by its owner and no longer takes mail; see https://help.dest.example.net/disabled abc123 - mx',
    );
    expect(f.reply.command).toBe('DATA');
  });

  test('the label is read from the words of the later lines too', () => {
    // "mailbox is full" stands on the last line only.
    const full = [
      '<<< 552-5.2.2 The recipient you wrote to cannot take this message:',
      '<<< 552 5.2.2 the mailbox is full. ref 77x - mx',
    ];
    const raw = dsn(transcript(full), [
      'Final-Recipient: rfc822; ines@dest.example.net',
      'Action: failed',
      'Status: 5.0.0',
      'Diagnostic-Code: SMTP; 552-5.2.2 The recipient you wrote to cannot take this message:',
    ]);
    const result = labelFindings(parseMessage(raw), fixtureClassifier());
    const [f] = result.findings as OobFinding[];
    expect(f?.reply.content).toContain('the mailbox is full');
    expect(f?.label).toBe('QuotaIssues');
  });

  test('a transcript whose reply does not go on from the cut line gives its own failing reply', () => {
    const f = only(
      dsn(transcript(['<<< 552 Requested mail action aborted: exceeded storage allocation']), [
        ...failedBlock('ines@dest.example.net'),
        'Diagnostic-Code: SMTP; 550-5.2.1 The account you wrote to has been switched off by',
      ]),
    );
    expect(f.reply.code).toBe(552);
    expect(f.reply.content).toBe('Requested mail action aborted: exceeded storage allocation');
  });

  test('a cut reply with no transcript beside it stays as written', () => {
    const f = only(
      dsn(
        ['Your message could not be delivered.'],
        [
          ...failedBlock('ines@dest.example.net'),
          'Diagnostic-Code: SMTP; 550-5.2.1 The account you wrote to has been switched off by',
        ],
      ),
    );
    expect(f.reply.code).toBe(550);
    expect(f.reply.content).toBe('The account you wrote to has been switched off by');
  });

  test('a whole Diagnostic-Code is not replaced by the transcript', () => {
    const f = only(
      dsn(transcript(lines), [
        ...failedBlock('ines@dest.example.net'),
        'Diagnostic-Code: SMTP; 550 5.1.1 no such mailbox here',
      ]),
    );
    expect(f.reply.content).toBe('no such mailbox here');
  });

  test('wholeReplyIn finds the reply a cut line opens, and nothing for a reply of one line', () => {
    const note = ['>>> DATA', ...lines, '554 5.0.0 Service unavailable'];
    expect(wholeReplyIn(note, '550-5.2.1 The account you wrote to has been switched off by')).toBe(
      '550-5.2.1 The account you wrote to has been switched off by 550-5.2.1 its owner and no longer takes mail; see 550 5.2.1  https://help.dest.example.net/disabled abc123 - mx',
    );
    expect(wholeReplyIn(['<<< 550-5.2.1 other words'], '550-5.2.1 The account')).toBeNull();
    expect(wholeReplyIn(['<<< 550 5.2.1 The account'], '550-5.2.1 The account')).toBeNull();
  });
});

describe("a transcript's lines about one recipient", () => {
  test("the server lines after the MTA's own verdict line answer later commands", () => {
    const lines = [
      '   ----- Transcript of session follows -----',
      '... while talking to mx.dest.example.net.:',
      '>>> DATA',
      '<<< 550 5.2.1 account switched off',
      '550 5.1.1 <ines@dest.example.net>... User unknown',
      '<<< 503 5.5.1 RCPT first',
    ];
    expect(transcriptAbout(lines, 'ines@dest.example.net', true)).toBe(
      '<<< 550 5.2.1 account switched off\n550 5.1.1 <ines@dest.example.net>... User unknown',
    );
  });

  test('a server line that names the address keeps the server lines after it', () => {
    const lines = [
      '   ----- Transcript of session follows -----',
      '>>> DATA',
      '<<< 550-5.1.1 <ines@dest.example.net>... no such user',
      '<<< 550 5.1.1 see the help pages',
    ];
    expect(transcriptAbout(lines, 'ines@dest.example.net', true)).toBe(
      '>>> DATA\n<<< 550-5.1.1 <ines@dest.example.net>... no such user\n<<< 550 5.1.1 see the help pages',
    );
  });
});

describe("a relay's code around a remote reply of a code alone", () => {
  const failed = { status: { class: 5, subject: 0, detail: 0 }, action: null, smtp: true };

  test.each([["550-'554'"], ["550 '554'"], ['550 554']])(
    '%s is read as reply code 554, no text',
    (text) => {
      const read = readReply(text, failed);
      expect(read.reply.code).toBe(554);
      expect(read.reply.content).toBe('');
    },
  );

  test.each([
    ['550 552 bytes is more than we take', 550],
    ["550-'5.2.2 the mailbox is full'", 550],
  ])('%s keeps its own code', (text, code) => {
    expect(readReply(text, failed).reply.code).toBe(code);
  });
});
