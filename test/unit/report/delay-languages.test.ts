// Office 365 / Exchange Online delay notices in the Microsoft 365 display languages the
// first translated set did not cover (src/report/heuristic/exchange.ts DELAYED_WORDS):
// Swedish, Danish, Norwegian, Finnish, Czech, Slovak, Hungarian, Romanian, Turkish,
// Greek, Ukrainian, Indonesian. Each notice is built here in the text-only form of the
// translated templates (headline, recipient, administrators' section quoting a 4xx
// reply), with headlines written for this test. A notice that says "delayed" with only
// 4xx replies yields no failed record; the same notice saying "failed" in that language
// stays a failure, so the word and not the reply code decides.
import { fixtureRecords } from '../../helpers/fixture-records';

/** [language, delay headline, failure headline]. */
const LANGUAGES: Array<[string, string, string]> = [
  [
    'sv',
    'Leveransen till de här mottagarna är försenad:',
    'Leveransen till de här mottagarna misslyckades:',
  ],
  [
    'da',
    'Leveringen til disse modtagere er forsinket:',
    'Leveringen til disse modtagere mislykkedes:',
  ],
  [
    'no',
    'Leveringen til disse mottakerne er forsinket:',
    'Leveringen til disse mottakerne mislyktes:',
  ],
  [
    'fi',
    'Toimitus näille vastaanottajille on viivästynyt:',
    'Toimitus näille vastaanottajille epäonnistui:',
  ],
  ['cs', 'Doručení těmto příjemcům je zpožděno:', 'Doručení těmto příjemcům selhalo:'],
  ['sk', 'Doručenie týmto príjemcom je oneskorené:', 'Doručenie týmto príjemcom zlyhalo:'],
  [
    'hu',
    'A kézbesítés késik a következő címzetteknek:',
    'A kézbesítés sikertelen a következő címzetteknek:',
  ],
  [
    'ro',
    'Livrarea către acești destinatari este întârziată:',
    'Livrarea către acești destinatari a eșuat:',
  ],
  ['tr', 'Bu alıcılara teslim gecikti:', 'Bu alıcılara teslim başarısız oldu:'],
  [
    'el',
    'Η παράδοση σε αυτούς τους παραλήπτες καθυστερεί:',
    'Η παράδοση σε αυτούς τους παραλήπτες απέτυχε:',
  ],
  ['uk', 'Доставлення цим одержувачам затримується:', 'Не вдалося доставити цим одержувачам:'],
  ['id', 'Pengiriman ke penerima ini tertunda:', 'Pengiriman ke penerima ini gagal:'],
];

/** A text-only Office 365 notice with one recipient whose remote reply is a 4xx. */
function notice(subject: string, headline: string): Buffer {
  return Buffer.from(
    [
      'From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.example.com>',
      'To: <anna@contoso.example.com>',
      'Date: Tue, 10 Nov 2026 11:00:00 +0000',
      `Subject: ${subject}`,
      'Message-ID: <DLY9@AM0PR04MB0009.eurprd04.prod.outlook.example.com>',
      'X-MS-Exchange-Message-Is-Ndr:',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset="utf-8"',
      'Content-Transfer-Encoding: 8bit',
      '',
      headline,
      '',
      'tim@fabrikam.example.org (tim@fabrikam.example.org)',
      '',
      'AM0PR04MB0009.eurprd04.prod.outlook.example.com',
      '',
      'tim@fabrikam.example.org',
      "mx.fabrikam.example.org (192.0.2.90) '452 4.2.2 Mailbox temporarily over quota'",
      '',
    ].join('\r\n'),
    'utf8',
  );
}

function failedRecipients(raw: Buffer): string[] {
  return fixtureRecords(raw)
    .filter((r) => r.oob_report?.action === 'failed')
    .map((r) => String(r.recipient));
}

describe('Office 365 delay notices in more Microsoft 365 languages', () => {
  it.each(LANGUAGES)(
    'reads a %s notice that says delayed as a delay, not a failure',
    (_l, delayed) => {
      expect(failedRecipients(notice('Offer 2027', delayed))).toEqual([]);
    },
  );

  it.each(LANGUAGES)(
    'keeps a %s notice that says failed a failure for its 4xx reply',
    (_l, _d, failed) => {
      expect(failedRecipients(notice('Offer 2027', failed))).toEqual(['tim@fabrikam.example.org']);
    },
  );
});
