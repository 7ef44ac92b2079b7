/**
 * How every function is bundled, in one place: the esbuild options (what `scripts/bundle-report.ts` builds with)
 * and their translation into the CDK `NodejsFunction` bundling options (what `cdk deploy` builds with), so the
 * sizes the report prints are the sizes that ship.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { OCR_CORE_BUILDS, OCR_LANGUAGE, OCR_MODEL_VARIANT } from '../shared/parsing/ocr.ts';

/** The repository root: the esbuild project root and where `functions/` lives. */
export const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/** The Node.js major version of the Lambda runtime (see `intakeRuntime`); esbuild targets it. */
export const nodeMajorVersion = 22;

/**
 * The project's functions: folder under `functions/`, whether it parses PDFs (then the parser worker and pdf.js's
 * worker, CMaps and fonts ship beside its bundle) and whether its bundle links pdf.js without parsing (then it still
 * needs the DOMMatrix shim, which pdf.js wants as it loads).
 */
export const functionCatalogue = {
  'ingest-email': { parsesPdf: true },
  'imap-pickup': { parsesPdf: false },
  // In AWS the API runs no intake (uploads and staff reprocess go to ingest-email through S3 and the scan gate): no
  // parser worker or pdf.js assets beside it. Its bundle still links intake statically (shared/http -> staff actions
  // and the local inline paths -> intake -> pdf-parse -> pdf.js, ~440 KB), and pdf.js needs the DOMMatrix shim as it
  // loads (without it the function fails at cold start), until the HTTP layer imports intake lazily.
  api: { parsesPdf: false, linksPdfJs: true },
  evaluate: { parsesPdf: false },
  notify: { parsesPdf: false },
  'mail-feedback': { parsesPdf: false },
  // OCR of scans: pdf.js renders the pages; the engine and model ship beside the bundle (ocrAssetPaths).
  ocr: { parsesPdf: true },
  // Large file packages, built into S3 from a request object (bundles/requests/): reads stored files, parses none.
  'bundle-build': { parsesPdf: false },
} satisfies Record<string, { parsesPdf: boolean; linksPdfJs?: boolean }>;

/** Whether a function's bundle carries pdf.js (parsing or only linked): the shim, and no 1.5 MB budget. */
export function carriesPdfJs(name: FunctionName): boolean {
  const entry: { parsesPdf: boolean; linksPdfJs?: boolean } = functionCatalogue[name];
  return entry.parsesPdf || entry.linksPdfJs === true;
}

/** The function that recognises scans: its asset carries tesseract.js, its model and the canvas binary. */
export const ocrFunction: FunctionName = 'ocr';

/** The name of one of the project's functions (its folder under `functions/`). */
export type FunctionName = keyof typeof functionCatalogue;

/** The handler module of a function. */
export function entryOf(name: FunctionName): string {
  return `${repoRoot}functions/${name}/handler.ts`;
}

// CJS dependencies (mailparser, exceljs, ...) call require(); an ESM bundle has none unless we make one.
const esmRequireBanner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Native canvas binary, built per platform: it cannot be bundled, and text extraction does without it. */
const externalModules = ['@napi-rs/canvas'];

/** pdf.js needs a DOMMatrix when it loads; in Lambda there is no native canvas to lend one (see the shim). */
const domMatrixShim = `${repoRoot}functions/shared/dom-matrix-shim.ts`;

/** The esbuild options of a function's bundle (entry and output are the caller's). */
export function esbuildOptions(name: FunctionName): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: `node${nodeMajorVersion}`,
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: esmRequireBanner },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    charset: 'utf8',
    external: externalModules,
    inject: carriesPdfJs(name) ? [domMatrixShim] : [],
  };
}

/**
 * pdf.js loads `./pdf.worker.mjs` relative to the bundle, so the worker must sit next to index.mjs. Its CMaps (GBK
 * and UCS2 encodings of non-embedded 宋体/黑体, common in Chinese office PDFs) and standard fonts ship beside it
 * under `pdfjs-dist/`, where the parser can find them once node_modules is gone.
 */
export function pdfAssetCommands(inputDir: string, outputDir: string): string[] {
  const pdfjs = `${inputDir}/node_modules/pdfjs-dist`;
  return [
    `cp "${pdfjs}/legacy/build/pdf.worker.mjs" "${outputDir}/pdf.worker.mjs"`,
    `mkdir -p "${outputDir}/pdfjs-dist"`,
    `cp -R "${pdfjs}/cmaps" "${pdfjs}/standard_fonts" "${outputDir}/pdfjs-dist/"`,
  ];
}

/**
 * What the ocr function loads at run time from its own `node_modules` (never bundled: tesseract.js starts its
 * worker threads from its own files, and the canvas binding is native): tesseract.js and the packages it requires,
 * of tesseract.js-core only the builds it picks from (OCR_CORE_BUILDS), of
 * `@tesseract.js-data/chi_sim` only the model in use, and `@napi-rs/canvas` with its linux-x64 binary (the function
 * runs on x86_64 for it: npm installs the binary of the machine that builds). Paths relative to `node_modules/`.
 */
