/**
 * Creating an artist with its albums is all-or-nothing: the service commits when every
 * insert succeeded and rolls back otherwise.
 *
 * @module
 */
import { transaction, type Database } from '../db/database.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { ArtistRepository, type Artist } from './artist-repository.ts';

/** What a client sends to create an artist. */
export interface NewArtist {
  name: string;
  genre?: string | null;
  albums?: string[];
}

/** Artist use cases. */
export class ArtistService {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  async get(id: number): Promise<Artist> {
    const artist = await new ArtistRepository(this.#db).getById(id);
    if (artist === null) throw new NotFoundError(`artist ${id} not found`);
    return artist;
  }

  async create(input: NewArtist): Promise<Artist> {
    try {
      const id = await transaction(this.#db, async (tx) => {
        const repo = new ArtistRepository(tx);
        const artistId = await repo.insertArtist(input.name, input.genre ?? null);
        for (const title of input.albums ?? []) await repo.insertAlbum(artistId, title);
        return artistId;
      });
      return await this.get(id);
    } catch (error) {
      if ((error as { code?: unknown }).code === '23505')
        throw new ConflictError(`artist ${input.name} already exists`);
      throw error;
    }
  }
}
