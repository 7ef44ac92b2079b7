/**
 * The audit trail in sentences, as a clerk would write them in a 工作记录: 「登记纸质材料2份（2023年11月9日收到）」,
 * 「生成太原市商务局专用链接，有效至12月10日11时33分」, 「将文件“xx.pdf”归为‘直播电商基地建筑面积’」. Every time is
 * Beijing wall time (chinese-time.ts); ids are replaced by names where the round (or the bases registered this round)
 * knows them; codes of findings never appear. Pure: the round, the event and the known bases in, a sentence out.
 *
 * The actions are those the use cases write (staff-actions.ts, excluded.ts, mail-feedback.ts, review*.ts,
 * vocabulary-words.ts, access/city-links.ts); an action this module does not know is written with its details as
 * 「名称：值」 pairs, so a new one still reads rather than vanishes.
 */
import type { Round } from './catalogue.ts';
import { chineseDate, chineseTime } from './chinese-time.ts';
import { DOCUMENT_KIND_NAMES, formItemName, indicatorName } from './notice-text.ts';
import type { AuditEvent, DocumentKind } from './records.ts';

/** The parts of an audit event a sentence is made of. */
export type AuditLine = Pick<AuditEvent, 'at' | 'actor' | 'action' | 'reason' | 'details'> &
  Partial<Pick<AuditEvent, 'baseId'>>;

/** Bases by id beyond the round's Annex 4 (registered this round): their names. */
export type BaseNames = ReadonlyMap<string, string>;

/** Short Chinese names of audit actions and decision kinds (a column, a filter). */
export const ACTION_NAMES: Record<string, string> = {
  'assign-submission': '分配来件',
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
  'issue-city-link': '生成地市专用链接',
  'clear-address': '恢复向退信地址发信',
  'review-sheets-issued': '发放评分表',
  'review-scores-imported': '导入评分',
  'review-scores-changed': '修改评分',
  'review-prior-grade': '登记以往评价等级',
  'review-deduction': '扣分',
  'review-deduction-withdrawn': '撤回扣分',
  'review-objection': '登记异议',
  'review-objection-decided': '异议复议结论',
  'review-feedback-sent': '反馈评价结果',
  'accept-vocabulary-word': '采纳词表建议',
  'reject-vocabulary-word': '不采纳词表建议',
  'request-file-package': '申请下载材料包',
};

/** Every action the system writes to the audit trail (the keys above that are actions, not decision kinds). */
export const AUDIT_ACTIONS = Object.keys(ACTION_NAMES).filter((a) => a !== 'not-applicable' && a !== 'paper-copies');

/** What a finding's code family is about, for a waiver's sentence (the code itself stays out of sight). */
const FINDING_FAMILIES: Record<string, string> = {
  form: '报告表',
  report: '报告表',
  rule: '材料核对',
  archive: '压缩包',
  file: '文件',
  mail: '邮件',
  notice: '通知',
  intake: '收件',
  review: '评审',
  'self-assessment': '自评报告',
};

/** The name of a base, city, indicator: what the round (or the registered bases) calls it, else the value itself. */
function nameOf(round: Round, value: unknown, bases?: BaseNames): string {
  if (typeof value !== 'string') return String(value ?? '');
  return (
    round.cities.find((c) => c.id === value)?.name ??
    round.bases.find((b) => b.id === value)?.name ??
    bases?.get(value) ??
    value
  );
}

function bureauOf(round: Round, city: unknown): string {
  const found = round.cities.find((c) => c.id === city);
  return found ? found.bureau : `${nameOf(round, city)}商务局`;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === null || value === undefined || value === '' ? [] : [value];
}

/** A time or date value as Beijing words; anything else as it is. */
function timeWords(round: Round, value: unknown): string {
  const s = text(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return chineseDate(s);
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(s)) return chineseTime(s, round);
  return s;
}

function fileWords(details: Record<string, unknown>): string {
  const name = text(details.fileName);
  if (name) return `文件“${name}”`;
  const key = text(details.key);
  return key ? `文件（编号${key.slice(0, 8)}）` : '文件';
}

