import {
  decodeUtf8AddrText,
  extractAddress,
  extractAddressList,
  isEmailAddress,
  localPartOf,
  parseTypedAddress,
} from '../../../src/report/address';
import { addressIn, bareAddress, leadingAddress } from '../../../src/report/heuristic/common';
import { parseMessage } from '../../../src/report/index';

describe('addresses in fields', () => {
  it.each([
    ['Kiji Tora <kiji@example.org>', 'kiji@example.org'],
    ['"Tora, Kiji" <kiji@example.org>', 'kiji@example.org'],
    ['kiji@example.org (Kiji Tora)', 'kiji@example.org'],
    ['<@relay.example:kiji@example.org>', 'kiji@example.org'],
    ['kijitora@example.com<mailto:kijitora@example.com>', 'kijitora@example.com'],
    ['kijitora@example.jp您好，', 'kijitora@example.jp'],
    ['用户@例子.广告', '用户@例子.广告'],
  ])('reads %s', (input, expected) => {
    expect(extractAddress(input)).toBe(expected);
  });

  it('gives null when there is no address', () => {
    expect(extractAddress('<Undisclosed Recipients>')).toBeNull();
    expect(extractAddress('undisclosed-recipients:;')).toBeNull();
    expect(extractAddress(null)).toBeNull();
  });

  it('reads every address of a list, commas in quotes and comments included', () => {
    expect(
      extractAddressList(
        '"Doe, Jane" <jane@example.com>, bob@example.com (Bob, B.), Group: carol@example.com;',
      ),
    ).toEqual(['jane@example.com', 'bob@example.com', 'carol@example.com']);
  });

  it('reads the last mailbox of a list that ends inside a quote, bracket or comment', () => {
    expect(extractAddressList('jane@example.com, <bob@example.com')).toEqual([
      'jane@example.com',
      'bob@example.com',
    ]);
    expect(extractAddressList('"cut off <carol@example.com>, dave@example.com')).toEqual([
      'carol@example.com',
    ]);
  });

  it('reads the local part of system senders with and without a domain', () => {
    expect(localPartOf('Mail Delivery System <MAILER-DAEMON@mx.example.net>')).toBe(
      'mailer-daemon',
    );
    expect(localPartOf('mailer-daemon')).toBe('mailer-daemon');
    expect(localPartOf('Postmaster <postmaster>')).toBe('postmaster');
  });

  it('reads RFC 3464 typed addresses', () => {
    expect(parseTypedAddress('rfc822;<a@example.com>')).toEqual({
      type: 'rfc822',
      address: 'a@example.com',
    });
    expect(parseTypedAddress('RFC822; a@example.com')).toEqual({
      type: 'rfc822',
      address: 'a@example.com',
    });
    expect(parseTypedAddress('rfc822; <>')).toEqual({ type: 'rfc822', address: '' });
    expect(parseTypedAddress('unknown; nair_s')).toEqual({ type: 'unknown', address: 'nair_s' });
    expect(parseTypedAddress('a@example.com')).toEqual({ type: '', address: 'a@example.com' });
  });

  it('decodes the \\x{HEX} escapes of RFC 6533 utf-8 addresses and keeps malformed ones', () => {
    expect(decodeUtf8AddrText('j\\x{FC}rgen@m\\x{00FC}ller.example')).toBe('jürgen@müller.example');
    expect(decodeUtf8AddrText('a\\x{D800}b\\x{zz}c\\x{110000}')).toBe(
      'a\\x{D800}b\\x{zz}c\\x{110000}',
    );
    expect(parseTypedAddress('utf-8; \\x{7528}\\x{6237}@example.com')).toEqual({
      type: 'utf-8',
      address: '用户@example.com',
    });
  });
});

// The shapes of RFC 5321 §4.1.2 Mailbox (Dot-string, Quoted-string, address-literal of
// §4.1.3; the 64-octet local part and 63-octet labels of §4.5.3.1) and RFC 6531 §3.3
// (UTF-8 local parts, U-label domains), as bounces write them: bare, in angle
// brackets, in quotes, after a label, before a colon. bench:addresses transplants them
// into every development bounce.
const SHAPES = [
  'alice+newsletter-7@example.net',
  'first.middle-last@example-mail.net',
  `${'abcdefghij'.repeat(6)}wxyz@example.org`,
  '4915112345678@example.de',
  'John.Smith@Example.COM',
  '"john doe"@example.org',
  '"a,b;c"@example.org',
  "o'neil@example.ie",
  'a@mail.dept.example.co.uk',
  '用户@例え.jp',
  'jürgen@bücher.example',
  'juergen@xn--bcher-kva.example',
  'user@[192.0.2.1]',
  'user@[IPv6:2001:db8::1]',
  'news_42=user=example.org/x@lists.example.net',
  `u@${'a'.repeat(63)}.${'b'.repeat(63)}.example`,
];

