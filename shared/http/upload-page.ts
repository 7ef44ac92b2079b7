/**
 * The upload page (`GET /upload`, 上传材料): how a base whose material is too large for mail sends it through the
 * session API (./upload-sessions.ts) from a browser. Public like that API, and without the staff navigation. The
 * script is served as a file of this origin (`/upload.js`, see ./upload-script.ts) rather than inline, so the page
 * keeps working under a Content-Security-Policy with `script-src 'self'`; the limits and texts it needs travel as
 * data attributes of the form.
 *
 * Two forms of the page (issue 15, item 6): `/upload/b/<token>`, a base's own link, with the base fixed and the
 * portal's full limits; and the open `/upload`, for anyone, with the open form's tight limits (see
 * ../use-cases/upload-quota.ts), which points bases to their city bureau for a link.
 */

import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { TokenSigner } from '../access/signing.ts';
import { readUploadLink, UPLOAD_LINK_PATH } from '../access/upload-links.ts';
import { chineseDate } from '../domain/chinese-time.ts';
import { deadlineInstant } from '../domain/round-time.ts';
import type { AppContext } from '../use-cases/context.ts';
import { listRegistry } from '../use-cases/registry.ts';
import { type OpenFormLimits, openFormPortalLimits } from '../use-cases/upload-quota.ts';
import { MAX_FILE_NAME_CHARS, type UploadPortalLimits } from '../use-cases/upload-sessions.ts';
import type { HttpEnv } from './auth.ts';
import { type Html, page } from './html.ts';
import { UPLOAD_SCRIPT } from './upload-script.ts';
import { INVALID_UPLOAD_LINK_MESSAGE, UPLOAD_SESSIONS_PATH } from './upload-sessions.ts';

/** Path of the upload page. */
export const UPLOAD_PAGE_PATH = '/upload';
/** Path of the page's script. */
export const UPLOAD_SCRIPT_PATH = '/upload.js';

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

/** Registers `GET /upload` and `GET /upload.js` (public: neither route asks for a principal). */
export function registerUploadPage(app: Hono<HttpEnv>, options: UploadPageOptions): void {
  const { ctx, limits, signer } = options;
  const openLimits = openFormPortalLimits(limits, options.openForm);
  const round = ctx.round;

  app.get(UPLOAD_SCRIPT_PATH, (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'no-cache');
    return c.body(UPLOAD_SCRIPT);
  });

  app.get(UPLOAD_PAGE_PATH, async (c) => {
    const bases = (await listRegistry(ctx)).filter((base) => base.participating).map((base) => base.name);
    const now = ctx.clock.now();
    return c.html(
      page(
        { round, title: '上传材料', principal: null, home: UPLOAD_PAGE_PATH },
        uploadBody({
          limits: openLimits,
          bases,
          closed: now.getTime() >= deadlineInstant(round).getTime(),
          sessions: UPLOAD_SESSIONS_PATH,
          fixedBase: null,
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
    if (!base) {
      return c.html(
        page(
          { round, title: '上传链接无效', principal: null, home: UPLOAD_PAGE_PATH },
          html`<h1>上传链接无效或已过期</h1><p>${INVALID_UPLOAD_LINK_MESSAGE}</p><p><a href="${UPLOAD_PAGE_PATH}">打开公开上传页面</a></p>`,
        ),
        403,
      );
    }
    return c.html(
      page(
        { round, title: `上传材料：${base.name}`, principal: null, home: c.req.path },
        uploadBody({
          limits,
          bases: [],
          closed: now.getTime() >= deadlineInstant(round).getTime(),
          sessions: `${UPLOAD_SESSIONS_PATH}?link=${encodeURIComponent(token)}`,
          fixedBase: base.name,
        }),
      ),
    );
  });

  function uploadBody(view: {
    limits: UploadPortalLimits;
    bases: string[];
    closed: boolean;
    /** Where the script opens sessions (with the link's token for a base's page). */
    sessions: string;
    /** The link's base: shown, not typed. */
    fixedBase: string | null;
  }): Html {
    const deadlineText = `${chineseDate(round.deadline)}24时`;
    const l = view.limits;
    return html`<style>
.upload{max-width:40rem}.upload label{display:block;margin:.8rem 0 .2rem;font-weight:600}
.upload input[type=text],.upload input[type=email],.upload input[type=file]{width:100%;padding:.45rem;border:1px solid var(--line);border-radius:4px;font:inherit;background:#fff}
.upload .hint{margin:.2rem 0 0}.upload .buttons{margin-top:1rem;display:flex;gap:.5rem;flex-wrap:wrap}
.upload button.act{padding:.45rem 1.2rem}.upload button[disabled]{opacity:.55;cursor:not-allowed}
ul.files{list-style:none;padding:0;margin:.8rem 0;max-width:40rem}
ul.files li{border:1px solid var(--line);border-radius:6px;padding:.45rem .6rem;margin:.35rem 0}
ul.files .name{word-break:break-all}ul.files progress{width:100%;height:.7rem}
ul.files li.done .state{color:var(--ok)}ul.files li.failed .state{color:var(--bad)}
.flash.info{background:var(--bg);border:1px solid var(--line)}#upload-message p{margin:.3rem 0 0}
#upload-message{margin:.8rem 0}#upload-message ul{margin:.3rem 0 0;padding-left:1.2rem}
</style>
<h1>上传材料</h1>
<p class="muted small">${round.title}</p>
<div class="countdown${view.closed ? ' over' : ''}" id="deadline">电子材料报送截止时间：<strong>${deadlineText}</strong>，以北京时间为准。${
      view.closed ? '现已截止，此后收到的材料将按逾期提交处理。' : ''
    }</div>
<p>邮件仍是报送材料的主要渠道：请将材料发送至 <a href="mailto:${round.mailbox}">${round.mailbox}</a>。文件过大、邮件无法发送时，可在本页面直接上传，与邮件报送同等有效。</p>
<form class="upload" id="upload-form" novalidate
  data-sessions="${view.sessions}" data-max-files="${l.maxFiles}" data-max-file-bytes="${l.maxFileBytes}"
  data-max-total-bytes="${l.maxTotalBytes}" data-max-name-chars="${MAX_FILE_NAME_CHARS}" data-form-seconds="${l.formSeconds}" data-time-zone="${round.timeZone}">
${
  view.fixedBase
    ? html`<label for="base">基地名称（本页面为该基地的专用上传链接）</label>
<input type="text" id="base" name="base" value="${view.fixedBase}" readonly required maxlength="200">`
    : html`<label for="base">基地名称（必填）</label>
<input type="text" id="base" name="base" list="base-names" required maxlength="200" autocomplete="organization" placeholder="请填写基地全称，与通知附件4一致">
<datalist id="base-names">${view.bases.map((name) => html`<option value="${name}"></option>`)}</datalist>`
}
<label for="email">联系邮箱（选填）</label>
<input type="email" id="email" name="email" maxlength="254" autocomplete="email" placeholder="便于就材料问题与您联系">
<label for="files">选择文件</label>
<input type="file" id="files" name="files" multiple required>
<p class="small muted hint" id="limits">一次最多上传 ${l.maxFiles} 个文件，单个文件不超过 ${limitText(l.maxFileBytes)}，合计不超过 ${limitText(l.maxTotalBytes)}。文件较多时可分几次提交。${
      view.fixedBase
        ? ''
        : '本页面为公开上传页面，限额较小；基地可向所在地市商务局索取本基地的专用上传链接，限额更大，且可在回执中看到本基地材料是否齐全。'
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
}
