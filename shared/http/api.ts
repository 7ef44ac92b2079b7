/**
 * The JSON API under `/api`, described by the zod schemas of ./schemas.ts (OpenAPI at `/api/openapi.json`).
 *
 * Reading routes serve staff everything and a bureau its own city only: another city's base, submission, document,
 * notices or audit answer 403, lists are filtered. Writing routes are the staff actions: staff only, the actor is
 * the signed-in user, a reason is required, and each is audited by its use case.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { issueCityLink } from '../access/city-links.ts';
import type { CityId, Round } from '../domain/catalogue.ts';
import { cityIdSchema } from '../domain/catalogue.ts';
import { daysUntilDeadline, deadlineInstant } from '../domain/round-time.ts';
import { availableRounds, loadRound } from '../domain/rounds/index.ts';
import { evaluateAll } from '../use-cases/evaluate.ts';
import { listExcluded, recommendExcludedBase } from '../use-cases/excluded.ts';
import { buildStatusWorkbook } from '../use-cases/export.ts';
import { listUnmatched, queryStatus } from '../use-cases/query.ts';
import { listRegistry } from '../use-cases/registry.ts';
import * as staff from '../use-cases/staff-actions.ts';
import { assertCity, type HttpEnv, type Principal, requireStaff, requireUser } from './auth.ts';
import { registerBundleRoutes } from './bundles.ts';
import type { HttpDeps } from './deps.ts';
import { contentDisposition, fileLink } from './files.ts';
import { fixFor } from './fixes.ts';
import { baseDetail, cityOfBase, cityOverview, findDocument, getBase, searchBases } from './read-model.ts';
import {
  AsOfQuery,
  AssignBody,
  AuditEventSchema,
  BaseDetailSchema,
  BaseSchema,
  BaseStatusSchema,
  CityDetailSchema,
  CityLetterBody,
  CityLinkBody,
  CityListSchema,
  CityRecordSchema,
  ClassifyBody,
  DocumentSchema,
  ErrorSchema,
  ExcludedSchema,
  FindingBody,
  FindingLineSchema,
  IngestResultSchema,
  LinkSchema,
  NotApplicableBody,
  NoticeRecordSchema,
  PaperCopiesBody,
  PrincipalSchema,
  ReasonBody,
  RecommendBody,
  RecommendedBaseSchema,
  RegisterBaseBody,
  ReprocessQueuedSchema,
  RoundDetailSchema,
  RoundSummarySchema,
  SenderBody,
  SenderSchema,
  StatusReportSchema,
  SubmissionDetailSchema,
  SubmissionSchema,
  UnmatchedSchema,
  WithdrawBody,
} from './schemas.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const refused = {
  400: json(ErrorSchema, '请求无效'),
  401: json(ErrorSchema, '未登录'),
  403: json(ErrorSchema, '无权访问（其他地市的数据，或仅限省厅的操作）'),
  404: json(ErrorSchema, '不存在'),
};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const security: Record<string, string[]>[] = [{ session: [] }, { cognito: [] }];
const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
  required: true,
});

const BaseParam = z.object({ baseId: z.string().meta({ param: { name: 'baseId', in: 'path' }, example: 'p01' }) });
const SubmissionParam = z.object({
  submissionId: z.string().meta({ param: { name: 'submissionId', in: 'path' }, example: 's-0123abcd' }),
});
const DocumentParam = z.object({
  submissionId: z.string().meta({ param: { name: 'submissionId', in: 'path' } }),
  sha256: z.string().meta({ param: { name: 'sha256', in: 'path' } }),
});
const CityParam = z.object({ city: cityIdSchema.meta({ param: { name: 'city', in: 'path' }, example: 'taiyuan' }) });

/** A round as listed (no bureaus' addresses). */
function roundSummary(round: Round, current: Round) {
  return {
    id: round.id,
    title: round.title,
    notice: round.notice,
    period: round.period,
    deadline: round.deadline,
    deadlineInstant: deadlineInstant(round).toISOString(),
    timeZone: round.timeZone,
    mailbox: round.mailbox,
    current: round.id === current.id,
  };
}

function asOfOf(deps: HttpDeps, asOf: string | undefined): Date {
  return asOf ? new Date(asOf) : deps.ctx.clock.now();
}

/** The cities a principal may see. */
function citiesOf(principal: Principal): CityId[] | undefined {
  return principal.role === 'staff' ? undefined : principal.city ? [principal.city] : [];
}

