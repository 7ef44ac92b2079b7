import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdkBundlingOptions, esbuildOptions, type FunctionName, functionCatalogue } from '../../infra/bundling.ts';
import { readDeploymentConfig } from '../../infra/config.ts';
import { defineIntakeApp, type IntakeStacks } from '../../infra/intake-app.ts';
import {
  bundleBuildSettings,
  ingestTimeout,
  ocrSettings,
  recordStoreActions,
  scanGraceDelay,
} from '../../infra/stateless-stack.ts';

const repoRoot = new URL('../../', import.meta.url);

/** Context of a deployment without SES: IMAP pickup, SMTP sending, no GuardDuty (as in the China regions). */
const withoutSes = {
  receiving: 'imap',
  sending: 'smtp',
  malwareProtection: false,
  imapHost: 'imap.163.com',
  imapUser: 'sxswtdsc@163.com',
  imapProcessedMailbox: '已处理',
  // As `-c retentionDays=400` passes it: text.
  retentionDays: '400',
  // No hosted UI: pages open only through per-city links.
  cognitoDomainPrefix: '',
};

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
      // Required to deploy (cdk.json leaves it empty, so a synth without it fails): the tests name one.
      alarmEmail: 'intake-ops@example.gov.cn',
      ...extraContext,
      'aws:cdk:bundling-stacks': [],
      'aws:cdk:enable-path-metadata': true,
    },
  });
  return { app, stacks: defineIntakeApp(app, readDeploymentConfig(app.node)) };
}

/** Both templates of a deployment, and the cdk-nag findings its synth reported. */
interface Synthesized {
  stateful: Template;
  stateless: Template;
  nagReports: unknown[];
}

function synthesize(extraContext: Record<string, unknown> = {}): Synthesized {
  const { app, stacks } = buildApp(extraContext);
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
  return {
    stateful: Template.fromStack(stacks.stateful),
    stateless: Template.fromStack(stacks.stateless),
    nagReports: report.pluginReports,
  };
}

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }
>;

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, unknown>;
  Principal?: unknown;
}

function resourcesOf(template: Template): Resources {
  return template.toJSON().Resources as Resources;
}

