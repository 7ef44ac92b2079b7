/**
 * Deadline-day surge (issue 17, target 5): many bases deliver at once to the local mailbox (the real SMTP listener
 * over loopback, nodemailer as the client, 8 connections at a time). Some bases send twice (a resubmission), and
 * some messages are delivered twice with the same Message-ID (a client's retry). Every distinct message must be one
 * submission, none lost and none doubled; and the time to drain 2N messages must stay within 3× the time of N.
 */
import nodemailer from 'nodemailer';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpListener } from '../../shared/adapters/local/smtp-listener.ts';
import type { Base } from '../../shared/domain/catalogue.ts';
import type { Clock } from '../../shared/ports/index.ts';
import type { IngestResult } from '../../shared/use-cases/intake.ts';
import { queryStatus } from '../../shared/use-cases/query.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { buildMinimalPdf } from '../fixtures/self-assessment-pdf.ts';
import { startTestStack } from './helpers.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The afternoon of the deadline day: 2023-11-10 16:00 Beijing. */
const SURGE_START = new Date('2023-11-10T08:00:00Z');
/** SMTP connections open at once. */
const CONNECTIONS = 8;
const N = 20;

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/** A clock that starts at the deadline afternoon and runs with the wall clock. */
function surgeClock(): Clock {
  const origin = Date.now();
  return { now: () => new Date(SURGE_START.getTime() + (Date.now() - origin)) };
}

/** One message a base sends: its raw bytes and who it is from. */
interface PlannedMessage {
  messageId: string;
  baseId: string;
  from: string;
  raw: Buffer;
}

const forms = new Map<string, Buffer>();
/** The base's report form (built once per base name: exceljs is the slow part of building a message). */
async function formOf(baseName: string): Promise<Buffer> {
  let form = forms.get(baseName);
  if (!form) {
    form = await buildReportFormXlsx({ header: { baseName }, values: SAMPLE_FORM_VALUES, layout: 'template' });
    forms.set(baseName, form);
  }
  return form;
}

/** A first submission (form + self-assessment) or a resubmission (form + one evidence PDF) of a base. */
async function messageOf(base: Base, run: string, index: number, resubmission: boolean): Promise<PlannedMessage> {
  const from = `${base.id}@example.cn`;
  const messageId = `<surge-${run}-${index}-${base.id}@example.cn>`;
  const attachments = [
    { filename: `${base.name}经营服务情况报告表.xlsx`, content: await formOf(base.name), contentType: XLSX },
    resubmission
      ? {
          filename: `${base.name}从业人员名单.pdf`,
          content: await buildMinimalPdf(`${base.name}\n从业人员名单（补充）\n运维技术人员 12 人`),
          contentType: 'application/pdf',
        }
      : {
          filename: `${base.name}自评报告.pdf`,
          content: await buildMinimalPdf(`${base.name}\n2022—2023年度综合评价自评报告\n累计引导成交额1.2亿元`),
          contentType: 'application/pdf',
        },
  ];
  const raw = await buildEmail({
    subject: `【${resubmission ? '补充材料' : '申报材料'}】${base.name}2022-2023年度综合评价材料`,
    from: `"${base.name}" <${from}>`,
    sentAt: new Date(SURGE_START.getTime() - 60_000),
    messageId,
    attachments,
  });
  return { messageId, baseId: base.id, from, raw };
}

/** n distinct messages: three quarters first submissions of distinct bases, the rest resubmissions of some of them. */
async function planSurge(bases: readonly Base[], n: number, run: string): Promise<PlannedMessage[]> {
  const firsts = Math.min(bases.length, Math.ceil(n * 0.75));
  const messages: PlannedMessage[] = [];
  for (let i = 0; i < n; i++) {
    const resubmission = i >= firsts;
    messages.push(await messageOf(bases[resubmission ? (i - firsts) % firsts : i]!, run, i, resubmission));
  }
  return messages;
}

/** The deliveries: every message once, and every fifth once more a few places later (a client's retry). */
function deliveriesOf(messages: readonly PlannedMessage[]): PlannedMessage[] {
  const order = [...messages];
  messages.forEach((message, i) => {
    if (i % 5 === 2) order.splice(Math.min(order.length, order.indexOf(message) + 3), 0, message);
  });
  return order;
}

interface Delivery {
  message: PlannedMessage;
  response: string | null;
  error: string | null;
}

interface SurgeRun {
  stack: Stack;
  messages: PlannedMessage[];
  deliveries: Delivery[];
  ingested: IngestResult[];
  recordCount: number;
  seconds: number;
}

/** Delivers `messages` (with retries) to a fresh stack through CONNECTIONS SMTP connections at once, timed. */
async function surge(n: number, run: string): Promise<SurgeRun> {
  const stack = await startTestStack(surgeClock());
  stacks.push(stack);
  const ingested: IngestResult[] = [];
  const listener = await startSmtpListener(stack.ctx, { onIngested: (result) => ingested.push(result) });
  closers.push(() => listener.close());
  const bases = stack.ctx.round.bases.filter((base) => base.participating);
  const messages = await planSurge(bases, n, run);
  const planned = deliveriesOf(messages);
  const deliveries: Delivery[] = [];
  let next = 0;

  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      // Each sender its own connection, as each base's mail server would open one.
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: listener.port,
        secure: false,
        ignoreTLS: true,
      });
      for (let i = next++; i < planned.length; i = next++) {
        const message = planned[i]!;
        const delivery: Delivery = { message, response: null, error: null };
        deliveries.push(delivery);
        try {
          const info = await transport.sendMail({
            envelope: { from: message.from, to: [stack.ctx.round.mailbox] },
            raw: message.raw,
          });
          delivery.response = info.response;
        } catch (error) {
          delivery.error = (error as Error).message;
        }
      }
      transport.close();
    }),
  );
  // The listener answers 250 once intake has recorded the message; poll the records until every one is there.
  let recordCount = 0;
  const giveUp = Date.now() + 30_000;
  while (Date.now() < giveUp) {
    recordCount = (await stack.ctx.records.submissions.listAll()).length;
    if (recordCount >= planned.length) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  return { stack, messages, deliveries, ingested, recordCount, seconds };
}

