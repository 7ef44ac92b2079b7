/**
 * The report form (附件2 经营服务情况报告表) as a spreadsheet bases can fill: the notice's title, header fields and
 * items 1-44 in its own wording, one value cell per blank with the fixed unit beside it, drop-down lists for 是/否
 * and tick lists, number validation, the filling instructions and the 市商务局审核意见 footer. Label cells are locked
 * (sheet protection without a password, so a base that must re-make a row still can); value cells are not.
 * The layout is one `parseReportForm` reads like any hand-made form: item number and wording in column B, values
 * to the right, header values right of their labels.
 */
import ExcelJS from 'exceljs';
import type { FormField, FormItem, Round } from '../domain/catalogue.ts';
import { chineseDate, chinesePeriod } from '../domain/chinese-time.ts';

/** What the template needs of a round. */
export type TemplateRound = Pick<
  Round,
  'id' | 'notice' | 'period' | 'deadline' | 'mailbox' | 'formHeader' | 'formItems'
>;

/** The cell of one header field. */
export interface HeaderCell {
  key: string;
  label: string;
  /** Address of the value cell, e.g. B3. */
  cell: string;
}

/** The cells of one field of an item. */
export type FieldCells =
  | { key: string; kind: 'number' | 'yesno' | 'text'; cell: string; unitCell?: string }
  | {
      key: string;
      kind: 'ticks';
      /** One drop-down cell per option (☑ or ☐ + the option). */
      options: { option: string; cell: string }[];
      /** The 其他 drop-down and the cell for what it is, when the notice has a 其他 option. */
      other?: { label: string; cell: string; detailCell: string };
    };

/** Where everything sits in the template; the builder follows it, and so can a test or a filling tool. */
export interface TemplateLayout {
  sheetName: string;
  title: string;
  header: HeaderCell[];
  items: { item: number; row: number; labelCell: string; fields: FieldCells[] }[];
  /** The 市商务局审核意见 cell. */
  reviewCell: string;
}

/** Sheet name; the parser does not depend on it, staff recognise it. */
const SHEET_NAME = '经营服务情况报告表';
const TITLE = '山西省直播电商基地（推荐参评单位）经营服务情况报告表';
/** Columns A..I: section, wording, then value/unit pairs or one cell per tick option. */
const LAST_COLUMN = 9;
/** Rows before the first item: title, date, 4 header rows, column captions. */
const FIRST_ITEM_ROW = 8;
/** Group titles of the notice's table, shown above the first item of a section. */
const GROUP_BEFORE: Record<string, string> = {
  基础硬件: '基地承载能力',
  金融服务: '基地服务能力',
  党建水平: '保障能力',
  发展速度与规模: '示范能力',
  运营服务: '附加项',
};
const TICKED = '☑';
const UNTICKED = '☐';
/** Soft yellow: the cells a base fills. */
const VALUE_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF7D6' } };
const GROUP_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

const column = (n: number): string => String.fromCharCode(64 + n);
const address = (row: number, col: number): string => `${column(col)}${row}`;

/**
 * Which header fields share a row, as the notice's table lays them out (cell positions are layout, kept here); the
 * labels are form.json's (`formHeader[].label`), so a reworded label is a data change.
 */
const HEADER_ROWS: string[][] = [
  ['baseName', 'address'],
  ['cityBureau', 'operator'],
  ['contactName', 'contactTitle', 'workPhone'],
  ['mobile', 'fax', 'email'],
];

/** The field's label in form.json, with the address's footnote mark (explained under the table). */
function headerLabel(round: Pick<TemplateRound, 'formHeader'>, key: string): string {
  const label = round.formHeader.find((f) => f.key === key)?.label ?? key;
  return key === 'address' ? `${label}¹` : label;
}

/** The 其他 option of a tick list, named as the item's wording names it (其他服务, 其他领域 ...). */
function otherLabel(item: FormItem): string {
  return /其他[\u4e00-\u9fff]*?(?=_|$|。)/.exec(item.wording)?.[0] ?? '其他';
}

