/**
 * 操作日志 (`/log`): every staff action in one list, the bases' and those tied to none, newest first, filtered by
 * city, base, action, actor and date range (Beijing days), 50 to a page, each as a sentence with a copy button.
 * Staff only. `/api/audit/log` answers the same query in JSON, each event with its sentence.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { html } from 'hono/html';
import { z } from 'zod';
import { ACTION_NAMES, auditSentence } from '../domain/audit-sentences.ts';
import { type AuditLogQuery, auditLog } from '../use-cases/audit-log.ts';
import { type HttpEnv, requireStaff } from './auth.ts';
import { csrfToken, type HttpDeps } from './deps.ts';
import { readFlash } from './flash.ts';
import { auditTable } from './history.ts';
import { page } from './html.ts';
import { AuditEventSchema, ErrorSchema } from './schemas.ts';

/** Where the log is. */
export const LOG_PATH = '/log';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The log's filters from a query string (anything malformed is left out rather than refused). */
export function logQueryOf(q: (name: string) => string | undefined): AuditLogQuery {
  const value = (name: string) => q(name)?.trim() || undefined;
  const day = (name: string) => {
    const v = value(name);
    return v && DAY.test(v) ? v : undefined;
  };
  const pageNo = Number(value('page') ?? 1);
  return {
    city: value('city'),
    baseId: value('base'),
    action: value('action'),
    actor: value('actor'),
    from: day('from'),
    to: day('to'),
    page: Number.isInteger(pageNo) && pageNo > 0 ? pageNo : 1,
  };
}

const LogQuery = z.object({
  city: z.string().optional(),
  base: z.string().optional(),
  action: z.string().optional(),
  actor: z.string().optional(),
  from: z.string().optional().meta({ description: '起始日期（北京时间，YYYY-MM-DD，含）' }),
  to: z.string().optional().meta({ description: '截止日期（北京时间，YYYY-MM-DD，含）' }),
  page: z.string().optional().meta({ description: '页码，从1起；每页50条' }),
});
const LogEntrySchema = AuditEventSchema.extend({
  city: z.string().nullable(),
  baseName: z.string().nullable(),
  sentence: z.string().meta({ description: '操作的中文表述，如「登记纸质材料2份」' }),
}).openapi('AuditLogEntry');
const LogPageSchema = z
  .object({
    entries: z.array(LogEntrySchema),
    total: z.number().int(),
    page: z.number().int(),
    pages: z.number().int(),
    pageSize: z.number().int(),
  })
  .openapi('AuditLogPage');
const jsonOf = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** Registers `/log` and `/api/audit/log`. */
export function registerLogPage(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;
  const round = ctx.round;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/audit/log',
      tags: ['audit'],
      summary:
        '操作日志：全部操作（各基地的和不涉及具体基地的），可按地市、基地、操作、操作人、日期筛选，分页（仅省厅）',
      security: [{ session: [] }, { cognito: [] }],
      request: { query: LogQuery },
      responses: {
        200: jsonOf(LogPageSchema, '一页操作记录，新的在前'),
        401: jsonOf(ErrorSchema, '未登录'),
        403: jsonOf(ErrorSchema, '仅限省厅'),
      },
    }),
    async (c) => {
      requireStaff(c);
      const log = await auditLog(
        ctx,
        logQueryOf((name) => c.req.query(name)),
      );
      const entries = log.entries.map((e) => ({ ...e, sentence: auditSentence(round, e, log.baseNames) }));
      return c.json({ entries, total: log.total, page: log.page, pages: log.pages, pageSize: log.pageSize }, 200);
    },
  );

  app.get(LOG_PATH, async (c) => {
    const principal = requireStaff(c);
    const query = logQueryOf((name) => c.req.query(name));
    const log = await auditLog(ctx, query);
    const selected = (a: string | undefined, b: string) => (a === b ? 'selected' : '');
    const link = (pageNo: number) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries({
        city: query.city,
        base: query.baseId,
        action: query.action,
        actor: query.actor,
        from: query.from,
        to: query.to,
      }))
        if (v) params.set(k, v);
      if (pageNo > 1) params.set('page', String(pageNo));
      const s = params.toString();
      return s ? `${LOG_PATH}?${s}` : LOG_PATH;
    };
    const filtered = Boolean(query.city || query.baseId || query.action || query.actor || query.from || query.to);
    const body = html`<h1>操作日志 <span class="muted small" id="log-count">${filtered ? `符合条件 ${log.total} 条` : `共 ${log.total} 条`}</span></h1>
<form class="inline log-filters no-print" id="log-filters" method="get" action="${LOG_PATH}">
<select name="city" aria-label="地市"><option value="">全部地市</option>${round.cities.map(
      (city) => html`<option value="${city.id}" ${selected(query.city, city.id)}>${city.name}</option>`,
    )}</select>
<select name="base" aria-label="基地"><option value="">全部基地</option>${round.cities.map((city) => {
      const mine = log.bases.filter((b) => b.city === city.id);
      return mine.length
        ? html`<optgroup label="${city.name}">${mine.map((b) => html`<option value="${b.id}" ${selected(query.baseId, b.id)}>${b.name}</option>`)}</optgroup>`
        : '';
    })}</select>
<select name="action" aria-label="操作"><option value="">全部操作</option>${log.actions.map(
      (a) => html`<option value="${a}" ${selected(query.action, a)}>${ACTION_NAMES[a] ?? a}</option>`,
    )}</select>
<input name="actor" list="log-actors" value="${query.actor ?? ''}" placeholder="操作人" aria-label="操作人" style="width:7em">
<datalist id="log-actors">${log.actors.map((a) => html`<option value="${a}">`)}</datalist>
<label class="small">自 <input name="from" type="date" value="${query.from ?? ''}" aria-label="起始日期"></label>
<label class="small">至 <input name="to" type="date" value="${query.to ?? ''}" aria-label="截止日期"></label>
<button class="act" type="submit">筛选</button>${filtered ? html` <a class="small" href="${LOG_PATH}">清除条件</a>` : ''}
</form>
${auditTable(round, log.entries, { bases: log.baseNames, withBase: true, id: 'log' })}
${
  log.pages > 1
    ? html`<nav class="pager no-print" id="log-pager" aria-label="分页"><span class="small muted">第 ${log.page} / ${log.pages} 页</span>
${log.page > 1 ? html`<a href="${link(log.page - 1)}" rel="prev">上一页</a>` : ''}
${log.page < log.pages ? html`<a href="${link(log.page + 1)}" rel="next">下一页</a>` : ''}</nav>`
    : ''
}
<p class="small muted no-print">时间均为北京时间。</p>
<style>.pager{display:flex;gap:1rem;align-items:center;margin:.8rem 0}form.log-filters select{max-width:14rem}</style>`;
    return c.html(
      page({ round, title: '操作日志', principal, flash: readFlash(c), csrf: csrfToken(c, deps), nav: 'audit' }, body),
    );
  });
}
