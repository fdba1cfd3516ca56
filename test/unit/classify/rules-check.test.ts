import { checkRules, formatProblem } from '../../../src/classify/index';
import { ErrorCode } from '../../../src/errors';

describe('checkRules', () => {
  const sources = [
    {
      file: 'a.toml',
      text: [
        '[rules]',
        'Good = ["fine", "(?i)also fine"]',
        'Bad = ["ok", "foo(?=bar)", "(unclosed", "x{2000}"]',
        'Worse = ["\\\\1"]',
      ].join('\n'),
    },
    { file: 'b.json', text: '{"rules": {"Mixed": ["fine", 7, "[z-a]"], "NotAList": "x"}}' },
    { file: 'c.json5', text: '{rules: {' },
  ];

  it('collects every problem of every file, in file order', () => {
    const check = checkRules(sources);
    expect(check.errors.map((p) => [p.file, p.label, p.index])).toEqual([
      ['a.toml', 'Bad', 1],
      ['a.toml', 'Bad', 2],
      ['a.toml', 'Bad', 3],
      ['a.toml', 'Worse', 0],
      ['b.json', 'Mixed', 1],
      ['b.json', 'Mixed', 2],
      ['b.json', 'NotAList', null],
      ['c.json5', null, null],
    ]);
    expect(check.errors.at(-1)?.code).toBe(ErrorCode.FileUnreadable);
    expect(check.errors[0]?.code).toBe(ErrorCode.RuleInvalid);
  });

  it("words each problem with file, label, index, pattern and RE2's reason", () => {
    const [first] = checkRules(sources).errors;
    expect(first && formatProblem(first)).toBe(
      'a.toml: "Bad"[1] "foo(?=bar)": RE2 cannot compile it: invalid perl operator: (?=',
    );
  });

  it('warns about exact duplicate patterns, naming the copy that loads first', () => {
    const check = checkRules([
      { file: 'a.toml', text: '[rules]\nA = ["same", "other"]\nB = ["same"]\n' },
      { file: 'b.toml', text: '[rules]\nC = ["other", "Same"]\n' },
    ]);
    expect(check.errors).toEqual([]);
    expect(check.warnings.map((w) => [w.file, w.label, w.index, w.reason])).toEqual([
      ['a.toml', 'B', 0, 'duplicate of "A"[0], which loads first, so this copy never wins'],
      ['b.toml', 'C', 0, 'duplicate of a.toml: "A"[1], which loads first, so this copy never wins'],
    ]);
  });

  it('counts files, distinct labels and patterns', () => {
    const check = checkRules([
      { file: 'a.toml', text: '[rules]\nA = ["1", "2"]\nB = ["3"]\n' },
      { file: 'b.toml', text: '[rules]\nA = ["4"]\n' },
    ]);
    expect(check).toMatchObject({ files: 2, labels: 2, patterns: 4, errors: [], warnings: [] });
  });
});
