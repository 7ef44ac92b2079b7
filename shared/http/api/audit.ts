/**
 * The audit log: a base's events (staff, or the base's city bureau), or (staff only) those about no base. The
 * latter is covered by `/api/audit/log?base=none` (log-page.ts) and documented as deprecated; it keeps answering.
 * The former is not (the round's log is staff only), so it stays as it is.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { auditTrail, getBase } from '../../use-cases/read-model.ts';
import { assertCity, type HttpEnv, requireStaff, requireUser } from '../auth.ts';
import type { HttpDeps } from '../deps.ts';
import { AuditEventSchema } from '../schemas.ts';
import { json, refused, security } from './common.ts';

/** `/api/audit`. */
export function registerAudit(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/audit',
      tags: ['audit'],
      summary: '操作记录：一个基地的，或不涉及具体基地的（仅省厅），新的在前',
      description:
        '带 baseId：一个基地的操作记录（省厅；地市商务局限本市基地），基地页面及地市使用，继续有效。' +
        '不带 baseId（不涉及具体基地的操作，仅省厅）的用法已停用，仍可调用：请改用 /api/audit/log?base=none，' +
        '该接口还可按地市、操作、操作人、日期、回执编号筛选并分页。',
      security,
      request: { query: z.object({ baseId: z.string().optional() }) },
      responses: { 200: json(z.array(AuditEventSchema), '操作记录'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { baseId } = c.req.valid('query');
      if (!baseId) requireStaff(c);
      else assertCity(principal, (await getBase(ctx, baseId)).city);
      return c.json(await auditTrail(ctx, baseId ?? null), 200);
    },
  );
}
