// What makes the classifier cheaper to compile and to run must not change what it says:
// the sentence-character unit compiled in its cheaper form, the rules cut into runs by
// program size, and the "rest of the word" class written once after a list of stems in
// rules/phrases.toml ((?:a|b)[^…]* where each stem had its own copy). Each is checked
// with wordings written here, and with the nearest phrases that must stay unmatched.
import RE2 from 're2';
import {
  compileClassifier,
  compiledPattern,
  programWeight,
  runsByWeight,
  setCount,
  type RuleRef,
} from '../../../src/classify/index';
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

const UNIT = '(?:[^.;]|\\.\\S)';

/** Whether the rule text and its compiled form agree on every line. */
function agree(pattern: string, lines: readonly string[]): void {
  const written = new RE2(pattern, 'u');
  const compiled = new RE2(compiledPattern(pattern), 'u');
  for (const line of lines) expect([line, compiled.test(line)]).toEqual([line, written.test(line)]);
}

describe('the sentence-character unit', () => {
  const within = `(?i)\\buser\\b${UNIT}{0,30}?\\bunknown\\b`;

  it('is compiled in another form', () => {
    expect(compiledPattern(within)).not.toBe(within);
    expect(compiledPattern(within)).not.toContain(UNIT);
  });

  it('matches the same lines in its compiled form: dots inside names, and what ends a sentence', () => {
    agree(within, [
      '550 user jane.doe@example.org unknown',
      '550 User 192.0.2.7 is Unknown',
      '550 user ok. unknown command',
      '550 user ok.unknown',
      '550 user ok; unknown',
      '550 user ok..unknown',
      '550 user ok.;unknown',
      '550 user ok.\tunknown',
      '550 user ok.\u00a0unknown',
      '550 user naïve.ünïcode unknown',
      '550 user is a very long way from the word that would say unknown',
      '550 user . unknown',
      '550 user.',
      '550 unknown user',
      '',
    ]);
    const compiled = new RE2(compiledPattern(within), 'u');
    expect(compiled.test('550 user jane.doe@example.org unknown')).toBe(true);
    expect(compiled.test('550 user ok. unknown command')).toBe(false);
    expect(compiled.test('550 user ok; unknown')).toBe(false);
  });

  it('matches the same lines unbounded and with every character a line may hold next to a dot', () => {
    const unbounded = `^a${UNIT}*b$`;
    const lines: string[] = [];
    for (const c of ['.', ';', ' ', '\t', '\n', '\r', '\f', '\v', 'x', 'é', '’', '。', '\u00a0']) {
      lines.push(`a${c}b`, `a.${c}b`, `a${c}.b`, `a..${c}b`);
    }
    agree(unbounded, lines);
  });

  it('is left alone after a backslash, inside a class and quoted, where it is not a group', () => {
    const escaped = `(\\${UNIT}`;
    expect(compiledPattern(escaped)).toBe(escaped);
    const inClass = `[${UNIT}]`;
    expect(compiledPattern(inClass)).toBe(inClass);
    const posix = `[[:alpha:]${UNIT}]`;
    expect(compiledPattern(posix)).toBe(posix);
    const quoted = `\\Q${UNIT}\\E and (?:[^.;]|\\.\\S)`;
    expect(compiledPattern(quoted)).toBe(`\\Q${UNIT}\\E and (?:\\.?[^.;\\s]|\\s|\\.[.;])`);
    agree(quoted, [`${UNIT} and x`, '(?:[^.;]|\\.\\S) and x.y', 'and x']);
    expect(compiledPattern('(?i)\\bno unit here\\b')).toBe('(?i)\\bno unit here\\b');
  });
});

