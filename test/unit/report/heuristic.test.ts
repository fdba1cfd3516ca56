// The non-RFC families of src/report/heuristic/, one describe per layout, on short
// messages written in each MTA's format (the fixtures hold the real ones).
import { parseMessage, readMessage } from '../../../src/report/index';
import {
  EVIDENCE,
  bareAddress,
  collectBlocks,
  blockFailures,
  hashStatus,
  htmlToText,
  isLeadIn,
  isReplySubject,
  labelledAddress,
  leadingAddress,
  normaliseReplyText,
  phraseSetStats,
  reasonThenAddress,
  reportsSuccess,
  splitLines,
  toFindings,
  wrappedAddress,
  type Family,
} from '../../../src/report/heuristic/common';
import { FAMILIES, parseWith } from '../../../src/report/heuristic/index';
import { qmail } from '../../../src/report/heuristic/qmail';
import { FIXTURES, fixtureFiles, readFixture } from '../../helpers/fixture-records';
import fs from 'node:fs';
import path from 'node:path';
import type { FeedbackFinding, OobFinding, ParseResult } from '../../../src/report/types';

const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\n'), 'utf8');

function oob(raw: Buffer): OobFinding[] {
  return parseMessage(raw).findings.filter((f): f is OobFinding => f.kind === 'oob');
}

/** recipient, reply code, enhanced code "x.y.z" or '', content, source, action. */
function summary(raw: Buffer): [string, number, string, string, string, string][] {
  return oob(raw).map((f) => [
    f.recipient,
    f.reply.code,
    f.reply.enhancedCode === null
      ? ''
      : `${f.reply.enhancedCode.class}.${f.reply.enhancedCode.subject}.${f.reply.enhancedCode.detail}`,
    f.reply.content,
    f.report.source,
    f.report.action,
  ]);
}

const DAEMON = 'From: MAILER-DAEMON@mx.example.net';

describe('qmail and its clones', () => {
  it('reads each <address>: block with the reply after "Remote host said:"', () => {
    const raw = eml(
      DAEMON,
      'Subject: failure notice',
      '',
      'Hi. This is the qmail-send program at mx.example.net.',
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      '',
      '<one@example.org>:',
      '192.0.2.1 does not like recipient.',
      'Remote host said: 550-5.1.1 The account',
      '550 5.1.1 does not exist',
      'Giving up on 192.0.2.1.',
      '',
      '<two@example.org>:',
      '192.0.2.1 failed after I sent the message.',
      'Remote host said: 552 5.2.2 Mailbox full',
      '',
      '--- Below this line is a copy of the message.',
      '',
      'Message-ID: <orig@example.com>',
      'To: someone@example.org',
    );
    expect(summary(raw)).toEqual([
      ['one@example.org', 550, '5.1.1', 'The account does not exist', 'heuristic:qmail', 'failed'],
      ['two@example.org', 552, '5.2.2', 'Mailbox full', 'heuristic:qmail', 'failed'],
    ]);
    const [f] = oob(raw);
    expect(f?.report.remote_mta).toBe('192.0.2.1');
    expect(f?.report.reporting_mta).toBe('mx.example.net');
    expect(f?.report.original_message_id).toBe('orig@example.com');
  });

  it("takes qmail's own (#x.y.z) code when no server replied, without repeating it", () => {
    const raw = eml(
      DAEMON,
      '',
      'Hi. This is the qmail-send program at mx.example.net.',
      '',
      '<gone@example.org>:',
      'Sorry, no mailbox here by that name. (#5.1.1)',
    );
    expect(summary(raw)).toEqual([
      [
        'gone@example.org',
        550,
        '5.1.1',
        'Sorry, no mailbox here by that name.',
        'heuristic:qmail',
        'failed',
      ],
    ]);
  });

  it('counts a temporary reply in a bounce qmail has given up on as a failure', () => {
    const raw = eml(
      DAEMON,
      '',
      'Hi. This is the qmail-send program at mx.example.net.',
      '<full@example.org>:',
      'Remote host said: 452 4.2.2 Mailbox full',
      "I'm not going to try again; this message has been in the queue too long.",
    );
    expect(oob(raw).map((f) => [f.reply.code, f.report.action])).toEqual([[452, 'failed']]);
  });

  it("reports Status 4.4.7 when qmail-send gave up because the message was in the queue too long, and keeps the reply's own code", () => {
    const withReply = eml(
      DAEMON,
      '',
      'Hi. This is the qmail-send program at mx.example.net.',
      '<late@example.org>:',
      '198.51.100.7 does not like recipient.',
      'Remote host said: 451 4.3.0 Please try again later',
      "I'm not going to try again; this message has been in the queue too long.",
    );
    const ownWords = eml(
      DAEMON,
      '',
      'Hi. This is the qmail-send program at mx.example.net.',
      '<late@example.org>:',
      "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)",
      "I'm not going to try again; this message has been in the queue too long.",
    );
    const [r] = oob(withReply);
    expect([r?.report.status, r?.reply.code, r?.reply.enhancedCode?.detail]).toEqual([
      '4.4.7',
      451,
      0,
    ]);
    const [o] = oob(ownWords);
    expect([o?.report.status, o?.reply.enhancedCode?.detail]).toEqual(['4.4.7', 1]);
  });

  it("keeps the reply's code as Status when qmail gave up for any reason other than the queue lifetime", () => {
    const raw = eml(
      DAEMON,
      '',
      'Hi. This is the qmail-send program at mx.example.net.',
      '<late@example.org>:',
      '198.51.100.7 does not like recipient.',
      'Remote host said: 550 5.1.1 This mailbox has been in the system too long and was closed',
      'Giving up on 198.51.100.7.',
    );
    expect(oob(raw).map((f) => f.report.status)).toEqual(['5.1.1']);
    // A permanent refusal beside the queue-lifetime sentence is the verdict.
    const refused = eml(
      DAEMON,
      '',
      'Hi. This is the qmail-send program at mx.example.net.',
      '<late@example.org>:',
      'Remote host said: 554 5.7.1 Message refused as spam',
      "I'm not going to try again; this message has been in the queue too long.",
    );
    expect(oob(refused).map((f) => f.report.status)).toEqual(['5.7.1']);
  });

  it("drops Yahoo's SMTP stage tag and reads a reply written after the code's colon", () => {
    const raw = eml(
      'From: MAILER-DAEMON@yahoo.com',
      '',
      'Sorry, we were unable to deliver your message to the following address.',
      '',
      '<a@example.org>:',
      '550: 5.1.1 <a@example.org>... User Unknown [RCPT_TO]',
    );
    expect(summary(raw)).toEqual([
      [
        'a@example.org',
        550,
        '5.1.1',
        '<a@example.org>... User Unknown',
        'heuristic:yahoo',
        'failed',
      ],
    ]);
  });
});

