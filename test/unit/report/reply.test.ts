import {
  extractReply,
  oneLine,
  parseStatus,
  reasonAbout,
  replyStage,
  transcriptAbout,
} from '../../../src/report/reply';

const status = (s: string) => parseStatus(s).code;
const reply = (
  text: string,
  st: string | null = null,
  extra: { action?: string; smtp?: boolean } = {},
) => extractReply(text, { status: st === null ? null : status(st), ...extra });

describe('SMTP reply extraction', () => {
  it('takes the reply code and enhanced code of an smtp diagnostic and keeps neither in the content', () => {
    expect(reply('550 5.1.1 <a@b.example>... User Unknown', '5.1.1')).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 1, detail: 1 },
      content: '<a@b.example>... User Unknown',
      command: null,
    });
  });

  it('finds the reply after "host ... said:"', () => {
    const r = reply(
      'host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@b.example>: Recipient address rejected: User unknown (in reply to RCPT TO command)',
      '5.0.0',
    );
    expect(r.code).toBe(550);
    expect(r.enhancedCode).toEqual({ class: 5, subject: 1, detail: 1 });
    // Postfix's "(in reply to ... command)" is its note of the stage, not the server's words.
    expect(r.content).toBe('<a@b.example>: Recipient address rejected: User unknown');
    expect(r.command).toBe('RCPT TO');
  });

  it('finds the reply after "... says:" across a folded line', () => {
    const r = reply(
      'host example-com.mail.eo.outlook.com:25 says:\n 550 5.4.1 Recipient address rejected: Access denied.',
      '5.0.0',
    );
    expect(r).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 4, detail: 1 },
      content: 'Recipient address rejected: Access denied.',
      command: null,
    });
  });

  it('joins a multi-line reply without repeating its codes', () => {
    const text =
      "550-5.1.1 The email account that you tried to reach does not exist. Please try\n 550-5.1.1 double-checking the recipient's email address for typos or\n 550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser";
    expect(reply(text, '5.1.1').content).toBe(
      "The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser",
    );
  });

  it('keeps a number in the text that only looks like the code', () => {
    expect(reply('552 message size 552 bytes over the limit', '5.3.4').content).toBe(
      'message size 552 bytes over the limit',
    );
  });

  it('uses the Status when the text has no enhanced code', () => {
    expect(reply("550 'arathib@vnet.IBM.COM' is not a registered gateway user", '5.0.0')).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 0, detail: 0 },
      content: "'arathib@vnet.IBM.COM' is not a registered gateway user",
      command: null,
    });
  });

  it('prefers a specific Status over a reply that says x.0.0', () => {
    expect(reply('550 5.0.0 mailbox unknown', '5.1.1').enhancedCode).toEqual({
      class: 5,
      subject: 1,
      detail: 1,
    });
  });

  it('takes an enhanced code later in the text when the Status says nothing more', () => {
    const r = reply(
      'host a[192.0.2.2] said: 501 Rcpt-To validation failed: RCPT TO not accepted: 5.7.1 This system is not configured to relay mail',
      '5.0.0',
    );
    expect(r.code).toBe(501);
    expect(r.enhancedCode).toEqual({ class: 5, subject: 7, detail: 1 });
  });

  it('reads a quoted enhanced code after the reply code', () => {
    const r = reply(
      "5.1.0 - Unknown address error 550-'5.2.2 <a@b.example>... Mailbox Full' (delivery attempts: 0)",
      '5.0.0',
    );
    expect(r.code).toBe(550);
    expect(r.enhancedCode).toEqual({ class: 5, subject: 2, detail: 2 });
  });

  it('picks 550, 451 or 250 by class when the text has no reply code', () => {
    expect(reply('connection timed out', '5.4.7').code).toBe(550);
    expect(
      reply(
        'DNS Error: 80335577 DNS type mx lookup of example.jp responded with code NXDOMAIN',
        '4.0.0',
      ).code,
    ).toBe(451);
    expect(reply('delivered to mailbox', '2.0.0').code).toBe(250);
    expect(reply('no code at all', null, { action: 'delayed' }).code).toBe(451);
    expect(reply('no code at all', null, { action: 'failed' }).code).toBe(550);
  });

  it('takes an enhanced code that starts the text', () => {
    expect(reply('5.1.1 User unknown', null)).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 1, detail: 1 },
      content: 'User unknown',
      command: null,
    });
  });

  it('does not read an exit status of a non-smtp diagnostic as a reply code', () => {
    expect(reply('255', '5.0.0', { smtp: false })).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 0, detail: 0 },
      content: '255',
      command: null,
    });
  });

  it('keeps the text of a non-smtp diagnostic as content', () => {
    expect(
      reply('connect to nyaan.example.com[192.0.2.2]:25: No route to host', '4.4.1', {
        smtp: false,
      }),
    ).toEqual({
      code: 451,
      enhancedCode: { class: 4, subject: 4, detail: 1 },
      content: 'connect to nyaan.example.com[192.0.2.2]:25: No route to host',
      command: null,
    });
  });

  it('never leaves a line break or control character in the content', () => {
    const r = reply('550 5.7.1 blocked\r\n  because\tof\x00policy', null);
    expect(r.content).toBe('blocked because of policy');
  });

  it('reads the Status code and its comment', () => {
    expect(parseStatus('5.0.0 (permanent failure)')).toEqual({
      code: { class: 5, subject: 0, detail: 0 },
      comment: 'permanent failure',
    });
    expect(parseStatus('5.1.351')).toEqual({
      code: { class: 5, subject: 1, detail: 351 },
      comment: '',
    });
    expect(parseStatus('553 Exceeded maximum inbound message size')).toEqual({
      code: null,
      comment: '553 Exceeded maximum inbound message size',
    });
    expect(parseStatus('9.9.9')).toEqual({ code: null, comment: '9.9.9' });
  });
});

