/**
 * The project's Lambda function: a `NodejsFunction` with our defaults, so every function is built and run the same
 * way (runtime, architecture, ESM bundle from infra/bundling.ts, source maps, own log group with retention, own
 * role), and the least-privilege grants each function is given, bindTable-style, so a stack reads as a list of
 * "this function may do exactly this".
 */
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { splitBuildCommand } from '../../scripts/build-function.ts';
import { TABLE_KEYS } from '../../shared/adapters/aws/table.ts';
import { cdkBundlingOptions, entryOf, type FunctionName, repoRoot } from '../bundling.ts';
import { acknowledgeWildcardResources } from '../nag.ts';

export { repoRoot };

/** The runtime of every function; one place to move to the next LTS (and `nodeMajorVersion` with it). */
export const intakeRuntime = Runtime.NODEJS_22_X;

/**
 * The table actions the DynamoDB record store uses (GetCommand, PutCommand, QueryCommand): no Scan, no deletes.
 * A test compares this list with the adapter's imports, so a new command cannot ship without its permission.
 */
export const recordStoreActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Query'];

/** Settings of one intake function; everything else is the project default. */
export interface IntakeFunctionProps {
  /** Folder under `functions/` whose `handler.ts` exports `handler`. */
  readonly handlerFolder: FunctionName;
  /** What the function is for (shown in the console). */
  readonly description: string;
  /** Environment read by the composition root (TABLE_NAME, BUCKET_NAME, ...). */
  readonly environment: Record<string, string>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** Caps parallel runs where a downstream needs it (one IMAP session, one notice run); @default none */
  readonly reservedConcurrency?: number;
  /** @default six months, the minimum the Cybersecurity Law (网络安全法 第二十一条) asks for network logs */
  readonly logRetention?: RetentionDays;
  /** @default arm64; x86_64 where the asset carries a native binary built for the x86_64 build machine (ocr) */
  readonly architecture?: Architecture;
}

/** Object access of a function, by key prefix of the one bucket. */
export interface ObjectAccess {
  /** Prefixes it may read (GetObject; HeadObject needs the same). */
  readonly read?: readonly string[];
  /** Prefixes it may write (PutObject, and AbortMultipartUpload for streamed bodies). */
  readonly write?: readonly string[];
  /** Prefixes whose object tags it may read (the malware scan verdict). */
  readonly readTags?: readonly string[];
}

/**
 * The bundling options with the function split at its dynamic imports: the CDK's esbuild step can only write one
 * file (`--outfile`), so the first afterBundling command builds the function again, split (scripts/build-function.ts:
 * index.mjs and its chunks, what the bundle report measures), over that file; the asset commands follow.
 */
export function splitBundling(name: FunctionName, options: BundlingOptions): BundlingOptions {
  const hooks = options.commandHooks;
  return {
    ...options,
    commandHooks: {
      beforeBundling: (inputDir, outputDir) => hooks?.beforeBundling(inputDir, outputDir) ?? [],
      beforeInstall: (inputDir, outputDir) => hooks?.beforeInstall(inputDir, outputDir) ?? [],
      afterBundling: (inputDir, outputDir) => [
        splitBuildCommand(inputDir, outputDir, name),
        ...(hooks?.afterBundling(inputDir, outputDir) ?? []),
      ],
    },
  };
}

/** A Node.js 22 function (arm64 unless told) bundled as minified ESM with source maps, its own log group and its own role. */
export class IntakeFunction extends NodejsFunction {
  /** The function's own role, written to by the grant methods below only. */
  readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: IntakeFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention ?? RetentionDays.SIX_MONTHS });
    // Our own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.handlerFolder} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: entryOf(props.handlerFolder),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      description: props.description,
      runtime: intakeRuntime,
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.handlerFolder,
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      bundling: splitBundling(props.handlerFolder, cdkBundlingOptions(props.handlerFolder)),
    });
    this.executionRole = role;
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime the project chose (Node 22 LTS, close to the Node 20 toolchain the tests run on); ' +
        'moving to nodejs24.x is the one constant `intakeRuntime`, to be done with the toolchain.',
    });
  }

  /**
   * Grants object access under the given prefixes, and ListBucket on those prefixes only, so a missing key reads as
   * 404 (not 403) to the adapter's `exists` and a listing stays within the function's own prefixes. Object ARNs under
   * a prefix cannot be spelled without a wildcard: those are acknowledged.
   */
  grantObjects(bucket: IBucket, access: ObjectAccess): void {
    const arns = (prefixes: readonly string[] = []) => prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`));
    const readArns = arns(access.read);
    const writeArns = arns(access.write);
    const tagArns = arns(access.readTags);
    const listed = [...new Set([...(access.read ?? []), ...(access.write ?? [])])].map((prefix) => `${prefix}*`);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        // IfExists: S3's own ListBucket check behind a GET or HEAD of a missing key (404 or 403?) carries no prefix,
        // and must pass. The price: a ListObjects call that sends no prefix at all is not held by this condition
        // (keys only, never contents); our adapters always list with a prefix.
        conditions: { StringLikeIfExists: { 's3:prefix': listed } },
      }),
    );
    if (readArns.length > 0)
      this.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: readArns }));
    if (writeArns.length > 0) {
      // AbortMultipartUpload: the adapter streams large bodies as multipart uploads and cleans up after a failure.
      this.addToRolePolicy(
        new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: writeArns }),
      );
    }
    if (tagArns.length > 0) {
      this.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObjectTagging'], resources: tagArns }));
    }
    acknowledgeWildcardResources(
      this.executionRole,
      [...new Set([...readArns, ...writeArns, ...tagArns])],
      'Objects under one key prefix; their keys (SES message ids, content hashes) are not known at deploy time.',
    );
  }

  /**
   * Grants use of the bucket's KMS key through S3 only (kms:ViaService): Decrypt to read, GenerateDataKey to write
   * (and Decrypt for the parts of a multipart upload).
   */
  grantDataKeyViaS3(keyArn: string, access: { write: boolean }): void {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: access.write ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
        resources: [keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
      }),
    );
  }

  /** Grants the record store's actions on the table and on each of its indexes by name (no `index/*`). */
  grantRecordStore(tableArn: string): void {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: recordStoreActions,
        resources: [tableArn, ...TABLE_KEYS.indexes.map((index) => `${tableArn}/index/${index.name}`)],
      }),
    );
  }

  /** Grants reading one secret's value, and only that secret. */
  grantSecretRead(secretArn: string): void {
    this.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }));
  }
}
