/**
 * What a statement means for transaction handling: `BEGIN`, `COMMIT`, `ROLLBACK`, savepoint
 * commands, `SET TRANSACTION`, `LISTEN`, `PREPARE TRANSACTION`, or anything else.
 *
 * `isolated()` rewrites the first group into savepoints of the test's transaction and
 * refuses the last two; everything else reaches PostgreSQL unchanged. Results are cached
 * per query text, because ORMs send the same few texts over and over.
 *
 * @module
 */
import { hasSeveralStatements, identifierAfter, leadingWords, splitStatements } from './sql-lexer.ts';

/** The transaction meaning of one statement. */
export type StatementKind =
  | { readonly kind: 'begin'; readonly tag: 'BEGIN' | 'START' }
  | { readonly kind: 'commit'; readonly chain: boolean }
  | { readonly kind: 'rollback'; readonly chain: boolean }
  | { readonly kind: 'savepoint' }
  | { readonly kind: 'release' }
  | { readonly kind: 'rollback-to' }
  | { readonly kind: 'set-transaction' }
  | { readonly kind: 'listen'; readonly channel: string | undefined }
  | { readonly kind: 'unlisten'; readonly channel: string | undefined }
  | { readonly kind: 'prepare-transaction' }
  | { readonly kind: 'other' };

/** A whole query text: one statement, or several (simple protocol only). */
export type QueryShape =
  | { readonly several: false; readonly statement: StatementKind }
  | {
      readonly several: true;
      /** Whether any of the statements is transaction control (or LISTEN). */
      readonly control: boolean;
      readonly statements: readonly { readonly text: string; readonly kind: StatementKind }[];
    };

const OTHER: StatementKind = { kind: 'other' };
const TX_WORDS = new Set([
  'BEGIN',
  'START',
  'COMMIT',
  'END',
  'ROLLBACK',
  'ABORT',
  'SAVEPOINT',
  'RELEASE',
  'SET',
  'LISTEN',
  'UNLISTEN',
  'PREPARE',
]);

function chained(words: readonly string[]): boolean {
  // COMMIT [WORK|TRANSACTION] AND [NO] CHAIN
  const and = words.indexOf('AND');
  return and !== -1 && words[and + 1] === 'CHAIN';
}

/**
 * Classify one statement.
 *
 * @example
 * ```ts
 * classifyStatement('start transaction isolation level serializable'); // { kind: 'begin', tag: 'START' }
 * classifyStatement('ROLLBACK TO SAVEPOINT a'); // { kind: 'rollback-to' }
 * ```
 */
export function classifyStatement(text: string): StatementKind {
  const words = leadingWords(text, 6);
  const first = words[0];
  if (first === undefined || !TX_WORDS.has(first)) return OTHER;
  const second = words[1];
  switch (first) {
    case 'BEGIN':
      return { kind: 'begin', tag: 'BEGIN' };
    case 'START':
      return second === 'TRANSACTION' ? { kind: 'begin', tag: 'START' } : OTHER;
    case 'COMMIT':
    case 'END':
      return second === 'PREPARED' ? OTHER : { kind: 'commit', chain: chained(words) };
    case 'ABORT':
      return { kind: 'rollback', chain: chained(words) };
    case 'ROLLBACK': {
      if (second === 'PREPARED') return OTHER;
      const to = second === 'WORK' || second === 'TRANSACTION' ? words[2] : second;
      return to === 'TO' ? { kind: 'rollback-to' } : { kind: 'rollback', chain: chained(words) };
    }
    case 'SAVEPOINT':
      return { kind: 'savepoint' };
    case 'RELEASE':
      return { kind: 'release' };
    case 'SET':
      return second === 'TRANSACTION' ? { kind: 'set-transaction' } : OTHER;
    case 'LISTEN':
      return { kind: 'listen', channel: identifierAfter(text, 1) };
    case 'UNLISTEN':
      return { kind: 'unlisten', channel: identifierAfter(text, 1) };
    case 'PREPARE':
      return second === 'TRANSACTION' ? { kind: 'prepare-transaction' } : OTHER;
    default:
      return OTHER;
  }
}

const cache = new Map<string, QueryShape>();
const CACHE_LIMIT = 2_000;

/**
 * Classify a query text, cached. Texts longer than 4 kB are classified every time (they are
 * usually generated bulk inserts, and caching them would only hold memory).
 *
 * @example
 * ```ts
 * classifyQuery('select 1').several; // false
 * classifyQuery('begin; insert into t values (1); commit'); // several: true, control: true
 * ```
 */
export function classifyQuery(text: string): QueryShape {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  let shape: QueryShape;
  if (hasSeveralStatements(text)) {
    const statements = splitStatements(text).map((statement) => ({
      text: statement.text,
      kind: classifyStatement(statement.text),
    }));
    const control = statements.some((statement) => statement.kind.kind !== 'other');
    shape = { several: true, control, statements };
  } else shape = { several: false, statement: classifyStatement(text) };
  if (text.length <= 4096) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, shape);
  }
  return shape;
}
