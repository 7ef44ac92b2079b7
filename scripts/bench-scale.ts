/**
 * Status at scale (`npm run bench -- --scale`; issue 17, item 4): a synthetic round of 2,000 bases and 100,000
 * documents in the local store (dynalite on LevelDB through the real SDK client, as `intake` runs), against the same
 * city in a round whose other cities are ten times smaller.
 *
 * Each store holds the round's 30 bases plus registered ones: the measured city (太原) has `--city-bases` bases in
 * both stores; the eleven other cities share the rest (`--bases` in all for the large store, a tenth of the others
 * for the small one). Every registered base has one submission of `--docs` documents and a stored status, as after a
 * day of intake. Then, the two stores in turn, after three warm-up rounds, medians of 20:
 *   city status   queryStatus for 太原 (what `intake status --city 太原` computes once its snapshot is stale);
 *   city page     GET /cities/taiyuan through the real app, signed in as staff;
 * and on the large store once each, as staff run them (the compiled CLI, a process each, peak RSS from its exit hook):
 *   round status  `intake status --json` for the whole round;  export  `intake export` (every base).
 * The record reads of the city status are counted by kind (items returned), to show the access pattern: no Scan,
 * and nothing read of another city.
 *
 *   npm run bench -- --scale [--bases 2000] [--city-bases 160] [--docs 50] [--keep | --store DIR]
 * --keep leaves the seeded stores in their folder; --store DIR measures the stores a run with --keep left there.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Base, CityId } from '../shared/domain/catalogue.ts';
import { median } from './median.ts';

const CITY: CityId = 'taiyuan';
/** The clock of the synthetic round: two days before the deadline. */
const NOW = new Date('2023-11-08T06:00:00Z');
const TARGET_CITY_MS = 50;
const TARGET_RSS_MB = 300;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/** `work` over `items`, `limit` at once. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

interface Store {
  name: string;
  bases: number;
  documents: number;
  cityStatus(): Promise<unknown>;
  cityPage(): Promise<unknown>;
  /** Times of the city status and page (ms), measured interleaved with the other store's. */
  cityMs: number[];
  pageMs: number[];
  reads: Map<string, { calls: number; items: number }>;
  pageReads: Map<string, { calls: number; items: number }>;
  close(): Promise<void>;
  ctx: import('../shared/use-cases/context.ts').AppContext;
  app: ReturnType<typeof import('../shared/http/app.ts').createHttpApp>;
  cookie: string;
}

