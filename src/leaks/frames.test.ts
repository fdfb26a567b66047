import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { classify, displayLocation, frameKind, frameLocation } from './frames.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('frame locations', () => {
  test.each([
    ['    at save (file:///app/src/repo.ts:12:5)', '/app/src/repo.ts:12:5'],
    ['    at async Promise.all (index 0)', 'index 0'],
    ['    at /app/test/a.test.ts:3:1', '/app/test/a.test.ts:3:1'],
    ['    at new Timeout (node:internal/timers:259:5)', 'node:internal/timers:259:5'],
    ['    at eval (eval at run (file:///app/x.js:1:2), <anonymous>:1:1)', '/app/x.js:1:2'],
    ['    at Array.map (<anonymous>)', undefined],
    ['Error: message', undefined],
  ])('%s', (line, expected) => {
    expect(frameLocation(line)).toBe(expected);
  });
});

describe('whose code a frame is', () => {
  test.each([
    ['node:internal/timers:259:5', 'node'],
    ['node:internal/test_runner/test:1402:25', 'runner'],
    ['wasm://wasm/022a9842:wasm-function[13525]:0x62409f', 'node'],
    ['/app/node_modules/vitest/dist/chunks/run.js:1:1', 'runner'],
    ['/app/node_modules/.pnpm/@vitest+runner@5/node_modules/@vitest/runner/dist/index.js:1:1', 'runner'],
    ['/app/node_modules/jest-circus/build/index.js:1:1', 'runner'],
    ['/app/node_modules/express/lib/application.js:1:1', 'library'],
    ['/app/src/server.ts:4:2', 'first-party'],
    [`${root}src/db/pool.ts:1:1`, 'fray'],
    [`${root}dist/http/inject.js:1:1`, 'fray'],
    [`${root}src/leaks/detector.ts:1:1`, 'leaks'],
    [`${root}src/leaks/handles.test.ts:1:1`, 'first-party'],
    [`${root}src/db/fixtures/app.ts:1:1`, 'first-party'],
    // fray/race's stand-ins for Node's timers and crypto only pass the call on, like Node's own.
    [`${root}src/race/virtual-globals.ts:1:1`, 'node'],
    [`${root}dist/race/virtual-globals.js:1:1`, 'node'],
  ])('%s is %s', (location, kind) => {
    expect(frameKind(location)).toBe(kind);
  });
});

describe('whose code created something', () => {
  test('the first frame of the user’s own code, past Node and libraries', () => {
    expect(
      classify([
        'node:net:1573:7',
        '/app/node_modules/pg/lib/client.js:1:1',
        '/app/src/db.ts:9:3',
        '/app/test/a.test.ts:3:1',
      ]),
    ).toEqual({ origin: 'user', location: '/app/src/db.ts:9:3' });
  });

  test('fray when the first own frame is fray’s (its pools, its PGlite)', () => {
    expect(
      classify(['node:net:1573:7', '/app/node_modules/pg-pool/index.js:1:1', `${root}dist/db/pool.js:3:1`]),
    ).toEqual({
      origin: 'fray',
      location: `${root}dist/db/pool.js:3:1`,
    });
  });

  test('the runner when only its frames are in sight; a library otherwise', () => {
    expect(classify(['node:timers:1:1', '/app/node_modules/vitest/dist/run.js:1:1']).origin).toBe('runner');
    expect(classify(['node:timers:1:1', '/app/node_modules/undici/lib/pool.js:1:1'])).toEqual({
      origin: 'user',
      location: '/app/node_modules/undici/lib/pool.js:1:1',
    });
  });

  test('Node itself when no JavaScript caller is in sight', () => {
    expect(classify(['node:net:2345:30', 'node:internal/process/task_queues:90:21'])).toEqual({
      origin: 'internal',
      location: undefined,
    });
  });
});

test('locations inside the working directory are shown relative to it', () => {
  expect(displayLocation('/work/app/test/a.test.ts:3:1', '/work/app')).toBe('test/a.test.ts:3:1');
  expect(displayLocation('/elsewhere/a.ts:1:1', '/work/app')).toBe('/elsewhere/a.ts:1:1');
  expect(displayLocation(undefined, '/work/app')).toMatch(/^an unknown place/);
});
