import { parseFallback } from '../../../src/report/fallback';
import { parseMessage, readMessage } from '../../../src/report/index';
import type { OobFinding } from '../../../src/report/types';
import { expectSnapshotRecords, fixtureFiles, readFixture } from '../../helpers/fixture-records';
import { describeExpectations } from '../../helpers/fixture-expectations';

const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\n'), 'utf8');

function findings(raw: Buffer): OobFinding[] {
  return parseMessage(raw).findings.filter((f): f is OobFinding => f.kind === 'oob');
}

describe('last-resort scan of text bounces', () => {
  it('finds the failed recipient of an old Smail text bounce on its own', () => {
    // parseMessage gives this one to heuristic/small-mtas.ts; the scan must still find it.
    const [f] = parseFallback(readMessage(readFixture('rfc3464/sisimai-rfc3464-37.eml'))) ?? [];
    expect(f?.recipient).toBe('kijitora@neko.nyaan.example.com');
    expect(f?.report.source).toBe('heuristic:fallback');
    expect(f?.reply).toEqual({
      code: 550,
      enhancedCode: null,
      content: 'unknown host',
      command: null,
    });
  });

  it("takes the reply of the lines that follow a recipient, and skips the bounce's own addresses", () => {
    const raw = eml(
      'From: MAILER-DAEMON@mx.example.net',
      'To: sender@example.com',
      'Subject: failure notice',
      '',
      'Hi. This is the mail transport agent at mx.example.net.',
      'Mail to sender@example.com could not be sent back.',
      '',
      '<gone@example.org>:',
      '192.0.2.5 does not like recipient.',
      'Remote host said: 550 5.1.1 <gone@example.org>... User unknown',
      '',
      '--- Below this line is a copy of the message.',
      'To: someone-else@example.org',
    );
    expect(findings(raw).map((f) => [f.recipient, f.reply.code, f.reply.enhancedCode])).toEqual([
      ['gone@example.org', 550, { class: 5, subject: 1, detail: 1 }],
    ]);
  });

  it('takes X-Failed-Recipients as the list of failed recipients', () => {
    const raw = eml(
      'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
      'X-Failed-Recipients: one@example.org, two@example.org',
      'Subject: Delivery Status Notification (Failure)',
      '',
      'Something went wrong.',
    );
    expect(findings(raw).map((f) => f.recipient)).toEqual(['one@example.org', 'two@example.org']);
  });

  it('gives a reason stated apart from the address to it, and stops at a ruler', () => {
    const raw = eml(
      'From: postmaster@mx.example.net',
      'To: sender@example.com',
      'Subject: email bounce notification',
      '',
      'Your message could not be stored in the target mailbox.',
      '',
      'reject reason: Mailbox full',
      'target mail address: kai@example.net',
      '',
      '------------------------------------------------------------',
      'bounced mail:',
      'From: sender@example.com',
    );
    expect(findings(raw).map((f) => [f.recipient, f.reply.content])).toEqual([
      ['kai@example.net', 'Mailbox full'],
    ]);
  });

  it('reads a reason written before the address and one on the line after a lead-in', () => {
    const raw = eml(
      'From: MAILER-DAEMON@mx.example.net',
      'Subject: Undeliverable message',
      '',
      'Mailbox is full: <lia@example.org>',
      '',
      'Your message to <moe@example.org> was rejected for the following reason:',
      '550 5.1.1 user unknown',
    );
    expect(findings(raw).map((f) => [f.recipient, f.reply.code, f.reply.content])).toEqual([
      ['lia@example.org', 550, 'Mailbox is full'],
      ['moe@example.org', 550, 'user unknown'],
    ]);
  });

  it('reads an HTML-only notice as text', () => {
    const raw = eml(
      'From: MAILER-DAEMON@mx.example.net',
      'Subject: Undeliverable message',
      'Content-Type: text/html',
      '',
      '<html><body><p>Delivery to the following recipient failed:</p>',
      '<p>&lt;ned@example.org&gt;: 552 5.2.2 mailbox full</p></body></html>',
    );
    expect(findings(raw).map((f) => [f.recipient, f.reply.code, f.reply.content])).toEqual([
      ['ned@example.org', 552, 'mailbox full'],
    ]);
  });

  it("gives a scanner's verdict, stated once, to each recipient named without a reply of its own", () => {
    const notice = (...body: string[]) =>
      eml('From: MAILER-DAEMON@gw.example.net', 'Subject: Undeliverable mail', '', ...body);
    const found = findings(
      notice(
        'Malware was detected in the message you sent and it was removed.',
        '',
        'Recipient: pia@example.org',
        'Engine: ExampleAV 4.2',
      ),
    );
    expect(found.map((f) => [f.recipient, f.reply.content])).toEqual([
      [
        'pia@example.org',
        'Malware was detected in the message you sent and it was removed. Engine: ExampleAV 4.2',
      ],
    ]);
    // A recipient with its own reply keeps it.
    const own = findings(
      notice(
        'Your message contains a virus and was quarantined.',
        '',
        '<ole@example.org>: 550 5.1.1 user unknown',
      ),
    );
    expect(own.map((f) => [f.reply.code, f.reply.content])).toEqual([[550, 'user unknown']]);
  });

  it('takes no scanner footer that found nothing for a verdict', () => {
    for (const footer of [
      'This message was scanned for viruses and no virus was found.',
      'Checked by ExampleAV - no virus found.',
      'Virus-free. www.example.com',
      'Please update your virus scanner.',
    ]) {
      const [f] = findings(
        eml(
          'From: MAILER-DAEMON@gw.example.net',
          'Subject: Undeliverable mail',
          '',
          footer,
          '',
          'Recipient: pia@example.org',
          'Reason: mailbox unavailable',
        ),
      );
      expect(f?.reply.content).not.toContain(footer.slice(0, 12));
    }
  });

  it('gives a labelled reason under a recipient to it, and takes no address inside that reason for a recipient', () => {
    const raw = eml(
      'From: MAILER-DAEMON@relay.example.net',
      'To: shop@example.com',
      'Subject: failure notice',
      '',
      'The relay at relay.example.net gave up on your message.',
      '',
      'Recipient: <ann.buyer@example.org>',
      'Delivery error: 554 5.7.1 Rejected by a content filter; write to unblock@filter.example.net for help',
      '',
      'Recipient: <bo.buyer@example.org>',
      'Reason: 552 5.2.2 Mailbox over quota',
    );
    expect(findings(raw).map((f) => [f.recipient, f.reply.code, f.reply.enhancedCode])).toEqual([
      ['ann.buyer@example.org', 554, { class: 5, subject: 7, detail: 1 }],
      ['bo.buyer@example.org', 552, { class: 5, subject: 2, detail: 2 }],
    ]);
  });

  it('still reads a reason line that names the only recipient when no recipient line is above it', () => {
    const raw = eml(
      'From: MAILER-DAEMON@relay.example.net',
      'To: shop@example.com',
      'Subject: Undeliverable mail',
      '',
      'Your message could not be delivered.',
      '',
      'Reason: mailbox is full: <cy.buyer@example.org>',
    );
    expect(findings(raw).map((f) => f.recipient)).toEqual(['cy.buyer@example.org']);
  });

  /** A notice of sentences only, then the returned message's header section pasted below it. */
  const sentencesOnly = (text: string[], returnedTo: string): Buffer =>
    eml(
      'From: Mail Delivery Subsystem <MAILER-DAEMON@gw.example.net>',
      'To: shop@example.com',
      'Subject: Returned mail',
      '',
      ...text,
      '',
      '--- Below this line is a copy of the message.',
      '',
      'From: Shop <shop@example.com>',
      `To: ${returnedTo}`,
      'Subject: Your order',
    );

  it("takes a mail system's unlabelled sentences beside 'not delivered' for the reason, when the returned message went to one address", () => {
    const raw = sentencesOnly(
      [
        'Delivery failed for your message. The account of the person you wrote',
        'to has been switched off by its administrator.',
        '',
        'Please do not reply to this automated notice.',
      ],
      'Ruth Berg <ruth.berg@example.org>',
    );
    const [f, ...more] = findings(raw);
    expect(more).toEqual([]);
    expect([f?.recipient, f?.returnedRecipient, f?.reply.content]).toEqual([
      '',
      'ruth.berg@example.org',
      'Delivery failed for your message. The account of the person you wrote to has been switched off by its administrator.',
    ]);
  });

  it('reads the next paragraph when the sentence that says so stands alone, and no further', () => {
    const raw = sentencesOnly(
      [
        'UNDELIVERABLE MESSAGE',
        '',
        'The domain you sent to has no mail server.',
        '',
        'Contact your administrator for help.',
      ],
      'sam@example.org',
    );
    expect(findings(raw).map((f) => f.reply.content)).toEqual([
      'UNDELIVERABLE MESSAGE The domain you sent to has no mail server.',
    ]);
  });

  it('takes an unlabelled sentence for a failure naming no one when the returned message went to several, and none when nothing is returned', () => {
    const text = ['Your message could not be delivered. The mailbox is full.'];
    // The returned message went to two people: which one failed, the notice does not say,
    // but the failure is that message's (blind-messages-11 15): one finding, no recipient
    // guessed, as a notice giving its reason under "Reason:" makes.
    const [f, ...more] = findings(sentencesOnly(text, 'a@example.org, b@example.org'));
    expect(more).toEqual([]);
    expect([f?.recipient, f?.returnedRecipient, f?.reply.content]).toEqual([
      '',
      undefined,
      'Your message could not be delivered. The mailbox is full.',
    ]);
    // Nothing returned at all: nothing ties the sentence to a message (field-kinds-3 p21).
    const bare = eml(
      'From: MAILER-DAEMON@gw.example.net',
      'To: shop@example.com',
      'Subject: Returned mail',
      '',
      ...text,
    );
    expect(findings(bare)).toEqual([]);
  });

  it('ends the notice\'s own words at an "Original message headers:" label, reading the header section after it as the returned message', () => {
    const raw = eml(
      'From: Postmaster <postmaster@gw.example.net>',
      'To: shop@example.com',
      'Subject: Undeliverable: Your order',
      'Auto-Submitted: auto-replied',
      '',
      'Delivery has failed. The mailbox of the person you wrote to is over its size limit.',
      '',
      'Original message headers:',
      '',
      'From: Shop <shop@example.com>',
      'To: olga@example.org, piet@example.org',
      'Subject: Your order',
      'Message-ID: <order-88@shop.example.com>',
    );
    const [f, ...more] = findings(raw);
    expect(more).toEqual([]);
    expect([f?.recipient, f?.reply.content, f?.report.original_message_id]).toEqual([
      '',
      'Delivery has failed. The mailbox of the person you wrote to is over its size limit.',
      'order-88@shop.example.com',
    ]);
  });

  it('takes no unlabelled sentence for a failure in a message a person may have sent', () => {
    // A shop's own "undeliverable" notice about a parcel: a bounce-like subject, but no
    // daemon sender, no null return path, no Auto-Submitted: its sentences are nobody's
    // failure reason, and no recipient is invented from it.
    const raw = eml(
      'From: Parcel Service <service@parcels.example.net>',
      'To: shop@example.com',
      'Subject: Undeliverable parcel 1182',
      '',
      'Your parcel could not be delivered. The address on the label was incomplete.',
    );
    expect(findings(raw)).toEqual([]);
  });

  it.each([
    [
      'a delay notice',
      'Delivery delayed',
      'Your message could not be delivered yet. The remote server did not answer;',
      'delivery will be retried for another 3 days.',
    ],
    [
      'a maintenance notice',
      'Mail system notice',
      'The mail server will be down for maintenance on Sunday between 02:00 and 04:00.',
      'Messages sent during that time will be held and delivered afterwards.',
    ],
  ])('makes no failure of %s that names no one and gives no reply', (_what, subject, ...text) => {
    const raw = eml(
      'From: MAILER-DAEMON@relay.example.net',
      'To: shop@example.com',
      `Subject: ${subject}`,
      '',
      ...text,
    );
    expect(findings(raw).filter((f) => f.report.action === 'failed')).toEqual([]);
  });

  it('leaves a message that does not look like a bounce alone', () => {
    const r = parseMessage(
      eml('From: friend@example.com', 'Subject: hello', '', 'kiji@example.org: see you tomorrow'),
    );
    expect(r).toEqual({ kind: 'none', findings: [], problems: [] });
  });
});

