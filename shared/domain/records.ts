/**
 * The records the pipeline keeps: submissions (one per received message or upload), documents (one per file),
 * and the computed status of a base. Types come from zod schemas so that stored items can be re-validated.
 */
import { z } from 'zod';
import { cityIdSchema } from './catalogue.ts';
import { findingSchema } from './findings.ts';

/** Where a submission came from. */
export const channelSchema = z.enum(['ses', 'imap', 'smtp', 'cli', 'upload']);
/** The channel a submission arrived by. */
export type Channel = z.infer<typeof channelSchema>;

/** Document kinds of DESIGN.md. */
export const documentKindSchema = z.enum(['report-form', 'self-assessment', 'evidence', 'city-letter', 'other']);
/** What a document is. */
export type DocumentKind = z.infer<typeof documentKindSchema>;

/** How a report-form value was found: by the blank's own label, the item's number, its place in the notice's sentence, ... */
export const formValueHowSchema = z.enum([
  /** The field's label (or the item's wording) next to the value: `入驻商家数量 | 128`. */
  'label',
  /** The item's number next to the value where the label is missing or re-worded: `4 | … | 128`. */
  'item-number',
  /** The blank's place in the notice's own sentence: `4. 入驻商家数量 128 个，其中山西老字号商家数量 9 个`. */
  'sentence',
  /** A column header with the value below it (a survey-tool export, a transposed table). */
  'column-header',
  /** Several blanks of one item in one cell or row without labels, taken in the notice's order. */
  'order',
]);

/** Where a report-form value came from and how far it is trusted. */
export const formValueSourceSchema = z.object({
  /** The place as a person finds it in the file: `Sheet1!C5`, `表1 第3行第2列`, `第1页 第12行`. */
  place: z.string(),
  how: formValueHowSchema,
  /** low: read by OCR or from a layout guess, for staff to confirm (a finding says so). */
  confidence: z.enum(['high', 'low']),
});

/** One value read from the report form. */
export const formValueSchema = z.object({
  item: z.number().int(),
  field: z.string(),
  label: z.string(),
  value: z.union([z.number(), z.boolean(), z.array(z.string()), z.string(), z.null()]),
  unit: z.string().nullable(),
  raw: z.string(),
  /** The cell (or place) the value was read from; kept for records written before `source`. */
  cell: z.string().optional(),
  /** Provenance: every value read carries it; blanks not found have none. */
  source: formValueSourceSchema.optional(),
});
/** A report-form value. */
export type FormValue = z.infer<typeof formValueSchema>;

/** How the base of a submission was decided. */
export const baseMatchSchema = z.object({
  /** matched = by name, confirmed = by staff, sender = by a confirmed sender address. */
  how: z.enum(['name', 'staff', 'sender']),
  /** Which text decided it (subject, a file name, the form header, ...). */
  source: z.string(),
  score: z.number(),
});

/** One received message or upload, stored raw before anything parses it. */
/** The upload portal's stand-in sender (`upload-portal@intake.invalid`), when an upload names nobody: not a contact. */
export const PORTAL_SENDER = /@intake\.invalid>?$/;

export const submissionSchema = z.object({
  id: z.string(),
  roundId: z.string(),
  channel: channelSchema,
  /** Blob key of the raw message, as received. */
  rawKey: z.string(),
  rawSha256: z.string(),
  rawSize: z.number().int(),
  /** The mailbox's receive time (ISO, UTC): topmost Received header, SES/IMAP time, upload time. */
  receivedAt: z.string(),
  /** How receivedAt was decided. */
  receivedAtSource: z.enum(['received-header', 'transport', 'file-time', 'ingest-time']),
  /** The sender's own Date: header, kept but never used for deadlines. */
  sentAt: z.string().nullable(),
  messageId: z.string().nullable(),
  from: z.string().nullable(),
  subject: z.string().nullable(),
  /** received -> stored raw only; processed -> parsed and documents recorded; duplicate -> same message as another. */
  state: z.enum(['received', 'processed', 'duplicate']),
  duplicateOf: z.string().nullable(),
  baseId: z.string().nullable(),
  match: baseMatchSchema.nullable(),
  /** Set when the receiving service's verdicts failed (spam, virus, SPF/DKIM/DMARC): kept apart, no auto-reply. */
  quarantine: z
    .object({ reasons: z.array(z.string()) })
    .nullable()
    .optional(),
  /**
   * The upload portal's receipt number (`2023-0158`), the one the base was shown and may read over the phone; absent
   * for mail and for submissions recorded before receipts were kept on them.
   */
  receipt: z.string().optional(),
  /** Ids of the documents this submission brought. */
  documentIds: z.array(z.string()),
  findings: z.array(findingSchema),
  recordedAt: z.string(),
});
/** A received message or upload. */
export type Submission = z.infer<typeof submissionSchema>;

