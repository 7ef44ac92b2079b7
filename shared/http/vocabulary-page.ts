/**
 * 词表建议: words proposed from files staff classified by hand, for staff to accept (the classifier weighs them for
 * the round's later files) or reject. Staff only; each decision audited.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { html } from 'hono/html';
import type { VocabularyWord } from '../domain/records.ts';
import { decideVocabularyWord, listVocabularyWords, UnknownWordError } from '../use-cases/vocabulary-words.ts';
import { AccessError, type HttpEnv, requireStaff } from './auth.ts';
import { csrfToken, type HttpDeps } from './deps.ts';
import { readFlash, setFlash } from './flash.ts';
import { type Html, page, when } from './html.ts';

/** Where the proposals are listed, and where their buttons post. */
export const VOCABULARY_PATH = '/ui/vocabulary';

const STATE_NAMES: Record<VocabularyWord['state'], string> = {
  proposed: '待定',
  accepted: '已采纳',
  rejected: '不采纳',
};

/** Registers the proposals page and its accept / reject action. */
export function registerVocabularyPage(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;
  const round = ctx.round;
  const indicatorName = (slug: string) => round.indicators.find((i) => i.slug === slug)?.name ?? slug;

  app.get(VOCABULARY_PATH, async (c) => {
    const principal = requireStaff(c);
    const words = await listVocabularyWords(ctx);
    const csrf = csrfToken(c, deps);
    const proposed = words.filter((w) => w.state === 'proposed');
    const decided = words.filter((w) => w.state !== 'proposed');
    const body = html`<h1>词表建议 <span class="muted small" id="proposed-count">待定 ${proposed.length} 条</span></h1>
<p class="small muted">人工分类证明材料时，系统从文件名中找出词表尚未收录的词，供采纳。采纳后，本年度此后收到的文件按该词识别对应指标（已收到的文件不变）；不采纳的词不再提出。</p>
${
  proposed.length === 0
    ? html`<p id="proposals-empty">目前没有待定的词表建议。</p>`
    : html`<div class="table-wrap"><table class="stack" id="proposals">
<thead><tr><th>词</th><th>对应指标</th><th>来自文件</th><th>提出</th><th>操作</th></tr></thead>
<tbody>${proposed.map((w) => row(w, csrf))}</tbody></table></div>`
}
${
  decided.length > 0
    ? html`<h2>已处理</h2><div class="table-wrap"><table class="stack" id="decided-words">
<thead><tr><th>词</th><th>对应指标</th><th>状态</th><th>处理人</th><th>时间</th></tr></thead>
<tbody>${decided.map(
        (w) => html`<tr><td data-label="词">${w.word}</td><td data-label="对应指标">${indicatorName(w.indicator)}</td>
<td data-label="状态"><span class="chip ${w.state === 'accepted' ? 'ok' : 'info'}">${STATE_NAMES[w.state]}</span></td>
<td data-label="处理人">${w.decidedBy ?? ''}</td><td data-label="时间">${w.decidedAt ? when(w.decidedAt, round) : ''}</td></tr>`,
      )}</tbody></table></div>`
    : ''
}`;
    return c.html(page({ round, title: '词表建议', principal, flash: readFlash(c), csrf, nav: 'unclassified' }, body));
  });

  function row(w: VocabularyWord, csrf: string): Html {
    const hidden = html`<input type="hidden" name="indicator" value="${w.indicator}"><input type="hidden" name="word" value="${w.word}"><input type="hidden" name="csrf" value="${csrf}">`;
    return html`<tr data-word="${w.word}">
<td data-label="词"><strong>${w.word}</strong></td>
<td data-label="对应指标">${indicatorName(w.indicator)}</td>
<td data-label="来自文件"><a href="/download/${w.from.documentId}" rel="nofollow">${w.from.fileName}</a></td>
<td data-label="提出">${w.proposedBy}，${when(w.proposedAt, round)}</td>
<td data-label="操作"><form class="inline" method="post" action="${VOCABULARY_PATH}">${hidden}
<button class="act" type="submit" name="accept" value="true">采纳</button>
<button class="act secondary" type="submit" name="accept" value="false">不采纳</button></form></td></tr>`;
  }

  app.post(VOCABULARY_PATH, async (c) => {
    const who = requireStaff(c);
    const body = await c.req.parseBody();
    const field = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).trim() : '');
    if (who.via !== 'jwt' && field('csrf') !== csrfToken(c, deps)) {
      throw new AccessError(403, '页面已过期，请刷新后重试');
    }
    const accept = field('accept') === 'true';
    try {
      const word = await decideVocabularyWord(ctx, {
        indicator: field('indicator'),
        word: field('word'),
        accept,
        actor: who.name,
      });
      setFlash(
        c,
        'ok',
        accept ? `已采纳：“${word.word}”此后识别为${indicatorName(word.indicator)}` : `不采纳：“${word.word}”不再提出`,
      );
    } catch (error) {
      if (!(error instanceof UnknownWordError)) throw error;
      setFlash(c, 'error', '未完成：没有这条词表建议');
    }
    return c.redirect(VOCABULARY_PATH, 303);
  });
}
