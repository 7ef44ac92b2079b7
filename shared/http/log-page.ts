/**
 * 操作日志 (`/log`): every staff action in one list, the bases' and those tied to none, newest first, filtered by
 * city, base (or 不涉及具体基地的操作), an upload's receipt number, action, actor and date range (Beijing days), 50 to a
 * page, each as a sentence with a copy button. Staff only. `/api/audit/log` answers the same query in JSON, each
 * event with its sentence. The old page of actions tied to no base, `/audit`, sends its visitors here.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { html } from 'hono/html';
import { z } from 'zod';
import { ACTION_NAMES, auditSentence } from '../domain/audit-sentences.ts';
import { type AuditLogQuery, auditLog, NO_BASE } from '../use-cases/audit-log.ts';
import { findByReceipt, type ReceiptMatch } from '../use-cases/read-model.ts';
import { asReceiptNumber } from '../use-cases/upload-receipt-number.ts';
import { type HttpEnv, requireStaff } from './auth.ts';
import { csrfToken, type HttpDeps } from './deps.ts';
import { readFlash } from './flash.ts';
import { auditTable } from './history.ts';
import { page, when } from './html.ts';
import { AuditEventSchema, ErrorSchema } from './schemas.ts';

/** Where the log is. */
export const LOG_PATH = '/log';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The log's filters as a query string gives them: the use case's, and a receipt number still to look up. */
export type LogFilters = AuditLogQuery & { receipt?: string };

/** The log's filters from a query string (anything malformed is left out rather than refused). */
export function logQueryOf(q: (name: string) => string | undefined): LogFilters {
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
    receipt: asReceiptNumber(value('receipt') ?? '') ?? value('receipt'),
  };
}

const LogQuery = z.object({
  city: z.string().optional(),
  base: z
    .string()
    .optional()
    .meta({ description: `基地编号；${NO_BASE}：不涉及具体基地的操作` }),
  receipt: z
    .string()
    .optional()
    .meta({ description: '网上提交的回执编号（如 2023-0158）：该次提交及其所属基地的操作' }),
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

  /** The filters with a receipt number looked up: its submission and base (none found: nothing matches). */
  async function resolved(filters: LogFilters): Promise<{ query: AuditLogQuery; receipt: ReceiptMatch | null }> {
    const { receipt: number, ...query } = filters;
    if (!number) return { query, receipt: null };
    const receipt = await findByReceipt(ctx, number);
    const submission = receipt
      ? { id: receipt.submission.id, baseId: receipt.submission.baseId }
      : { id: '', baseId: null };
    return { query: { ...query, baseId: undefined, submission }, receipt };
  }

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
      const { query } = await resolved(logQueryOf((name) => c.req.query(name)));
      const log = await auditLog(ctx, query);
      const entries = log.entries.map((e) => ({ ...e, sentence: auditSentence(round, e, log.baseNames) }));
      return c.json({ entries, total: log.total, page: log.page, pages: log.pages, pageSize: log.pageSize }, 200);
    },
  );

  app.get(LOG_PATH, async (c) => {
    const principal = requireStaff(c);
    const filters = logQueryOf((name) => c.req.query(name));
    const { query, receipt } = await resolved(filters);
    const log = await auditLog(ctx, query);
    const receipts = receipt?.submission ? new Map([[receipt.submission.id, receipt.number]]) : undefined;
    const selected = (a: string | undefined, b: string) => (a === b ? 'selected' : '');
    const link = (pageNo: number) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries({
        city: query.city,
        base: filters.baseId,
        receipt: filters.receipt,
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
    const filtered = Boolean(
      query.city || filters.baseId || filters.receipt || query.action || query.actor || query.from || query.to,
    );
    const receiptLine = !filters.receipt
      ? ''
      : receipt
        ? html`<p class="small" id="log-receipt">回执编号 <strong>${receipt.number}</strong>：${when(receipt.submission.receivedAt, round)}网上提交，${
            receipt.base
              ? html`属于<a href="/bases/${receipt.base.id}#receipt-${receipt.number}">${receipt.base.name}</a>；下列为该基地及该次提交的操作。`
              : html`尚未确定所属基地（见<a href="/unmatched">待分配</a>）；下列为该次提交的操作。`
          }</p>`
        : html`<p class="small" id="log-receipt">没有找到回执编号为${filters.receipt}的网上提交。</p>`;
    const body = html`<h1>操作日志 <span class="muted small" id="log-count">${filtered ? `符合条件 ${log.total} 条` : `共 ${log.total} 条`}</span></h1>
<form class="inline log-filters no-print" id="log-filters" method="get" action="${LOG_PATH}">
<select name="city" aria-label="地市"><option value="">全部地市</option>${round.cities.map(
      (city) => html`<option value="${city.id}" ${selected(query.city, city.id)}>${city.name}</option>`,
    )}</select>
<select name="base" aria-label="基地"><option value="">全部基地</option><option value="${NO_BASE}" ${selected(filters.baseId, NO_BASE)}>不涉及具体基地的操作</option>${round.cities.map(
      (city) => {
        const mine = log.bases.filter((b) => b.city === city.id);
        return mine.length
          ? html`<optgroup label="${city.name}">${mine.map((b) => html`<option value="${b.id}" ${selected(filters.baseId, b.id)}>${b.name}</option>`)}</optgroup>`
          : '';
      },
    )}</select>
<select name="action" aria-label="操作"><option value="">全部操作</option>${log.actions.map(
      (a) => html`<option value="${a}" ${selected(query.action, a)}>${ACTION_NAMES[a] ?? a}</option>`,
    )}</select>
<input name="receipt" value="${filters.receipt ?? ''}" placeholder="回执编号" aria-label="回执编号" style="width:7em" inputmode="numeric">
<input name="actor" list="log-actors" value="${query.actor ?? ''}" placeholder="操作人" aria-label="操作人" style="width:7em">
<datalist id="log-actors">${log.actors.map((a) => html`<option value="${a}">`)}</datalist>
<label class="small">自 <input name="from" type="date" value="${query.from ?? ''}" aria-label="起始日期"></label>
<label class="small">至 <input name="to" type="date" value="${query.to ?? ''}" aria-label="截止日期"></label>
<button class="act" type="submit">筛选</button>${filtered ? html` <a class="small" href="${LOG_PATH}">清除条件</a>` : ''}
</form>
${receiptLine}
${auditTable(round, log.entries, { bases: log.baseNames, withBase: true, id: 'log', ...(receipts ? { receipts } : {}) })}
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
