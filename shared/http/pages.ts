/**
 * The dashboard's pages (Chinese, server-rendered): overview by city with the deadline countdown, a city, a base,
 * the unmatched queue, notices, search, the audit trail. Staff see every city and the action forms; a bureau sees
 * its own city, read-only. Every page takes `?asOf=` to show the state at another moment.
 */
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Base, CityId } from '../domain/catalogue.ts';
import { chineseDate, chineseWhen, deadlineWords } from '../domain/chinese-time.ts';
import { MAX_NEW_BASES_PER_CITY } from '../domain/city-rules.ts';
import { localDay } from '../domain/notice-schedule.ts';
import { formItemName, indicatorName, paperOf, STATE_NAMES } from '../domain/notice-text.ts';
import type { BaseStatus } from '../domain/records.ts';
import { daysUntilDeadline, deadlineInstant } from '../domain/round-time.ts';
import { evaluateBase } from '../use-cases/evaluate.ts';
import { listExcluded } from '../use-cases/excluded.ts';
import { listUnmatched } from '../use-cases/query.ts';
import { listRegistry } from '../use-cases/registry.ts';
import { assertCity, type HttpEnv, type Principal, requireStaff, requireUser } from './auth.ts';
import { basePage } from './base-page.ts';
import { asOfOf, csrfToken, type HttpDeps } from './deps.ts';
import { readFlash } from './flash.ts';
import { auditTable } from './history.ts';
import {
  cityName,
  formGuard,
  type Html,
  kindName,
  type PageFrame,
  page,
  severityChip,
  stateChip,
  when,
} from './html.ts';
import {
  baseDetail,
  type CitySummary,
  cityOverview,
  getBase,
  openFindings,
  PAPER_COPIES_REQUIRED,
  searchBases,
} from './read-model.ts';

type Ctx = Context<HttpEnv>;

