/**
 * The JSON API's schemas: requests are validated with them and `/api/openapi.json` is generated from them. Records
 * reuse the domain's schemas, so the documentation cannot drift from what is stored.
 */
import { z } from '@hono/zod-openapi';
import { baseSchema, cityIdSchema, controlItemSchema, formItemSchema, indicatorSchema } from '../domain/catalogue.ts';
import { findingSchema } from '../domain/findings.ts';
import {
  auditEventSchema,
  baseStateSchema,
  baseStatusSchema,
  cityRecordSchema,
  documentKindSchema,
  documentSchema,
  noticeRecordSchema,
  senderSchema,
  submissionSchema,
  unmatchedSchema,
} from '../domain/records.ts';
import { excludedSchema } from '../use-cases/excluded.ts';

// The domain's record schemas, named: the document then refers to one component instead of repeating it. They
// are cloned first because zod gives `.openapi()` only to schemas made after @hono/zod-openapi extended it, and
// the domain's may have been made before.
/** A base's status. */
export const BaseStatusSchema = baseStatusSchema.clone().openapi('BaseStatus');
/** A submission. */
export const SubmissionSchema = submissionSchema.clone().openapi('Submission');
/** A stored document. */
export const DocumentSchema = documentSchema.clone().openapi('Document');
/** An audit event. */
export const AuditEventSchema = auditEventSchema.clone().openapi('AuditEvent');
/** A recorded notice. */
export const NoticeRecordSchema = noticeRecordSchema.clone().openapi('NoticeRecord');
/** An unmatched submission. */
export const UnmatchedSchema = unmatchedSchema.clone().openapi('Unmatched');
/** A city's record. */
export const CityRecordSchema = cityRecordSchema.clone().openapi('CityRecord');
/** A base of the registry. */
export const BaseSchema = baseSchema.clone().openapi('Base');
/** A confirmed sender. */
export const SenderSchema = senderSchema.clone().openapi('Sender');
/** A finding. */
export const FindingSchema = findingSchema.clone().openapi('Finding');
/** A submission from a base that takes no part this round. */
export const ExcludedSchema = excludedSchema.clone().openapi('Excluded', {
  description: '不在本年度参评名单内的基地（如已取消称号）的来件：材料已保存，可转为新推荐基地',
});

/** An error answer. */
export const ErrorSchema = z
  .object({ error: z.string(), issues: z.array(z.unknown()).optional() })
  .openapi('Error', { description: '错误说明（中文）' });

/** The signed-in user. */
export const PrincipalSchema = z
  .object({
    name: z.string(),
    role: z.enum(['staff', 'bureau']),
    city: cityIdSchema.nullable(),
    via: z.enum(['password', 'jwt', 'city-link', 'cognito']),
  })
  .openapi('Principal');

/** A round as listed. */
export const RoundSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    notice: z.string(),
    period: z.object({ from: z.string(), to: z.string() }),
    deadline: z.string().meta({ description: '最后一天（含当日），timeZone 时区' }),
    deadlineInstant: z.string().meta({ description: '截止后的第一刻（ISO 8601）' }),
    timeZone: z.string(),
    mailbox: z.string(),
    current: z.boolean(),
  })
  .openapi('RoundSummary');

/** A round with its catalogue (cities without their bureaus' addresses). */
export const RoundDetailSchema = RoundSummarySchema.extend({
  cities: z.array(z.object({ id: cityIdSchema, name: z.string(), bureau: z.string() })),
  indicators: z.array(indicatorSchema),
  formItems: z.array(formItemSchema),
  controlItems: z.array(controlItemSchema),
}).openapi('RoundDetail');