describe('which codes a reply text gives', () => {
  const e = (c: string) => status(c);

  it('keeps a specific Status that agrees with the reply code over an enhanced code of another class', () => {
    // RFC 3463 §2: the enhanced code's class repeats the reply code's first digit.
    expect(reply('550 4.2.2 Mailbox full', '5.2.2').enhancedCode).toEqual(e('5.2.2'));
    expect(reply('451 5.7.1 Greylisted', '4.7.1').enhancedCode).toEqual(e('4.7.1'));
  });

  it("keeps the server's enhanced code of another class over a Status that only repeats the class", () => {
    // "Status: 5.0.0" is what MTAs derive from a reply code: it says less.
    expect(reply('550 4.2.2 Mailbox full', '5.0.0').enhancedCode).toEqual(e('4.2.2'));
    expect(reply('450 5.1.1 User unknown', '4.0.0').enhancedCode).toEqual(e('5.1.1'));
    expect(reply('550 4.2.2 Mailbox full', '5.0.0').code).toBe(550);
    // No Status of the reply's class: the text's code is all there is.
    expect(reply('550 4.2.2 Mailbox full').enhancedCode).toEqual(e('4.2.2'));
    expect(reply('421 4.4.2 Timeout', '5.4.7').enhancedCode).toEqual(e('4.4.2'));
  });

  it("prefers a Status that refines the reply's X.Y.0 in the same subject, never another subject", () => {
    expect(reply('550 5.1.0 Address rejected', '5.1.1').enhancedCode).toEqual(e('5.1.1'));
    expect(reply('550 5.7.0 Policy', '5.1.1').enhancedCode).toEqual(e('5.7.0'));
    expect(reply('550 5.1.3 Bad address', '5.1.1').enhancedCode).toEqual(e('5.1.3'));
  });

  it('reads a reply code after any word closed by a colon, or after "said" alone', () => {
    expect(reply('Host mx.example.net rejected the message: 554 Relay denied', '5.0.0').code).toBe(
      554,
    );
    expect(reply('mx.example.net: 553 Invalid recipient', '5.0.0').code).toBe(553);
    expect(reply('Remote host said 554 Sorry, message looks like spam', '5.0.0').code).toBe(554);
    expect(reply("'552 Requested mail action aborted'", '5.0.0').code).toBe(552);
    expect(reply('Delivery failed with SMTP error 554 Relay denied', '5.0.0').code).toBe(554);
    expect(reply('error code: 553 Invalid recipient', '5.0.0').code).toBe(553);
    // Another protocol's error is no SMTP reply.
    expect(reply('HTTP error 503 from the quarantine service', '5.0.0').code).toBe(550);
  });

  it('takes no quantity after a colon for a reply code', () => {
    for (const text of [
      'Message size: 552 KB exceeds the limit',
      'Retry interval: 450 seconds, then given up',
      'Too many recipients: 500 recipients in one message',
    ]) {
      const r = extractReply(text, { status: status('5.3.4') });
      expect([text, r.code]).toEqual([text, 550]);
    }
    // A quantity first, a reply after it.
    expect(reply('Size: 552 bytes; reason: 554 rejected', '5.0.0').code).toBe(554);
  });

  it('takes no enhanced code out of a URL, an IP address, a date, an address or an identifier', () => {
    for (const text of [
      '550 Rejected, see https://help.example.net/errors/5.7.1.html',
      '550 Rejected, see http://help.example.net/5.7.1/',
      '554 Client host [5.1.1.10] blocked',
      '550 Mailbox closed on 5.11.2026',
      '550 Unknown user 5.1.1@example.net',
      '554 Mailbox unavailable, id 5.1.1a',
      '550 Rejected by filter-5.7.1 rule',
    ]) {
      expect([text, reply(text, '5.0.0').enhancedCode]).toEqual([text, e('5.0.0')]);
    }
  });

  it('takes an enhanced code standing as a word later in the text', () => {
    for (const text of [
      '553 sorry, not in my list of allowed rcpthosts (#5.7.1)',
      '550 Rejected: 5.7.1 policy',
      '550 Rejected [5.7.1]',
      '550 Rejected, reason 5.7.1.',
    ]) {
      expect([text, reply(text, '5.0.0').enhancedCode]).toEqual([text, e('5.7.1')]);
    }
  });
});

