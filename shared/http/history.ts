/**
 * The audit trail as pages show it: each action as a sentence (shared/domain/audit-sentences.ts), Beijing time, and a
 * button that copies the lines as plain text (for a 工作记录 or a message). Used by the base page's 操作记录 and the
 * one log of everything (log-page.ts).
 */
import { html, raw } from 'hono/html';
import {
  ACTION_NAMES,
  type AuditLine,
  auditLineText,
  auditSentence,
  type BaseNames,
} from '../domain/audit-sentences.ts';
import type { Round } from '../domain/catalogue.ts';
import { cityName, type Html, when } from './html.ts';

export { ACTION_NAMES };

/** How a trail is shown. */
export interface AuditTableOptions {
  /** Names of bases registered this round (the round's own are known). */
  bases?: BaseNames;
  /** A 基地 column (the log of every base). */
  withBase?: boolean;
  /** Telling apart two trails on one page (the copy button's target). */
  id?: string;
  /** Receipt numbers of portal uploads by submission id: an action on such a submission names its number. */
  receipts?: ReadonlyMap<string, string>;
}

/** The audit trail as a table of sentences (newest first, as given) with a copy button. */
export function auditTable(
  round: Round,
  events: readonly (AuditLine & { city?: string | null; submissionId?: string | null })[],
  options: AuditTableOptions = {},
): Html {
  if (events.length === 0) return html`<p class="muted">暂无操作记录。</p>`;
  const id = options.id ?? 'audit';
  const receiptOf = (e: { submissionId?: string | null }) =>
    e.submissionId ? options.receipts?.get(e.submissionId) : undefined;
  const receiptWords = (e: { submissionId?: string | null }) => {
    const number = receiptOf(e);
    return number ? `（回执编号${number}）` : '';
  };
  const text = events.map((e) => `${auditLineText(round, e, options)}${receiptWords(e)}`).join('\n');
  const baseCell = (e: AuditLine & { city?: string | null }) => {
    if (!options.withBase) return '';
    const name = e.baseId ? (round.bases.find((b) => b.id === e.baseId)?.name ?? options.bases?.get(e.baseId)) : null;
    return html`<td data-label="基地">${
      e.baseId
        ? html`<a href="/bases/${e.baseId}">${name ?? e.baseId}</a>${e.city ? html` <span class="small muted">${cityName(round, e.city)}</span>` : ''}`
        : e.city
          ? cityName(round, e.city)
          : '—'
    }</td>`;
  };
  return html`<p class="copy-line no-print"><button class="act secondary" type="button" data-copy="${id}-text">复制为文字</button> <span class="small muted" role="status" data-copy-state="${id}-text"></span></p>
<textarea id="${id}-text" class="copy-source" readonly aria-hidden="true" tabindex="-1">${text}</textarea>
<div class="table-wrap"><table class="stack audit" id="${id}">
<thead><tr><th>时间</th><th>操作人</th>${options.withBase ? html`<th>基地（地市）</th>` : ''}<th>操作</th><th>原因</th></tr></thead>
<tbody>${events.map(
    (
      e,
    ) => html`<tr data-action="${e.action}"><td data-label="时间" class="nowrap">${when(e.at, round)}</td><td data-label="操作人">${e.actor}</td>${baseCell(e)}
<td data-label="操作">${auditSentence(round, e, options.bases)}${receiptWords(e)}</td><td data-label="原因">${e.reason}</td></tr>`,
  )}</tbody></table></div>
${COPY_SCRIPT}`;
}

/** The copy buttons' script (one per page is enough; repeating it is harmless: a button is bound once). */
const COPY_SCRIPT =
  raw(`<style>.copy-source{position:absolute;left:-9999px;width:1px;height:1px;opacity:0}td.nowrap{white-space:nowrap}.copy-line{margin:.2rem 0 .4rem}</style>
<script>(function(){document.querySelectorAll('button[data-copy]').forEach(function(b){if(b.dataset.bound)return;b.dataset.bound='1';
b.addEventListener('click',function(){var t=document.getElementById(b.dataset.copy),s=document.querySelector('[data-copy-state="'+b.dataset.copy+'"]');
var done=function(){if(s)s.textContent='已复制'+t.value.split('\\n').length+'条';};
var old=function(){t.select();document.execCommand('copy');done();};
if(navigator.clipboard&&navigator.clipboard.writeText){navigator.clipboard.writeText(t.value).then(done,old);}else{old();}});});})();</script>`);
