import type { OobFinding } from '../../../src/report/types';
import { parseMessage } from '../../../src/report/index';
import { imceaSmtpAddress, soleAddressOf } from '../../../src/report/address';
import { leadingAddress } from '../../../src/report/heuristic/common';

const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\n'), 'utf8');

/** A DSN whose recipient block is `fields`, returning headers `returned` (none when empty). */
function report(fields: string[], returned: string[] = []): Buffer {
  return eml(
    'From: Postmaster <postmaster@relay.example.org>',
    'To: newsletter-bounces@mail.example.com',
    'Subject: Delivery Status Notification (Failure)',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="zz"',
    '',
    '--zz',
    'Content-Type: text/plain',
    '',
    'We were unable to deliver your message.',
    '--zz',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; gw.example.nl',
    'Arrival-Date: Thu, 3 Dec 2026 07:00:00 +0000',
    '',
    ...fields,
    '',
    ...(returned.length === 0
      ? []
      : ['--zz', 'Content-Type: text/rfc822-headers', '', ...returned, '']),
    '--zz--',
  );
}

function oob(raw: Buffer): OobFinding[] {
  const r = parseMessage(raw);
  expect(r.problems.map((p) => p.code)).not.toContain('internal');
  return r.findings.filter((f): f is OobFinding => f.kind === 'oob');
}

const headers =
  (fields: Record<string, string>) =>
  (name: string): string | null =>
    fields[name] ?? null;

describe('Exchange IMCEA-encapsulated addresses', () => {
  it('decodes an IMCEASMTP address into the SMTP mailbox it carries', () => {
    expect(imceaSmtpAddress('IMCEASMTP-olga+2Ewest+40example+2Enet@hq.example.com')).toBe(
      'olga.west@example.net',
    );
    expect(imceaSmtpAddress('imceasmtp-d+5Fk+40example+2Eorg@hq.example.com')).toBe(
      'd_k@example.org',
    );
  });

  it('leaves other IMCEA types, plain addresses and broken encodings undecoded', () => {
    expect(
      imceaSmtpAddress('IMCEAEX-_O=HQ_OU=FIRST+20GROUP_CN=RECIPIENTS_CN=OWEST@hq.example.com'),
    ).toBeNull();
    expect(imceaSmtpAddress('IMCEAX400-c=DE;a= ;p=HQ;s=West;@hq.example.com')).toBeNull();
    expect(imceaSmtpAddress('imceasmtp.fan@example.org')).toBeNull();
    expect(imceaSmtpAddress('IMCEASMTP-olga+4@hq.example.com')).toBeNull();
    expect(imceaSmtpAddress('IMCEASMTP-olga+ZZwest@hq.example.com')).toBeNull();
    // No "+40": the encapsulated text holds no mailbox.
    expect(imceaSmtpAddress('IMCEASMTP-olga+2Ewest@hq.example.com')).toBeNull();
  });

  it("records the encapsulated mailbox of a DSN's IMCEASMTP Final-Recipient", () => {
    const [f, ...more] = oob(
      report([
        'Final-Recipient: rfc822;IMCEASMTP-piet+2Edekker+40example+2Enl@hq.example.com',
        'Action: failed',
        'Status: 5.1.1',
      ]),
    );
    expect(more).toEqual([]);
    expect(f?.recipient).toBe('piet.dekker@example.nl');
  });

  it('keeps an rfc822 Original-Recipient over an IMCEAEX Final-Recipient', () => {
    const [f] = oob(
      report([
        'Final-Recipient: rfc822;IMCEAEX-_O=HQ_OU=FIRST+20GROUP_CN=RECIPIENTS_CN=PDEKKER@hq.example.com',
        'Original-Recipient: rfc822;piet.dekker@hq.example.com',
        'Action: failed',
        'Status: 5.1.1',
      ]),
    );
    expect(f?.recipient).toBe('piet.dekker@hq.example.com');
  });
});

describe('a DSN whose recipient block names no recipient', () => {
  it('offers the one address the returned message was sent to', () => {
    const [f, ...more] = oob(
      report(
        ['Action: failed', 'Status: 5.2.2'],
        ['From: news@mail.example.com', 'To: "Wim Smit" <wim.smit@example.nl>', 'Subject: News'],
      ),
    );
    expect(more).toEqual([]);
    expect([f?.recipient, f?.returnedRecipient]).toEqual(['', 'wim.smit@example.nl']);
  });

  it.each([
    ['went to several addresses', ['To: wim.smit@example.nl', 'Cc: an.vos@example.nl']],
    [
      'is the mailing list the copy was posted to',
      ['To: members@lists.example.nl', 'List-Post: <mailto:members@lists.example.nl>'],
    ],
  ])('offers none when the returned message %s', (_what, fields) => {
    const [f] = oob(
      report(['Action: failed', 'Status: 5.2.2'], ['From: news@mail.example.com', ...fields]),
    );
    expect([f?.recipient, f?.returnedRecipient]).toEqual(['', undefined]);
  });

  it('does not replace a named Final-Recipient with the returned To', () => {
    const [f] = oob(
      report(
        ['Final-Recipient: rfc822; wim@example.nl', 'Action: failed', 'Status: 5.1.1'],
        ['From: news@mail.example.com', 'To: wim.smit@example.nl', 'Subject: News'],
      ),
    );
    expect([f?.recipient, f?.returnedRecipient]).toEqual(['wim@example.nl', undefined]);
  });
});

