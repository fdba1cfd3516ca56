// Legacy bounce formats (bench/data/blind-messages-24, h159): what the old software
// always emitted.
// * Exchange 2003 names a recipient by its directory display name only ("Owen Gray on
//   9/9/2004 4:25 PM"): the returned message's To/Cc entry with that name is the address
//   (src/report/heuristic/exchange.ts).
// * A notice whose recipient line carries no reason says why in the sentence that the
//   message was not delivered (MMDF's "After 12 days ..."), or in the paragraph before
//   that sentence when a ruler follows it (CompuServe) (src/report/fallback.ts).
// * An X.400 gateway in Domino's label-and-indented-values layout (ISODE PP's RFC 1327
//   report) gives its reason over lines (src/report/heuristic/lotus.ts).
// Every text here was written for this test.
import { failures, notice as message } from '../../helpers/notices';

/** An Exchange 2003 NDR without a DSN part, its returned message sent `to`. */
function exchange2003(entries: string[], to: string): Buffer {
  return message(
    [
      'From: System Administrator <postmaster@corp.example>',
      'To: list@sender.example',
      'Subject: Undeliverable: Budget',
      'Date: Thu, 9 Sep 2004 16:25:44 +0100',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="nx"',
    ],
    [
      '--nx',
      'Content-Type: text/plain; charset="us-ascii"',
      '',
      'Your message did not reach some or all of the intended recipients.',
      '',
      '      Subject:\tBudget',
      '      Sent:\t9/9/2004 4:25 PM',
      '',
      'The following recipient(s) could not be reached:',
      '',
      ...entries,
      '',
      '--nx',
      'Content-Type: message/rfc822',
      '',
      'From: Lea <lea@sender.example>',
      `To: ${to}`,
      'Subject: Budget',
      'Message-ID: <b1@sender.example>',
      '',
      'Figures attached.',
      '--nx--',
    ],
  );
}

describe('an Exchange 2003 recipient named by display name only', () => {
  it('is the returned To entry with that display name', () => {
    const raw = exchange2003(
      [
        '      Ruth Lane on 9/9/2004 4:25 PM',
        "            The recipient's mailbox is full and can't accept messages now.",
        '            <ex.corp.example #5.2.2>',
      ],
      '"Amos Kell" <amos@corp.example>, Ruth Lane <r.lane@corp.example>',
    );
    expect(failures(raw)).toEqual([
      ['r.lane@corp.example', expect.stringContaining('mailbox is full')],
    ]);
  });

  it('is the one returned address the notice does not already name', () => {
    const raw = exchange2003(
      [
        '      amos@corp.example on 9/9/2004 4:25 PM',
        '            The e-mail account does not exist at the organization this message was sent to.',
        '            <ex.corp.example #5.1.1>',
        '',
        '      R. Lane (Finance) on 9/9/2004 4:25 PM',
        '            Could not deliver the message in the time limit specified.',
        '            <ex.corp.example #4.4.7>',
      ],
      'amos@corp.example, r.lane@corp.example',
    );
    expect(failures(raw).map(([r]) => r)).toEqual(['amos@corp.example', 'r.lane@corp.example']);
  });

  it('stays unnamed when the returned message went to several addresses and no name matches', () => {
    const raw = exchange2003(
      [
        '      Ruth Lane on 9/9/2004 4:25 PM',
        '            The recipient name is not recognized',
        '            <ex.corp.example #5.1.1>',
      ],
      'amos@corp.example, r.lane@corp.example',
    );
    expect(failures(raw)).toEqual([]);
  });
});

describe("a legacy notice's reason", () => {
  it("is the sentence that says the message was not delivered when the recipient's line has none", () => {
    const raw = message(
      [
        'From: Memo Distribution Agent <mmdf@lab.example>',
        'To: list@sender.example',
        'Subject: Failed mail  (msg.ab123)',
        'Date: Thu, 23 Nov 95 10:03:11 GMT',
      ],
      [
        '    After 9 days (216 hours), your message could not be fully delivered.',
        '',
        '    It failed to be received by the following address(es):',
        '',
        '        kit@far.example (host: far.example) (queue: smtp)',
        '',
        '    Your message begins as follows:',
        '',
        'To: kit@far.example',
        'Subject: Visit',
      ],
    );
    expect(failures(raw)).toEqual([['kit@far.example', expect.stringMatching(/^After 9 days/)]]);
  });

  it('is the paragraph before the undelivered sentence when a ruler follows it', () => {
    const raw = message(
      [
        'From: Postmaster <postmaster@isp.example>',
        'To: list@sender.example',
        'Subject: Undeliverable Message',
        'Date: 25 Jun 98 13:21:04 EDT',
      ],
      [
        'Receiver not found: 70011.123',
        '',
        'Your message could not be delivered as addressed.',
        '',
        '--- Returned Message ---',
        '',
        'Return-Path: <lea@sender.example>',
        'Date: Thu, 25 Jun 1998 13:20:50 -0400',
        'From: Lea <lea@sender.example>',
        'To: 70011.123@isp.example',
        'Subject: Forum',
        '',
        'Hello',
      ],
    );
    expect(failures(raw)).toEqual([
      [
        '70011.123@isp.example',
        'Receiver not found: 70011.123 Your message could not be delivered as addressed.',
      ],
    ]);
  });

  it("of an X.400 gateway's report runs over the reason lines, up to a field line", () => {
    const raw = message(
      [
        'From: PP Message Transfer Agent <postmaster@gw.example>',
        'To: list@sender.example',
        'Subject: Delivery Report (failure) for ann@x400.example',
        'Date: Wed, 15 Nov 1995 11:02:33 +0000',
      ],
      [
        'This report relates to your message:',
        '\tSubject: Tender',
        '',
        'Your message was not delivered to:',
        '\tann@x400.example',
        'for the following reason:',
        '\tUnable to transfer',
        '\tUnrecognised originator/recipient address',
        '\tRecipient O/R name: /S=Ann/O=Gw/',
      ],
    );
    expect(failures(raw)).toEqual([
      ['ann@x400.example', 'Unable to transfer Unrecognised originator/recipient address'],
    ]);
  });
});