/** Figures and structure read from a self-assessment report. */
export const reportExtractSchema = z.object({
  cover: z.record(z.string(), z.string()),
  sections: z.array(z.object({ id: z.string(), title: z.string(), present: z.boolean() })),
  figures: z.object({
    gmv: z.object({ value: z.number(), raw: z.string() }).optional(),
    shanxiGmv: z.object({ value: z.number(), raw: z.string() }).optional(),
  }),
  pages: z.number().int(),
});

/**
 * How an evidence file was matched to indicators: `decided` when the signals agree well enough, `asked` when staff
 * must settle it (low confidence, or two indicators close). Reasons are short Chinese phrases staff read on the base
 * page (按编号17判定, 文件名含“直播间明细”).
 */
export const evidenceClassificationSchema = z.object({
  decision: z.enum(['decided', 'asked']),
  /** 0..1: how far the evidence for the first candidate outweighs the rest. */
  confidence: z.number(),
  /** Indicators in order of weight, with their scores; for `asked`, the buttons staff choose from. */
  candidates: z.array(z.object({ indicator: z.string(), score: z.number() })),
  reasons: z.array(z.string()),
});
/** How an evidence file was matched. */
export type EvidenceClassification = z.infer<typeof evidenceClassificationSchema>;

/** One file of a submission (attachment or archive member), stored content-addressed. */
export const documentSchema = z.object({
  /** `${submissionId}/${sha256}`: the same file in two submissions is two sightings of one blob. */
  id: z.string(),
  submissionId: z.string(),
  baseId: z.string().nullable(),
  fileName: z.string(),
  /** Folder path inside an archive, when the file came from one. */
  folderPath: z.string().nullable(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  blobKey: z.string(),
  /** Inherited from the submission: the time the mailbox received the file. */
  receivedAt: z.string(),
  kind: documentKindSchema,
  /** The first indicator the file is evidence for (decided), or null. */
  indicator: z.string().nullable(),
  /** Every indicator the file is evidence for (one shared table may serve several, 「可以共用一张表格」). */
  indicators: z.array(z.string()).optional(),
  /** For evidence: the decision and why; absent in records written before it. */
  classification: evidenceClassificationSchema.nullable().optional(),
  formValues: z.array(formValueSchema).nullable(),
  formHeader: z.record(z.string(), z.string()).nullable(),
  report: reportExtractSchema.nullable(),
  findings: z.array(findingSchema),
});
/** A stored file and what was read from it. */
export type DocumentRecord = z.infer<typeof documentSchema>;

/** The required elements of a base's package: the two documents, each form item, evidence per claimed indicator. */
export const requiredElementSchema = z.enum(['report-form', 'self-assessment', 'form-item', 'evidence']);

/**
 * A required element that first arrived after the deadline (逾期提交). `receivedAt` is null only in statuses
 * stored before `overdueItems` existed, where a still-missing element was listed here too.
 */
export const lateItemSchema = z.object({
  element: requiredElementSchema,
  item: z.number().int().optional(),
  indicator: z.string().optional(),
  receivedAt: z.string().nullable(),
  message: z.string(),
});
/** A late element. */
export type LateItem = z.infer<typeof lateItemSchema>;

/** A required element still missing at `asOf`, past the deadline (截止仍缺). */
export const overdueItemSchema = z.object({
  element: requiredElementSchema,
  item: z.number().int().optional(),
  indicator: z.string().optional(),
  message: z.string(),
});
/** An element missing past the deadline. */
export type OverdueItem = z.infer<typeof overdueItemSchema>;

/** The state of a base's electronic package. */
export const baseStateSchema = z.enum(['not-received', 'incomplete', 'complete']);
/** not-received / incomplete / complete. */
export type BaseState = z.infer<typeof baseStateSchema>;

/** The status of one base at one moment (DESIGN.md `BaseStatus`). */
export const baseStatusSchema = z.object({
  baseId: z.string(),
  name: z.string(),
  city: cityIdSchema,
  category: z.string(),
  state: baseStateSchema,
  /** 逾期提交: some required element first arrived after the deadline (listed in lateItems). */
  late: z.boolean().meta({ description: '逾期提交：有必需材料在截止后才首次收到（见 lateItems）' }),
  lateItems: z.array(lateItemSchema),
  /**
   * 截止仍缺: at `asOf`, past the deadline, some required element is still missing (listed in overdueItems).
   * Defaults keep statuses stored before this field parseable.
   */
  overdue: z
    .boolean()
    .default(false)
    .meta({ description: '截止仍缺：已过截止时间，截至 asOf 仍缺必需材料（见 overdueItems）' }),
  overdueItems: z.array(overdueItemSchema).default([]),
  submissions: z.number().int(),
  /** The From of each submission counted (the upload portal's stand-in left out), first seen first. */
  senders: z.array(z.string()).default([]),
  /** The upload portal's receipt numbers of the submissions counted. */
  receipts: z.array(z.string()).default([]),
  firstReceivedAt: z.string().nullable(),
  lastReceivedAt: z.string().nullable(),
  documents: z.array(
    z.object({
      id: z.string(),
      fileName: z.string(),
      kind: documentKindSchema,
      indicator: z.string().nullable(),
      /** Every indicator the file counts for. */
      indicators: z.array(z.string()).default([]),
      /** Indicators the file may be for, while staff have not settled it (待核实). */
      asked: z.array(z.string()).default([]),
      receivedAt: z.string(),
    }),
  ),
  missing: z.object({
    documents: z.array(documentKindSchema),
    formItems: z.array(z.number().int()),
    evidence: z.array(z.string()),
  }),
  /**
   * 待核实: required evidence for which a file arrived that may be it, but the classifier asked instead of deciding.
   * Not missing (a bureau is never told it is) and not yet present: staff settle it in the unclassified queue.
   */
  pendingEvidence: z
    .array(z.object({ indicator: z.string(), documents: z.array(z.object({ id: z.string(), fileName: z.string() })) }))
    .default([]),
  findings: z.array(findingSchema),
  formValues: z.array(formValueSchema),
  /** Findings staff waived (not counted as open). */
  waived: z.array(findingSchema),
  /** Indicators staff marked not applicable (no evidence required). */
  notApplicable: z.array(z.string()),
  /** Sealed paper copies recorded by staff (the notice asks for 2). */
  paperCopies: z.number().int(),
  /** The day (YYYY-MM-DD, Beijing) the paper copies arrived, as staff recorded it; null when not recorded. */
  paperCopiesReceivedOn: z.string().nullable().default(null),
  /** The paper copies arrived after `round.paperDue` (the notice: 「同时」 with the electronic package). */
  paperLate: z.boolean().default(false),
  /** The staff decisions that shaped this status. */
  actions: z.array(
    z.object({ kind: z.string(), key: z.string(), actor: z.string(), at: z.string(), reason: z.string() }),
  ),
  asOf: z.string(),
  /** The round data the status was computed with (a short hash), so a stored status is not reused across rounds. */
  evaluatedWith: z.string().optional(),
});
/** A base's status. */
export type BaseStatus = z.infer<typeof baseStatusSchema>;

/** A submission staff must assign to a base by hand. */
export const unmatchedSchema = z.object({
  submissionId: z.string(),
  from: z.string().nullable(),
  subject: z.string().nullable(),
  receivedAt: z.string(),
  /** The upload portal's receipt number, for an upload (the sender may phone with it). */
  receipt: z.string().optional(),
  fileNames: z.array(z.string()),
  candidates: z.array(z.object({ baseId: z.string(), name: z.string(), score: z.number() })),
  findings: z.array(findingSchema),
});
/** An unmatched submission. */
export type Unmatched = z.infer<typeof unmatchedSchema>;

/** A notice to a city bureau, as built and (unless a dry run) sent. */
export const cityNoticeSchema = z.object({
  city: cityIdSchema,
  to: z.array(z.string()),
  subject: z.string(),
  bases: z.array(baseStatusSchema),
  text: z.string(),
});
/** A city digest. */
export type CityNotice = z.infer<typeof cityNoticeSchema>;

/** A notice as recorded after an attempt to send it. */
export const noticeRecordSchema = z.object({
  id: z.string(),
  city: cityIdSchema,
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  contentSha256: z.string(),
  asOf: z.string(),
  sentAt: z.string().nullable(),
  transportId: z.string().nullable(),
  error: z.string().nullable(),
});
/** A recorded notice. */
export type NoticeRecord = z.infer<typeof noticeRecordSchema>;

/** A sender address staff confirmed for a base. */
export const senderSchema = z.object({
  address: z.string(),
  baseId: z.string(),
  confirmedBy: z.string(),
  confirmedAt: z.string(),
});
/** A confirmed sender. */
export type Sender = z.infer<typeof senderSchema>;

/** One staff action, kept for the audit trail: who, when, what, why. */
export const auditEventSchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  /** The base the action shaped, when there is one. */
  baseId: z.string().nullable(),
  submissionId: z.string().nullable(),
  reason: z.string(),
  details: z.record(z.string(), z.unknown()),
});
/** An audit event. */
export type AuditEvent = z.infer<typeof auditEventSchema>;

