// fray's assertions under node:test, registered on t.assert by fray/node-test/setup. One test
// fails on purpose, to show the failure message node:test prints.
import { test } from 'node:test';
import { asyncMock } from 'fray/mock';

test('assertions: awaited once with equal arguments', async (t) => {
  const save = asyncMock().resolves('ok');
  await save({ id: 7, tags: ['a'] });
  t.assert.awaitedOnceWith(save, { id: 7, tags: ['a'] });
  t.assert.awaitedTimes(save, 1);
});

test('assertions: fails on purpose when a mock was never awaited', (t) => {
  const save = asyncMock();
  t.assert.awaited(save);
});
