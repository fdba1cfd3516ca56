// Reply shapes the reply transplants (bench/transplant.js) found cut or missed: a
// multi-line reply quoted on lines of its own (RFC 5321 §4.2.1), a reply of its code
// alone (RFC 5321 §4.2: the text is optional) after Sendmail's "<<<" mark, in an
// smtp-typed diagnostic extension, and in a gateway's detail line. Wordings written
// for these tests; each with the nearest text that must not be read so.
import { parseMessage } from '../../../src/report/index';
import { continuedReply, hasReplyCode, isBareReplyCode } from '../../../src/report/reply';
import type { OobFinding } from '../../../src/report/types';

const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\n'), 'utf8');

function oob(raw: Buffer): OobFinding[] {
  return parseMessage(raw).findings.filter((f): f is OobFinding => f.kind === 'oob');
}

describe('a multi-line reply quoted on lines of its own', () => {
  const lines = [
    '550-5.1.1 Nobody by that name receives mail at this host; look',
    '550-5.1.1 again at the address you typed.',
    '550 5.1.1 Refused by inbound.example.net',
    'Sendmail went on to the next recipient.',
  ];

  it('is read whole, up to its last line, and the line after it is not', () => {
    expect(continuedReply(lines, 0)).toEqual({
      text: lines.slice(0, 3).join(' '),
      next: 3,
    });
  });

  it('is read whole after Sendmail\'s "<<<" transcript mark', () => {
    const marked = lines.slice(0, 3).map((l) => `<<< ${l}`);
    expect(continuedReply(marked, 0).text).toBe('<<< ' + lines.slice(0, 3).join(' '));
  });

  it.each([
    ['a reply line alone', ['552 5.2.2 Quota of this box used up', '552 5.2.2 again']],
    ['a sentence', ['The server refused the recipient.', '550 5.1.1 unknown']],
    ['another code after the dash lines', ['550-5.1.1 no such box', '421 4.7.0 closing']],
    ['a line without the code', ['550-5.7.1 refused by policy', 'please call us']],
  ])('stops at the first line for %s', (_name, text) => {
    expect(continuedReply(text, 0)).toEqual({ text: text[0], next: 1 });
  });

  it('gives a Domino notice the whole reply of its "because:" section', () => {
    const f = oob(
      eml(
        'From: Postmaster@mail.example.org',
        'To: writer@example.com',
        'Subject: DELIVERY FAILURE: quarterly figures',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=US-ASCII',
        '',
        'Your message',
        '',
        '  Subject: Quarterly figures',
        '',
        'was not delivered to:',
        '',
        '  nina@example.net',
        '',
        'because:',
        '',
        ...lines.slice(0, 3).map((l) => `  ${l}`),
        '',
      ),
    );
    expect(f.map((x) => [x.recipient, x.reply.code, x.reply.content])).toEqual([
      [
        'nina@example.net',
        550,
        'Nobody by that name receives mail at this host; look again at the address you typed. Refused by inbound.example.net',
      ],
    ]);
  });

  it("gives a notice's unnamed failure the whole reply of its transcript", () => {
    const f = oob(
      eml(
        'From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>',
        'To: writer@example.com',
        'Subject: Returned mail: see transcript for details',
        'MIME-Version: 1.0',
        'Content-Type: text/plain',
        '',
        '   ----- Transcript of session follows -----',
        ...lines.slice(0, 3),
        '',
      ),
    );
    expect(f).toHaveLength(1);
    expect(f[0]?.reply.content).toBe(
      'Nobody by that name receives mail at this host; look again at the address you typed. Refused by inbound.example.net',
    );
  });
});

describe('a reply of its code alone', () => {
  it.each(['554', ' 421 ', '550'])('%j is a bare reply code', (t) => {
    expect(isBareReplyCode(t)).toBe(true);
  });

  it.each(['600', '100', '5540', '554 refused', '5.7.1', ''])('%j is not', (t) => {
    expect(isBareReplyCode(t)).toBe(false);
  });

  it.each(['>>> DATA <<< 554', 'mx.example.org: >>> RCPT TO:<a@example.org> <<<554'])(
    'is a reply after the transcript mark "<<<": %s',
    (t) => {
      expect(hasReplyCode(t)).toBe(true);
    },
  );

  it.each([
    ['the greeting', '<<< 220 mx.example.org ESMTP ready'],
    ['a quantity', '<<< 552 bytes were left'],
    ['a code with no mark', 'the session ended after 554'],
  ])('is no failure reply for %s', (_name, t) => {
    expect(hasReplyCode(t)).toBe(false);
  });

  const dsn = (diagnostic: string[]): Buffer =>
    eml(
      'From: MAILER-DAEMON@relay.example.org',
      'To: writer@example.com',
      'Subject: Delivery Status Notification (Failure)',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; relay.example.org',
      '',
      'Final-Recipient: rfc822; omar@example.net',
      'Action: failed',
      'Status: 5.0.0',
      ...diagnostic,
      '',
      '--b--',
      '',
    );

  it('in an smtp-typed diagnostic extension gives the record its code', () => {
    const f = oob(
      dsn(['Diagnostic-Code: X-Local; delivery failed', 'X-Remote-MTA-Diagnostic: smtp; 554']),
    );
    expect(f.map((x) => x.reply.code)).toEqual([554]);
  });

  it('in an extension of another type is no reply', () => {
    const f = oob(
      dsn(['Diagnostic-Code: X-Local; delivery failed', 'X-Remote-MTA-Diagnostic: x-unix; 554']),
    );
    expect(f.map((x) => x.reply.code)).not.toEqual([554]);
  });

  it("in a gateway's detail line outweighs the template's heading", () => {
    const f = oob(
      eml(
        'From: postmaster@gate.example.org',
        'To: writer@example.com',
        'Subject: Delivery status notification',
        'MIME-Version: 1.0',
        'Content-Type: text/plain',
        '',
        '      This is an automatically generated Delivery Status Notification.',
        '',
        'Delivery to the following recipients failed permanently:',
        '',
        '   * pia@example.org',
        '',
        '',
        '                             Technical details:',
        '',
        'SMTP:RCPT host 192.0.2.30: 554',
        '',
      ),
    );
    expect(f.map((x) => [x.recipient, x.reply.code, x.report.source])).toEqual([
      ['pia@example.org', 554, 'heuristic:x3'],
    ]);
  });
});
