// Grouping replies by normalised form (`oobd rules audit`, the web view).
import RE2 from 're2';
import { parse as parseToml } from 'smol-toml';
import { groupReplies, normaliseReply } from '../../../src/classify/normalise';
import { compileClassifier } from '../../../src/classify/index';

/** The content of a reply line: what the pattern must match. */
function contentOf(line: string): string {
  return line.replace(/^\d{3} (?:\d\.\d{1,3}\.\d{1,3} )?/, '');
}

describe('normaliseReply', () => {
  it.each([
    [
      '550 5.1.1 <jo@example.com>: Recipient address rejected: User unknown',
      '550 5.1.1 <address>: Recipient address rejected: User unknown',
    ],
    [
      '421 4.7.0 [TSS04] Messages from 192.0.2.17 temporarily deferred - see https://postmaster.example.com/errors?id=4',
      '421 4.7.0 [TSS<n>] Messages from <ip> temporarily deferred - see <url>',
    ],
    [
      '550 5.7.1 Rejected by mx3.mail.example.net [2001:db8::25], ref k63si16423450wmd - gsmtp',
      '550 5.7.1 Rejected by <host> <ip>, ref <id> - gsmtp',
    ],
    [
      '550 5.2.2 STOREDRV.Deliver: mailbox full, queue id 3F2A after 12 tries',
      '550 5.2.2 STOREDRV.Deliver: mailbox full, queue id <n>F<n>A after <n> tries',
    ],
    ['451 greylisted,   try   again', '451 greylisted, try again'],
    ['no code at all 42', 'no code at all <n>'],
    ['550', '550'],
  ])('%j → %j', (line, key) => {
    expect(normaliseReply(line).key).toBe(key);
  });

  it('keeps words that look like host names but are not (upper case: product identifiers)', () => {
    expect(normaliseReply('550 5.1.1 RESOLVER.ADR.RecipNotFound; not found').key).toBe(
      '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found',
    );
  });

  it.each([
    '550 5.1.1 <jo@example.com>: Recipient address rejected: User unknown',
    '554 delivery error: dd This user doesn\u2019t have a example.com account (jo@example.com) [0] - mta7.mail.example.com',
    '550 Message (id: 1a2b3c4d5e6f7a8b) rejected (score 9.3) [see http://x.example/?a=(b)|c*]',
    '550 weird \\ backslash $ dollar ^ caret {brace} .dot +plus ?q',
    '550 tab\there and a \u0001 control \u0002 pair',
    "550 it's quoted 'twice'",
  ])('gives a pattern RE2 compiles, that matches the reply it came from: %j', (line) => {
    const { pattern } = normaliseReply(line);
    expect(pattern.startsWith('(?i)')).toBe(true);
    expect(new RE2(pattern, 'u').test(contentOf(line))).toBe(true);
  });

  it('gives a pattern that pastes into a rules file (a TOML literal string) and compiles there', () => {
    const { pattern } = normaliseReply("550 it's the user\u2019s 'mailbox' at x@example.org");
    expect(pattern).not.toMatch(/['\u2018\u2019\n]/);
    const text = `[rules]\nPasted = ['${pattern}']\n`;
    expect(parseToml(text)).toEqual({ rules: { Pasted: [pattern] } });
    const classifier = compileClassifier([{ file: 'pasted.toml', text }]);
    expect(classifier.classifyLine("550 it's the user's 'mailbox' at y@example.net").label).toBe(
      'Pasted',
    );
  });

  it.each([
    ['550', ['550 ', '550'], ['550 5.1.1 user unknown', '451 ', '550 550']],
    [
      '550 5.0.0 <jo@example.com>',
      ['550 5.0.0 kim@example.org', '550 5.0.0 <kim@example.org> '],
      ['550 5.0.0 <kim@example.org>: mailbox unavailable', '550 5.1.1 kim@example.org'],
    ],
    ['554 12345', ['554 987'], ['554 5.7.1 blocked 987', '550 987']],
  ])(
    'anchors a reply with no words of its own (%j) to its whole line, codes included: masks alone would match almost any reply',
    (line, matches, others) => {
      const { pattern } = normaliseReply(line);
      expect(pattern).toMatch(/^\(\?i\)\^/);
      const re = new RE2(pattern, 'u');
      for (const reply of matches)
        expect({ reply, matches: re.test(reply) }).toEqual({ reply, matches: true });
      for (const reply of others)
        expect({ reply, matches: re.test(reply) }).toEqual({ reply, matches: false });
      // It still pastes into a rules file and classifies the classifier's own line.
      const text = `[rules]\nPasted = ['${pattern}']\n`;
      const classifier = compileClassifier([{ file: 'pasted.toml', text }]);
      expect(classifier.classifyLine(line).label).toBe('Pasted');
      expect(classifier.classifyLine('550 5.1.1 user unknown').label).not.toBe('Pasted');
    },
  );

  it('keeps an unanchored pattern for a reply with words, in any script', () => {
    expect(normaliseReply('550 5.1.1 <jo@example.com>: user unknown').pattern).toBe(
      '(?i)\\S+@\\S+:\\s+user\\s+unknown',
    );
    expect(normaliseReply('550 ユーザー不明').pattern).toBe('(?i)ユーザー不明');
  });

  it('cuts a very long reply, at a word, before it becomes a pattern', () => {
    const line = `550 ${'lorem ipsum dolor sit amet '.repeat(40)}`;
    const { pattern } = normaliseReply(line);
    expect(pattern.length).toBeLessThan(400);
    expect(normaliseReply(`550 ${'x'.repeat(100_000)}`).key.length).toBeLessThan(1100);
    expect(new RE2(pattern, 'u').test(contentOf(line))).toBe(true);
  });
});

describe('groupReplies', () => {
  it('counts replies that differ only in addresses, hosts, ids and numbers as one group, most frequent first', () => {
    const groups = groupReplies([
      '550 5.0.0 <a@example.net>: account a@example.net parked at gate 7, ref A1B2C3D4E5F6A7B8',
      '552 5.2.2 mailbox full',
      '550 5.0.0 <b@example.org>: account b@example.org parked at gate 12, ref 9F8E7D6C5B4A3F2E',
      '550 5.0.0 <c@mx1.example.com>: account c@mx1.example.com parked at gate 3, ref 00AA11BB22CC33DD',
    ]);
    expect(groups.map((group) => [group.count, group.key])).toEqual([
      [3, '550 5.0.0 <address>: account <address> parked at gate <n>, ref <id>'],
      [1, '552 5.2.2 mailbox full'],
    ]);
    expect(groups[0]?.example).toContain('a@example.net');
    const re = new RE2(groups[0]?.pattern ?? '', 'u');
    expect(
      re.test('<z@example.io>: account z@example.io parked at gate 99, ref FFEEDDCCBBAA9988'),
    ).toBe(true);
  });

  it('keeps replies with other codes apart', () => {
    expect(groupReplies(['550 odd thing', '450 odd thing'])).toHaveLength(2);
  });
});
