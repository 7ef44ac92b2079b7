/**
 * The base page: what is missing or late, the findings with what to do about them, the timeline of submissions,
 * the documents with their classification, the form's figures beside the self-assessment's, and the evidence
 * checklist by indicator. Staff get the action forms beside each line; a bureau the same page, read-only.
 */
import { html } from 'hono/html';
import type { Round } from '../domain/catalogue.ts';
import { chineseDate } from '../domain/chinese-time.ts';
import type { Finding } from '../domain/findings.ts';
import { DOCUMENT_KIND_NAMES, paperOf } from '../domain/notice-text.ts';
import type { DocumentKind, FormValue, OverdueItem } from '../domain/records.ts';
import { type BaseDetail, openFindings, PAPER_COPIES_REQUIRED } from '../use-cases/read-model.ts';
import { fixFor } from './fixes.ts';
import { ACTION_NAMES, auditTable } from './history.ts';
import {
  cityName,
  formGuard,
  formValueText,
  type Html,
  kindName,
  LATE_CHIP,
  mailLinks,
  NOT_READ,
  OVERDUE_CHIP,
  phoneLinks,
  severityChip,
  size,
  stateChip,
  when,
  whenToSecond,
} from './html.ts';
import { candidateButtons, UNCLASSIFIED_CSS, UNCLASSIFIED_PATH } from './unclassified-page.ts';
import { uploadLinkPagePath } from './upload-link-page.ts';

/** What the base page needs besides the data. */
export interface BasePageView {
  round: Round;
  /** Show the staff action forms. */
  staff: boolean;
  csrf: string;
  /** The banner shown when the page is about another moment than now. */
  asOfNote: Html | string;
}

const CATEGORY_NAMES: Record<string, string> = {
  provincial: '省级直播电商基地',
  recommended: '地市推荐基地',
  new: '本年度新推荐基地',
  cancelled: '已取消称号',
};

const CHANNEL_NAMES: Record<string, string> = {
  ses: '邮件',
  imap: '邮件（从邮箱读取）',
  smtp: '邮件',
  cli: '邮件（导入）',
  upload: '网上上传',
};

const MATCH_NAMES: Record<string, string> = { name: '名称匹配', staff: '人工指定', sender: '已确认的发件人' };

/** Above this many, missing evidence is counted rather than listed (the checklist below lists it). */
const LIST_LIMIT = 8;

/** Renders the base page. */
export function basePage(view: BasePageView, d: BaseDetail): Html {
  const { round } = view;
  const { base, status } = d;
  return html`${UNCLASSIFIED_CSS}
<p class="small"><a href="/cities/${base.city}">${cityName(round, base.city)}</a> › ${base.name}</p>
<h1>${base.name} ${stateChip(status.state, status)}</h1>
${view.asOfNote}
${contactsSection(view, d)}
<dl class="kv">
<dt>类别</dt><dd>${CATEGORY_NAMES[base.category] ?? base.category}${base.grade2021 ? `，2021年度评价等级 ${base.grade2021}` : ''}</dd>
<dt>提交</dt><dd>${status.submissions} 次${status.submissions ? `，首次 ${when(status.firstReceivedAt, round)}，最近 ${when(status.lastReceivedAt, round)}` : ''}</dd>
<dt>纸质材料</dt><dd id="paper">${status.paperCopies} / ${PAPER_COPIES_REQUIRED} 份${paperOf(status).receivedOn ? `，${chineseDate(paperOf(status).receivedOn ?? '')}收到` : ''}${paperOf(status).late ? html` <span class="chip bad">逾期</span>` : ''}${
    view.staff
      ? html`<details class="inline"><summary>登记</summary><form class="inline" method="post" action="/ui/paper-copies">${hiddenBase(base.id)}<input name="copies" type="number" min="0" max="20" value="${status.paperCopies || PAPER_COPIES_REQUIRED}" aria-label="份数" style="width:4em"> 份 <input name="receivedOn" type="date" value="${paperOf(status).receivedOn ?? ''}" aria-label="收到日期"> 收到 ${formGuard(view.csrf)}<button class="act secondary" type="submit">登记</button></form></details>`
      : ''
  }</dd>
<dt>上传链接</dt><dd><a id="upload-link" href="${uploadLinkPagePath(base.id)}">复制上传链接</a> <span class="small muted">（基地专用，发给基地后可直接网上上传）</span></dd>
<dt>市商务局公函</dt><dd>${d.cityRecord?.letterReceivedAt ? html`已收到（${when(d.cityRecord.letterReceivedAt, round)}）${d.cityRecord.pilotUnits.includes(base.id) ? '，试点单位' : ''}` : '未收到'}</dd>
</dl>
${missingSection(view, d)}
${findingsSection(view, d)}
${timelineSection(view, d)}
${documentsSection(view, d)}
${figuresSection(view, d)}
${evidenceSection(view, d)}
<h2>操作记录</h2>
${auditTable(round, d.audit, { bases: new Map([[base.id, base.name]]), receipts: receiptsOf(d.submissions) })}
${status.actions.length ? html`<p class="small muted">影响当前状态的人工决定：${status.actions.map((a) => `${ACTION_NAMES[a.kind] ?? a.kind}（${a.actor}，${when(a.at, round)}）`).join('；')}</p>` : ''}
<p class="small muted">${view.staff ? html`JSON：<a href="/api/bases/${base.id}">/api/bases/${base.id}</a> · ` : ''}数据截至 ${when(status.asOf, round)}</p>`;
}

