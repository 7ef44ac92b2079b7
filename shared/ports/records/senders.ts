import type { Sender } from '../../domain/records.ts';

/** Addresses confirmed to send for a base (keyed case-insensitively). */
export interface SenderRecords {
  /** The base an address was confirmed for, or null. */
  get(address: string): Promise<Sender | null>;
  /** Remembers that an address sends for a base. */
  save(sender: Sender): Promise<void>;
}
