/**
 * The package as users get it: `npm pack`, install the tarball into a scratch project,
 * import every subpath from `exports` (JavaScript and TypeScript), run the `fray` bin, and
 * check that stack traces and source maps point at files the package ships.
 * Needs `npm run build` first (`npm test` does it).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  exports: Record<string, unknown>;
};
const subpaths = Object.keys(manifest.exports)
  .filter((key) => key !== './package.json')
  .map((key) => `${manifest.name}${key.slice(1)}`);

let scratch = '';
/** The paths the tarball holds (`package/` stripped). */
let packedFiles: readonly string[] = [];

function installedVersion(name: string): string {
  const installed = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return installed.version;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'fray-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], {
    cwd: root,
  });
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  packedFiles = packed.files.map((file) => file.path);
  await writeFile(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch', private: true, type: 'module' }),
  );
  // What a TypeScript consumer of fray has besides fray: Node's types, and Vitest for
  // fray/vitest (an optional peer). Same versions as this repository uses.
  const consumerDeps = ['@types/node', 'vitest'].map((name) => `${name}@${installedVersion(name)}`);
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      join(scratch, packed.filename),
      ...consumerDeps,
    ],
    { cwd: scratch },
  );
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the packed package', () => {
  test('exports at least the core subpaths', () => {
    expect(subpaths).toEqual(expect.arrayContaining(['fray/errors', 'fray/mock', 'fray/vitest']));
  });

  test('every subpath imports from a plain Node project', async () => {
    const script = `for (const s of ${JSON.stringify(subpaths)}) { const m = await import(s); if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing'); } console.log('ok');`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: scratch });
    expect(stdout.trim()).toBe('ok');
  });

  test('every subpath is require()-able from CommonJS (Node ≥ 22.12: no top-level await anywhere)', async () => {
    const script = `for (const s of ${JSON.stringify(subpaths)}) { const m = require(s); if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing'); } console.log('ok');`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: scratch });
    expect(stdout.trim()).toBe('ok');
  });

  test('every subpath has types a strict TypeScript project resolves', async () => {
    const source = subpaths.map((s, i) => `import * as m${i} from '${s}';\nvoid m${i};`).join('\n');
    await writeFile(join(scratch, 'check.ts'), source);
    await writeFile(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          noEmit: true,
          types: ['node'],
          skipLibCheck: false,
          lib: ['ES2023', 'ESNext.Disposable', 'DOM'],
        },
        files: ['check.ts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: scratch }).catch(
      (error: { stdout: string }) => error,
    );
    expect(result.stdout).toBe('');
  });

  test('the fray bin prints its version and help', async () => {
    const bin = join(scratch, 'node_modules', '.bin', 'fray');
    const version = await run(bin, ['--version'], { cwd: scratch });
    const help = await run(bin, ['--help'], { cwd: scratch });
    expect(version.stdout.trim()).toBe(manifest.version);
    expect(help.stdout).toContain('Usage: fray <command>');
  });

  test('every source map points at files the package ships (sources and declarations)', async () => {
    // Arrange
    const shipped = new Set(packedFiles);
    const maps = packedFiles.filter((path) => path.endsWith('.js.map') || path.endsWith('.d.ts.map'));

    // Act
    const missing: string[] = [];
    for (const path of maps) {
      const map = JSON.parse(await readFile(join(scratch, 'node_modules', manifest.name, path), 'utf8')) as {
        sources: string[];
        sourceRoot?: string;
      };
      for (const source of map.sources) {
        const target = posix.join(posix.dirname(path), map.sourceRoot ?? '', source);
        if (!shipped.has(target)) missing.push(`${path} -> ${target}`);
      }
    }

    // Assert
    expect(maps.length).toBeGreaterThan(100);
    expect(missing).toEqual([]);
    expect(packedFiles.filter((path) => /\.test(-d)?\.ts$|\/fixtures\//.test(path))).toEqual([]);
  });

  test('a Vitest run with fray loads without source-map warnings, and its frames name files that exist', async () => {
    // Arrange — the race plugin, the leak setup file, and a test that leaves a floating call.
    await writeFile(
      join(scratch, 'vitest.config.ts'),
      "import { defineConfig } from 'vitest/config';\nimport { frayRace } from 'fray/race/vite';\nexport default defineConfig({ plugins: [frayRace()], test: { include: ['leaky.test.ts'], setupFiles: ['fray/vitest/setup'] } });\n",
    );
    await writeFile(
      join(scratch, 'leaky.test.ts'),
      "import { test } from 'vitest';\nimport { asyncMock } from 'fray/mock';\ntest('leaks a call', () => { void asyncMock().named('mailer.send')('a@example.com'); });\n",
    );
    const vitest = join(scratch, 'node_modules', 'vitest', 'vitest.mjs');

    // Act
    const result = await run(process.execPath, [vitest, 'run'], {
      cwd: scratch,
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    }).catch((error: { stdout: string; stderr: string }) => error);
    const output = `${result.stdout}\n${result.stderr}`;
    const frames = [...output.matchAll(/node_modules\/fray\/([\w./-]+\.[jt]s)/g)].map(
      (match) => match[1] ?? '',
    );

    // Assert
    expect(output).toContain('LeaksFoundError: fray/leaks: test "leaks a call"');
    expect(output).not.toMatch(/points to missing source files/i);
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(packedFiles).toContain(frame);
  });

  test('an unknown command exits 2 with a one-line coded error and no stack', async () => {
    const bin = join(scratch, 'node_modules', '.bin', 'fray');
    const failure = await run(bin, ['frobnicate'], { cwd: scratch }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/^fray: FRAY_CLI_USAGE: unknown command 'frobnicate'\./);
    expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
  });
});
