import { afterAll, beforeAll, test } from '@jest/globals';
import { setTimeout } from 'node:timers/promises';
import * as plants from '../shared/plants.js';

beforeAll(() => plants.startPeer());
afterAll(() => plants.cleanUpPlants());

test('floats a mock call', () => plants.floatMockCall());
test('rejects without a handler', () => plants.rejectWithoutHandler());
test('leaves an interval running', () => plants.startInterval());
test('leaves a server listening', () => plants.listenAndForget());
test('leaves a socket open', () => plants.connectAndForget());
test('leaves a child process running', () => plants.spawnAndForget());
test('leaves a file descriptor open', () => plants.openAndForget());
test('leaves crypto work in flight', () => plants.startCryptoWork());
test('arms a rejection that fires during a later test', () => plants.armRejection());
test('starts work that outlives it', () => plants.startWorkThatOutlivesTheTest());
test('fires the armed rejection and releases the work', () => plants.fireArmedRejectionAndReleaseWork());
test('is clean', async () => {
  await setTimeout(1);
});