/** One city's line of the overview. */
export const CitySummarySchema = z
  .object({
    city: z.string().meta({ description: '地市编号，如 taiyuan' }),
    name: z.string(),
    bureau: z.string(),
    bases: z.number().int(),
    byState: z.record(baseStateSchema, z.number().int()),
    late: z.number().int().meta({ description: '逾期提交的基地数：有必需材料在截止后才首次收到' }),
    overdue: z.number().int().meta({ description: '截止仍缺的基地数：已过截止时间仍缺必需材料' }),
    openFindings: z.number().int(),
    paperComplete: z.number().int().meta({ description: '已登记2份盖章纸质材料的基地数' }),
    paperLate: z
      .number()
      .int()
      .meta({ description: '纸质材料晚于纸质材料截止日（round.paperDue，默认同电子材料截止日）收到的基地数' }),
    letterReceivedAt: z.string().nullable().meta({ description: '市商务局公函收到时间' }),
    pilotUnits: z.array(z.string()).meta({ description: '公函标注的试点单位（基地编号）' }),
    ranking: z.array(z.string()).meta({ description: '公函中推荐基地的排序（基地编号）' }),
    newBases: z.array(z.string()).meta({ description: '本轮新推荐参评的基地（基地编号）；通知：可择优推荐1—2家' }),
    findings: z
      .array(FindingSchema)
      .meta({ description: '地市事项的提示，如 city.too-many-recommended（新推荐超过2家）' }),
  })
  .openapi('CityStatus');

/** The overview by city. */
export const CityListSchema = z
  .object({
    asOf: z.string(),
    deadlineInstant: z.string(),
    daysLeft: z.number().int(),
    cities: z.array(CitySummarySchema),
  })
  .openapi('CityList');

/** A city, its record and its bases' statuses. */
export const CityDetailSchema = z
  .object({ summary: CitySummarySchema, record: CityRecordSchema.nullable(), bases: z.array(BaseStatusSchema) })
  .openapi('CityDetail');

/** A stored document as the base page lists it. */
export const DocumentLineSchema = z
  .object({
    document: DocumentSchema,
    kind: documentKindSchema.meta({ description: '生效的分类（人工分类优先）' }),
    indicator: z.string().nullable(),
    withdrawn: z.boolean(),
    classifiedByHand: z.boolean(),
  })
  .openapi('DocumentLine');

/** Everything about a base. */
export const BaseDetailSchema = z
  .object({
    base: BaseSchema,
    status: BaseStatusSchema,
    submissions: z.array(SubmissionSchema),
    documents: z.array(DocumentLineSchema),
    report: z
      .object({ fileName: z.string(), figures: z.record(z.string(), z.object({ value: z.number(), raw: z.string() })) })
      .nullable(),
    evidence: z.array(
      z.object({
        indicator: z.string(),
        name: z.string(),
        claimed: z.boolean(),
        notApplicable: z.boolean(),
        documents: z.array(z.object({ id: z.string(), fileName: z.string() })),
      }),
    ),
    cityRecord: CityRecordSchema.nullable(),
    audit: z.array(AuditEventSchema),
  })
  .openapi('BaseDetail');

/** `{ bases, unmatched, excluded }`, as `intake status --json` prints it. */
export const StatusReportSchema = z
  .object({
    bases: z.array(BaseStatusSchema),
    unmatched: z.array(UnmatchedSchema),
    excluded: z
      .array(ExcludedSchema)
      .meta({ description: '不在本年度参评名单内的基地的来件（仅省厅；地市只见本市的）' }),
  })
  .openapi('StatusReport');

/** A submission and its documents. */
export const SubmissionDetailSchema = z
  .object({ submission: SubmissionSchema, documents: z.array(DocumentSchema) })
  .openapi('SubmissionDetail');

/** A finding of a base, with what to do about it. */
export const FindingLineSchema = FindingSchema.extend({
  baseId: z.string(),
  baseName: z.string(),
  city: cityIdSchema,
  fix: z.string(),
  waived: z.boolean(),
}).openapi('FindingLine');

/** A signed, short-lived link. */
export const LinkSchema = z.object({ url: z.string(), expiresAt: z.string() }).openapi('Link');

