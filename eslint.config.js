import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results/', 'resources/', 'ecosystem.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-control-regex': 'off',
    },
  },
  // Test doubles live in test/helpers, never in src/ (the layer blocks below repeat this for their folders).
  { files: ['src/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/test/**'], message: 'src/ never imports test code.' }] }] } },
  // The house's one-way layers (CONVENTIONS "Rules of the house" 1): a wrong import fails the lint.
  ...layerRules({
    services: ['controllers', 'routers', 'middleware', 'scheduler', 'socket'],
    integrations: ['models', 'services', 'controllers', 'routers', 'middleware', 'scheduler', 'socket', 'schemas'],
    models: ['services', 'controllers', 'routers', 'middleware', 'integrations', 'scheduler', 'socket', 'schemas'],
    schemas: ['services', 'controllers', 'routers', 'middleware', 'models', 'integrations', 'scheduler', 'socket'],
    controllers: ['routers', 'models', 'integrations', 'scheduler', 'socket'],
    middleware: ['routers', 'controllers', 'models', 'scheduler', 'socket'],
    scheduler: ['controllers', 'routers', 'middleware', 'models', 'integrations', 'socket'],
    socket: ['controllers', 'routers', 'middleware', 'models', 'integrations', 'scheduler'],
    utilities: ['services', 'controllers', 'routers', 'middleware', 'models', 'integrations', 'scheduler', 'socket', 'schemas'],
    errors: ['services', 'controllers', 'routers', 'middleware', 'models', 'integrations', 'scheduler', 'socket', 'schemas', 'utilities'],
  }),
);

/** One `no-restricted-imports` block per src/ folder: the folders it may not import from. */
function layerRules(forbidden) {
  return Object.entries(forbidden).map(([folder, others]) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/test/**'], message: 'src/ never imports test code.' },
            ...others.map((other) => ({ group: [`../${other}/*`, `../../src/${other}/*`], message: `src/${folder} may not import src/${other} (layers go one way; see CONVENTIONS.md).` })),
          ],
        },
      ],
    },
  }));
}