/**
 * Who to phone, first: the contact the report form names (each field, or 未读取 where the form had none or it could
 * not be read) and the addresses the base's mail came from; numbers dial, addresses open a mail.
 */
function contactsSection({ round }: BasePageView, { base, contacts }: BaseDetail): Html {
  const c = contacts.contact;
  const person = c?.name ? html`${c.name}${c.title ? html` <span class="muted">（${c.title}）</span>` : ''}` : NOT_READ;
  return html`<section class="contacts" id="contacts" aria-labelledby="contacts-title">
<h2 id="contacts-title">联系人 <span class="small muted">${
    c ? `据报告表“${c.fileName}”（${when(c.receivedAt, round)}收到）` : '尚未收到可读取的报告表，以下按发件地址联系'
  }</span></h2>
<dl class="kv">
<dt>联系人</dt><dd class="contact-name">${person}</dd>
<dt>手机</dt><dd class="contact-mobile">${phoneLinks(c?.mobile)}</dd>
<dt>电话</dt><dd class="contact-phone">${phoneLinks(c?.workPhone)}</dd>
<dt>邮箱</dt><dd class="contact-email">${mailLinks(c?.email)}</dd>
<dt>发件地址</dt><dd class="senders">${
    contacts.senders.length
      ? contacts.senders.map(
          (s, i) =>
            html`${i ? html`<br>` : ''}${s.address ? html`<a class="mail" href="mailto:${s.address}">${s.from}</a>` : s.from} <span class="small muted">${s.submissions}次，最近${when(s.lastAt, round)}</span>`,
        )
      : html`<span class="muted">尚无来件</span>`
  }</dd>
</dl>
<p class="small"><a href="/cities/${base.city}/contacts">${cityName(round, base.city)}各基地联系人</a></p>
</section>`;
}

function hiddenBase(baseId: string): Html {
  return html`<input type="hidden" name="baseId" value="${baseId}">`;
}

function indicatorName(round: Round, slug: string | null | undefined): string {
  return slug ? (round.indicators.find((i) => i.slug === slug)?.name ?? slug) : '';
}