describe('Exim', () => {
  const intro = [
    'From: Mail Delivery System <Mailer-Daemon@mx.example.net>',
    'Subject: Mail delivery failed: returning message to sender',
    '',
    'This message was created automatically by mail delivery software.',
    '',
    'A message that you sent could not be delivered to one or more of its',
    'recipients. This is a permanent error. The following address(es) failed:',
    '',
  ];

  it('reads the indented addresses and the reply after "host name [ip]:"', () => {
    const raw = eml(
      ...intro,
      '  one@example.org',
      '    SMTP error from remote mail server after RCPT TO:<one@example.org>:',
      '    host mx.example.org [192.0.2.1]: 550 5.1.1 <one@example.org>... User Unknown',
      '  two@example.org',
      '    SMTP error from remote mail server after end of data:',
      '    553 mail rejected',
      '',
      '------ This is a copy of the message, including all the headers. ------',
    );
    expect(summary(raw)).toEqual([
      [
        'one@example.org',
        550,
        '5.1.1',
        '<one@example.org>... User Unknown',
        'heuristic:exim',
        'failed',
      ],
      ['two@example.org', 553, '', 'mail rejected', 'heuristic:exim', 'failed'],
    ]);
    expect(oob(raw)[0]?.report.remote_mta).toBe('mx.example.org');
  });

  it('makes no record for an undisclosed address, whose list did not fail, and says so', () => {
    const raw = eml(
      ...intro,
      '  member@example.org',
      '    (generated from list@example.org)',
      '    Unrouteable address',
      '  an undisclosed address',
      '    (generated from list@example.org)',
      '',
      '------ This is a copy of the message, including all the headers. ------',
    );
    expect(summary(raw).map((row) => row[0])).toEqual(['member@example.org']);
    expect(parseMessage(raw).problems).toContainEqual({
      code: 'exim.undisclosed-address',
      detail: 'a hidden address generated from list@example.org failed; no record for it',
    });
  });

  it('names the address a pipe delivery was generated from, else X-Failed-Recipients', () => {
    const raw = eml(
      intro[0] as string,
      'X-Failed-Recipients: listed@example.org',
      ...intro.slice(1),
      '  pipe to |/usr/bin/filter',
      '    generated by owner@example.org',
      '    local delivery failed',
      '  save to /var/mail/box',
      '    mailbox is full: retry timeout exceeded',
    );
    expect(oob(raw).map((f) => [f.recipient, f.reply.content])).toEqual([
      ['owner@example.org', 'local delivery failed'],
      ['listed@example.org', 'mailbox is full: retry timeout exceeded'],
    ]);
  });

  it('marks the addresses of a delay warning as delayed', () => {
    const raw = eml(
      'From: Mail Delivery System <Mailer-Daemon@mx.example.net>',
      'Subject: Warning: message 1abc-000 delayed 24 hours',
      '',
      'This message was created automatically by mail delivery software.',
      'A message that you sent has not yet been delivered to one or more of its',
      'recipients after more than 24 hours on the queue on mx.example.net.',
      '',
      'The address to which the message has not yet been delivered is:',
      '',
      '  late@example.org',
      '    Delay reason: SMTP error from remote mail server after RCPT TO:<late@example.org>:',
      '    host mx.example.org [192.0.2.1]: 451 4.7.1 Greylisted, try later',
      '',
      'No action is required on your part.',
    );
    expect(summary(raw)).toEqual([
      ['late@example.org', 451, '4.7.1', 'Greylisted, try later', 'heuristic:exim', 'delayed'],
    ]);
  });

  // Reported for address lists separated by ";": https://github.com/rspamd/rspamd/issues/6139.
  it.each([
    ['  a@example.org; b@example.org', ['a@example.org', 'b@example.org']],
    [
      '  a@example.org, b@example.org, c@example.org',
      ['a@example.org', 'b@example.org', 'c@example.org'],
    ],
    ['  <a@example.org>; <b@example.org>:', ['a@example.org', 'b@example.org']],
  ])('gives each address of a one-line list %j the reason under it', (entry, expected) => {
    const raw = eml(
      ...intro,
      '',
      entry,
      '    host mx.example.org [192.0.2.1]',
      '    SMTP error from remote mail server after RCPT TO:',
      '    550 5.1.1 Recipient address rejected: User unknown',
    );
    const found = summary(raw);
    expect(found.map((f) => f[0])).toEqual(expected);
    for (const f of found) expect(f.slice(1, 3)).toEqual([550, '5.1.1']);
  });

  it('does not take a word after the address for a second address', () => {
    const raw = eml(...intro, '', '  a@example.org; retry timeout exceeded');
    expect(summary(raw).map((f) => f[0])).toEqual(['a@example.org']);
  });

  it('gives one finding per address when Mail.ru repeats the text in two languages', () => {
    const raw = eml(
      'From: mailer-daemon@corp.mail.ru',
      'Subject: Mail failure.',
      '',
      'Это письмо создано автоматически сервером Mail.Ru, отвечать на него не нужно.',
      'К сожалению, Ваше письмо не может быть доставлено одному или нескольким получателям:',
      '',
      '  a@example.org',
      '    retry timeout exceeded',
      '',
      'Рекомендуем Вам проверить корректность указания адресов получателей.',
      '',
      'This message was created automatically by mail delivery software.',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      '  a@example.org',
      '    retry timeout exceeded',
    );
    expect(summary(raw)).toEqual([
      ['a@example.org', 550, '', 'retry timeout exceeded', 'heuristic:mailru', 'failed'],
    ]);
  });

  it("reads GMX's unindented entries and the reply after its host line", () => {
    const raw = eml(
      'From: MAILER-DAEMON@mail.gmx.com',
      '',
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of',
      'its recipients. This is a permanent error. The following address',
      'failed:',
      '',
      '"a@example.org":',
      'SMTP error from remote server after RCPT command:',
      'host: mx.example.org',
      '550 5.1.1 <a@example.org>... User unknown',
      '',
      '--- The header of the original message is following. ---',
    );
    expect(summary(raw)).toEqual([
      ['a@example.org', 550, '5.1.1', '<a@example.org>... User unknown', 'heuristic:gmx', 'failed'],
    ]);
  });
});

