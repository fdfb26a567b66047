import { afterAll, describe, expect, test } from 'vitest';
import { shopDatabase } from '../../test-support/database.ts';
import { ConflictError } from '../errors.ts';
import { ArtistService } from './artist-service.ts';

afterAll(async () => (await shopDatabase()).end());

describe('ArtistService commits or rolls back, on a real database', () => {
  test('an artist and its albums are committed together', async () => {
    await using db = await (await shopDatabase()).isolated();
    const service = new ArtistService(db.pool);

    const artist = await service.create({
      name: 'Nina Simone',
      genre: 'jazz',
      albums: ['Pastel Blues', 'Wild Is the Wind'],
    });

    expect(await service.get(artist.id)).toEqual({
      id: artist.id,
      name: 'Nina Simone',
      genre: 'jazz',
      albums: ['Pastel Blues', 'Wild Is the Wind'],
    });
  });

  test('a failing album rolls the artist back too', async () => {
    await using db = await (await shopDatabase()).isolated();
    const service = new ArtistService(db.pool);

    // The second album violates the title check constraint after the artist was inserted.
    await expect(service.create({ name: 'Miles Davis', albums: ['Kind of Blue', ''] })).rejects.toMatchObject(
      { code: '23514' },
    );

    const { rows } = await db.query('select count(*)::int as n from artists');
    expect(rows).toEqual([{ n: 0 }]);
  });

  test('a duplicate artist is a conflict and leaves the first intact', async () => {
    await using db = await (await shopDatabase()).isolated();
    const service = new ArtistService(db.pool);
    const first = await service.create({ name: 'Coltrane' });

    await expect(service.create({ name: 'Coltrane', albums: ['Giant Steps'] })).rejects.toBeInstanceOf(
      ConflictError,
    );

    expect((await service.get(first.id)).albums).toEqual([]);
  });
});
