import type { Sender } from '../../../domain/records.ts';
import type { SenderRecords } from '../../../ports/records/senders.ts';
import type { SingleTable } from './single-table.ts';

/** Confirmed senders: SENDER#<address, lower-case>/SENDER. */
export class DynamoDbSenders implements SenderRecords {
  constructor(private readonly table: SingleTable) {}

  async get(address: string): Promise<Sender | null> {
    return this.table.get<Sender>(`SENDER#${address.toLowerCase()}`, 'SENDER');
  }

  async save(sender: Sender): Promise<void> {
    await this.table.put({ pk: `SENDER#${sender.address.toLowerCase()}`, sk: 'SENDER', data: sender });
  }
}
