/**
 * The words of the notices: the digest a city bureau receives about its bases (what arrived and when, what is
 * missing, what is late, what needs checking, and the city's own items) and the acknowledgement a sender receives.
 * Plain Chinese, as a bureau clerk would write it, in a text part and an HTML part with one table per base.
 *
 * A digest's `body` holds only facts (no as-of time, no greeting), so its hash changes exactly when the facts do.
 */
import type { Base, City, Round } from './catalogue.ts';
import type { Finding } from './findings.ts';
import type { ScheduleSlot } from './notice-schedule.ts';
import type { BaseStatus, DocumentKind, DocumentRecord, Submission } from './records.ts';
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

/** Chinese names of base categories. */
export const CATEGORY_NAMES: Record<string, string> = {
  provincial: '省级直播电商基地',
  recommended: '地市推荐基地',
  new: '本年度新推荐基地',
  cancelled: '已取消称号',
};

/** Sealed paper copies the notice asks of each base. */
const PAPER_COPIES_REQUIRED = 2;
/** Files listed per base in a digest; the rest are counted. */
const FILES_LISTED = 10;

const ORDINALS = '一二三四五六七八九十';

/** What a digest tells about one base, in words (shared by the text, the HTML and the workbook). */
export interface BaseFacts {
  name: string;
  category: string;
  state: string;
  /** 逾期提交: some required element first arrived after the deadline. */
  late: boolean;
  /** 截止仍缺: past the deadline, some required element is still missing. */
  overdue: boolean;
  /** `共N封邮件/上传，M个文件，首次…，最近…` or that nothing arrived. */
  received: string;
  files: string[];
  missingDocuments: string[];
  /** `第N项 名称`. */
  missingFormItems: string[];
  /** Indicator names. */
  missingEvidence: string[];
  /** Elements that first arrived after the deadline, with the receive time to the second (逾期提交). */
  lateArrived: string[];
  /** Elements still missing past the deadline (截止仍缺). */
  overdueMissing: string[];
  /** Findings to check (wrong unit, form vs report, control items ...). */
  checks: string[];
  paper: string;
  firstReceivedAt: string | null;
  lastReceivedAt: string | null;
  submissions: number;
}

/** The words for one base's status. */
export function describeBase(round: Round, status: BaseStatus, registry: readonly Base[]): BaseFacts {
  const tz = round.timeZone;
  const at = (iso: string | null) => (iso ? formatBeijing(new Date(iso), tz) : '');
  const base = registry.find((b) => b.id === status.baseId);
  const grade = base?.grade2021 ? `，2021年度评价等级${base.grade2021}` : '';
  const files = status.documents.map(
    (d) =>
      `${d.fileName}（${DOCUMENT_KIND_NAMES[d.kind]}${d.indicator ? `：${indicatorName(round, d.indicator)}` : ''}，${at(d.receivedAt)}）`,
  );
  const received =
    status.state === 'not-received'
      ? '尚未收到该基地的任何电子材料。'
      : `共${status.submissions}封邮件/上传，${status.documents.length}个文件，首次${at(status.firstReceivedAt)}，最近${at(status.lastReceivedAt)}。`;
  const paperCopies = status.paperCopies ?? 0;
  return {
    name: status.name,
    category: `${CATEGORY_NAMES[status.category] ?? status.category}${grade}`,
    state: STATE_NAMES[status.state],
    late: status.late,
    overdue: status.overdue,
    received,
    files,
    missingDocuments: status.missing.documents.map((kind) => DOCUMENT_KIND_NAMES[kind]),
    missingFormItems: status.missing.formItems.map((n) => formItemName(round, n)),
    missingEvidence: status.missing.evidence.map((slug) => indicatorName(round, slug)),
    lateArrived: status.lateItems
      .filter((item) => item.receivedAt !== null)
      .map((item) => `${item.message}（${at(item.receivedAt)}收到）`),
    overdueMissing: status.overdueItems.map((item) => item.message),
    checks: unique(status.findings.filter((f) => f.severity !== 'info').map((f) => f.message)),
    paper:
      paperCopies >= PAPER_COPIES_REQUIRED
        ? `已登记收到${paperCopies}份`
        : paperCopies > 0
          ? `已登记收到${paperCopies}份，还需${PAPER_COPIES_REQUIRED - paperCopies}份`
          : `尚未登记收到（需${PAPER_COPIES_REQUIRED}份加盖公章）`,
    firstReceivedAt: status.firstReceivedAt,
    lastReceivedAt: status.lastReceivedAt,
    submissions: status.submissions,
  };
}

