/**
 * Status at scale (issue 17, item 4): one city's status and its page read that city's records only, so they stay
 * as fast when the other cities grow tenfold. Run on the in-memory records, counting every record read (calls, and
 * the items they return) while the other cities grow.
 */
import { describe, expect, it } from 'vitest';
import { memoryRecords } from '../../../shared/adapters/memory/records/index.ts';
import type { Base, CityId } from '../../../shared/domain/catalogue.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { createHttpApp } from '../../../shared/http/app.ts';
import type { BlobStore, Records } from '../../../shared/ports/index.ts';
import type { AppContext } from '../../../shared/use-cases/context.ts';
import { DEFAULT_LIMITS } from '../../../shared/use-cases/context.ts';
import { evaluateAll } from '../../../shared/use-cases/evaluate.ts';
import { queryStatus } from '../../../shared/use-cases/query.ts';
import { cityOverview, tableSearchWords } from '../../../shared/use-cases/read-model.ts';
import { document, submission } from '../../fixtures/records.ts';
import { PASSWORDS, TEST_ACCOUNTS, TEST_SECRET } from '../../integration/http-seed.ts';

const round = loadRound('2023');
const NOW = new Date('2023-11-05T02:00:00.000Z');
const CITY: CityId = 'taiyuan';

/** The record reads made through `records`: each `kind.method` called, with the items it returned. */
function counting(records: Records) {
  const reads = new Map<string, { calls: number; items: number }>();
  let on = false;
  for (const [kind, port] of Object.entries(records) as [string, Record<string, unknown>][]) {
    const names = new Set([...Object.keys(port), ...Object.getOwnPropertyNames(Object.getPrototypeOf(port))]);
    for (const name of names) {
      const method = port[name];
      if (name === 'constructor' || typeof method !== 'function') continue;
      port[name] = async (...args: unknown[]) => {
        const out = await (method as (...a: unknown[]) => Promise<unknown>).apply(port, args);
        if (on && !/^(save|create|put|bump|claim|update|record|delete|set|mark|append)/i.test(name)) {
          const seen = reads.get(`${kind}.${name}`) ?? { calls: 0, items: 0 };
          seen.calls++;
          seen.items += Array.isArray(out) ? out.length : out instanceof Map ? out.size : out ? 1 : 0;
          reads.set(`${kind}.${name}`, seen);
        }
        return out;
      };
    }
  }
  return {
    reads,
    async measure<T>(work: () => Promise<T>): Promise<Map<string, { calls: number; items: number }>> {
      reads.clear();
      on = true;
      try {
        await work();
      } finally {
        on = false;
      }
      return new Map(reads);
    },
  };
}

/** Registers `perCity` new bases in every city but `CITY`, each with a submission of three documents. */
async function growOtherCities(ctx: AppContext, perCity: number, from: number): Promise<void> {
  for (const city of round.cities.filter((c) => c.id !== CITY)) {
    for (let i = from; i < from + perCity; i++) {
      const base: Base = {
        id: `n-${city.id}-${i}`,
        name: `${city.name}第${i}直播基地`,
        city: city.id,
        category: 'new',
        grade2021: null,
        aliases: [],
        participating: true,
      };
      await ctx.records.registeredBases.save(round.id, base);
      const sub = submission(`s-${base.id}`, base.id, '2023-11-04T01:00:00.000Z');
      await ctx.records.submissions.create(sub);
      for (const name of ['报告表.xlsx', '自评报告.pdf', '直播间明细.xlsx'])
        await ctx.records.documents.save(document(sub, name, name.startsWith('报告') ? 'report-form' : 'evidence'));
      await ctx.records.statuses.bumpRevision(base.id);
    }
  }
}

/** A context on in-memory records at NOW. */
function memoryContext(records: Records): AppContext {
  return {
    round,
    blobs: {} as BlobStore,
    records,
    mailer: { send: async () => ({ messageId: 'none' }) },
    clock: { now: () => new Date(NOW) },
    mailFrom: 'intake@example.cn',
    limits: DEFAULT_LIMITS,
  };
}

describe("one city's status as the other cities grow", () => {
  it('reads the same records, item for item, when the other cities have ten times the bases', async () => {
    // Prepare
    const records = memoryRecords();
    const ctx = memoryContext(records);
    const counter = counting(records);
    const cityReads = async () => ({
      status: await counter.measure(() => queryStatus(ctx, { asOf: NOW, city: CITY })),
      // What the city page reads: the overview of the city, then its table's search words.
      page: await counter.measure(async () => {
        const overview = await cityOverview(ctx, NOW, [CITY]);
        return tableSearchWords(ctx, overview.bases, overview.registry);
      }),
    });
    await growOtherCities(ctx, 2, 0);
    await evaluateAll(ctx, { asOf: NOW });
    const small = await cityReads();
    const roundRead = await counter.measure(() => queryStatus(ctx, { asOf: NOW }));

    // Act
    await growOtherCities(ctx, 18, 2);
    await evaluateAll(ctx, { asOf: NOW });
    const large = await cityReads();

    // Assess: the whole round reads the other cities (the counter works); one city's status and page do not.
    expect(roundRead.get('statuses.listWithRevisions')?.items).toBeGreaterThan(
      small.status.get('statuses.listWithRevisions')?.items ?? 0,
    );
    expect(Object.fromEntries(large.status)).toEqual(Object.fromEntries(small.status));
    expect(Object.fromEntries(large.page)).toEqual(Object.fromEntries(small.page));
    const taiyuanBases = round.bases.filter((b) => b.city === CITY && b.participating).length;
    expect(large.status.get('statuses.listWithRevisions')).toEqual({ calls: 1, items: taiyuanBases });
  });
});

describe("a city's page", () => {
  it("reads the city's registry and its record once a request, and nothing of another city", async () => {
    // Prepare: the other cities with bases of their own; staff signed in to the real app.
    const records = memoryRecords();
    const ctx = memoryContext(records);
    await growOtherCities(ctx, 3, 0);
    await evaluateAll(ctx, { asOf: NOW });
    const app = createHttpApp(ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS });
    const login = await app.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ name: 'admin', password: PASSWORDS.admin, next: '/' }),
    });
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const counter = counting(records);

    // Act
    let status = 0;
    let text = '';
    const reads = await counter.measure(async () => {
      const response = await app.request(`/cities/${CITY}`, { headers: { cookie } });
      status = response.status;
      text = await response.text();
    });

    // Assess: one read of each (the registry, the statuses, the revisions, the record); the page shows the city.
    expect(status).toBe(200);
    expect(text).toContain('太原');
    const taiyuan = round.bases.filter((b) => b.city === CITY);
    expect(reads.get('registeredBases.list')).toEqual({ calls: 1, items: 0 });
    expect(reads.get('statuses.listWithRevisions')).toEqual({
      calls: 1,
      items: taiyuan.filter((b) => b.participating).length,
    });
    expect(reads.get('statuses.getRevisions')?.calls).toBe(1);
    expect(reads.get('cities.get')?.calls).toBe(1);
    expect(reads.has('cities.list')).toBe(false);
  });
});
