/**
 * The parser worker as a Lambda ships it: built into one file with the function's esbuild options, pdf.js's worker
 * and assets copied beside it (the same commands `cdk deploy` runs after bundling), and started by the pool from
 * there. Proves the deployed functions can read files in their worker, and that every function that reads files
 * ships one.
 */
import { execSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdkBundlingOptions, functionCatalogue, pdfAssetCommands, repoRoot } from '../../../infra/bundling.ts';
import { buildParseWorker } from '../../../scripts/build-parse-worker.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { closeParserWorker, readFirstPage, readReportForm } from '../../../shared/parsing/sandbox/index.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../../fixtures/report-form.ts';
import { buildMinimalPdf } from '../../fixtures/self-assessment-pdf.ts';

describe('the parser worker in a Lambda bundle', () => {
  let out: string;
  const before = process.env.INTAKE_PARSE_WORKER;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'parse-worker-'));
    await buildParseWorker('ingest-email', join(out, 'parse-worker.mjs'));
    for (const command of pdfAssetCommands(repoRoot.replace(/\/$/, ''), out)) execSync(command);
    await closeParserWorker();
    process.env.INTAKE_PARSE_WORKER = join(out, 'parse-worker.mjs');
  }, 120_000);

  afterAll(async () => {
    await closeParserWorker();
    if (before === undefined) delete process.env.INTAKE_PARSE_WORKER;
    else process.env.INTAKE_PARSE_WORKER = before;
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('reads a PDF first page and a report form from the bundled worker', async () => {
    // Act
    const page = await readFirstPage(await buildMinimalPdf('基地建筑面积明细表'), '扫描件.pdf');
    const form = await readReportForm(
      await buildReportFormXlsx({ values: SAMPLE_FORM_VALUES }),
      loadRound('2023'),
      '附件2.xlsx',
    );

    // Assess
    expect(page).toEqual({ text: '基地建筑面积明细表', findings: [] });
    expect(form.findings.map((f) => f.code)).toEqual([]);
    expect(form.values.filter((v) => v.value !== null).length).toBeGreaterThan(40);
  }, 60_000);

  it('is built beside the bundle of every function that reads files', () => {
    for (const [name, { parsesPdf }] of Object.entries(functionCatalogue)) {
      const hooks = cdkBundlingOptions(name as keyof typeof functionCatalogue).commandHooks;
      const commands = hooks?.afterBundling('/in', '/out') ?? [];
      expect(commands.some((c) => c.includes('build-parse-worker.ts') && c.includes('/out/parse-worker.mjs'))).toBe(
        parsesPdf,
      );
    }
  });
});
