/**
 * The status export keeps a base with a long list readable on paper (issue 16): Excel caps a row at 409 points, so
 * a cell lists the first few elements and 「等N项，详见「缺项明细」表」, and the 缺项明细 sheet has one row per base and
 * missing, 待核实, invalid or late element, printed like the other sheets. Read back with exceljs.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { evaluateBase } from '../../shared/use-cases/evaluate.ts';
import {
  ALL_BASES_COLUMNS,
  ALL_BASES_SHEET,
  BASE_COLUMNS,
  buildStatusWorkbook,
  DETAIL_COLUMNS,
  DETAIL_SHEET,
  HEADER_ROW,
  shortList,
} from '../../shared/use-cases/export.ts';
import { EXPORT_PRINT_SETUP, startTestStack } from './helpers.ts';
import { seedIntake, TEST_NOW } from './http-seed.ts';

/** After the deadline (10 November 24:00 Beijing): what is still missing is 截止仍缺. */
const AFTER_DEADLINE = new Date('2023-11-11T01:00:00Z');
const SITUATIONS = /^(缺少|截止仍缺|无效|待核实|逾期提交（.+收到）)$/;

function text(cell: ExcelJS.Cell): string {
  return cell.value === null || cell.value === undefined ? '' : String(cell.value);
}

describe('status export: long lists and the 缺项明细 sheet', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let book: ExcelJS.Workbook;

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedIntake(stack.ctx);
    const { workbook } = await buildStatusWorkbook(stack.ctx, { asOf: AFTER_DEADLINE });
    book = new ExcelJS.Workbook();
    await book.xlsx.load(workbook as unknown as ArrayBuffer);
  }, 120_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('keeps a base’s long 截止仍缺 list to its first names and a pointer, within the row height', async () => {
    // Prepare: 平顺 claims 38 indicators in its form and sent one file of evidence.
    const status = await evaluateBase(stack.ctx, { baseId: 'p11', asOf: AFTER_DEADLINE });
    const sheet = book.getWorksheet(ALL_BASES_SHEET)!;

    // Act
    let row: ExcelJS.Row | undefined;
    sheet.eachRow((r) => {
      if (text(r.getCell(ALL_BASES_COLUMNS.indexOf('基地名称') + 1)) === '平顺网红直播基地') row = r;
    });
    const cell = (name: (typeof ALL_BASES_COLUMNS)[number]) => text(row!.getCell(ALL_BASES_COLUMNS.indexOf(name) + 1));

    // Assess
    expect(status.overdueItems.length).toBeGreaterThan(30);
    const overdue = cell('截止仍缺事项').split('\n');
    expect(overdue).toHaveLength(6);
    expect(overdue[0]).toBe(status.overdueItems[0]?.message);
    expect(overdue[5]).toBe(`等${status.overdueItems.length}项，详见「缺项明细」表`);
    expect(cell('缺少证明材料')).toContain(`等${status.missing.evidence.length}项，详见「缺项明细」表`);
    // Every row of every sheet fits under Excel's cap (a capped row is a cut-off list on paper).
    for (const ws of book.worksheets)
      ws.eachRow((r, n) => expect(r.height ?? 0, `${ws.name} row ${n}`).toBeLessThan(409));
    // Short lists stay whole.
    expect(shortList(['自评报告', '第5项'])).toBe('自评报告\n第5项');
    expect(shortList(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('a\nb\nc\nd\ne\nf');
  });

  it('lists every missing, 待核实, invalid or late element of each base on 缺项明细, printed like the other sheets', async () => {
    // Prepare
    const status = await evaluateBase(stack.ctx, { baseId: 'p11', asOf: AFTER_DEADLINE });
    const sheet = book.getWorksheet(DETAIL_SHEET)!;

    // Act
    const rows: string[][] = [];
    sheet.eachRow((r, n) => {
      if (n > HEADER_ROW) rows.push(DETAIL_COLUMNS.map((_, i) => text(r.getCell(i + 1))));
    });
    const data = rows.filter((r) => /^\d+$/.test(r[0] ?? ''));
    const pingshun = data.filter((r) => r[2] === '平顺网红直播基地');

    // Assess
    expect(book.worksheets.map((s) => s.name).indexOf(DETAIL_SHEET)).toBe(
      book.worksheets.map((s) => s.name).indexOf('山西综改示范区') + 1,
    );
    expect(text(sheet.getRow(1).getCell(1))).toContain('缺项明细');
    expect(text(sheet.getRow(2).getCell(1))).toMatch(/^截至11月11日9时（北京时间）/);
    expect(DETAIL_COLUMNS.map((_, i) => text(sheet.getRow(HEADER_ROW).getCell(i + 1)))).toEqual([
      '序号',
      '地市',
      '基地名称',
      '指标序号',
      '指标名称',
      '情况',
    ]);
    expect(sheet.pageSetup).toMatchObject(EXPORT_PRINT_SETUP);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: HEADER_ROW });
    expect(data.map((r) => r[0])).toEqual(data.map((_, i) => String(i + 1)));
    expect(data.every((r) => SITUATIONS.test(r[5] ?? ''))).toBe(true);
    // 平顺: one row per still-missing indicator, numbered as in 附件1, and nothing else missing.
    const evidence = pingshun.filter((r) => /^\d+$/.test(r[3] ?? ''));
    expect(evidence).toHaveLength(status.missing.evidence.length);
    expect(evidence.every((r) => r[1] === '长治市' && r[5] === '截止仍缺')).toBe(true);
    const first = stack.ctx.round.indicators.findIndex((i) => i.slug === status.missing.evidence[0]);
    expect(evidence.map((r) => r[4])).toContain(stack.ctx.round.indicators[first]?.name);
    const numbers = evidence.map((r) => Number(r[3]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    // A base that sent nothing: its two documents are still missing.
    const nothing = data.filter((r) => r[2] === '武乡县红星杨电子商务产业园');
    expect(nothing.map((r) => [r[3], r[4], r[5]])).toEqual([
      ['附件2', '经营服务情况报告表', '截止仍缺'],
      ['附件3', '自评报告', '截止仍缺'],
    ]);
    // The 合计 row counts bases and rows.
    const totals = rows.find((r) => r[0] === '合计');
    expect(totals?.[2]).toMatch(/^\d+个基地$/);
    expect(totals?.[5]).toBe(`${data.length}项`);
    // The base columns of a city sheet point to the same sheet.
    expect(BASE_COLUMNS).toContain('截止仍缺事项');
  });

  it('gives a city workbook the detail rows of its own bases only', async () => {
    // Act
    const { workbook } = await buildStatusWorkbook(stack.ctx, { asOf: AFTER_DEADLINE, city: 'changzhi' });
    const city = new ExcelJS.Workbook();
    await city.xlsx.load(workbook as unknown as ArrayBuffer);
    const cities = new Set<string>();
    city.getWorksheet(DETAIL_SHEET)!.eachRow((r, n) => {
      if (n > HEADER_ROW && /^\d+$/.test(text(r.getCell(1)))) cities.add(text(r.getCell(2)));
    });

    // Assess
    expect([...cities]).toEqual(['长治市']);
  });
});
