// A reporting MTA's own word around the remote server's reply: Sendmail's closing line
// after the "<<<" replies of a transcript ("554 5.0.0 Service unavailable"), the status
// Exchange 2007/2010 assigns in "#< #5.7.1 smtp;550 ...> #SMTP#", and MDaemon's log when
// the server never replied; plus dotted numbers X.0.N, which RFC 3463 §3.1 and the RFC
// 5248 registry do not define (subject 0 holds X.0.0 alone), read as versions in running
// text. The remote reply is the reason (DESIGN.md §5); the reporting MTA's enhanced code
// stands in only for one the reply lacks, as a DSN's Status does (RFC 3464 §2.3.4,
// §2.3.6). Wordings are ours.
import { parseMessage } from '../../../src/report/index';
import { extractReply, parseStatus } from '../../../src/report/reply';
import { formatEnhancedCode } from '../../../src/values';
import type { OobFinding } from '../../../src/report/types';

const eml = (...lines: string[]): Buffer => Buffer.from(lines.join('\n'), 'utf8');

/** [recipient, reply code, enhanced code or '', source] of each OOB finding. */
function codes(raw: Buffer): [string, number, string, string][] {
  return parseMessage(raw)
    .findings.filter((f): f is OobFinding => f.kind === 'oob')
    .map((f) => [
      f.recipient,
      f.reply.code,
      f.reply.enhancedCode ? formatEnhancedCode(f.reply.enhancedCode) : '',
      f.report.source,
    ]);
}

/** Sendmail 8's notice without a delivery-status part: the transcript lines given. */
function sendmail(...transcript: string[]): Buffer {
  return eml(
    'From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.net>',
    'To: sender@example.com',
    'Subject: Returned mail: see transcript for details',
    '',
    '   ----- The following addresses had permanent fatal errors -----',
    '<rita@example.org>',
    '',
    '   ----- Transcript of session follows -----',
    '... while talking to in.example.org.:',
    ...transcript,
    '',
    '   ----- Original message follows -----',
    '',
    'Subject: minutes',
    '',
  );
}

describe("Sendmail's closing line after the server's replies", () => {
  it("keeps the server's reply and code when sendmail closes with 554 5.0.0", () => {
    const raw = sendmail(
      '>>> DATA',
      '<<< 550 5.7.1 Content refused by the receiving site',
      '554 5.0.0 Service unavailable',
    );
    expect(codes(raw)).toEqual([['rita@example.org', 550, '5.7.1', 'heuristic:sendmail']]);
  });

  it("keeps the server's multi-line reply over sendmail's closing line", () => {
    const raw = sendmail(
      '>>> MAIL From:<sender@example.com> SIZE=9000',
      '<<< 552-5.3.4 This site takes messages of',
      '<<< 552 5.3.4 8000 bytes at most',
      '554 5.0.0 Service unavailable',
    );
    expect(codes(raw)).toEqual([['rita@example.org', 552, '5.3.4', 'heuristic:sendmail']]);
  });

  it("lets the closing line's enhanced code stand in for a reply that has none", () => {
    const raw = sendmail('>>> DATA', '<<< 554 Refused', '554 5.0.0 Service unavailable');
    expect(codes(raw)).toEqual([['rita@example.org', 554, '5.0.0', 'heuristic:sendmail']]);
  });

  it("lets a verdict's enhanced code stand in for a reply that has none", () => {
    const raw = sendmail(
      '>>> RCPT To:<rita@example.org>',
      '<<< 550 No mailbox by that name here',
      '550 5.1.1 <rita@example.org>... User unknown',
    );
    expect(codes(raw)).toEqual([['rita@example.org', 550, '5.1.1', 'heuristic:sendmail']]);
  });

  it("keeps an enhanced code the server's reply carries in brackets over the verdict's", () => {
    const raw = sendmail(
      '>>> RCPT To:<rita@example.org>',
      '<<< 553 that domain is not handled here (#5.7.1)',
      '553 5.1.1 <rita@example.org>... User unknown',
    );
    expect(codes(raw)).toEqual([['rita@example.org', 553, '5.7.1', 'heuristic:sendmail']]);
  });

  it('still reads reply lines copied without "<<<" as the server\'s reply', () => {
    const raw = sendmail('550-5.1.1 No such person', '550 5.1.1 at this site');
    expect(codes(raw)).toEqual([['rita@example.org', 550, '5.1.1', 'heuristic:sendmail']]);
  });
});

/** An Exchange 2007+ NDR whose administrators' block gives `entry` for the recipient. */
function exchange(...entry: string[]): Buffer {
  return eml(
    'From: Microsoft Outlook <postmaster@ex.example.net>',
    'To: sender@example.com',
    'Subject: Undeliverable: minutes',
    'X-MS-Exchange-Message-Is-Ndr: ',
    '',
    'Delivery has failed to these recipients or groups:',
    '',
    'rita@example.org',
    'The recipient server refused the message.',
    '',
    'Diagnostic information for administrators:',
    '',
    'Generating server: ex.example.net',
    '',
    'rita@example.org',
    ...entry,
    '',
    'Original message headers:',
    '',
    'Subject: minutes',
  );
}

describe('the status Exchange assigns around a relayed reply', () => {
  it('gives the reply the assigned status when the reply has no enhanced code', () => {
    expect(codes(exchange('#< #5.7.1 smtp;550 Refused by local rules> #SMTP#'))).toEqual([
      ['rita@example.org', 550, '5.7.1', 'heuristic:exchange2007'],
    ]);
  });

  it("keeps the reply's own enhanced code over an assigned 5.0.0", () => {
    expect(
      codes(exchange('in.example.org #<in.example.org #5.0.0 smtp;554 5.7.1 Spam> #SMTP#')),
    ).toEqual([['rita@example.org', 554, '5.7.1', 'heuristic:exchange2007']]);
  });

  it('keeps a reply with its own enhanced code unchanged when no status is assigned', () => {
    expect(codes(exchange('#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##'))).toEqual([
      ['rita@example.org', 550, '5.1.1', 'heuristic:exchange2007'],
    ]);
  });
});