/**
 * A standing staff decision about a base that the evaluation applies on top of what arrived: a waived finding, an
 * indicator marked not applicable, a withdrawn document, a file classified by hand, paper copies received.
 * The latest decision per (kind, key) is in force; `active: false` takes one back (re-open).
 */
export const decisionSchema = z.object({
  baseId: z.string(),
  kind: z.enum(['waive-finding', 'not-applicable', 'withdraw-document', 'classify-document', 'paper-copies']),
  /** What it is about: a finding key, an indicator slug, a document sha256, or "paper". */
  key: z.string(),
  active: z.boolean(),
  /** Kind-specific: { kind, indicator } for a classification, { copies } for paper copies. */
  value: z.record(z.string(), z.unknown()),
  actor: z.string(),
  at: z.string(),
  reason: z.string(),
});
/** A staff decision. */
export type Decision = z.infer<typeof decisionSchema>;

/**
 * A word for an indicator's evidence that the round's vocabulary lacks, proposed from a file staff classified by hand
 * (「晋享云集」 in 晋享云集专场.xlsx, classified 专题促销). Staff accept it — the classifier then weighs it like the
 * vocabulary's own words for the round's later files — or reject it; either way it is not proposed again.
 */
export const vocabularyWordSchema = z.object({
  roundId: z.string(),
  word: z.string().min(2).max(20),
  indicator: z.string(),
  state: z.enum(['proposed', 'accepted', 'rejected']),
  /** The file it was taken from. */
  from: z.object({ baseId: z.string(), documentId: z.string(), fileName: z.string() }),
  proposedBy: z.string(),
  proposedAt: z.string(),
  /** Who accepted or rejected it, and when; null while proposed. */
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
});
/** A proposed, accepted or rejected vocabulary word. */
export type VocabularyWord = z.infer<typeof vocabularyWordSchema>;

