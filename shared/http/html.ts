/**
 * The dashboard's page frame and small view helpers: server-rendered HTML, one inline stylesheet, no build step.
 * Interpolations in `html` templates are escaped; `raw` is used only for markup built here.
 */
import { html, raw } from 'hono/html';
import type { Round } from '../domain/catalogue.ts';
import { chineseTime, chineseWhen } from '../domain/chinese-time.ts';
import { DOCUMENT_KIND_NAMES, PENDING_STATE_NAME, STATE_NAMES } from '../domain/notice-text.ts';
import type { BaseState, BaseStatus, DocumentKind } from '../domain/records.ts';
import type { Principal } from './auth.ts';
import { PRINT_CSS } from './print-css.ts';

/** A rendered piece of HTML. */
export type Html = ReturnType<typeof html>;

/** What every page frame needs to know. */
export interface PageFrame {
  round: Round;
  title: string;
  principal: Principal | null;
  /** A one-off message after a form was sent (from the flash cookie). */
  flash?: { kind: 'ok' | 'error'; text: string } | null;
  /** The CSRF token the frame's sign-out form carries. */
  csrf?: string;
  /** Which navigation entry is current. */
  nav?: 'overview' | 'unmatched' | 'unclassified' | 'excluded' | 'notices' | 'search' | 'audit';
  /** Where the title leads (default `/`, the staff overview; a public page leads to itself). */
  home?: string;
}

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--accent:#0b57d0;--ok:#1a7f37;--okbg:#dafbe1;--warn:#9a6700;--warnbg:#fff8c5;--bad:#cf222e;--badbg:#ffebe9}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:0;color:var(--fg);background:#fff;font-size:15px;line-height:1.5}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;background:#12355b;color:#fff}
header.top a{color:#fff}header.top .brand{font-weight:600;font-size:1.05rem;margin-right:auto}
header.top nav{display:flex;flex-wrap:wrap;gap:.25rem .9rem}header.top nav a.current{border-bottom:2px solid #fff}
header.top form{display:inline;margin:0}header.top .who{font-size:.9rem;opacity:.9}
header.top button{background:none;border:1px solid rgba(255,255,255,.6);color:#fff;border-radius:4px;padding:.1rem .5rem;cursor:pointer}
form.search{display:flex;gap:.3rem}form.search input{width:9rem;padding:.2rem .4rem;border-radius:4px;border:0}
main{padding:1rem;max-width:1200px;margin:0 auto}
h1{font-size:1.35rem;margin:.2rem 0 .8rem}h2{font-size:1.1rem;margin:1.6rem 0 .6rem;padding-bottom:.2rem;border-bottom:1px solid var(--line)}
.muted{color:var(--muted)}.small{font-size:.85rem}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid var(--line);padding:.4rem .55rem;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600;white-space:nowrap}tbody tr:last-child td{border-bottom:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.chip{display:inline-block;padding:0 .45rem;border-radius:999px;font-size:.8rem;white-space:nowrap;border:1px solid transparent}
.chip.complete,.chip.ok{background:var(--okbg);color:var(--ok)}.chip.incomplete,.chip.warn{background:var(--warnbg);color:var(--warn)}
.chip.not-received,.chip.bad{background:var(--badbg);color:var(--bad)}.chip.info{background:var(--bg);color:var(--muted);border-color:var(--line)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.6rem;margin:.6rem 0 1rem}
.card{border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem;background:#fff}
.card .n{font-size:1.6rem;font-weight:600;font-variant-numeric:tabular-nums}.card .l{color:var(--muted);font-size:.85rem}
.countdown{border-left:4px solid var(--accent);background:#eef4ff;padding:.6rem .9rem;border-radius:4px;margin:.4rem 0 1rem}
.countdown.over{border-color:var(--bad);background:var(--badbg)}.countdown strong{font-size:1.2rem}
.flash{padding:.5rem .8rem;border-radius:4px;margin-bottom:1rem}.flash.ok{background:var(--okbg)}.flash.error{background:var(--badbg)}
form.inline{display:flex;flex-wrap:wrap;gap:.35rem;align-items:center;margin:.25rem 0}
form.inline input,form.inline select{padding:.25rem .4rem;border:1px solid var(--line);border-radius:4px;font:inherit;max-width:100%}
form.inline input[name=reason]{flex:1 1 12rem;max-width:26rem}
details.inline{display:inline-block;margin-left:.6rem}details.inline[open]{display:block;margin:.2rem 0}
button.act{padding:.25rem .7rem;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:#fff;font:inherit;cursor:pointer}
button.act.secondary{background:#fff;color:var(--accent)}
details{margin:.2rem 0}summary{cursor:pointer;color:var(--accent);white-space:nowrap}
details.gaps summary{white-space:normal;color:inherit;text-decoration:underline dotted}details.gaps ul{margin:.3rem 0 0 1.1rem;padding:0;font-size:.9em}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem}.kv dt{color:var(--muted)}.kv dd{margin:0}
.item{border:1px solid var(--line);border-radius:8px;padding:.7rem .9rem;margin:.6rem 0}
ol.timeline{list-style:none;padding:0;margin:0;border-left:2px solid var(--line)}
ol.timeline li{position:relative;padding:.1rem 0 .8rem 1rem}ol.timeline li::before{content:"";position:absolute;left:-6px;top:.45rem;width:10px;height:10px;border-radius:50%;background:var(--accent)}
pre.notice{white-space:pre-wrap;background:var(--bg);padding:.6rem;border-radius:4px;font-size:.85rem}
.login{max-width:22rem;margin:3rem auto;border:1px solid var(--line);border-radius:8px;padding:1.2rem}
.login label{display:block;margin:.6rem 0 .2rem}.login input{width:100%;padding:.45rem;border:1px solid var(--line);border-radius:4px;font:inherit}
.login button{margin-top:1rem;width:100%;padding:.5rem}
[hidden]{display:none!important}.nw{white-space:nowrap}
.table-wrap{background:linear-gradient(to right,#fff 30%,rgba(255,255,255,0)) left/2.5rem 100% no-repeat local,linear-gradient(to left,#fff 30%,rgba(255,255,255,0)) right/2.5rem 100% no-repeat local,radial-gradient(farthest-side at 0 50%,rgba(0,0,0,.22),rgba(0,0,0,0)) left/.8rem 100% no-repeat scroll,radial-gradient(farthest-side at 100% 50%,rgba(0,0,0,.22),rgba(0,0,0,0)) right/.8rem 100% no-repeat scroll}
.scroll-hint{display:none;font-size:.8rem;color:var(--muted);margin:.2rem 0}
.page-actions{display:flex;flex-wrap:wrap;gap:.4rem .6rem;align-items:center;margin:.2rem 0 .8rem}
a.button{display:inline-block;padding:.3rem .8rem;border:1px solid var(--accent);border-radius:4px;background:var(--accent);color:#fff;white-space:nowrap}
a.button.secondary{background:#fff;color:var(--accent)}a.button:hover{text-decoration:none;filter:brightness(1.08)}
.tools{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.5rem 0}
.tools input[type=search],.tools select{padding:.3rem .5rem;border:1px solid var(--line);border-radius:4px;font:inherit;min-width:0}
.tools input[type=search]{flex:1 1 14rem;max-width:24rem}.tools .sort-pick{display:none}
.filters{display:flex;flex-wrap:wrap;gap:.35rem;margin:.4rem 0;padding:0;list-style:none}
.filters a{display:inline-block;padding:.1rem .7rem;border:1px solid var(--line);border-radius:999px;color:var(--fg);font-size:.88rem;white-space:nowrap;background:#fff}
.filters a .n{font-variant-numeric:tabular-nums;margin-left:.3rem;color:var(--muted)}
.filters a:hover{text-decoration:none;border-color:var(--accent)}.filters a[aria-current=true]{background:var(--accent);border-color:var(--accent);color:#fff}.filters a[aria-current=true] .n{color:#fff}
th .sort{background:none;border:0;padding:0;font:inherit;font-weight:600;color:var(--accent);cursor:pointer;white-space:nowrap}
th .sort:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
th .sort::after{content:"";display:inline-block;width:.55em;height:.75em;margin-left:.3em;vertical-align:-.05em;background:url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 10'%3E%3Cpath d='M4 0l4 4H0z' fill='%23aab4bf'/%3E%3Cpath d='M4 10l4-4H0z' fill='%23aab4bf'/%3E%3C/svg%3E") no-repeat center/contain}
th[aria-sort=ascending] .sort::after{background-image:url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 10'%3E%3Cpath d='M4 0l4 4H0z' fill='%230b57d0'/%3E%3Cpath d='M4 10l4-4H0z' fill='%23dde2e7'/%3E%3C/svg%3E")}th[aria-sort=descending] .sort::after{background-image:url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 10'%3E%3Cpath d='M4 0l4 4H0z' fill='%23dde2e7'/%3E%3Cpath d='M4 10l4-4H0z' fill='%230b57d0'/%3E%3C/svg%3E")}
.bar{display:inline-block;width:4.5rem;height:.6rem;background:var(--bg);border:1px solid var(--line);border-radius:3px;vertical-align:middle;overflow:hidden;margin-right:.35rem}
.bar>span{display:block;height:100%;background:var(--ok)}
section.contacts{border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:6px;padding:.6rem .9rem;margin:.4rem 0 1rem;background:#fbfcfe}
section.contacts h2{margin:0 0 .4rem;border:0;padding:0;font-size:1rem}
.not-read{color:var(--muted)}a.tel,a.mail{white-space:nowrap}
pre.mail-body{white-space:pre-wrap;word-break:break-word;background:var(--bg);padding:.6rem;border-radius:4px;font-size:.85rem;max-height:18rem;overflow:auto;margin:.2rem 0}
table.files td{padding:.2rem .5rem}details.subject summary{white-space:normal}input.pick-filter{width:14rem}
section.contacts h2 .muted{font-weight:400}section.contacts p{margin:.4rem 0 0}
@media (max-width:700px){body{font-size:14px}main{padding:.6rem}.grid2{grid-template-columns:1fr}header.top .brand{width:100%}
 .cards{grid-template-columns:repeat(3,1fr);gap:.4rem}.card{padding:.4rem .5rem}.card .n{font-size:1.2rem}.card .l{font-size:.75rem}
 table.compact th,table.compact td{padding:.3rem .35rem;font-size:.85rem}
 table.stack thead{display:none}table.stack tr{display:block;border-bottom:1px solid var(--line);padding:.3rem 0}
 table.stack td{display:block;position:relative;border:0;padding:.15rem .55rem .15rem 6.6em;min-height:1.6em}table.stack td::before{content:attr(data-label);color:var(--muted);position:absolute;left:.55rem;width:5.6em}
 table.stack td.num{text-align:left}
 .scroll-hint{display:block}.bar{width:2.6rem}.tools .sort-pick{display:inline-block}.tools input[type=search]{flex-basis:100%;max-width:none}}
`;

/** The page frame: header with navigation and sign-out, then the body. */
export function page(frame: PageFrame, body: Html): Html {
  const p = frame.principal;
  const link = (href: string, label: string, key: PageFrame['nav']) =>
    html`<a href="${href}" class="${frame.nav === key ? 'current' : ''}">${label}</a>`;
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title} · ${frame.round.title}</title>
<style>${raw(CSS)}</style>
<style media="print">${raw(PRINT_CSS)}</style>
</head>
<body>
<header class="top">
<a class="brand" href="${frame.home ?? '/'}">${frame.round.title}：电子材料报送（接收）情况</a>
${
  p
    ? html`<nav>
${link('/', '总览', 'overview')}
${p.role === 'staff' ? link('/unmatched', '待分配', 'unmatched') : ''}
${link('/ui/unclassified', '待核实材料', 'unclassified')}
${link('/excluded', '名单外来件', 'excluded')}
${link('/notices', '通知', 'notices')}
${p.role === 'staff' ? link('/log', '操作日志', 'audit') : ''}
</nav>
<form class="search" action="/search" method="get" role="search"><input name="q" placeholder="基地名称或回执编号" aria-label="按基地名称或回执编号搜索"></form>
<span class="who">${whoText(frame.round, p)}</span>
${p.via === 'jwt' ? '' : html`<form method="post" action="/logout"><input type="hidden" name="csrf" value="${frame.csrf ?? ''}"><button type="submit">退出</button></form>`}`
    : ''
}
</header>
<main>
${frame.flash ? html`<div class="flash ${frame.flash.kind}" role="status">${frame.flash.text}</div>` : ''}
${body}
</main>
</body>
</html>`;
}

/**
 * Who is signed in, as the header shows it: the name with the unit in brackets, unless the name already says the
 * unit (a city link's session is named 「太原市商务局（专用链接）」, which needs no second 「（太原市商务局）」).
 */
export function whoText(round: Round, p: Principal): string {
  const unit = p.role === 'staff' ? '省厅' : `${round.cities.find((c) => c.id === p.city)?.name ?? ''}商务局`;
  return p.name.includes(unit) ? p.name : `${p.name}（${unit}）`;
}

/** 未读取: a value the system could not read, said rather than left blank. */
export const NOT_READ = html`<span class="not-read">未读取</span>`;

/**
 * Phone numbers as written (one field may hold several: 「0351-7654321 / 13912345678」), each a `tel:` link when it
 * has enough digits to dial; 未读取 when there is none.
 */
export function phoneLinks(value: string | null | undefined): Html {
  const parts = (value ?? '')
    .split(/[，,、;；/]|\s{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return NOT_READ;
  return html`${parts.map((part, i) => {
    const dial = (part.split(/转|分机|ext/i)[0] ?? '').replace(/[^\d+]/g, '');
    const link = dial.length >= 7 ? html`<a class="tel" href="tel:${dial}">${part}</a>` : html`${part}`;
    return i === 0 ? link : html`、${link}`;
  })}`;
}

/** Mail addresses, each a `mailto:` link; other text as it is; 未读取 when there is none. */
export function mailLinks(value: string | null | undefined): Html {
  const parts = (value ?? '')
    .split(/[，,、;；\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return NOT_READ;
  return html`${parts.map((part, i) => {
    const link = /^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>"]+$/.test(part)
      ? html`<a class="mail" href="mailto:${part}">${part}</a>`
      : html`${part}`;
    return i === 0 ? link : html`、${link}`;
  })}`;
}

/** The two kinds of 逾期 a status can carry. */
export interface LatenessMarks {
  /** 逾期提交: some required element first arrived after the deadline. */
  late?: boolean;
  /** 截止仍缺: past the deadline, some required element is still missing. */
  overdue?: boolean;
  /** What is missing, to tell a base whose only gap is evidence waiting for staff (待核实). */
  missing?: BaseStatus['missing'];
  pendingEvidence?: BaseStatus['pendingEvidence'];
}

/** The chip of 逾期提交 (sent after the deadline). */
export const LATE_CHIP = html`<span class="chip bad late">逾期提交</span>`;
/** The chip of 截止仍缺 (still missing past the deadline). */
export const OVERDUE_CHIP = html`<span class="chip bad overdue">截止仍缺</span>`;

/**
 * A state chip (未收到材料 / 材料不完整 / 材料齐全, or 材料已收到，待核实 when the only gap is evidence staff still have
 * to place), with 逾期提交 and 截止仍缺 beside it, each when it holds.
 */
export function stateChip(state: BaseState, marks: LatenessMarks = {}): Html {
  const { missing, pendingEvidence } = marks;
  const onlyPending =
    state === 'incomplete' &&
    missing !== undefined &&
    missing.documents.length + missing.formItems.length + missing.evidence.length === 0 &&
    (pendingEvidence?.length ?? 0) > 0;
  const chip = onlyPending
    ? html`<span class="chip warn pending">${PENDING_STATE_NAME}</span>`
    : html`<span class="chip ${state}">${STATE_NAMES[state]}</span>`;
  return html`${chip}${marks.late ? html` ${LATE_CHIP}` : ''}${marks.overdue ? html` ${OVERDUE_CHIP}` : ''}`;
}

/** A severity chip. */
export function severityChip(severity: 'error' | 'warning' | 'info'): Html {
  const [cls, label] =
    severity === 'error' ? ['bad', '错误'] : severity === 'warning' ? ['warn', '需核实'] : ['info', '提示'];
  return html`<span class="chip ${cls}">${label}</span>`;
}

/**
 * Beijing wall time of an ISO instant in the one format of pages and notices (「12月7日11时29分」), to the second
 * within a day of the deadline (「11月10日23时59分30秒」 is on time, 「11月11日0时0分5秒」 is not), or a dash.
 */
export function when(iso: string | null | undefined, round: Round): string {
  return iso ? chineseWhen(iso, round) : '—';
}

/** Beijing wall time of an ISO instant to the second (「11月11日0时0分5秒」), or a dash. */
export function whenToSecond(iso: string | null | undefined, round: Round): string {
  return iso ? chineseTime(iso, round, { seconds: true }) : '—';
}

/** The Chinese name of a document kind. */
export function kindName(kind: DocumentKind): string {
  return DOCUMENT_KIND_NAMES[kind];
}

/** The name of a city id. */
export function cityName(round: Round, city: string | null | undefined): string {
  return round.cities.find((c) => c.id === city)?.name ?? city ?? '—';
}

/** A hidden CSRF field and a reason field, which every staff form carries. */
export function formGuard(csrf: string, reasonPlaceholder = '原因（必填，记入操作记录）'): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}"><input name="reason" required placeholder="${reasonPlaceholder}" aria-label="原因">`;
}

/** A value of the report form as text (是/否, tick lists, numbers with their unit). */
export function formValueText(value: unknown, unit: string | null): string {
  if (value === null || value === undefined || value === '') return '（未填）';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (Array.isArray(value)) return value.length ? value.join('、') : '（未勾选）';
  return `${String(value)}${unit && typeof value === 'number' ? ` ${unit}` : ''}`;
}

/** Bytes as KB / MB. */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
