// ESLint flat config (`npm run lint`). Layout is Prettier's job (`npm run format`); these rules
// check what a formatter cannot: code shape (function length, parameter count, line length of
// comments and strings) and the recommended correctness rules. No type-aware rules: they need
// the whole program and would make the lint take minutes on a small CI machine.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Tests, benchmarks and their helpers: the shape rules for production code do not apply. */
const TEST_FILES = [
  '**/*.test.ts',
  'test/**',
  'bench/**',
  'plugins/*/test/**',
  'framework/**/testing/**',
  'framework/connectors/conformance/**',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.wharf/**', 'bench/out/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Prettier wraps code at 120 columns but never a comment: this catches long comments. Lines
      // with a string are left alone (splitting a message or an SQL text only to fit hurts more).
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreStrings: true, ignoreTemplateLiterals: true },
      ],
      // `_`-prefixed names mark a parameter or binding that is deliberately unused.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // A `let` read by a closure before its one assignment (a callback that sees the object
      // being built) cannot be a `const`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: TEST_FILES,
    rules: {
      // Tests strip terminal colour codes (ESC [ … m) from captured output.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    ignores: TEST_FILES,
    rules: {
      // Beyond four parameters, pass an options object.
      '@typescript-eslint/max-params': ['error', { max: 4 }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // A failure a user can reach is a WharfError with a code, class and hint
    // (framework/diagnostics/errors.ts), never a bare Error; no order that depends on the host's locale.
    files: ['framework/**/*.ts', 'plugins/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ThrowStatement > NewExpression[callee.name='Error']",
          message: 'Throw a WharfError (framework/diagnostics/errors.ts) with a code, class and hint.',
        },
        {
          // Hashes, file order, plans and reports must not change with the host's LANG.
          selector: "CallExpression[callee.property.name='localeCompare']",
          message: "localeCompare takes the host's locale: use compareText (framework/util/text-order.ts).",
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
