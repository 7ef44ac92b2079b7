/**
 * The upload page (`GET /upload`, 上传材料): how a base whose material is too large for mail sends it through the
 * session API (./upload-sessions.ts) from a browser. Public like that API, and without the staff navigation. The
 * script is served as a file of this origin (`/upload.js`, see ./upload-script.ts) rather than inline, so the page
 * keeps working under a Content-Security-Policy with `script-src 'self'`; the limits and texts it needs travel as
 * data attributes of the form.
 *
 * Two forms of the page: `/upload/b/<token>`, a base's own link, with the base fixed and the
 * portal's full limits; and the open `/upload`, for anyone, with the open form's tight limits (see
 * ../use-cases/upload-quota.ts), which points bases to their city bureau for a link.
 *
 * The page guides a base: a checklist of what to send with the report-form template to download
 * (`/upload/template.xlsx`, built from the round's data like `intake template`), the base chosen from the list grouped
 * by city (typing filters it; a name on no list is confirmed before sending), a hint for WeChat's in-app browser, and
 * a receipt with a short number and, where the sender is known for the base, what is still missing. A base's own page
 * also shows what arrived and what is still missing or 待核实 before its upload box.
 */

import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { TokenSigner } from '../access/signing.ts';
import { readUploadLink, UPLOAD_LINK_PATH } from '../access/upload-links.ts';
import type { Base, Round } from '../domain/catalogue.ts';
import { chineseDate, chinesePeriod, chineseWhen } from '../domain/chinese-time.ts';
import { PENDING_NOTE, paperSentence } from '../domain/notice-text.ts';
import { isLate } from '../domain/round-time.ts';
import type { AppContext } from '../use-cases/context.ts';
import { listRegistry } from '../use-cases/registry.ts';
import { type OpenFormLimits, openFormPortalLimits } from '../use-cases/upload-quota.ts';
import { type BaseMaterial, baseMaterial } from '../use-cases/upload-receipts.ts';
import { MAX_FILE_NAME_CHARS, type UploadPortalLimits } from '../use-cases/upload-sessions.ts';
import type { HttpEnv } from './auth.ts';
import { type Html, page } from './html.ts';
import { uploadScript } from './upload-script.ts';
import { INVALID_UPLOAD_LINK_MESSAGE, UPLOAD_SESSIONS_PATH } from './upload-sessions.ts';

/** Path of the upload page. */
export const UPLOAD_PAGE_PATH = '/upload';
/** Path of the page's script. */
export const UPLOAD_SCRIPT_PATH = '/upload.js';
/** Path of the report-form template (附件2 as a fillable workbook). */
export const UPLOAD_TEMPLATE_PATH = '/upload/template.xlsx';
/** The template's file name as downloaded. */
export const TEMPLATE_FILE_NAME = '附件2 经营服务情况报告表（模板）.xlsx';

/** The notice's attachments a base fills (晋商电便〔2023〕85号, 附件1-3), as the checklist names them. */
const ATTACHMENTS = {
  standard: '《山西省直播电商基地示范单位（推荐参评单位）综合评价评分标准（试行）》',
  reportForm: '《山西省直播电商基地（推荐参评单位）经营服务情况报告表》',
  selfAssessment: '《山西省直播电商基地（推荐参评单位）自评报告提纲》',
};

/** What the upload page needs. */
export interface UploadPageOptions {
  ctx: AppContext;
  /** The portal's limits: those of a base's link. */
  limits: UploadPortalLimits;
  /** Limits without a link (the open `/upload`). */
  openForm: OpenFormLimits;
  /** Checks upload links. */
  signer: TokenSigner;
}

const KB = 1024;
const MB = 1024 * 1024;

