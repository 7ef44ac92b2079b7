/**
 * What holds data and must outlive any deployment of code: the bucket (raw mail, documents, uploads), the table,
 * and the SES receipt rule that drops incoming mail into the bucket. Everything here is retained on delete.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { EmailIdentity, Identity, ReceiptRuleSet, TlsPolicy } from 'aws-cdk-lib/aws-ses';
import { S3 as S3Action, Stop } from 'aws-cdk-lib/aws-ses-actions';
import type { Construct } from 'constructs';
import { TABLE_KEYS } from '../shared/adapters/aws/table.ts';

/** Key prefixes of the one bucket; the S3 adapter and the IAM grants both follow them. */
export const bucketPrefixes = {
  /** Raw MIME written by the SES receipt rule (and by staff dropping .eml files); triggers intake. */
  inbox: 'inbox/',
  /** Raw messages as stored by intake. */
  raw: 'raw/',
  /** Attachments and archive entries, content-addressed. */
  documents: 'documents/',
  /** Files uploaded through the portal (presigned PUT/POST). */
  uploads: 'uploads/',
} as const;

/**
 * What the stateless stack needs, as CloudFormation imports of exports with fixed names: unlike automatic
 * cross-stack references, they stay the same string in every synth, so policies and acknowledgements built on them
 * are stable, and renaming a construct here cannot break the consumer.
 */
export interface StorageRefs {
  bucketName: string;
  bucketArn: string;
  tableName: string;
  tableArn: string;
}

/** Settings of the stateful stack. */
export interface StatefulStackProps extends StackProps {
  /** The recipient address SES accepts mail for, e.g. intake@example.gov.cn. */
  readonly mailbox: string;
  /** The notices' sender; its domain is verified together with the mailbox's. */
  readonly mailFrom: string;
  /** Whether to create the SES domain identities (false when they already exist in the account). */
  readonly createSesIdentity: boolean;
}

/** Bucket, table and SES receipt rule. */
export class StatefulStack extends Stack {
  /** The bucket with the `inbox/`, `raw/`, `documents/` and `uploads/` prefixes. */
  readonly bucket: Bucket;
  /** The single table (`pk`/`sk`, `gsi1`, `gsi2`). */
  readonly table: Table;
  /** The receipt rule set; SES uses it only once it is made the active one (see the stack output). */
  readonly receiptRuleSet: ReceiptRuleSet;
  /** Bucket and table as imports for the stateless stack. */
  readonly storage: StorageRefs;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket itself; logging it into itself would log its own log writes.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // Submissions are evidence of what arrived when: an overwrite or delete must stay recoverable.
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'intake-bucket/',
      lifecycleRules: [
        {
          id: 'expire-replaced-versions',
          noncurrentVersionExpiration: Duration.days(365),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE_KEYS.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }

    if (props.createSesIdentity) {
      const domains = new Set([domainOf(props.mailbox), domainOf(props.mailFrom)]);
      for (const domain of domains) {
        new EmailIdentity(this, `Identity-${domain}`, { identity: Identity.domain(domain) });
      }
    }

    this.receiptRuleSet = new ReceiptRuleSet(this, 'ReceiptRules', {
      rules: [
        {
          receiptRuleName: 'store-submission',
          recipients: [props.mailbox],
          // Spam and virus verdicts are recorded, not acted on: a flagged submission is still a submission.
          scanEnabled: true,
          // Optional: some senders' servers (bases, city bureaus) do not offer STARTTLS; refusing them loses mail.
          tlsPolicy: TlsPolicy.OPTIONAL,
          // The S3 action also adds the bucket policy statement letting ses.amazonaws.com put under inbox/
          // for this account only (aws:SourceAccount).
          actions: [new S3Action({ bucket: this.bucket, objectKeyPrefix: bucketPrefixes.inbox }), new Stop()],
        },
      ],
    });

    const exportAs = (value: string, name: string) => this.exportValue(value, { name: `${this.stackName}-${name}` });
    this.storage = {
      bucketName: exportAs(this.bucket.bucketName, 'BucketName'),
      bucketArn: exportAs(this.bucket.bucketArn, 'BucketArn'),
      tableName: exportAs(this.table.tableName, 'TableName'),
      tableArn: exportAs(this.table.tableArn, 'TableArn'),
    };

    new CfnOutput(this, 'ActivateReceiptRuleSet', {
      description: 'SES receives with the active rule set only; CloudFormation cannot activate one.',
      value: `aws ses set-active-receipt-rule-set --rule-set-name ${this.receiptRuleSet.receiptRuleSetName}`,
    });
  }
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