/** Every Allow statement of identity policies (roles' inline and attached policies): not key or bucket policies. */
function identityAllowStatements(template: Template): Statement[] {
  const documents: unknown[] = [];
  for (const resource of Object.values(resourcesOf(template))) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy') documents.push(props.PolicyDocument);
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of (props.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
        documents.push(policy.PolicyDocument);
      }
    }
  }
  return documents
    .flatMap((document) => (document as { Statement: Statement[] }).Statement)
    .filter((statement) => statement.Effect === 'Allow');
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function resourcesOfStatement(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
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

/** The logical id of the resource at a construct path. */
function logicalIdAt(template: Template, path: string): string {
  const entry = Object.entries(resourcesOf(template)).find(
    ([, resource]) => resource.Metadata?.['aws:cdk:path'] === path,
  );
  if (!entry) throw new Error(`no resource at ${path}`);
  return entry[0];
}

/** The identity-policy statements attached to the role of the function at `functionPath`. */
/** The bucket prefixes (`inbox/imap/`, ...) the statements allow `action` on. */
function bucketPrefixesFor(statements: Statement[], action: string): (string | undefined)[] {
  return statements
    .filter((statement) => actionsOf(statement).includes(action))
    .flatMap(resourcesOfStatement)
    .map((resource) => JSON.stringify(resource).match(/"\/([a-z/]+)\*"/)?.[1]);
}

function roleStatements(template: Template, functionPath: string): Statement[] {
  const fn = resourcesOf(template)[logicalIdAt(template, `${functionPath}/Resource`)];
  if (!fn?.Properties) throw new Error(`no function at ${functionPath}`);
  const roleLogicalId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleLogicalId }] },
  });
  return Object.values(policies).flatMap(
    (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

function environmentOf(template: Template, functionPath: string): Record<string, unknown> {
  const fn = projectFunctions(template)[`${functionPath}/Resource`];
  if (!fn) throw new Error(`no function at ${functionPath}`);
  return (fn.Environment as { Variables: Record<string, unknown> }).Variables;
}

/** The domains of the SES identities in the construct tree (no synth needed). */
function identityDomains(stacks: IntakeStacks): string[] {
  return stacks.stateful.node
    .findAll()
    .filter((construct): construct is EmailIdentity => construct instanceof EmailIdentity)
    .map((identity) => identity.node.id.replace(/^Identity-/, ''));
}

/** The queues whose logical id starts with `prefix`. */
function queueId(template: Template, prefix: string): string {
  const id = Object.keys(template.findResources('AWS::SQS::Queue')).find((candidate) => candidate.startsWith(prefix));
  if (!id) throw new Error(`no queue ${prefix}`);
  return id;
}

/** The user pool's issuer URL as the templates build it (right in every partition). */
const COGNITO_ISSUER = {
  'Fn::Join': [
    '',
    [
      'https://cognito-idp.',
      { Ref: 'AWS::Region' },
      '.',
      { Ref: 'AWS::URLSuffix' },
      '/',
      { 'Fn::ImportValue': 'SxIntakeStateful-UserPoolId' },
    ],
  ],
};

describe('infra stacks (SES receiving and sending, malware protection on)', () => {
  let synth: Synthesized;
  let stateful: Template;
  let stateless: Template;

  beforeAll(() => {
    synth = synthesize();
    ({ stateful, stateless } = synth);
  });

  it('passes cdk-nag AwsSolutions with every finding fixed or acknowledged', () => {
    // Assess
    expect(synth.nagReports).toEqual([]);
  });

  describe('upload portal (presigned POST sessions)', () => {
    const prefixesFor = (statements: Statement[], action: string) =>
      statements
        .filter((statement) => actionsOf(statement).includes(action))
        .flatMap(resourcesOfStatement)
        .map((resource) => JSON.stringify(resource).match(/"\/([a-z/]+)\*"/)?.[1]);

    it('lets the api function sign POSTs to uploads/, read them back and store completed sessions under inbox/upload/', () => {
      // Prepare
      const statements = roleStatements(stateless, 'SxIntakeStateless/Api');

      // Act
      const put = prefixesFor(statements, 's3:PutObject');
      const get = prefixesFor(statements, 's3:GetObject');

      // Assess
      expect(put).toEqual(expect.arrayContaining(['uploads/', 'inbox/upload/']));
      expect(put).not.toContain('inbox/');
      expect(get).toContain('uploads/');
      expect(get.filter((prefix) => prefix?.startsWith('inbox/'))).toEqual([]);
      expect(environmentOf(stateless, 'SxIntakeStateless/Api')).toMatchObject({ UPLOAD_INGEST: 'queued' });
    });

    it('expires portal files after 7 days and lets the upload page’s origins POST to the bucket (not *: issue 15, item 18)', () => {
      // Act
      const [bucket] = Object.values(stateful.findResources('AWS::S3::Bucket')).filter(
        (candidate) => candidate.Properties.VersioningConfiguration,
      );
      const rules = (bucket?.Properties.LifecycleConfiguration?.Rules ?? []) as Record<string, unknown>[];

      // Assess
      expect(rules.filter((rule) => rule.Id === 'expire-portal-uploads')).toEqual([
        expect.objectContaining({
          Prefix: 'uploads/',
          ExpirationInDays: 7,
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          Status: 'Enabled',
        }),
      ]);
      expect(bucket?.Properties.CorsConfiguration?.CorsRules).toEqual([
        expect.objectContaining({
          AllowedMethods: ['POST'],
          AllowedOrigins: [
            { 'Fn::Join': ['', ['https://*.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] },
          ],
        }),
      ]);
      const withDomain = Template.fromStack(buildApp({ apiDomainName: 'intake.example.gov.cn' }).stacks.stateful);
      withDomain.hasResourceProperties('AWS::S3::Bucket', {
        CorsConfiguration: {
          CorsRules: [Match.objectLike({ AllowedOrigins: [Match.anyValue(), 'https://intake.example.gov.cn'] })],
        },
      });
    });

    it('sends completed sessions and picked-up mail through the inbox notification (prefix inbox/)', () => {
      // Act
      const notifications = Object.values(stateless.findResources('Custom::S3BucketNotifications'));
      const filters = notifications.flatMap((notification) =>
        (
          notification.Properties.NotificationConfiguration.QueueConfigurations as {
            Filter: { Key: { FilterRules: { Name: string; Value: string }[] } };
          }[]
        ).map((configuration) => configuration.Filter.Key.FilterRules),
      );

      // Assess
      expect(filters).toEqual([
        [{ Name: 'prefix', Value: 'inbox/' }],
        [{ Name: 'prefix', Value: 'reprocess/requests/' }],
      ]);
      for (const key of ['inbox/upload/u-0123.eml', 'inbox/imap/INBOX/1-2.eml']) {
        expect(filters[0]?.every((rule) => key.startsWith(rule.Value))).toBe(true);
      }
    });
  });

  describe('data protection', () => {
    it('encrypts the data bucket with its own rotated KMS key, blocks public access, versions it and logs access', () => {
      // Prepare
      const keyId = Object.keys(stateful.findResources('AWS::KMS::Key'))[0];

      // Act
      const buckets = stateful.findResources('AWS::S3::Bucket', {
        Properties: Match.objectLike({
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                BucketKeyEnabled: true,
                ServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms',
                  KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
                },
              },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          VersioningConfiguration: { Status: 'Enabled' },
          LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'intake-bucket/' }),
        }),
      });

      // Assess
      expect(Object.keys(buckets)).toHaveLength(1);
      stateful.hasResource('AWS::KMS::Key', {
        Properties: Match.objectLike({ EnableKeyRotation: true }),
        DeletionPolicy: 'Retain',
      });
      stateful.resourceCountIs('AWS::S3::Bucket', 2); // the data bucket and its access-log bucket
      stateful.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    });

    it('keeps raw mail for the retention (default 3 years) and expires replaced versions', () => {
      // Act
      const rules = Object.values(stateful.findResources('AWS::S3::Bucket'))
        .flatMap((bucket) => (bucket.Properties.LifecycleConfiguration?.Rules ?? []) as Record<string, unknown>[])
        .filter((rule) => rule.Id === 'expire-after-retention');

      // Assess
      expect(rules).toEqual([
        expect.objectContaining({
          ExpirationInDays: 1095,
          NoncurrentVersionExpiration: { NoncurrentDays: 90 },
          Status: 'Enabled',
        }),
      ]);
      expect(rules[0]).not.toHaveProperty('Prefix'); // inbox/, raw/, documents/ and uploads/ alike
    });

    it('refuses plain HTTP and TLS below 1.2 on both buckets', () => {
      // Prepare
      const denyInsecure = Match.objectLike({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
      const denyOldTls = Match.objectLike({
        Effect: 'Deny',
        Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      });

      // Act
      const policies = stateful.findResources('AWS::S3::BucketPolicy', {
        Properties: { PolicyDocument: { Statement: Match.arrayWith([denyInsecure, denyOldTls]) } },
      });

      // Assess
      expect(Object.keys(policies)).toHaveLength(2);
    });

    it('keys the table pk/sk with gsi1 and gsi2, on demand, with point-in-time recovery and deletion protection', () => {
      // Act / Assess
      stateful.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' }), Match.objectLike({ IndexName: 'gsi2' })],
        }),
        DeletionPolicy: 'Retain',
      });
    });

    it('lets SES use the data key only for this account and this stack’s receipt rule set', () => {
      // Act / Assess
      stateful.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'ses.amazonaws.com' },
              Action: Match.arrayWith(['kms:GenerateDataKey*']),
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnLike: {
                  'aws:SourceArn': {
                    'Fn::Join': [
                      '',
                      Match.arrayWith([':receipt-rule-set/SxIntakeStateful-receipt-rules:receipt-rule/*']),
                    ],
                  },
                },
              },
            }),
          ]),
        },
      });
    });
  });

  describe('event flow', () => {
    it('stores mail for the mailbox under inbox/ and stops, with SES allowed to put there for this rule only (aws:SourceArn, issue 15, item 18)', () => {
      // Prepare
      const bucketId = Object.keys(
        stateful.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } }),
      )[0];

      // Act / Assess
      stateful.hasResourceProperties('AWS::SES::ReceiptRuleSet', { RuleSetName: 'SxIntakeStateful-receipt-rules' });
      stateful.hasResourceProperties('AWS::SES::ReceiptRule', {
        Rule: Match.objectLike({
          Name: 'store-submission',
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
              Sid: 'AllowSesReceiptRuleToPutMail',
              Effect: 'Allow',
              Principal: { Service: 'ses.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/inbox/*']] },
              Condition: {
                StringEquals: {
                  'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                  'aws:SourceArn': {
                    'Fn::Join': [
                      '',
                      [
                        'arn:',
                        { Ref: 'AWS::Partition' },
                        ':ses:',
                        { Ref: 'AWS::Region' },
                        ':',
                        { Ref: 'AWS::AccountId' },
                        ':receipt-rule-set/SxIntakeStateful-receipt-rules:receipt-rule/store-submission',
                      ],
                    ],
                  },
                },
              },
            },
          ]),
        },
      });
    });

    it('exports the stateful resources under fixed names, and the functions import them', () => {
      // Prepare
      const exportNames = Object.values(stateful.toJSON().Outputs as Record<string, { Export?: { Name: string } }>)
        .map((output) => output.Export?.Name)
        .filter(Boolean);

      // Act
      const environments = Object.values(projectFunctions(stateless)).map(
        (fn) => (fn.Environment as { Variables: Record<string, unknown> }).Variables,
      );

      // Assess
      expect(exportNames).toEqual(
        expect.arrayContaining([
          'SxIntakeStateful-BucketName',
          'SxIntakeStateful-BucketArn',
          'SxIntakeStateful-DataKeyArn',
          'SxIntakeStateful-TableName',
          'SxIntakeStateful-TableArn',
          'SxIntakeStateful-UserPoolId',
          'SxIntakeStateful-UserPoolClientId',
          'SxIntakeStateful-ConfigurationSetName',
          'SxIntakeStateful-MalwareProtectionPlanArn',
          'SxIntakeStateful-SessionSecretArn',
        ]),
      );
      expect(environments).toHaveLength(7);
      for (const variables of environments) {
        expect(variables).toMatchObject({
          TABLE_NAME: { 'Fn::ImportValue': 'SxIntakeStateful-TableName' },
          BUCKET_NAME: { 'Fn::ImportValue': 'SxIntakeStateful-BucketName' },
          MAIL_FROM: 'notices@example.gov.cn',
          ROUND_ID: '2023',
        });
      }
    });

    it('sends inbox/ (and reprocess request) object-created notifications to the ingest queue, from this bucket only', () => {
      // Prepare
      const ingestQueueId = queueId(stateless, 'IngestQueue');

      // Act / Assess
      stateless.hasResourceProperties('Custom::S3BucketNotifications', {
        BucketName: { 'Fn::ImportValue': 'SxIntakeStateful-BucketName' },
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'inbox/' }] } },
              QueueArn: { 'Fn::GetAtt': [ingestQueueId, 'Arn'] },
            },
            {
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'reprocess/requests/' }] } },
              QueueArn: { 'Fn::GetAtt': [ingestQueueId, 'Arn'] },
            },
          ],
        },
        Managed: false, // keeps the EventBridge setting GuardDuty's scan needs
      });
      stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: ingestQueueId }],
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

    it('redrives the ingest queue to its DLQ after 3 receives, visible 6x the timeout, delayed for the scan', () => {
      // Prepare
      const queues = stateless.findResources('AWS::SQS::Queue');
      const ingest = queues[queueId(stateless, 'IngestQueue')]?.Properties;

      // Assess
      expect(ingest?.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [queueId(stateless, 'IngestDeadLetterQueue'), 'Arn'] },
        maxReceiveCount: 3,
      });
      expect(ingest?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * ingestTimeout.toSeconds());
      expect(ingest?.DelaySeconds).toBe(scanGraceDelay.toSeconds());
    });

    it('encrypts every queue, refuses plain HTTP on each, and gives each working queue a DLQ', () => {
      // Prepare
      const queues = stateless.findResources('AWS::SQS::Queue');
      const dlqArns = new Set(
        Object.values(queues)
          .map((queue) => JSON.stringify(queue.Properties.RedrivePolicy?.deadLetterTargetArn))
          .filter((arn) => arn !== undefined),
      );

      // Act
      const tlsPolicies = stateless.findResources('AWS::SQS::QueuePolicy', {
        Properties: {
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        },
      });

      // Assess
      expect(Object.keys(queues).sort()).toEqual(
        [
          'IngestQueue',
          'IngestDeadLetterQueue',
          'UndeliveredQueue',
          'MailFeedbackQueue',
          'MailFeedbackDeadLetterQueue',
          'OcrDeadLetterQueue',
          'BundleBuildDeadLetterQueue',
        ]
          .map((prefix) => queueId(stateless, prefix))
          .sort(),
      );
      for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      expect(Object.keys(tlsPolicies)).toHaveLength(Object.keys(queues).length);
      for (const id of ['IngestQueue', 'MailFeedbackQueue']) {
        expect(queues[queueId(stateless, id)]?.Properties.RedrivePolicy).toBeDefined();
      }
      expect(dlqArns).toEqual(
        new Set(
          ['IngestDeadLetterQueue', 'MailFeedbackDeadLetterQueue'].map((id) =>
            JSON.stringify({ 'Fn::GetAtt': [queueId(stateless, id), 'Arn'] }),
          ),
        ),
      );
    });

    it('feeds the ingest function from the queue with partial batch responses and bounded concurrency', () => {
      // Prepare
      const ingestId = logicalIdAt(stateless, 'SxIntakeStateless/IngestEmail/Resource');

      // Act / Assess
      stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: ingestId },
        EventSourceArn: { 'Fn::GetAtt': [queueId(stateless, 'IngestQueue'), 'Arn'] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
      });
      stateless.hasResourceProperties('AWS::Lambda::Function', {
        Timeout: ingestTimeout.toSeconds(),
        MemorySize: 1024,
        Handler: 'index.handler',
      });
    });

    it('schedules notices and evaluation at the scheduled time, with failed runs parked in the Undelivered queue', () => {
      // Prepare
      const undeliveredArn = { 'Fn::GetAtt': [queueId(stateless, 'UndeliveredQueue'), 'Arn'] };
      const scheduleOf = (functionName: string) => {
        const fnId = logicalIdAt(stateless, `SxIntakeStateless/${functionName}/Resource`);
        const [schedule] = Object.values(
          stateless.findResources('AWS::Scheduler::Schedule', {
            Properties: { Target: { Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } } },
          }),
        );
        return { fnId, schedule: schedule?.Properties };
      };

      // Act
      const notice = scheduleOf('Notify');
      const evaluation = scheduleOf('Evaluate');

      // Assess
      expect(notice.schedule).toMatchObject({
        ScheduleExpression: 'cron(0 9 * * ? *)',
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        State: 'ENABLED',
        Target: { DeadLetterConfig: { Arn: undeliveredArn }, RetryPolicy: { MaximumRetryAttempts: 2 } },
      });
      expect(evaluation.schedule).toMatchObject({ ScheduleExpression: 'cron(5 0 * * ? *)' });
      // The target's retries and event age are the ones the schedule was given (issue 15, item 18).
      expect(notice.schedule?.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
      const input = JSON.stringify(notice.schedule?.Target.Input);
      expect(input).toContain('Scheduled Event');
      expect(input).toContain('<aws.scheduler.scheduled-time>');
      for (const { fnId } of [notice, evaluation]) {
        stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: fnId },
          DestinationConfig: { OnFailure: { Destination: undeliveredArn } },
        });
      }
    });

    it('keeps a MailFeedback message invisible 6x the handler’s timeout, so retries do not overlap (issue 15, item 17)', () => {
      // Prepare
      const handlerTimeout = projectFunctions(stateless)['SxIntakeStateless/MailFeedbackHandler/Resource']?.Timeout;

      // Act
      const queue = stateless.findResources('AWS::SQS::Queue')[queueId(stateless, 'MailFeedbackQueue')];

      // Assess
      expect(handlerTimeout).toBe(30);
      expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * Number(handlerTimeout));
    });

    it('routes SES bounces and complaints of the configuration set to the MailFeedback queue', () => {
      // Act / Assess
      stateful.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        EventDestination: Match.objectLike({
          Enabled: true,
          MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']),
          EventBridgeDestination: { EventBusArn: Match.anyValue() },
        }),
      });
      stateful.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: 'example.gov.cn',
        ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.stringLikeRegexp('^MailConfigurationSet') } },
      });
      stateless.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.ses'],
          'detail-type': Match.arrayWith(['Email Bounced', 'Email Complaint Received']),
          detail: {
            mail: {
              tags: { 'ses:configuration-set': [{ 'Fn::ImportValue': 'SxIntakeStateful-ConfigurationSetName' }] },
            },
          },
        },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [queueId(stateless, 'MailFeedbackQueue'), 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId(stateless, 'UndeliveredQueue'), 'Arn'] } },
          }),
        ],
      });
    });
  });

  describe('malware protection', () => {
    it('scans inbox/ and uploads/ with GuardDuty, tagging objects, under a role scoped to those prefixes', () => {
      // Prepare
      const roleId = logicalIdAt(stateful, 'SxIntakeStateful/MalwareProtectionRole/Resource');
      const [policy] = Object.values(
        stateful.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
      );
      if (!policy) throw new Error('no malware protection policy');
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;

      // Act
      const objectResources = statements
        .filter((statement) => actionsOf(statement).some((action) => /^s3:(Get|Put)Object/.test(action)))
        .flatMap(resourcesOfStatement)
        .map((resource) => JSON.stringify(resource).match(/\/([^"]*)"\]\]\}$/)?.[1]);

      // Assess
      stateful.hasResourceProperties('AWS::GuardDuty::MalwareProtectionPlan', {
        Role: { 'Fn::GetAtt': [roleId, 'Arn'] },
        ProtectedResource: { S3Bucket: { ObjectPrefixes: ['inbox/', 'uploads/'] } },
        Actions: { Tagging: { Status: 'ENABLED' } },
      });
      stateful.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'malware-protection-plan.guardduty.amazonaws.com' } })],
        },
      });
      expect([...new Set(objectResources)].sort()).toEqual([
        'inbox/*',
        'malware-protection-resource-validation-object',
        'uploads/*',
      ]);
    });

    it('lets no one but GuardDuty’s role write object tags, so a verdict cannot be forged', () => {
      // Act / Assess
      stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: Match.arrayWith(['s3:DeleteObjectTagging', 's3:PutObjectTagging']),
              Condition: {
                ArnNotEquals: {
                  'aws:PrincipalArn': {
                    'Fn::GetAtt': [logicalIdAt(stateful, 'SxIntakeStateful/MalwareProtectionRole/Resource'), 'Arn'],
                  },
                },
              },
            }),
          ]),
        },
      });
    });

    it('makes ingest wait for the verdict: MALWARE_SCAN=required and tag reads on inbox/ only', () => {
      // Act
      const tagStatements = roleStatements(stateless, 'SxIntakeStateless/IngestEmail').filter((statement) =>
        actionsOf(statement).includes('s3:GetObjectTagging'),
      );

      // Assess
      expect(environmentOf(stateless, 'SxIntakeStateless/IngestEmail')).toMatchObject({ MALWARE_SCAN: 'required' });
      expect(tagStatements.flatMap(resourcesOfStatement)).toEqual([
        { 'Fn::Join': ['', [{ 'Fn::ImportValue': 'SxIntakeStateful-BucketArn' }, '/inbox/*']] },
      ]);
    });

    it('makes the portal wait for each file’s verdict: the api function reads tags on uploads/ only (issue 15, item 8)', () => {
      // Act
      const tagStatements = roleStatements(stateless, 'SxIntakeStateless/Api').filter((statement) =>
        actionsOf(statement).includes('s3:GetObjectTagging'),
      );

      // Assess
      expect(environmentOf(stateless, 'SxIntakeStateless/Api')).toMatchObject({ MALWARE_SCAN: 'required' });
      expect(tagStatements.flatMap(resourcesOfStatement)).toEqual([
        { 'Fn::Join': ['', [{ 'Fn::ImportValue': 'SxIntakeStateful-BucketArn' }, '/uploads/*']] },
      ]);
    });

    it('has staff reprocess go through ingest and its scan gate: the api function writes requests, reads no inbox/ (issue 15, item 16)', () => {
      // Prepare
      const api = roleStatements(stateless, 'SxIntakeStateless/Api');

      // Act
      const apiWrites = bucketPrefixesFor(api, 's3:PutObject');
      const apiReads = bucketPrefixesFor(api, 's3:GetObject');

      // Assess
      expect(environmentOf(stateless, 'SxIntakeStateless/Api')).toMatchObject({ INTAKE_REPROCESS: 'queued' });
      expect(environmentOf(stateless, 'SxIntakeStateless/IngestEmail')).not.toHaveProperty('INTAKE_REPROCESS');
      expect(apiWrites.sort()).toEqual(['bundles/requests/', 'inbox/upload/', 'reprocess/requests/', 'uploads/']);
      expect(apiReads.filter((prefix) => prefix?.startsWith('inbox/'))).toEqual([]);
      expect(bucketPrefixesFor(roleStatements(stateless, 'SxIntakeStateless/IngestEmail'), 's3:GetObject')).toContain(
        'reprocess/requests/',
      );
    });

    it('mails threats and failed scans of this plan to the alarm topic, naming the object; no queue without a consumer (issue 15, item 17)', () => {
      // Prepare
      const topicId = Object.keys(stateless.findResources('AWS::SNS::Topic'))[0]!;

      // Act
      const [rule] = Object.values(
        stateless.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.guardduty'] } } }),
      );
      const [target] = (rule?.Properties.Targets ?? []) as Record<string, unknown>[];

      // Assess
      expect(target).toMatchObject({
        Arn: { Ref: topicId },
        RoleArn: expect.anything(),
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId(stateless, 'UndeliveredQueue'), 'Arn'] } },
      });
      expect(JSON.stringify(target?.InputTransformer)).toContain('$.detail.s3ObjectDetails.objectKey');
      expect(
        Object.keys(stateless.findResources('AWS::SQS::Queue')).filter((id) => id.startsWith('ScanAlert')),
      ).toEqual([]);
      stateless.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.guardduty'],
          'detail-type': ['GuardDuty Malware Protection Object Scan Result'],
          resources: [{ 'Fn::ImportValue': 'SxIntakeStateful-MalwareProtectionPlanArn' }],
          detail: {
            s3ObjectDetails: { objectKey: [{ prefix: 'inbox/' }, { prefix: 'uploads/' }] },
            scanResultDetails: { scanResultStatus: ['THREATS_FOUND', 'ACCESS_DENIED', 'FAILED'] },
          },
        },
      });
    });
  });

  describe('functions', () => {
    it('runs every project function on nodejs22.x or later, arm64 (ocr: x86_64), JSON logs in its own log group', () => {
      // Act
      const functions = projectFunctions(stateless);

      // Assess
      expect(Object.keys(functions).sort()).toEqual([
        'SxIntakeStateless/Api/Resource',
        'SxIntakeStateless/BundleBuild/Resource',
        'SxIntakeStateless/Evaluate/Resource',
        'SxIntakeStateless/IngestEmail/Resource',
        'SxIntakeStateless/MailFeedbackHandler/Resource',
        'SxIntakeStateless/Notify/Resource',
        'SxIntakeStateless/Ocr/Resource',
      ]);
      for (const [path, fn] of Object.entries(functions)) {
        const version = Number(/^nodejs(\d+)\.x$/.exec(String(fn.Runtime))?.[1]);
        expect(version).toBeGreaterThanOrEqual(22);
        // The ocr asset carries the canvas binary npm installed on the x86_64 build machine.
        expect(fn.Architectures).toEqual([path.includes('/Ocr/') ? 'x86_64' : 'arm64']);
        expect(fn.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } });
        expect((fn.Environment as { Variables: Record<string, string> }).Variables).toMatchObject({
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: expect.any(String),
        });
      }
      stateless.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 180 });
    });

    it('reserves one concurrent run for notify and two for ocr only (ingest is bounded by its event source)', () => {
      // Act
      const reserved = Object.fromEntries(
        Object.entries(projectFunctions(stateless)).map(([path, fn]) => [path, fn.ReservedConcurrentExecutions]),
      );

      // Assess
      expect(reserved).toEqual({
        'SxIntakeStateless/Api/Resource': undefined,
        'SxIntakeStateless/Evaluate/Resource': undefined,
        'SxIntakeStateless/IngestEmail/Resource': undefined,
        'SxIntakeStateless/Notify/Resource': 1,
        'SxIntakeStateless/Ocr/Resource': 2,
      });
    });

    it('gives ocr its own memory (>= 2 GB), timeout, retries into its own DLQ and concurrency cap, invoked by ocr/requests/', () => {
      // Prepare
      const ocrPath = 'SxIntakeStateless/Ocr';
      const ocrId = logicalIdAt(stateless, `${ocrPath}/Resource`);
      const ocrDlqId = queueId(stateless, 'OcrDeadLetterQueue');
      const functions = projectFunctions(stateless);
      const variables = (path: string) =>
        (
          functions[`SxIntakeStateless/${path}/Resource`]?.Environment as
            | { Variables: Record<string, unknown> }
            | undefined
        )?.Variables ?? {};

      // Act
      const ocr = functions[`${ocrPath}/Resource`]!;
      const statements = roleStatements(stateless, ocrPath);
      const prefixesFor = (action: string) =>
        statements
          .filter((statement) => actionsOf(statement).includes(action))
          .flatMap(resourcesOfStatement)
          .map((resource) => JSON.stringify(resource).match(/"\/([a-z/]+)\/\*"/)?.[1])
          .sort();

      // Assess: the function.
      expect(ocr.MemorySize).toBeGreaterThanOrEqual(2048);
      expect(ocr.MemorySize).toBe(ocrSettings.memorySize);
      expect(ocr.Timeout).toBe(ocrSettings.timeout.toSeconds());
      expect(ocr.ReservedConcurrentExecutions).toBe(2);
      expect(variables('Ocr')).toMatchObject({ INTAKE_OCR: 'inline' });
      expect(variables('IngestEmail')).toMatchObject({ INTAKE_OCR: 'deferred' });
      // The api function runs no intake in AWS (issue 15, item 16): it hands nothing to ocr.
      expect(variables('Api')).not.toHaveProperty('INTAKE_OCR');
      // Asynchronous invocation: two retries, then its own dead-letter queue, which an alarm watches.
      stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: ocrId },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 60 * 60,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ocrDlqId, 'Arn'] } } },
      });
      stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ocrDlqId, 'QueueName'] } }],
        Threshold: 1,
      });
      // Invoked by S3 for each request object, from this bucket only.
      stateless.hasResourceProperties('Custom::S3BucketNotifications', {
        NotificationConfiguration: {
          LambdaFunctionConfigurations: Match.arrayWith([
            {
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'ocr/requests/' }] } },
              LambdaFunctionArn: { 'Fn::GetAtt': [ocrId, 'Arn'] },
            },
          ]),
        },
      });
      stateless.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [ocrId, 'Arn'] },
        Principal: 's3.amazonaws.com',
        SourceArn: { 'Fn::ImportValue': 'SxIntakeStateful-BucketArn' },
      });
      // Reads the request and the document, writes the text beside the document; nothing else.
      expect(prefixesFor('s3:GetObject')).toEqual(['documents', 'ocr/requests']);
      expect(prefixesFor('s3:PutObject')).toEqual(['documents']);
    });

    it('builds large file packages in bundle-build: 15 min, streamed into bundles/files/, invoked by bundles/requests/, expired in 2 days (issue 16)', () => {
      // Prepare
      const path = 'SxIntakeStateless/BundleBuild';
      const builderId = logicalIdAt(stateless, `${path}/Resource`);
      const dlqId = queueId(stateless, 'BundleBuildDeadLetterQueue');
      const prefixes = (statements: Statement[], action: string) =>
        statements
          .filter((statement) => actionsOf(statement).includes(action))
          .flatMap(resourcesOfStatement)
          .map((resource) => JSON.stringify(resource).match(/"\/([a-z/]+)\/\*"/)?.[1])
          .sort();

      // Act
      const builder = projectFunctions(stateless)[`${path}/Resource`]!;
      const statements = roleStatements(stateless, path);
      const api = roleStatements(stateless, 'SxIntakeStateless/Api');

      // Assess: the function, its invocations and its DLQ (with an alarm).
      expect(builder.Timeout).toBe(15 * 60);
      expect(builder.Timeout).toBe(bundleBuildSettings.timeout.toSeconds());
      expect(builder.MemorySize).toBe(1024);
      stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: builderId },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 60 * 60,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
      });
      stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      });
      stateless.hasResourceProperties('Custom::S3BucketNotifications', {
        NotificationConfiguration: {
          LambdaFunctionConfigurations: Match.arrayWith([
            {
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'bundles/requests/' }] } },
              LambdaFunctionArn: { 'Fn::GetAtt': [builderId, 'Arn'] },
            },
          ]),
        },
      });
      // Reads the documents, writes the packages (multipart: AbortMultipartUpload too); the requests are not read.
      expect(prefixes(statements, 's3:GetObject')).toEqual(['documents']);
      expect(prefixes(statements, 's3:PutObject')).toEqual(['bundles/files']);
      expect(prefixes(statements, 's3:AbortMultipartUpload')).toEqual(['bundles/files']);
      expect(statements.some((statement) => actionsOf(statement).includes('dynamodb:PutItem'))).toBe(true);
      // The api function presigns GETs of the packages (so reads them) and writes the requests.
      expect(prefixes(api, 's3:GetObject')).toContain('bundles/files');
      expect(prefixes(api, 's3:PutObject')).toContain('bundles/requests');
      // The packages are copies: the bucket drops them (and their old versions) within days.
      stateful.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({
              Id: 'expire-file-packages',
              Prefix: 'bundles/',
              ExpirationInDays: 2,
              NoncurrentVersionExpiration: { NoncurrentDays: 1 },
            }),
          ]),
        },
      });
    });

    it('bundles with the options bundle-report uses: minified ESM with source maps, pdf.js shim where PDFs are read', () => {
      // Act
      const pairs = (Object.keys(functionCatalogue) as FunctionName[]).map(
        (name) => [name, esbuildOptions(name), cdkBundlingOptions(name)] as const,
      );

      // Assess
      for (const [name, esbuild, cdk] of pairs) {
        expect(cdk).toMatchObject({
          format: 'esm',
          minify: esbuild.minify,
          sourceMap: true,
          sourcesContent: false,
          banner: esbuild.banner?.js,
          mainFields: esbuild.mainFields,
          externalModules: esbuild.external,
          target: esbuild.target,
          bundleAwsSDK: true,
        });
        expect(cdk.inject ?? []).toEqual(esbuild.inject);
        // Every function gets the round folders beside it; those that read files, pdf.js's assets and the worker.
        const hooks = cdk.commandHooks?.afterBundling('/in', '/out').join('\n') ?? '';
        expect(hooks).toContain('/out/rounds');
        expect(hooks.includes('parse-worker.mjs')).toBe(functionCatalogue[name].parsesPdf);
      }
      expect(esbuildOptions('notify').inject).toEqual([]);
      // The api function runs no intake in AWS (issue 15, item 16): no parser worker or pdf.js assets beside it, but
      // its bundle still links pdf.js, which needs the shim as it loads.
      expect(cdkBundlingOptions('api').commandHooks?.afterBundling('/in', '/out').join('\n')).not.toContain(
        'pdfjs-dist',
      );
      expect(esbuildOptions('api').inject).toEqual([expect.stringMatching(/dom-matrix-shim\.ts$/)]);
      expect(esbuildOptions('ingest-email').inject).toEqual([expect.stringMatching(/dom-matrix-shim\.ts$/)]);
    });
  });

  describe('HTTP API', () => {
    it('authorizes the JSON API with a Cognito JWT authorizer and leaves pages and public routes to the app', () => {
      // Prepare
      const authorizerId = Object.keys(stateless.findResources('AWS::ApiGatewayV2::Authorizer'))[0];

      // Act
      const routes = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route')).map(
        (route) => route.Properties as Record<string, unknown>,
      );

      // Assess
      stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Audience: [{ 'Fn::ImportValue': 'SxIntakeStateful-UserPoolClientId' }],
          Issuer: COGNITO_ISSUER,
        },
      });
      expect(Object.fromEntries(routes.map((route) => [route.RouteKey, route.AuthorizationType]))).toEqual({
        // Pages, /auth/* (hosted-UI sign-in), /l/{token}, /files/{token}, /health: the app's own session or link.
        $default: 'NONE',
        'ANY /api': 'JWT',
        'ANY /api/{proxy+}': 'JWT',
        // More specific than /api/{proxy+}, so the gateway lets these through without a token.
        'GET /api/openapi.json': 'NONE',
        'ANY /api/uploads': 'NONE',
        'ANY /api/uploads/{proxy+}': 'NONE',
      });
      for (const route of routes.filter((candidate) => candidate.AuthorizationType === 'JWT')) {
        expect(route.AuthorizerId).toEqual({ Ref: authorizerId });
      }
      expect(environmentOf(stateless, 'SxIntakeStateless/Api')).toMatchObject({
        INTAKE_SESSION_SECRET_ARN: { 'Fn::ImportValue': 'SxIntakeStateful-SessionSecretArn' },
      });
    });

    it('signs staff in to the pages through the hosted UI: a code + PKCE client whose callback is the API', () => {
      // Prepare
      const httpApiId = Object.keys(stateless.findResources('AWS::ApiGatewayV2::Api'))[0]!;
      const clients = Object.entries(stateless.findResources('AWS::Cognito::UserPoolClient'));
      const [clientId, client] = clients[0]!;

      // Act
      const props = client.Properties as Record<string, unknown>;
      const apiUrl = (path: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [httpApiId, 'ApiEndpoint'] }, path]] });

      // Assess
      stateful.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
        Domain: 'sx-livestream-intake',
        UserPoolId: { Ref: Match.stringLikeRegexp('^StaffUsers') },
      });
      expect(clients).toHaveLength(1);
      expect(props).toMatchObject({
        UserPoolId: { 'Fn::ImportValue': 'SxIntakeStateful-UserPoolId' },
        GenerateSecret: false,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        SupportedIdentityProviders: ['COGNITO'],
        PreventUserExistenceErrors: 'ENABLED',
        WriteAttributes: ['email', 'name'], // never custom:city
      });
      expect([...(props.AllowedOAuthScopes as string[])].sort()).toEqual(['email', 'openid', 'profile']);
      expect(props.CallbackURLs).toEqual([apiUrl('/auth/callback')]);
      expect(props.LogoutURLs).toEqual([apiUrl('/login')]);
      expect(environmentOf(stateless, 'SxIntakeStateless/Api')).toMatchObject({
        COGNITO_DOMAIN: { 'Fn::ImportValue': 'SxIntakeStateful-UserPoolDomainUrl' },
        COGNITO_CLIENT_ID: { Ref: clientId },
        COGNITO_ISSUER: COGNITO_ISSUER,
      });
    });

    it('hands large downloads to S3: redirect mode, with the api function reading documents/ only', () => {
      // Prepare
      const statements = roleStatements(stateless, 'SxIntakeStateless/Api');

      // Act
      const read = statements
        .filter((statement) => actionsOf(statement).includes('s3:GetObject'))
        .flatMap(resourcesOfStatement)
        .map((resource) => JSON.stringify(resource).match(/"\/([a-z/]+)\*"/)?.[1]);

      // Assess
      expect(environmentOf(stateless, 'SxIntakeStateless/Api')).toMatchObject({ INTAKE_FILE_DOWNLOADS: 'redirect' });
      expect(read).toContain('documents/');
      expect(read.filter((prefix) => prefix === 'inbox/' || prefix === 'raw/' || prefix === undefined)).toEqual([]);
    });

    it('serves the api function through a throttled stage with access logs', () => {
      // Prepare
      const apiId = logicalIdAt(stateless, 'SxIntakeStateless/Api/Resource');

      // Act / Assess
      stateless.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [apiId, 'Arn'] },
      });
      stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
        DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
      });
    });

    it('keeps staff accounts admin-created, with MFA required, a strong password policy and deletion protection', () => {
      // Act / Assess
      stateful.hasResource('AWS::Cognito::UserPool', {
        Properties: Match.objectLike({
          AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
          MfaConfiguration: 'ON',
          EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
          DeletionProtection: 'ACTIVE',
          Policies: {
            PasswordPolicy: Match.objectLike({
              MinimumLength: 12,
              RequireLowercase: true,
              RequireUppercase: true,
              RequireNumbers: true,
              RequireSymbols: true,
            }),
          },
        }),
        DeletionPolicy: 'Retain',
      });
      stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        PreventUserExistenceErrors: 'ENABLED',
        AllowedOAuthFlowsUserPoolClient: false,
        WriteAttributes: ['email', 'name'], // never custom:city
      });
      expect(
        Object.values(stateful.findResources('AWS::Cognito::UserPoolGroup')).map((group) => group.Properties.GroupName),
      ).toEqual(['staff', 'bureau']);
      stateful.hasResourceProperties('AWS::Cognito::UserPool', {
        Schema: Match.arrayWith([Match.objectLike({ Name: 'city', AttributeDataType: 'String' })]),
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      });
    });
  });

  describe('alarms', () => {
    it('alarms on one message in each DLQ-like queue and on each function’s errors, to an encrypted topic', () => {
      // Prepare
      const topicId = Object.keys(stateless.findResources('AWS::SNS::Topic'))[0]!;
      const alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).map(
        (alarm) => alarm.Properties as Record<string, unknown>,
      );
      const queueAlarm = (queue: string) =>
        alarms.find(
          (alarm) =>
            alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            JSON.stringify(alarm.Dimensions).includes(queueId(stateless, queue)),
        );

      // Act
      const functionAlarms = alarms.filter((alarm) => alarm.MetricName === 'Errors');

      // Assess
      for (const queue of [
        'IngestDeadLetterQueue',
        'UndeliveredQueue',
        'MailFeedbackDeadLetterQueue',
        'OcrDeadLetterQueue',
      ]) {
        expect(queueAlarm(queue), queue).toMatchObject({
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
      expect(functionAlarms).toHaveLength(Object.keys(projectFunctions(stateless)).length);
      for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      stateless.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateAgeOfOldestMessage',
        Threshold: 3600,
      });
    });

    it('alarms on throttles, API 5xx and SES reputation, mails them to the required address (issue 15, item 17)', () => {
      // Prepare
      const alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).map(
        (alarm) => alarm.Properties as Record<string, unknown>,
      );
      const named = (metric: string) => alarms.filter((alarm) => alarm.MetricName === metric);

      // Act
      const throttled = named('Throttles').map((alarm) => JSON.stringify(alarm.Dimensions));

      // Assess
      expect(throttled).toHaveLength(6);
      for (const fn of ['IngestEmail', 'Evaluate', 'Notify', 'Api', 'MailFeedbackHandler', 'BundleBuild']) {
        const fnId = logicalIdAt(stateless, `SxIntakeStateless/${fn}/Resource`);
        expect(
          throttled.some((dimensions) => dimensions.includes(`"${fnId}"`)),
          fn,
        ).toBe(true);
      }
      expect(named('5xx')).toEqual([
        expect.objectContaining({ Namespace: 'AWS/ApiGateway', Statistic: 'Sum', Threshold: 1 }),
      ]);
      expect(named('Reputation.BounceRate')).toEqual([
        expect.objectContaining({ Namespace: 'AWS/SES', Threshold: 0.05 }),
      ]);
      expect(named('Reputation.ComplaintRate')).toEqual([
        expect.objectContaining({ Namespace: 'AWS/SES', Threshold: 0.001 }),
      ]);
      // The count docs/DEPLOY.md gives for this configuration.
      expect(alarms).toHaveLength(22);
      stateless.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'intake-ops@example.gov.cn',
      });
    });

    it('lets CloudWatch use the alarm key for this account’s alarms only (aws:SourceAccount, issue 15, item 18)', () => {
      // Act
      const [key] = Object.values(stateless.findResources('AWS::KMS::Key'));
      const statements = (key?.Properties.KeyPolicy as { Statement: Statement[] } | undefined)?.Statement ?? [];

      // Assess
      expect(statements.find((statement) => statement.Sid === 'AllowCloudWatchAlarmsToPublish')).toMatchObject({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      });
    });
  });

  describe('least privilege', () => {
    it('grants no wildcard actions, and no data action on every resource', () => {
      // Act
      const statements = [...identityAllowStatements(stateful), ...identityAllowStatements(stateless)];
      const actions = statements.flatMap(actionsOf);

      // Assess
      expect(actions.length).toBeGreaterThan(20);
      expect(actions.filter((action) => action.includes('*') && !/^kms:GenerateDataKey\*$/.test(action))).toEqual([]);
      expect(statements.filter((statement) => resourcesOfStatement(statement).includes('*'))).toEqual([]);
    });

    it('lets only the functions that run intake touch the bucket and send mail (notify too), and read only the secrets they need', () => {
      // Act
      const byFunction = Object.fromEntries(
        ['IngestEmail', 'Evaluate', 'Notify', 'Api'].map((name) => [
          name,
          roleStatements(stateless, `SxIntakeStateless/${name}`).flatMap(actionsOf),
        ]),
      );

      // Assess
      for (const name of ['IngestEmail', 'Api']) {
        expect(byFunction[name]).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:ListBucket']));
      }
      for (const name of ['Evaluate', 'Notify']) {
        expect(byFunction[name]?.filter((action) => /^(s3|kms):/.test(action))).toEqual([]);
      }
      for (const name of ['IngestEmail', 'Api', 'Notify']) {
        expect(byFunction[name]).toEqual(expect.arrayContaining(['ses:SendRawEmail']));
      }
      expect(byFunction.Evaluate?.filter((action) => action.startsWith('ses:'))).toEqual([]);
      expect(byFunction.Evaluate?.filter((action) => action.startsWith('secretsmanager:'))).toEqual([]);
      const secretsOf = (name: string) =>
        roleStatements(stateless, `SxIntakeStateless/${name}`)
          .filter((statement) => actionsOf(statement).includes('secretsmanager:GetSecretValue'))
          .flatMap(resourcesOfStatement);
      // The API reads the session key and the upload-link key; the functions that mail bases their upload links
      // (acknowledgements, digests) read the upload-link key only: with it they cannot sign a staff session.
      expect(secretsOf('Api')).toEqual([
        { 'Fn::ImportValue': 'SxIntakeStateful-SessionSecretArn' },
        { 'Fn::ImportValue': 'SxIntakeStateful-UploadLinkSecretArn' },
      ]);
      for (const name of ['IngestEmail', 'Notify']) {
        expect(secretsOf(name)).toEqual([{ 'Fn::ImportValue': 'SxIntakeStateful-UploadLinkSecretArn' }]);
      }
    });

    it('lets mail go out only from the sender, through its identities and the configuration set', () => {
      // Act
      const sesStatements = identityAllowStatements(stateless).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('ses:')),
      );

      // Assess
      expect(sesStatements).toHaveLength(3);
      for (const statement of sesStatements) {
        expect(actionsOf(statement).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
        expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'notices@example.gov.cn' } });
        const resources = JSON.stringify(statement.Resource);
        expect(resources).toContain(':identity/notices@example.gov.cn');
        expect(resources).toContain(':identity/example.gov.cn');
        expect(resources).toContain(':configuration-set/');
      }
    });

    it('lets ingest-email read inbox/ and documents/ but write only documents/ and ocr/requests/ (no raw/: issue 15, item 18)', () => {
      // Prepare
      const statements = roleStatements(stateless, 'SxIntakeStateless/IngestEmail');
      const prefixesFor = (action: string) =>
        statements
          .filter((statement) => actionsOf(statement).includes(action))
          .flatMap(resourcesOfStatement)
          .map((resource) => JSON.stringify(resource).match(/"\/([a-z/]+)\/\*"/)?.[1]);

      // Act
      const read = prefixesFor('s3:GetObject');
      const write = prefixesFor('s3:PutObject');

      // Assess: and its hand-off of scans to the ocr function; staff reprocess requests come from the API.
      expect(read.sort()).toEqual(['documents', 'inbox', 'reprocess/requests']);
      expect(write.sort()).toEqual(['documents', 'ocr/requests']);
      expect(bucketPrefixesFor(identityAllowStatements(stateless), 's3:PutObject')).not.toContain('raw/');
    });

    it('lets each function list only its own prefixes (s3:prefix on ListBucket, issue 15, item 18)', () => {
      // Act
      const lists = (path: string) =>
        roleStatements(stateless, path).filter((statement) => actionsOf(statement).includes('s3:ListBucket'));

      // Assess
      expect(lists('SxIntakeStateless/IngestEmail')).toEqual([
        expect.objectContaining({
          Resource: { 'Fn::ImportValue': 'SxIntakeStateful-BucketArn' },
          Condition: {
            StringLikeIfExists: { 's3:prefix': ['inbox/*', 'documents/*', 'reprocess/requests/*', 'ocr/requests/*'] },
          },
        }),
      ]);
      for (const statement of identityAllowStatements(stateless).filter((candidate) =>
        actionsOf(candidate).includes('s3:ListBucket'),
      )) {
        expect(statement.Condition).toHaveProperty('StringLikeIfExists.s3:prefix');
      }
    });

    it('lets functions use the data key only through S3', () => {
      // Act
      // The scan-alert rule's role publishes to the alarm topic, encrypted with its own key (not data).
      const alarmKey = { 'Fn::GetAtt': [Object.keys(stateless.findResources('AWS::KMS::Key'))[0], 'Arn'] };
      const kmsStatements = identityAllowStatements(stateless).filter(
        (statement) =>
          actionsOf(statement).some((action) => action.startsWith('kms:')) &&
          JSON.stringify(statement.Resource) !== JSON.stringify(alarmKey),
      );

      // Assess
      expect(kmsStatements.length).toBeGreaterThanOrEqual(2);
      for (const statement of kmsStatements) {
        expect(statement.Resource).toEqual({ 'Fn::ImportValue': 'SxIntakeStateful-DataKeyArn' });
        expect(statement.Condition).toEqual({
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] },
          },
        });
      }
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
      // submissions.listAll (a Scan) is read by intake doctor alone, a CLI command no function imports: not granted.
      const cliOnly = new Set(['ScanCommand']);
      const folder = new URL('shared/adapters/aws/records/', repoRoot);
      const source = readdirSync(folder)
        .map((file) => readFileSync(new URL(file, folder), 'utf8'))
        .join('\n');

      // Act
      const commands = [...source.matchAll(/\b([A-Z][A-Za-z]+Command)\b(?!Input|Output)/g)].map((match) => match[1]!);
      const needed = [...new Set(commands)]
        .filter((command) => !cliOnly.has(command))
        .flatMap((command) => {
          expect(commandActions, `unknown DynamoDB command ${command}`).toHaveProperty(command);
          return commandActions[command] ?? [];
        });

      // Assess
      expect(needed.length).toBeGreaterThan(0);
      expect(recordStoreActions).toEqual(expect.arrayContaining(needed));
    });
  });
});