function missingSection({ round }: BasePageView, { status }: BaseDetail): Html {
  const { missing } = status;
  // Statuses stored before overdueItems listed a still-missing element among the late ones (receivedAt null).
  const lateItems = status.lateItems.filter((l) => l.receivedAt !== null);
  const overdueItems = status.overdueItems ?? [];
  const pending = status.pendingEvidence ?? [];
  const nothing = missing.documents.length + missing.formItems.length + missing.evidence.length + pending.length === 0;
  const itemLabel = (n: number) => round.formItems.find((f) => f.item === n)?.label ?? '';
  return html`<h2>缺少与逾期</h2>
${
  nothing && lateItems.length === 0 && overdueItems.length === 0
    ? html`<p>${status.state === 'not-received' ? '尚未收到任何材料。' : '电子材料齐全，无逾期。'}</p>`
    : html`<ul id="missing">
${missing.documents.map((k) => html`<li>缺少 <strong>${kindName(k)}</strong></li>`)}
${missing.formItems.length ? html`<li>报告表未填：${missing.formItems.map((n) => `第${n}项 ${itemLabel(n)}`).join('；')}</li>` : ''}
${
  missing.evidence.length > LIST_LIMIT
    ? html`<li>缺少证明材料 <strong>${missing.evidence.length}</strong> 项（报告表已申报，见下方“证明材料清单”）</li>`
    : missing.evidence.length
      ? html`<li>缺少证明材料：${missing.evidence.map((s) => indicatorName(round, s)).join('；')}</li>`
      : ''
}
${pending.map((p) => html`<li class="pending"><span class="chip warn">待核实</span> ${indicatorName(round, p.indicator)}：已收到${p.documents.map((d) => `“${d.fileName}”`).join('、')}，系统无法确定是否为该项证明材料，<a href="${UNCLASSIFIED_PATH}">待人工核实</a>（不计为缺少）</li>`)}
${lateItems.map((l) => html`<li class="late">${LATE_CHIP} ${l.message}（${whenToSecond(l.receivedAt, round)}收到，截止时间为${chineseDate(round.deadline)}24时）</li>`)}
${overdueLines(round, overdueItems).map((line) => html`<li class="overdue">${OVERDUE_CHIP} ${line}</li>`)}
</ul>`
}`;
}

/**
 * What is still missing past the deadline, one line per kind: the documents by name, then the form items and the
 * evidence each as one line listing them (a base that sent nothing would otherwise read 39 lines of 截止时仍未提交).
 */
function overdueLines(round: Round, items: readonly OverdueItem[]): string[] {
  const of = (element: OverdueItem['element']) => items.filter((o) => o.element === element);
  const documents = items.filter((o) => o.element !== 'form-item' && o.element !== 'evidence').map((o) => o.message);
  const formItems = of('form-item').map((o) => (o.item !== undefined ? `第${o.item}项` : o.message));
  const evidence = of('evidence').map((o) => indicatorName(round, o.indicator) || o.message);
  return [
    ...documents,
    ...(formItems.length ? [`报告表有${formItems.length}项截止时仍未填写：${formItems.join('、')}`] : []),
    ...(evidence.length ? [`${evidence.length}项证明材料截止时仍未提交：${evidence.join('；')}`] : []),
  ];
}

