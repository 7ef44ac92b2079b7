/**
 * The unclassified queue (待核实材料): evidence files that arrived but that the classifier could not place with
 * confidence. Staff settle each in one click — a button per candidate indicator, or a choice of other indicators
 * (several for a shared table) or 「不是证明材料」 — audited and followed by a new evaluation of the base; a bureau
 * sees its own city's files, read-only. Also `GET /api/unclassified`, the same list as JSON.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { html, raw } from 'hono/html';
import { cityIdSchema, type Round } from '../domain/catalogue.ts';
import { STATE_NAMES } from '../domain/notice-text.ts';
import { UnknownBaseError } from '../use-cases/evaluate.ts';
import { getBase } from '../use-cases/read-model.ts';
import * as staff from '../use-cases/staff-actions.ts';
import { listUnclassified, type UnclassifiedDocument } from '../use-cases/unclassified.ts';
import { AccessError, assertCity, type HttpEnv, type Principal, requireStaff, requireUser } from './auth.ts';
import { csrfToken, type HttpDeps, safeNext } from './deps.ts';
import { readFlash, setFlash } from './flash.ts';
import { cityName, type Html, page, when } from './html.ts';
import { refererPath } from './request-guards.ts';
import { ErrorSchema } from './schemas.ts';

/** Where the queue lives, and where its buttons post. */
export const UNCLASSIFIED_PATH = '/ui/unclassified';
/** The one-click classification (from the queue and from the base page). */
export const CLASSIFY_EVIDENCE_PATH = '/ui/unclassified/classify';
/** The reason recorded for a one-click decision when staff typed none. */
const DEFAULT_REASON = '待核实材料经人工核实';
/** Who may call the API route: a session or a Cognito token (as in ./api.ts). */
const SECURITY: Record<string, string[]>[] = [{ session: [] }, { cognito: [] }];

/** A file of the queue, as the API returns it. */
export const UnclassifiedDocumentSchema = z
  .object({
    documentId: z.string().meta({ description: '文件编号（<submissionId>/<sha256>）' }),
    baseId: z.string(),
    baseName: z.string(),
    city: cityIdSchema,
    fileName: z.string(),
    folderPath: z.string().nullable().meta({ description: '压缩包内的文件夹，邮件附件为 null' }),
    receivedAt: z.string(),
    decision: z
      .enum(['asked', 'none'])
      .meta({ description: 'asked：系统无法确定，待人工核实；none：旧记录，未识别出对应指标' }),
    candidates: z
      .array(z.object({ indicator: z.string(), name: z.string(), score: z.number() }))
      .meta({ description: '可能对应的指标，可能性大的在前' }),
    reasons: z.array(z.string()).meta({ description: '系统判断依据' }),
  })
  .openapi('UnclassifiedDocument');

/** What a candidate button row needs: the file and the indicators to offer. */
export interface CandidateButtonsInput {
  documentId: string;
  candidates: readonly { indicator: string; score?: number }[];
  csrf: string;
  round: Round;
}

/**
 * One button per candidate (「计入：直播活动」), each classifying the file in one click, and a fold with the other
 * indicators (several may be ticked, for a shared table) and 「不是证明材料」. For staff only.
 */
export function candidateButtons(input: CandidateButtonsInput): Html {
  const { documentId, candidates, csrf, round } = input;
  const name = (slug: string) => round.indicators.find((i) => i.slug === slug)?.name ?? slug;
  const hidden = html`<input type="hidden" name="documentId" value="${documentId}"><input type="hidden" name="csrf" value="${csrf}">`;
  const offered = new Set(candidates.map((c) => c.indicator));
  return html`<div class="decide">${
    candidates.length > 0
      ? html`<form class="inline candidates" method="post" action="${CLASSIFY_EVIDENCE_PATH}">${hidden}${candidates.map(
          (c) =>
            html`<button class="act" type="submit" name="indicator" value="${c.indicator}"${c.score !== undefined ? html` title="系统评分 ${c.score.toFixed(1)}"` : ''}>计入：${name(c.indicator)}</button>`,
        )}</form>`
      : ''
  }
<details class="other"><summary>${candidates.length > 0 ? '其他指标 / 不是证明材料' : '选择对应指标 / 不是证明材料'}</summary>
<form class="pick" method="post" action="${CLASSIFY_EVIDENCE_PATH}">${hidden}
<fieldset><legend class="small muted">可选多项（一张表格共用于多个指标时）</legend>
<div class="pick-list">${round.indicators.map(
    (i) =>
      html`<label><input type="checkbox" name="indicators" value="${i.slug}"${offered.has(i.slug) ? ' data-candidate' : ''}> ${i.name}</label>`,
  )}</div></fieldset>
<input name="reason" placeholder="说明（可不填，记入操作记录）" aria-label="说明">
<button class="act secondary" type="submit">计入所选指标</button></form>
<form class="inline" method="post" action="${CLASSIFY_EVIDENCE_PATH}">${hidden}<input type="hidden" name="kind" value="other">
<button class="act secondary" type="submit">不是证明材料</button></form>
</details></div>`;
}