// Exchange 2013+ writes an expired message's outcome, then its last attempt's reply
// stamped with the time: the stamped reply is the server's, the first line Exchange's
// summary of it (DESIGN.md §5: the last reply wins, a quoted one yields the innermost).
describe("Exchange's expiry summary above the last attempt's reply", () => {
  const summary =
    "Remote Server at in.example.org (198.51.100.7) returned '550 4.4.7 QUEUE.Expired; message expired'";

  it.each([
    [
      "takes the stamped reply of the last attempt under Exchange's summary",
      "30/11/2026 22:10:05 - Remote Server at in.example.org (198.51.100.7) returned '452 4.2.2 Mailbox over quota'",
      452,
      '4.2.2',
    ],
    [
      "reads the reply the last attempt's target gave, quoted inside Exchange's own",
      '11/30/2026 10:10:05 PM - Remote Server at in.example.org (198.51.100.7) returned \'451 4.4.0 Primary target IP address responded with: "421 4.3.2 System not accepting network messages." Attempted failover to alternate host, but that did not succeed.\'',
      421,
      '4.3.2',
    ],
  ])('%s', (_title, stamped, code, enhanced) => {
    expect(codes(exchange(summary, stamped))).toEqual([
      ['rita@example.org', code, enhanced, 'heuristic:exchange2007'],
    ]);
  });

  it('keeps the summary when the lines after it hold no reply', () => {
    expect(
      codes(
        exchange(summary, 'The message stayed 2 days in the queue (48 tries, 550 minutes apart).'),
      ),
    ).toEqual([['rita@example.org', 550, '4.4.7', 'heuristic:exchange2007']]);
  });

  it("does not give one recipient the reply of the next recipient's entry", () => {
    expect(
      codes(
        exchange(summary, 'sam@example.org', "Remote Server returned '550 5.1.1 Unknown mailbox'"),
      ),
    ).toEqual([
      ['rita@example.org', 550, '4.4.7', 'heuristic:exchange2007'],
      ['sam@example.org', 550, '5.1.1', 'heuristic:exchange2007'],
    ]);
  });
});

describe("MDaemon's log without a reply", () => {
  const mdaemon = (...log: string[]): Buffer =>
    eml(
      'From: MDaemon@md.example.net',
      'To: sender@example.com',
      'Subject: Permanent Delivery Failure',
      '',
      'The attached message had PERMANENT fatal delivery errors!',
      '',
      '--- Session Transcript ---',
      ' Mon 2026-11-30 09:15:00.120: Parsing message <md.example.net\\pd50000000001.msg>',
      ' Mon 2026-11-30 09:15:00.121: *  To: rita@example.org',
      ' Mon 2026-11-30 09:15:00.300: Attempting SMTP connection to [in.example.org : 25]',
      ...log.map((l) => ` Mon 2026-11-30 09:15:21.004: ${l}`),
      '--- End Transcript ---',
    );

  it("reports the log's recipient with the log's last line when no reply came", () => {
    const found = parseMessage(
      mdaemon('Socket connect failed: 10061 refused (192.0.2.9:25)'),
    ).findings.filter((f): f is OobFinding => f.kind === 'oob');
    expect(found.map((f) => [f.recipient, f.reply.code, f.reply.enhancedCode])).toEqual([
      ['rita@example.org', 550, null],
    ]);
    expect(found[0]?.reply.content).toBe('Socket connect failed: 10061 refused (192.0.2.9:25)');
  });

  it('still takes the reply when the log holds one', () => {
    expect(
      codes(mdaemon('--> RCPT To:<rita@example.org>', '<-- 552 5.2.2 Quota exceeded')),
    ).toEqual([['rita@example.org', 552, '5.2.2', 'heuristic:mdaemon']]);
  });
});

describe('dotted numbers X.0.N in running text', () => {
  const read = (text: string, st: string | null = null) => {
    const r = extractReply(text, {
      status: st === null ? null : parseStatus(st).code,
      action: 'failed',
    });
    return { code: r.code, enhanced: r.enhancedCode ? formatEnhancedCode(r.enhancedCode) : null };
  };

  it('does not read a version X.0.N after a product word over a Status of 5.0.0', () => {
    expect(read('scanner engine 5.0.2 refused the message', '5.0.0')).toEqual({
      code: 550,
      enhanced: '5.0.0',
    });
  });

  it('does not read a version X.0.N in a text without a Status', () => {
    expect(read('relay engine 4.0.7 gave up').enhanced).toBeNull();
  });

  it('still reads X.0.0 given in passing', () => {
    expect(read('the far end said: 5.0.0 refused').enhanced).toBe('5.0.0');
  });

  it('still reads an X.0.N the server writes right after its reply code', () => {
    expect(read('550 5.0.3 odd but sent')).toEqual({ code: 550, enhanced: '5.0.3' });
  });

  it('does not read an IP address that starts like X.0.N', () => {
    expect(read('no answer from 5.0.1.9', '5.0.0').enhanced).toBe('5.0.0');
  });

  it('does not read a date as a code', () => {
    expect(read('gave up on 2026.05.01 after retries', '4.4.7')).toEqual({
      code: 451,
      enhanced: '4.4.7',
    });
  });
});
