// Zoho Mail's notice (src/report/heuristic/mailers.ts zoho): one line per recipient,
// "a@b <reason>, ERROR_CODE :<reply code>, ERROR_CODE :<reply>"; the same notice with
// the address alone on the line before its ERROR_CODE line (re-wrapped, or laid out as
// Exim's "The following address(es) failed:" block), as blind-messages-15 22 has it.
// Messages written here.
import { readMessage } from '../../../src/report/index';
import { FAMILIES, parseWith } from '../../../src/report/heuristic/index';
import { Bounce, EVIDENCE } from '../../../src/report/heuristic/common';
import { zoho } from '../../../src/report/heuristic/mailers';
import type { OobFinding } from '../../../src/report/types';

const INTRO = [
  'This message was created automatically by mail delivery software.',
  'A message that you sent could not be delivered to one or more of its recipients. This is a permanent error.',
  '',
];

function notice(...body: string[]): Buffer {
  return Buffer.from(
    [
      'From: mailer-daemon@mail.zoho.example',
      'To: bounces@example.com',
      'Subject: Undelivered Mail Returned to Sender',
      'X-ZohoMail: Si CHF_MF_NL SS_10',
      '',
      ...INTRO,
      ...body,
      '',
      'Received: from mail.example.com by mx.zohomail.example',
    ].join('\n'),
    'utf8',
  );
}

function read(raw: Buffer): [string, number | null, string][] {
  return parseWith([zoho], readMessage(raw))
    .filter((f): f is OobFinding => f.kind === 'oob')
    .map((f) => [
      f.recipient,
      f.reply.code,
      f.reply.enhancedCode === null
        ? ''
        : `${f.reply.enhancedCode.class}.${f.reply.enhancedCode.subject}.${f.reply.enhancedCode.detail}`,
    ]);
}

describe('Zoho notices', () => {
  it('reads the address that opens the ERROR_CODE line', () => {
    expect(
      read(
        notice(
          'lina@example.org Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <lina@example.org>... unknown',
        ),
      ),
    ).toEqual([['lina@example.org', 550, '5.1.1']]);
  });

  it('reads an address alone on the line before its ERROR_CODE line, each with its own code', () => {
    expect(
      read(
        notice(
          'The following address(es) failed:',
          '',
          'omar@example.org',
          'Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <omar@example.org>... unknown',
          '',
          '<fatma@example.net>:',
          'Mailbox Full, ERROR_CODE :452, ERROR_CODE :4.2.2 over quota, try later',
        ),
      ),
    ).toEqual([
      ['omar@example.org', 550, '5.1.1'],
      ['fatma@example.net', 452, '4.2.2'],
    ]);
  });

  it('does not take an address out of a sentence on the line before', () => {
    expect(
      read(
        notice(
          'Your message to pia@example.org could not be delivered:',
          'Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 unknown',
        ),
      ),
    ).toEqual([]);
  });
});

describe('Zoho notices sent from a domain that is not zoho.com', () => {
  // No X-ZohoMail field, a sender outside zoho.com: only the text says what it is.
  function plain(...body: string[]): Buffer {
    const head = ['From: mailer-daemon@mx.hosted-mail.example', 'Subject: Undelivered Mail'];
    return Buffer.from([...head, '', ...INTRO, ...body].join('\n'), 'utf8');
  }

  it('are read by their ERROR_CODE lines, each recipient with its own reply code', () => {
    const found = parseWith(
      FAMILIES,
      readMessage(
        plain(
          'tilda@example.org Invalid Address, ERROR_CODE :552, ERROR_CODE :5.2.2 <tilda@example.org>... over quota',
          'bruno@example.net Host not found, ERROR_CODE :550, ERROR_CODE :5.1.2 no such domain',
        ),
      ),
    ).filter((f): f is OobFinding => f.kind === 'oob');
    expect(found.map((f) => [f.recipient, f.reply.code, f.report.source])).toEqual([
      ['tilda@example.org', 552, 'heuristic:zoho'],
      ['bruno@example.net', 550, 'heuristic:zoho'],
    ]);
  });

  it('are not claimed by the Zoho reader when no line carries an ERROR_CODE field', () => {
    const b = new Bounce(
      readMessage(plain('ugo@example.org', '  550 5.1.1 <ugo@example.org>: mailbox unavailable')),
    );
    expect(zoho.detect(b)).toBe(EVIDENCE.none);
  });
});
