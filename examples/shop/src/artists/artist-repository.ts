/**
 * Artists and their albums in the database.
 *
 * @module
 */
import type { Queryable } from '../db/database.ts';

/** An artist with its albums. */
export interface Artist {
  id: number;
  name: string;
  genre: string | null;
  albums: string[];
}

interface ArtistRow {
  id: string;
  name: string;
  genre: string | null;
  albums: string[] | null;
}

/** Reads and writes artists; every method runs on the connection it is given. */
export class ArtistRepository {
  readonly #db: Queryable;
  constructor(db: Queryable) {
    this.#db = db;
  }

  async getById(id: number): Promise<Artist | null> {
    const result = await this.#db.query<ArtistRow>(
      `select a.id, a.name, a.genre, coalesce(array_agg(al.title order by al.id) filter (where al.id is not null), '{}') as albums
         from artists a left join albums al on al.artist_id = a.id
        where a.id = $1
        group by a.id`,
      [id],
    );
    const row = result.rows[0];
    return row === undefined
      ? null
      : { id: Number(row.id), name: row.name, genre: row.genre, albums: row.albums ?? [] };
  }

  async insertArtist(name: string, genre: string | null): Promise<number> {
    const result = await this.#db.query<{ id: string }>(
      'insert into artists (name, genre) values ($1, $2) returning id',
      [name, genre],
    );
    return Number((result.rows[0] as { id: string }).id);
  }

  async insertAlbum(artistId: number, title: string): Promise<void> {
    await this.#db.query('insert into albums (artist_id, title) values ($1, $2)', [artistId, title]);
  }
}
