/**
 * What holds data and must outlive any deployment of code: the KMS key and the bucket (raw mail, documents,
 * uploads), the table, the staff user pool, the mail identities (SES receipt rule set, sending identity and its
 * configuration set; or the IMAP/SMTP secrets where SES is not used) and the malware scan of the bucket.
 * Everything that holds data is retained when the stack is deleted.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { CfnMalwareProtectionPlan } from 'aws-cdk-lib/aws-guardduty';
import { AnyPrincipal, Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  type IReceiptRuleAction,
  type ReceiptRuleActionConfig,
  ReceiptRuleSet,
  SuppressionReasons,
  TlsPolicy,
} from 'aws-cdk-lib/aws-ses';
import { Stop } from 'aws-cdk-lib/aws-ses-actions';
import type { Construct } from 'constructs';
import { TABLE_KEYS } from '../shared/adapters/aws/table.ts';
import { acknowledgeWildcardResources } from './nag.ts';

/** Key prefixes of the one bucket; the S3 adapter and the IAM grants both follow them. */
export const bucketPrefixes = {
  /** Raw MIME written by the SES receipt rule (and by staff dropping .eml files); triggers intake. */
  inbox: 'inbox/',
  /** Mail IMAP pickup stores for ingest (with malware scanning on), INTERNALDATE in its metadata; inside inbox/. */
  inboxImap: 'inbox/imap/',
  /** Completed upload-portal sessions, composed as messages; inside inbox/. */
  inboxUpload: 'inbox/upload/',
  /** Raw messages as stored by intake. */
  raw: 'raw/',
  /** Attachments and archive entries, content-addressed. */
  documents: 'documents/',
  /** Files uploaded through the portal (presigned POST) and their session records; expired after a week. */
  uploads: 'uploads/',
  /** Pickup state (the IMAP cursor), rewritten on every poll. */
  imapState: 'state/imap/',
  /** Scans handed to the ocr function by ingest; each object's notification invokes it. */
  ocrRequests: 'ocr/requests/',
  /** Staff reprocess requests the API hands to ingest (through the ingest queue and the scan gate). */
  reprocessRequests: 'reprocess/requests/',
  /** File packages (zip) built for download, and the API's requests for them; removed after a day or two. */
  bundles: 'bundles/',
  /** Package requests the API hands to the bundle-build function; each object's notification invokes it. */
  bundleRequests: 'bundles/requests/',
  /** Built packages, handed out as presigned links. */
  bundleFiles: 'bundles/files/',
} as const;

/** Days the upload portal's files (and session records) are kept under uploads/. */
export const uploadRetentionDays = 7;

/** The prefixes GuardDuty scans: where files from outside first land. */
export const scannedPrefixes = [bucketPrefixes.inbox, bucketPrefixes.uploads];

/** The receipt rule that stores submissions (its name is part of the KMS key policy). */
export const receiptRuleName = 'store-submission';

/** Days a replaced or deleted object version stays recoverable. */
export const noncurrentVersionDays = 90;

/**
 * What the stateless stack needs, as CloudFormation imports of exports with fixed names: unlike automatic
 * cross-stack references, they stay the same string in every synth, so policies and acknowledgements built on them
 * are stable, and renaming a construct here cannot break the consumer.
 */
export interface StatefulRefs {
  bucketName: string;
  bucketArn: string;
  /** The KMS key the bucket's objects are encrypted with. */
  dataKeyArn: string;
  tableName: string;
  tableArn: string;
  userPoolId: string;
  /** The app client whose tokens the HTTP API accepts. */
  userPoolClientId: string;
  /** cognitoDomainPrefix set: base URL of the pool's hosted UI (its sign-in client is in the stateless stack). */
  userPoolDomainUrl?: string;
  /** receiving=imap: the secret holding the mailbox password. */
  imapSecretArn?: string;
  /** sending=smtp: the secret holding the SMTP settings. */
  smtpSecretArn?: string;
  /** sending=ses: the configuration set that publishes bounces and complaints. */
  configurationSetName?: string;
  /** malwareProtection: the GuardDuty plan whose scan results the alarms watch. */
  malwareProtectionPlanArn?: string;
  /** The key the HTTP app signs its sessions and city links with. */
  sessionSecretArn: string;
  /** The key bases' own upload links are signed with (API, and the functions that send them: ingest, notify). */
  uploadLinkSecretArn: string;
}

