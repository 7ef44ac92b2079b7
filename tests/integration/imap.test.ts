/**
 * IMAP pickup against a real Dovecot started on loopback (tests/integration/dovecot.ts), ingesting into the
 * embedded stack. Each test logs in as its own user, so mailboxes and cursors never mix.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { createIngestEmailHandler } from '../../functions/ingest-email/handler.ts';
import { logger } from '../../functions/shared/logger.ts';
import {
  type ImapConfig,
  ImapMailboxPoller,
  ImapPollError,
  type PollReport,
} from '../../shared/adapters/imap/imap-mailbox-poller.ts';
import type { Submission } from '../../shared/domain/records.ts';
import type { BlobStore, Records, SubmissionRecords } from '../../shared/ports/index.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { type IngestInput, ingestMessage } from '../../shared/use-cases/intake.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { describeNeeding } from '../support/requirements.ts';
import { type DovecotLogin, type DovecotServer, startDovecot } from './dovecot.ts';
import { startTestStack } from './helpers.ts';

/** The poller's dependencies for direct intake on a context (the default mode locally). */
function direct(ctx: AppContext) {
  return { ctx, ingest: (input: IngestInput) => ingestMessage(ctx, input) };
}

const LAST_SECOND = new Date('2023-11-10T15:59:59Z'); // 2023-11-10 23:59:59 Beijing, the deadline's last second
const FIRST_LATE_SECOND = new Date('2023-11-10T16:00:00Z'); // 2023-11-11 00:00:00 Beijing
const EARLIER = new Date('2023-11-08T03:30:00Z');
const PROCESSED = '已处理';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const USERS = ['move', 'flag', 'crash', 'unmoved', 'outage', 'batch', 'large', 'renumber', 'loop', 'refused', 'inbox'];

/** A plain message no base name matches, so its submission lands in the unmatched queue. */
function plainMessage(subject: string): Promise<Buffer> {
  return buildEmail({ subject, text: `${subject}，请查收。` });
}

/** Opens a client, runs `work`, logs out. */
async function withClient<T>(login: DovecotLogin, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ ...login, auth: { user: login.user, pass: login.pass }, logger: false });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

/** Appends messages with an explicit INTERNALDATE, as the 163.com mailbox stamps its arrivals. */
async function deliver(
  login: DovecotLogin,
  mailbox: string,
  messages: { raw: Buffer; at: Date; flags?: string[] }[],
): Promise<void> {
  await withClient(login, async (client) => {
    for (const message of messages) await client.append(mailbox, message.raw, message.flags ?? [], message.at);
  });
}

/** The messages of a mailbox: UID and flags. */
async function mailboxContent(login: DovecotLogin, mailbox: string): Promise<{ uid: number; flags: string[] }[]> {
  return withClient(login, async (client) => {
    const lock = await client.getMailboxLock(mailbox);
    try {
      if ((client.mailbox || { exists: 0 }).exists === 0) return [];
      const messages = await client.fetchAll('1:*', { uid: true, flags: true });
      return messages.map((m) => ({ uid: m.uid, flags: [...(m.flags ?? [])].sort() }));
    } finally {
      lock.release();
    }
  });
}

/** Submissions in the unmatched queue (every plain test message ends there), by subject. */
async function unmatchedBySubject(ctx: AppContext): Promise<Map<string, Submission>> {
  const submissions = await ctx.records.submissions.listUnmatched();
  return new Map(submissions.map((s) => [s.subject ?? '', s]));
}

/** How many distinct raw messages the blob store holds. */
async function rawCount(ctx: AppContext): Promise<number> {
  return (await ctx.blobs.list('raw/')).length;
}

