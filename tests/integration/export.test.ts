import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/use-cases/context.ts';
import {
  ALL_BASES_COLUMNS,
  ALL_BASES_SHEET,
  BASE_COLUMNS,
  buildStatusWorkbook,
  DETAIL_SHEET,
  EXCLUDED_SHEET,
  HEADER_ROW,
  STATE_FILLS,
  SUMMARY_SHEET,
  UNMATCHED_SHEET,
} from '../../shared/use-cases/export.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { EXPORT_PRINT_SETUP, startTestStack } from './helpers.ts';
import { seedIntake, TEST_NOW } from './http-seed.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/intake.mjs');
const CITY_SHEETS = [
  '太原市',
  '大同市',
  '朔州市',
  '忻州市',
  '吕梁市',
  '晋中市',
  '阳泉市',
  '长治市',
  '晋城市',
  '临汾市',
  '运城市',
  '山西综改示范区',
];

async function open(data: Buffer | ArrayBuffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(data as ArrayBuffer);
  return book;
}

/** A row's cells as text, column by column to the sheet's last (an empty cell, written or not, is ''). */
function cellsOf(row: ExcelJS.Row): string[] {
  return Array.from({ length: row.worksheet.columnCount }, (_, i) => {
    const value = row.getCell(i + 1).value;
    return value === undefined || value === null ? '' : String(value);
  });
}

/** The table of a sheet: its header row, then the numbered rows (title, 截至 line and 合计 row left out). */
function rows(sheet: ExcelJS.Worksheet): string[][] {
  const out: string[][] = [];
  sheet.eachRow((row, n) => {
    const cells = cellsOf(row);
    if (n === HEADER_ROW || (n > HEADER_ROW && /^\d+$/.test(cells[0] ?? ''))) out.push(cells);
  });
  return out;
}

/** The 合计 row of a sheet. */
function totalsOf(sheet: ExcelJS.Worksheet): string[] | undefined {
  let found: string[] | undefined;
  sheet.eachRow((row) => {
    const cells = cellsOf(row);
    if (cells[0] === '合计') found = cells;
  });
  return found;
}

