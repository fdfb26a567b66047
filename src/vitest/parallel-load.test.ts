/**
 * fray/vitest warns once per worker when load() runs in a Vitest run with other workers.
 */
import { afterEach, expect, test } from 'vitest';
import { load } from '../load/index.ts';
import { warnAboutParallelLoad } from './parallel-load.ts';

const KEY = Symbol.for('fray.load.beforeRun');

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[KEY];
});

test('with several workers the first load() warns once, with the fix; with one worker nothing is said', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error & { code?: string }): void => {
    if (warning.code === 'FRAY_LOAD_PARALLEL') warnings.push(warning.message);
  };
  process.on('warning', onWarning);
  try {
    warnAboutParallelLoad(4);
    await load(() => Promise.resolve(), { requests: 10, warmup: 0 });
    await load(() => Promise.resolve(), { requests: 10, warmup: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    delete (globalThis as Record<symbol, unknown>)[KEY];
    warnAboutParallelLoad(1);
    await load(() => Promise.resolve(), { requests: 10, warmup: 0 });
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/up to 4 workers .* Run load tests alone/);
});
