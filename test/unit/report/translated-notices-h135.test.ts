// Two signals of translated notices that carry no reply code (src/report/fallback.ts):
// the failure sentence of Gmail's translated "Address not found" notice, which puts the
// address between the words of a passive ("não foi entregue a <a> porque ..."), with its
// reason on the same line (FAILURE_SENTENCES); and Exchange's "Relayed" notice in other
// languages, which reports a delivery completed without a notification from the
// destination (TRANSLATED_RELAYED), so it gives no failure. The nearest negatives: the
// same languages' delay and failure sentences.
// Wordings written for this test.
import { parseMessage } from '../../../src/report/index';

function message(head: string[], body: string[]): Buffer {
  return Buffer.from(
    [
      ...head,
      'Date: Fri, 4 Dec 2026 10:00:00 +0100',
      'Message-ID: <t135@notice.example>',
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
      'To: rosa@far.example',
      'Subject: Your parcel',
      'Message-ID: <orig-135@shop.example>',
      '',
      'Hello.',
      '--b--',
      '',
    ].join('\r\n'),
    'utf8',
  );
}

function daemon(body: string[], extra: string[] = []): Buffer {
  return message(
    [
      'Return-Path: <>',
      'From: Mail Delivery Subsystem <mailer-daemon@mail.example>',
      'To: <orders@shop.example>',
      'Subject: Delivery Status Notification (Failure)',
      ...extra,
    ],
    body,
  );
}

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
    const raw = message(
      [
        'Return-Path: <>',
        'From: Mail Delivery Subsystem <mailer-daemon@mail.example>',
        'To: <orders@shop.example>',
        'Subject: Delivery Status Notification (Delay)',
      ],
      ['A mensagem ainda não foi entregue a rosa@far.example; vamos tentar de novo.'],
    );
    expect(failures(raw)).toEqual([]);
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
