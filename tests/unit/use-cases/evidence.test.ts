import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { memoryRecords } from '../../../shared/adapters/memory/records/index.ts';
import type { Decision, DocumentRecord } from '../../../shared/domain/records.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { buildReportTemplate } from '../../../shared/parsing/report-template.ts';
import { readSheetHeaders } from '../../../shared/parsing/sheet-headers.ts';
import type { BlobStore } from '../../../shared/ports/index.ts';
import { type AppContext, DEFAULT_LIMITS, systemClock } from '../../../shared/use-cases/context.ts';
import { readFile } from '../../../shared/use-cases/read-documents.ts';
import { listUnclassified } from '../../../shared/use-cases/unclassified.ts';
import { familyNamed } from '../../fixtures/form-layouts/families.ts';
import { formFile } from '../../fixtures/form-layouts/matrix.ts';
import { document, submission } from '../../fixtures/records.ts';
import { buildMinimalPdf } from '../../fixtures/self-assessment-pdf.ts';

const round = loadRound('2023');

/** A context whose blob store is a Map and whose records are in memory, holding `documents` and `decisions`. */
async function context(documents: DocumentRecord[] = [], decisions: Decision[] = []): Promise<AppContext> {
  const blobs = new Map<string, Buffer>();
  const blobStore: BlobStore = {
    put: async (key, body) => {
      blobs.set(key, body as Buffer);
    },
    get: async (key) => blobs.get(key)!,
    getStream: async () => {
      throw new Error('not used');
    },
    read: async () => {
      throw new Error('not used');
    },
    exists: async (key) => blobs.has(key),
    list: async (prefix) => [...blobs.keys()].filter((k) => k.startsWith(prefix)).sort(),
  };
  const records = memoryRecords();
  for (const document of documents) await records.documents.save(document);
  for (const decision of decisions) await records.decisions.save(decision);
  return {
    round,
    blobs: blobStore,
    records,
    mailer: { send: async () => ({ messageId: 'none' }) },
    clock: systemClock,
    mailFrom: 'intake@example.cn',
    limits: DEFAULT_LIMITS,
  };
}

/** A one-sheet workbook with `rows` from A1. */
async function workbook(rows: (string | number)[][], sheetName = 'Sheet1'): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sheetName);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const sub = submission('s-evidence', 'p02', '2023-11-08T02:00:00.000Z');

async function read(fileName: string, content: Buffer, folderPath: string | null = null) {
  const file = { fileName, contentType: 'application/octet-stream', content, folderPath };
  const { documents } = await readFile(await context(), sub, file);
  return documents[0]!;
}