describe('SMTP transcripts', () => {
  it("takes the server's last refusal, never a 250 before it", () => {
    const r = reply(
      [
        '... while talking to mx.example.org.:',
        '>>> MAIL From:<sender@example.com> SIZE=2048',
        '<<< 250 2.1.0 Sender ok',
        '>>> RCPT To:<gone@example.org>',
        '<<< 550 5.1.1 <gone@example.org>... No such user here',
        '550 5.1.1 <gone@example.org>... User unknown',
      ].join('\n'),
      '5.1.1',
    );
    expect(r).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 1, detail: 1 },
      content: '<gone@example.org>... No such user here',
      command: 'RCPT TO',
    });
  });

  it("reads the server's refusal of MAIL FROM, not the MTA's verdict line after it", () => {
    const r = reply(
      '>>> MAIL From:<s@example.com>\n<<< 501 <s@example.com>... sender rejected\n554 <r@example.org>... Remote protocol error',
      null,
    );
    expect([r.code, r.content, r.command]).toEqual([
      501,
      '<s@example.com>... sender rejected',
      'MAIL FROM',
    ]);
  });

  it('reads a transcript whose lines were already joined into one', () => {
    const r = reply(
      '>>> MAIL From:<a@example.com> <<< 250 ok >>> RCPT To:<b@example.net> <<< 452 4.2.2 Mailbox over quota >>> QUIT <<< 221 2.0.0 Bye',
      null,
    );
    expect([r.code, r.enhancedCode, r.content, r.command]).toEqual([
      452,
      { class: 4, subject: 2, detail: 2 },
      'Mailbox over quota',
      'RCPT TO',
    ]);
  });

  it('takes the reply to the end of the data', () => {
    const r = reply(
      '>>> DATA\n<<< 354 go ahead\n>>> .\n<<< 554 5.7.1 Message refused as spam',
      null,
    );
    expect([r.code, r.command, r.content]).toEqual([554, '.', 'Message refused as spam']);
  });

  it('keeps a transcript where the server never refused as plain text', () => {
    const r = reply('>>> RCPT To:<b@example.net>\n<<< 250 2.1.5 ok\nconnection lost', '4.4.2');
    expect(r.code).toBe(451);
  });

  it('reads a multi-line greeting that ends in a refusal as one reply with the final code', () => {
    const r = reply(
      '220-mx.example.net ESMTP ready\n220-Unsolicited mail is not welcome here\n421 4.7.0 Too many connections from your network, try later',
      '4.7.0',
    );
    expect(r).toEqual({
      code: 421,
      enhancedCode: { class: 4, subject: 7, detail: 0 },
      content:
        'mx.example.net ESMTP ready Unsolicited mail is not welcome here Too many connections from your network, try later',
      command: 'CONNECT',
    });
  });

  it('reads a multi-line refusal in a transcript as one reply', () => {
    const r = reply(
      '>>> RCPT To:<b@example.net>\n<<< 550-5.7.1 Your address is listed\n<<< 550-5.7.1 at a block list we use,\n<<< 550 5.7.1 see https://blocklist.example/',
      null,
    );
    expect([r.code, r.content, r.command]).toEqual([
      550,
      'Your address is listed at a block list we use, see https://blocklist.example/',
      'RCPT TO',
    ]);
  });

  it('takes a refusal that follows a success in one-line text', () => {
    expect(reply('250 2.1.5 Recipient ok 550 5.7.1 Delivery not authorized', null)).toMatchObject({
      code: 550,
      enhancedCode: { class: 5, subject: 7, detail: 1 },
      content: 'Delivery not authorized',
    });
  });

  it('takes the innermost of a reply quoted inside another', () => {
    expect(
      reply(
        '554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Unable to connect to remote server>',
        '4.4.7',
      ),
    ).toEqual({
      code: 421,
      enhancedCode: { class: 4, subject: 4, detail: 2 },
      content: 'Unable to connect to remote server',
      command: null,
    });
    const paren = reply(
      '554 5.0.0 Service unavailable (550 Requested action not taken: no such user)',
      null,
    );
    expect([paren.code, paren.enhancedCode, paren.content]).toEqual([
      550,
      { class: 5, subject: 0, detail: 0 },
      'Requested action not taken: no such user',
    ]);
    const said = reply(
      '451 4.4.0 Delivery failed; the last server said: 452 4.2.2 over quota',
      null,
    );
    expect([said.code, said.enhancedCode]).toEqual([452, { class: 4, subject: 2, detail: 2 }]);
  });

  it('does not read a number in the text, or a 2xx inside, as a quoted reply', () => {
    expect(reply('552 5.3.4 message of 552 bytes is over the limit', null).code).toBe(552);
    expect(reply('550 5.7.1 rejected (250 recipients already queued)', null).code).toBe(550);
    expect(reply('550 5.1.1 mailbox a550 unknown', null).content).toBe('mailbox a550 unknown');
  });
});

