import { describe, expect, it } from 'vitest';
import { readSelfAssessmentFile } from '../../../shared/parsing/self-assessment.ts';
import { extractWordText, inspectCfb } from '../../../shared/parsing/word-text.ts';
import {
  buildCfb,
  buildSelfAssessmentDoc,
  buildSelfAssessmentDocx,
  buildWord97Doc,
} from '../../fixtures/word-documents.ts';
import { makeZip } from '../../fixtures/zip.ts';

const BASE = '山西晋云直播电商产业基地';
const COVER = {
  baseName: BASE,
  address: '山西省太原市小店区龙城大街88号',
  operator: '山西晋云数字科技有限公司',
  contact: '王晓明',
  phone: '0351-7654321',
  email: 'wangxm@jinyun-live.cn',
  reportDate: '2023年11月8日',
};
const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

describe('readSelfAssessmentFile on .docx', () => {
  it('reads the cover, the whole outline and both figures, as from the PDF', async () => {
    // Prepare
    const docx = buildSelfAssessmentDocx({ baseName: BASE }, { pages: 3 });

    // Act
    const result = await readSelfAssessmentFile(docx, '自评报告.docx');

    // Assess
    expect(result.format).toBe('docx');
    expect(result.pages).toBe(3);
    expect(result.cover).toEqual(COVER);
    expect(result.sections.filter((s) => !s.present)).toEqual([]);
    expect(result.figures).toEqual({
      gmv: { value: 12000, raw: '1.2亿元' },
      shanxiGmv: { value: 5600, raw: '5600万元' },
    });
    expect(result.findings).toEqual([]);
  });

  it('finds headings numbered by Word itself and a cover laid out as a table', async () => {
    // Prepare
    const docx = buildSelfAssessmentDocx({ baseName: BASE }, { autoNumbered: true, coverTable: true });

    // Act
    const result = await readSelfAssessmentFile(docx, '自评报告（定稿）.docx');

    // Assess
    expect(result.text).not.toContain('一、基地概况');
    expect(result.sections.filter((s) => !s.present)).toEqual([]);
    expect(result.cover).toEqual(COVER);
    expect(result.pages).toBe(0);
    expect(result.findings).toEqual([]);
  });

  it('names missing sections and figures as for a PDF', async () => {
    // Prepare
    const docx = buildSelfAssessmentDocx({
      baseName: BASE,
      omitSections: ['四、下一步规划'],
      gmvText: '直播活动持续开展',
      shanxiGmvText: '带动山西产品销售5600万元',
    });

    // Act
    const result = await readSelfAssessmentFile(docx, '自评报告.docx');

    // Assess
    expect(codes(result.findings)).toEqual(['report.section-missing', 'report.figure-missing']);
    expect(result.findings[0]?.message).toContain('四、下一步规划');
    expect(result.findings[1]).toMatchObject({ item: 32, document: '自评报告.docx' });
  });

  it('reads a .docx sent with a .pdf name by its bytes', async () => {
    // Prepare
    const docx = buildSelfAssessmentDocx({ baseName: BASE });

    // Act
    const result = await readSelfAssessmentFile(docx, '自评报告.pdf');

    // Assess
    expect(result.format).toBe('docx');
    expect(result.figures.gmv?.value).toBe(12000);
  });

  it('refuses a zip that is no Word document (an .odt or a renamed archive) as unsupported', async () => {
    // Prepare
    const odt = makeZip([
      { name: 'mimetype', content: 'application/vnd.oasis.opendocument.text', method: 'store' },
      { name: 'content.xml', content: '<office:document-content/>' },
    ]);

    // Act
    const result = await readSelfAssessmentFile(odt, '自评报告.odt');

    // Assess
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'report.format-unsupported', severity: 'warning', document: '自评报告.odt' }),
    ]);
    expect(result.findings[0]?.message).toContain('ODT');
  });

  it('reports a .docx whose document part is broken XML as corrupt', async () => {
    // Prepare
    const broken = makeZip([
      {
        name: '[Content_Types].xml',
        content: '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
      },
      { name: 'word/document.xml', content: '<w:document><w:body><w:p>未闭合' },
    ]);

    // Act
    const result = await readSelfAssessmentFile(broken, '自评报告.docx');

    // Assess
    expect(codes(result.findings)).toEqual(['report.corrupt']);
    expect(result.findings[0]).toMatchObject({ severity: 'error' });
  });
});

