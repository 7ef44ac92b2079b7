/**
 * One staff table for 运维技术人员, 党员 and 从业人数 (Annex 1: 「可以共用一张表格」): a spreadsheet whose name says
 * nothing but whose header row carries the columns of a shared list is evidence for each indicator it serves, and
 * the status counts it for all three.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { memoryRecords } from '../../../shared/adapters/memory/records/index.ts';
import { evaluate } from '../../../shared/domain/evaluate.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import type { BlobStore } from '../../../shared/ports/index.ts';
import { type AppContext, DEFAULT_LIMITS, systemClock } from '../../../shared/use-cases/context.ts';
import { readFile } from '../../../shared/use-cases/read-documents.ts';
import { document, formValues, submission } from '../../fixtures/records.ts';

const round = loadRound('2023');
const base = round.bases.find((b) => b.id === 'p02')!;
const sub = submission('s-shared', base.id, '2023-11-08T02:00:00.000Z');

/** Just what reading one file needs: a blob store that keeps nothing, empty records (no registered bases). */
const ctx: AppContext = {
  round,
  blobs: { put: async () => undefined, exists: async () => false } as unknown as BlobStore,
  records: memoryRecords(),
  mailer: { send: async () => ({ messageId: 'none' }) },
  clock: systemClock,
  mailFrom: 'intake@example.cn',
  limits: DEFAULT_LIMITS,
};

async function workbook(rows: (string | number)[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sheet1');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('a shared staff table', () => {
  it('is evidence for 运维技术人员, 党员 and 从业人数 by its header row, and counts for each', async () => {
    // Prepare: the columns Annex 1 asks of the ops list (姓名、学历、职务、负责项目) plus the party membership
    const xlsx = await workbook([
      ['序号', '姓名', '学历', '职务', '负责项目', '政治面貌'],
      [1, '张晓明', '本科', '运维工程师', '网络维护', '中共党员'],
      [2, '李婷', '大专', '运营专员', '店铺运营', '群众'],
    ]);

    // Act
    const { documents } = await readFile(ctx, sub, {
      fileName: '表2.xlsx',
      contentType: 'application/octet-stream',
      content: xlsx,
      folderPath: null,
    });
    const table = documents[0]!;
    const status = evaluate({
      round,
      base,
      submissions: [sub],
      documents: [
        document(sub, '报告表.xlsx', 'report-form', { formValues: formValues(round, { 8: [3], 21: [5], 35: [60] }) }),
        document(sub, '自评报告.pdf', 'self-assessment'),
        table,
      ],
      asOf: new Date('2023-11-20T00:00:00Z'),
    });

    // Assess
    expect(table.kind).toBe('evidence');
    expect(table.classification?.decision).toBe('decided');
    expect([...(table.indicators ?? [])].sort()).toEqual(['employees', 'ops-engineers', 'party-members']);
    expect(status.missing.evidence).toEqual([]);
    expect(status.state).toBe('complete');
    expect(status.documents.find((d) => d.fileName === '表2.xlsx')?.indicators.sort()).toEqual([
      'employees',
      'ops-engineers',
      'party-members',
    ]);
  });
});