/** Settings of the stateful stack. */
export interface StatefulStackProps extends StackProps {
  /** The address the bases write to (the SES recipient when receiving=ses). */
  readonly mailbox: string;
  /** The notices' sender; with sending=ses its domain is the sending identity. */
  readonly mailFrom: string;
  /** Whether to create the SES domain identities (false when they already exist in the account). */
  readonly createSesIdentity: boolean;
  /** SES receipt rule, or IMAP pickup (no receipt rule; a password secret instead). */
  readonly receiving: 'ses' | 'imap';
  /** SES identity and configuration set, or SMTP (a settings secret instead). */
  readonly sending: 'ses' | 'smtp';
  /** Days objects are kept (raw mail, documents, uploads). */
  readonly retentionDays: number;
  /** GuardDuty Malware Protection for S3 on the scanned prefixes. */
  readonly malwareProtection: boolean;
  /** Prefix of the hosted UI's domain (`<prefix>.auth.<region>.amazoncognito.com`); empty for no hosted UI. */
  readonly cognitoDomainPrefix?: string;
  /** A custom domain the HTTP API is also served at: the upload page's origin there may read the bucket's answers. */
  readonly apiDomainName?: string;
}

/** Key, bucket, table, user pool, mail identities, secrets and malware scan. */
export class StatefulStack extends Stack {
  /** Encrypts the bucket's objects. */
  readonly dataKey: Key;
  /** The bucket with the `inbox/`, `raw/`, `documents/`, `uploads/` and `state/` prefixes. */
  readonly bucket: Bucket;
  /** The single table (`pk`/`sk`, `gsi1`, `gsi2`). */
  readonly table: Table;
  /** Staff accounts (admin-created, MFA required). */
  readonly userPool: UserPool;
  /** The client the staff app and CLI sign in with. */
  readonly userPoolClient: UserPoolClient;
  /** receiving=ses: the receipt rule set; SES uses it only once it is the active one (see the stack output). */
  readonly receiptRuleSet?: ReceiptRuleSet;
  /** Everything the stateless stack needs, as imports. */
  readonly refs: StatefulRefs;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const ruleSetName = `${this.stackName}-receipt-rules`;

