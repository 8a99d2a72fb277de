import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // Objects in the store are frozen under test so that a controller mutating what it read fails loudly.
    env: { PODIUM_FREEZE: '1' },
  },
});
