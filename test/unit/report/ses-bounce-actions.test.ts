// Amazon SES bounce notifications by e-mail (SNS subscription or forwarded JSON): a Bounce
// event is sent once SES stopped trying the message, whatever its bounceType; a bounced
// recipient's own `action` (the DSN's Action, SES Developer Guide "Contents of
// notifications") says what happened to it; delays are DeliveryDelay events. Own events.
import { parseMessage } from '../../../src/report/index';
import type { OobFinding } from '../../../src/report/types';

function notification(event: object): Buffer {
  return Buffer.from(
    [
      'From: AWS Notifications <no-reply@sns.amazonaws.com>',
      'To: bounce+s1@bounce.example.com',
      'Subject: AWS Notification Message',
      'Date: Wed, 02 Dec 2026 10:00:00 +0000',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      JSON.stringify(event),
      '',
    ].join('\n'),
    'utf8',
  );
}

function bounce(bounceType: string, recipients: object[]): Buffer {
  return notification({
    notificationType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: 'MailboxFull',
      bouncedRecipients: recipients,
      timestamp: '2026-12-02T10:00:00.000Z',
    },
    mail: { source: 'news@example.com', destination: ['a@example.org'] },
  });
}

function oob(raw: Buffer): OobFinding[] {
  return parseMessage(raw).findings.filter((f): f is OobFinding => f.kind === 'oob');
}

describe('Amazon SES bounce notifications', () => {
  it('records a Transient bounce whose recipient SES marks failed', () => {
    const found = oob(
      bounce('Transient', [
        {
          emailAddress: 'full@example.org',
          action: 'failed',
          status: '5.2.2',
          diagnosticCode: 'smtp; 552 5.2.2 storage allocation exceeded',
        },
      ]),
    );
    expect(found.map((f) => [f.recipient, f.report.action, f.reply.code])).toEqual([
      ['full@example.org', 'failed', 552],
    ]);
  });

  it('records a Transient bounce whose recipient carries no action as failed', () => {
    const found = oob(bounce('Transient', [{ emailAddress: 'soft@example.org' }]));
    expect(found.map((f) => [f.recipient, f.report.action])).toEqual([
      ['soft@example.org', 'failed'],
    ]);
  });

  it('records a Permanent bounce as before', () => {
    const found = oob(
      bounce('Permanent', [
        {
          emailAddress: 'gone@example.org',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 no such user',
        },
      ]),
    );
    expect(found.map((f) => [f.recipient, f.reply.code])).toEqual([['gone@example.org', 550]]);
  });

  // Must not match: what SES says did not bounce.
  it('leaves out a recipient SES reports delivered and keeps one it reports delayed as delayed', () => {
    const found = oob(
      bounce('Transient', [
        { emailAddress: 'ok@example.org', action: 'delivered', status: '2.0.0' },
        { emailAddress: 'later@example.org', action: 'delayed', status: '4.4.7' },
        { emailAddress: 'no@example.org', action: 'failed', status: '5.1.1' },
      ]),
    );
    expect(found.map((f) => [f.recipient, f.report.action])).toEqual([
      ['later@example.org', 'delayed'],
      ['no@example.org', 'failed'],
    ]);
  });

  it('gives no record for a DeliveryDelay event', () => {
    const found = oob(
      notification({
        eventType: 'DeliveryDelay',
        deliveryDelay: {
          delayType: 'MailboxFull',
          delayedRecipients: [{ emailAddress: 'later@example.org', status: '4.2.2' }],
          timestamp: '2026-12-02T10:00:00.000Z',
        },
        mail: { source: 'news@example.com', destination: ['later@example.org'] },
      }),
    );
    expect(found).toEqual([]);
  });
});