async function buildStore(dir: string, name: string, otherBases: number, cityBases: number, docs: number, seed = true) {
  const { createLocalContext } = await import('../shared/composition/local.ts');
  const { evaluateAll } = await import('../shared/use-cases/evaluate.ts');
  const { queryStatus } = await import('../shared/use-cases/query.ts');
  const { createHttpApp } = await import('../shared/http/app.ts');
  const { fixedClock } = await import('../shared/use-cases/context.ts');
  const { PASSWORDS, TEST_ACCOUNTS, TEST_SECRET } = await import('../tests/integration/http-seed.ts');
  const { document, submission } = await import('../tests/fixtures/records.ts');
  const now = NOW;
  const local = await createLocalContext({ dataDir: join(dir, name), clock: fixedClock(now) });
  const { ctx } = local;
  const others = ctx.round.cities.filter((c) => c.id !== CITY);
  const registered: Base[] = [];
  const add = (city: (typeof ctx.round.cities)[number], i: number) =>
    registered.push({
      id: `n-${city.id}-${i}`,
      name: `${city.name}第${i}号直播基地`,
      city: city.id,
      category: 'new',
      grade2021: null,
      aliases: [],
      participating: true,
    });
  const ownInCity = ctx.round.bases.filter((b) => b.city === CITY).length;
  const taiyuan = ctx.round.cities.find((c) => c.id === CITY)!;
  for (let i = 0; i < cityBases - ownInCity; i++) add(taiyuan, i);
  const ownOthers = ctx.round.bases.length - ownInCity;
  for (let i = 0; i < otherBases - ownOthers; i++) add(others[i % others.length]!, Math.floor(i / others.length));
  const started = performance.now();
  let documents = 0;
  const facts = join(dir, `${name}.json`);
  if (!seed) ({ documents } = JSON.parse(await readFile(facts, 'utf8')) as { documents: number });
  await eachLimited(seed ? registered : [], 8, async (base) => {
    await ctx.records.registeredBases.save(ctx.round.id, base);
    const sub = submission(`s-${base.id}`, base.id, '2023-11-04T01:00:00.000Z');
    await ctx.records.submissions.create({ ...sub, roundId: ctx.round.id });
    for (let d = 0; d < docs; d++) {
      const fileName = d === 0 ? '经营服务情况报告表.xlsx' : d === 1 ? '自评报告.pdf' : `证明材料${d}.pdf`;
      await ctx.records.documents.save(
        document(sub, fileName, d === 0 ? 'report-form' : d === 1 ? 'self-assessment' : 'evidence', {
          sha256: `${base.id}-${d}`,
        }),
      );
      documents++;
    }
    await ctx.records.statuses.bumpRevision(base.id);
  });
  if (seed) {
    await evaluateAll(ctx, { asOf: now });
    await writeFile(facts, JSON.stringify({ documents }));
  }
  console.log(
    `  ${name}: ${ctx.round.bases.length + registered.length} bases (${cityBases} in 太原), ${documents} documents, ${seed ? 'seeded and evaluated' : 'opened'} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  const app = createHttpApp(ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS });
  const login = await app.request('/login', {
    method: 'POST',
    body: new URLSearchParams({ name: 'admin', password: PASSWORDS.admin, next: '/' }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const cityStatus = () => queryStatus(ctx, { asOf: now, city: CITY });
  const cityPage = async () => {
    const response = await app.request(`/cities/${CITY}`, { headers: { cookie } });
    if (response.status !== 200) throw new Error(`city page answered ${response.status}`);
    await response.text();
  };
  const reads = await countReads(ctx, () => queryStatus(ctx, { asOf: now, city: CITY }));
  const pageReads = await countReads(ctx, async () =>
    (await app.request(`/cities/${CITY}`, { headers: { cookie } })).text(),
  );
  return {
    name,
    bases: ctx.round.bases.length + registered.length,
    documents,
    cityStatus,
    cityPage,
    cityMs: [] as number[],
    pageMs: [] as number[],
    reads,
    pageReads,
    ctx,
    app,
    cookie,
    close: local.close,
  } satisfies Store;
}

/** The record reads `work` makes, by `kind.method`: calls and items returned (the DynamoDB requests behind them). */
async function countReads(
  ctx: import('../shared/use-cases/context.ts').AppContext,
  work: () => Promise<unknown>,
): Promise<Map<string, { calls: number; items: number }>> {
  const reads = new Map<string, { calls: number; items: number }>();
  const restore: (() => void)[] = [];
  for (const [kind, port] of Object.entries(ctx.records) as [string, Record<string, unknown>][]) {
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(port))) {
      const method = port[name];
      if (name === 'constructor' || typeof method !== 'function') continue;
      port[name] = async (...args: unknown[]) => {
        const out = await (method as (...a: unknown[]) => Promise<unknown>).apply(port, args);
        const seen = reads.get(`${kind}.${name}`) ?? { calls: 0, items: 0 };
        seen.calls++;
        seen.items += Array.isArray(out) ? out.length : out instanceof Map ? out.size : out ? 1 : 0;
        reads.set(`${kind}.${name}`, seen);
        return out;
      };
      restore.push(() => {
        delete port[name];
      });
    }
  }
  try {
    await work();
  } finally {
    for (const undo of restore) undo();
  }
  return reads;
}

/** The scale benchmark; 0 when the targets are met. */
export async function benchScale(): Promise<number> {
  const bases = option('--bases', 2000);
  const cityBases = option('--city-bases', 160);
  const docs = option('--docs', 50);
  // --store DIR: the stores a run with --keep left there (same --bases, --city-bases and --docs), not seeded again.
  const storeAt = process.argv.indexOf('--store');
  const kept = storeAt >= 0 ? process.argv[storeAt + 1] : undefined;
  const dir = kept ?? (await mkdtemp(join(tmpdir(), 'intake-bench-scale-')));
  try {
    // The round data as it is now, copied beside the stores and read from there by this process and the CLI: a
    // status stored at seeding stays valid while others edit the round files (its fingerprint would change).
    const rounds = join(dir, 'rounds');
    if (!existsSync(rounds)) {
      const { roundsDirectory } = await import('../shared/domain/rounds/index.ts');
      await cp(roundsDirectory(), rounds, { recursive: true, filter: (path) => !/\.[cm]?[jt]s$/.test(path) });
    }
    process.env.INTAKE_ROUNDS_DIR = rounds;
    console.log(kept ? `opening the stores in ${kept} ...` : 'seeding the two stores (this takes minutes) ...');
    const otherLarge = bases - cityBases;
    const small = await buildStore(dir, 'small', Math.round(otherLarge / 10), cityBases, docs, !kept);
    const large = await buildStore(dir, 'large', otherLarge, cityBases, docs, !kept);
    // Small and large in turn (this machine's noise falls on both), after three warm-up rounds.
    for (let i = 0; i < 23; i++) {
      for (const store of [small, large]) {
        for (const [work, times] of [
          [store.cityStatus, store.cityMs],
          [store.cityPage, store.pageMs],
        ] as const) {
          const t = performance.now();
          await work();
          if (i >= 3) times.push(performance.now() - t);
        }
      }
    }
    await small.close();
    await large.close();
    // The whole round as staff ask for it: the compiled CLI, each a process of its own (peak RSS from its exit hook).
    const { runNode } = await import('./bench-batch.ts');
    const cli = join(import.meta.dirname, '../bin/intake.mjs');
    const dataDir = join(dir, 'large');
    await runNode([join(import.meta.dirname, 'build-cli.mjs')]);
    // Stored statuses reused (as after a day of intake), and every base computed again (asked 11 minutes later,
    // past STORED_STATUS_MAX_AGE_MS); then the same with V8's default heap growing, for what bin/intake.mjs's buys.
    const later = new Date(NOW.getTime() + 11 * 60_000).toISOString();
    const whole = async (command: 'status' | 'export', asOf: string, env: Record<string, string> = {}) =>
      runNode(
        command === 'status'
          ? [cli, 'status', '--json', '--data-dir', dataDir, '--as-of', asOf]
          : [cli, 'export', '--data-dir', dataDir, '--as-of', asOf, '--out', join(dir, 'round.xlsx')],
        env,
      );
    const v8Default = { INTAKE_HEAP_GROWING_PERCENT: '0' };
    const runs = [
      ['whole-round status --json, stored statuses reused', await whole('status', NOW.toISOString())],
      ['whole-round status --json, every base computed', await whole('status', later)],
      ['export.xlsx, every base, stored statuses reused', await whole('export', NOW.toISOString())],
      ['export.xlsx, every base, every base computed', await whole('export', later)],
    ] as const;
    const defaults = [
      ['status --json, reused, V8 default heap growing', await whole('status', NOW.toISOString(), v8Default)],
      ['status --json, computed, V8 default heap growing', await whole('status', later, v8Default)],
    ] as const;

    const vsTarget = (ms: number) => `${(ms / TARGET_CITY_MS).toFixed(2)}`;
    console.log(`\n| | small round | large round | large ÷ small | large ÷ target | target |`);
    console.log('|---|---|---|---|---|---|');
    console.log(
      `| bases / documents | ${small.bases} / ${small.documents} | ${large.bases} / ${large.documents} | | | |`,
    );
    console.log(
      `| 太原 status (${cityBases} bases; median of 20) | ${median(small.cityMs).toFixed(1)} ms | ${median(large.cityMs).toFixed(1)} ms | ${(median(large.cityMs) / median(small.cityMs)).toFixed(2)} | ${vsTarget(median(large.cityMs))} | ≤ ${TARGET_CITY_MS} ms, flat |`,
    );
    console.log(
      `| 太原 page, GET /cities/taiyuan (median of 20) | ${median(small.pageMs).toFixed(1)} ms | ${median(large.pageMs).toFixed(1)} ms | ${(median(large.pageMs) / median(small.pageMs)).toFixed(2)} | ${vsTarget(median(large.pageMs))} | ≤ ${TARGET_CITY_MS} ms, flat |`,
    );
    for (const [what, run] of [...runs, ...defaults]) {
      console.log(
        `| ${what} | | ${(run.ms / 1000).toFixed(2)} s, peak RSS ${run.rssMb.toFixed(0)} MB | | ${(run.rssMb / TARGET_RSS_MB).toFixed(2)} | ≤ ${TARGET_RSS_MB} MB |`,
      );
    }
    for (const [what, of] of [
      ['太原 status', (store: Store) => store.reads],
      ['太原 page', (store: Store) => store.pageReads],
    ] as const) {
      console.log(`\nrecord reads of one ${what} (calls / items returned), small round, large round:`);
      const kinds = new Set([...of(small).keys(), ...of(large).keys()]);
      for (const kind of [...kinds].sort()) {
        const a = of(small).get(kind);
        const b = of(large).get(kind);
        console.log(`  ${kind.padEnd(36)} ${a?.calls ?? 0} / ${a?.items ?? 0}   ${b?.calls ?? 0} / ${b?.items ?? 0}`);
      }
    }
    const flat = (x: number, y: number) => y / x <= 1.5;
    const missed = [
      median(large.cityMs) > TARGET_CITY_MS && 'city status',
      median(large.pageMs) > TARGET_CITY_MS && 'city page',
      !flat(median(small.cityMs), median(large.cityMs)) && 'city status not flat',
      !flat(median(small.pageMs), median(large.pageMs)) && 'city page not flat',
      ...runs.map(([what, run]) => run.rssMb > TARGET_RSS_MB && `${what}: RSS`),
    ].filter(Boolean);
    console.log(missed.length === 0 ? 'all targets met' : `targets missed: ${missed.join(', ')}`);
    return missed.length === 0 ? 0 : 1;
  } finally {
    if (process.argv.includes('--keep') || kept) console.log(`stores kept in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}
