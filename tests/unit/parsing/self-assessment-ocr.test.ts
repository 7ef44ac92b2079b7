import { describe, expect, it } from 'vitest';
import { OCR_PENDING_CODE, ocrAvailable, tidyOcrText } from '../../../shared/parsing/ocr.ts';
import { readSelfAssessment } from '../../../shared/parsing/self-assessment.ts';
import { buildReadableScanPdf } from '../../fixtures/scanned-report.ts';

const BASE = '山西晋云直播电商产业基地';
const scan = await buildReadableScanPdf({ baseName: BASE });
/** One worker: the tests share two cores with everything else. */
const ONE = { concurrency: 1 };
const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

describe('readSelfAssessment on a scan, with OCR (tesseract.js, the model from the npm registry)', () => {
  it('recovers the cover, the outline and the figures, marked as OCR', async () => {
    // Prepare: the scan has no text layer at all; OCR is installed with the project's dependencies.
    expect(await ocrAvailable()).toMatchObject({ ok: true });

    // Act: inline OCR, as the intake reads locally (one worker here).
    const result = await readSelfAssessment(scan, { fileName: '自评报告（盖章扫描件）.pdf', ocr: ONE });

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

  it('reads only the first pages when bounded, without calling the rest missing', async () => {
    // Prepare: one page of three: the cover.

    // Act
    const result = await readSelfAssessment(scan, { fileName: 'scan.pdf', ocr: { ...ONE, maxPages: 1 } });

    // Assess
    expect(result.ocr).toBe(true);
    expect(result.cover.baseName).toBe(BASE);
    expect(codes(result.findings)).not.toContain('report.section-missing');
    expect(result.findings[0]).toMatchObject({ code: 'report.ocr', message: expect.stringContaining('识别了前1页') });
  });

  it('falls back to manual review when every page times out, and ends the overrunning worker', async () => {
    // Prepare: a per-page timeout no recognition can meet.
    const started = Date.now();

    // Act
    const result = await readSelfAssessment(scan, {
      fileName: 'scan.pdf',
      ocr: { ...ONE, maxPages: 2, pageTimeoutMs: 1 },
    });

    // Assess: a finding, not a hang (each page's worker was terminated at its timeout).
    expect(result.ocr).toBeUndefined();
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'report.no-text',
        messageEn: expect.stringContaining('OCR failed: OCR timed out (1 ms a page) on all 2 page(s)'),
      }),
    ]);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('readSelfAssessment on a scan, without OCR', () => {
  it('keeps the manual-review finding, and only it, when the OCR engine fails', async () => {
    // Prepare: an engine that fails every page (a broken install).
    const engine = {
      recognise: () => Promise.reject(new Error('no engine here')),
      close: async () => undefined,
    };
    const options = { fileName: 'scan.pdf', ocr: { engine, maxPages: 1 } };

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
        messageEn: expect.stringContaining('OCR failed'),
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

  it('leaves a scan to the ocr function where OCR is deferred (ingest in AWS), with a pending finding', async () => {
    // Prepare: the mode the ingest and API Lambdas run in.

    // Act
    const result = await readSelfAssessment(scan, { fileName: 'scan.pdf', ocr: { mode: 'deferred' } });

    // Assess
    expect(result.ocr).toBeUndefined();
    expect(result.findings).toEqual([
      expect.objectContaining({ code: OCR_PENDING_CODE, severity: 'warning', document: 'scan.pdf' }),
    ]);
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
