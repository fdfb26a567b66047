import { compileFunction, runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { instrumentAwaits } from './transform.ts';

/** Instrument `code` as a CommonJS module and run it, returning its `module.exports`. */
function load(code: string): Record<string, (...args: unknown[]) => unknown> {
  const out = instrumentAwaits({ code, sourceType: 'script', label: 'm.js' });
  const module = { exports: {} as Record<string, (...args: unknown[]) => unknown> };
  compileFunction(out?.code ?? code, ['module', 'exports'])(module, module.exports);
  return module.exports;
}

describe('instrumentAwaits', () => {
  it('leaves a module without await alone', () => {
    // Act
    const out = instrumentAwaits({ code: 'export const x = 1;', sourceType: 'module', label: 'm.js' });
    // Assert
    expect(out).toBeUndefined();
  });

  it('labels each await with its file and original line, and counts them', () => {
    // Act
    const out = instrumentAwaits({
      code: 'export async function f() {\n  await g();\n  for await (const x of xs) h(x);\n}',
      sourceType: 'module',
      label: 'src/f.ts',
    });
    // Assert
    expect(out?.awaits).toBe(2);
    expect(out?.code).toContain('__fray$a(v, "src/f.ts:2")');
    expect(out?.code).toContain('__fray$i(v, "src/f.ts:3")');
  });

  it('keeps the meaning of sequences, nested awaits, optional chains and minified code', async () => {
    // Arrange
    const mod = load(
      [
        'exports.seq = async () => await (1, 2);',
        'exports.nested = async (p) => await (await p);',
        'exports.chain = async (o) => (await o?.v) ?? "none";',
        'exports.min = async(p)=>{return await(await p).n}',
        'exports.loop = async (xs) => { let t = 0; for await (const x of xs) t += x; return t; };',
      ].join('\n'),
    );
    // Act + Assert
    await expect(mod['seq']?.()).resolves.toBe(2);
    await expect(mod['nested']?.(Promise.resolve(Promise.resolve(3)))).resolves.toBe(3);
    await expect(mod['chain']?.(undefined)).resolves.toBe('none');
    await expect(mod['min']?.(Promise.resolve({ n: 4 }))).resolves.toBe(4);
    await expect(mod['loop']?.([1, Promise.resolve(2), 3])).resolves.toBe(6);
  });

  it("keeps 'use strict' first and a hashbang in place", () => {
    // Act
    const strict = instrumentAwaits({
      code: "'use strict';\nexports.f = async () => await 1;",
      sourceType: 'script',
      label: 'm.js',
    });
    const bang = instrumentAwaits({
      code: '#!/usr/bin/env node\nawait 1;',
      sourceType: 'module',
      label: 'm.js',
    });
    // Assert
    expect(strict?.code.startsWith("'use strict';\n")).toBe(true);
    expect(bang?.code.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('keeps every line where it was (stack traces and labels stay right)', () => {
    // Arrange
    const code = 'const a = 1;\nasync function f() {\n  await a;\n}\nexport { f };';
    // Act
    const out = instrumentAwaits({ code, sourceType: 'module', label: 'm.js' });
    // Assert
    expect(out?.code.split('\n')).toHaveLength(code.split('\n').length);
  });

  it('a function called before the module body ran (an import cycle) still finds its helpers', async () => {
    // Arrange — a hoisted function declaration, called before the prologue line executes.
    const code = 'module.exports.early = early(); async function early() { return await 5; }';
    // Act
    const mod = load(code) as unknown as { early: Promise<number> };
    // Assert
    await expect(mod.early).resolves.toBe(5);
  });

  it("a function's source run where the helpers do not exist (page.evaluate) awaits as written", async () => {
    // Arrange
    const mod = load('exports.f = async (p) => (await p) + 1;');
    const source = String(mod['f']);
    // Act — evaluated in another realm, as a browser would run fn.toString().
    const copy = runInNewContext(`(${source})`) as (p: Promise<number>) => Promise<number>;
    // Assert
    await expect(copy(Promise.resolve(1))).resolves.toBe(2);
  });

  it('returns nothing for code it cannot parse (the module then runs as written)', () => {
    // Act
    const out = instrumentAwaits({
      code: 'const x = <div>{await y}</div>;',
      sourceType: 'module',
      label: 'm.jsx',
    });
    // Assert
    expect(out).toBeUndefined();
  });
});
