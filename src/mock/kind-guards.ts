/**
 * A member mocked as one kind (async or sync) whose test treats it as the other: name the
 * mismatch and its fix instead of failing with "is not a function".
 *
 * @module
 */
import { MockUsageError } from '../errors/index.ts';

/** Methods only async mocks have. */
export const ASYNC_ONLY = [
  'resolves',
  'rejects',
  'resolvesOnce',
  'rejectsOnce',
  'sequence',
  'nextCall',
  'hold',
  'assertAwaited',
  'assertAwaitedOnce',
  'assertAwaitedWith',
  'assertAwaitedOnceWith',
  'assertAnyAwait',
  'assertHasAwaits',
  'assertNotAwaited',
  'assertNoFloating',
] as const;

/** Methods only sync mocks have. */
export const SYNC_ONLY = ['returns', 'throws', 'returnsOnce', 'throwsOnce', 'yields'] as const;

function memberOf(name: string): string {
  return name.includes('.') ? name.slice(name.indexOf('.') + 1) : name;
}

/**
 * Put a throwing stand-in for each of `methods` on `prototype`. `nameOf(this)` gives the
 * mock's name; `kind` is the kind the mock has.
 */
export function installKindGuards(
  prototype: object,
  methods: readonly string[],
  kind: 'async' | 'sync',
  nameOf: (mock: unknown) => string,
): void {
  for (const method of methods) {
    Object.defineProperty(prototype, method, {
      configurable: true,
      writable: true,
      value(this: unknown): never {
        const name = nameOf(this);
        const member = memberOf(name);
        if (kind === 'sync') {
          throw new MockUsageError(
            `${name}.${method}() is for async mocks, but ${name} was mocked as a sync function (its spec is not declared \`async\`, or it was already called as a sync function).`,
            `give it async behaviour (resolves(), rejects()…) before the code under test calls it, declare the method \`async\`, or pass { async: ['${member}'] } to mockObject(); for a plain function use asyncMock().`,
          );
        }
        throw new MockUsageError(
          `${name}.${method}() is for sync mocks, but ${name} was mocked as an async function: its calls return promises.`,
          `use resolves()/rejects() for an async member, or pass { sync: ['${member}'] } to mockObject()/autoMock() for a member that returns a plain value; for a plain function use syncMock().`,
        );
      },
    });
  }
}
