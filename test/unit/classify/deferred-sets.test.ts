// ClassifierOptions.deferSets: each run of rules is compiled into its RE2.Set when a
// line first reaches it. The classification is the same as with every set compiled up
// front; only when the compiling happens differs.
import {
  RulesInvalidError,
  compileClassifier,
  type RulesSource,
} from '../../../src/classify/index';
import { shippedRules } from '../../helpers/shipped-rules';

// Our own wordings: matched by early and late runs of the shipped rules, by the context
// table only, a quoted reply inside a relay's, and lines no rule knows.
const LINES = [
  '550 5.1.1 <jo@example.org>: Recipient address rejected: no such mailbox here',
  '452 4.2.2 The mailbox of kim@example.net has used all of its storage',
  '554 5.7.1 Service unavailable; client host [192.0.2.7] listed by a DNS blocklist',
  '421 4.7.0 Too many connections from your address, slow down and retry later',
  '550 5.7.26 This message failed DMARC evaluation of the sending domain',
  '550 Der Empfänger dieser Nachricht ist im Verzeichnis nicht vorhanden',
  '550 Le destinataire est introuvable sur ce serveur de messagerie',
  '554 5.0.0 Relay said: 550 5.1.1 <pat@example.com>: user unknown',
  '451 4.4.1 The remote host did not answer before the time ran out',
  '552 5.3.4 Message size exceeds the limit this domain accepts',
  '550 5.1.2 The domain of the address example.invalid has no mail exchanger',
  '250 2.0.0 Delivered',
  '599 wombats ate the queue file',
  'nothing like a reply at all',
  '',
];

describe('deferred sets', () => {
  const eager = compileClassifier(shippedRules());
  const deferred = compileClassifier(shippedRules(), { deferSets: true });

  it.each(LINES)('classify %j as the classifier with every set compiled up front', (line) => {
    expect(deferred.classifyLine(line)).toEqual(eager.classifyLine(line));
    const context = { command: 'RCPT', action: 'failed', diagnosticType: 'smtp', status: null };
    expect(deferred.classifyLine(line, context)).toEqual(eager.classifyLine(line, context));
  });

  // Eight runs of one rule each, the last of them one RE2 cannot compile.
  const runs: RulesSource = {
    file: 'runs.toml',
    text:
      '[rules]\n' +
      ['aaa', 'bbb', 'ccc', 'ddd', 'eee', 'fff', 'ggg', '(?<=x)hhh']
        .map((pattern, i) => `Label${i} = [${JSON.stringify(pattern)}]`)
        .join('\n') +
      '\n',
  };

  it('compile a run only when a line reaches it, so a bad rule in it is found there, not at load', () => {
    expect(() => compileClassifier([runs])).toThrow(RulesInvalidError);
    const classifier = compileClassifier([runs], { deferSets: true });
    expect(classifier.classifyLine('550 aaa').label).toBe('Label0');
    expect(classifier.classifyLine('550 ggg').label).toBe('Label6');
    expect(() => classifier.classifyLine('550 no rule matches this')).toThrow(RulesInvalidError);
  });
});
