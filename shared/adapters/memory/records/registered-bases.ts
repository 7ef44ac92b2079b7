import type { Base } from '../../../domain/catalogue.ts';
import type { RegisteredBaseRecords } from '../../../ports/records/registered-bases.ts';
import { Partitions } from './keyed.ts';

/** Bases registered during a round, in memory. */
export class MemoryRegisteredBases implements RegisteredBaseRecords {
  private readonly bases = new Partitions<Base>();

  async list(roundId: string, city?: string): Promise<Base[]> {
    const all = this.bases.list(roundId);
    return city === undefined ? all : all.filter((base) => base.city === city);
  }

  async save(roundId: string, base: Base): Promise<void> {
    this.bases.set(roundId, base.id, base);
  }
}
