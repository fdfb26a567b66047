/**
 * How a pool's statements reach its session.
 *
 * - {@link IsolationRunner} (`isolated()`): everything runs inside one transaction that is
 *   rolled back when the view is disposed. The application's `BEGIN`/`COMMIT`/`ROLLBACK`
 *   become a savepoint, its release and a rollback to it; every statement outside the
 *   application's own transaction runs under a statement savepoint, so a failing statement
 *   is rolled back alone — as in autocommit mode — instead of aborting the whole test.
 * - {@link DirectRunner} (`fresh()` on PGlite, migrations): statements run as sent, with
 *   real commits; only the ownership of an open transaction is tracked.
 *
 * Runners are only called by the {@link Gate}, one operation at a time.
 *
 * @module
 */
import type pg from 'pg';
import { DbUnsupportedError } from '../errors/index.ts';
import type { Gate, Owner } from './gate.ts';
import { commandResult, databaseError, warningNotice } from './pg-results.ts';
import type { PgQuery, PgSubmittable, Session } from './session.ts';
import { classifyQuery, type StatementKind } from './statement-kind.ts';

/** A result as `pg` returns it: one per statement of the text. */
export type PgResult = pg.QueryResult | pg.QueryResult[];

/** What a runner needs from its pool. */
export interface RunnerHost {
  readonly session: Session;
  readonly gate: Gate;
  /** Deliver a made-up server notice to `owner`'s client, as `pg` would. */
  notice(owner: Owner, notice: unknown): void;
  /** `owner` now listens to `channel` (`'*'` in `unlisten` means all). */
  listen(owner: Owner, kind: 'listen' | 'unlisten', channel: string | undefined): void;
}

/** Executes admitted operations on a session. */
export interface StatementRunner {
  /** Run one query for `owner`. */
  execute(owner: Owner, query: PgQuery): Promise<PgResult>;
  /** Run a submittable (cursor, stream) for `owner`. */
  submit(owner: Owner, submittable: PgSubmittable): Promise<void>;
  /** `owner` went away (client released) possibly with a transaction open: roll it back. */
  abandon(owner: Owner): Promise<void>;
}

function withText(query: PgQuery, text: string): PgQuery {
  if (typeof query.config === 'string') return { config: text, values: undefined, text };
  // A rewritten statement must not reuse the original's prepared-statement name.
  const { name: _name, ...rest } = query.config;
  return { config: { ...rest, text, values: [] }, values: undefined, text };
}

const STATEMENT_SAVEPOINT = 'fray_isolation_stmt';
const TX_SAVEPOINT = 'fray_isolation_tx';

/**
 * Runs a test's statements inside one rolled-back transaction.
 *
 * @example
 * ```ts
 * const runner = new IsolationRunner(host);
 * await runner.open(); // BEGIN
 * await runner.execute(owner, { config: 'insert into t values (1)', values: undefined, text: '…' });
 * await runner.rollback(); // the test's writes are gone
 * ```
 */
export class IsolationRunner implements StatementRunner {
  private readonly host: RunnerHost;
  /** Whether the statement savepoint exists and nothing succeeded since it was set. */
  private clean = false;

  constructor(host: RunnerHost) {
    this.host = host;
  }

  /** Open the test's transaction. */
  async open(): Promise<void> {
    await this.host.session.simple(`BEGIN; SAVEPOINT ${STATEMENT_SAVEPOINT}`);
    this.clean = true;
  }

  /**
   * Roll the test's transaction back and drop session-level advisory locks (they are not
   * transactional and would otherwise leak into the next test on this session).
   */
  async rollback(): Promise<void> {
    await this.host.session.simple('ROLLBACK; SELECT pg_advisory_unlock_all()');
  }

  async execute(owner: Owner, query: PgQuery): Promise<PgResult> {
    const shape = classifyQuery(query.text);
    if (!shape.several) return this.single(owner, query, shape.statement);
    if (!shape.control || (query.values !== undefined && query.values.length > 0)) {
      return this.plain(owner, query);
    }
    // A script with transaction control: one statement at a time, as the server would.
    const results: pg.QueryResult[] = [];
    for (const statement of shape.statements) {
      const result = await this.single(owner, withText(query, statement.text), statement.kind);
      if (Array.isArray(result)) results.push(...result);
      else results.push(result);
    }
    return results;
  }

