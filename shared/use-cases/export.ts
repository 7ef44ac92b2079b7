/**
 * Export: the status workbook staff hand to the experts (`intake export --out 汇总.xlsx`, `/api/export.xlsx`), and a
 * city's own workbook for its bureau (`?city=` / `--city`).
 *
 * Primary course: the statuses of every participating base at `asOf` as evaluateAll gives them (stored ones reused),
 * each base's contact from its documents (reporting progress base by base); the city lines from the same statuses;
 * write a summary sheet (one row per city), one sheet of every base, one sheet per city
 * (one row per base, with its contact, what is missing and the findings listed), the sheet of every missing,
 * 待核实, invalid or late element (缺项明细, one row each: a cell lists the first few and points there, since Excel
 * caps a row at 409 points and a base missing 38 items would be cut off on paper), the unmatched queue and the
 * submissions from bases outside the list. Every table sheet opens with a title row and a 截至 line (Beijing time),
 * numbers its rows (序号), ends in a 合计 row where there is something to add up, colours the state cells (齐全 green,
 * 不完整 yellow, 未收到 red, 逾期 orange), keeps its header frozen with an autofilter over the data, and prints on A4
 * landscape, one page wide, the header row repeated on every page.
 */
import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import type { CityId, Round } from '../domain/catalogue.ts';
import { chineseDate, chineseTime, chineseWhen, deadlineWords } from '../domain/chinese-time.ts';
import { DOCUMENT_KIND_NAMES, describeBase, noticeCitation, paperOf } from '../domain/notice-text.ts';
import type { BaseStatus, DocumentRecord } from '../domain/records.ts';
import type { AppContext } from './context.ts';
import { evaluateAll } from './evaluate.ts';
import { listExcluded } from './excluded.ts';
import { cityLines, listUnmatched, PAPER_COPIES_REQUIRED } from './query.ts';
import { listRegistry } from './registry.ts';
import { MATERIAL_HEADINGS, materialCells, STATE_HEADINGS, stateCells } from './status-columns.ts';

/** Name of the summary sheet. */
export const SUMMARY_SHEET = '汇总';
/** Name of the sheet of every base, all cities together. */
export const ALL_BASES_SHEET = '全部基地';
/** Name of the sheet of every missing, 待核实, invalid or late element, one row each. */
export const DETAIL_SHEET = '缺项明细';
/** Column headings of the detail sheet. */
export const DETAIL_COLUMNS = ['序号', '地市', '基地名称', '指标序号', '指标名称', '情况'] as const;
/** Name of the unmatched-queue sheet. */
export const UNMATCHED_SHEET = '待分配邮件';
/** Name of the sheet of submissions from bases that take no part this round. */
export const EXCLUDED_SHEET = '名单外来件';

/** Row of the column headings on every table sheet (row 1 the title, row 2 the 截至 line). */
export const HEADER_ROW = 3;

/** Fills of the state cells (ARGB), as the legend under the title says. */
export const STATE_FILLS = {
  complete: 'FFC6EFCE',
  incomplete: 'FFFFEB9C',
  'not-received': 'FFFFC7CE',
  late: 'FFF8CBAD',
} as const;
const HEADER_FILL = 'FFDDEBF7';
const TOTAL_FILL = 'FFF2F2F2';
const LEGEND = '状态颜色：绿色为材料齐全，黄色为材料不完整或待核实，红色为未收到材料，橙色为逾期提交或截止仍缺';

/** Column headings of a city sheet, in order: the status columns of ./status-columns.ts, with contact and paper. */
export const BASE_COLUMNS = [
  '序号',
  '基地编号',
  '基地名称',
  '类别',
  ...STATE_HEADINGS,
  '联系人',
  '联系电话',
  ...MATERIAL_HEADINGS,
  '已豁免',
  '纸质材料（份）',
  '纸质材料收到日期',
  '纸质材料逾期',
  '试点单位',
  '推荐排序',
] as const;
// Narrow enough that a page-wide print stays legible (~330 character widths, ~45 % on A4 landscape): the long
// lists wrap within their cells instead.
const BASE_WIDTHS = [5, 8, 22, 14, 10, 6, 6, 10, 13, 6, 12, 12, 16, 18, 22, 22, 22, 22, 28, 20, 7, 11, 7, 6, 6];

