// Replies wrapped across lines in text notices: RFC 2034 §4 writes the enhanced code
// right after the reply code and one space on the same line, so a line break between
// them is a wrap (a forwarder or a template filling its lines to RFC 5322 §2.1.1's 78
// characters, an HTML "<br>"), and Domino's "SMTP Protocol Returned a Permanent Error"
// may be wrapped before the reply it announces. Exchange 2000/2003 wraps the remote
// diagnostic in "<host #5.0.0 type;text>", the type an RFC 3464 §2.3.6 atom. Numbers at
// a line's end that are no reply code, or lines whose codes disagree in class, stay
// apart. Wordings are ours.
import { parseMessage } from '../../../src/report/index';
import { announcedReply, joinCodeBreaks } from '../../../src/report/reply';
import { formatEnhancedCode } from '../../../src/values';

/** A text/plain notice from `from` with `subject` and one more header `field`, then `body`. */
function notice(from: string, subject: string, field: string, body: string[]): Buffer {
  const head = [`From: ${from}`, 'To: sender@example.com', `Subject: ${subject}`, field];
  const all = [...head, 'Content-Type: text/plain; charset=us-ascii', '', ...body, ''];
  return Buffer.from(all.join('\r\n'), 'utf8');
}

/** "recipient code enhanced" of each OOB finding (the enhanced code '-' when none). */
const codes = (raw: Buffer): string[] =>
  parseMessage(raw).findings.flatMap((f) =>
    f.kind !== 'oob'
      ? []
      : [
          `${f.recipient} ${f.reply.code} ${f.reply.enhancedCode ? formatEnhancedCode(f.reply.enhancedCode) : '-'}`,
        ],
  );

/** An Exchange 2007+ NDR whose administrators' block holds `diagnostic` (its lines). */
const exchangeNdr = (...diagnostic: string[]): Buffer =>
  notice(
    'Microsoft Outlook <postmaster@relay.example.net>',
    'Undeliverable: budget',
    'X-MS-Exchange-Message-Is-Ndr: ',
    [
      'Delivery has failed to these recipients or groups:',
      '',
      'ines@example.org',
      "The recipient's mailbox couldn't be reached.",
      '',
      'Diagnostic information for administrators:',
      '',
      'Generating server: relay.example.net',
      '',
      'ines@example.org',
      ...diagnostic,
      '',
      'Original message headers:',
      '',
      'Subject: budget',
    ],
  );

/** A Domino delivery failure report whose "because:" section holds `reason` (its lines). */
const domino = (...reason: string[]): Buffer =>
  notice(
    'Mail Router <postmaster@notes.example.net>',
    'DELIVERY FAILURE: budget',
    'X-MIMETrack: Serialize by Router on Hub01/Example at 12/01/2026',
    [
      'Your message',
      '',
      '  Subject: budget',
      '',
      'was not delivered to:',
      '',
      '  ines@example.org',
      '',
      'because:',
      '',
      ...reason.map((l) => `  ${l}`),
    ],
  );

describe('joinCodeBreaks: a reply broken between its reply code and its enhanced code', () => {
  it('joins a line ending in a reply code with the next line opening with its enhanced code', () => {
    expect(joinCodeBreaks(["The server answered '452", "4.2.2 quota exhausted'"])).toEqual([
      "The server answered '452 4.2.2 quota exhausted'",
    ]);
  });

  it('joins a reply code alone on its line with the enhanced code under it', () => {
    expect(joinCodeBreaks(['before', '554', '  5.7.1 refused by policy', 'after'])).toEqual([
      'before',
      '554 5.7.1 refused by policy',
      'after',
    ]);
  });

  it('returns the same lines when no reply is broken', () => {
    const lines = ['550 5.1.1 no such person', 'Please check the address.'];
    expect(joinCodeBreaks(lines)).toBe(lines);
  });

  it('does not join a reply code with an enhanced code of another class', () => {
    const lines = ['the relay said 550', '4.4.7 was its own verdict'];
    expect(joinCodeBreaks(lines)).toBe(lines);
  });

  it('does not take the end of a longer number or a host name as a reply code', () => {
    for (const end of ['queued as 84550', 'routed via mx550', 'total 1.550', 'call x-550'])
      expect(joinCodeBreaks([end, '5.1.1 is not a code here'])).toHaveLength(2);
  });

  it('does not join a number that is not a reply code before a dotted number', () => {
    for (const end of ['the limit is 650', 'we counted 150', 'id 599'])
      expect(joinCodeBreaks([end, '5.2.2 came next'])).toHaveLength(2);
  });

  it('does not join a number a noun names before an enhanced code', () => {
    for (const end of ['the size limit is 552', 'connect to port 550', 'ticket 554'])
      expect(joinCodeBreaks([end, '5.2.2 was logged'])).toHaveLength(2);
  });

  it('does not join when the next line starts with a version or an IP address', () => {
    expect(joinCodeBreaks(['rejected 550', '5.1.1.4 listed'])).toHaveLength(2);
    expect(joinCodeBreaks(['rejected 550', '5.1.12345 listed'])).toHaveLength(2);
    expect(joinCodeBreaks(['rejected 550', '5.1.1/path'])).toHaveLength(2);
  });
});

