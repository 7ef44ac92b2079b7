/**
 * How every function is bundled, in one place: the esbuild options (what `scripts/bundle-report.ts` builds with)
 * and their translation into the CDK `NodejsFunction` bundling options (what `cdk deploy` builds with), so the
 * sizes the report prints are the sizes that ship.
 */
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, Charset, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** The repository root: the esbuild project root and where `functions/` lives. */
export const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/** The Node.js major version of the Lambda runtime (see `intakeRuntime`); esbuild targets it. */
export const nodeMajorVersion = 22;

/** The project's functions: folder under `functions/` and whether its bundle parses PDFs (pdf.js, ~2.5 MB). */
export const functionCatalogue = {
  'ingest-email': { parsesPdf: true },
  'imap-pickup': { parsesPdf: false },
  // The upload route runs intake in the API function, PDFs included.
  api: { parsesPdf: true },
  evaluate: { parsesPdf: false },
  notify: { parsesPdf: false },
  'mail-feedback': { parsesPdf: false },
} as const;

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
    inject: functionCatalogue[name].parsesPdf ? [domMatrixShim] : [],
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
    charset: options.charset === 'utf8' ? Charset.UTF8 : Charset.ASCII,
    target: options.target as string,
    // The SDK is bundled so the function runs the exact version the tests ran, not the runtime's copy.
    bundleAwsSDK: true,
    externalModules: options.external,
    ...(inject.length > 0 ? { inject } : {}),
    ...(functionCatalogue[name].parsesPdf
      ? {
          commandHooks: {
            beforeBundling: (): string[] => [],
            beforeInstall: (): string[] => [],
            afterBundling: pdfAssetCommands,
          },
        }
      : {}),
  };
}
