/**
 * The source transform behind automatic control: every `await` of a module becomes a point
 * where fray/race may switch tasks, labelled with the source location it stands at.
 *
 * `await expr` is rewritten to `await __fray$a(expr, "src/orders/service.ts:42")` and
 * `for await (x of it)` to `for await (x of __fray$i(it, "…"))` — each guarded by
 * `typeof __fray$a == "function"`, because a function's source may be run where the module's
 * helpers do not exist (Playwright's `page.evaluate(fn)` sends `fn.toString()` to a browser).
 * Outside an exploration both helpers return their argument unchanged (one property read), so
 * the module behaves exactly as before; inside a run's task they hand the awaited value to the
 * run, which delivers it when it decides to. Nothing else in the module changes: positions are kept (the helpers are
 * declared on the first statement's line, after directives and a hashbang), and a source map
 * is returned for tools that compose them.
 *
 * The parser is acorn (JavaScript). TypeScript is stripped before (Vite's own transform, or
 * Node's `stripTypeScriptTypes` in strip mode, which keeps every position).
 *
 * @module
 */
import { parse, type Node } from 'acorn';
import { full } from 'acorn-walk';
import MagicString, { type SourceMap } from 'magic-string';
import { AWAIT_SLOT } from './slot.ts';

const SLOT = `globalThis[Symbol.for(${JSON.stringify(AWAIT_SLOT)})]`;
// Function declarations and a `var`: hoisted, so a function of this module called before its
// body ran (a cycle of imports) still finds its helpers.
const PROLOGUE =
  `function __fray$() { return __fray$s || (__fray$s = ${SLOT} || (${SLOT} = { on: false, installed: false })); } ` +
  `function __fray$a(v, s) { var f = __fray$s || __fray$(); return f.on ? f.a(v, s) : v; } ` +
  `function __fray$i(v, s) { var f = __fray$s || __fray$(); return f.on ? f.i(v, s) : v; } ` +
  `var __fray$s;`;

/** How to parse and label one module. */
export interface InstrumentInput {
  /** The JavaScript source (TypeScript already stripped). */
  readonly code: string;
  /** ES module or CommonJS script. */
  readonly sourceType: 'module' | 'script';
  /** The label prefix of its awaits: a short path (`src/orders/service.ts`, `pg-pool/index.js`). */
  readonly label: string;
  /**
   * Maps a 1-based line of `code` to the line of the original source (when `code` was
   * produced by another transform). Default: the same line.
   */
  readonly originalLine?: (line: number, column: number) => number | undefined;
  /** Told when the module cannot be parsed (it then runs uninstrumented). Default: nothing. */
  readonly onParseError?: (error: unknown) => void;
}

/** The instrumented module. */
export interface InstrumentOutput {
  readonly code: string;
  readonly map: SourceMap;
  /** How many `await`s (and `for await`s) became scheduling points. */
  readonly awaits: number;
}

type Located = Node;

interface AwaitNode extends Node {
  readonly argument: Node;
}

interface ForOfNode extends Node {
  readonly await: boolean;
  readonly right: Node;
}

interface ProgramNode extends Node {
  readonly body: readonly (Node & { readonly directive?: string })[];
}

/**
 * Instrument one module's awaits; `undefined` when it has none or cannot be parsed (the module
 * then runs as written).
 *
 * @example
 * ```ts
 * const out = instrumentAwaits({ code: 'export async function f() { await g(); }', sourceType: 'module', label: 'src/f.ts' });
 * out?.code; // '… export async function f() { await ((v) => (… __fray$a(v, "src/f.ts:1") …))(g()); }'
 * ```
 */
export function instrumentAwaits(input: InstrumentInput): InstrumentOutput | undefined {
  if (!input.code.includes('await')) return undefined;
  let program: ProgramNode;
  try {
    program = parse(input.code, {
      ecmaVersion: 'latest',
      sourceType: input.sourceType,
      locations: true,
      allowHashBang: true,
      allowAwaitOutsideFunction: input.sourceType === 'module',
      allowReturnOutsideFunction: input.sourceType === 'script',
    });
  } catch (error) {
    input.onParseError?.(error);
    return undefined;
  }
  const s = new MagicString(input.code);
  let awaits = 0;
  const site = (node: Located): string => {
    const start = node.loc?.start;
    const line = start === undefined ? 0 : (input.originalLine?.(start.line, start.column) ?? start.line);
    return JSON.stringify(`${input.label}:${line}`);
  };
  // Children are visited before their parents: an inner await's insertions come first, so
  // openings are prepended (the outer one lands before) and closings appended (it lands after).
  full(program as unknown as Node, (node) => {
    if (node.type === 'AwaitExpression') {
      const { argument } = node as AwaitNode;
      s.prependRight(
        argument.start,
        ` ((v) => (typeof __fray$a == "function" ? __fray$a(v, ${site(node)}) : v))((`,
      );
      s.appendLeft(argument.end, '))');
      awaits++;
    } else if (node.type === 'ForOfStatement' && (node as ForOfNode).await) {
      const { right } = node as ForOfNode;
      s.prependRight(
        right.start,
        ` ((v) => (typeof __fray$i == "function" ? __fray$i(v, ${site(node)}) : v))((`,
      );
      s.appendLeft(right.end, '))');
      awaits++;
    }
  });
  if (awaits === 0) return undefined;
  // After the directive prologue ('use strict' must stay first), on the first statement's line.
  const first = program.body.find((statement) => statement.directive === undefined);
  const at = first?.start ?? input.code.length;
  s.appendLeft(at, first === undefined ? `\n${PROLOGUE}` : `${PROLOGUE} `);
  return { code: s.toString(), map: s.generateMap({ hires: 'boundary', includeContent: true }), awaits };
}
