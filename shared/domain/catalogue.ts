/**
 * The shape of a round (campaign) and its catalogue, as zod schemas. A round is data: next year's round is a
 * new JSON file under `rounds/`, checked against these schemas when it is loaded, not new code.
 */
import { z } from 'zod';
import { evidenceExamplesSchema, vocabularySchema } from './vocabulary.ts';

/** Stable ids of the 12 city-level units (11 cities + 山西综改示范区), as in DOMAIN.md. */
export const CITY_IDS = [
  'taiyuan',
  'datong',
  'shuozhou',
  'xinzhou',
  'lvliang',
  'jinzhong',
  'yangquan',
  'changzhi',
  'jincheng',
  'linfen',
  'yuncheng',
  'zonggai',
] as const;

export const cityIdSchema = z.enum(CITY_IDS);
/** One of the 12 city ids. */
export type CityId = z.infer<typeof cityIdSchema>;

/** A city bureau (市商务局 or the 综改区 management committee) and where its notices go. */
export const citySchema = z.object({
  id: cityIdSchema,
  /** Official name, e.g. 太原市. */
  name: z.string().min(1),
  /** Other spellings seen in mail and forms, e.g. 太原, 综改区, 山西综改示范区. */
  aliases: z.array(z.string().min(1)),
  /** The unit that reviews and seals, e.g. 太原市商务局. */
  bureau: z.string().min(1),
  /** Addresses the city digest goes to; staff edit these per round. Empty means "not configured yet". */
  notifyTo: z.array(z.email()),
});
/** A city bureau. */
export type City = z.infer<typeof citySchema>;

/** provincial = Annex 4 table 1; recommended = table 2; new = recommended this round; cancelled = table 3. */
export const baseCategorySchema = z.enum(['provincial', 'recommended', 'new', 'cancelled']);
/** How a base takes part in the round. */
export type BaseCategory = z.infer<typeof baseCategorySchema>;

export const gradeSchema = z.enum(['A', 'B', 'C', 'D']);
/** An evaluation grade. */
export type Grade = z.infer<typeof gradeSchema>;

/** A livestream e-commerce base of the registry. */
export const baseSchema = z.object({
  /** Stable id: p01..p24 (provincial), r01..r06 (recommended), x01..x04 (cancelled), n-... (registered by staff). */
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /** Name exactly as Annex 4 writes it. */
  name: z.string().min(1),
  city: cityIdSchema,
  category: baseCategorySchema,
  /** Grade of the 2021 evaluation, null when it had none (new, or cancelled for not reporting). */
  grade2021: gradeSchema.nullable(),
  /** Other names the base is known by (operator company, short names). */
  aliases: z.array(z.string().min(1)),
  /** False for cancelled bases: they are recorded but do not take part. */
  participating: z.boolean(),
  /** Why a base does not take part, e.g. 取消称号. */
  remark: z.string().optional(),
});
/** A base of the registry. */
export type Base = z.infer<typeof baseSchema>;

/** How a form field is filled in. */
export const fieldKindSchema = z.enum(['number', 'yesno', 'ticks', 'text']);
/** The kind of a form field. */
export type FieldKind = z.infer<typeof fieldKindSchema>;

/** One blank of a report-form item (an item may have several, e.g. item 4: merchants, of which 老字号). */
export const formFieldSchema = z.object({
  /** Stable key within the item, e.g. "merchants", "laozihao". */
  key: z.string().regex(/^[a-z][a-zA-Z0-9]*$/),
  /** Wording of the blank in the notice, e.g. 入驻商家数量. */
  label: z.string().min(1),
  kind: fieldKindSchema,
  /** Unit the notice fixes (万平方米, 间, Mbps, 个, 人, 万元, 场, 小时, %, 年); null for 是/否, ticks, text. */
  unit: z.string().nullable(),
  /** Tick options for kind "ticks", in the notice's order. */
  options: z.array(z.string()).optional(),
  /** True when the tick list ends with 其他 + free text. */
  otherText: z.boolean().optional(),
  /** Inclusive bounds of a valid number. */
  min: z.number().optional(),
  max: z.number().optional(),
});
/** A blank of a report-form item. */
export type FormField = z.infer<typeof formFieldSchema>;

