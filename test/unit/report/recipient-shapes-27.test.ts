// WHO failed, in the shapes old and odd notices give the recipient
// (bench/data/blind-messages-27, h181):
// * Exchange 2003 writes a recipient as the sender wrote it, also as an RFC 5322
//   name-addr ("Paula Gomez <a@b> on <date>"): the bracketed address
//   (src/report/heuristic/exchange.ts).
// * A relay that copies Exim's failed-address list may write a display name before the
//   bracketed address ('"Iris Vale" <a@b>'): the bracketed address
//   (src/report/heuristic/exim.ts).
// * A daemon's failure sentence names the destination after "for" as well as "to"
//   ("Mail for <a@b> from <c@d> was rejected"), or after a noun ("Delivery to the
//   recipient (a@b) failed"); a notice that names it nowhere else and returns no message
//   may name it in its Subject ("Undeliverable mail to a@b") (src/report/fallback.ts).
// Every text here was written for this test.
import { parseMessage } from '../../../src/report/index';

function message(headers: string[], body: string[]): Buffer {
  return Buffer.from(['Return-Path: <>', ...headers, '', ...body, ''].join('\r\n'), 'latin1');
}

/** The recipient of each failed finding (a finding naming none: its returned recipient, else ''). */
function failed(raw: Buffer): string[] {
  return parseMessage(raw).findings.flatMap((f) =>
    f.kind === 'oob' && f.report.action === 'failed'
      ? [f.recipient === '' ? (f.returnedRecipient ?? '') : f.recipient]
      : [],
  );
}

/** A one-part notice from a mail system, with `subject` and `body`. */
function notice(subject: string, body: string[]): Buffer {
  return message(
    [
      'From: Mail Delivery System <MAILER-DAEMON@relay.example.net>',
      'To: bounces@sender.example',
      `Subject: ${subject}`,
      'Date: Thu, 3 Dec 2026 10:00:00 +0000',
    ],
    body,
  );
}

describe('Exchange 2003 recipient lines', () => {
  function exchange2003(entry: string): Buffer {
    return message(
      [
        'From: System Administrator <postmaster@corp.example>',
        'To: bounces@sender.example',
        'Subject: Undeliverable: Budget',
        'Date: Thu, 3 Dec 2026 10:00:00 +0000',
      ],
      [
        'Your message did not reach some or all of the intended recipients.',
        '',
        'The following recipient(s) could not be reached:',
        '',
        entry,
        '            The e-mail account does not exist at the organization this message was sent to.',
        '            <mx.corp.example #5.1.1>',
      ],
    );
  }

  it('takes the bracketed address of a recipient written with its display name', () => {
    expect(
      failed(exchange2003('      Oskar Lind <oskar.lind@corp.example> on 12/3/2026 10:01 AM')),
    ).toEqual(['oskar.lind@corp.example']);
  });

  it('takes the bracketed address after a quoted display name holding a comma', () => {
    expect(
      failed(exchange2003('      "Lind, Oskar" <oskar.lind@corp.example> on 12/3/2026 10:01 AM')),
    ).toEqual(['oskar.lind@corp.example']);
  });

  it('still reads a bare address before the date', () => {
    expect(failed(exchange2003('      oskar.lind@corp.example on 12/3/2026 10:01 AM'))).toEqual([
      'oskar.lind@corp.example',
    ]);
  });
});

describe('Exim-layout failed-address lists with display names', () => {
  function exim(entries: string[]): Buffer {
    return message(
      [
        'From: Mail Delivery System <Mailer-Daemon@mx.example.org>',
        'To: bounces@sender.example',
        'Subject: Mail delivery failed: returning message to sender',
        'Date: Thu, 3 Dec 2026 10:00:00 +0000',
      ],
      [
        'This message was created automatically by mail delivery software.',
        '',
        'A message that you sent could not be delivered to one or more of its',
        'recipients. This is a permanent error. The following address(es) failed:',
        '',
        ...entries,
      ],
    );
  }

  it('reads each entry, a quoted display name before the address and a bare address', () => {
    expect(
      failed(
        exim([
          '  "Vera Holm" <vera.holm@example.org>',
          '    host mx.example.org [192.0.2.41]: 550 5.1.1 unknown user',
          '  tor@example.org',
          '    host mx.example.org [192.0.2.41]: 552 5.2.2 mailbox full',
        ]),
      ),
    ).toEqual(['vera.holm@example.org', 'tor@example.org']);
  });

  it('reads an unquoted display name whose address ends in a colon and the reason', () => {
    expect(failed(exim(['  Vera Holm <vera.holm@example.org>: 550 5.1.1 unknown user']))).toEqual([
      'vera.holm@example.org',
    ]);
  });

  it('does not take a sentence that only ends in a bracketed address for an entry', () => {
    const found = failed(
      exim([
        '  tor@example.org',
        '    host mx.example.org [192.0.2.41]: 550 5.1.1 unknown user',
        '  Write to Help <help@example.org> today',
      ]),
    );
    expect(found).toEqual(['tor@example.org']);
  });
});

