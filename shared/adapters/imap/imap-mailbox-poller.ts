/**
 * IMAP pickup: the division's mailbox (sxswtdsc@163.com in 2023) is not an SES domain, so its mail is fetched over
 * IMAP and handed to intake one message at a time.
 *
 * Primary course of one poll:
 * 1. open the mailbox and read the cursor (UIDVALIDITY + highest UID fully processed) from the blob store;
 * 2. finish the post-processing (move or flag) of messages a crash left behind below the cursor;
 * 3. for each UID above the cursor, ascending, at most `batchSize`: fetch that one message's source and
 *    INTERNALDATE, ingest it (intake stores the raw bytes first), advance the cursor, then move or flag it;
 * 4. release the mailbox and log out.
 * The order ingest -> cursor -> move/flag loses nothing on a crash between any two steps: before the cursor moves the
 * message is fetched again and intake recognises its bytes (same raw hash, same submission); after it, step 2 of
 * the next poll moves or flags what was left.
 *
 * With `deliverTo: 'inbox'` (AWS) step 3 stores the raw message under
 * `inbox/imap/<mailbox>/<uidvalidity>-<uid>.eml` with its INTERNALDATE as `received-at` metadata instead of ingesting
 * it: the inbox's S3 event -> SQS -> ingest-email path reads it as a stream (once the scan has passed, when on). The key is fixed by the
 * message, so a re-run after a crash finds the object there and does not store (or trigger) it twice.
 */
import { ImapFlow, type MailboxLockObject, type MailboxObject } from 'imapflow';
import { z } from 'zod';
import { IntakeError } from '../../domain/errors.ts';
import { sha256Hex } from '../../domain/sha256.ts';
import { BlobNotFoundError, RECEIVED_AT_METADATA } from '../../ports/index.ts';
import type { AppContext } from '../../use-cases/context.ts';
import type { IngestInput, IngestResult } from '../../use-cases/intake.ts';
import { IMAP_DEFAULTS } from './imap-settings.ts';

/**
 * Settings of one mailbox to pick mail up from (the password never leaves this object). Read from the environment
 * by imap-settings.ts, whose defaults these are.
 */
export const imapConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** Implicit TLS (993); false for a plain connection (143), which still upgrades when the server offers STARTTLS. */
  secure: z.boolean(),
  user: z.string().min(1),
  pass: z.string(),
  mailbox: z.string().min(1).default(IMAP_DEFAULTS.mailbox),
  /** Folder processed mail is moved to (e.g. 已处理); when absent, processed mail is flagged \Seen and $Intake. */
  processedMailbox: z.string().min(1).optional(),
  /** Most messages one poll takes, so a poll stays short (a Lambda, a backlog after an outage). */
  batchSize: z.number().int().positive().default(IMAP_DEFAULTS.batchSize),
  /** Messages above this size are still ingested (intake keeps and flags them), but the poll reports them. */
  maxMessageBytes: z.number().int().positive().optional(),
  /**
   * intake: ingest each message here (default; local runs). inbox: store it under `inbox/imap/` for the S3 event
   * path to ingest, so it passes the malware scan like SES mail.
   */
  deliverTo: z.enum(['intake', 'inbox']).default('intake'),
});

/** Settings of one mailbox to pick mail up from; `mailbox`, `batchSize`, `maxMessageBytes`, `deliverTo` have defaults. */
export type ImapConfig = z.input<typeof imapConfigSchema>;

/** What one poll did. */
export interface PollReport {
  /** Message sources fetched. */
  fetched: number;
  /** Messages that became new submissions. */
  ingested: number;
  /** Messages intake already had (a re-read after a crash or a UIDVALIDITY change, or a repeated Message-ID). */
  duplicates: number;
  /** Messages stored under inbox/imap/ for the S3 event path (deliverTo inbox); re-runs count them again. */
  stored: number;
  /** The message the poll stopped at (an outage); the next poll takes it up again. */
  failed: { uid: number; error: string }[];
  /** UIDs of messages larger than maxMessageBytes (ingested all the same). */
  oversized: number[];
  uidValidity: string;
  /** Highest UID fully processed after this poll. */
  lastUid: number;
}

