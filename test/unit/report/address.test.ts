import {
  decodeUtf8AddrText,
  extractAddress,
  extractAddressList,
  localPartOf,
  parseTypedAddress,
} from '../../../src/report/address';

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
