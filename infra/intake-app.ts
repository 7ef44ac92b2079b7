/**
 * Assembles the app: both stacks wired by props, and the cdk-nag AwsSolutions checks. Shared by `infra/app.ts`
 * (cdk synth/deploy) and the infra tests, so the tests check exactly what gets deployed.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { DeploymentConfig } from './config.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

/** The two stacks of one deployment. */
export interface IntakeStacks {
  /** Key, bucket, table, user pool, mail identities, secrets, malware scan. */
  stateful: StatefulStack;
  /** Functions, queues, schedules, event routes, HTTP API, alarms. */
  stateless: StatelessStack;
}

/** Adds both stacks and the cdk-nag checks to an app. */
export function defineIntakeApp(app: App, config: DeploymentConfig): IntakeStacks {
  // The CLI's default account and region where it knows them (offline: no account, region us-east-1); tests: none.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  // Stack tags: CloudFormation applies them to every resource, for cost reports and inventory.
  const tags = { project: 'sx-livestream-intake', round: config.roundId };
  const stateful = new StatefulStack(app, 'SxIntakeStateful', {
    env,
    tags,
    description: 'Evaluation intake (山西省直播电商基地综合评价材料收取): data - bucket, table, users, mail identities',
    mailbox: config.mailbox,
    mailFrom: config.mailFrom,
    createSesIdentity: config.createSesIdentity,
    receiving: config.receiving,
    sending: config.sending,
    retentionDays: config.retentionDays,
    malwareProtection: config.malwareProtection,
    cognitoDomainPrefix: config.cognitoDomainPrefix,
    apiDomainName: config.apiDomainName,
  });
  const stateless = new StatelessStack(app, 'SxIntakeStateless', {
    env,
    tags,
    description: 'Evaluation intake: code - functions, queues, schedules, HTTP API, alarms',
    refs: stateful.refs,
    mailFrom: config.mailFrom,
    roundId: config.roundId,
    scheduleTimeZone: config.scheduleTimeZone,
    noticeSchedule: config.noticeSchedule,
    evaluateSchedule: config.evaluateSchedule,
    alarmEmail: config.alarmEmail,
    receiving: config.receiving,
    sending: config.sending,
    malwareProtection: config.malwareProtection,
    apiDomainName: config.apiDomainName,
    ...(config.receiving === 'imap'
      ? {
          imap: {
            host: config.imapHost,
            port: config.imapPort,
            secure: config.imapSecure,
            user: config.imapUser,
            processedMailbox: config.imapProcessedMailbox,
            schedule: config.imapSchedule,
          },
        }
      : {}),
  });
  // The refs are plain imports, not automatic references: the deploy order is stated here.
  stateless.addStackDependency(stateful);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless };
}
