/* global URL */
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { defineConfig } from 'vitest/config';

// The benchmark's suite, run twice: with fray's matchers only (the baseline), and with
// fray/vitest/setup (matchers and fray/leaks). FRAY_BENCH_LEAKS picks the setup file.
const setup =
  process.env.FRAY_BENCH_LEAKS === '1' ? '../../../src/vitest/setup.ts' : './matchers-only.setup.js';

export default defineConfig({
  test: {
    include: ['**/*.suite.js'],
    setupFiles: [fileURLToPath(new URL(setup, import.meta.url))],
  },
});