    this.dataKey = new Key(this, 'DataKey', {
      alias: `alias/${this.stackName}-data`,
      description: 'Evaluation intake: raw mail, documents and uploads in the data bucket',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.receiving === 'ses') {
      // SES writes received mail into the SSE-KMS bucket, in parts above 5 MB: it needs a data key and, for the
      // parts, Decrypt; only for this account's receipt rules of this rule set.
      this.dataKey.addToResourcePolicy(
        new PolicyStatement({
          sid: 'AllowSesReceiptRuleToStoreMail',
          principals: [new ServicePrincipal('ses.amazonaws.com')],
          actions: ['kms:GenerateDataKey*', 'kms:Encrypt', 'kms:Decrypt'],
          resources: ['*'],
          conditions: {
            StringEquals: { 'aws:SourceAccount': this.account },
            ArnLike: {
              'aws:SourceArn': this.formatArn({
                service: 'ses',
                resource: 'receipt-rule-set',
                resourceName: `${ruleSetName}:receipt-rule/*`,
              }),
            },
          },
        }),
      );
    }

    const accessLogs = new Bucket(this, 'AccessLogs', {
      // Server access logs can only be delivered to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket itself; logging it into itself would log its own log writes.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      // One data key per bucket instead of per object: KMS requests (and their cost) drop by orders of magnitude.
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // Submissions are evidence of what arrived when: an overwrite or delete must stay recoverable.
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'intake-bucket/',
      // The portal page posts files straight to the bucket with presigned forms and must read the answer; what may
      // be stored is decided by each form's signed policy. Only the page's origins may read the answers: the HTTP
      // API's own URL (its id is known only once the stateless stack exists, so any execute-api host of this region)
      // and its custom domain.
      cors: [
        {
          id: 'portal-presigned-post',
          allowedMethods: [HttpMethods.POST],
          allowedOrigins: portalOrigins(this, props.apiDomainName),
          maxAge: 3600,
        },
      ],
      lifecycleRules: [
        {
          id: 'expire-after-retention',
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(noncurrentVersionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        {
          // Portal files are copied into the composed message at completion; a session not completed in a week is
          // abandoned. Versions go too: the bucket is versioned.
          id: 'expire-portal-uploads',
          prefix: bucketPrefixes.uploads,
          expiration: Duration.days(uploadRetentionDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          // A reprocess request is read within minutes (or parked in the ingest DLQ, kept 14 days); the audit
          // record is what stays.
          id: 'expire-reprocess-requests',
          prefix: bucketPrefixes.reprocessRequests,
          expiration: Duration.days(30),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          // A package is handed out for 12 hours after it is built (shared/use-cases/bundle-jobs.ts), then asked
          // for again: a copy of stored files, nothing is lost with it.
          id: 'expire-file-packages',
          prefix: bucketPrefixes.bundles,
          expiration: Duration.days(2),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          // The IMAP cursor is rewritten every few minutes; its old versions are worth nothing.
          id: 'expire-replaced-pickup-state',
          prefix: 'state/',
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE_KEYS.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }

    this.userPool = this.staffUserPool();
    this.userPoolClient = this.userPool.addClient('StaffClient', {
      generateSecret: false,
      // Tokens for the JSON API come from InitiateAuth; the pages' hosted-UI sign-in has its own client in the
      // stateless stack, whose callback is the HTTP API's URL.
      disableOAuth: true,
      // Users may change their own standard attributes, never their role's city (custom:city, set by staff).
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
      // SRP for the web app; USER_PASSWORD_AUTH (over TLS) so staff can get a token with the AWS CLI (DEPLOY.md).
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    const configurationSet = props.sending === 'ses' ? this.sendingConfigurationSet() : undefined;
    if (props.createSesIdentity) this.sesIdentities(props, configurationSet);

    let imapSecret: Secret | undefined;
    if (props.receiving === 'ses') {
      this.receiptRuleSet = new ReceiptRuleSet(this, 'ReceiptRules', {
        receiptRuleSetName: ruleSetName,
        rules: [
          {
            receiptRuleName,
            recipients: [props.mailbox],
            // Spam and virus verdicts are recorded, not acted on: a flagged submission is still a submission.
            scanEnabled: true,
            // Optional: some senders' servers (bases, city bureaus) do not offer STARTTLS; refusing them loses mail.
            tlsPolicy: TlsPolicy.OPTIONAL,
            // With the bucket policy statement letting ses.amazonaws.com put under inbox/ for this rule only.
            actions: [new StoreInBucket(this.bucket, bucketPrefixes.inbox, ruleSetName), new Stop()],
          },
        ],
      });
      new CfnOutput(this, 'ActivateReceiptRuleSet', {
        description: 'SES receives with the active rule set only; CloudFormation cannot activate one.',
        value: `aws ses set-active-receipt-rule-set --rule-set-name ${ruleSetName}`,
      });
    } else {
      imapSecret = this.credentialSecret(
        'ImapPassword',
        'IMAP password of the intake mailbox (set the real one after deploying: see docs/DEPLOY.md)',
      );
    }
    const smtpSecret =
      props.sending === 'smtp'
        ? this.credentialSecret(
            'SmtpSettings',
            'SMTP settings for notices, JSON {"host","port","secure","user","pass"} (see docs/DEPLOY.md)',
          )
        : undefined;

    const malwarePlan = props.malwareProtection ? this.malwareProtection() : undefined;
    const sessionSecret = this.signingKey(
      'SessionSecret',
      'Key the HTTP app signs staff sessions and per-city links with',
      'every session and every city link sent to the bureaus',
    );
    // Bases' own upload links have a key of their own: the functions that mail them (ingest, notify) hold it, and
    // with it they can sign an upload link, never a staff session.
    const uploadLinkSecret = this.signingKey(
      'UploadLinkSecret',
      'Key the upload links sent to the bases are signed with',
      'every upload link mailed to the bases during a round',
    );

    // The hosted UI's domain lives with the pool: its URL is what staff bookmark and what survives a redeploy of code.
    const hostedUi = props.cognitoDomainPrefix
      ? this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: props.cognitoDomainPrefix } })
      : undefined;

    const exportAs = (value: string, name: string) => this.exportValue(value, { name: `${this.stackName}-${name}` });
    this.refs = {
      bucketName: exportAs(this.bucket.bucketName, 'BucketName'),
      bucketArn: exportAs(this.bucket.bucketArn, 'BucketArn'),
      dataKeyArn: exportAs(this.dataKey.keyArn, 'DataKeyArn'),
      tableName: exportAs(this.table.tableName, 'TableName'),
      tableArn: exportAs(this.table.tableArn, 'TableArn'),
      userPoolId: exportAs(this.userPool.userPoolId, 'UserPoolId'),
      userPoolClientId: exportAs(this.userPoolClient.userPoolClientId, 'UserPoolClientId'),
      ...(hostedUi ? { userPoolDomainUrl: exportAs(hostedUi.baseUrl(), 'UserPoolDomainUrl') } : {}),
      ...(imapSecret ? { imapSecretArn: exportAs(imapSecret.secretArn, 'ImapSecretArn') } : {}),
      ...(smtpSecret ? { smtpSecretArn: exportAs(smtpSecret.secretArn, 'SmtpSecretArn') } : {}),
      ...(configurationSet
        ? { configurationSetName: exportAs(configurationSet.configurationSetName, 'ConfigurationSetName') }
        : {}),
      ...(malwarePlan ? { malwareProtectionPlanArn: exportAs(malwarePlan.attrArn, 'MalwareProtectionPlanArn') } : {}),
      sessionSecretArn: exportAs(sessionSecret.secretArn, 'SessionSecretArn'),
      uploadLinkSecretArn: exportAs(uploadLinkSecret.secretArn, 'UploadLinkSecretArn'),
    };
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }

  /**
   * Sign-in for the division's staff and the city bureaus: no self sign-up, MFA (TOTP) required, strong passwords.
   * The HTTP app reads the role from the groups (`staff`, `bureau`) and a bureau's city from `custom:city`.
   */
  private staffUserPool(): UserPool {
    const pool = new UserPool(this, 'StaffUsers', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      customAttributes: { city: new StringAttribute({ minLen: 1, maxLen: 32, mutable: true }) },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plusPlanReason =
      'Threat protection (advanced security) needs the Plus feature plan, billed per monthly active user; the pool ' +
      'holds a few admin-created staff accounts with MFA required and no self sign-up. Turn it on if wanted.';
    Validations.of(pool).acknowledge({ id: 'AwsSolutions-COG3', reason: plusPlanReason });
    Validations.of(pool).acknowledge({ id: 'AwsSolutions-COG8', reason: plusPlanReason });
    new UserPoolGroup(this, 'StaffGroup', {
      userPool: pool,
      groupName: 'staff',
      description: '电商处工作人员: everything',
    });
    new UserPoolGroup(this, 'BureauGroup', {
      userPool: pool,
      groupName: 'bureau',
      description: '市商务局: its own city (custom:city) only, read-only',
    });
    return pool;
  }

  /** Publishes bounces, complaints, rejects and delays to the default EventBridge bus (-> a queue in stateless). */
  private sendingConfigurationSet(): ConfigurationSet {
    const configurationSet = new ConfigurationSet(this, 'MailConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      // Optional, as for receiving: a bureau's server without STARTTLS must still get its notice.
      tlsPolicy: ConfigurationSetTlsPolicy.OPTIONAL,
    });
    new ConfigurationSetEventDestination(this, 'MailFeedbackToEventBridge', {
      configurationSet,
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.DELIVERY_DELAY,
        EmailSendingEvent.RENDERING_FAILURE,
      ],
    });
    return configurationSet;
  }

  /** The domain identities SES needs: the mailbox's to receive, the sender's to send (with its configuration set). */
  private sesIdentities(props: StatefulStackProps, configurationSet?: ConfigurationSet): void {
    const domains = new Map<string, ConfigurationSet | undefined>();
    if (props.receiving === 'ses') domains.set(domainOf(props.mailbox), undefined);
    if (props.sending === 'ses') domains.set(domainOf(props.mailFrom), configurationSet);
    for (const [domain, set] of domains) {
      new EmailIdentity(this, `Identity-${domain}`, {
        identity: Identity.domain(domain),
        ...(set ? { configurationSet: set } : {}),
      });
    }
  }

  /** A secret holding credentials of an outside mail server; the value is set by the operator after deploying. */
  private credentialSecret(id: string, description: string): Secret {
    const secret = new Secret(this, id, {
      description,
      // A random placeholder, so nothing usable is ever in the template; DEPLOY.md says how to put the real one.
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The credential belongs to an outside mail provider (e.g. 163.com or the bureau mail server), which cannot ' +
        'be rotated by a Lambda here; it is changed at the provider and then put into the secret (DEPLOY.md).',
    });
    return secret;
  }

  /**
   * GuardDuty Malware Protection for S3 on the scanned prefixes, tagging each object with its verdict
   * (GuardDutyMalwareScanStatus), with the service role AWS documents for it, scoped to those prefixes; and a bucket
   * policy that lets no one but that role write the tags, so a verdict cannot be forged by anyone who can write
   * objects.
   */
  /** A generated signing key (64 characters), kept on stack deletion and rotated by hand between rounds. */
  private signingKey(id: string, description: string, rotationEnds: string): Secret {
    const secret = new Secret(this, id, {
      description,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: `Rotating it ends ${rotationEnds}; it is rotated by hand between rounds (put-secret-value, DEPLOY.md), not on a timer.`,
    });
    return secret;
  }

  private malwareProtection(): CfnMalwareProtectionPlan {
    const role = new Role(this, 'MalwareProtectionRole', {
      assumedBy: new ServicePrincipal('malware-protection-plan.guardduty.amazonaws.com'),
      description: 'GuardDuty Malware Protection for S3 of the intake bucket',
    });
    const managedRuleArn = this.formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: 'DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*',
    });
    const scannedObjects = scannedPrefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`));
    const validationObject = this.bucket.arnForObjects('malware-protection-resource-validation-object');
    const policy = new Policy(this, 'MalwareProtectionPolicy', {
      roles: [role],
      statements: [
        new PolicyStatement({
          sid: 'AllowManagedRuleToSendS3EventsToGuardDuty',
          actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
          resources: [managedRuleArn],
          conditions: { StringLike: { 'events:ManagedBy': 'malware-protection-plan.guardduty.amazonaws.com' } },
        }),
        new PolicyStatement({
          sid: 'AllowGuardDutyToMonitorEventBridgeManagedRule',
          actions: ['events:DescribeRule', 'events:ListTargetsByRule'],
          resources: [managedRuleArn],
        }),
        new PolicyStatement({
          sid: 'AllowPostScanTag',
          actions: [
            's3:PutObjectTagging',
            's3:GetObjectTagging',
            's3:PutObjectVersionTagging',
            's3:GetObjectVersionTagging',
          ],
          resources: scannedObjects,
        }),
        new PolicyStatement({
          sid: 'AllowEnableS3EventBridgeEvents',
          actions: ['s3:PutBucketNotification', 's3:GetBucketNotification'],
          resources: [this.bucket.bucketArn],
        }),
        new PolicyStatement({
          sid: 'AllowPutValidationObject',
          actions: ['s3:PutObject'],
          resources: [validationObject],
        }),
        new PolicyStatement({
          sid: 'AllowCheckBucketOwnership',
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
        }),
        new PolicyStatement({
          sid: 'AllowMalwareScan',
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: scannedObjects,
        }),
        new PolicyStatement({
          sid: 'AllowDecryptForMalwareScan',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [this.dataKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${this.region}.${this.urlSuffix}` } },
        }),
      ],
    });
    acknowledgeWildcardResources(
      policy,
      [managedRuleArn, ...scannedObjects],
      'The service role AWS documents for Malware Protection for S3: the EventBridge managed rule GuardDuty names ' +
        'itself, and the objects under the scanned prefixes (keys unknown at deploy time).',
    );

    // Only GuardDuty's role may set or remove tags: a function or a person able to write objects cannot mark one clean.
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyGuardDutyWritesScanTags',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: [
          's3:PutObjectTagging',
          's3:PutObjectVersionTagging',
          's3:DeleteObjectTagging',
          's3:DeleteObjectVersionTagging',
        ],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } },
      }),
    );

    const plan = new CfnMalwareProtectionPlan(this, 'MalwareProtectionPlan', {
      role: role.roleArn,
      protectedResource: { s3Bucket: { bucketName: this.bucket.bucketName, objectPrefixes: scannedPrefixes } },
      actions: { tagging: { status: 'ENABLED' } },
    });
    // GuardDuty checks the role's permissions when the plan is created.
    plan.node.addDependency(policy);
    return plan;
  }
}