/** Registers the JSON API routes and their documentation on the app. */
export function registerApi(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'intake_session',
    description:
      '本地登录（/login）、Cognito 统一身份认证登录（/auth/login）或地市专用链接（/l/{token}）设置的签名会话 Cookie',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cognito', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'AWS：API Gateway 的 Cognito JWT 授权（cognito:groups = staff | bureau，custom:city）',
  });

  // -- who am I, rounds, cities -------------------------------------------------------------------------------

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/me',
      tags: ['access'],
      summary: '当前用户',
      security,
      responses: { 200: json(PrincipalSchema, '当前用户'), 401: refused[401] },
    }),
    (c) => c.json(requireUser(c), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/rounds',
      tags: ['catalogue'],
      summary: '评价轮次',
      security,
      responses: { 200: json(z.array(RoundSummarySchema), '轮次列表'), 401: refused[401] },
    }),
    (c) => {
      requireUser(c);
      return c.json(
        availableRounds().map((id) => roundSummary(id === ctx.round.id ? ctx.round : loadRound(id), ctx.round)),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/rounds/{roundId}',
      tags: ['catalogue'],
      summary: '一个轮次及其指标、报告表项目',
      security,
      request: { params: z.object({ roundId: z.string().meta({ param: { name: 'roundId', in: 'path' } }) }) },
      responses: { 200: json(RoundDetailSchema, '轮次'), 401: refused[401], 404: refused[404] },
    }),
    (c) => {
      requireUser(c);
      const { roundId } = c.req.valid('param');
      if (!availableRounds().includes(roundId)) return c.json({ error: `没有轮次 ${roundId}` }, 404);
      const round = roundId === ctx.round.id ? ctx.round : loadRound(roundId);
      return c.json(
        {
          ...roundSummary(round, ctx.round),
          cities: round.cities.map((city) => ({ id: city.id, name: city.name, bureau: city.bureau })),
          indicators: [...round.indicators],
          formItems: [...round.formItems],
          controlItems: [...round.controlItems],
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/cities',
      tags: ['status'],
      summary: '按地市汇总（地市用户只看到本市）',
      security,
      request: { query: AsOfQuery },
      responses: { 200: json(CityListSchema, '各地市汇总'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const asOf = asOfOf(deps, c.req.valid('query').asOf);
      const overview = await cityOverview(ctx, asOf, citiesOf(principal));
      return c.json(
        {
          asOf: overview.asOf,
          deadlineInstant: deadlineInstant(ctx.round).toISOString(),
          daysLeft: daysUntilDeadline(asOf, ctx.round),
          cities: overview.cities,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/cities/{city}',
      tags: ['status'],
      summary: '一个地市：汇总、公函记录、各基地状态',
      security,
      request: { params: CityParam, query: AsOfQuery },
      responses: { 200: json(CityDetailSchema, '地市'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { city } = c.req.valid('param');
      assertCity(principal, city);
      const overview = await cityOverview(ctx, asOfOf(deps, c.req.valid('query').asOf), [city]);
      return c.json(
        {
          summary: overview.cities[0]!,
          record: await ctx.records.getCityRecord(city),
          bases: overview.bases,
        },
        200,
      );
    },
  );

  // -- bases, status ------------------------------------------------------------------------------------------

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/bases',
      tags: ['bases'],
      summary: '基地名录（含本轮登记的新基地）',
      security,
      request: { query: z.object({ city: cityIdSchema.optional(), q: z.string().optional() }) },
      responses: { 200: json(z.array(BaseSchema), '基地'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { city, q } = c.req.valid('query');
      if (city) assertCity(principal, city);
      const visible = city ? [city] : citiesOf(principal);
      const bases = q
        ? await searchBases(ctx, q, visible)
        : (await listRegistry(ctx)).filter((b) => !visible || visible.includes(b.city));
      return c.json(bases, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/bases/{baseId}',
      tags: ['bases'],
      summary: '一个基地：状态、提交记录、文件及分类、证明材料清单、操作记录',
      security,
      request: { params: BaseParam, query: AsOfQuery },
      responses: { 200: json(BaseDetailSchema, '基地'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { baseId } = c.req.valid('param');
      assertCity(principal, (await getBase(ctx, baseId)).city);
      const detail = await baseDetail(ctx, baseId, asOfOf(deps, c.req.valid('query').asOf));
      return c.json(
        {
          ...detail,
          report: detail.report
            ? {
                fileName: detail.report.fileName,
                figures: Object.fromEntries(Object.entries(detail.report.figures).filter(([, v]) => v !== undefined)),
              }
            : null,
          evidence: detail.evidence.map((e) => ({
            indicator: e.indicator.slug,
            name: e.indicator.name,
            claimed: e.claimed,
            notApplicable: e.notApplicable,
            documents: e.documents,
          })),
        } as z.infer<typeof BaseDetailSchema>,
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/status',
      tags: ['status'],
      summary: '各基地状态与待分配邮件（同 intake status --json）',
      security,
      request: {
        query: AsOfQuery.extend({
          city: cityIdSchema.optional(),
          base: z.string().optional().meta({ description: '基地名称的一部分或编号' }),
        }),
      },
      responses: { 200: json(StatusReportSchema, '状态'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { asOf, city, base } = c.req.valid('query');
      if (city) assertCity(principal, city);
      const report = await queryStatus(ctx, {
        asOf: asOfOf(deps, asOf),
        city: principal.role === 'bureau' ? (principal.city ?? '-') : city,
        base,
      });
      // The unmatched queue belongs to no city yet: staff only.
      // Excluded submissions belong to a city (their base's): a bureau sees its own (queryStatus filtered them).
      return c.json(principal.role === 'staff' ? report : { ...report, unmatched: [] }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/bases/{baseId}/submissions',
      tags: ['submissions'],
      summary: '一个基地的提交记录（邮件、上传），按时间先后',
      security,
      request: { params: BaseParam },
      responses: { 200: json(z.array(SubmissionSchema), '提交'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { baseId } = c.req.valid('param');
      assertCity(principal, (await getBase(ctx, baseId)).city);
      return c.json(await ctx.records.listSubmissionsByBase(baseId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/bases/{baseId}/documents',
      tags: ['documents'],
      summary: '一个基地的全部文件及读取结果',
      security,
      request: { params: BaseParam },
      responses: { 200: json(z.array(DocumentSchema), '文件'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { baseId } = c.req.valid('param');
      assertCity(principal, (await getBase(ctx, baseId)).city);
      return c.json(await ctx.records.listDocumentsByBase(baseId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/submissions/{submissionId}',
      tags: ['submissions'],
      summary: '一次提交及其文件',
      security,
      request: { params: SubmissionParam },
      responses: { 200: json(SubmissionDetailSchema, '提交'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const submission = await ctx.records.getSubmission(c.req.valid('param').submissionId);
      if (!submission) return c.json({ error: '没有该提交记录' }, 404);
      assertCity(principal, await cityOfBase(ctx, submission.baseId));
      return c.json({ submission, documents: await ctx.records.listDocumentsBySubmission(submission.id) }, 200);
    },
  );

  const documentFor = async (principal: Principal, submissionId: string, sha256: string) => {
    const document = await findDocument(ctx, `${submissionId}/${sha256}`);
    if (!document) return null;
    assertCity(principal, await cityOfBase(ctx, document.baseId));
    return document;
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/documents/{submissionId}/{sha256}',
      tags: ['documents'],
      summary: '一个文件的记录（分类、读取的数值、提示）',
      security,
      request: { params: DocumentParam },
      responses: { 200: json(DocumentSchema, '文件'), ...refused },
    }),
    async (c) => {
      const { submissionId, sha256 } = c.req.valid('param');
      const document = await documentFor(requireUser(c), submissionId, sha256);
      return document ? c.json(document, 200) : c.json({ error: '没有该文件' }, 404);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/documents/{submissionId}/{sha256}/link',
      tags: ['documents'],
      summary: '下载链接：短时有效、带签名，由本服务提供文件',
      security,
      request: { params: DocumentParam },
      responses: { 200: json(LinkSchema, '链接'), ...refused },
    }),
    async (c) => {
      const { submissionId, sha256 } = c.req.valid('param');
      const document = await documentFor(requireUser(c), submissionId, sha256);
      return document ? c.json(fileLink(deps, document, c.req.url), 200) : c.json({ error: '没有该文件' }, 404);
    },
  );

  // -- findings, notices, unmatched, audit --------------------------------------------------------------------

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/findings',
      tags: ['status'],
      summary: '各基地的提示（含处理建议）',
      security,
      request: {
        query: AsOfQuery.extend({
          city: cityIdSchema.optional(),
          baseId: z.string().optional(),
          severity: z.enum(['error', 'warning', 'info']).optional(),
          code: z.string().optional().meta({ description: '代码或其前缀，如 rule. 或 form.item-missing' }),
          waived: z.enum(['true', 'false']).optional().meta({ description: '只看已豁免 / 未豁免的' }),
        }),
      },
      responses: { 200: json(z.array(FindingLineSchema), '提示'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const q = c.req.valid('query');
      if (q.city) assertCity(principal, q.city);
      if (q.baseId) assertCity(principal, (await getBase(ctx, q.baseId)).city);
      const visible = q.city ? [q.city] : citiesOf(principal);
      const statuses = (await evaluateAll(ctx, { asOf: asOfOf(deps, q.asOf) })).filter(
        (s) => (!visible || visible.includes(s.city)) && (!q.baseId || s.baseId === q.baseId),
      );
      const lines = statuses.flatMap((s) =>
        [...s.findings.map((f) => ({ f, waived: false })), ...s.waived.map((f) => ({ f, waived: true }))].map(
          ({ f, waived }) => ({ ...f, baseId: s.baseId, baseName: s.name, city: s.city, fix: fixFor(f), waived }),
        ),
      );
      return c.json(
        lines.filter(
          (l) =>
            (!q.severity || l.severity === q.severity) &&
            (!q.code || l.code === q.code || l.code.startsWith(q.code)) &&
            (!q.waived || String(l.waived) === q.waived),
        ),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/notices',
      tags: ['notices'],
      summary: '发给各市商务局的通知（已发送、发送失败、预览）',
      security,
      request: { query: z.object({ city: cityIdSchema.optional() }) },
      responses: { 200: json(z.array(NoticeRecordSchema), '通知，新的在前'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { city } = c.req.valid('query');
      if (city) assertCity(principal, city);
      const wanted = principal.role === 'bureau' ? principal.city! : city;
      return c.json(await ctx.records.listNotices(wanted), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/unmatched',
      tags: ['submissions'],
      summary: '待分配邮件（无法确定基地的提交；仅省厅）',
      security,
      request: { query: AsOfQuery },
      responses: { 200: json(z.array(UnmatchedSchema), '待分配'), ...refused },
    }),
    async (c) => {
      requireStaff(c);
      return c.json(await listUnmatched(ctx, asOfOf(deps, c.req.valid('query').asOf)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/excluded',
      tags: ['submissions'],
      summary: '不在本年度参评名单内的基地（如已取消称号）的来件；地市只看到本市的',
      security,
      request: { query: AsOfQuery.extend({ city: cityIdSchema.optional() }) },
      responses: { 200: json(z.array(ExcludedSchema), '名单外来件'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { asOf, city } = c.req.valid('query');
      if (city) assertCity(principal, city);
      return c.json(await listExcluded(ctx, asOfOf(deps, asOf), city ? [city] : citiesOf(principal)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/audit',
      tags: ['audit'],
      summary: '操作记录：一个基地的，或不涉及具体基地的（仅省厅），新的在前',
      security,
      request: { query: z.object({ baseId: z.string().optional() }) },
      responses: { 200: json(z.array(AuditEventSchema), '操作记录'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { baseId } = c.req.valid('query');
      if (!baseId) requireStaff(c);
      else assertCity(principal, (await getBase(ctx, baseId)).city);
      return c.json(await ctx.records.listAudit(baseId ?? null), 200);
    },
  );

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/export.xlsx',
    tags: ['status'],
    summary:
      '导出汇总表（与 intake export 相同：汇总、全部基地、各地市一表、待分配邮件；省厅）；带 city 时只导出该地市（地市商务局只能导出本市，不带 city 即本市）',
    security,
    request: { query: AsOfQuery.extend({ city: cityIdSchema.optional() }) },
    responses: {
      200: {
        description: 'Excel 工作簿',
        content: { [XLSX]: { schema: z.string().meta({ format: 'binary' }) } },
      },
      ...refused,
    },
  });
  app.get('/api/export.xlsx', async (c) => {
    const principal = requireUser(c);
    const asOf = c.req.query('asOf');
    if (asOf && Number.isNaN(new Date(asOf).getTime()))
      return c.json({ error: '请求无效：asOf 不是 ISO 8601 时间' }, 400);
    // A bureau gets its own city's workbook (with or without ?city=); the whole round is for staff.
    const asked = c.req.query('city') || (principal.role === 'staff' ? undefined : (principal.city ?? undefined));
    const city = asked === undefined ? undefined : cityIdSchema.safeParse(asked);
    if (city && !city.success) return c.json({ error: `请求无效：没有地市“${asked}”` }, 400);
    if (city) assertCity(principal, city.data);
    else requireStaff(c);
    const { workbook } = await buildStatusWorkbook(ctx, { asOf: asOfOf(deps, asOf), city: city?.data });
    const cityName = city ? ctx.round.cities.find((x) => x.id === city.data)?.name : undefined;
    const name = `${ctx.round.title}电子材料报送情况${cityName ? `（${cityName}）` : '汇总'}.xlsx`;
    return c.body(new Uint8Array(workbook), 200, {
      'Content-Type': XLSX,
      'Content-Disposition': contentDisposition(name),
      'Cache-Control': 'private, no-store',
    });
  });

  registerBundleRoutes(app, deps);

  // -- staff actions ------------------------------------------------------------------------------------------

  const post = {
    method: 'post' as const,
    tags: ['staff actions'],
    security,
    description: '仅省厅工作人员；操作人为当前登录用户，原因必填，记入操作记录。',
  };
  const done = <T extends z.ZodType>(schema: T) => json(schema, '完成');
  const conflict = { ...refused, 409: json(ErrorSchema, '无法按要求操作（如名称重复、文件尚未分配基地）') };
  const documentId = (p: { submissionId: string; sha256: string }) => `${p.submissionId}/${p.sha256}`;

  app.openapi(
    createRoute({
      ...post,
      path: '/api/submissions/{submissionId}/assign',
      summary: '将邮件分配给基地（并记住发件人）',
      request: { params: SubmissionParam, body: jsonBody(AssignBody) },
      responses: { 200: done(SubmissionSchema), ...conflict },
    }),
    async (c) => {
      const who = requireStaff(c);
      const { submissionId } = c.req.valid('param');
      const submission = await staff.assignSubmission(ctx, { submissionId, ...c.req.valid('json'), actor: who.name });
      return c.json(submission, 200);
    },
  );

  app.openapi(
    createRoute({
      ...post,
      path: '/api/submissions/{submissionId}/recommend',
      summary: '将名单外基地（如已取消称号）的来件转为本轮新推荐基地：登记新基地，其全部来件及文件随之转入',
      request: { params: SubmissionParam, body: jsonBody(RecommendBody) },
      responses: { 200: done(RecommendedBaseSchema), ...conflict },
    }),
    async (c) => {
      const who = requireStaff(c);
      const { submissionId } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      return c.json(await recommendExcludedBase(ctx, { submissionId, reason, actor: who.name }), 200);
    },
  );

  app.openapi(
    createRoute({
      ...post,
      path: '/api/submissions/{submissionId}/reprocess',
      summary: '用现有解析程序重新读取邮件',
      description: 'AWS 中交由收取程序在病毒扫描通过后重新读取（202），结果稍后见于该提交；本地当即读取（200）。',
      request: { params: SubmissionParam, body: jsonBody(ReasonBody) },
      responses: {
        200: done(IngestResultSchema),
        202: json(ReprocessQueuedSchema, '已交给收取程序，稍后读取'),
        ...conflict,
      },
    }),
    async (c) => {
      const who = requireStaff(c);
      const { submissionId } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      const result = await staff.requestReprocess(ctx, { submissionId, actor: who.name, reason });
      if ('queued' in result) return c.json(result, 202);
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      ...post,
      path: '/api/bases',
      summary: '登记本轮新推荐的基地',
      request: { body: jsonBody(RegisterBaseBody) },
      responses: { 201: done(BaseSchema), ...conflict },
    }),
    async (c) => {
      const who = requireStaff(c);
      return c.json(await staff.registerBase(ctx, { ...c.req.valid('json'), actor: who.name }), 201);
    },
  );

  app.openapi(
    createRoute({
      ...post,
      path: '/api/documents/{submissionId}/{sha256}/classify',
      summary: '人工分类文件（类别、对应指标）',
      request: { params: DocumentParam, body: jsonBody(ClassifyBody) },
      responses: { 200: done(BaseStatusSchema), ...conflict },
    }),
    async (c) => {
      const who = requireStaff(c);
      const status = await staff.classifyDocumentByHand(ctx, {
        documentId: documentId(c.req.valid('param')),
        ...c.req.valid('json'),
        actor: who.name,
      });
      return c.json(status, 200);
    },
  );

  app.openapi(
    createRoute({
      ...post,
      path: '/api/documents/{submissionId}/{sha256}/withdraw',
      summary: '撤回文件（active=false 恢复）',
      request: { params: DocumentParam, body: jsonBody(WithdrawBody) },
      responses: { 200: done(BaseStatusSchema), ...conflict },
    }),
    async (c) => {
      const who = requireStaff(c);
      const status = await staff.withdrawDocument(ctx, {
        documentId: documentId(c.req.valid('param')),
        ...c.req.valid('json'),
        actor: who.name,
      });
      return c.json(status, 200);
    },
  );

  for (const [verb, summary, run] of [
    ['waive', '豁免提示（已核实，不再计为待处理）', staff.waiveFinding],
    ['reopen', '撤销豁免，提示重新计为待处理', staff.reopenFinding],
  ] as const) {
    app.openapi(
      createRoute({
        ...post,
        path: `/api/bases/{baseId}/findings/${verb}`,
        summary,
        request: { params: BaseParam, body: jsonBody(FindingBody) },
        responses: { 200: done(BaseStatusSchema), ...conflict },
      }),
      async (c) => {
        const who = requireStaff(c);
        return c.json(await run(ctx, { ...c.req.valid('param'), ...c.req.valid('json'), actor: who.name }), 200);
      },
    );
  }

  app.openapi(
    createRoute({
      ...post,
      path: '/api/bases/{baseId}/not-applicable',
      summary: '标记指标不适用（无需证明材料；active=false 撤销）',
      request: { params: BaseParam, body: jsonBody(NotApplicableBody) },
      responses: { 200: done(BaseStatusSchema), ...conflict },
    }),
    async (c) => {
      const who = requireStaff(c);
      const status = await staff.markNotApplicable(ctx, {
        ...c.req.valid('param'),
        ...c.req.valid('json'),
        actor: who.name,
      });
      return c.json(status, 200);
    },
  );

  app.openapi(
    createRoute({
      ...post,
      path: '/api/bases/{baseId}/paper-copies',
      summary: '登记收到的盖章纸质材料份数',
      request: { params: BaseParam, body: jsonBody(PaperCopiesBody) },
      responses: { 200: done(BaseStatusSchema), ...conflict },
    }),
    async (c) => {
      const who = requireStaff(c);
      const status = await staff.recordPaperCopies(ctx, {
        ...c.req.valid('param'),
        ...c.req.valid('json'),
        actor: who.name,
      });
      return c.json(status, 200);
    },
  );

  app.openapi(
    createRoute({
      ...post,
      path: '/api/cities/{city}/letter',
      summary: '登记市商务局公函（试点单位、推荐排序）',
      request: { params: CityParam, body: jsonBody(CityLetterBody) },
      responses: { 200: done(CityRecordSchema), ...conflict },
    }),
    async (c) => {
      const who = requireStaff(c);
      const record = await staff.recordCityLetter(ctx, {
        ...c.req.valid('param'),
        ...c.req.valid('json'),
        actor: who.name,
      });
      return c.json(record, 200);
    },
  );

  app.openapi(
    createRoute({
      ...post,
      path: '/api/senders',
      summary: '确认发件地址属于某基地',
      request: { body: jsonBody(SenderBody) },
      responses: { 200: done(SenderSchema), ...conflict },
    }),
    async (c) => {
      const who = requireStaff(c);
      return c.json(await staff.confirmSender(ctx, { ...c.req.valid('json'), actor: who.name }), 200);
    },
  );

  app.openapi(
    createRoute({
      ...post,
      path: '/api/city-links',
      summary: '生成地市专用链接（市商务局无需账号即可查看本市情况）',
      request: { body: jsonBody(CityLinkBody) },
      responses: { 201: done(LinkSchema), ...conflict },
    }),
    async (c) => {
      const who = requireStaff(c);
      const input = c.req.valid('json');
      const link = await issueCityLink(deps, {
        city: input.city,
        hours: input.hours ?? deps.cityLinkHours,
        actor: who.name,
        reason: input.reason,
        origin: c.req.url,
      });
      return c.json(link, 201);
    },
  );
}