/** What the digest to one city needs. */
export interface DigestInput {
  round: Round;
  city: City;
  statuses: BaseStatus[];
  registry: readonly Base[];
  asOf: Date;
  /** When the city's official letter (公函) arrived, null when it has not. */
  letterReceivedAt: string | null;
  /** The schedule slot that made the digest due, for the opening sentence. */
  slot?: ScheduleSlot | null;
}

/** A rendered digest. */
export interface RenderedDigest {
  subject: string;
  text: string;
  html: string;
  /** The facts only: what the content hash is taken of. */
  body: string;
  /** True when a base is not complete or the city's letter is missing. */
  hasGaps: boolean;
  /** True when any base of the city has sent something. */
  received: boolean;
}

/** Subject, text, HTML and facts of the digest to one city at `asOf`. */
export function renderCityDigest(input: DigestInput): RenderedDigest {
  const { round, city, statuses, registry, asOf } = input;
  const tz = round.timeZone;
  const open = statuses.filter((s) => s.state !== 'complete');
  const complete = statuses.filter((s) => s.state === 'complete');
  const facts = new Map(statuses.map((s) => [s.baseId, describeBase(round, s, registry)]));
  const factsOf = (s: BaseStatus) => facts.get(s.baseId) as BaseFacts;
  const letter = input.letterReceivedAt
    ? `已收到（${formatBeijing(new Date(input.letterReceivedAt), tz)}）`
    : '尚未收到。请按通知要求报送正式公函（含参评省级直播电商基地名单、推荐参评基地名单及排序，标注试点单位）';

  const lines: string[] = [];
  open.forEach((status, index) => {
    const f = factsOf(status);
    lines.push(`${ordinal(index)}、${f.name}（${f.category}）`);
    lines.push(`  状态：${stateWords(f)}`);
    lines.push(status.state === 'not-received' ? `  ${f.received}` : `  已收到：${f.received}`);
    for (const file of f.files.slice(0, FILES_LISTED)) lines.push(`    · ${file}`);
    if (f.files.length > FILES_LISTED) lines.push(`    · 另有${f.files.length - FILES_LISTED}个文件`);
    if (f.missingDocuments.length > 0) lines.push(`  缺少材料：${f.missingDocuments.join('、')}`);
    if (f.missingFormItems.length > 0) lines.push(`  报告表未填项目：${f.missingFormItems.join('；')}`);
    if (f.missingEvidence.length > 0) lines.push(`  缺少证明材料：${f.missingEvidence.join('；')}`);
    if (f.lateArrived.length > 0) lines.push(`  逾期提交：${f.lateArrived.join('；')}`);
    if (f.overdue) lines.push(`  截止仍缺：已过截止时间，以上缺少的${f.overdueMissing.length}项材料仍未收到。`);
    if (f.checks.length > 0) {
      lines.push('  需核实：');
      for (const check of f.checks) lines.push(`    - ${check}`);
    }
    lines.push(`  纸质材料：${f.paper}`);
    lines.push('');
  });
  if (complete.length > 0) {
    lines.push('电子材料齐全的基地：');
    for (const status of complete) {
      const f = factsOf(status);
      const late = f.lateArrived.length > 0 ? `；逾期提交：${f.lateArrived.join('；')}` : '';
      const checks = f.checks.length > 0 ? `；需核实${f.checks.length}项：${f.checks.join('；')}` : '';
      lines.push(
        `  · ${f.name}（最近收到${formatBeijing(new Date(f.lastReceivedAt ?? asOf), tz)}；纸质材料${f.paper}${late}${checks}）`,
      );
    }
    lines.push('');
  }
  lines.push('市级事项：');
  lines.push(`  公函：${letter}`);
  const body = lines.join('\n');

  const deadline = chineseDate(round.deadline);
  const asOfText = formatBeijing(asOf, tz);
  const subject = `【${round.title}】${city.name}参评基地电子材料收取情况（截至${asOfText.slice(0, 16)}）`;
  const intro = `根据《${round.notice}》，参评基地应于${deadline}（含当日，北京时间）前将申报材料电子版发送至${round.mailbox}。截至${asOfText}（北京时间），贵市${statuses.length}个参评基地中，${complete.length}个电子材料齐全，${open.length}个尚有缺项，情况如下：`;
  const lead = leadSentence(round, input.slot ?? null);
  const closing = `请督促相关基地尽快补齐，并按通知要求邮寄每个基地加盖公章的纸质材料${PAPER_COPIES_REQUIRED}份。如有疑问，请联系${round.contact.name}，电话${round.contact.phone}，邮箱${round.contact.email}。`;
  const footer = '（本邮件由材料收取系统自动发送；附件为各基地情况表，可转发各基地。）';
  const text = [`${city.bureau}：`, '', ...(lead ? [lead, ''] : []), intro, '', body, '', closing, '', footer].join(
    '\n',
  );

  const html = htmlDocument([
    `<p>${esc(city.bureau)}：</p>`,
    lead ? `<p><strong>${esc(lead)}</strong></p>` : '',
    `<p>${esc(intro)}</p>`,
    summaryTable(statuses.map(factsOf), tz),
    ...open.map((status, index) => baseTable(`${ordinal(index)}、${factsOf(status).name}`, factsOf(status))),
    complete.length > 0
      ? `<h3>电子材料齐全的基地</h3><ul>${complete
          .map((s) => {
            const f = factsOf(s);
            return `<li>${esc(f.name)}（最近收到${esc(formatBeijing(new Date(f.lastReceivedAt ?? asOf), tz))}；纸质材料${esc(f.paper)}${f.lateArrived.length > 0 ? `；逾期提交：${esc(f.lateArrived.join('；'))}` : ''}）${
              f.checks.length > 0 ? `<br>需核实：${f.checks.map(esc).join('；')}` : ''
            }</li>`;
          })
          .join('')}</ul>`
      : '',
    `<h3>市级事项</h3><p>公函：${esc(letter)}</p>`,
    `<p>${esc(closing)}</p>`,
    `<p style="color:#666">${esc(footer)}</p>`,
  ]);

  return {
    subject,
    text,
    html,
    body,
    hasGaps: open.length > 0 || input.letterReceivedAt === null,
    received: statuses.some((s) => s.state !== 'not-received'),
  };
}

