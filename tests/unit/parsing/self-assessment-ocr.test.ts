import { describe, expect, it } from 'vitest';
import { ocrAvailable, tidyOcrText } from '../../../shared/parsing/ocr.ts';
import { readSelfAssessment, readSelfAssessmentFile } from '../../../shared/parsing/self-assessment.ts';
import { buildReadableScanPdf } from '../../fixtures/scanned-report.ts';

const BASE = '山西晋云直播电商产业基地';
const scan = await buildReadableScanPdf({ baseName: BASE });
/** CI installs tesseract-ocr and tesseract-ocr-chi-sim (see .ci/run); elsewhere the OCR tests say why they skip. */
const tesseract = await ocrAvailable();
const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

describe('readSelfAssessment on a scan, with OCR', () => {
  it.skipIf(!tesseract.ok)('recovers the cover, the outline and the figures, marked as OCR', async () => {
    // Prepare: the scan has no text layer at all.

    // Act
    const result = await readSelfAssessmentFile(scan, '自评报告（盖章扫描件）.pdf');

    // Assess
    expect(result.ocr).toBe(true);
    expect(result.pages).toBe(3);
    expect(result.cover.baseName).toBe(BASE);
    expect(result.cover.reportDate).toBe('2023年11月8日');
    expect(result.sections.filter((s) => !s.id.includes('.') && !s.present)).toEqual([]);
    expect(result.figures.gmv?.value).toBe(12000);
    expect(result.figures.shanxiGmv?.value).toBe(5600);
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'report.ocr',
        severity: 'info',
        message: expect.stringContaining('文字由OCR识别，可能有误'),
        document: '自评报告（盖章扫描件）.pdf',
      }),
    ]);
  });

  it.skipIf(!tesseract.ok)('reads only the first pages when bounded, without calling the rest missing', async () => {
    // Prepare: one page of three: the cover.

    // Act
    const result = await readSelfAssessment(scan, { fileName: 'scan.pdf', ocr: { maxPages: 1 } });

    // Assess
    expect(result.ocr).toBe(true);
    expect(result.cover.baseName).toBe(BASE);
    expect(codes(result.findings)).not.toContain('report.section-missing');
    expect(result.findings[0]).toMatchObject({ code: 'report.ocr', message: expect.stringContaining('识别了前1页') });
  });

  it.skipIf(!tesseract.ok)('falls back to manual review when every page times out', async () => {
    // Prepare: a per-page timeout no recognition can meet.

    // Act
    const result = await readSelfAssessment(scan, { fileName: 'scan.pdf', ocr: { maxPages: 1, pageTimeoutMs: 1 } });

    // Assess
    expect(result.ocr).toBeUndefined();
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'report.no-text', messageEn: expect.stringContaining('OCR failed') }),
    ]);
  });
});

describe('readSelfAssessment on a scan, without OCR', () => {
  it('keeps the manual-review finding, and only it, when tesseract is not installed', async () => {
    // Prepare
    const options = { fileName: 'scan.pdf', ocr: { command: 'tesseract-not-installed-here' } };

    // Act
    const result = await readSelfAssessment(scan, options);

    // Assess
    expect(result.text).toBe('');
    expect(result.ocr).toBeUndefined();
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'report.no-text',
        severity: 'warning',
        document: 'scan.pdf',
        messageEn: expect.stringContaining('OCR unavailable'),
      }),
    ]);
  });

  it('keeps the manual-review finding when OCR is turned off', async () => {
    // Prepare: the option.

    // Act
    const result = await readSelfAssessment(scan, { ocr: false });

    // Assess
    expect(codes(result.findings)).toEqual(['report.no-text']);
    expect(result.findings[0]?.messageEn).toContain('OCR disabled');
  });

  it('reports a tesseract without the Chinese model as unavailable', async () => {
    // Prepare
    const language = 'xx_not_a_language';

    // Act
    const probe = await ocrAvailable('tesseract', language);

    // Assess
    expect(probe.ok).toBe(false);
    expect(probe.detail).toMatch(/xx_not_a_language|not usable/);
  });
});

describe('tidyOcrText', () => {
  it('removes the spaces tesseract puts between Chinese characters, keeping those between Latin words', () => {
    // Prepare
    const raw =
      '山 西 省 直 播 电 商 基 地 ( 推 荐 参 评 单 位 )\f联系 邮箱: wang xm@example.cn\n\n\n\n交易额 1.2 亿元';

    // Act
    const tidy = tidyOcrText(raw);

    // Assess
    expect(tidy).toBe('山西省直播电商基地(推荐参评单位)\n联系邮箱: wang xm@example.cn\n\n交易额1.2亿元');
  });
});
