/**
 * Notify: the digest each city bureau receives about its bases.
 *
 * Primary course (`sendCityNotices`):
 * 1. evaluate every base at `asOf`; render each city's digest (text, HTML; the facts hashed with the addresses);
 * 2. decide with `dueNotices` which cities get one now: a reminder slot of the round's schedule (cities with gaps
 *    only) or a change of facts (at most one a day); `force` sends regardless, `city` keeps to one city;
 * 3. leave out addresses the transport reported failing (a finding says so) and send each due digest exactly once
 *    (notice-delivery.ts), with the `.xlsx` attached; failures are retried with backoff on later runs;
 * 4. retry acknowledgements whose transport failed, when their next attempt is due (acknowledge-send.ts).
 * A dry run does steps 1-2 and reports what would be sent.
 */
import type { Base, City } from '../domain/catalogue.ts';
import { type Finding, finding } from '../domain/findings.ts';
import type { AddressStatus, NoticeClaim, NoticeTrigger } from '../domain/notice-claims.ts';
import {
  type CityNoticeHistory,
  type DueNotice,
  dueNotices,
  noticeScheduleOf,
  type PastNotice,
} from '../domain/notice-schedule.ts';
import { renderCityDigest } from '../domain/notice-text.ts';
import type { BaseStatus, CityNotice } from '../domain/records.ts';
import { sha256Hex } from '../domain/sha256.ts';
import { retryAcknowledgements } from './acknowledge-send.ts';
import type { AppContext } from './context.ts';
import { evaluateAll, evaluateBase } from './evaluate.ts';
import { type DeliveryStatus, deliverOnce } from './notice-delivery.ts';
import { buildDigestWorkbook, digestWorkbookName } from './notice-workbook.ts';
import { listRegistry } from './registry.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A city's digest as built at `asOf` (not yet decided on or sent). */
export interface CityDigest extends CityNotice {
  /** The facts only; with the configured addresses, what `contentSha256` is taken of. */
  body: string;
  html: string;
  contentSha256: string;
  hasGaps: boolean;
  received: boolean;
  /** Configured addresses left out because the transport reported them failing. */
  skippedTo: string[];
  /** When the city's official letter arrived (as of `asOf`), or null. */
  letterReceivedAt: string | null;
  /** Remarks for staff: failing or missing addresses. */
  findings: Finding[];
}

/** A notice still waiting for a retry, a decision by staff, or given up (shown with the city's notices). */
export interface NoticeFailure {
  key: string;
  kind: 'digest' | 'ack';
  state: NoticeClaim['state'];
  attempts: number;
  nextAttemptAt: string | null;
  error: string | null;
  subject: string;
  to: string[];
  asOf: string;
}

/** What a run did with one city's digest. */
export interface CityNoticeOutcome extends CityNotice {
  /** True when the schedule, a change or `force` made the digest due. */
  due: boolean;
  trigger: NoticeTrigger | null;
  slot: string | null;
  sent: boolean;
  /** Why it was not sent: dry-run, not-due, unchanged, no-address, or a delivery status (backoff, ...). */
  skipped?: string;
  error?: string;
  attempts?: number;
  nextAttemptAt?: string | null;
  findings: Finding[];
  /** Unsettled notices of this city (failed, or outcome unknown). */
  failures: NoticeFailure[];
  /** Addresses of this city the transport reported failing. */
  failingAddresses: string[];
}

/** Options of a run. */
export interface NoticeRunInput {
  asOf?: Date;
  dryRun?: boolean;
  /** Send now whether or not the schedule or a change calls for it (staff: "send this city now"). */
  force?: boolean;
  /** Only this city. */
  city?: string;
}

