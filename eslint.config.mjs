// Lint for every TypeScript file (type-checked) and the few JavaScript ones.
// The import rules below are the project's boundaries: machines/ stays pure,
// hardware/ stays a driver layer, and nothing shipped reaches into test/ or bench/.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const notTestsOrBench = {
  group: ['**/test/**', '**/bench/**', '../test', '../bench'],
  message: 'test/ and bench/ use the program, never the other way round.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/reference/target/**', 'coverage/**', '.arm64/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked, tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        // `typeof import('x')` types the modules that are loaded lazily, below.
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // Loaded only when used: optional native drivers, and what a node run without a
      // feature never needs (its memory and start-up stay as they are).
      '@typescript-eslint/no-require-imports': [
        'error',
        {
          allow: [
            '^onoff$',
            '^rpi-ws281x-native$',
            '^spi-device$',
            '^pino-pretty$',
            '^ws$',
            '^mqtt/lib/client$',
            '^yaml$',
          ],
        },
      ],
      // Narrowing an event from outside: assertEvent in machines, superstruct elsewhere.
      '@typescript-eslint/no-explicit-any': 'error',
      // An empty string (an environment variable set to nothing) counts as unset.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true } }],
    },
  },
  {
    files: ['machines/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Within a machine's folder, a sibling folder of machines/, or common/.
              regex: '^(?!xstate$|\\./|\\.\\./(?!\\.\\./)|\\.\\./\\.\\./common/)',
              message: 'machines/ are pure statecharts: they import only xstate, each other and common/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '^(?!\\./)', message: 'common/ is the vocabulary everyone shares: it imports nothing.' }],
        },
      ],
    },
  },
  {
    files: ['web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.\\./common/|\\./)',
              message:
                'the browser code imports only common/ and its own modules in web/ (served to the browser as they are compiled).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['hardware/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../machines', '../machines/*', '../src', '../src/*'],
              message: 'hardware/ drivers know only common/ and their devices, not the machines or the wiring.',
            },
            notTestsOrBench,
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [notTestsOrBench] }] },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests reach into what they test; jest's expect.any and friends are typed any.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  prettier,
);