describe('The SMTP stage of a reply', () => {
  it("reads Postfix's notes of the stage", () => {
    expect(
      replyStage(
        'host mx.example.org[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT TO command)',
      ),
    ).toBe('RCPT TO');
    expect(
      replyStage(
        'host mx.example.org[192.0.2.1] said: 552 5.3.4 too big (in reply to MAIL FROM command)',
      ),
    ).toBe('MAIL FROM');
    expect(
      replyStage(
        'host mx.example.org[192.0.2.1] said: 554 5.7.1 spam (in reply to end of DATA command)',
      ),
    ).toBe('.');
    expect(
      replyStage(
        'host mx.example.org[192.0.2.1] said: 503 5.5.1 no valid recipients (in reply to DATA command)',
      ),
    ).toBe('DATA');
    expect(
      replyStage(
        'host mx.example.org[192.0.2.1] refused to talk to me: 554 5.7.1 Your IP is listed',
      ),
    ).toBe('CONNECT');
    expect(
      replyStage(
        'conversation with mx.example.org[192.0.2.1] timed out while receiving the initial server greeting',
      ),
    ).toBe('CONNECT');
    expect(
      replyStage(
        'lost connection with mx.example.org[192.0.2.1] while performing the EHLO handshake',
      ),
    ).toBe('EHLO');
    expect(replyStage('lost connection with mx.example.org[192.0.2.1] while sending RCPT TO')).toBe(
      'RCPT TO',
    );
  });

  it("reads Exim's stage before the remote reply", () => {
    expect(
      replyStage(
        'SMTP error from remote mail server after RCPT TO:<a@example.org>: 550 5.1.1 unknown user',
      ),
    ).toBe('RCPT TO');
    expect(
      replyStage(
        'SMTP error from remote mail server after MAIL FROM:<s@example.com> SIZE=1893: 553 5.1.8 sender domain does not exist',
      ),
    ).toBe('MAIL FROM');
    expect(
      replyStage(
        'SMTP error from remote mail server after end of data: 550 5.7.1 content rejected',
      ),
    ).toBe('.');
    expect(
      replyStage(
        'SMTP error from remote mail server after pipelined DATA: 554 5.5.1 no valid recipients',
      ),
    ).toBe('DATA');
    expect(
      replyStage(
        'SMTP error from remote mail server after initial connection: 554 5.7.1 no thanks',
      ),
    ).toBe('CONNECT');
    expect(
      replyStage(
        'SMTP error from remote mail server after EHLO relay.example.com: 550 5.7.1 bad HELO',
      ),
    ).toBe('EHLO');
    expect(
      replyStage(
        'Remote host mx.example.org [192.0.2.1] closed connection in response to RCPT TO:<a@example.org>',
      ),
    ).toBe('RCPT TO');
    expect(
      replyStage(
        'SMTP error from remote server for RCPT TO command, host: mx.example.org reason: 550 5.1.1 unknown',
      ),
    ).toBe('RCPT TO');
  });

  it("reads qmail-remote's sentences", () => {
    expect(
      replyStage(
        'Connected to 192.0.2.1 but greeting failed. Remote host said: 554 no SMTP service here',
      ),
    ).toBe('CONNECT');
    expect(
      replyStage(
        'Connected to 192.0.2.1 but my name was rejected. Remote host said: 501 5.5.2 invalid HELO name',
      ),
    ).toBe('EHLO');
    expect(
      replyStage(
        'Connected to 192.0.2.1 but sender was rejected. Remote host said: 553 sorry, your domain is banned',
      ),
    ).toBe('MAIL FROM');
    expect(
      replyStage('192.0.2.1 does not like recipient. Remote host said: 550 5.1.1 no mailbox'),
    ).toBe('RCPT TO');
    expect(
      replyStage('192.0.2.1 failed after I sent the message. Remote host said: 554 5.7.1 spam'),
    ).toBe('.');
  });

  it('does not take the stage from the remote server’s own words, or from words that only look alike', () => {
    expect(replyStage('550 5.7.1 Message rejected after DATA inspection')).toBeNull();
    expect(replyStage('550 5.7.1 We do not accept mail after hours')).toBeNull();
    expect(replyStage('host mx said: 550 5.1.1 user unknown')).toBeNull();
    expect(replyStage('550 5.1.1 please reply to the sender')).toBeNull();
    expect(replyStage('the data center is down, try after the greeting card season')).toBeNull();
  });
});

