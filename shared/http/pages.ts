/**
 * The dashboard's pages (Chinese, server-rendered): overview by city with the deadline countdown, a city, a base,
 * the unmatched queue, notices, search (also by an upload's receipt number); the old `/audit` sends its visitors
 * to the log (log-page.ts). Staff see every city and the action forms; a bureau sees
 * its own city, read-only. Every page takes `?asOf=` to show the state at another moment.
 */
import type { Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { Base, CityId } from '../domain/catalogue.ts';
import { chineseDate, chineseWhen, deadlineWords } from '../domain/chinese-time.ts';
import { MAX_NEW_BASES_PER_CITY } from '../domain/city-rules.ts';
import { localDay } from '../domain/notice-schedule.ts';
import { formItemName, indicatorName, paperOf, STATE_NAMES } from '../domain/notice-text.ts';
import type { BaseStatus } from '../domain/records.ts';
import { daysUntilDeadline, deadlineInstant } from '../domain/round-time.ts';
import { NO_BASE } from '../use-cases/audit-log.ts';
import { listCityContacts } from '../use-cases/contacts.ts';
import { evaluateBase } from '../use-cases/evaluate.ts';
import { listExcluded } from '../use-cases/excluded.ts';
import { listUnmatched } from '../use-cases/query.ts';
import {
  baseDetail,
  type CitySummary,
  cityOverview,
  findByReceipt,
  getBase,
  noticesOf,
  openFindings,
  PAPER_COPIES_REQUIRED,
  searchBases,
  tableSearchWords,
} from '../use-cases/read-model.ts';
import { listRegistry } from '../use-cases/registry.ts';
import { PREVIEW_CHARS, previewUnmatched, type UnmatchedPreview } from '../use-cases/unmatched-preview.ts';
import { asReceiptNumber } from '../use-cases/upload-receipt-number.ts';
import { assertCity, type HttpEnv, type Principal, requireStaff, requireUser } from './auth.ts';
import { basePage } from './base-page.ts';
import { asOfOf, csrfToken, type HttpDeps } from './deps.ts';
import { readFlash } from './flash.ts';
import {
  cityName,
  formGuard,
  type Html,
  kindName,
  mailLinks,
  NOT_READ,
  type PageFrame,
  page,
  phoneLinks,
  severityChip,
  size,
  stateChip,
  when,
} from './html.ts';
import { LOG_PATH } from './log-page.ts';

type Ctx = Context<HttpEnv>;

/** Registers the dashboard's GET pages. */
export function registerPages(app: Hono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;
  const round = ctx.round;
  // The names of the form's items and of the indicators, each looked up once: a city's table names thousands of gaps.
  // Filled on first use, not here: the app is built before the round is read in some contexts (the api function's).
  const formItemNames = new Map<number, string>();
  const indicatorNames = new Map<string, string>();
  const formItemOf = (n: number) => {
    const name = formItemNames.get(n) ?? formItemName(round, n);
    formItemNames.set(n, name);
    return name;
  };
  const indicatorOf = (slug: string) => {
    const name = indicatorNames.get(slug) ?? indicatorName(round, slug);
    indicatorNames.set(slug, name);
    return name;
  };

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
    const words = await tableSearchWords(ctx, bases, overview.registry);
    const count = (state: BaseStatus['state']) => bases.filter((b) => b.state === state).length;
    const body = html`
<h1>${isStaff(principal) ? '全省' : cityName(round, principal.city)}参评基地电子材料报送（接收）情况</h1>
${pageActions(c, principal)}
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
<p class="scroll-hint" aria-hidden="true">表格较宽，请左右滑动查看全部列</p>
<div class="table-wrap"><table class="compact" id="cities">
<thead><tr><th>地市</th><th>完成率</th><th class="num">基地</th><th class="num">齐全</th><th class="num">不完整</th><th class="num">未收到</th><th class="num">逾期提交</th><th class="num">截止仍缺</th><th class="num">需核实</th><th class="num">纸质材料</th><th>公函</th></tr></thead>
<tbody>${overview.cities.map((s) => cityRow(s))}</tbody>
</table></div>
<h2 id="bases-title">各基地</h2>
${basesTable(c, bases, { withCity: true, words })}
${isStaff(principal) ? html`<p class="small muted">JSON：<a href="/api/status">/api/status</a> · 接口说明：<a href="/api/openapi.json">/api/openapi.json</a></p>` : ''}`;
    return c.html(page(frame(c, '总览', 'overview'), body));
  });

  app.get('/cities/:city', async (c) => {
    const principal = requireUser(c);
    const city = round.cities.find((x) => x.id === c.req.param('city'));
    if (!city) return c.html(page(frame(c, '未找到'), html`<h1>没有该地市</h1>`), 404);
    assertCity(principal, city.id);
    const at = asOf(c);
    // One read of the city's registry and record (in its summary line) serves the whole page.
    const overview = await cityOverview(ctx, at, [city.id]);
    const words = await tableSearchWords(ctx, overview.bases, overview.registry);
    const summary = overview.cities[0]!;
    const nameOf = (baseId: string) => overview.bases.find((b) => b.baseId === baseId)?.name ?? baseId;
    const letter = summary.letterReceivedAt;
    const csrf = csrfToken(c, deps);
    const body = html`
<h1>${city.name} <span class="muted small">${city.bureau}</span></h1>
${pageActions(c, principal, city.id)}
${asOfBanner(c, at)}
${countdown(at)}
<dl class="kv">
<dt>参评基地</dt><dd>${summary.bases} 个：齐全 ${summary.byState.complete}，不完整 ${summary.byState.incomplete}，未收到 ${summary.byState['not-received']}；逾期提交 ${summary.late}，截止仍缺 ${summary.overdue}</dd>
<dt>市商务局公函</dt><dd>${letter ? html`<span class="chip ok">已收到</span> ${when(letter, round)}` : html`<span class="chip bad">未收到</span>`}</dd>
<dt>试点单位</dt><dd>${summary.pilotUnits.length ? summary.pilotUnits.map(nameOf).join('、') : '—'}</dd>
<dt>推荐排序</dt><dd>${summary.ranking.length ? summary.ranking.map((id, i) => `${i + 1}. ${nameOf(id)}`).join('　') : '—'}</dd>
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
<h2 id="bases-title">各基地</h2>
${basesTable(c, overview.bases, { withCity: false, words })}
<p><a href="/notices?city=${city.id}">发给${city.bureau}的通知</a></p>`;
    return c.html(page(frame(c, city.name, 'overview'), body));
  });

  app.get('/cities/:city/contacts', async (c) => {
    const principal = requireUser(c);
    const city = round.cities.find((x) => x.id === c.req.param('city'));
    if (!city) return c.html(page(frame(c, '未找到'), html`<h1>没有该地市</h1>`), 404);
    assertCity(principal, city.id);
    const at = asOf(c);
    // Whom to phone first: bases that sent nothing, then those still missing something (registry order within).
    const contacts = (await listCityContacts(ctx, { city: city.id, asOf: at })).sort(
      (a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state),
    );
    const read = contacts.filter((b) => b.contact).length;
    const body = html`
<p class="small"><a href="/cities/${city.id}">${city.name}</a> › 联系人</p>
<h1>${city.name}各基地联系人 <span class="muted small">${contacts.length} 个基地，${read} 个已从报告表读取</span></h1>
${asOfBanner(c, at)}
<p class="muted small">未收到材料的基地在前，其次为材料不完整的基地。联系人、手机、电话、邮箱取自各基地最近一次报送的报告表；未收到报告表或表中未填写的，显示“未读取”，可按发件地址联系。在手机上点击号码即可拨打。</p>
<div class="table-wrap"><table class="stack" id="contacts">
<thead><tr><th>基地</th><th>状态</th><th>联系人</th><th>手机</th><th>电话</th><th>邮箱</th><th>发件地址</th></tr></thead>
<tbody>${contacts.map(
      (b) => html`<tr class="${b.state}">
<td data-label="基地"><a href="/bases/${b.baseId}">${b.name}</a></td>
<td data-label="状态" class="nw">${stateChip(b.state)}</td>
<td data-label="联系人" class="nw">${b.contact?.name ? html`${b.contact.name}${b.contact.title ? html`<div class="small muted">${b.contact.title}</div>` : ''}` : NOT_READ}</td>
<td data-label="手机" class="nw">${phoneLinks(b.contact?.mobile)}</td>
<td data-label="电话" class="nw">${phoneLinks(b.contact?.workPhone)}</td>
<td data-label="邮箱">${mailLinks(b.contact?.email)}</td>
<td data-label="发件地址" class="small">${b.senders.length ? b.senders.map((s, i) => html`${i ? html`<br>` : ''}${s.address ? html`<a class="mail" href="mailto:${s.address}">${s.address}</a>` : s.from}`) : html`<span class="muted">尚无来件</span>`}</td>
</tr>`,
    )}</tbody></table></div>`;
    return c.html(page(frame(c, `${city.name}联系人`, 'overview'), body));
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
    const previews = new Map(
      (await Promise.all(queue.map((u) => previewUnmatched(ctx, u.submissionId)))).flatMap((p) =>
        p ? [[p.submissionId, p] as const] : [],
      ),
    );
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
${u.receipt ? html`<dt>回执编号</dt><dd>${u.receipt}</dd>` : ''}
<dt>发件人</dt><dd>${u.from ?? '—'}</dd>
<dt>主题</dt><dd>${u.subject ?? '—'}</dd>
<dt>文件</dt><dd>${filesPreview(u.fileNames, previews.get(u.submissionId))}</dd>
<dt>正文</dt><dd>${bodyPreview(previews.get(u.submissionId))}</dd>
${u.findings.length ? html`<dt>提示</dt><dd>${u.findings.map((f) => html`<div>${severityChip(f.severity)} ${f.message}</div>`)}</dd>` : ''}
</dl>
<form class="inline" method="post" action="/ui/assign">
<input type="hidden" name="submissionId" value="${u.submissionId}">
<input type="search" class="pick-filter" data-for="pick-${u.submissionId}" placeholder="输入名称或地市筛选基地" aria-label="筛选基地" hidden>
<select name="baseId" id="pick-${u.submissionId}" required aria-label="分配给基地">
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
)}
${queue.length ? PICK_FILTER_SCRIPT : ''}`;
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
    const all = await noticesOf(ctx, city);
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
<td data-label="地市" class="nw">${cityName(round, n.city)}</td>
<td data-label="主题"><details class="subject"><summary>${n.subject}</summary><pre class="notice">${n.text}</pre></details></td>
<td data-label="截至" class="nw">${when(n.asOf, round)}</td>
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
    // A receipt number (2023-0158) names one submission: its base's page opens at that submission.
    const receipt = q ? await findByReceipt(ctx, q) : null;
    const maySee = (base: Base) => isStaff(principal) || base.city === principal.city;
    if (receipt?.base && maySee(receipt.base) && receipt.submission.receivedAt <= at.toISOString()) {
      const keep = c.req.query('asOf') ? `?asOf=${encodeURIComponent(c.req.query('asOf') ?? '')}` : '';
      return c.redirect(`/bases/${receipt.base.id}${keep}#receipt-${receipt.number}`, 302);
    }
    const found = q ? await searchBases(ctx, q, visible(principal)) : [];
    const statuses = await Promise.all(
      found.filter((b) => b.participating).map((b) => evaluateBase(ctx, { baseId: b.id, asOf: at })),
    );
    const inactive = found.filter((b) => !b.participating);
    const number = asReceiptNumber(q);
    const shownReceipt = receipt && receipt.submission.receivedAt <= at.toISOString() ? receipt : null;
    const receiptNote = !number
      ? ''
      : shownReceipt && !shownReceipt.base && isStaff(principal)
        ? html`<p class="flash" style="background:var(--warnbg)" id="receipt-found">回执编号${number}的材料于${when(shownReceipt.submission.receivedAt, round)}收到，尚未确定所属基地，请在<a href="/unmatched">待分配</a>中处理。</p>`
        : html`<p class="muted" id="receipt-found">没有找到回执编号为${number}的网上提交${isStaff(principal) ? '' : '（只能查询本市基地）'}。</p>`;
    const body = html`
<h1>搜索基地</h1>
<form class="inline" action="/search" method="get"><input name="q" value="${q}" placeholder="基地名称、简称或回执编号" aria-label="基地名称、简称或回执编号"><button class="act" type="submit">搜索</button></form>
${receiptNote}
${q && !number ? html`<p class="muted">“${q}”：找到 ${found.length} 个基地</p>` : ''}
${statuses.length ? basesTable(c, statuses, { withCity: true, plain: true }) : ''}
${inactive.map((b: Base) => html`<p>${b.name}（${cityName(round, b.city)}）<span class="chip info">${b.remark ?? '不参加本次评价'}</span></p>`)}`;
    return c.html(page(frame(c, '搜索', 'search'), body));
  });

  // The old page of actions tied to no base is retired: /log shows the same with its base filter (and `baseId`,
  // which /api/audit takes, becomes /log's base). Permanent, so bookmarks follow it; /log itself is staff only.
  app.get('/audit', (c) => {
    requireUser(c);
    const baseId = c.req.query('baseId')?.trim();
    return c.redirect(`${LOG_PATH}?${new URLSearchParams({ base: baseId || NO_BASE })}`, 301);
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
<td data-label="地市" class="nw"><a href="/cities/${s.city}">${s.name}</a></td>
<td data-label="完成率" class="nw rate">${rateBar(s.byState.complete, s.bases)}</td>
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
      ...b.missing.formItems.map(formItemOf),
      ...b.missing.evidence.map((slug) => `${indicatorOf(slug)}的证明材料`),
      ...(b.pendingEvidence ?? []).map((p) => `${indicatorOf(p.indicator)}的证明材料：已收到，待核实`),
    ];
    if (items.length <= 1) return missingText(b);
    return html`<details class="gaps"><summary>${missingText(b)}</summary><ul>${items.map((item) => html`<li>${item}</li>`)}</ul></details>`;
  }

  /**
   * The buttons at the top: the Excel workbook (staff: the whole round's, or a city's from the city page; a bureau:
   * its own city's), and for a city its contact list and its file package. `asOf` is carried over.
   */
  function pageActions(c: Ctx, principal: Principal, city?: CityId): Html {
    const scope = isStaff(principal) ? city : principal.city;
    // `/export.xlsx?city=` (the page's twin of `/api/export.xlsx`) is one city's workbook (a bureau's own city, or any for staff).
    const params = new URLSearchParams();
    if (scope) params.set('city', scope);
    const at = c.req.query('asOf');
    if (at) params.set('asOf', at);
    const query = params.toString();
    const excel =
      isStaff(principal) || scope
        ? html`<a class="button" id="export-xlsx" href="/export.xlsx${query ? `?${query}` : ''}" download>导出 Excel 汇总表${scope ? `（${cityName(round, scope)}）` : ''}</a>`
        : '';
    const contacts = scope
      ? html`<a class="button secondary" id="city-contacts" href="/cities/${scope}/contacts">各基地联系人</a><a class="button secondary" id="city-files" href="/bundles/new?city=${scope}">下载本市全部文件（zip）</a>`
      : '';
    return html`<div class="page-actions">${excel}${contacts}</div>`;
  }

  /** A city's 完成率: the share of its bases whose package is complete, as a bar and a percentage. */
  function rateBar(complete: number, total: number): Html {
    const percent = total ? Math.round((complete / total) * 100) : 0;
    return html`<span class="bar" role="img" aria-label="完成率${percent}%"><span style="width:${percent}%"></span></span>${percent}%`;
  }

  /** The files of an unmatched submission: name, folder, what they were read as, size. */
  function filesPreview(fileNames: string[], preview: UnmatchedPreview | undefined): Html | string {
    if (!preview) return fileNames.length ? fileNames.join('、') : '（无附件）';
    if (preview.files.length === 0) return '（无附件）';
    const total = preview.files.reduce((n, f) => n + f.size, 0);
    return html`<div class="small muted">${preview.files.length} 个文件，共 ${size(total)}</div>
<div class="table-wrap"><table class="files compact">
<thead><tr><th>文件名</th><th>识别为</th><th class="num">大小</th></tr></thead>
<tbody>${preview.files.map(
      (f) =>
        html`<tr><td>${f.fileName}${f.folderPath ? html`<div class="small muted">${f.folderPath}</div>` : ''}</td><td class="nw">${kindName(f.kind)}</td><td class="num nw">${size(f.size)}</td></tr>`,
    )}</tbody></table></div>`;
  }

  /** The start of the mail's text, escaped, as written. */
  function bodyPreview(preview: UnmatchedPreview | undefined): Html {
    if (!preview?.text) {
      return preview?.partial
        ? html`<span class="muted">（邮件开头未见正文；邮件较大，预览只读取开头部分，正文可能在附件之后）</span>`
        : html`<span class="muted">（无正文）</span>`;
    }
    return html`<pre class="mail-body">${preview.text}</pre>${preview.truncated ? html`<div class="small muted">正文较长，只显示前${PREVIEW_CHARS}字。</div>` : ''}`;
  }

  /**
   * The bases table with its tools: filter chips with counts, search by base, sender or file name, and sortable
   * columns. The server renders what `?state=`, `?q=` and `?sort=` ask for (links and a GET form, no script
   * needed); the script below does the same in place and keeps the address in step. `plain` leaves the tools out.
   */
  function basesTable(
    c: Ctx,
    all: BaseStatus[],
    /** `words`: more text a base is found by (other names, sender addresses). */
    options: { withCity: boolean; words?: Map<string, string[]>; plain?: boolean },
  ): Html {
    const { withCity, words = new Map<string, string[]>(), plain = false } = options;
    const order = round.cities.map((city) => city.id as string);
    const byCity = [...all].sort((a, b) => order.indexOf(a.city) - order.indexOf(b.city));
    const query = plain ? { state: '', q: '', sort: '' } : tableQuery(c);
    const text = (b: BaseStatus) =>
      [b.name, cityName(round, b.city), ...(words.get(b.baseId) ?? []), ...b.documents.map((d) => d.fileName)]
        .join('\n')
        .toLowerCase();
    const keys = (b: BaseStatus, i: number): SortKeys => ({
      i,
      city: order.indexOf(b.city),
      name: b.name,
      state: STATE_ORDER.indexOf(b.state),
      last: b.lastReceivedAt ?? '',
      missing: b.missing.documents.length + b.missing.formItems.length + b.missing.evidence.length,
      findings: openFindings(b).length,
      paper: b.paperCopies,
    });
    const rows = byCity.map((b, i) => ({ b, keys: keys(b, i), text: text(b), tags: stateTags(b) }));
    const needle = query.q.toLowerCase();
    const shown = rows
      .filter((r) => (!query.state || r.tags.includes(query.state)) && (!needle || r.text.includes(needle)))
      .sort(compareBy(query.sort));
    const sortKey = query.sort.replace(/^-/, '');
    const href = (change: Partial<TableQuery>) => {
      const next = { ...query, ...change };
      const params = new URLSearchParams();
      const at = c.req.query('asOf');
      if (at) params.set('asOf', at);
      for (const key of ['state', 'q', 'sort'] as const) if (next[key]) params.set(key, next[key]);
      const qs = params.toString();
      return `${c.req.path}${qs ? `?${qs}` : ''}#bases-title`;
    };
    const th = (key: keyof SortKeys, label: string, cls = '') => {
      if (plain) return html`<th class="${cls}">${label}</th>`;
      const sorted = sortKey === key ? (query.sort.startsWith('-') ? 'descending' : 'ascending') : 'none';
      const next = sorted === 'ascending' ? `-${key}` : key;
      return html`<th class="${cls}" data-key="${key}" aria-sort="${sorted}"><a class="sort" href="${href({ sort: next })}">${label}</a></th>`;
    };
    const chip = (state: string, label: string, n: number) =>
      html`<li><a href="${href({ state })}" data-state="${state}" aria-current="${query.state === state ? 'true' : 'false'}">${label}<span class="n">${n}</span></a></li>`;
    const tools = plain
      ? ''
      : html`<ul class="filters" id="filters" aria-label="按状态筛选">
${chip('', '全部', rows.length)}
${FILTERS.map(([state, label]) => chip(state, label, rows.filter((r) => r.tags.includes(state)).length))}
</ul>
<form class="tools" id="table-tools" method="get" action="${c.req.path}#bases-title" role="search">
${c.req.query('asOf') ? html`<input type="hidden" name="asOf" value="${c.req.query('asOf')}">` : ''}
<input type="hidden" name="state" value="${query.state}">
<input type="search" name="q" id="table-q" value="${query.q}" placeholder="按基地名称、发件人、文件名或回执编号查找" aria-label="按基地名称、发件人、文件名或回执编号查找">
<select name="sort" class="sort-pick" aria-label="排序">${SORTS.map(([value, label]) => html`<option value="${value}" ${value === query.sort ? 'selected' : ''}>${label}</option>`)}</select>
<button class="act" type="submit">查找</button>
<span class="small muted" role="status">显示 <span id="shown-count">${shown.length}</span> / ${rows.length} 个基地</span>
</form>`;
    return html`${tools}
<div class="table-wrap"><table class="stack bases" ${plain ? '' : raw('data-tools')}>
<thead><tr>${withCity ? th('city', '地市', 'nw') : ''}${th('name', '基地')}${th('state', '状态')}${th('last', '最近收到')}${th('missing', '缺少')}${th('findings', '需核实', 'num')}${th('paper', '纸质', 'num')}</tr></thead>
<tbody>${shown.map(
      ({
        b,
        keys: k,
        text: t,
        tags,
      }) => html`<tr class="${b.state}" data-state="${tags.join(' ')}" data-text="${t}" data-sort="${JSON.stringify(k)}">
${withCity ? html`<td data-label="地市" class="nw">${cityName(round, b.city)}</td>` : ''}
<td data-label="基地"><a href="/bases/${b.baseId}">${b.name}</a></td>
<td data-label="状态">${stateChip(b.state, b)}</td>
<td data-label="最近收到" class="nw">${when(b.lastReceivedAt, round)}</td>
<td data-label="缺少">${missingCell(b)}</td>
<td data-label="需核实" class="num">${openFindings(b).length}</td>
<td data-label="纸质" class="num nw">${b.paperCopies}/${PAPER_COPIES_REQUIRED}${paperOf(b).late ? html` <span class="chip bad">逾期</span>` : ''}</td>
</tr>`,
    )}</tbody></table></div>
${plain ? '' : html`<p class="muted" id="no-match" ${shown.length ? raw('hidden') : ''}>没有符合条件的基地。${query.state || query.q ? html`<a href="${href({ state: '', q: '' })}">显示全部</a>` : ''}</p>${TABLE_SCRIPT}`}`;
  }
}

