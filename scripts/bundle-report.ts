/**
 * Builds every function the way `cdk deploy` does (the esbuild options of infra/bundling.ts, which
 * cdkBundlingOptions hands to the CDK, `--charset=utf8` included through esbuildArgs; tests/unit/functions/
 * bundle-size.test.ts checks that a synthesized asset has exactly the size built here), prints each bundle's
 * minified size with its largest packages, and measures its cold import time: `await import(bundle)` in a fresh
 * Node process, several runs (3 by default), median. Functions are split at their dynamic imports
 * (scripts/build-function.ts, as the IntakeFunction construct ships them): the report gives what a cold start loads
 * (index.mjs and the chunks it imports), all the code, and the import followed by every chunk (the most a first
 * request can add in code, so a faster start is not a cost moved unseen to the first request). Functions that do not parse PDFs must stay within 1.5 MB
 * (issue 8; `--check` fails the run when one does not); those that carry pdf.js are exempt, and the table says so.
 * The ocr function also ships the OCR engine, the chi_sim model and the canvas binary in node_modules/ beside its
 * bundle (issue 14): listed file by file with their sizes.
 * `--why <function>` explains one bundle instead: its largest packages, their largest files, and the chain of
 * imports through which the function reaches each package (from esbuild's metafile).
 *
 *   npx tsx scripts/bundle-report.ts [--runs 3] [--only <function>] [--check] [--json]
 *   npx tsx scripts/bundle-report.ts --why notify [--top 15]
 *   npx tsx scripts/bundle-report.ts --assembly cdk.out [--json]
 * `--assembly` reads what a `cdk synth` wrote instead of building: each function's asset in the cloud assembly
 * (index.mjs and everything beside it), found through the stateless template.
 */
import { execSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import {
  carriesPdfJs,
  type FunctionName,
  functionCatalogue,
  ocrAssetBytes,
  ocrFunction,
  repoRoot,
  roundAssetCommands,
} from '../infra/bundling.ts';
import { buildSplitFunction } from './build-function.ts';
import { median } from './median.ts';

/** The size budget of a bundle that does not carry pdf.js. */
export const sizeBudgetBytes = 1.5 * 1024 * 1024;

/** What the report says about one function. */
export interface BundleReport {
  name: FunctionName;
  parsesPdf: boolean;
  /** index.mjs, minified, without its source map. */
  bytes: number;
  /** What a cold start loads: index.mjs and the chunks it imports statically. */
  loadedBytes: number;
  /** Every chunk of the function's code (index.mjs, the chunks loaded at start and those loaded on first use). */
  totalBytes: number;
  /** The largest inputs by package loaded at start, bytes in the output. */
  topPackages: { name: string; bytes: number }[];
  /** Whether the whole code (totalBytes) is within the budget; null where pdf.js makes it exempt. */
  withinBudget: boolean | null;
  /** Median of the in-process `await import()` times, ms. */
  importMs: number;
  /**
   * Median of importing the bundle and then every chunk it may load on first use (pdf.js, exceljs, the MIME parser
   * ...), ms: the most a first request can add in loading code, so a gain at start is not just moved to it.
   */
  fullLoadMs: number;
  /** Median of the whole `node` process (start, import, exit), ms. */
  processMs: number;
  /** What ships beside index.mjs in node_modules/ (the ocr function: OCR engine, model, canvas binary), bytes. */
  assetBytes: number;
}

/** The metafile's entry for the bundle written to `outfile`. */
function outputOf(metafile: Metafile, outfile: string): Metafile['outputs'][string] | undefined {
  return Object.entries(metafile.outputs).find(([path]) =>
    outfile.endsWith(path.replace(/^.*?(?=[^/]+\/index\.mjs$)/, '')),
  )?.[1];
}

/** The outputs a cold start loads: the entry and, transitively, the chunks it imports statically. */
function loadedOutputs(metafile: Metafile, outfile: string): string[] {
  const entry = Object.keys(metafile.outputs).find((path) => outputOf(metafile, outfile) === metafile.outputs[path]);
  const loaded = new Set<string>(entry ? [entry] : []);
  for (const path of loaded) {
    for (const { path: chunk, kind } of metafile.outputs[path]?.imports ?? []) {
      if (kind === 'import-statement' && chunk in metafile.outputs) loaded.add(chunk);
    }
  }
  return [...loaded];
}

/** The JavaScript outputs of a build (no source maps). */
function codeOutputs(metafile: Metafile): string[] {
  return Object.keys(metafile.outputs).filter((path) => path.endsWith('.mjs'));
}

/** The npm package of an input path, or `(project) <top folder>` for the project's own files. */
function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? `(project) ${input.split('/')[0]}`;
}

