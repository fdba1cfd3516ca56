// Non-English mail as a whole message: out-of-office answers in bounce clothes, written
// in the languages the responders' subjects already cover (TRANSLATED_AWAY_PHRASES in
// report/autoreply.ts), the translated failure notices that must stay bounces whatever
// their Auto-Submitted says, and the translated "your message to a@b" of the last-resort
// scan. Own wordings throughout; each family is checked against the nearest phrases of
// a failure notice that must not match. Also: an answer's subject repeats the subject of
// the message it answers after the responder's prefix ("Automatic reply: …", "Auto: …",
// "Re: …"); failure words there ("Undelivered parcel") say nothing about the answer, while
// a text that reports a failure still makes it a notice; and Outlook's Simplified Chinese
// prefix.
import { parseMessage } from '../../../src/report/index';
import type { OobFinding } from '../../../src/report/types';

function message(headers: string[], body: string): Buffer {
  return Buffer.from(
    [
      'To: bounce+x9@bounce.example.com',
      'Date: Wed, 02 Dec 2026 10:00:00 +0100',
      'Message-ID: <loc1@example.net>',
      ...headers,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
    ].join('\n'),
    'utf8',
  );
}

/** What oobd makes of the message: the parser that took it and its first OOB finding. */
function parsed(headers: string[], body: string): { kind: string; oob: OobFinding | null } {
  const r = parseMessage(message(headers, body));
  const f = r.findings[0];
  return { kind: r.kind, oob: f?.kind === 'oob' ? f : null };
}

/** The clothes of a dressed answer: a daemon display name, a notice subject, a responder flag. */
const dressed = [
  'From: "Mail Delivery System" <desk@org.example>',
  'Subject: Delivery Status Notification',
  'X-Autoreply: yes',
];

describe('out-of-office answers dressed as bounces, in other languages', () => {
  it.each([
    [
      'German',
      'Danke für Ihre Mail. Ich bin derzeit außer Haus und ab dem 11. Januar wieder im Büro.',
    ],
    [
      'French',
      'Merci pour votre courriel. Je suis en congés et répondrai à mon retour, le 9 janvier.',
    ],
    [
      'Spanish',
      'Gracias por escribir. Estoy de vacaciones; contestaré a mi vuelta, el 12 de enero.',
    ],
    ['Italian', 'Grazie del messaggio. Sono in ferie e risponderò al mio rientro, il 10 gennaio.'],
    [
      'Portuguese',
      'Obrigado pela mensagem. Estou de férias e respondo quando regressar, a 9 de janeiro.',
    ],
    ['Dutch', 'Bedankt voor uw bericht. Ik ben op vakantie en niet op kantoor tot 11 januari.'],
    ['Polish', 'Dziękuję za wiadomość. Jestem na urlopie, odpowiem po powrocie 10 stycznia.'],
    ['Japanese', '申し訳ございませんが、1月9日まで休暇をいただいております。'],
    ['Chinese', '感谢来信。本人目前出差在外，1月10日后回复。'],
    ['Swedish', 'Tack för ditt mejl. Jag är på semester till den 9 januari.'],
    ['Czech', 'Děkuji za zprávu. Do 9. ledna jsem na dovolené.'],
    ['Russian', 'Спасибо за письмо. Я в отпуске до 11 января.'],
  ])('takes a %s away notice under a responder flag for an auto-reply', (_lang, body) => {
    const { kind, oob } = parsed(dressed, body);
    expect(kind).toBe('autoreply');
    expect(oob?.label).toBe('AutoReply');
    expect(oob?.recipient).toBe('desk@org.example');
  });

  // Must not match: the same clothes and an away word, but the text reports a failure in
  // the notice's own language (TRANSLATED failure phrases in NOT_DELIVERED_PHRASES).
  it.each([
    ['German', 'Ihre Nachricht an urlaub@org.example konnte nicht zugestellt werden (im Urlaub).'],
    ['French', "Votre message n'a pas pu être remis : le destinataire est en congé prolongé."],
    ['Spanish', 'Su mensaje no se pudo entregar; el buzón está de vacaciones desactivado.'],
    ['Italian', 'Il messaggio non è stato recapitato: casella in ferie disattivata.'],
    ['Portuguese', 'A mensagem não pôde ser entregue: utilizador de férias, caixa suspensa.'],
    ['Dutch', 'Uw bericht kon niet worden bezorgd: de ontvanger is met vakantie en de box is vol.'],
    ['Polish', 'Wiadomość nie została dostarczona: adresat na urlopie, skrzynka wyłączona.'],
    ['Japanese', '休暇中のため、次の宛先に配信できませんでした。'],
    ['Chinese', '收件人休假中，邮件无法投递。'],
  ])('does not take a %s failure notice that mentions leave for an auto-reply', (_l, body) => {
    expect(parsed(dressed, body).kind).not.toBe('autoreply');
  });

  // Must not match: words of failure notices close to the away phrases ("nicht
  // erreichbar" of a host, "absent" of a directory entry, "ausente" of a domain).
  it.each([
    [
      'a German host that cannot be reached',
      'Der Zielserver mx.org.example ist derzeit nicht erreichbar.',
    ],
    [
      'a French address absent from the directory',
      "Le destinataire est absent de l'annuaire de l'organisation.",
    ],
    ['a Spanish missing domain', 'El dominio del destinatario está ausente del DNS.'],
  ])('does not take %s for an away notice', (_name, body) => {
    expect(parsed(dressed, body).kind).not.toBe('autoreply');
  });

  it('reads a dressed notice saying the mailbox owner is no longer with the company as a bounce, not an auto-reply', () => {
    const { kind, oob } = parsed(
      [
        'From: "Mail Delivery System" <noreply@org.example>',
        'Subject: Undeliverable: hello',
        'Auto-Submitted: auto-replied',
      ],
      'Your message to left@org.example could not be delivered: the mailbox owner is ' +
        'no longer with the company and the mailbox has been closed.',
    );
    expect(kind).toBe('heuristic');
    expect(oob?.recipient).toBe('left@org.example');
    expect(oob?.label).not.toBe('AutoReply');
  });

  it('takes an "Auto:" subject with a German away text for an auto-reply', () => {
    const { kind } = parsed(
      ['From: Jan Meier <jan@org.example>', 'Subject: Auto: Angebot'],
      'Ich bin bis Freitag nicht im Büro und lese keine E-Mails.',
    );
    expect(kind).toBe('autoreply');
  });

  it('does not take an "Auto:" subject about a car with a German text for an auto-reply', () => {
    const { kind } = parsed(
      ['From: Jan Meier <jan@org.example>', 'Subject: Auto: welche Werkstatt?'],
      'Welche Werkstatt hast du für den Ölwechsel genommen?',
    );
    expect(kind).not.toBe('autoreply');
  });
});

