import type { Sender } from '../../../domain/records.ts';
import type { SenderRecords } from '../../../ports/records/senders.ts';
import { copy } from './keyed.ts';

/** Confirmed senders in memory, by lower-cased address. */
export class MemorySenders implements SenderRecords {
  private readonly senders = new Map<string, Sender>();

  async get(address: string): Promise<Sender | null> {
    const sender = this.senders.get(address.toLowerCase());
    return sender ? copy(sender) : null;
  }

  async save(sender: Sender): Promise<void> {
    this.senders.set(sender.address.toLowerCase(), copy(sender));
  }
}
