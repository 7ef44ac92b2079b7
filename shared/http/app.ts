/**
 * The HTTP app: a status page for staff (Chinese) and the JSON API. The same app runs locally (`intake start`) and
 * in AWS behind API Gateway (functions/api).
 */
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { z } from 'zod';
import { STATE_NAMES } from '../domain/notice-text.ts';
import type { BaseStatus } from '../domain/records.ts';
import { formatBeijing } from '../domain/round-time.ts';
import type { AppContext } from '../use-cases/context.ts';
import { queryStatus } from '../use-cases/query.ts';
import { ingestUpload } from '../use-cases/upload.ts';

const statusQuerySchema = z.object({
  asOf: z.iso.datetime({ offset: true }).optional(),
  city: z.string().optional(),
  base: z.string().optional(),
});

/** Builds the HTTP app on a context. */
export function createHttpApp(ctx: AppContext): Hono {
  const app = new Hono();

  app.get('/health', (c) => c.json({ ok: true, round: ctx.round.id }));

  app.get('/api/status', async (c) => {
    const parsed = statusQuerySchema.safeParse(c.req.query());
    if (!parsed.success) return c.json({ error: 'invalid query', issues: parsed.error.issues }, 400);
    const { asOf, city, base } = parsed.data;
    return c.json(await queryStatus(ctx, { asOf: asOf ? new Date(asOf) : undefined, city, base }));
  });

  app.post('/api/uploads', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const baseName = typeof form.base === 'string' ? form.base.trim() : '';
    const raw = form.files;
    const files = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter((f): f is File => f instanceof File);
    if (!baseName || files.length === 0) {
      return c.json({ error: '请填写基地名称并选择文件 (base and files are required)' }, 400);
    }
    const total = files.reduce((sum, f) => sum + f.size, 0);
    if (total > ctx.limits.maxMessageBytes) {
      return c.json(
        { error: `文件总大小超过${Math.round(ctx.limits.maxMessageBytes / 1024 / 1024)}MB，请分批上传` },
        413,
      );
    }
    const result = await ingestUpload(ctx, {
      baseName,
      uploader: typeof form.email === 'string' && form.email.includes('@') ? form.email : undefined,
      files: await Promise.all(
        files.map(async (f) => ({
          fileName: f.name,
          contentType: f.type,
          content: Buffer.from(await f.arrayBuffer()),
        })),
      ),
    });
    return c.json(result, 201);
  });

  app.get('/api/notices', async (c) => c.json(await ctx.records.listNotices(c.req.query('city'))));

  app.get('/', async (c) => {
    const now = ctx.clock.now();
    const report = await queryStatus(ctx, { asOf: now });
    return c.html(statusPage(ctx, report.bases, report.unmatched.length, now));
  });

  return app;
}

function statusPage(ctx: AppContext, bases: BaseStatus[], unmatched: number, now: Date) {
  const { round } = ctx;
  const rows = round.cities.map((city) => {
    const ofCity = bases.filter((b) => b.city === city.id);
    if (ofCity.length === 0) return '';
    return ofCity
      .map(
        (b, i) => html`<tr class="${b.state}">
          ${i === 0 ? raw(`<td rowspan="${ofCity.length}">${escapeHtml(city.name)}</td>`) : ''}
          <td>${b.name}</td>
          <td>${STATE_NAMES[b.state]}${b.late ? '（逾期）' : ''}</td>
          <td>${b.submissions}</td>
          <td>${b.lastReceivedAt ? formatBeijing(new Date(b.lastReceivedAt), round.timeZone) : '—'}</td>
          <td>${
            [
              ...b.missing.documents.map((d) =>
                d === 'report-form' ? '报告表' : d === 'self-assessment' ? '自评报告' : d,
              ),
              b.missing.formItems.length ? `报告表${b.missing.formItems.length}项未填` : '',
              b.missing.evidence.length ? `证明材料${b.missing.evidence.length}项` : '',
            ]
              .filter(Boolean)
              .join('；') || '—'
          }</td>
          <td>${b.findings.filter((f) => f.severity !== 'info').length}</td>
        </tr>`,
      )
      .join('');
  });
  const count = (state: BaseStatus['state']) => bases.filter((b) => b.state === state).length;
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>直播电商基地材料收取情况</title>
<style>
body{font-family:system-ui,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:1rem;color:#222}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}tr.complete td{background:#eef9ee}tr.not-received td{background:#fff4f0}
.summary span{display:inline-block;margin-right:1.5em}
</style>
</head>
<body>
<h1>${round.title}：电子材料收取情况</h1>
<p class="summary">
<span>截至：${formatBeijing(now, round.timeZone)}（北京时间）</span>
<span>截止日期：${round.deadline}（含当日）</span>
<span>材料齐全：${count('complete')}</span><span>不完整：${count('incomplete')}</span><span>未收到：${count('not-received')}</span>
<span>逾期：${bases.filter((b) => b.late).length}</span><span>待分配邮件：${unmatched}</span>
</p>
<table>
<thead><tr><th>地市</th><th>基地</th><th>状态</th><th>邮件数</th><th>最近收到</th><th>缺少</th><th>需核实</th></tr></thead>
<tbody>${raw(rows.join(''))}</tbody>
</table>
<p>JSON：<a href="/api/status">/api/status</a> · 通知：<a href="/api/notices">/api/notices</a></p>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
