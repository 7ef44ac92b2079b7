/**
 * A base's upload link for staff and its city bureau: `GET /bases/<id>/upload-link` shows the
 * base's signed upload link (../access/upload-links.ts) with a copy button, to send to the base. The base page's
 * 复制上传链接 leads here. A bureau sees the links of its own city's bases only.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { signUploadLink, UPLOAD_LINK_GRACE_DAYS, uploadLinkUrl } from '../access/upload-links.ts';
import { getBase } from '../use-cases/read-model.ts';
import { assertCity, type HttpEnv, requireUser } from './auth.ts';
import { csrfToken, type HttpDeps } from './deps.ts';
import { page, whenToSecond } from './html.ts';

/** The path of a base's upload-link page. */
export function uploadLinkPagePath(baseId: string): string {
  return `/bases/${encodeURIComponent(baseId)}/upload-link`;
}

/** Registers `GET /bases/:baseId/upload-link` (staff, and the base's city bureau). */
export function registerUploadLinkPage(app: Hono<HttpEnv>, deps: HttpDeps): void {
  const { ctx, signer } = deps;
  const round = ctx.round;

  app.get('/bases/:baseId/upload-link', async (c) => {
    const principal = requireUser(c);
    const base = await getBase(ctx, c.req.param('baseId'));
    assertCity(principal, base.city);
    const link = signUploadLink(signer, round, base.id, ctx.clock.now());
    const url = uploadLinkUrl(link, c.req.url);
    c.header('Cache-Control', 'private, no-store');
    return c.html(
      page(
        { round, title: `${base.name}：上传链接`, principal, csrf: csrfToken(c, deps), nav: 'overview' },
        html`<p class="small"><a href="/bases/${base.id}">${base.name}</a> › 上传链接</p>
<h1>${base.name}：专用上传链接</h1>
<p>将此链接发给基地联系人。打开后可查看本基地已收到哪些材料、仍缺哪些、哪些待核实；基地名称已填好，可上传较大的文件（不受公开上传页面的限额），回执中会告知本基地材料是否齐全。持有链接即可查看本基地材料情况并以该基地名义上传，请勿公开转发。</p>
<p><input type="text" id="upload-link" value="${url}" readonly style="width:100%;padding:.45rem;font:inherit" aria-label="上传链接" onfocus="this.select()"></p>
<p><button class="act" type="button" id="copy-upload-link">复制上传链接</button> <span id="copy-state" class="small muted" role="status"></span></p>
<p class="small muted">有效至 ${whenToSecond(link.expiresAt.toISOString(), round)}（截止时间后${UPLOAD_LINK_GRACE_DAYS}天）。</p>
<script>(function(){var b=document.getElementById('copy-upload-link'),i=document.getElementById('upload-link'),s=document.getElementById('copy-state');
b.addEventListener('click',function(){i.select();var done=function(){s.textContent='已复制';};
if(navigator.clipboard&&navigator.clipboard.writeText){navigator.clipboard.writeText(i.value).then(done,function(){document.execCommand('copy');done();});}else{document.execCommand('copy');done();}});})();</script>`,
      ),
    );
  });
}
