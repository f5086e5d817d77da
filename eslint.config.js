// Lint rules: typescript-eslint's recommended set, type-aware where it catches real bugs
// (floating promises lose errors; misused promises hide them).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Outside src/crypto only its entry points may be imported. */
const sealedCrypto = {
  regex: '(^|/)crypto/(?!(index|operator/index|testing/index)\\.js$)',
  message: 'Import the crypto core through src/crypto/index.js (or its operator/ or testing/ entry), not its internals.',
};

export default tseslint.config(
  { ignores: ['node_modules/', '.venv/', 'device-app/build/', 'dist/', '.data/', 'coverage/', 'emulator/operator/grpc/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The crypto core is sealed: outside src/crypto only its entry points may be imported —
    // index.js (the library), operator/index.js (operators only), testing/index.js (tests, benchmarks).
    files: ['**/*.ts'],
    ignores: ['src/crypto/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [sealedCrypto] }],
    },
  },
  {
    // The operator's domain and repository know no wire format: the handlers in grpc/ call them,
    // and they call other operators through peers/peer.ts (emulator/operator/README.md).
    files: [
      'emulator/operator/{authn,db,deposit,dkg,peers,renew,replication,signing,transfer}/**/*.ts',
      'emulator/operator/{chain-watcher,events,faults,health,identity}.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [sealedCrypto, { regex: '(^|\\.\\./)grpc/', message: 'The operator\'s domain works on domain records; only emulator/operator/grpc/ translates to and from messages.' }],
      }],
    },
  },
  {
    // The bridge UI: plain ES modules run in a browser (or Electron's sandboxed renderer).
    files: ['bridge/ui/**/*.js'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', EventSource: 'readonly', performance: 'readonly', btoa: 'readonly', console: 'readonly' },
    },
  },
);
