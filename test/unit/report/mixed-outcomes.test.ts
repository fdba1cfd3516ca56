// Notices that name several recipients with different outcomes (bench/data/blind-messages-22
// checks whole messages): a list of failed addresses with one labelled reason for all of
// them, and a partial-failure notice that lists delivered recipients before the failed
// ones. Wordings and addresses written for these tests (RFC 2606 names).
import { parseMessage } from '../../../src/report/index';
import { formatEnhancedCode } from '../../../src/values';

/** [recipient, reply code, enhanced code] of a message's failed OOB findings. */
function failed(raw: string): Array<[string, number, string | null]> {
  return parseMessage(Buffer.from(raw)).findings.flatMap((f) =>
    f.kind === 'oob' && f.report.action === 'failed'
      ? [
          [
            f.recipient,
            f.reply.code,
            f.reply.enhancedCode === null ? null : formatEnhancedCode(f.reply.enhancedCode),
          ] as [string, number, string | null],
        ]
      : [],
  );
}

function notice(from: string, subject: string, body: string[]): string {
  return [
    `From: ${from}`,
    'To: list-bounces@sender.example',
    `Subject: ${subject}`,
    'Date: Thu, 3 Dec 2026 12:00:00 +0000',
    'Message-ID: <mixed-outcomes@gw.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    ...body,
    '',
  ].join('\n');
}

describe('a list of failed addresses followed by one labelled reason', () => {
  /** A gateway's notice: the addresses one a line, a blank line, then `reason`. */
  const listThen = (addresses: string[], reason: string): string =>
    notice('Delivery Agent <mailer-daemon@relay.gw.example>', 'Undeliverable message', [
      'We were unable to deliver your message to these addresses:',
      '',
      ...addresses.map((a) => `   ${a}`),
      '',
      reason,
    ]);

  it('gives the reason to every address of the list when it names none of them', () => {
    const raw = listThen(
      ['ana@quarry.example', 'ben@quarry.example'],
      'Reason: the remote server answered 552 5.2.2 mailbox over its storage limit',
    );
    expect(failed(raw)).toEqual([
      ['ana@quarry.example', 552, '5.2.2'],
      ['ben@quarry.example', 552, '5.2.2'],
    ]);
  });

  it.each([
    [
      'a labelled reason that names one address',
      'Reason: 550 5.1.1 <dee@quarry.example> no mailbox',
    ],
    ['an unlabelled reply paragraph naming no address', '   550 5.1.1 no mailbox by that name'],
  ])('keeps %s for the address it concerns (the last), not the whole list', (_what, reason) => {
    const got = failed(listThen(['cal@quarry.example', 'dee@quarry.example'], reason));
    expect(got).toContainEqual(['dee@quarry.example', 550, '5.1.1']);
    expect(got.find((r) => r[0] === 'cal@quarry.example')?.[2]).not.toBe('5.1.1');
  });
});

describe('a partial-failure notice with a delivered list before its failed list', () => {
  /** "Delivery to the following recipients <words>" headings, each with its addresses. */
  const partial = (sections: Array<[string, string[]]>, reply: string | null): string =>
    notice(
      'Mail Delivery Subsystem <mailer-daemon@hub.partial.example>',
      'Delivery Status Notification',
      [
        ...sections.flatMap(([words, addresses]) => [
          `Delivery to the following recipients ${words}`,
          '',
          ...addresses.map((a) => `     ${a}`),
          '',
        ]),
        ...(reply === null
          ? []
          : [
              'Technical details of permanent failure:',
              'The error that the other server returned was:',
              reply,
            ]),
      ],
    );

  it('names only the addresses under the heading that says they failed', () => {
    const raw = partial(
      [
        ['were delivered:', ['gia@wharf.example']],
        ['failed permanently:', ['hal@wharf.example', 'ike@wharf.example']],
      ],
      '550 5.1.1 no such account here',
    );
    expect(failed(raw).map((r) => r[0])).toEqual(['hal@wharf.example', 'ike@wharf.example']);
  });

  it('reads a delivery list worded "is complete" as not failed either', () => {
    const raw = partial(
      [
        ['is complete:', ['jo@wharf.example']],
        ['failed permanently:', ['kit@wharf.example']],
      ],
      '552 5.2.2 quota exceeded',
    );
    expect(failed(raw)).toEqual([['kit@wharf.example', 552, '5.2.2']]);
  });

  it.each([
    'was unsuccessful:',
    'could not be delivered:',
    'is incomplete:',
    "wasn't relayed:",
    'was not completed:',
  ])('reads a heading whose success word is negated ("%s") as the failed list', (words) => {
    const raw = partial(
      [
        [words, ['oto@wharf.example']],
        ['succeeded:', ['pia@wharf.example']],
      ],
      '550 5.1.1 no such account',
    );
    expect(failed(raw)).toEqual([['oto@wharf.example', 550, '5.1.1']]);
  });

  it('still reads the failed list when it comes first, as the usual notice does', () => {
    const raw = partial(
      [['failed permanently:', ['lu@wharf.example']]],
      '550 5.1.1 no such account',
    );
    expect(failed(raw)).toEqual([['lu@wharf.example', 550, '5.1.1']]);
  });

  it('writes no failure for a notice whose only list is the delivered one', () => {
    const raw = partial([['succeeded:', ['mo@wharf.example', 'nan@wharf.example']]], null);
    expect(failed(raw)).toEqual([]);
  });
});
