import type { AddressStatus } from '../../../domain/notice-claims.ts';
import type { AddressRecords } from '../../../ports/records/addresses.ts';
import { copy, ordered } from './keyed.ts';

/** Address states in memory, by lower-cased address. */
export class MemoryAddresses implements AddressRecords {
  private readonly addresses = new Map<string, AddressStatus>();

  async save(status: AddressStatus): Promise<void> {
    const address = status.address.toLowerCase();
    this.addresses.set(address, copy({ ...status, address }));
  }

  async get(address: string): Promise<AddressStatus | null> {
    const status = this.addresses.get(address.toLowerCase());
    return status ? copy(status) : null;
  }

  async listFailing(): Promise<AddressStatus[]> {
    const failing = [...this.addresses.values()].filter((status) => status.state === 'failing');
    return ordered(failing, (status) => status.address);
  }
}