/** Computes where every header field, item and field goes. */
export function reportTemplateLayout(round: TemplateRound): TemplateLayout {
  const header: HeaderCell[] = [{ key: 'filledAt', label: headerLabel(round, 'filledAt'), cell: 'H2' }];
  HEADER_ROWS.forEach((keys, r) => {
    const row = 3 + r;
    keys.forEach((key, i) => {
      // Two pairs: label A/C, value B/D; three pairs (contact rows, after the merged 基地联系人): B/D/F, C/E/G.
      const labelCol = keys.length === 2 ? 1 + i * 2 : 2 + i * 2;
      header.push({ key, label: headerLabel(round, key), cell: address(row, labelCol + 1) });
    });
  });
  const known = new Set(round.formHeader.map((f) => f.key));

  const items: TemplateLayout['items'] = [];
  let row = FIRST_ITEM_ROW;
  let section = '';
  for (const item of round.formItems) {
    if (item.section !== section && GROUP_BEFORE[item.section]) row++;
    section = item.section;
    let col = 3;
    const fields: FieldCells[] = item.fields.map((field) => {
      if (field.kind === 'ticks') {
        const options = (field.options ?? []).map((option) => ({ option, cell: address(row, col++) }));
        const other = field.otherText
          ? { label: otherLabel(item), cell: address(row, col++), detailCell: address(row, col++) }
          : undefined;
        return { key: field.key, kind: 'ticks', options, ...(other ? { other } : {}) };
      }
      const cells: FieldCells = {
        key: field.key,
        kind: field.kind,
        cell: address(row, col),
        ...(field.kind === 'number' && field.unit ? { unitCell: address(row, col + 1) } : {}),
      };
      col += 2;
      return cells;
    });
    items.push({ item: item.item, row, labelCell: address(row, 2), fields });
    row++;
  }
  return {
    sheetName: SHEET_NAME,
    title: TITLE,
    header: header.filter((h) => known.has(h.key)),
    items,
    reviewCell: address(row, 3),
  };
}

