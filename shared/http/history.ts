/**
 * The audit trail as pages show it: the base page's 操作记录 and the staff page of actions tied to no base.
 */
import { html } from 'hono/html';
import type { Round } from '../domain/catalogue.ts';
import { chineseDate, chineseWhen } from '../domain/chinese-time.ts';
import { DOCUMENT_KIND_NAMES } from '../domain/notice-text.ts';
import type { DocumentKind } from '../domain/records.ts';
import { type Html, when } from './html.ts';

/** Chinese names of audit actions and decision kinds. */
export const ACTION_NAMES: Record<string, string> = {
  'assign-submission': '分配邮件',
  'register-base': '登记新基地',
  'recommend-excluded-base': '名单外基地转为新推荐基地',
  'reprocess-submission': '重新读取',
  'classify-document': '人工分类',
  'withdraw-document': '撤回文件',
  'restore-document': '恢复文件',
  'waive-finding': '豁免提示',
  'reopen-finding': '撤销豁免',
  'mark-not-applicable': '标记不适用',
  'unmark-not-applicable': '撤销不适用',
  'not-applicable': '不适用',
  'record-paper-copies': '登记纸质材料',
  'paper-copies': '纸质材料',
  'confirm-sender': '确认发件人',
  'record-city-letter': '登记公函',
  'issue-city-link': '生成地市链接',
};

/** Names of the details audit events carry, as a clerk reads them (unknown keys are shown as they are). */
const DETAIL_NAMES: Record<string, string> = {
  from: '原归属',
  to: '归属',
  sender: '发件地址',
  address: '地址',
  name: '名称',
  city: '地市',
  key: '对象',
  active: '生效',
  received: '公函已收到',
  pilotUnits: '试点单位',
  ranking: '推荐排序',
  documentId: '公函文件',
  copies: '份数',
  receivedOn: '收到日期',
  kind: '分类',
  indicator: '对应指标',
  indicators: '对应指标',
  replaces: '原名单外基地',
  submissions: '转入来件',
  expiresAt: '有效期至',
  previousState: '原状态',
  reports: '退信次数',
  expert: '专家',
  bases: '基地数',
  year: '年度',
  grade: '等级',
  annex4: '2021年度等级',
  points: '扣分',
  raisedBy: '提出人',
  decision: '结论',
};

/**
 * An audit detail as read: dates in the one date format, 是/否 for flags, names for cities, bases, indicators and
 * document kinds (ids the round does not know, such as a base registered this round, stay as they are); a ranking
 * is numbered as the letter numbers it.
 */
function detailText(key: string, value: unknown, round: Round): string {
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (Array.isArray(value)) {
    const words = value.map((v) => detailText(key, v, round));
    return key === 'ranking' ? words.map((w, i) => `${i + 1}. ${w}`).join(' ') : words.join('、');
  }
  if (typeof value !== 'string') return JSON.stringify(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return chineseDate(value);
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value)) return chineseWhen(value, round);
  if (key === 'kind' && value in DOCUMENT_KIND_NAMES) return DOCUMENT_KIND_NAMES[value as DocumentKind];
  return (
    round.cities.find((c) => c.id === value)?.name ??
    round.bases.find((b) => b.id === value)?.name ??
    round.indicators.find((i) => i.slug === value)?.name ??
    value
  );
}

/** The audit trail as a table (newest first, as the store returns it). */
export function auditTable(
  round: Round,
  events: { at: string; actor: string; action: string; reason: string; details: Record<string, unknown> }[],
): Html {
  if (events.length === 0) return html`<p class="muted">暂无操作记录。</p>`;
  return html`<div class="table-wrap"><table class="stack audit">
<thead><tr><th>时间</th><th>操作人</th><th>操作</th><th>原因</th><th>内容</th></tr></thead>
<tbody>${events.map(
    (e) => html`<tr><td data-label="时间">${when(e.at, round)}</td><td data-label="操作人">${e.actor}</td>
<td data-label="操作">${ACTION_NAMES[e.action] ?? e.action}</td><td data-label="原因">${e.reason}</td>
<td data-label="内容" class="small">${Object.entries(e.details)
      .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => `${DETAIL_NAMES[k] ?? k}：${detailText(k, v, round)}`)
      .join('；')}</td></tr>`,
  )}</tbody></table></div>`;
}
