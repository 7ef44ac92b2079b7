/** Who am I, and the rounds with their indicators and report-form items. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Round } from '../../domain/catalogue.ts';
import { deadlineInstant } from '../../domain/round-time.ts';
import { availableRounds, loadRound } from '../../domain/rounds/index.ts';
import { type HttpEnv, requireUser } from '../auth.ts';
import type { HttpDeps } from '../deps.ts';
import { PrincipalSchema, RoundDetailSchema, RoundSummarySchema } from '../schemas.ts';
import { json, refused, security } from './common.ts';

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

/** `/api/me`, `/api/rounds`, `/api/rounds/{roundId}`. */
export function registerCatalogue(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;

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
}