/** Column headings of the sheet of every base: a city sheet's with 地市 after 序号. */
export const ALL_BASES_COLUMNS = ['序号', '地市', ...BASE_COLUMNS.slice(1)] as const;

/** Column headings of the summary sheet, in order. */
export const SUMMARY_COLUMNS = [
  '序号',
  '地市',
  '市商务局',
  '参评基地',
  '材料齐全',
  '材料不完整',
  '未收到材料',
  '逾期提交',
  '截止仍缺',
  '需核实事项',
  `纸质材料齐全（${PAPER_COPIES_REQUIRED}份）`,
  '纸质材料逾期',
  '公函收到时间',
  '推荐排序（公函）',
  '新推荐基地数',
  '地市事项提示',
] as const;

/** Elements a status cell names before it points to the detail sheet. */
const LISTED_IN_CELL = 5;

/**
 * A list of elements as a status cell of the export shows it: one a line while short; else the first few and
 * 「等N项，详见「缺项明细」表」 (the detail sheet lists every one), so the row stays within Excel's 409 points.
 */
export function shortList(list: readonly string[]): string {
  if (list.length <= LISTED_IN_CELL + 1) return list.join('\n');
  return [...list.slice(0, LISTED_IN_CELL), `等${list.length}项，详见「${DETAIL_SHEET}」表`].join('\n');
}

/** One line of the detail sheet (without 序号, 地市 and 基地名称). */
export interface DetailLine {
  /** 附件2 / 附件3, 报告表第N项, or the indicator's place in 附件1 (1-39). */
  number: string;
  name: string;
  /** 缺少, 截止仍缺, 待核实, 无效, or 逾期提交（…收到）. */
  situation: string;
}

/**
 * The elements of a base that are missing (缺少; 截止仍缺 once past the deadline), only sent in a form that does
 * not count (无效: an error finding such as a password or a damaged file), waiting for staff (待核实), or that
 * arrived after the deadline (逾期提交, with the time): the two documents, the form's items, then the evidence in
 * the order of 附件1.
 */
export function detailLines(round: Round, status: BaseStatus, at: (iso: string) => string): DetailLine[] {
  const overdue = new Set(status.overdueItems.map((o) => `${o.element}|${o.item ?? ''}|${o.indicator ?? ''}`));
  const missingWord = (key: string) => (overdue.has(key) ? '截止仍缺' : '缺少');
  const errors = status.findings.filter((f) => f.severity === 'error');
  const place = (slug: string) => round.indicators.findIndex((i) => i.slug === slug) + 1;
  const indicator = (slug: string) => ({
    number: place(slug) > 0 ? String(place(slug)) : '',
    name: round.indicators.find((i) => i.slug === slug)?.name ?? slug,
  });
  const documentNumber = (kind: string) =>
    kind === 'report-form' ? '附件2' : kind === 'self-assessment' ? '附件3' : '';
  const formItem = (n: number) => ({
    number: `报告表第${n}项`,
    name: round.formItems.find((f) => f.item === n)?.label ?? '',
  });
  const lines: DetailLine[] = [];
  for (const kind of status.missing.documents) {
    const prefix = kind === 'report-form' ? 'form.' : kind === 'self-assessment' ? 'report.' : null;
    const invalid = prefix !== null && errors.some((f) => f.code.startsWith(prefix));
    lines.push({
      number: documentNumber(kind),
      name: DOCUMENT_KIND_NAMES[kind],
      situation: invalid ? '无效' : missingWord(`${kind}||`),
    });
  }
  for (const n of status.missing.formItems) {
    lines.push({ ...formItem(n), situation: missingWord(`form-item|${n}|`) });
  }
  const missingEvidence = [...status.missing.evidence].sort((a, b) => place(a) - place(b));
  for (const slug of missingEvidence) {
    const invalid = errors.some((f) => f.indicator === slug);
    lines.push({ ...indicator(slug), situation: invalid ? '无效' : missingWord(`evidence||${slug}`) });
  }
  for (const pending of [...(status.pendingEvidence ?? [])].sort((a, b) => place(a.indicator) - place(b.indicator))) {
    lines.push({ ...indicator(pending.indicator), situation: '待核实' });
  }
  for (const late of status.lateItems) {
    if (late.receivedAt === null) continue;
    const what =
      late.element === 'evidence' && late.indicator
        ? indicator(late.indicator)
        : late.element === 'form-item' && late.item !== undefined
          ? formItem(late.item)
          : late.element === 'report-form' || late.element === 'self-assessment'
            ? { number: documentNumber(late.element), name: DOCUMENT_KIND_NAMES[late.element] }
            : { number: '', name: late.message };
    lines.push({ ...what, situation: `逾期提交（${at(late.receivedAt)}收到）` });
  }
  return lines;
}

