import { parseMessage } from '../../../src/report/index';
import type { OobFinding } from '../../../src/report/types';
import { fixtureRecords, readFixture } from '../../helpers/fixture-records';

function message(headers: string[], body = 'I am away until Monday.'): Buffer {
  return Buffer.from(
    [...headers, 'Content-Type: text/plain; charset=utf-8', '', body].join('\n'),
    'utf8',
  );
}

function autoReply(raw: Buffer): OobFinding | null {
  const r = parseMessage(raw);
  if (r.kind !== 'autoreply') return null;
  const f = r.findings[0];
  return f?.kind === 'oob' ? f : null;
}

const base = [
  'From: Kiji Tora <kiji@example.org>',
  'To: bounce@bounce.example.com',
  'Date: Thu, 17 Jul 2013 23:34:45 +0000',
];

describe('RFC 3834 auto-replies', () => {
  it('recognises Auto-Submitted: auto-replied and reports the responder', () => {
    const f = autoReply(
      message([
        ...base,
        'Subject: Re: hello',
        'Auto-Submitted: auto-replied',
        'In-Reply-To: <orig-1@example.com>',
      ]),
    );
    expect(f).not.toBeNull();
    expect(f?.recipient).toBe('kiji@example.org');
    expect(f?.label).toBe('AutoReply');
    expect(f?.report.action).toBe('auto-replied');
    expect(f?.report.source).toBe('rfc3834');
    expect(f?.report.original_message_id).toBe('orig-1@example.com');
    expect(f?.reply).toEqual({
      code: 250,
      enhancedCode: null,
      content: 'Re: hello',
      command: null,
    });
  });

  it('does not take Auto-Submitted: auto-generated alone for an auto-reply', () => {
    expect(
      autoReply(message([...base, 'Subject: Your invoice', 'Auto-Submitted: auto-generated'])),
    ).toBeNull();
  });

  it('takes auto-generated with a vacation subject', () => {
    expect(
      autoReply(
        message([...base, 'Subject: Out of Office: hello', 'Auto-Submitted: auto-generated']),
      ),
    ).not.toBeNull();
  });

  it.each([
    ['X-Autoreply: yes'],
    ['X-Autorespond: hello'],
    ['X-Mail-Autoreply: 1'],
    ['X-Vacation: on'],
    ['Precedence: auto_reply'],
    ['X-Apple-Action: vacation'],
  ])('recognises the header %s', (header) => {
    expect(autoReply(message([...base, 'Subject: Re: hello', header]))).not.toBeNull();
  });

  it.each([
    'Automatic reply: hello',
    'Out of Office: hello',
    'Abwesenheitsnotiz: hallo',
    'Réponse automatique : bonjour',
    'Respuesta automática: hola',
    'Risposta automatica: ciao',
    'Automatisch antwoord: hallo',
    '自動返信: こんにちは',
    '自动回复: 你好',
    'Автоматический ответ: привет',
    '=?UTF-8?Q?R=C3=A9ponse_automatique?= : bonjour',
  ])('recognises the subject "%s"', (subject) => {
    expect(autoReply(message([...base, `Subject: ${subject}`]))).not.toBeNull();
  });

  it("does not take a person's reply about an out-of-office for one", () => {
    expect(autoReply(message([...base, 'Subject: Re: Out of office next week']))).toBeNull();
    expect(autoReply(message([...base, 'Subject: Lunch?']))).toBeNull();
  });

  it('leaves messages from mailer daemons to the bounce parsers', () => {
    const r = parseMessage(
      message([
        'From: MAILER-DAEMON@mx.example.net',
        'Subject: Automatic reply',
        'Auto-Submitted: auto-replied',
      ]),
    );
    expect(r.kind).not.toBe('autoreply');
    expect(
      autoReply(
        message([
          'From: mailer-daemon',
          'Subject: There was an error',
          'Auto-Submitted: auto-replied',
        ]),
      ),
    ).toBeNull();
  });

  it('reports the responder from From, not Reply-To', () => {
    const f = autoReply(
      message([
        'From: <noreply@example.com>',
        'Reply-To: <desk@example.com>',
        'Subject: Automatic reply: x',
      ]),
    );
    expect(f?.recipient).toBe('noreply@example.com');
  });

  it('keeps what an auto-reply saying the mailbox is gone said, and puts the conclusion in oob_report.inferred', () => {
    const raw = readFixture('rfc3834/sisimai-rfc3834-06.eml');
    const r = parseMessage(raw);
    const f = r.findings[0];
    expect(r.kind).toBe('autoreply');
    expect(f?.kind === 'oob' && f.report.action).toBe('auto-replied');
    expect(f?.kind === 'oob' && f.label).toBeNull();
    // No 550 5.2.1 the message never carried: an auto-reply's 250 and its own sentence.
    expect(f?.kind === 'oob' && f.reply).toEqual({
      code: 250,
      enhancedCode: null,
      content: 'This email inbox kijitora@example.com is no longer in use.',
      command: null,
    });
    expect(f?.kind === 'oob' && f.report.inferred).toEqual({
      status: '5.2.1',
      reason: 'auto-reply says the mailbox is no longer in use',
    });
    const [record] = fixtureRecords(raw);
    expect(record?.bounce_classification).toBe('InactiveMailbox');
  });

  it('labels a gone-mailbox auto-reply whose sentence no rule knows by its inferred status', () => {
    const raw = message(
      [...base, 'Subject: Automatische Antwort: Angebot', 'Auto-Submitted: auto-replied'],
      'Guten Tag, diese Adresse ist nicht mehr aktiv. Bitte wenden Sie sich an info@example.org.',
    );
    const [record] = fixtureRecords(raw);
    expect(record?.response).toMatchObject({ code: 250, enhanced_code: null });
    expect(record?.response.content).toContain('nicht mehr aktiv');
    expect(record?.oob_report?.inferred?.status).toBe('5.2.1');
    expect(record?.bounce_classification).toBe('InactiveMailbox');
  });

  it("recognises Outlook's automatic reply without any auto-reply header", () => {
    const f = autoReply(readFixture('rfc3834/sisimai-rfc3834-02.eml'));
    expect(f?.recipient).toBe('nekonyaan@example.org');
    expect(f?.label).toBe('AutoReply');
  });
  it.each([
    ['List-Id: <deals.example.com>', 'Vacation deals for the family'],
    ['List-Unsubscribe: <mailto:u@example.com>', 'Out of office essentials'],
    ['List-Post: <mailto:list@example.com>', 'Auto-reply etiquette'],
  ])('does not take a newsletter (%s) for an auto-reply by its subject %j', (list, subject) => {
    expect(
      autoReply(message([...base, list, 'Precedence: bulk', `Subject: ${subject}`])),
    ).toBeNull();
  });

  it('takes a list header with Auto-Submitted: auto-replied for an auto-reply still', () => {
    const f = autoReply(
      message([
        ...base,
        'List-Id: <x.example.com>',
        'Auto-Submitted: auto-replied',
        'Subject: Offer',
      ]),
    );
    expect(f?.recipient).toBe('kiji@example.org');
  });

  it.each(['I am on vacation', 'On holiday until 3 January', 'Away from my mail'])(
    'takes the responder subject %j for an auto-reply',
    (subject) => {
      expect(autoReply(message([...base, `Subject: ${subject}`]))?.label).toBe('AutoReply');
    },
  );

  it.each([
    ['From: Mail Delivery System <noreply@mx.example.org>', 'Subject: Offer'],
    ['From: noreply@mx.example.org', 'Subject: Mail delivery failed: returning message to sender'],
    ['From: noreply@mx.example.org', 'Subject: Undeliverable: Offer'],
    ['From: noreply@mx.example.org', 'Subject: Delivery Status Notification (Failure)'],
  ])(
    'leaves a bounce with Auto-Submitted: auto-replied (%s, %s) to the bounce parsers',
    (from, subject) => {
      const raw = message(
        [from, 'To: bounce@bounce.example.com', 'Auto-Submitted: auto-replied', subject],
        'Your message could not be delivered.',
      );
      expect(autoReply(raw)).toBeNull();
    },
  );
  it.each([
    'Autosvar: Offer',
    'Automatická odpoveď: Offer',
    'Răspuns automat: Offer',
    'Αυτόματη απάντηση: Offer',
    '자동 회신: Offer',
    'Balasan otomatis: Offer',
  ])("takes Outlook's localised automatic-reply subject %j for an auto-reply", (subject) => {
    expect(autoReply(message([...base, `Subject: ${subject}`]))?.label).toBe('AutoReply');
  });
});

