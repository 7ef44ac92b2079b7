/**
 * The review board (staff only): per base, the experts' totals side by side with their spread, the grade, ranks,
 * the flags that matter (a level-1 subtotal not over 60 %, a control item open under an A/B, deductions) and which
 * experts still owe points; a page per base with every indicator by expert; the proposal with its workbook and the
 * 公示; the same data as JSON at `/api/review`.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { type BaseResult, fmt } from '../domain/review.ts';
import {
  addWorkingDays,
  CONTROL_STATE_NAMES,
  publicityHtml,
  publicityText,
  REVIEW_CATEGORY_NAMES,
} from '../domain/review-text.ts';
import { auditTrail } from '../use-cases/read-model.ts';
import { queryReview, type ReviewReport } from '../use-cases/review.ts';
import { buildProposalWorkbook } from '../use-cases/review-proposal.ts';
import { publicityDocx } from '../use-cases/review-publicity-docx.ts';
import { AccessError, canSeeCity, type HttpEnv, requireStaff, requireUser } from './auth.ts';
import { csrfToken, type HttpDeps } from './deps.ts';
import { type Html, type PageFrame, page } from './html.ts';

/** A spread of the experts' totals at or above this many points is marked for a second look. */
export const SPREAD_WARNING = 10;

const STYLE = html`<style>
table.board td.total{font-weight:600}.grade{display:inline-block;min-width:1.6em;text-align:center;border-radius:4px;font-weight:700}
.grade.A{background:#dafbe1;color:#1a7f37}.grade.B{background:#ddf4ff;color:#0969da}.grade.C{background:#fff8c5;color:#9a6700}.grade.D{background:#ffebe9;color:#cf222e}
td.spread.wide{background:#fff8c5;font-weight:600}td.missing{color:#cf222e}tr.group td{background:#f6f8fa;font-weight:600}
</style>`;

type Row = ReviewReport['results'][number];

function gradeChip(grade: string | null): Html {
  return grade ? html`<span class="grade ${grade}">${grade}</span>` : html`<span class="muted">—</span>`;
}

function flags(r: BaseResult, share: number): Html[] {
  const out: Html[] = [];
  if (r.total !== null) {
    for (const g of r.groups.filter((x) => x.belowShare)) {
      out.push(html`<span class="chip warn" title="应超过${fmt(g.floor)}分">${g.level1}未超过${share}%</span>`);
    }
  }
  for (const id of r.blockers) {
    const label = r.controls.find((c) => c.id === id)?.label ?? id;
    out.push(html`<span class="chip bad">控制项未确认：${label}</span>`);
  }
  for (const d of r.deductions) out.push(html`<span class="chip info">${d.reason} −${fmt(d.points)}</span>`);
  if (r.bonusRaw > r.bonus) out.push(html`<span class="chip info">加分项${fmt(r.bonusRaw)}→${fmt(r.bonus)}</span>`);
  return out;
}

