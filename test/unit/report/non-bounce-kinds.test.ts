// Messages that are not classic bounces (bench/data/blind-messages-8): an ARF report in
// Microsoft JMRP's shape, and a challenge sent by the protected mailbox's own software.
// The wordings are written here after the programs' documented notices, with the
// nearest messages that must not be read so.
import { parseMessage } from '../../../src/report/index';
import type { FeedbackFinding, OobFinding, ParseResult } from '../../../src/report/types';

const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

function feedback(r: ParseResult): FeedbackFinding {
  expect(r.kind).toBe('arf');
  const f = r.findings[0];
  if (f?.kind !== 'feedback') throw new Error(`not a feedback finding: ${JSON.stringify(r)}`);
  return f;
}

function oob(r: ParseResult): OobFinding {
  expect(r.findings).toHaveLength(1);
  const f = r.findings[0];
  if (f?.kind !== 'oob') throw new Error(`not an OOB finding: ${JSON.stringify(r)}`);
  return f;
}

/** An ARF report whose returned message carries `returnedHeaders`. */
function jmrpArf(reportFields: string[], returnedHeaders: string[], outer: string[] = []): Buffer {
  return eml(
    'From: staff@hotmail.example',
    'To: jmrp@sender.example.com',
    'Subject: complaint about message from 192.0.2.9',
    ...outer,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="j"',
    '',
    '--j',
    'Content-Type: text/plain',
    '',
    'A user of ours reported the attached message as junk.',
    '--j',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: Hotmail FBL',
    'Version: 0.1',
    ...reportFields,
    '',
    '--j',
    'Content-Type: message/rfc822',
    '',
    ...returnedHeaders,
    'From: news@sender.example.com',
    'To: Removed',
    'Subject: Winter sale',
    'Message-ID: <winter-9@sender.example.com>',
    '',
    'Sale starts now.',
    '--j--',
    '',
  );
}

describe('a JMRP report sent as ARF', () => {
  it("names the returned message's X-HmXmrOriginalRecipient as the complained-about address", () => {
    const f = feedback(
      parseMessage(jmrpArf([], ['X-HmXmrOriginalRecipient: <zoe.k@outlook.example>'])),
    );
    expect(f.report.original_rcpto_to).toEqual(['zoe.k@outlook.example']);
    expect(f.recipient).toBe('zoe.k@outlook.example');
    expect(f.source).toBe('rfc5965');
  });

  it("keeps the report's own Original-Rcpt-To over X-HmXmrOriginalRecipient", () => {
    const f = feedback(
      parseMessage(
        jmrpArf(
          ['Original-Rcpt-To: yves@outlook.example'],
          ['X-HmXmrOriginalRecipient: <other@outlook.example>'],
        ),
      ),
    );
    expect(f.report.original_rcpto_to).toEqual(['yves@outlook.example']);
  });

  it("does not take the report's own X-HmXmrOriginalRecipient (its envelope recipient) for the complainant", () => {
    const f = feedback(
      parseMessage(jmrpArf([], [], ['X-HmXmrOriginalRecipient: <jmrp@sender.example.com>'])),
    );
    expect(f.report.original_rcpto_to).toEqual([]);
    expect(f.recipient).toBe('');
  });
});

function challenge(from: string, subject: string, body: string[]): ParseResult {
  return parseMessage(
    eml(
      `From: ${from}`,
      'To: bounce@sender.example.com',
      `Subject: ${subject}`,
      'Date: Wed, 02 Dec 2026 10:00:00 +0000',
      'In-Reply-To: <winter-9@sender.example.com>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      ...body,
    ),
  );
}

describe('a challenge sent by the mailbox software of the protected domain', () => {
  it('reads a subject that itself asks to confirm being human, with the same request in the text, as a challenge', () => {
    const r = challenge('guard@shield.example.net', 'Prove you are a real person, please', [
      'Mail from addresses we do not know is held until the sender confirms.',
      'Reply to this message to confirm that you are a real person.',
    ]);
    expect(r.kind).toBe('challenge');
    expect(oob(r).label).toBe('ChallengeResponse');
  });

  it('reads a held-until-the-sender-verifies notice with a reply request as a challenge', () => {
    const r = challenge('guard@shield.example.net', 'About your mail', [
      'New correspondents are held until the sender verifies the address.',
      'Simply reply to this message and keep the subject as it is.',
    ]);
    expect(r.kind).toBe('challenge');
  });

  it("reads a 'your email requires verification' subject with a reply request as a challenge", () => {
    const r = challenge('cpanel@host.example.org', 'Your email requires verification verify#88', [
      'To get your mail through, simply reply to this message.',
    ]);
    expect(r.kind).toBe('challenge');
  });

  it('names the mailbox our message went to when a role address of its domain sends the challenge', () => {
    const r = challenge('Verifier <check@shield.example.net>', 'Please verify you are human', [
      'You sent a message to lea.b@shield.example.net, which accepts mail only from',
      'confirmed senders. Please verify you are human by replying to this note.',
    ]);
    expect(oob(r).recipient).toBe('lea.b@shield.example.net');
  });

  it('keeps the sender of the challenge when the mailbox the text names is of another domain', () => {
    const r = challenge('check@shield.example.net', 'Please verify you are human', [
      'Your message to sales@elsewhere.example was received. Please verify you are human',
      'by replying to this note.',
    ]);
    expect(oob(r).recipient).toBe('check@shield.example.net');
  });

  it("does not take a person's reply to a 'confirm you are human' subject for a challenge (nothing asked)", () => {
    const r = challenge('friend@pals.example.org', 'Re: Please confirm you are human', [
      'Ha, yes, I am. See you on Tuesday.',
    ]);
    expect(r.kind).toBe('none');
  });

  it("does not take a subscription that 'requires verification' for a challenge", () => {
    const r = challenge('lists@news.example.org', 'Your subscription requires verification', [
      'Click here to confirm your subscription to the weekly digest.',
    ]);
    expect(r.kind).not.toBe('challenge');
  });

  it('does not take a list moderator notice (held until the moderator decides) for a challenge', () => {
    const r = challenge(
      'announce-owner@lists.example.org',
      'Your message awaits moderator approval',
      ['Your mail is being held until the list moderator can review it for approval.'],
    );
    expect(r.kind).not.toBe('challenge');
  });
});
