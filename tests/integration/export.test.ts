import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/use-cases/context.ts';
import {
  BASE_COLUMNS,
  buildStatusWorkbook,
  EXCLUDED_SHEET,
  SUMMARY_SHEET,
  UNMATCHED_SHEET,
} from '../../shared/use-cases/export.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { startTestStack } from './helpers.ts';
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

function rows(sheet: ExcelJS.Worksheet): string[][] {
  const out: string[][] = [];
  sheet.eachRow((row) =>
    out.push((row.values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? '' : String(v)))),
  );
  return out;
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
    const line = (name: string) => jincheng.find((r) => r[1] === name)!;
    expect(line('极致星空电商直播基地')[col('推荐排序')]).toBe('1');
    expect(line('东方传媒电商直播基地')[col('推荐排序')]).toBe('2');
    expect(line('“晋城有礼”电商直播基地')[col('推荐排序')]).toBe('');
    expect(line('“晋城有礼”电商直播基地')[col('试点单位')]).toBe('是');
    expect(line('东方传媒电商直播基地')[col('纸质材料收到日期')]).toBe('2023年11月8日');
    const overview = rows(book.getWorksheet(SUMMARY_SHEET)!);
    const summaryLine = overview.find((r) => r[0] === '晋城市')!;
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
      ...CITY_SHEETS,
      UNMATCHED_SHEET,
      EXCLUDED_SHEET,
    ]);
    const overview = rows(book.getWorksheet(SUMMARY_SHEET)!);
    expect(overview[0]![0]).toBe('地市');
    expect(overview.slice(1, 13).map((r) => r[0])).toEqual(CITY_SHEETS);
    expect(overview[0]?.slice(6, 8)).toEqual(['逾期提交', '截止仍缺']);
    // Past the deadline, nobody in 长治 sent anything late; all three still miss something.
    expect(overview.find((r) => r[0] === '长治市')?.slice(2, 8)).toEqual(['3', '0', '1', '2', '0', '3']);
    const changzhi = rows(book.getWorksheet('长治市')!);
    expect(changzhi[0]).toEqual([...BASE_COLUMNS]);
    expect(changzhi).toHaveLength(4);
    const pingshun = changzhi.find((r) => r[1] === '平顺网红直播基地')!;
    expect(pingshun[3]).toBe('材料不完整');
    // Sent on time but incomplete past the deadline: 截止仍缺, not 逾期提交.
    expect(pingshun.slice(4, 6)).toEqual(['否', '是']);
    const cell = (name: (typeof BASE_COLUMNS)[number]) => pingshun[BASE_COLUMNS.indexOf(name)];
    expect(cell('缺少证明材料')).toContain('直播电商基地建筑面积');
    expect(cell('证明材料待核实（已收到，不计为缺少）')).toBe('');
    expect(cell('逾期提交事项（收到时间）')).toBe('');
    expect(cell('截止仍缺事项')).toContain('直播电商基地建筑面积的证明材料截止时仍未提交');
    expect(cell('需核实事项')).toContain('第32项交易额与自评报告不一致');
    expect(rows(book.getWorksheet('大同市')!)).toHaveLength(6);
    expect(rows(book.getWorksheet(UNMATCHED_SHEET)!)[1]?.[1]).toContain('wang@unknown.example.cn');
    for (const sheet of book.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(String(sheet.autoFilter)).toMatch(/^A1:[A-Z]+1$/);
    }
    expect(summary.bases).toBe(30);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
    expect(steps.length).toBe(30 + 12 + 3);
    // A base whose title was cancelled is kept apart, with what it sent.
    const excluded = rows(book.getWorksheet(EXCLUDED_SHEET)!);
    expect(excluded[0]).toEqual(['收到时间', '基地', '地市', '原因', '发件人', '主题', '文件', '编号']);
    expect(excluded.slice(1).map((r) => r.slice(1, 4))).toEqual([
      ['239新媒体产业园', '晋城市', '已取消称号，不在本年度参评基地名单内'],
    ]);
    expect(excluded[1]?.[0]).toBe('11月7日17时');
    expect(excluded[1]?.[6]).toBe('经营服务情况报告表.xlsx');
    expect(summary.excluded).toBe(1);
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
    const cell = (city: string, column: string) => overview.find((r) => r[0] === city)![overview[0]!.indexOf(column)];
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
    expect(names.map((name) => yuncheng.find((r) => r[1] === name)?.[col('推荐排序')])).toEqual(['2', '3', '1']);
    expect(yuncheng.find((r) => r[1] === '山西本命年直播基地')?.[col('推荐排序')]).toBe('');
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
    expect(book.worksheets).toHaveLength(15);
    const changzhi = rows(book.getWorksheet('长治市')!);
    expect(changzhi.find((r) => r[1] === '易淘电商信息产业园')?.[3]).toBe('材料不完整');
    expect(printed.sheets.find((s) => s.name === '长治市')?.rows).toBe(3);
  });

  it('refuses an --out that is not an .xlsx', async () => {
    // Act
    const failure = await run(process.execPath, [CLI, 'export', '--out', join(dir, 'x.csv')]).catch((e) => e);

    // Assess
    expect(String(failure.stderr)).toContain('.xlsx');
  });
});
