import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FunctionName, functionCatalogue } from '../../../infra/bundling.ts';
import { buildFunction, sizeBudgetBytes, whyOf } from '../../../scripts/bundle-report.ts';

// Issue 8: the functions that do not parse PDFs ship within 1.5 MB minified. Bundling one takes about a second,
// so the budget is held here rather than only by `npm run bundle-report -- --check`.
const outRoot = mkdtempSync(join(tmpdir(), 'bundle-size-test-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));
const builds = new Map<FunctionName, ReturnType<typeof buildFunction>>();
/** Each function is bundled once for the whole file. */
function bundle(name: FunctionName): ReturnType<typeof buildFunction> {
  if (!builds.has(name)) builds.set(name, buildFunction(name, join(outRoot, name)));
  return builds.get(name)!;
}

const withoutPdf = (Object.keys(functionCatalogue) as FunctionName[]).filter(
  (name) => !functionCatalogue[name].parsesPdf,
);

describe('bundle sizes (issue 8)', () => {
  it.each(withoutPdf)('%s stays within 1.5 MB minified', async (name) => {
    // Act
    const { bytes } = await bundle(name);

    // Assess
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(sizeBudgetBytes);
  });

  it('keeps the MIME parser and exceljs out of notify, and says how a package is reached', async () => {
    // Act
    const { outfile, metafile } = await bundle('notify');
    const packages = whyOf(metafile, outfile, 1000);

    // Assess
    const names = packages.map((pkg) => pkg.name);
    expect(names).not.toContain('mailparser');
    expect(names).not.toContain('iconv-lite');
    expect(names).not.toContain('exceljs');
    const zod = packages.find((pkg) => pkg.name === 'zod');
    expect(zod?.chain[0]).toBe('functions/notify/handler.ts');
    expect(zod?.chain.at(-1)).toMatch(/^node_modules\/zod\//);
  });
});
