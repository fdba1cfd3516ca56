import {
  RulesInvalidError,
  compileClassifier,
  type RulesSource,
} from '../../../src/classify/index';
import { ErrorCode, OobdError } from '../../../src/errors';
import type { Reply } from '../../../src/report/types';

function toml(file: string, rules: Record<string, string[]>): RulesSource {
  const lines = Object.entries(rules).map(
    ([label, patterns]) => `${JSON.stringify(label)} = ${JSON.stringify(patterns)}`,
  );
  return { file, text: `[rules]\n${lines.join('\n')}\n` };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('rule order', () => {
  // KumoMTA's bounce-classify test_rule_order, verbatim in meaning.
  const classifier = compileClassifier([
    {
      file: 'one.toml',
      text: '[rules]\nfoo = ["woot", "aaa"]\nbar = ["woot", "aaa", "bbb"]\n',
    },
    { file: 'two.toml', text: '[rules]\nsecond_file = ["bbb", "ccc"]\n' },
  ]);

  it.each([
    ['woot', 'foo'],
    ['aaa', 'foo'],
    ['bbb', 'bar'],
    ['ccc', 'second_file'],
  ])('gives %s to %s: file order, then label order, then pattern order', (line, label) => {
    expect(classifier.classifyLine(line).label).toBe(label);
  });

  it('reports the winning rule with file, label, index and pattern', () => {
    expect(classifier.classifyLine('bbb').rule).toEqual({
      file: 'one.toml',
      label: 'bar',
      index: 2,
      pattern: 'bbb',
    });
    expect(classifier.classifyLine('ccc').rule).toEqual({
      file: 'two.toml',
      label: 'second_file',
      index: 1,
      pattern: 'ccc',
    });
  });

  it('lists the rules in load order', () => {
    expect(classifier.rules.map((rule) => `${rule.label}[${rule.index}]`)).toEqual([
      'foo[0]',
      'foo[1]',
      'bar[0]',
      'bar[1]',
      'bar[2]',
      'second_file[0]',
      'second_file[1]',
    ]);
  });

  it('gives Uncategorized with no rule when nothing matches', () => {
    expect(classifier.classifyLine('zzz')).toEqual({
      label: 'Uncategorized',
      rule: null,
      context: null,
      inner: null,
    });
  });
});

describe('matching', () => {
  it('matches the reply as one line: code, enhanced code, content', () => {
    const classifier = compileClassifier([
      toml('r.toml', { Whole: ['^550 5\\.1\\.1 user unknown$'], NoEnhanced: ['^451 greylisted$'] }),
    ]);
    const withCode: Reply = {
      code: 550,
      enhancedCode: { class: 5, subject: 1, detail: 1 },
      content: 'user unknown',
      command: null,
    };
    expect(classifier.classify(withCode).label).toBe('Whole');
    expect(
      classifier.classify({ code: 451, enhancedCode: null, content: 'greylisted', command: null })
        .label,
    ).toBe('NoEnhanced');
  });

  it('turns each CR and LF of the content into a space', () => {
    const classifier = compileClassifier([toml('r.toml', { Folded: ['mailbox  is full'] })]);
    expect(
      classifier.classify({
        code: 552,
        enhancedCode: null,
        content: 'mailbox\r\nis full',
        command: null,
      }).label,
    ).toBe('Folded');
  });

  it('is case-sensitive unless a pattern says (?i)', () => {
    const classifier = compileClassifier([
      toml('r.toml', { Sensitive: ['User Unknown'], Insensitive: ['(?i)mailbox full'] }),
    ]);
    expect(classifier.classifyLine('550 user unknown').label).toBe('Uncategorized');
    expect(classifier.classifyLine('550 User Unknown').label).toBe('Sensitive');
    expect(classifier.classifyLine('552 MAILBOX FULL').label).toBe('Insensitive');
  });

  it('allows any label string', () => {
    const classifier = compileClassifier([
      toml('r.toml', { 'my own label, with spaces': ['x'], Ünïcödé: ['y'] }),
    ]);
    expect(classifier.classifyLine('x').label).toBe('my own label, with spaces');
    expect(classifier.classifyLine('y').label).toBe('Ünïcödé');
  });

  it('answers a catastrophic pattern against 100 KB of input in linear time', () => {
    // (a+)+$ makes a backtracking engine take exponential time on "aaa…a!".
    const classifier = compileClassifier([toml('r.toml', { Nested: ['(a+)+$'] })]);
    const many = 'a'.repeat(100 * 1024);
    expect(classifier.classifyLine(`${many}!`).label).toBe('Uncategorized');
    expect(classifier.classifyLine(many).label).toBe('Nested');
  });

  it('compiles more rules than one RE2 program can hold, keeping their order', () => {
    // 1,000 bounded repetitions exceed RE2's memory cap for one set; the classifier
    // splits the set and must still let the first loaded rule win.
    const patterns = Array.from({ length: 1000 }, (_, i) => `(?i)\\bw${i}x\\b.{0,20}\\bz${i}q\\b`);
    patterns[995] = 'shared';
    patterns[5] = 'shared';
    const classifier = compileClassifier([
      { file: 'big.json', text: JSON.stringify({ rules: { Big: patterns } }) },
    ]);
    expect(classifier.classifyLine('550 W999X, then Z999Q').rule?.index).toBe(999);
    expect(classifier.classifyLine('550 w3x z3q').rule?.index).toBe(3);
    expect(classifier.classifyLine('550 shared').rule?.index).toBe(5);
    expect(classifier.classifyLine('550 w3x z4q').label).toBe('Uncategorized');
  });

  it('compiles an empty set of sources into a classifier that knows nothing', () => {
    expect(compileClassifier([]).classifyLine('550 5.1.1 x').label).toBe('Uncategorized');
  });
});

describe('rules file formats', () => {
  const toml1: RulesSource = {
    file: 'rules.toml',
    text: '# comment\n[rules]\nFirst = [\'^5\\d\\d \', "x"]\nSecond = ["(?i)quota"]\n',
  };
  const json: RulesSource = {
    file: 'rules.json',
    text: '{"rules": {"First": ["^5\\\\d\\\\d ", "x"], "Second": ["(?i)quota"]}}',
  };
  const json5: RulesSource = {
    file: 'rules.JSON5',
    text: "// comment\n{rules: {First: ['^5\\\\d\\\\d ', 'x',], Second: ['(?i)quota']},}\n",
  };

  it.each([toml1, json, json5])('loads $file by its extension', (source) => {
    const classifier = compileClassifier([source]);
    expect(classifier.rules.map(({ label, index, pattern }) => [label, index, pattern])).toEqual([
      ['First', 0, '^5\\d\\d '],
      ['First', 1, 'x'],
      ['Second', 0, '(?i)quota'],
    ]);
    expect(classifier.classifyLine('452 QUOTA').label).toBe('Second');
    expect(classifier.classifyLine('552 QUOTA').label).toBe('First');
  });

  it('refuses a file name without a known extension', () => {
    const err = thrown(() => compileClassifier([{ file: 'rules.yaml', text: 'rules: {}' }]));
    expect(err).toBeInstanceOf(OobdError);
    expect((err as OobdError).code).toBe(ErrorCode.FileUnreadable);
    expect((err as OobdError).message).toContain('rules.yaml');
  });

  it('refuses text that is not TOML, naming the file', () => {
    const err = thrown(() => compileClassifier([{ file: 'broken.toml', text: '[rules\nA = [' }]));
    expect((err as OobdError).code).toBe(ErrorCode.FileUnreadable);
    expect((err as OobdError).message).toMatch(/^broken\.toml: not valid TOML/);
  });

  it('says on which line and column a rules file stops being TOML or JSON5', () => {
    const twice = thrown(() =>
      compileClassifier([{ file: 'twice.toml', text: '[rules]\nA = ["x"]\n[rules]\nB = ["y"]\n' }]),
    );
    expect((twice as OobdError).message).toContain(
      'twice.toml: not valid TOML at line 3, column 2:',
    );
    const open = thrown(() =>
      compileClassifier([{ file: 'open.json5', text: '{rules: {A: ["x"],}\n' }]),
    );
    expect((open as OobdError).message).toContain('open.json5: not valid JSON/JSON5 at line 2');
  });

  it('refuses a file without a rules table, and unknown top-level keys', () => {
    expect(
      (thrown(() => compileClassifier([{ file: 'a.toml', text: 'x = 1' }])) as OobdError).code,
    ).toBe(ErrorCode.RuleInvalid);
    const err = thrown(() =>
      compileClassifier([{ file: 'b.json', text: '{"rules": {}, "rulez": {}}' }]),
    ) as OobdError;
    expect(err.code).toBe(ErrorCode.RuleInvalid);
    expect(err.message).toContain('unknown key "rulez"');
  });
});

describe('rule errors', () => {
  it('names file, label and index of a pattern RE2 cannot compile', () => {
    const err = thrown(() =>
      compileClassifier([
        toml('good.toml', { Fine: ['ok'] }),
        toml('bad.toml', { Fine: ['ok2'], Lookahead: ['fine', 'foo(?=bar)'] }),
      ]),
    );
    expect(err).toBeInstanceOf(RulesInvalidError);
    const error = err as RulesInvalidError;
    expect(error.code).toBe(ErrorCode.RuleInvalid);
    expect(error.message).toContain('bad.toml');
    expect(error.message).toContain('"Lookahead"[1]');
    expect(error.message).toContain('(?=');
    expect(error.problems).toEqual([
      expect.objectContaining({
        file: 'bad.toml',
        label: 'Lookahead',
        index: 1,
        pattern: 'foo(?=bar)',
      }),
    ]);
  });

  it('reports syntax RE2 lacks, such as back-references and (?x)', () => {
    for (const pattern of ['(a)\\1', '(?x) a b', 'a++']) {
      const err = thrown(() => compileClassifier([toml('r.toml', { L: [pattern] })])) as OobdError;
      expect(err.code).toBe(ErrorCode.RuleInvalid);
      expect(err.message).toContain('r.toml: "L"[0]');
    }
  });

  it('refuses a pattern that is not a string, or empty, at its index', () => {
    const err = thrown(() =>
      compileClassifier([{ file: 'r.json', text: '{"rules": {"L": ["ok", 42, ""]}}' }]),
    ) as RulesInvalidError;
    expect(err.code).toBe(ErrorCode.RuleInvalid);
    expect(err.problems.map((problem) => [problem.label, problem.index])).toEqual([
      ['L', 1],
      ['L', 2],
    ]);
    expect(err.message).toContain('r.json: "L"[1]');
  });

  it('refuses a label whose value is not a list', () => {
    const err = thrown(() =>
      compileClassifier([{ file: 'r.toml', text: '[rules]\nL = "just one"\n' }]),
    ) as OobdError;
    expect(err.code).toBe(ErrorCode.RuleInvalid);
    expect(err.message).toContain('r.toml: "L"');
  });
});

describe('caches', () => {
  const sources = [toml('r.toml', { Known: ['^550 known'] })];

  it('answers a repeated reply from the cache', () => {
    const classifier = compileClassifier(sources, { cacheSize: 10, uncategorizedCacheSize: 10 });
    classifier.classifyLine('550 known 1');
    classifier.classifyLine('550 unknown 1');
    expect(classifier.classifyLine('550 known 1').label).toBe('Known');
    expect(classifier.classifyLine('550 unknown 1').label).toBe('Uncategorized');
    expect(classifier.stats()).toEqual({ classified: 1, uncategorized: 1, hits: 2, misses: 2 });
  });

  it('does not let uncategorized replies evict classified ones', () => {
    const classifier = compileClassifier(sources, { cacheSize: 2, uncategorizedCacheSize: 2 });
    classifier.classifyLine('550 known a');
    classifier.classifyLine('550 known b');
    for (let i = 0; i < 100; i++) classifier.classifyLine(`550 never seen ${i}`);
    const before = classifier.stats();
    expect(before).toMatchObject({ classified: 2, uncategorized: 2 });
    expect(classifier.classifyLine('550 known a').label).toBe('Known');
    expect(classifier.classifyLine('550 known b').label).toBe('Known');
    expect(classifier.stats().hits - before.hits).toBe(2);
    expect(classifier.stats().misses).toBe(before.misses);
  });

  it('evicts the least recently used classified reply when full', () => {
    const classifier = compileClassifier(sources, { cacheSize: 2, uncategorizedCacheSize: 2 });
    classifier.classifyLine('550 known a');
    classifier.classifyLine('550 known b');
    classifier.classifyLine('550 known a');
    classifier.classifyLine('550 known c'); // evicts b, the least recently used
    const before = classifier.stats();
    classifier.classifyLine('550 known b');
    expect(classifier.stats().misses - before.misses).toBe(1);
  });

  it('caches nothing with sizes of 0', () => {
    const classifier = compileClassifier(sources, { cacheSize: 0, uncategorizedCacheSize: 0 });
    classifier.classifyLine('550 known a');
    classifier.classifyLine('550 known a');
    expect(classifier.stats()).toEqual({ classified: 0, uncategorized: 0, hits: 0, misses: 2 });
    expect(classifier.classifyLine('550 known a').label).toBe('Known');
  });

  it('does not cache very long replies, so they cannot pin memory', () => {
    const classifier = compileClassifier(sources, { cacheSize: 10, uncategorizedCacheSize: 10 });
    const long = `550 known ${'x'.repeat(10_000)}`;
    classifier.classifyLine(long);
    classifier.classifyLine(long);
    expect(classifier.stats()).toMatchObject({ classified: 0, hits: 0, misses: 2 });
  });

  it('refuses a negative cache size', () => {
    const err = thrown(() => compileClassifier(sources, { cacheSize: -1 })) as OobdError;
    expect(err.code).toBe(ErrorCode.ConfigInvalid);
  });

  it('starts a newly compiled classifier with empty caches', () => {
    const first = compileClassifier(sources);
    first.classifyLine('550 known a');
    expect(first.stats().classified).toBe(1);
    expect(compileClassifier(sources).stats()).toEqual({
      classified: 0,
      uncategorized: 0,
      hits: 0,
      misses: 0,
    });
  });
});
