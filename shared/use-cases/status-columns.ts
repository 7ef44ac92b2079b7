/**
 * The columns that tell a base's status, shared by the two workbooks that list bases: the city digest's attachment
 * (./notice-workbook.ts) and the staff export's city sheets (./export.ts). One list of headings and one way to fill
 * them, so that a bureau reads the same columns, in the same order and words, in both.
 */
import type { BaseFacts } from '../domain/notice-text.ts';

const yesNo = (flag: boolean) => (flag ? '是' : '否');
const lines = (list: readonly string[]) => list.join('\n');

/** Headings of the base's state, after its name and category. */
export const STATE_HEADINGS = ['状态', '逾期提交', '截止仍缺'] as const;

/** The cells under STATE_HEADINGS. */
export function stateCells(facts: BaseFacts): string[] {
  return [facts.state, yesNo(facts.late), yesNo(facts.overdue)];
}

/** Headings of what arrived and what is still missing, late or to check. */
export const MATERIAL_HEADINGS = [
  '提交次数',
  '首次收到',
  '最近收到',
  '缺少材料',
  '报告表未填项目',
  '缺少证明材料',
  '证明材料待核实（已收到，不计为缺少）',
  '逾期提交事项（收到时间）',
  '截止仍缺事项',
  '需核实事项',
] as const;

/**
 * The cells under MATERIAL_HEADINGS; `at` writes a receive time (the round's words for an instant). `items` writes
 * the lists of elements (missing, 待核实, late, still missing), one a line unless the workbook shortens them (the
 * staff export, whose 缺项明细 sheet lists every one: a cell of 38 lines is taller than Excel's 409-point row).
 */
export function materialCells(
  facts: BaseFacts,
  at: (iso: string | null) => string,
  items: (list: readonly string[]) => string = lines,
): (string | number)[] {
  return [
    facts.submissions,
    at(facts.firstReceivedAt),
    at(facts.lastReceivedAt),
    items(facts.missingDocuments),
    items(facts.missingFormItems),
    items(facts.missingEvidence),
    items(facts.pendingEvidence),
    items(facts.lateArrived),
    items(facts.overdueMissing),
    lines(facts.checks),
  ];
}