/** Groups a bundle's bytes by npm package (or by the project's own top folder), largest first. */
function packagesOf(
  metafile: Metafile,
  outfile: string,
  outputs = loadedOutputs(metafile, outfile),
): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const output of outputs) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[output]?.inputs ?? {})) {
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/**
 * Imports a bundle in fresh processes; returns the medians of the import, of the import followed by every chunk
 * (`chunks`, loaded in a process of their own after the import) and of the whole process. The two kinds of run
 * alternate, so a busy moment of a shared machine weighs on both alike.
 */
export function measureImport(
  bundle: string,
  runs: number,
  chunks: string[] = [],
): { importMs: number; fullLoadMs: number; processMs: number } {
  const script =
    'const t = performance.now(); await import(process.argv[1]); const i = performance.now() - t; ' +
    'for (const chunk of process.argv.slice(2)) await import(chunk); ' +
    'process.stdout.write(JSON.stringify([i, performance.now() - t]));';
  const run = (loaded: string[]) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', script, pathToFileURL(bundle).href, ...loaded.map((c) => pathToFileURL(c).href)],
      {
        encoding: 'utf8',
        // What Lambda sets and the modules read at import time; nothing here reaches AWS.
        env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', NODE_OPTIONS: '--enable-source-maps' },
      },
    );
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`importing ${bundle} failed:\n${result.stderr}`);
    return { times: JSON.parse(result.stdout) as [number, number], elapsed };
  };
  const imports: number[] = [];
  const full: number[] = [];
  const processes: number[] = [];
  for (let at = 0; at < runs; at++) {
    const cold = run([]);
    imports.push(cold.times[0]);
    processes.push(cold.elapsed);
    full.push(chunks.length > 0 ? run(chunks).times[1] : cold.times[1]);
  }
  return { importMs: median(imports), fullLoadMs: median(full), processMs: median(processes) };
}

/** A function built as `cdk deploy` builds it. */
export interface BuiltFunction {
  /** index.mjs */
  outfile: string;
  /** index.mjs's size. */
  bytes: number;
  /** index.mjs and the chunks it imports statically: what a cold start loads. */
  loadedBytes: number;
  /** Every chunk of code. */
  totalBytes: number;
  /** The chunks loaded only on first use (absolute paths). */
  lazyChunks: string[];
  metafile: Metafile;
}

/**
 * Builds one function into `outdir` as `cdk deploy` does (index.mjs split at its dynamic imports, see
 * scripts/build-function.ts); returns the entry, its sizes and the metafile.
 */
export async function buildFunction(name: FunctionName, outdir: string): Promise<BuiltFunction> {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  const metafile = await buildSplitFunction(name, outdir);
  // The round folders go beside the bundle as in the deployed function (the domain reads them at run time).
  execSync(roundAssetCommands(repoRoot, outdir).join(' && '), { shell: '/bin/bash', stdio: 'ignore' });
  const sizeOf = (output: string) => statSync(join(repoRoot, output)).size;
  const loaded = loadedOutputs(metafile, outfile);
  const code = codeOutputs(metafile);
  return {
    outfile,
    bytes: statSync(outfile).size,
    loadedBytes: loaded.reduce((sum, output) => sum + sizeOf(output), 0),
    totalBytes: code.reduce((sum, output) => sum + sizeOf(output), 0),
    lazyChunks: code.filter((output) => !loaded.includes(output)).map((output) => join(repoRoot, output)),
    metafile,
  };
}

