/**
 * Statuses answered from what is stored (issue 17, status at scale): evaluateAll reads the stored statuses and the
 * bases' revisions, and computes a base again only when its stored status may be out of date — a later revision,
 * the deadline passed in between, an earlier `asOf`, or too old. Run on the in-memory records, counting the reads
 * of a base's own records (what a status computed from scratch costs).
 */
import { describe, expect, it } from 'vitest';
import { memoryRecords } from '../../../shared/adapters/memory/records/index.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import type { BlobStore, Clock } from '../../../shared/ports/index.ts';
import type { AppContext } from '../../../shared/use-cases/context.ts';
import { DEFAULT_LIMITS } from '../../../shared/use-cases/context.ts';
import { baseChanged, evaluateAll, STORED_STATUS_MAX_AGE_MS } from '../../../shared/use-cases/evaluate.ts';
import { document, submission } from '../../fixtures/records.ts';

const round = loadRound('2023');
const participating = round.bases.filter((b) => b.participating);

/** A context on fresh in-memory records whose clock the test sets, counting each base's record reads. */
function setUp(now: string) {
  const clock = { at: new Date(now) };
  const records = memoryRecords();
  const reads = { count: 0 };
  const listByBase = records.submissions.listByBase.bind(records.submissions);
  records.submissions.listByBase = async (baseId: string) => {
    reads.count++;
    return listByBase(baseId);
  };
  const ctx: AppContext = {
    round,
    blobs: {} as BlobStore,
    records,
    mailer: { send: async () => ({ messageId: 'none' }) },
    clock: { now: () => new Date(clock.at) } satisfies Clock,
    mailFrom: 'intake@example.cn',
    limits: DEFAULT_LIMITS,
  };
  return { ctx, clock, reads };
}

describe('statuses answered from what is stored', () => {
  it('computes each base once, then answers from the stored statuses until something changes', async () => {
    // Prepare
    const { ctx, clock, reads } = setUp('2023-11-05T02:00:00.000Z');
    const first = await evaluateAll(ctx);
    const computed = reads.count;
    clock.at = new Date('2023-11-05T02:05:00.000Z');

    // Act
    const again = await evaluateAll(ctx);

    // Assess
    expect(computed).toBe(participating.length);
    expect(reads.count).toBe(computed);
    expect(again.map((s) => [s.baseId, s.state])).toEqual(first.map((s) => [s.baseId, s.state]));
    expect(again.every((s) => s.asOf === '2023-11-05T02:05:00.000Z')).toBe(true);
  });

  it('computes again a base whose records changed, even when its evaluation after the write never ran', async () => {
    // Prepare: a submission recorded and its revision raised, as intake does before it evaluates; the process
    // stops there (the stored status is the old one).
    const { ctx, reads } = setUp('2023-11-05T02:00:00.000Z');
    await evaluateAll(ctx);
    const base = participating[0]!;
    const sub = submission('s-1', base.id, '2023-11-05T01:00:00.000Z');
    await ctx.records.submissions.create(sub);
    await ctx.records.documents.save(document(sub, '报告表.xlsx', 'report-form'));
    await ctx.records.statuses.bumpRevision(base.id);
    const before = reads.count;

    // Act
    const statuses = await evaluateAll(ctx);

    // Assess: that base alone computed, and received.
    expect(reads.count - before).toBe(1);
    expect(statuses.find((s) => s.baseId === base.id)?.state).toBe('incomplete');
  });

  it('computes every base again once the deadline has passed since, and for an earlier asOf', async () => {
    // Prepare
    const { ctx, clock, reads } = setUp('2023-11-09T10:00:00.000Z');
    const early = await evaluateAll(ctx);
    clock.at = new Date('2023-11-10T16:30:00.000Z');
    const before = reads.count;

    // Act
    const late = await evaluateAll(ctx);
    const afterDeadline = reads.count - before;
    const earlier = await evaluateAll(ctx, { asOf: new Date('2023-11-09T00:00:00.000Z') });

    // Assess: 截止仍缺 appears only in the statuses computed past the deadline.
    expect(early.some((s) => s.overdue)).toBe(false);
    expect(afterDeadline).toBe(participating.length);
    expect(late.every((s) => s.overdue)).toBe(true);
    expect(reads.count - before).toBe(2 * participating.length);
    expect(earlier.some((s) => s.overdue)).toBe(false);
  });

  it('computes again a stored status older than the longest it is kept, and one changed through baseChanged', async () => {
    // Prepare
    const { ctx, clock, reads } = setUp('2023-11-05T02:00:00.000Z');
    await evaluateAll(ctx);
    const base = participating[1]!;
    clock.at = new Date(Date.parse('2023-11-05T02:00:00.000Z') + STORED_STATUS_MAX_AGE_MS / 2);
    await baseChanged(ctx, base.id);
    clock.at = new Date(Date.parse('2023-11-05T02:00:00.000Z') + STORED_STATUS_MAX_AGE_MS + 1000);
    const before = reads.count;

    // Act
    await evaluateAll(ctx);

    // Assess: every base but the one evaluated through baseChanged (its status is younger than the limit).
    expect(reads.count - before).toBe(participating.length - 1);
  });

  it('answers one city from its own statuses', async () => {
    // Prepare
    const { ctx } = setUp('2023-11-05T02:00:00.000Z');
    await evaluateAll(ctx);

    // Act
    const taiyuan = await evaluateAll(ctx, { city: 'taiyuan' });

    // Assess
    expect(taiyuan.length).toBe(participating.filter((b) => b.city === 'taiyuan').length);
    expect(taiyuan.every((s) => s.city === 'taiyuan')).toBe(true);
  });
});
