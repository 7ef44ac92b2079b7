/**
 * Score sheets for the experts (`intake review sheets --expert 专家A --out DIR`): one workbook per expert, a 说明
 * sheet, then one sheet per base, pre-filled with what the base reported beside each indicator of 附件1, the evidence
 * files that arrived for it, the control items to confirm, and a points column validated to 0..max. Everything but
 * the points, the control answers and the comment is locked (sheet protection without a password: the import checks
 * every value again anyway). A very hidden `_meta` sheet names the round, the expert and which sheet is which base,
 * so the import never guesses.
 *
 * Primary course: evaluate the participating bases at `asOf`; build the workbook; record that the sheets went to
 * the expert (the review board then knows whose points are still missing); audit it.
 *
 * The layout lives only here: `readScoreWorkbook` below reads what `writeScoreWorkbook` writes.
 */
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Base, Indicator, Round } from '../domain/catalogue.ts';
import type { BaseStatus, FormValue } from '../domain/records.ts';
import type { ExpertRecord } from '../domain/review-records.ts';
import { loadScoring } from '../domain/rounds/index.ts';
import type { ScoringScheme } from '../domain/scoring.ts';
import type { AppContext } from './context.ts';
import { evaluateAll } from './evaluate.ts';
import { listRegistry } from './registry.ts';

/** Marks a workbook as ours (first cell of `_meta`). */
export const SHEET_MAGIC = 'intake-review-sheet';
/** Layout version written in `_meta`; the reader refuses others. */
export const SHEET_LAYOUT = '1';
/** Name of the hidden sheet that maps sheets to bases. */
export const META_SHEET = '_meta';
/** Name of the instructions sheet. */
export const GUIDE_SHEET = '说明';

/** Columns of a base sheet (A holds the row's key and is hidden). */
export const COL = {
  key: 1,
  no: 2,
  level1: 3,
  level2: 4,
  name: 5,
  max: 6,
  reported: 7,
  evidence: 8,
  score: 9,
  note: 10,
};
/** First indicator row of a base sheet. */
export const FIRST_ROW = 7;
/** Key in column A of a control item's row. */
export const controlKey = (id: string) => `control:${id}`;
/** Key in column A of the comment row. */
export const COMMENT_KEY = 'comment';

const CATEGORY: Record<string, string> = {
  provincial: '省级直播电商基地',
  recommended: '地市推荐基地（2021年度参评）',
  new: '本年度新推荐基地',
};
const STATE: Record<string, string> = { complete: '材料齐全', incomplete: '材料不全', 'not-received': '未收到材料' };
const THIN = { style: 'thin' as const, color: { argb: 'FF9AA4AE' } };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const INPUT_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF8C5' } };
const HEAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };

/** What one base sheet shows. */
export interface BaseSheetModel {
  base: Base;
  cityName: string;
  status: BaseStatus | null;
}

/** Input of the workbook writer. */
export interface ScoreWorkbookModel {
  round: Round;
  scheme: ScoringScheme;
  expert: string;
  issuedAt: Date;
  bases: BaseSheetModel[];
  /** Dashboard origin for a link to each base's package (e.g. https://intake.example.cn); none when absent. */
  linkBase?: string;
}

