// The context layer: a table of rows that decide a label from what the reply line
// cannot carry (stage, diagnostic type, DSN action and Status) or from the bare reply code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RulesInvalidError,
  checkRules,
  compileClassifier,
  type ReplyContext,
  type RulesSource,
} from '../../../src/classify/index';
import { normaliseCommand } from '../../../src/classify/context';
import { SHIPPED_RULES_FILES } from '../../../src/config/server';
import { ErrorCode } from '../../../src/errors';

const ROOT = join(__dirname, '../../..');
const shipped: RulesSource[] = SHIPPED_RULES_FILES.map((file) => ({
  file,
  text: readFileSync(join(ROOT, file), 'utf8'),
}));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

const kumo: RulesSource = {
  file: 'kumo.toml',
  text: '[rules]\nInvalidRecipient = ["(?i)user unknown"]\nBadConnection = ["(?i)timed out"]\n',
};

const table: RulesSource = {
  file: 'table.toml',
  text: `
[[stage]]
name = "connect"
commands = ["CONNECT"]
words = ['(?i)refused to talk to me']

[[stage]]
name = "rcpt"
commands = ["RCPT TO"]

[[context]]
name = "greeting"
label = "PolicyRelated"
[context.when]
stage = ["connect"]
rule_label = ["InvalidRecipient", "Uncategorized"]

[[context]]
name = "final timeout"
label = "MessageExpired"
[context.when]
action = ["failed"]
rule_label = ["BadConnection"]
line = '(?i)timed out'

[[context]]
name = "fallback 5xx"
label = "Fallback"
[context.when]
rule_label = ["Uncategorized"]
code = ["5x0"]
`,
};

describe('without a context table', () => {
  const classifier = compileClassifier([kumo]);

  it('labels by the rules alone, whatever the context (KumoMTA semantics)', () => {
    const context: ReplyContext = {
      command: 'CONNECT',
      action: 'failed',
      diagnosticType: 'x-unix',
    };
    expect(classifier.classifyLine('550 user unknown', context)).toEqual({
      label: 'InvalidRecipient',
      rule: expect.objectContaining({ file: 'kumo.toml', label: 'InvalidRecipient' }),
      context: null,
      inner: null,
    });
    expect(classifier.classifyLine('451 timed out', context).label).toBe('BadConnection');
    expect(classifier.classifyLine('500 what', context).label).toBe('Uncategorized');
    expect(classifier.contextRows).toEqual([]);
  });
});

