/**
 * The dashboard after the deadline: 逾期提交 (sent after it) and 截止仍缺 (still missing past it) as two chips and
 * two counts, on the overview, the city page, the base pages and in the JSON API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { AFTER_DEADLINE, LATENESS_CASES, seedLatenessCases } from '../fixtures/lateness.ts';
import { startTestStack } from './helpers.ts';
import { PASSWORDS, TEST_ACCOUNTS, TEST_SECRET } from './http-seed.ts';

describe('dashboard: the two kinds of 逾期', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let app: ReturnType<typeof createHttpApp>;
  let staff: string;

  const get = async (path: string) => app.request(path, { headers: { cookie: staff } });
  const page = async (path: string) => (await get(path)).text();
  /** The text of the first element matching `open` up to its closing tag `close`. */
  const section = (html: string, open: string, close: string) => {
    const at = html.indexOf(open);
    return at < 0 ? '' : html.slice(at, html.indexOf(close, at));
  };

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(new Date(AFTER_DEADLINE)));
    await seedLatenessCases(stack.ctx.records, stack.ctx.round);
    app = createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS });
    const login = await app.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ name: 'admin', password: PASSWORDS.admin, next: '/' }),
    });
    staff = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  }, 120_000);
  afterAll(async () => {
    await stack.dispose();
  });

  it('counts 逾期提交 and 截止仍缺 on two cards and in two city columns', async () => {
    // Act
    const overview = await page('/');

    // Assess
    // One base sent late (山西千万亿); of 30 bases, all but the two complete ones still miss something.
    expect(overview).toContain('<div class="n">1</div><div class="l">逾期提交</div>');
    expect(overview).toContain('<div class="n">28</div><div class="l">截止仍缺</div>');
    expect(overview).not.toContain('存在逾期');
    expect(overview).toContain('<th class="num">逾期提交</th><th class="num">截止仍缺</th>');
    const taiyuan = section(overview, '<a href="/cities/taiyuan">', '</tr>');
    expect(taiyuan).toContain('<td data-label="逾期提交" class="num">1</td>');
    expect(taiyuan).toMatch(/<td data-label="截止仍缺" class="num">\d+<\/td>/);
  });

  it('puts one chip or the other (or none) beside each base', async () => {
    // Act
    const overview = await page('/');
    const row = (id: string) => section(overview, `<a href="/bases/${id}">`, '</tr>');

    // Assess
    expect(row(LATENESS_CASES.neither)).not.toMatch(/逾期提交|截止仍缺/);
    expect(row(LATENESS_CASES.lateOnly)).toContain('<span class="chip bad late">逾期提交</span>');
    expect(row(LATENESS_CASES.lateOnly)).not.toContain('截止仍缺');
    expect(row(LATENESS_CASES.overdueOnly)).toContain('<span class="chip bad overdue">截止仍缺</span>');
    expect(row(LATENESS_CASES.overdueOnly)).not.toContain('逾期提交');
    // The gaps open in place, by name: no code, no second page.
    expect(row(LATENESS_CASES.neither)).not.toContain('class="gaps"');
    const base = await page(`/cities/taiyuan`);
    const gaps = section(base, '<details class="gaps">', '</details>');
    expect(gaps).toMatch(/<li>[^<]*的证明材料<\/li>|<li>自评报告<\/li>|<li>第\d+项/);
    expect(gaps).not.toMatch(/building-area|self-assessment/);
  });

  it('lists on a base page what came late, to the second against the deadline, and what is still missing', async () => {
    // Act
    const late = await page(`/bases/${LATENESS_CASES.lateOnly}`);
    const overdue = await page(`/bases/${LATENESS_CASES.overdueOnly}`);
    const onTime = await page(`/bases/${LATENESS_CASES.neither}`);

    // Assess
    expect(section(late, '<h1>', '</h1>')).toContain('逾期提交');
    expect(section(late, '<h1>', '</h1>')).not.toContain('截止仍缺');
    expect(late).toContain('自评报告逾期提交（11月11日0时0分5秒收到，截止时间为2023年11月10日24时）');
    expect(section(overdue, '<h1>', '</h1>')).toContain('截止仍缺');
    expect(section(overdue, '<h1>', '</h1>')).not.toContain('逾期提交');
    // One line for all the evidence still missing, not one line each.
    expect(overdue).toContain('项证明材料截止时仍未提交：直播电商基地建筑面积');
    expect(overdue.match(/class="overdue"/g)?.length ?? 0).toBeLessThanOrEqual(3);
    expect(section(onTime, '<h1>', '</h1>')).not.toMatch(/逾期提交|截止仍缺/);
    expect(onTime).toContain('电子材料齐全，无逾期。');
    // Received near the deadline: shown to the second, 23:59:30 on the last day.
    expect(onTime).toContain('11月10日23时59分30秒');
  });

  it('says both counts on the city page and both flags in the JSON API', async () => {
    // Act
    const city = await page('/cities/taiyuan');
    const cities = (await (await get('/api/cities')).json()) as { cities: { city: string }[] };
    const status = (await (await get('/api/status')).json()) as {
      bases: { baseId: string; late: boolean; overdue: boolean; overdueItems: unknown[] }[];
    };

    // Assess
    expect(city).toMatch(/逾期提交 1，截止仍缺 \d+/);
    expect(cities.cities.find((c) => c.city === 'taiyuan')).toMatchObject({ late: 1 });
    expect(cities.cities.find((c) => c.city === 'taiyuan')).toHaveProperty('overdue');
    const flags = (id: string) => {
      const b = status.bases.find((x) => x.baseId === id);
      return [b?.late, b?.overdue];
    };
    expect(flags(LATENESS_CASES.neither)).toEqual([false, false]);
    expect(flags(LATENESS_CASES.lateOnly)).toEqual([true, false]);
    expect(flags(LATENESS_CASES.overdueOnly)).toEqual([false, true]);
  });
});
