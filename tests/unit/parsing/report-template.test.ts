import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerTemplateCommand } from '../../../cli/commands/template.ts';
import type { FormValue } from '../../../shared/domain/records.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { classifyDocument } from '../../../shared/parsing/classify.ts';
import { parseReportForm } from '../../../shared/parsing/report-form/index.ts';
import { buildReportTemplate, reportTemplateLayout } from '../../../shared/parsing/report-template.ts';
import { SAMPLE_FORM_HEADER, SAMPLE_FORM_VALUES } from '../../fixtures/report-form.ts';

const round = loadRound('2023');
const layout = reportTemplateLayout(round);
const template = await buildReportTemplate(round);
const OTHER_SERVICE = '摄影美工';

/** Opens a workbook fully (validations and protection included, unlike the parser). */
async function open(data: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ExcelJS.Buffer);
  return workbook.worksheets[0]!;
}

/** The template filled as a base would: header values, and every item from SAMPLE_FORM_VALUES (+ a 其他 service). */
async function fillTemplate(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(template as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0]!;
  for (const { key, cell } of layout.header) sheet.getCell(cell).value = SAMPLE_FORM_HEADER[key] ?? null;
  for (const placed of layout.items) {
    const given = SAMPLE_FORM_VALUES[placed.item];
    placed.fields.forEach((cells, i) => {
      if (cells.kind === 'ticks') {
        const ticked = (Array.isArray(given) ? given : [given]).map(String);
        for (const { option, cell } of cells.options) {
          sheet.getCell(cell).value = `${ticked.includes(option) ? '☑' : '☐'}${option}`;
        }
        if (cells.other && placed.item === 20) {
          sheet.getCell(cells.other.cell).value = `☑${cells.other.label}`;
          sheet.getCell(cells.other.detailCell).value = OTHER_SERVICE;
        }
        return;
      }
      const value = Array.isArray(given) ? given[i] : i === 0 ? given : undefined;
      if (value !== undefined) sheet.getCell(cells.cell).value = value;
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** What the parser should read back for an item/field of SAMPLE_FORM_VALUES. */
function expected(item: number, field: string): FormValue['value'] {
  const formItem = round.formItems.find((i) => i.item === item)!;
  const index = formItem.fields.findIndex((f) => f.key === field);
  const kind = formItem.fields[index]!.kind;
  const given = SAMPLE_FORM_VALUES[item];
  if (kind === 'ticks') {
    const ticked = (given as string[]).slice();
    return item === 20 ? [...ticked, `其他：${OTHER_SERVICE}`] : ticked;
  }
  const value = Array.isArray(given) ? given[index] : given;
  return kind === 'yesno' ? value === '是' : (value ?? null);
}

describe('buildReportTemplate', () => {
  it('reads back, through parseReportForm, every value filled into its value cells', async () => {
    // Prepare
    const filled = await fillTemplate();

    // Act
    const result = await parseReportForm(filled, round, { fileName: '报告表.xlsx' });

    // Assess
    expect(result.findings).toEqual([]);
    expect(result.header).toEqual(SAMPLE_FORM_HEADER);
    const fields = round.formItems.flatMap((item) => item.fields.map((f) => ({ item: item.item, field: f.key })));
    expect(result.values).toHaveLength(fields.length);
    for (const { item, field } of fields) {
      const read = result.values.find((v) => v.item === item && v.field === field);
      expect({ item, field, value: read?.value }).toEqual({ item, field, value: expected(item, field) });
    }
  });

  it('gives every item missing, and no finding, when nothing is filled in', async () => {
    // Prepare: the template as written.

    // Act
    const result = await parseReportForm(template, round, { fileName: '报告表模板.xlsx' });

    // Assess
    expect(result.findings).toEqual([]);
    expect(result.header).toEqual({});
    expect(result.values.length).toBeGreaterThan(44);
    // Numbers and 是/否 are missing; a tick list with nothing ticked reads as "none of these" ([]).
    expect(result.values.filter((v) => v.value !== null && !(Array.isArray(v.value) && v.value.length === 0))).toEqual(
      [],
    );
    const ticks = round.formItems.filter((i) => i.fields.some((f) => f.kind === 'ticks')).map((i) => i.item);
    expect(result.values.filter((v) => Array.isArray(v.value)).map((v) => v.item)).toEqual(ticks);
    expect(new Set(result.values.map((v) => v.item))).toEqual(new Set(round.formItems.map((i) => i.item)));
  });

  it('has the notice’s title, wording and units, validation on every value cell and locked labels', async () => {
    // Prepare
    const sheet = await open(template);
    const item1 = layout.items.find((i) => i.item === 1)!;
    const item12 = layout.items.find((i) => i.item === 12)!;
    const item16 = layout.items.find((i) => i.item === 16)!;
    const item20 = layout.items.find((i) => i.item === 20)!;

    // Act
    const area = item1.fields[0]!;
    const policy = item12.fields[1]!;
    const rate = item16.fields[0]!;
    const services = item20.fields[0]!;

    // Assess
    expect(sheet.getCell('A1').value).toBe('山西省直播电商基地（推荐参评单位）经营服务情况报告表');
    expect(sheet.getCell(item1.labelCell).value).toBe('1. 直播电商基地建筑面积_____万平方米');
    expect((sheet as unknown as { sheetProtection: unknown }).sheetProtection).toMatchObject({ sheet: true });
    expect(sheet.getCell(item1.labelCell).protection?.locked).not.toBe(false);
    if (area.kind !== 'number' || policy.kind !== 'yesno' || rate.kind !== 'number' || services.kind !== 'ticks') {
      throw new Error('unexpected layout');
    }
    expect(sheet.getCell(area.unitCell!).value).toBe('万平方米');
    expect(sheet.getCell(area.cell).protection?.locked).toBe(false);
    expect(sheet.getCell(area.cell).dataValidation).toMatchObject({
      type: 'decimal',
      operator: 'greaterThanOrEqual',
      formulae: [0],
    });
    expect(sheet.getCell(rate.cell).dataValidation).toMatchObject({ operator: 'between', formulae: [0, 100] });
    expect(sheet.getCell(policy.cell).dataValidation).toMatchObject({ type: 'list', formulae: ['"是,否"'] });
    expect(services.options.map((o) => sheet.getCell(o.cell).value)).toEqual([
      '☐仓储物流',
      '☐供应链软件',
      '☐客服托管',
      '☐咨询培训',
    ]);
    expect(sheet.getCell(services.options[0]!.cell).dataValidation).toMatchObject({
      type: 'list',
      formulae: ['"☐仓储物流,☑仓储物流"'],
    });
    expect(services.other?.label).toBe('其他服务');
    for (const { cell } of layout.header) expect(sheet.getCell(cell).protection?.locked).toBe(false);
  });

  it('states the period, the fixed units, the deadline, the mailbox and the 市商务局 footer', async () => {
    // Prepare
    const sheet = await open(template);

    // Act
    const texts: string[] = [];
    sheet.eachRow((row) => {
      row.eachCell((cell) => {
        if (typeof cell.value === 'string') texts.push(cell.value);
      });
    });
    const all = texts.join('\n');

    // Assess
    expect(all).toContain('2022年9月—2023年8月');
    expect(all).toContain('万元');
    expect(all).toContain('万平方米');
    expect(all).toContain('2023年11月10日');
    expect(all).toContain(round.mailbox);
    expect(all).toContain('市商务局审核意见');
    expect(sheet.getCell(layout.reviewCell).value).toContain('市商务局（盖章）');
  });

  it('is recognised as the report form by its title row when renamed', () => {
    // Prepare
    const input = { fileName: '新建 Microsoft Excel 工作表.xlsx', sheetHeaders: [layout.title] };

    // Act
    const classification = classifyDocument(input, round);

    // Assess
    expect(classification.kind).toBe('report-form');
  });
});

describe('intake template', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('writes the template to --out', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'intake-template-'));
    dirs.push(dir);
    const out = join(dir, '报告表.xlsx');
    const program = new Command().exitOverride();
    registerTemplateCommand(program);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);

    // Act
    await program.parseAsync(['node', 'intake', 'template', '--out', out]);
    const printed = log.mock.calls.flat().join('\n');
    log.mockRestore();

    // Assess
    const written = await readFile(out);
    const parsed = await parseReportForm(written, round);
    expect(parsed.findings).toEqual([]);
    expect(parsed.values.length).toBeGreaterThan(44);
    expect(printed).toContain('44项');
  });

  it('refuses an --out that is not .xlsx', async () => {
    // Prepare
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
    registerTemplateCommand(program);

    // Act
    const run = program.parseAsync(['node', 'intake', 'template', '--out', '报告表.xls']);

    // Assess
    await expect(run).rejects.toThrow(/\.xlsx/);
  });
});
