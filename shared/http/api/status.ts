/**
 * Where the round stands: cities, bases and their status (registerOverview), then the findings, the notices sent to
 * bureaus and the submissions waiting for staff (registerWorklists). Two registrars because the records' routes
 * (./records.ts) are registered between them, and the order of registration is the order of the OpenAPI document.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { cityIdSchema } from '../../domain/catalogue.ts';
import { daysUntilDeadline, deadlineInstant } from '../../domain/round-time.ts';
import { evaluateAll } from '../../use-cases/evaluate.ts';
import { listExcluded } from '../../use-cases/excluded.ts';
import { listUnmatched, queryStatus } from '../../use-cases/query.ts';
import { baseDetail, cityOverview, cityRecordOf, getBase, noticesOf, searchBases } from '../../use-cases/read-model.ts';
import { listRegistry } from '../../use-cases/registry.ts';
import { assertCity, type HttpEnv, requireStaff, requireUser } from '../auth.ts';
import type { HttpDeps } from '../deps.ts';
import { fixFor } from '../fixes.ts';
import {
  AsOfQuery,
  BaseDetailSchema,
  BaseSchema,
  CityDetailSchema,
  CityListSchema,
  ExcludedSchema,
  FindingLineSchema,
  NoticeRecordSchema,
  StatusReportSchema,
  UnmatchedSchema,
} from '../schemas.ts';
import { asOfOf, BaseParam, CityParam, citiesOf, json, refused, security } from './common.ts';

/** `/api/cities`, `/api/cities/{city}`, `/api/bases`, `/api/bases/{baseId}`, `/api/status`. */
export function registerOverview(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;

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
          record: await cityRecordOf(ctx, city),
          bases: overview.bases,
        },
        200,
      );
    },
  );

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
}

/** `/api/findings`, `/api/notices`, `/api/unmatched`, `/api/excluded`. */
export function registerWorklists(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;

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
      return c.json(await noticesOf(ctx, wanted), 200);
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
}
