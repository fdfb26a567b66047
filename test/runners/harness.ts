/**
 * Shared by the runner end-to-end tests: run a sample suite in its runner as a subprocess,
 * against the built package (`dist/`, reached through the package's self-reference), and
 * read back what fray/leaks reported (one JSON line per leak, through FRAY_LEAKS_REPORT).
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const samples = join(root, 'test/runners/samples');
const plants = join(samples, 'shared/plants.js');

/** The built entry points the samples load; all must exist for the suites to mean anything. */
const builtEntries = [
  'dist/leaks/index.js',
  'dist/vitest/setup.js',
  'dist/vitest/index.js',
  'dist/node-test/setup.js',
  'dist/jest/environment.js',
];

/** Whether `dist/` is there (`npm test` builds before it runs the tests). */
export const built = builtEntries.every((entry) => existsSync(join(root, entry)));

// Under CI these suites must run: a missing dist/ is a broken pipeline, not a reason to skip.
if (!built && /^(1|true)$/i.test(process.env['CI'] ?? '')) {
  throw new Error(
    'CI=true but dist/ is missing: the runner end-to-end tests must run in CI (npm test builds first).',
  );
}

/** Printed once by each runner file when `dist/` is missing. */
export const notBuilt =
  'test/runners: dist/ is missing, skipping the runner end-to-end tests; run `npm run build` first (npm test does).';

/** What a leak looks like in the report file. */
export interface ReportedLeak {
  readonly check: string;
  readonly level: 'error' | 'warn';
  readonly kind: string;
  readonly description: string;
  readonly location: string | null;
  readonly test: {
    readonly name: string;
    readonly fullName: string;
    readonly file: string | null;
    readonly runner: string;
  };
  readonly afterEnd: boolean;
}

/** A finished subprocess. */
export interface Finished {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Every leak fray reported, in order. */
  readonly leaks: readonly ReportedLeak[];
  /** The run's scratch directory (report files, reporter output). */
  readonly dir: string;
}

/** What the planted suite must report: the shared expectation file. */
export interface ExpectedLeak {
  readonly test: string;
  readonly check: string;
  readonly marker: string;
  readonly afterEnd: boolean;
}

export const expected = JSON.parse(readFileSync(join(samples, 'shared/expected-leaks.json'), 'utf8')) as {
  readonly leaks: readonly ExpectedLeak[];
  readonly passing: readonly string[];
};

/** `plants.js:<line>` of a `// leak: <marker>` comment. */
export function plantedAt(marker: string): string {
  const lines = readFileSync(plants, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.trimEnd().endsWith(`// leak: ${marker}`));
  if (index === -1) throw new Error(`no "// leak: ${marker}" in ${plants}`);
  return `plants.js:${index + 1}`;
}

/** A reported leak reduced to what the planted suite asserts: test, check, line, lateness. */
export function summarise(leak: ReportedLeak): {
  test: string;
  check: string;
  at: string | null;
  afterEnd: boolean;
} {
  const at = leak.location === null ? null : basename(leak.location).replace(/:\d+$/, '');
  return { test: leak.test.name, check: leak.check, at, afterEnd: leak.afterEnd };
}

/** The planted suite's expectation in the same shape. */
export function expectedSummaries(): { test: string; check: string; at: string; afterEnd: boolean }[] {
  return expected.leaks.map((leak) => ({
    test: leak.test,
    check: leak.check,
    at: plantedAt(leak.marker),
    afterEnd: leak.afterEnd,
  }));
}

function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
  // The parent runs inside Vitest; the child must not think it does.
  for (const key of Object.keys(env)) {
    if (key.startsWith('VITEST') || key === 'NODE_TEST_CONTEXT' || key === 'NODE_OPTIONS') delete env[key];
  }
  return env;
}

/**
 * Run `node <args>` in `cwd` with a fresh report file; never rejects on a non-zero exit.
 * `args` and `env` values may contain `{dir}`, replaced by the run's scratch directory.
 */
export async function runNode(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeout?: number } = {},
): Promise<Finished> {
  const dir = await mkdtemp(join(tmpdir(), 'fray-runners-'));
  const report = join(dir, 'leaks.jsonl');
  const finished = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      args.map((arg) => arg.replaceAll('{dir}', dir)),
      {
        cwd: options.cwd ?? root,
        env: environment({
          FRAY_LEAKS_REPORT: report,
          ...Object.fromEntries(
            Object.entries(options.env ?? {}).map(([k, v]) => [k, v.replaceAll('{dir}', dir)]),
          ),
        }),
        timeout: options.timeout ?? 150_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
  const leaks = existsSync(report)
    ? readFileSync(report, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as ReportedLeak)
    : [];
  return { ...finished, leaks, dir };
}

/** Remove a run's scratch directory. */
export function cleanUp(run: Finished | undefined): Promise<void> {
  return run === undefined ? Promise.resolve() : rm(run.dir, { recursive: true, force: true });
}

/** Binaries, run with this Node. */
export const bin = {
  vitest: join(root, 'node_modules/vitest/vitest.mjs'),
  jest: join(root, 'node_modules/jest/bin/jest.js'),
};
