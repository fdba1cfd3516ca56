// Challenge-response probes: one ChallengeResponse finding, never a failed recipient.
// The wordings are written here after the services' and programs' documented notices
// (a held message, and a request to prove a person sent it), not copied from mail.
import { parseMessage } from '../../../src/report/index';
import { sniffMessage } from '../../../src/report/sniff';
import type { OobFinding, ParseResult } from '../../../src/report/types';
import { fixtureRecords } from '../../helpers/fixture-records';

function message(headers: string[], body: string[]): Buffer {
  return Buffer.from(
    [
      'To: bounce@bounce.example.com',
      'Date: Mon, 03 Mar 2025 10:00:00 +0000',
      ...headers,
      'Content-Type: text/plain; charset=utf-8',
      '',
      ...body,
    ].join('\n'),
    'utf8',
  );
}

function only(r: ParseResult): OobFinding {
  expect(r.findings).toHaveLength(1);
  const f = r.findings[0];
  if (f?.kind !== 'oob') throw new Error('not an OOB finding');
  return f;
}

describe('challenge-response probes', () => {
  it("reads a service's notice on behalf of the recipient as one ChallengeResponse finding", () => {
    const raw = message(
      [
        'From: Mail Screening <notices@boxbe.com>',
        'Subject: Please confirm your message to jane@example.org',
        'In-Reply-To: <newsletter-7@sender.example.com>',
      ],
      [
        'Hello,',
        'jane@example.org screens incoming mail. Your message will be delivered once',
        'you confirm that you are a human: click the link below to confirm.',
        '  https://verify.example/abc',
      ],
    );
    const r = parseMessage(raw);
    expect(r.kind).toBe('challenge');
    const f = only(r);
    expect(f.label).toBe('ChallengeResponse');
    expect(f.recipient).toBe('jane@example.org');
    expect(f.report.action).toBe('auto-replied');
    expect(f.report.source).toBe('challenge-response');
    expect(f.report.original_message_id).toBe('newsletter-7@sender.example.com');
    // Nothing was refused: no reply code or status of a failure is made up.
    expect(f.reply).toEqual({
      code: 250,
      enhancedCode: null,
      content: 'Please confirm your message to jane@example.org',
      command: null,
    });
  });

  it("reads the recipient's own challenge ('I am protecting myself from junk mail')", () => {
    const f = only(
      parseMessage(
        message(
          ['From: Sam Doe <sam@example.net>', 'Subject: Re: Our spring offers'],
          [
            'I am protecting myself from junk mail.',
            'To get your message to me, please verify that you are a real person:',
            'simply reply to this message without changing the subject.',
          ],
        ),
      ),
    );
    expect([f.recipient, f.label]).toEqual(['sam@example.net', 'ChallengeResponse']);
  });

  it("reads a whitelist request from mailbox-side software (TMDA's X-Delivery-Agent)", () => {
    const f = only(
      parseMessage(
        message(
          [
            'From: lee@example.com',
            'Subject: Re: Invoice 2025-03',
            'X-Delivery-Agent: TMDA/1.1.12 (Macallan)',
          ],
          [
            'Your message is being held until you answer this note.',
            'Reply to this message to confirm, and you will be added to my whitelist.',
          ],
        ),
      ),
    );
    expect([f.recipient, f.label]).toEqual(['lee@example.com', 'ChallengeResponse']);
  });

  it("reads a TMDA challenge sent from its confirmation address as a challenge, not an auto-reply, for the user's own address", () => {
    const r = parseMessage(
      message(
        [
          'From: Ann Lee <ann-confirm-1741000000.4711.9f3c2a@example.com>',
          'Subject: Re: Invoice 2025-03',
          'Auto-Submitted: auto-replied',
        ],
        [
          'This notice was written by a mail filter.',
          'The note you sent to ann@example.com waits in a queue until you answer.',
          'Reply to this notice with an empty message and the note goes through.',
        ],
      ),
    );
    expect(r.kind).toBe('challenge');
    expect([only(r).recipient, only(r).label]).toEqual(['ann@example.com', 'ChallengeResponse']);
  });

  it("reads a TMDA template's wording (held because not recognised, release by an empty message) without its headers", () => {
    const r = parseMessage(
      message(
        ['From: ned@example.net', 'Subject: Re: lunch', 'Auto-Submitted: auto-replied'],
        [
          'The message below, sent to ned@example.net, is being held because your',
          'address is new to this mailbox. To release your message, send an empty',
          'message to the address this notice came from.',
        ],
      ),
    );
    expect([only(r).recipient, only(r).label]).toEqual(['ned@example.net', 'ChallengeResponse']);
  });

  it.each([
    // Tagged addresses that are no TMDA confirmation cookie.
    ['orders-confirm-2025@example.com'],
    ['team-confirm-abc.def.ghi@example.com'],
    ['ann-confirmed-1741000000.4711.9f3c2a@example.com'],
  ])('keeps an out-of-office reply from %s an auto-reply', (from) => {
    const r = parseMessage(
      message(
        [`From: ${from}`, 'Subject: Out of office', 'Auto-Submitted: auto-replied'],
        ['I am away until Monday and will read your message then.'],
      ),
    );
    expect(r.kind).toBe('autoreply');
    expect(only(r).label).toBe('AutoReply');
  });

  it("does not take a list moderator's hold notice for a challenge (held, but nothing asked of the sender)", () => {
    const r = parseMessage(
      message(
        ['From: team-owner@lists.example.org', 'Subject: Your message awaits moderation'],
        [
          'Your mail to the team list is being held until the list moderator can review it.',
          'You will be told of the decision; nothing is needed from you.',
        ],
      ),
    );
    expect(r.findings.some((f) => f.kind === 'oob' && f.label === 'ChallengeResponse')).toBe(false);
  });

  it('gives one OOB record labelled ChallengeResponse, not a failure', () => {
    const records = fixtureRecords(
      message(
        ['From: kim@example.org', 'Subject: Sender verification required'],
        [
          'Your email has been held by my spam filter.',
          'Please prove you are human by clicking the link below.',
          'Click here to verify: https://verify.example/x',
        ],
      ),
    );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      type: 'OOB',
      recipient: 'kim@example.org',
      bounce_classification: 'ChallengeResponse',
      response: { code: 250, enhanced_code: null },
      oob_report: { action: 'auto-replied', status: null },
    });
  });

  it('is accepted at end of DATA by the header sniff', () => {
    const raw = message(
      ['From: kim@example.org', 'Subject: Verification required: your message to kim'],
      ['x'],
    );
    expect(sniffMessage(raw, 'sender@example.com').kind).toBe('autoreply');
    expect(
      sniffMessage(message(['From: x <notices@boxbe.com>', 'Subject: hi'], ['x']), 'a@b.example')
        .kind,
    ).toBe('autoreply');
    expect(
      sniffMessage(message(['From: x <notices@notboxbe.com>', 'Subject: hi'], ['x']), 'a@b.example')
        .kind,
    ).toBe('none');
  });

  it('does not take a subscription confirmation for a challenge (a request, but no held message)', () => {
    const r = parseMessage(
      message(
        ['From: news@shop.example', 'Subject: Please confirm your subscription'],
        ['Thanks for signing up! Click here to confirm your subscription to our newsletter.'],
      ),
    );
    expect(r.findings.some((f) => f.kind === 'oob' && f.label === 'ChallengeResponse')).toBe(false);
  });

  it('does not take a vacation notice for a challenge (no request)', () => {
    const r = parseMessage(
      message(
        ['From: pat@example.org', 'Subject: Out of office', 'Auto-Submitted: auto-replied'],
        ['I am out of the office until Monday; your message will be delivered to my deputy.'],
      ),
    );
    expect(r.kind).toBe('autoreply');
    expect(only(r).label).toBe('AutoReply');
  });

  it("does not take a service's other mail for a challenge", () => {
    const r = parseMessage(
      message(
        ['From: Service <news@boxbe.com>', 'Subject: Your monthly summary'],
        ['You received 12 messages this month.'],
      ),
    );
    expect(r.kind).not.toBe('challenge');
  });

  it('leaves a bounce that asks to verify an address a bounce', () => {
    const raw = Buffer.from(
      [
        'From: MAILER-DAEMON@mx.example.net',
        'Subject: Undelivered Mail Returned to Sender',
        'Content-Type: multipart/report; report-type=delivery-status; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'Please verify that you are a human and that the address is right.',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.net',
        '',
        'Final-Recipient: rfc822; gone@example.org',
        'Action: failed',
        'Status: 5.1.1',
        '--b--',
      ].join('\n'),
    );
    const r = parseMessage(raw);
    expect(r.kind).toBe('dsn');
    expect(only(r).label).toBeNull();
  });
});

