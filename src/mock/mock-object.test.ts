import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { mockAsyncIterable, mockObject } from './index.ts';

interface Artist {
  id: string;
  name: string;
}

class ArtistRepository {
  tableName = 'artists';
  async getById(id: string): Promise<Artist | null> {
    await Promise.resolve();
    throw new Error(`real database touched for ${id}`);
  }
  async save(artist: Artist): Promise<Artist> {
    await Promise.resolve();
    throw new Error(`real database touched for ${artist.id}`);
  }
  // Returns a promise without the `async` keyword: invisible to runtime detection.
  count(): Promise<number> {
    return Promise.reject(new Error('real database touched'));
  }
  cacheKey(id: string): string {
    return `artist:${id}`;
  }
  async *stream(): AsyncGenerator<Artist> {
    await Promise.resolve();
    yield { id: 'real', name: 'real' };
  }
}

class ArtistService {
  readonly #repo: ArtistRepository;
  constructor(repo: ArtistRepository) {
    this.#repo = repo;
  }
  async rename(id: string, name: string): Promise<Artist> {
    const artist = await this.#repo.getById(id);
    if (artist === null) throw new Error(`artist ${id} not found`);
    return this.#repo.save({ ...artist, name });
  }
}

describe('mockObject(Class)', () => {
  test('async methods become async mocks the code under test can use as the real class', async () => {
    // Arrange
    const repo = mockObject(ArtistRepository);
    repo.getById.resolves({ id: '1', name: 'Nina Simone' });
    repo.save.implement((artist) => Promise.resolve(artist));
    const service = new ArtistService(repo);

    // Act
    const renamed = await service.rename('1', 'Nina');

    // Assert
    expect(renamed).toEqual({ id: '1', name: 'Nina' });
    repo.getById.assertAwaitedOnceWith('1');
    repo.save.assertAwaitedOnceWith({ id: '1', name: 'Nina' });
  });

  test('members are made on first touch, yet Object.keys and in list every spec member', () => {
    const repo = mockObject(ArtistRepository);

    expect('save' in repo).toBe(true);
    expect(Object.keys(repo)).toEqual(['getById', 'save', 'count', 'cacheKey', 'stream']);
  });

  test('the mock passes instanceof for its class', () => {
    const repo = mockObject(ArtistRepository);

    expect(repo).toBeInstanceOf(ArtistRepository);
  });

  test('sync methods become sync mocks with calls recorded', () => {
    const repo = mockObject(ArtistRepository);
    repo.cacheKey.returns('k');

    const key = repo.cacheKey('1');

    expect(key).toBe('k');
    repo.cacheKey.assertCalledOnceWith('1');
  });

  test('members are named after the class for messages', () => {
    const repo = mockObject(ArtistRepository);

    expect(repo.getById.mockName).toBe('ArtistRepository.getById');
  });

  test('touching a member the spec lacks throws FRAY_MOCK_UNKNOWN_MEMBER naming the known ones', () => {
    const repo = mockObject(ArtistRepository) as unknown as Record<string, unknown>;

    let error: unknown;
    try {
      void repo.getByID;
    } catch (caught) {
      error = caught;
    }

    expect(isFrayError(error) && error.code).toBe('FRAY_MOCK_UNKNOWN_MEMBER');
    expect((error as Error).message).toContain("ArtistRepository.getByID is not part of the mock's spec");
    expect((error as Error).message).toContain('Known members: getById, save, count, cacheKey, stream');
  });

  test('setting a member the spec lacks is refused too', () => {
    const repo = mockObject(ArtistRepository) as unknown as Record<string, unknown>;

    expect(() => {
      repo.delete = () => undefined;
    }).toThrow(/not part of the mock's spec/);
  });

  test('a method that returns a promise without `async` can be declared async', async () => {
    const repo = mockObject(ArtistRepository, { async: ['count'] });
    repo.count.resolves(3);

    await expect(repo.count()).resolves.toBe(3);
    repo.count.assertAwaitedOnce();
  });

  test('a method not declared async becomes async when the test gives it async behaviour', async () => {
    const repo = mockObject(ArtistRepository);

    repo.count.resolves(3);

    await expect(repo.count()).resolves.toBe(3);
    repo.count.assertAwaitedOnce();
  });

  test('such a method called before it was given a kind stays sync, and async use says how to fix it', () => {
    const repo = mockObject(ArtistRepository);

    void repo.count();

    expect(() => repo.count.resolves(3)).toThrow(
      'ArtistRepository.count.resolves() is for async mocks, but ArtistRepository.count was mocked as a sync function',
    );
    expect(() => repo.count.assertAwaited()).toThrow("pass { async: ['count'] } to mockObject()");
  });

  test('class fields a spec cannot see are given as values', () => {
    const repo = mockObject(ArtistRepository, { values: { tableName: 'artists_test' } });

    expect(repo.tableName).toBe('artists_test');
  });

  test('async generator methods yield mockAsyncIterable items', async () => {
    const repo = mockObject(ArtistRepository);
    repo.stream.yields([{ id: '1', name: 'a' }]);

    const seen: Artist[] = [];
    for await (const artist of repo.stream()) seen.push(artist);

    expect(seen).toEqual([{ id: '1', name: 'a' }]);
    repo.stream.assertCalledOnce();
  });

  test('awaiting the mock object itself works (then is not a member)', async () => {
    const repo = mockObject(ArtistRepository);

    const resolved = await Promise.resolve(repo);

    expect(resolved).toBe(repo);
  });
});

describe('mockObject(object) and mockObject(names)', () => {
  test('an object spec keeps data members and mocks functions by kind', async () => {
    const client = {
      baseUrl: 'https://api.example.com',
      async get(path: string): Promise<unknown> {
        await Promise.resolve();
        return path;
      },
      close(): void {},
    };

    const mock = mockObject(client);
    mock.get.resolves({ ok: true });

    expect(mock.baseUrl).toBe('https://api.example.com');
    await expect(mock.get('/x')).resolves.toEqual({ ok: true });
    mock.close();
    mock.close.assertCalledOnce();
  });

  test('a list of names makes every member async', async () => {
    interface Cache {
      get(key: string): Promise<string | null>;
      set(key: string, value: string): Promise<void>;
    }

    const cache = mockObject<Cache>(['get', 'set'], { name: 'cache' });
    cache.get.resolves('v');

    await expect(cache.get('k')).resolves.toBe('v');
    await cache.set('k', 'v');
    cache.set.assertAwaitedOnceWith('k', 'v');
  });

  test('anything else is refused with a usage error', () => {
    expect(() => mockObject(42 as unknown as object)).toThrow(
      /mockObject\(\) needs a class, an object or a list of member names; got number/,
    );
  });
});

describe('async context managers and async iteration', () => {
  class Session {
    async execute(sql: string): Promise<number> {
      await Promise.resolve();
      return sql.length;
    }
    async [Symbol.asyncDispose](): Promise<void> {
      await Promise.resolve();
    }
  }

  test('await using a mocked session awaits its asyncDispose', async () => {
    const session = mockObject(Session);
    session.execute.resolves(1);

    {
      await using scoped = session;
      await scoped.execute('select 1');
    }

    session[Symbol.asyncDispose].assertAwaitedOnce();
    session.execute.assertAwaitedOnceWith('select 1');
  });

  test('asyncDispose still runs when the block throws', async () => {
    const session = mockObject(Session);
    session.execute.rejects(new Error('deadlock'));

    const run = async (): Promise<void> => {
      await using scoped = session;
      await scoped.execute('update');
    };

    await expect(run()).rejects.toThrow('deadlock');
    session[Symbol.asyncDispose].assertAwaitedOnce();
  });

  test('a spec with Symbol.asyncIterator iterates what yields() says', async () => {
    class Cursor {
      async *[Symbol.asyncIterator](): AsyncGenerator<number> {
        await Promise.resolve();
        yield 0;
      }
    }
    const cursor = mockObject(Cursor);
    cursor[Symbol.asyncIterator].yields([1, 2, 3]);

    const rows: number[] = [];
    for await (const row of cursor) rows.push(row);

    expect(rows).toEqual([1, 2, 3]);
  });

  test('mockAsyncIterable tracks next() awaits and early exits', async () => {
    const rows = mockAsyncIterable([1, 2, 3], { name: 'rows' });

    for await (const row of rows) {
      if (row === 2) break;
    }

    expect(rows.yielded).toBe(2);
    expect(rows.closedEarly).toBe(true);
    expect(rows.completed).toBe(false);
    expect(rows.next.awaitCount).toBe(2);
    rows.return.assertAwaitedOnce();
  });

  test('an Error item rejects that next(), like a generator that throws mid-stream', async () => {
    const rows = mockAsyncIterable<number>([1, new Error('connection reset'), 3]);
    const seen: number[] = [];

    const consume = async (): Promise<void> => {
      for await (const row of rows) seen.push(row);
    };

    await expect(consume()).rejects.toThrow('connection reset');
    expect(seen).toEqual([1]);
  });

  test('each for-await starts a fresh iteration', async () => {
    const rows = mockAsyncIterable(['a', 'b']);
    const first: string[] = [];
    const second: string[] = [];

    for await (const row of rows) first.push(row);
    for await (const row of rows) second.push(row);

    expect(second).toEqual(first);
    expect(rows.iterations).toBe(2);
    expect(rows.completed).toBe(true);
  });
});
