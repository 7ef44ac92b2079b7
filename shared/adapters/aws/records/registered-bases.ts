import type { Base } from '../../../domain/catalogue.ts';
import type { RegisteredBaseRecords } from '../../../ports/records/registered-bases.ts';
import { type Item, partition, type SingleTable } from './single-table.ts';

/**
 * Bases registered during a round: ROUND#<roundId>/BASE#<baseId>, and by city in gsi2
 * REGBASE#<roundId> / CITY#<city>#<baseId>.
 *
 * Items written before the city index carry no gsi2 keys. The first listing by city in a round gives them their keys
 * (each only if it still has none, so a registration saved meanwhile is never overwritten) and then leaves a marker,
 * ROUND#<roundId>/BASEINDEX, so that no later listing looks again.
 */
export class DynamoDbRegisteredBases implements RegisteredBaseRecords {
  /** Rounds whose items all carry the city index (seen by this process). */
  private readonly indexed = new Set<string>();

  constructor(private readonly table: SingleTable) {}

  async list(roundId: string, city?: string): Promise<Base[]> {
    if (city === undefined) return this.table.query<Base>(partition(`ROUND#${roundId}`, { prefix: 'BASE#' }));
    await this.ensureCityIndex(roundId);
    return this.table.query<Base>(partition(`REGBASE#${roundId}`, { index: 'gsi2', prefix: `CITY#${city}#` }));
  }

  async save(roundId: string, base: Base): Promise<void> {
    await this.table.put(item(roundId, base));
  }

  private async ensureCityIndex(roundId: string): Promise<void> {
    if (this.indexed.has(roundId)) return;
    if (!(await this.table.getItem(`ROUND#${roundId}`, 'BASEINDEX', true))) {
      const items = await this.table.queryItems(partition(`ROUND#${roundId}`, { prefix: 'BASE#' }));
      for (const old of items.filter((found) => found.gsi2pk === undefined)) {
        await this.table.putIf(item(roundId, old.data as Base), {
          expression: 'attribute_exists(pk) AND attribute_not_exists(gsi2pk)',
        });
      }
      await this.table.put({ pk: `ROUND#${roundId}`, sk: 'BASEINDEX', data: null });
    }
    this.indexed.add(roundId);
  }
}

function item(roundId: string, base: Base): Item {
  return {
    pk: `ROUND#${roundId}`,
    sk: `BASE#${base.id}`,
    gsi2pk: `REGBASE#${roundId}`,
    gsi2sk: `CITY#${base.city}#${base.id}`,
    data: base,
  };
}