describe('Sendmail', () => {
  it('pairs each verdict of a transcript with the server reply before it', () => {
    const raw = eml(
      'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>',
      'Subject: Returned mail: see transcript for details',
      '',
      '   ----- The following addresses had permanent fatal errors -----',
      '<one@example.org>',
      '    (reason: 550 5.1.1 User unknown)',
      '<two@example.net>',
      '',
      '   ----- Transcript of session follows -----',
      '... while talking to mx.example.org.:',
      '>>> RCPT To:<one@example.org>',
      '<<< 550 5.1.1 <one@example.org>... User unknown',
      '550 5.1.1 <one@example.org>... User unknown',
      '... while talking to mx.example.net.:',
      '>>> DATA',
      '<<< 554 5.7.1 Message refused',
      '554 5.0.0 <two@example.net>... Service unavailable',
      '',
      '   ----- Original message follows -----',
    );
    expect(summary(raw)).toEqual([
      [
        'one@example.org',
        550,
        '5.1.1',
        '<one@example.org>... User unknown',
        'heuristic:sendmail',
        'failed',
      ],
      ['two@example.net', 554, '5.7.1', 'Message refused', 'heuristic:sendmail', 'failed'],
    ]);
    expect(oob(raw).map((f) => f.report.remote_mta)).toEqual(['mx.example.org', 'mx.example.net']);
  });

  it("takes the returned message's To when V5 sendmail names only a host", () => {
    const raw = eml(
      'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>',
      'Subject: Returned mail: Cannot send message for 5 days',
      '',
      '   ----- Transcript of session follows -----',
      '421 example.org (smtp)... Deferred: Connection timed out with example.org',
      '',
      '   ----- Unsent message follows -----',
      'From: me@example.net',
      'To: you@example.org',
      'Subject: hello',
    );
    expect(summary(raw)).toEqual([
      [
        'you@example.org',
        421,
        '',
        'Cannot send message for 5 days: Deferred: Connection timed out with example.org',
        'heuristic:v5sendmail',
        'failed',
      ],
    ]);
  });
});

describe('Postfix', () => {
  it("reads each paragraph's reply and drops the (in reply to ...) note", () => {
    const raw = eml(
      'From: MAILER-DAEMON@mx.example.net (Mail Delivery System)',
      'Subject: Undelivered Mail Returned to Sender',
      '',
      'This is the mail system at host mx.example.net.',
      '',
      '                   The mail system',
      '',
      '<a@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 <a@example.org>:',
      '    Recipient address rejected: User unknown (in reply to RCPT TO command)',
      '',
      '<b@example.org> (expanded from <list@example.org>): mail for example.org',
      '    loops back to myself',
    );
    expect(summary(raw)).toEqual([
      [
        'a@example.org',
        550,
        '5.1.1',
        '<a@example.org>: Recipient address rejected: User unknown',
        'heuristic:postfix',
        'failed',
      ],
      [
        'b@example.org',
        550,
        '',
        'mail for example.org loops back to myself',
        'heuristic:postfix',
        'failed',
      ],
    ]);
    expect(oob(raw).map((f) => [f.report.remote_mta, f.report.reporting_mta])).toEqual([
      ['mx.example.org', 'mx.example.net'],
      [null, 'mx.example.net'],
    ]);
  });
});

describe('Google', () => {
  it('reads the old Gmail text without the repeated code and the (state N) number', () => {
    const raw = eml(
      'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
      'Subject: Delivery Status Notification (Delay)',
      '',
      'THIS IS A WARNING MESSAGE ONLY.',
      'Delivery to the following recipient has been delayed:',
      '',
      '     a@example.org',
      '',
      'Message will be retried for 2 more day(s)',
      '',
      'Technical details of temporary failure:',
      'The error that the other server returned was: 450 450 4.2.2 Mailbox full (state 14).',
      '',
      '----- Original message -----',
    );
    expect(summary(raw)).toEqual([
      ['a@example.org', 450, '4.2.2', 'Mailbox full', 'heuristic:gmail', 'delayed'],
    ]);
  });

  it('keeps the words of a translated Google Groups notice and puts the template only in oob_report.inferred', () => {
    const raw = eml(
      'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
      'X-Failed-Recipients: amigos@googlegroups.com',
      '',
      'Hola, a@example.com:',
      'Queremos informarte de que el grupo (amigos) quizás no exista. Algunos motivos:',
      'https://groups.google.com/support/',
      '----- Original message -----',
    );
    const [f] = oob(raw);
    expect(f?.recipient).toBe('amigos@googlegroups.com');
    expect(f?.report.source).toBe('heuristic:googlegroups');
    expect(f?.reply.content).toBe('Queremos informarte de que el grupo (amigos) quizás no exista.');
    expect(f?.report.inferred).toEqual({
      status: null,
      reason:
        'The group you tried to contact may not exist, or you may not have permission to post messages to the group.',
    });
  });

  it('knows a Google Groups notice by the product it names when its help link has another host', () => {
    const raw = eml(
      'From: Mail Delivery Subsystem <mailer-daemon@mx.example.net>',
      'X-Google-Smtp-Source: AGHT+IExample',
      'X-Failed-Recipients: team@lists.example.org',
      '',
      'Hello a@example.com,',
      '',
      "We're writing to let you know that the group you tried to contact (team) may not exist, or you may not have permission to post messages to the group.",
      '',
      'If you have questions related to this or any other Google group, visit the Help Centre at https://help.example.net/support/.',
      '',
      'Thanks,',
      '',
      'Google Groups',
      '',
      '----- Original message -----',
    );
    const [f] = oob(raw);
    expect(f?.recipient).toBe('team@lists.example.org');
    expect(f?.report.source).toBe('heuristic:googlegroups');
    expect(f?.reply.content).toContain('may not have permission to post');
  });

  it('does not take a Gmail notice that only mentions Google Groups elsewhere without being from Google', () => {
    const raw = eml(
      'From: Mail Delivery System <mailer-daemon@mx.example.net>',
      'X-Failed-Recipients: team@lists.example.org',
      '',
      'Our Google Groups migration guide: the list team@lists.example.org could not be reached.',
    );
    expect(oob(raw).map((f) => f.report.source)).not.toContain('heuristic:googlegroups');
  });

  it('writes no sentence of its own for a Google Groups notice that does not name the group', () => {
    const raw = eml(
      'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
      'X-Failed-Recipients: group@googlegroups.com',
      '',
      'Hola, a@example.com:',
      'Queremos informarte de que el grupo con el que has intentado ponerte en contacto no existe.',
      'https://groups.google.com/support/',
      '----- Original message -----',
    );
    const [f] = oob(raw);
    expect(f?.reply.content).toBe('');
    expect(f?.report.inferred?.reason).toContain('may not have permission to post');
  });

  it('keeps the English Google Groups notice as it is, with nothing inferred', () => {
    const raw = eml(
      'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
      'X-Failed-Recipients: team@googlegroups.com',
      '',
      'Hello a@example.com,',
      '',
      "We're writing to let you know that the group you tried to contact (team) may not exist, or you may not have permission to post messages to the group. A few more details:",
      'https://groups.google.com/support/',
      '----- Original message -----',
    );
    const [f] = oob(raw);
    expect(f?.reply.content).toBe(
      "We're writing to let you know that the group you tried to contact (team) may not exist, or you may not have permission to post messages to the group.",
    );
    expect(f?.report.inferred).toBeUndefined();
  });

  it('takes the reply after "The response was:" in the headed format', () => {
    const raw = eml(
      'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
      '',
      '** Address not found **',
      '',
      "Your message wasn't delivered to a@example.org because the address couldn't be found.",
      '',
      'The response from the remote server was:',
      '550 5.1.1 <a@example.org>: Recipient address rejected',
    );
    expect(summary(raw)).toEqual([
      [
        'a@example.org',
        550,
        '5.1.1',
        '<a@example.org>: Recipient address rejected',
        'heuristic:googleworkspace',
        'failed',
      ],
    ]);
  });
});

