/**
 * Bad input to the `fray` commands: a coded one-line error, exit 2, nothing written and
 * nothing measured in vain — unwritable outputs are refused before the run, a scenario that
 * throws in `fray replay` is one line, a baseline of another scenario is refused.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, afterEach, describe, expect, test } from 'vitest';
import { explore } from '../race/index.ts';
import { lognormalSamples, syntheticLevel, syntheticReport } from '../../test/fixtures/load/synthetic.ts';
import { createRandom } from '../load/random.ts';
import type { CliIO } from './command.ts';
import { breaks, lostUpdate } from './fixtures/throwing-replay.ts';
import { main } from './main.ts';

const root = new URL('../..', import.meta.url).pathname;
const scenario = join(root, 'test/fixtures/load/basic.scenario.ts');
let dir = '';

function capture(cwd: string): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return {
    io: { stdout, stderr, cwd, env: { CI: 'true', NO_COLOR: '1' } },
    out: () => out,
    err: () => err,
  };
}

function oneCodedLine(text: string, code: string): void {
  const lines = text.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^fray: ${code}: `));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fray-bad-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('unwritable outputs are refused before anything runs', () => {
  test('fray run --out under a file: FRAY_CLI_FILE, exit 2, no load', async () => {
    const { io, out, err } = capture(root);

    const code = await main(['run', scenario, '--out', `${scenario}/x`], io);

    expect(code).toBe(2);
    oneCodedLine(err(), 'FRAY_CLI_FILE');
    expect(err()).toContain('is a file, not a directory');
    expect(out()).toBe('');
  });

  test('fray run where report.html is a directory: refused, report.json not written', async () => {
    const target = join(dir, 'html-is-dir');
    await mkdir(join(target, 'report.html'), { recursive: true });
    const { io, err } = capture(root);

    const code = await main(['run', scenario, '--out', target], io);

    expect(code).toBe(2);
    oneCodedLine(err(), 'FRAY_CLI_FILE');
    expect(err()).toContain('report.html: is a directory');
    expect(await readdir(target)).toEqual(['report.html']);
  });

  test('fray k6 --out . is refused; --out into a missing directory creates it', async () => {
    const cwd = join(dir, 'k6');
    await mkdir(cwd, { recursive: true });
    const refused = capture(cwd);
    const made = capture(cwd);

    const refusedCode = await main(['k6', scenario, '--out', '.'], refused.io);
    const madeCode = await main(['k6', scenario, '--out', 'no/dir/k.js'], made.io);

    expect(refusedCode).toBe(2);
    oneCodedLine(refused.err(), 'FRAY_CLI_FILE');
    expect(refused.err()).toContain('is a directory, not a file');
    expect(madeCode).toBe(0);
    expect(await readFile(join(cwd, 'no/dir/k.js'), 'utf8')).toContain('export const options');
  });
});

describe('fray replay: a scenario that throws is one coded line, never a stack trace', () => {
  afterEach(() => {
    breaks.setup = false;
    breaks.dispose = false;
  });

  async function replayString(): Promise<string> {
    const result = await explore({ ...lostUpdate, seed: 3, quiet: true });
    return result.failure?.replay ?? '';
  }

  test.each([
    // A hook explore() runs fails as fray/race names it: which hook, in which run.
    ['setup', 'ECONNREFUSED', 'FRAY_RACE_HOOK_FAILED'],
    ['dispose', 'pool.end is not a function', 'FRAY_CLI_SCENARIO'],
  ] as const)('its %s throws: %s, one coded line (%s), exit 2', async (part, message, code) => {
    const replay = await replayString();
    breaks[part] = true;
    const { io, err } = capture(root);

    const exit = await main(['replay', 'src/cli/fixtures/throwing-replay.ts', replay], io);

    expect(exit).toBe(2);
    oneCodedLine(err(), code);
    expect(err()).toContain(message);
  });
});

describe('a baseline from another scenario', () => {
  test('fray run refuses it before running, naming both scenarios', async () => {
    const random = createRandom(7);
    const other = {
      ...syntheticReport([syntheticLevel({ samplesMs: lognormalSamples(random, 200, 5), label: 'c=2' })]),
      name: 'checkout',
    };
    const baseline = join(dir, 'other-baseline.json');
    await writeFile(baseline, JSON.stringify(other));
    const { io, out, err } = capture(root);

    const code = await main(['run', scenario, '--baseline', baseline, '--out', join(dir, 'b')], io);

    expect(code).toBe(2);
    oneCodedLine(err(), 'FRAY_CLI_USAGE');
    expect(err()).toContain("scenario 'checkout'");
    expect(err()).toContain("'basic'");
    expect(out()).toBe('');
  });
});
