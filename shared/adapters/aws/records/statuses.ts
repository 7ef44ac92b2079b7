import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { BaseStatus } from '../../../domain/records.ts';
import type { StatusRecords } from '../../../ports/records/statuses.ts';
import { ABSENT, partition, type SingleTable } from './single-table.ts';

/** Conflicting revision bumps retried before giving up (each is one base; real contention is a handful). */
const MAX_REVISION_ATTEMPTS = 50;

/** Base statuses (BASE#<baseId>/STATUS, gsi2 STATUS / CITY#<city>#<baseId>) and revisions (BASE#<baseId>/REV). */
export class DynamoDbStatuses implements StatusRecords {
  constructor(private readonly table: SingleTable) {}

  async save(status: BaseStatus, revision = 0): Promise<'saved' | 'stale'> {
    // Never replace a status computed from a later revision: concurrent evaluations end with the newest facts.
    const saved = await this.table.putIf(
      {
        pk: `BASE#${status.baseId}`,
        sk: 'STATUS',
        gsi2pk: 'STATUS',
        gsi2sk: `CITY#${status.city}#${status.baseId}`,
        revision,
        // Kept compressed: a status lists every document, and a city's statuses are read in one Query.
        data: null,
        gz: gzipSync(JSON.stringify(status)),
      },
      { expression: 'attribute_not_exists(pk) OR revision <= :revision', values: { ':revision': revision } },
    );
    return saved ? 'saved' : 'stale';
  }

  async list(city?: string): Promise<BaseStatus[]> {
    return (await this.listWithRevisions(city)).map((found) => found.status);
  }

  async listWithRevisions(city?: string): Promise<{ status: BaseStatus; revision: number }[]> {
    const items = await this.table.queryItems(
      partition('STATUS', { index: 'gsi2', prefix: city ? `CITY#${city}#` : 'CITY#' }),
    );
    return items.map((item) => ({
      status: statusOf(item),
      revision: typeof item.revision === 'number' ? item.revision : 0,
    }));
  }

  async getRevisions(baseIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map(baseIds.map((id) => [id, 0]));
    const items = await this.table.getItems(
      [...new Set(baseIds)].map((id) => ({ pk: `BASE#${id}`, sk: 'REV' })),
      true,
    );
    for (const item of items) {
      if (typeof item.pk === 'string' && typeof item.revision === 'number')
        out.set(item.pk.slice('BASE#'.length), item.revision);
    }
    return out;
  }

  async getRevision(baseId: string): Promise<number> {
    const item = await this.table.getItem(`BASE#${baseId}`, 'REV', true);
    return typeof item?.revision === 'number' ? item.revision : 0;
  }

  async bumpRevision(baseId: string): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.getRevision(baseId);
      try {
        await this.table.put(
          { pk: `BASE#${baseId}`, sk: 'REV', revision: current + 1, data: null },
          current === 0 ? ABSENT : { expression: 'revision = :current', values: { ':current': current } },
        );
        return current + 1;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || attempt >= MAX_REVISION_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
      }
    }
  }
}

/** The status an item holds: compressed (`gz`), or whole in `data` as statuses were stored before. */
function statusOf(item: Record<string, unknown>): BaseStatus {
  return item.gz instanceof Uint8Array
    ? (JSON.parse(gunzipSync(item.gz).toString('utf8')) as BaseStatus)
    : (item.data as BaseStatus);
}
