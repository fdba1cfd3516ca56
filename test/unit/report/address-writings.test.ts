// How real bounces write a failed recipient beyond its RFC 5321 shape (the writings of
// bench/address-transplant-lib.js): an Exchange text part's "a@b<mailto:a@b>", a list
// line with a display name, an absolute domain's root dot, an Original-Recipient copied
// from ORCPT as xtext (RFC 3461 §4) or in RFC 6533 utf-8 xtext; and what must stay no
// recipient next to them.
import { decodeXtext, parseTypedAddress, withoutRootDot } from '../../../src/report/address';
import { leadingAddress } from '../../../src/report/heuristic/common';
import { parseMessage } from '../../../src/report/index';

function oobRecipients(raw: string): string[] {
  return parseMessage(Buffer.from(raw, 'utf8'))
    .findings.filter((f) => f.kind === 'oob')
    .map((f) => f.recipient);
}

/** A DSN (RFC 3464) whose per-recipient fields are `fields`, with help text around it. */
function dsn(fields: string[], text: string[] = []): string {
  return [
    'From: MAILER-DAEMON@relay.example.net (Mail Delivery Subsystem)',
    'To: owner@example.com',
    'Subject: Returned mail: see transcript for details',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="R"',
    '',
    '--R',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The original message was received at Mon, 1 Dec 2025 09:00:00 +0100',
    ...text,
    '',
    '--R',
    'Content-Type: message/global-delivery-status',
    '',
    'Reporting-MTA: dns; relay.example.net',
    '',
    ...fields,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable',
    '',
    '--R',
    'Content-Type: text/rfc822-headers',
    '',
    'From: owner@example.com',
    'To: Team <team@example.org>, Other Person <other@example.org>',
    'Message-ID: <20251201.0900.abc@mail.example.com>',
    '',
    '--R--',
    '',
  ].join('\r\n');
}

describe('an Original-Recipient copied from ORCPT unchanged (RFC 3461 §4 xtext)', () => {
  test.each([
    ['alice+2Btag@example.net', 'alice+tag@example.net'],
    [
      'bounces-123+3Duser+3Dexample.com@lists.example.net',
      'bounces-123=user=example.com@lists.example.net',
    ],
    // No escape xtext requires: left as written (xtext hex is upper case; a UTF-8
    // octet is no rfc822 address's).
    ['alice+tag@example.net', 'alice+tag@example.net'],
    ['alice+2btag@example.net', 'alice+2btag@example.net'],
    ['j+C3+BCrgen@example.net', 'j+C3+BCrgen@example.net'],
  ])('%s reads as %s', (written, address) => {
    expect(decodeXtext(written)).toBe(address);
  });

  test('a DSN names the recipient the sender typed, not its xtext', () => {
    const raw = dsn([
      'Original-Recipient: rfc822;alice+2Btag@example.net',
      'Final-Recipient: rfc822; alice@mbox.example.net',
    ]);
    expect(oobRecipients(raw)).toEqual(['alice+tag@example.net']);
  });

  test('an RFC 6533 utf-8 Original-Recipient in xtext reads as its UTF-8 address', () => {
    const raw = dsn([
      'Original-Recipient: utf-8; j\\x{FC}rgen\\x{2B}tag@b\\x{FC}cher.example',
      'Final-Recipient: utf-8; jürgen+tag@bücher.example',
    ]);
    expect(oobRecipients(raw)).toEqual(['jürgen+tag@bücher.example']);
  });
});

describe('an absolute domain (RFC 1034 §3.1 root dot)', () => {
  test.each([
    ['jane@example.org.', 'jane@example.org'],
    ['jane@example.org..', 'jane@example.org'],
    ['jane@example.org', 'jane@example.org'],
    ['jane@[192.0.2.1]', 'jane@[192.0.2.1]'],
    ['first.@example.org', 'first.@example.org'],
    ['', ''],
  ])('%s is reported as %s', (written, reported) => {
    expect(withoutRootDot(written)).toBe(reported);
  });

  test('a bounce naming "<a@example.org.>" yields a@example.org', () => {
    const raw = dsn(
      ['Final-Recipient: rfc822; jane@example.org'],
      ['', '<jane@example.org.>... User unknown'],
    );
    expect(oobRecipients(raw)).toEqual(['jane@example.org']);
  });
});