  async submit(owner: Owner, submittable: PgSubmittable): Promise<void> {
    const session = this.host.session;
    if (this.host.gate.txOwner === owner) {
      await session.submit(submittable);
      return;
    }
    await this.arm();
    await session.submit(submittable);
    await this.afterGuarded();
  }

  async abandon(owner: Owner): Promise<void> {
    if (this.host.gate.txOwner !== owner) return;
    await this.host.session.simple(
      `ROLLBACK TO SAVEPOINT ${TX_SAVEPOINT}; RELEASE SAVEPOINT ${TX_SAVEPOINT}`,
    );
    this.endTransaction();
  }

  private async single(owner: Owner, query: PgQuery, kind: StatementKind): Promise<PgResult> {
    const gate = this.host.gate;
    const session = this.host.session;
    const inTransaction = gate.txOwner === owner;
    switch (kind.kind) {
      case 'other':
      case 'unlisten':
        return inTransaction ? session.query(query) : this.plain(owner, query);
      case 'begin': {
        if (inTransaction) {
          this.host.notice(owner, warningNotice('there is already a transaction in progress', '25001'));
          return commandResult(kind.tag, query.config);
        }
        await session.simple(`SAVEPOINT ${TX_SAVEPOINT}`);
        this.clean = false;
        gate.txOwner = owner;
        owner.beganAt = query.site;
        return commandResult(kind.tag, query.config);
      }
      case 'commit': {
        if (!inTransaction) {
          this.host.notice(owner, warningNotice('there is no transaction in progress', '25P01'));
          return commandResult('COMMIT', query.config);
        }
        // COMMIT of a failed transaction rolls back, and says so in its command tag.
        const failed = session.status() === 'E';
        await session.simple(
          failed
            ? `ROLLBACK TO SAVEPOINT ${TX_SAVEPOINT}; RELEASE SAVEPOINT ${TX_SAVEPOINT}`
            : `RELEASE SAVEPOINT ${TX_SAVEPOINT}`,
        );
        if (kind.chain) await session.simple(`SAVEPOINT ${TX_SAVEPOINT}`);
        else this.endTransaction();
        return commandResult(failed ? 'ROLLBACK' : 'COMMIT', query.config);
      }
      case 'rollback': {
        if (!inTransaction) {
          this.host.notice(owner, warningNotice('there is no transaction in progress', '25P01'));
          return commandResult('ROLLBACK', query.config);
        }
        if (kind.chain) await session.simple(`ROLLBACK TO SAVEPOINT ${TX_SAVEPOINT}`);
        else {
          await session.simple(`ROLLBACK TO SAVEPOINT ${TX_SAVEPOINT}; RELEASE SAVEPOINT ${TX_SAVEPOINT}`);
          this.endTransaction();
        }
        return commandResult('ROLLBACK', query.config);
      }
      case 'savepoint':
      case 'release':
      case 'rollback-to': {
        if (!inTransaction) {
          const command = {
            savepoint: 'SAVEPOINT',
            release: 'RELEASE SAVEPOINT',
            'rollback-to': 'ROLLBACK TO SAVEPOINT',
          }[kind.kind];
          throw databaseError(`${command} can only be used in transaction blocks`, '25P01');
        }
        return session.query(query);
      }
      case 'set-transaction': {
        // The test's transaction already ran statements, so its isolation level and access
        // mode are fixed; PostgreSQL would refuse the change inside a savepoint.
        if (!inTransaction) {
          this.host.notice(
            owner,
            warningNotice('SET TRANSACTION can only be used in transaction blocks', '25P01'),
          );
        }
        return commandResult('SET', query.config);
      }
      case 'listen':
        throw new DbUnsupportedError(
          `LISTEN ${kind.channel ?? ''} inside isolated() would never receive a notification: the test's transaction is rolled back, never committed, and PostgreSQL only delivers NOTIFY at commit.`,
          'use `await using db = await database.fresh()` for tests that LISTEN/NOTIFY; it is a whole database with real commits.',
        );
      case 'prepare-transaction':
        throw new DbUnsupportedError(
          "PREPARE TRANSACTION inside isolated() would detach the test's own transaction and commit it later.",
          'use fresh() for two-phase commit tests.',
        );
    }
  }

