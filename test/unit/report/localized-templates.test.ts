// Localized software templates (bench/data/blind-messages-21, h149): what the software
// always emits, read whatever language its template is in.
// * A provider's or a localized server's short notice labels the recipient with the word
//   mail clients use for "Recipient" in its language (src/report/fallback.ts
//   ADDRESS_MARKERS); the sender's label beside it is no recipient.
// * MDaemon's session log is one stamped line per command and reply in every language,
//   while its rulers are the template's words (src/report/heuristic/small-mtas.ts).
// * A notice laid out as an HTML table of label and value cells keeps where each label
//   ends (src/report/heuristic/common.ts htmlToText, src/report/heuristic/cjk.ts).
// Every text here was written for this test.
import iconv from 'iconv-lite';
import { htmlToText } from '../../../src/report/heuristic/common';
import { cjkReasonText, isCjkOtherField } from '../../../src/report/heuristic/cjk';
import { parseMessage } from '../../../src/report/index';

function encodedWord(text: string): string {
  return `=?utf-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function notice(
  from: string,
  subject: string,
  body: string[],
  type = 'text/plain',
  charset = 'utf-8',
): Buffer {
  const text = body.join('\r\n');
  return Buffer.concat([
    Buffer.from(
      [
        'Return-Path: <>',
        `From: ${from}`,
        'To: bounces@shop.example',
        `Subject: ${encodedWord(subject)}`,
        'Date: Fri, 4 Dec 2026 10:00:00 +0100',
        'Message-ID: <lt1@notice.example>',
        'MIME-Version: 1.0',
        `Content-Type: ${type}; charset=${charset}`,
        'Content-Transfer-Encoding: 8bit',
        '',
        '',
      ].join('\r\n'),
      'latin1',
    ),
    iconv.encode(text + '\r\n', charset),
  ]);
}

function failures(raw: Buffer): Array<[string, string]> {
  return parseMessage(raw).findings.flatMap((f) =>
    f.kind === 'oob' && f.report.action === 'failed' ? [[f.recipient, f.reply.content]] : [],
  );
}

describe("a localized notice's recipient label", () => {
  it.each([
    ['Polish', 'Odbiorca: nina@far.example', 'Przyczyna: skrzynka jest pełna'],
    ['Czech', 'Příjemce: nina@far.example', 'Důvod: schránka je plná'],
    ['Russian', 'Получатель: nina@far.example', 'Причина: ящик переполнен'],
    ['Ukrainian', 'Отримувач: nina@far.example', 'Причина: скринька переповнена'],
    ['Swedish', 'Mottagare: nina@far.example', 'Orsak: brevlådan är full'],
    ['Danish', 'Modtager: nina@far.example', 'Årsag: postkassen er fuld'],
    ['Finnish', 'Vastaanottaja: nina@far.example', 'Syy: postilaatikko on täynnä'],
    ['Turkish', 'Alıcı: nina@far.example', 'Neden: posta kutusu dolu'],
    ['Hungarian', 'Címzett: nina@far.example', 'Ok: a postafiók megtelt'],
    ['Romanian', 'Destinatar: nina@far.example', 'Motiv: căsuța poștală este plină'],
    ['Greek', 'Παραλήπτης: nina@far.example', 'Αιτία: το γραμματοκιβώτιο είναι πλήρες'],
    ['Indonesian', 'Penerima: nina@far.example', 'Alasan: kotak surat penuh'],
    ['Vietnamese', 'Người nhận: nina@far.example', 'Lý do: hộp thư đã đầy'],
    ['Thai', 'ผู้รับ: nina@far.example', 'สาเหตุ: กล่องจดหมายเต็ม'],
    ['Hebrew', 'נמען: nina@far.example', 'סיבה: תיבת הדואר מלאה'],
    ['Arabic', 'المستلم: nina@far.example', 'السبب: صندوق البريد ممتلئ'],
  ])('names the failed recipient in a %s notice', (_l, label, reason) => {
    const raw = notice('mailer-daemon@mail.far.example', 'Delivery failure', [
      'Your message could not be delivered.',
      '',
      label,
      reason,
    ]);
    expect(failures(raw).map((f) => f[0])).toEqual(['nina@far.example']);
  });

  it("takes the recipient's label, not the sender's beside it", () => {
    const raw = notice('mailer-daemon@mail.far.example', 'Wiadomość niedostarczona', [
      'Wiadomość nie została dostarczona.',
      '',
      'Nadawca: bounces@shop.example',
      'Adresat: olek@far.example',
      'Powód: konto nie istnieje',
    ]);
    expect(failures(raw).map((f) => f[0])).toEqual(['olek@far.example']);
  });

  it("gives no failure for a person's mail that names a recipient so", () => {
    const raw = Buffer.from(
      [
        'From: Ola <ola@shop.example>',
        'To: team@shop.example',
        'Subject: Nowy kontakt',
        'Date: Fri, 4 Dec 2026 10:00:00 +0100',
        'Message-ID: <p1@shop.example>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Adresat: olek@far.example – proszę dopisać do listy.',
        '',
      ].join('\r\n'),
      'utf8',
    );
    expect(failures(raw)).toEqual([]);
  });
});

describe("MDaemon's notice with translated rulers", () => {
  const log = (reply: string): string[] => [
    ' Fri 2026-12-04 09:59:58.101: Attempting SMTP connection to [198.51.100.7:25]',
    ' Fri 2026-12-04 09:59:58.220: --> MAIL From:<bounces@shop.example>',
    ' Fri 2026-12-04 09:59:58.260: <-- 250 2.1.0 Ok',
    ' Fri 2026-12-04 09:59:58.261: --> RCPT To:<jonas@far.example>',
    ` Fri 2026-12-04 09:59:58.300: <-- ${reply}`,
    ' Fri 2026-12-04 09:59:58.301: --> QUIT',
  ];

  it.each([
    ['German', '--- Sitzungsprotokoll ---', '--- Ende des Protokolls ---'],
    ['Spanish', '--- Transcripción de la sesión ---', '--- Fin de la transcripción ---'],
  ])('reads the %s notice by its stamped session log', (_l, open, close) => {
    const raw = notice('"Mail Delivery System" <MDaemon@mail.far.example>', 'Unzustellbar', [
      'Die angehängte Nachricht konnte nicht zugestellt werden.',
      '',
      open,
      ...log('550 5.1.1 <jonas@far.example>: no such mailbox here'),
      close,
    ]);
    expect(failures(raw)).toEqual([
      ['jonas@far.example', '<jonas@far.example>: no such mailbox here'],
    ]);
  });

  it('reads no failure from a stamped log whose server accepted the recipient', () => {
    const raw = notice('"Mail Delivery System" <MDaemon@mail.far.example>', 'Zugestellt', [
      'Die Nachricht wurde zugestellt.',
      '',
      '--- Sitzungsprotokoll ---',
      ...log('250 2.1.5 Ok'),
      '--- Ende des Protokolls ---',
    ]);
    expect(failures(raw)).toEqual([]);
  });
});

describe('a notice laid out as a table of label and value cells', () => {
  it('starts each cell after a tab, so a label cell ends where the value begins', () => {
    expect(htmlToText('<table><tr><td>실패 사유</td><td>메일함 용량 초과</td></tr></table>')).toBe(
      '\n\n\t실패 사유 \t메일함 용량 초과 \n\n',
    );
  });

  it('reads the value cell after a reason label, as after a colon', () => {
    expect(cjkReasonText('실패 사유 \t메일함 용량이 가득 찼습니다')).toBe(
      '메일함 용량이 가득 찼습니다',
    );
    expect(cjkReasonText('失败原因 \t收件人邮箱已满')).toBe('收件人邮箱已满');
    // Without a cell break, a reason word opening a sentence is no label.
    expect(cjkReasonText('실패 사유 설명은 아래에 있습니다')).toBeNull();
  });

  it('takes a date or subject cell for a field that explains nothing', () => {
    expect(isCjkOtherField('보낸 날짜 \t2026.12.04 10:00')).toBe(true);
    expect(isCjkOtherField('메일 제목 \tDecember news')).toBe(true);
    expect(isCjkOtherField('실패 사유 \t메일함 용량 초과')).toBe(false);
  });

  it("gives the reason cell as the recipient's reply in a Korean HTML notice", () => {
    const raw = notice(
      'mailer-daemon@mail.far.example',
      '메일 전송 실패',
      [
        '<html><body><p>메일을 전송하지 못했습니다.</p><table>',
        '<tr><td>받는 사람</td><td>minji@far.example</td></tr>',
        '<tr><td>보낸 날짜</td><td>2026.12.04 10:00</td></tr>',
        '<tr><td>실패 사유</td><td>받는 사람의 메일함 용량이 초과되었습니다.</td></tr>',
        '</table></body></html>',
      ],
      'text/html',
      'euc-kr',
    );
    expect(failures(raw)).toEqual([
      ['minji@far.example', '받는 사람의 메일함 용량이 초과되었습니다.'],
    ]);
  });
});
