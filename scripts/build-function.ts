/**
 * Builds one Lambda function as `cdk deploy` ships it: the esbuild options of infra/bundling.ts, split at every
 * dynamic `import()` (ES module chunks beside `index.mjs`), so that a cold start parses and runs only the code its
 * handler imports statically; the file readers (pdf.js, exceljs, SheetJS, mammoth), the MIME parser and the zip
 * reader come in their own chunks on first use. The CDK's own esbuild step can only write one file (it passes
 * `--outfile`): the IntakeFunction construct runs this script after it, replacing that file with the split build.
 * The bundle report builds through the same function, so what it measures is what ships.
 *
 * Chunks sit in the same folder as `index.mjs` (not in a subfolder): modules that find files beside the bundle
 * through `import.meta.url` (the parser worker, pdf.js's worker and CMaps, the round folders, the OCR asset) find
 * them from any chunk.
 *
 *   node --import tsx scripts/build-function.ts <function> <outdir>
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { entryOf, esbuildOptions, type FunctionName, functionCatalogue, repoRoot } from '../infra/bundling.ts';

/** The split-build options of a function (entry `index.mjs` and its chunks in `outdir`). */
export function splitBuildOptions(name: FunctionName, outdir: string): BuildOptions {
  return {
    ...esbuildOptions(name),
    entryPoints: [entryOf(name)],
    outdir,
    splitting: true,
    entryNames: 'index',
    chunkNames: '[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    absWorkingDir: repoRoot,
  };
}

/** Builds `name` into `outdir` (index.mjs, its chunks and their source maps); returns esbuild's metafile. */
export async function buildSplitFunction(name: FunctionName, outdir: string): Promise<Metafile> {
  const result = await build({ ...splitBuildOptions(name, outdir), metafile: true, logLevel: 'error' });
  return result.metafile;
}

/** The shell command the construct's afterBundling hook runs (paths as the CDK gives them). */
export function splitBuildCommand(inputDir: string, outputDir: string, name: FunctionName): string {
  return `node --import tsx "${inputDir}/scripts/build-function.ts" ${name} "${outputDir}"`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [name, outdir] = process.argv.slice(2);
  if (!name || !(name in functionCatalogue) || !outdir) {
    console.error('usage: build-function <function> <outdir>');
    process.exit(2);
  }
  await buildSplitFunction(name as FunctionName, resolve(outdir));
}