function findingsSection(view: BasePageView, { base, status }: BaseDetail): Html {
  const { round, staff, csrf } = view;
  const where = (f: Finding) =>
    [f.item ? `第${f.item}项` : '', indicatorName(round, f.indicator), f.document ?? ''].filter(Boolean).join(' · ');
  const identity = (f: Finding) =>
    html`${hiddenBase(base.id)}<input type="hidden" name="code" value="${f.code}">${f.item !== undefined ? html`<input type="hidden" name="item" value="${f.item}">` : ''}${f.indicator ? html`<input type="hidden" name="indicator" value="${f.indicator}">` : ''}${f.document ? html`<input type="hidden" name="document" value="${f.document}">` : ''}`;
  const row = (f: Finding, waived: boolean) => html`<tr class="${waived ? 'muted' : ''}">
<td data-label="级别">${waived ? html`<span class="chip info">已豁免</span>` : severityChip(f.severity)}</td>
<td data-label="内容" title="${f.code}">${f.message}</td>
<td data-label="位置">${where(f) || '—'}</td>
<td data-label="处理建议">${waived ? '—' : fixFor(f)}</td>
${
  staff
    ? html`<td data-label="操作">${
        !waived && f.severity === 'info'
          ? ''
          : html`<details><summary>${waived ? '撤销豁免' : '豁免'}</summary><form class="inline" method="post" action="${waived ? '/ui/reopen' : '/ui/waive'}">${identity(f)}${formGuard(csrf, waived ? '撤销原因' : '豁免原因（如：已电话核实）')}<button class="act secondary" type="submit">${waived ? '撤销豁免' : '豁免'}</button></form></details>`
      }</td>`
    : ''
}</tr>`;
  return html`<h2>提示与处理建议 <span class="muted small">${openFindings(status).length} 条需核实</span></h2>
${
  status.findings.length === 0 && status.waived.length === 0
    ? html`<p class="muted">没有提示。</p>`
    : html`<div class="table-wrap"><table class="stack" id="findings">
<thead><tr><th>级别</th><th>内容</th><th>位置</th><th>处理建议</th>${staff ? html`<th>操作</th>` : ''}</tr></thead>
<tbody>${status.findings.map((f) => row(f, false))}${status.waived.map((f) => row(f, true))}</tbody></table></div>`
}`;
}

/** The receipt numbers of a base's portal uploads, by submission id (for its 操作记录). */
function receiptsOf(submissions: readonly { id: string; receipt?: string | undefined }[]): Map<string, string> {
  return new Map(submissions.flatMap((s) => (s.receipt ? [[s.id, s.receipt] as const] : [])));
}

function timelineSection(view: BasePageView, { base, submissions }: BaseDetail): Html {
  const { round, staff, csrf } = view;
  return html`<h2>提交记录 <span class="muted small">${submissions.length} 次，最新的在前</span></h2>
<style>ol.timeline li:target{background:var(--warnbg);outline:2px solid var(--warnbg)}.receipt{white-space:nowrap;margin-left:.3rem}</style>
${
  submissions.length === 0
    ? html`<p class="muted">尚无提交。</p>`
    : html`<ol class="timeline" id="timeline">${[...submissions].reverse().map(
        (
          s,
        ) => html`<li${s.receipt ? html` id="receipt-${s.receipt}"` : ''}><strong>${when(s.receivedAt, round)}</strong> ${CHANNEL_NAMES[s.channel] ?? s.channel}${s.receipt ? html` <span class="receipt">回执编号 <strong>${s.receipt}</strong></span>` : ''}${s.state === 'duplicate' ? html` <span class="chip info">重复</span>` : ''}
<div>${s.subject ?? '（无主题）'}</div>
<div class="small muted">发件人：${s.from ?? '—'} · ${s.documentIds.length} 个文件 · 归属依据：${s.match ? MATCH_NAMES[s.match.how] : '—'}${s.match?.how === 'staff' ? `（${s.match.source}）` : ''}</div>
${s.findings.length ? html`<div class="small">${s.findings.map((f) => html`<div>${severityChip(f.severity)} ${f.message}</div>`)}</div>` : ''}
${
  staff
    ? html`<details><summary class="small">重新读取 / 确认发件人</summary>
<form class="inline" method="post" action="/ui/reprocess">${hiddenBase(base.id)}<input type="hidden" name="submissionId" value="${s.id}">${formGuard(csrf)}<button class="act secondary" type="submit">重新读取</button></form>
${s.from ? html`<form class="inline" method="post" action="/ui/confirm-sender">${hiddenBase(base.id)}<input type="hidden" name="address" value="${s.from}">${formGuard(csrf)}<button class="act secondary" type="submit">确认该发件人属于本基地</button></form>` : ''}
</details>`
    : ''
}</li>`,
      )}</ol>`
}`;
}