/** What the poller needs of the context: blob store, limits and clock (not records, mail or the round). */
export type PollerStorage = Pick<AppContext, 'blobs' | 'limits' | 'clock'>;

/** The keyword that marks processed mail when there is no processed folder. */
export const INTAKE_KEYWORD = '$Intake';

/** Where a poll cursor lives in the blob store. */
export const CURSOR_PREFIX = 'state/imap/';

// Where inbox mode stores fetched messages (inside inbox/, so the inbox's S3 event fires): the inbox layout is
// receive's (shared/use-cases/receive.ts).
export { IMAP_INBOX_PREFIX, imapInboxKey } from '../../use-cases/inbox-layout.ts';

import { imapInboxKey } from '../../use-cases/inbox-layout.ts';

const cursorSchema = z.object({
  account: z.string(),
  mailbox: z.string(),
  uidValidity: z.string(),
  lastUid: z.number().int().nonnegative(),
  updatedAt: z.string(),
});
type Cursor = z.infer<typeof cursorSchema>;

/** Thrown by a poll that could not reach or use the mailbox at all (connection, login, missing folder). */
export class ImapPollError extends IntakeError {
  constructor(message: string, options?: ErrorOptions) {
    super('imap.poll-failed', 'failure', message, `无法从邮箱收取邮件（${message}）`, options);
    this.name = 'ImapPollError';
  }
}

/** Builds the IMAP client for a config (the default `clientFactory`). */
export function createImapClient(config: ImapConfig): ImapFlow {
  return new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: { user: config.user, pass: config.pass },
    logger: false,
    // A poll is short; IDLE between commands would only delay LOGOUT.
    disableAutoIdle: true,
    // NetEase (163.com) refuses SELECT from clients that send no IMAP ID; ImapFlow sends this one.
    clientInfo: { name: 'sx-livestream-intake', version: '0.1.0' },
  });
}

/** Picks mail up from one IMAP mailbox and ingests it (see the primary course above). */
export class ImapMailboxPoller {
  private readonly config: z.output<typeof imapConfigSchema>;
  private readonly cursorKey: string;
  private readonly account: string;
  private readonly clientFactory: (config: ImapConfig) => ImapFlow;
  /** The poll in flight (or the last one); each new poll waits for it, so polls never overlap. */
  private tail: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private generation = 0;

  constructor(
    config: ImapConfig,
    private readonly deps: {
      /** Where the cursor (and, in inbox mode, the mail) is kept, and the size limit. */
      ctx: PollerStorage;
      /**
       * Intake, for `deliverTo: 'intake'` (passed in rather than imported, so that a pickup that only copies mail
       * into the inbox does not carry the parsers).
       */
      ingest?: (input: IngestInput) => Promise<IngestResult>;
      clientFactory?: (config: ImapConfig) => ImapFlow;
      /** Told of every poll `startPolling` runs. */
      onReport?: (report: PollReport) => void;
      /** Told of a poll `startPolling` could not run (an outage); the next one tries again. Default: console.error. */
      onError?: (error: unknown) => void;
    },
  ) {
    this.config = imapConfigSchema.parse(config);
    if (this.config.deliverTo === 'intake' && !deps.ingest) {
      throw new Error('IMAP pickup delivering to intake needs the ingest use case (deps.ingest)');
    }
    this.clientFactory = deps.clientFactory ?? createImapClient;
    this.account = `${this.config.user}@${this.config.host}:${this.config.port}`;
    const digest = sha256Hex(`${this.account}/${this.config.mailbox}`);
    this.cursorKey = `${CURSOR_PREFIX}${digest.slice(0, 32)}.json`;
  }