describe('translated failure notices are no auto-replies', () => {
  const exchangeText = [
    'Übermittlung an folgende Empfänger oder Gruppen fehlgeschlagen:',
    '',
    'weg@org.example',
    'Die eingegebene E-Mail-Adresse wurde nicht gefunden.',
    '',
    'Diagnoseinformationen für Administratoren:',
    '',
    'Generierender Server: EX1.org.example',
    '',
    'weg@org.example',
    '#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##',
  ].join('\n');

  it('reads a German Exchange NDR whose X-MS fields a gateway dropped as a bounce, though it says Auto-Submitted: auto-replied', () => {
    const { kind, oob } = parsed(
      [
        'From: Postmaster <postmaster-relay@org.example>',
        'Subject: Unzustellbar: Angebot',
        'Auto-Submitted: auto-replied',
        'X-Auto-Response-Suppress: All',
      ],
      exchangeText,
    );
    expect(kind).toBe('heuristic');
    expect(oob?.recipient).toBe('weg@org.example');
    expect(oob?.reply.code).toBe(550);
  });

  it.each([
    ['Polish', 'Niedostarczalne: oferta'],
    ['Japanese', '配信不能: オファー'],
    ['Chinese', '退信：报价'],
    ['Dutch', 'Onbestelbaar: aanbod'],
  ])('does not take a %s failure subject under Auto-Submitted for an auto-reply', (_l, subject) => {
    const { kind } = parsed(
      [
        'From: Notices <notices@org.example>',
        `Subject: ${subject}`,
        'Auto-Submitted: auto-replied',
      ],
      'weg@org.example\n550 5.1.1 user unknown',
    );
    expect(kind).not.toBe('autoreply');
  });

  it("reads an NDR from Exchange's NDR mailbox in a language no marker knows as Exchange's", () => {
    const { kind, oob } = parsed(
      [
        'From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@org.example>',
        'Subject: Nedoručitelné: nabídka',
        'Auto-Submitted: auto-replied',
      ],
      [
        'Doručení těmto příjemcům nebo skupinám se nezdařilo:',
        '',
        'pryc@org.example',
        'Zadaná e-mailová adresa nebyla nalezena.',
        '',
        'pryc@org.example',
        "Vzdálený server vrátil '550 5.1.1 User unknown'",
      ].join('\n'),
    );
    expect(kind).toBe('heuristic');
    expect(oob?.recipient).toBe('pryc@org.example');
    expect(oob?.report.source).toBe('heuristic:exchange2007');
  });

  it('still takes an out-of-office from a person whose address only resembles the Exchange mailbox for an auto-reply', () => {
    const { kind } = parsed(
      [
        'From: Ex Change <microsoftexchange@org.example>',
        'Subject: Automatische Antwort: Angebot',
        'Auto-Submitted: auto-replied',
      ],
      'Ich bin im Urlaub.',
    );
    expect(kind).toBe('autoreply');
  });
});