describe('evidence spreadsheets classified by their header row', () => {
  it('takes 附件3.xlsx with 主播网名 | 粉丝数 | 推销产品类型 for the anchor list', async () => {
    // Prepare
    const xlsx = await workbook([
      ['序号', '主播网名', '粉丝数', '推销产品类型'],
      [1, '晋云小美', 128000, '农产品'],
      [2, '老陈醋阿强', 56000, '调味品'],
    ]);

    // Act
    const doc = await read('附件3.xlsx', xlsx);

    // Assess
    expect(doc).toMatchObject({ kind: 'evidence', indicator: 'anchors', formValues: null });
  });

  it('reads a title row above the table, past blank rows', async () => {
    // Prepare
    const xlsx = await workbook([
      [],
      [],
      ['2023年度在孵主播名单'],
      ['主播网名', '粉丝数', '孵化时间'],
      ['小李', 3000, '2023-03'],
    ]);

    // Act
    const doc = await read('表1.xlsx', xlsx, '证明材料');

    // Assess
    expect(doc).toMatchObject({ kind: 'evidence', indicator: 'incubated-anchors' });
  });

  it('leaves the indicator empty when neither name nor headers say anything', async () => {
    // Prepare
    const xlsx = await workbook([
      ['A', 'B', 'C'],
      [1, 2, 3],
    ]);

    // Act
    const doc = await read('附件5.xlsx', xlsx);

    // Assess
    expect(doc).toMatchObject({ kind: 'evidence', indicator: null });
  });

  it('keeps the indicator a file name gives, whatever the headers say', async () => {
    // Prepare
    const xlsx = await workbook([['主播网名', '粉丝数', '推销产品类型']]);

    // Act
    const doc = await read('缴税明细.xlsx', xlsx);

    // Assess
    expect(doc).toMatchObject({ kind: 'evidence', indicator: 'tax' });
  });

  it('adds the indicators a roster named for one of a shared set serves by its columns (政治面貌, 负责项目)', async () => {
    // Prepare
    const shared = await workbook([['姓名', '学历', '职务', '负责项目', '政治面貌']]);
    const plain = await workbook([['姓名', '性别', '岗位']]);

    // Act
    const roster = await read('从业人员名单.xlsx', shared);
    const alone = await read('从业人员名单.xlsx', plain);

    // Assess
    expect(roster.kind).toBe('evidence');
    expect(roster.indicators?.slice().sort()).toEqual(['employees', 'ops-engineers', 'party-members']);
    expect(roster.classification?.reasons).toContain('表头为人员名册且列出共用表格的栏目');
    expect(alone.indicators).toEqual(['employees']);
  });

  it('takes an unfilled, renamed report-form template for the report form', async () => {
    // Prepare
    const template = await buildReportTemplate(round);

    // Act
    const doc = await read('新建 Microsoft Excel 工作表.xlsx', template);

    // Assess
    expect(doc.kind).toBe('report-form');
    // Nothing filled: numbers and 是/否 missing, tick lists read as nothing ticked.
    expect(doc.formValues?.every((v) => v.value === null || (Array.isArray(v.value) && v.value.length === 0))).toBe(
      true,
    );
    expect(doc.formValues?.length).toBeGreaterThan(44);
  });
});

describe('Word and PDF files whose name says nothing', () => {
  it('takes a Word file holding the form (新建 Microsoft Word 文档.docx) for the report form', async () => {
    // Prepare: the notice's table as Word, as a base fills it
    const form = await formFile(familyNamed('docx-symbols'), 3);

    // Act
    const doc = await read('新建 Microsoft Word 文档.docx', form.data);

    // Assess
    expect(doc.kind).toBe('report-form');
    expect(doc.formValues?.filter((v) => v.value !== null).length).toBeGreaterThan(40);
  });

  it('leaves a Word or PDF file without the form where its name put it', async () => {
    // Prepare
    const letter = await buildMinimalPdf('关于我基地参加综合评价的说明\n1. 基地情况良好。');

    // Act
    const doc = await read('说明.pdf', letter);

    // Assess
    expect(doc.kind).toBe('evidence');
    expect(doc.formValues ?? null).toBeNull();
  });
});

describe('readSheetHeaders', () => {
  it('gives the sheet name and the text cells of the first five rows only', async () => {
    // Prepare
    const rows: (string | number)[][] = [['标题'], ['姓名', '学历', '职务', '负责项目']];
    for (let i = 0; i < 50; i++) rows.push([`员工${i}`, '本科', '工程师', `项目${i}`]);
    const xlsx = await workbook(rows, '运维人员');

    // Act
    const headers = await readSheetHeaders(xlsx);

    // Assess
    expect(headers.slice(0, 6)).toEqual(['运维人员', '标题', '姓名', '学历', '职务', '负责项目']);
    expect(headers).toContain('员工2');
    expect(headers).not.toContain('员工3');
    expect(headers).toHaveLength(1 + 1 + 4 + 3 * 4);
  });

  it.each([
    ['a PDF', Buffer.from('%PDF-1.7\n')],
    ['a broken zip', Buffer.from('PK\u0003\u0004 broken', 'latin1')],
    ['nothing', Buffer.alloc(0)],
  ])('gives no headers for %s', async (_label, data) => {
    // Prepare: the row.

    // Act
    const headers = await readSheetHeaders(data);

    // Assess
    expect(headers).toEqual([]);
  });
});