describe('Exchange', () => {
  it('pairs each address of the administrators section with its reply', () => {
    const raw = eml(
      'From: postmaster@example.com',
      'Subject: Undeliverable: hello',
      '',
      'Delivery has failed to these recipients or groups:',
      '',
      'a@example.com<mailto:a@example.com>',
      "The email address you entered couldn't be found.",
      '',
      'Diagnostic information for administrators:',
      '',
      'Generating server: mx1.example.com',
      '',
      'a@example.com',
      '#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##',
      '',
      'b@example.com',
      "Remote Server returned '554 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain'",
      '',
      'Original message headers:',
    );
    expect(summary(raw)).toEqual([
      [
        'a@example.com',
        550,
        '5.1.1',
        'RESOLVER.ADR.RecipNotFound; not found',
        'heuristic:exchange2007',
        'failed',
      ],
      [
        'b@example.com',
        554,
        '5.4.4',
        'SMTPSEND.DNS.NonExistentDomain; nonexistent domain',
        'heuristic:exchange2007',
        'failed',
      ],
    ]);
    expect(oob(raw)[0]?.report.reporting_mta).toBe('mx1.example.com');
  });

  it('reads a recipient written "Display Name (address)" and the paragraph under it when the notice has no administrators section', () => {
    const raw = eml(
      'From: postmaster@example.com',
      'Subject: Undeliverable: invoice',
      '',
      'Delivery has failed to these recipients or groups:',
      '',
      'Dana Reader (dana.reader@example.org)',
      "The recipient's mailbox is full and can't accept messages now.",
      '',
      '[Eli Writer] (eli.writer@example.org)',
      "Your message wasn't delivered because the recipient's email provider rejected it.",
      '',
      'Original message headers:',
    );
    expect(oob(raw).map((f) => [f.recipient, f.report.source])).toEqual([
      ['dana.reader@example.org', 'heuristic:exchange2007'],
      ['eli.writer@example.org', 'heuristic:exchange2007'],
    ]);
  });

  it("reads Exchange 2003's remote reply inside <host #code smtp;reply>", () => {
    const raw = eml(
      'From: System Administrator <postmaster@example.com>',
      '',
      'Your message did not reach some or all of the intended recipients.',
      '',
      'The following recipient(s) could not be reached:',
      '',
      '      a@example.org on 4/29/2010 11:34 AM',
      '            The e-mail account does not exist at the organization this message was sent to.',
      '            <mx.example.com #5.1.1 smtp;550 5.1.1 User unknown>',
    );
    expect(summary(raw)).toEqual([
      ['a@example.org', 550, '5.1.1', 'User unknown', 'heuristic:exchange2003', 'failed'],
    ]);
    expect(oob(raw)[0]?.report.remote_mta).toBe('mx.example.com');
  });
});

