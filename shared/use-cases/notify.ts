/**
 * Notify: the digest each city bureau receives about its bases.
 *
 * Primary course: evaluate every base at `asOf`; group by city; render each city's digest; unless it is a dry run,
 * send it and record the notice with a hash of its facts. A digest whose facts were already sent to that city is
 * not sent again.
 */
import { createHash } from 'node:crypto';
import { renderCityNotice } from '../domain/notice-text.ts';
import type { CityNotice, NoticeRecord } from '../domain/records.ts';
import type { AppContext } from './context.ts';
import { evaluateAll } from './evaluate.ts';
import { listRegistry } from './registry.ts';

/** Builds the digests of every city at `asOf` (default now). */
export async function buildCityNotices(
  ctx: AppContext,
  input: { asOf?: Date } = {},
): Promise<(CityNotice & { body: string })[]> {
  const asOf = input.asOf ?? ctx.clock.now();
  const [statuses, registry] = await Promise.all([evaluateAll(ctx, { asOf }), listRegistry(ctx)]);
  const notices: (CityNotice & { body: string })[] = [];
  for (const city of ctx.round.cities) {
    const bases = statuses.filter((status) => status.city === city.id);
    if (bases.length === 0) continue;
    const { subject, text, body } = renderCityNotice(ctx.round, city, bases, registry, asOf);
    notices.push({ city: city.id, to: city.notifyTo, subject, bases, text, body });
  }
  return notices;
}

/** Builds the digests and, unless `dryRun`, sends those whose facts changed since the last one sent. */
export async function sendCityNotices(
  ctx: AppContext,
  input: { asOf?: Date; dryRun?: boolean } = {},
): Promise<(CityNotice & { sent: boolean; skipped?: string; error?: string })[]> {
  const asOf = input.asOf ?? ctx.clock.now();
  const notices = await buildCityNotices(ctx, { asOf });
  const out: (CityNotice & { sent: boolean; skipped?: string; error?: string })[] = [];
  for (const { body, ...notice } of notices) {
    if (input.dryRun) {
      out.push({ ...notice, sent: false, skipped: 'dry-run' });
      continue;
    }
    const contentSha256 = createHash('sha256')
      .update(JSON.stringify([notice.to, body]))
      .digest('hex');
    const previous = await ctx.records.listNotices(notice.city);
    if (previous.some((p) => p.contentSha256 === contentSha256 && p.sentAt !== null)) {
      out.push({ ...notice, sent: false, skipped: 'unchanged' });
      continue;
    }
    if (notice.to.length === 0) {
      out.push({ ...notice, sent: false, skipped: 'no-address' });
      continue;
    }
    const record: NoticeRecord = {
      id: contentSha256.slice(0, 16),
      city: notice.city,
      to: notice.to,
      subject: notice.subject,
      text: notice.text,
      contentSha256,
      asOf: asOf.toISOString(),
      sentAt: null,
      transportId: null,
      error: null,
    };
    try {
      const { messageId } = await ctx.mailer.send({
        from: ctx.mailFrom,
        to: notice.to,
        subject: notice.subject,
        text: notice.text,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      record.sentAt = ctx.clock.now().toISOString();
      record.transportId = messageId;
      out.push({ ...notice, sent: true });
    } catch (error) {
      record.error = (error as Error).message;
      out.push({ ...notice, sent: false, error: record.error });
    }
    await ctx.records.saveNotice(record);
  }
  return out;
}