describe('automatic answers known by how their software marks them', () => {
  it('takes auto-generated mail that answers a message (In-Reply-To) for an auto-reply', () => {
    const f = autoReply(
      message([
        ...base,
        'Subject: We got your e-mail',
        'Auto-Submitted: auto-generated',
        'In-Reply-To: <orig-9@example.com>',
      ]),
    );
    expect(f?.label).toBe('AutoReply');
    expect(f?.recipient).toBe('kiji@example.org');
  });

  it('takes auto-generated mail whose subject answers after a desk tag for an auto-reply', () => {
    expect(
      autoReply(
        message([...base, 'Subject: [Acme Help] AW: Offer', 'Auto-Submitted: auto-generated']),
      )?.label,
    ).toBe('AutoReply');
  });

  it.each([
    ['a list notice', ['List-Id: <team.lists.example.org>', 'In-Reply-To: <orig-9@example.com>']],
    ["a list manager's administrivia", ['X-List-Administrivia: yes', 'In-Reply-To: <o@x>']],
    ['a notice that answers nothing', ['X-Mailer: Billing 2.0']],
    ['a notice whose tag is no reply', ['X-Mailer: Billing 2.0']],
  ])('does not take auto-generated %s for an auto-reply', (_what, extra) => {
    expect(
      autoReply(
        message([
          ...base,
          'Subject: [Billing] Invoice 12',
          'Auto-Submitted: auto-generated',
          ...extra,
        ]),
      ),
    ).toBeNull();
  });

  it("takes an Exchange mailbox rule's reply, stamped with the mailbox's rules loop", () => {
    expect(
      autoReply(
        message([
          ...base,
          'Subject: Away this week',
          'X-MS-Exchange-Inbox-Rules-Loop: kiji@example.org',
        ]),
      )?.label,
    ).toBe('AutoReply');
  });

  it.each([
    ['a forward by the rule', 'FW: Offer', 'kiji@example.org'],
    ['a German forward by the rule', 'WG: Offer', 'kiji@example.org'],
    ["a redirect that keeps another sender's From", 'Offer', 'someone.else@example.org'],
  ])('does not take %s for an auto-reply', (_what, subject, loop) => {
    expect(
      autoReply(
        message([...base, `Subject: ${subject}`, `X-MS-Exchange-Inbox-Rules-Loop: ${loop}`]),
      ),
    ).toBeNull();
  });

  it("takes procmail's formail-built reply (X-Loop, Precedence: junk, In-Reply-To)", () => {
    expect(
      autoReply(
        message([
          ...base,
          'Subject: Re: Offer',
          'In-Reply-To: <orig-9@example.com>',
          'X-Loop: kiji@example.org',
          'Precedence: junk',
        ]),
      )?.label,
    ).toBe('AutoReply');
  });

  it.each([
    ['a list post with X-Loop', ['List-Id: <l.example.org>', 'In-Reply-To: <o@x>']],
    ['an X-Loop message that answers nothing', []],
  ])('does not take %s and Precedence: bulk for an auto-reply', (_what, extra) => {
    expect(
      autoReply(
        message([
          ...base,
          'Subject: Re: Offer',
          'X-Loop: l@example.org',
          'Precedence: bulk',
          ...extra,
        ]),
      ),
    ).toBeNull();
  });

  it.each([
    '【自動返信】Offer',
    '[Auto-Reply] Offer',
    '(Out of office) Offer',
    '［自動応答］Offer',
  ])('takes a responder subject inside a leading bracket, %j, for an auto-reply', (subject) => {
    expect(autoReply(message([...base, `Subject: ${subject}`]))?.label).toBe('AutoReply');
  });

  it.each(['[Team] Re: Out of office tomorrow?', '[Sales] Offer'])(
    'does not take the bracketed subject %j of a person for an auto-reply',
    (subject) => {
      expect(autoReply(message([...base, `Subject: ${subject}`]))).toBeNull();
    },
  );
});

