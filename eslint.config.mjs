// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import browserSafe from './tools/eslint/browser-safe.rule.cjs';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/coverage/**', '**/node_modules/**', '.nx/**', 'data/**', 'test-artifacts/**', '**/*.d.ts', 'storybook-static/**', 'apps/server/dashboard/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-template-curly-in-string': 'off',
    },
  },
  {
    // The browser entry of @weft/core must reach no Node-only code (see the rule's file).
    files: ['libs/core/src/browser.ts'],
    plugins: { weft: { rules: { 'browser-safe': browserSafe.rule } } },
    rules: { 'weft/browser-safe': 'error' },
  },
  {
    // Code that runs in the browser takes @weft/core's browser entry, not its Node one.
    files: ['libs/viz/src/**/*.{ts,tsx}', 'apps/dashboard/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@weft/core', message: "Import from '@weft/core/browser': the main entry loads Node modules." }],
          patterns: [{ regex: '^node:', message: 'Browser code cannot use Node modules.' }],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs', '**/bin/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
