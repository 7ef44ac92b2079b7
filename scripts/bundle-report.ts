/**
 * Builds every function the way `cdk deploy` does (the esbuild options of infra/bundling.ts), prints each bundle's
 * minified size with its largest packages, and measures its cold import time: `await import(bundle)` in a fresh
 * Node process, several runs, median. Functions that do not parse PDFs must stay within 1.5 MB (`--check` fails
 * the run when one does not).
 *
 *   npx tsx scripts/bundle-report.ts [--runs 7] [--check] [--json]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { entryOf, esbuildOptions, type FunctionName, functionCatalogue, repoRoot } from '../infra/bundling.ts';

/** The size budget of a bundle that does not carry pdf.js. */
export const sizeBudgetBytes = 1.5 * 1024 * 1024;

/** What the report says about one function. */
export interface BundleReport {
  name: FunctionName;
  parsesPdf: boolean;
  /** index.mjs, minified, without its source map. */
  bytes: number;
  /** The largest inputs by package, bytes in the output. */
  topPackages: { name: string; bytes: number }[];
  withinBudget: boolean | null;
  /** Median of the in-process `await import()` times, ms. */
  importMs: number;
  /** Median of the whole `node` process (start, import, exit), ms. */
  processMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Groups a bundle's bytes by npm package (or by the project's own top folder). */
function packagesOf(metafile: Metafile, outfile: string): { name: string; bytes: number }[] {
  const output = Object.entries(metafile.outputs).find(([path]) =>
    outfile.endsWith(path.replace(/^.*?(?=[^/]+\/index\.mjs$)/, '')),
  )?.[1];
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const name = match?.[1] ?? `(project) ${input.split('/')[0]}`;
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
}

/** Imports a bundle in fresh processes; returns the medians of the import and of the whole process. */
function measureImport(bundle: string, runs: number): { importMs: number; processMs: number } {
  const script =
    'const t = performance.now(); await import(process.argv[1]); ' +
    'process.stdout.write(String(performance.now() - t));';
  const imports: number[] = [];
  const processes: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(bundle).href], {
      encoding: 'utf8',
      // What Lambda sets and the modules read at import time; nothing here reaches AWS.
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', NODE_OPTIONS: '--enable-source-maps' },
    });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`importing ${bundle} failed:\n${result.stderr}`);
    imports.push(Number(result.stdout));
    processes.push(elapsed);
  }
  return { importMs: median(imports), processMs: median(processes) };
}

/** Builds and measures every function. */
export async function bundleReport(options: { runs: number }): Promise<BundleReport[]> {
  const outRoot = mkdtempSync(join(tmpdir(), 'intake-bundles-'));
  try {
    const reports: BundleReport[] = [];
    for (const name of Object.keys(functionCatalogue) as FunctionName[]) {
      const outdir = join(outRoot, name);
      mkdirSync(outdir, { recursive: true });
      const outfile = join(outdir, 'index.mjs');
      const result = await build({
        ...esbuildOptions(name),
        entryPoints: [entryOf(name)],
        outfile,
        absWorkingDir: repoRoot,
        metafile: true,
        logLevel: 'error',
      });
      const { parsesPdf } = functionCatalogue[name];
      const bytes = statSync(outfile).size;
      reports.push({
        name,
        parsesPdf,
        bytes,
        topPackages: packagesOf(result.metafile, outfile),
        withinBudget: parsesPdf ? null : bytes <= sizeBudgetBytes,
        ...measureImport(outfile, options.runs),
      });
    }
    return reports;
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

function printTable(reports: BundleReport[], runs: number): void {
  const rows = reports.map((report) => [
    report.name,
    report.parsesPdf ? 'yes' : 'no',
    megabytes(report.bytes),
    report.withinBudget === null ? 'n/a (pdf.js)' : report.withinBudget ? 'ok' : 'OVER',
    `${report.importMs.toFixed(0)} ms`,
    `${report.processMs.toFixed(0)} ms`,
  ]);
  const header = ['function', 'PDF', 'index.mjs', '<= 1.5 MB', `import (median of ${runs})`, 'node process'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('\nLargest packages per bundle:');
  for (const report of reports) {
    const top = report.topPackages.map((pkg) => `${pkg.name} ${(pkg.bytes / 1024).toFixed(0)} KB`).join(', ');
    console.log(`  ${report.name}: ${top}`);
  }
}

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 7;
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');
const reports = await bundleReport({ runs });
if (args.includes('--json')) console.log(JSON.stringify(reports, null, 2));
else printTable(reports, runs);
if (args.includes('--check') && reports.some((report) => report.withinBudget === false)) {
  console.error(`\nA function that does not parse PDFs is over ${megabytes(sizeBudgetBytes)}.`);
  process.exitCode = 1;
}