/** Exactly once: every accepted delivery has its record, every distinct Message-ID one submission, retries duplicates. */
async function assertExactlyOnce(run: SurgeRun): Promise<void> {
  const { stack, messages, deliveries, ingested } = run;
  const retries = deliveries.length - messages.length;
  expect(retries).toBeGreaterThan(0);

  // Every delivery was accepted, and answered with the submission that recorded it.
  expect(deliveries.filter((d) => d.error !== null).map((d) => `${d.message.messageId}: ${d.error}`)).toEqual([]);
  const queued = deliveries.map((d) => /^250 .*queued as (s-\S+)/.exec(d.response ?? '')?.[1] ?? d.response);
  expect(queued.every((id) => id?.startsWith('s-'))).toBe(true);
  expect(new Set(queued).size).toBe(deliveries.length);

  // Every accepted delivery has its record; nothing else was recorded; nothing left half-done.
  const all = await stack.ctx.records.submissions.listAll();
  expect(run.recordCount).toBe(deliveries.length);
  expect(all.map((s) => s.id).sort()).toEqual([...queued].sort());
  expect(all.filter((s) => s.state !== 'processed' && s.state !== 'duplicate').map((s) => [s.id, s.state])).toEqual([]);
  expect(ingested).toHaveLength(deliveries.length);

  // One submission per distinct Message-ID, of the base that sent it; each retry a duplicate of that one.
  const kept = all.filter((s) => s.state === 'processed');
  const byMessageId = new Map(kept.map((s) => [s.messageId, s]));
  expect(kept).toHaveLength(messages.length);
  expect(byMessageId.size).toBe(messages.length);
  for (const message of messages) {
    expect(byMessageId.get(message.messageId)?.baseId, message.messageId).toBe(message.baseId);
  }
  const duplicates = all.filter((s) => s.state === 'duplicate');
  expect(duplicates).toHaveLength(retries);
  for (const duplicate of duplicates) {
    expect(duplicate.duplicateOf, duplicate.messageId ?? duplicate.id).toBe(byMessageId.get(duplicate.messageId)?.id);
  }
  expect(ingested.filter((result) => result.duplicate)).toHaveLength(retries);

  // Every base's status counts its own messages, resubmissions included and retries not.
  const expected = new Map<string, number>();
  for (const message of messages) expected.set(message.baseId, (expected.get(message.baseId) ?? 0) + 1);
  const report = await queryStatus(stack.ctx);
  for (const status of report.bases) {
    const count = expected.get(status.baseId) ?? 0;
    expect(status.submissions, status.baseId).toBe(count);
    expect(status.state === 'not-received', status.baseId).toBe(count === 0);
    if (count > 0) expect(status.missing.documents, status.baseId).toEqual([]);
  }
  expect(report.unmatched).toEqual([]);
}

const stacks: Stack[] = [];
const closers: (() => Promise<void>)[] = [];
const seconds = new Map<number, number>();

describe('deadline-day surge through the SMTP listener', () => {
  beforeAll(async () => {
    // Warm-up (untimed): the readers (exceljs, pdf.js) load on first use; neither timed run should pay for it.
    const stack = await startTestStack(surgeClock());
    const listener = await startSmtpListener(stack.ctx);
    const base = stack.ctx.round.bases.find((b) => b.participating)!;
    const message = await messageOf(base, 'warm-up', 0, false);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, ignoreTLS: true });
    await transport.sendMail({ envelope: { from: message.from, to: [stack.ctx.round.mailbox] }, raw: message.raw });
    transport.close();
    await listener.close();
    await stack.dispose();
  }, 60_000);
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const stack of stacks.splice(0)) await stack.dispose();
  });

  for (const n of [N, 2 * N]) {
    it(`takes ${n} messages (and their retries) exactly once`, async () => {
      // Act
      const run = await surge(n, `n${n}`);
      seconds.set(n, run.seconds);
      console.log(
        `surge of ${n} messages (${run.deliveries.length} deliveries, ${CONNECTIONS} connections): ` +
          `${run.seconds.toFixed(2)} s, ${(n / run.seconds).toFixed(2)} messages/s`,
      );

      // Assess
      await assertExactlyOnce(run);
    }, 90_000);
  }

  it('drains 2N messages in at most three times the time of N', () => {
    // Assess
    const [small, large] = [seconds.get(N), seconds.get(2 * N)];
    expect(small).toBeDefined();
    expect(large).toBeDefined();
    const ratio = large! / small!;
    console.log(
      `surge time(${2 * N}) / time(${N}) = ${large!.toFixed(2)} s / ${small!.toFixed(2)} s = ${ratio.toFixed(2)}`,
    );
    expect(ratio).toBeLessThanOrEqual(3);
  });
});
