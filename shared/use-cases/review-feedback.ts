/**
 * Feedback to the cities (二、(三), 三、(二)): each bureau gets its bases' scores, grades, ranks, weak level-1 groups
 * and the experts' comments (without the experts' names). Staff send it when the results are settled
 * (`intake review feedback --send`; a dry run by default). Delivery is the notices' own: a claim per city and
 * content (conditional put) so a retry never sends twice and unchanged feedback is not sent again; failures are
 * listed by `intake notices`. The claims carry no city (so that they neither supersede nor are superseded by the
 * intake digests, which mark older claims of a city moot).
 */
import { createHash, randomUUID } from 'node:crypto';
import { noticeScheduleOf } from '../domain/notice-schedule.ts';
import { cityFeedbackText } from '../domain/review-text.ts';
import type { AppContext } from './context.ts';
import { type DeliveryStatus, deliverOnce } from './notice-delivery.ts';
import { queryReview } from './review.ts';

/** One city's feedback and what happened to it. */
export interface CityFeedback {
  city: string;
  to: string[];
  subject: string;
  text: string;
  bases: number;
  /** Bases with a total (the rest are said to follow). */
  scored: number;
  status: DeliveryStatus | 'dry-run' | 'no-address' | 'no-bases';
}

/** Builds, and with `send` delivers, the feedback of every city (or one). */
export async function sendReviewFeedback(
  ctx: AppContext,
  input: { city?: string; send?: boolean; actor: string },
): Promise<CityFeedback[]> {
  const report = await queryReview(ctx);
  const now = ctx.clock.now();
  const on = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.round.timeZone }).format(now);
  const out: CityFeedback[] = [];
  for (const city of ctx.round.cities) {
    if (input.city && city.id !== input.city) continue;
    const mine = report.results.filter((r) => r.city === city.id);
    const { subject, text, html } = cityFeedbackText({
      round: ctx.round,
      city,
      results: report.results,
      groupMinShare: report.scheme.groupMinShare,
      on,
    });
    const base = {
      city: city.id,
      to: city.notifyTo,
      subject,
      text,
      bases: mine.length,
      scored: mine.filter((r) => r.total !== null).length,
    };
    if (mine.length === 0) {
      out.push({ ...base, status: 'no-bases' });
      continue;
    }
    if (!input.send) {
      out.push({ ...base, status: 'dry-run' });
      continue;
    }
    if (city.notifyTo.length === 0) {
      out.push({ ...base, status: 'no-address' });
      continue;
    }
    // The date line is left out of the hash: the same results are the same feedback on any day.
    const facts = text.split('\n').slice(0, -1).join('\n');
    const contentSha256 = createHash('sha256')
      .update(`${city.notifyTo.join(',')}\n${facts}`)
      .digest('hex');
    const delivery = await deliverOnce(
      ctx,
      {
        key: `review-feedback:${ctx.round.id}:${city.id}:${contentSha256.slice(0, 16)}`,
        kind: 'digest',
        city: null,
        submissionId: null,
        trigger: 'force',
        slot: null,
        contentSha256,
        asOf: now,
        to: city.notifyTo,
        subject,
        text,
        findings: [],
        compose: async () => ({
          from: ctx.mailFrom,
          to: city.notifyTo,
          subject,
          text,
          html,
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        }),
      },
      noticeScheduleOf(ctx.round),
    );
    if (delivery.status === 'sent') {
      await ctx.records.audit.append({
        id: randomUUID(),
        at: now.toISOString(),
        actor: input.actor,
        action: 'review-feedback-sent',
        baseId: null,
        submissionId: null,
        reason: `向${city.bureau}反馈综合评价结果`,
        details: { city: city.id, to: city.notifyTo, bases: mine.length, contentSha256 },
      });
    }
    out.push({ ...base, status: delivery.status });
  }
  return out;
}