/** An item (1-44) of the report form, 附件2. */
export const formItemSchema = z.object({
  item: z.number().int().min(1),
  /** Short title used in notices, e.g. 直播电商基地建筑面积. */
  label: z.string().min(1),
  /** The item's full wording in the notice (without the number), used to find it in a sheet. */
  wording: z.string().min(1),
  /** Section of the form, e.g. 基础硬件. */
  section: z.string().min(1),
  fields: z.array(formFieldSchema).min(1),
});
/** A report-form item. */
export type FormItem = z.infer<typeof formItemSchema>;

/** A header field of the report form (基地名称, 市商务局, 联系人 ...). */
export const formHeaderFieldSchema = z.object({
  key: z.string().regex(/^[a-z][a-zA-Z0-9]*$/),
  label: z.string().min(1),
  /** Other labels seen in re-made forms. */
  aliases: z.array(z.string()),
});
/** A header field of the report form. */
export type FormHeaderField = z.infer<typeof formHeaderFieldSchema>;

/** An indicator of the scoring standard, 附件1. */
export const indicatorSchema = z.object({
  /** Stable id, e.g. building-area. */
  slug: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /** 一级指标, e.g. 承载能力. */
  level1: z.string().min(1),
  /** 二级指标, e.g. 基础硬件. */
  level2: z.string().min(1),
  /** 三级指标 as the notice names it. */
  name: z.string().min(1),
  points: z.number().positive(),
  /** Unit(s) as the notice writes them, e.g. "万平方米", "是/否", "场, 小时". */
  unit: z.string().min(1),
  /** Report-form items whose values claim this indicator. */
  formItems: z.array(z.number().int().min(1)),
  /** 需提交证明材料, the notice's wording. */
  evidence: z.string().min(1),
  /** Words that mark an evidence file (folder, file name, sheet header) as belonging to this indicator. */
  evidenceKeywords: z.array(z.string().min(1)).min(1),
  /** 加分项 (bonus items, 2 points each, capped at 10). */
  bonus: z.boolean(),
});
/** An indicator of 附件1. */
export type Indicator = z.infer<typeof indicatorSchema>;

/** A control item (控制项): a threshold a base must meet, with its relaxed variant. */
export const controlItemSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  item: z.number().int().min(1),
  field: z.string(),
  label: z.string().min(1),
  /** Threshold in the field's unit. */
  min: z.number(),
  /** The relaxed threshold the notice allows (2000 m² in Annex 1's row; 「1000万元或500万以上」 in the 控制项 paragraph). */
  relaxedMin: z.number().optional(),
  /**
   * A condition of the relaxed threshold's own (2000 m² 「作用发挥良好」); none where the notice gives only the
   * condition all four items share (`Round.controlCondition`).
   */
  relaxedCondition: z.string().optional(),
});
/** A control item. */
export type ControlItem = z.infer<typeof controlItemSchema>;

/**
 * When notices go out. Every field has a default, so a round may leave the whole object out; the reminder days then
 * come from `reminderDaysBefore`.
 */
export const noticeScheduleSchema = z.object({
  /** Days before the deadline with a reminder to cities with gaps; 0 is the deadline day itself. */
  daysBefore: z.array(z.number().int().min(0)).default([7, 3, 0]),
  /** After the deadline: a reminder the next day, then every this many days while gaps remain (0: none after). */
  everyDaysAfter: z.number().int().min(0).default(3),
  /** Last day (counted from the deadline) with an after-deadline reminder; absent: as long as gaps remain. */
  afterDeadlineForDays: z.number().int().min(1).optional(),
  /** Digests sent because a city's facts changed, at most this many per city per calendar day (0: none). */
  changeDigestsPerDay: z.number().int().min(0).default(1),
  /** Minutes a claimed notice stays reserved for the run that claimed it. */
  leaseMinutes: z.number().int().min(1).default(15),
  /** Retries of a notice the transport refused: attempts in all, first wait, growth of the wait. */
  retry: z
    .object({
      maxAttempts: z.number().int().min(1).default(5),
      firstDelayMinutes: z.number().int().min(1).default(15),
      factor: z.number().min(1).default(3),
    })
    .prefault({}),
  /** Acknowledgements to senders: whether they go, how old a message may be, and a cap per sender and day. */
  acknowledgements: z
    .object({
      enabled: z.boolean().default(true),
      maxAgeHours: z.number().int().min(1).default(48),
      maxPerSenderPerDay: z.number().int().min(1).default(20),
    })
    .prefault({}),
});
/** The notice schedule of a round, defaults filled in. */
export type NoticeSchedule = z.infer<typeof noticeScheduleSchema>;

