import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*.spec.js'],
    setupFiles: ['fray/vitest/setup'],
    hookTimeout: 60_000,
    testTimeout: 60_000, // the first test waits for the worker's database (a PGlite cold start on a fresh clone)
  },
});