/** Registers the dashboard's GET pages. */
export function registerPages(app: Hono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;
  const round = ctx.round;

  const frame = (c: Ctx, title: string, nav?: PageFrame['nav']): PageFrame => ({
    round,
    title,
    principal: c.get('principal'),
    flash: readFlash(c),
    csrf: csrfToken(c, deps),
    nav,
  });
  const asOf = (c: Ctx): Date => asOfOf(c, deps) ?? ctx.clock.now();
  const isStaff = (p: Principal) => p.role === 'staff';
  const visible = (p: Principal): CityId[] | undefined => (isStaff(p) ? undefined : p.city ? [p.city] : []);

  app.get('/', async (c) => {
    const principal = requireUser(c);
    const at = asOf(c);
    const overview = await cityOverview(ctx, at, visible(principal));
    const [unmatched, excluded] = await Promise.all([
      isStaff(principal) ? listUnmatched(ctx, at).then((q) => q.length) : Promise.resolve(0),
      listExcluded(ctx, at, visible(principal)).then((q) => q.length),
    ]);
    const bases = overview.bases;
    const count = (state: BaseStatus['state']) => bases.filter((b) => b.state === state).length;
    const body = html`
<h1>${isStaff(principal) ? '全省' : cityName(round, principal.city)}参评基地电子材料报送（接收）情况</h1>
${asOfBanner(c, at)}
${countdown(at)}
<div class="cards">
${card(bases.length, '参评基地')}
${card(count('complete'), STATE_NAMES.complete)}
${card(count('incomplete'), STATE_NAMES.incomplete)}
${card(count('not-received'), STATE_NAMES['not-received'])}
${card(bases.filter((b) => b.late).length, '逾期提交')}
${card(bases.filter((b) => b.overdue).length, '截止仍缺')}
${card(
  bases.reduce((n, b) => n + openFindings(b).length, 0),
  '需核实提示',
)}
${isStaff(principal) ? html`<a class="card" href="/unmatched"><div class="n">${unmatched}</div><div class="l">待分配邮件</div></a>` : ''}
<a class="card" href="/excluded" id="excluded-card"><div class="n">${excluded}</div><div class="l">名单外来件</div></a>
</div>
<h2>按地市</h2>
<div class="table-wrap"><table class="compact" id="cities">
<thead><tr><th>地市</th><th class="num">基地</th><th class="num">齐全</th><th class="num">不完整</th><th class="num">未收到</th><th class="num">逾期提交</th><th class="num">截止仍缺</th><th class="num">需核实</th><th class="num">纸质材料</th><th>公函</th></tr></thead>
<tbody>${overview.cities.map((s) => cityRow(s))}</tbody>
</table></div>
<h2>各基地</h2>
${basesTable(bases, true)}
<p class="small muted">${isStaff(principal) ? html`<a href="/api/export.xlsx${c.req.query('asOf') ? `?asOf=${encodeURIComponent(c.req.query('asOf')!)}` : ''}">导出 Excel 汇总表</a> · ` : ''}JSON：<a href="/api/status">/api/status</a> · 接口说明：<a href="/api/openapi.json">/api/openapi.json</a></p>`;
    return c.html(page(frame(c, '总览', 'overview'), body));
  });

  app.get('/cities/:city', async (c) => {
    const principal = requireUser(c);
    const city = round.cities.find((x) => x.id === c.req.param('city'));
    if (!city) return c.html(page(frame(c, '未找到'), html`<h1>没有该地市</h1>`), 404);
    assertCity(principal, city.id);
    const at = asOf(c);
    const [overview, record] = await Promise.all([
      cityOverview(ctx, at, [city.id]),
      ctx.records.getCityRecord(city.id),
    ]);
    const summary = overview.cities[0]!;
    const nameOf = (baseId: string) => overview.bases.find((b) => b.baseId === baseId)?.name ?? baseId;
    const letter = summary.letterReceivedAt;
    const csrf = csrfToken(c, deps);
    const body = html`
<h1>${city.name} <span class="muted small">${city.bureau}</span></h1>
${asOfBanner(c, at)}
${countdown(at)}
<dl class="kv">
<dt>参评基地</dt><dd>${summary.bases} 个：齐全 ${summary.byState.complete}，不完整 ${summary.byState.incomplete}，未收到 ${summary.byState['not-received']}；逾期提交 ${summary.late}，截止仍缺 ${summary.overdue}</dd>
<dt>市商务局公函</dt><dd>${letter ? html`<span class="chip ok">已收到</span> ${when(letter, round)}` : html`<span class="chip bad">未收到</span>`}</dd>
<dt>试点单位</dt><dd>${record?.pilotUnits.length ? record.pilotUnits.map(nameOf).join('、') : '—'}</dd>
<dt>推荐排序</dt><dd>${record?.ranking.length ? record.ranking.map((id, i) => `${i + 1}. ${nameOf(id)}`).join('　') : '—'}</dd>
<dt>本轮新推荐</dt><dd id="new-bases">${summary.newBases.length} 家${summary.newBases.length ? `：${summary.newBases.map(nameOf).join('、')}` : ''}${
      summary.newBases.length > MAX_NEW_BASES_PER_CITY
        ? html` <span class="chip warn">超过${MAX_NEW_BASES_PER_CITY}家</span>`
        : ''
    }</dd>
<dt>纸质材料</dt><dd>${summary.paperComplete} / ${summary.bases} 个基地已收到${PAPER_COPIES_REQUIRED}份${summary.paperLate ? html`，<span class="chip bad">逾期 ${summary.paperLate}</span>` : ''}</dd>
</dl>
${summary.findings.map((f) => html`<p class="flash error city-finding" role="note">${severityChip(f.severity)} ${f.message}</p>`)}
${
  isStaff(principal)
    ? html`<div class="grid2">
<form class="inline item" method="post" action="/ui/city-letter">
<strong>登记公函</strong>
<input type="hidden" name="city" value="${city.id}">
<select name="received" aria-label="公函"><option value="true">已收到</option><option value="false">未收到（撤销登记）</option></select>
${formGuard(csrf)}<button class="act" type="submit">登记</button></form>
<form class="inline item" method="post" action="/ui/city-link">
<strong>地市专用链接</strong>
<input type="hidden" name="city" value="${city.id}">
<input name="hours" type="number" min="1" max="720" value="${deps.cityLinkHours}" aria-label="有效小时" style="width:5em"> 小时
${formGuard(csrf, '原因（如：发给市局张科长）')}<button class="act" type="submit">生成</button></form>
</div>`
    : ''
}
<h2>各基地</h2>
${basesTable(overview.bases, false)}
<p><a href="/notices?city=${city.id}">发给${city.bureau}的通知</a></p>`;
    return c.html(page(frame(c, city.name, 'overview'), body));
  });

  app.get('/bases/:baseId', async (c) => {
    const principal = requireUser(c);
    const base = await getBase(ctx, c.req.param('baseId'));
    assertCity(principal, base.city);
    const at = asOf(c);
    const detail = await baseDetail(ctx, base.id, at);
    const view = { round, staff: isStaff(principal), csrf: csrfToken(c, deps), asOfNote: asOfBanner(c, at) };
    return c.html(page(frame(c, base.name, 'overview'), basePage(view, detail)));
  });

  app.get('/unmatched', async (c) => {
    requireStaff(c);
    const at = asOf(c);
    const [queue, registry] = await Promise.all([listUnmatched(ctx, at), listRegistry(ctx)]);
    const csrf = csrfToken(c, deps);
    const participating = registry.filter((b) => b.participating);
    const body = html`
<h1>待分配邮件 <span class="muted small">${queue.length} 封</span></h1>
<p class="muted small">无法根据发件人、主题、文件名确定所属基地的邮件。指定基地后，该邮件的文件计入该基地，并记住发件地址；地市新推荐的基地可先登记再分配。</p>
${queue.length === 0 ? html`<p>没有待分配的邮件。</p>` : ''}
${queue.map(
  (u) => html`<section class="item" id="u-${u.submissionId}">
<dl class="kv">
<dt>收到</dt><dd>${when(u.receivedAt, round)}</dd>
<dt>发件人</dt><dd>${u.from ?? '—'}</dd>
<dt>主题</dt><dd>${u.subject ?? '—'}</dd>
<dt>文件</dt><dd>${u.fileNames.length ? u.fileNames.join('、') : '（无附件）'}</dd>
${u.findings.length ? html`<dt>提示</dt><dd>${u.findings.map((f) => html`<div>${severityChip(f.severity)} ${f.message}</div>`)}</dd>` : ''}
</dl>
<form class="inline" method="post" action="/ui/assign">
<input type="hidden" name="submissionId" value="${u.submissionId}">
<select name="baseId" required aria-label="分配给基地">
<option value="">选择基地…</option>
${u.candidates.length ? html`<optgroup label="可能的基地">${u.candidates.map((cand) => html`<option value="${cand.baseId}">${cand.name}</option>`)}</optgroup>` : ''}
${round.cities.map((city) => {
  const ofCity = participating.filter((b) => b.city === city.id);
  return ofCity.length
    ? html`<optgroup label="${city.name}">${ofCity.map((b) => html`<option value="${b.id}">${b.name}</option>`)}</optgroup>`
    : '';
})}
</select>
<label class="small"><input type="checkbox" name="rememberSender" value="true" checked> 记住发件人</label>
${formGuard(csrf)}
<button class="act" type="submit">分配</button>
</form>
<details><summary>登记为新推荐基地</summary>
<form class="inline" method="post" action="/ui/register-base">
<input type="hidden" name="submissionId" value="${u.submissionId}">
<input name="name" required placeholder="基地名称（与公函一致）" aria-label="基地名称">
<select name="city" required aria-label="地市"><option value="">地市…</option>${round.cities.map((city) => html`<option value="${city.id}">${city.name}</option>`)}</select>
${formGuard(csrf, '原因（如：市局公函推荐）')}
<button class="act" type="submit">登记并分配</button>
</form></details>
</section>`,
)}`;
    return c.html(page(frame(c, '待分配邮件', 'unmatched'), body));
  });

  app.get('/excluded', async (c) => {
    const principal = requireUser(c);
    const at = asOf(c);
    const queue = await listExcluded(ctx, at, visible(principal));
    const csrf = csrfToken(c, deps);
    const staff = isStaff(principal);
    const body = html`
<h1>名单外来件 <span class="muted small">${queue.length} 次</span></h1>
${asOfBanner(c, at)}
<p class="muted small">来自不在本年度参评基地名单内的基地（如2021年度评价结果中已取消称号）的邮件或网上提交。材料已保存，不计入任何参评基地；系统已回复发件人：该基地不在本年度名单内，可由所在市商务局（综改示范区管委会）在正式公函中作为新推荐基地择优推荐。经市商务局（综改示范区管委会）推荐后，可在此一步转为本轮新推荐基地，已收到的材料随之转入。</p>
${queue.length === 0 ? html`<p>没有名单外来件。</p>` : ''}
${queue.map(
  (e) => html`<section class="item excluded" id="x-${e.submissionId}">
<dl class="kv">
<dt>基地</dt><dd>${e.base.name}（${cityName(round, e.base.city)}） <span class="chip info">${e.reason}</span></dd>
<dt>收到</dt><dd>${when(e.receivedAt, round)}</dd>
<dt>发件人</dt><dd>${e.from ?? '—'}</dd>
<dt>主题</dt><dd>${e.subject ?? '—'}</dd>
<dt>文件</dt><dd>${e.fileNames.length ? e.fileNames.join('、') : '（无附件）'}</dd>
</dl>
${
  staff
    ? html`<form class="inline" method="post" action="/ui/recommend">
<input type="hidden" name="submissionId" value="${e.submissionId}">
${formGuard(csrf, '原因（如：晋城市商务局公函推荐）')}
<button class="act" type="submit">转为本轮新推荐基地</button>
</form>`
    : ''
}
</section>`,
)}`;
    return c.html(page(frame(c, '名单外来件', 'excluded'), body));
  });

  app.get('/notices', async (c) => {
    const principal = requireUser(c);
    const wanted = c.req.query('city');
    if (wanted) assertCity(principal, wanted);
    const city = principal.role === 'bureau' ? principal.city! : wanted || undefined;
    const filter = c.req.query('show');
    const all = await ctx.records.listNotices(city);
    const failed = all.filter((n) => n.error);
    const shown = filter === 'failed' ? failed : filter === 'sent' ? all.filter((n) => n.sentAt) : all;
    const tab = (value: string, label: string) =>
      html`<a href="/notices?${city ? `city=${city}&` : ''}show=${value}" class="chip ${filter === value || (!filter && value === 'all') ? 'ok' : 'info'}">${label}</a>`;
    const body = html`
<h1>发给市商务局的通知${city ? html` <span class="muted small">${cityName(round, city)}</span>` : ''}</h1>
<p>${tab('all', `全部 ${all.length}`)} ${tab('sent', `已发送 ${all.filter((n) => n.sentAt).length}`)} ${tab('failed', `发送失败 ${failed.length}`)}</p>
${shown.length === 0 ? html`<p class="muted">暂无通知。</p>` : ''}
<div class="table-wrap"><table class="stack">
<thead><tr><th>地市</th><th>主题</th><th>截至</th><th>结果</th><th>收件人</th></tr></thead>
<tbody>${shown.map(
      (n) => html`<tr>
<td data-label="地市">${cityName(round, n.city)}</td>
<td data-label="主题"><details><summary>${n.subject}</summary><pre class="notice">${n.text}</pre></details></td>
<td data-label="截至">${when(n.asOf, round)}</td>
<td data-label="结果">${n.sentAt ? html`<span class="chip ok">已发送</span> ${when(n.sentAt, round)}` : n.error ? html`<span class="chip bad">发送失败</span> <span class="small">${n.error}</span>` : html`<span class="chip info">未发送</span>`}</td>
<td data-label="收件人">${n.to.join(', ') || '—'}</td>
</tr>`,
    )}</tbody></table></div>`;
    return c.html(page(frame(c, '通知', 'notices'), body));
  });

  app.get('/search', async (c) => {
    const principal = requireUser(c);
    const q = (c.req.query('q') ?? '').trim();
    const at = asOf(c);
    const found = q ? await searchBases(ctx, q, visible(principal)) : [];
    const statuses = await Promise.all(
      found.filter((b) => b.participating).map((b) => evaluateBase(ctx, { baseId: b.id, asOf: at })),
    );
    const inactive = found.filter((b) => !b.participating);
    const body = html`
<h1>搜索基地</h1>
<form class="inline" action="/search" method="get"><input name="q" value="${q}" placeholder="基地名称或简称" aria-label="基地名称"><button class="act" type="submit">搜索</button></form>
${q ? html`<p class="muted">“${q}”：找到 ${found.length} 个基地</p>` : ''}
${statuses.length ? basesTable(statuses, true) : ''}
${inactive.map((b: Base) => html`<p>${b.name}（${cityName(round, b.city)}）<span class="chip info">${b.remark ?? '不参加本次评价'}</span></p>`)}`;
    return c.html(page(frame(c, '搜索', 'search'), body));
  });

  app.get('/audit', async (c) => {
    requireStaff(c);
    const events = await ctx.records.listAudit(null);
    const body = html`
<h1>操作记录 <span class="muted small">不涉及具体基地的操作（登记公函、生成链接等）；基地的操作见各基地页面</span></h1>
${auditTable(round, events)}`;
    return c.html(page(frame(c, '操作记录', 'audit'), body));
  });

  // -- pieces -------------------------------------------------------------------------------------------------

  function card(n: number, label: string): Html {
    return html`<div class="card"><div class="n">${n}</div><div class="l">${label}</div></div>`;
  }

  function asOfBanner(c: Ctx, at: Date): Html | string {
    return c.req.query('asOf')
      ? html`<p class="flash ok">显示的是${chineseWhen(at, round)}（北京时间）时的状态。<a href="${c.req.path}">回到现在</a></p>`
      : '';
  }

  function countdown(now: Date): Html {
    const end = deadlineInstant(round);
    const days = daysUntilDeadline(now, round);
    const review = round.reviewStartsOn;
    if (review && localDay(now, round.timeZone) >= review) {
      return html`<div class="countdown over closed" id="countdown"><strong>材料报送（接收）工作已结束</strong>：专家评审已于${chineseDate(review)}开始，电子材料和纸质材料均不再接收计入本次评审，催报通知不再自动发送（工作人员仍可手动发送）。电子材料报送截止时间为${deadlineWords(round)}，此后首次收到的材料标记为逾期提交。</div>`;
    }
    if (now >= end) {
      return html`<div class="countdown over" id="countdown"><strong>电子材料报送已截止</strong>：截止时间为${deadlineWords(round)}，已过${-days}天。此后首次收到的材料标记为逾期提交，仍缺的材料标记为截止仍缺。${review ? `专家评审自${chineseDate(review)}开始，届时停止接收材料。` : ''}</div>`;
    }
    const ms = end.getTime() - now.getTime();
    const hours = Math.floor(ms / 3_600_000);
    return html`<div class="countdown" id="countdown" data-end="${end.toISOString()}" data-now="${now.toISOString()}">
电子材料报送截止时间为${deadlineWords(round)}，还有 <strong id="left">${Math.floor(hours / 24)} 天 ${hours % 24} 小时</strong>
</div>
<script>(function(){var el=document.getElementById('left'),box=document.getElementById('countdown');
var end=Date.parse(box.dataset.end),skew=Date.parse(box.dataset.now)-Date.now();
function tick(){var ms=end-(Date.now()+skew);if(ms<=0){el.textContent='0 天';return}
var s=Math.floor(ms/1000),d=Math.floor(s/86400),h=Math.floor(s%86400/3600),m=Math.floor(s%3600/60),x=s%60;
el.textContent=d+' 天 '+h+' 小时 '+m+' 分 '+x+' 秒'}tick();setInterval(tick,1000)})();</script>`;
  }

  function cityRow(s: CitySummary): Html {
    return html`<tr>
<td data-label="地市" style="white-space:nowrap"><a href="/cities/${s.city}">${s.name}</a></td>
<td data-label="基地" class="num">${s.bases}</td>
<td data-label="齐全" class="num">${s.byState.complete}</td>
<td data-label="不完整" class="num">${s.byState.incomplete}</td>
<td data-label="未收到" class="num">${s.byState['not-received'] ? html`<span class="chip not-received">${s.byState['not-received']}</span>` : '0'}</td>
<td data-label="逾期提交" class="num">${s.late}</td>
<td data-label="截止仍缺" class="num">${s.overdue}</td>
<td data-label="需核实" class="num">${s.openFindings}</td>
<td data-label="纸质材料" class="num">${s.paperComplete}/${s.bases}</td>
<td data-label="公函">${s.letterReceivedAt ? html`<span class="chip ok">已收到</span>` : html`<span class="chip info">未收到</span>`}${
      s.newBases.length > MAX_NEW_BASES_PER_CITY
        ? html` <span class="chip warn" title="${s.findings.map((f) => f.message).join('；')}">新推荐${s.newBases.length}家</span>`
        : ''
    }</td>
</tr>`;
  }

  function missingText(b: BaseStatus): string {
    const parts = [
      ...b.missing.documents.map((d) => kindName(d)),
      b.missing.formItems.length ? `报告表${b.missing.formItems.length}项未填` : '',
      b.missing.evidence.length ? `证明材料${b.missing.evidence.length}项` : '',
    ].filter(Boolean);
    // Evidence that arrived but waits for staff to place it is not missing: said apart, never counted with it.
    const pending = b.pendingEvidence?.length ? `证明材料${b.pendingEvidence.length}项待核实（不计为缺少）` : '';
    if (parts.length === 0) return pending ? `无；${pending}` : '—';
    return [...parts, pending ? `另有${pending}` : ''].filter(Boolean).join('；');
  }

  /** The 缺少 cell: the short count, opening in place to every gap by name (no page to leave, no script). */
  function missingCell(b: BaseStatus): Html | string {
    const items = [
      ...b.missing.documents.map((d) => kindName(d)),
      ...b.missing.formItems.map((n) => formItemName(round, n)),
      ...b.missing.evidence.map((slug) => `${indicatorName(round, slug)}的证明材料`),
      ...(b.pendingEvidence ?? []).map((p) => `${indicatorName(round, p.indicator)}的证明材料：已收到，待核实`),
    ];
    if (items.length <= 1) return missingText(b);
    return html`<details class="gaps"><summary>${missingText(b)}</summary><ul>${items.map((item) => html`<li>${item}</li>`)}</ul></details>`;
  }

  function basesTable(bases: BaseStatus[], withCity: boolean): Html {
    const order = round.cities.map((city) => city.id as string);
    const sorted = [...bases].sort((a, b) => order.indexOf(a.city) - order.indexOf(b.city));
    return html`<div class="table-wrap"><table class="stack bases">
<thead><tr>${withCity ? html`<th>地市</th>` : ''}<th>基地</th><th>状态</th><th>最近收到</th><th>缺少</th><th class="num">需核实</th><th class="num">纸质</th></tr></thead>
<tbody>${sorted.map(
      (b) => html`<tr class="${b.state}">
${withCity ? html`<td data-label="地市">${cityName(round, b.city)}</td>` : ''}
<td data-label="基地"><a href="/bases/${b.baseId}">${b.name}</a></td>
<td data-label="状态">${stateChip(b.state, b)}</td>
<td data-label="最近收到">${when(b.lastReceivedAt, round)}</td>
<td data-label="缺少">${missingCell(b)}</td>
<td data-label="需核实" class="num">${openFindings(b).length}</td>
<td data-label="纸质" class="num">${b.paperCopies}/${PAPER_COPIES_REQUIRED}${paperOf(b).late ? html` <span class="chip bad">逾期</span>` : ''}</td>
</tr>`,
    )}</tbody></table></div>`;
  }
}