describe('runs of rules by program size', () => {
  const rule = (pattern: string, index: number): RuleRef => ({
    file: 'r.toml',
    label: 'L',
    index,
    pattern,
  });

  it('weighs a bounded repetition as its copies', () => {
    expect(programWeight(`a${UNIT}{0,40}b`)).toBeGreaterThan(20 * programWeight(`a${UNIT}*b`));
    expect(programWeight('(?i)\\bmailbox full\\b')).toBeLessThan(
      programWeight('(?i)\\bmailbox is full\\b'),
    );
  });

  it('cuts consecutive runs that cover every rule once, at most as many as asked', () => {
    const rules = Array.from({ length: 50 }, (_, i) =>
      rule(i % 7 === 0 ? `(?i)\\bw${i}\\b${UNIT}{0,60}\\bz\\b` : `(?i)\\bw${i}\\b`, i),
    );
    for (const count of [1, 3, 8, 60]) {
      const runs = runsByWeight(rules, count);
      expect(runs.length).toBeLessThanOrEqual(count);
      expect(runs[0]?.[0]).toBe(0);
      expect(runs.at(-1)?.[1]).toBe(rules.length);
      for (let i = 1; i < runs.length; i++) expect(runs[i]?.[0]).toBe(runs[i - 1]?.[1]);
      for (const [start, end] of runs) expect(end).toBeGreaterThan(start);
    }
  });

  it('keeps eight runs for light rules and adds runs as the rules outgrow the per-run weight', () => {
    const light = Array.from({ length: 100 }, (_, i) => rule(`(?i)\\bw${i}\\b`, i));
    expect(setCount(light)).toBe(8);
    // Each of these weighs about 20,000 (a bounded repetition of a group): 40 of them are
    // 800,000, more than eight runs may hold.
    const heavy = Array.from({ length: 40 }, (_, i) =>
      rule(`(?i)\\bh${i}\\b(?:\\s+\\w+){0,800}`, i),
    );
    const total = heavy.reduce((sum, r) => sum + programWeight(r.pattern), 0);
    expect(total).toBeGreaterThan(8 * 56_000);
    expect(setCount(heavy)).toBe(Math.ceil(total / 56_000));
    expect(setCount(heavy)).toBeGreaterThan(8);
  });

  it('gives a heavy rule a run of its own rather than an equal count of rules', () => {
    const rules = [
      ...Array.from({ length: 20 }, (_, i) => rule(`light${i}`, i)),
      rule(`(?i)\\bheavy\\b${UNIT}{0,300}\\bend\\b`, 20),
      ...Array.from({ length: 20 }, (_, i) => rule(`light${i + 21}`, i + 21)),
    ];
    const runs = runsByWeight(rules, 3);
    expect(runs.some(([start, end]) => start <= 20 && end === start + 1)).toBe(true);
  });

  it('lets the first loaded rule win across runs of any size', () => {
    const heavy = Array.from(
      { length: 30 },
      (_, i) => `(?i)\\bstem${i}[a-z]*\\b${UNIT}{0,80}?\\bfails\\b`,
    );
    const patterns = ['(?i)\\blate word\\b', ...heavy, '(?i)\\bstem29\\b', 'late word'];
    const classifier = compileClassifier([
      {
        file: 'w.json',
        text: JSON.stringify({ rules: { Early: patterns.slice(0, 31), Late: patterns.slice(31) } }),
      },
    ]);
    expect(classifier.classifyLine('550 stem29ing here fails').rule).toMatchObject({
      label: 'Early',
      index: 30,
    });
    expect(classifier.classifyLine('550 stem29 here. It fails').label).toBe('Late');
    expect(classifier.classifyLine('550 late word').rule).toMatchObject({
      label: 'Early',
      index: 0,
    });
  });
});

// Own wordings for families whose stems now share one "rest of the word" class: each
// stem still takes its endings, and a whole word listed beside the stems still matches
// only as that word.
describeFamilies({
  'a stem takes its endings (recipient unknown)': [
    ['550 Der Empfänger wurde leider nicht gefunden', 'InvalidRecipient'],
    ['550 Empfängeradresse ist unbekannt', 'InvalidRecipient'],
    ['550 El destinatario indicado no existe', 'InvalidRecipient'],
    ['550 Il destinatario richiesto è sconosciuto', 'InvalidRecipient'],
  ],
  'a stem takes its endings (account disabled)': [
    ['550 Das Postfach wurde deaktiviert', 'InactiveMailbox'],
    ['550 La cuenta de correo está desactivada', 'InactiveMailbox'],
  ],
  'a stem takes its endings (mailbox full)': [
    ['552 Skrzynka odbiorcy jest pełna', 'QuotaIssues'],
    ['452 Die Mailbox des Empfängers ist voll', 'QuotaIssues'],
  ],
});

describeNearest([
  ['550 Der Absender ist unbekannt', 'InvalidRecipient'],
  ['550 Das Postfach ist voll', 'InactiveMailbox'],
  ['550 Die IP-Adresse wurde gesperrt', 'InactiveMailbox'],
  ['452 Das Postfach wurde deaktiviert', 'QuotaIssues'],
]);