/** Styles of the queue and of the candidate buttons (the page frame's stylesheet has the rest). */
export const UNCLASSIFIED_CSS = html`<style>${raw(`
.decide form.candidates{gap:.4rem}.decide form.candidates button{white-space:normal;text-align:left}
.decide details.other summary{font-size:.85rem}
.decide form.pick{margin:.3rem 0;display:flex;flex-direction:column;gap:.35rem;align-items:flex-start}
.decide fieldset{border:1px solid var(--line);border-radius:4px;padding:.3rem .5rem;margin:0;max-width:44rem}
.decide .pick-list{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.1rem .8rem;max-height:13rem;overflow:auto}
.decide .pick-list label{font-size:.88rem;white-space:normal}
.decide form.pick input[name=reason]{padding:.25rem .4rem;border:1px solid var(--line);border-radius:4px;font:inherit;width:100%;max-width:26rem}
table#unclassified td.reasons{max-width:22rem}table#unclassified td.act{min-width:16rem}
@media (max-width:700px){table#unclassified td.act{min-width:0}.decide .pick-list{grid-template-columns:1fr}}
`)}</style>`;

/** Registers the queue page, its one-click action and `GET /api/unclassified`. */
export function registerUnclassified(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;
  const round = ctx.round;
  const citiesOf = (p: Principal) => (p.role === 'staff' ? undefined : p.city ? [p.city] : []);

  app.get(UNCLASSIFIED_PATH, async (c) => {
    const principal = requireUser(c);
    const baseId = c.req.query('base') || undefined;
    if (baseId) assertCity(principal, (await getBase(ctx, baseId)).city);
    const queue = await listUnclassified(ctx, { baseId, cities: citiesOf(principal) });
    const csrf = csrfToken(c, deps);
    const isStaff = principal.role === 'staff';
    const body = html`${UNCLASSIFIED_CSS}
<h1>待核实材料 <span class="muted small" id="unclassified-count">${queue.length} 个文件</span></h1>
<p class="small muted">以下文件已收到，但系统无法确定其对应的评价指标。核实前，相关指标显示为“待核实”，不计为缺少。${
      isStaff
        ? '点击“计入：某指标”即完成分类，并重新核对该基地材料；一个文件共用于多个指标的，请在“其他指标”中勾选。'
        : '由省商务厅核实分类。'
    }</p>
${
  queue.length === 0
    ? html`<p id="unclassified-empty">目前没有待核实的材料。</p>`
    : html`<div class="table-wrap"><table class="stack" id="unclassified">
<thead><tr><th>基地</th><th>文件</th><th>收到时间</th><th>系统判断依据</th><th>${isStaff ? '核实' : '可能对应的指标'}</th></tr></thead>
<tbody>${queue.map((d) => row(d, isStaff, csrf))}</tbody></table></div>`
}
${
  // JSON and its address are for staff (and their tools); a bureau reads the page.
  isStaff
    ? html`<p class="small muted" id="unclassified-links">JSON：<a href="/api/unclassified">/api/unclassified</a>　·　<a href="/ui/vocabulary">词表建议</a>（人工分类时从文件名中提出的新词）</p>`
    : ''
}`;
    return c.html(
      page(
        {
          round,
          title: '待核实材料',
          principal,
          flash: readFlash(c),
          csrf,
          nav: 'unclassified',
        },
        body,
      ),
    );
  });

  function row(d: UnclassifiedDocument, isStaff: boolean, csrf: string): Html {
    return html`<tr data-document="${d.documentId}">
<td data-label="基地"><a href="/bases/${encodeURIComponent(d.baseId)}">${d.baseName}</a><div class="small muted">${cityName(round, d.city)}</div></td>
<td data-label="文件"><a href="/download/${d.documentId}" rel="nofollow">${d.fileName}</a>${d.folderPath ? html`<div class="small muted">文件夹：${d.folderPath}</div>` : ''}</td>
<td data-label="收到时间">${when(d.receivedAt, round)}</td>
<td data-label="判断依据" class="reasons small">${reasonsText(d)}</td>
<td data-label="${isStaff ? '核实' : '可能指标'}" class="act">${
      isStaff
        ? candidateButtons({ documentId: d.documentId, candidates: d.candidates, csrf, round })
        : d.candidates.length
          ? d.candidates.map((c) => c.name).join('、')
          : html`<span class="muted">—</span>`
    }</td></tr>`;
  }

  app.post(CLASSIFY_EVIDENCE_PATH, async (c) => {
    const who = requireStaff(c);
    const body = await c.req.parseBody({ all: true });
    const one = (key: string) => {
      const value = body[key];
      const first = Array.isArray(value) ? value[0] : value;
      return typeof first === 'string' ? first.trim() : '';
    };
    const many = (key: string) =>
      (Array.isArray(body[key]) ? (body[key] as unknown[]) : [body[key]]).filter(
        (v): v is string => typeof v === 'string' && v.trim() !== '',
      );
    if (who.via !== 'jwt' && one('csrf') !== csrfToken(c, deps)) {
      throw new AccessError(403, '页面已过期，请刷新后重试');
    }
    const back = safeNext(refererPath(c), UNCLASSIFIED_PATH);
    const documentId = one('documentId');
    const notEvidence = one('kind') === 'other';
    const indicators = notEvidence ? [] : [...new Set([one('indicator'), ...many('indicators')].filter(Boolean))];
    if (!documentId || (!notEvidence && indicators.length === 0)) {
      setFlash(c, 'error', '未完成：请选择对应的指标，或选择“不是证明材料”');
      return c.redirect(back, 303);
    }
    try {
      const status = await staff.classifyDocumentByHand(ctx, {
        documentId,
        kind: notEvidence ? 'other' : 'evidence',
        indicators,
        actor: who.name,
        reason: one('reason') || DEFAULT_REASON,
      });
      const fileName = status.documents.find((d) => d.id === documentId)?.fileName ?? '';
      const names = indicators.map((slug) => round.indicators.find((i) => i.slug === slug)?.name ?? slug);
      setFlash(
        c,
        'ok',
        `已核实：“${fileName}”${notEvidence ? '不是证明材料' : `计入${names.join('、')}`}（${status.name}，现为${STATE_NAMES[status.state]}）`,
      );
    } catch (error) {
      if (!(error instanceof staff.StaffActionError || error instanceof UnknownBaseError)) throw error;
      setFlash(c, 'error', `未完成：${error.message}`);
    }
    return c.redirect(back, 303);
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/unclassified',
      tags: ['documents'],
      summary: '待核实材料：系统无法确定对应指标的证明材料（地市只看到本市的）',
      security: SECURITY,
      request: {
        query: z.object({
          baseId: z.string().optional().meta({ description: '只看该基地' }),
          city: cityIdSchema.optional().meta({ description: '只看该地市' }),
        }),
      },
      responses: {
        200: {
          description: '待核实材料，早收到的在前',
          content: { 'application/json': { schema: z.array(UnclassifiedDocumentSchema) } },
        },
        401: { description: '未登录', content: { 'application/json': { schema: ErrorSchema } } },
        403: { description: '无权访问（其他地市的数据）', content: { 'application/json': { schema: ErrorSchema } } },
        404: { description: '没有该基地', content: { 'application/json': { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { baseId, city } = c.req.valid('query');
      if (city) assertCity(principal, city);
      if (baseId) assertCity(principal, (await getBase(ctx, baseId)).city);
      const cities = city ? [city] : citiesOf(principal);
      return c.json(await listUnclassified(ctx, { baseId, cities }), 200);
    },
  );
}

/** The classifier's reasons as staff read them; a plain sentence for records from before it gave any. */
function reasonsText(d: UnclassifiedDocument): string {
  if (d.reasons.length > 0) return d.reasons.join('；');
  return d.decision === 'none' ? '未识别出对应指标' : '系统未给出依据';
}
