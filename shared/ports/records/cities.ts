import type { CityRecord } from '../../domain/records.ts';

/** A city's record: its letter, pilot units, ranking. */
export interface CityRecords {
  /** A city's record, or null. */
  get(city: string): Promise<CityRecord | null>;
  /** Stores a city's record (replaces the one before). */
  save(record: CityRecord): Promise<void>;
  /** All city records, by city. */
  list(): Promise<CityRecord[]>;
}
