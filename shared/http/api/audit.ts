/** The audit log: a base's events, or (staff only) those about no base. */
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
