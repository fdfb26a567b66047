import { expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import exported from '../../test/fixtures/load/k6-export.scenario.ts';
import { toK6 } from './k6.ts';

function optionsOf(script: string): {
  scenarios: Record<string, Record<string, unknown>>;
  thresholds: Record<string, string[]>;
} {
  const json = /export const options = (\{[\s\S]*?\n\});/.exec(script)?.[1];
  return JSON.parse(json ?? '{}') as never;
}

test('levels become sequential k6 scenarios, warm-ups are untagged, gates become per-level thresholds', () => {
  const { script, testRun } = toK6(exported, { source: 'shop.scenario.ts' });
  const options = optionsOf(script);
  expect(Object.keys(options.scenarios)).toEqual([
    'warmup_0_c10',
    'level_0_c10',
    'warmup_1_c50',
    'level_1_c50',
  ]);
  expect(options.scenarios['level_0_c10']).toEqual({
    executor: 'constant-vus',
    vus: 10,
    duration: '30s',
    startTime: '35s',
    gracefulStop: '30s',
    tags: { phase: 'measure', level: 'level_0_c10' },
  });
  expect(options.scenarios['warmup_1_c50']).toMatchObject({
    vus: 50,
    duration: '5s',
    startTime: '95s',
    tags: { phase: 'warmup' },
  });
  expect(options.thresholds['http_req_duration{level:level_1_c50}']).toEqual(['p(99)<250', 'p(99.9)<1000']);
  expect(options.thresholds['http_req_failed{level:level_0_c10}']).toEqual(['rate<0.01']);
  expect(options.thresholds['http_reqs{level:level_0_c10}']).toEqual(['rate>=200']);
  expect(script).toContain('http.setResponseCallback(http.expectedStatuses(200, 201));');
  expect(script).toContain('"path": "/products?page=2"');
  expect(script).toContain('"body": "{\\"sku\\":\\"A-1\\",\\"qty\\":2}"');
  expect(script).toContain('"content-type": "application/json"');
  expect(script).toContain('const BASE_URL = (__ENV.BASE_URL || "http://127.0.0.1:3000")');
  expect(testRun).toBeUndefined();
});

test('rates become constant-arrival-rate scenarios; parallelism adds a k6-operator TestRun', () => {
  const { script, testRun } = toK6(
    { request: { path: '/' }, rate: [50, 12.5], duration: '1m', maxInFlight: 200, gates: { dropped: 0 } },
    { baseUrl: 'https://staging.example.com', parallelism: 4, scriptName: 'load.js' },
  );
  const options = optionsOf(script);
  expect(options.scenarios['level_0_r50']).toMatchObject({
    executor: 'constant-arrival-rate',
    rate: 50,
    timeUnit: '1s',
    duration: '60s',
    maxVUs: 200,
  });
  expect(options.scenarios['level_1_r12_5']).toMatchObject({ rate: 750, timeUnit: '1m' });
  expect(options.thresholds['dropped_iterations{level:level_0_r50}']).toEqual(['count<=0']);
  expect(testRun).toContain('kind: TestRun');
  expect(testRun).toContain('parallelism: 4');
  expect(testRun).toContain('file: load.js');
  expect(testRun).toContain('--env BASE_URL=https://staging.example.com');
});

test('a request function cannot be exported', () => {
  let caught: unknown;
  try {
    toK6({ request: () => undefined, concurrency: 1 });
  } catch (error) {
    caught = error;
  }
  expect(isFrayError(caught) && caught.code).toBe('FRAY_LOAD_OPTIONS');
  expect((caught as Error).message).toMatch(/describe the requests declaratively/);
});

test.each([null, undefined, 'load.js', []])(
  '%j is not a scenario: FRAY_LOAD_OPTIONS, not a TypeError',
  (value) => {
    let caught: unknown;
    try {
      toK6(value as never);
    } catch (error) {
      caught = error;
    }
    expect(isFrayError(caught) && caught.code).toBe('FRAY_LOAD_OPTIONS');
    expect((caught as Error).message).toMatch(/expected a scenario object/);
  },
);
