import { describe, expect, it } from 'vitest';
import {
  analyseReportText,
  parseChineseAmount,
  readSelfAssessment,
  readSelfAssessmentFile,
} from '../../../shared/parsing/self-assessment.ts';
import { buildMinimalPdf, buildSelfAssessmentPdf } from '../../fixtures/self-assessment-pdf.ts';

const BASE = '山西晋云直播电商产业基地';
const ALL_SECTION_IDS = ['1', '1.1', '1.2', '1.3', '1.4', '2', '2.1', '2.2', '2.3', '2.4', '2.5', '3', '4', '5'];

/** Deterministic pseudo-random bytes (a fixed LCG), so a failure can be replayed. */
function noise(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 20231110;
  for (let i = 0; i < length; i++) {
    state = (state * 1664525 + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

describe('readSelfAssessment on a complete report', () => {
  it('reads the cover, all 14 outline headings and both figures, with no findings', async () => {
    // Prepare
    const pdf = await buildSelfAssessmentPdf({ baseName: BASE });
    const size = pdf.length;

    // Act
    const result = await readSelfAssessment(pdf, { fileName: '自评报告.pdf' });

    // Assess
    expect(result.pages).toBe(3);
    expect(result.cover).toEqual({
      baseName: BASE,
      address: '山西省太原市小店区龙城大街88号',
      operator: '山西晋云数字科技有限公司',
      contact: '王晓明',
      phone: '0351-7654321',
      email: 'wangxm@jinyun-live.cn',
      reportDate: '2023年11月8日',
    });
    expect(result.sections.map((s) => s.id)).toEqual(ALL_SECTION_IDS);
    expect(result.sections.filter((s) => !s.present)).toEqual([]);
    expect(result.figures.gmv).toEqual({ value: 12000, raw: '1.2亿元' });
    expect(result.figures.shanxiGmv).toEqual({ value: 5600, raw: '5600万元' });
    expect(result.findings).toEqual([]);
    expect(result.text).toContain('三、存在问题');
    expect(pdf.length).toBe(size); // the caller's buffer is not handed over to pdf.js
  });

  it('does not take a base name containing 山西…产品 for the Shanxi-products figure', async () => {
    // Prepare
    const pdf = await buildSelfAssessmentPdf({
      baseName: '山西特色农产品直播电商基地',
      gmvText: '山西特色农产品直播电商基地全年交易额9800万元',
    });

    // Act
    const result = await readSelfAssessment(pdf);

    // Assess
    expect(result.figures.gmv?.value).toBe(9800);
    expect(result.figures.shanxiGmv?.value).toBe(5600);
  });
});

describe('readSelfAssessment on incomplete reports', () => {
  it('names a missing top-level section in one finding', async () => {
    // Prepare
    const pdf = await buildSelfAssessmentPdf({ baseName: BASE, omitSections: ['三、存在问题'] });

    // Act
    const result = await readSelfAssessment(pdf, { fileName: '自评报告.pdf' });

    // Assess
    const missing = result.findings.filter((f) => f.code === 'report.section-missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.message).toContain('三、存在问题');
    expect(missing[0]!.document).toBe('自评报告.pdf');
    expect(result.sections.filter((s) => !s.present).map((s) => s.id)).toEqual(['3']);
  });

  it('marks a missing sub-section absent without a finding of its own', async () => {
    // Prepare
    const pdf = await buildSelfAssessmentPdf({ baseName: BASE, omitSections: ['（二）促民生'] });

    // Act
    const result = await readSelfAssessment(pdf);

    // Assess
    expect(result.sections.filter((s) => !s.present).map((s) => s.id)).toEqual(['2.2']);
    expect(result.findings).toEqual([]);
  });

  it('reports a GMV it cannot find against form item 32', async () => {
    // Prepare
    const pdf = await buildSelfAssessmentPdf({ baseName: BASE, gmvText: '经营情况总体平稳' });

    // Act
    const result = await readSelfAssessment(pdf);

    // Assess
    expect(result.figures.gmv).toBeUndefined();
    const missing = result.findings.filter((f) => f.code === 'report.figure-missing');
    expect(missing).toEqual([expect.objectContaining({ item: 32, indicator: 'gmv' })]);
  });

  it('flags a report longer than maxPages as truncated', async () => {
    // Prepare
    const pdf = await buildSelfAssessmentPdf({ baseName: BASE });

    // Act
    const result = await readSelfAssessment(pdf, { maxPages: 1 });

    // Assess
    expect(result.pages).toBe(3);
    expect(codes(result.findings)).toContain('report.truncated');
    expect(result.cover.baseName).toBe(BASE);
  });
});

describe('readSelfAssessment figures in the PDF', () => {
  it('reads 12,000万元 with a thousands separator', async () => {
    // Prepare
    const pdf = await buildSelfAssessmentPdf({ baseName: BASE, gmvText: '基地交易额为12,000万元' });

    // Act
    const result = await readSelfAssessment(pdf);

    // Assess
    expect(result.figures.gmv).toEqual({ value: 12000, raw: '12,000万元' });
  });

  it('joins numbers broken across lines', async () => {
    // Prepare
    const pdf = await buildMinimalPdf('本年度基地累计引导成交额为12\n000万元，带动山西产品交易额56\n00 万元。');

    // Act
    const result = await readSelfAssessment(pdf);

    // Assess
    expect(result.figures.gmv?.value).toBe(12000);
    expect(result.figures.shanxiGmv).toEqual({ value: 5600, raw: '5600 万元' });
  });
});

describe('readSelfAssessment on unreadable files', () => {
  it('asks for manual review of an image-only scan, and nothing else', async () => {
    // Prepare
    const pdf = await buildSelfAssessmentPdf({ baseName: BASE, imageOnly: true });

    // Act
    const result = await readSelfAssessment(pdf, { fileName: '自评报告扫描件.pdf' });

    // Assess
    expect(result.text).toBe('');
    expect(result.pages).toBeGreaterThan(1);
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'report.no-text', severity: 'warning', document: '自评报告扫描件.pdf' }),
    ]);
  });

  it('reports random bytes as corrupt', async () => {
    // Prepare
    const data = noise(4096);

    // Act
    const result = await readSelfAssessment(data);

    // Assess
    expect(codes(result.findings)).toEqual(['report.corrupt']);
    expect(result.pages).toBe(0);
  });

  it('reports an empty file as corrupt', async () => {
    // Prepare
    const data = Buffer.alloc(0);

    // Act
    const result = await readSelfAssessment(data);

    // Assess
    expect(codes(result.findings)).toEqual(['report.corrupt']);
  });

  it('reports a password-protected PDF as encrypted', async () => {
    // Prepare
    const pdf = await buildMinimalPdf('累计引导成交额1.2亿元', { userPassword: 'secret' });

    // Act
    const result = await readSelfAssessment(pdf);

    // Assess
    expect(codes(result.findings)).toEqual(['report.encrypted']);
    expect(result.findings[0]!.severity).toBe('error');
  });

  it('reads a truncated PDF without throwing', async () => {
    // Prepare
    const pdf = await buildSelfAssessmentPdf({ baseName: BASE });
    const truncated = pdf.subarray(0, Math.floor(pdf.length / 3));

    // Act
    const result = await readSelfAssessment(Buffer.from(truncated));

    // Assess
    expect(result.findings.length).toBeGreaterThan(0);
  });
});