describe('the one address of returned header fields', () => {
  it('counts To and Cc together and skips what is no address', () => {
    expect(soleAddressOf(headers({ to: 'Undisclosed recipients:;', cc: 'a@example.nl' }))).toBe(
      'a@example.nl',
    );
    expect(soleAddressOf(headers({ to: 'a@example.nl', cc: 'b@example.nl' }))).toBeNull();
    expect(soleAddressOf(headers({}))).toBeNull();
  });

  it("refuses a list's own address by its List-Id", () => {
    expect(
      soleAddressOf(headers({ to: 'club@example.nl', 'list-id': 'Club <club.example.nl>' })),
    ).toBeNull();
  });
});

describe('a display name with the address in parentheses', () => {
  it('reads "Name (a@b)<mailto:a@b>" with any text after the link', () => {
    expect(
      leadingAddress(
        "Bram DeWit (bram.dewit@example.nl)<mailto:bram.dewit@example.nl> wasn't reached.",
      ),
    ).toEqual({ address: 'bram.dewit@example.nl', rest: "wasn't reached.", reason: '' });
  });

  it('reads "Name (a@b)" alone or before a colon', () => {
    expect(leadingAddress('Bram DeWit (bram.dewit@example.nl)')?.address).toBe(
      'bram.dewit@example.nl',
    );
    expect(leadingAddress('Bram Wit (bram.wit@example.nl): mailbox closed')).toEqual({
      address: 'bram.wit@example.nl',
      rest: 'mailbox closed',
      reason: '',
    });
  });

  it('takes no name whose parentheses hold no address, or whose link names another', () => {
    expect(leadingAddress('Bram Wit (Sales) <bram.wit@example.nl>')).toBeNull();
    expect(leadingAddress('Host (mx.example.nl) said 550 no such user')).toBeNull();
    expect(leadingAddress('Bram Wit (bram.wit@example.nl) said: no')).toBeNull();
    expect(
      leadingAddress('Bram Wit (bram.wit@example.nl)<mailto:other@example.nl> bounced'),
    ).toBeNull();
    expect(leadingAddress('unknown user (bram.wit@example.nl)')).toBeNull();
  });

  it("gives a notice's one recipient the failure reply written further down", () => {
    const [f, ...more] = oob(
      eml(
        'From: Postmaster <postmaster@mail.example.nl>',
        'To: shop@example.com',
        'Subject: Undeliverable: Your order',
        '',
        'Your message to Bram Wit (bram.wit@example.nl)<mailto:bram.wit@example.nl> was not delivered.',
        '',
        'The address could not be found at example.nl.',
        '',
        "Diagnostic information: the receiving server answered '550 5.1.1 no mailbox here'",
      ),
    );
    expect(more).toEqual([]);
    expect([f?.recipient, f?.reply.code, f?.reply.enhancedCode]).toEqual([
      'bram.wit@example.nl',
      550,
      { class: 5, subject: 1, detail: 1 },
    ]);
  });

  it('does not hand a reply written elsewhere to one of two recipients', () => {
    const found = oob(
      eml(
        'From: Postmaster <postmaster@mail.example.nl>',
        'To: shop@example.com',
        'Subject: Undeliverable: Your order',
        '',
        "Diagnostic information: the receiving server answered '550 5.1.1 no mailbox here'",
        '',
        'Your message to Bram Wit (bram.wit@example.nl)<mailto:bram.wit@example.nl> was not delivered.',
        '',
        'Your message to An Vos (an.vos@example.nl)<mailto:an.vos@example.nl> was not delivered.',
      ),
    );
    expect(found.map((f) => [f.recipient, f.reply.enhancedCode])).toEqual([
      ['bram.wit@example.nl', null],
      ['an.vos@example.nl', null],
    ]);
  });
});

describe('a DSN naming only an X.400 recipient', () => {
  const x400 = ['Final-Recipient: x400; /G=Els/S=Bakker/O=Raad/ADMD= /C=NL/', 'Action: failed'];

  it('records the one address the returned message went to', () => {
    const [f] = oob(
      report(
        [...x400, 'Status: 5.1.1'],
        ['From: news@mail.example.com', 'To: els@raad.example.nl'],
      ),
    );
    expect([f?.recipient, f?.report.final_recipient]).toEqual([
      'els@raad.example.nl',
      '/G=Els/S=Bakker/O=Raad/ADMD= /C=NL/',
    ]);
  });

  it('keeps the O/R address when the returned message went to several', () => {
    const [f] = oob(
      report(
        [...x400, 'Status: 5.1.1'],
        ['From: news@mail.example.com', 'To: els@raad.example.nl, piet@raad.example.nl'],
      ),
    );
    expect(f?.recipient).toBe('/G=Els/S=Bakker/O=Raad/ADMD= /C=NL/');
  });

  it('prefers an rfc822 Original-Recipient to the returned To', () => {
    const [f] = oob(
      report(
        ['Original-Recipient: rfc822; e.bakker@raad.example.nl', ...x400, 'Status: 5.1.1'],
        ['From: news@mail.example.com', 'To: els@raad.example.nl'],
      ),
    );
    expect(f?.recipient).toBe('e.bakker@raad.example.nl');
  });
});
