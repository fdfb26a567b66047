import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { explore } from '../../race/index.ts';
import { counter, disposed } from '../../race/fixtures/cli/scenarios.ts';
import type { CliIO } from '../command.ts';
import { main } from '../main.ts';

const SCENARIOS = 'src/race/fixtures/cli/scenarios.ts';

function capture(env: Record<string, string | undefined> = {}): {
  io: CliIO;
  out: () => string;
  err: () => string;
} {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return {
    io: { stdout, stderr, cwd: process.cwd(), env: { ...process.env, ...env } },
    out: () => out,
    err: () => err,
  };
}

async function replayOf(name: string, atomic: boolean): Promise<string> {
  const result = await explore({ ...counter(name, atomic), seed: 5, quiet: true });
  return result.failure?.replay ?? '';
}

describe('fray replay', () => {
  it('replays a module export and prints the report, pointing at the file (exit 1)', async () => {
    // Arrange
    const replay = await replayOf('lost increment', false);
    const { io, out } = capture();
    const before = disposed.count;
    // Act
    const code = await main(['replay', SCENARIOS, replay], io);
    // Assert
    expect(code).toBe(1);
    expect(out()).toContain('lostIncrement:\nfray/race: invariant violated in "lost increment"');
    expect(out()).toContain('Replayed a recorded schedule');
    expect(out()).toContain(`npx fray replay ${SCENARIOS} '${replay}'`);
    expect(disposed.count).toBe(before + 1);
  });

  it("finds a load scenario's race check by its key, and prints JSON on request", async () => {
    // Arrange
    const replay = await replayOf('racyIncrement', false);
    const { io, out } = capture();
    // Act
    const code = await main(['replay', SCENARIOS, replay, '--json'], io);
    // Assert
    expect(code).toBe(1);
    const json = JSON.parse(out()) as {
      scenario: string;
      ok: boolean;
      strategy: string;
      failure: { replay: string };
    };
    expect(json).toMatchObject({
      scenario: 'default.racyIncrement',
      ok: false,
      strategy: 'replay',
      failure: { replay },
    });
  });

  it('says where the run left the schedule when the string does not fit (exit 2)', async () => {
    // Arrange
    const replay = await replayOf('racyIncrement', false);
    const { io, err } = capture();
    // Act
    const code = await main(['replay', SCENARIOS, replay, '--export', 'atomicIncrement'], io);
    // Assert
    expect(code).toBe(2);
    expect(err()).toMatch(/^fray: FRAY_RACE_REPLAY_DIVERGED: the replayed run left its schedule/);
  });

  it.each([
    [['replay'], 'FRAY_CLI_USAGE'],
    [['replay', SCENARIOS, 'not-a-replay'], 'FRAY_RACE_REPLAY_INVALID'],
    [['replay', 'missing.ts', 'fr1;00000000;1;00000000'], 'FRAY_CLI_FILE'],
    [['replay', SCENARIOS, 'fr1;00000000;1;00000000', '--export', 'nope'], 'FRAY_CLI_SCENARIO'],
    [['replay', SCENARIOS, 'fr1;00000000;1;00000000'], 'FRAY_CLI_SCENARIO'],
  ])('fails cleanly on %j (%s, exit 2)', async (argv, code) => {
    // Arrange
    const { io, err } = capture();
    // Act
    const exit = await main(argv, io);
    // Assert
    expect(exit).toBe(2);
    expect(err()).toContain(`fray: ${code}:`);
  });

  it('runs a test file through Vitest with FRAY_RACE_REPLAY set', async () => {
    // Arrange
    const replay = await replayOf('lost increment', false);
    const { io, out, err } = capture();
    // Act
    const code = await main(['replay', 'src/race/fixtures/cli/replayable.test.ts', replay], io);
    // Assert
    expect(err()).toContain(
      'running src/race/fixtures/cli/replayable.test.ts with Vitest and FRAY_RACE_REPLAY set',
    );
    expect(`${out()}${err()}`).toContain(`fray-replay-fixture strategy=replay replay=${replay}`);
    // The replay's exit code, not Vitest's: the test asserting the race passed, the schedule fails.
    expect(code).toBe(1);
  }, 120_000);

  it('says so when no explore() in the test file takes the string (exit 2)', async () => {
    // Arrange: a string recorded from another scenario than the file's.
    const replay = await replayOf('racyIncrement', false);
    const { io, err } = capture();
    // Act
    const code = await main(['replay', 'src/race/fixtures/cli/replayable.test.ts', replay], io);
    // Assert
    expect(code).toBe(2);
    expect(err()).toMatch(/fray: FRAY_CLI_SCENARIO: .*no explore\(\) in it took the replay string/);
  }, 120_000);
});
