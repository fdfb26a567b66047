/**
 * The statement splitter and the transaction-control classifier.
 *
 * @module
 */
import { describe, expect, test } from 'vitest';
import { hasSeveralStatements, identifierAfter, leadingWords, lineAt, splitStatements } from './sql-lexer.ts';
import { classifyQuery, classifyStatement } from './statement-kind.ts';

const texts = (sql: string): string[] => splitStatements(sql).map((statement) => statement.text);

describe('splitStatements', () => {
  test('splits on semicolons and drops empty statements', () => {
    expect(texts('select 1; select 2;;\n  select 3  ')).toEqual(['select 1', 'select 2', 'select 3']);
  });

  test('ignores semicolons in strings, identifiers and comments', () => {
    const sql = [
      "insert into t values ('a;b', E'it\\'s;', 'x''y;')",
      'select "we;ird" from t -- trailing; comment\n',
      '/* block; /* nested; */ still comment; */ select 2',
    ].join(';\n');
    expect(texts(sql)).toEqual([
      "insert into t values ('a;b', E'it\\'s;', 'x''y;')",
      'select "we;ird" from t',
      'select 2',
    ]);
  });

  test('keeps dollar-quoted bodies whole, and does not take $1 for a quote', () => {
    const body = 'create function f() returns int language plpgsql as $fn$ begin return 1; end; $fn$';
    expect(texts(`${body}; select $1::int; select $$a;b$$`)).toEqual([
      body,
      'select $1::int',
      'select $$a;b$$',
    ]);
  });

  test('keeps SQL-standard function bodies (BEGIN ATOMIC … END) whole, CASE … END included', () => {
    const fn =
      'create function g(x int) returns int language sql begin atomic select case when x > 0 then 1 else 0 end; select 2; end';
    expect(texts(`${fn}; begin; commit`)).toEqual([fn, 'begin', 'commit']);
  });

  test('reports offsets into the original text', () => {
    const sql = 'select 1;\n\n  select 2';
    const [, second] = splitStatements(sql);
    expect(second).toMatchObject({ text: 'select 2', start: 13, end: 21 });
    expect(lineAt(sql, second?.start ?? 0)).toBe(3);
  });
});

describe('leadingWords and identifierAfter', () => {
  test('skip comments and stop at the first non-word', () => {
    expect(leadingWords('-- c\n/* d */ Rollback to savepoint "x"', 5)).toEqual([
      'ROLLBACK',
      'TO',
      'SAVEPOINT',
    ]);
  });

  test('fold unquoted identifiers and keep quoted ones', () => {
    expect(identifierAfter('LISTEN Orders', 1)).toBe('orders');
    expect(identifierAfter('listen "Or""ders"', 1)).toBe('Or"ders');
    expect(identifierAfter('unlisten *', 1)).toBe('*');
  });
});

describe('classifyStatement', () => {
  test.each([
    ['BEGIN', 'begin'],
    ['begin work', 'begin'],
    ['START TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'begin'],
    ['COMMIT', 'commit'],
    ['end transaction', 'commit'],
    ['ROLLBACK', 'rollback'],
    ['abort', 'rollback'],
    ['ROLLBACK TO SAVEPOINT a', 'rollback-to'],
    ['rollback work to a', 'rollback-to'],
    ['SAVEPOINT a', 'savepoint'],
    ['RELEASE SAVEPOINT a', 'release'],
    ['release a', 'release'],
    ['SET TRANSACTION READ ONLY', 'set-transaction'],
    ['SET search_path TO app', 'other'],
    ['PREPARE TRANSACTION $$x$$', 'prepare-transaction'],
    ['PREPARE q AS select 1', 'other'],
    ['COMMIT PREPARED $$x$$', 'other'],
    ['ROLLBACK PREPARED $$x$$', 'other'],
    ['LISTEN jobs', 'listen'],
    ['UNLISTEN *', 'unlisten'],
    ['select 1', 'other'],
    ["insert into t values ('BEGIN')", 'other'],
  ])('%s → %s', (sql, kind) => {
    expect(classifyStatement(sql).kind).toBe(kind);
  });

  test('recognises AND CHAIN', () => {
    expect(classifyStatement('COMMIT AND CHAIN')).toEqual({ kind: 'commit', chain: true });
    expect(classifyStatement('rollback work and no chain')).toEqual({ kind: 'rollback', chain: false });
  });
});

describe('classifyQuery', () => {
  test('a single statement, with or without a trailing semicolon', () => {
    expect(classifyQuery('select 1;')).toEqual({ several: false, statement: { kind: 'other' } });
    expect(hasSeveralStatements("select ';';")).toBe(false);
  });

  test('a script: statements and whether any is transaction control', () => {
    const shape = classifyQuery('insert into t values (1); COMMIT');
    expect(shape.several && shape.control).toBe(true);
    const plain = classifyQuery('insert into t values (1); insert into t values (2)');
    expect(plain.several && plain.control).toBe(false);
  });
});