describe('infra stacks without SES (IMAP pickup, SMTP sending, no malware scan)', () => {
  let synth: Synthesized;
  let stateful: Template;
  let stateless: Template;

  beforeAll(() => {
    synth = synthesize(withoutSes);
    ({ stateful, stateless } = synth);
  });

  it('passes cdk-nag AwsSolutions', () => {
    // Assess
    expect(synth.nagReports).toEqual([]);
  });

  it('without a hosted-UI domain creates no domain and no sign-in client, and leaves the app unconfigured', () => {
    // Act
    const environment = environmentOf(stateless, 'SxIntakeStateless/Api');

    // Assess
    expect(stateful.findResources('AWS::Cognito::UserPoolDomain')).toEqual({});
    expect(stateless.findResources('AWS::Cognito::UserPoolClient')).toEqual({});
    expect(Object.keys(environment).filter((key) => key.startsWith('COGNITO_'))).toEqual([]);
    expect(environment.INTAKE_FILE_DOWNLOADS).toBe('redirect');
  });

  it('creates no SES resource, grants no SES action and lets SES use no key', () => {
    // Act
    const sesResources = [stateful, stateless].flatMap((template) =>
      Object.values(resourcesOf(template)).filter((resource) => resource.Type.startsWith('AWS::SES::')),
    );
    const sesActions = [...identityAllowStatements(stateful), ...identityAllowStatements(stateless)]
      .flatMap(actionsOf)
      .filter((action) => action.startsWith('ses:'));

    // Assess
    expect(sesResources).toEqual([]);
    expect(sesActions).toEqual([]);
    expect(JSON.stringify(stateful.toJSON())).not.toContain('ses.amazonaws.com');
    expect(stateless.findResources('AWS::Events::Rule')).toEqual({});
  });

  it('polls the mailbox on a schedule with one IMAP pickup at a time, the only reader of the IMAP secret', () => {
    // Prepare
    const path = 'SxIntakeStateless/ImapPickup';
    const fnId = logicalIdAt(stateless, `${path}/Resource`);

    // Act
    const readers = Object.keys(projectFunctions(stateless))
      .map((functionPath) => functionPath.replace(/\/Resource$/, ''))
      .filter((functionPath) =>
        roleStatements(stateless, functionPath).some(
          (statement) =>
            actionsOf(statement).includes('secretsmanager:GetSecretValue') &&
            JSON.stringify(statement.Resource).includes('ImapSecretArn'),
        ),
      );

    // Assess
    expect(projectFunctions(stateless)[`${path}/Resource`]?.ReservedConcurrentExecutions).toBe(1);
    expect(environmentOf(stateless, path)).toMatchObject({
      INTAKE_IMAP_HOST: 'imap.163.com',
      INTAKE_IMAP_PORT: '993',
      INTAKE_IMAP_SECURE: 'true',
      INTAKE_IMAP_USER: 'sxswtdsc@163.com',
      INTAKE_IMAP_PROCESSED_MAILBOX: '已处理',
      INTAKE_IMAP_SECRET_ARN: { 'Fn::ImportValue': 'SxIntakeStateful-ImapSecretArn' },
    });
    expect(readers).toEqual([path]);
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      // No retries of a missed poll (the next one is minutes away), at the scheduler as in Lambda (issue 15, item 18).
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600 },
      }),
    });
  });

  it('lets IMAP pickup copy mail into inbox/imap/ and keep its cursor, and nothing else', () => {
    // Prepare
    const statements = roleStatements(stateless, 'SxIntakeStateless/ImapPickup');
    const prefixesFor = (action: string) => bucketPrefixesFor(statements, action);

    // Act / Assess
    // The pickup copies mail into inbox/imap/ (ingest-email reads it from there as a stream), and keeps its cursor.
    expect(prefixesFor('s3:PutObject').sort()).toEqual(['inbox/imap/', 'state/imap/']);
    expect(prefixesFor('s3:GetObject').sort()).toEqual(['inbox/imap/', 'state/imap/']);
    // It neither records nor sends anything.
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    expect(actions.filter((action) => action.startsWith('ses:'))).toEqual([]);
  });

  it('sends mail over SMTP with the settings secret, readable by the mail-sending functions only', () => {
    // Act
    const readers = Object.keys(projectFunctions(stateless))
      .map((path) => path.replace(/\/Resource$/, ''))
      .filter((path) =>
        roleStatements(stateless, path).some((statement) =>
          JSON.stringify(statement.Resource).includes('SmtpSecretArn'),
        ),
      );

    // Assess
    for (const path of readers) {
      expect(environmentOf(stateless, path)).toMatchObject({
        INTAKE_MAILER: 'smtp',
        INTAKE_SMTP_SECRET_ARN: { 'Fn::ImportValue': 'SxIntakeStateful-SmtpSecretArn' },
      });
    }
    expect(readers.sort()).toEqual([
      'SxIntakeStateless/Api',
      'SxIntakeStateless/IngestEmail',
      'SxIntakeStateless/Notify',
    ]);
    stateful.resourceCountIs('AWS::SecretsManager::Secret', 4); // IMAP password, SMTP settings, session key, upload-link key
    stateful.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  it('takes the retention from the context, given as -c text', () => {
    // Act / Assess
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-after-retention', ExpirationInDays: 400 })]),
      },
    });
  });

  it('has the 18 alarms docs/DEPLOY.md counts for IMAP/SMTP mode: no SES or mail-feedback alarm (issue 15, item 19)', () => {
    // Act
    const names = Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).map((alarm) =>
      String(alarm.Properties.MetricName),
    );

    // Assess
    expect(names).toHaveLength(18);
    expect(names.filter((name) => name.startsWith('Reputation.'))).toEqual([]);
    expect(names.filter((name) => name === 'Errors')).toHaveLength(7);
    expect(names.filter((name) => name === 'Throttles')).toHaveLength(5);
  });

  it('without malware protection reads objects right away: no plan, no delay, no tag reads', () => {
    // Act
    const ingestQueue = stateless.findResources('AWS::SQS::Queue')[queueId(stateless, 'IngestQueue')];

    // Assess
    stateful.resourceCountIs('AWS::GuardDuty::MalwareProtectionPlan', 0);
    expect(ingestQueue?.Properties.DelaySeconds).toBeUndefined();
    expect(environmentOf(stateless, 'SxIntakeStateless/IngestEmail')).not.toHaveProperty('MALWARE_SCAN');
    expect(environmentOf(stateless, 'SxIntakeStateless/Api')).not.toHaveProperty('MALWARE_SCAN');
    expect(identityAllowStatements(stateless).flatMap(actionsOf)).not.toContain('s3:GetObjectTagging');
  });
});

