/**
 * Per-call cost of an awaited mock call: fray's asyncMock against vi.fn, jest-mock,
 * node:test's mock.fn, sinon and a plain async function, in one run. Each task awaits a
 * batch of calls (so timer resolution does not dominate) and clears the mock's history
 * between batches, for every tool alike.
 *
 * fray captures the call site of a mock's first 1,000 calls (to name the line of a
 * floating promise); a second fray row shows the cost when every call captures one.
 *
 * Run: npm run bench mock
 *
 * @module
 */
import { mock as nodeMock } from 'node:test';
import { ModuleMocker } from 'jest-mock';
import sinon from 'sinon';
import { vi } from 'vitest';
import { asyncMock, mockObject } from '../../src/mock/index.ts';
import { environment, measure, printRatios } from '../table.ts';

const BATCH = 1_000;
const value = { id: '1', name: 'Ada' };
type Call = (i: number) => Promise<typeof value>;

function batch(call: (i: number) => unknown, clear: () => void): () => Promise<void> {
  return async () => {
    for (let i = 0; i < BATCH; i++) await call(i);
    clear();
  };
}

const fray = asyncMock<Call>().resolves(value);
// A member the spec does not declare `async` (most library methods), made async by
// resolves(): the call goes through the proxy that decided its kind.
class Repository {
  getById(_i: number): Promise<typeof value> {
    return Promise.resolve(value);
  }
}
const decided = mockObject(Repository).getById.resolves(value);
const frayEverySite = asyncMock<Call>(undefined, { callSiteLimit: Infinity }).resolves(value);
const vitest = vi.fn<Call>().mockResolvedValue(value);
const jest = new ModuleMocker(globalThis).fn<Call>().mockResolvedValue(value);
const nodeTest = nodeMock.fn(async (_i: number) => {
  await Promise.resolve();
  return value;
});
const sinonStub = sinon.stub<[number], Promise<typeof value>>().resolves(value);
// eslint-disable-next-line @typescript-eslint/require-await -- the baseline is a plain async function
const plain: Call = async () => value;

process.stdout.write(`${environment()}; ${BATCH} awaited calls per sample\n`);
const results = await measure(
  {
    'plain async function': batch(plain, () => undefined),
    'vi.fn().mockResolvedValue': batch(vitest, () => vitest.mockClear()),
    'fray asyncMock (default)': batch(fray, () => fray.reset()),
    'fray asyncMock (call site on every call)': batch(frayEverySite, () => frayEverySite.reset()),
    'fray mockObject member made async by resolves()': batch(decided, () => decided.reset()),
    'jest-mock fn().mockResolvedValue': batch(jest, () => jest.mockClear()),
    'node:test mock.fn(async)': batch(nodeTest, () => nodeTest.mock.resetCalls()),
    'sinon.stub().resolves': batch(sinonStub, () => sinonStub.resetHistory()),
  },
  { time: 1_000 },
);
const perCall = results.map((r) => ({
  ...r,
  hz: r.hz * BATCH,
  meanNs: r.meanNs / BATCH,
  p99Ns: r.p99Ns / BATCH,
}));
printRatios('Awaited mock call, per call', perCall, 'vi.fn().mockResolvedValue');