describe('a context table', () => {
  const classifier = compileClassifier([kumo, table]);

  it('replaces the rules label when every condition of a row holds, and says which row', () => {
    const result = classifier.classifyLine('550 user unknown', { command: 'connect' });
    expect(result.label).toBe('PolicyRelated');
    expect(result.rule).toMatchObject({ file: 'kumo.toml', label: 'InvalidRecipient' });
    expect(result.context).toEqual({
      file: 'table.toml',
      index: 0,
      name: 'greeting',
      replaced: 'InvalidRecipient',
      stage: { name: 'connect', from: 'command' },
    });
  });

  it('leaves the rules label when a condition does not hold or its input is unknown', () => {
    expect(classifier.classifyLine('550 user unknown', { command: 'RCPT TO' }).label).toBe(
      'InvalidRecipient',
    );
    expect(classifier.classifyLine('550 user unknown').label).toBe('InvalidRecipient');
    expect(classifier.classifyLine('451 timed out', { action: 'delayed' }).label).toBe(
      'BadConnection',
    );
    expect(classifier.classifyLine('451 timed out').label).toBe('BadConnection');
  });

  it('compares actions and diagnostic types ignoring case', () => {
    expect(classifier.classifyLine('451 timed out', { action: 'FAILED' }).label).toBe(
      'MessageExpired',
    );
  });

  it('takes the stage from the words when the report gave no command', () => {
    const line = '550 user unknown';
    expect(
      classifier.classifyLine(line, {
        diagnosticText: 'host mx.example.net[192.0.2.1] refused to talk to me: 550 user unknown',
      }).context?.stage,
    ).toEqual({ name: 'connect', from: 'words' });
    expect(classifier.classifyLine('550 x refused to talk to me: user unknown').label).toBe(
      'PolicyRelated',
    );
  });

  it('trusts a command over the words, even one it has no stage for', () => {
    const words = { diagnosticText: 'refused to talk to me' };
    expect(
      classifier.classifyLine('550 user unknown', { ...words, command: 'RCPT TO' }).label,
    ).toBe('InvalidRecipient');
    expect(classifier.classifyLine('550 user unknown', { ...words, command: 'XEXPS' }).label).toBe(
      'InvalidRecipient',
    );
  });

  it('matches reply codes with x for any digit', () => {
    expect(classifier.classifyLine('550 odd').label).toBe('Fallback');
    expect(classifier.classifyLine('590 odd').label).toBe('Fallback');
    expect(classifier.classifyLine('551 odd').label).toBe('Uncategorized');
  });

  it("matches the report's Status with x for any part, and never an absent or unreadable one", () => {
    const statusTable: RulesSource = {
      file: 'status.toml',
      text: `
[[context]]
name = "expired"
label = "MessageExpired"
[context.when]
status = ["x.4.7"]
rule_label = ["Uncategorized"]
`,
    };
    const c = compileClassifier([kumo, statusTable]);
    expect(c.classifyLine('451 try later', { status: '4.4.7' }).label).toBe('MessageExpired');
    expect(c.classifyLine('451 try later', { status: '5.4.7' }).label).toBe('MessageExpired');
    for (const status of ['4.4.1', '4.7.4', '4.4.70', 'x.4.7', '4.4', '', null])
      expect(c.classifyLine('451 try later', { status }).label).toBe('Uncategorized');
    expect(c.classifyLine('451 try later').label).toBe('Uncategorized');
  });

  it('lists its rows in load order', () => {
    expect(classifier.contextRows).toEqual([
      { file: 'table.toml', index: 0, name: 'greeting', label: 'PolicyRelated' },
      { file: 'table.toml', index: 1, name: 'final timeout', label: 'MessageExpired' },
      { file: 'table.toml', index: 2, name: 'fallback 5xx', label: 'Fallback' },
    ]);
  });
});

describe('normaliseCommand', () => {
  it.each([
    ['rcpt to:<a@example.com>', 'RCPT TO'],
    ['  Mail   From:<>', 'MAIL FROM'],
    ['ehlo', 'EHLO'],
    ['.', '.'],
  ])('%j → %j', (command, expected) => {
    expect(normaliseCommand(command)).toBe(expected);
  });
});

