// Legacy bounce formats, round 2 (bench/data/blind-messages-26, h174): what the old
// software always emitted, read by the fallback (src/report/fallback.ts).
// * A ruled heading over the failure sentence ("----- Message not delivered -----" then
//   "<gateway> could not deliver this message.") is the template's: the sentence stands
//   alone and the next paragraph says why (cc:Mail SMTPLINK and other LAN-mail gateways).
// * "could not deliver" says the message was not delivered, as "unable to deliver" does.
// * A content gateway's sentence "The message you sent to <a@b> has been blocked" names
//   the recipient it failed for (MAILsweeper, MailMarshal and other filters).
// Every text here was written for this test.
import { failures, notice as message } from '../../helpers/notices';

/** A gateway notice: a ruled heading, the sentence, `reason`, then the pasted original. */
function gateway(sentence: string, reason: string[]): Buffer {
  return message(
    [
      'From: LAN Mail Gateway <postmaster@gw.corp.example>',
      'To: sender@outside.example',
      'Subject: Undeliverable Message',
      'Date: Tue, 4 Mar 1997 10:00:00 -0500',
    ],
    [
      '------------------------ Message not delivered ------------------------',
      sentence,
      '',
      ...reason,
      '',
      '------------------------- Original message ----------------------------',
      'Date: Tue, 4 Mar 1997 09:58:00 -0500',
      'Subject: agenda',
      'To: dana.ruiz@corp.example',
      'From: sender@outside.example',
      '',
      'See you Thursday at nine;',
      'the room is booked.',
    ],
  );
}

describe('a ruled heading over the failure sentence of a gateway notice', () => {
  it('leaves the sentence alone so that the next paragraph gives the reason', () => {
    const raw = gateway('The mail gateway could not deliver this message.', [
      'Recipient "RUIZ, DANA" is not known at post office EAST-PO.',
    ]);
    expect(failures(raw)).toEqual([
      ['dana.ruiz@corp.example', expect.stringContaining('is not known at post office')],
    ]);
  });

  it('keeps the sentence with its own paragraph when that paragraph already says why', () => {
    const raw = gateway('The mail gateway could not deliver this message: the mailbox is full.', [
      'Please try again later.',
    ]);
    const [only] = failures(raw);
    expect(only?.[0]).toBe('dana.ruiz@corp.example');
    expect(only?.[1]).toContain('the mailbox is full');
  });

  it('reads nothing as a failure when the notice does not say the message was not delivered', () => {
    const raw = gateway('The mail gateway has forwarded this message to the archive.', [
      'No action is needed.',
    ]);
    expect(failures(raw)).toEqual([]);
  });
});

describe("a content gateway's sentence that the message to an address was blocked", () => {
  function notice(line: string): Buffer {
    return message(
      [
        'From: Content Filter <mailsweeper@filter.corp.example>',
        'To: sender@outside.example',
        'Subject: Message blocked',
        'Date: Wed, 12 Mar 2003 10:22:05 +0000',
      ],
      [
        'This is an automated notice from the content gateway.',
        '',
        line,
        'was NOT delivered.',
        '',
        '   Reason:    the attachment invoice.scr is an executable file type',
      ],
    );
  }

  it('names the address the message was blocked for', () => {
    expect(
      failures(notice('The message you sent to lee.park@corp.example has been blocked and')),
    ).toEqual([['lee.park@corp.example', expect.stringContaining('executable file type')]]);
  });

  it('does not take a help address after a contact phrase for the recipient', () => {
    const raw = notice(
      'Blocked messages can be discussed, please contact helpdesk@corp.example and',
    );
    expect(failures(raw).map(([a]) => a)).not.toContain('helpdesk@corp.example');
  });
});