/** Optional `asOf` of reading routes. */
export const AsOfQuery = z.object({
  asOf: z.iso.datetime({ offset: true }).optional().meta({ description: '某一时刻的状态（ISO 8601），默认为现在' }),
});

/** Why: every staff action carries one, kept in the audit trail. */
const reason = z.string().trim().min(1, '请填写原因').max(500);

/** Body of assign. */
export const AssignBody = z
  .object({ baseId: z.string().min(1), reason, rememberSender: z.boolean().optional() })
  .openapi('AssignBody');
/** Body of register-base. */
export const RegisterBaseBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    city: cityIdSchema,
    reason,
    aliases: z.array(z.string()).optional(),
  })
  .openapi('RegisterBaseBody');
/** Body of actions that need only a reason. */
export const ReasonBody = z.object({ reason }).openapi('ReasonBody');
/** Body of classify. */
export const ClassifyBody = z
  .object({
    kind: documentKindSchema,
    indicator: z.string().optional(),
    indicators: z
      .array(z.string())
      .optional()
      .meta({ description: '证明材料对应的全部指标（一张表格共用于多个指标时）；可与 indicator 同时给出' }),
    reason,
  })
  .openapi('ClassifyBody');
/** Body of withdraw / restore. */
export const WithdrawBody = z.object({ reason, active: z.boolean().optional() }).openapi('WithdrawBody');
/** Body of waive / reopen: the finding's identity. */
export const FindingBody = z
  .object({
    code: z.string().min(1),
    item: z.number().int().optional(),
    indicator: z.string().optional(),
    document: z.string().optional(),
    reason,
  })
  .openapi('FindingBody');
/** Body of not-applicable. */
export const NotApplicableBody = z
  .object({ indicator: z.string().min(1), reason, active: z.boolean().optional() })
  .openapi('NotApplicableBody');
/** Body of paper copies. */
export const PaperCopiesBody = z
  .object({
    copies: z.number().int().min(0).max(20),
    receivedOn: z.iso
      .date()
      .optional()
      .meta({ description: '纸质材料收到日期（YYYY-MM-DD，北京时间）；默认为登记当天' }),
    reason,
  })
  .openapi('PaperCopiesBody');
/** Body of turning an excluded submission's base into a recommended base. */
export const RecommendBody = z.object({ reason }).openapi('RecommendBody');
/** What turning an excluded base into a recommended base did. */
export const RecommendedBaseSchema = z
  .object({
    base: BaseSchema,
    replaces: z.object({ id: z.string(), name: z.string() }),
    submissions: z.array(z.string()).meta({ description: '转到新基地的提交（连同其文件）' }),
  })
  .openapi('RecommendedBase');
/** Body of the city letter. */
export const CityLetterBody = z
  .object({
    reason,
    received: z.boolean().optional(),
    pilotUnits: z.array(z.string()).optional(),
    ranking: z.array(z.string()).optional(),
    documentId: z.string().optional(),
  })
  .openapi('CityLetterBody');
/** Body of confirm-sender. */
export const SenderBody = z
  .object({ address: z.string().min(3), baseId: z.string().min(1), reason })
  .openapi('SenderBody');
/** Body of a per-city link. */
export const CityLinkBody = z
  .object({
    city: cityIdSchema,
    hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .optional(),
    reason,
  })
  .openapi('CityLinkBody');

/** A reprocess handed to the intake worker (AWS): the submission shows its outcome once it ran. */
export const ReprocessQueuedSchema = z
  .object({ submissionId: z.string(), queued: z.literal(true) })
  .openapi('ReprocessQueued');

/** What intake did with a message (upload, reprocess). */
export const IngestResultSchema = z
  .object({
    submissionId: z.string(),
    duplicate: z.boolean(),
    baseId: z.string().nullable(),
    findings: z.array(FindingSchema),
  })
  .openapi('IngestResult');