  /** Run a statement outside the application's transaction, under the statement savepoint. */
  private async plain(owner: Owner, query: PgQuery): Promise<PgResult> {
    await this.arm();
    const session = this.host.session;
    let result: PgResult;
    try {
      result = await session.query(query);
      this.clean = false;
    } catch (error) {
      // Undo the failed statement alone, as autocommit would; the transaction goes on.
      if (session.broken === undefined) {
        await session.simple(`ROLLBACK TO SAVEPOINT ${STATEMENT_SAVEPOINT}`);
        this.clean = true;
      }
      throw error;
    }
    if (session.status() === 'I') {
      // Nothing the application sends should end the test's transaction (procedures cannot
      // COMMIT inside a transaction block); if something did, its writes are committed.
      await this.open();
      throw new DbUnsupportedError(
        `${owner.label}: the statement ended the isolated() view's transaction, so its changes were committed and will outlive the test: ${query.text.slice(0, 200)}`,
        'run statements that manage transactions themselves in a fresh() database.',
      );
    }
    return result;
  }

  /** Make sure a fresh statement savepoint exists. */
  private async arm(): Promise<void> {
    if (this.clean) return;
    await this.host.session.simple(
      `RELEASE SAVEPOINT ${STATEMENT_SAVEPOINT}; SAVEPOINT ${STATEMENT_SAVEPOINT}`,
    );
    this.clean = true;
  }

  /** After a guarded statement: undo it alone if it failed, else mark the savepoint used. */
  private async afterGuarded(): Promise<void> {
    if (this.host.session.status() === 'E') {
      await this.host.session.simple(`ROLLBACK TO SAVEPOINT ${STATEMENT_SAVEPOINT}`);
      this.clean = true;
    } else this.clean = false;
  }

  private endTransaction(): void {
    const gate = this.host.gate;
    if (gate.txOwner !== null) gate.txOwner.beganAt = undefined;
    gate.txOwner = null;
    this.clean = false;
  }
}

/**
 * Runs statements as sent (real commits), tracking which owner holds an open transaction.
 *
 * @example
 * ```ts
 * const runner = new DirectRunner(host);
 * await runner.execute(owner, { config: 'begin', values: undefined, text: 'begin' }); // owner now holds the session
 * ```
 */
export class DirectRunner implements StatementRunner {
  private readonly host: RunnerHost;

  constructor(host: RunnerHost) {
    this.host = host;
  }

  async execute(owner: Owner, query: PgQuery): Promise<PgResult> {
    try {
      const result = await this.host.session.query(query);
      this.track(owner, query.text);
      return result;
    } finally {
      this.settle(owner, query.site);
    }
  }

  async submit(owner: Owner, submittable: PgSubmittable): Promise<void> {
    try {
      await this.host.session.submit(submittable);
    } finally {
      this.settle(owner, undefined);
    }
  }

  async abandon(owner: Owner): Promise<void> {
    if (this.host.gate.txOwner !== owner) return;
    await this.host.session.simple('ROLLBACK');
    this.settle(owner, undefined);
  }

  private settle(owner: Owner, site: string | undefined): void {
    const gate = this.host.gate;
    const open = this.host.session.broken === undefined && this.host.session.status() !== 'I';
    if (open && gate.txOwner !== owner) owner.beganAt = site;
    gate.txOwner = open ? owner : null;
  }

  private track(owner: Owner, text: string): void {
    const shape = classifyQuery(text);
    const kinds = shape.several ? shape.statements.map((statement) => statement.kind) : [shape.statement];
    for (const kind of kinds) {
      if (kind.kind === 'listen' || kind.kind === 'unlisten')
        this.host.listen(owner, kind.kind, kind.channel);
    }
  }
}