describe('infra stacks with IMAP pickup and the malware scan on', () => {
  let stateless: Template;

  beforeAll(() => {
    ({ stateless } = synthesize({ ...withoutSes, malwareProtection: true }));
  });

  it('has IMAP pickup store mail under inbox/imap/ for the scanned S3 event path', () => {
    // Prepare
    const statements = roleStatements(stateless, 'SxIntakeStateless/ImapPickup');
    const prefixesFor = (action: string) => bucketPrefixesFor(statements, action);

    // Act / Assess
    expect(prefixesFor('s3:PutObject').sort()).toEqual(['inbox/imap/', 'state/imap/']);
    expect(prefixesFor('s3:GetObject').sort()).toEqual(['inbox/imap/', 'state/imap/']);
    expect(environmentOf(stateless, 'SxIntakeStateless/IngestEmail')).toMatchObject({ MALWARE_SCAN: 'required' });
  });
});

describe('cdk-nag', () => {
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
    expect(() => buildApp({ receiving: 'pop3' })).toThrow(/receiving/);
  });

  it('rejects a hosted-UI prefix Cognito would refuse and an API domain that is not a host name', () => {
    // Act / Assess
    expect(() => buildApp({ cognitoDomainPrefix: 'SX_Intake' })).toThrow(/cognitoDomainPrefix/);
    expect(() => buildApp({ cognitoDomainPrefix: 'sx-cognito-intake' })).toThrow(/cognitoDomainPrefix/);
    expect(() => buildApp({ apiDomainName: 'https://intake.example.gov.cn/' })).toThrow(/apiDomainName/);
  });

  it('registers a custom API domain as a second sign-in callback', () => {
    // Act
    const { stacks } = buildApp({ apiDomainName: 'intake.example.gov.cn' });
    const client = Object.values(Template.fromStack(stacks.stateless).findResources('AWS::Cognito::UserPoolClient'))[0];

    // Assess
    expect(client?.Properties.CallbackURLs).toContain('https://intake.example.gov.cn/auth/callback');
    expect(client?.Properties.LogoutURLs).toContain('https://intake.example.gov.cn/login');
  });

  it('refuses to synthesize without an alarm address, saying how to give one (issue 15, item 17)', () => {
    // Act / Assess
    expect(() => buildApp({ alarmEmail: '' })).toThrow(/required: the address alarms are sent to[\s\S]*alarmEmail/);
    expect(() => buildApp({ alarmEmail: 'ops' })).toThrow(/not an e-mail address[\s\S]*alarmEmail/);
  });

  it('asks for the IMAP server and login when receiving over IMAP', () => {
    // Act / Assess
    expect(() => buildApp({ receiving: 'imap', imapHost: '', imapUser: '' })).toThrow(/imapHost[\s\S]*imapUser/);
  });

  it('takes "false" from the command line as false', () => {
    // Act
    const { stacks } = buildApp({ createSesIdentity: 'false' });

    // Assess
    expect(identityDomains(stacks)).toEqual([]);
  });

  it('verifies the mail domain once when mailbox and sender share it, and each domain otherwise', () => {
    // Act
    const shared = identityDomains(buildApp().stacks);
    const separate = identityDomains(buildApp({ mailFrom: 'notices@mail.example.gov.cn' }).stacks);

    // Assess
    expect(shared).toEqual(['example.gov.cn']);
    expect(separate.sort()).toEqual(['example.gov.cn', 'mail.example.gov.cn']);
  });
});