describe('status workbook', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedIntake(stack.ctx);
  }, 120_000);
  afterAll(async () => {
    await stack.dispose();
  });

  it('puts the city letter ranking and the paper-copy arrival in the expert export', async () => {
    // Prepare
    const staff = await import('../../shared/use-cases/staff-actions.ts');
    const who = { actor: 'tester', reason: '晋城市商务局公函' };
    await staff.recordCityLetter(stack.ctx, { city: 'jincheng', ranking: ['r05', 'r04'], pilotUnits: ['p08'], ...who });
    await staff.recordPaperCopies(stack.ctx, { baseId: 'r04', copies: 2, receivedOn: '2023-11-08', ...who });

    // Act
    const { workbook } = await buildStatusWorkbook(stack.ctx, { asOf: new Date('2023-11-11T01:00:00Z') });
    const book = await open(workbook);

    // Assess
    const jincheng = rows(book.getWorksheet('晋城市')!);
    const col = (name: string) => jincheng[0]!.indexOf(name);
    const line = (name: string) => jincheng.find((r) => r[col('基地名称')] === name)!;
    expect(line('极致星空电商直播基地')[col('推荐排序')]).toBe('1');
    expect(line('东方传媒电商直播基地')[col('推荐排序')]).toBe('2');
    expect(line('“晋城有礼”电商直播基地')[col('推荐排序')]).toBe('');
    expect(line('“晋城有礼”电商直播基地')[col('试点单位')]).toBe('是');
    expect(line('东方传媒电商直播基地')[col('纸质材料收到日期')]).toBe('2023年11月8日');
    const overview = rows(book.getWorksheet(SUMMARY_SHEET)!);
    const summaryLine = overview.find((r) => r[1] === '晋城市')!;
    expect(summaryLine[overview[0]!.indexOf('推荐排序（公函）')]).toBe(
      '1. 极致星空电商直播基地\n2. 东方传媒电商直播基地',
    );
  });

  it('has a summary sheet, a sheet per city with one row per base, and the unmatched queue', async () => {
    // Prepare
    const steps: number[] = [];

    // Act
    const { workbook, summary } = await buildStatusWorkbook(stack.ctx, {
      asOf: new Date('2023-11-11T01:00:00Z'),
      onProgress: (done) => steps.push(done),
    });
    const book = await open(workbook);

    // Assess
    expect(book.worksheets.map((s) => s.name)).toEqual([
      SUMMARY_SHEET,
      ALL_BASES_SHEET,
      ...CITY_SHEETS,
      DETAIL_SHEET,
      UNMATCHED_SHEET,
      EXCLUDED_SHEET,
    ]);
    const overview = rows(book.getWorksheet(SUMMARY_SHEET)!);
    expect(overview[0]!.slice(0, 2)).toEqual(['序号', '地市']);
    expect(overview.slice(1, 13).map((r) => r[1])).toEqual(CITY_SHEETS);
    expect(overview.slice(1, 13).map((r) => r[0])).toEqual(CITY_SHEETS.map((_, i) => String(i + 1)));
    expect(overview[0]?.slice(7, 9)).toEqual(['逾期提交', '截止仍缺']);
    // Past the deadline, nobody in 长治 sent anything late; all three still miss something.
    expect(overview.find((r) => r[1] === '长治市')?.slice(3, 9)).toEqual(['3', '0', '1', '2', '0', '3']);
    const changzhi = rows(book.getWorksheet('长治市')!);
    expect(changzhi[0]).toEqual([...BASE_COLUMNS]);
    expect(changzhi).toHaveLength(4);
    const column = (name: (typeof BASE_COLUMNS)[number]) => BASE_COLUMNS.indexOf(name);
    const pingshun = changzhi.find((r) => r[column('基地名称')] === '平顺网红直播基地')!;
    const cell = (name: (typeof BASE_COLUMNS)[number]) => pingshun[column(name)];
    expect(cell('状态')).toBe('材料不完整');
    // Sent on time but incomplete past the deadline: 截止仍缺, not 逾期提交.
    expect([cell('逾期提交'), cell('截止仍缺')]).toEqual(['否', '是']);
    expect(cell('缺少证明材料')).toContain('直播电商基地建筑面积');
    expect(cell('证明材料待核实（已收到，不计为缺少）')).toBe('');
    expect(cell('逾期提交事项（收到时间）')).toBe('');
    expect(cell('截止仍缺事项')).toContain('直播电商基地建筑面积的证明材料截止时仍未提交');
    expect(cell('需核实事项')).toContain('第32项交易额与自评报告不一致');
    expect(rows(book.getWorksheet('大同市')!)).toHaveLength(6);
    expect(rows(book.getWorksheet(UNMATCHED_SHEET)!)[1]?.[2]).toContain('wang@unknown.example.cn');
    for (const sheet of book.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: HEADER_ROW });
      expect(String(sheet.autoFilter)).toMatch(/^A3:[A-Z]+\d+$/);
    }
    expect(summary.bases).toBe(30);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
    expect(steps.length).toBe(30 + 12 + 3);
    // A base whose title was cancelled is kept apart, with what it sent.
    const excluded = rows(book.getWorksheet(EXCLUDED_SHEET)!);
    expect(excluded[0]).toEqual(['序号', '收到时间', '基地', '地市', '原因', '发件人', '主题', '文件', '编号']);
    expect(excluded.slice(1).map((r) => r.slice(2, 5))).toEqual([
      ['239新媒体产业园', '晋城市', '已取消称号，不在本年度参评基地名单内'],
    ]);
    expect(excluded[1]?.[1]).toBe('11月7日17时');
    expect(excluded[1]?.[7]).toBe('经营服务情况报告表.xlsx');
    expect(summary.excluded).toBe(1);
  });

  it('lays each table out for print: title, 截至 line, 序号, 合计 row, state fills, landscape one page wide', async () => {
    // Act
    const { workbook } = await buildStatusWorkbook(stack.ctx, { asOf: new Date('2023-11-11T01:00:00Z') });
    const book = await open(workbook);

    // Assess: the title and the 截至 line (Beijing time) above the header, each merged across the table
    const changzhi = book.getWorksheet('长治市')!;
    expect(changzhi.getCell('A1').value).toBe(
      '山西省2022—2023年度省级直播电商基地综合评价电子材料报送（接收）情况（长治市）',
    );
    expect(changzhi.getCell('A1').font?.bold).toBe(true);
    expect(String(changzhi.getCell('A2').value)).toMatch(
      /^截至11月11日9时（北京时间）；电子材料报送截止时间：2023年11月10日24时（北京时间）。状态颜色：绿色为材料齐全/,
    );
    expect(changzhi.getCell('A1').isMerged && changzhi.getCell('Y1').isMerged).toBe(true);
    expect(changzhi.getCell('Y1').master.address).toBe('A1');
    // 序号 1…n and the 合计 row: the states counted, 逾期 and 截止仍缺 counted, submissions and paper copies added up
    const table = rows(changzhi);
    expect(table.slice(1).map((r) => r[0])).toEqual(['1', '2', '3']);
    const totals = totalsOf(changzhi)!;
    const at = (name: (typeof BASE_COLUMNS)[number]) => totals[BASE_COLUMNS.indexOf(name)];
    expect(at('基地名称')).toBe('3个基地');
    expect(at('状态')).toBe('齐全0，不完整1，未收到2');
    expect([at('逾期提交'), at('截止仍缺')]).toEqual(['0', '3']);
    const sum = (name: (typeof BASE_COLUMNS)[number]) =>
      table.slice(1).reduce((n, r) => n + Number(r[BASE_COLUMNS.indexOf(name)]), 0);
    expect(Number(at('提交次数'))).toBe(sum('提交次数'));
    expect(Number(at('纸质材料（份）'))).toBe(sum('纸质材料（份）'));
    // The autofilter covers the data rows and stops above 合计
    expect(String(changzhi.autoFilter)).toBe('A3:Y6');
    // State colours: the state cell by state, 截止仍缺 in orange
    const stateColumn = BASE_COLUMNS.indexOf('状态') + 1;
    const fills = table.slice(1).map((r, i) => {
      const row = changzhi.getRow(HEADER_ROW + 1 + i);
      return [r[BASE_COLUMNS.indexOf('状态')], (row.getCell(stateColumn).fill as ExcelJS.FillPattern).fgColor?.argb];
    });
    expect(fills).toContainEqual(['材料不完整', STATE_FILLS.incomplete]);
    expect(fills).toContainEqual(['未收到材料', STATE_FILLS['not-received']]);
    const overdueCell = changzhi.getRow(HEADER_ROW + 1).getCell(BASE_COLUMNS.indexOf('截止仍缺') + 1);
    expect((overdueCell.fill as ExcelJS.FillPattern).fgColor?.argb).toBe(STATE_FILLS.late);
    // Print: A4 landscape, one page wide, the header row repeated, page numbers in the footer — every sheet
    for (const sheet of book.worksheets) {
      expect(sheet.pageSetup, sheet.name).toMatchObject(EXPORT_PRINT_SETUP);
      expect(sheet.headerFooter.oddFooter).toContain('&P');
      expect(sheet.getRow(HEADER_ROW).getCell(1).value, sheet.name).toBe('序号');
    }
    // The summary adds up the cities
    const summary = book.getWorksheet(SUMMARY_SHEET)!;
    const summaryTotals = totalsOf(summary)!;
    expect(summaryTotals.slice(0, 4)).toEqual(['合计', '12个地市', '', '30']);
  });

  it('has one sheet of every base, city by city, with the contact the report form names', async () => {
    // Act
    const { workbook } = await buildStatusWorkbook(stack.ctx, { asOf: new Date('2023-11-11T01:00:00Z') });
    const book = await open(workbook);

    // Assess
    const all = rows(book.getWorksheet(ALL_BASES_SHEET)!);
    expect(all[0]).toEqual([...ALL_BASES_COLUMNS]);
    expect(all).toHaveLength(31);
    expect(all.slice(1).map((r) => r[0])).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1)));
    const cities = [...new Set(all.slice(1).map((r) => r[1]))];
    expect(cities).toEqual(CITY_SHEETS);
    const col = (name: (typeof ALL_BASES_COLUMNS)[number]) => ALL_BASES_COLUMNS.indexOf(name);
    const pingshun = all.find((r) => r[col('基地名称')] === '平顺网红直播基地')!;
    expect(pingshun[col('地市')]).toBe('长治市');
    expect(pingshun[col('联系人')]).toBe('张晓明（运营总监）');
    expect(pingshun[col('联系电话')]).toBe('13912345678 / 0351-7654321');
    expect(totalsOf(book.getWorksheet(ALL_BASES_SHEET)!)?.[col('基地名称')]).toBe('30个基地');
  });

  it('writes a city its own workbook: its sheet and its bases from outside the list, nothing of other cities', async () => {
    // Act
    const { workbook, summary } = await buildStatusWorkbook(stack.ctx, {
      asOf: new Date('2023-11-11T01:00:00Z'),
      city: 'jincheng',
    });
    const book = await open(workbook);

    // Assess
    expect(book.worksheets.map((s) => s.name)).toEqual(['晋城市', DETAIL_SHEET, EXCLUDED_SHEET]);
    expect(summary).toMatchObject({ city: 'jincheng', unmatched: 0, excluded: 1 });
    expect(rows(book.getWorksheet('晋城市')!).length - 1).toBe(summary.bases);
    const other = await buildStatusWorkbook(stack.ctx, { asOf: new Date('2023-11-11T01:00:00Z'), city: 'changzhi' });
    const changzhiBook = await open(other.workbook);
    expect(rows(changzhiBook.getWorksheet(EXCLUDED_SHEET)!)).toHaveLength(1);
  });

  // Last in this block: it registers new bases, which the counts above do not expect.
  it('warns of a city recommending more than two new bases, and ranks them as its letter does', async () => {
    // Prepare: 运城 recommends three (「可择优推荐1—2家」) and ranks them in its 公函
    const staff = await import('../../shared/use-cases/staff-actions.ts');
    const who = { actor: 'tester', reason: '运城市商务局公函' };
    const names = ['永济市蒲韵直播基地', '临猗县果业直播基地', '芮城县农品直播基地'];
    const ids: string[] = [];
    for (const name of names) ids.push((await staff.registerBase(stack.ctx, { name, city: 'yuncheng', ...who })).id);
    await staff.recordCityLetter(stack.ctx, { city: 'yuncheng', ranking: [ids[2]!, ids[0]!, ids[1]!], ...who });

    // Act
    const { workbook } = await buildStatusWorkbook(stack.ctx, { asOf: new Date('2023-11-11T01:00:00Z') });
    const book = await open(workbook);

    // Assess: the summary line carries the count, the warning and the ranking; the city sheet the rank per base
    const overview = rows(book.getWorksheet(SUMMARY_SHEET)!);
    const cell = (city: string, column: string) => overview.find((r) => r[1] === city)![overview[0]!.indexOf(column)];
    expect(cell('运城市', '新推荐基地数')).toBe('3');
    const warning = cell('运城市', '地市事项提示')!;
    expect(warning).toMatch(
      /^本轮新推荐参评基地3家（[^）]+），超过通知“可择优推荐1—2家”的数量，请在正式公函中择优确定并排序。$/,
    );
    for (const name of names) expect(warning).toContain(name);
    expect(cell('运城市', '推荐排序（公函）')).toBe(
      '1. 芮城县农品直播基地\n2. 永济市蒲韵直播基地\n3. 临猗县果业直播基地',
    );
    expect(cell('晋城市', '新推荐基地数')).toBe('0');
    expect(cell('晋城市', '地市事项提示')).toBe('');
    const yuncheng = rows(book.getWorksheet('运城市')!);
    const col = (name: string) => yuncheng[0]!.indexOf(name);
    const line = (name: string) => yuncheng.find((r) => r[col('基地名称')] === name);
    expect(names.map((name) => line(name)?.[col('推荐排序')])).toEqual(['2', '3', '1']);
    expect(line('山西本命年直播基地')?.[col('推荐排序')]).toBe('');
  });
});