export function ocrAssetPaths(root = repoRoot): string[] {
  const modules = join(root, 'node_modules');
  const paths = new Set<string>([
    'tesseract.js-core/package.json',
    ...OCR_CORE_BUILDS.flatMap((build) => ['js', 'wasm'].map((ext) => `tesseract.js-core/${build}.${ext}`)),
    '@tesseract.js-data/chi_sim/package.json',
    `@tesseract.js-data/chi_sim/${OCR_MODEL_VARIANT}/${OCR_LANGUAGE}.traineddata.gz`,
    '@napi-rs/canvas-linux-x64-gnu',
  ]);
  const partial = new Set(['tesseract.js-core', '@tesseract.js-data/chi_sim', '@napi-rs/canvas-linux-x64-gnu']);
  // The packages' runtime dependencies, as npm hoisted them (a nested copy first, as Node resolves).
  const queue: { name: string; from: string }[] = [
    { name: 'tesseract.js', from: '' },
    { name: '@napi-rs/canvas', from: '' },
  ];
  for (let next = queue.shift(); next; next = queue.shift()) {
    if (partial.has(next.name)) continue;
    const nested = next.from ? `${next.from}/node_modules/${next.name}` : '';
    const at = nested && existsSync(join(modules, nested)) ? nested : next.name;
    if (paths.has(at)) continue;
    paths.add(at);
    const manifest = JSON.parse(readFileSync(join(modules, at, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies ?? {})) queue.push({ name, from: at });
  }
  // A folder also listed with its parent is copied once, with the parent.
  return [...paths].filter((path) => ![...paths].some((other) => path.startsWith(`${other}/node_modules/`))).sort();
}

/** Bytes of the ocr function's asset beside its bundle (what `ocrAssetPaths` names), for the bundle report. */
export function ocrAssetBytes(root = repoRoot): { path: string; bytes: number }[] {
  const sizeOf = (path: string): number => {
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.size;
    let total = 0;
    for (const entry of readdirSync(path)) total += sizeOf(join(path, entry));
    return total;
  };
  return ocrAssetPaths(root).map((path) => ({ path, bytes: sizeOf(join(root, 'node_modules', path)) }));
}

/** The parser worker's entry: file readers run in it under their budget (shared/parsing/sandbox/pool.ts). */
export const parseWorkerEntry = `${repoRoot}shared/parsing/sandbox/worker.ts`;

/**
 * The parser worker ships as `parse-worker.mjs` beside the bundle of every function that reads files, built with
 * that function's esbuild options (scripts/build-parse-worker.ts): the pool finds it next to index.mjs.
 */
export function parseWorkerCommands(inputDir: string, outputDir: string, name: FunctionName): string[] {
  return [`node --import tsx "${inputDir}/scripts/build-parse-worker.ts" ${name} "${outputDir}/parse-worker.mjs"`];
}

/**
 * Shell commands that copy the round folders (shared/domain/rounds/<id>/*.json) into `rounds/` beside the bundle,
 * where the domain finds them at run time: a new round is a folder, never an import to add.
 */
export function roundAssetCommands(inputDir: string, outputDir: string): string[] {
  const rounds = `${inputDir}/shared/domain/rounds`;
  return [
    `mkdir -p "${outputDir}/rounds"`,
    `for d in "${rounds}"/*/; do [ -f "$d/round.json" ] || continue; mkdir -p "${outputDir}/rounds/$(basename "$d")" && cp "$d"*.json "${outputDir}/rounds/$(basename "$d")/"; done`,
  ];
}

/** Shell commands that copy the ocr function's asset into the bundle's folder. */
export function ocrAssetCommands(inputDir: string, outputDir: string): string[] {
  return ocrAssetPaths().map((path) => {
    const target = `${outputDir}/node_modules/${path}`;
    return `mkdir -p "${target.slice(0, target.lastIndexOf('/'))}" && cp -R "${inputDir}/node_modules/${path}" "${target}"`;
  });
}

/** The same options in the CDK's terms (NodejsFunction adds bundle, platform, target and outfile itself). */
export function cdkBundlingOptions(name: FunctionName): BundlingOptions {
  const options = esbuildOptions(name);
  const inject = options.inject ?? [];
  return {
    format: options.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
    mainFields: options.mainFields,
    banner: options.banner?.js,
    minify: options.minify,
    sourceMap: options.sourcemap === true,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: options.sourcesContent,
    target: options.target as string,
    // aws-cdk-lib does not pass `charset` on to esbuild (its ASCII default escapes every Chinese character, ~7 %
    // larger bundles than the report measured): the flag goes through esbuildArgs instead.
    ...(options.charset ? { esbuildArgs: { '--charset': options.charset } } : {}),
    // The SDK is bundled so the function runs the exact version the tests ran, not the runtime's copy.
    bundleAwsSDK: true,
    externalModules: options.external,
    ...(inject.length > 0 ? { inject } : {}),
    // Every function reads the round folders; those that read files also get pdf.js's assets and the parser worker.
    commandHooks: {
      beforeBundling: (): string[] => [],
      beforeInstall: (): string[] => [],
      afterBundling: (inputDir: string, outputDir: string): string[] => [
        ...roundAssetCommands(inputDir, outputDir),
        ...(functionCatalogue[name].parsesPdf
          ? [...pdfAssetCommands(inputDir, outputDir), ...parseWorkerCommands(inputDir, outputDir, name)]
          : []),
        ...(name === ocrFunction ? ocrAssetCommands(inputDir, outputDir) : []),
      ],
    },
  };
}
