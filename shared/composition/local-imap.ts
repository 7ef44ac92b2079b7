/**
 * The local stack's IMAP pickup (`intake start`, `intake pickup`): the settings every pickup reads
 * (shared/adapters/imap/imap-settings.ts, the same variables and defaults as the imap-pickup function), with the
 * password given in INTAKE_IMAP_PASS and each message ingested in-process.
 */
import type { ImapConfig } from '../adapters/imap/imap-mailbox-poller.ts';
import { IMAP_DEFAULTS, imapConfigOf, imapSettingsFromEnv } from '../adapters/imap/imap-settings.ts';

/** The poller's config of the local stack, or null when INTAKE_IMAP_HOST is not set (no pickup). */
export function imapConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ImapConfig | null {
  const settings = imapSettingsFromEnv(env);
  if (!settings) return null;
  if (!('pass' in settings.password))
    throw new Error('a local pickup takes the password itself (INTAKE_IMAP_PASS), not INTAKE_IMAP_SECRET_ARN');
  return imapConfigOf(settings, settings.password.pass, 'intake');
}

/** Seconds between the local stack's polls. */
export function imapIntervalSeconds(env: NodeJS.ProcessEnv = process.env): number {
  return imapSettingsFromEnv(env)?.intervalSeconds ?? IMAP_DEFAULTS.intervalSeconds;
}