/** Builds and measures every function (or those named in `only`). */
export async function bundleReport(options: { runs: number; only?: FunctionName[] }): Promise<BundleReport[]> {
  const outRoot = mkdtempSync(join(tmpdir(), 'intake-bundles-'));
  try {
    const reports: BundleReport[] = [];
    for (const name of options.only ?? (Object.keys(functionCatalogue) as FunctionName[])) {
      const { outfile, bytes, loadedBytes, totalBytes, lazyChunks, metafile } = await buildFunction(
        name,
        join(outRoot, name),
      );
      const { parsesPdf } = functionCatalogue[name];
      const exempt = carriesPdfJs(name);
      reports.push({
        name,
        parsesPdf,
        bytes,
        loadedBytes,
        totalBytes,
        topPackages: packagesOf(metafile, outfile).slice(0, 5),
        withinBudget: exempt ? null : totalBytes <= sizeBudgetBytes,
        ...measureImport(outfile, options.runs, lazyChunks),
        assetBytes: name === ocrFunction ? ocrAssetBytes().reduce((sum, file) => sum + file.bytes, 0) : 0,
      });
    }
    return reports;
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
}

/** One package of a bundle, explained: its bytes, its largest files, and how the function's entry reaches it. */
export interface PackageWhy {
  name: string;
  bytes: number;
  files: { path: string; bytes: number }[];
  /** Import chain from the entry to the package's first file reached, one step per module (entry first). */
  chain: string[];
}

/**
 * Explains a bundle from its metafile: the `top` largest packages (or project folders) a cold start loads, largest
 * first (what comes on first use, through a dynamic import, is left out).
 */
export function whyOf(metafile: Metafile, outfile: string, top: number): PackageWhy[] {
  const outputs = loadedOutputs(metafile, outfile);
  const entry = outputOf(metafile, outfile)?.entryPoint;
  // Breadth-first from the entry over static imports: the first importer found of each input gives a shortest chain.
  const importer = new Map<string, string | null>(entry ? [[entry, null]] : []);
  const queue = entry ? [entry] : [];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const { path, kind } of metafile.inputs[next]?.imports ?? []) {
      if (kind !== 'dynamic-import' && path in metafile.inputs && !importer.has(path)) {
        importer.set(path, next);
        queue.push(path);
      }
    }
  }
  const chainTo = (input: string): string[] => {
    const steps: string[] = [];
    for (let at: string | null | undefined = input; at; at = importer.get(at)) steps.unshift(at);
    // One step per npm package (its inner files say little about why the function needs it); every project file.
    return steps.filter(
      (step, i) => i === 0 || !step.includes('node_modules/') || packageOf(step) !== packageOf(steps[i - 1]!),
    );
  };
  return packagesOf(metafile, outfile, outputs)
    .slice(0, top)
    .map(({ name, bytes }) => {
      const files = outputs
        .flatMap((output) => Object.entries(metafile.outputs[output]?.inputs ?? {}))
        .filter(([input]) => packageOf(input) === name)
        .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
        .sort((a, b) => b.bytes - a.bytes);
      const reached = [...importer.keys()].find((input) => packageOf(input) === name);
      return { name, bytes, files: files.slice(0, 3), chain: reached ? chainTo(reached) : [] };
    });
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

function printTable(reports: BundleReport[], runs: number): void {
  const rows = reports.map((report) => [
    report.name,
    report.parsesPdf ? 'yes' : 'no',
    megabytes(report.loadedBytes),
    megabytes(report.totalBytes),
    report.withinBudget === null
      ? `exempt (${report.parsesPdf ? 'parses PDFs' : 'links pdf.js'})`
      : report.withinBudget
        ? 'ok'
        : 'OVER',
    `${report.importMs.toFixed(0)} ms`,
    `${report.fullLoadMs.toFixed(0)} ms`,
    `${report.processMs.toFixed(0)} ms`,
    report.assetBytes ? megabytes(report.assetBytes) : '-',
  ]);
  const header = [
    'function',
    'PDF',
    'loaded at start',
    'all chunks',
    '<= 1.5 MB',
    `cold import (median of ${runs})`,
    '+ every chunk',
    'node process',
    'node_modules asset',
  ];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
  if (reports.some((report) => report.name === ocrFunction)) {
    console.log(`\n${ocrFunction} ships beside its bundle (node_modules/, loaded at run time, never bundled):`);
    for (const file of ocrAssetBytes()) console.log(`  ${megabytes(file.bytes).padStart(9)}  ${file.path}`);
  }
  console.log(
    '\nloaded at start: index.mjs and the chunks it imports; all chunks: with those loaded on first use (the budget ' +
      'holds them all).\n+ every chunk: the import followed by every chunk, the most a first request adds in code.',
  );
  console.log('\nLargest packages loaded at start, per function:');
  for (const report of reports) {
    const top = report.topPackages.map((pkg) => `${pkg.name} ${(pkg.bytes / 1024).toFixed(0)} KB`).join(', ');
    console.log(`  ${report.name}: ${top}`);
  }
}