describe('every mailbox shape is read whole, as written', () => {
  test.each(SHAPES)('%s', (address) => {
    expect(isEmailAddress(address)).toBe(true);
    for (const written of [
      address,
      `<${address}>`,
      `<${address}>:`,
      `${address}.`,
      `${address},`,
      `Name <${address}>`,
      `rcpt to:<${address}>`,
    ])
      expect(extractAddress(written)).toBe(address);
    expect(addressIn(`Delivery to ${address} failed.`)).toBe(address);
    expect(addressIn(`550 5.1.1 <${address}>: Recipient address rejected`)).toBe(address);
    expect(bareAddress(`  ${address}`)).toBe(address);
    expect(bareAddress(`<${address}>:`)).toBe(address);
    expect(leadingAddress(`<${address}>: host mx.example.net said: 550 unknown`)).toEqual({
      address,
      rest: 'host mx.example.net said: 550 unknown',
      reason: '',
    });
    expect(leadingAddress(`${address}: 550 unknown`)?.address).toBe(address);
    expect(leadingAddress(`'${address}' on 4/29/2010 11:34 AM`)?.address).toBe(address);
    expect(parseTypedAddress(`rfc822; ${address}`).address).toBe(address);
    expect(extractAddressList(`${address}, other@example.com`)).toEqual([
      address,
      'other@example.com',
    ]);
  });

  test('the first quote before a quoted local part is not taken off', () => {
    expect(extractAddress('"john doe"@example.org (John)')).toBe('"john doe"@example.org');
    expect(extractAddress('To: "john doe"@example.org')).toBe('"john doe"@example.org');
  });
});

describe('what is no mailbox, or not all of one', () => {
  test.each([
    // Trailing sentence punctuation and wrappers go.
    ['a@b.example.', 'a@b.example'],
    ['a@b.example.,', 'a@b.example'],
    ['"a@b.example":', 'a@b.example'],
    ["'a@b.example'", 'a@b.example'],
    ['mailto:a@b.example', 'a@b.example'],
    ['a@b.example<mailto:a@b.example>', 'a@b.example'],
    // A display name in quotes before the address is no quoted local part.
    ['"John Doe" <john@example.org>', 'john@example.org'],
    ['"John Doe" john@example.org', 'john@example.org'],
    // A bracket that closes a sentence, not an address literal.
    ['[a@b.example]', 'a@b.example'],
  ])('%s reads as %s', (input, expected) => {
    expect(extractAddress(input)).toBe(expected);
  });

  test('a quote that ends a sentence is no apostrophe of the address', () => {
    expect(leadingAddress("'wyn@example.org'.")?.address).toBe('wyn@example.org');
    expect(leadingAddress("'o'neil@example.ie'.")?.address).toBe("o'neil@example.ie");
  });

  test.each([
    'see https://help.example.com/?u=a@b.example',
    'http://user@www.example.com/',
    'a@',
    '@b.example',
  ])('%s holds no mailbox', (input) => {
    const a = extractAddress(input);
    expect(a === null || !isEmailAddress(a)).toBe(true);
  });
});

/** A Postfix-like bounce (RFC 3464 report) naming `rcpt`, with a help text around it. */
function bounce(rcpt: string, help: string): Buffer {
  return Buffer.from(
    [
      'From: MAILER-DAEMON@mx.example.com (Mail Delivery System)',
      'To: sender@example.com',
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain; charset=utf-8',
      '',
      "I'm sorry to have to inform you that your message could not",
      'be delivered to one or more recipients.',
      help,
      '',
      `<${rcpt}>: host mx.example.net[192.0.2.5] said: 550 5.1.1 <${rcpt}>: Recipient`,
      '    address rejected: User unknown (in reply to RCPT TO command)',
      '',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.com',
      '',
      `Final-Recipient: rfc822; ${rcpt}`,
      'Action: failed',
      'Status: 5.1.1',
      `Diagnostic-Code: smtp; 550 5.1.1 <${rcpt}>: Recipient address rejected: User unknown`,
      '',
      '--B',
      'Content-Type: text/rfc822-headers',
      '',
      'From: sender@example.com',
      `To: ${rcpt}`,
      'Message-ID: <20250310.1234@mail.example.com>',
      '',
      '--B--',
      '',
    ].join('\r\n'),
    'utf8',
  );
}

describe('a bounce names its failed recipient, in any shape, and nothing else', () => {
  const help = [
    'For assistance, write to postmaster@example.com or see',
    'https://help.example.com/bounce?to=help@example.com and <mailto:abuse@example.com>.',
    'Your message <20250310.1234@mail.example.com> was returned.',
  ].join('\r\n');
  test.each(SHAPES)('%s', (address) => {
    const findings = parseMessage(bounce(address, help)).findings.filter((f) => f.kind === 'oob');
    expect(findings.map((f) => f.recipient)).toEqual([address]);
    for (const f of findings) if (f.kind === 'oob') expect(f.reply.code).toBe(550);
  });
});
