/**
 * The IMAP pickup's settings, read from the environment and checked (zod) before a poll starts.
 */
import { z } from 'zod';
import type { SecretReader } from '../aws/secrets.ts';
import type { ImapConfig } from './imap-mailbox-poller.ts';

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