/**
 * The origins the upload page is served from: any execute-api host of the stack's region (the API's id is not known
 * here) and the custom domain, if any.
 */
export function portalOrigins(stack: Stack, apiDomainName?: string): string[] {
  return [
    `https://*.execute-api.${stack.region}.${stack.urlSuffix}`,
    ...(apiDomainName ? [`https://${apiDomainName}`] : []),
  ];
}

/**
 * The receipt rule's S3 action, as aws-ses-actions' S3 builds it, but with a bucket policy statement that names the
 * rule (aws:SourceArn) beside the account: the L2 action conditions on aws:SourceAccount only, so any receipt rule
 * of the account could write under inbox/ and be taken for a submission.
 */
class StoreInBucket implements IReceiptRuleAction {
  constructor(
    private readonly bucket: Bucket,
    private readonly prefix: string,
    private readonly ruleSetName: string,
  ) {}

  bind(rule: Parameters<IReceiptRuleAction['bind']>[0]): ReceiptRuleActionConfig {
    const stack = Stack.of(this.bucket);
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowSesReceiptRuleToPutMail',
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${this.prefix}*`)],
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'ses',
              resource: 'receipt-rule-set',
              resourceName: `${this.ruleSetName}:receipt-rule/${receiptRuleName}`,
            }),
          },
        },
      }),
    );
    // SES checks that it may write when the rule is created.
    const policy = this.bucket.policy;
    if (policy) rule.node.addDependency(policy);
    return { s3Action: { bucketName: this.bucket.bucketName, objectKeyPrefix: this.prefix } };
  }
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
