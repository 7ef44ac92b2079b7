/**
 * Deployment settings read from CDK context (`cdk.json`, overridable with `-c key=value`). A new round or mailbox is
 * a context change, not a code change.
 */
import type { Node } from 'constructs';
import { z } from 'zod';

// `-c flag=false` arrives as the string "false", cdk.json as a boolean: accept both.
const contextBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

const scheduleExpression = z
  .string()
  .regex(/^(cron|rate)\(.+\)$/, 'expected an EventBridge Scheduler expression such as cron(0 9 * * ? *)');

/** The context keys this app reads, validated. */
export const deploymentConfigSchema = z.object({
  /** The SES recipient that receives the bases' submissions. */
  mailbox: z.email(),
  /** The sender of notices and acknowledgements (an SES-verified identity). */
  mailFrom: z.email(),
  /** The campaign round the functions serve (see shared/domain). */
  roundId: z.string().min(1),
  /** IANA time zone the schedules fire in. */
  scheduleTimeZone: z.string().min(1),
  /** When city notices go out. */
  noticeSchedule: scheduleExpression,
  /** When statuses are recomputed without new mail (e.g. right after the deadline day ends). */
  evaluateSchedule: scheduleExpression,
  /** Where alarm notifications go; empty for none. */
  alarmEmail: z.union([z.literal(''), z.email()]),
  /** Whether this app owns the SES domain identity of the mailbox (false when it already exists in the account). */
  createSesIdentity: contextBoolean,
});

/** Validated deployment settings. */
export type DeploymentConfig = z.infer<typeof deploymentConfigSchema>;

/** Reads and validates the deployment settings from a construct's context; throws naming every bad key. */
export function readDeploymentConfig(node: Node): DeploymentConfig {
  const raw = Object.fromEntries(
    Object.keys(deploymentConfigSchema.shape).map((key) => [key, node.tryGetContext(key)]),
  );
  const parsed = deploymentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`invalid CDK context (cdk.json or -c):\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
