/**
 * Keys that runtimes, test runners and pretty-printers probe on any object. A mock object
 * answers them from its target (usually `undefined`) instead of refusing them as unknown
 * members or creating a member for them, so `await mockObj`, `expect(mockObj)` and
 * `console.log(mockObj)` keep working.
 *
 * @module
 */

const PROBED = new Set([
  'then',
  'toJSON',
  'asymmetricMatch',
  'nodeType',
  'tagName',
  'inspect',
  'constructor',
  '_isMockFunction',
  'getMockName',
  'mock',
  'stack',
  'calls',
  'prototype',
  '__proto__',
  'length',
  'name',
]);

/** Whether `key` is a probe (every symbol, the names above, `@@…` and `$$…` keys). */
export function isProbe(key: PropertyKey): boolean {
  if (typeof key === 'symbol') return true;
  const name = String(key);
  return PROBED.has(name) || name.startsWith('@@') || name.startsWith('$$');
}