/** The overview's filters, as the chips name them. */
const FILTERS: readonly (readonly [string, string])[] = [
  ['not-received', '未收到'],
  ['incomplete', '不完整'],
  ['late', '逾期提交'],
  ['overdue', '截止仍缺'],
  ['complete', '齐全'],
];

/** Sort orders for the phone's picker (the column headers sort on a wide screen). */
const SORTS: readonly (readonly [string, string])[] = [
  ['', '默认排序（按地市）'],
  ['name', '按基地名称'],
  ['state', '按状态（未收到在前）'],
  ['-last', '按最近收到（新的在前）'],
  ['-missing', '按缺少项数（多的在前）'],
  ['-findings', '按需核实（多的在前）'],
];

const STATE_ORDER: readonly BaseStatus['state'][] = ['not-received', 'incomplete', 'complete'];

/** What a row sorts by; `i` is the default order (by city, as the registry lists the bases). */
interface SortKeys {
  i: number;
  city: number;
  name: string;
  state: number;
  last: string;
  missing: number;
  findings: number;
  paper: number;
}

interface TableQuery {
  state: string;
  q: string;
  sort: string;
}

/** The table's query parameters, with unknown values dropped. */
function tableQuery(c: Context<HttpEnv>): TableQuery {
  const state = c.req.query('state') ?? '';
  const sort = c.req.query('sort') ?? '';
  const keys = ['i', 'city', 'name', 'state', 'last', 'missing', 'findings', 'paper'];
  return {
    state: FILTERS.some(([s]) => s === state) ? state : '',
    q: (c.req.query('q') ?? '').trim().slice(0, 100),
    sort: keys.includes(sort.replace(/^-/, '')) ? sort : '',
  };
}

