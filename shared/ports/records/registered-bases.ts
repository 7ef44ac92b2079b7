import type { Base } from '../../domain/catalogue.ts';

/** Bases registered by staff during a round (the registry's other bases are round data). */
export interface RegisteredBaseRecords {
  /**
   * The bases registered in a round, by id; with `city`, only that city's, read without the other cities' (a city's
   * status stays as fast when the other cities grow).
   */
  list(roundId: string, city?: string): Promise<Base[]>;
  /** Registers a base (city-recommended, new this round); replaces one with its id. */
  save(roundId: string, base: Base): Promise<void>;
}
