/**
 * Builds the parser worker (shared/parsing/sandbox/worker.ts) into one ES module with a function's esbuild options,
 * for the Lambda asset (infra/bundling.ts runs it after bundling) and the bundle report.
 *
 *   node --import tsx scripts/build-parse-worker.ts <function> <outfile>
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptions, type FunctionName, functionCatalogue, parseWorkerEntry } from '../infra/bundling.ts';

/** Builds the worker for `name`'s runtime into `outfile`. */
export async function buildParseWorker(name: FunctionName, outfile: string): Promise<void> {
  await build({ ...esbuildOptions(name), entryPoints: [parseWorkerEntry], outfile, logLevel: 'warning' });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [name, outfile] = process.argv.slice(2);
  if (!name || !(name in functionCatalogue) || !outfile) {
    console.error('usage: build-parse-worker <function> <outfile>');
    process.exit(2);
  }
  await buildParseWorker(name as FunctionName, resolve(outfile));
}
