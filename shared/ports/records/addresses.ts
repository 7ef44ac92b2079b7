import type { AddressStatus } from '../../domain/notice-claims.ts';

/** What the transport reported about an address (bounce, complaint), or that staff cleared it. */
export interface AddressRecords {
  /** Stores an address's state (the address is kept lower-case). */
  save(status: AddressStatus): Promise<void>;
  /** The recorded state of an address (case-insensitive), or null. */
  get(address: string): Promise<AddressStatus | null>;
  /** Addresses currently marked failing, by address. */
  listFailing(): Promise<AddressStatus[]>;
}
