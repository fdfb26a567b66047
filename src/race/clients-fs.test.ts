/**
 * `fs.promises`, unwrapped: a counter kept in a file. Each read and write is real work fray
 * waits for; the awaits after them are decisions.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { lostUpdate, type CounterStore } from './fixtures/clients/counter.ts';
import { expectFoundAndReplayed } from './fixtures/clients/verdicts.ts';

describe('fs.promises, unwrapped', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fray-race-fs-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a counter in a file: the lost update is found and replays exactly (seed 51)', async () => {
    const file = join(dir, 'counter');
    const store: CounterStore = {
      reset: () => writeFile(file, '100'),
      read: async () => Number(await readFile(file, 'utf8')),
      write: (value) => writeFile(file, String(value)),
      add: () => Promise.reject(new Error('a file has no atomic add')),
      current: async () => Number(await readFile(file, 'utf8')),
    };
    await expectFoundAndReplayed(lostUpdate('file counter lost update', store), 51);
  });
});
