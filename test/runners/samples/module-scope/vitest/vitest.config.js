import { defineConfig } from 'vitest/config';

// A user's Vitest set-up: fray's setup file, nothing else.
export default defineConfig({
  test: {
    include: ['**/*.sample.js'],
    setupFiles: ['fray/vitest/setup'],
  },
});
