import type { NoticeClaim } from '../../domain/notice-claims.ts';

/** Notice claims: what makes a digest or an acknowledgement go once, and what is left unsettled. */
export interface NoticeClaimRecords {
  /**
   * Writes a claim only if the stored one still has `expectedVersion` (null: none may exist yet); false when
   * another run wrote first.
   */
  put(claim: NoticeClaim, expectedVersion: number | null): Promise<boolean>;
  /** Reads a claim by key (strongly consistent), or null. */
  get(key: string): Promise<NoticeClaim | null>;
  /** Digest claims of a city, newest as-of first. */
  listDigests(city: string): Promise<NoticeClaim[]>;
  /** Acknowledgement claims to one address (case-insensitive), newest as-of first. */
  listAcknowledgementsTo(address: string): Promise<NoticeClaim[]>;
  /** Claims not settled (failed, or left claimed/sending by a crash), digests and acknowledgements, oldest first. */
  listUnsettled(): Promise<NoticeClaim[]>;
}
