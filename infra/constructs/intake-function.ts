/**
 * The project's Lambda function: a `NodejsFunction` with our defaults, so every function is built and run the same
 * way (runtime, architecture, ESM bundle, source maps, own log group and role).
 */
import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The repository root: the esbuild project root and where `functions/` lives. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The runtime of every function; one place to move to the next LTS. */
export const intakeRuntime = Runtime.NODEJS_22_X;

// CJS dependencies (mailparser, exceljs, ...) call require(); an ESM bundle has none unless we make one.
const esmRequireBanner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * pdf.js loads `./pdf.worker.mjs` relative to the bundle, so the worker must sit next to index.mjs. Its CMaps (GBK
 * and UCS2 encodings of non-embedded 宋体/黑体, common in Chinese office PDFs) and standard fonts ship beside it
 * under `pdfjs-dist/`, where the parser can find them once node_modules is gone.
 */
const copyPdfAssets = {
  beforeBundling: (): string[] => [],
  beforeInstall: (): string[] => [],
  afterBundling: (inputDir: string, outputDir: string): string[] => {
    const pdfjs = `${inputDir}/node_modules/pdfjs-dist`;
    return [
      `cp "${pdfjs}/legacy/build/pdf.worker.mjs" "${outputDir}/pdf.worker.mjs"`,
      `mkdir -p "${outputDir}/pdfjs-dist"`,
      `cp -R "${pdfjs}/cmaps" "${pdfjs}/standard_fonts" "${outputDir}/pdfjs-dist/"`,
    ];
  },
};

/** Settings of one intake function; everything else is the project default. */
export interface IntakeFunctionProps {
  /** Folder under `functions/` whose `handler.ts` exports `handler`. */
  readonly handlerFolder: string;
  /** What the function is for (shown in the console). */
  readonly description: string;
  /** Environment read by the composition root (TABLE_NAME, BUCKET_NAME, ...). */
  readonly environment: Record<string, string>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** Ships the pdf.js worker, CMaps and standard fonts with the bundle and injects the DOMMatrix shim. */
  readonly parsesPdf?: boolean;
  /** @default six months, the minimum the Cybersecurity Law (网络安全法 第二十一条) asks for network logs */
  readonly logRetention?: RetentionDays;
}

/** A Node.js 22 arm64 function bundled as minified ESM with source maps, its own log group and its own role. */
export class IntakeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: IntakeFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention ?? RetentionDays.SIX_MONTHS });
    // Our own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    const role: IRole = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.handlerFolder} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: `${repoRoot}functions/${props.handlerFolder}/handler.ts`,
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      description: props.description,
      runtime: intakeRuntime,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: esmRequireBanner,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        charset: Charset.UTF8,
        // The SDK is bundled so the function runs the exact version the tests ran, not the runtime's copy.
        bundleAwsSDK: true,
        // Native canvas binary, built per platform: it cannot be bundled, and text extraction does without it.
        externalModules: ['@napi-rs/canvas'],
        // pdf.js needs a DOMMatrix when it loads; in Lambda there is no native canvas to lend one (see the shim).
        ...(props.parsesPdf
          ? { commandHooks: copyPdfAssets, inject: [`${repoRoot}functions/shared/dom-matrix-shim.ts`] }
          : {}),
      },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime the project chose (Node 22 LTS, close to the Node 20 toolchain the tests run on); ' +
        'moving to nodejs24.x is the one constant `intakeRuntime`, to be done with the toolchain.',
    });
  }
}
