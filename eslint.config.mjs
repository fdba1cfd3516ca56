// Flat config. The one project-specific rule is the purity fence: report/ and
// classify/ take bytes and strings and return values, so they may not import
// anything that does I/O (STYLE.md §2). That is what lets them run on worker
// threads and be tested in milliseconds.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const ioModules = [
  'net',
  'node:net',
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'ioredis',
  'bullmq',
  'dns',
  'node:dns',
  'http',
  'node:http',
  'child_process',
  'node:child_process',
  'smtp-server',
  'nodemailer',
];

// What the pure stages (report/, classify/) never import: the stages after them and the
// edges (DESIGN.md §2). report/ also leaves classify/ alone.
const LATER_STAGES_AND_EDGES = [
  'log',
  'smtp',
  'queue',
  'pipeline',
  'relay',
  'http',
  'hooks',
  'cli',
  'config',
  'lifecycle',
  'logger',
];

// Relative import paths (gitignore-style patterns) that reach a stage folder, from any depth.
function stageImports(stages) {
  return stages.flatMap((stage) => [`**/${stage}`, `**/${stage}/**`]);
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'logs/**', 'fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Pure stages: no I/O, and no import of a later stage or of the edges. report/
    // shares value types with log/ through the leaf module src/values.ts (DESIGN.md §2).
    files: ['src/report/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({
            name,
            message: 'report/ is pure: no I/O imports (STYLE.md §2).',
          })),
          patterns: [
            {
              group: stageImports(['classify', ...LATER_STAGES_AND_EDGES]),
              message:
                'report/ imports no other stage: shared value types live in src/values.ts (DESIGN.md §2).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/classify/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({
            name,
            message: 'classify/ is pure: no I/O imports (STYLE.md §2).',
          })),
          patterns: [
            {
              group: stageImports(LATER_STAGES_AND_EDGES),
              message: 'classify/ imports no later stage or edge (DESIGN.md §2).',
            },
          ],
        },
      ],
    },
  },
  {
    // The queue and the pipeline run on workers too: they never reach back into the SMTP edge.
    files: ['src/queue/**/*.ts', 'src/pipeline/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: stageImports(['smtp', 'cli']),
              message:
                'queue/ and pipeline/ import nothing from the SMTP edge or the CLI (DESIGN.md §1).',
            },
          ],
        },
      ],
    },
  },
  {
    // Everything that arrives over SMTP is hostile: code that looks at message bytes
    // matches with RE2 (linear time) or plain string operations, never a backtracking
    // JavaScript RegExp.
    files: [
      'src/report/**/*.ts',
      'src/classify/**/*.ts',
      'src/smtp/**/*.ts',
      'src/pipeline/**/*.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[regex]',
          message:
            'Untrusted input: use RE2 (or string operations), not a JavaScript RegExp literal.',
        },
        {
          selector: "NewExpression[callee.name='RegExp']",
          message: 'Untrusted input: use RE2, not RegExp.',
        },
        {
          selector: "CallExpression[callee.name='RegExp']",
          message: 'Untrusted input: use RE2, not RegExp.',
        },
      ],
    },
  },
  {
    // Subcommands load their heavy modules when they run (typed with typeof import()),
    // so `oobd --help`, `oobd classify` and `oobd parse` start fast.
    files: ['src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
    },
  },
  {
    // The web view's script runs in the browser (served as is, no build step).
    files: ['web/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        fetch: 'readonly',
        EventSource: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
      },
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
);
