/**
 * Results and errors fray/db makes up when it answers a statement itself — a `BEGIN` that
 * became a savepoint, a `COMMIT` with no transaction open — shaped exactly like `pg`'s, so
 * application code and ORMs cannot tell.
 *
 * @module
 */
import pg from 'pg';

/**
 * An empty `pg.Result` with the given command tag (`BEGIN`, `COMMIT`, `ROLLBACK`, `SET`).
 *
 * @example
 * ```ts
 * commandResult('BEGIN').command; // 'BEGIN'
 * ```
 */
export function commandResult(command: string, config?: string | pg.QueryConfig): pg.QueryResult {
  const rowMode = typeof config === 'object' ? (config as { rowMode?: string }).rowMode : undefined;
  const result = new pg.Result(rowMode ?? 'object', pg.types);
  result.command = command;
  return result;
}

/**
 * A `pg.DatabaseError` as PostgreSQL would have sent it.
 *
 * @example
 * ```ts
 * throw databaseError('SAVEPOINT can only be used in transaction blocks', '25P01');
 * ```
 */
export function databaseError(message: string, code: string): pg.DatabaseError {
  const error = new pg.DatabaseError(message, message.length, 'error');
  error.severity = 'ERROR';
  error.code = code;
  return error;
}

/**
 * A notice message, as `pg` emits on `client.on('notice')` for a server WARNING.
 *
 * @example
 * ```ts
 * client.emit('notice', warningNotice('there is already a transaction in progress', '25001'));
 * ```
 */
export function warningNotice(message: string, code: string): pg.DatabaseError {
  const notice = new pg.DatabaseError(message, message.length, 'notice');
  notice.severity = 'WARNING';
  notice.code = code;
  return notice;
}