describe('other MTAs with a fixed text', () => {
  it('reads the reply after "did not like our RCPT TO:" of the DragonFly Mail Agent', () => {
    const raw = eml(
      'From: MAILER-DAEMON <>',
      'Subject: Mail delivery failed',
      '',
      'This is the DragonFly Mail Agent v0.13 at df.example.jp.',
      '',
      'There was an error delivering your mail to <a@example.org>.',
      '',
      'mx.example.org [192.0.2.1] did not like our RCPT TO:',
      '550 5.1.1 <a@example.org>: User unknown',
      '',
      'Message headers follow.',
    );
    expect(summary(raw)).toEqual([
      [
        'a@example.org',
        550,
        '5.1.1',
        '<a@example.org>: User unknown',
        'heuristic:dragonfly',
        'failed',
      ],
    ]);
    expect(oob(raw)[0]?.report.remote_mta).toBe('mx.example.org');
  });

  it('reads the "address: reply" lines of OpenSMTPD, indented or not', () => {
    const raw = eml(
      'From: Mailer Daemon <MAILER-DAEMON@mx.example.net>',
      '',
      '    Hi!',
      '    This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.',
      '    An error has occurred while attempting to deliver a message for',
      '    the following list of recipients:',
      '',
      'a@example.org: 550 5.1.1 No such user',
      'b@example.org: Envelope expired',
      '',
      '    Below is a copy of the original message:',
    );
    expect(summary(raw)).toEqual([
      ['a@example.org', 550, '5.1.1', 'No such user', 'heuristic:opensmtpd', 'failed'],
      ['b@example.org', 550, '', 'Envelope expired', 'heuristic:opensmtpd', 'failed'],
    ]);
  });

  it('reads Domino\'s "was not delivered to:" and "because:" sections', () => {
    const raw = eml(
      'From: Postmaster@example.com',
      'Subject: DELIVERY FAILURE: User a (a@example.com) not listed in Domino Directory',
      '',
      'Your message',
      '',
      '  Subject: hello',
      '',
      'was not delivered to:',
      '',
      '  a@example.com',
      '',
      'because:',
      '',
      '  User a (a@example.com) not listed in Domino Directory',
    );
    expect(summary(raw)).toEqual([
      [
        'a@example.com',
        550,
        '',
        'User a (a@example.com) not listed in Domino Directory',
        'heuristic:domino',
        'failed',
      ],
    ]);
  });

  it('joins a Domino recipient wrapped inside its domain back into one address', () => {
    const notice = (...to: string[]): Buffer =>
      eml(
        'From: Mail Router <router@notes.example.net>',
        'Subject: DELIVERY FAILURE: Mailbox for user is full',
        '',
        'Your message',
        '',
        '  Subject: quarterly figures',
        '',
        'was not delivered to:',
        '',
        ...to,
        '',
        'because:',
        '',
        '  Mailbox for user is full',
      );
    // Wrapped after a hyphen, and before a dot, with no blank line between the halves.
    expect(
      oob(notice('  bartholomew.featherstonehaugh@accounts-', '  payable.example.net')).map(
        (f) => f.recipient,
      ),
    ).toEqual(['bartholomew.featherstonehaugh@accounts-payable.example.net']);
    expect(
      oob(notice('  o.ramirez@mail', '  .branch.example.net')).map((f) => f.recipient),
    ).toEqual(['o.ramirez@mail.branch.example.net']);
    // Nearest: two addresses on consecutive lines stay two recipients.
    expect(
      oob(notice('  a.lee@example.net', '  b.kim@example.org')).map((f) => f.recipient),
    ).toEqual(['a.lee@example.net', 'b.kim@example.org']);
  });

  it('reads a wrapped address only when the break falls at a dot or hyphen of its domain', () => {
    expect(wrappedAddress('  jo@sales.', '  example.com')).toBe('jo@sales.example.com');
    expect(wrappedAddress('<jo@sales', '.example.com>')).toBe('jo@sales.example.com');
    // Not: a second address, a word, a break inside a label, a local part's break.
    expect(wrappedAddress('jo@sales.example.com', 'ann@example.org')).toBeNull();
    expect(wrappedAddress('jo@sales.', 'because:')).toBeNull();
    expect(wrappedAddress('jo@sales', 'example.com')).toBeNull();
    expect(wrappedAddress('jo.', 'roe@example.com')).toBeNull();
    expect(wrappedAddress('jo@sales.', undefined)).toBeNull();
  });

  it("reads GroupWise's indented recipients with their reason in parentheses", () => {
    const raw = eml(
      'From: Mailer-Daemon@example.net',
      '',
      'The message that you sent was undeliverable to the following:',
      '',
      '\ta@example.org (user not found)',
      '\tb@example.org (mailbox full)',
    );
    expect(oob(raw).map((f) => [f.recipient, f.reply.content, f.report.source])).toEqual([
      ['a@example.org', 'user not found', 'heuristic:groupwise'],
      ['b@example.org', 'mailbox full', 'heuristic:groupwise'],
    ]);
  });

  it("completes a GroupWise user id from the returned message's To or Cc, and invents no address", () => {
    const notice = (...returned: string[]) =>
      eml(
        'From: postmaster@gw.example.net',
        'Subject: Message status - undeliverable',
        '',
        'The message that you sent was undeliverable to the following:',
        '\tRuth (user not found)',
        '\tsam (mailbox full)',
        '',
        'Possibly truncated original message follows:',
        '',
        ...returned,
      );
    const found = oob(
      notice('To: ruth@example.net, Tom <tom@example.net>', 'Cc: Sam@example.net', 'Subject: hi'),
    );
    expect(found.map((f) => [f.recipient, f.reply.content])).toEqual([
      ['ruth@example.net', 'user not found'],
      ['Sam@example.net', 'mailbox full'],
    ]);
    // No returned header, or two addresses with the user id: no recipient is made up.
    expect(oob(notice())).toEqual([]);
    expect(
      oob(notice('To: ruth@example.net, ruth@example.org', 'Subject: hi')).map((f) => f.recipient),
    ).toEqual([]);
  });
});

describe('Amazon SES notifications by e-mail', () => {
  const head = [
    'From: SES <no-reply@sns.amazonaws.com>',
    'Subject: AWS Notification Message',
    'x-amz-sns-message-id: 1',
    '',
  ];

  it("turns a bounce notice's recipients into findings, joining SNS's split lines", () => {
    const json = JSON.stringify({
      notificationType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        reportingMTA: 'dsn; a1.smtp-out.amazonses.com',
        bouncedRecipients: [
          {
            emailAddress: 'a@example.org',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
          { emailAddress: 'b@example.org', status: '5.2.2' },
        ],
      },
      mail: { messageId: 'ses-id' },
    });
    const split = json.slice(0, 60) + '!\n ' + json.slice(60);
    const raw = eml(...head, split, '', '--', 'If you wish to stop receiving notifications ...');
    expect(summary(raw)).toEqual([
      ['a@example.org', 550, '5.1.1', 'user unknown', 'heuristic:amazonses', 'failed'],
      ['b@example.org', 550, '5.2.2', '', 'heuristic:amazonses', 'failed'],
    ]);
    expect(oob(raw)[0]?.report.reporting_mta).toBe('a1.smtp-out.amazonses.com');
    expect(oob(raw)[0]?.report.original_message_id).toBe('ses-id');
  });

  it('turns a complaint notice into a feedback finding', () => {
    const json = JSON.stringify({
      notificationType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: 'c@example.org' }],
        complaintFeedbackType: 'abuse',
        timestamp: '2016-11-25T01:49:01.000Z',
      },
      mail: { source: 'me@example.com' },
    });
    const result = parseMessage(eml(...head, json));
    expect(result.kind).toBe('arf');
    const f = result.findings[0] as FeedbackFinding;
    expect([f.kind, f.recipient, f.report.feedback_type, f.report.original_mail_from]).toEqual([
      'feedback',
      'c@example.org',
      'abuse',
      'me@example.com',
    ]);
  });

  it('finds nothing in a delivery notice or in JSON that does not parse', () => {
    expect(parseMessage(eml(...head, '{"notificationType":"Delivery"}')).findings).toEqual([]);
    expect(parseMessage(eml(...head, '{"notificationType":"Bounce",')).findings).toEqual([]);
  });
});

