/**
 * A level ends at its deadline whatever the target does: a target that never answers,
 * trickles a body or never reads cannot stretch a level to the request timeout. What was
 * still running is aborted and counted as interrupted — apart from errors — and gates that
 * cannot be decided without those requests say so. A throwing `onProgress` stops the run
 * with a coded error instead of killing the process.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { checkGates } from './gates.ts';
import { load } from './load.ts';

const never = (): Promise<void> => new Promise<void>(() => undefined);

let server: Server;
let base = '';
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/trickle') {
      // Headers, then one byte now and then: the body never ends within the test.
      res.writeHead(200, { 'content-length': '1000000' });
      const drip = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(drip));
    } else if (req.url === '/ok') {
      res.end('ok');
    }
    // Anything else: never answered.
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('a level ends at its deadline', () => {
  test('closed model, a target that never answers: aborted at the deadline, counted as interrupted, not as errors', async () => {
    // Act
    const report = await load(never, { concurrency: 4, duration: '300ms', timeout: '20s' });

    // Assert
    const [level] = report.levels;
    expect(level).toMatchObject({
      requests: 0,
      interrupted: 4,
      errors: {},
      errorRate: 0,
      successRate: 0,
      stoppedBy: 'duration',
    });
    expect(level?.interruptedMinMs).toBeGreaterThanOrEqual(300);
    // It ended long before the 20 s request timeout would have.
    expect(report.durationMs).toBeLessThan(20_000);
  });

  test('a count-bound level cut by maxDuration says time-limit and how many were interrupted', async () => {
    let calls = 0;
    const target = (): Promise<void> => (++calls <= 10 ? Promise.resolve() : never());

    const report = await load(target, {
      concurrency: 2,
      requests: 20,
      maxDuration: '300ms',
      timeout: '20s',
      warmup: 0,
    });

    expect(report.levels[0]).toMatchObject({ requests: 10, interrupted: 2, stoppedBy: 'time-limit' });
    expect(report.durationMs).toBeLessThan(20_000);
  });

  test.each([
    ['never answers', '/hang'],
    ['trickles its body', '/trickle'],
  ])(
    'open model against a URL that %s: the worker aborts what is in flight at the deadline',
    async (_what, path) => {
      const report = await load(base, { request: { path }, rate: 20, duration: '400ms', timeout: '20s' });

      const [level] = report.levels;
      expect(level?.requests).toBe(0);
      expect(level?.interrupted).toBeGreaterThan(0);
      expect(level?.errors).toEqual({});
      expect(level?.stoppedBy).toBe('duration');
      expect(report.durationMs).toBeLessThan(20_000);
    },
  );

  test('a target that answers keeps every request: nothing is interrupted', async () => {
    const report = await load(base, { request: { path: '/ok' }, concurrency: 2, duration: '300ms' });

    expect(report.levels[0]?.interrupted).toBe(0);
    expect(report.levels[0]?.requests).toBeGreaterThan(0);
  });
});

describe('gates on a level with interrupted requests', () => {
  test('errorRate: 0 is not a pass when requests never finished; a latency limit they all exceeded fails', async () => {
    let calls = 0;
    const target = (): Promise<void> => (++calls <= 50 ? Promise.resolve() : never());
    const report = await load(target, { concurrency: 2, duration: '300ms', timeout: '20s', warmup: 0 });

    const check = checkGates(report, { errorRate: 0, p99: '< 50ms', p50: '< 10s' }, { allowInvalid: true });

    const status = Object.fromEntries(check.results.map((result) => [result.gate, result.status]));
    expect(status).toEqual({ errorRate: 'inconclusive', p99: 'fail', p50: 'inconclusive' });
    expect(check.pass).toBe(false);
    expect(check.results[0]?.message).toMatch(/2 requests were still running when the level ended/);
  });
});

describe('a throwing onProgress callback', () => {
  test('in-process: stops the run and rejects with FRAY_LOAD_CALLBACK, keeping what was measured', async () => {
    const error = await load(() => Promise.resolve(), {
      concurrency: 1,
      duration: '20s',
      onProgress: () => {
        throw new Error('progress bar broke');
      },
    }).catch((e: unknown) => e);

    expect(isFrayError(error) && error.code).toBe('FRAY_LOAD_CALLBACK');
    expect((error as Error).message).toContain('onProgress threw Error: progress bar broke');
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect((error as { report: { aborted: boolean } }).report.aborted).toBe(true);
  });

  test('URL target (worker thread): the same, instead of an uncaught exception', async () => {
    const error = await load(base, {
      request: { path: '/ok' },
      concurrency: 1,
      duration: '20s',
      onProgress: () => {
        throw new TypeError('nope');
      },
    }).catch((e: unknown) => e);

    expect(isFrayError(error) && error.code).toBe('FRAY_LOAD_CALLBACK');
  });
});