describe('recipient lines as notices write them', () => {
  test.each([
    // Exchange 2007+ / Office 365 text parts: the HTML link rendered after the address.
    ['jane@example.com<mailto:jane@example.com>', 'jane@example.com', ''],
    [
      'jane@example.com<mailto:jane@example.com>: 550 5.1.1 unknown',
      'jane@example.com',
      '550 5.1.1 unknown',
    ],
    // A list line copying a returned To/Cc mailbox (RFC 5322 §3.4 name-addr).
    ['Jane Doe <jane@example.com>', 'jane@example.com', ''],
    [
      'Jane Q. Doe <jane@example.com>: mailbox unavailable',
      'jane@example.com',
      'mailbox unavailable',
    ],
    ["Seán O'Neil-Ní <sean@example.ie>", 'sean@example.ie', ''],
  ])('%s names %s', (line, address, rest) => {
    expect(leadingAddress(line)).toEqual({ address, rest, reason: '' });
  });

  test.each([
    // A reason or a sentence before the address, no name.
    'User unknown <jane@example.com>',
    'Your message <20251201.0900.abc@mail.example.com> was returned',
    'Message <20251201.0900.abc@mail.example.com> returned to sender',
    'Host Mx.example.net <jane@example.com> said: 550 unknown',
    'Recipient: <jane@example.com>',
    'A Very Long Display Name Here <jane@example.com>',
    '"not an address" and more text',
    'see https://jane@example.com/help',
  ])('%s is no display-name list line', (line) => {
    expect(leadingAddress(line)).toBeNull();
  });
});

describe('a bounce names its failed recipient and no address near it', () => {
  test('an HTML-only Office 365 NDR names the linked recipient, not the help desk or the returned Cc', () => {
    const raw = [
      'From: Microsoft Outlook <postmaster@contoso.example>',
      'To: sender@example.com',
      'Subject: Undeliverable: quarterly figures',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<html><body>',
      '<p><b>Your message to <a href="mailto:Jane.Doe@CONTOSO.EXAMPLE">Jane.Doe@CONTOSO.EXAMPLE</a> couldn\'t be delivered.</b></p>',
      "<p>Jane.Doe wasn't found at contoso.example.</p>",
      '<p>Need help? Write to <a href="mailto:helpdesk@example.com">helpdesk@example.com</a>.</p>',
      '<p><b>Diagnostic information for administrators:</b></p>',
      '<p>Generating server: BN8PR00MB0000.namprd00.prod.outlook.com<br>',
      'Jane.Doe@CONTOSO.EXAMPLE<br>',
      "Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'</p>",
      '<p>Original message headers:</p><pre>',
      'From: sender@example.com',
      'To: Jane Doe &lt;Jane.Doe@CONTOSO.EXAMPLE&gt;, Max Other &lt;max@other.example&gt;',
      'Message-ID: &lt;abc.123@mail.example.com&gt;',
      '</pre></body></html>',
      '',
    ].join('\r\n');
    // The domain keeps its case as written (compared without case, RFC 5321 §2.4).
    expect(oobRecipients(raw)).toEqual(['Jane.Doe@CONTOSO.EXAMPLE']);
  });

  test('a DSN with display names in the returned To names only its Final-Recipient', () => {
    const raw = dsn(
      ['Final-Recipient: rfc822; team@example.org'],
      [
        '',
        'Team <team@example.org>: mailbox unavailable',
        'Questions: <mailto:postmaster@relay.example.net>',
      ],
    );
    expect(oobRecipients(raw)).toEqual(['team@example.org']);
  });
});