describe('challenge-response probes in other wordings (blind-messages-13)', () => {
  const kindOf = (headers: string[], body: string[]): string =>
    parseMessage(message(headers, body)).kind;

  it.each([
    [
      'a request to verify being a person, not a robot (sent as an auto-reply)',
      [
        'From: "Ann (via MailGuard)" <check@mailguard.example>',
        'Subject: Re: Our winter sale [verify your email]',
        'Auto-Submitted: auto-replied',
      ],
      [
        'Your email is waiting for me. Please verify that you are a person and not a',
        'robot by opening the page below and typing the characters you see there.',
      ],
    ],
    [
      "a screening service's Guest List request",
      ['From: Screening <lists@screening.example>', 'Subject: Lea wants to know who you are'],
      [
        'Lea uses screening. Your note is in her screened folder; ask to be put on her',
        'Guest List at https://screening.example/g/1 and it reaches her inbox.',
      ],
    ],
    [
      'a French challenge (held message, proof of being a person)',
      ['From: Filtre <filtre@exemple.example>', 'Subject: Confirmez votre message'],
      [
        'Votre message a été retenu. Merci de confirmer que vous êtes une personne en',
        'suivant ce lien : https://exemple.example/c/9',
      ],
    ],
  ])('reads %s as a challenge', (_name, headers, body) => {
    expect(kindOf(headers, body)).toBe('challenge');
  });

  it('reads a German challenge for the held mailbox of its own domain', () => {
    const r = parseMessage(
      message(
        [
          'From: Absenderprüfung <pruefen@firma.example>',
          'Subject: =?UTF-8?Q?Best=C3=A4tigen_Sie_Ihre_Nachricht_bitte?=',
        ],
        [
          'Ihre Nachricht an bernd@firma.example wurde zurückgehalten. Öffnen Sie den Link,',
          'um zu bestätigen, dass Sie ein Mensch sind: https://firma.example/ok/5',
        ],
      ),
    );
    expect(r.kind).toBe('challenge');
    expect(only(r).label).toBe('ChallengeResponse');
    expect(only(r).recipient).toBe('bernd@firma.example');
  });

  it.each([
    [
      'a German newsletter sign-up confirmation (a request, nothing held)',
      ['From: shop@laden.example', 'Subject: Bitte bestätigen Sie Ihre Anmeldung'],
      ['Bitte bestätigen Sie Ihre Anmeldung zu unserem Newsletter über diesen Link.'],
      'none',
    ],
    [
      "a recipient's quarantine digest (held, nothing asked of the sender)",
      ['From: quarantaene@firma.example', 'Subject: Quarantäne-Übersicht'],
      ['Die folgende Nachricht wurde zurückgehalten: "Winterangebote" von news@shop.example.'],
      'none',
    ],
    [
      'an auto-reply that mentions a guest list',
      ['From: eva@verein.example', 'Subject: Re: Gala', 'Auto-Submitted: auto-replied'],
      ['I am away until Friday. The guest list for the gala is with the office.'],
      'autoreply',
    ],
  ])('does not take %s for a challenge', (_name, headers, body, kind) => {
    expect(kindOf(headers, body)).toBe(kind);
  });
});
