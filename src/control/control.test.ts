import { describe, expect, test } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { activeController, runWithController, type Operation, type OperationController } from './index.ts';

/** A controller that records operations and starts them in reverse order of arrival. */
function lifoController(): OperationController & { seen: Operation[]; release(): void } {
  const seen: Operation[] = [];
  const starts: (() => void)[] = [];
  return {
    seen,
    run<T>(operation: Operation, start: () => T | PromiseLike<T>): Promise<T> {
      seen.push(operation);
      return new Promise<T>((resolve, reject) => {
        starts.push(() => {
          Promise.resolve(start()).then(resolve, reject);
        });
      });
    },
    release() {
      for (const start of starts.reverse()) start();
    },
  };
}

describe('fray/control', () => {
  test('no controller is active outside runWithController', () => {
    expect(activeController()).toBeUndefined();
  });

  test('the controller follows async continuations', async () => {
    const controller = lifoController();

    const seenInside = await runWithController(controller, async () => {
      await Promise.resolve();
      return activeController();
    });

    expect(seenInside).toBe(controller);
    expect(activeController()).toBeUndefined();
  });

  test('fray mocks hand their calls to the active controller, which decides the order', async () => {
    // Arrange
    const controller = lifoController();
    const log: string[] = [];
    const write = asyncMock(
      (key: string) => {
        log.push(key);
      },
      { name: 'store.write' },
    );

    // Act
    const done = runWithController(controller, () => Promise.all([write('a'), write('b')]));
    expect(log).toEqual([]);
    controller.release();
    await done;

    // Assert
    expect(controller.seen).toEqual([
      { kind: 'mock', label: 'store.write', args: ['a'] },
      { kind: 'mock', label: 'store.write', args: ['b'] },
    ]);
    expect(log).toEqual(['b', 'a']);
    expect(write.awaitCount).toBe(2);
  });
});
