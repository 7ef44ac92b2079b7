/**
 * The words of a city digest: for each base of the city, what arrived and when, what is missing, what is late and
 * what needs checking. Plain Chinese, as a bureau clerk would write it.
 */
import type { Base, City, Round } from './catalogue.ts';
import type { BaseStatus, DocumentKind } from './records.ts';
import { formatBeijing } from './round-time.ts';

/** Chinese names of document kinds. */
export const DOCUMENT_KIND_NAMES: Record<DocumentKind, string> = {
  'report-form': '经营服务情况报告表',
  'self-assessment': '自评报告',
  evidence: '证明材料',
  'city-letter': '市商务局公函',
  other: '其他文件',
};

/** Chinese names of base states. */
export const STATE_NAMES: Record<BaseStatus['state'], string> = {
  'not-received': '未收到材料',
  incomplete: '材料不完整',
  complete: '材料齐全',
};

const CATEGORY_NAMES: Record<string, string> = {
  provincial: '省级直播电商基地',
  recommended: '地市推荐基地',
  new: '本年度新推荐基地',
  cancelled: '已取消称号',
};

const ORDINALS = '一二三四五六七八九十';

/** Subject and text of the digest to one city, at `asOf`. `body` is the part that changes only with the facts. */
export function renderCityNotice(
  round: Round,
  city: City,
  statuses: BaseStatus[],
  registry: Base[],
  asOf: Date,
): { subject: string; text: string; body: string } {
  const tz = round.timeZone;
  const subject = `【${round.title}】${city.name}参评基地电子材料收取情况（截至${formatBeijing(asOf, tz).slice(0, 16)}）`;
  const lines: string[] = [];
  statuses.forEach((status, index) => {
    const base = registry.find((b) => b.id === status.baseId);
    const grade = base?.grade2021 ? `，2021年度评价等级${base.grade2021}` : '';
    lines.push(`${ordinal(index)}、${status.name}（${CATEGORY_NAMES[status.category] ?? status.category}${grade}）`);
    lines.push(`  状态：${STATE_NAMES[status.state]}${status.late ? '（存在逾期）' : ''}`);
    if (status.state === 'not-received') {
      lines.push('  尚未收到该基地的任何电子材料。');
    } else {
      lines.push(
        `  已收到：共${status.submissions}封邮件/上传，${status.documents.length}个文件，最近一次${formatBeijing(new Date(status.lastReceivedAt ?? asOf), tz)}。`,
      );
      if (status.missing.documents.length > 0) {
        lines.push(`  缺少材料：${status.missing.documents.map((kind) => DOCUMENT_KIND_NAMES[kind]).join('、')}`);
      }
      if (status.missing.formItems.length > 0) {
        const items = status.missing.formItems.map((n) => {
          const item = round.formItems.find((f) => f.item === n);
          return `第${n}项${item ? ` ${item.label}` : ''}`;
        });
        lines.push(`  报告表未填项目：${items.join('；')}`);
      }
      if (status.missing.evidence.length > 0) {
        const names = status.missing.evidence.map(
          (slug) => round.indicators.find((indicator) => indicator.slug === slug)?.name ?? slug,
        );
        lines.push(`  缺少证明材料：${names.join('；')}`);
      }
    }
    const lateArrived = status.lateItems.filter((item) => item.receivedAt !== null);
    if (lateArrived.length > 0) {
      lines.push(
        `  逾期提交：${lateArrived.map((item) => `${item.message}（${formatBeijing(new Date(item.receivedAt!), tz)}）`).join('；')}`,
      );
    }
    const checks = status.findings.filter((f) => f.severity !== 'info');
    if (checks.length > 0) {
      lines.push('  需核实：');
      for (const check of checks) lines.push(`    - ${check.message}`);
    }
    lines.push('');
  });

  const deadline = `${round.deadline.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$1年$2月$3日')}`;
  const body = lines.join('\n');
  const text = [
    `${city.bureau}：`,
    '',
    `根据《${round.notice}》，参评基地应于${deadline}（含当日，北京时间）前将申报材料电子版发送至${round.mailbox}。截至${formatBeijing(asOf, tz)}（北京时间），贵市参评基地材料收取情况如下：`,
    '',
    body,
    '市级事项：请按通知要求邮寄每个基地加盖公章的纸质材料2份，并提供正式公函（含参评省级直播电商基地名单、推荐参评基地名单及排序，标注试点单位）。',
    '',
    `请督促相关基地尽快补齐。如有疑问，请联系${round.contact.name}，电话${round.contact.phone}，邮箱${round.contact.email}。`,
    '',
    '（本邮件由材料收取系统自动发送。）',
  ].join('\n');
  return { subject, text, body };
}

function ordinal(index: number): string {
  if (index < 10) return ORDINALS[index] ?? String(index + 1);
  if (index < 20) return `十${index === 10 ? '' : ORDINALS[index - 11]}`;
  return String(index + 1);
}