/** A byte limit in plain words: whole MB when it is one (200 MB), else one decimal, KB below 1 MB. */
export function limitText(bytes: number): string {
  if (bytes >= MB) return bytes % MB === 0 ? `${bytes / MB} MB` : `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= KB) return bytes % KB === 0 ? `${bytes / KB} KB` : `${(bytes / KB).toFixed(1)} KB`;
  return `${bytes} 字节`;
}

/** Registers `GET /upload`, `GET /upload.js`, `GET /upload/template.xlsx` and `GET /upload/b/:token` (public). */
export function registerUploadPage(app: Hono<HttpEnv>, options: UploadPageOptions): void {
  const { ctx, limits, signer } = options;
  const openLimits = openFormPortalLimits(limits, options.openForm);
  const round = ctx.round;
  let template: Promise<Buffer> | undefined;

  app.get(UPLOAD_SCRIPT_PATH, async (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'no-cache');
    return c.body(await uploadScript());
  });

  app.get(UPLOAD_TEMPLATE_PATH, async (c) => {
    template ??= import('../parsing/report-template.ts')
      .then(({ buildReportTemplate }) => buildReportTemplate(round))
      .catch((error: unknown) => {
        template = undefined;
        throw error;
      });
    const bytes = await template;
    c.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    c.header(
      'Content-Disposition',
      `attachment; filename="template.xlsx"; filename*=UTF-8''${encodeURIComponent(TEMPLATE_FILE_NAME)}`,
    );
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(new Uint8Array(bytes));
  });

  app.get(UPLOAD_PAGE_PATH, async (c) => {
    const bases = (await listRegistry(ctx)).filter((base) => base.participating);
    const now = ctx.clock.now();
    return c.html(
      page(
        { round, title: '上传材料', principal: null, home: UPLOAD_PAGE_PATH },
        uploadBody({
          limits: openLimits,
          bases,
          closed: isLate(now, round),
          sessions: UPLOAD_SESSIONS_PATH,
          fixedBase: null,
          material: null,
        }),
      ),
    );
  });

  app.get(`${UPLOAD_LINK_PATH}:token`, async (c) => {
    const token = c.req.param('token');
    const now = ctx.clock.now();
    const read = readUploadLink(signer, round, token, now);
    const base = read ? (await listRegistry(ctx)).find((b) => b.id === read.baseId) : undefined;
    c.header('Cache-Control', 'private, no-store');
    c.header('Referrer-Policy', 'no-referrer');
    if (!base) {
      return c.html(
        page(
          { round, title: '上传链接无效', principal: null, home: UPLOAD_PAGE_PATH },
          html`<h1>上传链接无效或已过期</h1><p>${INVALID_UPLOAD_LINK_MESSAGE}</p><p><a href="${UPLOAD_PAGE_PATH}">打开公开上传页面</a></p>`,
        ),
        403,
      );
    }
    const material = base.participating ? await baseMaterial(ctx, base.id) : null;
    return c.html(
      page(
        { round, title: `上传材料：${base.name}`, principal: null, home: c.req.path },
        uploadBody({
          limits,
          bases: [],
          closed: isLate(now, round),
          sessions: `${UPLOAD_SESSIONS_PATH}?link=${encodeURIComponent(token)}`,
          fixedBase: base,
          material,
          asOf: now,
        }),
      ),
    );
  });

  function uploadBody(view: {
    limits: UploadPortalLimits;
    bases: Base[];
    closed: boolean;
    /** Where the script opens sessions (with the link's token for a base's page). */
    sessions: string;
    /** The link's base: shown, not typed. */
    fixedBase: Base | null;
    /** What the link's base has sent and lacks (its own page). */
    material: BaseMaterial | null;
    asOf?: Date;
  }): Html {
    const deadlineText = `${chineseDate(round.deadline)}24时`;
    const l = view.limits;
    const fixed = view.fixedBase;
    return html`<style>${UPLOAD_CSS}</style>
<h1>${fixed ? html`${fixed.name}<span class="sub">材料报送情况与上传</span>` : '上传材料'}</h1>
<p class="muted small">${round.title}</p>
<div class="flash warn" id="wechat-hint" role="note" hidden>您正在微信中打开本页面。微信内置浏览器可能无法下载模板或上传较大的文件；如下载、上传失败，请点击右上角“…”，选择“在浏览器打开”后再操作。</div>
<div class="countdown${view.closed ? ' over' : ''}" id="deadline">电子材料报送截止时间：<strong>${deadlineText}</strong>，以北京时间为准。${
      view.closed ? '现已截止，此后收到的材料将按逾期提交处理。' : ''
    }</div>
${view.material && view.asOf ? statusSection(view.material, view.asOf) : ''}
${checklist(view.material)}
<h2>${fixed ? '上传补充材料' : '上传'}</h2>
<p>邮件仍是报送材料的主要渠道：请将材料发送至 <a href="mailto:${round.mailbox}">${round.mailbox}</a>。文件过大、邮件无法发送时，可在本页面直接上传，与邮件报送同等有效。</p>
<form class="upload" id="upload-form" novalidate
  data-sessions="${view.sessions}" data-max-files="${l.maxFiles}" data-max-file-bytes="${l.maxFileBytes}"
  data-max-total-bytes="${l.maxTotalBytes}" data-max-name-chars="${MAX_FILE_NAME_CHARS}" data-form-seconds="${l.formSeconds}" data-time-zone="${round.timeZone}">
${
  fixed
    ? html`<label for="base">基地名称（本页面为该基地的专用上传链接）</label>
<input type="text" id="base" name="base" value="${fixed.name}" readonly required maxlength="200">`
    : basePicker(view.bases)
}
<label for="email">联系邮箱（选填）</label>
<input type="email" id="email" name="email" maxlength="254" autocomplete="email" placeholder="便于就材料问题与您联系">
<label for="files">选择文件</label>
<input type="file" id="files" name="files" multiple required>
<p class="small muted hint" id="limits">一次最多上传 ${l.maxFiles} 个文件，单个文件不超过 ${limitText(l.maxFileBytes)}，合计不超过 ${limitText(l.maxTotalBytes)}。文件较多时可分几次提交，或打包为 zip 压缩包。${
      fixed
        ? ''
        : '本页面为公开上传页面，限额较小；基地可向所在地市商务局索取本基地的专用上传链接，限额更大，且可随时查看本基地材料是否齐全。'
    }</p>
<div class="buttons">
<button class="act" type="submit" id="upload-submit">上传并提交</button>
<button class="act secondary" type="button" id="upload-retry" hidden>重试未成功的文件</button>
</div>
</form>
<ul class="files" id="upload-files" hidden></ul>
<div id="upload-message" role="status" aria-live="polite"></div>
<noscript><p class="flash error">本页面需要启用浏览器的 JavaScript 才能上传。也可将材料通过邮件发送至 ${round.mailbox}。</p></noscript>
<p class="small muted">如有疑问，请联系${round.contact.name}，电话${round.contact.phone}。</p>
<script src="${UPLOAD_SCRIPT_PATH}" defer></script>`;
  }

  /** The open page's base field: typing filters the list of participating bases grouped by city. */
  function basePicker(bases: Base[]): Html {
    return html`<label for="base">基地名称（必填）</label>
<input type="text" id="base" name="base" required maxlength="200" autocomplete="organization" placeholder="输入名称中的字查找，或在下方名单中点选" aria-describedby="base-match">
<p class="small muted hint" id="base-match">名单共 ${bases.length} 个参评基地，按地市分组。</p>
<select id="base-list" size="8" aria-label="参评基地名单（按地市分组）">${groupedByCity(round, bases).map(
      (group) =>
        html`<optgroup label="${group.city}">${group.bases.map((b) => html`<option value="${b.name}">${b.name}</option>`)}</optgroup>`,
    )}</select>
<div class="flash warn" id="base-confirm" role="alertdialog" aria-labelledby="base-confirm-text" hidden>
<p id="base-confirm-text"></p>
<div class="buttons"><button class="act" type="button" id="base-confirm-yes">名称无误，继续提交</button>
<button class="act secondary" type="button" id="base-confirm-no">返回修改</button></div>
</div>`;
  }

  /** What to send, in the notice's words; on a base's own page each item says whether it arrived. */
  function checklist(material: BaseMaterial | null): Html {
    const mark = (lacking: boolean, words?: string) =>
      material
        ? lacking
          ? html` <span class="chip bad">${words ?? '仍缺'}</span>`
          : html` <span class="chip ok">已收到</span>`
        : '';
    return html`<section class="checklist" id="checklist" aria-labelledby="checklist-title">
<h2 id="checklist-title">需要报送的材料</h2>
<ol>
<li id="check-report-form"><strong>附件2 经营服务情况报告表</strong>${mark(material?.lacks.reportForm ?? false, '仍缺或未填全')}<br>
${ATTACHMENTS.reportForm}，Excel 表格（.xlsx、.xls）或 Word 文件。<a href="${UPLOAD_TEMPLATE_PATH}" id="template-link" download="${TEMPLATE_FILE_NAME}">下载报告表模板（Excel）</a></li>
<li id="check-self-assessment"><strong>附件3 自评报告</strong>${mark(material?.lacks.selfAssessment ?? false)}<br>
按${ATTACHMENTS.selfAssessment}编制，PDF 或 Word 文件。</li>
<li id="check-evidence"><strong>证明材料</strong>${mark((material?.lacks.evidence ?? 0) > 0, `仍缺${material?.lacks.evidence ?? 0}项`)}<br>
按附件1${ATTACHMENTS.standard}各项指标的要求提供（明细表、合同、照片等）。文件较多时可打包为 zip 压缩包上传，请勿加密。</li>
</ol>
<p class="small muted">评价时间段为${chinesePeriod(round.period)}。${paperSentence()}</p>
</section>`;
  }

  /** A base's own page: what arrived, what is still missing or 待核实. */
  function statusSection(material: BaseMaterial, asOf: Date): Html {
    const chip = material.complete ? 'ok' : material.missing.length > 0 ? 'warn' : 'info';
    return html`<section class="own" id="base-status" aria-labelledby="base-status-title">
<h2 id="base-status-title">本基地材料情况 <span class="chip ${chip}" id="base-state">${material.state}</span></h2>
<p class="small muted">截至${chineseWhen(asOf.toISOString(), round)}（北京时间）。${material.received}</p>
${
  material.missing.length > 0
    ? html`<h3>仍缺少</h3><ul id="base-missing">${material.missing.map((m) => html`<li>${m}</li>`)}</ul>`
    : html`<p id="base-missing-none">${material.pending.length > 0 ? '应报送的电子材料均已收到。' : '电子材料已齐全。'}</p>`
}
${
  material.pending.length > 0
    ? html`<h3>已收到、待核实（${material.pending.length}项）</h3><ul id="base-pending">${material.pending.map((m) => html`<li>${m}</li>`)}</ul><p class="small">${PENDING_NOTE}</p>`
    : ''
}
${
  material.files.length > 0
    ? html`<details id="base-files"${material.files.length <= 8 ? ' open' : ''}><summary>已收到的文件（${material.files.length}个）</summary><ul>${material.files.map((f) => html`<li>${f}</li>`)}</ul></details>`
    : ''
}
<p>纸质材料：${material.paper}</p>
</section>`;
  }
}

/** The participating bases grouped by city, in the round's city order, names sorted within a city. */
export function groupedByCity(round: Round, bases: readonly Base[]): { city: string; bases: Base[] }[] {
  const order = round.cities.map((c) => c.id);
  const cityName = (id: string) => round.cities.find((c) => c.id === id)?.name ?? id;
  const cities = [...new Set(bases.map((b) => b.city))].sort(
    (a, b) => (order.indexOf(a) + 1 || 999) - (order.indexOf(b) + 1 || 999),
  );
  return cities.map((city) => ({
    city: cityName(city),
    bases: bases.filter((b) => b.city === city).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
  }));
}

const UPLOAD_CSS = `
h1 .sub{display:block;font-size:1rem;font-weight:400;color:var(--muted);margin-top:.2rem}
h2{font-size:1.1rem;margin:1.2rem 0 .4rem}h3{font-size:1rem;margin:.8rem 0 .3rem}
.checklist,.own{max-width:40rem;border:1px solid var(--line);border-radius:6px;padding:.2rem 1rem .6rem;margin:.8rem 0;background:#fff}
.checklist ol{padding-left:1.3rem;margin:.4rem 0}.checklist li{margin:.5rem 0;line-height:1.6}
.checklist a{white-space:nowrap}.own ul{margin:.3rem 0;padding-left:1.2rem}.own li{margin:.2rem 0;word-break:break-all}
.upload{max-width:40rem}.upload label{display:block;margin:.8rem 0 .2rem;font-weight:600}
.upload input[type=text],.upload input[type=email],.upload input[type=file],.upload select{width:100%;box-sizing:border-box;padding:.45rem;border:1px solid var(--line);border-radius:4px;font:inherit;background:#fff}
.upload select{margin-top:.3rem}.upload optgroup{font-style:normal;color:var(--muted)}.upload option{color:var(--fg);padding:.15rem 0}
.upload .hint{margin:.2rem 0 0}.upload .buttons{margin-top:1rem;display:flex;gap:.5rem;flex-wrap:wrap}
.upload button.act{padding:.45rem 1.2rem}.upload button[disabled]{opacity:.55;cursor:not-allowed}
.flash.warn{background:var(--warnbg);border:1px solid var(--warn)}#base-confirm{margin:.6rem 0 0}#base-confirm p{margin:.2rem 0}
ul.files{list-style:none;padding:0;margin:.8rem 0;max-width:40rem}
ul.files li{border:1px solid var(--line);border-radius:6px;padding:.45rem .6rem;margin:.35rem 0}
ul.files .name{word-break:break-all}ul.files progress{width:100%;height:.7rem}
ul.files li.done .state{color:var(--ok)}ul.files li.failed .state{color:var(--bad)}
.flash.info{background:var(--bg);border:1px solid var(--line)}#upload-message p{margin:.3rem 0 0}
#upload-message{margin:.8rem 0;max-width:40rem}#upload-message ul{margin:.3rem 0 0;padding-left:1.2rem}#upload-message li{word-break:break-all}
.receipt-number strong{font-size:1.5rem;letter-spacing:.05em;margin:0 .2rem}
.receipt-status{border-top:1px solid var(--line);margin-top:.6rem;padding-top:.5rem}
@media (max-width:600px){.checklist,.own{padding:.1rem .7rem .5rem}.upload button.act{width:100%}}
`;
