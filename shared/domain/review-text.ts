/**
 * The words of the review stage: the 公示 of the proposed list adjustment (二、(三): published on the department's
 * website, open for objections, 复议 by experts), in the style of the department's notices, and small shared labels.
 * Pure: the caller gives the proposal, the results and the dates.
 */
import type { Round } from './catalogue.ts';
import { chineseDate } from './chinese-time.ts';
import type { AdjustmentProposal, BaseResult } from './review.ts';

/** How the control states read. */
export const CONTROL_STATE_NAMES: Record<'met' | 'not-met' | 'unconfirmed', string> = {
  met: '满足',
  'not-met': '不满足',
  unconfirmed: '未确认',
};

/** Category names as the review shows them. */
export const REVIEW_CATEGORY_NAMES: Record<string, string> = {
  provincial: '省级基地',
  recommended: '地市推荐',
  new: '新推荐',
};

/** `11月27日` from an ISO day (YYYY-MM-DD), as dates read in prose. */
export function dayInProse(day: string): string {
  const [, m, d] = day.split('-').map(Number);
  return `${m}月${d}日`;
}

/** The day `n` working days (Monday-Friday) after `from` counting `from` as the first; holidays are not known. */
export function addWorkingDays(from: string, n: number): string {
  const date = new Date(`${from}T00:00:00Z`);
  let counted = 0;
  for (;;) {
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) counted++;
    if (counted >= n) return date.toISOString().slice(0, 10);
    date.setUTCDate(date.getUTCDate() + 1);
  }
}

/** Input of the 公示. */
export interface PublicityInput {
  round: Round;
  proposal: AdjustmentProposal;
  results: readonly BaseResult[];
  /** First day of the objection period (YYYY-MM-DD). */
  from: string;
  /** Last day (YYYY-MM-DD). */
  until: string;
  /** Date under the sign-off (YYYY-MM-DD); default `from`. */
  signedOn?: string;
}

/** The structured 公示: title, paragraphs, tables and sign-off, for HTML (and any other rendering). */
export interface PublicityText {
  title: string;
  paragraphs: string[];
  tables: { caption: string; head: string[]; rows: string[][] }[];
  contact: string;
  signature: string;
  signedOn: string;
}

