// A delay notice that says "delayed" only in its Subject, in a language other than
// English and often as RFC 2047 encoded words (src/report/heuristic/common.ts
// DELAYED_WORDS, read decoded by heuristic/exchange.ts and report/fallback.ts). Each
// notice is written here for this test: a mail system's notice naming one recipient with
// a reply, the Subject in German, Japanese or Dutch. With only a 4xx reply such a notice
// reports a delay (no failed record, docs/records.md); a 5xx reply, a Subject that also
// calls it a failure, or a Subject without the word keeps it a failure.
import { parseMessage } from '../../../src/report/index';
import type { OobFinding } from '../../../src/report/types';

const b64 = (s: string): string => `=?utf-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;

/** The failed (not delayed) recipients of a message. */
function failed(raw: string): string[] {
  return parseMessage(Buffer.from(raw, 'utf8'))
    .findings.filter((f): f is OobFinding => f.kind === 'oob' && f.report.action === 'failed')
    .map((f) => f.recipient);
}

/** A mail system's header section and the blank line after it. */
function head(from: string, subject: string): string[] {
  return [
    `From: ${from}`,
    'To: bounces@sender.example',
    `Subject: ${subject}`,
    'Auto-Submitted: auto-replied',
    'Content-Type: text/plain; charset=utf-8',
    '',
  ];
}

/** A provider's labelled notice (no DSN part): "Empfänger:" then "Grund:" with the reply. */
function labelledNotice(subject: string, reply: string): string {
  return [
    ...head('Mail Delivery System <MAILER-DAEMON@mx.provider.example>', subject),
    'Ihre Nachricht konnte bisher nicht zugestellt werden.',
    '',
    'Empfänger: ruth@example.org',
    `Grund: ${reply}`,
    '',
  ].join('\n');
}

/** An Exchange 2007+ notice whose headline we do not list; the reply in its admins' section. */
function exchangeNotice(subject: string, reply: string): string {
  return [
    ...head(
      'Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@bedrijf.example>',
      subject,
    ),
    'Uw bericht is nog niet afgeleverd bij de volgende ontvangers:',
    '',
    'sanne@ontvanger.example',
    '',
    'Diagnostische informatie voor beheerders:',
    '',
    'Genererende server: EX01.bedrijf.example',
    '',
    'sanne@ontvanger.example',
    `Remote Server at mx.ontvanger.example (192.0.2.7) returned '${reply}'`,
    '',
  ].join('\n');
}

const TRANSIENT = '451 4.3.0 Mailbox temporarily unavailable';
const PERMANENT = '550 5.1.1 Mailbox unknown';

describe('delay notices known by a translated Subject', () => {
  it('takes a German encoded "verzögert" Subject with only a 4xx reply for a delay', () => {
    expect(failed(labelledNotice(b64('Nachricht verzögert'), TRANSIENT))).toEqual([]);
  });

  it('takes a Japanese encoded "配信遅延" Subject with only a 4xx reply for a delay', () => {
    expect(failed(labelledNotice(b64('配信遅延のお知らせ'), TRANSIENT))).toEqual([]);
  });

  it('reads the Subject of an Exchange notice decoded before looking for the word', () => {
    expect(failed(exchangeNotice(b64('Bezorging vertraagd: Offerte'), TRANSIENT))).toEqual([]);
  });

  it('keeps a failure whose reply is a 5xx under a "delayed" Subject', () => {
    expect(failed(labelledNotice(b64('Nachricht verzögert'), PERMANENT))).toEqual([
      'ruth@example.org',
    ]);
    expect(failed(exchangeNotice(b64('Bezorging vertraagd: Offerte'), PERMANENT))).toEqual([
      'sanne@ontvanger.example',
    ]);
  });

  it('keeps a failure whose Subject also calls it undeliverable, the word being the returned subject', () => {
    expect(failed(labelledNotice('Unzustellbar: Lieferung verzögert', TRANSIENT))).toEqual([
      'ruth@example.org',
    ]);
    expect(failed(labelledNotice(b64('Non remis : livraison retardée'), TRANSIENT))).toEqual([
      'ruth@example.org',
    ]);
  });

  it('keeps a failure with a 4xx reply when the Subject says nothing of a delay', () => {
    expect(failed(labelledNotice('Nachricht', TRANSIENT))).toEqual(['ruth@example.org']);
    expect(failed(labelledNotice(b64('Zustellung fehlgeschlagen'), TRANSIENT))).toEqual([
      'ruth@example.org',
    ]);
  });
});