describe('readSelfAssessmentFile on .doc', () => {
  it('reads a Word 97 document into the same analysis', async () => {
    // Prepare
    const doc = buildSelfAssessmentDoc({ baseName: BASE });

    // Act
    const result = await readSelfAssessmentFile(doc, '自评报告.doc');

    // Assess
    expect(result.format).toBe('doc');
    expect(result.cover).toEqual(COVER);
    expect(result.sections.filter((s) => !s.present)).toEqual([]);
    expect(result.figures.gmv).toEqual({ value: 12000, raw: '1.2亿元' });
    expect(result.figures.shanxiGmv).toEqual({ value: 5600, raw: '5600万元' });
    expect(result.findings).toEqual([]);
  });

  it('reads a WPS file saved in Word’s binary format, whatever its name', async () => {
    // Prepare
    const wps = buildWord97Doc([
      '基地名称：示例基地',
      '一、基地概况',
      '本年度基地累计引导成交额1.2亿元，带动山西产品交易额5600万元。',
    ]);

    // Act
    const result = await readSelfAssessmentFile(wps, '自评报告.wps');

    // Assess
    expect(result.format).toBe('doc');
    expect(result.figures.gmv?.value).toBe(12000);
    expect(codes(result.findings)).not.toContain('report.format-unsupported');
  });

  it('refuses an older .wps (an OLE2 file without a Word stream) with advice to re-save', async () => {
    // Prepare
    const wps = buildCfb([{ name: 'WpsContent', data: Buffer.from('金山文字') }]);

    // Act
    const result = await readSelfAssessmentFile(wps, '自评报告.wps');

    // Assess
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'report.format-unsupported', severity: 'warning', document: '自评报告.wps' }),
    ]);
    expect(result.findings[0]?.message).toContain('WPS');
    expect(result.findings[0]?.message).toContain('另存为');
  });

  it('reports a password-protected Word file as encrypted', async () => {
    // Prepare: Office wraps an encrypted .docx in a compound file with these streams.
    const encrypted = buildCfb([
      { name: 'EncryptionInfo', data: Buffer.alloc(200, 1) },
      { name: 'EncryptedPackage', data: Buffer.alloc(5000, 7) },
    ]);

    // Act
    const result = await readSelfAssessmentFile(encrypted, '自评报告.docx');

    // Assess
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'report.encrypted', severity: 'error', document: '自评报告.docx' }),
    ]);
  });

  it('refuses a compound file whose sector chain loops instead of hanging', async () => {
    // Prepare: point the last sector of the WordDocument stream back at its first.
    const doc = buildWord97Doc(['一、基地概况', '交易额1.2亿元']);
    const fatEntry = (sector: number) => 512 + sector * 4;
    let last = 2;
    while (doc.readInt32LE(fatEntry(last)) !== -2) last++;
    doc.writeInt32LE(2, fatEntry(last));

    // Act
    const { problem } = inspectCfb(doc);
    const result = await readSelfAssessmentFile(doc, '自评报告.doc');

    // Assess
    expect(problem).toMatch(/loops/);
    expect(codes(result.findings)).toEqual(['report.corrupt']);
  });

  it('reports truncated Word bytes as corrupt, not as an exception', async () => {
    // Prepare
    const doc = buildSelfAssessmentDoc({ baseName: BASE }).subarray(0, 1500);

    // Act
    const extracted = await extractWordText(doc);
    const result = await readSelfAssessmentFile(doc, '自评报告.doc');

    // Assess
    expect(extracted.kind).toBe('corrupt');
    expect(codes(result.findings)).toEqual(['report.corrupt']);
  });
});

describe('readSelfAssessmentFile on other formats', () => {
  it.each([
    ['自评报告.rtf', Buffer.from('{\\rtf1\\ansi 自评报告}'), 'RTF'],
    ['自评报告.ofd', Buffer.from('PK-not-really'), '.ofd'],
  ])('refuses %s with a clear finding', async (fileName, data, words) => {
    // Prepare: the row.

    // Act
    const result = await readSelfAssessmentFile(data, fileName);

    // Assess
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'report.format-unsupported', document: fileName }),
    ]);
    expect(result.findings[0]?.message).toContain(words);
  });
});
