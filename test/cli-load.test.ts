/**
 * The `fray` command line, end to end: `fray run`, `fray compare` and `fray k6` spawned as
 * processes on the sources (Node's type stripping), with their exit codes 0/1/2, their
 * files, and one-line errors without stacks for bad input.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { asLoadReport, levelHistogram } from '../src/load/index.ts';
import { lognormalSamples, syntheticLevel, syntheticReport } from './fixtures/load/synthetic.ts';
import { createRandom } from '../src/load/random.ts';
import { fray, type CliResult } from './support/cli.ts';

const fixture = (name: string): string => join('test/fixtures/load', name);

/** A bad-input failure: exit 2, one line `fray: FRAY_…: … Fix: …`, no stack trace. */
function expectUsageError(result: CliResult, code: string): void {
  expect(result.code).toBe(2);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^fray: ${code}: .+ Fix: .+`));
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fray-cli-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('fray run', () => {
  test('runs the scenario, prints the summary and gates, writes report.json and report.html, exits 0', async () => {
    const out = join(dir, 'basic');
    const result = await fray(['run', fixture('basic.scenario.ts'), '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^fray run test\/fixtures\/load\/basic\.scenario\.ts: basic — closed model/,
    );
    expect(result.stdout).toMatch(
      /^level\s+requests\s+throughput\s+p50\s+p90\s+p99\s+p99\.9\s+max\s+errors\s+valid$/m,
    );
    expect(result.stdout).toMatch(/^c=2\s+[\d,]+\s/m);
    expect(result.stdout).toMatch(/gates \(95% confidence bounds\): all hold/);
    // CI=true: no live progress, nothing but errors on stderr.
    expect(result.stderr).toBe('');
    const report = asLoadReport(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')));
    expect(report.levels.map((level) => level.label)).toEqual(['c=2', 'c=4']);
    // Histograms survive the JSON file losslessly.
    const level = report.levels[0];
    expect(levelHistogram(level as never).count).toBe(level?.requests);
    expect(levelHistogram(level as never).summary()).toEqual(level?.latency);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('data-plot="latency-percentiles"');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
  });

  test('named exports, a request function loaded by the worker, the open model', async () => {
    const result = await fray([
      'run',
      fixture('named-exports.scenario.ts'),
      '--out',
      join(dir, 'named'),
      '--no-html',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/open model/);
    expect(result.stdout).toMatch(/^100\/s\s+60\s/m);
  });

  test("transport 'inject' drives the app in-process through fray/http", async () => {
    const result = await fray([
      'run',
      fixture('inject.scenario.ts'),
      '--out',
      join(dir, 'inject'),
      '--no-html',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/target in-process \(fray\/http inject\)/);
  });

  test('a gate that does not hold exits 1', async () => {
    const result = await fray(['run', fixture('failing-gate.scenario.ts'), '--out', join(dir, 'failing')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ c=2: p50 < 1 µs — observed/);
  });

  test('a race check that fails exits 1 with its replay line; the load still runs', async () => {
    const result = await fray([
      'run',
      fixture('races.scenario.ts'),
      '--out',
      join(dir, 'races'),
      '--no-html',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ lostUpdate: .*invariant violated/);
    expect(result.stdout).toMatch(/✓ atomicIncrement: passed/);
    expect(result.stderr).toMatch(/lost update: counter is 1, expected 2/);
    expect(result.stderr).toMatch(/explore\(\{ …, replay: 'fr[12];[^']+' \}\)/);
    expect(result.stdout).toMatch(
      /^ {6}replay: npx fray replay test\/fixtures\/load\/races\.scenario\.ts 'fr[12];[^']+'$/m,
    );
  });

  test('a regression against --baseline exits 1', async () => {
    // A baseline far faster than any real run of this scenario: p50 of 1 µs.
    const baseline = join(dir, 'fast-baseline.json');
    const fast = syntheticLevel({ label: 'c=2', samplesMs: Array.from({ length: 5000 }, () => 0.001) });
    await writeFile(
      baseline,
      // A baseline of the same scenario (its name), or fray refuses it.
      JSON.stringify({
        ...syntheticReport([fast, { ...fast, label: 'c=4', concurrency: 4 }]),
        name: 'regression',
      }),
    );
    const result = await fray([
      'run',
      fixture('regression.scenario.ts'),
      '--out',
      join(dir, 'baseline'),
      '--baseline',
      baseline,
      '--no-html',
    ]);
    expect(result.stdout).toMatch(/against .*fast-baseline\.json:/);
    // A level the machine made unjudgeable (the hypervisor's steal, a thread waiting for a
    // CPU) settles nothing, however far off: exit 3, saying why. Otherwise a regression.
    if (result.code === 3)
      expect(result.stdout).toMatch(/verdict: inconclusive[^]*\? the \w+ level c=\d+ cannot be judged/);
    else {
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/verdict: regression/);
    }
  });

  test.each([
    [['run'], 'FRAY_CLI_USAGE'],
    [['run', fixture('basic.scenario.ts'), '--bogus'], 'FRAY_CLI_USAGE'],
    [['run', 'test/fixtures/load/missing.scenario.ts'], 'FRAY_CLI_FILE'],
    [['run', fixture('no-request.scenario.ts')], 'FRAY_CLI_SCENARIO'],
    [['run', fixture('bad-duration.scenario.ts')], 'FRAY_LOAD_OPTIONS'],
    [['run', fixture('basic.scenario.ts'), '--duration', '10 parsecs'], 'FRAY_LOAD_OPTIONS'],
    [['run', fixture('basic.scenario.ts'), '--metric', 'p42'], 'FRAY_CLI_USAGE'],
    [['launch'], 'FRAY_CLI_USAGE'],
  ])('bad input %j: one line with the code and the fix, exit 2', async (args, code) => {
    expectUsageError(await fray(args), code);
  });

  test.each([
    ['gate options', 'gateOptions: { confidence: 5 },', 'FRAY_LOAD_GATE'],
    ['compare options', "compare: { noise: 'lots' },", 'FRAY_LOAD_COMPARE'],
    ['a race without tasks', 'races: { r: { tasks: 5 } },', 'FRAY_CLI_SCENARIO'],
    // A misspelt check would drop the invariant and pass: refused, naming the option meant.
    [
      'a race option misspelt',
      'races: { r: { tasks: () => ({ a: () => 1 }), chek: () => undefined } },',
      'FRAY_CLI_SCENARIO',
    ],
    ['a race with no runs', 'races: { r: { tasks: () => ({ a: () => 1 }), runs: 0 } },', 'FRAY_CLI_SCENARIO'],
  ])('bad %s exit 2 before the app starts, with nothing written', async (what, line, code) => {
    // Arrange: the basic scenario plus one bad field.
    const file = join(dir, `bad-${what.replaceAll(' ', '-')}.scenario.ts`);
    await writeFile(
      file,
      `export default { app: () => (_req, res) => res.end('ok'), request: { path: '/' }, concurrency: 2, duration: '200ms', ${line} };\n`,
    );
    const out = join(dir, `bad-${what.replaceAll(' ', '-')}`);

    // Act
    const result = await fray(['run', file, '--out', out]);

    // Assert
    expectUsageError(result, code);
    if (what === 'a race option misspelt') expect(result.stderr).toContain("did you mean 'check'?");
    if (what === 'a race with no runs') expect(result.stderr).toContain('explore({ runs })');
    await expect(readFile(join(out, 'report.json'))).rejects.toThrow(/ENOENT/);
  });

  test('a baseline with no level in common exits 2 before the run', async () => {
    // Arrange: a baseline measured at c=1 only; the scenario runs c=2 and c=4.
    const baseline = join(dir, 'c1-baseline.json');
    await writeFile(
      baseline,
      JSON.stringify({
        ...syntheticReport([syntheticLevel({ label: 'c=1', samplesMs: [1, 2, 3] })]),
        name: 'basic',
      }),
    );
    const out = join(dir, 'no-common-level');

    // Act
    const result = await fray(['run', fixture('basic.scenario.ts'), '--out', out, '--baseline', baseline]);

    // Assert
    expectUsageError(result, 'FRAY_LOAD_COMPARE');
    expect(result.stderr).toMatch(/no level in common \(baseline: c=1; current: c=2, c=4\)/);
    await expect(readFile(join(out, 'report.json'))).rejects.toThrow(/ENOENT/);
  });

  test('an app whose close() throws: the reports are still written, one line says why, exit 1', async () => {
    // Arrange
    const file = join(dir, 'close-throws.scenario.ts');
    await writeFile(
      file,
      "export default { app: () => ({ app: (_req, res) => res.end('ok'), close: () => { throw new Error('close boom'); } }), request: { path: '/' }, concurrency: 2, duration: '200ms', leaks: false };\n",
    );
    const out = join(dir, 'close-throws');

    // Act
    const result = await fray(['run', file, '--out', out]);

    // Assert
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/the app failed to shut down: close boom/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const report = asLoadReport(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')));
    expect(report.levels[0]?.requests).toBeGreaterThan(0);
  });

  test('a scenario that does not even parse is bad input too', async () => {
    const broken = join(dir, 'broken.scenario.ts');
    await writeFile(broken, 'export default { request: { path: "/" }, concurrency: 2,, };\n');
    const result = await fray(['run', broken]);
    expectUsageError(result, 'FRAY_CLI_SCENARIO');
    expect(result.stderr).toMatch(/cannot be loaded \(SyntaxError/);
  });
});

describe('fray compare', () => {
  async function saved(name: string, median: number, seed: number): Promise<string> {
    const path = join(dir, name);
    const random = createRandom(seed);
    await writeFile(
      path,
      JSON.stringify(
        syntheticReport([syntheticLevel({ samplesMs: lognormalSamples(random, 3000, median) })]),
      ),
    );
    return path;
  }

  test('exit 1 on a regression, 0 on noise, with ratio and interval', async () => {
    const base = await saved('base.json', 10, 1);
    const same = await saved('same.json', 10, 2);
    const slow = await saved('slow.json', 13, 3);
    const regression = await fray(['compare', base, slow]);
    expect(regression.code).toBe(1);
    expect(regression.stdout).toMatch(
      /^c=10\s+[\d.]+ ms\s+[\d.]+ ms\s+1\.\d{3}×\s+1\.\d{3}–1\.\d{3}\s+histogram-bootstrap\s+regression$/m,
    );
    const noise = await fray(['compare', base, same, '--metric', 'p90']);
    expect(noise.code).toBe(0);
    expect(noise.stdout).toMatch(/verdict: noise/);
    const json = await fray(['compare', base, slow, '--json', '--noise', '10%']);
    expect(JSON.parse(json.stdout)).toMatchObject({ verdict: 'regression', metric: 'p50', noise: 0.1 });
  });

  test('bad input exits 2 with one line', async () => {
    const base = await saved('base2.json', 10, 4);
    const notReport = join(dir, 'not-report.json');
    await writeFile(notReport, '{"hello": 1}');
    expectUsageError(await fray(['compare', base]), 'FRAY_CLI_USAGE');
    expectUsageError(await fray(['compare', base, join(dir, 'nope.json')]), 'FRAY_CLI_FILE');
    expectUsageError(await fray(['compare', base, notReport]), 'FRAY_LOAD_REPORT');
    expectUsageError(await fray(['compare', base, base, '--metric', 'fastest']), 'FRAY_CLI_USAGE');
  });
});

describe('fray k6', () => {
  test('prints a k6 script, or writes it and a k6-operator TestRun', async () => {
    const printed = await fray(['k6', fixture('k6-export.scenario.ts')]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^\/\/ k6 script exported by `fray k6`/);
    expect(printed.stdout).toContain("import http from 'k6/http';");
    const script = join(dir, 'shop.js');
    const written = await fray([
      'k6',
      fixture('k6-export.scenario.ts'),
      '--out',
      script,
      '--parallelism',
      '3',
    ]);
    expect(written.code).toBe(0);
    expect(await readFile(join(dir, 'shop.testrun.yaml'), 'utf8')).toMatch(/parallelism: 3/);
    // The script is valid JavaScript (k6 runs ES modules).
    const mjs = join(dir, 'shop.mjs');
    await writeFile(mjs, await readFile(script, 'utf8'));
    const check = await new Promise<number>((resolve) =>
      execFile(process.execPath, ['--check', mjs], (error) => resolve(error === null ? 0 : 1)),
    );
    expect(check).toBe(0);
  });

  test('a request function cannot be exported: exit 2', async () => {
    expectUsageError(await fray(['k6', fixture('named-exports.scenario.ts')]), 'FRAY_LOAD_OPTIONS');
    expectUsageError(
      await fray(['k6', fixture('basic.scenario.ts'), '--parallelism', '2']),
      'FRAY_CLI_USAGE',
    );
  });
});

test('--help lists the commands; each command has usage', async () => {
  const help = await fray(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^\s+run\s+run a load scenario/m);
  expect(help.stdout).toMatch(/^\s+compare\s+/m);
  expect(help.stdout).toMatch(/^\s+k6\s+/m);
  const usage = await fray(['run', '--help']);
  expect(usage.stdout).toMatch(/^Usage: fray run <scenario\.ts> \[options\]/);
  expect(usage.stdout).toMatch(/Exit codes: 0 every gate holds, 1 a gate/);
});
