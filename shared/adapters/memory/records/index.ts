/**
 * Every record port in memory, with the DynamoDB adapters' semantics where the code relies on them: conditional
 * writes (create once, finish once, item versions, a new vocabulary word only, a status not older than the stored
 * one), the order of every list, case-insensitive addresses. Values are copied in and out. For unit tests; the
 * contract tests (tests/contract/records/) run the same cases here and on dynalite.
 */
import type { Records } from '../../../ports/records/index.ts';
import { MemoryAddresses } from './addresses.ts';
import { MemoryAudit } from './audit.ts';
import { MemoryBundleJobs } from './bundle-jobs.ts';
import { MemoryCities } from './cities.ts';
import { MemoryDecisions } from './decisions.ts';
import { MemoryDocuments } from './documents.ts';
import { MemoryExamples } from './examples.ts';
import { MemoryNoticeClaims } from './notice-claims.ts';
import { MemoryNotices } from './notices.ts';
import { MemoryRegisteredBases } from './registered-bases.ts';
import { MemoryReview } from './review.ts';
import { MemorySenders } from './senders.ts';
import { MemorySessions } from './sessions.ts';
import { MemoryStatuses } from './statuses.ts';
import { MemorySubmissions } from './submissions.ts';
import { MemoryVocabulary } from './vocabulary.ts';

export { ConditionalWriteError } from './keyed.ts';

/** A fresh, empty set of in-memory records. */
export function memoryRecords(): Records {
  return {
    submissions: new MemorySubmissions(),
    documents: new MemoryDocuments(),
    statuses: new MemoryStatuses(),
    decisions: new MemoryDecisions(),
    registeredBases: new MemoryRegisteredBases(),
    senders: new MemorySenders(),
    cities: new MemoryCities(),
    audit: new MemoryAudit(),
    notices: new MemoryNotices(),
    noticeClaims: new MemoryNoticeClaims(),
    addresses: new MemoryAddresses(),
    review: new MemoryReview(),
    vocabulary: new MemoryVocabulary(),
    examples: new MemoryExamples(),
    sessions: new MemorySessions(),
    bundleJobs: new MemoryBundleJobs(),
  };
}