function printWhy(name: FunctionName, bytes: number, packages: PackageWhy[]): void {
  console.log(
    `${name}: loaded at start ${megabytes(bytes)} (budget ${megabytes(sizeBudgetBytes)}` +
      `${functionCatalogue[name].parsesPdf ? ', exempt: parses PDFs' : carriesPdfJs(name) ? ', exempt: links pdf.js' : ''})\n`,
  );
  for (const pkg of packages) {
    console.log(`${(pkg.bytes / 1024).toFixed(0).padStart(6)} KB  ${pkg.name}`);
    for (const file of pkg.files)
      console.log(`${''.padStart(16)}${(file.bytes / 1024).toFixed(0).padStart(5)} KB ${file.path}`);
    if (pkg.chain.length > 1) console.log(`${''.padStart(16)}via ${pkg.chain.slice(0, -1).reverse().join(' <- ')}`);
  }
}

/** One function's asset as `cdk synth` wrote it. */
export interface AssetReport {
  name: string;
  /** index.mjs, the bundle. */
  bundleBytes: number;
  /** The whole asset folder (bundle, source map, parser worker, pdf.js assets, OCR engine...). */
  assetBytes: number;
}

function treeBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + treeBytes(join(path, entry)), 0);
}

/**
 * The project's functions' assets in a cloud assembly (the output folder of `cdk synth`), by handler folder (the
 * functions' POWERTOOLS_SERVICE_NAME); the CDK's own handlers are left out.
 */
export function assemblyReport(assemblyDir: string, stackName = 'SxIntakeStateless'): AssetReport[] {
  const template = JSON.parse(readFileSync(join(assemblyDir, `${stackName}.template.json`), 'utf8')) as {
    Resources: Record<
      string,
      { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }
    >;
  };
  const reports: AssetReport[] = [];
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    const name = variables?.POWERTOOLS_SERVICE_NAME;
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (typeof name !== 'string' || typeof assetPath !== 'string' || !(name in functionCatalogue)) continue;
    const dir = join(assemblyDir, assetPath);
    reports.push({ name, bundleBytes: statSync(join(dir, 'index.mjs')).size, assetBytes: treeBytes(dir) });
  }
  return reports.sort((a, b) => a.name.localeCompare(b.name));
}

function optionValue(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function functionNamed(value: string | undefined, option: string): FunctionName {
  if (value && value in functionCatalogue) return value as FunctionName;
  throw new Error(`${option} takes a function: ${Object.keys(functionCatalogue).join(', ')}`);
}

async function main(args: string[]): Promise<void> {
  const assembly = optionValue(args, '--assembly');
  if (assembly !== undefined || args.includes('--assembly')) {
    if (!assembly) throw new Error('--assembly takes the folder cdk synth wrote (cdk.out)');
    const reports = assemblyReport(assembly);
    if (args.includes('--json')) console.log(JSON.stringify(reports, null, 2));
    else {
      for (const report of reports) {
        console.log(
          `${report.name.padEnd(14)} index.mjs ${megabytes(report.bundleBytes).padStart(9)}   asset ${megabytes(report.assetBytes).padStart(9)}`,
        );
      }
    }
    return;
  }
  const why = optionValue(args, '--why');
  if (why !== undefined || args.includes('--why')) {
    const name = functionNamed(why, '--why');
    const top = Number(optionValue(args, '--top') ?? 15);
    const outdir = mkdtempSync(join(tmpdir(), 'intake-why-'));
    try {
      const { outfile, loadedBytes: bytes, metafile } = await buildFunction(name, outdir);
      const packages = whyOf(metafile, outfile, top);
      if (args.includes('--json')) console.log(JSON.stringify({ name, bytes, packages }, null, 2));
      else printWhy(name, bytes, packages);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    return;
  }
  const runs = Number(optionValue(args, '--runs') ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');
  const only = args.includes('--only') ? [functionNamed(optionValue(args, '--only'), '--only')] : undefined;
  const reports = await bundleReport({ runs, ...(only ? { only } : {}) });
  if (args.includes('--json')) console.log(JSON.stringify(reports, null, 2));
  else printTable(reports, runs);
  if (args.includes('--check') && reports.some((report) => report.withinBudget === false)) {
    console.error(`\nA function that does not parse PDFs is over ${megabytes(sizeBudgetBytes)}.`);
    process.exitCode = 1;
  }
}

// Run only as a script: tests import the builder and the budget without building everything.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
