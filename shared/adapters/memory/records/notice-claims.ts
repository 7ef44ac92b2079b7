import { isUnsettled, type NoticeClaim } from '../../../domain/notice-claims.ts';
import type { NoticeClaimRecords } from '../../../ports/records/notice-claims.ts';
import { copy, ordered } from './keyed.ts';

/** Notice claims in memory, written only at the version the writer read. */
export class MemoryNoticeClaims implements NoticeClaimRecords {
  private readonly claims = new Map<string, NoticeClaim>();

  async put(claim: NoticeClaim, expectedVersion: number | null): Promise<boolean> {
    const stored = this.claims.get(claim.key);
    if (expectedVersion === null ? stored !== undefined : stored?.version !== expectedVersion) return false;
    this.claims.set(claim.key, copy(claim));
    return true;
  }

  async get(key: string): Promise<NoticeClaim | null> {
    const claim = this.claims.get(key);
    return claim ? copy(claim) : null;
  }

  async listDigests(city: string): Promise<NoticeClaim[]> {
    const digests = [...this.claims.values()].filter((claim) => claim.kind !== 'ack' && (claim.city ?? '-') === city);
    return ordered(digests, (claim) => `${claim.asOf}#${claim.key}`, true);
  }

  async listAcknowledgementsTo(address: string): Promise<NoticeClaim[]> {
    const to = address.toLowerCase();
    const acks = [...this.claims.values()].filter(
      (claim) => claim.kind === 'ack' && (claim.to[0] ?? '-').toLowerCase() === to,
    );
    return ordered(acks, (claim) => `${claim.asOf}#${claim.key}`, true);
  }

  async listUnsettled(): Promise<NoticeClaim[]> {
    return ordered([...this.claims.values()].filter(isUnsettled), (claim) => `${claim.updatedAt}#${claim.key}`);
  }
}