describe('DSNs completed from their notification text', () => {
  const dsn = (fields: string): Buffer =>
    eml(
      'From: Mail Delivery System <Mailer-Daemon@mx.example.net>',
      'Content-Type: multipart/report; report-type=delivery-status; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      '  save to /var/mail/box',
      '    generated by owner@example.org',
      '    mailbox is full: retry timeout exceeded',
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.net',
      '',
      fields,
      '--b--',
    );

  it('takes the address and the reason the text gives for a file delivery', () => {
    const [f] = oob(dsn('Action: failed\nFinal-Recipient: rfc822;/var/mail/box\nStatus: 5.0.0\n'));
    expect([f?.recipient, f?.report.source, f?.report.final_recipient, f?.reply.content]).toEqual([
      'owner@example.org',
      'rfc3464',
      '/var/mail/box',
      'mailbox is full: retry timeout exceeded',
    ]);
  });

  it("never replaces a DSN's own Diagnostic-Code or address", () => {
    const [f] = oob(
      dsn(
        'Action: failed\nFinal-Recipient: rfc822; x@example.org\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 full\n',
      ),
    );
    expect([f?.recipient, f?.reply.content]).toEqual(['x@example.org', 'full']);
  });
});

describe('what no family takes', () => {
  it('leaves an ordinary message alone', () => {
    const r: ParseResult = parseMessage(
      eml('From: friend@example.com', 'Subject: lunch', '', 'See you at <noon@example.com>: ok?'),
    );
    expect(r.findings).toEqual([]);
  });

  it('reads no bounce into an ordinary message laid out like one', () => {
    const domino = eml(
      'From: carol@example.com',
      'X-MIMETrack: Serialize by Router on MAIL01/Example',
      'Subject: contacts',
      '',
      'The new addresses are',
      '  alice@example.com',
      '  bob@example.com',
      'and for questions',
      '  ask Carol',
    );
    const qmailLike = eml(
      'From: dave@example.com',
      'Subject: minutes',
      '',
      'Action items:',
      '<erin@example.org>:',
      'send the report',
    );
    expect(parseMessage(domino).findings).toEqual([]);
    expect(parseMessage(qmailLike).findings).toEqual([]);
  });

  it('gives at most 1000 findings for one bounce, in the order it names them', () => {
    const blocks: string[] = [];
    for (let i = 0; i < 1500; i++) blocks.push(`<u${i}@example.org>:`, 'Remote host said: 550 no');
    const found = oob(eml(DAEMON, '', 'Hi. This is the qmail-send program at x.', ...blocks));
    expect(found).toHaveLength(1000);
    expect(found[0]?.recipient).toBe('u0@example.org');
    expect(found[999]?.recipient).toBe('u999@example.org');
  });
});

describe('hostile input to the families', () => {
  /** The start of each family's text, so that its parse (not only its detect) runs. */
  const intros = [
    'Hi. This is the qmail-send program at x.\n<a@b.example>:\n',
    'Sorry, we were unable to deliver your message to the following address.\n',
    'This message was created automatically by mail delivery software.\nThe following address(es) failed:\n',
    '   ----- The following addresses had permanent fatal errors -----\n   ----- Transcript of session follows -----\n',
    'This is the mail system at host x.\n',
    'Delivery to the following recipient failed permanently:\n',
    '** Address not found **\n',
    'did not reach the following recipient(s):\n',
    'Diagnostic information for administrators:\n',
    'was not delivered to:\n',
    'This is the DragonFly Mail Agent v0 at x.\n',
    'This is the MAILER-DAEMON, please DO NOT REPLY\nthe following list of recipients:\n',
    'UNDELIVERABLE MAIL\n',
    '-------server message\n',
    'Error message below:\nMessage details:\n',
    'failed addresses follow:\n',
    'was undeliverable to the following:\n',
    'Unable to deliver message to the following recipients, x\n',
    '{"notificationType":"Bounce","bounce":{"bouncedRecipients":[',
  ];
  /** Bodies that stress the line shapes the families look for, about 600 KB each. */
  const bodies = [
    '<a@b.example>:\n'.repeat(40_000),
    '  a@b.example\n    (generated from c@d.example)\n'.repeat(15_000),
    '550 <a@b.example>... x\n<<< 550 y\n'.repeat(20_000),
    'x'.repeat(600_000),
    '#'.repeat(300_000) + '<'.repeat(300_000),
    'SMTP error from remote mail server after : host '.repeat(12_000),
    '\ta@b.example (x)\n-> a@b.example\nRCPT TO: a@b.example\n'.repeat(12_000),
  ];
  const headers = [
    'From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\nX-Failed-Recipients: a@b.example\n',
    'From: mailer-daemon@googlemail.com\nx-amz-sns-message-id: 1\nContent-Type: text/html\n',
  ];

  // A quadratic walk or a hang shows as jest's timeout; speed is `npm run bench`'s.
  it('never throws on any of them and keeps to the recipient limit', () => {
    for (const header of headers)
      for (const intro of intros)
        for (const body of bodies) {
          const result = parseMessage(Buffer.from(header + '\n' + intro + body, 'latin1'));
          expect(result.problems.map((p) => p.code)).not.toContain('internal');
          expect(result.findings.length).toBeLessThanOrEqual(1000);
        }
  });
});