function documentsSection(view: BasePageView, { base, documents, status }: BaseDetail): Html {
  const { round, staff, csrf } = view;
  const inForce = new Map(status.documents.map((d) => [d.id, d] as const));
  const kindOptions = (selected: DocumentKind) =>
    (Object.keys(DOCUMENT_KIND_NAMES) as DocumentKind[]).map(
      (k) => html`<option value="${k}" ${k === selected ? 'selected' : ''}>${DOCUMENT_KIND_NAMES[k]}</option>`,
    );
  const indicatorOptions = (selected: string | null) =>
    round.indicators.map(
      (i) => html`<option value="${i.slug}" ${i.slug === selected ? 'selected' : ''}>${i.name}</option>`,
    );
  return html`<h2>文件 <span class="muted small">${documents.length} 个</span></h2>
${documents.length > 0 ? html`<p class="small"><a class="download" id="files-zip" href="/bundles/new?base=${base.id}">下载全部文件（zip，按指标整理）</a></p>` : ''}
${
  documents.length === 0
    ? html`<p class="muted">暂无文件。</p>`
    : html`<div class="table-wrap"><table class="stack" id="documents">
<thead><tr><th>文件</th><th>分类</th><th>收到</th><th>大小</th>${staff ? html`<th>人工处理</th>` : ''}</tr></thead>
<tbody>${documents.map(
        (l) => html`<tr class="${l.withdrawn ? 'muted' : ''}">
<td data-label="文件"><a href="/download/${l.document.id}" rel="nofollow">${l.document.fileName}</a>${l.document.folderPath ? html`<div class="small muted">${l.document.folderPath}</div>` : ''}${l.withdrawn ? html` <span class="chip info">已撤回</span>` : ''}
${l.document.findings.length ? html`<div class="small">${l.document.findings.map((f) => html`<div>${severityChip(f.severity)} ${f.message}</div>`)}</div>` : ''}</td>
<td data-label="分类">${classificationCell(view, l, inForce.get(l.document.id))}</td>
<td data-label="收到">${when(l.document.receivedAt, round)}</td>
<td data-label="大小">${size(l.document.size)}</td>
${
  staff
    ? html`<td data-label="人工处理"><details><summary>改分类 / 撤回</summary>
<form class="inline" method="post" action="/ui/classify">${hiddenBase(base.id)}<input type="hidden" name="documentId" value="${l.document.id}">
<select name="kind" aria-label="分类">${kindOptions(l.kind)}</select>
<select name="indicator" aria-label="指标"><option value="">（对应指标）</option>${indicatorOptions(l.indicator)}</select>
${formGuard(csrf)}<button class="act secondary" type="submit">改分类</button></form>
<form class="inline" method="post" action="/ui/withdraw">${hiddenBase(base.id)}<input type="hidden" name="documentId" value="${l.document.id}"><input type="hidden" name="active" value="${l.withdrawn ? 'false' : 'true'}">
${formGuard(csrf)}<button class="act secondary" type="submit">${l.withdrawn ? '恢复' : '撤回'}</button></form>
</details></td>`
    : ''
}</tr>`,
      )}</tbody></table></div>`
}`;
}

/**
 * What a file counts as and why: its kind, every indicator it counts for (a shared table serves several) and the
 * classifier's reasons (「按编号17判定」); a file the classifier asked about reads 待核实, with the candidate buttons
 * for staff.
 */
function classificationCell(
  view: BasePageView,
  line: BaseDetail['documents'][number],
  effective: BaseDetail['status']['documents'][number] | undefined,
): Html {
  const { round, staff, csrf } = view;
  const { document } = line;
  const counted = effective
    ? effective.indicators.length > 0
      ? effective.indicators
      : effective.indicator
        ? [effective.indicator]
        : []
    : line.indicator
      ? [line.indicator]
      : [];
  const asked = effective?.asked ?? [];
  const reasons = line.classifiedByHand ? [] : (document.classification?.reasons ?? []);
  const isAsked =
    !line.withdrawn &&
    line.kind === 'evidence' &&
    !line.classifiedByHand &&
    document.classification?.decision === 'asked';
  return html`${kindName(line.kind)}${line.classifiedByHand ? html` <span class="chip info">人工</span>` : ''}${
    counted.length
      ? html`<div class="small counts">计入：${counted.map((slug) => indicatorName(round, slug)).join('、')}</div>`
      : ''
  }${
    isAsked
      ? html`<div><span class="chip warn">待核实</span>${asked.length ? html` <span class="small">可能是：${asked.map((slug) => indicatorName(round, slug)).join('、')}</span>` : ''}</div>`
      : ''
  }${reasons.length ? html`<div class="small muted reasons">依据：${reasons.join('；')}</div>` : ''}${
    isAsked && staff
      ? candidateButtons({
          documentId: document.id,
          candidates: document.classification?.candidates ?? asked.map((indicator) => ({ indicator })),
          csrf,
          round,
        })
      : ''
  }`;
}

