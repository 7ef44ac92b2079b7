/**
 * Settings of the local stack read from the environment.
 */
import type { ImapConfig } from '../shared/adapters/imap/imap-mailbox-poller.ts';

/** IMAP pickup settings from the environment, or null when none are given. */
export function imapConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ImapConfig | null {
  if (!env.INTAKE_IMAP_HOST || !env.INTAKE_IMAP_USER || !env.INTAKE_IMAP_PASS) return null;
  return {
    host: env.INTAKE_IMAP_HOST,
    port: Number(env.INTAKE_IMAP_PORT ?? 993),
    secure: (env.INTAKE_IMAP_SECURE ?? 'true') !== 'false',
    user: env.INTAKE_IMAP_USER,
    pass: env.INTAKE_IMAP_PASS,
    mailbox: env.INTAKE_IMAP_MAILBOX ?? 'INBOX',
    processedMailbox: env.INTAKE_IMAP_PROCESSED_MAILBOX || undefined,
  };
}

/** Seconds between IMAP polls of the local stack. */
export function imapIntervalSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.INTAKE_IMAP_INTERVAL_SECONDS ?? 60);
  return Number.isFinite(seconds) && seconds >= 5 ? seconds : 60;
}
