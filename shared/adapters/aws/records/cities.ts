import type { CityRecord } from '../../../domain/records.ts';
import type { CityRecords } from '../../../ports/records/cities.ts';
import { partition, type SingleTable } from './single-table.ts';

/** City records: CITY#<city>/RECORD, gsi2 CITYREC / <city>. */
export class DynamoDbCities implements CityRecords {
  constructor(private readonly table: SingleTable) {}

  async get(city: string): Promise<CityRecord | null> {
    return this.table.get<CityRecord>(`CITY#${city}`, 'RECORD');
  }

  async save(record: CityRecord): Promise<void> {
    await this.table.put({
      pk: `CITY#${record.city}`,
      sk: 'RECORD',
      gsi2pk: 'CITYREC',
      gsi2sk: record.city,
      data: record,
    });
  }

  async list(): Promise<CityRecord[]> {
    return this.table.query<CityRecord>(partition('CITYREC', { index: 'gsi2' }));
  }
}
