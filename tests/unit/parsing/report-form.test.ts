import * as XLSX from '@e965/xlsx';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { FormItem } from '../../../shared/domain/catalogue.ts';
import { expandArchive } from '../../../shared/parsing/archive.ts';
import {
  MAX_ROWS,
  MAX_SHEETS,
  parseReportForm,
  type ReportFormResult,
} from '../../../shared/parsing/report-form/index.ts';
import { writeZip } from '../../../shared/parsing/xlsx-repair.ts';
import {
  buildReportFormXlsx,
  FORM_2023,
  type FormInputValue,
  SAMPLE_FORM_HEADER,
  SAMPLE_FORM_VALUES,
} from '../../fixtures/report-form.ts';

const LAYOUTS = ['template', 'handmade'] as const;

const OLE2_HEADER = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** A compound-file header and nothing behind it. */
const OLE2_EMPTY = Buffer.concat([OLE2_HEADER, Buffer.alloc(504)]);
/** What Office writes for a workbook with an open password: a compound file with an EncryptedPackage stream. */
const ENCRYPTED = Buffer.concat([
  OLE2_HEADER,
  Buffer.alloc(504),
  Buffer.from('EncryptedPackage', 'utf16le'),
  Buffer.alloc(512),
]);

function parse(data: Buffer): Promise<ReportFormResult> {
  return parseReportForm(data, FORM_2023, { fileName: '经营服务情况报告表.xlsx' });
}

function formValue(result: ReportFormResult, item: number, field?: string) {
  const found = result.values.find((v) => v.item === item && (field === undefined || v.field === field));
  if (!found) throw new Error(`no value for item ${item} ${field ?? ''}`);
  return found;
}

/** What the parser should return for an input value, field by field. */
function expectedFor(item: FormItem, input: FormInputValue): unknown[] {
  return item.fields.map((field, i) => {
    if (field.kind === 'ticks') return input;
    const given = Array.isArray(input) ? input[i] : input;
    if (field.kind === 'yesno') return given === '是';
    return given;
  });
}

function codes(result: ReportFormResult, item?: number): string[] {
  return result.findings.filter((f) => item === undefined || f.item === item).map((f) => f.code);
}

/** A workbook made cell by cell, for layouts the fixture builder does not write. */
async function workbookOf(fill: (sheet: ExcelJS.Worksheet, book: ExcelJS.Workbook) => void): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  fill(book.addWorksheet('Sheet1'), book);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('form.json (2023 report form)', () => {
  it('lists items 1-44 in order, each with a section and fields', () => {
    // Prepare
    const items = FORM_2023.formItems;

    // Act
    const numbers = items.map((i) => i.item);

    // Assess
    expect(numbers).toEqual(Array.from({ length: 44 }, (_, i) => i + 1));
    expect(new Set(items.map((i) => i.section))).toEqual(
      new Set([
        '基础硬件',
        '基础软件',
        '金融服务',
        '人才服务',
        '孵化服务',
        '专业服务',
        '党建水平',
        '环境营造',
        '发展速度与规模',
        '吸纳就业',
        '运营服务',
        '发展潜力',
        '产业联动',
        '行业规范',
      ]),
    );
    expect(items.find((i) => i.item === 1)?.wording).toBe('直播电商基地建筑面积_____万平方米');
  });

  it('has the field keys and units the rest of the system relies on', () => {
    // Prepare
    const field = (item: number, key: string) =>
      FORM_2023.formItems.find((i) => i.item === item)?.fields.find((f) => f.key === key);

    // Act
    const picked = {
      area: field(1, 'area'),
      rooms: field(2, 'rooms'),
      anchors: field(6, 'anchors'),
      gmv: field(32, 'gmv'),
      shanxiGmv: field(33, 'shanxiGmv'),
      rate: field(16, 'rate'),
    };

    // Assess
    expect(picked.area).toMatchObject({ kind: 'number', unit: '万平方米', min: 0 });
    expect(picked.rooms).toMatchObject({ kind: 'number', unit: '间' });
    expect(picked.anchors).toMatchObject({ kind: 'number', unit: '人' });
    expect(picked.gmv).toMatchObject({ kind: 'number', unit: '万元' });
    expect(picked.shanxiGmv).toMatchObject({ kind: 'number', unit: '万元' });
    expect(picked.rate).toMatchObject({ unit: '%', min: 0, max: 100 });
    for (const [item, key] of [
      [4, 'merchants'],
      [4, 'laozihao'],
      [5, 'products'],
      [5, 'shanxiProducts'],
      [35, 'employees'],
      [36, 'migrantWorkers'],
      [12, 'introPolicy'],
      [12, 'trainPolicy'],
    ] as const) {
      expect(field(item, key), `${item}.${key}`).toBeDefined();
    }
  });

  it('gives tick items the notice options and every number a lower bound', () => {
    // Prepare
    const items = FORM_2023.formItems;
    const ticks = (item: number) => items.find((i) => i.item === item)!.fields[0]!;

    // Act
    const optionCounts = [20, 23, 24, 25, 26, 37, 40].map((n) => [n, ticks(n).options?.length, !!ticks(n).otherText]);

    // Assess
    expect(optionCounts).toEqual([
      [20, 4, true],
      [23, 4, false],
      [24, 3, false],
      [25, 6, false],
      [26, 2, false],
      [37, 3, true],
      [40, 5, true],
    ]);
    expect(ticks(20).options).toEqual(['仓储物流', '供应链软件', '客服托管', '咨询培训']);
    expect(ticks(40).options).toEqual(['大数据', '物联网', '云计算', '人工智能', '区块链']);
    for (const item of items) {
      for (const field of item.fields.filter((f) => f.kind === 'number')) {
        expect(field.min, `${item.item}.${field.key}`).toBe(0);
      }
    }
  });

  it('uses field labels that appear in the wording, which is how the parser finds each blank', () => {
    // Prepare
    const strip = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, '');

    // Act
    const missing = FORM_2023.formItems.flatMap((item) =>
      item.fields.filter((f) => !strip(item.wording).includes(strip(f.label))).map((f) => `${item.item}.${f.key}`),
    );

    // Assess
    expect(missing).toEqual([]);
  });
});

