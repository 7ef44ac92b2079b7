/**
 * Paper copies with their arrival date (API and dashboard form; late after the paper due date) and a city's
 * recommendations (more than two new bases: a warning on the city page and in the city's JSON).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { startTestStack } from './helpers.ts';
import { PASSWORDS, TEST_ACCOUNTS, TEST_SECRET } from './http-seed.ts';

/** 11月16日 10:00 Beijing: past the deadline and the paper due date, the review has started. */
const NOW = new Date('2023-11-16T02:00:00Z');

describe('paper copies and city recommendations', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let app: ReturnType<typeof createHttpApp>;
  let staff: string;
  beforeAll(async () => {
    stack = await startTestStack(fixedClock(NOW));
    app = createHttpApp(stack.ctx, { accounts: TEST_ACCOUNTS, secret: TEST_SECRET, wallClock: () => new Date() });
    const login = await app.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ name: 'admin', password: PASSWORDS.admin, next: '/' }),
    });
    staff = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  }, 120_000);
  afterAll(async () => {
    await stack.dispose();
  });

  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: staff },
      body: JSON.stringify(body),
    });

  it('records paper copies with their arrival date through the API; late after the due date, never in the future', async () => {
    // Act
    const onTime = await post('/api/bases/p02/paper-copies', {
      copies: 2,
      receivedOn: '2023-11-10',
      reason: '太原市局',
    });
    const late = await post('/api/bases/p03/paper-copies', { copies: 2, receivedOn: '2023-11-14', reason: '太原市局' });
    const future = await post('/api/bases/p03/paper-copies', { copies: 2, receivedOn: '2023-11-20', reason: 'x' });
    const notADate = await post('/api/bases/p03/paper-copies', { copies: 2, receivedOn: '11月14日', reason: 'x' });
    const audit = await stack.ctx.records.audit.list('p03');

    // Assess
    expect(onTime.status).toBe(200);
    expect(await onTime.json()).toMatchObject({
      paperCopies: 2,
      paperCopiesReceivedOn: '2023-11-10',
      paperLate: false,
    });
    expect(await late.json()).toMatchObject({ paperCopies: 2, paperCopiesReceivedOn: '2023-11-14', paperLate: true });
    expect(future.status).toBe(409);
    expect(notADate.status).toBe(400);
    expect(audit[0]).toMatchObject({ action: 'record-paper-copies', details: { copies: 2, receivedOn: '2023-11-14' } });
  });

  it('records them from the base page form, and the pages say 逾期 and that collection is closed', async () => {
    // Prepare
    const before = await (await app.request('/bases/p06', { headers: { cookie: staff } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(before)?.[1] ?? '';

    // Act
    const done = await app.request('/ui/paper-copies', {
      method: 'POST',
      headers: { cookie: staff, referer: 'http://localhost/bases/p06' },
      body: new URLSearchParams({ baseId: 'p06', copies: '2', receivedOn: '2023-11-13', reason: '市局邮寄', csrf }),
    });
    const page = await (await app.request('/bases/p06', { headers: { cookie: staff } })).text();
    const city = await (await app.request('/cities/taiyuan', { headers: { cookie: staff } })).text();
    const overview = await (await app.request('/', { headers: { cookie: staff } })).text();

    // Assess
    expect(before).toContain('<input name="receivedOn" type="date"');
    expect(done.status).toBe(303);
    expect(page).toMatch(/<dd id="paper">2 \/ 2 份，2023年11月13日收到 <span class="chip bad">逾期<\/span>/);
    expect(city).toMatch(/个基地已收到2份，<span class="chip bad">逾期 2<\/span>/);
    expect(overview).toContain('材料报送（接收）工作已结束');
    expect(overview).toContain('专家评审已于2023年11月15日开始');
  });

  it('warns when a city recommends more than two new bases, on the city page and in its JSON', async () => {
    // Act
    for (const name of ['清徐县葡萄直播基地', '阳曲县小米直播基地']) {
      expect((await post('/api/bases', { name, city: 'taiyuan', reason: '太原市推荐函' })).status).toBe(201);
    }
    const atTwo = await (await app.request('/cities/taiyuan', { headers: { cookie: staff } })).text();
    await post('/api/bases', { name: '娄烦县山药蛋直播基地', city: 'taiyuan', reason: '太原市推荐函' });
    const atThree = await (await app.request('/cities/taiyuan', { headers: { cookie: staff } })).text();
    const cities = (await (await app.request('/api/cities', { headers: { cookie: staff } })).json()) as {
      cities: { city: string; newBases: string[]; findings: { code: string; message: string }[] }[];
    };
    const overview = await (await app.request('/', { headers: { cookie: staff } })).text();

    // Assess
    expect(atTwo).toContain('<dt>本轮新推荐</dt><dd id="new-bases">2 家');
    expect(atTwo).not.toContain('city-finding');
    expect(atThree).toContain('超过2家</span>');
    expect(atThree).toContain('本轮新推荐参评基地3家（');
    for (const name of ['清徐县葡萄直播基地', '阳曲县小米直播基地', '娄烦县山药蛋直播基地']) {
      expect(atThree).toMatch(new RegExp(`新推荐参评基地3家（[^）]*${name}`));
    }
    const taiyuan = cities.cities.find((c) => c.city === 'taiyuan')!;
    expect(taiyuan.newBases).toHaveLength(3);
    expect(taiyuan.findings.map((f) => f.code)).toEqual(['city.too-many-recommended']);
    expect(cities.cities.find((c) => c.city === 'datong')?.findings).toEqual([]);
    expect(overview).toContain('新推荐3家</span>');
  });
});
