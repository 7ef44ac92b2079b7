/**
 * Deployment settings read from CDK context (`cdk.json`, overridable with `-c key=value`). A new round, mailbox or
 * region is a context change, not a code change.
 */
import type { Node } from 'constructs';
import { z } from 'zod';

// `-c flag=false` arrives as the string "false", cdk.json as a boolean: accept both.
const contextBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
// `-c days=365` arrives as a string, cdk.json as a number.
const contextInteger = z.coerce.number().int();

const scheduleExpression = z
  .string()
  .regex(/^(cron|rate)\(.+\)$/, 'expected an EventBridge Scheduler expression such as cron(0 9 * * ? *)');

/** The context keys this app reads, validated; keys with a default may be left out of cdk.json. */
export const deploymentConfigSchema = z
  .object({
    /** The address the bases send their submissions to (the SES recipient, or the IMAP mailbox's address). */
    mailbox: z.email(),
    /** The sender of notices and acknowledgements (an SES-verified identity, or the SMTP account's address). */
    mailFrom: z.email(),
    /** The campaign round the functions serve (see shared/domain). */
    roundId: z.string().min(1),
    /** IANA time zone the schedules fire in. */
    scheduleTimeZone: z.string().min(1),
    /** When city notices go out. */
    noticeSchedule: scheduleExpression,
    /** When statuses are recomputed without new mail (e.g. right after the deadline day ends). */
    evaluateSchedule: scheduleExpression,
    /**
     * Where alarm notifications go (the topic's e-mail subscription). Required: a deployment whose alarms reach no one
     * is not monitored. `-c alarmEmail=ops@example.gov.cn` or cdk.json.
     */
    alarmEmail: z.email({
      error: (issue) =>
        issue.input === '' || issue.input === undefined
          ? 'required: the address alarms are sent to (cdk.json "alarmEmail" or -c alarmEmail=ops@example.gov.cn)'
          : 'not an e-mail address',
    }),
    /** Whether this app owns the SES domain identities it uses (false when they already exist in the account). */
    createSesIdentity: contextBoolean,
    /** How mail comes in: an SES receipt rule (regions with SES receiving), or IMAP pickup from an existing mailbox. */
    receiving: z.enum(['ses', 'imap']).default('ses'),
    /** How notices go out: SES, or an SMTP server whose settings live in a secret (regions without SES). */
    sending: z.enum(['ses', 'smtp']).default('ses'),
    /** Days raw mail, documents and uploads are kept before S3 expires them (the round's retention; 3 years). */
    retentionDays: contextInteger.pipe(z.number().min(30)).default(1095),
    /** GuardDuty Malware Protection for S3 on inbox/ and uploads/, gating intake on its verdict. */
    malwareProtection: contextBoolean.default(true),
    /** IMAP server of the mailbox (receiving=imap), e.g. imap.163.com. */
    imapHost: z.string().default(''),
    /** IMAP port; 993 is implicit TLS. */
    imapPort: contextInteger.pipe(z.number().min(1).max(65535)).default(993),
    /** Implicit TLS; false for 143 with STARTTLS. */
    imapSecure: contextBoolean.default(true),
    /** IMAP login, usually the mailbox address. */
    imapUser: z.string().default(''),
    /** Folder processed mail is moved to; empty to flag it where it is. */
    imapProcessedMailbox: z.string().default(''),
    /** How often the mailbox is polled. */
    imapSchedule: scheduleExpression.default('rate(5 minutes)'),
    /**
     * Prefix of the Cognito hosted UI's domain, unique in the region (`<prefix>.auth.<region>.amazoncognito.com`),
     * through which staff sign in to the pages; empty for none (then only per-city links open pages in AWS).
     */
    cognitoDomainPrefix: z
      .union([
        z.literal(''),
        z
          .string()
          .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and hyphens')
          .refine((prefix) => !/aws|amazon|cognito/.test(prefix), 'may not contain aws, amazon or cognito'),
      ])
      .default(''),
    /** A custom domain the HTTP API is also served at (e.g. intake.example.gov.cn): registered as a sign-in callback. */
    apiDomainName: z
      .union([z.literal(''), z.string().regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/i, 'a host name')])
      .default(''),
  })
  .superRefine((config, ctx) => {
    if (config.receiving !== 'imap') return;
    for (const key of ['imapHost', 'imapUser'] as const) {
      if (!config[key]) ctx.addIssue({ code: 'custom', path: [key], message: `required when receiving is "imap"` });
    }
  });

/** Validated deployment settings. */
export type DeploymentConfig = z.output<typeof deploymentConfigSchema>;

/** Reads and validates the deployment settings from a construct's context; throws naming every bad key. */
export function readDeploymentConfig(node: Node): DeploymentConfig {
  const keys = Object.keys(deploymentConfigSchema.shape);
  // An absent key stays absent (not null), so its default applies.
  const raw = Object.fromEntries(
    keys.map((key) => [key, node.tryGetContext(key) ?? undefined]).filter(([, value]) => value !== undefined),
  );
  const parsed = deploymentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`invalid CDK context (cdk.json or -c):\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