// Reported: an auto-reply known only by its "Auto:" subject
// (https://github.com/mysociety/writetothem/issues/1); "Auto:" and "Vacation" also
// start a person's subject, so with no header they need the text to say "away".
describe('subject prefixes that are also everyday words', () => {
  it.each([
    ['Auto: Your letter about the bus route', 'I am out of the office until 3 June.'],
    [
      'Auto: Re: planning application',
      "Thanks for writing. I'm away this week and will reply when I'm back.",
    ],
    ['Vacation', 'I am on annual leave with limited access to e-mail.'],
    ['Vacation reply', 'Back in the office on Monday 4 May.'],
  ])('takes %j with away wording for an auto-reply', (subject, body) => {
    expect(autoReply(message([...base, `Subject: ${subject}`], body))?.label).toBe('AutoReply');
  });

  it.each([
    ['Auto: which garage did you use?', 'Which garage did the auto repair you wrote about?'],
    ['Auto: insurance renewal', 'Please find the renewal quote for your car attached.'],
    ['Vacation photos', 'Here are the photos from the trip, enjoy!'],
    ['Vacation request for August', 'Could you approve my leave request for August?'],
  ])("does not take a person's %j without away wording for one", (subject, body) => {
    expect(autoReply(message([...base, `Subject: ${subject}`], body))).toBeNull();
  });

  it('keeps a responder prefix or header enough on its own', () => {
    expect(
      autoReply(message([...base, 'Subject: Automatic reply: photos'], 'See you.'))?.label,
    ).toBe('AutoReply');
    expect(
      autoReply(
        message(
          [...base, 'Subject: Auto: photos', 'Auto-Submitted: auto-replied (vacation)'],
          'See you.',
        ),
      )?.label,
    ).toBe('AutoReply');
  });
});

describe('auto-replies saying the person has left', () => {
  it.each([
    'I have left the company. Please write to info@example.org.',
    'Kiji left the organisation in May; this mailbox is kept for a while.',
    'Herr Kiji hat das Unternehmen verlassen.',
    "Mme Kiji a quitté la société, merci d'écrire à info@example.org.",
  ])('takes %j for a gone mailbox (InactiveMailbox)', (body) => {
    const [record] = fixtureRecords(
      message([...base, 'Subject: Automatic reply: Offer', 'Auto-Submitted: auto-replied'], body),
    );
    expect(record?.bounce_classification).toBe('InactiveMailbox');
  });

  it.each([
    'I have left the office for the holidays and am back on 4 January.',
    'I left my laptop at the company and read mail on Monday.',
    'Je suis absente et je quitte le bureau à 16 h.',
  ])('keeps %j an auto-reply (AutoReply)', (body) => {
    const [record] = fixtureRecords(
      message([...base, 'Subject: Automatic reply: Offer', 'Auto-Submitted: auto-replied'], body),
    );
    expect(record?.bounce_classification).toBe('AutoReply');
  });
});
