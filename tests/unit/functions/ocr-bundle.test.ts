/**
 * The ocr function as Lambda gets it: its code bundled with the options `cdk deploy` uses, and beside it the
 * asset the CDK's afterBundling hook copies (tesseract.js, its core builds, the chi_sim model, the canvas binary).
 * Run in a folder of its own, with an empty environment, it recognises a scanned page: nothing is missing from the
 * asset, nothing is fetched (there is no network here) and no model cache is written anywhere.
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptions, ocrAssetCommands, pdfAssetCommands, repoRoot } from '../../../infra/bundling.ts';
import { buildReadableScanPdf } from '../../fixtures/scanned-report.ts';

const outdir = mkdtempSync(join(tmpdir(), 'ocr-bundle-test-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('ocr function bundle with its asset', () => {
  it('recognises a scanned page from its own folder, with nothing else to reach', async () => {
    // Prepare: the bundle (a stand-in entry on the same OCR path) and the asset, as the CDK builds them.
    const root = repoRoot.replace(/\/$/, '');
    await build({
      ...esbuildOptions('ocr'),
      entryPoints: [join(repoRoot, 'tests/fixtures/ocr-bundle-entry.ts')],
      outfile: join(outdir, 'index.mjs'),
      absWorkingDir: repoRoot,
      logLevel: 'error',
    });
    for (const command of [...pdfAssetCommands(root, outdir), ...ocrAssetCommands(root, outdir)]) execSync(command);
    const scan = join(outdir, 'scan.pdf');
    writeFileSync(scan, await buildReadableScanPdf({ baseName: '山西晋云直播电商产业基地' }));

    // Act: from the bundle's folder, without the repository's node_modules on any path.
    const printed = execFileSync(process.execPath, [join(outdir, 'index.mjs'), scan], {
      cwd: outdir,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
      timeout: 120_000,
    });

    // Assess
    const { available, outcome } = JSON.parse(printed);
    expect(available).toMatchObject({ ok: true, detail: expect.stringContaining(outdir) });
    expect(outcome).toMatchObject({ kind: 'ok', total: 3, failedPages: [] });
    expect(outcome.pages[0]).toContain('山西晋云直播电商产业基地');
    expect(readdirSync(outdir).filter((name) => name.endsWith('.traineddata'))).toEqual([]);
    expect(existsSync(join(outdir, 'node_modules/@tesseract.js-data/chi_sim/4.0.0_best_int'))).toBe(false);
  });
});