/** An evaluation round: period, deadline, mailbox and the catalogue in force. */
export const roundSchema = z.object({
  id: z.string().regex(/^[0-9a-z-]+$/),
  title: z.string().min(1),
  /** Document number of the notice, e.g. 晋商电便〔2023〕85号. */
  notice: z.string().min(1),
  /** Full title of the notice, cited with its number: 「根据《…的通知》（晋商电便〔2023〕85号）」. */
  noticeTitle: z.string().min(1).optional(),
  /** The unit that signs letters and receipts, e.g. 山西省商务厅电子商务处 (absent: 山西省商务厅电子商务处). */
  signOff: z.string().min(1).optional(),
  /**
   * Slips in the notice's own text, kept as written in the catalogue and shown corrected (「加盖党章」 -> 「加盖公章」):
   * the original stays in the data, the correction stands beside it here.
   */
  noticeCorrections: z
    .array(z.object({ original: z.string().min(1), shown: z.string().min(1), where: z.string().optional() }))
    .optional(),
  /** Evaluation period, months inclusive (YYYY-MM). */
  period: z.object({ from: z.string().regex(/^\d{4}-\d{2}$/), to: z.string().regex(/^\d{4}-\d{2}$/) }),
  /** Last day (inclusive) for electronic materials, in `timeZone`. */
  deadline: z.iso.date(),
  timeZone: z.string().min(1),
  /** Mailbox that receives the submissions. */
  mailbox: z.email(),
  /** Last day (inclusive) for the sealed paper copies; absent: the deadline (the notice: 「同时」). */
  paperDue: z.iso.date().optional(),
  /** Where paper copies go. */
  postalAddress: z.string(),
  /** Division contact shown in notices. */
  contact: z.object({ name: z.string(), phone: z.string(), email: z.email() }),
  /** Days before the deadline on which reminders go out (e.g. [7, 3, 0]). */
  reminderDaysBefore: z.array(z.number().int().min(0)),
  /**
   * First day of the expert review (the notice: 「2023年11月中旬到11月下旬」; staff set the day). From then on no
   * reminder or change digest goes out by itself: the materials are with the experts. Staff can still send one.
   */
  reviewStartsOn: z.iso.date().optional(),
  /** When digests and acknowledgements go out (see noticeScheduleSchema); absent: the defaults. */
  noticeSchedule: noticeScheduleSchema.optional(),
  cities: z.array(citySchema).length(12),
  bases: z.array(baseSchema),
  formHeader: z.array(formHeaderFieldSchema),
  formItems: z.array(formItemSchema),
  indicators: z.array(indicatorSchema),
  controlItems: z.array(controlItemSchema),
  /**
   * The condition the notice attaches to all four control items (「…且在当地带动作用突出，直播活动经常积极配合商务部门
   * 开展工作」): the experts judge it, the system only reminds them of it.
   */
  controlCondition: z.string().optional(),
  /** The words bases use for their evidence (vocabulary.json); absent: the indicators' evidence keywords only. */
  vocabulary: vocabularySchema.optional(),
  /** Evidence files whose indicators people settled (examples.json): the classifier's tie-breaker learns from them. */
  examples: evidenceExamplesSchema.optional(),
});
/** An evaluation round. */
export type Round = z.infer<typeof roundSchema>;
