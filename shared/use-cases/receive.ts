/**
 * Receiving stored mail: the one place that knows the inbox's layout (which prefix is which channel), when a stored
 * message was received, and what a malware-scan verdict means for it. Every way mail is stored for intake goes
 * through here: SES's receipt rule (`inbox/<SES id>`), IMAP pickup in inbox mode (`inbox/imap/…`), the upload portal
 * (`inbox/upload/…`), and staff reprocess requests (`reprocess/requests/…`, see s3-reprocess-hand-off).
 *
 * Receive time, by channel:
 * - SES: the S3 event time stands in; intake then takes SES's own `Received:` stamp from the message
 *   (`receivedAtOf`), as it does for an .eml handed to the CLI.
 * - IMAP pickup and portal: the writer keeps the true time in the object's `received-at` metadata (IMAP
 *   INTERNALDATE, the portal session's last file); without it the S3 event time stands in, with a warning.
 * - Messages handed over directly (SMTP listener, IMAP ingest mode, CLI files) pass their transport time to intake.
 *
 * Scan verdicts: clean or unscannable → read (unscannable with a warning); infected → recorded as a quarantined
 * submission, attachments never opened; no verdict yet → ScanPendingError, the queue retries later.
 */
import type { Channel } from '../domain/records.ts';
import { RECEIVED_AT_METADATA, type ScanGate, ScanPendingError } from '../ports/index.ts';
import type { AppContext } from './context.ts';
import { channelOfInboxKey } from './inbox-layout.ts';
import { ingestStoredMessage } from './intake.ts';
import { reprocessSubmission } from './staff-actions.ts';

// The inbox's layout (prefixes, channel of a key, where pickup and the portal store a message) is a module of its own
// without intake's imports: the IMAP pickup function and the portal use it alone.
export {
  channelOfInboxKey,
  IMAP_INBOX_PREFIX,
  INBOX_CHANNEL_PREFIXES,
  INBOX_PREFIX,
  imapInboxKey,
  UPLOAD_INBOX_PREFIX,
  uploadInboxKey,
} from './inbox-layout.ts';

/**
 * The receive time of a message once read: the mailbox's own `Received:` stamp for SES and CLI files (SES writes
 * it on top when it accepts the message; an .eml exported from a mailbox carries its mailbox's stamp), the
 * transport's time for every other channel (IMAP INTERNALDATE, the SMTP session, the portal's last file).
 */
export function receivedAtOf(
  channel: Channel,
  transport: Date,
  receivedHeader: Date | null,
): {
  at: Date;
  fromHeader: boolean;
} {
  if (receivedHeader && (channel === 'cli' || channel === 'ses')) return { at: receivedHeader, fromHeader: true };
  return { at: transport, fromHeader: false };
}

// The gate's port and its error live in the ports, so the AWS adapter implements them without loading intake.
export { type ScanGate, ScanPendingError } from '../ports/index.ts';

/** A stored object the inbox's event announced. */
export interface StoredObject {
  key: string;
  /** When the store announced it (the S3 event time). */
  eventTime: Date;
}

/** What became of one stored object: a message ingested (or known), refused by the scan, or reprocessed. */
export type ReceiveOutcome = 'ingested' | 'duplicate' | 'blocked' | 'reprocessed';

/** How a stored message's channel and transport time are told. */
async function transportOf(ctx: AppContext, object: StoredObject, warn: (note: string) => void) {
  const channel = channelOfInboxKey(object.key);
  if (channel === 'ses' || !ctx.uploads) return { channel, receivedAt: object.eventTime };
  const stamp = (await ctx.uploads.head(object.key))?.metadata[RECEIVED_AT_METADATA];
  const receivedAt = stamp ? new Date(stamp) : null;
  if (!receivedAt || Number.isNaN(receivedAt.getTime())) {
    warn('no received-at metadata: the S3 event time stands in');
    return { channel, receivedAt: object.eventTime };
  }
  return { channel, receivedAt };
}

/** What the caller hears of each step (the Lambda logs it). */
export interface ReceiveLog {
  info(message: string, details: Record<string, unknown>): void;
  warn(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

/** Waits for a verdict; 'read' or 'blocked'. Throws ScanPendingError while there is none. */
async function gate(scan: ScanGate | null, key: string, log: ReceiveLog): Promise<'read' | 'blocked'> {
  if (!scan) return 'read';
  const verdict = await scan.verdict(key);
  if (verdict.state === 'pending') throw new ScanPendingError(key, verdict.status);
  if (verdict.state === 'infected') return 'blocked';
  if (verdict.state === 'unscannable') log.warn('malware scan unsupported: reading', { key });
  return 'read';
}

/**
 * Receives one stored message: its channel and transport time from the inbox layout, the scan's verdict (an
 * infected message is recorded quarantined, unopened, so staff see it beside the alarm), then intake.
 */
export async function receiveStoredMessage(
  ctx: AppContext,
  object: StoredObject,
  scan: ScanGate | null,
  log: ReceiveLog,
): Promise<ReceiveOutcome> {
  const { channel, receivedAt } = await transportOf(ctx, object, (note) => log.warn(note, { key: object.key }));
  if ((await gate(scan, object.key, log)) === 'blocked') {
    log.error('malware found: quarantined unopened', { key: object.key });
    await ingestStoredMessage(ctx, {
      key: object.key,
      channel,
      receivedAt,
      quarantineReasons: ['恶意软件扫描 malware scan'],
    });
    return 'blocked';
  }
  const result = await ingestStoredMessage(ctx, { key: object.key, channel, receivedAt });
  log.info('ingested', {
    key: object.key,
    submissionId: result.submissionId,
    duplicate: result.duplicate,
    baseId: result.baseId,
    findings: result.findings.map((finding) => finding.code),
  });
  return result.duplicate ? 'duplicate' : 'ingested';
}

/** A staff reprocess request, once read: which submission, its raw message, who asked and why. */
export interface ReprocessRequest {
  submissionId: string;
  rawKey: string;
  actor: string;
  reason: string;
}

/**
 * Runs a staff reprocess request: the message it names is read again once the scan passed it (a message with a
 * threat never is; it was quarantined when it came), audited under the staff member who asked.
 */
export async function receiveReprocessRequest(
  ctx: AppContext,
  request: ReprocessRequest,
  scan: ScanGate | null,
  log: ReceiveLog,
): Promise<'reprocessed' | 'blocked'> {
  if ((await gate(scan, request.rawKey, log)) === 'blocked') {
    log.error('reprocess refused: malware found', { key: request.rawKey, ...request });
    return 'blocked';
  }
  const result = await reprocessSubmission(ctx, request);
  log.info('reprocessed', {
    key: request.rawKey,
    submissionId: result.submissionId,
    actor: request.actor,
    findings: result.findings.map((finding) => finding.code),
  });
  return 'reprocessed';
}