describe('shared helpers', () => {
  it('takes an MTA code written beside the text and closes the gap it leaves', () => {
    expect(hashStatus('Sorry, no mailbox here by that name. (#5.1.1)')).toEqual({
      code: { class: 5, subject: 1, detail: 1 },
      text: 'Sorry, no mailbox here by that name.',
    });
    expect(hashStatus('try again later [#4.1.9]. Giving up')?.text).toBe(
      'try again later. Giving up',
    );
    expect(hashStatus('no code # here')).toBeNull();
  });

  it('readies "550:", "550 550" and "550 - " replies for the reply parser', () => {
    expect(normaliseReplyText('550: 5.1.1 user unknown')).toBe('550 5.1.1 user unknown');
    expect(normaliseReplyText('550 550 5.1.1 user unknown')).toBe('550 5.1.1 user unknown');
    expect(normaliseReplyText('550 - Requested action not taken')).toBe(
      '550 Requested action not taken',
    );
    expect(normaliseReplyText('550 : User unknown')).toBe('550 User unknown');
  });

  it('turns HTML into lines of text, dropping styles and decoding entities', () => {
    const text = htmlToText('<style>p{}</style><p>a&amp;b</p><div>c&lt;d&gt;</div>');
    expect(text.split('\n').filter((l) => l !== '')).toEqual(['a&b', 'c<d>']);
  });

  it('recognises a line that is only an address', () => {
    expect(bareAddress('<a@example.org>:')).toBe('a@example.org');
    expect(bareAddress('  "a@example.org":')).toBe('a@example.org');
    expect(bareAddress('mail to a@example.org failed')).toBeNull();
  });
});

describe('detection phrases', () => {
  it('are looked up in one RE2 set once every phrase has been asked for', () => {
    const bounce = eml(
      'From: MAILER-DAEMON@mx.example.net',
      'Subject: Undelivered Mail Returned to Sender',
      '',
      'This is the mail system at host mx.example.net.',
      '',
      '<nobody@example.org>: host mx.example.org said: 550 5.1.1 unknown user',
    );
    // The first message teaches the set the phrases its families ask for; the next
    // one is answered from the set.
    oob(bounce);
    oob(bounce);
    const stats = phraseSetStats();
    expect(stats.known).toBeGreaterThan(10);
    expect(stats.inSet).toBe(stats.known);
  });
});

describe('the shared block collector', () => {
  const rules = {
    start: (line: string) => leadingAddress(line) ?? reasonThenAddress(line),
    continuation: 'paragraph' as const,
  };

  it('takes the reason on the lines after "for the following reason:" for every recipient without one', () => {
    const lines = splitLines(
      [
        'Delivery failed for the following reason:',
        'Mailbox quota exceeded',
        '',
        '<a@example.org>',
        '<b@example.org>',
      ].join('\n'),
    );
    expect(blockFailures(collectBlocks(lines, 0, lines.length, rules))).toEqual([
      { recipient: 'a@example.org', diagnosis: 'Mailbox quota exceeded' },
      { recipient: 'b@example.org', diagnosis: 'Mailbox quota exceeded' },
    ]);
  });

  it('reads a reason written before the address, and one given once after the addresses', () => {
    const lines = splitLines(
      ['Mailbox is full: <a@example.org>', '<b@example.org>', '', 'Reason: user unknown'].join(
        '\n',
      ),
    );
    expect(blockFailures(collectBlocks(lines, 0, lines.length, rules))).toEqual([
      { recipient: 'a@example.org', diagnosis: 'Mailbox is full' },
      { recipient: 'b@example.org', diagnosis: 'user unknown' },
    ]);
  });

  it('gives a recipient the indented lines under it, and ends an indented entry at its margin', () => {
    const lines = splitLines(
      [
        '  a@example.org',
        '    host said: 550 no',
        '  b@example.org',
        '    retry timeout',
        'x',
      ].join('\n'),
    );
    const c = collectBlocks(lines, 0, lines.length, {
      start: (line) => leadingAddress(line),
      continuation: 'indented',
    });
    expect(c.blocks.map((b) => [b.recipient, b.lines])).toEqual([
      ['a@example.org', ['host said: 550 no']],
      ['b@example.org', ['retry timeout']],
    ]);
  });

  it('waits for the reason below a recipient line that ends "for the following reason:"', () => {
    const lines = splitLines(
      [
        'Unable to deliver your message to <a@example.org> for the following reason:',
        '',
        '552 Quota exceeded',
      ].join('\n'),
    );
    const c = collectBlocks(lines, 0, lines.length, {
      start: (line) => labelledAddress(line, ['your message to ']),
      continuation: 'paragraph',
    });
    expect(blockFailures(c)).toEqual([
      { recipient: 'a@example.org', diagnosis: '552 Quota exceeded' },
    ]);
  });

  it('keeps the first block of a recipient named twice, with the lines of a later one if it had none', () => {
    const lines = splitLines(['<a@example.org>', '', '<a@example.org>', 'no such user'].join('\n'));
    expect(blockFailures(collectBlocks(lines, 0, lines.length, rules))).toEqual([
      { recipient: 'a@example.org', diagnosis: 'no such user' },
    ]);
  });
});