describe('announcedReply: a reason line that announces the reply on the next line', () => {
  it('joins the announcing line with the reply that opens the next line', () => {
    expect(
      announcedReply(['The remote system reported a permanent error', '552 5.2.2 box full'], 0),
    ).toEqual({ text: 'The remote system reported a permanent error 552 5.2.2 box full', next: 2 });
  });

  it('keeps the continuation lines of a multi-line reply it joins', () => {
    const lines = ['refused by the next hop', '550-5.7.1 first line', '550 5.7.1 last line', 'x'];
    expect(announcedReply(lines, 0)).toEqual({
      text: 'refused by the next hop 550-5.7.1 first line 550 5.7.1 last line',
      next: 3,
    });
  });

  it('leaves a line that has a reply of its own alone', () => {
    expect(announcedReply(['550 5.1.1 unknown', '552 5.2.2 full'], 0).text).toBe(
      '550 5.1.1 unknown',
    );
  });

  it('does not join a next line that opens with a success code or a number of another kind', () => {
    expect(announcedReply(['routing failed', '250 2.0.0 queued'], 0).text).toBe('routing failed');
    expect(announcedReply(['routing failed', '2025.12.01 05:50'], 0).text).toBe('routing failed');
    expect(announcedReply(['routing failed', '650 items'], 0).text).toBe('routing failed');
  });
});

describe('wrapped replies in notices', () => {
  it('reads an Exchange reply whose enhanced code a forwarder wrapped onto the next line', () => {
    expect(
      codes(exchangeNdr("Remote Server returned '554", "5.7.1 The message was refused by policy'")),
    ).toEqual(['ines@example.org 554 5.7.1']);
  });

  it('keeps a date and time under the reply out of the reply code', () => {
    expect(
      codes(
        exchangeNdr("Remote Server returned '550 Mailbox unavailable'", '12/1/2026 5:50:01 AM'),
      ),
    ).toEqual(['ines@example.org 550 -']);
  });

  it('reads the reply a Domino reason announces on its first line and gives on the next', () => {
    expect(
      codes(
        domino(
          'Error transferring to mx.example.org; SMTP Protocol Returned a Permanent Error',
          '552 5.2.2 Mailbox of ines is full',
        ),
      ),
    ).toEqual(['ines@example.org 552 5.2.2']);
  });

  it('gives a Domino reason without any reply no enhanced code', () => {
    expect(codes(domino('User ines (ines@example.org) not listed in Domino Directory'))).toEqual([
      'ines@example.org 550 -',
    ]);
  });
});

describe('Exchange 2000/2003 wrappers around a diagnostic of another type', () => {
  const exchange2003 = (bracket: string): Buffer =>
    notice(
      'System Administrator <postmaster@relay.example.net>',
      'Undeliverable: budget',
      'X-Mailer: Internet Mail Service (5.5.2653.19)',
      [
        'Your message',
        '',
        '  To:      ines@example.org',
        '  Subject: budget',
        '',
        'did not reach the following recipient(s):',
        '',
        'ines@example.org on Tue, 1 Dec 2026 04:00:00 +0000',
        '    The recipient name is not recognized',
        `    ${bracket}`,
      ],
    );

  it('reads the remote reply inside an X-Postfix diagnostic the wrapper carries', () => {
    expect(
      codes(
        exchange2003(
          '<relay.example.net #5.0.0 X-Postfix; host in.example.org[192.0.2.9] said: 552 5.2.2 over quota>',
        ),
      ),
    ).toEqual(['ines@example.org 552 5.2.2']);
  });

  it("lets the wrapper's status stand in when the typed text has no enhanced code", () => {
    expect(
      codes(exchange2003('<relay.example.net #5.1.1 X-Notes; 550 Recipient not in directory>')),
    ).toEqual(['ines@example.org 550 5.1.1']);
  });

  it('does not take words without a semicolon after the status as a diagnostic type', () => {
    expect(codes(exchange2003('<relay.example.net #5.4.7 delivery time expired>'))).toEqual([
      'ines@example.org 550 5.4.7',
    ]);
  });
});