/** A report with the given counts and everything else empty. */
function reportOf(partial: Partial<PollReport>): Partial<PollReport> {
  return { fetched: 0, ingested: 0, duplicates: 0, stored: 0, failed: [], oversized: [], ...partial };
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeNeeding('dovecot')('ImapMailboxPoller against a real Dovecot', () => {
  let server: DovecotServer;
  let stack: Awaited<ReturnType<typeof startTestStack>>;

  beforeAll(async () => {
    server = await startDovecot({ users: USERS });
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(async () => {
    await stack.dispose();
  });

  it('ingests new mail with INTERNALDATE as the receive time, once, and moves it to the processed folder', async () => {
    // Prepare
    const login = server.login('move');
    const form = await buildReportFormXlsx({ header: { baseName: '邮拓直播电商基地' }, values: SAMPLE_FORM_VALUES });
    const onTime = await buildEmail({
      subject: '【申报材料】邮拓直播电商基地2022-2023年度综合评价材料',
      // A Received: header of another time: on the IMAP channel the mailbox's INTERNALDATE decides.
      receivedAt: new Date('2023-11-10T10:00:00Z'),
      attachments: [{ filename: '邮拓直播电商基地经营服务情况报告表.xlsx', content: form, contentType: XLSX }],
    });
    const late = await plainMessage('补充材料（迟到）');
    const early = await plainMessage('咨询：材料格式');
    await deliver(login, 'INBOX', [
      { raw: onTime, at: LAST_SECOND },
      { raw: late, at: FIRST_LATE_SECOND },
      { raw: early, at: EARLIER },
    ]);
    const poller = new ImapMailboxPoller({ ...login, processedMailbox: PROCESSED }, direct(stack.ctx));

    // Act
    const first = await poller.pollOnce();
    const second = await poller.pollOnce();
    await deliver(login, 'INBOX', [{ raw: await plainMessage('第二批材料'), at: new Date('2023-11-12T01:00:00Z') }]);
    const third = await poller.pollOnce();

    // Assess
    expect(first).toMatchObject(reportOf({ fetched: 3, ingested: 3, lastUid: 3 }));
    expect(second).toMatchObject(reportOf({ fetched: 0, lastUid: 3, uidValidity: first.uidValidity }));
    expect(third).toMatchObject(reportOf({ fetched: 1, ingested: 1, lastUid: 4 }));

    const [matched] = await stack.ctx.records.submissions.listByBase('p02');
    expect(matched).toMatchObject({
      channel: 'imap',
      receivedAt: LAST_SECOND.toISOString(),
      receivedAtSource: 'transport',
      state: 'processed',
    });
    const unmatched = await unmatchedBySubject(stack.ctx);
    expect(unmatched.get('补充材料（迟到）')?.receivedAt).toBe(FIRST_LATE_SECOND.toISOString());
    expect(unmatched.get('咨询：材料格式')?.receivedAt).toBe(EARLIER.toISOString());
    expect(unmatched.get('第二批材料')?.receivedAt).toBe('2023-11-12T01:00:00.000Z');
    expect(unmatched.size).toBe(3);
    expect(await rawCount(stack.ctx)).toBe(4);
    expect(await mailboxContent(login, 'INBOX')).toEqual([]);
    expect(await mailboxContent(login, PROCESSED)).toHaveLength(4);
  });

  it('flags processed mail \\Seen and $Intake when there is no processed folder, read mail included', async () => {
    // Prepare
    const login = server.login('flag');
    await deliver(login, 'INBOX', [
      { raw: await plainMessage('材料一'), at: LAST_SECOND },
      // Already opened in the 163.com web mail by a colleague: still new to intake.
      { raw: await plainMessage('材料二'), at: FIRST_LATE_SECOND, flags: ['\\Seen'] },
    ]);
    const poller = new ImapMailboxPoller(login, direct(stack.ctx));

    // Act
    const first = await poller.pollOnce();
    const second = await poller.pollOnce();

    // Assess
    expect(first).toMatchObject(reportOf({ fetched: 2, ingested: 2, lastUid: 2 }));
    expect(second).toMatchObject(reportOf({ fetched: 0, lastUid: 2 }));
    expect(await mailboxContent(login, 'INBOX')).toEqual([
      { uid: 1, flags: ['$Intake', '\\Seen'] },
      { uid: 2, flags: ['$Intake', '\\Seen'] },
    ]);
    expect((await unmatchedBySubject(stack.ctx)).size).toBe(2);
  });

  it('after a crash between ingest and cursor, the re-poll gives exactly one submission', async () => {
    // Prepare
    const login = server.login('crash');
    await deliver(login, 'INBOX', [{ raw: await plainMessage('崩溃前的材料'), at: LAST_SECOND }]);
    let crashed = false;
    const blobs: BlobStore = Object.create(stack.ctx.blobs, {
      put: {
        value: async (...args: Parameters<BlobStore['put']>) => {
          // The first cursor write dies: the message is ingested, the cursor not advanced.
          if (!crashed && args[0].startsWith('state/imap/')) {
            crashed = true;
            throw new Error('process killed');
          }
          return stack.ctx.blobs.put(...args);
        },
      },
    });
    const crashing = new ImapMailboxPoller({ ...login, processedMailbox: PROCESSED }, direct({ ...stack.ctx, blobs }));

    // Act
    const beforeCrash = await crashing.pollOnce();
    const afterRestart = await new ImapMailboxPoller(
      { ...login, processedMailbox: PROCESSED },
      direct(stack.ctx),
    ).pollOnce();

    // Assess
    expect(beforeCrash).toMatchObject({ fetched: 1, ingested: 1, lastUid: 0, failed: [{ uid: 1 }] });
    expect(beforeCrash.failed[0]?.error).toContain('process killed');
    expect(afterRestart).toMatchObject(reportOf({ fetched: 1, duplicates: 1, lastUid: 1 }));
    expect((await unmatchedBySubject(stack.ctx)).size).toBe(1);
    expect(await rawCount(stack.ctx)).toBe(1);
    expect(await mailboxContent(login, 'INBOX')).toEqual([]);
    expect(await mailboxContent(login, PROCESSED)).toHaveLength(1);
  });

  it('after a crash between cursor and move, the next poll moves the message without fetching it again', async () => {
    // Prepare
    const login = server.login('unmoved');
    await deliver(login, 'INBOX', [{ raw: await plainMessage('未移动的材料'), at: LAST_SECOND }]);
    let moves = 0;
    const clientFactory = (config: ImapConfig): ImapFlow => {
      const client = new ImapFlow({ ...login, auth: { user: config.user, pass: config.pass }, logger: false });
      const move = client.messageMove.bind(client);
      client.messageMove = async (...args) => {
        moves += 1;
        if (moves === 1) throw new Error('connection reset');
        return move(...args);
      };
      return client;
    };
    const poller = new ImapMailboxPoller(
      { ...login, processedMailbox: PROCESSED },
      { ...direct(stack.ctx), clientFactory },
    );

    // Act
    const interrupted = await poller.pollOnce();
    const inboxBetween = await mailboxContent(login, 'INBOX');
    const next = await poller.pollOnce();

    // Assess
    expect(interrupted).toMatchObject({ fetched: 1, ingested: 1, lastUid: 1, failed: [{ uid: 1 }] });
    expect(inboxBetween).toHaveLength(1);
    expect(next).toMatchObject(reportOf({ fetched: 0, lastUid: 1 }));
    expect(await mailboxContent(login, 'INBOX')).toEqual([]);
    expect(await mailboxContent(login, PROCESSED)).toHaveLength(1);
    expect((await unmatchedBySubject(stack.ctx)).size).toBe(1);
  });

  it('stops the batch at a message intake cannot store (an outage) and retries it on the next poll', async () => {
    // Prepare
    const login = server.login('outage');
    await deliver(login, 'INBOX', [
      { raw: await plainMessage('第一封'), at: LAST_SECOND },
      { raw: await plainMessage('第二封'), at: LAST_SECOND },
      { raw: await plainMessage('第三封'), at: FIRST_LATE_SECOND },
    ]);
    let creates = 0;
    const submissions: SubmissionRecords = Object.create(stack.ctx.records.submissions, {
      create: {
        value: async (...args: Parameters<SubmissionRecords['create']>) => {
          creates += 1;
          if (creates === 2) throw new Error('DynamoDB unavailable');
          return stack.ctx.records.submissions.create(...args);
        },
      },
    });
    const records: Records = { ...stack.ctx.records, submissions };
    const poller = new ImapMailboxPoller(login, direct({ ...stack.ctx, records }));

    // Act
    const during = await poller.pollOnce();
    const inboxBetween = await mailboxContent(login, 'INBOX');
    const after = await poller.pollOnce();

    // Assess
    expect(during).toMatchObject({ fetched: 2, ingested: 1, lastUid: 1, failed: [{ uid: 2 }] });
    expect(during.failed[0]?.error).toContain('DynamoDB unavailable');
    expect(inboxBetween.map((m) => m.flags.includes('$Intake'))).toEqual([true, false, false]);
    expect(after).toMatchObject(reportOf({ fetched: 2, ingested: 2, lastUid: 3 }));
    expect([...(await unmatchedBySubject(stack.ctx)).keys()].sort()).toEqual(['第一封', '第三封', '第二封'].sort());
  });

  it('takes at most batchSize messages per poll, oldest UID first', async () => {
    // Prepare
    const login = server.login('batch');
    await deliver(login, 'INBOX', [
      { raw: await plainMessage('批次一'), at: FIRST_LATE_SECOND },
      { raw: await plainMessage('批次二'), at: LAST_SECOND },
      { raw: await plainMessage('批次三'), at: EARLIER },
    ]);
    const poller = new ImapMailboxPoller({ ...login, batchSize: 2 }, direct(stack.ctx));

    // Act
    const first = await poller.pollOnce();
    const subjectsAfterFirst = [...(await unmatchedBySubject(stack.ctx)).keys()].sort();
    const second = await poller.pollOnce();

    // Assess
    expect(first).toMatchObject(reportOf({ fetched: 2, ingested: 2, lastUid: 2 }));
    expect(subjectsAfterFirst).toEqual(['批次一', '批次二'].sort());
    expect(second).toMatchObject(reportOf({ fetched: 1, ingested: 1, lastUid: 3 }));
  });

  it('ingests a message larger than maxMessageBytes and reports it', async () => {
    // Prepare
    const login = server.login('large');
    const raw = await buildEmail({
      subject: '超大附件',
      attachments: [
        { filename: '视频截图.bin', content: Buffer.alloc(20_000, 7), contentType: 'application/octet-stream' },
      ],
    });
    await deliver(login, 'INBOX', [{ raw, at: LAST_SECOND }]);
    const poller = new ImapMailboxPoller({ ...login, maxMessageBytes: 4_000 }, direct(stack.ctx));

    // Act
    const report = await poller.pollOnce();

    // Assess
    expect(report).toMatchObject(reportOf({ fetched: 1, ingested: 1, oversized: [1], lastUid: 1 }));
    const submission = (await unmatchedBySubject(stack.ctx)).get('超大附件');
    expect(submission?.rawSize).toBeGreaterThan(20_000);
    expect(submission?.receivedAt).toBe(LAST_SECOND.toISOString());
  });

  it('reads a mailbox again after a UIDVALIDITY change, without duplicate submissions', async () => {
    // Prepare
    const login = server.login('renumber');
    const folder = '申报邮件';
    const a = await plainMessage('重建前 A');
    const b = await plainMessage('重建前 B');
    await withClient(login, (client) => client.mailboxCreate(folder));
    await deliver(login, folder, [
      { raw: a, at: LAST_SECOND },
      { raw: b, at: LAST_SECOND },
    ]);
    const poller = new ImapMailboxPoller({ ...login, mailbox: folder }, direct(stack.ctx));
    const before = await poller.pollOnce();
    await withClient(login, async (client) => {
      await client.mailboxDelete(folder);
      await client.mailboxCreate(folder);
    });
    // The new message gets UID 1, below the old cursor: only a fresh start finds it.
    await deliver(login, folder, [
      { raw: await plainMessage('重建后 C'), at: FIRST_LATE_SECOND },
      { raw: a, at: LAST_SECOND },
      { raw: b, at: LAST_SECOND },
    ]);

    // Act
    const after = await poller.pollOnce();

    // Assess
    expect(before).toMatchObject(reportOf({ fetched: 2, ingested: 2, lastUid: 2 }));
    expect(after.uidValidity).not.toBe(before.uidValidity);
    expect(after).toMatchObject(reportOf({ fetched: 3, ingested: 1, duplicates: 2, lastUid: 3 }));
    expect([...(await unmatchedBySubject(stack.ctx)).keys()].sort()).toEqual(
      ['重建前 A', '重建前 B', '重建后 C'].sort(),
    );
    expect(await rawCount(stack.ctx)).toBe(3);
  });

  it('polls on an interval without overlapping polls until stopped', async () => {
    // Prepare
    const login = server.login('loop');
    let open = 0;
    let maxOpen = 0;
    let connections = 0;
    const clientFactory = (config: ImapConfig): ImapFlow => {
      const client = new ImapFlow({ ...login, auth: { user: config.user, pass: config.pass }, logger: false });
      connections += 1;
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      client.once('close', () => {
        open -= 1;
      });
      return client;
    };
    const reports: PollReport[] = [];
    const poller = new ImapMailboxPoller(login, {
      ...direct(stack.ctx),
      clientFactory,
      onReport: (r) => reports.push(r),
    });

    // Act
    poller.startPolling(5);
    await deliver(login, 'INBOX', [
      { raw: await plainMessage('轮询一'), at: LAST_SECOND },
      { raw: await plainMessage('轮询二'), at: FIRST_LATE_SECOND },
    ]);
    await until(async () => (await rawCount(stack.ctx)) === 2 && reports.some((r) => r.lastUid === 2));
    await poller.stop();
    const connectionsAtStop = connections;
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Assess
    expect(maxOpen).toBe(1);
    expect(connections).toBe(connectionsAtStop);
    expect(reports.reduce((sum, r) => sum + r.ingested, 0)).toBe(2);
    expect(reports.every((r) => r.failed.length === 0)).toBe(true);
  });

  it('inbox mode stores each message under inbox/imap/ with its INTERNALDATE, and ingest-email makes it an imap submission', async () => {
    // Prepare
    vi.spyOn(logger, 'info').mockImplementation(() => {});
    const login = server.login('inbox');
    const onTime = await plainMessage('收件箱模式：按时材料');
    const late = await plainMessage('收件箱模式：迟到材料');
    await deliver(login, 'INBOX', [
      { raw: onTime, at: LAST_SECOND },
      { raw: late, at: FIRST_LATE_SECOND },
    ]);
    const poller = new ImapMailboxPoller(
      { ...login, processedMailbox: PROCESSED, deliverTo: 'inbox' },
      direct(stack.ctx),
    );
    const handler = createIngestEmailHandler({ context: async () => stack.ctx, scanCheck: null });

    // Act
    const first = await poller.pollOnce();
    const keys = await stack.ctx.blobs.list('inbox/imap/');
    const beforeIngest = await unmatchedBySubject(stack.ctx);
    const heads = await Promise.all(keys.map((key) => stack.ctx.uploads?.head(key)));
    const ingest = await handler({
      Records: keys.map((key) => ({
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: '2023-11-12T00:00:00.000Z',
        awsRegion: 'us-east-1',
        s3: { bucket: { name: 'intake', arn: 'arn:aws:s3:::intake' }, object: { key: encodeURIComponent(key) } },
      })),
    });
    const second = await poller.pollOnce();

    // Assess
    expect(first).toMatchObject(reportOf({ fetched: 2, stored: 2, lastUid: 2 }));
    expect(second).toMatchObject(reportOf({ fetched: 0, stored: 0, lastUid: 2 }));
    expect(keys).toEqual([
      `inbox/imap/INBOX/${first.uidValidity}-1.eml`,
      `inbox/imap/INBOX/${first.uidValidity}-2.eml`,
    ]);
    expect(heads.map((head) => head?.metadata['received-at'])).toEqual([
      LAST_SECOND.toISOString(),
      FIRST_LATE_SECOND.toISOString(),
    ]);
    expect(beforeIngest.size).toBe(0);
    expect(await stack.ctx.blobs.get(keys[0] ?? '')).toEqual(onTime);
    expect(ingest).toEqual({ objects: keys.map((key) => ({ key, outcome: 'ingested' })) });
    const submissions = await unmatchedBySubject(stack.ctx);
    expect(submissions.get('收件箱模式：按时材料')).toMatchObject({
      channel: 'imap',
      rawKey: keys[0],
      receivedAt: LAST_SECOND.toISOString(),
      receivedAtSource: 'transport',
    });
    expect(submissions.get('收件箱模式：迟到材料')).toMatchObject({
      channel: 'imap',
      receivedAt: FIRST_LATE_SECOND.toISOString(),
    });
    expect(await mailboxContent(login, 'INBOX')).toEqual([]);
    expect(await mailboxContent(login, PROCESSED)).toHaveLength(2);
  });

  it('throws ImapPollError when it cannot log in, and the polling loop reports it and carries on', async () => {
    // Prepare
    const login = { ...server.login('refused'), pass: 'wrong password' };
    const errors: unknown[] = [];
    const poller = new ImapMailboxPoller(login, {
      ...direct(stack.ctx),
      onError: (error) => errors.push(error),
    });

    // Act
    const outcome = await poller.pollOnce().catch((error: unknown) => error);
    poller.startPolling(5);
    await until(async () => errors.length >= 2);
    await poller.stop();

    // Assess
    expect(outcome).toBeInstanceOf(ImapPollError);
    expect((outcome as Error).message).toContain('cannot log in to refused@127.0.0.1');
    expect(errors[0]).toBeInstanceOf(ImapPollError);
    expect(await rawCount(stack.ctx)).toBe(0);
  });
});
