import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { frayRace } from './src/race/vite.ts';

// `fray/<subpath>` (as the examples import it) resolves to the sources through the same
// table TypeScript uses (tsconfig.json `paths`), so tests run on one copy of fray, unbuilt.
const tsconfig = JSON.parse(readFileSync(new URL('./tsconfig.json', import.meta.url), 'utf8')) as {
  compilerOptions: { paths: Record<string, [string]> };
};
const alias = Object.entries(tsconfig.compilerOptions.paths).map(([specifier, [target]]) => ({
  find: new RegExp(`^${specifier.replace(/[/.]/g, (c) => `\\${c}`)}$`),
  replacement: new URL(target, import.meta.url).pathname,
}));

// Two projects: fast unit tests next to the code, and end-to-end tests under test/
// (the packed package, the CLI) that need `npm run build` first.
export default defineConfig({
  // Automatic control: the awaits of the code under test are scheduling points in explore().
  plugins: [frayRace()],
  resolve: { alias },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          typecheck: {
            enabled: true,
            include: ['src/**/*.test-d.ts'],
            tsconfig: './tsconfig.typetests.json',
          },
        },
      },
      {
        // The example service's own suite, as a user would set it up: fray/leaks on.
        extends: true,
        test: {
          name: 'examples',
          include: ['examples/**/*.test.ts'],
          setupFiles: ['examples/shop/test/setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