/** What an acknowledgement needs. */
export interface AcknowledgementInput {
  round: Round;
  submission: Submission;
  documents: DocumentRecord[];
  /** The base matched, or null when none was. */
  base: Base | null;
  cityName: string | null;
  /** The base's status now, or null when no base was matched. */
  status: BaseStatus | null;
  /** Findings the sender can fix. */
  findings: Finding[];
  /** True when the message arrived after the deadline. */
  late: boolean;
}

/** Subject, text and HTML of the acknowledgement to the sender of a submission. */
export function renderAcknowledgement(input: AcknowledgementInput): { subject: string; text: string; html: string } {
  const { round, submission, documents, base, status } = input;
  const tz = round.timeZone;
  const receivedAt = formatBeijing(new Date(submission.receivedAt), tz);
  const title = submission.subject ? `《${submission.subject}》` : '';
  const subject = `【材料已收到】${(submission.subject ?? round.title).slice(0, 80)}`;
  const files = documents.map(
    (d, i) =>
      `${i + 1}. ${d.folderPath ? `${d.folderPath}/` : ''}${d.fileName}（识别为：${DOCUMENT_KIND_NAMES[d.kind]}${d.indicator ? `——${indicatorName(round, d.indicator)}` : ''}）`,
  );
  const sections: { heading: string; lines: string[] }[] = [];
  sections.push({
    heading: `我们已于${receivedAt}（北京时间）收到您发送的邮件${title}，共${documents.length}个文件：`,
    lines: files.length > 0 ? files : ['（邮件中没有附件）'],
  });
  if (base) {
    sections.push({
      heading: `系统识别的基地：${base.name}${input.cityName ? `（${input.cityName}）` : ''}。如识别有误，请回复说明。`,
      lines: [],
    });
  } else {
    sections.push({
      heading:
        '未能从邮件主题、附件名称或报告表中识别出基地名称，材料已保存，待工作人员确认。请在邮件主题中注明基地全称，或回复说明所属基地。',
      lines: [],
    });
  }
  if (status) {
    const missing = [
      ...status.missing.documents.map((kind) => `材料：${DOCUMENT_KIND_NAMES[kind]}`),
      ...(status.missing.formItems.length > 0
        ? [`报告表未填项目：${status.missing.formItems.map((n) => formItemName(round, n)).join('；')}`]
        : []),
      ...(status.missing.evidence.length > 0
        ? [`证明材料：${status.missing.evidence.map((slug) => indicatorName(round, slug)).join('；')}`]
        : []),
    ];
    sections.push(
      missing.length > 0
        ? { heading: '截至目前，该基地的电子材料仍缺少：', lines: missing }
        : { heading: '截至目前，该基地的电子材料已齐全。', lines: [] },
    );
  }
  const fixes = unique(input.findings.map((f) => f.message));
  if (fixes.length > 0) sections.push({ heading: '请核实并更正以下问题（更正后请重新发送相关文件）：', lines: fixes });
  if (input.late) {
    sections.push({
      heading: `本邮件在截止时间（${chineseDate(round.deadline)}24时，北京时间）之后收到，相关材料将按逾期提交处理。`,
      lines: [],
    });
  }
  const closing = `材料报送截止时间为${chineseDate(round.deadline)}（含当日，北京时间）。纸质材料请经所在市商务局审核盖章后报送。如有疑问，请联系${round.contact.name}，电话${round.contact.phone}，邮箱${round.contact.email}。`;
  const footer = '（本邮件由材料收取系统自动发送，用于确认收件。）';
  const text = [
    '您好：',
    '',
    ...sections.flatMap((s) => [s.heading, ...s.lines.map((line) => `  ${line}`), '']),
    closing,
    '',
    footer,
  ].join('\n');
  const html = htmlDocument([
    '<p>您好：</p>',
    ...sections.map(
      (s) =>
        `<p>${esc(s.heading)}</p>${s.lines.length > 0 ? `<ul>${s.lines.map((line) => `<li>${esc(line)}</li>`).join('')}</ul>` : ''}`,
    ),
    `<p>${esc(closing)}</p>`,
    `<p style="color:#666">${esc(footer)}</p>`,
  ]);
  return { subject, text, html };
}

