import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDeploymentConfig } from '../../infra/config.ts';
import { defineIntakeApp, type IntakeStacks } from '../../infra/intake-app.ts';
import { ingestTimeout, recordStoreActions } from '../../infra/stateless-stack.ts';

const repoRoot = new URL('../../', import.meta.url);

/** The app exactly as `cdk synth` builds it (cdk.json context), with asset bundling skipped to stay fast. */
function buildApp(extraContext: Record<string, unknown> = {}): { app: App; stacks: IntakeStacks } {
  const cdkJson = JSON.parse(readFileSync(new URL('cdk.json', repoRoot), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'intake-cdk-')),
    // Path metadata (as the CLI writes it) lets the assertions name functions by construct path.
    context: {
      ...cdkJson.context,
      ...extraContext,
      'aws:cdk:bundling-stacks': [],
      'aws:cdk:enable-path-metadata': true,
    },
  });
  return { app, stacks: defineIntakeApp(app, readDeploymentConfig(app.node)) };
}

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }
>;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
}

/** Every Allow statement of identity policies, inline role policies and resource policies. */
function allowStatements(template: Template): Statement[] {
  const out: Statement[] = [];
  const documents: unknown[] = [];
  for (const resource of Object.values(template.toJSON().Resources as Resources)) {
    const props = resource.Properties ?? {};
    if (props.PolicyDocument) documents.push(props.PolicyDocument);
    for (const policy of (props.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
      documents.push(policy.PolicyDocument);
    }
  }
  for (const document of documents) {
    for (const statement of (document as { Statement: Statement[] }).Statement) {
      if (statement.Effect === 'Allow') out.push(statement);
    }
  }
  return out;
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** The project's functions (not the CDK's own S3-notification handler), by construct path. */
function projectFunctions(template: Template): Record<string, Record<string, unknown>> {
  const functions = template.findResources('AWS::Lambda::Function');
  return Object.fromEntries(
    Object.values(functions)
      .map((fn) => [String(fn.Metadata?.['aws:cdk:path']), fn.Properties as Record<string, unknown>] as const)
      .filter(([path]) => !path.includes('BucketNotificationsHandler')),
  );
}

/** The identity-policy statements attached to the role of the function at `functionPath`. */
function roleStatements(template: Template, functionPath: string): Statement[] {
  const fn = Object.values(template.toJSON().Resources as Resources).find(
    (resource) => resource.Metadata?.['aws:cdk:path'] === `${functionPath}/Resource`,
  );
  if (!fn?.Properties) throw new Error(`no function at ${functionPath}`);
  const roleLogicalId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleLogicalId }] },
  });
  return Object.values(policies).flatMap(
    (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

describe('infra stacks', () => {
  let stateful: Template;
  let stateless: Template;

  beforeAll(() => {
    const { stacks } = buildApp();
    stateful = Template.fromStack(stacks.stateful);
    stateless = Template.fromStack(stacks.stateless);
  });

  it('encrypts the bucket, blocks public access, versions it and logs access', () => {
    // Prepare
    const dataBucket = {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'intake-bucket/' }),
    };

    // Act
    const buckets = stateful.findResources('AWS::S3::Bucket', { Properties: Match.objectLike(dataBucket) });

    // Assess
    expect(Object.keys(buckets)).toHaveLength(1);
    stateful.resourceCountIs('AWS::S3::Bucket', 2); // the data bucket and its access-log bucket
  });

  it('refuses plain HTTP on both buckets', () => {
    // Prepare
    const denyInsecure = Match.objectLike({
      Effect: 'Deny',
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });

    // Act
    const policies = stateful.findResources('AWS::S3::BucketPolicy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) } },
    });

    // Assess
    expect(Object.keys(policies)).toHaveLength(2);
  });

  it('keys the table pk/sk with gsi1 and gsi2, on demand, with point-in-time recovery', () => {
    // Act / Assess
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
        }),
        Match.objectLike({
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
    stateful.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });

  it('stores mail for the mailbox under inbox/ and stops, with SES allowed to put there for this account only', () => {
    // Prepare
    const bucketId = Object.keys(
      stateful.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } }),
    )[0];

    // Act / Assess
    stateful.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({
        Enabled: true,
        Recipients: ['intake@example.gov.cn'],
        ScanEnabled: true,
        Actions: [
          { S3Action: { BucketName: { Ref: bucketId }, ObjectKeyPrefix: 'inbox/' } },
          { StopAction: { Scope: 'RuleSet' } },
        ],
      }),
    });
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/inbox/*']] },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });

  it('exports bucket and table under fixed names, and the stateless stack imports them', () => {
    // Prepare
    const exportNames = Object.values(stateful.toJSON().Outputs as Record<string, { Export?: { Name: string } }>)
      .map((output) => output.Export?.Name)
      .filter(Boolean);

    // Act
    const ingestEnvironment = Object.values(projectFunctions(stateless)).map(
      (fn) => (fn.Environment as { Variables: Record<string, unknown> }).Variables,
    );

    // Assess
    expect(exportNames).toEqual(
      expect.arrayContaining([
        'SxIntakeStateful-BucketName',
        'SxIntakeStateful-BucketArn',
        'SxIntakeStateful-TableName',
        'SxIntakeStateful-TableArn',
      ]),
    );
    for (const variables of ingestEnvironment) {
      expect(variables).toMatchObject({
        TABLE_NAME: { 'Fn::ImportValue': 'SxIntakeStateful-TableName' },
        BUCKET_NAME: { 'Fn::ImportValue': 'SxIntakeStateful-BucketName' },
        MAIL_FROM: 'notices@example.gov.cn',
        ROUND_ID: '2023',
      });
    }
  });

  it('sends inbox/ object-created notifications to the ingest queue', () => {
    // Prepare
    const queueId = Object.keys(
      stateless.findResources('AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.anyValue() } }),
    )[0];

    // Act / Assess
    stateless.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { 'Fn::ImportValue': 'SxIntakeStateful-BucketName' },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'inbox/' }] } },
            QueueArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          },
        ],
      },
    });
    stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::ImportValue': 'SxIntakeStateful-BucketArn' } } },
          }),
        ]),
      },
    });
  });

  it('redrives the ingest queue to an encrypted DLQ after 3 receives, with a visibility of 6x the timeout', () => {
    // Prepare
    const queues = stateless.findResources('AWS::SQS::Queue');
    const [dlqId] = Object.keys(queues).filter((id) => !queues[id]?.Properties.RedrivePolicy);

    // Act / Assess
    stateless.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 3 },
      VisibilityTimeout: Match.anyValue(),
      SqsManagedSseEnabled: true,
    });
    const ingestQueue = Object.values(queues).find((queue) => queue.Properties.RedrivePolicy);
    expect(ingestQueue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * ingestTimeout.toSeconds());
    expect(queues[dlqId!]?.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('requires TLS on both queues', () => {
    // Act
    const policies = stateless.findResources('AWS::SQS::QueuePolicy', {
      Properties: {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
    });

    // Assess
    expect(Object.keys(policies)).toHaveLength(2);
  });

  it('feeds the ingest function from the queue with partial batch responses', () => {
    // Prepare
    const ingestFunctionId = Object.keys(
      stateless.findResources('AWS::Lambda::Function', { Properties: { Timeout: ingestTimeout.toSeconds() } }),
    )[0];

    // Act / Assess
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ingestFunctionId },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IngestQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 300,
      MemorySize: 1024,
      Handler: 'index.handler',
    });
  });

  it('runs every project function on nodejs22.x or later, arm64, JSON logs in its own log group', () => {
    // Act
    const functions = projectFunctions(stateless);

    // Assess
    expect(Object.keys(functions).sort()).toEqual([
      'SxIntakeStateless/Api/Resource',
      'SxIntakeStateless/Evaluate/Resource',
      'SxIntakeStateless/IngestEmail/Resource',
      'SxIntakeStateless/Notify/Resource',
    ]);
    for (const fn of Object.values(functions)) {
      const version = Number(/^nodejs(\d+)\.x$/.exec(String(fn.Runtime))?.[1]);
      expect(version).toBeGreaterThanOrEqual(22);
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } });
    }
    stateless.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 180 });
  });

  it('schedules the notices daily at 09:00 Asia/Shanghai with a Scheduled Event at the scheduled time', () => {
    // Prepare
    const notifyId = Object.keys(
      stateless.findResources('AWS::Lambda::Function', {
        Metadata: { 'aws:cdk:path': 'SxIntakeStateless/Notify/Resource' },
      }),
    )[0];

    // Act
    const schedules = stateless.findResources('AWS::Scheduler::Schedule', {
      Properties: { Target: { Arn: { 'Fn::GetAtt': [notifyId, 'Arn'] } } },
    });

    // Assess
    const [schedule] = Object.values(schedules);
    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 9 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      State: 'ENABLED',
    });
    const input = JSON.stringify(schedule?.Properties.Target.Input);
    expect(input).toContain('Scheduled Event');
    expect(input).toContain('<aws.scheduler.scheduled-time>');
  });

  it('serves the api function as the default integration of an IAM-authorized HTTP API with access logs', () => {
    // Prepare
    const apiFunctionId = Object.keys(
      stateless.findResources('AWS::Lambda::Function', {
        Metadata: { 'aws:cdk:path': 'SxIntakeStateless/Api/Resource' },
      }),
    )[0];

    // Act / Assess
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [apiFunctionId, 'Arn'] },
    });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', AuthorizationType: 'AWS_IAM' });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: Match.anyValue() }),
    });
  });

  it('alarms as soon as one message is visible in the DLQ', () => {
    // Prepare
    const queues = stateless.findResources('AWS::SQS::Queue');
    const [dlqId] = Object.keys(queues).filter((id) => !queues[id]?.Properties.RedrivePolicy);

    // Act / Assess
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
    });
  });

  it('grants no wildcard actions anywhere', () => {
    // Act
    const actions = [...allowStatements(stateful), ...allowStatements(stateless)].flatMap(actionsOf);

    // Assess
    expect(actions.length).toBeGreaterThan(10);
    expect(actions).not.toContain('*');
    expect(actions.filter((action) => /^(s3|dynamodb|ses|sqs|lambda):\*$/.test(action))).toEqual([]);
  });

  it('lets only ingest-email touch the bucket and only notify send mail', () => {
    // Act
    const byFunction = Object.fromEntries(
      ['IngestEmail', 'Evaluate', 'Notify', 'Api'].map((name) => [
        name,
        roleStatements(stateless, `SxIntakeStateless/${name}`).flatMap(actionsOf),
      ]),
    );

    // Assess
    expect(byFunction.IngestEmail).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:ListBucket']));
    for (const name of ['Evaluate', 'Notify', 'Api']) {
      expect(byFunction[name]?.filter((action) => action.startsWith('s3:'))).toEqual([]);
    }
    for (const name of ['IngestEmail', 'Evaluate', 'Api']) {
      expect(byFunction[name]?.filter((action) => action.startsWith('ses:'))).toEqual([]);
    }
    expect(byFunction.Notify).toEqual(expect.arrayContaining(['ses:SendRawEmail']));
  });

  it('lets ingest-email read inbox/ and documents/ but write only raw/ and documents/', () => {
    // Prepare
    const statements = roleStatements(stateless, 'SxIntakeStateless/IngestEmail');
    const prefixesFor = (action: string) =>
      statements
        .filter((statement) => actionsOf(statement).includes(action))
        .flatMap((statement) => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]))
        .map((resource) => JSON.stringify(resource).match(/"\/([a-z]+)\/\*"/)?.[1]);

    // Act
    const read = prefixesFor('s3:GetObject');
    const write = prefixesFor('s3:PutObject');

    // Assess
    expect(read.sort()).toEqual(['documents', 'inbox']);
    expect(write.sort()).toEqual(['documents', 'raw']);
  });

  it('grants every DynamoDB command the record store imports', () => {
    // Prepare
    const commandActions: Record<string, string[]> = {
      GetCommand: ['dynamodb:GetItem'],
      PutCommand: ['dynamodb:PutItem'],
      QueryCommand: ['dynamodb:Query'],
      ScanCommand: ['dynamodb:Scan'],
      UpdateCommand: ['dynamodb:UpdateItem'],
      DeleteCommand: ['dynamodb:DeleteItem'],
      BatchGetCommand: ['dynamodb:BatchGetItem'],
      BatchWriteCommand: ['dynamodb:BatchWriteItem'],
      TransactGetCommand: ['dynamodb:GetItem'],
      TransactWriteCommand: [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:ConditionCheckItem',
      ],
    };
    const source = readFileSync(new URL('shared/adapters/aws/dynamodb-record-store.ts', repoRoot), 'utf8');

    // Act
    const commands = [...source.matchAll(/\b([A-Z][A-Za-z]+Command)\b(?!Input|Output)/g)].map((match) => match[1]!);
    const needed = [...new Set(commands)].flatMap((command) => {
      expect(commandActions, `unknown DynamoDB command ${command}`).toHaveProperty(command);
      return commandActions[command] ?? [];
    });

    // Assess
    expect(needed.length).toBeGreaterThan(0);
    expect(recordStoreActions).toEqual(expect.arrayContaining(needed));
  });
});

describe('cdk-nag', () => {
  it('passes AwsSolutions with every finding fixed or acknowledged', () => {
    // Prepare
    const { app } = buildApp();

    // Act
    const assembly = app.synth();

    // Assess
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports).toEqual([]);
  });

  it('fails the synth on an unacknowledged finding', () => {
    // Prepare
    const { app, stacks } = buildApp();
    new Queue(stacks.stateless, 'PlainQueue');

    // Act / Assess
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
    const report = readFileSync(join(app.outdir, 'validation-report.json'), 'utf8');
    expect(report).toContain('AwsSolutions-SQS3');
  });
});

describe('deployment config', () => {
  it('rejects a schedule that is not a Scheduler expression and a mailbox that is not an address', () => {
    // Prepare / Act / Assess
    expect(() => buildApp({ noticeSchedule: '0 9 * * *' })).toThrow(/noticeSchedule/);
    expect(() => buildApp({ mailbox: 'intake' })).toThrow(/mailbox/);
  });

  it('takes "false" from the command line as false', () => {
    // Act
    const { stacks } = buildApp({ createSesIdentity: 'false' });

    // Assess
    Template.fromStack(stacks.stateful).resourceCountIs('AWS::SES::EmailIdentity', 0);
  });

  it('verifies the mail domain once when mailbox and sender share it, and each domain otherwise', () => {
    // Act
    const shared = buildApp().stacks.stateful;
    const separate = buildApp({ mailFrom: 'notices@mail.example.gov.cn' }).stacks.stateful;

    // Assess
    Template.fromStack(shared).resourceCountIs('AWS::SES::EmailIdentity', 1);
    Template.fromStack(separate).resourceCountIs('AWS::SES::EmailIdentity', 2);
  });
});