describe('listUnclassified', () => {
  const s1 = submission('s1', 'p02', '2023-11-01T02:00:00.000Z');
  const s2 = submission('s2', 'p02', '2023-11-03T02:00:00.000Z');
  const other = submission('s3', 'p05', '2023-11-02T02:00:00.000Z');
  const decision = (kind: Decision['kind'], key: string): Decision => ({
    baseId: 'p02',
    kind,
    key,
    active: true,
    value: kind === 'classify-document' ? { kind: 'evidence', indicator: 'anchors' } : {},
    actor: 'staff',
    at: '2023-11-04T00:00:00.000Z',
    reason: 'test',
  });
  const documents = [
    document(s1, '附件5.xlsx', 'evidence', { folderPath: '证明材料' }),
    document(s1, '主播名单.xlsx', 'evidence', { indicator: 'anchors' }),
    document(s1, '报告表.xlsx', 'report-form'),
    document(s1, 'IMG_2034.JPG', 'evidence', { size: 2_000_000 }),
    document(s1, 'image001.png', 'evidence', { size: 4_000 }),
    document(s1, '已手工分类.pdf', 'evidence'),
    document(s1, '已撤回.pdf', 'evidence'),
    document(s1, '.DS_Store', 'other'),
    document(s2, '附件5.xlsx', 'evidence', { folderPath: '证明材料' }),
    document(other, '说明.docx', 'evidence'),
  ];
  const decisions = [decision('classify-document', '已手工分类.pdf'), decision('withdraw-document', '已撤回.pdf')];

  it('lists a base’s evidence without indicator once, leaving out what staff decided and signature images', async () => {
    // Prepare
    const ctx = await context(documents, decisions);

    // Act
    const listed = await listUnclassified(ctx, 'p02');

    // Assess
    expect(listed).toEqual([
      {
        documentId: 's1/IMG_2034.JPG',
        baseId: 'p02',
        baseName: '邮拓直播电商基地',
        city: 'taiyuan',
        fileName: 'IMG_2034.JPG',
        folderPath: null,
        receivedAt: s1.receivedAt,
        decision: 'none',
        candidates: [],
        reasons: [],
      },
      {
        documentId: 's1/附件5.xlsx',
        baseId: 'p02',
        baseName: '邮拓直播电商基地',
        city: 'taiyuan',
        fileName: '附件5.xlsx',
        folderPath: '证明材料',
        receivedAt: s1.receivedAt,
        decision: 'none',
        candidates: [],
        reasons: [],
      },
    ]);
  });

  it('lists a file the classifier asked about with its candidates (Chinese names) and reasons, not one it decided', async () => {
    // Prepare
    const asked = document(s1, '人员名单.xlsx', 'evidence', {
      classification: {
        decision: 'asked',
        confidence: 0.2,
        candidates: [
          { indicator: 'anchors', score: 2 },
          { indicator: 'employees', score: 1.8 },
        ],
        reasons: ['文件名含“名单”'],
      },
    });
    const decided = document(s1, '直播间明细.xlsx', 'evidence', {
      indicator: 'live-rooms',
      classification: { decision: 'decided', confidence: 0.9, candidates: [], reasons: ['文件名含“直播间明细”'] },
    });
    const ctx = await context([asked, decided]);

    // Act
    const listed = await listUnclassified(ctx, 'p02');

    // Assess
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      fileName: '人员名单.xlsx',
      decision: 'asked',
      candidates: [
        { indicator: 'anchors', name: round.indicators.find((i) => i.slug === 'anchors')!.name, score: 2 },
        { indicator: 'employees', name: round.indicators.find((i) => i.slug === 'employees')!.name, score: 1.8 },
      ],
      reasons: ['文件名含“名单”'],
    });
  });

  it('lists every base of the registry when no base is given, oldest first', async () => {
    // Prepare
    const ctx = await context(documents, decisions);

    // Act
    const listed = await listUnclassified(ctx);

    // Assess
    expect(listed.map((d) => `${d.baseId}:${d.fileName}`)).toEqual([
      'p02:IMG_2034.JPG',
      'p02:附件5.xlsx',
      'p05:说明.docx',
    ]);
  });
});