function findingWords(round: Round, key: unknown, code: unknown): string {
  const [keyCode = '', item = '', indicator = '', document = ''] = text(key).split('|');
  const family = (text(code) || keyCode).split('.')[0] ?? '';
  const where = [
    item ? `报告表${formItemName(round, Number(item))}` : '',
    indicator ? `指标‘${indicatorName(round, indicator)}’` : '',
    document ? '一个文件' : '',
  ].filter(Boolean);
  const about = FINDING_FAMILIES[family] ?? '';
  return `${about ? `${about}方面的` : ''}一条提示${where.length ? `（${where.join('，')}）` : ''}`;
}

const DETAIL_NAMES: Record<string, string> = {
  from: '原归属',
  to: '归属',
  sender: '发件地址',
  address: '地址',
  name: '名称',
  city: '地市',
  copies: '份数',
  receivedOn: '收到日期',
  kind: '分类',
  indicator: '对应指标',
  indicators: '对应指标',
  expiresAt: '有效期至',
  expert: '专家',
  bases: '基地数',
  year: '年度',
  grade: '等级',
  points: '扣分',
  raisedBy: '提出人',
  decision: '结论',
};

/** Details of an action this module does not know, as 「名称：值」 pairs. */
function genericWords(round: Round, details: Record<string, unknown>, bases?: BaseNames): string {
  return Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => {
      const value = Array.isArray(v)
        ? v.map((x) => nameOf(round, x, bases)).join('、')
        : typeof v === 'boolean'
          ? v
            ? '是'
            : '否'
          : typeof v === 'object'
            ? JSON.stringify(v)
            : /^\d{4}-\d{2}-\d{2}/.test(text(v))
              ? timeWords(round, v)
              : nameOf(round, v, bases);
      return `${DETAIL_NAMES[k] ?? k}：${value}`;
    })
    .join('；');
}

/**
 * An audit event as one sentence of what was done (without who, when and why: those are columns, or the
 * plain-text line of `auditLineText`).
 */
