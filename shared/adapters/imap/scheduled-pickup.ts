/**
 * IMAP pickup on a schedule (the imap-pickup function): one `pollOnce` of the mailbox per run, copying new mail into
 * inbox/imap/ for the S3 event path. The mailbox settings (with the password, read from a secret) are read once and
 * kept, and read again after a failed read or a refused login (the password may have changed). A poll that stops at
 * a message (an outage) fails the run, so the scheduler retries and an alarm fires, while the cursor keeps
 * everything already stored.
 */
import type { ImapFlow } from 'imapflow';
import { type ImapConfig, ImapMailboxPoller, ImapPollError, type PollerStorage } from './imap-mailbox-poller.ts';

/** What a scheduled pickup needs from outside; the Lambda passes the AWS ones, tests the local ones. */
export interface ScheduledPickupDeps {
  /** The bucket, limits and clock (the pickup records nothing and sends nothing). */
  storage: () => Promise<PollerStorage>;
  /** The mailbox settings with the password. */
  imapConfig: () => Promise<ImapConfig>;
  /** The IMAP client factory; default the poller's own. */
  clientFactory?: (config: ImapConfig) => ImapFlow;
}

/** What one run did (the poll report, without the password or message contents). */
export interface ScheduledPickupResult {
  fetched: number;
  ingested: number;
  duplicates: number;
  /** Messages stored under inbox/imap/ for ingest-email. */
  stored: number;
  oversized: number;
  lastUid: number;
}

/** A poll that stopped at a message (an outage): what it did up to there, and where it stopped. */
export class PickupStoppedError extends Error {
  constructor(
    readonly result: ScheduledPickupResult,
    readonly failed: { uid: number; error: string },
  ) {
    super(`pickup stopped at UID ${failed.uid}: ${failed.error}`);
    this.name = 'PickupStoppedError';
  }
}

/** Builds the run: each call polls the mailbox once; throws PickupStoppedError, ImapPollError or a settings error. */
export function scheduledPickup(deps: ScheduledPickupDeps): () => Promise<ScheduledPickupResult> {
  let config: Promise<ImapConfig> | undefined;
  return async () => {
    config ??= deps.imapConfig().catch((error: unknown) => {
      config = undefined; // a secret that could not be read is read again next time
      throw error;
    });
    try {
      const poller = new ImapMailboxPoller(await config, {
        ctx: await deps.storage(),
        ...(deps.clientFactory ? { clientFactory: deps.clientFactory } : {}),
      });
      const report = await poller.pollOnce();
      const { fetched, ingested, duplicates, stored, lastUid } = report;
      const result = { fetched, ingested, duplicates, stored, oversized: report.oversized.length, lastUid };
      if (report.failed[0]) throw new PickupStoppedError(result, report.failed[0]);
      return result;
    } catch (error) {
      // A login failure may be a changed password: read the secret again next time.
      if (error instanceof ImapPollError) config = undefined;
      throw error;
    }
  };
}