describe('parseReportForm', () => {
  it.each(LAYOUTS)('reads every item of a %s form back', async (layout) => {
    // Prepare
    const data = await buildReportFormXlsx({ values: SAMPLE_FORM_VALUES, layout });

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 1, 'area').value).toBe(0.52);
    expect(formValue(result, 2, 'rooms').value).toBe(36);
    expect(formValue(result, 6, 'anchors').value).toBe(80);
    expect(formValue(result, 32, 'gmv').value).toBe(12000);
    expect(formValue(result, 33, 'shanxiGmv').value).toBe(5600);
    expect(formValue(result, 1, 'area').unit).toBe('万平方米');
    for (const item of FORM_2023.formItems) {
      const got = item.fields.map((f) => formValue(result, item.item, f.key).value);
      expect(got, `item ${item.item}`).toEqual(expectedFor(item, SAMPLE_FORM_VALUES[item.item]!));
    }
    expect(result.values).toHaveLength(FORM_2023.formItems.reduce((n, i) => n + i.fields.length, 0));
    expect(result.findings).toEqual([]);
  });

  it.each(LAYOUTS)('reads the header fields of a %s form', async (layout) => {
    // Prepare
    const header = { baseName: '平顺网红直播基地', cityBureau: '长治市商务局', email: 'psxwh@163.com' };
    const data = await buildReportFormXlsx({ header, values: { 1: 0.6 }, layout });

    // Act
    const result = await parse(data);

    // Assess
    expect(result.header).toEqual({ ...SAMPLE_FORM_HEADER, ...header });
  });

  it('leaves blank header fields out', async () => {
    // Prepare
    const data = await buildReportFormXlsx({ header: { fax: '', contactTitle: '' }, values: { 1: 0.6 } });

    // Act
    const result = await parse(data);

    // Assess
    expect(result.header.fax).toBeUndefined();
    expect(result.header.contactTitle).toBeUndefined();
    expect(result.header.workPhone).toBe(SAMPLE_FORM_HEADER.workPhone);
  });

  it.each(LAYOUTS)('converts units typed in a %s form and says so', async (layout) => {
    // Prepare
    const data = await buildReportFormXlsx({ values: { ...SAMPLE_FORM_VALUES, 1: '3000㎡', 32: '1.2亿元' }, layout });

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 1).value).toBe(0.3);
    expect(formValue(result, 1).raw).toContain('3000㎡');
    expect(formValue(result, 32).value).toBe(12000);
    expect(codes(result, 1)).toEqual(['form.unit-converted']);
    expect(codes(result, 32)).toEqual(['form.unit-converted']);
    expect(result.findings.find((f) => f.item === 1)).toMatchObject({
      severity: 'warning',
      document: '经营服务情况报告表.xlsx',
    });
  });

  it.each(LAYOUTS)('reads full-width digits, thousands separators and hedged numbers (%s)', async (layout) => {
    // Prepare
    const values = { 2: '１２０', 6: '约500人', 7: '5,000', 35: '２６０人', 33: '5600.00万元' };
    const data = await buildReportFormXlsx({ values, layout });

    // Act
    const result = await parse(data);

    // Assess
    expect([2, 6, 7, 35, 33].map((n) => formValue(result, n).value)).toEqual([120, 500, 5000, 260, 5600]);
    expect(formValue(result, 2).raw).toContain('１２０');
    expect(result.findings).toEqual([]);
  });

  it.each([
    ['是', true],
    ['否', false],
    ['√', true],
    ['☑是 ☐否', true],
    ['☐是 ☑否', false],
    ['■是□否', true],
    ['□是■否', false],
    ['是√', true],
    ['有', true],
    ['是（√）否（ ）', true],
    ['是( ) 否(√)', false],
  ])('reads 是/否 written as %s', async (written, expected) => {
    // Prepare
    const template = await buildReportFormXlsx({ values: { 29: written } });
    const handmade = await buildReportFormXlsx({ values: { 29: written }, layout: 'handmade' });

    // Act
    const results = await Promise.all([parse(template), parse(handmade)]);

    // Assess
    for (const result of results) {
      expect(formValue(result, 29, 'specialPolicy').value).toBe(expected);
      expect(codes(result, 29)).toEqual([]);
    }
  });

  it.each([
    ['☑仓储物流 ☐客服托管', ['仓储物流']],
    ['仓储物流、客服托管', ['仓储物流', '客服托管']],
    ['■仓储物流 □供应链软件 ■咨询培训', ['仓储物流', '咨询培训']],
    ['仓储物流√ 客服托管', ['仓储物流']],
    ['☑客服托管 ☑其他服务：摄影美工', ['客服托管', '其他：摄影美工']],
    ['无', []],
  ])('reads the tick list %s', async (written, expected) => {
    // Prepare
    const template = await buildReportFormXlsx({ values: { 20: written } });
    const handmade = await buildReportFormXlsx({ values: { 20: written }, layout: 'handmade' });

    // Act
    const results = await Promise.all([parse(template), parse(handmade)]);

    // Assess
    for (const result of results) expect(formValue(result, 20).value).toEqual(expected);
  });

  it('matches ticked notice wording to the short options', async () => {
    // Prepare
    const data = await workbookOf((sheet) => {
      sheet.getCell('A1').value =
        '23. 为落实党建工作责任制，开展了哪些工作：☑党组织书记履行党建责任，明确责任和任务；☐建立了相关机制和制度；☑讲专题党课；☑充分发挥第一责任人的作用，落实“两个责任”。';
      sheet.getCell('A2').value =
        '25. 开展了哪些党内活动：☑执行“三会一课”制度；☑开展民主生活会、组织生活会、党建述职、民主评议党员活动；☐积极发展党员；☐收缴党费并合理使用管理；☐规范管理党员；☑贯彻落实《关于新形势下党内政治生活的若干准则》。';
    });

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 23).value).toEqual(['党组织书记履行党建责任', '讲专题党课', '落实“两个责任”']);
    expect(formValue(result, 25).value).toEqual([
      '执行“三会一课”制度',
      '民主生活会、组织生活会',
      '贯彻落实《若干准则》',
    ]);
  });

  it("reads the notice's own text with the blanks filled in, several items in one cell", async () => {
    // Prepare
    const data = await workbookOf((sheet) => {
      sheet.getCell('A1').value = '基础硬件';
      sheet.getCell('B1').value =
        '1. 直播电商基地建筑面积 0.52 万平方米。 2. 基地配套专业直播间数量 36 间。 3. 网络带宽 1000 Mbps。';
      sheet.getCell('B2').value =
        '4. 入驻商家数量 120 个，其中山西老字号商家数量 8 个。 5. 入驻商家产品数量__860__个，其中山西产品数量__430__个。';
      sheet.getCell('B3').value =
        '12. 基地是否设立或实施区域性的直播电商人才引进政策：☑是 ☐否； 是否设立或实施区域性的直播电商人才培养政策：☐是 ☑否。';
      sheet.getCell('B4').value = '17. 直播活动：平均每月累计直播场次 300 场，直播累计时长 1500 小时。';
    });

    // Act
    const result = await parse(data);

    // Assess
    expect([1, 2, 3].map((n) => formValue(result, n).value)).toEqual([0.52, 36, 1000]);
    expect(formValue(result, 4, 'merchants').value).toBe(120);
    expect(formValue(result, 4, 'laozihao').value).toBe(8);
    expect(formValue(result, 5, 'products').value).toBe(860);
    expect(formValue(result, 5, 'shanxiProducts').value).toBe(430);
    expect(formValue(result, 12, 'introPolicy').value).toBe(true);
    expect(formValue(result, 12, 'trainPolicy').value).toBe(false);
    expect(formValue(result, 17, 'sessions').value).toBe(300);
    expect(formValue(result, 17, 'hours').value).toBe(1500);
    expect(formValue(result, 1).cell).toBe('Sheet1!B1');
  });

  it('reads labels re-typed with notes, other numbering and shortened field names', async () => {
    // Prepare
    const data = await workbookOf((sheet) => {
      const rows = [
        '4、入驻商家总数120个，其中老字号商家数量8个',
        '（6）基地主播数量（含兼职主播20人）：80人',
        '7. 运维技术工程师数量：12人',
        '35. 直播电商基地从业人数（截至8月31日）：260人',
        '3. 网络带宽：千兆',
        '11. 直播电商基地获得投融资总额：无',
      ];
      rows.forEach((text, i) => {
        sheet.getCell(`A${i + 1}`).value = text;
      });
    });

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 4, 'merchants').value).toBe(120);
    expect(formValue(result, 4, 'laozihao').value).toBe(8);
    expect(formValue(result, 6).value).toBe(80);
    expect(formValue(result, 7).value).toBeNull(); // renumbered: the text is item 8's
    expect(formValue(result, 8).value).toBe(12);
    expect(formValue(result, 35).value).toBe(260);
    expect(formValue(result, 3).value).toBe(1000);
    expect(codes(result, 3)).toEqual(['form.unit-converted']);
    expect(formValue(result, 11).value).toBe(0);
  });

  it('reads a two-field item when only the second blank is filled', async () => {
    // Prepare
    const data = await buildReportFormXlsx({ values: { 4: ['', 8], 39: ['', '否'] } });

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 4, 'merchants').value).toBeNull();
    expect(formValue(result, 4, 'laozihao').value).toBe(8);
    expect(formValue(result, 39, 'expertBody').value).toBeNull();
    expect(formValue(result, 39, 'researchBody').value).toBe(false);
  });

  it('takes the cached result of a formula', async () => {
    // Prepare
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await buildReportFormXlsx({ values: SAMPLE_FORM_VALUES })) as unknown as ExcelJS.Buffer);
    const sheet = book.worksheets[0]!;
    let formulaCell = '';
    sheet.eachRow((row) => {
      row.eachCell((cell) => {
        if (typeof cell.value === 'string' && cell.value.startsWith('32.')) {
          const target = row.getCell(Number(cell.col) + 1);
          target.value = { formula: 'SUM(H60:H62)', result: 12345.6 };
          formulaCell = target.address;
        }
      });
    });
    const data = Buffer.from(await book.xlsx.writeBuffer());

    // Act
    const result = await parse(data);

    // Assess
    expect(formulaCell).not.toBe('');
    expect(formValue(result, 32).value).toBe(12345.6);
    expect(formValue(result, 32).cell).toBe(`${sheet.name}!${formulaCell}`);
  });

  it('reads a percentage-formatted cell as a percentage', async () => {
    // Prepare
    const data = await workbookOf((sheet) => {
      sheet.getCell('A1').value = '16. 网红孵化成功率（%）';
      sheet.getCell('B1').value = 0.4;
      sheet.getCell('B1').numFmt = '0%';
    });

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 16).value).toBe(40);
  });

  it.each(LAYOUTS)('gives null for a blank item (none ticked: []) of a %s form, without a finding', async (layout) => {
    // Prepare
    const { 6: _anchors, 12: _policies, 20: _services, ...rest } = SAMPLE_FORM_VALUES;
    const data = await buildReportFormXlsx({ values: rest, layout });

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 6).value).toBeNull();
    expect(formValue(result, 12, 'introPolicy').value).toBeNull();
    expect(formValue(result, 12, 'trainPolicy').value).toBeNull();
    // A tick list with nothing ticked is an answer (none of these), not a missing item.
    expect(formValue(result, 20).value).toEqual([]);
    expect(formValue(result, 2).value).toBe(36);
    expect(result.findings).toEqual([]);
  });

  it('flags text where a number is needed, and numbers out of range', async () => {
    // Prepare
    const data = await buildReportFormXlsx({
      values: { ...SAMPLE_FORM_VALUES, 2: '待统计', 16: '120%', 44: '暂未开展' },
    });

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 2).value).toBeNull();
    expect(formValue(result, 2).raw).toContain('待统计');
    expect(codes(result, 2)).toEqual(['form.value-unreadable']);
    expect(formValue(result, 16).value).toBe(120);
    expect(codes(result, 16)).toEqual(['form.out-of-range']);
    expect(codes(result, 44)).toEqual(['form.value-unreadable']);
    expect(result.findings.every((f) => f.severity === 'warning' && /第\d+项/.test(f.message))).toBe(true);
  });

  it('finds labels moved to other rows and columns, merged labels and column headers', async () => {
    // Prepare
    const data = await workbookOf((sheet) => {
      sheet.getCell('A1').value = '2023年直播基地数据汇总（自制表）';
      sheet.getCell('B3').value = '6. 基地主播数量（人）';
      sheet.getCell('C3').value = '32. 直播电商基地累计交易额（万元）';
      sheet.getCell('B4').value = 80;
      sheet.getCell('C4').value = 12000;
      sheet.mergeCells('D10:F10');
      sheet.getCell('D10').value = '2．基地配套专业直播间数量（间）';
      sheet.getCell('G10').value = 36;
      sheet.getCell('F40').value = '（1）直播电商基地建筑面积';
      sheet.getCell('H40').value = '0.52';
      sheet.getCell('I40').value = '万平方米';
      sheet.getCell('C50').value = '基地名称';
      sheet.getCell('D50').value = '山西农谷电商直播基地';
    });

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 6).value).toBe(80);
    expect(formValue(result, 32).value).toBe(12000);
    expect(formValue(result, 2).value).toBe(36);
    expect(formValue(result, 2).cell).toBe('Sheet1!G10');
    expect(formValue(result, 1).value).toBe(0.52);
    expect(formValue(result, 1).cell).toBe('Sheet1!H40');
    expect(result.header.baseName).toBe('山西农谷电商直播基地');
    expect(codes(result)).toEqual([]);
  });

  it('takes the sheet that holds the form when the first sheet is something else', async () => {
    // Prepare
    const data = await workbookOf((sheet, book) => {
      sheet.getCell('A1').value = '填表说明：请按附件2填写，金额单位为万元。';
      const form = book.addWorksheet('报告表');
      form.getCell('B2').value = '1. 直播电商基地建筑面积';
      form.getCell('C2').value = 0.52;
      form.getCell('B3').value = '32. 2022年9月-2023年8月直播电商基地累计交易额_____万元';
      form.getCell('C3').value = 12000;
    });

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 1).value).toBe(0.52);
    expect(formValue(result, 32).value).toBe(12000);
  });

  it('prefers a visible sheet to a hidden old copy of the form', async () => {
    // Prepare
    const data = await workbookOf((sheet, book) => {
      sheet.state = 'hidden';
      sheet.getCell('A1').value = '1. 直播电商基地建筑面积：0.3万平方米';
      sheet.getCell('A2').value = '2. 基地配套专业直播间数量：20间';
      book.addWorksheet('2023').getCell('A1').value = '1. 直播电商基地建筑面积：0.52万平方米';
    });

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 1).value).toBe(0.52);
    expect(formValue(result, 2).value).toBe(20);
  });

  it('reads a legacy .xls workbook (BIFF8, as Excel 97-2003 and WPS save it)', async () => {
    // Prepare: the handmade layout, re-saved as .xls by SheetJS
    const xlsx = await buildReportFormXlsx({ values: SAMPLE_FORM_VALUES, layout: 'handmade' });
    const xls = Buffer.from(XLSX.write(XLSX.read(xlsx, { type: 'buffer' }), { type: 'buffer', bookType: 'biff8' }));

    // Act
    const result = await parseReportForm(xls, FORM_2023, { fileName: '报告表.xls' });

    // Assess
    for (const item of FORM_2023.formItems) {
      const got = item.fields.map((f) => formValue(result, item.item, f.key).value);
      expect(got, `item ${item.item}`).toEqual(expectedFor(item, SAMPLE_FORM_VALUES[item.item]!));
    }
    expect(formValue(result, 1).source).toMatchObject({
      place: expect.stringMatching(/^经营服务情况报告表!/),
      confidence: 'high',
    });
  });

  it.each([
    ['a compound file without a workbook stream', OLE2_EMPTY, 'form.unreadable'],
    ['a password-protected workbook', ENCRYPTED, 'form.encrypted'],
  ])('refuses %s with a finding', async (_name, data, code) => {
    // Act
    const result = await parse(data);

    // Assess
    expect(codes(result)).toEqual([code]);
    expect(result.findings[0]).toMatchObject({ severity: 'error', document: '经营服务情况报告表.xlsx' });
    expect(result.values).toEqual([]);
  });

  it.each([
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)), 'form.format-unknown'],
    ['an empty file', Buffer.alloc(0), 'form.format-unknown'],
    ['a broken zip', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]), 'form.unreadable'],
  ])('turns %s into a finding instead of throwing', async (_name, data, code) => {
    // Prepare
    const input = data as Buffer;

    // Act
    const result = await parse(input);

    // Assess
    expect(codes(result)).toEqual([code]);
    expect(result.values).toEqual([]);
    expect(result.header).toEqual({});
  });

  it('says form.no-items for a workbook without the form', async () => {
    // Prepare
    const data = await workbookOf((sheet) => {
      sheet.addRow(['序号', '主播网名', '粉丝数', '推销产品类型']);
      sheet.addRow([1, '晋味小厨', 120000, '食品']);
      sheet.addRow([2, '老陈醋哥', 56000, '调味品']);
    });

    // Act
    const result = await parse(data);

    // Assess
    expect(codes(result)).toEqual(['form.no-items']);
    expect(result.values).toEqual([]);
  });

  it(`ignores rows beyond ${MAX_ROWS} and sheets beyond ${MAX_SHEETS}`, async () => {
    // Prepare
    const data = await workbookOf((sheet, book) => {
      sheet.getCell(`A${MAX_ROWS + 5}`).value = '1. 直播电商基地建筑面积：0.52万平方米';
      for (let i = 2; i <= MAX_SHEETS; i++) book.addWorksheet(`空白${i}`);
      book.addWorksheet('第11页').getCell('A1').value = '2. 基地配套专业直播间数量：36间';
    });

    // Act
    const result = await parse(data);

    // Assess
    expect(codes(result)).toEqual(['form.no-items']);
  });

  it('reads a sheet with a whole-column data validation quickly', async () => {
    // Prepare
    const data = await workbookOf((sheet) => {
      sheet.getCell('A1').value = '1. 直播电商基地建筑面积';
      sheet.getCell('B1').value = 0.52;
      (sheet as unknown as { dataValidations: { add(range: string, rule: object): void } }).dataValidations.add(
        'A1:Y1048576',
        { type: 'list', allowBlank: true, formulae: ['"是,否"'] },
      );
    });
    const started = Date.now();

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 1).value).toBe(0.52);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reads a workbook written with prefixed SpreadsheetML and an Apple-style sheet.xml part', async () => {
    // Prepare
    const original = await buildReportFormXlsx({ values: SAMPLE_FORM_VALUES });
    const { entries: members } = await expandArchive(original, { fileName: 'form.zip' });
    const entries = members
      .map(({ path: name, content: data }) => ({ name, data }))
      .map((entry) => {
        const prefixed = /^xl\/(workbook|worksheets\/sheet1|sharedStrings)\.xml$/.test(entry.name)
          ? entry.data
              .toString('utf8')
              .replace(/<(\/?)([A-Za-z][\w.-]*)(?=[\s/>])/g, '<$1x:$2')
              .replace(/xmlns="http:\/\/schemas\.openxmlformats\.org\/spreadsheetml\/2006\/main"/, (m) =>
                m.replace('xmlns=', 'xmlns:x='),
              )
          : entry.data.toString('utf8');
        const renamed = (s: string) => s.replaceAll('worksheets/sheet1.xml', 'worksheets/sheet.xml');
        return { name: renamed(entry.name), data: Buffer.from(renamed(prefixed), 'utf8') };
      });
    const data = writeZip(entries);

    // Act
    const result = await parse(data);

    // Assess
    expect(formValue(result, 1).value).toBe(0.52);
    expect(formValue(result, 32).value).toBe(12000);
    expect(result.header.baseName).toBe(SAMPLE_FORM_HEADER.baseName);
  });
});