describe('the last-resort scan reads "your message to a@b" in other languages', () => {
  it.each([
    [
      'German',
      'Ihre Nachricht an weg@org.example konnte nicht zugestellt werden: Postfach gelöscht.',
    ],
    ['French', "Votre message à weg@org.example n'a pas pu être remis : boîte supprimée."],
    ['Dutch', 'Uw bericht aan weg@org.example kon niet worden bezorgd: postvak verwijderd.'],
    ['Portuguese', 'Sua mensagem para weg@org.example não pôde ser entregue: caixa removida.'],
  ])('takes the address of a %s notice for the failed recipient', (_l, body) => {
    const { kind, oob } = parsed(
      ['From: MAILER-DAEMON@mx.org.example', 'Subject: Returned mail'],
      body,
    );
    expect(kind).toBe('heuristic');
    expect(oob?.recipient).toBe('weg@org.example');
  });

  it("does not take a person's German mail naming where a message went for a bounce", () => {
    const { oob } = parsed(
      ['From: Jan Meier <jan@org.example>', 'Subject: Weiterleitung'],
      'Ihre Nachricht an kollege@org.example habe ich weitergeleitet.',
    );
    expect(oob).toBeNull();
  });
});

const AWAY = 'I am on leave this week and will answer when I am back on Monday.';

describe('a responder prefix before an original subject with failure words', () => {
  it.each([
    ['Automatic reply: Undelivered parcel, pick a new day', 'auto-generated', AWAY],
    ['Automatische Antwort: Unzustellbare Sendung, neuer Termin', 'auto-generated', AWAY],
    ['Auto: Returned mail label for order 5521', 'auto-replied (vacation)', AWAY],
    ['Re: Delivery failure of your furniture order', 'auto-replied', AWAY],
    ['RE: Non-delivery of the March invoice copy', 'auto-replied', AWAY],
    [
      '[Parts Desk] Re: Returned mail label for order 5521',
      'auto-replied',
      'Thanks for writing to the parts desk. Your request is logged as case 88412.',
    ],
  ])('takes "%s" (Auto-Submitted: %s) for an auto-reply', (subject, autoSubmitted, text) => {
    const { oob } = parsed(
      [
        'From: Lea Hart <lea.hart@client.example>',
        `Subject: ${subject}`,
        `Auto-Submitted: ${autoSubmitted}`,
        'In-Reply-To: <order-5521@shop.example>',
      ],
      text,
    );
    expect(oob?.label).toBe('AutoReply');
    expect(oob?.recipient).toBe('lea.hart@client.example');
    expect(oob?.reply.code).toBe(250);
  });

  it.each([
    [
      'a prefixed subject whose text reports a failure',
      'Relay Notices <notices@relay.example>',
      'Re: Undelivered Mail Returned to Sender',
      'Your message could not be delivered to ann.zed@far.example.\n\n550 5.1.1 User unknown',
    ],
    [
      'a notice whose own subject starts with failure words',
      'Relay Notices <notices@relay.example>',
      'Undeliverable: Automatic reply: spring catalogue',
      'Delivery has failed to these recipients: kai.moss@far.example',
    ],
    [
      'a daemon sender, whatever the subject starts with',
      'MAILER-DAEMON@relay.example',
      'Automatic reply: undelivered parcel',
      AWAY,
    ],
  ])('does not take %s for an auto-reply', (_what, from, subject, text) => {
    const { oob } = parsed(
      [`From: ${from}`, `Subject: ${subject}`, 'Auto-Submitted: auto-replied'],
      text,
    );
    expect(oob?.label).not.toBe('AutoReply');
  });
});

describe("Outlook's Simplified Chinese out-of-office prefix", () => {
  it('takes a subject starting "自动答复:" for an auto-reply without any header', () => {
    const { oob } = parsed(
      ['From: Li Na <li.na@gongsi.example>', 'Subject: 自动答复: 新品目录'],
      '我本周休假，下周一回复。',
    );
    expect(oob?.label).toBe('AutoReply');
  });

  it.each([
    [
      'a person replying to an "Undelivered parcel" subject',
      'Re: Undelivered parcel, pick a new day',
      'Friday afternoon suits me, thanks.',
    ],
    [
      'a reply whose subject quotes "自动答复:"',
      '回复: 自动答复: 新品目录',
      '好的，等她回来再说。',
    ],
    [
      'a person writing about automatic answers in Chinese',
      '关于自动答复功能的问题',
      '请问如何设置？',
    ],
  ])('takes no record from %s', (_what, subject, text) => {
    const { oob } = parsed(
      [
        'From: Zhou Min <zhou.min@client.example>',
        `Subject: ${subject}`,
        'In-Reply-To: <order-5521@shop.example>',
      ],
      text,
    );
    expect(oob).toBeNull();
  });
});