/** `第N项 名称` of a form item. */
export function formItemName(round: Round, item: number): string {
  const label = round.formItems.find((f) => f.item === item)?.label;
  return `第${item}项${label ? ` ${label}` : ''}`;
}

/** The Chinese name of an indicator (its slug when unknown). */
export function indicatorName(round: Round, slug: string): string {
  return round.indicators.find((indicator) => indicator.slug === slug)?.name ?? slug;
}

function leadSentence(round: Round, slot: ScheduleSlot | null): string | null {
  if (!slot) return null;
  if (slot.daysUntilDeadline > 0) {
    return `提醒：距材料报送截止（${chineseDate(round.deadline)}）还有${slot.daysUntilDeadline}天。`;
  }
  if (slot.daysUntilDeadline === 0) return `提醒：今天（${chineseDate(round.deadline)}）是材料报送截止日。`;
  return `提醒：材料报送已于${chineseDate(round.deadline)}截止，以下缺项截止时仍未收到，请尽快补齐。`;
}

function summaryTable(rows: BaseFacts[], timeZone: string): string {
  const header = [
    '基地',
    '类别',
    '状态',
    '逾期提交',
    '截止仍缺',
    '最近收到',
    '缺少材料',
    '未填项目',
    '缺证明材料',
    '需核实',
  ]
    .map((h) => `<th>${h}</th>`)
    .join('');
  const body = rows
    .map(
      (f) =>
        `<tr><td>${esc(f.name)}</td><td>${esc(f.category)}</td><td>${esc(f.state)}</td><td>${f.late ? '是' : '否'}</td><td>${f.overdue ? '是' : '否'}</td><td>${esc(
          f.lastReceivedAt ? formatBeijing(new Date(f.lastReceivedAt), timeZone) : '—',
        )}</td><td>${f.missingDocuments.length}</td><td>${f.missingFormItems.length}</td><td>${f.missingEvidence.length}</td><td>${f.checks.length}</td></tr>`,
    )
    .join('');
  return `<table ${TABLE_STYLE}><thead><tr>${header}</tr></thead><tbody>${body}</tbody></table>`;
}

