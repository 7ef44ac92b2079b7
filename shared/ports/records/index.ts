/**
 * The durable records, one small port per record kind (DynamoDB's single table in AWS, dynalite locally, an
 * in-memory store in unit tests). A use case names the kinds it touches: `Pick<Records, 'submissions' | 'audit'>`.
 */
import type { AddressRecords } from './addresses.ts';
import type { AuditRecords } from './audit.ts';
import type { BundleJobRecords } from './bundle-jobs.ts';
import type { CityRecords } from './cities.ts';
import type { DecisionRecords } from './decisions.ts';
import type { DocumentRecords } from './documents.ts';
import type { ExampleRecords } from './examples.ts';
import type { NoticeClaimRecords } from './notice-claims.ts';
import type { NoticeRecords } from './notices.ts';
import type { RegisteredBaseRecords } from './registered-bases.ts';
import type { ReviewRecords } from './review.ts';
import type { SenderRecords } from './senders.ts';
import type { SessionRecords } from './sessions.ts';
import type { StatusRecords } from './statuses.ts';
import type { SubmissionRecords } from './submissions.ts';
import type { VocabularyRecords } from './vocabulary.ts';

export type { BundleJob, BundleJobScope, BundleJobState } from './bundle-jobs.ts';
export type { SessionRecord } from './sessions.ts';
export type {
  AddressRecords,
  AuditRecords,
  BundleJobRecords,
  CityRecords,
  DecisionRecords,
  DocumentRecords,
  ExampleRecords,
  NoticeClaimRecords,
  NoticeRecords,
  RegisteredBaseRecords,
  ReviewRecords,
  SenderRecords,
  SessionRecords,
  StatusRecords,
  SubmissionRecords,
  VocabularyRecords,
};

/** Every record kind's port, by kind. */
export interface Records {
  submissions: SubmissionRecords;
  documents: DocumentRecords;
  statuses: StatusRecords;
  decisions: DecisionRecords;
  registeredBases: RegisteredBaseRecords;
  senders: SenderRecords;
  cities: CityRecords;
  audit: AuditRecords;
  notices: NoticeRecords;
  noticeClaims: NoticeClaimRecords;
  addresses: AddressRecords;
  review: ReviewRecords;
  vocabulary: VocabularyRecords;
  examples: ExampleRecords;
  sessions: SessionRecords;
  bundleJobs: BundleJobRecords;
}

/** The record kinds. */
export type RecordKind = keyof Records;
