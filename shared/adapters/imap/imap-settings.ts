/**
 * The IMAP pickup's settings: one set of environment variables, read and checked (zod) the same way by the local
 * stack (`intake start`, `intake pickup`) and by the imap-pickup function, whose variables the stateless stack sets
 * from the deployment's `imap*` context (infra/stateless-stack.ts).
 *
 * | Variable                        | Default         | Meaning                                                      |
 * | ------------------------------- | --------------- | ------------------------------------------------------------ |
 * | `INTAKE_IMAP_HOST`              | none: no pickup | IMAP server, e.g. imap.163.com                               |
 * | `INTAKE_IMAP_PORT`              | 993             | its port                                                     |
 * | `INTAKE_IMAP_SECURE`            | true            | implicit TLS; false for 143 (STARTTLS when the server offers it) |
 * | `INTAKE_IMAP_USER`              | required        | the account                                                  |
 * | `INTAKE_IMAP_PASS`              | one of the two  | the password (163.com: the client authorization code)        |
 * | `INTAKE_IMAP_SECRET_ARN`        | one of the two  | or a Secrets Manager secret holding it (the function)        |
 * | `INTAKE_IMAP_MAILBOX`           | INBOX           | the folder polled                                            |
 * | `INTAKE_IMAP_PROCESSED_MAILBOX` | empty           | folder processed mail is moved to; empty: flagged `\Seen $Intake` |
 * | `INTAKE_IMAP_BATCH_SIZE`        | 10              | most messages one poll takes (a full batch: the local stack polls again at once) |
 * | `INTAKE_IMAP_INTERVAL_SECONDS`  | 60              | seconds between the local stack's polls (at least 5); the function's schedule is the stack's `imapSchedule` |
 */
import { z } from 'zod';
import type { SecretReader } from '../aws/secrets.ts';
import type { ImapConfig } from './imap-mailbox-poller.ts';

/** The one default of each setting (the poller's config schema takes these too). */
export const IMAP_DEFAULTS = {
  port: 993,
  secure: true,
  mailbox: 'INBOX',
  batchSize: 10,
  intervalSeconds: 60,
} as const;

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
/** An unset variable and an empty one both mean "not set" (a deployment writes every variable, some empty). */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

const imapEnvSchema = z
  .object({
    INTAKE_IMAP_HOST: z.string().min(1),
    INTAKE_IMAP_PORT: z.coerce.number().int().min(1).max(65535).default(IMAP_DEFAULTS.port),
    INTAKE_IMAP_SECURE: flag.default(IMAP_DEFAULTS.secure),
    INTAKE_IMAP_USER: z.string().min(1),
    INTAKE_IMAP_PASS: z.preprocess(unsetIfEmpty, z.string().optional()),
    INTAKE_IMAP_SECRET_ARN: z.preprocess(unsetIfEmpty, z.string().optional()),
    INTAKE_IMAP_MAILBOX: z.preprocess(unsetIfEmpty, z.string().default(IMAP_DEFAULTS.mailbox)),
    INTAKE_IMAP_PROCESSED_MAILBOX: z.preprocess(unsetIfEmpty, z.string().optional()),
    INTAKE_IMAP_BATCH_SIZE: z.coerce.number().int().positive().default(IMAP_DEFAULTS.batchSize),
    INTAKE_IMAP_INTERVAL_SECONDS: z.coerce.number().int().min(5).default(IMAP_DEFAULTS.intervalSeconds),
  })
  .refine((env) => env.INTAKE_IMAP_PASS !== undefined || env.INTAKE_IMAP_SECRET_ARN !== undefined, {
    message: 'set INTAKE_IMAP_PASS (the password) or INTAKE_IMAP_SECRET_ARN (a secret holding it)',
    path: ['INTAKE_IMAP_PASS'],
  });

/** The pickup's settings once read: the mailbox, where its password is, and the polling pace. */
export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  /** The password, or the secret that holds it (one of the two is set). */
  password: { pass: string } | { secretArn: string };
  mailbox: string;
  processedMailbox?: string;
  batchSize: number;
  intervalSeconds: number;
}

/** Thrown for settings that are set but wrong (a missing user, a bad port), naming each. */
export class ImapSettingsError extends Error {
  constructor(details: string) {
    super(`IMAP pickup settings (INTAKE_IMAP_*): ${details}`);
    this.name = 'ImapSettingsError';
  }
}

/** Reads the settings from the environment; null when INTAKE_IMAP_HOST is not set (no pickup). */
export function imapSettingsFromEnv(env: NodeJS.ProcessEnv): ImapSettings | null {
  if (!env.INTAKE_IMAP_HOST) return null;
  const parsed = imapEnvSchema.safeParse(env);
  if (!parsed.success) throw new ImapSettingsError(z.prettifyError(parsed.error));
  const s = parsed.data;
  return {
    host: s.INTAKE_IMAP_HOST,
    port: s.INTAKE_IMAP_PORT,
    secure: s.INTAKE_IMAP_SECURE,
    user: s.INTAKE_IMAP_USER,
    // The secret wins where both are set: the function never carries a password in its environment.
    password: s.INTAKE_IMAP_SECRET_ARN ? { secretArn: s.INTAKE_IMAP_SECRET_ARN } : { pass: s.INTAKE_IMAP_PASS ?? '' },
    mailbox: s.INTAKE_IMAP_MAILBOX,
    ...(s.INTAKE_IMAP_PROCESSED_MAILBOX ? { processedMailbox: s.INTAKE_IMAP_PROCESSED_MAILBOX } : {}),
    batchSize: s.INTAKE_IMAP_BATCH_SIZE,
    intervalSeconds: s.INTAKE_IMAP_INTERVAL_SECONDS,
  };
}

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

/** The poller's config from the settings and the password; `deliverTo` says whether mail is ingested or stored. */
export function imapConfigOf(settings: ImapSettings, pass: string, deliverTo: 'intake' | 'inbox'): ImapConfig {
  const { host, port, secure, user, mailbox, processedMailbox, batchSize } = settings;
  return {
    host,
    port,
    secure,
    user,
    pass,
    mailbox,
    ...(processedMailbox ? { processedMailbox } : {}),
    batchSize,
    deliverTo,
  };
}

/**
 * The imap-pickup function's config: the settings, the password from its secret (or the variable), and delivery
 * into inbox/imap/ (ingest-email reads it from there, so the function's bundle carries no parsers).
 */
export async function imapConfigFromEnv(env: NodeJS.ProcessEnv, secrets: SecretReader): Promise<ImapConfig> {
  const settings = imapSettingsFromEnv(env);
  if (!settings) throw new ImapSettingsError('INTAKE_IMAP_HOST is not set');
  const pass =
    'secretArn' in settings.password
      ? passwordFromSecret(await secrets.read(settings.password.secretArn))
      : settings.password.pass;
  return imapConfigOf(settings, pass, 'inbox');
}