/** The raw text as the base wrote it, when it says more than the value read from it. */
function rawNote(v: FormValue): Html | string {
  if (typeof v.value !== 'number' && typeof v.value !== 'string') return '';
  const plain = v.raw.replace(/\s+/g, '').replace(v.unit ?? '\u0000', '');
  return plain && plain !== String(v.value) ? html` <span class="small muted">（原文：${v.raw}）</span>` : '';
}

/** How a form value was found, as staff read it. */
const HOW_TEXT: Record<NonNullable<FormValue['source']>['how'], string> = {
  label: '按填报项名称',
  'item-number': '按项目序号',
  sentence: '按通知原句中的位置',
  'column-header': '按列标题',
  order: '按填写顺序',
};

/** Where a value was read and how, for the hover and the provenance column; low confidence is flagged. */
function sourceText(v: FormValue): string {
  if (!v.source) return v.cell ?? '';
  return `${v.source.place}（${HOW_TEXT[v.source.how]}${v.source.confidence === 'low' ? '，文字识别，待核实' : ''}）`;
}

function sourceCell(v: FormValue): Html | string {
  if (!v.source && !v.cell) return html`<span class="muted">—</span>`;
  const low = v.source?.confidence === 'low' ? html` <span class="chip warn">待核实</span>` : '';
  return html`<span class="small muted">${sourceText(v)}</span>${low}`;
}

function figuresSection({ round }: BasePageView, { status, report }: BaseDetail): Html {
  if (status.formValues.length === 0) {
    return html`<h2>报告表与自评报告</h2><p class="muted">尚未收到可读取的报告表。</p>`;
  }
  const figures = (report?.figures ?? {}) as Record<string, { value: number; raw: string } | undefined>;
  // Items the notice says must agree with the report: those whose field the report extract also carries.
  const compared = status.formValues.filter((v) => v.field in figures || v.item === 32 || v.item === 33);
  const row = (v: FormValue) => {
    const figure = figures[v.field];
    const same = figure && typeof v.value === 'number' && Math.abs(figure.value - v.value) < 0.005;
    return html`<tr><td data-label="项" class="num">${v.item}</td><td data-label="内容">${v.label}</td>
<td data-label="报告表" title="${sourceText(v)}">${formValueText(v.value, v.unit)}${rawNote(v)}</td>
<td data-label="自评报告">${figure ? html`${figure.value} 万元 <span class="small muted">（${figure.raw}）</span>` : html`<span class="muted">未找到</span>`}</td>
<td data-label="核对">${figure ? (same ? html`<span class="chip ok">一致</span>` : html`<span class="chip bad">不一致</span>`) : html`<span class="chip warn">待核实</span>`}</td></tr>`;
  };
  return html`<h2>报告表与自评报告</h2>
<p class="small muted">通知要求第32、33项与自评报告所述一致。自评报告：${report ? report.fileName : '未收到或无法读取'}。</p>
<div class="table-wrap"><table class="stack" id="form-values">
<thead><tr><th class="num">项</th><th>内容</th><th>报告表填报</th><th>自评报告所述</th><th>核对</th></tr></thead>
<tbody>${compared.map(row)}</tbody></table></div>
<details id="all-form-values"><summary>报告表全部填报值（${round.formItems.length} 项）</summary>
<div class="table-wrap"><table class="stack">
<thead><tr><th class="num">项</th><th>内容</th><th>填报</th><th>读取位置</th></tr></thead>
<tbody>${status.formValues.map(
    (v) =>
      html`<tr><td data-label="项" class="num">${v.item}</td><td data-label="内容">${v.label}</td><td data-label="填报" title="${sourceText(v)}">${formValueText(v.value, v.unit)}${rawNote(v)}</td><td data-label="读取位置">${sourceCell(v)}</td></tr>`,
  )}</tbody></table></div></details>`;
}