describe('one recipient written with and without its root dot is one record', () => {
  test('a list entry "<a@example.org.>" keys the same recipient as the transcript', () => {
    expect(leadingAddress('<jane@example.org.>')).toEqual({
      address: 'jane@example.org',
      rest: '',
      reason: '',
    });
    // No root dot to drop: a label's hyphen, an address literal, a dotted local part.
    expect(leadingAddress('<jane@ex-ample.org>')?.address).toBe('jane@ex-ample.org');
    expect(leadingAddress('<jane@[192.0.2.1]>')?.address).toBe('jane@[192.0.2.1]');
    expect(leadingAddress('<first.last.@example.org>')?.address).toBe('first.last.@example.org');
  });

  test('a sendmail notice listing "<a@b.>" over "RCPT To:<a@b>" yields one record', () => {
    const raw = [
      'From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.net>',
      'To: owner@example.com',
      'Subject: Returned mail: User unknown',
      '',
      'The original message was received at Tue, 2 Dec 2025 10:00:00 +0100',
      'from client.example.com [192.0.2.7]',
      '',
      '   ----- The following addresses had permanent fatal errors -----',
      '<rosa.m@example.org.>',
      '',
      '   ----- Transcript of session follows -----',
      '... while talking to mx.example.org.:',
      '>>> RCPT To:<rosa.m@example.org>',
      '<<< 550 5.1.1 <rosa.m@example.org>... No such user here',
      '550 5.1.1 <rosa.m@example.org>... User unknown',
      '',
      '   ----- Original message follows -----',
      '',
      'To: rosa.m@example.org',
      'Subject: Minutes',
      '',
    ].join('\n');
    expect(oobRecipients(raw)).toEqual(['rosa.m@example.org']);
  });

  test('an Exim "malformed address" entry naming "<a@b.>" yields one record', () => {
    // Exim's parser.c: "<before> <address>: malformed address: <address> may not follow <before>".
    const raw = [
      'From: Mail Delivery System <Mailer-Daemon@mx.example.net>',
      'To: owner@example.com',
      'Subject: Mail delivery failed: returning message to sender',
      'Auto-Submitted: auto-replied',
      '',
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent contained one or more recipient addresses that were',
      'incorrectly constructed:',
      '',
      '  nils@example.com <theo@example.org.>: malformed address: <theo@example.org.> may not follow nils@example.com',
      '',
      'This address has been ignored.',
      '',
      '------ This is a copy of your message, including all the headers. ------',
      '',
      'To: theo@example.org',
      'Subject: Minutes',
      '',
    ].join('\n');
    expect(oobRecipients(raw)).toEqual(['theo@example.org']);
  });

  test('an Exchange list line "a@b." alone names a@b; a sentence ending in an address does not', () => {
    const notice = (line: string, admin = line): string =>
      [
        'From: postmaster@corp.example.com',
        'To: owner@example.com',
        'Subject: Undeliverable: Minutes',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset="us-ascii"',
        'X-MS-Exchange-Message-Is-Ndr:',
        '',
        'Delivery has failed to these recipients or groups:',
        '',
        line,
        "The recipient's mailbox is full and can't accept messages now.",
        '',
        'Diagnostic information for administrators:',
        '',
        'Generating server: ex1.corp.example.com',
        '',
        admin,
        '#552 5.2.2 STOREDRV.Deliver: mailbox full ##',
        '',
        'pia@example.net',
        'mx.example.net #554 5.7.1 Message rejected ##',
        '',
      ].join('\r\n');
    expect(oobRecipients(notice('ivo@example.org.'))).toEqual([
      'ivo@example.org',
      'pia@example.net',
    ]);
    expect(
      oobRecipients(notice('Please write to helpdesk@corp.example.com.', 'ivo@example.org')),
    ).not.toContain('helpdesk@corp.example.com');
  });
});

describe('an RFC 6533 utf-8 address written without its type', () => {
  test('"Original-Recipient: <j\\x{FC}rgen@...>" reads as the UTF-8 address', () => {
    const raw = dsn([
      'Original-Recipient: <j\\x{FC}rgen\\x{2B}tag@b\\x{FC}cher.example>',
      'Final-Recipient: utf-8; jürgen+tag@bücher.example',
    ]);
    expect(oobRecipients(raw)).toEqual(['jürgen+tag@bücher.example']);
  });

  test.each([
    // Under rfc822 a backslash is no escape of RFC 6533's (left as written).
    ['rfc822; a\\x{FC}b@example.org', 'a\\x{FC}b@example.org'],
    // In a quoted local part "\x" is a quoted-pair (RFC 5321 §4.1.2), no escape.
    ['"a\\x{FC}b"@example.org', '"a\\x{FC}b"@example.org'],
    ['utf-8; a\\x{FC}b@example.org', 'aüb@example.org'],
    ['a\\x{FC}b@example.org', 'aüb@example.org'],
    // Not a scalar value: left as written.
    ['a\\x{D800}b@example.org', 'a\\x{D800}b@example.org'],
  ])('%s reads as %s', (value, address) => {
    expect(parseTypedAddress(value).address).toBe(address);
  });
});