/** Fills of the detail sheet's 情况 cells, by its first words. */
const DETAIL_FILLS: readonly (readonly [string, string])[] = [
  ['截止仍缺', STATE_FILLS.late],
  ['逾期提交', STATE_FILLS.late],
  ['无效', STATE_FILLS['not-received']],
  ['缺少', STATE_FILLS.incomplete],
];

/** What the export reports while it works: `done` of `total` steps, and on what. */
export type ExportProgress = (done: number, total: number, detail: string) => void;

/** What was exported. */
export interface ExportSummary {
  asOf: string;
  /** The one city exported, or null for the whole round. */
  city: string | null;
  sheets: { name: string; rows: number }[];
  bases: number;
  unmatched: number;
  excluded: number;
}

type Cell = string | number;

/**
 * Builds the status workbook at `asOf` (default now): the whole round, or with `city` that city's workbook only
 * (its sheet and its bases' submissions from outside the list; no summary, no unmatched queue), for its bureau.
 */
export async function buildStatusWorkbook(
  ctx: AppContext,
  input: {
    asOf?: Date;
    onProgress?: ExportProgress;
    city?: CityId;
    /** Where the file goes as it is written (a file, for the CLI); `workbook` is then empty and `bytes` its size. */
    to?: Writable;
  } = {},
): Promise<{ workbook: Buffer; bytes: number; summary: ExportSummary }> {
  const { round } = ctx;
  const asOf = input.asOf ?? ctx.clock.now();
  const only = input.city ?? null;
  const cities = round.cities.filter((c) => !only || c.id === only);
  const at = (iso: string | null | undefined) => (iso ? chineseWhen(iso, round) : '');
  const registry = await listRegistry(ctx);
  const total = registry.filter((b) => b.participating && (!only || b.city === only)).length + cities.length + 3;
  let done = 0;
  const step = (detail: string) => input.onProgress?.(++done, total, detail);

  // The statuses as the status command reads them (stored ones reused when nothing changed), in registry order.
  const statuses = await evaluateAll(ctx, { asOf, ...(only ? { city: only } : {}) });
  const contacts = new Map<string, { person: string; phone: string }>();
  for (const status of statuses) {
    contacts.set(status.baseId, contactOf(status, await ctx.records.documents.listByBase(status.baseId)));
    step(status.name);
  }
  const [lines, unmatched, records, allExcluded] = await Promise.all([
    cityLines(ctx, asOf, statuses, only ?? undefined),
    only ? Promise.resolve([]) : listUnmatched(ctx, asOf),
    ctx.records.cities.list(),
    listExcluded(ctx, asOf, only ? [only] : undefined),
  ]);
  const excluded = allExcluded.filter((e) => !only || e.base.city === only);
  const nameOf = (id: string) => registry.find((b) => b.id === id)?.name ?? id;
  const cityName = (id: string) => round.cities.find((c) => c.id === id)?.name ?? id;
  step('地市汇总');

  // Written as it is built, each row committed once done (exceljs's streaming writer): a round of 2,000 bases and
  // 80,000 missing items never sits in memory as a workbook model, only as the zipped file.
  // With `to`, nor even as the zipped file: a whole round's is tens of megabytes.
  const chunks: Buffer[] = [];
  let bytes = 0;
  const out = new PassThrough();
  const written = input.to ? finished(out.pipe(input.to)) : Promise.resolve();
  written.catch(() => undefined);
  out.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (!input.to) chunks.push(chunk);
  });
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  // Fixed metadata: the same facts give the same workbook whenever it is built.
  book.creator = round.title;
  book.created = asOf;
  book.modified = asOf;
  const sheets: ExportSummary['sheets'] = [];
  const title = (what: string) => `${round.title}电子材料报送（接收）情况${what}`;
  const asOfLine = `截至${chineseTime(asOf, round)}（北京时间）；电子材料报送截止时间：${deadlineWords(round)}`;

  /** A base's row on a city sheet (without 序号), and on the sheet of every base (with its city). */
  const baseCells = (status: BaseStatus): Cell[] => {
    const facts = describeBase(round, status, registry);
    const paper = paperOf(status);
    const record = records.find((r) => r.city === status.city);
    const rank = (record?.ranking ?? []).indexOf(status.baseId);
    const contact = contacts.get(status.baseId);
    return [
      status.baseId,
      status.name,
      facts.category,
      ...stateCells(facts),
      contact?.person ?? '',
      contact?.phone ?? '',
      ...materialCells(facts, at, shortList),
      status.waived.map((f) => f.message).join('\n'),
      status.paperCopies,
      paper.receivedOn ? chineseDate(paper.receivedOn) : '',
      paper.late ? '是' : '',
      record?.pilotUnits.includes(status.baseId) ? '是' : '',
      rank >= 0 ? rank + 1 : '',
    ];
  };
  /** The 合计 row of a list of bases (without 序号), column for column with baseCells. */
  const baseTotals = (list: readonly BaseStatus[]): Cell[] => {
    const count = (state: BaseStatus['state']) => list.filter((s) => s.state === state).length;
    const cells: Cell[] = Array.from({ length: BASE_COLUMNS.length - 1 }, () => '');
    const put = (column: (typeof BASE_COLUMNS)[number], value: Cell) => {
      cells[BASE_COLUMNS.indexOf(column) - 1] = value;
    };
    put('基地名称', `${list.length}个基地`);
    put('状态', `齐全${count('complete')}，不完整${count('incomplete')}，未收到${count('not-received')}`);
    put('逾期提交', list.filter((s) => s.late).length);
    put('截止仍缺', list.filter((s) => s.overdue).length);
    put(
      '提交次数',
      list.reduce((n, s) => n + s.submissions, 0),
    );
    put(
      '纸质材料（份）',
      list.reduce((n, s) => n + s.paperCopies, 0),
    );
    return cells;
  };
  /** Colours a base's row (its state, 逾期提交, 截止仍缺); `offset`: columns before BASE_COLUMNS' own. */
  const colourBase = (list: readonly BaseStatus[], offset: number) => (row: ExcelJS.Row, i: number) => {
    const status = list[i];
    if (!status) return;
    fill(row.getCell(BASE_COLUMNS.indexOf('状态') + 1 + offset), STATE_FILLS[status.state]);
    if (status.late) fill(row.getCell(BASE_COLUMNS.indexOf('逾期提交') + 1 + offset), STATE_FILLS.late);
    if (status.overdue) fill(row.getCell(BASE_COLUMNS.indexOf('截止仍缺') + 1 + offset), STATE_FILLS.late);
  };

  if (!only) {
    const shown = lines.filter((c) => cities.some((x) => x.id === c.city));
    const sum = (pick: (c: (typeof shown)[number]) => number) => shown.reduce((n, c) => n + pick(c), 0);
    await addTable(book, {
      name: SUMMARY_SHEET,
      title: title('汇总表'),
      note: asOfLine,
      columns: [...SUMMARY_COLUMNS],
      rows: shown.map((c) => [
        c.name,
        c.bureau,
        c.bases,
        c.byState.complete,
        c.byState.incomplete,
        c.byState['not-received'],
        c.late,
        c.overdue,
        c.openFindings,
        c.paperComplete,
        c.paperLate,
        at(c.letterReceivedAt),
        c.ranking.map((id, i) => `${i + 1}. ${nameOf(id)}`).join('\n'),
        c.newBases.length,
        c.findings.map((f) => f.message).join('\n'),
      ]),
      totals: [
        `${shown.length}个地市`,
        '',
        sum((c) => c.bases),
        sum((c) => c.byState.complete),
        sum((c) => c.byState.incomplete),
        sum((c) => c.byState['not-received']),
        sum((c) => c.late),
        sum((c) => c.overdue),
        sum((c) => c.openFindings),
        sum((c) => c.paperComplete),
        sum((c) => c.paperLate),
        '',
        '',
        sum((c) => c.newBases.length),
        '',
      ],
      widths: [5, 12, 22, 8, 8, 8, 8, 8, 8, 8, 10, 8, 14, 26, 8, 40],
      after: [[], [`${round.title}：依据${noticeCitation(round)}`]],
    });
    sheets.push({ name: SUMMARY_SHEET, rows: shown.length });

    const ordered = cities.flatMap((city) => statuses.filter((s) => s.city === city.id));
    await addTable(book, {
      name: ALL_BASES_SHEET,
      title: title('（全部参评基地）'),
      note: `${asOfLine}。${LEGEND}`,
      columns: [...ALL_BASES_COLUMNS],
      rows: ordered.map((status) => [cityName(status.city), ...baseCells(status)]),
      totals: ['', ...baseTotals(ordered)],
      widths: [5, 9, ...BASE_WIDTHS.slice(1)],
      style: colourBase(ordered, 1),
    });
    sheets.push({ name: ALL_BASES_SHEET, rows: ordered.length });
  }

  for (const city of cities) {
    const ofCity = statuses.filter((s) => s.city === city.id);
    await addTable(book, {
      name: sheetName(city.name),
      title: title(`（${city.name}）`),
      note: `${asOfLine}。${LEGEND}`,
      columns: [...BASE_COLUMNS],
      rows: ofCity.map(baseCells),
      totals: baseTotals(ofCity),
      widths: BASE_WIDTHS,
      style: colourBase(ofCity, 0),
    });
    sheets.push({ name: sheetName(city.name), rows: ofCity.length });
    step(city.name);
  }

  const detailBases = cities.flatMap((city) => statuses.filter((s) => s.city === city.id));
  const details = detailBases.flatMap((status) =>
    detailLines(round, status, (iso) => chineseWhen(iso, round)).map((line) => ({ status, line })),
  );
  await addTable(book, {
    name: DETAIL_SHEET,
    title: title('：缺项明细'),
    note:
      `${asOfLine}。每行为一个基地的一项材料：「缺少」为尚未收到，「截止仍缺」为报送截止后仍未收到，「无效」为文件设有密码、` +
      '已损坏等无法计入，「待核实」为已收到但对应指标待省商务厅核实（不计为缺少），「逾期提交」为截止后才收到。' +
      '指标序号为评价指标（附件1）中的顺序。',
    columns: [...DETAIL_COLUMNS],
    rows: details.map(({ status, line }) => [
      cityName(status.city),
      status.name,
      line.number,
      line.name,
      line.situation,
    ]),
    totals: ['', `${new Set(details.map((d) => d.status.baseId)).size}个基地`, '', '', `${details.length}项`],
    widths: [6, 10, 30, 12, 44, 24],
    style: (row, i) => {
      const situation = details[i]?.line.situation ?? '';
      const colour = DETAIL_FILLS.find(([word]) => situation.startsWith(word))?.[1];
      if (colour) fill(row.getCell(DETAIL_COLUMNS.indexOf('情况') + 1), colour);
    },
  });
  sheets.push({ name: DETAIL_SHEET, rows: details.length });

  if (!only) {
    await addTable(book, {
      name: UNMATCHED_SHEET,
      title: title('：待分配邮件'),
      note: asOfLine,
      columns: ['序号', '收到时间', '发件人', '主题', '文件', '可能的基地', '编号'],
      rows: unmatched.map((u) => [
        at(u.receivedAt),
        u.from ?? '',
        u.subject ?? '',
        u.fileNames.join('\n'),
        u.candidates.map((c) => c.name).join('\n'),
        u.submissionId,
      ]),
      widths: [6, 17, 30, 36, 36, 30, 38],
    });
    sheets.push({ name: UNMATCHED_SHEET, rows: unmatched.length });
  }

  await addTable(book, {
    name: EXCLUDED_SHEET,
    title: title('：名单外来件'),
    note: asOfLine,
    columns: ['序号', '收到时间', '基地', '地市', '原因', '发件人', '主题', '文件', '编号'],
    rows: excluded.map((e) => [
      at(e.receivedAt),
      e.base.name,
      cityName(e.base.city),
      e.reason,
      e.from ?? '',
      e.subject ?? '',
      e.fileNames.join('\n'),
      e.submissionId,
    ]),
    widths: [6, 17, 30, 10, 36, 30, 36, 36, 38],
  });
  sheets.push({ name: EXCLUDED_SHEET, rows: excluded.length });
  step(EXCLUDED_SHEET);

  await book.commit();
  await written;
  const workbook = Buffer.concat(chunks);
  step('写入');
  return {
    workbook,
    bytes,
    summary: {
      asOf: asOf.toISOString(),
      city: only,
      sheets,
      bases: statuses.length,
      unmatched: unmatched.length,
      excluded: excluded.length,
    },
  };
}

