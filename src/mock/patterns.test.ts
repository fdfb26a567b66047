/**
 * The async-mock patterns of the Python write-ups this project grew from, done with fray.
 * docs/mock.md quotes these tests; keep them readable.
 */
import { describe, expect, test } from 'vitest';
import { asyncMock, mockAsyncIterable, mockObject } from './index.ts';

// ---------------------------------------------------------------- domain under test

interface Artist {
  id: string;
  name: string;
}

interface QueryResult<T> {
  rows: T[];
}

/** The database session the repository talks to (a pg client, a Drizzle tx…). */
class Session {
  async query<T>(_sql: string, _params: unknown[]): Promise<QueryResult<T>> {
    await Promise.resolve();
    throw new Error('no database in unit tests');
  }
  async commit(): Promise<void> {
    await Promise.resolve();
  }
  async rollback(): Promise<void> {
    await Promise.resolve();
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.resolve();
  }
}

class ArtistRepository {
  readonly #session: Session;
  constructor(session: Session) {
    this.#session = session;
  }
  async getById(id: string): Promise<Artist | null> {
    const result = await this.#session.query<Artist>('select id, name from artists where id = $1', [id]);
    return result.rows[0] ?? null;
  }
  async insert(artist: Artist): Promise<void> {
    await this.#session.query('insert into artists (id, name) values ($1, $2)', [artist.id, artist.name]);
  }
}

class ArtistService {
  readonly #session: Session;
  readonly #repo: ArtistRepository;
  constructor(session: Session, repo: ArtistRepository) {
    this.#session = session;
    this.#repo = repo;
  }
  async create(artist: Artist): Promise<Artist> {
    try {
      await this.#repo.insert(artist);
      await this.#session.commit();
      return artist;
    } catch (error) {
      await this.#session.rollback();
      throw error;
    }
  }
}

/** Retries a flaky call with no delay between attempts (delays belong to virtual time). */
async function withRetry<T>(attempts: number, call: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await call();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

class CircuitOpenError extends Error {}

/** Opens after `threshold` consecutive failures; half-opens after `cooldownMs`. */
class CircuitBreaker<T> {
  #failures = 0;
  #openedAt: number | undefined;
  readonly #call: () => Promise<T>;
  readonly #now: () => number;
  readonly #threshold = 3;
  readonly #cooldownMs = 1_000;
  constructor(call: () => Promise<T>, now: () => number) {
    this.#call = call;
    this.#now = now;
  }
  async invoke(): Promise<T> {
    if (this.#openedAt !== undefined && this.#now() - this.#openedAt < this.#cooldownMs) {
      throw new CircuitOpenError('circuit open');
    }
    try {
      const result = await this.#call();
      this.#failures = 0;
      this.#openedAt = undefined;
      return result;
    } catch (error) {
      this.#failures++;
      if (this.#failures >= this.#threshold) this.#openedAt = this.#now();
      throw error;
    }
  }
}

// ---------------------------------------------------------------- the patterns

describe('repository with a mocked session', () => {
  test('getById returns the row and awaits exactly one query with the id', async () => {
    // Arrange
    const session = mockObject(Session);
    session.query.resolves({ rows: [{ id: '1', name: 'Nina Simone' }] });
    const repo = new ArtistRepository(session);

    // Act
    const artist = await repo.getById('1');

    // Assert
    expect(artist).toEqual({ id: '1', name: 'Nina Simone' });
    session.query.assertAwaitedOnceWith(expect.stringContaining('where id = $1'), ['1']);
  });

  test('getById returns null when the query finds nothing', async () => {
    const session = mockObject(Session);
    session.query.resolves({ rows: [] });

    const artist = await new ArtistRepository(session).getById('404');

    expect(artist).toBeNull();
  });
});

describe('service commits on success and rolls back on error', () => {
  test('commit is awaited and rollback is not', async () => {
    const session = mockObject(Session);
    const service = new ArtistService(session, new ArtistRepository(session));

    await service.create({ id: '1', name: 'Miles' });

    session.commit.assertAwaitedOnce();
    session.rollback.assertNotAwaited();
  });

  test('a failing insert is rolled back, awaited, and the error reaches the caller', async () => {
    const session = mockObject(Session);
    session.query.rejects(new Error('duplicate key value violates unique constraint'));
    const service = new ArtistService(session, new ArtistRepository(session));

    await expect(service.create({ id: '1', name: 'Miles' })).rejects.toThrow('duplicate key');

    session.rollback.assertAwaitedOnce();
    session.commit.assertNotAwaited();
  });
});

describe('retry with a sequence of failures', () => {
  test('two transient failures, then success: three awaited attempts', async () => {
    const fetchRates = asyncMock<() => Promise<number>>().sequence([
      new Error('ECONNRESET'),
      new Error('503'),
      1.08,
    ]);

    const rate = await withRetry(3, () => fetchRates());

    expect(rate).toBe(1.08);
    expect(fetchRates.awaitCount).toBe(3);
  });

  test('failures past the budget surface the last error', async () => {
    const fetchRates = asyncMock<() => Promise<number>>().rejects(new Error('503'));

    await expect(withRetry(3, () => fetchRates())).rejects.toThrow('503');

    expect(fetchRates.awaitCount).toBe(3);
  });
});

describe('circuit breaker', () => {
  test('opens after three failures, stops calling the dependency, half-opens after the cooldown', async () => {
    // Arrange: an injected clock, so the cooldown passes without waiting
    let now = 0;
    const provider = asyncMock<() => Promise<string>>().rejects(new Error('timeout'));
    const breaker = new CircuitBreaker(
      () => provider(),
      () => now,
    );

    // Act: three failures open the circuit
    for (let i = 0; i < 3; i++) await expect(breaker.invoke()).rejects.toThrow('timeout');
    await expect(breaker.invoke()).rejects.toThrow(CircuitOpenError);

    // Assert: the open circuit did not call the provider
    expect(provider.callCount).toBe(3);

    // Act: after the cooldown a successful call closes it again
    now += 1_000;
    provider.resolves('ok');
    await expect(breaker.invoke()).resolves.toBe('ok');
    expect(provider.awaitCount).toBe(4);
  });
});

describe('mocked async context manager and async generator', () => {
  test('await using a mocked session disposes it even when the body throws', async () => {
    const session = mockObject(Session);
    session.query.rejects(new Error('deadlock detected'));

    const work = async (): Promise<void> => {
      await using tx = session;
      await tx.query('update stock set qty = qty - 1', []);
    };

    await expect(work()).rejects.toThrow('deadlock detected');
    session[Symbol.asyncDispose].assertAwaitedOnce();
  });

  test('consuming an async stream: every item, then the stream is complete', async () => {
    const events = mockAsyncIterable([{ type: 'created' }, { type: 'paid' }], { name: 'orderEvents' });

    const types: string[] = [];
    for await (const event of events) types.push(event.type);

    expect(types).toEqual(['created', 'paid']);
    expect(events.completed).toBe(true);
    expect(events.closedEarly).toBe(false);
  });

  test('a consumer that stops early closes the stream (return() is awaited)', async () => {
    const events = mockAsyncIterable([1, 2, 3, 4]);

    for await (const n of events) if (n === 2) break;

    events.return.assertAwaitedOnce();
    expect(events.closedEarly).toBe(true);
  });
});
