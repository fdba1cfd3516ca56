import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHeaderFields, sniffMessage } from '../../../src/report/sniff';

const FIXTURES = join(__dirname, '../../../fixtures');
const msg = (headers: string[], body = 'body') =>
  Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}\r\n`);

describe('header sniff', () => {
  it('recognises a multipart/report DSN whatever the case of type and parameters', () => {
    const raw = msg([
      'From: a@b',
      'Content-Type: Multipart/Report; Report-Type="delivery-status";',
      ' boundary=x',
    ]);
    expect(sniffMessage(raw, 'x@y').kind).toBe('report');
  });

  it('recognises an ARF report by report-type=feedback-report', () => {
    const raw = readFileSync(join(FIXTURES, 'rfc5965/kumomta-1.eml'));
    expect(sniffMessage(raw, 'x@y').kind).toBe('arf');
  });

  it('recognises RFC 3834 auto-replies and vacation headers', () => {
    expect(sniffMessage(msg(['Auto-Submitted: auto-replied', 'Subject: Re: hi']), 'a@b').kind).toBe(
      'autoreply',
    );
    expect(sniffMessage(msg(['X-Autoreply: yes', 'Subject: hi']), 'a@b').kind).toBe('autoreply');
    expect(sniffMessage(msg(['Subject: Out of Office: hi']), 'a@b').kind).toBe('autoreply');
  });

  it('recognises a non-RFC bounce by its sender, subject or X-Failed-Recipients', () => {
    expect(sniffMessage(msg(['From: MAILER-DAEMON@mx.example', 'Subject: x']), 'a@b').kind).toBe(
      'bounce',
    );
    expect(sniffMessage(msg(['From: a@b', 'Subject: Undeliverable: hello']), 'a@b').kind).toBe(
      'bounce',
    );
    expect(sniffMessage(msg(['From: a@b', 'X-Failed-Recipients: c@d']), 'a@b').kind).toBe('bounce');
  });

  it('recognises complaint reports that are not multipart/report', () => {
    expect(
      sniffMessage(
        msg(['From: staff@hotmail.com', 'Subject: complaint about message from 192.0.2.1']),
        'a@b',
      ).kind,
    ).toBe('arf');
  });

  it('recognises Amazon SES notifications sent as SNS e-mail', () => {
    expect(
      sniffMessage(
        msg(['From: SES <no-reply@sns.amazonaws.com>', 'Subject: AWS Notification Message']),
        'x@amazonses.com',
      ).kind,
    ).toBe('bounce');
  });

  it('treats the null reverse-path as evidence of a notification', () => {
    expect(sniffMessage(msg(['From: a@b', 'Subject: hello']), '').kind).toBe('bounce');
  });

  it('takes what an Exchange mailbox rule or a procmail responder sent for an auto-reply', () => {
    const rule = [
      'From: a@example.org',
      'Subject: Away',
      'X-MS-Exchange-Inbox-Rules-Loop: a@example.org',
    ];
    expect(sniffMessage(msg(rule), 'a@example.org').kind).toBe('autoreply');
    const procmail = [
      'From: a@example.org',
      'Subject: Re: Offer',
      'In-Reply-To: <o@example.com>',
      'X-Loop: a@example.org',
      'Precedence: junk',
    ];
    expect(sniffMessage(msg(procmail), 'a@example.org').kind).toBe('autoreply');
  });

  it('does not take a list post with X-Loop and Precedence: bulk, answering nothing, for one', () => {
    const post = [
      'From: a@example.org',
      'Subject: news',
      'X-Loop: l@example.org',
      'Precedence: bulk',
    ];
    expect(sniffMessage(msg(post), 'l-owner@example.org').kind).toBe('none');
  });

  it('reads a responder subject written in encoded words', () => {
    for (const subject of [
      '=?UTF-8?B?' + Buffer.from('【自動返信】Offer').toString('base64') + '?=',
      '=?utf-8?Q?R=C3=A9ponse_automatique_:_Offer?=',
    ])
      expect(
        sniffMessage(msg(['From: a@example.jp', `Subject: ${subject}`]), 'a@example.jp').kind,
      ).toBe('autoreply');
    const plain = '=?UTF-8?B?' + Buffer.from('お見積りの件').toString('base64') + '?=';
    expect(
      sniffMessage(msg(['From: a@example.jp', `Subject: ${plain}`]), 'a@example.jp').kind,
    ).toBe('none');
  });

  it('says none for ordinary mail', () => {
    expect(
      sniffMessage(msg(['From: Alice <alice@example.com>', 'Subject: lunch?']), 'alice@example.com')
        .kind,
    ).toBe('none');
  });

  it('counts Received headers, folded ones once', () => {
    const raw = msg(['Received: from a', '\tby b; date', 'Received: from c by d', 'Subject: x']);
    expect(sniffMessage(raw, '').receivedCount).toBe(2);
  });

  it('never reads past the header block', () => {
    const raw = msg(
      ['From: alice@example.com', 'Subject: hi'],
      'Content-Type: multipart/report\r\nAuto-Submitted: auto-replied',
    );
    expect(sniffMessage(raw, 'alice@example.com').kind).toBe('none');
  });

  it('copes with empty, binary and enormous header input', () => {
    expect(sniffMessage(Buffer.alloc(0), 'a@b').kind).toBe('none');
    expect(sniffMessage(Buffer.from([0, 255, 10, 13, 58, 0]), 'a@b').kind).toBe('none');
    const huge = Buffer.from(`Subject: ${'x'.repeat(5_000_000)}\r\n\r\n`);
    expect(sniffMessage(huge, 'a@b').kind).toBe('none');
  });

  it('reads the same wanted fields with a name filter as without one, on every fixture', () => {
    const wanted = new Set(['received', 'subject', 'from', 'content-type', 'x-failed-recipients']);
    const files = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.eml'),
    );
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const raw = readFileSync(join(FIXTURES, file));
      const all = readHeaderFields(raw);
      expect(readHeaderFields(raw, wanted)).toEqual(all.filter((f) => wanted.has(f.name)));
    }
    const folded = msg([
      'X-Other: a',
      ' folded',
      'Subject: one',
      '\ttwo',
      'Bad line',
      ' orphan',
      'From: x@y',
    ]);
    expect(readHeaderFields(folded)).toEqual([
      { name: 'x-other', value: 'a folded' },
      { name: 'subject', value: 'one two' },
      { name: 'from', value: 'x@y' },
    ]);
    expect(readHeaderFields(folded, wanted)).toEqual([
      { name: 'subject', value: 'one two' },
      { name: 'from', value: 'x@y' },
    ]);
  });

  it('ends the header block at the first blank line of LF, CRLF or CR-only text', () => {
    const fields = (text: string) => readHeaderFields(Buffer.from(text, 'latin1'));
    expect(fields('Subject: a\nFrom: b\n\nX-Body: c\n')).toEqual([
      { name: 'subject', value: 'a' },
      { name: 'from', value: 'b' },
    ]);
    expect(fields('Subject: a\r\n\r\nX-Body: c\r\n')).toEqual([{ name: 'subject', value: 'a' }]);
    // CR-only (classic Mac): the block ends at CR CR, so the body is not read as a value.
    expect(fields('Subject: a\r\rX-Body: c\r')).toEqual([{ name: 'subject', value: 'a' }]);
    expect(fields('Subject: a\r\nFrom: b')).toEqual([
      { name: 'subject', value: 'a' },
      { name: 'from', value: 'b' },
    ]);
  });
});