describe('recipient line shapes', () => {
  it('reads an address that starts a line, whatever brackets and punctuation follow', () => {
    expect(leadingAddress('<a@example.org>: host said')).toEqual({
      address: 'a@example.org',
      rest: 'host said',
      reason: '',
    });
    expect(leadingAddress('a@example.org... User unknown')?.rest).toBe('User unknown');
    expect(leadingAddress('"a@example.org" (user not found)')?.rest).toBe('(user not found)');
    expect(leadingAddress('<mailto:a@example.org>')?.address).toBe('a@example.org');
    expect(leadingAddress('a@example.org).')?.address).toBe('a@example.org');
    expect(leadingAddress('see a@example.org')).toBeNull();
  });

  it('reads the bracketed address after a quoted display name, never the name', () => {
    expect(leadingAddress('"Ann Example" <a@example.org>: no such user')).toEqual({
      address: 'a@example.org',
      rest: 'no such user',
      reason: '',
    });
    expect(leadingAddress('"Ann Example" said hello')).toBeNull();
  });

  it('tells a success reply from a failure wherever the codes stand in the text', () => {
    expect(reportsSuccess('delivery via mx.example.org[192.0.2.1]:25: 250 2.0.0 Ok: queued')).toBe(
      true,
    );
    expect(reportsSuccess('250 2.1.5 Ok, then 550 5.1.1 user unknown')).toBe(false);
    expect(reportsSuccess('host 192.0.2.1 said: 550 no such user')).toBe(false);
    expect(reportsSuccess('Exim 4.94 on 192.0.2.5')).toBe(false);
  });

  it("tells a person's reply from a notice by its Subject prefix, and lets a forward through", () => {
    expect(isReplySubject('re: undelivered mail returned to sender')).toBe(true);
    expect(isReplySubject('aw: unzustellbar: angebot')).toBe(true);
    expect(isReplySubject('sv: undeliverable: offer')).toBe(true);
    expect(isReplySubject('fwd: mail delivery failed')).toBe(false);
    expect(isReplySubject('undeliverable: re: hello')).toBe(false);
    expect(isReplySubject('returned mail: see transcript for details')).toBe(false);
  });

  it('reads an address after a label, and a reason before a colon', () => {
    expect(
      labelledAddress('Unable to deliver message to: <a@example.org>', ['deliver message to:']),
    ).toEqual({ address: 'a@example.org', rest: '', reason: '' });
    expect(reasonThenAddress('Unknown user: a@example.org')).toEqual({
      address: 'a@example.org',
      rest: '',
      reason: 'Unknown user',
    });
    expect(reasonThenAddress('Recipient address: a@example.org')?.reason).toBe('');
    expect(reasonThenAddress('To: a@example.org')).toBeNull();
    expect(reasonThenAddress('Unknown user: a@example.org said')).toBeNull();
  });

  it('tells a lead-in that announces a reason from a sentence', () => {
    expect(isLeadIn('delivery failed for the following reason:')).toBe(true);
    expect(isLeadIn('because:')).toBe(true);
    expect(isLeadIn('the response from the remote server was:')).toBe(true);
    expect(isLeadIn('the following addresses failed:')).toBe(false);
    expect(isLeadIn('reason: mailbox full')).toBe(false);
    expect(isLeadIn('weil:')).toBe(true);
    expect(isLeadIn('raison :')).toBe(true);
    expect(isLeadIn('grund: benutzer unbekannt')).toBe(false);
  });

  it('turns a <pre> block and an unescaped address of an HTML notice into lines of text', () => {
    const text = htmlToText('<pre>line one\n<a@example.org>:\nline &amp; two</pre><p>x</p>');
    expect(text.split('\n').filter((l) => l !== '')).toEqual([
      'line one',
      '<a@example.org>:',
      'line & two',
      'x',
    ]);
  });
});

describe('which family reads a message', () => {
  const heuristicFixtures = fixtureFiles(
    fs
      .readdirSync(path.join(FIXTURES, 'heuristic'))
      .filter((d) => fs.statSync(path.join(FIXTURES, 'heuristic', d)).isDirectory())
      .map((d) => `heuristic/${d}`),
  );

  /** A deterministic shuffle (a linear congruential generator), so a failure can be replayed. */
  function shuffled<T>(list: readonly T[], seed: number): T[] {
    const out = [...list];
    let x = seed;
    for (let i = out.length - 1; i > 0; i--) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const j = x % (i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  it('does not depend on the order of the family list', () => {
    const orders = [[...FAMILIES].reverse(), shuffled(FAMILIES, 7), shuffled(FAMILIES, 1234)];
    for (const fixture of heuristicFixtures) {
      const expected = parseWith(FAMILIES, readMessage(readFixture(fixture)));
      for (const order of orders)
        expect([fixture, parseWith(order, readMessage(readFixture(fixture)))]).toEqual([
          fixture,
          expected,
        ]);
    }
  });

  const qmailBounce = eml(
    DAEMON,
    'Subject: failure notice',
    '',
    'Hi. This is the qmail-send program at mx.example.net.',
    '',
    '<gone@example.org>:',
    'Sorry, no mailbox here by that name. (#5.1.1)',
  );

  it('tries the next family when a more specific one finds nothing in the text', () => {
    const broad: Family = { name: 'aaa', detect: () => EVIDENCE.sender, parse: () => [] };
    const found = parseWith([broad, qmail], readMessage(qmailBounce));
    expect(found.map((f) => f.kind === 'oob' && f.report.source)).toEqual(['heuristic:qmail']);
  });

  it("prefers the family whose evidence is more specific, whatever the list's order", () => {
    const provider: Family = {
      name: 'zzz',
      detect: () => EVIDENCE.sender,
      parse: (b) => toFindings(b, 'zzz', [{ recipient: 'gone@example.org', diagnosis: '550 x' }]),
    };
    for (const order of [
      [qmail, provider],
      [provider, qmail],
    ]) {
      const found = parseWith(order, readMessage(qmailBounce));
      expect(found.map((f) => f.kind === 'oob' && f.report.source)).toEqual(['heuristic:zzz']);
    }
  });

  it('among equally specific families takes the more complete reading', () => {
    const thin: Family = {
      name: 'aaa',
      detect: () => EVIDENCE.marker,
      parse: (b) => toFindings(b, 'aaa', [{ recipient: 'gone@example.org', diagnosis: '' }]),
    };
    const found = parseWith([thin, qmail], readMessage(qmailBounce));
    expect(found.map((f) => f.kind === 'oob' && f.report.source)).toEqual(['heuristic:qmail']);
  });

  it('gives Postfix\'s old template to Postfix although it says "could not be delivered to one or more"', () => {
    const raw = eml(
      'From: MAILER-DAEMON@mx.example.net (Mail Delivery System)',
      'Subject: Undelivered Mail Returned to Sender',
      '',
      'This is the Postfix program at host mx.example.net.',
      '',
      "I'm sorry to have to inform you that the message returned",
      'below could not be delivered to one or more destinations.',
      '',
      '<a@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 unknown',
    );
    expect(summary(raw).map((r) => [r[0], r[4]])).toEqual([['a@example.org', 'heuristic:postfix']]);
  });
});