/** Builds the digests of every city (or one) at `asOf` (default now). */
export async function buildCityNotices(
  ctx: AppContext,
  input: { asOf?: Date; city?: string } = {},
): Promise<CityDigest[]> {
  const asOf = input.asOf ?? ctx.clock.now();
  const registry = await listRegistry(ctx);
  const [statuses, failing, cityRecords] = await Promise.all([
    input.city ? statusesOfCity(ctx, registry, input.city, asOf) : evaluateAll(ctx, { asOf }),
    ctx.records.addresses.listFailing(),
    ctx.records.cities.list(),
  ]);
  const digests: CityDigest[] = [];
  for (const city of ctx.round.cities) {
    if (input.city && city.id !== input.city) continue;
    const bases = statuses.filter((status) => status.city === city.id);
    if (bases.length === 0) continue;
    const record = cityRecords.find((r) => r.city === city.id);
    const letterReceivedAt =
      record?.letterReceivedAt && record.letterReceivedAt <= asOf.toISOString() ? record.letterReceivedAt : null;
    const rendered = renderCityDigest({
      round: ctx.round,
      city,
      statuses: bases,
      registry,
      asOf,
      letterReceivedAt,
      uploadLinkFor: ctx.uploadLinkFor,
    });
    const { to, skippedTo, findings } = addressesOf(city, failing);
    digests.push({
      city: city.id,
      to,
      subject: rendered.subject,
      bases,
      text: rendered.text,
      html: rendered.html,
      body: rendered.body,
      contentSha256: sha256Hex(JSON.stringify([city.notifyTo, rendered.body])),
      hasGaps: rendered.hasGaps,
      received: rendered.received,
      skippedTo,
      letterReceivedAt,
      findings,
    });
  }
  return digests;
}

/** Decides, and unless `dryRun` sends, each city's digest (see the primary course above). */
export async function sendCityNotices(ctx: AppContext, input: NoticeRunInput = {}): Promise<CityNoticeOutcome[]> {
  const asOf = input.asOf ?? ctx.clock.now();
  const schedule = noticeScheduleOf(ctx.round);
  const [digests, registry, failing, open] = await Promise.all([
    buildCityNotices(ctx, { asOf, city: input.city }),
    listRegistry(ctx),
    ctx.records.addresses.listFailing(),
    ctx.records.noticeClaims.listUnsettled(),
  ]);
  const out: CityNoticeOutcome[] = [];
  for (const digest of digests) {
    const city = ctx.round.cities.find((c) => c.id === digest.city) as City;
    const claims = await ctx.records.noticeClaims.listDigests(digest.city);
    const history: CityNoticeHistory = {
      city: digest.city,
      contentSha256: digest.contentSha256,
      hasGaps: digest.hasGaps,
      received: digest.received,
      notices: claims.map(toPastNotice),
    };
    const due: DueNotice | null = input.force
      ? { city: digest.city, trigger: 'change', slot: null, key: `digest:${digest.city}:force:${asOf.toISOString()}` }
      : (dueNotices(ctx.round, asOf, [history])[0] ?? null);
    const trigger: NoticeTrigger | null = input.force ? 'force' : (due?.trigger ?? null);
    // The opening sentence names the reminder; the facts, and so the hash, stay the same.
    const { text, html } =
      due?.slot && !input.force
        ? renderCityDigest({
            round: ctx.round,
            city,
            statuses: digest.bases,
            registry,
            asOf,
            letterReceivedAt: digest.letterReceivedAt,
            slot: due.slot,
            uploadLinkFor: ctx.uploadLinkFor,
          })
        : digest;
    const contentSha256 = digest.contentSha256;
    const notice: CityNotice = { city: digest.city, to: digest.to, subject: digest.subject, bases: digest.bases, text };
    const outcome: CityNoticeOutcome = {
      ...notice,
      due: due !== null,
      trigger,
      slot: due?.slot?.id ?? null,
      sent: false,
      findings: digest.findings,
      failures: open.filter((c) => c.kind === 'digest' && c.city === digest.city).map(toFailure),
      failingAddresses: failing
        .map((a) => a.address)
        .filter((address) => city.notifyTo.some((to) => to.toLowerCase() === address)),
    };
    if (input.dryRun) {
      out.push({ ...outcome, skipped: 'dry-run' });
      continue;
    }
    if (!due) {
      const last = history.notices.find((n) => n.state === 'sent' || n.state === 'sending');
      out.push({ ...outcome, skipped: last?.contentSha256 === contentSha256 ? 'unchanged' : 'not-due' });
      continue;
    }
    if (notice.to.length === 0) {
      out.push({ ...outcome, skipped: 'no-address' });
      continue;
    }
    const delivery = await deliverOnce(
      ctx,
      {
        key: due.key,
        kind: 'digest',
        city: digest.city,
        submissionId: null,
        trigger: trigger ?? 'change',
        slot: due.slot?.id ?? null,
        contentSha256,
        asOf,
        to: notice.to,
        subject: notice.subject,
        text,
        findings: digest.findings,
        compose: async () => ({
          from: ctx.mailFrom,
          to: notice.to,
          subject: notice.subject,
          text,
          html,
          attachments: [
            {
              filename: digestWorkbookName(ctx.round, city, asOf),
              content: await buildDigestWorkbook({ round: ctx.round, city, statuses: digest.bases, registry, asOf }),
              contentType: XLSX,
            },
          ],
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        }),
      },
      schedule,
    );
    out.push(outcomeOf(outcome, delivery.status, delivery.claim, delivery.error));
  }
  if (!input.dryRun && !input.city) await retryAcknowledgements(ctx).catch(() => undefined);
  return out;
}