/** Builds the fillable report form of a round as .xlsx bytes. */
export async function buildReportTemplate(round: TemplateRound): Promise<Buffer> {
  const layout = reportTemplateLayout(round);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '山西省商务厅 直播电商基地综合评价材料收取';
  workbook.title = TITLE;
  workbook.subject = round.notice;
  workbook.keywords = `intake-template:${round.id}`;
  const sheet = workbook.addWorksheet(SHEET_NAME, {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    views: [{ state: 'frozen', ySplit: FIRST_ITEM_ROW - 1 }],
  });
  sheet.columns = [
    { width: 12 },
    { width: 56 },
    { width: 13 },
    { width: 13 },
    { width: 13 },
    { width: 13 },
    { width: 13 },
    { width: 13 },
    { width: 16 },
  ];

  writeTitleAndHeader(sheet, round, layout);
  writeItems(sheet, round, layout);
  const last = writeFooter(sheet, round, layout);

  for (let r = 1; r <= last; r++) {
    for (let c = 1; c <= LAST_COLUMN; c++) {
      const cell = sheet.getCell(r, c);
      cell.alignment = { wrapText: true, vertical: 'middle', ...cell.alignment };
    }
  }
  await sheet.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function label(cell: ExcelJS.Cell, text: string, bold = true): void {
  cell.value = text;
  cell.font = { bold };
  cell.border = THIN;
}

/** A cell a base fills: unlocked, shaded, framed. */
function valueCell(cell: ExcelJS.Cell, numFmt?: string): void {
  cell.protection = { locked: false };
  cell.fill = VALUE_FILL;
  cell.border = THIN;
  if (numFmt) cell.numFmt = numFmt;
}

function writeTitleAndHeader(sheet: ExcelJS.Worksheet, round: TemplateRound, layout: TemplateLayout): void {
  sheet.mergeCells(1, 1, 1, LAST_COLUMN);
  const title = sheet.getCell('A1');
  title.value = TITLE;
  title.font = { bold: true, size: 16 };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  sheet.getRow(1).height = 32;
  sheet.mergeCells('A2:F2');
  sheet.getCell('A2').value = `评价时间段：${chinesePeriod(round.period)}    金额单位：万元    面积单位：万平方米`;
  sheet.getCell('A2').font = { italic: true, color: { argb: 'FF595959' } };

  const byKey = new Map(layout.header.map((h) => [h.key, h]));
  const put = (key: string, labelAt: string, mergeTo?: string) => {
    const field = byKey.get(key);
    if (!field) return;
    label(sheet.getCell(labelAt), field.label);
    if (mergeTo) sheet.mergeCells(`${field.cell}:${mergeTo}`);
    valueCell(sheet.getCell(field.cell), '@');
  };
  put('filledAt', 'G2', 'I2');
  put('baseName', 'A3');
  put('address', 'C3', 'I3');
  put('cityBureau', 'A4');
  put('operator', 'C4', 'I4');
  sheet.mergeCells('A5:A6');
  label(sheet.getCell('A5'), '基地联系人');
  put('contactName', 'B5');
  put('contactTitle', 'D5');
  put('workPhone', 'F5', 'I5');
  put('mobile', 'B6');
  put('fax', 'D6');
  put('email', 'F6', 'I6');

  const captions = [
    '类别',
    '填报项目（通知附件2原文）',
    '填报栏：按题目中空格的先后顺序填写；数字栏只填数字（单位见其右侧），是/否和多选项从下拉列表中选择',
  ];
  captions.forEach((text, i) => {
    const cell = sheet.getCell(FIRST_ITEM_ROW - 1, i + 1);
    cell.value = text;
    cell.font = { bold: true };
    cell.fill = GROUP_FILL;
    cell.border = THIN;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
  sheet.mergeCells(FIRST_ITEM_ROW - 1, 3, FIRST_ITEM_ROW - 1, LAST_COLUMN);
  sheet.getRow(FIRST_ITEM_ROW - 1).height = 32;
}

function writeItems(sheet: ExcelJS.Worksheet, round: TemplateRound, layout: TemplateLayout): void {
  const byItem = new Map(round.formItems.map((item) => [item.item, item]));
  let section = '';
  let sectionStart = 0;
  let previousRow = 0;
  const closeSection = () => {
    if (sectionStart > 0 && previousRow > sectionStart) sheet.mergeCells(sectionStart, 1, previousRow, 1);
  };
  for (const placed of layout.items) {
    const item = byItem.get(placed.item)!;
    if (item.section !== section) {
      closeSection();
      const group = GROUP_BEFORE[item.section];
      if (group) {
        const groupRow = placed.row - 1;
        sheet.mergeCells(groupRow, 1, groupRow, LAST_COLUMN);
        const cell = sheet.getCell(groupRow, 1);
        cell.value = group;
        cell.font = { bold: true };
        cell.fill = GROUP_FILL;
        cell.border = THIN;
      }
      label(sheet.getCell(placed.row, 1), item.section);
      section = item.section;
      sectionStart = placed.row;
    }
    previousRow = placed.row;
    const wording = sheet.getCell(placed.labelCell);
    label(wording, `${item.item}. ${item.wording}`, false);
    sheet.getRow(placed.row).height = Math.max(20, Math.ceil(item.wording.length / 26) * 16);
    for (const [i, field] of item.fields.entries()) writeField(sheet, field, placed.fields[i]!);
  }
  closeSection();
}

function writeField(sheet: ExcelJS.Worksheet, field: FormField, cells: FieldCells): void {
  if (cells.kind === 'ticks') {
    for (const { option, cell } of cells.options) tickCell(sheet.getCell(cell), option);
    if (cells.other) {
      tickCell(sheet.getCell(cells.other.cell), cells.other.label);
      const detail = sheet.getCell(cells.other.detailCell);
      valueCell(detail, '@');
      detail.dataValidation = {
        type: 'textLength',
        operator: 'lessThanOrEqual',
        formulae: [200],
        allowBlank: true,
        showInputMessage: true,
        promptTitle: '其他（请注明）',
        prompt: `选择“${TICKED}${cells.other.label}”后，在此填写具体内容。`,
      };
    }
    return;
  }
  const cell = sheet.getCell(cells.cell);
  if (cells.kind === 'yesno') {
    valueCell(cell);
    cell.dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: ['"是,否"'],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '请选择',
      error: '本栏只能填“是”或“否”，请从下拉列表中选择。',
      showInputMessage: true,
      promptTitle: field.label.slice(0, 32),
      prompt: '请从下拉列表中选择“是”或“否”。',
    };
    return;
  }
  if (cells.kind === 'number') {
    valueCell(cell);
    const min = field.min ?? 0;
    const range =
      field.max !== undefined
        ? { operator: 'between' as const, formulae: [min, field.max] }
        : { operator: 'greaterThanOrEqual' as const, formulae: [min] };
    const bounds = field.max !== undefined ? `${min}～${field.max}之间` : `不小于${min}`;
    cell.dataValidation = {
      type: 'decimal',
      allowBlank: true,
      ...range,
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '请填写数字',
      error: `本栏只填阿拉伯数字（${bounds}），单位为“${field.unit ?? ''}”，不要填写单位或文字。`,
      showInputMessage: true,
      promptTitle: `单位：${field.unit ?? ''}`.slice(0, 32),
      prompt: `${field.label}（${field.unit ?? ''}），只填数字。`,
    };
    if (cells.unitCell && field.unit) label(sheet.getCell(cells.unitCell), field.unit, false);
    return;
  }
  valueCell(cell, '@');
}

/** A drop-down of ☐/☑ + the option, shown unticked: a blank-looking list of boxes the base ticks one by one. */
function tickCell(cell: ExcelJS.Cell, option: string): void {
  valueCell(cell);
  cell.value = `${UNTICKED}${option}`;
  cell.dataValidation = {
    type: 'list',
    allowBlank: true,
    formulae: [`"${UNTICKED}${option},${TICKED}${option}"`],
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: '请选择',
    error: `请从下拉列表中选择“${TICKED}${option}”（是）或“${UNTICKED}${option}”（否）。`,
    showInputMessage: true,
    promptTitle: '勾选',
    prompt: `开展了选“${TICKED}”，未开展保留“${UNTICKED}”。`,
  };
}

/** Footer and instructions; returns the last row written. */
function writeFooter(sheet: ExcelJS.Worksheet, round: TemplateRound, layout: TemplateLayout): number {
  const reviewRow = Number(layout.reviewCell.slice(1));
  // The label spans A:B so that nothing sits under the wording column: the parser looks below an item's label
  // when it has no value beside it, and must find nothing there.
  sheet.mergeCells(reviewRow, 1, reviewRow, 2);
  label(sheet.getCell(reviewRow, 1), '市商务局审核意见');
  sheet.mergeCells(reviewRow, 3, reviewRow, LAST_COLUMN);
  const review = sheet.getCell(layout.reviewCell);
  review.value = '\n\n市商务局（盖章）\n        年    月    日';
  review.alignment = { horizontal: 'right', vertical: 'bottom', wrapText: true };
  review.border = THIN;
  review.protection = { locked: false };
  sheet.getRow(reviewRow).height = 72;

  const lines = [
    '填表说明',
    `一、本表所有计算期限均为${chinesePeriod(round.period)}，新参评的市优秀直播电商基地同样以该时间段为准。`,
    '二、金额单位统一为“万元”，不要改为亿元或元；面积单位统一为“万平方米”（如三千平方米填0.3）。数值栏只填阿拉伯数字，单位已列在右侧。',
    `三、“是/否”栏请从下拉列表中选择；多选项请逐项从下拉列表中选择“${TICKED}”（开展）或保留“${UNTICKED}”（未开展）；选择“${TICKED}其他”的，请在其右侧单元格注明具体内容。`,
    '四、交易额（第三十二项、第三十三项）应与自评报告中的数字一致。',
    '五、“地址与范围”栏填写注意事项：基地应具备明确的地理边界，清晰的四至范围；基地的空间分布在原则上要保持连续，基地各功能板块应隶属于同一运营主体。',
    `六、请于${chineseDate(round.deadline)}前将本表（保持Excel格式，不要转为PDF或图片）连同自评报告和证明材料发送至${round.mailbox}；加盖公章的纸质材料按通知要求报送。`,
    '七、标题和项目文字单元格已锁定，只需填写浅黄色单元格。',
  ];
  let row = reviewRow + 1;
  for (const [i, text] of lines.entries()) {
    sheet.mergeCells(row, 1, row, LAST_COLUMN);
    const cell = sheet.getCell(row, 1);
    cell.value = text;
    cell.font = i === 0 ? { bold: true } : { color: { argb: 'FF404040' } };
    sheet.getRow(row).height = i === 0 ? 20 : Math.max(20, Math.ceil(text.length / 70) * 16);
    row++;
  }
  return row - 1;
}
