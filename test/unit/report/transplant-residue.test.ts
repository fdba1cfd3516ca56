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

// Sendmail delivering to a program or a local mailer: the transcript holds what the
// program printed, then Sendmail's own reply line for the recipient; the
// Diagnostic-Code is the exit status ("X-Unix; 255"). The reply is that line, with or
// without an enhanced code, or the code alone (RFC 5321 §4.2: a reply stands at the
// start of its line).
describe('the reply line after a local mailer output in a Sendmail transcript', () => {
  const bounce = (replyLine: string): Buffer =>
    Buffer.from(
      [
        'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>',
        'To: sender@example.com',
        'Subject: Returned mail: see transcript for details',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="sm"',
        '',
        '--sm',
        '',
        '   ----- The following addresses had permanent fatal errors -----',
        '"|/usr/local/bin/ticket-intake"',
        '    (reason: 75)',
        '    (expanded from: <help@example.net>)',
        '',
        '   ----- Transcript of session follows -----',
        'Traceback (most recent call last):',
        '  File "/usr/local/bin/ticket-intake", line 12, in <module>',
        'ConnectionRefusedError: [Errno 111] Connection refused',
        replyLine,
        '',
        '--sm',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.net',
        '',
        'Final-Recipient: RFC822; help@example.net',
        'X-Actual-Recipient: X-Unix; |/usr/local/bin/ticket-intake',
        'Action: failed',
        'Status: 5.0.0',
        'Diagnostic-Code: X-Unix; 75',
        '',
        '--sm--',
        '',
      ].join('\n'),
      'utf8',
    );

  test.each([
    [
      '552 Requested mail action aborted: exceeded storage allocation',
      552,
      'Requested mail action aborted: exceeded storage allocation',
    ],
    ['550 No such user here', 550, 'No such user here'],
    ['554 5.3.0 unknown mailer error 75', 554, 'unknown mailer error 75'],
    ['554', 554, ''],
  ])('%s is the reply, not the exit status', (line, code, content) => {
    const [f] = parseMessage(bounce(line)).findings;
    expect(f?.kind).toBe('oob');
    if (f?.kind !== 'oob') return;
    expect(f.recipient).toBe('help@example.net');
    expect(f.reply.code).toBe(code);
    expect(f.reply.content).toBe(content);
  });

  test('a transcript of program output alone gives no reply of its own: the exit status stays', () => {
    const [f] = parseMessage(bounce('Giving up after 3 attempts')).findings;
    expect(f?.kind).toBe('oob');
    if (f?.kind !== 'oob') return;
    expect(f.reply.code).toBe(550);
    expect(f.reply.content).not.toContain('(expanded from');
  });
});