/** The filters a base falls under: its state, and 逾期提交 / 截止仍缺 when they hold. */
function stateTags(b: BaseStatus): string[] {
  return [b.state, ...(b.late ? ['late'] : []), ...(b.overdue ? ['overdue'] : [])];
}

/** Rows in the order `sort` asks (`-key` descending), ties in the default order; as the script sorts. */
function compareBy(sort: string): (a: { keys: SortKeys }, b: { keys: SortKeys }) => number {
  const key = (sort.replace(/^-/, '') || 'i') as keyof SortKeys;
  const sign = sort.startsWith('-') ? -1 : 1;
  return (a, b) => {
    const x = a.keys[key];
    const y = b.keys[key];
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN');
    return sign * c || a.keys.i - b.keys.i;
  };
}

/**
 * The table tools in place: the header links become buttons that sort without a page load, the chips and the
 * search box filter as they are used, and the address keeps `?state=`, `?q=`, `?sort=` so a reload or a shared link
 * shows the same. Without the script, the links and the form do the same through the server.
 */
const TABLE_SCRIPT = html`<script>(function(){
var table=document.querySelector('table.bases[data-tools]');if(!table)return;
var body=table.tBodies[0],rows=[].slice.call(body.rows),form=document.getElementById('table-tools');
var q=form.elements.q,pick=form.elements.sort,stateIn=form.elements.state;
var shown=document.getElementById('shown-count'),none=document.getElementById('no-match');
var st={state:stateIn.value,sort:pick.value,q:q.value};
rows.forEach(function(tr){tr._k=JSON.parse(tr.dataset.sort);tr._s=tr.dataset.state.split(' ')});
function apply(){
 var key=st.sort.replace(/^-/,'')||'i',desc=st.sort.charAt(0)==='-',text=st.q.trim().toLowerCase(),n=0;
 rows.slice().sort(function(a,b){var x=a._k[key],y=b._k[key];
  var c=typeof x==='number'?x-y:String(x).localeCompare(String(y),'zh-CN');return (desc?-c:c)||a._k.i-b._k.i})
 .forEach(function(tr){var ok=(!st.state||tr._s.indexOf(st.state)>=0)&&(!text||tr.dataset.text.indexOf(text)>=0);
  tr.hidden=!ok;if(ok)n++;body.appendChild(tr)});
 shown.textContent=n;none.hidden=n>0;
 [].forEach.call(table.tHead.querySelectorAll('th[data-key]'),function(th){
  th.setAttribute('aria-sort',th.dataset.key===key&&st.sort?(desc?'descending':'ascending'):'none')});
 [].forEach.call(document.querySelectorAll('#filters a'),function(a){a.setAttribute('aria-current',String(a.dataset.state===st.state))});
 stateIn.value=st.state;pick.value=st.sort;
 var p=new URLSearchParams(location.search);
 ['state','q','sort'].forEach(function(k){if(st[k])p.set(k,st[k]);else p.delete(k)});
 var s=p.toString();history.replaceState(null,'',location.pathname+(s?'?'+s:'')+location.hash);
}
[].forEach.call(table.tHead.querySelectorAll('th[data-key] a.sort'),function(a){
 var b=document.createElement('button'),k=a.parentNode.dataset.key;b.type='button';b.className='sort';b.textContent=a.textContent;
 b.addEventListener('click',function(){st.sort=st.sort===k?'-'+k:k;apply()});a.parentNode.replaceChild(b,a)});
[].forEach.call(document.querySelectorAll('#filters a'),function(a){a.addEventListener('click',function(e){e.preventDefault();st.state=a.dataset.state;apply()})});
q.addEventListener('input',function(){st.q=q.value;apply()});
pick.addEventListener('change',function(){st.sort=pick.value;apply()});
form.addEventListener('submit',function(e){e.preventDefault();st.q=q.value;apply()});
})();</script>`;

/**
 * The base picker's filter: typing a name (or a city) hides the other options and selects the only one left; the
 * box is hidden until the script shows it, so the plain select works without it.
 */
const PICK_FILTER_SCRIPT = html`<script>(function(){
[].forEach.call(document.querySelectorAll('input.pick-filter'),function(box){
 var select=document.getElementById(box.dataset.for);if(!select)return;box.hidden=false;
 box.addEventListener('input',function(){var text=box.value.trim().toLowerCase(),left=[];
  [].forEach.call(select.querySelectorAll('optgroup'),function(group){var any=false,city=group.label.toLowerCase();
   [].forEach.call(group.querySelectorAll('option'),function(o){
    var ok=!text||o.textContent.toLowerCase().indexOf(text)>=0||city.indexOf(text)>=0;o.hidden=!ok;if(ok){any=true;left.push(o)}});
   group.hidden=!any});
  if(text&&left.length===1)select.value=left[0].value;else if(select.selectedOptions[0]&&select.selectedOptions[0].hidden)select.value='';
 })})})();</script>`;
