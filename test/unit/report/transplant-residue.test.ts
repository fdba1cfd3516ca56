// Parser spots the reply transplants (bench/transplant.js) showed depending on the
// original sentence: each checked here on small inputs written for it.
import { readReply } from '../../../src/report/reply';
import { parseMessage } from '../../../src/report/index';

describe('a reply quoted whole after a sentence in any language', () => {
  const failed = { status: { class: 5, subject: 7, detail: 1 }, action: null, smtp: true };

  test.each([
    [
      "El servidor remoto devolvió '552 Requested mail action aborted: exceeded storage allocation'",
      552,
    ],
    ["Le serveur distant a retourné '550 No such user here'", 550],
    ['Il server remoto ha restituito "553 mailbox name not allowed"', 553],
    ["El servidor remoto devolvió '554'", 554],
    ["Der Remoteserver hat '550 No such user here' zurückgegeben", 550],
  ])('%s is read as reply code %d', (text, code) => {
    const read = readReply(text, failed);
    expect(read.coded).toBe(true);
    expect(read.reply.code).toBe(code);
  });

  test.each([
    ["the '550 rule' is what we follow"],
    ['the limit is "552 bytes" per line'],
    ["a quote that never closes '554 here"],
  ])('%s holds no quoted reply', (text) => {
    expect(readReply(text, failed).coded).toBe(false);
  });

  test('a DSN without Diagnostic-Code takes the quoted reply code, its Status the enhanced code', () => {
    const raw = [
      'From: postmaster@relay.example.org',
      'To: sender@example.com',
      'Subject: No se puede entregar',
      'Content-Type: multipart/report; boundary="es"; report-type=delivery-status',
      'MIME-Version: 1.0',
      '',
      '--es',
      'Content-Type: text/plain; charset="utf-8"',
      '',
      'Error al entregar a estos destinatarios o grupos:',
      '',
      'ana@destino.example.net',
      "El servidor remoto devolvió '552 Requested mail action aborted: exceeded storage allocation'",
      '',
      '--es',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns;relay.example.org',
      '',
      'Final-Recipient: rfc822; ana@destino.example.net',
      'Action: failed',
      'Status: 5.7.1',
      '',
      '--es--',
      '',
    ].join('\r\n');
    const [f] = parseMessage(Buffer.from(raw, 'utf8')).findings;
    expect(f?.kind).toBe('oob');
    if (f?.kind !== 'oob') return;
    expect(f.reply.code).toBe(552);
    expect(f.reply.enhancedCode).toEqual({ class: 5, subject: 7, detail: 1 });
    expect(f.reply.content).toBe('Requested mail action aborted: exceeded storage allocation');
  });
});
