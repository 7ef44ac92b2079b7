/**
 * The parser sandbox: a parse over its memory or time is ended and explained, the event loop stays free while a
 * bomb is read, Office packages over their declared sizes are refused before inflating, and the next file is
 * read normally by a fresh worker.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import {
  closeParserWorker,
  parserBudget,
  readReportForm,
  readSelfAssessment,
  readSheetHeaders,
} from '../../../shared/parsing/sandbox/index.ts';
import { pdfFlateBomb, xlsxSharedStringBomb } from '../../fixtures/hostile.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../../fixtures/report-form.ts';

const round = loadRound('2023');

/** The longest the event loop was held up while `work` ran (sampled every 10 ms). */
async function longestStall<T>(work: Promise<T>): Promise<{ result: T; stallMs: number }> {
  let last = Date.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    stallMs = Math.max(stallMs, now - last - 10);
    last = now;
  }, 10);
  try {
    return { result: await work, stallMs };
  } finally {
    clearInterval(timer);
  }
}

describe('parser sandbox', () => {
  afterAll(() => closeParserWorker());

  it('ends a PDF whose stream inflates to 1 GiB at its memory budget, with the event loop free meanwhile', async () => {
    // Prepare
    const bomb = await pdfFlateBomb(1024);
    await readSheetHeaders(Buffer.from('warm'), 'warm.xlsx'); // the worker started, so only the parse is timed

    // Act
    const began = Date.now();
    const { result, stallMs } = await longestStall(readSelfAssessment(bomb, '自评报告.pdf'));

    // Assess
    expect(result.findings.map((f) => f.code)).toEqual(['file.memory-limit']);
    expect(result.findings[0]?.message).toContain('自评报告.pdf');
    expect(result.findings[0]?.message).toContain(`${parserBudget().memoryMb}MB`);
    expect(Date.now() - began).toBeLessThan(30_000);
    expect(stallMs).toBeLessThan(250);
  }, 60_000);

  it('ends a parse over its time and reads the next file with a fresh worker', async () => {
    // Prepare
    const form = await buildReportFormXlsx({ values: SAMPLE_FORM_VALUES });
    const hurried = { ...parserBudget(), timeMs: 1 };

    // Act
    const cut = await readReportForm(form, round, '附件2.xlsx', hurried);
    const whole = await readReportForm(form, round, '附件2.xlsx');

    // Assess
    expect(cut.findings.map((f) => f.code)).toEqual(['file.time-limit']);
    expect(cut.values).toEqual([]);
    expect(whole.findings).toEqual([]);
    expect(whole.values.filter((v) => v.value !== null).length).toBeGreaterThan(40);
  }, 60_000);

  it('refuses a workbook whose parts declare more than the limits, before inflating them', async () => {
    // Prepare
    const bomb = await xlsxSharedStringBomb(256);

    // Act
    const { result, stallMs } = await longestStall(readReportForm(bomb, round, '附件2 报告表.xlsx'));
    const headers = await readSheetHeaders(bomb, '附件2 报告表.xlsx');

    // Assess
    expect(result.findings.map((f) => f.code)).toEqual(['file.package-too-large']);
    expect(result.findings[0]?.message).toContain('xl/sharedStrings.xml');
    expect(headers).toMatchObject({ headers: [], findings: [{ code: 'file.package-too-large' }] });
    expect(stallMs).toBeLessThan(250);
  }, 60_000);
});