/** Every unsettled notice (digests and acknowledgements): failed, waiting for a retry, or with an unknown outcome. */
export async function listNoticeFailures(ctx: AppContext): Promise<NoticeFailure[]> {
  return (await ctx.records.noticeClaims.listUnsettled()).map(toFailure);
}

function outcomeOf(
  outcome: CityNoticeOutcome,
  status: DeliveryStatus,
  claim: NoticeClaim | null,
  error: string | undefined,
): CityNoticeOutcome {
  const attempts = claim ? { attempts: claim.attempts, nextAttemptAt: claim.nextAttemptAt } : {};
  const others = outcome.failures.filter((f) => f.key !== claim?.key);
  if (status === 'sent') {
    // Older unsettled digests of the city were superseded; an unrecorded send stays listed as outcome unknown.
    return {
      ...outcome,
      ...attempts,
      sent: true,
      failures: error && claim ? [toFailure(claim)] : [],
      ...(error ? { error } : {}),
    };
  }
  if (status === 'failed') {
    return {
      ...outcome,
      ...attempts,
      error,
      failures: claim ? [...others, toFailure(claim)] : others,
      findings: [
        ...outcome.findings,
        finding(
          'notice.send-failed',
          claim?.nextAttemptAt
            ? `发送失败（第${claim.attempts}次）：${error ?? ''}；将于${claim.nextAttemptAt}后重试。`
            : `发送失败（第${claim?.attempts ?? 0}次）：${error ?? ''}；已停止重试，请工作人员处理。`,
        ),
      ],
    };
  }
  return { ...outcome, ...attempts, skipped: status };
}

/** One city's statuses (staff asking for one city need not wait for the whole province). */
async function statusesOfCity(ctx: AppContext, registry: Base[], city: string, asOf: Date): Promise<BaseStatus[]> {
  const bases = registry.filter((b) => b.participating && b.city === city);
  return Promise.all(bases.map((b) => evaluateBase(ctx, { baseId: b.id, asOf })));
}

function addressesOf(city: City, failing: AddressStatus[]): { to: string[]; skippedTo: string[]; findings: Finding[] } {
  const bad = new Map(failing.map((a) => [a.address.toLowerCase(), a]));
  const to: string[] = [];
  const skippedTo: string[] = [];
  const findings: Finding[] = [];
  for (const address of city.notifyTo) {
    const status = bad.get(address.toLowerCase());
    if (!status) {
      to.push(address);
      continue;
    }
    skippedTo.push(address);
    findings.push(
      finding(
        'notice.address-failing',
        `${city.bureau}的地址${address}${status.lastType === 'complaint' ? '被标记为垃圾邮件投诉' : '发生退信'}（${status.lastReportedAt ?? ''}），已暂停向其发送，请核实后清除（intake clear-address）。`,
      ),
    );
  }
  if (city.notifyTo.length === 0) {
    findings.push(
      finding('notice.no-address', `${city.bureau}尚未配置接收通知的邮箱地址（轮次数据 cities.notifyTo）。`),
    );
  } else if (to.length === 0) {
    findings.push(finding('notice.no-address', `${city.bureau}的所有通知地址均已暂停，本次通知未发送。`));
  }
  return { to, skippedTo, findings };
}

function toPastNotice(claim: NoticeClaim): PastNotice {
  return {
    key: claim.key,
    trigger: claim.trigger,
    slot: claim.slot,
    contentSha256: claim.contentSha256,
    asOf: claim.asOf,
    state: claim.state,
  };
}

function toFailure(claim: NoticeClaim): NoticeFailure {
  return {
    key: claim.key,
    kind: claim.kind,
    state: claim.state,
    attempts: claim.attempts,
    nextAttemptAt: claim.nextAttemptAt,
    error: claim.error,
    subject: claim.subject,
    to: claim.to,
    asOf: claim.asOf,
  };
}