describe('a bad context table', () => {
  const bad: RulesSource = {
    file: 'bad.toml',
    text: `
[[stage]]
name = "connect"
words = ['(?=x)']

[[context]]
name = "no label"
[context.when]
stage = ["connect"]

[[context]]
name = "bad condition"
label = "X"
when = { color = ["red"], code = ["5.1.1"], status = ["551", "1.2.3"], line = "(unclosed", stage = ["nowhere"] }

[[context]]
name = "no conditions"
label = "X"
`,
  };

  it('reports every problem with file, row and reason', () => {
    const check = checkRules([bad]);
    const reasons = check.errors.map((problem) => `${problem.label}: ${problem.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^stage\[0\]: RE2 cannot compile a word pattern/),
        'context[0]: needs a label',
        'context[1]: unknown condition "color"',
        'context[1]: "code" takes 421, 4xx or 50x, not 5.1.1',
        'context[1]: "status" takes 4.4.7 or x.4.7 (x: any), not 551, 1.2.3',
        expect.stringMatching(/^context\[1\]: RE2 cannot compile "line"/),
        'context[1]: stage "nowhere" is not defined by a [[stage]] of this file',
        'context[2]: needs a [context.when] table with at least one condition',
      ]),
    );
    expect(check.errors.every((problem) => problem.file === 'bad.toml')).toBe(true);
  });

  it('stops the classifier from compiling', () => {
    const err = thrown(() => compileClassifier([bad]));
    expect(err).toBeInstanceOf(RulesInvalidError);
    expect((err as RulesInvalidError).code).toBe(ErrorCode.RuleInvalid);
  });

  it('rejects keys other than [[stage]] and [[context]]', () => {
    const check = checkRules([
      {
        file: 'x.toml',
        text: '[[context]]\nname="a"\nlabel="B"\nwhen={code=["500"]}\n[extra]\nk=1\n',
      },
    ]);
    expect(check.errors.map((problem) => problem.reason)).toEqual([
      'unknown key "extra": a context table has only [[stage]] and [[context]]',
    ]);
  });
});

describe('the shipped context table (rules/context.toml)', () => {
  const classifier = compileClassifier(shipped);
  const label = (line: string, context: ReplyContext = {}) =>
    classifier.classifyLine(line, context).label;

  it('takes an X-Unix diagnostic (a local delivery program) for a mailer problem, not the recipient', () => {
    const xunix = { diagnosticType: 'X-Unix', action: 'failed' };
    expect(label('550 5.1.1 procmail: cannot create /var/mail/x: No such user', xunix)).toBe(
      'BadConfiguration',
    );
    expect(label('550 5.0.0 255', xunix)).toBe('BadConfiguration');
    expect(label('550 5.0.0 67', xunix)).toBe('BadConfiguration');
    // The recipient's storage, and a temporary failure, keep their meaning.
    expect(label('451 4.2.2 maildrop: maildir over quota', xunix)).toBe('QuotaIssues');
    expect(label('451 temporary failure', xunix)).toBe('TransientFailure');
    // The same words from a remote server are the recipient's.
    expect(label('550 5.1.1 No such user', { diagnosticType: 'smtp' })).toBe('InvalidRecipient');
  });

  it('takes a refusal at connection or greeting for a refusal of the sender, never a recipient label', () => {
    const failed = { action: 'failed' };
    expect(label('554 5.7.1 no SMTP service here', { ...failed, command: 'CONNECT' })).toBe(
      'PolicyRelated',
    );
    expect(
      label('421 Service not available, closing transmission channel', { command: 'EHLO' }),
    ).toBe('PolicyRelated');
    expect(
      label('554 Service not available', {
        ...failed,
        diagnosticText:
          'delivery temporarily suspended: connect to mx.example.net[192.0.2.1]: server refused to talk to me: 554 Service not available',
      }),
    ).toBe('PolicyRelated');
    expect(
      label('550 5.1.1 user unknown', {
        diagnosticText:
          'SMTP error from remote mail server after initial connection: 550 5.1.1 user unknown',
      }),
    ).toBe('PolicyRelated');
    // Blocklists, authentication and rate limits keep their labels at that stage.
    expect(
      label('554 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org', {
        command: 'CONNECT',
      }),
    ).toBe('SpamBlock');
    expect(label('421 4.7.0 Too many connections from your IP', { command: 'CONNECT' })).toBe(
      'TransientFailure',
    );
    expect(
      label('550 5.7.1 Client host rejected: cannot find your reverse hostname', {
        command: 'HELO',
      }),
    ).toBe('AuthenticationFailed');
    // Without the stage, the stock 421 text is a transient failure.
    expect(label('421 Service not available, closing transmission channel')).toBe(
      'TransientFailure',
    );
  });

  it('takes an addressing refusal at MAIL FROM for the sender', () => {
    expect(label('553 5.1.0 relay.example.com does not exist', { command: 'MAIL FROM' })).toBe(
      'InvalidSender',
    );
    expect(label('550 5.1.0 Address unknown', { command: 'MAIL FROM:<me@example.com>' })).toBe(
      'InvalidSender',
    );
    expect(label('550 go away', { command: 'MAIL FROM' })).toBe('PolicyRelated');
    expect(label('553 5.1.0 relay.example.com does not exist', { command: 'RCPT TO' })).toBe(
      'BadDomain',
    );
  });

  it('takes a 4xx that names greylisting for a retry, even when it words the unseen sender or recipient', () => {
    // RFC 6647: the triplet (client, sender, recipient) is unseen, not wrong.
    expect(label('450 Try later: this sender/recipient pair is unknown to us (greylisting)')).toBe(
      'TransientFailure',
    );
    expect(
      label('451 4.7.1 Unknown sender for this recipient, you are greylisted for 4 minutes'),
    ).toBe('TransientFailure');
    expect(
      label('450 4.2.0 <a@example.org>: Recipient address rejected: graylisted, retry soon'),
    ).toBe('TransientFailure');
    // Negatives: a 5xx is no greylisting however it is worded, an unknown sender without
    // greylisting stays the sender's, and a blocklist named with it keeps its label.
    expect(label('550 5.1.7 Unknown sender; greylisting does not apply to you')).toBe(
      'InvalidSender',
    );
    expect(label('450 4.1.8 Sender address rejected: unknown sender domain')).toBe('InvalidSender');
    expect(label('450 4.1.1 <b@example.org>: Recipient address rejected: User unknown')).toBe(
      'InvalidRecipient',
    );
  });

  it('takes a timeout or unreachable host in a final bounce for an expiry, and in a 4xx at the time for a transient problem', () => {
    const final = { action: 'failed' };
    const now = { action: 'delayed' };
    for (const line of [
      '451 4.4.1 connect to mx.example.net[192.0.2.1]:25: Connection timed out',
      '550 Connection refused',
      '451 connect to mx.example.net: No route to host',
      '550 4.4.1 No answer from host',
      '421 4.4.2 conversation with mx.example.net timed out while receiving the initial server greeting',
    ]) {
      expect(label(line, final)).toBe('MessageExpired');
      expect(label(line, now)).not.toBe('MessageExpired');
      expect(label(line)).not.toBe('MessageExpired');
    }
    expect(label('451 4.4.1 connect to mx.example.net: Connection timed out', now)).toBe(
      'NoAnswerFromHost',
    );
    // A connection that broke is not a timeout: it stays a bad connection.
    expect(
      label('451 4.4.2 lost connection with mx.example.net while sending MAIL FROM', final),
    ).toBe('BadConnection');
  });

  it('takes a final bounce whose Status says the delivery time expired for an expiry, unless the last reply names a cause', () => {
    const expired = { action: 'failed', status: '4.4.7' };
    for (const line of ['451 4.3.0 Temporary system failure. Please try again later.', '451 odd'])
      expect(label(line, expired)).toBe('MessageExpired');
    // A warning while it is still retried is no expiry.
    expect(
      label('451 4.3.0 Temporary system failure', { action: 'delayed', status: '4.4.7' }),
    ).toBe('TransientFailure');
    // Another Status on the same reply leaves it transient.
    expect(label('451 4.3.0 Temporary system failure', { action: 'failed', status: '4.3.0' })).toBe(
      'TransientFailure',
    );
    // The last reply's own cause stands.
    expect(label('452 4.2.2 Mailbox full', expired)).toBe('QuotaIssues');
    expect(label('550 5.1.1 User unknown', expired)).toBe('InvalidRecipient');
    expect(label('421 4.4.0 Unable to lookup DNS for example.net', expired)).toBe('DNSFailure');
  });

  it('decides by the bare reply code only when no rule matched', () => {
    expect(label('500 unrecognised')).toBe('ProtocolErrors');
    expect(label('504 nope')).toBe('ProtocolErrors');
    expect(label('451 Could not complete the request')).toBe('TransientFailure');
    expect(label('535 no')).toBe('AuthenticationFailed');
    expect(label('521 no mail here')).toBe('BadDomain');
    expect(label('552 no')).toBe('QuotaIssues');
    expect(label('550 no')).toBe('Uncategorized');
    expect(label('553 no')).toBe('Uncategorized');
    expect(label('554 no')).toBe('Uncategorized');
    expect(classifier.classifyLine('500 unrecognised').context).toMatchObject({
      file: 'rules/context.toml',
      replaced: 'Uncategorized',
    });
  });

  it('keeps a plain KumoMTA rules file meaning what it means without context', () => {
    const withTable = compileClassifier([kumo, shipped[shipped.length - 1] as RulesSource]);
    expect(withTable.classifyLine('550 user unknown').label).toBe('InvalidRecipient');
    expect(withTable.classifyLine('451 timed out').label).toBe('BadConnection');
  });
});
