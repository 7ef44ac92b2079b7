/**
 * Cold starts (issue 17, item 6): functions are split at their dynamic imports (scripts/build-function.ts), so a cold
 * start loads no file reader; the readers come in chunks of their own on first use. Built as the IntakeFunction
 * construct ships them; each chunk must load from the bundle's folder (no broken cross-chunk import, pdf.js finding
 * its DOMMatrix shim).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFunction, measureImport, whyOf } from '../../../scripts/bundle-report.ts';

const outRoot = mkdtempSync(join(tmpdir(), 'cold-start-test-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

/** The packages a cold start loads (index.mjs and the chunks it imports statically). */
function loadedPackages(built: Awaited<ReturnType<typeof buildFunction>>): string[] {
  return whyOf(built.metafile, built.outfile, 10_000).map((pkg) => pkg.name);
}

const READERS = ['pdfjs-dist', 'pdf-parse', 'exceljs', '@e965/xlsx', 'mammoth', 'word-extractor', 'mailparser'];

describe('cold start of the split functions', () => {
  it('ingest-email loads no file reader, MIME parser or mail composer at start, and every chunk loads', async () => {
    // Act
    const built = await buildFunction('ingest-email', join(outRoot, 'ingest-email'));
    const loaded = loadedPackages(built);

    // Assess
    for (const reader of [...READERS, 'nodemailer', 'iconv-lite']) expect(loaded).not.toContain(reader);
    expect(built.lazyChunks.length).toBeGreaterThan(0);
    expect(built.loadedBytes).toBeLessThan(built.totalBytes / 2);
    // Throws when a chunk cannot be loaded from the bundle's folder.
    expect(measureImport(built.outfile, 1, built.lazyChunks).fullLoadMs).toBeGreaterThan(0);
  }, 120_000);

  it('api loads its HTTP app with the first request, not at import', async () => {
    // Act
    const built = await buildFunction('api', join(outRoot, 'api'));
    const loaded = loadedPackages(built);

    // Assess
    for (const heavy of [...READERS, 'zod', '@hono/zod-openapi', '@aws-sdk/client-dynamodb']) {
      expect(loaded).not.toContain(heavy);
    }
    expect(loaded).toContain('@aws-lambda-powertools/logger');
    expect(measureImport(built.outfile, 1, built.lazyChunks).fullLoadMs).toBeGreaterThan(0);
  }, 120_000);
});
