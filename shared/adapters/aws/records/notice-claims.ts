import { isUnsettled, type NoticeClaim } from '../../../domain/notice-claims.ts';
import type { NoticeClaimRecords } from '../../../ports/records/notice-claims.ts';
import { type Item, partition, type SingleTable, versionCondition } from './single-table.ts';

/**
 * Notice claims: CLAIM#<key>/CLAIM, versioned; gsi1 NOTICECLAIM#<city> or ACKTO#<address> / <asOf>#<key>; gsi2
 * OPENCLAIM / <updatedAt>#<key> while unsettled.
 */
export class DynamoDbNoticeClaims implements NoticeClaimRecords {
  constructor(private readonly table: SingleTable) {}

  async put(claim: NoticeClaim, expectedVersion: number | null): Promise<boolean> {
    const item: Item = {
      pk: `CLAIM#${claim.key}`,
      sk: 'CLAIM',
      gsi1pk: claim.kind === 'ack' ? `ACKTO#${(claim.to[0] ?? '-').toLowerCase()}` : `NOTICECLAIM#${claim.city ?? '-'}`,
      gsi1sk: `${claim.asOf}#${claim.key}`,
      version: claim.version,
      data: claim,
    };
    // Settled claims leave the OPENCLAIM partition (a Put replaces the whole item, so the attributes go).
    if (isUnsettled(claim)) {
      item.gsi2pk = 'OPENCLAIM';
      item.gsi2sk = `${claim.updatedAt}#${claim.key}`;
    }
    return this.table.putIf(item, versionCondition(expectedVersion));
  }

  async get(key: string): Promise<NoticeClaim | null> {
    return this.table.get<NoticeClaim>(`CLAIM#${key}`, 'CLAIM', true);
  }

  async listDigests(city: string): Promise<NoticeClaim[]> {
    return this.table.query<NoticeClaim>(partition(`NOTICECLAIM#${city}`, { index: 'gsi1', newestFirst: true }));
  }

  async listAcknowledgementsTo(address: string): Promise<NoticeClaim[]> {
    return this.table.query<NoticeClaim>(
      partition(`ACKTO#${address.toLowerCase()}`, { index: 'gsi1', newestFirst: true }),
    );
  }

  async listUnsettled(): Promise<NoticeClaim[]> {
    return this.table.query<NoticeClaim>(partition('OPENCLAIM', { index: 'gsi2' }));
  }
}
