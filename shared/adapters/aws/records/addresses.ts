import type { AddressStatus } from '../../../domain/notice-claims.ts';
import type { AddressRecords } from '../../../ports/records/addresses.ts';
import { type Item, partition, type SingleTable } from './single-table.ts';

/** Address states: ADDRESS#<address>/ADDRESS, gsi2 FAILING / <address> while failing. */
export class DynamoDbAddresses implements AddressRecords {
  constructor(private readonly table: SingleTable) {}

  async save(status: AddressStatus): Promise<void> {
    const address = status.address.toLowerCase();
    const item: Item = { pk: `ADDRESS#${address}`, sk: 'ADDRESS', data: { ...status, address } };
    if (status.state === 'failing') {
      item.gsi2pk = 'FAILING';
      item.gsi2sk = address;
    }
    await this.table.put(item);
  }

  async get(address: string): Promise<AddressStatus | null> {
    return this.table.get<AddressStatus>(`ADDRESS#${address.toLowerCase()}`, 'ADDRESS');
  }

  async listFailing(): Promise<AddressStatus[]> {
    return this.table.query<AddressStatus>(partition('FAILING', { index: 'gsi2' }));
  }
}
