// Failure notices whose only signals are what their software always emits, with no
// reply code and no DSN part (src/report/heuristic/exchange.ts headlineNdr, and
// src/report/fallback.ts FAILURE_SENTENCES / TRANSLATED_WARNINGS): an Exchange NDR
// (X-MS-Exchange-Message-Is-Ndr) under its localized "Undeliverable:" Subject prefix
// names the recipient in its headline only; a postmaster's notice names it in a
// translated "could not be delivered to" sentence; and the nearest negatives: the same
// Is-Ndr notice under a delay prefix or saying it will retry, a translated warning
// Subject, a person's mail about an undeliverable message. Added by h135: the passive
// failure sentence of Gmail's translated "Address not found" notice ("não foi entregue a
// <a> porque ...") with its reason on the same line, and Exchange's "Relayed" notice in
// other languages (TRANSLATED_RELAYED: delivery complete, no notification from the
// destination), which gives no failure. Wordings written for this test.
import { parseMessage } from '../../../src/report/index';

function b64(s: string): string {
  return `=?utf-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

function message(head: string[], body: string[]): Buffer {
  return Buffer.from(
    [
      ...head,
      'Date: Fri, 4 Dec 2026 10:00:00 +0100',
      'Message-ID: <w1@notice.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      ...body,
      '',
      '--b',
      'Content-Type: message/rfc822',
      '',
      'From: Shop <orders@shop.example>',
      'To: someone@far.example',
      'Subject: Your parcel',
      'Message-ID: <orig-1@shop.example>',
      '',
      'Hello.',
      '--b--',
      '',
    ].join('\r\n'),
    'utf8',
  );
}

function ndr(subject: string, body: string[]): Buffer {
  return message(
    [
      'Return-Path: <>',
      'From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@far.example>',
      'To: <orders@shop.example>',
      `Subject: ${b64(subject)}`,
      'X-MS-Exchange-Message-Is-Ndr:',
      'Auto-Submitted: auto-replied',
    ],
    body,
  );
}

function failed(raw: Buffer): string[] {
  return parseMessage(raw)
    .findings.filter((f) => f.kind === 'oob' && f.report.action === 'failed')
    .map((f) => (f.kind === 'oob' ? f.recipient : ''));
}

/** [language, Undeliverable prefix, headline naming the recipient, delay prefix, delay sentence]. */
const NDRS: Array<[string, string, string, string, string]> = [
  [
    'French',
    'Non remis',
    "Le courrier destiné à gaston@far.example n'a pas pu être remis.",
    'Remise différée',
    'La remise à gaston@far.example est retardée ; nous réessaierons.',
  ],
  [
    'German',
    'Unzustellbar',
    'Die Zustellung an gaston@far.example ist gescheitert.',
    'Zustellung verzögert',
    'Die Zustellung an gaston@far.example verzögert sich.',
  ],
  [
    'Dutch',
    'Onbestelbaar',
    'Dit bericht voor gaston@far.example kon niet worden afgeleverd.',
    'Vertraagd',
    'De bezorging bij gaston@far.example is vertraagd.',
  ],
  [
    'Polish',
    'Niedostarczalne',
    'Wiadomość dla gaston@far.example nie została dostarczona.',
    'Opóźnione',
    'Dostarczenie do gaston@far.example jest opóźnione.',
  ],
];

describe('Exchange NDRs that give no reply code', () => {
  it.each(NDRS)(
    'reads a %s NDR under its Undeliverable prefix as a failure of the headline address',
    (_l, prefix, headline) => {
      expect(failed(ndr(`${prefix}: Your parcel`, [headline]))).toEqual(['gaston@far.example']);
    },
  );

  it.each(NDRS)(
    'gives no failure for a %s delay notice with the same header',
    (_l, _p, _h, d, s) => {
      expect(failed(ndr(`${d}: Your parcel`, [s]))).toEqual([]);
    },
  );

  it('gives no failure when the Undeliverable notice itself says delivery is delayed', () => {
    expect(
      failed(ndr('Non remis: Your parcel', ['Le message pour gaston@far.example est retardé.'])),
    ).toEqual([]);
  });

  it('leaves a notice quoting a reply to the parsers that read replies', () => {
    const found = parseMessage(
      ndr('Unzustellbar: Your parcel', [
        'Die Zustellung an gaston@far.example ist gescheitert.',
        'Antwort des Servers: "552 5.2.2 Postfach voll"',
      ]),
    ).findings;
    expect(found.map((f) => (f.kind === 'oob' ? f.reply.code : 0))).toEqual([552]);
  });
});

describe('postmaster notices whose only failure sentence is translated', () => {
  const postmaster = (subject: string, line: string) =>
    message(
      [
        'Return-Path: <>',
        'From: Postmaster <postmaster@far.example>',
        'To: <orders@shop.example>',
        `Subject: ${b64(subject)}`,
        'Auto-Submitted: auto-generated',
      ],
      [line],
    );

  it.each([
    ['German', 'Ihre Mail an ines@far.example konnte nicht zugestellt werden.'],
    ['Spanish', 'El correo para ines@far.example no se pudo entregar.'],
    ['Portuguese', 'Não foi possível entregar o e-mail para ines@far.example.'],
    ['Polish', 'Nie udało się dostarczyć poczty do ines@far.example.'],
  ])('names the recipient of a %s failure sentence', (_l, line) => {
    expect(failed(postmaster('Mail returned', line))).toEqual(['ines@far.example']);
  });

  it('takes no address from a sentence whose preposition belongs to another language', () => {
    expect(
      failed(postmaster('Mail returned', 'Delivery failed; write a helpdesk@far.example note.')),
    ).not.toContain('helpdesk@far.example');
  });

  it.each([
    ['Warnung: Nachricht noch nicht zugestellt'],
    ['Advertencia: mensaje aún no entregado'],
    ['Varování: zpráva zatím nebyla doručena'],
  ])('reads a translated warning Subject "%s" as a delay', (subject) => {
    const raw = message(
      [
        'Return-Path: <>',
        'From: Mail Delivery System <Mailer-Daemon@far.example>',
        'To: <orders@shop.example>',
        `Subject: ${b64(subject)}`,
      ],
      ['', '  ines@far.example', '    host mx.far.example: connection timed out', ''],
    );
    expect(failed(raw)).toEqual([]);
  });
});

describe("a person's mail about an undeliverable message", () => {
  it('gives no failure though it names an address beside the words', () => {
    const raw = message(
      [
        'From: Ines <ines@far.example>',
        'To: <orders@shop.example>',
        `Subject: ${b64('RE: Non remis')}`,
      ],
      ["Mon message à orders@shop.example n'a pas pu être remis hier, pouvez-vous vérifier ?"],
    );
    expect(failed(raw)).toEqual([]);
  });
});

/** A mail system's notice under Gmail's Subject ("(Failure)", or "(Delay)" for a warning). */
const daemon = (body: string[], kind = 'Failure'): Buffer =>
  message(
    [
      'Return-Path: <>',
      'From: Mail Delivery Subsystem <mailer-daemon@mail.example>',
      'To: <orders@shop.example>',
      `Subject: Delivery Status Notification (${kind})`,
    ],
    body,
  );

function failures(raw: Buffer): Array<[string, string]> {
  return parseMessage(raw).findings.flatMap((f) =>
    f.kind === 'oob' && f.report.action === 'failed' ? [[f.recipient, f.reply.content]] : [],
  );
}

describe("Gmail's translated notice whose failure sentence is a passive", () => {
  it.each([
    [
      'Portuguese',
      'A mensagem não foi entregue a rosa@far.example porque a conta está desativada.',
    ],
    [
      'Spanish',
      'El correo no se ha entregado a rosa@far.example porque la cuenta está desactivada.',
    ],
    ['Italian', "L'email non è stato recapitato a rosa@far.example perché la casella è piena."],
    [
      'German',
      'Die E-Mail wurde nicht an rosa@far.example zugestellt, weil das Postfach voll ist.',
    ],
    ['Dutch', 'De e-mail is niet afgeleverd bij rosa@far.example omdat de mailbox vol is.'],
  ])('names the recipient of the %s sentence and keeps its reason', (_l, line) => {
    const found = failures(daemon(['', line]));
    expect(found.map((f) => f[0])).toEqual(['rosa@far.example']);
    expect(found[0]?.[1]).not.toBe('');
  });

  it('reads the same passive under a delay Subject as no failure', () => {
    const line = 'A mensagem ainda não foi entregue a rosa@far.example; vamos tentar de novo.';
    expect(failures(daemon([line], 'Delay'))).toEqual([]);
  });
});

describe("Exchange's Relayed notice in other languages", () => {
  const relayed = (lines: string[]) =>
    message(
      [
        'Return-Path: <>',
        'From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@far.example>',
        'To: <orders@shop.example>',
        'Subject: Notice: Your parcel',
        'Auto-Submitted: auto-generated',
      ],
      lines,
    );

  it.each([
    [
      'Polish',
      'Dostarczenie do tej grupy zostało zakończone, jednak serwer docelowy nie przesłał',
      'żadnego powiadomienia o doręczeniu:',
    ],
    [
      'German',
      'Die Übermittlung an diese Empfänger wurde abgeschlossen, doch der Zielserver hat',
      'keine Zustellbenachrichtigung geschickt:',
    ],
    [
      'Spanish',
      'La entrega a estos destinatarios se ha completado, pero el servidor de destino',
      'no devolvió ninguna notificación de entrega:',
    ],
    [
      'Dutch',
      'De bezorging bij deze ontvangers is voltooid, maar de doelserver stuurde geen',
      'bezorgbevestiging:',
    ],
  ])('gives no failure for the %s notice', (_l, first, second) => {
    expect(failures(relayed([first, second, '', 'rosa@far.example']))).toEqual([]);
  });

  it.each([
    ['Polish failure', 'Dostarczenie do tych adresatów nie powiodło się:'],
    [
      'Polish delay',
      'Dostarczenie do tych adresatów nie zostało jeszcze zakończone, ponowimy próbę:',
    ],
    ['German failure', 'Die Übermittlung an diese Empfänger ist fehlgeschlagen:'],
  ])('still reads a %s notice with the same header as a failure', (_l, line) => {
    expect(failures(relayed([line, '', 'rosa@far.example'])).map((f) => f[0])).toEqual([
      'rosa@far.example',
    ]);
  });
});
