import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'public', 'playwright-report', 'test-results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Build scripts run in Node.
    files: ['scripts/**/*.mjs', 'scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The engine runs in Node, in the worker and in the lab checker: it must stay free of the UI,
    // the DOM and the wall clock (see DESIGN.md, "The one rule of the architecture").
    files: ['src/sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'react/*', 'd3', 'd3-*', 'monaco-editor', 'monaco-editor/*', 'monaco-yaml', 'zustand', 'zustand/*', '@xterm/*'], message: 'src/sim is the engine: no UI libraries.' },
          { group: ['**/ui/**', '**/worker/**', '../ui', '../worker'], message: 'src/sim must not import from src/ui or src/worker.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'window', message: 'No DOM in the engine.' },
        { name: 'document', message: 'No DOM in the engine.' },
        { name: 'performance', message: 'The engine uses its simulated clock.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Use the simulated clock (clock.now).' },
        { object: 'Math', property: 'random', message: 'Use the seeded random source (random.ts).' },
      ],
    },
  },
);
