import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormValue } from '../../shared/domain/records.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { requestBundleJob } from '../../shared/use-cases/bundle-jobs.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { startTestStack } from './helpers.ts';
import { PASSWORDS, type Seeded, seedIntake, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET, tamperedPath } from './http-seed.ts';

type App = ReturnType<typeof createHttpApp>;

/** A Lambda event as API Gateway's JWT authorizer passes it, for `app.request(path, init, env)`. */
function gateway(claims: Record<string, unknown>) {
  return { event: { requestContext: { authorizer: { jwt: { claims } } } } };
}

describe('HTTP API', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let app: App;
  let seeded: Seeded;
  let staff: string;
  let bureau: string;
  let wallNow = new Date();
  let doc: { submissionId: string; sha256: string };

  const login = async (name: string, password: string): Promise<Response> =>
    app.request('/login', { method: 'POST', body: new URLSearchParams({ name, password, next: '/' }) });
  const cookieOf = (response: Response) => response.headers.get('set-cookie')?.split(';')[0] ?? '';
  const get = (path: string, cookie = '') => app.request(path, { headers: cookie ? { cookie } : {} });
  const post = (path: string, body: unknown, cookie = '') =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  const json = async <T = Record<string, unknown>>(response: Response) => (await response.json()) as T;

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    seeded = await seedIntake(stack.ctx);
    app = createHttpApp(stack.ctx, {
      secret: TEST_SECRET,
      accounts: TEST_ACCOUNTS,
      wallClock: () => wallNow,
      fileLinkSeconds: 60,
    });
    staff = cookieOf(await login('admin', PASSWORDS.admin));
    bureau = cookieOf(await login('cz', PASSWORDS.cz));
    const [submissionId, sha256] = seeded.youtuo.documentIds[0]!.split('/') as [string, string];
    doc = { submissionId, sha256 };
  }, 120_000);
  afterAll(async () => {
    await stack.dispose();
  });

  /** Every operation of the OpenAPI document, with its path filled with another city's (Taiyuan's) ids. */
  async function operations(): Promise<{ method: string; path: string; url: string }[]> {
    const spec = await json<{
      paths: Record<string, Record<string, unknown>>;
    }>(await get('/api/openapi.json'));
    // A package job of a Taiyuan base (a bureau of another city must not see it; built in the background, not waited for).
    const { job } = await requestBundleJob(stack.ctx, { scope: { base: 'p02' }, actor: 'admin' });
    const values: Record<string, string> = {
      baseId: 'p02',
      submissionId: doc.submissionId,
      sha256: doc.sha256,
      city: 'taiyuan',
      roundId: '2023',
      jobId: job.id,
    };
    return Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase(),
        path,
        url: path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? name)),
      })),
    );
  }

  describe('access', () => {
    it('signs in local accounts with scrypt-checked passwords and refuses wrong ones', async () => {
      // Act
      const wrong = await login('admin', 'nope');
      const unknown = await login('nobody', 'nope');
      const right = await login('cz', PASSWORDS.cz);

      // Assess
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.headers.get('set-cookie')).toBeNull();
      expect(right.status).toBe(303);
      expect(right.headers.get('location')).toBe('/cities/changzhi');
      expect(right.headers.get('set-cookie')).toMatch(/intake_session=.*HttpOnly.*SameSite=Lax/i);
      expect(await json(await get('/api/me', cookieOf(right)))).toMatchObject({
        name: 'cz',
        role: 'bureau',
        city: 'changzhi',
      });
    });

    it('answers 401 on every documented route without a session (except the public upload portal)', async () => {
      // Prepare
      const ops = (await operations()).filter((op) => !op.path.startsWith('/api/uploads'));

      // Act
      const statuses = await Promise.all(
        ops.map(async (op) => [`${op.method} ${op.path}`, (await app.request(op.url, { method: op.method })).status]),
      );

      // Assess
      expect(ops.length).toBeGreaterThanOrEqual(25);
      expect(statuses.filter(([, status]) => status !== 401)).toEqual([]);
    });

    it('answers 403 to a bureau on every route about another city and on every staff action', async () => {
      // Prepare: list routes are asked for Taiyuan explicitly; the catalogue, "me" and the city list (filtered,
      // tested below) are for everyone.
      const open = new Set(['GET /api/me', 'GET /api/rounds', 'GET /api/rounds/{roundId}', 'GET /api/cities']);
      const ops = (await operations()).filter(
        (op) => !op.path.startsWith('/api/uploads') && !open.has(`${op.method} ${op.path}`),
      );
      const cityQuery = new Set([
        '/api/bases',
        '/api/status',
        '/api/findings',
        '/api/notices',
        '/api/excluded',
        '/api/unclassified',
        '/api/export.xlsx',
      ]);

      // Act
      const statuses = await Promise.all(
        ops.map(async (op) => {
          const url = cityQuery.has(op.path) ? `${op.url}?city=taiyuan` : op.url;
          const init: RequestInit =
            op.method === 'GET'
              ? { headers: { cookie: bureau } }
              : { method: op.method, headers: { cookie: bureau, 'content-type': 'application/json' }, body: '{}' };
          return [`${op.method} ${op.path}`, (await app.request(url, init)).status] as const;
        }),
      );

      // Assess
      expect(statuses.filter(([, status]) => status !== 403)).toEqual([]);
    });

    it('trusts API Gateway JWT claims: staff group, bureau group with its city, no group refused', async () => {
      // Act
      const asStaff = await app.request(
        '/api/unmatched',
        {},
        gateway({ email: 'li@sxdoc.gov.cn', 'cognito:groups': '[staff]' }),
      );
      const bureauClaims = { 'cognito:username': 'cz-bureau', 'cognito:groups': '[bureau]', 'custom:city': 'changzhi' };
      const own = await app.request('/api/bases/p11', {}, gateway(bureauClaims));
      const other = await app.request('/api/bases/p02', {}, gateway(bureauClaims));
      const noRole = await app.request('/api/me', {}, gateway({ sub: 'x', 'cognito:groups': '[]' }));
      const bureauNoCity = await app.request('/api/me', {}, gateway({ sub: 'y', 'cognito:groups': ['bureau'] }));

      // Assess
      expect(asStaff.status).toBe(200);
      expect(own.status).toBe(200);
      expect(other.status).toBe(403);
      expect(noRole.status).toBe(403);
      expect(bureauNoCity.status).toBe(403);
    });

    it('ignores a forged or expired session cookie', async () => {
      // Prepare
      const forged = `${staff.slice(0, -4)}AAAA`;

      // Act
      const tampered = await get('/api/me', forged);
      wallNow = new Date(Date.now() + 13 * 3_600_000);
      const expired = await get('/api/me', staff);
      wallNow = new Date();

      // Assess
      expect(tampered.status).toBe(401);
      expect(expired.status).toBe(401);
    });

    it('opens a per-city signed link as a read-only bureau session for that city only', async () => {
      // Act
      const issued = await post('/api/city-links', { city: 'changzhi', hours: 48, reason: '发给长治市局' }, staff);
      const link = await json<{ url: string; expiresAt: string }>(issued);
      const opened = await get(new URL(link.url).pathname);
      const session = cookieOf(opened);
      const forged = await get(`${new URL(link.url).pathname.slice(0, -3)}xyz`);

      // Assess
      expect(issued.status).toBe(201);
      expect(opened.status).toBe(303);
      expect(opened.headers.get('location')).toBe('/cities/changzhi');
      expect((await get('/api/bases/p11', session)).status).toBe(200);
      expect((await get('/api/bases/p02', session)).status).toBe(403);
      expect((await post('/api/bases/p11/paper-copies', { copies: 2, reason: 'x' }, session)).status).toBe(403);
      expect(forged.status).toBe(404);
      const audit = await json<{ action: string; actor: string }[]>(await get('/api/audit', staff));
      expect(audit[0]).toMatchObject({ action: 'issue-city-link', actor: 'admin' });
    });
  });

  describe('reading routes', () => {
    it('documents the API as OpenAPI 3.1 generated from the schemas', async () => {
      // Act
      const response = await get('/api/openapi.json');
      const spec = await json<{
        openapi: string;
        paths: Record<string, unknown>;
        components: { schemas: Record<string, unknown> };
      }>(response);

      // Assess
      expect(response.status).toBe(200);
      expect(spec.openapi).toBe('3.1.0');
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([
          '/api/rounds',
          '/api/cities',
          '/api/bases/{baseId}',
          '/api/status',
          '/api/submissions/{submissionId}',
          '/api/documents/{submissionId}/{sha256}/link',
          '/api/findings',
          '/api/notices',
          '/api/unmatched',
          '/api/audit',
          '/api/submissions/{submissionId}/assign',
          '/api/excluded',
          '/api/submissions/{submissionId}/recommend',
        ]),
      );
      expect(Object.keys(spec.components.schemas)).toEqual(expect.arrayContaining(['BaseStatus', 'AssignBody']));
      const schema = (name: string) => spec.components.schemas[name] as { properties: Record<string, unknown> };
      expect(Object.keys(schema('BaseStatus').properties)).toEqual(
        expect.arrayContaining(['late', 'lateItems', 'overdue', 'overdueItems']),
      );
      expect(Object.keys(schema('CityStatus').properties)).toEqual(
        expect.arrayContaining(['late', 'overdue', 'paperLate', 'newBases', 'findings']),
      );
      expect(Object.keys(schema('StatusReport').properties)).toEqual(['bases', 'unmatched', 'excluded']);
      expect(Object.keys(schema('Excluded').properties)).toEqual(
        expect.arrayContaining(['submissionId', 'base', 'reason', 'from', 'subject', 'receivedAt', 'fileNames']),
      );
      expect(Object.keys(schema('PaperCopiesBody').properties)).toEqual(['copies', 'receivedOn', 'reason']);
    });

    it("lists rounds and the catalogue without the bureaus' addresses", async () => {
      // Act
      const rounds = await json<{ id: string; current: boolean }[]>(await get('/api/rounds', bureau));
      const round = await json(await get('/api/rounds/2023', bureau));
      const missing = await get('/api/rounds/1999', staff);

      // Assess
      expect(rounds).toContainEqual(expect.objectContaining({ id: '2023', current: true }));
      expect(round.deadlineInstant).toBe('2023-11-10T16:00:00.000Z');
      expect((round.indicators as unknown[]).length).toBe(39);
      expect(JSON.stringify(round.cities)).not.toContain('@');
      expect(missing.status).toBe(404);
    });

    it('summarises cities: all for staff, the own one for a bureau', async () => {
      // Act
      const all = await json<{
        cities: { city: string }[];
        daysLeft: number;
      }>(await get('/api/cities', staff));
      const own = await json<{
        cities: { city: string; byState: Record<string, number> }[];
      }>(await get('/api/cities', bureau));
      const city = await json(await get('/api/cities/changzhi', bureau));

      // Assess
      expect(all.cities).toHaveLength(12);
      expect(all.daysLeft).toBe(2);
      expect(own.cities.map((c) => c.city)).toEqual(['changzhi']);
      expect(own.cities[0]!.byState).toEqual({ 'not-received': 2, incomplete: 1, complete: 0 });
      expect((city.bases as { baseId: string }[]).map((b) => b.baseId).sort()).toEqual(['p04', 'p10', 'p11']);
    });

    it('lists and searches bases within what the caller may see', async () => {
      // Act
      const all = await json<{ id: string }[]>(await get('/api/bases', staff));
      const own = await json<{ city: string }[]>(await get('/api/bases', bureau));
      const found = await json<
        {
          id: string;
        }[]
      >(await get(`/api/bases?q=${encodeURIComponent('平顺')}`, staff));
      const foundElsewhere = (await json(await get(`/api/bases?q=${encodeURIComponent('邮拓')}`, bureau))) as unknown[];

      // Assess
      expect(all.length).toBe(34);
      expect(new Set(own.map((b) => b.city))).toEqual(new Set(['changzhi']));
      expect(found.map((b) => b.id)).toEqual(['p11']);
      expect(foundElsewhere).toEqual([]);
    });

    it('shows a base with its documents, report figures and evidence checklist', async () => {
      // Act
      const response = await get('/api/bases/p11', bureau);
      const detail = await json(response);
      const unknown = await get('/api/bases/zz99', staff);

      // Assess
      expect(response.status).toBe(200);
      expect(detail.status).toMatchObject({ state: 'incomplete', submissions: 1 });
      expect((detail.documents as { kind: string }[]).map((d) => d.kind).sort()).toEqual([
        'report-form',
        'self-assessment',
      ]);
      expect(detail.report).toMatchObject({ figures: { gmv: { value: 15000 } } });
      expect((detail.evidence as { claimed: boolean }[]).filter((e) => e.claimed).length).toBeGreaterThan(30);
      expect(unknown.status).toBe(404);
    });

    it("answers the status like `intake status --json`, at any asOf, limited to the bureau's city", async () => {
      // Act
      const all = await json<{
        bases: { city: string }[];
        unmatched: unknown[];
      }>(await get('/api/status', staff));
      const own = await json<{
        bases: { city: string }[];
        unmatched: unknown[];
      }>(await get('/api/status', bureau));
      const before = await json<{ bases: { state: string }[] }>(
        await get(`/api/status?asOf=${encodeURIComponent('2023-11-01T00:00:00+08:00')}`, staff),
      );
      const invalid = await get('/api/status?asOf=yesterday', staff);

      // Assess
      expect(all.bases).toHaveLength(30);
      expect(all.unmatched).toHaveLength(1);
      expect(new Set(own.bases.map((b) => b.city))).toEqual(new Set(['changzhi']));
      expect(own.unmatched).toEqual([]);
      expect(before.bases.every((b) => b.state === 'not-received')).toBe(true);
      expect(invalid.status).toBe(400);
    });

    it('serves submissions and documents of a base and of one submission', async () => {
      // Act
      const submissions = await json<{ id: string }[]>(await get('/api/bases/p11/submissions', bureau));
      const documents = await json<{ id: string }[]>(await get('/api/bases/p11/documents', bureau));
      const one = await json(await get(`/api/submissions/${seeded.pingshun.submissionId}`, bureau));
      const unmatchedByStaff = await get(`/api/submissions/${seeded.unmatchedId}`, staff);
      const unmatchedByBureau = await get(`/api/submissions/${seeded.unmatchedId}`, bureau);
      const [s, sha] = seeded.pingshun.documentIds[0]!.split('/');
      const document = await json(await get(`/api/documents/${s}/${sha}`, bureau));
      const noSuch = await get('/api/submissions/s-0000', staff);

      // Assess
      expect(submissions.map((x) => x.id)).toEqual([seeded.pingshun.submissionId]);
      expect(documents.map((d) => d.id).sort()).toEqual([...seeded.pingshun.documentIds].sort());
      expect((one.documents as unknown[]).length).toBe(2);
      expect(unmatchedByStaff.status).toBe(200);
      expect(unmatchedByBureau.status).toBe(403);
      expect(document.baseId).toBe('p11');
      expect(noSuch.status).toBe(404);
    });

    it('downloads a document only through a short-lived signed link', async () => {
      // Prepare
      const [s, sha] = seeded.pingshun.documentIds[0]!.split('/');
      const stored = (await stack.ctx.records.documents.listBySubmission(s!)).find((d) => d.sha256 === sha)!;

      // Act
      const link = await json<{ url: string }>(await get(`/api/documents/${s}/${sha}/link`, bureau));
      const path = new URL(link.url).pathname;
      const file = await app.request(path);
      const tampered = await app.request(tamperedPath(path));
      wallNow = new Date(Date.now() + 61_000);
      const expired = await app.request(path);
      wallNow = new Date();

      // Assess
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).equals(await stack.ctx.blobs.get(stored.blobKey))).toBe(true);
      expect(file.headers.get('content-disposition')).toContain(
        `filename*=UTF-8''${encodeURIComponent(stored.fileName)}`,
      );
      expect(tampered.status).toBe(404);
      expect(expired.status).toBe(404);
    });

    it('lists findings with the fix, filtered by city and code', async () => {
      // Act
      const all = await json<
        {
          baseId: string;
          fix: string;
        }[]
      >(await get('/api/findings?code=rule.report-mismatch', staff));
      const own = await json<{ city: string }[]>(await get('/api/findings', bureau));

      // Assess
      expect(all).toEqual([expect.objectContaining({ baseId: 'p11', fix: expect.stringContaining('自评报告') })]);
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((f) => f.city === 'changzhi')).toBe(true);
    });

    it('lists notices sent and failed, a bureau only its own', async () => {
      // Act
      const all = await json<{ city: string; error: string | null }[]>(await get('/api/notices', staff));
      const own = await json<{ city: string }[]>(await get('/api/notices', bureau));

      // Assess
      expect(all.map((n) => n.city).sort()).toEqual(['changzhi', 'taiyuan']);
      expect(all.find((n) => n.city === 'taiyuan')?.error).toContain('550');
      expect(own.map((n) => n.city)).toEqual(['changzhi']);
    });

    it("exports the status workbook to staff, at /api and at the pages' /export.xlsx alike", async () => {
      // Act
      const response = await get('/api/export.xlsx', staff);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await response.arrayBuffer());
      const fromPage = await get('/export.xlsx', staff);
      const pageBook = new ExcelJS.Workbook();
      await pageBook.xlsx.load(await fromPage.arrayBuffer());

      // Assess
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('spreadsheetml');
      expect(book.worksheets.map((sheet) => sheet.name)).toContain('长治市');
      expect(book.worksheets.map((sheet) => sheet.name)).toContain('缺项明细');
      expect(book.worksheets).toHaveLength(17);
      expect(fromPage.status).toBe(200);
      expect(pageBook.worksheets.map((sheet) => sheet.name)).toEqual(book.worksheets.map((sheet) => sheet.name));
    });

    it('exports a city bureau its own city only, and one city to staff who ask for it', async () => {
      // Act
      const own = await get('/api/export.xlsx', bureau);
      const asked = await get('/api/export.xlsx?city=changzhi', bureau);
      const other = await get('/api/export.xlsx?city=taiyuan', bureau);
      const staffOne = await get('/api/export.xlsx?city=taiyuan', staff);
      const unknown = await get('/api/export.xlsx?city=atlantis', staff);
      const sheetsOf = async (response: Response) => {
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(await response.arrayBuffer());
        return book.worksheets.map((sheet) => sheet.name);
      };

      // Assess
      expect(own.status).toBe(200);
      expect(decodeURIComponent(own.headers.get('content-disposition') ?? '')).toContain('（长治市）.xlsx');
      await expect(sheetsOf(own)).resolves.toEqual(['长治市', '缺项明细', '名单外来件']);
      await expect(sheetsOf(asked)).resolves.toEqual(['长治市', '缺项明细', '名单外来件']);
      expect(other.status).toBe(403);
      await expect(sheetsOf(staffOne)).resolves.toEqual(['太原市', '缺项明细', '名单外来件']);
      expect(unknown.status).toBe(400);
    });

    it('shows the unmatched queue to staff only', async () => {
      // Act
      const queue = await json<{ submissionId: string }[]>(await get('/api/unmatched', staff));
      const refused = await get('/api/unmatched', bureau);

      // Assess
      expect(queue.map((u) => u.submissionId)).toEqual([seeded.unmatchedId]);
      expect(refused.status).toBe(403);
    });
  });

  describe('staff actions', () => {
    it('refuses an action without a reason (400) and does nothing', async () => {
      // Act
      const response = await post(
        `/api/submissions/${seeded.unmatchedId}/assign`,
        { baseId: 'p03', reason: '  ' },
        staff,
      );

      // Assess
      expect(response.status).toBe(400);
      expect(await stack.ctx.records.audit.list('p03')).toEqual([]);
    });

    it('assigns the unmatched submission as the signed-in user, audited, and the base changes state', async () => {
      // Act
      const response = await post(
        `/api/submissions/${seeded.unmatchedId}/assign`,
        { baseId: 'p03', reason: '电话核实' },
        staff,
      );
      const status = await json(await get('/api/bases/p03', staff));
      const audit = await json<Record<string, unknown>[]>(await get('/api/audit?baseId=p03', staff));

      // Assess
      expect(response.status).toBe(200);
      expect((status.status as { state: string }).state).toBe('incomplete');
      expect(audit[0]).toMatchObject({ actor: 'admin', action: 'assign-submission', reason: '电话核实' });
      expect(await json(await get('/api/unmatched', staff))).toEqual([]);
    });

    it('registers a city-recommended base (201) and refuses a duplicate name (409)', async () => {
      // Act
      const created = await post(
        '/api/bases',
        { name: '平顺县花椒直播基地', city: 'changzhi', reason: '市局公函推荐' },
        staff,
      );
      const again = await post('/api/bases', { name: '平顺县花椒直播基地', city: 'changzhi', reason: '重复' }, staff);

      // Assess
      expect(created.status).toBe(201);
      expect(await json(created)).toMatchObject({ category: 'new', city: 'changzhi' });
      expect(again.status).toBe(409);
    });

    it('classifies a document by hand, withdraws and restores it, each audited', async () => {
      // Prepare
      const documents = await stack.ctx.records.documents.listBySubmission(seeded.pingshun.submissionId);
      const [s, sha] = documents.find((d) => d.kind === 'report-form')!.id.split('/');

      // Act
      const classified = await post(
        `/api/documents/${s}/${sha}/classify`,
        { kind: 'evidence', indicator: 'gmv', reason: '实为交易额明细' },
        staff,
      );
      const restoredKind = await post(
        `/api/documents/${s}/${sha}/classify`,
        { kind: 'report-form', reason: '改回' },
        staff,
      );
      const withdrawn = await post(`/api/documents/${s}/${sha}/withdraw`, { reason: '误发' }, staff);
      const afterWithdraw = await json(await get('/api/bases/p11', staff));
      const restored = await post(`/api/documents/${s}/${sha}/withdraw`, { reason: '恢复', active: false }, staff);
      const badKind = await post(`/api/documents/${s}/${sha}/classify`, { kind: 'poster', reason: 'x' }, staff);

      // Assess
      expect([classified.status, restoredKind.status, withdrawn.status, restored.status]).toEqual([200, 200, 200, 200]);
      expect((afterWithdraw.documents as { withdrawn: boolean }[]).some((d) => d.withdrawn)).toBe(true);
      expect(badKind.status).toBe(400);
      const actions = (await json<{ action: string }[]>(await get('/api/audit?baseId=p11', staff))).map(
        (a) => a.action,
      );
      expect(actions).toEqual(expect.arrayContaining(['classify-document', 'withdraw-document', 'restore-document']));
    });

    it('waives and reopens a finding, marks an indicator not applicable and records paper copies', async () => {
      // Act
      const waived = await post(
        '/api/bases/p11/findings/waive',
        { code: 'rule.report-mismatch', item: 32, reason: '已核实' },
        staff,
      );
      const afterWaive = await json<{ waived: { code: string }[] }>(waived);
      const reopened = await post(
        '/api/bases/p11/findings/reopen',
        { code: 'rule.report-mismatch', item: 32, reason: '重新核实' },
        staff,
      );
      const na = await post('/api/bases/p11/not-applicable', { indicator: 'financing', reason: '无融资' }, staff);
      const paper = await post('/api/bases/p11/paper-copies', { copies: 2, reason: '市局转来' }, staff);
      const badCopies = await post('/api/bases/p11/paper-copies', { copies: -1, reason: 'x' }, staff);

      // Assess
      expect(afterWaive.waived.map((f) => f.code)).toContain('rule.report-mismatch');
      expect((await json<{ waived: unknown[] }>(reopened)).waived).toEqual([]);
      expect((await json<{ notApplicable: string[] }>(na)).notApplicable).toEqual(['financing']);
      expect((await json<{ paperCopies: number }>(paper)).paperCopies).toBe(2);
      expect(badCopies.status).toBe(400);
    });

    it('records a city letter, confirms a sender and reprocesses a submission', async () => {
      // Act
      const letter = await post('/api/cities/changzhi/letter', { reason: '公函已到', pilotUnits: ['p11'] }, staff);
      const city = await json<{
        cities: { city: string; letterReceivedAt: string | null }[];
      }>(await get('/api/cities', staff));
      const sender = await post(
        '/api/senders',
        { address: '平顺 <ps2@example.cn>', baseId: 'p11', reason: '基地来电' },
        staff,
      );
      const badSender = await post('/api/senders', { address: 'not-an-address', baseId: 'p11', reason: 'x' }, staff);
      const again = await post(
        `/api/submissions/${seeded.pingshun.submissionId}/reprocess`,
        { reason: '解析程序更新' },
        staff,
      );

      // Assess
      expect(letter.status).toBe(200);
      expect(city.cities.find((c) => c.city === 'changzhi')?.letterReceivedAt).not.toBeNull();
      expect(await json(sender)).toMatchObject({ address: 'ps2@example.cn', baseId: 'p11', confirmedBy: 'admin' });
      expect(badSender.status).toBe(409);
      expect(await json(again)).toMatchObject({ submissionId: seeded.pingshun.submissionId, baseId: 'p11' });
      const global = (await json<{ action: string }[]>(await get('/api/audit', staff))).map((a) => a.action);
      expect(global).toContain('record-city-letter');
    });

    it('sends the retired /audit page to the log with the same filter, and keeps /api/audit answering', async () => {
      // Act
      const old = await get('/audit', staff);
      const oldForBase = await get('/audit?baseId=p11', staff);
      const log = await get(old.headers.get('location') ?? '', staff);
      const logJson = await json<{ entries: { action: string; baseId: string | null }[] }>(
        await get('/api/audit/log?base=none', staff),
      );
      const oldJson = await json<{ action: string; baseId: string | null }[]>(await get('/api/audit', staff));
      const spec = await json<{ paths: Record<string, { get?: { description?: string } }> }>(
        await get('/api/openapi.json'),
      );
      const bureauOld = await get('/audit', bureau);

      // Assess
      expect(old.status).toBe(301);
      expect(old.headers.get('location')).toBe('/log?base=none');
      expect(oldForBase.headers.get('location')).toBe('/log?base=p11');
      expect(log.status).toBe(200);
      const page = await log.text();
      expect(page).toContain('<option value="none" selected>不涉及具体基地的操作</option>');
      expect(page).toContain('登记长治市商务局公函');
      expect(page).not.toContain('href="/audit"');
      expect(logJson.entries.length).toBeGreaterThan(0);
      expect(logJson.entries.every((e) => e.baseId === null)).toBe(true);
      expect(logJson.entries.map((e) => e.action).sort()).toEqual(oldJson.map((e) => e.action).sort());
      expect(spec.paths['/api/audit']?.get?.description).toContain('已停用');
      expect(spec.paths['/api/audit']?.get?.description).toContain('/api/audit/log?base=none');
      expect(bureauOld.status).toBe(301);
      expect((await get(bureauOld.headers.get('location') ?? '', bureau)).status).toBe(403);
    });
  });

  describe('dashboard routes', () => {
    it('sends a stranger to the sign-in page and keeps a bureau out of other cities and staff pages', async () => {
      // Act
      const stranger = await get('/bases/p11');
      const results = await Promise.all(
        [
          '/bases/p02',
          '/cities/taiyuan',
          '/unmatched',
          '/log',
          '/notices?city=taiyuan',
          `/download/${doc.submissionId}/${doc.sha256}`,
        ].map(async (path) => [path, (await get(path, bureau)).status] as const),
      );
      const own = await get('/bases/p11', bureau);

      // Assess
      expect(stranger.status).toBe(302);
      expect(stranger.headers.get('location')).toBe('/login?next=%2Fbases%2Fp11');
      expect(results.filter(([, status]) => status !== 403)).toEqual([]);
      expect(own.status).toBe(200);
      expect(await own.text()).not.toContain('/ui/waive');
    });

    it('shows, for every report-form value, where in the file it was read and how', async () => {
      // Act
      const page = await (await get('/bases/p11', staff)).text();
      const { status } = await json<{ status: { formValues: FormValue[] } }>(await get('/api/bases/p11', staff));

      // Assess
      const area = status.formValues.find((v) => v.item === 1)!;
      expect(area.value).not.toBeNull();
      expect(area.source).toMatchObject({ place: expect.stringMatching(/!C\d+$/), how: 'label', confidence: 'high' });
      expect(page).toContain('<th>读取位置</th>');
      expect(page).toContain(`${area.source!.place}（按填报项名称）`);
      expect(status.formValues.filter((v) => v.value !== null && !v.source)).toEqual([]);
    });

    it('refuses every staff form to strangers (401) and to bureaus (403)', async () => {
      // Prepare
      const forms = [
        ...new Set(app.routes.filter((r) => r.method === 'POST' && r.path.startsWith('/ui/')).map((r) => r.path)),
      ];
      const page = await (await get('/bases/p11', bureau)).text();
      const bureauCsrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
      const body = () => new URLSearchParams({ csrf: bureauCsrf, baseId: 'p11', reason: 'x' });

      // Act
      const results = await Promise.all(
        forms.map(async (path) => [
          path,
          (await app.request(path, { method: 'POST', body: body() })).status,
          (await app.request(path, { method: 'POST', headers: { cookie: bureau }, body: body() })).status,
        ]),
      );

      // Assess
      expect(forms.length).toBeGreaterThanOrEqual(12);
      expect(results.filter(([, anonymous, asBureau]) => anonymous !== 401 || asBureau !== 403)).toEqual([]);
    });

    it('sends a stranger from every page to the sign-in page', async () => {
      // Prepare
      // The upload page, its script and the report-form template are for bases, who have no account (like POST
      // /api/uploads); a base's own upload page is opened with its signed link.
      const open = new Set([
        '/login',
        '/l/:token',
        '/files/:token',
        '/health',
        '/upload',
        '/upload.js',
        '/upload/template.xlsx',
        '/upload/b/:token',
      ]);
      const values: Record<string, string> = {
        city: 'changzhi',
        baseId: 'p11',
        submissionId: doc.submissionId,
        sha256: doc.sha256,
      };
      const pages = [
        ...new Set(
          app.routes
            .filter(
              (r) => r.method === 'GET' && !r.path.startsWith('/api/') && !open.has(r.path) && !r.path.includes('*'),
            )
            .map((r) => r.path),
        ),
      ];

      // Act
      const results = await Promise.all(
        pages.map(async (path) => {
          const url = path.replace(/:(\w+)/g, (_, name: string) => values[name] ?? name);
          const response = await get(url);
          return [url, response.status, response.headers.get('location')?.startsWith('/login?next=')] as const;
        }),
      );

      // Assess
      expect(pages.length).toBeGreaterThanOrEqual(8);
      expect(results.filter(([, status, toLogin]) => status !== 302 || !toLogin)).toEqual([]);
    });

    it('runs a staff form only with the session CSRF token, then redirects with a message', async () => {
      // Prepare
      const page = await (await get('/bases/p12', staff)).text();
      const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
      const form = (extra: Record<string, string>) =>
        new URLSearchParams({ baseId: 'p12', copies: '1', reason: '收到一份', ...extra });

      // Act
      const forged = await app.request('/ui/paper-copies', {
        method: 'POST',
        headers: { cookie: staff },
        body: form({ csrf: 'x' }),
      });
      const byBureau = await app.request('/ui/paper-copies', {
        method: 'POST',
        headers: { cookie: bureau },
        body: form({ csrf }),
      });
      const done = await app.request('/ui/paper-copies', {
        method: 'POST',
        headers: { cookie: staff, referer: 'http://localhost/bases/p12' },
        body: form({ csrf }),
      });

      // Assess
      expect(csrf.length).toBeGreaterThan(20);
      expect(forged.status).toBe(403);
      expect(byBureau.status).toBe(403);
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe('/bases/p12');
      expect((await stack.ctx.records.audit.list('p12'))[0]).toMatchObject({
        actor: 'admin',
        action: 'record-paper-copies',
      });
    });

    it('renders the overview, notices and search in Chinese', async () => {
      // Act
      const overview = await (await get('/', staff)).text();
      const notices = await (await get('/notices?show=failed', staff)).text();
      const search = await (await get(`/search?q=${encodeURIComponent('易淘')}`, staff)).text();

      // Assess
      expect(overview).toContain('按地市');
      expect(overview).toContain('电子材料报送截止时间为2023年11月10日24时（北京时间），还有');
      expect(notices).toContain('发送失败');
      expect(notices).toContain('550');
      expect(search).toContain('易淘电商信息产业园');
    });
  });
});