/** Registers the review pages and `/api/review`. */
export function registerReviewPages(app: Hono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;
  const round = ctx.round;
  const frame = (c: Parameters<typeof csrfToken>[0], title: string): PageFrame => ({
    round,
    title,
    principal: c.get('principal'),
    csrf: csrfToken(c, deps),
  });
  const cityName = (id: string) => round.cities.find((x) => x.id === id)?.name ?? id;

  app.get('/api/review', async (c) => {
    requireStaff(c);
    return c.json(await queryReview(ctx));
  });

  app.get('/review', async (c) => {
    requireStaff(c);
    const report = await queryReview(ctx);
    const experts = report.experts.map((e) => e.name);
    const share = Math.round(report.scheme.groupMinShare * 100);
    const sorted = [...report.results].sort(
      (a, b) =>
        (a.rank.province ?? 999) - (b.rank.province ?? 999) ||
        round.cities.findIndex((x) => x.id === a.city) - round.cities.findIndex((x) => x.id === b.city),
    );
    const done = report.results.filter((r) => r.total !== null).length;
    const owing = report.results.filter((r) => r.awaiting.length > 0).length;
    const wide = report.results.filter((r) => (r.totalSpread ?? 0) >= SPREAD_WARNING).length;
    const row = (r: Row) => html`<tr data-base="${r.baseId}">
<td class="num" data-label="全省">${r.rank.province ?? '—'}</td>
<td class="num" data-label="本市">${r.rank.city ?? '—'}</td>
<td data-label="地市">${cityName(r.city)}</td>
<td data-label="基地"><a href="/review/bases/${r.baseId}">${r.name}</a> <span class="muted small">${REVIEW_CATEGORY_NAMES[r.category] ?? r.category}</span></td>
<td data-label="等级">${gradeChip(r.grade)}</td>
<td class="num total" data-label="总分">${r.total === null ? '—' : fmt(r.total)}</td>
${experts.map((e) => {
  const t = r.expertTotals[e];
  return t === undefined
    ? html`<td class="num missing" data-label="${e}">${r.awaiting.includes(e) ? '未交' : '—'}</td>`
    : html`<td class="num" data-label="${e}">${fmt(t)}</td>`;
})}
<td class="num spread ${(r.totalSpread ?? 0) >= SPREAD_WARNING ? 'wide' : ''}" data-label="分差">${r.totalSpread === null ? '—' : fmt(r.totalSpread)}</td>
<td data-label="提示">${flags(r, share)}</td>
</tr>`;
    const body = html`${STYLE}
<h1>专家评审</h1>
<p class="muted">各专家评分并列显示；计入分为各专家得分的${report.scheme.aggregation === 'mean' ? '平均值' : report.scheme.aggregation === 'median' ? '中位数' : '去掉最高最低后的平均值'}（逐项，保留${report.scheme.decimals}位小数）。分差达${SPREAD_WARNING}分的以黄色标出。<a href="/review/proposal">名单调整建议</a></p>
<div class="cards" id="review-cards">
<div class="card"><div class="n">${report.results.length}</div><div class="l">参评基地</div></div>
<div class="card"><div class="n">${done}</div><div class="l">已有总分</div></div>
<div class="card"><div class="n">${owing}</div><div class="l">有专家未交评分</div></div>
<div class="card"><div class="n">${wide}</div><div class="l">分差≥${SPREAD_WARNING}分</div></div>
<div class="card"><div class="n">${experts.length}</div><div class="l">评审专家</div></div>
</div>
<p class="small">各市结果页：${round.cities.map((x) => html`<a href="/review/cities/${x.id}">${x.name}</a> `)}</p>
<h2>专家</h2>
<div class="table-wrap"><table id="experts" class="compact"><thead><tr><th>专家</th><th>评分表发放</th><th class="num">发放基地</th><th class="num">已交基地</th><th class="num">交回文件</th></tr></thead>
<tbody>${report.experts.map(
      (e) =>
        html`<tr><td>${e.name}</td><td>${e.issuedAt ? e.issuedAt.slice(0, 10) : '—'}</td><td class="num">${e.bases}</td><td class="num">${e.scored}</td><td class="num">${e.workbooks}</td></tr>`,
    )}</tbody></table></div>
<h2>各基地评分</h2>
<div class="table-wrap"><table id="board" class="board stack compact"><thead><tr><th class="num">全省</th><th class="num">本市</th><th>地市</th><th>基地</th><th>等级</th><th class="num">总分</th>${experts.map((e) => html`<th class="num">${e}</th>`)}<th class="num">分差</th><th>提示</th></tr></thead>
<tbody>${sorted.map(row)}</tbody></table></div>`;
    return c.html(page(frame(c, '专家评审'), body));
  });

  app.get('/review/bases/:baseId', async (c) => {
    requireStaff(c);
    const report = await queryReview(ctx);
    const r = report.results.find((x) => x.baseId === c.req.param('baseId'));
    if (!r) return c.html(page(frame(c, '未找到'), html`<h1>没有该基地的评审结果</h1>`), 404);
    const experts = r.experts;
    const share = Math.round(report.scheme.groupMinShare * 100);
    const levels = [...report.scheme.groups.map((g) => g.level1), report.scheme.bonus.level1];
    const rows = levels.flatMap((level1) => {
      const group = r.groups.find((g) => g.level1 === level1);
      const items = r.indicators.filter((x) => x.level1 === level1);
      const head = group
        ? html`<tr class="group"><td>${level1}（${group.points}分）</td><td></td>${experts.map(() => html`<td></td>`)}<td class="num">${fmt(group.subtotal)}${group.belowShare && r.experts.length ? html` <span class="chip warn">未超过${share}%</span>` : ''}</td><td></td></tr>`
        : html`<tr class="group"><td>${level1}（每项2分，最高${report.scheme.bonus.cap}分）</td><td></td>${experts.map(() => html`<td></td>`)}<td class="num">${fmt(r.bonus)}${r.bonusRaw > r.bonus ? html` <span class="muted small">（原${fmt(r.bonusRaw)}）</span>` : ''}</td><td></td></tr>`;
      return [
        head,
        ...items.map(
          (x) =>
            html`<tr data-indicator="${x.slug}"><td>${x.name}</td><td class="num">${x.max}</td>${experts.map((e) => html`<td class="num">${x.byExpert[e] ?? '—'}</td>`)}<td class="num">${x.points === null ? '—' : fmt(x.points)}</td><td class="num spread ${(x.spread ?? 0) >= x.max / 2 && (x.spread ?? 0) > 0 ? 'wide' : ''}">${x.spread === null ? '—' : fmt(x.spread)}</td></tr>`,
        ),
      ];
    });
    const body = html`${STYLE}
<p><a href="/review">← 专家评审</a></p>
<h1>${r.name}</h1>
<dl class="kv"><dt>地市</dt><dd>${cityName(r.city)}</dd><dt>总分</dt><dd>${r.total === null ? '未评完' : fmt(r.total)} ${gradeChip(r.grade)}</dd>
<dt>排名</dt><dd>全省 ${r.rank.province ?? '—'}，本市 ${r.rank.city ?? '—'}</dd>
<dt>上次等级</dt><dd>${r.prior ? `${r.prior.year}年度 ${r.prior.grade}` : '无'}</dd>
<dt>扣分</dt><dd>${r.deductions.length ? r.deductions.map((d) => `${d.reason} −${fmt(d.points)}`).join('；') : '无'}</dd>
<dt>未交评分</dt><dd>${r.awaiting.length ? r.awaiting.join('、') : '无'}</dd></dl>
<h2>逐项评分</h2>
<div class="table-wrap"><table id="indicators" class="compact"><thead><tr><th>指标</th><th class="num">满分</th>${experts.map((e) => html`<th class="num">${e}</th>`)}<th class="num">计入</th><th class="num">分差</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<h2>控制项</h2>
<div class="table-wrap"><table id="controls" class="compact"><thead><tr><th>控制项</th>${experts.map((e) => html`<th>${e}</th>`)}<th>结论</th></tr></thead>
<tbody>${r.controls.map(
      (x) =>
        html`<tr><td>${x.label}</td>${experts.map((e) => html`<td>${x.byExpert[e] === null ? '未填' : x.byExpert[e] ? '是' : '否'}</td>`)}<td><span class="chip ${x.state === 'met' ? 'ok' : x.state === 'not-met' ? 'bad' : 'warn'}">${CONTROL_STATE_NAMES[x.state]}</span></td></tr>`,
    )}</tbody></table></div>
${r.blockers.length ? html`<p class="flash error">控制项未确认满足，不应评为${r.grade}。</p>` : ''}
<h2>评价意见</h2>
${r.comments.length ? html`<ul id="comments">${r.comments.map((x) => html`<li><strong>${x.expert}</strong>：${x.text}</li>`)}</ul>` : html`<p class="muted">无</p>`}`;
    return c.html(page(frame(c, `${r.name} · 评审`), body));
  });

  // A bureau sees its bases' results once staff sent it the feedback (三、(二)); staff see any city at any time.
  app.get('/review/cities/:city', async (c) => {
    const principal = requireUser(c);
    const city = round.cities.find((x) => x.id === c.req.param('city'));
    if (!city) return c.html(page(frame(c, '未找到'), html`<h1>没有该地市</h1>`), 404);
    if (!canSeeCity(principal, city.id)) throw new AccessError(403, '只能查看本市基地的评价结果');
    const released = (await auditTrail(ctx, null)).some(
      (e) => e.action === 'review-feedback-sent' && e.details.city === city.id,
    );
    const title = `${city.name}参评基地综合评价结果`;
    if (!released && principal.role !== 'staff') {
      return c.html(
        page(frame(c, title), html`<h1>${title}</h1><p id="not-released">评价结果尚未反馈，反馈后将在此显示。</p>`),
      );
    }
    const report = await queryReview(ctx);
    const share = Math.round(report.scheme.groupMinShare * 100);
    const mine = report.results
      .filter((r) => r.city === city.id)
      .sort((a, b) => (a.rank.city ?? 999) - (b.rank.city ?? 999) || a.name.localeCompare(b.name, 'zh-CN'));
    const body = html`${STYLE}
<h1>${title}</h1>
${released ? '' : html`<p class="flash error">尚未向${city.bureau}反馈（市局账号暂看不到本页内容）。</p>`}
<div class="table-wrap"><table id="city-results" class="stack compact"><thead><tr><th>基地</th><th>等级</th><th class="num">总分</th><th class="num">全省</th><th class="num">本市</th>${report.scheme.groups.map((g) => html`<th class="num">${g.level1}（${g.points}）</th>`)}<th class="num">加分项</th><th>需改进</th></tr></thead>
<tbody>${mine.map(
      (r) =>
        html`<tr data-base="${r.baseId}"><td data-label="基地">${r.name}</td><td data-label="等级">${gradeChip(r.grade)}</td><td class="num" data-label="总分">${r.total === null ? '评审中' : fmt(r.total)}</td><td class="num" data-label="全省">${r.rank.province ?? '—'}</td><td class="num" data-label="本市">${r.rank.city ?? '—'}</td>${r.groups.map((g) => html`<td class="num" data-label="${g.level1}">${r.total === null ? '—' : fmt(g.subtotal)}</td>`)}<td class="num" data-label="加分项">${r.total === null ? '—' : fmt(r.bonus)}</td><td data-label="需改进">${r.total === null ? '' : r.groups.filter((g) => g.belowShare).map((g) => html`<span class="chip warn">${g.level1}未超过${share}%</span> `)}</td></tr>`,
    )}</tbody></table></div>
<h2>专家意见</h2>
${mine
  .filter((r) => r.comments.length > 0)
  .map(
    (r) =>
      html`<section class="item"><strong>${r.name}</strong><ol>${r.comments.map((x) => html`<li>${x.text}</li>`)}</ol></section>`,
  )}`;
    return c.html(page(frame(c, title), body));
  });

  app.get('/review/proposal', async (c) => {
    requireStaff(c);
    const report = await queryReview(ctx);
    const { removals, additions, gaps } = report.proposal;
    const body = html`${STYLE}
<p><a href="/review">← 专家评审</a></p>
<h1>省级直播电商基地名单调整建议</h1>
<p><a href="/review/proposal.xlsx">下载会议用表（xlsx）</a> · <a href="/review/publicity.html">公示稿（HTML）</a> · <a href="/review/publicity.docx">公示稿（Word）</a></p>
<h2>拟取消示范资格（${removals.length}家）</h2>
<div class="table-wrap"><table id="removals" class="compact"><thead><tr><th>地市</th><th>基地</th><th class="num">本次得分</th><th>理由</th></tr></thead>
<tbody>${removals.map((x) => html`<tr><td>${cityName(x.city)}</td><td>${x.name}</td><td class="num">${fmt(x.total)}</td><td>${x.reason}</td></tr>`)}</tbody></table></div>
<h2>拟补入（${additions.length}家，按择优次序）</h2>
<div class="table-wrap"><table id="additions" class="compact"><thead><tr><th class="num">次序</th><th>地市</th><th>基地</th><th class="num">本次得分</th><th>理由</th></tr></thead>
<tbody>${additions.map((x) => html`<tr><td class="num">${x.order}</td><td>${cityName(x.city)}</td><td>${x.name}</td><td class="num">${fmt(x.total)}</td><td>${x.reason}</td></tr>`)}</tbody></table></div>
<h2>待核实（${gaps.length}家）</h2>
<div class="table-wrap"><table id="gaps" class="compact"><thead><tr><th>地市</th><th>基地</th><th>原因</th></tr></thead>
<tbody>${gaps.map((x) => html`<tr><td>${cityName(x.city)}</td><td>${x.name}</td><td>${x.reason}</td></tr>`)}</tbody></table></div>
<h2>异议与复议（${report.objections.length}件）</h2>
<div class="table-wrap"><table id="objections" class="compact"><thead><tr><th>收到</th><th>异议人</th><th>涉及基地</th><th>内容</th><th>复议结论</th></tr></thead>
<tbody>${report.objections.map(
      (o) =>
        html`<tr><td>${o.receivedOn}</td><td>${o.raisedBy}</td><td>${o.baseId ? (report.results.find((r) => r.baseId === o.baseId)?.name ?? o.baseId) : '名单整体'}</td><td>${o.summary}</td><td>${
          o.outcome
            ? html`<span class="chip ${o.outcome.decision === 'upheld' ? 'warn' : 'info'}">${o.outcome.decision === 'upheld' ? '异议成立' : '异议不成立'}</span> ${o.outcome.note}（${o.outcome.decidedOn}）`
            : html`<span class="chip warn">待复议</span>`
        }</td></tr>`,
    )}</tbody></table></div>`;
    return c.html(page(frame(c, '名单调整建议'), body));
  });

  app.get('/review/proposal.xlsx', async (c) => {
    requireStaff(c);
    const data = await buildProposalWorkbook(round, await queryReview(ctx));
    return c.body(new Uint8Array(data), 200, {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(`${round.id}年度名单调整建议.xlsx`)}`,
    });
  });

  app.get('/review/publicity.docx', async (c) => {
    requireStaff(c);
    const report = await queryReview(ctx);
    const given = c.req.query('from');
    const from = given && /^\d{4}-\d{2}-\d{2}$/.test(given) ? given : ctx.clock.now().toISOString().slice(0, 10);
    const until = addWorkingDays(from, report.scheme.adjustment.objectionDays);
    const data = publicityDocx(
      publicityText({ round, proposal: report.proposal, results: report.results, from, until }),
    );
    return c.body(new Uint8Array(data), 200, {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(`${round.id}年度名单调整公示.docx`)}`,
    });
  });

  app.get('/review/publicity.html', async (c) => {
    requireStaff(c);
    const report = await queryReview(ctx);
    const given = c.req.query('from');
    const from = given && /^\d{4}-\d{2}-\d{2}$/.test(given) ? given : ctx.clock.now().toISOString().slice(0, 10);
    const until = addWorkingDays(from, report.scheme.adjustment.objectionDays);
    return c.html(
      publicityHtml(publicityText({ round, proposal: report.proposal, results: report.results, from, until })),
    );
  });
}