describe('Where a notification puts the reason for a recipient', () => {
  const lines = (text: string): string[] => text.split('\n');

  it('takes the text after the address and the lines that continue it', () => {
    expect(
      reasonAbout(
        lines(
          'a@example.org: 550 5.1.1 mailbox unknown\n    (no such user here)\nb@example.org: 552 full',
        ),
        'a@example.org',
      ),
    ).toBe('550 5.1.1 mailbox unknown (no such user here)');
  });

  it('takes the reason on the lines after "for the following reason:"', () => {
    const text =
      'Your message to a@example.org could not be delivered for the following reason:\n\n   The mailbox is full.\n   Try again later.\n\nRegards';
    expect(reasonAbout(lines(text), 'a@example.org')).toBe('The mailbox is full. Try again later.');
  });

  it('takes a reason labelled on the line below the address', () => {
    const text =
      'Recipient address: a@example.org\n  Reason: Remote SMTP server has rejected address';
    expect(reasonAbout(lines(text), 'a@example.org')).toBe(
      'Remote SMTP server has rejected address',
    );
  });

  it('takes a reason that comes before the address, but not a label', () => {
    expect(reasonAbout(lines('Mailbox is full: <a@example.org>'), 'a@example.org')).toBe(
      'Mailbox is full',
    );
    expect(reasonAbout(lines('Recipient: <a@example.org>'), 'a@example.org')).toBeNull();
    expect(reasonAbout(lines('  - Recipient address: a@example.org'), 'a@example.org')).toBeNull();
  });

  it('takes one reason given once for several addresses', () => {
    const text =
      'The following addresses failed:\n\n  a@example.org\n  b@example.org\n\nReason: 550 5.1.1 no such users\n';
    expect(reasonAbout(lines(text), 'a@example.org')).toBe('550 5.1.1 no such users');
    expect(reasonAbout(lines(text), 'b@example.org')).toBe('550 5.1.1 no such users');
  });

  it('keeps the sentence an address stands in', () => {
    expect(
      reasonAbout(
        lines(
          "Your message wasn't delivered to a@example.org because the address couldn't be found.",
        ),
        'a@example.org',
      ),
    ).toBe("Your message wasn't delivered to a@example.org because the address couldn't be found.");
  });

  it('skips the returned message header lines that repeat the address', () => {
    const text =
      '  To: a@example.org, b@example.org\n\nRecipient address: a@example.org\n  Reason: rejected';
    expect(reasonAbout(lines(text), 'a@example.org')).toBe('rejected');
  });

  it('takes no heading as a reason', () => {
    const text =
      'The following addresses had permanent fatal errors\n<a@example.org>\n\n----- Transcript of session follows -----';
    expect(reasonAbout(lines(text), 'a@example.org')).toBeNull();
  });

  it('finds the part of a transcript about one recipient', () => {
    const text = [
      '   ----- Transcript of session follows -----',
      '... while talking to mx.example.org.:',
      '>>> RCPT To:<a@example.org>',
      '<<< 550 5.1.1 <a@example.org>... User unknown',
      '>>> RCPT To:<b@example.org>',
      '<<< 452 4.2.2 <b@example.org>... Mailbox full',
      '',
      '   ----- Original message follows -----',
    ];
    expect(transcriptAbout(text, 'b@example.org', false)).toBe(
      '>>> RCPT To:<b@example.org>\n<<< 452 4.2.2 <b@example.org>... Mailbox full',
    );
    expect(transcriptAbout(text, 'c@example.org', false)).toBeNull();
    expect(transcriptAbout(['no transcript here'], 'a@example.org', true)).toBeNull();
  });
});

describe('one-line text', () => {
  it('returns text that is already one line unchanged', () => {
    expect(oneLine('550 5.1.1 <a@b.example>: User unknown')).toBe(
      '550 5.1.1 <a@b.example>: User unknown',
    );
    expect(oneLine('x')).toBe('x');
    expect(oneLine('')).toBe('');
  });

  it('folds runs of white space and control characters into one space and trims the ends', () => {
    expect(oneLine('  550  5.1.1\tUser\r\n unknown ')).toBe('550 5.1.1 User unknown');
    expect(oneLine('a\u007fb')).toBe('a b');
    expect(oneLine('a\u0000b')).toBe('a b');
    expect(oneLine(' ')).toBe('');
    expect(oneLine('a ')).toBe('a');
  });

  it('keeps white space outside ASCII as it is', () => {
    expect(oneLine('a\u00a0b')).toBe('a\u00a0b');
  });
});