  /** Runs one poll (after any poll in flight); throws ImapPollError when the mailbox cannot be reached. */
  pollOnce(): Promise<PollReport> {
    const run = this.tail.then(
      () => this.poll(),
      () => this.poll(),
    );
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Polls every `intervalMs` until `stop()`; a full batch is followed by the next poll at once. */
  startPolling(intervalMs: number): void {
    if (this.polling) return;
    this.polling = true;
    // A loop left over from an earlier start/stop must not schedule itself beside this one.
    const generation = ++this.generation;
    const loop = async (): Promise<void> => {
      this.timer = null;
      let delay = intervalMs;
      try {
        const report = await this.pollOnce();
        this.deps.onReport?.(report);
        if (report.failed.length === 0 && report.fetched >= this.config.batchSize) delay = 0;
      } catch (error) {
        (this.deps.onError ?? console.error)(error);
      }
      if (this.polling && generation === this.generation) this.timer = setTimeout(loop, delay);
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops polling and waits for the poll in flight to finish. */
  async stop(): Promise<void> {
    this.polling = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.tail;
  }

  private async poll(): Promise<PollReport> {
    const client = this.clientFactory(this.config);
    // An unhandled 'error' event would end the process; the failing command rejects and is reported instead.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      client.close();
      throw new ImapPollError(`cannot log in to ${this.account}: ${errorText(error)}`, { cause: error });
    }
    try {
      if (this.config.processedMailbox) await client.mailboxCreate(this.config.processedMailbox);
      let lock: MailboxLockObject;
      try {
        lock = await client.getMailboxLock(this.config.mailbox);
      } catch (error) {
        throw new ImapPollError(`cannot open ${this.config.mailbox} of ${this.account}: ${errorText(error)}`, {
          cause: error,
        });
      }
      try {
        const mailbox = client.mailbox as MailboxObject;
        const uidValidity = String(mailbox.uidValidity);
        const cursor = await this.readCursor();
        // A new UIDVALIDITY means the UIDs were renumbered (mailbox recreated or rebuilt): start from scratch. Every
        // message is read again, which is harmless: intake knows its raw bytes and its Message-ID already.
        let lastUid = cursor?.uidValidity === uidValidity ? cursor.lastUid : 0;
        const report: PollReport = {
          fetched: 0,
          ingested: 0,
          duplicates: 0,
          stored: 0,
          failed: [],
          oversized: [],
          uidValidity,
          lastUid,
        };
        const markKeyword = mailbox.permanentFlags?.has('\\*') ?? false;
        await this.finishLeftovers(client, lastUid, markKeyword);

        const found = await client.search({ uid: `${lastUid + 1}:*` }, { uid: true });
        if (!found) throw new ImapPollError(`search refused in ${this.config.mailbox} of ${this.account}`);
        // `n:*` also matches the highest UID when it is below n (RFC 3501), so filter.
        const pending = found
          .filter((uid) => uid > lastUid)
          .sort((a, b) => a - b)
          .slice(0, this.config.batchSize);

        for (const uid of pending) {
          try {
            const result = await this.ingestOne(client, uid, uidValidity, report);
            if (result === 'stored') report.stored += 1;
            else if (result === 'duplicate') report.duplicates += 1;
            else if (result === 'ingested') report.ingested += 1;
            lastUid = uid;
            await this.writeCursor(uidValidity, lastUid);
            report.lastUid = lastUid;
            if (result) await this.markProcessed(client, String(uid), markKeyword);
          } catch (error) {
            // An outage (store down, connection lost): stop here; the cursor is not past this message.
            report.failed.push({ uid, error: errorText(error) });
            break;
          }
        }
        return report;
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  /** Fetches and ingests (or stores) one message; null when it vanished (expunged) before it could be fetched. */
  private async ingestOne(
    client: ImapFlow,
    uid: number,
    uidValidity: string,
    report: PollReport,
  ): Promise<'ingested' | 'duplicate' | 'stored' | null> {
    // One source at a time keeps memory to the largest message, never the mailbox.
    const message = await client.fetchOne(
      String(uid),
      { uid: true, source: true, internalDate: true, size: true },
      { uid: true },
    );
    if (message === false || !message.source) return null;
    report.fetched += 1;
    const limit = this.config.maxMessageBytes ?? this.deps.ctx.limits.maxMessageBytes;
    if (message.source.length > limit) report.oversized.push(uid);
    const parsedDate = message.internalDate ? new Date(message.internalDate) : undefined;
    const internalDate = parsedDate && !Number.isNaN(parsedDate.getTime()) ? parsedDate : undefined;
    if (this.config.deliverTo === 'inbox') {
      const key = imapInboxKey(this.config.mailbox, uidValidity, uid);
      // Already there (a crash before the cursor moved): storing it again would only trigger a second ingest.
      if (!(await this.deps.ctx.blobs.exists(key))) {
        await this.deps.ctx.blobs.put(key, message.source, {
          contentType: 'message/rfc822',
          metadata: internalDate ? { [RECEIVED_AT_METADATA]: internalDate.toISOString() } : {},
        });
      }
      return 'stored';
    }
    const ingest = this.deps.ingest as NonNullable<typeof this.deps.ingest>;
    const result = await ingest({
      raw: message.source,
      channel: 'imap',
      receivedAt: internalDate,
      receivedAtSource: 'transport',
    });
    return result.duplicate ? 'duplicate' : 'ingested';
  }

  /** Moves processed mail to the processed folder, or flags it where it is. */
  private async markProcessed(client: ImapFlow, range: string, markKeyword: boolean): Promise<void> {
    if (this.config.processedMailbox) {
      await client.messageMove(range, this.config.processedMailbox, { uid: true });
      return;
    }
    await client.messageFlagsAdd(range, markKeyword ? ['\\Seen', INTAKE_KEYWORD] : ['\\Seen'], { uid: true });
  }

  /** Moves or flags messages at or below the cursor that a crash left unmarked. */
  private async finishLeftovers(client: ImapFlow, lastUid: number, markKeyword: boolean): Promise<void> {
    if (lastUid === 0) return;
    const range = `1:${lastUid}`;
    // Below the cursor everything is ingested; in the folder mode all of it should have left the mailbox.
    const query = this.config.processedMailbox
      ? { uid: range }
      : markKeyword
        ? { uid: range, unKeyword: INTAKE_KEYWORD }
        : { uid: range, seen: false };
    const left = await client.search(query, { uid: true });
    const uids = (left || []).filter((uid) => uid <= lastUid);
    if (uids.length > 0) await this.markProcessed(client, uids.join(','), markKeyword);
  }

  private async readCursor(): Promise<Cursor | null> {
    let body: Buffer;
    try {
      body = await this.deps.ctx.blobs.get(this.cursorKey);
    } catch (error) {
      if (error instanceof BlobNotFoundError) return null;
      throw error;
    }
    // An unreadable cursor is treated as none: reading the mailbox again costs time, never a duplicate.
    const parsed = cursorSchema.safeParse(safeJson(body));
    return parsed.success ? parsed.data : null;
  }

  private async writeCursor(uidValidity: string, lastUid: number): Promise<void> {
    const cursor: Cursor = {
      account: this.account,
      mailbox: this.config.mailbox,
      uidValidity,
      lastUid,
      updatedAt: this.deps.ctx.clock.now().toISOString(),
    };
    await this.deps.ctx.blobs.put(this.cursorKey, Buffer.from(JSON.stringify(cursor)), {
      contentType: 'application/json',
    });
  }
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const reason = (error as { responseText?: string }).responseText;
    return reason ? `${error.message} (${reason})` : error.message;
  }
  return String(error);
}
