/**
 * `intake status` as a table a clerk reads down: a header, columns aligned by display width (a Chinese character
 * takes two cells), every name in Chinese — 自评报告, 第5项, 主播 — never a code.
 */
import type { Round } from '../../shared/domain/catalogue.ts';
import { DOCUMENT_KIND_NAMES, indicatorName, stateName } from '../../shared/domain/notice-text.ts';
import type { BaseStatus } from '../../shared/domain/records.ts';
import { formatBeijing } from '../../shared/domain/round-time.ts';

/** Missing things named in the 缺少 column before the rest are counted. */
const LISTED = 6;

/** Terminal cells a text takes: East Asian wide characters two, others one. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text)
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(
        char,
      )
        ? 2
        : 1;
  return width;
}

function padded(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** What a base still lacks, in names: documents, form items by number, evidence by indicator. */
export function missingWords(round: Round, status: BaseStatus): string {
  const missing = [
    ...status.missing.documents.map((kind) => DOCUMENT_KIND_NAMES[kind]),
    ...status.missing.formItems.map((item) => `第${item}项`),
    ...status.missing.evidence.map((slug) => `${indicatorName(round, slug)}证明`),
  ];
  if (missing.length === 0) return '—';
  return `${missing.slice(0, LISTED).join('、')}${missing.length > LISTED ? `等${missing.length}项` : ''}`;
}

/** The table's lines, header first; rows in the round's city order. */
export function statusTable(round: Round, statuses: readonly BaseStatus[]): string[] {
  const cityOrder = round.cities.map((c) => c.id as string);
  const rows = [...statuses]
    .sort((a, b) => cityOrder.indexOf(a.city) - cityOrder.indexOf(b.city))
    .map((status) => {
      const marks = [status.late ? '逾期提交' : '', status.overdue ? '截止仍缺' : ''].filter(Boolean);
      return [
        round.cities.find((c) => c.id === status.city)?.name ?? status.city,
        status.name,
        `${stateName(status)}${marks.length > 0 ? `（${marks.join('、')}）` : ''}`,
        status.lastReceivedAt ? formatBeijing(new Date(status.lastReceivedAt), round.timeZone) : '—',
        missingWords(round, status),
        (status.pendingEvidence ?? []).map((p) => indicatorName(round, p.indicator)).join('、') || '—',
      ];
    });
  const header = ['城市', '基地', '状态', '最近收到（北京时间）', '缺少', '待核实（已收到）'];
  // The last column is not padded: it runs to the end of the line.
  const widths = header.map((title, column) =>
    Math.max(displayWidth(title), ...rows.map((row) => displayWidth(row[column] ?? ''))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : padded(cell, widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
