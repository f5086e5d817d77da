import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: the oracle suites are CPU-bound, the Speculos and network suites start processes.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: [
            'src/**/*.test.ts',
            'bridge/**/*.test.ts',
            'emulator/**/*.test.ts',
            'test/**/*.test.ts',
          ],
        },
      },
      {
        // The crypto core's oracle suites (and its backend and DKG tests) again on the pure-JS
        // curve backend, the one browsers and platforms without the libsecp256k1 addon get.
        extends: true,
        test: {
          name: 'crypto-js',
          include: ['src/crypto/**/*.oracle.test.ts', 'src/crypto/ec/*.test.ts', 'src/crypto/dkg.test.ts'],
          env: { SPARK_CRYPTO_BACKEND: 'js' },
        },
      },
    ],
  },
});