/**
 * The contact a base's report form names (the latest form in force whose header was read): 「姓名（职务）」 and the
 * numbers 「手机 / 工作电话」; empty where the form had none.
 */
function contactOf(status: BaseStatus, documents: readonly DocumentRecord[]): { person: string; phone: string } {
  const inForce = new Set(status.documents.filter((d) => d.kind === 'report-form').map((d) => d.id));
  const form = documents
    .filter((d) => inForce.has(d.id) && d.formHeader && Object.keys(d.formHeader).length > 0)
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))[0];
  const field = (key: string) => form?.formHeader?.[key]?.trim() ?? '';
  const name = field('contactName');
  const title = field('contactTitle');
  return {
    person: name ? `${name}${title ? `（${title}）` : ''}` : '',
    phone: [field('mobile'), field('workPhone')].filter(Boolean).join(' / '),
  };
}

/** Excel forbids some characters in sheet names and cuts them at 31. */
function sheetName(name: string): string {
  return name.replace(/[\\/*?:[\]]/g, '_').slice(0, 31);
}

/** How many character widths a text takes (a Chinese character two, like Excel's column width unit). */
function textWidth(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u2e80-\uffef]/.test(ch) ? 2 : 1;
  return n;
}

/**
 * Sets a row's height to what its wrapped cells need (exceljs writes no heights and LibreOffice does not fit rows
 * when it opens or converts a file, so a list in a cell would print as its first line only).
 */
function fitRowHeight(row: ExcelJS.Row, widths: readonly number[], pointsPerLine = 14.5): void {
  let lines = 1;
  row.eachCell((cell, column) => {
    if (cell.isMerged && cell.master !== cell) return;
    const width = Math.max(1, (widths[column - 1] ?? 14) - 1);
    const text = cell.value === null || cell.value === undefined ? '' : String(cell.value);
    const needed = text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(textWidth(line) / width)), 0);
    lines = Math.max(lines, needed);
  });
  row.height = Math.min(409, lines * pointsPerLine + 2);
}

