import type { CityRecord } from '../../../domain/records.ts';
import type { CityRecords } from '../../../ports/records/cities.ts';
import { copy, ordered } from './keyed.ts';

/** City records in memory. */
export class MemoryCities implements CityRecords {
  private readonly cities = new Map<string, CityRecord>();

  async get(city: string): Promise<CityRecord | null> {
    const record = this.cities.get(city);
    return record ? copy(record) : null;
  }

  async save(record: CityRecord): Promise<void> {
    this.cities.set(record.city, copy(record));
  }

  async list(): Promise<CityRecord[]> {
    return ordered(this.cities.values(), (record) => record.city);
  }
}