/**
 * An evidence file staff classified by hand, kept as an example the classifier's tie-breaker learns from for the
 * round's later files (the file's name and folders; one per document, the last classification standing).
 */
export const settledExampleSchema = z.object({
  roundId: z.string(),
  documentId: z.string(),
  baseId: z.string(),
  name: z.string(),
  folders: z.array(z.string()),
  /** What staff said it is evidence for; none when they said it is no evidence. */
  indicators: z.array(z.string()),
  settledBy: z.string(),
  settledAt: z.string(),
});
/** A file staff classified by hand, as an example. */
export type SettledExample = z.infer<typeof settledExampleSchema>;

/** What staff recorded for a city bureau: its official letter (公函) and what it says. */
export const cityRecordSchema = z.object({
  city: cityIdSchema,
  letterReceivedAt: z.string().nullable(),
  /** How the letter became known: a classified document, or staff recording the paper letter. */
  letterSource: z.enum(['document', 'staff']).nullable(),
  letterDocumentId: z.string().nullable(),
  /** Base ids the letter marks as pilot units (试点单位). */
  pilotUnits: z.array(z.string()),
  /** Ranked list of the recommended bases, as the letter orders them. */
  ranking: z.array(z.string()),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
/** A city's record. */
export type CityRecord = z.infer<typeof cityRecordSchema>;