export function auditSentence(round: Round, event: AuditLine, bases?: BaseNames): string {
  const d = event.details;
  const base = (id: unknown) => `“${nameOf(round, id, bases)}”`;
  const indicators = (v: unknown) =>
    list(v)
      .map((slug) => `‘${indicatorName(round, text(slug))}’`)
      .join('、');
  switch (event.action) {
    case 'assign-submission': {
      const sender = text(d.sender);
      const from = text(d.from);
      const to = d.to ?? event.baseId;
      const moved = from && from !== text(to) ? `从${base(from)}改` : '';
      return `将来件${sender ? `（发件地址 ${sender}）` : ''}${moved}分配给${base(to)}${sender ? '，并记住该发件地址' : ''}`;
    }
    case 'register-base':
      return `登记${nameOf(round, d.city)}推荐的新基地“${text(d.name)}”`;
    case 'recommend-excluded-base': {
      const moved = list(d.submissions).length;
      return `将名单外基地“${text(d.name)}”（${nameOf(round, d.city)}）转为本年度新推荐基地${moved ? `，转入来件${moved}份` : ''}`;
    }
    case 'reprocess-submission':
      return '按现行规则重新读取来件';
    case 'classify-document': {
      const kind = text(d.kind);
      if (kind === 'evidence')
        return `将${fileWords(d)}归为${indicators(list(d.indicators).length ? d.indicators : d.indicator)}`;
      return `将${fileWords(d)}归为${DOCUMENT_KIND_NAMES[kind as DocumentKind] ?? kind}`;
    }
    case 'withdraw-document':
      return `撤回${fileWords(d)}（不再计入材料）`;
    case 'restore-document':
      return `恢复${fileWords(d)}（重新计入材料）`;
    case 'waive-finding':
      return `豁免${findingWords(round, d.key, d.code)}，不再计为待处理`;
    case 'reopen-finding':
      return `撤销对${findingWords(round, d.key, d.code)}的豁免`;
    case 'mark-not-applicable':
      return `将指标${indicators(d.key)}标记为不适用（不再要求证明材料）`;
    case 'unmark-not-applicable':
      return `撤销指标${indicators(d.key)}的不适用标记`;
    case 'record-paper-copies': {
      const copies = Number(d.copies ?? 0);
      if (copies === 0) return '登记纸质材料0份（未收到）';
      return `登记纸质材料${copies}份${d.receivedOn ? `（${timeWords(round, d.receivedOn)}收到）` : ''}`;
    }
    case 'confirm-sender':
      return `确认 ${text(d.address)} 为该基地的发件地址`;
    case 'record-city-letter': {
      if (d.received === false) return `撤销${bureauOf(round, d.city)}公函的收到登记`;
      const pilots = list(d.pilotUnits).map((id) => nameOf(round, id, bases));
      const ranking = list(d.ranking).map((id, i) => `${i + 1}.${nameOf(round, id, bases)}`);
      const parts = [
        pilots.length ? `试点单位${pilots.join('、')}` : '',
        ranking.length ? `推荐排序${ranking.join(' ')}` : '',
      ].filter(Boolean);
      return `登记${bureauOf(round, d.city)}公函${parts.length ? `：${parts.join('；')}` : ''}`;
    }
    case 'issue-city-link':
      return `生成${bureauOf(round, d.city)}专用链接，有效至${timeWords(round, d.expiresAt)}`;
    case 'clear-address': {
      const reports = Number(d.reports ?? 0);
      return `恢复向 ${text(d.address)} 发信${reports ? `（此前退信${reports}次）` : ''}`;
    }
    case 'review-sheets-issued':
      return `向专家${text(d.expert)}发放评分表（${Number(d.bases ?? 0)}个基地）`;
    case 'review-scores-imported':
      return `导入专家${text(d.expert)}的评分（文件“${text(d.file)}”${d.sheet ? `，工作表“${text(d.sheet)}”` : ''}）`;
    case 'review-scores-changed': {
      const changes = Object.entries((d.changes ?? {}) as Record<string, { from?: unknown; to?: unknown }>).map(
        ([slug, c]) => `‘${indicatorName(round, slug)}’${text(c?.from) || '空'}分改为${text(c?.to) || '空'}分`,
      );
      return `专家${text(d.expert)}修改评分${changes.length ? `：${changes.join('；')}` : ''}（文件“${text(d.file)}”）`;
    }
    case 'review-prior-grade':
      return `登记${text(d.year)}年度评价等级为${text(d.grade)}${d.annex4 ? `（附件4所列为${text(d.annex4)}）` : ''}`;
    case 'review-deduction':
      return `扣${text(d.points)}分（扣分编号${text(d.id)}）`;
    case 'review-deduction-withdrawn':
      return `撤回扣分（扣分编号${text(d.id)}）`;
    case 'review-objection':
      return `登记${text(d.raisedBy)}提出的异议（异议编号${text(d.id)}）`;
    case 'review-objection-decided':
      return `异议（编号${text(d.id)}）复议结论：${d.decision === 'upheld' ? '异议成立' : d.decision === 'rejected' ? '异议不成立' : text(d.decision)}`;
    case 'review-feedback-sent': {
      const to = list(d.to).map(text).join('、');
      return `向${bureauOf(round, d.city)}反馈综合评价结果（${Number(d.bases ?? 0)}个基地${to ? `，发至 ${to}` : ''}）`;
    }
    case 'accept-vocabulary-word':
      return `采纳词表建议：文件名中的“${text(d.word)}”今后归为${indicators(d.indicator)}`;
    case 'reject-vocabulary-word':
      return `不采纳词表建议“${text(d.word)}”（${indicators(d.indicator)}）`;
    case 'request-file-package': {
      const megabytes = (Number(d.bytes ?? 0) / 1024 / 1024).toFixed(1);
      const how = d.reused ? '沿用已生成（或正在生成）的同一材料包' : '在后台生成';
      return `申请下载材料包“${text(d.fileName)}”（${Number(d.files ?? 0)}个文件，约${megabytes} MB），${how}`;
    }
    default: {
      const name = ACTION_NAMES[event.action] ?? event.action;
      const words = genericWords(round, d, bases);
      return words ? `${name}：${words}` : name;
    }
  }
}

/**
 * An event as one plain-text line, for copying into a 工作记录 or a message: time (Beijing), who, what, why, and
 * the base when the line stands among others (`withBase`).
 */
export function auditLineText(
  round: Round,
  event: AuditLine,
  options: { bases?: BaseNames; withBase?: boolean } = {},
): string {
  const base = options.withBase && event.baseId ? `【${nameOf(round, event.baseId, options.bases)}】` : '';
  const reason = event.reason.trim() ? `（原因：${event.reason.trim()}）` : '';
  return `${chineseTime(event.at, round)} ${event.actor}：${base}${auditSentence(round, event, options.bases)}${reason}`;
}