describe('intake export (CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'intake-export-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes 汇总.xlsx that opens in exceljs, and prints what it wrote as JSON', async () => {
    // Prepare
    const dataDir = join(dir, 'data');
    const eml = join(dir, '易淘.eml');
    const form = await buildReportFormXlsx({ header: { baseName: '易淘电商信息产业园' }, values: SAMPLE_FORM_VALUES });
    await writeFile(
      eml,
      await buildEmail({
        subject: '易淘电商信息产业园 申报材料',
        receivedAt: new Date('2023-11-09T02:00:00Z'),
        attachments: [{ filename: '报告表.xlsx', content: form }],
      }),
    );
    await run(process.execPath, [CLI, 'ingest', '--data-dir', dataDir, eml]);
    const out = join(dir, '汇总.xlsx');

    // Act
    const { stdout, stderr } = await run(process.execPath, [
      CLI,
      'export',
      '--data-dir',
      dataDir,
      '--out',
      out,
      '--as-of',
      '2023-11-10T12:00:00+08:00',
      '--json',
    ]);
    const book = await open(await readFile(out));

    // Assess
    const printed = JSON.parse(stdout) as { file: string; bases: number; sheets: { name: string; rows: number }[] };
    expect(printed).toMatchObject({ file: out, bases: 30 });
    expect(stderr).toBe('');
    expect(book.worksheets).toHaveLength(17);
    const changzhi = rows(book.getWorksheet('长治市')!);
    const yitao = changzhi.find((r) => r[BASE_COLUMNS.indexOf('基地名称')] === '易淘电商信息产业园');
    expect(yitao?.[BASE_COLUMNS.indexOf('状态')]).toBe('材料不完整');
    expect(printed.sheets.find((s) => s.name === '长治市')?.rows).toBe(3);
  });

  it('refuses an --out that is not an .xlsx', async () => {
    // Act
    const failure = await run(process.execPath, [CLI, 'export', '--out', join(dir, 'x.csv')]).catch((e) => e);

    // Assess
    expect(String(failure.stderr)).toContain('.xlsx');
  });
});
