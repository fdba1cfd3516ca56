import { extractReply, parseStatus } from '../../../src/report/reply';

const status = (s: string) => parseStatus(s).code;
const reply = (
  text: string,
  st: string | null = null,
  extra: { action?: string; smtp?: boolean } = {},
) => extractReply(text, { status: st === null ? null : status(st), ...extra });

describe('SMTP reply extraction', () => {
  it('takes the reply code and enhanced code of an smtp diagnostic and keeps neither in the content', () => {
    expect(reply('550 5.1.1 <a@b.example>... User Unknown', '5.1.1')).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 1, detail: 1 },
      content: '<a@b.example>... User Unknown',
      command: null,
    });
  });

  it('finds the reply after "host ... said:"', () => {
    const r = reply(
      'host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@b.example>: Recipient address rejected: User unknown (in reply to RCPT TO command)',
      '5.0.0',
    );
    expect(r.code).toBe(550);
    expect(r.enhancedCode).toEqual({ class: 5, subject: 1, detail: 1 });
    expect(r.content).toBe(
      '<a@b.example>: Recipient address rejected: User unknown (in reply to RCPT TO command)',
    );
  });

  it('finds the reply after "... says:" across a folded line', () => {
    const r = reply(
      'host example-com.mail.eo.outlook.com:25 says:\n 550 5.4.1 Recipient address rejected: Access denied.',
      '5.0.0',
    );
    expect(r).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 4, detail: 1 },
      content: 'Recipient address rejected: Access denied.',
      command: null,
    });
  });

  it('joins a multi-line reply without repeating its codes', () => {
    const text =
      "550-5.1.1 The email account that you tried to reach does not exist. Please try\n 550-5.1.1 double-checking the recipient's email address for typos or\n 550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser";
    expect(reply(text, '5.1.1').content).toBe(
      "The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser",
    );
  });

  it('keeps a number in the text that only looks like the code', () => {
    expect(reply('552 message size 552 bytes over the limit', '5.3.4').content).toBe(
      'message size 552 bytes over the limit',
    );
  });

  it('uses the Status when the text has no enhanced code', () => {
    expect(reply("550 'arathib@vnet.IBM.COM' is not a registered gateway user", '5.0.0')).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 0, detail: 0 },
      content: "'arathib@vnet.IBM.COM' is not a registered gateway user",
      command: null,
    });
  });

  it('prefers a specific Status over a reply that says x.0.0', () => {
    expect(reply('550 5.0.0 mailbox unknown', '5.1.1').enhancedCode).toEqual({
      class: 5,
      subject: 1,
      detail: 1,
    });
  });

  it('takes an enhanced code later in the text when the Status says nothing more', () => {
    const r = reply(
      'host a[192.0.2.2] said: 501 Rcpt-To validation failed: RCPT TO not accepted: 5.7.1 This system is not configured to relay mail',
      '5.0.0',
    );
    expect(r.code).toBe(501);
    expect(r.enhancedCode).toEqual({ class: 5, subject: 7, detail: 1 });
  });

  it('reads a quoted enhanced code after the reply code', () => {
    const r = reply(
      "5.1.0 - Unknown address error 550-'5.2.2 <a@b.example>... Mailbox Full' (delivery attempts: 0)",
      '5.0.0',
    );
    expect(r.code).toBe(550);
    expect(r.enhancedCode).toEqual({ class: 5, subject: 2, detail: 2 });
  });

  it('picks 550, 451 or 250 by class when the text has no reply code', () => {
    expect(reply('connection timed out', '5.4.7').code).toBe(550);
    expect(
      reply(
        'DNS Error: 80335577 DNS type mx lookup of example.jp responded with code NXDOMAIN',
        '4.0.0',
      ).code,
    ).toBe(451);
    expect(reply('delivered to mailbox', '2.0.0').code).toBe(250);
    expect(reply('no code at all', null, { action: 'delayed' }).code).toBe(451);
    expect(reply('no code at all', null, { action: 'failed' }).code).toBe(550);
  });

  it('takes an enhanced code that starts the text', () => {
    expect(reply('5.1.1 User unknown', null)).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 1, detail: 1 },
      content: 'User unknown',
      command: null,
    });
  });

  it('does not read an exit status of a non-smtp diagnostic as a reply code', () => {
    expect(reply('255', '5.0.0', { smtp: false })).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 0, detail: 0 },
      content: '255',
      command: null,
    });
  });

  it('keeps the text of a non-smtp diagnostic as content', () => {
    expect(
      reply('connect to nyaan.example.com[192.0.2.2]:25: No route to host', '4.4.1', {
        smtp: false,
      }),
    ).toEqual({
      code: 451,
      enhancedCode: { class: 4, subject: 4, detail: 1 },
      content: 'connect to nyaan.example.com[192.0.2.2]:25: No route to host',
      command: null,
    });
  });

  it('never leaves a line break or control character in the content', () => {
    const r = reply('550 5.7.1 blocked\r\n  because\tof\x00policy', null);
    expect(r.content).toBe('blocked because of policy');
  });

  it('reads the Status code and its comment', () => {
    expect(parseStatus('5.0.0 (permanent failure)')).toEqual({
      code: { class: 5, subject: 0, detail: 0 },
      comment: 'permanent failure',
    });
    expect(parseStatus('5.1.351')).toEqual({
      code: { class: 5, subject: 1, detail: 351 },
      comment: '',
    });
    expect(parseStatus('553 Exceeded maximum inbound message size')).toEqual({
      code: null,
      comment: '553 Exceeded maximum inbound message size',
    });
    expect(parseStatus('9.9.9')).toEqual({ code: null, comment: '9.9.9' });
  });
});