// An address a notice gives for help ("please contact", "wenden Sie sich an",
// "contactez", "póngase en contacto con", "contatta", "neem contact op met",
// "skontaktuj się z", "お問い合わせ", "联系") or in its signature is the notice's help
// desk, never the recipient its failure sentence is about. Notices written for these tests.
describe('help desk addresses in non-RFC notices', () => {
  const notice = (...body: string[]): Buffer =>
    eml(
      'From: Mail Delivery System <mailer-daemon@mx.example.net>',
      'To: sender@example.com',
      'Subject: Undeliverable',
      '',
      ...body,
    );
  const recipients = (raw: Buffer): string[] => findings(raw).map((f) => f.recipient);
  // What the last-resort scan itself gives: [''] is one finding that names no recipient,
  // which the pipeline fills from VERP, the trace header or the returned message.
  const scanned = (...body: string[]): string[] | undefined =>
    parseFallback(readMessage(notice(...body)))?.map((f) => f.recipient);

  it.each([
    [
      'German "wenden Sie sich an"',
      'Ihre Nachricht wurde nicht zugestellt, bitte wenden Sie sich an hilfe@example.net',
      'Grund: 550 5.1.1 Benutzer unbekannt',
    ],
    [
      'French "contactez"',
      "Votre message n'a pas pu être remis, contactez l'assistance à aide@example.net",
      'Raison : 550 5.2.2 boîte pleine',
    ],
    [
      'Spanish "póngase en contacto con"',
      'No se pudo entregar el mensaje; póngase en contacto con soporte@example.net',
      '550 5.1.1 usuario desconocido',
    ],
    [
      'Italian "contatta"',
      'Impossibile recapitare il messaggio, contatta a assistenza@example.net',
      '550 5.1.1 utente sconosciuto',
    ],
    [
      'Dutch "neem contact op met"',
      'Het bericht kon niet worden bezorgd, neem contact op met hulp@example.net',
      '550 5.1.1 onbekende gebruiker',
    ],
    [
      'Polish "skontaktuj się z"',
      'Nie można dostarczyć wiadomości, skontaktuj się z pomoc@example.net',
      '550 5.1.1 nieznany użytkownik',
    ],
    [
      'Japanese "お問い合わせ"',
      'Your message could not be delivered: 550 5.1.1 user unknown',
      'お問い合わせ 窓口: support-jp@example.net',
    ],
    [
      'Chinese "联系"',
      'Your message could not be delivered: 550 5.1.1 user unknown',
      '如有疑问 请联系: helpdesk-cn@example.net',
    ],
  ])(
    'takes no recipient from the help address after the %s of a notice naming no one else',
    (_, ...body) => {
      expect(scanned(...body)).toEqual(['']);
    },
  );

  it.each([
    [
      'German, the help address first on the line',
      'jan@example.org',
      'Bitte wenden Sie sich an hilfe@example.net, Ihre Nachricht wurde nicht an jan@example.org zugestellt, weil das Postfach voll ist.',
    ],
    [
      'German, a help line after it',
      'lena@example.org',
      'Die Nachricht an lena@example.org konnte nicht zugestellt werden: 550 5.1.1 unbekannt',
      '',
      'Bei Fragen wenden Sie sich an hilfe@example.net',
    ],
    [
      'French, a help sentence after it',
      'paul@example.org',
      "Votre message n'a pas pu être remis à paul@example.org : 550 5.1.1 inconnu.",
      'Pour toute question, écrivez à aide@example.net',
    ],
    [
      'Spanish, the help address first on the line',
      'rosa@example.org',
      'Para obtener ayuda escriba a soporte@example.net; no se pudo entregar el mensaje a rosa@example.org (550 5.1.1)',
    ],
    [
      'Italian, a help line above it',
      'gino@example.org',
      'Per assistenza contatta assistenza@example.net.',
      'Impossibile recapitare il messaggio a gino@example.org: 552 casella piena',
    ],
    [
      'Dutch, a help line after it',
      'kees@example.org',
      'Het bericht kon niet worden bezorgd bij kees@example.org: 550 5.1.1 onbekend.',
      'Voor hulp, neem contact op met hulp@example.net',
    ],
    [
      'Polish, the help address first on the line',
      'ola@example.org',
      'W razie pytań napisz do pomoc@example.net. Nie można dostarczyć wiadomości do ola@example.org (550 5.1.1)',
    ],
    [
      'English, "please contact" lines before and after it',
      'amy@example.org',
      'For assistance, please contact: desk@example.net',
      '',
      'Delivery to the following recipient failed: amy@example.org',
      '550 5.1.1 user unknown',
      '',
      'If the problem persists, contact: desk@example.net',
    ],
    [
      'English, an address after a preposition that is no contact phrase',
      'contact@example.org',
      'The mail to contact@example.org could not be delivered: 550 5.1.1 unknown',
    ],
  ])('still finds the real recipient in %s', (_, recipient, ...body) => {
    expect(recipients(notice(...body))).toEqual([recipient]);
  });

  it('reads no recipient in the notice signature', () => {
    expect(
      scanned(
        'Your message could not be delivered: 550 5.1.1 user unknown',
        '',
        '-- ',
        'Mail Operations',
        'Mailbox: ops-team@example.net',
      ),
    ).toEqual(['']);
  });

  it('keeps a role mailbox the notice labels as a recipient: a support desk can be the one that failed', () => {
    expect(
      recipients(
        notice(
          'Recipient: ben@example.org',
          '550 5.1.1 user unknown',
          '',
          'Recipient: support@example.net',
          '550 5.1.1 user unknown',
        ),
      ),
    ).toEqual(['ben@example.org', 'support@example.net']);
  });
});

