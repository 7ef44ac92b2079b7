/**
 * IMAP pickup on a schedule, for deployments without SES receiving (regions without it, the China regions, or a
 * mailbox that stays with its provider such as 163.com): one `pollOnce` of the mailbox per invocation, copying new
 * mail into inbox/imap/ for ingest-email (which reads it as a stream, after the malware scan when that is on). The mailbox
 * settings come from the environment and the password from a Secrets Manager secret (IMAP_SECRET_ARN). Reserved
 * concurrency 1 keeps polls from overlapping; a poll that stops at a message (an outage) fails the invocation, so
 * the scheduler retries and the ImapPickupErrors alarm fires, while the cursor keeps everything already ingested.
 */
import type { ImapFlow } from 'imapflow';
import { z } from 'zod';
import { createAwsBlobStorage } from '../../shared/adapters/aws/blob-storage.ts';
import { type SecretReader, SecretsManagerReader } from '../../shared/adapters/aws/secrets.ts';
import {
  type ImapConfig,
  ImapMailboxPoller,
  ImapPollError,
  type PollerStorage,
} from '../../shared/adapters/imap/imap-mailbox-poller.ts';
import { scheduledRunSchema } from '../shared/events.ts';
import { logFailure, parseEvent } from '../shared/failures.ts';
import { type LambdaContext, logger } from '../shared/logger.ts';

const contextBoolean = z.enum(['true', 'false']).transform((value) => value === 'true');

const imapEnvSchema = z.object({
  IMAP_HOST: z.string().min(1),
  IMAP_PORT: z.coerce.number().int().min(1).max(65535).default(993),
  IMAP_SECURE: contextBoolean.default(true),
  IMAP_USER: z.string().min(1),
  IMAP_MAILBOX: z.string().min(1).default('INBOX'),
  /** Empty: processed mail is flagged where it is. */
  IMAP_PROCESSED_MAILBOX: z.string().default(''),
  IMAP_BATCH_SIZE: z.coerce.number().int().positive().default(10),
  IMAP_SECRET_ARN: z.string().min(1),
});

/** Reads the password from the secret: the plain SecretString, or its `password`/`pass` field when it is JSON. */
export function passwordFromSecret(secretString: string): string {
  try {
    const json = JSON.parse(secretString) as unknown;
    if (json && typeof json === 'object') {
      const { password, pass } = json as { password?: unknown; pass?: unknown };
      const value = password ?? pass;
      if (typeof value === 'string' && value) return value;
      throw new Error('the IMAP secret is JSON without a "password" field');
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  return secretString;
}

/** Builds the poller's settings from the function's environment and the password secret. */
export async function imapConfigFromEnv(env: NodeJS.ProcessEnv, secrets: SecretReader): Promise<ImapConfig> {
  const parsed = imapEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`imap-pickup environment: ${z.prettifyError(parsed.error)}`);
  const settings = parsed.data;
  return {
    host: settings.IMAP_HOST,
    port: settings.IMAP_PORT,
    secure: settings.IMAP_SECURE,
    user: settings.IMAP_USER,
    pass: passwordFromSecret(await secrets.read(settings.IMAP_SECRET_ARN)),
    mailbox: settings.IMAP_MAILBOX,
    ...(settings.IMAP_PROCESSED_MAILBOX ? { processedMailbox: settings.IMAP_PROCESSED_MAILBOX } : {}),
    batchSize: settings.IMAP_BATCH_SIZE,
    // The function only copies mail into the inbox: ingest-email reads it from there (and the bundle carries no
    // parsers).
    deliverTo: 'inbox',
  };
}

/** What imap-pickup needs from outside; the Lambda entry point passes the AWS ones, tests the local ones. */
export interface ImapPickupDeps {
  /** The bucket, limits and clock (the pickup records nothing and sends nothing). */
  storage: () => Promise<PollerStorage>;
  /** The mailbox settings with the password. */
  imapConfig: () => Promise<ImapConfig>;
  /** The IMAP client factory; default the poller's own. */
  clientFactory?: (config: ImapConfig) => ImapFlow;
}

/** What one invocation did (the poll report, without the password or message contents). */
export interface ImapPickupResult {
  fetched: number;
  ingested: number;
  duplicates: number;
  /** Messages stored under inbox/imap/ for ingest-email. */
  stored: number;
  oversized: number;
  lastUid: number;
}

/** Builds the handler on its dependencies. */
export function createImapPickupHandler(deps: ImapPickupDeps) {
  let config: Promise<ImapConfig> | undefined;
  return async function imapPickup(event: unknown, lambdaContext?: LambdaContext): Promise<ImapPickupResult> {
    if (lambdaContext) logger.addContext(lambdaContext);
    parseEvent(scheduledRunSchema, event, 'imap-pickup invocation');
    try {
      config ??= deps.imapConfig().catch((error: unknown) => {
        config = undefined; // a secret that could not be read is read again next time
        throw error;
      });
      const poller = new ImapMailboxPoller(await config, {
        ctx: await deps.storage(),
        ...(deps.clientFactory ? { clientFactory: deps.clientFactory } : {}),
      });
      const report = await poller.pollOnce();
      const result: ImapPickupResult = {
        fetched: report.fetched,
        ingested: report.ingested,
        duplicates: report.duplicates,
        stored: report.stored,
        oversized: report.oversized.length,
        lastUid: report.lastUid,
      };
      logger.info({ message: 'mailbox polled', ...result, failed: report.failed });
      if (report.failed.length > 0) {
        throw new Error(`pickup stopped at UID ${report.failed[0]?.uid}: ${report.failed[0]?.error}`);
      }
      return result;
    } catch (error) {
      // A login failure may be a changed password: read the secret again next time.
      if (error instanceof ImapPollError) config = undefined;
      logFailure('imap-pickup', error);
      throw error;
    }
  };
}

/** The Lambda entry point. */
export const handler = createImapPickupHandler({
  storage: async () => createAwsBlobStorage(process.env),
  imapConfig: () => imapConfigFromEnv(process.env, new SecretsManagerReader()),
});
