/**
 * Every finding code the system raises, in one catalogue: its severity, what it means (a short Chinese title for
 * staff and the README, an English one for maintainers), what it is recorded on and where it is shown. `finding()`
 * takes a `FindingCode`, so a code that is not here is a type error; the README's table of codes is generated from
 * this file (`npx tsx scripts/finding-codes.ts --write`) and a unit test fails when the two disagree.
 *
 * Where a finding is shown follows from what it is recorded on and its severity, by the consumers' own rules:
 * - `status` — the base page (提示与处理建议, the timeline) and `/api/findings`: every finding on a base's submissions
 *   and documents, and the rule checks (domain/evaluate.ts); info is listed but not counted as 需核实.
 * - `unmatched` — the 待分配 queue (page and `/api/unmatched`): the findings on a submission no base is assigned to.
 * - `city` — the city page and `/api/cities`: a city's own findings (domain/city-rules.ts).
 * - `notice` — the city digest (its text, HTML and .xlsx): a base's status findings other than info as 需核实
 *   (notice-text.ts `describeBase`), and the city's own findings.
 * - `export` — the workbook: the same 需核实 column as the notice on the city sheets, the city's own findings on the
 *   summary sheet.
 * - `acknowledgement` — the reply to the sender on receipt (acknowledge-send.ts): the findings on its submission and
 *   documents and the rule checks, other than info and other than the identification and quarantine findings that
 *   are for staff only. Findings raised later (intake doctor) never reach it.
 * - `notice-log` — the record of a notice sent (`intake notices`, `/api/notices`).
 * - `review` — the report of a score-sheet import (`intake review import`).
 *
 * Codes are a contract (tests, exports, stored records and notices rely on them): never rename one. A code no longer
 * raised moves to `RETIRED_FINDING_CODES`, where stored records that still hold it find their meaning.
 */
import type { Severity } from './findings.ts';

/** Where a finding can be shown (see the module comment). */
export const FINDING_SURFACES = {
  status: '基地页面、提示列表',
  unmatched: '待分配队列',
  city: '地市页面',
  notice: '地市通知（邮件及附表）',
  export: '导出表格',
  acknowledgement: '收件回执',
  'notice-log': '通知发送记录',
  review: '评分表导入结果',
} as const;
/** A place a finding can be shown. */
export type FindingSurface = keyof typeof FINDING_SURFACES;

/** What a finding is recorded on. */
export type FindingSubject = 'submission' | 'document' | 'status' | 'city' | 'notice' | 'review';

/** One code's entry. */
export interface FindingEntry {
  readonly severity: Severity;
  /** What the code means, in a few Chinese words, for staff and the README. */
  readonly zh: string;
  /** The same for maintainers. */
  readonly en: string;
  /** What the finding is recorded on. */
  readonly on: FindingSubject;
  /** Where it is shown. */
  readonly shown: readonly FindingSurface[];
}

/** Intake-time findings on a document, other than info. */
const DOC = ['status', 'notice', 'export', 'acknowledgement'] as const;
/** Intake-time findings on a submission, other than info (also seen on the 待分配 queue while unassigned). */
const SUB = ['unmatched', 'status', 'notice', 'export', 'acknowledgement'] as const;
/** Info findings on a document: listed on the base page only. */
const DOC_INFO = ['status'] as const;
/** Rule checks of a base's status, other than info. */
const RULE = ['status', 'notice', 'export', 'acknowledgement'] as const;
const REVIEW = ['review'] as const;
const NOTICE = ['notice-log'] as const;

function entry(
  severity: Severity,
  on: FindingSubject,
  shown: readonly FindingSurface[],
  zh: string,
  en: string,
): FindingEntry {
  return { severity, zh, en, on, shown };
}

