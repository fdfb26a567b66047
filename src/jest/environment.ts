/**
 * `fray/jest/environment` — Jest's Node test environment with fray: set
 * `testEnvironment: 'fray/jest/environment'` and every test file gets fray's matchers and
 * fray/leaks. Options: `testEnvironmentOptions: { frayLeaks: { checks, allow } }` (JSON)
 * and `FRAY_LEAKS`.
 *
 * Jest's Node environment (`jest-environment-node`) is loaded when Jest constructs this
 * one, from the project's root first, so this module imports cleanly where Jest is not
 * installed.
 *
 * @example
 * ```js
 * // jest.config.js
 * export default {
 *   testEnvironment: 'fray/jest/environment',
 *   testEnvironmentOptions: { frayLeaks: { checks: { lateActivity: 'warn' } } },
 * };
 * ```
 *
 * @module
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { RunnerSetupError } from '../errors/index.ts';
import {
  withFrayLeaks,
  type JestEnvironmentArguments,
  type JestEnvironmentClass,
} from './with-fray-leaks.ts';

const environments = new Map<string, JestEnvironmentClass>();

/** Jest's Node environment class, resolved from the project, then from Jest, then from fray. */
function nodeEnvironment(rootDir: string | undefined): JestEnvironmentClass {
  const key = rootDir ?? '';
  const cached = environments.get(key);
  if (cached !== undefined) return cached;
  const bases = [
    ...(rootDir === undefined ? [] : [join(rootDir, 'package.json')]),
    join(process.cwd(), 'package.json'),
    import.meta.url,
  ];
  const failures: unknown[] = [];
  for (const base of bases) {
    const require = createRequire(base);
    for (const from of [undefined, 'jest-config', 'jest']) {
      try {
        const path =
          from === undefined
            ? require.resolve('jest-environment-node')
            : createRequire(require.resolve(from)).resolve('jest-environment-node');
        const module = require(path) as {
          TestEnvironment?: JestEnvironmentClass;
          default?: JestEnvironmentClass;
        };
        const Environment = module.TestEnvironment ?? module.default;
        if (typeof Environment === 'function') {
          const extended = withFrayLeaks(Environment);
          environments.set(key, extended);
          return extended;
        }
      } catch (error) {
        failures.push(error);
      }
    }
  }
  throw new RunnerSetupError(
    "fray/jest/environment could not load Jest's Node environment (jest-environment-node).",
    'install Jest in the project (`npm install -D jest`), or extend your own environment with withFrayLeaks() from fray/jest.',
    failures.at(-1),
  );
}

/**
 * Jest's Node environment extended with fray. Jest constructs it; the instance is the
 * extended Node environment.
 *
 * @example
 * ```js
 * export default { testEnvironment: 'fray/jest/environment' };
 * ```
 */
export default class FrayNodeEnvironment {
  constructor(config: JestEnvironmentArguments, context: unknown) {
    const Environment = nodeEnvironment(config.projectConfig?.rootDir);
    return new Environment(config, context);
  }
}