function evidenceSection(view: BasePageView, { base, evidence: lines, status }: BaseDetail): Html {
  const { staff, csrf } = view;
  // A shared table counts for every indicator of its set, not only the first; a file the classifier asked about
  // stands beside the indicators it may be for as 待核实.
  const counting = status.documents.filter((d) => d.kind === 'evidence');
  const pending = new Map((status.pendingEvidence ?? []).map((p) => [p.indicator, p.documents] as const));
  const evidence = lines.map((e) => {
    const shared = counting
      .filter((d) => (d.indicators.length ? d.indicators : d.indicator ? [d.indicator] : []).includes(e.indicator.slug))
      .map((d) => ({ id: d.id, fileName: d.fileName }));
    const documents = [...e.documents, ...shared.filter((d) => !e.documents.some((x) => x.id === d.id))];
    return { ...e, documents, pending: documents.length ? [] : (pending.get(e.indicator.slug) ?? []) };
  });
  const claimed = evidence.filter((e) => e.claimed);
  const waiting = claimed.filter((e) => e.pending.length > 0).length;
  return html`<h2>证明材料清单（按指标） <span class="muted small">已申报 ${claimed.length} 项，已提交 ${claimed.filter((e) => e.documents.length > 0).length} 项${waiting ? `，待核实 ${waiting} 项` : ''}</span></h2>
<div class="table-wrap"><table class="stack" id="evidence">
<thead><tr><th>指标</th><th>状态</th><th>证明材料</th>${staff ? html`<th>操作</th>` : ''}</tr></thead>
<tbody>${evidence.map((e) => {
    const state = e.notApplicable
      ? html`<span class="chip info">不适用</span>`
      : e.documents.length
        ? html`<span class="chip ok">已提交</span>`
        : e.pending.length
          ? html`<span class="chip warn">待核实</span>`
          : e.claimed
            ? html`<span class="chip bad">缺少</span>`
            : html`<span class="chip info">未申报</span>`;
    return html`<tr class="${e.claimed || e.documents.length ? '' : 'muted'}">
<td data-label="指标">${e.indicator.name}<div class="small muted">${e.indicator.level2} · ${e.indicator.points}分${e.indicator.bonus ? ' · 加分项' : ''}</div></td>
<td data-label="状态">${state}</td>
<td data-label="证明材料">${
      e.documents.length
        ? e.documents.map((doc) => html`<div>${doc.fileName}</div>`)
        : e.pending.length
          ? e.pending.map(
              (doc) => html`<div>${doc.fileName} <span class="small muted">（待核实，见上方“文件”）</span></div>`,
            )
          : html`<span class="small muted">应提交：${e.indicator.evidence}</span>`
    }</td>
${
  staff
    ? html`<td data-label="操作">${
        e.claimed && !e.documents.length && !e.pending.length
          ? html`<details><summary>${e.notApplicable ? '撤销不适用' : '不适用'}</summary><form class="inline" method="post" action="/ui/not-applicable">${hiddenBase(base.id)}<input type="hidden" name="indicator" value="${e.indicator.slug}"><input type="hidden" name="active" value="${e.notApplicable ? 'false' : 'true'}">${formGuard(csrf)}<button class="act secondary" type="submit">${e.notApplicable ? '撤销不适用' : '标记不适用'}</button></form></details>`
          : ''
      }</td>`
    : ''
}</tr>`;
  })}</tbody></table></div>`;
}
