// A vacation answer dressed as a bounce (a "Mail Delivery System" display name, a
// "Delivery Notification" subject) but marked by a responder's header field and saying
// its writer is away: an auto-reply, not a failure of the help-desk address it names.
// Own wordings; the must-not-match cases are bounces with the same clothes.
import { parseMessage } from '../../../src/report/index';

function message(headers: string[], body: string): Buffer {
  return Buffer.from(
    [
      'To: bounce+x1@bounce.example.com',
      'Date: Tue, 01 Dec 2026 10:00:00 +0000',
      'Message-ID: <m1@example.net>',
      ...headers,
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
    ].join('\n'),
    'utf8',
  );
}

const away =
  'Thanks for writing. I am on annual leave until 4 January and will not see mail ' +
  'before then. Nothing is forwarded; for anything urgent write to desk@example.net.';

describe('auto-replies dressed as bounces', () => {
  it('takes a responder flagged by X-Autoreply under a daemon display name for an auto-reply', () => {
    const r = parseMessage(
      message(
        [
          'From: "Mail Delivery System" <noreply@example.net>',
          'Subject: Delivery Notification: away',
          'X-Autoreply: yes',
        ],
        away,
      ),
    );
    expect(r.kind).toBe('autoreply');
    const f = r.findings[0];
    expect(f?.kind === 'oob' && f.label).toBe('AutoReply');
    expect(f?.kind === 'oob' && f.recipient).toBe('noreply@example.net');
  });

  it('takes Auto-Submitted: auto-replied with a returned-mail subject and an away text for an auto-reply', () => {
    const r = parseMessage(
      message(
        [
          'From: Mail Delivery Subsystem <info@example.org>',
          'Subject: Returned mail: I am out of the office',
          'Auto-Submitted: auto-replied',
        ],
        'I am out of the office this week with limited access to e-mail. ' +
          'Please contact office@example.org in the meantime.',
      ),
    );
    expect(r.kind).toBe('autoreply');
  });

  it('still reads a notice with a failure reply code as a bounce', () => {
    const r = parseMessage(
      message(
        [
          'From: "Mail Delivery System" <noreply@example.net>',
          'Subject: Delivery Notification',
          'Auto-Submitted: auto-replied',
        ],
        'Your mail to gone@example.net was rejected: 550 user unknown. ' +
          'The copy below says: I am on leave until Monday.',
      ),
    );
    expect(r.kind).toBe('heuristic');
    expect(r.findings[0]?.kind === 'oob' && r.findings[0].recipient).toBe('gone@example.net');
  });

  // Must not match: the same clothes on a notice that reports a failure, or without a
  // responder's own header field.
  it.each([
    [
      'a notice that says the message could not be delivered',
      [
        'From: "Mail Delivery System" <noreply@example.net>',
        'Subject: Delivery Notification',
        'X-Autoreply: yes',
      ],
      'Your message could not be delivered to later@example.net: the recipient is ' +
        'away from the office and the mailbox does not accept mail meanwhile.',
    ],
    [
      'a bounce from MAILER-DAEMON whatever its text says',
      [
        'From: MAILER-DAEMON@mx.example.net',
        'Subject: Delivery Notification',
        'Auto-Submitted: auto-replied',
      ],
      'Returned for gone@example.net, who is on leave: mailbox disabled.',
    ],
    [
      'a daemon-signed notice without a responder header',
      [
        'From: "Mail Delivery System" <noreply@example.net>',
        'Subject: Delivery Notification',
        'Precedence: bulk',
      ],
      away,
    ],
    [
      'an Exchange NDR flagged as one',
      [
        'From: Microsoft Outlook <postmaster@example.net>',
        'Subject: Undeliverable: hello',
        'Auto-Submitted: auto-replied',
        'X-MS-Exchange-Message-Is-Ndr:',
      ],
      'Delivery has failed to these recipients or groups: away@example.net',
    ],
  ])('does not take %s for an auto-reply', (_name, headers, body) => {
    expect(parseMessage(message(headers, body)).kind).not.toBe('autoreply');
  });
});