// Text bounces of programs no heuristic family knows (hMailServer, MailEnable, MDaemon,
// Haraka), written by hand from their formats: the last-resort scan reads them, and
// each gives the values a person decided (`fixtures/fallback/<name>.expected.json`).
describe('list mail and pasted returned headers (blind-messages-25)', () => {
  const tips = (...extra: string[]): Buffer =>
    eml(
      'From: Sender Academy <tips@academy.example>',
      'To: owner@shop.example',
      'Subject: Undeliverable mail explained: mailbox full, unknown users and blocks',
      ...extra,
      '',
      'This week: what "550 5.1.1 user unknown" and "552 mailbox full" mean,',
      'and why "message not delivered" notices reach you.',
      '',
      'Read more at https://academy.example/bounces',
    );

  it('reads no bounce in a newsletter whose subject talks about undeliverable mail', () => {
    expect(findings(tips('List-Unsubscribe: <https://academy.example/u/1>'))).toEqual([]);
    expect(findings(tips('List-Id: Sender tips <tips.academy.example>'))).toEqual([]);
    expect(findings(tips('List-Post: <mailto:tips@academy.example>'))).toEqual([]);
  });

  it('still reads the same words as a notice when no list header sets the subject aside', () => {
    expect(findings(tips()).length).toBe(1);
  });

  it('keeps a mail daemon notice that carries a list header, since its sender is the evidence', () => {
    const raw = eml(
      'From: MAILER-DAEMON@relay.example.net',
      'To: owner@shop.example',
      'List-Id: <members.shop.example>',
      'Subject: Undelivered Mail Returned to Sender',
      '',
      '<gone@client.example>: 550 5.1.1 no such mailbox here',
    );
    expect(findings(raw).map((f) => [f.recipient, f.reply.code])).toEqual([
      ['gone@client.example', 550],
    ]);
  });

  const pasted = (to: string): Buffer =>
    eml(
      'From: Mail Delivery Subsystem <MAILER-DAEMON@out.platform.example>',
      'To: owner@shop.example',
      'Subject: Undelivered Mail Returned to Sender',
      '',
      'Your message could not be delivered to one of its intended recipients.',
      '',
      'acct-7:worker-2:[hidden] : 550 5.1.1 Recipient address rejected: no such user',
      '',
      '------ Original message follows',
      '',
      'Received: from app.shop.example (app.shop.example [192.0.2.8])',
      '\tby out.platform.example with ESMTPS; Tue, 2 Dec 2025 10:11:12 +0000',
      'From: owner@shop.example',
      `To: ${to}`,
      'Subject: Invoice',
    );

  it('reads the returned header section past a folded Received line whose date has colons', () => {
    const [f] = findings(pasted('<lone@client.example>'));
    expect(f?.recipient).toBe('');
    expect(f?.returnedRecipient).toBe('lone@client.example');
    expect(f?.reply.code).toBe(550);
  });

  it('names no returned recipient when the pasted message went to two addresses', () => {
    const [f] = findings(pasted('a@client.example, b@client.example'));
    expect(f?.returnedRecipient).toBeUndefined();
  });
});

describe('fallback fixtures', () => {
  const fixtures = fixtureFiles(['fallback']);

  it('has its fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
  });

  describeExpectations(fixtures);

  it.each(fixtures)('%s gives the records of its snapshot', (fixture) => {
    expectSnapshotRecords(fixture);
  });

  it.each(fixtures)('%s is read by the last-resort scan, with a one-line reply', (fixture) => {
    const found = findings(readFixture(fixture));
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.report.source).toBe('heuristic:fallback');
      expect(f.reply.content).not.toMatch(/[\r\n]/);
    }
  });
});