function baseTable(title: string, f: BaseFacts): string {
  const rows: [string, string][] = [
    ['类别', esc(f.category)],
    ['状态', esc(stateWords(f))],
    [
      '已收到',
      `${esc(f.received)}${
        f.files.length > 0
          ? `<ul>${f.files
              .slice(0, FILES_LISTED)
              .map((file) => `<li>${esc(file)}</li>`)
              .join(
                '',
              )}${f.files.length > FILES_LISTED ? `<li>另有${f.files.length - FILES_LISTED}个文件</li>` : ''}</ul>`
          : ''
      }`,
    ],
  ];
  if (f.missingDocuments.length > 0) rows.push(['缺少材料', esc(f.missingDocuments.join('、'))]);
  if (f.missingFormItems.length > 0) rows.push(['报告表未填项目', esc(f.missingFormItems.join('；'))]);
  if (f.missingEvidence.length > 0) rows.push(['缺少证明材料', esc(f.missingEvidence.join('；'))]);
  if (f.lateArrived.length > 0) rows.push(['逾期提交', esc(f.lateArrived.join('；'))]);
  if (f.overdue) {
    rows.push(['截止仍缺', `已过截止时间，以上缺少的${f.overdueMissing.length}项材料仍未收到。`]);
  }
  if (f.checks.length > 0) rows.push(['需核实', `<ul>${f.checks.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>`]);
  rows.push(['纸质材料', esc(f.paper)]);
  return `<h3>${esc(title)}</h3><table ${TABLE_STYLE}>${rows
    .map(([k, v]) => `<tr><th style="text-align:left;white-space:nowrap">${k}</th><td>${v}</td></tr>`)
    .join('')}</table>`;
}

const TABLE_STYLE = 'border="1" cellpadding="4" cellspacing="0" style="border-collapse:collapse;font-size:14px"';

function htmlDocument(parts: string[]): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body style="font-family:'Microsoft YaHei',SimSun,sans-serif;font-size:14px;line-height:1.6">${parts
    .filter(Boolean)
    .join('\n')}</body></html>`;
}

/** Escapes text for HTML. */
export function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function chineseDate(iso: string): string {
  return iso.replace(
    /^(\d{4})-(\d{2})-(\d{2})$/,
    (_, y: string, m: string, d: string) => `${y}年${Number(m)}月${Number(d)}日`,
  );
}

/** `材料不完整（逾期提交、截止仍缺）`: the state with the two kinds of 逾期 beside it, each named for what it is. */
function stateWords(f: BaseFacts): string {
  const marks = [f.late ? '逾期提交' : '', f.overdue ? '截止仍缺' : ''].filter(Boolean);
  return marks.length > 0 ? `${f.state}（${marks.join('、')}）` : f.state;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function ordinal(index: number): string {
  if (index < 10) return ORDINALS[index] ?? String(index + 1);
  if (index < 20) return `十${index === 10 ? '' : ORDINALS[index - 11]}`;
  return String(index + 1);
}