function fill(cell: ExcelJS.Cell, argb: string): void {
  cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb } };
}

const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  bottom: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  left: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  right: { style: 'thin', color: { argb: 'FFBFBFBF' } },
};

/** A table sheet: what it is, its columns (序号 first) and rows (without 序号), and a 合计 row (without 序号). */
interface TableSpec {
  name: string;
  title: string;
  note: string;
  columns: string[];
  rows: Cell[][];
  totals?: Cell[];
  widths: number[];
  /** Styles data row `index` (from 0) before it is written. */
  style?: (row: ExcelJS.Row, index: number) => void;
  /** Rows after the table (outside its filter), unstyled. */
  after?: Cell[][];
}

/**
 * A table sheet: the title (merged across, bold), the 截至 line, the header row (bold, filled, frozen, an
 * autofilter over the data rows), the rows numbered 1…n with wrapped cells and thin borders, and the 合计 row apart
 * from the filter. Printed A4 landscape, one page wide, as many pages long as it takes, the header row on each.
 */
async function addTable(book: ExcelJS.Workbook, spec: TableSpec): Promise<void> {
  const { columns } = spec;
  const sheet = book.addWorksheet(spec.name, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
      printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
    },
    headerFooter: { oddFooter: '&C第 &P 页，共 &N 页' },
  });
  sheet.columns = columns.map((_, i) => ({ width: spec.widths[i] ?? 14 }));
  const titleRow = sheet.getRow(1);
  titleRow.getCell(1).value = spec.title;
  titleRow.font = { bold: true, size: 14 };
  titleRow.height = 24;
  titleRow.alignment = { vertical: 'middle', horizontal: 'center' };
  sheet.mergeCells(1, 1, 1, columns.length);
  const noteRow = sheet.getRow(2);
  noteRow.getCell(1).value = spec.note;
  noteRow.font = { size: 10, color: { argb: 'FF595959' } };
  noteRow.alignment = { vertical: 'middle', horizontal: 'left', wrapText: true };
  sheet.mergeCells(2, 1, 2, columns.length);
  const tableWidth = spec.widths.slice(0, columns.length).reduce((a, b) => a + b, 0);
  fitRowHeight(noteRow, [tableWidth], 13);
  const header = sheet.getRow(HEADER_ROW);
  header.values = columns;
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  header.eachCell((cell) => {
    fill(cell, HEADER_FILL);
    cell.border = THIN;
  });
  fitRowHeight(header, spec.widths);
  // The filter is part of the sheet's opening (the streaming writer writes it before the rows).
  sheet.autoFilter = {
    from: { row: HEADER_ROW, column: 1 },
    to: { row: HEADER_ROW + Math.max(spec.rows.length, 0), column: columns.length },
  };
  titleRow.commit();
  noteRow.commit();
  header.commit();
  for (const [i, values] of spec.rows.entries()) {
    const row = sheet.addRow([i + 1, ...values]);
    row.alignment = { vertical: 'top', wrapText: true };
    for (let c = 1; c <= columns.length; c++) row.getCell(c).border = THIN;
    row.getCell(1).alignment = { vertical: 'top', horizontal: 'center' };
    fitRowHeight(row, spec.widths);
    spec.style?.(row, i);
    row.commit();
    // Let the zip compress what the rows wrote: written without a pause, a round's sheets would wait in memory.
    if (i % ROWS_BETWEEN_PAUSES === ROWS_BETWEEN_PAUSES - 1) await pause();
  }
  if (spec.totals && spec.rows.length > 0) {
    const row = sheet.addRow(['合计', ...spec.totals]);
    row.font = { bold: true };
    row.alignment = { vertical: 'top', wrapText: true };
    for (let c = 1; c <= columns.length; c++) {
      const cell = row.getCell(c);
      fill(cell, TOTAL_FILL);
      cell.border = { ...THIN, top: { style: 'medium' } };
    }
    row.getCell(1).alignment = { vertical: 'top', horizontal: 'center' };
    fitRowHeight(row, spec.widths);
    row.commit();
  }
  for (const values of spec.after ?? []) sheet.addRow(values).commit();
  sheet.commit();
  await pause();
}

/** Rows written between two pauses of the export (each lets the event loop run the zip's compression). */
const ROWS_BETWEEN_PAUSES = 50;

function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