describe('readSelfAssessmentFile', () => {
  it('reads a PDF whose header is preceded by junk', async () => {
    // Prepare
    const pdf = Buffer.concat([
      Buffer.from('junk from a mail gateway\r\n'),
      await buildMinimalPdf('本年度基地累计引导成交额1.2亿元，带动山西产品交易额5600万元。'),
    ]);

    // Act
    const result = await readSelfAssessmentFile(pdf, 'report.bin');

    // Assess
    expect(result.figures.gmv?.value).toBe(12000);
  });

  it.each([
    ['自评报告.docx', Buffer.from('PK\u0003\u0004word/document.xml', 'latin1')],
    ['自评报告.doc', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0])],
    ['自评报告.pdf', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0])],
  ])('reports %s (broken Word content) as corrupt, naming Word', async (fileName, data) => {
    // Prepare: the row.

    // Act
    const result = await readSelfAssessmentFile(data, fileName);

    // Assess
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'report.corrupt', severity: 'error', document: fileName }),
    ]);
    expect(result.findings[0]!.message).toContain('Word');
  });
});

describe('analyseReportText', () => {
  it.each([
    ['累计引导成交额1.2亿元，其中带动山西产品销售5600万元。', 12000, 5600],
    ['本年度基地直播电商交易总额：１２０００万元；带动山西产品交易额：５６００万元。', 12000, 5600],
    ['基地全年累计引导成交额一亿二千万元，带动山西特色农产品销售五千六百万元。', 12000, 5600],
    ['带动山西产品销售5600万元，累计引导成交额1.2亿元。', 12000, 5600],
    ['实现1.2亿元交易额，其中山西产品5000多万元。', 12000, 5000],
    ['主营业务收入2860万元，促销活动成交额800万元，基地累计交易额1亿2000万元，同比增长30%。', 12000, undefined],
    ['力争2024年交易额突破2亿元。本年度交易额1.5亿元。', 15000, undefined],
    ['孵化粉丝量超过10万的网红主播15名，投融资总额3000万元。', undefined, undefined],
  ])('reads %s', (text, gmv, shanxiGmv) => {
    // Prepare: the row.

    // Act
    const { figures } = analyseReportText(text);

    // Assess
    expect(figures.gmv?.value).toBe(gmv);
    expect(figures.shanxiGmv?.value).toBe(shanxiGmv);
  });

  it('finds headings with other numbering styles and letter-spaced cover labels', () => {
    // Prepare
    const text = [
      '基地名称：  山西某直播基地',
      '联 系 人：张三      联系电话：138 0000 0000',
      '第一部分 基地概况',
      '1. 基本情况',
      '(二) 经营\n业绩',
      '二 、基地特色',
      '3、存在的问题',
      '四、下一步工作计划',
    ].join('\n');

    // Act
    const result = analyseReportText(text);

    // Assess
    expect(result.cover).toEqual({ baseName: '山西某直播基地', contact: '张三', phone: '13800000000' });
    const present = result.sections.filter((s) => s.present).map((s) => s.id);
    expect(present).toEqual(['1', '1.1', '1.2', '2', '3', '4']);
  });

  it.each([
    ['1.2亿', 1.2e8],
    ['一亿二千万', 1.2e8],
    ['1亿2000万', 1.2e8],
    ['一点二亿', 1.2e8],
    ['五千六百万', 5.6e7],
    ['5千万', 5e7],
    ['十二万', 1.2e5],
    ['两千', 2000],
    ['万', undefined],
    ['一二三x', undefined],
  ])('parses the numeral %s', (numeral, expected) => {
    // Prepare: the row.

    // Act
    const value = parseChineseAmount(numeral);

    // Assess
    expect(value).toBe(expected);
  });
});