/** A sheet name Excel accepts (≤ 31 characters, none of []:*?/\), unique within `taken`. */
function sheetName(index: number, name: string, taken: Set<string>): string {
  const clean = name.replace(/[[\]:*?/\\]/g, '').replace(/[“”"']/g, '');
  let candidate = `${String(index + 1).padStart(2, '0')} ${clean}`.slice(0, 31);
  for (let n = 2; taken.has(candidate); n++) candidate = `${candidate.slice(0, 28)}~${n}`;
  taken.add(candidate);
  return candidate;
}

/** A reported value as a person reads it: 1.2万平方米, 是, 仓储物流、客服托管, 未填. */
function showValue(v: FormValue): string {
  const value = v.value;
  if (value === null || value === '') return `${v.label}：未填`;
  if (typeof value === 'boolean') return `${v.label}：${value ? '是' : '否'}`;
  if (Array.isArray(value)) return `${v.label}：${value.length ? value.join('、') : '均未勾选'}`;
  return `${v.label}：${value}${v.unit ?? ''}`;
}

/** The reported values of an indicator's form items, one per line. */
export function reportedFor(indicator: Indicator, status: BaseStatus | null): string {
  if (!status) return '';
  const values = status.formValues.filter((v) => indicator.formItems.includes(v.item));
  if (values.length === 0) return status.state === 'not-received' ? '' : '未读取到';
  return values.map(showValue).join('\n');
}

/** File names of the evidence that arrived for an indicator, one per line. */
export function evidenceFor(slug: string, status: BaseStatus | null): string {
  if (!status) return '';
  const files = status.documents
    .filter((d) => d.kind === 'evidence' && (d.indicators.length > 0 ? d.indicators : [d.indicator]).includes(slug))
    .map((d) => d.fileName);
  if (files.length > 0) return [...new Set(files)].join('\n');
  return status.notApplicable.includes(slug) ? '（经核定不适用）' : '未收到';
}

function frame(cell: ExcelJS.Cell, bold = false): void {
  cell.border = BORDER;
  cell.alignment = { wrapText: true, vertical: 'middle' };
  if (bold) cell.font = { bold: true };
}

function input(cell: ExcelJS.Cell): void {
  frame(cell);
  cell.protection = { locked: false };
  cell.fill = INPUT_FILL;
}

/** Writes an expert's workbook. */
export async function writeScoreWorkbook(model: ScoreWorkbookModel): Promise<Buffer> {
  const { round, scheme } = model;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '山西省商务厅电子商务处';
  workbook.created = model.issuedAt;

  const guide = workbook.addWorksheet(GUIDE_SHEET);
  guide.columns = [{ width: 18 }, { width: 90 }];
  const bands = [...scheme.grades].sort((a, b) => b.min - a.min);
  const lines: [string, string][] = [
    ['评价', round.title],
    ['依据', `${round.notice} 附件1 评分标准`],
    ['评分专家', model.expert],
    ['基地数', `${model.bases.length}个，每个基地一张工作表`],
    [
      '填写方法',
      '只需在黄色单元格填写：每项“得分”（0至满分，可保留两位小数）、控制项“是否满足”（是/否）和“评价意见”。',
    ],
    [
      '评分项',
      `${scheme.groups.map((g) => `${g.level1}${g.points}分`).join('、')}；一级指标实际得分应超过该项总分的${Math.round(scheme.groupMinShare * 100)}%。`,
    ],
    ['加分项', `每项2分，合计最高不超过${scheme.bonus.cap}分。`],
    [
      '等级',
      bands
        .map((b, i) => (i === 0 ? `${b.min}分以上为${b.grade}` : `${b.min}分-${bands[i - 1]?.min}分以下为${b.grade}`))
        .join('，'),
    ],
    [
      '控制项',
      `${round.controlItems.map((c) => c.label).join('、')}，${round.controlCondition ? `且${round.controlCondition}` : ''}；未确认满足的，不得评为${scheme.gradesNeedingControls.join('、')}。`,
    ],
    ['交回', `填写完毕后请将本文件原样交回电子商务处（${round.contact.email}），勿改动文件结构。`],
  ];
  guide.addRow([`${round.title} 专家评分表`]).font = { bold: true, size: 14 };
  for (const line of lines) {
    const row = guide.addRow(line);
    row.getCell(1).font = { bold: true };
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
  }
  await guide.protect('', { selectLockedCells: true, selectUnlockedCells: true });

  const meta = workbook.addWorksheet(META_SHEET, { state: 'veryHidden' });
  meta.addRow([SHEET_MAGIC, SHEET_LAYOUT]);
  meta.addRow(['round', round.id]);
  meta.addRow(['expert', model.expert]);
  meta.addRow(['issuedAt', model.issuedAt.toISOString()]);
  meta.addRow(['sheets', String(model.bases.length)]);

  const taken = new Set<string>([GUIDE_SHEET, META_SHEET]);
  for (const [index, entry] of model.bases.entries()) {
    const name = sheetName(index, entry.base.name, taken);
    meta.addRow([name, entry.base.id]);
    await writeBaseSheet(workbook.addWorksheet(name), model, entry);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function writeBaseSheet(sheet: ExcelJS.Worksheet, model: ScoreWorkbookModel, entry: BaseSheetModel) {
  const { round, scheme } = model;
  const { base, status } = entry;
  sheet.columns = [
    { width: 4, hidden: true },
    { width: 5 },
    { width: 10 },
    { width: 12 },
    { width: 26 },
    { width: 6 },
    { width: 30 },
    { width: 30 },
    { width: 9 },
    { width: 34 },
  ];
  sheet.mergeCells(1, COL.no, 1, COL.note);
  const title = sheet.getCell(1, COL.no);
  title.value = `${round.title} 专家评分表`;
  title.font = { bold: true, size: 14 };
  const pair = (row: number, label: string, value: string, col = COL.no) => {
    const l = sheet.getCell(row, col);
    l.value = label;
    frame(l, true);
    const v = sheet.getCell(row, col + 1);
    v.value = value;
    frame(v);
  };
  sheet.mergeCells(2, COL.level1, 2, COL.name);
  pair(2, '基地名称', base.name);
  pair(2, '基地编号', base.id, COL.reported);
  sheet.mergeCells(3, COL.level1, 3, COL.name);
  pair(3, '地市', entry.cityName);
  pair(
    3,
    '类别',
    `${CATEGORY[base.category] ?? base.category}${base.grade2021 ? `，2021年度评为${base.grade2021}` : ''}`,
    COL.reported,
  );
  sheet.mergeCells(4, COL.level1, 4, COL.name);
  const marks = status
    ? [STATE[status.state] ?? status.state, status.late ? '逾期提交' : '', status.overdue ? '截止仍缺' : '']
    : [];
  pair(4, '材料情况', marks.filter(Boolean).join('，') || '未收到材料');
  pair(4, '材料链接', '', COL.reported);
  if (model.linkBase) {
    const link = `${model.linkBase.replace(/\/$/, '')}/bases/${encodeURIComponent(base.id)}`;
    sheet.getCell(4, COL.evidence).value = { text: '在系统中查看全部材料', hyperlink: link };
    sheet.getCell(4, COL.evidence).font = { color: { argb: 'FF0B57D0' }, underline: true };
  }
  sheet.mergeCells(5, COL.level1, 5, COL.name);
  pair(5, '评分专家', model.expert);

  const head = sheet.getRow(FIRST_ROW - 1);
  const headings = [
    '指标代码',
    '序号',
    '一级指标',
    '二级指标',
    '三级指标',
    '满分',
    '填报值（报告表）',
    '证明材料（已收到文件）',
    '得分',
    '说明',
  ];
  headings.forEach((h, i) => {
    const cell = head.getCell(i + 1);
    cell.value = h;
    frame(cell, true);
    cell.fill = HEAD_FILL;
  });

  let row = FIRST_ROW;
  for (const [i, indicator] of round.indicators.entries()) {
    const r = sheet.getRow(row);
    r.getCell(COL.key).value = indicator.slug;
    r.getCell(COL.no).value = i + 1;
    r.getCell(COL.level1).value = indicator.level1;
    r.getCell(COL.level2).value = indicator.level2;
    r.getCell(COL.name).value = indicator.bonus ? `${indicator.name}（加分项）` : indicator.name;
    r.getCell(COL.max).value = indicator.points;
    r.getCell(COL.reported).value = reportedFor(indicator, status);
    r.getCell(COL.evidence).value = evidenceFor(indicator.slug, status);
    r.getCell(COL.note).value = scheme.guidance[indicator.slug] ?? indicator.evidence;
    for (let c = COL.no; c <= COL.note; c++) frame(r.getCell(c));
    const score = r.getCell(COL.score);
    input(score);
    score.numFmt = '0.##';
    score.dataValidation = {
      type: 'decimal',
      operator: 'between',
      allowBlank: true,
      formulae: [0, indicator.points],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '得分超出范围',
      error: `本项满分${indicator.points}分，请填写0至${indicator.points}之间的数。`,
      showInputMessage: true,
      promptTitle: '得分',
      prompt: `0至${indicator.points}分`,
    };
    row++;
  }
  const last = row - 1;
  const bonusRows = round.indicators
    .map((x, i) => (x.bonus ? `${scoreColumn()}${FIRST_ROW + i}` : null))
    .filter(Boolean);
  const scoredRows = round.indicators
    .map((x, i) => (!x.bonus ? `${scoreColumn()}${FIRST_ROW + i}` : null))
    .filter(Boolean);
  const sums: [string, string][] = [
    ['评分项小计', `SUM(${scoredRows.join(',')})`],
    [`加分项小计（最高${scheme.bonus.cap}分）`, `MIN(${scheme.bonus.cap},SUM(${bonusRows.join(',')}))`],
    ['合计（供参考，以省厅汇总为准）', `SUM(${scoreColumn()}${last + 1}:${scoreColumn()}${last + 2})`],
  ];
  for (const [label, formula] of sums) {
    sheet.mergeCells(row, COL.no, row, COL.evidence);
    const l = sheet.getCell(row, COL.no);
    l.value = label;
    frame(l, true);
    const v = sheet.getCell(row, COL.score);
    v.value = { formula };
    frame(v, true);
    row++;
  }

  row++;
  const controlHead = sheet.getRow(row);
  ['', '', '控制项', '', '', '', '标准', '填报值', '是否满足', '说明'].forEach((h, i) => {
    if (!h) return;
    const cell = controlHead.getCell(i + 1);
    cell.value = h;
    frame(cell, true);
    cell.fill = HEAD_FILL;
  });
  row++;
  for (const control of round.controlItems) {
    const item = round.formItems.find((f) => f.item === control.item);
    const field = item?.fields.find((f) => f.key === control.field);
    const value = status?.formValues.find((v) => v.item === control.item && v.field === control.field);
    const unit = field?.unit ?? '';
    const r = sheet.getRow(row);
    r.getCell(COL.key).value = controlKey(control.id);
    sheet.mergeCells(row, COL.level1, row, COL.max);
    r.getCell(COL.level1).value = control.label;
    r.getCell(COL.reported).value =
      `${control.min}${unit}以上${control.relaxedMin !== undefined ? `（或${control.relaxedMin}${unit}以上${control.relaxedCondition ? `且${control.relaxedCondition}` : ''}）` : ''}`;
    r.getCell(COL.evidence).value = value ? showValue(value) : '未读取到';
    r.getCell(COL.note).value = round.controlCondition ? `且${round.controlCondition}` : '';
    for (const c of [COL.level1, COL.reported, COL.evidence, COL.note]) frame(r.getCell(c));
    const answer = r.getCell(COL.score);
    input(answer);
    answer.dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: ['"是,否"'],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '请选择',
      error: '请从下拉列表中选择“是”或“否”。',
    };
    row++;
  }

  row++;
  const commentRow = sheet.getRow(row);
  commentRow.getCell(COL.key).value = COMMENT_KEY;
  commentRow.getCell(COL.no).value = '评价意见';
  frame(commentRow.getCell(COL.no), true);
  sheet.mergeCells(row, COL.level1, row, COL.note);
  input(commentRow.getCell(COL.level1));
  commentRow.getCell(COL.level1).alignment = { wrapText: true, vertical: 'top' };
  commentRow.height = 90;

  sheet.views = [{ state: 'frozen', ySplit: FIRST_ROW - 1, xSplit: 0 }];
  await sheet.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
  });
}

function scoreColumn(): string {
  return String.fromCharCode(64 + COL.score);
}

/** What `issueScoreSheets` made. */
export interface IssuedSheets {
  expert: string;
  fileName: string;
  workbook: Buffer;
  bases: string[];
}

/** Builds an expert's workbook for every participating base (or those given) and records that it was issued. */
export async function issueScoreSheets(
  ctx: AppContext,
  input: { expert: string; actor: string; asOf?: Date; baseIds?: string[]; linkBase?: string },
): Promise<IssuedSheets> {
  const scheme = loadScoring(ctx.round.id);
  const expert = input.expert.trim();
  if (!expert) throw new Error('expert name is empty');
  const registry = (await listRegistry(ctx)).filter((b) => b.participating);
  const chosen = input.baseIds ? registry.filter((b) => input.baseIds?.includes(b.id)) : registry;
  const statuses = new Map((await evaluateAll(ctx, { asOf: input.asOf })).map((s) => [s.baseId, s]));
  const issuedAt = ctx.clock.now();
  const workbook = await writeScoreWorkbook({
    round: ctx.round,
    scheme,
    expert,
    issuedAt,
    linkBase: input.linkBase,
    bases: chosen.map((base) => ({
      base,
      cityName: ctx.round.cities.find((c) => c.id === base.city)?.name ?? base.city,
      status: statuses.get(base.id) ?? null,
    })),
  });
  const bases = chosen.map((b) => b.id);
  await updateExpertRecord(ctx, expert, (record) => ({
    ...record,
    issued: { at: issuedAt.toISOString(), by: input.actor, bases },
  }));
  await ctx.records.audit.append({
    id: randomUUID(),
    at: issuedAt.toISOString(),
    actor: input.actor,
    action: 'review-sheets-issued',
    baseId: null,
    submissionId: null,
    reason: `向${expert}发放评分表`,
    details: { expert, bases: bases.length },
  });
  return { expert, fileName: `${ctx.round.id}年度专家评分表-${safeFileName(expert)}.xlsx`, workbook, bases };
}

/** A file name without path separators or characters Windows refuses. */
export function safeFileName(name: string): string {
  return name.replace(/[\\/:*?"<>|\s]+/g, '_');
}

/**
 * Reads an expert's record, applies `change` and writes it under the next version; when another write came first,
 * reads again and retries (no transactions: one conditional put per expert).
 */
export async function updateExpertRecord(
  ctx: AppContext,
  expert: string,
  change: (record: ExpertRecord) => ExpertRecord,
): Promise<ExpertRecord> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const stored = await ctx.records.review.getExpert(ctx.round.id, expert);
    const base: ExpertRecord = stored ?? {
      roundId: ctx.round.id,
      expert,
      issued: null,
      scores: {},
      workbooks: [],
      version: 0,
      updatedAt: '',
    };
    const next = {
      ...change(structuredClone(base)),
      version: base.version + 1,
      updatedAt: ctx.clock.now().toISOString(),
    };
    if (await ctx.records.review.putExpert(next, stored ? stored.version : null)) return next;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
  }
  throw new Error(`expert record of ${expert}: too many concurrent writes`);
}

/** A cell as read back: a number, a text, or nothing. */
export type CellReading = number | string | null;

/** One base sheet as read back. */
export interface ReadBaseSheet {
  sheet: string;
  baseId: string;
  /** Indicator slug → cell; slugs whose row is gone are absent. */
  points: Record<string, CellReading>;
  controls: Record<string, CellReading>;
  comment: string;
}

/** A workbook as read back; `problem` when it is none of ours (or unreadable). */
export type ReadWorkbook =
  | { ok: true; round: string; expert: string; issuedAt: string; sheets: ReadBaseSheet[]; missingSheets: string[] }
  | { ok: false; problem: 'unreadable' | 'not-a-score-sheet'; detail: string };

function reading(value: ExcelJS.CellValue): CellReading {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('result' in value) return reading((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('richText' in value) return reading(value.richText.map((t) => t.text).join(''));
    if ('text' in value) return reading(String(value.text));
  }
  return String(value);
}

/** Reads a returned workbook by its `_meta` sheet and the keys in column A (never by fixed rows). */
export async function readScoreWorkbook(content: Buffer): Promise<ReadWorkbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (error) {
    return { ok: false, problem: 'unreadable', detail: error instanceof Error ? error.message : String(error) };
  }
  const meta = workbook.getWorksheet(META_SHEET);
  if (!meta || reading(meta.getCell(1, 1).value) !== SHEET_MAGIC) {
    return { ok: false, problem: 'not-a-score-sheet', detail: 'no _meta sheet' };
  }
  if (String(reading(meta.getCell(1, 2).value)) !== SHEET_LAYOUT) {
    return { ok: false, problem: 'not-a-score-sheet', detail: `layout ${String(meta.getCell(1, 2).value)}` };
  }
  const field = (row: number) => String(reading(meta.getCell(row, 2).value) ?? '');
  const count = Number(field(5));
  const sheets: ReadBaseSheet[] = [];
  const missingSheets: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = String(reading(meta.getCell(6 + i, 1).value) ?? '');
    const baseId = String(reading(meta.getCell(6 + i, 2).value) ?? '');
    const sheet = workbook.getWorksheet(name);
    if (!sheet) {
      missingSheets.push(name);
      continue;
    }
    const read: ReadBaseSheet = { sheet: name, baseId, points: {}, controls: {}, comment: '' };
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const key = reading(row.getCell(COL.key).value);
      if (typeof key !== 'string') return;
      if (key === COMMENT_KEY) read.comment = String(reading(row.getCell(COL.level1).value) ?? '');
      else if (key.startsWith('control:')) read.controls[key.slice(8)] = reading(row.getCell(COL.score).value);
      else if (/^[a-z][a-z0-9-]*$/.test(key)) read.points[key] = reading(row.getCell(COL.score).value);
    });
    sheets.push(read);
  }
  return { ok: true, round: field(2), expert: field(3), issuedAt: field(4), sheets, missingSheets };
}