/** Builds the 公示. The notice's year label is taken from the round title (2022—2023年度). */
export function publicityText(input: PublicityInput): PublicityText {
  const { round, proposal } = input;
  const year = round.title.match(/(\d{4}—\d{4}年度)/)?.[1] ?? `${round.id}年度`;
  const cityName = (id: string) => round.cities.find((c) => c.id === id)?.name ?? id;
  const noticeTitle = `《山西省商务厅关于开展${year}省级直播电商基地综合评价工作的通知》（${round.notice}）`;
  const graded = input.results
    .filter((r) => r.grade !== null)
    .sort(
      (a, b) =>
        (a.grade ?? 'D').localeCompare(b.grade ?? 'D') ||
        round.cities.findIndex((c) => c.id === a.city) - round.cities.findIndex((c) => c.id === b.city) ||
        a.name.localeCompare(b.name, 'zh-CN'),
    );
  const tables: PublicityText['tables'] = [
    {
      caption: `一、${year}省级直播电商基地综合评价等级`,
      head: ['序号', '地市', '基地名称', '等级'],
      rows: graded.map((r, i) => [String(i + 1), cityName(r.city), r.name, r.grade ?? '']),
    },
    {
      caption: '二、拟取消省级直播电商基地示范资格名单',
      head: ['序号', '地市', '基地名称'],
      rows: proposal.removals.map((r, i) => [String(i + 1), cityName(r.city), r.name]),
    },
    {
      caption: '三、拟补入省级直播电商基地名单',
      head: ['序号', '地市', '基地名称'],
      rows: proposal.additions.map((a, i) => [String(i + 1), cityName(a.city), a.name]),
    },
  ];
  return {
    title: `关于${year}省级直播电商基地综合评价结果及拟调整名单的公示`,
    paragraphs: [
      `根据${noticeTitle}要求，我厅组织电子商务专家对省级直播电商基地和各市推荐的优秀直播电商基地报送材料进行了综合评价，并依据综合评价结果提出了省级直播电商基地拟调整名单，现予以公示。`,
      `公示时间：${dayInProse(input.from)}至${dayInProse(input.until)}。`,
      '公示期间，任何单位和个人对名单如有不同意见，可通过电话、电子邮件或书面形式向我厅电子商务处提出。以单位名义提出的，须加盖单位公章；以个人名义提出的，须署真实姓名并提供联系方式。我厅将组织专家进行复议。',
      proposal.removals.length === 0 && proposal.additions.length === 0
        ? '经综合评价，本年度无拟调整的省级直播电商基地。'
        : `经综合评价，拟取消${proposal.removals.length}家基地的省级直播电商基地示范资格，拟补入${proposal.additions.length}家基地。`,
    ],
    tables: tables.filter((t, i) => i === 0 || t.rows.length > 0),
    contact: `联系人：${round.contact.name}　电话：${round.contact.phone}　邮箱：${round.contact.email}`,
    signature: '山西省商务厅电子商务处',
    signedOn: chineseDate(input.signedOn ?? input.from),
  };
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The 公示 as a standalone HTML page, styled like a website notice (centred title, 仿宋 body, sign-off right). */
export function publicityHtml(text: PublicityText): string {
  const tables = text.tables
    .map(
      (t) => `<h2>${esc(t.caption)}</h2>
<table><thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>${t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(text.title)}</title>
<style>
body{font-family:"FangSong","仿宋","STFangsong","Noto Serif CJK SC",serif;max-width:800px;margin:2rem auto;padding:0 1rem;font-size:16pt;line-height:1.8;color:#000}
h1{font-family:"SimHei","黑体","Noto Sans CJK SC",sans-serif;text-align:center;font-size:20pt;line-height:1.5;margin:1rem 0 1.5rem}
p{text-indent:2em;margin:.3rem 0}h2{font-family:"SimHei","黑体",sans-serif;font-size:16pt;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;font-size:13pt}th,td{border:1px solid #000;padding:.2rem .5rem;text-align:center}
td:nth-child(3){text-align:left}.sign{text-align:right;margin-top:2rem}.contact{text-indent:2em}
</style></head><body>
<h1>${esc(text.title)}</h1>
${text.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n')}
<p class="contact">${esc(text.contact)}</p>
${tables}
<div class="sign"><div>${esc(text.signature)}</div><div>${esc(text.signedOn)}</div></div>
</body></html>
`;
}

/** What a city's feedback says (二、(三)/三、(二)): its bases' scores, grades, ranks, weak groups and the comments. */
export interface CityFeedbackInput {
  round: Round;
  city: { id: string; name: string; bureau: string };
  /** Results of the city's bases (others are ignored). */
  results: readonly BaseResult[];
  groupMinShare: number;
  /** Day under the sign-off (YYYY-MM-DD). */
  on: string;
}

/** The feedback digest to a city bureau: subject and plain text (the HTML wraps the same lines). */
export function cityFeedbackText(input: CityFeedbackInput): { subject: string; text: string; html: string } {
  const { round, city } = input;
  const year = round.title.match(/(\d{4}—\d{4}年度)/)?.[1] ?? `${round.id}年度`;
  const mine = input.results
    .filter((r) => r.city === city.id)
    .sort((a, b) => (a.rank.city ?? 999) - (b.rank.city ?? 999) || a.name.localeCompare(b.name, 'zh-CN'));
  const share = Math.round(input.groupMinShare * 100);
  const lines: string[] = [
    `${city.bureau}：`,
    '',
    `　　根据《山西省商务厅关于开展${year}省级直播电商基地综合评价工作的通知》（${round.notice}）要求，我厅组织电子商务专家对参评直播电商基地进行了综合评价。现将你局所辖${mine.length}个参评基地的评价结果和专家意见反馈如下。请你局对照评价结果，认真查找基地建设中的突出问题和薄弱环节，对问题较多、排名靠后的基地派出专人帮扶，督促整改。`,
  ];
  const numerals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
  for (const [i, r] of mine.entries()) {
    lines.push('', `${numerals[i] ?? String(i + 1)}、${r.name}（${REVIEW_CATEGORY_NAMES[r.category] ?? r.category}）`);
    if (r.total === null || r.grade === null) {
      lines.push('　　评审尚未完成，结果另行反馈。');
      continue;
    }
    lines.push(
      `　　综合得分${fmtPoints(r.total)}分，等级${r.grade}；全省第${r.rank.province}名，本市第${r.rank.city}名。`,
      `　　分项得分：${r.groups.map((g) => `${g.level1}${fmtPoints(g.subtotal)}分（满分${g.points}分）`).join('，')}；加分项${fmtPoints(r.bonus)}分。`,
    );
    const weak = r.groups.filter((g) => g.belowShare);
    if (weak.length > 0) {
      lines.push(`　　未超过该项总分${share}%的一级指标：${weak.map((g) => g.level1).join('、')}。`);
    }
    if (r.deductions.length > 0) {
      lines.push(`　　扣分：${r.deductions.map((d) => `${d.reason}扣${fmtPoints(d.points)}分`).join('；')}。`);
    }
    if (r.comments.length > 0) {
      lines.push('　　专家意见：');
      for (const [j, c] of r.comments.entries()) lines.push(`　　${j + 1}. ${c.text}`);
    }
  }
  lines.push(
    '',
    `　　联系人：${round.contact.name}，电话：${round.contact.phone}，邮箱：${round.contact.email}。`,
    '',
    '山西省商务厅电子商务处',
    chineseDate(input.on),
  );
  const text = lines.join('\n');
  const html = `<div style="font-family:'FangSong','仿宋',serif;font-size:16px;line-height:1.8">${lines
    .map((l) => (l === '' ? '<br>' : `<div>${esc(l)}</div>`))
    .join('')}</div>`;
  return { subject: `【综合评价结果反馈】${city.name}参评直播电商基地评价结果及专家意见`, text, html };
}

function fmtPoints(points: number): string {
  return String(Number(points.toFixed(4)));
}