/** The catalogue: code → entry. */
export const FINDING_CATALOGUE = {
  // Archives (zip, rar, 7z …) sent as attachments.
  'archive.corrupt': entry('error', 'document', DOC, '压缩包损坏或不完整', 'Archive damaged or truncated'),
  'archive.empty': entry('warning', 'document', DOC, '压缩包内没有文件', 'Archive holds no files'),
  'archive.encrypted': entry('error', 'document', DOC, '压缩包设有密码', 'Archive is password-protected'),
  'archive.entry-too-large': entry(
    'warning',
    'document',
    DOC,
    '压缩包中有文件超过大小上限',
    'Archive member over the size limit',
  ),
  'archive.entry-unsafe': entry(
    'warning',
    'document',
    DOC,
    '压缩包中的文件路径异常，已跳过',
    'Unsafe path in the archive, skipped',
  ),
  'archive.names-legacy-encoding': entry(
    'info',
    'document',
    DOC_INFO,
    '压缩包文件名按 GBK 等旧编码识别',
    'Member names decoded from a legacy encoding',
  ),
  'archive.nested-too-deep': entry('warning', 'document', DOC, '压缩包嵌套层数过多', 'Archives nested too deep'),
  'archive.ratio-suspect': entry(
    'warning',
    'document',
    DOC,
    '压缩比异常（疑似压缩炸弹），未解压',
    'Suspicious compression ratio, not expanded',
  ),
  'archive.too-large': entry(
    'warning',
    'document',
    DOC,
    '压缩包解压后总量超过上限',
    'Archive expands beyond the total limit',
  ),
  'archive.too-many-entries': entry('warning', 'document', DOC, '压缩包内文件过多', 'Too many members in the archive'),
  'archive.unsupported-format': entry('error', 'document', DOC, '压缩格式无法读取', 'Archive format not supported'),
  'archive.unsupported-method': entry('error', 'document', DOC, '压缩方式无法读取', 'Compression method not supported'),
  // Any file, read within its budget (parsing/sandbox).
  'file.memory-limit': entry(
    'warning',
    'document',
    DOC,
    '文件读取所需内存超过上限，已停止读取',
    'Parse stopped at its memory budget',
  ),
  'file.package-too-large': entry(
    'warning',
    'document',
    DOC,
    '文件解压后过大，未读取',
    'Office package too large when unpacked, not read',
  ),
  'file.reader-failed': entry('warning', 'document', DOC, '文件读取程序出错', 'The parser failed'),
  'file.time-limit': entry('warning', 'document', DOC, '文件读取超时，已停止读取', 'Parse stopped at its time budget'),
  'document.ocr-pending': entry('warning', 'document', DOC, '扫描件正在文字识别', 'Scanned document waiting for OCR'),
  // The report form (附件2).
  'form.encrypted': entry('error', 'document', DOC, '报告表设有打开密码', 'Report form is password-protected'),
  'form.format-unknown': entry('error', 'document', DOC, '报告表文件格式无法识别', 'Report form in an unknown format'),
  'form.garbled': entry('error', 'document', DOC, '报告表 PDF 文字乱码', 'Report form PDF text is garbled'),
  'form.low-confidence': entry(
    'warning',
    'document',
    DOC,
    '报告表数值由文字识别读出，需核实',
    'Report form values read by OCR',
  ),
  'form.no-items': entry('error', 'document', DOC, '文件中找不到报告表的填报项目', 'No report-form items found'),
  'form.out-of-range': entry('warning', 'document', DOC, '填报数值超出合理范围', 'Value out of its plausible range'),
  'form.partly-read': entry('warning', 'document', DOC, '报告表只读取了一部分', 'Report form read only in part'),
  'form.scanned': entry('error', 'document', DOC, '报告表为扫描件，无法识别数据', 'Report form is a scan without text'),
  'form.ticks-claimed': entry(
    'info',
    'document',
    DOC_INFO,
    '只填“是”、未勾选具体做法，按已开展计',
    'Answered yes without ticking, counted as done',
  ),
  'form.unit-converted': entry(
    'warning',
    'document',
    DOC,
    '单位与通知不符，已换算',
    'Value converted to the notice unit',
  ),
  'form.unreadable': entry('error', 'document', DOC, '报告表文件损坏或格式不规范', 'Report form damaged or malformed'),
  'form.value-conflict': entry(
    'warning',
    'document',
    DOC,
    '同一项有两处填写不一致，未采用',
    'Conflicting values for one field, none used',
  ),
  'form.value-unreadable': entry('warning', 'document', DOC, '填写内容无法识别为数值', 'Value cannot be read'),
  // Reception.
  'intake.attachment-too-large': entry(
    'warning',
    'document',
    DOC,
    '附件超过大小上限，已保存未读取',
    'Attachment over the size limit, not read',
  ),
  'intake.base-ambiguous': entry(
    'warning',
    'submission',
    ['unmatched'],
    '可能属于多个基地，待人工分配',
    'Several bases match; waits for staff',
  ),
  'intake.base-cancelled': entry(
    'warning',
    'submission',
    ['status'],
    '基地已被取消称号，不参加本年度评价',
    'The base lost its title and takes no part',
  ),
  'intake.base-unknown': entry(
    'warning',
    'submission',
    ['unmatched'],
    '无法识别所属基地，待人工分配',
    'No base identified; waits for staff',
  ),
  'intake.message-too-large': entry(
    'error',
    'submission',
    SUB,
    '邮件超过大小上限，未自动读取',
    'Message over the size limit, not parsed',
  ),
  'intake.quarantined': entry(
    'error',
    'submission',
    ['unmatched', 'status', 'notice', 'export'],
    '邮件未通过安全检查，已隔离',
    'Quarantined by the mail scan',
  ),
  // The message itself.
  'mail.forwarded': entry(
    'info',
    'document',
    DOC_INFO,
    '附件为转发的邮件，已读取其中附件',
    'Forwarded message, its attachments read',
  ),
  'mail.message-id-reused': entry(
    'info',
    'submission',
    ['unmatched', 'status'],
    '邮件标识与另一封不同内容的邮件相同',
    'Message-ID reused with other content',
  ),
  'mail.no-attachments': entry('warning', 'submission', SUB, '邮件没有附件', 'Message without attachments'),
  'mail.tnef': entry(
    'warning',
    'document',
    DOC,
    '附件为 winmail.dat（RTF 格式），无法读取',
    'TNEF (winmail.dat) attachment',
  ),
  'mail.too-many-attachments': entry(
    'error',
    'submission',
    SUB,
    '附件数超过上限，只读取了一部分',
    'Too many attachments, some not read',
  ),
  'mail.too-many-parts': entry(
    'error',
    'submission',
    SUB,
    '邮件结构过于复杂，只读取了一部分',
    'Too many MIME parts, some not read',
  ),
  'mail.unparseable': entry('error', 'submission', SUB, '邮件格式无法完整解析', 'Message cannot be parsed completely'),
  // The self-assessment report (附件3).
  'report.corrupt': entry('error', 'document', DOC, '自评报告文件已损坏', 'Self-assessment file damaged'),
  'report.encrypted': entry('error', 'document', DOC, '自评报告设有打开密码', 'Self-assessment is password-protected'),
  'report.figure-missing': entry(
    'warning',
    'document',
    DOC,
    '自评报告中未找到交易额',
    'Trade figure not found in the report',
  ),
  'report.format-unsupported': entry(
    'warning',
    'document',
    DOC,
    '自评报告格式暂不能自动读取',
    'Self-assessment format not read automatically',
  ),
  'report.no-text': entry('warning', 'document', DOC, '自评报告没有可提取的文字', 'No text in the self-assessment'),
  'report.ocr': entry('info', 'document', DOC_INFO, '自评报告文字由文字识别读出', 'Self-assessment text read by OCR'),
  'report.section-missing': entry('warning', 'document', DOC, '自评报告缺少提纲要求的章节', 'Outline section missing'),
  'report.text-garbled': entry('warning', 'document', DOC, '自评报告文字乱码', 'Self-assessment text garbled'),
  'report.timeout': entry('warning', 'document', DOC, '自评报告读取超时', 'Self-assessment read timed out'),
  'report.truncated': entry(
    'info',
    'document',
    DOC_INFO,
    '自评报告页数过多，只读取了前若干页',
    'Only the first pages of the report were read',
  ),
  // Checks of the form's values (domain/rules.ts).
  'rule.control-not-met': entry('warning', 'status', RULE, '未达到控制项要求', 'Control item not met'),
  'rule.control-relaxed': entry(
    'warning',
    'status',
    RULE,
    '按放宽条件达到控制项',
    'Control item met on its relaxed threshold',
  ),
  'rule.cross-field': entry('warning', 'status', RULE, '相关项目之间数据矛盾', 'Related items contradict each other'),
  'rule.notice-slip': entry(
    'info',
    'status',
    ['status'],
    '通知本身的口径问题，供专家留意',
    'A slip in the notice itself, for the experts',
  ),
  'rule.rate-range': entry(
    'warning',
    'status',
    RULE,
    '网红孵化成功率不在0～100%之间',
    'Incubation rate outside 0-100 %',
  ),
  'rule.report-mismatch': entry(
    'warning',
    'status',
    RULE,
    '报告表与自评报告的交易额不一致',
    'Form and report disagree on a trade figure',
  ),
  'rule.unit-suspect': entry('warning', 'status', RULE, '数值疑似单位填错', 'Value suggests a wrong unit'),
  // The stores, checked by intake doctor.
  'storage.file-corrupt': entry(
    'error',
    'document',
    ['status', 'notice', 'export'],
    '存储中的文件已损坏，不再计入',
    'Stored file no longer matches its hash',
  ),
  'storage.file-missing': entry(
    'error',
    'document',
    ['status', 'notice', 'export'],
    '存储中的文件已丢失，不再计入',
    'Stored file is gone',
  ),
  'storage.raw-missing': entry(
    'warning',
    'submission',
    ['unmatched', 'status', 'notice', 'export'],
    '原始邮件丢失或损坏，无法重新读取',
    'Raw message gone; cannot be reprocessed',
  ),
  // A city bureau's own business.
  'city.too-many-recommended': entry(
    'warning',
    'city',
    ['city', 'notice', 'export'],
    '新推荐基地超过2家',
    'More than two new bases recommended',
  ),
  // Notices to the city bureaus.
  'notice.address-failing': entry(
    'warning',
    'notice',
    NOTICE,
    '通知地址退信或被投诉，已暂停发送',
    'Notice address bounced or complained, paused',
  ),
  'notice.no-address': entry(
    'error',
    'notice',
    NOTICE,
    '没有可用的通知地址，未发送',
    'No usable notice address, not sent',
  ),
  'notice.send-failed': entry('error', 'notice', NOTICE, '通知发送失败', 'Notice could not be sent'),
  // The experts' score sheets.
  'review.control-invalid': entry(
    'error',
    'review',
    REVIEW,
    '控制项填写不是“是”或“否”',
    'Control answer is neither 是 nor 否',
  ),
  'review.control-open': entry('warning', 'review', REVIEW, '控制项未确认是否满足', 'Control item left open'),
  'review.duplicate-base': entry(
    'error',
    'review',
    REVIEW,
    '同一专家对同一基地评了两次',
    'One expert scored a base twice',
  ),
  'review.missing-score': entry('error', 'review', REVIEW, '未填得分', 'Score missing'),
  'review.not-a-number': entry('error', 'review', REVIEW, '得分不是数字', 'Score is not a number'),
  'review.not-a-score-sheet': entry(
    'error',
    'review',
    REVIEW,
    '文件不是本系统生成的评分表',
    'Not a score sheet of this system',
  ),
  'review.not-scored': entry('info', 'review', REVIEW, '工作表为空，未评分，跳过', 'Empty sheet, skipped'),
  'review.other-round': entry('error', 'review', REVIEW, '其他年度的评分表', 'Score sheet of another round'),
  'review.out-of-range': entry('error', 'review', REVIEW, '得分超出范围', 'Score out of range'),
  'review.precision': entry('error', 'review', REVIEW, '得分小数位数过多', 'Score has too many decimals'),
  'review.sheet-altered': entry(
    'error',
    'review',
    REVIEW,
    '评分表结构被改动（缺少指标行）',
    'Sheet altered: an indicator row is missing',
  ),
  'review.sheet-missing': entry('error', 'review', REVIEW, '评分表缺少工作表', 'A worksheet is missing'),
  'review.unknown-base': entry(
    'error',
    'review',
    REVIEW,
    '工作表对应的基地不在参评名单中',
    'Sheet for a base not on the list',
  ),
  'review.unreadable': entry('error', 'review', REVIEW, '评分表无法读取', 'Score sheet cannot be read'),
} as const satisfies Record<string, FindingEntry>;

/** A code the system raises; `finding()` takes only these. */
export type FindingCode = keyof typeof FINDING_CATALOGUE;

/**
 * Codes no longer raised that stored records may still hold (findingSchema accepts any well-formed code): their
 * meaning, so old records still read. Never raised again under another meaning.
 */
export const RETIRED_FINDING_CODES: Readonly<Record<string, Pick<FindingEntry, 'severity' | 'zh' | 'en'>>> = {
  // Until the reader took .xls, Word, PDF and CSV forms (now form.format-unknown, form.encrypted, form.unreadable).
  'form.not-xlsx': {
    severity: 'error',
    zh: '报告表不是 .xlsx 格式的 Excel 工作簿',
    en: 'Report form not an .xlsx workbook',
  },
};

/** Whether a code is one the system raises today. */
export function isFindingCode(code: string): code is FindingCode {
  return Object.hasOwn(FINDING_CATALOGUE, code);
}

/** The catalogue entry of a code raised today, else null (a retired code, or one from another version). */
export function findingEntry(code: string): FindingEntry | null {
  return isFindingCode(code) ? FINDING_CATALOGUE[code] : null;
}
