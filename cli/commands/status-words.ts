/**
 * One base's status as a line of Chinese for the terminal, after a staff action: 「邮拓直播电商基地：材料不完整
 * （截止仍缺）；缺：自评报告、第5项 直播电商从业人员数、主播的证明材料；待核实：入驻商家数量、产品数量」. Names, never codes.
 */
import type { Round } from '../../shared/domain/catalogue.ts';
import { DOCUMENT_KIND_NAMES, formItemName, indicatorName, stateName } from '../../shared/domain/notice-text.ts';
import type { BaseStatus } from '../../shared/domain/records.ts';

/** How many missing things a line names before it counts the rest. */
const LISTED = 6;

/** The line for a status. */
export function statusLine(round: Round, status: BaseStatus): string {
  const marks = [status.late ? '逾期提交' : '', status.overdue ? '截止仍缺' : ''].filter(Boolean);
  const missing = [
    ...status.missing.documents.map((kind) => DOCUMENT_KIND_NAMES[kind]),
    ...status.missing.formItems.map((item) => formItemName(round, item)),
    ...status.missing.evidence.map((slug) => `${indicatorName(round, slug)}的证明材料`),
  ];
  const pending = (status.pendingEvidence ?? []).map((p) => indicatorName(round, p.indicator));
  const parts = [
    `${status.name}：${stateName(status)}${marks.length > 0 ? `（${marks.join('、')}）` : ''}`,
    missing.length > 0
      ? `缺：${missing.slice(0, LISTED).join('、')}${missing.length > LISTED ? `等${missing.length}项` : ''}`
      : '',
    pending.length > 0 ? `待核实：${pending.join('、')}` : '',
  ];
  return parts.filter(Boolean).join('；');
}
