// The label oobd gives whole bounces, on messages written for oobd in each MTA's and
// provider's format (fixtures/labels/, see its README): which text the parsers hand
// the classifier (the remote server's reply, not the MTA's generic sentence; wrapped
// replies joined; "said:", "Remote host said:", "Remote Server returned" and "(in
// reply to ... command)" taken off; a generic Diagnostic-Code against the text part)
// and how the record's label is decided (the context table: stage, Action, Status).
// fixtures/labels/expected.json gives, per file, the labels its meaning allows for
// each recipient (several where the corpus README's Sisimai reason → label table
// accepts several); an empty list says the recipient makes no record (delayed).
import { expectedRows, fixtureNames, oobRecordsByRecipient } from '../../helpers/fixture-records';

interface Expected {
  says: string;
  recipients: Array<{ recipient: string; labels: string[] }>;
}

const { expected: EXPECTED, rows: ROWS } = expectedRows<Expected>('labels');

/** The OOB records of a fixture, by recipient (lower case). */
const recordsOf = (file: string) => oobRecordsByRecipient(`labels/${file}.eml`);

/** Files whose label is still wrong, and why (the report names them as what is left). */
const KNOWN_WRONG: Readonly<Record<string, string>> = {};

describe('labels of whole bounces (fixtures/labels)', () => {
  it.each(ROWS.filter((row) => KNOWN_WRONG[row.file] === undefined))('$says', (row) => {
    const records = recordsOf(row.file);
    for (const { recipient, labels } of row.recipients) {
      const r = records.get(recipient.toLowerCase());
      if (labels.length === 0) {
        expect(r).toBeUndefined();
        continue;
      }
      expect(r).toBeDefined();
      expect(labels).toContain(r?.bounce_classification);
    }
    // No record for a recipient the bounce does not name.
    const named = new Set(row.recipients.map((x) => x.recipient.toLowerCase()));
    expect([...records.keys()].filter((k) => !named.has(k))).toEqual([]);
  });

  // A loop, not it.each: the list may be empty, and an empty table is an error in jest.
  it('still labels every file in KNOWN_WRONG otherwise, so that a fix removes it from the list', () => {
    for (const file of Object.keys(KNOWN_WRONG)) {
      const row = EXPECTED[file] as Expected;
      const first = row.recipients[0] as { recipient: string; labels: string[] };
      const r = recordsOf(file).get(first.recipient.toLowerCase());
      expect(r).toBeDefined();
      expect(first.labels).not.toContain(r?.bounce_classification);
    }
  });

  it('has an expectation for every fixture, and at least 60 of them', () => {
    const files = fixtureNames('labels');
    expect(files.filter((f) => EXPECTED[f] === undefined)).toEqual([]);
    expect(Object.keys(EXPECTED).filter((f) => !files.includes(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(60);
  });
});

describe('the text a bounce hands the classifier', () => {
  function reply(file: string, recipient: string) {
    const r = recordsOf(file).get(recipient);
    expect(r).toBeDefined();
    return r?.response;
  }

  it("takes the remote server's specific reply from the transcript over a Diagnostic-Code that says only 5.0.0", () => {
    const r = reply('sendmail-diag-generic-text-specific', 'ivo@example.net');
    expect(r?.content).toBe('Message rejected: identified as spam');
    expect(r?.enhanced_code).toEqual({ class: 5, subject: 7, detail: 1 });
  });

  it('keeps a specific Diagnostic-Code over the text part', () => {
    const r = reply('sendmail-user-unknown-transcript', 'dan@example.net');
    expect(r?.content).toBe('<dan@example.net>... User unknown');
  });

  it('reads a reply that quotes the address on the line after "The reason for the problem:"', () => {
    const r = reply('dsn-unknown-diag-type-text', 'jo@example.net');
    expect(r?.code).toBe(550);
    expect(r?.content).toBe('<jo@example.net>: Recipient address rejected: User unknown');
  });

  it('takes the reply a later mention of the address quotes when the first only says it failed', () => {
    const r = reply('dsn-transaction-failed-text-user', 'jet@example.net');
    expect(r?.content).toBe('<jet@example.net>: no such user');
    expect(r?.enhanced_code).toEqual({ class: 5, subject: 1, detail: 1 });
  });

  it('takes a reply of the same class from the text over a Diagnostic-Code without an enhanced code', () => {
    const r = reply('dsn-generic-diag-no-enhanced-text-specific', 'ivy@example.net');
    expect(r?.content).toBe('Mailbox disabled for this recipient');
  });

  it('drops the dash between an enhanced code and its text', () => {
    expect(reply('dsn-enhanced-only-dash', 'hum@example.net')?.content).toBe(
      "Bad destination host 'DNS Hard Error looking up example.net (MX): NXDomain'",
    );
  });

  it.each([
    ['sendmail-host-unknown', 'fox@example.invalid', 'Host unknown'],
    ['sendmail-no-diag-reason-line', 'pip@example.net', 'Mailbox full'],
    ['exchange-nested-sun-style', 'cy@example.net', '<cy@example.net>... User unknown'],
  ])('drops the closer of the bracket an MTA wrapped the reply in (%s)', (file, rcpt, content) => {
    expect(reply(file, rcpt)?.content).toBe(content);
  });

  it('joins a wrapped Postfix reply and drops "said:" and "(in reply to ... command)"', () => {
    const r = reply('postfix-wrapped-user-unknown', 'ann@example.net');
    expect(r?.content).toBe(
      '<ann@example.net>: Recipient address rejected: User unknown in virtual mailbox table',
    );
    expect(r?.command).toBe('RCPT TO');
  });
});