// [what the test says, the notice's Subject, its body, the failed recipients expected]
const SENTENCES: [string, string, string[], string[]][] = [
  [
    'takes the address after "for", not the sender named after "from"',
    'Delivery failure',
    [
      'Mail for <una.berg@example.net> from <news@sender.example> was rejected:',
      '550 5.1.1 no such mailbox',
    ],
    ['una.berg@example.net'],
  ],
  [
    'takes the address after "to", with the sender named first',
    'Delivery failure',
    [
      'Your message from news@sender.example to una.berg@example.net could not be delivered:',
      '550 5.1.1 no such mailbox',
    ],
    ['una.berg@example.net'],
  ],
  [
    'takes a parenthesised address after "the recipient"',
    'Nondeliverable mail',
    ['Delivery to the recipient (una.berg@example.net) failed:', 'the mailbox is full (552).'],
    ['una.berg@example.net'],
  ],
  [
    'takes a bracketed address after "user"',
    'Nondeliverable mail',
    ['Your message to user <una.berg@example.net> could not be delivered (550).'],
    ['una.berg@example.net'],
  ],
  [
    'does not take a help address a contact phrase introduces',
    'Nondeliverable mail',
    [
      'Your message could not be delivered (550 5.1.1).',
      'Please contact postmaster@relay.example.net for help with rejected mail.',
    ],
    [''],
  ],
  [
    'takes the address of a failure Subject when the notice returns no message',
    'Undeliverable mail to lisa.moe@example.net',
    ['Your message could not be delivered.', "The recipient's mailbox does not exist (550 5.1.1)."],
    ['lisa.moe@example.net'],
  ],
  [
    'does not take an address of the original subject the notice repeats',
    'Undeliverable: Question from bob.client@example.org',
    ['Your message could not be delivered.', "The recipient's mailbox does not exist (550 5.1.1)."],
    [''],
  ],
  [
    "does not take the bounce's own address a Subject names",
    'Undeliverable notice to bounces@sender.example',
    ['Your message could not be delivered.', "The recipient's mailbox does not exist (550 5.1.1)."],
    [''],
  ],
];

describe('failure sentences of daemon notices and their Subjects', () => {
  it.each(SENTENCES)('%s', (_what, subject, body, want) => {
    expect(failed(notice(subject, body))).toEqual(want);
  });

  it('does not take a Message-ID named after "for message"', () => {
    const body = ['Delivery failed for message <20261203.4711@mail.sender.example> (550).'];
    expect(failed(notice('Nondeliverable mail', body))).not.toContain(
      '20261203.4711@mail.sender.example',
    );
  });
  it('prefers the one To of the returned message to the Subject', () => {
    const raw = message(
      [
        'From: Mail Delivery System <MAILER-DAEMON@relay.example.net>',
        'To: bounces@sender.example',
        'Subject: Undeliverable mail to someone.else@example.net',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="s1"',
      ],
      [
        '--s1',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered (550).',
        '--s1',
        'Content-Type: message/rfc822',
        '',
        'From: news@sender.example',
        'To: lisa.moe@example.net',
        'Subject: Hello',
        '',
        'Hi',
        '--s1--',
      ],
    );
    expect(failed(raw)).toEqual(['lisa.moe@example.net']);
  });
});

describe('adversarial input', () => {
  it('reads a 1 MB line of repeated "for" and "to the recipient (" without hanging', () => {
    const body = [
      'Delivery could not be made' + ' for x to the recipient (a'.repeat(36000),
      '  "A B" <a@b.example> x'.repeat(40000),
    ];
    expect(failed(notice('Undeliverable mail to' + ' to'.repeat(100), body))).toBeDefined();
  });
});
