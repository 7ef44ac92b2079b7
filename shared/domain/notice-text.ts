/**
 * The words of the notices: the digest a city bureau receives about its bases (what arrived and when, what is
 * missing, what is late, what needs checking, and the city's own items) and the acknowledgement a sender receives.
 * Plain Chinese, as a bureau clerk would write it, in a text part and an HTML part with one table per base.
 *
 * A digest's `body` holds only facts (no as-of time, no greeting), so its hash changes exactly when the facts do.
 */
import type { Base, City, Round } from './catalogue.ts';
import { chineseDate, chineseDay, chineseTime, chineseWhen, deadlineWords } from './chinese-time.ts';
import { addressOf, cityFindings } from './city-rules.ts';
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

const DIGITS = '一二三四五六七八九';

/** The unit that signs letters and receipts when the round names none. */
const DEFAULT_SIGN_OFF = '山西省商务厅电子商务处';

/**
 * The notice cited as a 公文 cites one: 「《山西省商务厅关于开展…工作的通知》（晋商电便〔2023〕85号）」; the number alone
 * (never in 《》) when the round carries no title.
 */
export function noticeCitation(round: Pick<Round, 'notice' | 'noticeTitle'>): string {
  return round.noticeTitle ? `《${round.noticeTitle}》（${round.notice}）` : `${round.notice}文`;
}

/** The unit that signs, e.g. 山西省商务厅电子商务处. */
export function signOffOf(round: Pick<Round, 'signOff'>): string {
  return round.signOff ?? DEFAULT_SIGN_OFF;
}

/** A text of the notice as shown to readers: its known slips corrected (「加盖党章」 -> 「加盖公章」, round data). */
export function shownText(round: Pick<Round, 'noticeCorrections'>, text: string): string {
  let out = text;
  for (const c of round.noticeCorrections ?? []) out = out.split(c.original).join(c.shown);
  return out;
}

/** The paper-copy sentence every base reads. */
export function paperSentence(): string {
  return `纸质材料一式${PAPER_COPIES_REQUIRED}份（加盖公章），请交所在市商务局（综改示范区管委会）审核后统一邮寄。`;
}

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
  /**
   * Evidence that arrived but the system could not place (待核实): `指标（已收到“文件”）`. Never counted as missing:
   * a bureau is not told a file is missing when one arrived but was not understood.
   */
  pendingEvidence: string[];
  /** Elements that first arrived after the deadline, with the receive time to the second (逾期提交). */
  lateArrived: string[];
  /** Elements still missing past the deadline (截止仍缺). */
  overdueMissing: string[];
  /** Findings to check (wrong unit, form vs report, control items ...). */
  checks: string[];
  /** 已收到2份（11月9日）, 逾期 after the paper due date, or what is still owed. */
  paper: string;
  /** The paper copies arrived after the paper due date (round.paperDue, else the deadline). */
  paperLate: boolean;
  firstReceivedAt: string | null;
  lastReceivedAt: string | null;
  submissions: number;
}

/** The paper-copy facts of a status (statuses stored before the arrival date existed have none). */
export function paperOf(status: BaseStatus): { copies: number; receivedOn: string | null; late: boolean } {
  const extra = status as BaseStatus & { paperCopiesReceivedOn?: string | null; paperLate?: boolean };
  return {
    copies: status.paperCopies ?? 0,
    receivedOn: extra.paperCopiesReceivedOn ?? null,
    late: extra.paperLate ?? false,
  };
}

/** 「已收到2份（11月9日）」, 「已收到1份（11月14日，逾期），还需1份」, 「尚未收到（需2份，加盖公章）」. */
export function paperWords(round: Round, status: BaseStatus): string {
  const { copies, receivedOn, late } = paperOf(status);
  if (copies <= 0) return `尚未收到（需${PAPER_COPIES_REQUIRED}份，加盖公章）`;
  const day = receivedOn
    ? chineseDate(receivedOn).replace(/^\d{4}年/, (y) => (y === `${round.deadline.slice(0, 4)}年` ? '' : y))
    : '';
  const when = day || late ? `（${[day, late ? '逾期' : ''].filter(Boolean).join('，')}）` : '';
  const owed = copies < PAPER_COPIES_REQUIRED ? `，还需${PAPER_COPIES_REQUIRED - copies}份` : '';
  return `已收到${copies}份${when}${owed}`;
}

/** 「主播名单（已收到“人员名单.xlsx”）」 for each indicator whose evidence waits for staff (待核实). */
export function pendingWords(round: Round, status: BaseStatus): string[] {
  return (status.pendingEvidence ?? []).map(
    (p) => `${indicatorName(round, p.indicator)}（已收到${p.documents.map((d) => `“${d.fileName}”`).join('、')}）`,
  );
}

/**
 * The state as a bureau reads it: a base whose only gap is evidence waiting for staff reads 材料已收到，待核实, not
 * 材料不完整 — nothing is missing on its side.
 */
export function stateName(status: BaseStatus): string {
  const { missing } = status;
  const onlyPending =
    status.state === 'incomplete' &&
    missing.documents.length + missing.formItems.length + missing.evidence.length === 0 &&
    (status.pendingEvidence?.length ?? 0) > 0;
  return onlyPending ? PENDING_STATE_NAME : STATE_NAMES[status.state];
}

/** The state of a base whose only gap is evidence the province still has to place. */
export const PENDING_STATE_NAME = '材料已收到，待核实';

/** The sentence under a list of evidence waiting for staff: it is not missing, and nothing needs sending again. */
export const PENDING_NOTE = '以上文件已收到，对应指标由省商务厅核实，不计为缺少，无需重复报送。';

/** The words for one base's status. */
export function describeBase(round: Round, status: BaseStatus, registry: readonly Base[]): BaseFacts {
  const at = (iso: string | null) => (iso ? chineseWhen(iso, round) : '');
  const base = registry.find((b) => b.id === status.baseId);
  const grade = base?.grade2021 ? `，2021年度评价等级${base.grade2021}` : '';
  const files = status.documents.map(
    (d) =>
      `${d.fileName}（${DOCUMENT_KIND_NAMES[d.kind]}${d.indicator ? `：${indicatorName(round, d.indicator)}` : ''}，${at(d.receivedAt)}）`,
  );
  const received =
    status.state === 'not-received'
      ? '尚未收到该基地的任何电子材料。'
      : `共收到${status.submissions}次报送（邮件或网上提交），${status.documents.length}个文件，首次${at(status.firstReceivedAt)}，最近${at(status.lastReceivedAt)}。`;
  return {
    name: status.name,
    category: `${CATEGORY_NAMES[status.category] ?? status.category}${grade}`,
    state: stateName(status),
    late: status.late,
    overdue: status.overdue,
    received,
    files,
    missingDocuments: status.missing.documents.map((kind) => DOCUMENT_KIND_NAMES[kind]),
    missingFormItems: status.missing.formItems.map((n) => formItemName(round, n)),
    missingEvidence: status.missing.evidence.map((slug) => indicatorName(round, slug)),
    pendingEvidence: pendingWords(round, status),
    lateArrived: status.lateItems
      .filter((item) => item.receivedAt !== null)
      .map((item) => `${item.message}（${at(item.receivedAt)}收到）`),
    overdueMissing: status.overdueItems.map((item) => item.message),
    checks: unique(status.findings.filter((f) => f.severity !== 'info').map((f) => shownText(round, f.message))),
    paper: paperWords(round, status),
    paperLate: paperOf(status).late,
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
  /** A base's own upload link, to pass on to a base with gaps (absent where the runtime signs none). */
  uploadLinkFor?: ((baseId: string) => string | null) | undefined;
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

/** Marks a line of the digest's text that is not one of its facts (kept out of `body`). */
const LINK_LINE = '\u0000link:';

/** Subject, text, HTML and facts of the digest to one city at `asOf`. */
export function renderCityDigest(input: DigestInput): RenderedDigest {
  const { round, city, statuses, registry, asOf } = input;
  const open = statuses.filter((s) => s.state !== 'complete');
  const complete = statuses.filter((s) => s.state === 'complete');
  const facts = new Map(statuses.map((s) => [s.baseId, describeBase(round, s, registry)]));
  const factsOf = (s: BaseStatus) => facts.get(s.baseId) as BaseFacts;
  const you = addressOf(city);
  const letter = input.letterReceivedAt
    ? `已收到（${chineseWhen(input.letterReceivedAt, round)}）`
    : '尚未收到。请按通知要求报送正式公函，列明参评省级直播电商基地名单、推荐参评基地名单及排序，并标注试点单位。';
  const cityNotes = cityFindings(round, city, registry).map((f) => f.message);

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
    if (f.pendingEvidence.length > 0) {
      lines.push(`  待核实证明材料：${f.pendingEvidence.join('；')}。${PENDING_NOTE}`);
    }
    if (f.lateArrived.length > 0) lines.push(`  逾期提交：${f.lateArrived.join('；')}`);
    if (f.overdue) lines.push(`  截止仍缺：已过截止时间，以上缺少的${f.overdueMissing.length}项材料仍未收到。`);
    if (f.checks.length > 0) {
      lines.push('  需核实：');
      for (const check of f.checks) lines.push(`    - ${check}`);
    }
    lines.push(`  纸质材料：${f.paper}`);
    const link = input.uploadLinkFor?.(status.baseId);
    if (link) lines.push(`${LINK_LINE}  补交链接（可转给该基地，基地名称已填好，仅供该基地使用）：${link}`);
    lines.push('');
  });
  if (complete.length > 0) {
    lines.push('电子材料齐全的基地：');
    for (const status of complete) {
      const f = factsOf(status);
      const late = f.lateArrived.length > 0 ? `；逾期提交：${f.lateArrived.join('；')}` : '';
      const checks = f.checks.length > 0 ? `；需核实${f.checks.length}项：${f.checks.join('；')}` : '';
      lines.push(
        `  · ${f.name}：最近收到${chineseWhen(f.lastReceivedAt ?? asOf, round)}；纸质材料${f.paper}${late}${checks}`,
      );
    }
    lines.push('');
  }
  lines.push('市级事项：');
  lines.push(`  公函：${letter}`);
  for (const note of cityNotes) lines.push(`  推荐数量：${note}`);
  // The facts (what the content hash is taken of) leave the links out: a link signed after the deadline differs at
  // every run, and a digest must not be sent again for that.
  const body = lines.filter((line) => !line.startsWith(LINK_LINE)).join('\n');
  const bodyText = lines.map((line) => (line.startsWith(LINK_LINE) ? line.slice(LINK_LINE.length) : line)).join('\n');

  const asOfText = chineseTime(asOf, round);
  const subject = `【${round.title}】${city.name}参评基地电子材料报送（接收）情况（截至${asOfText}）`;
  const intro = `根据${noticeCitation(round)}，参评基地应于${deadlineWords(round)}前将申报材料电子版发送至${round.mailbox}。截至${asOfText}，${you}所辖${statuses.length}个参评基地中，${complete.length}个电子材料齐全，${open.length}个尚有缺项，情况如下：`;
  const lead = leadSentence(round, input.slot ?? null);
  // Urge only while there is something to urge: not when every base is complete, nor once the experts have the
  // materials (staff may still send a digest by hand then: it reports, it does not chase).
  const reviewStarted =
    round.reviewStartsOn !== undefined && formatBeijing(asOf, round.timeZone).slice(0, 10) >= round.reviewStartsOn;
  const paperLine = `各基地纸质材料一式${PAPER_COPIES_REQUIRED}份（加盖公章），请${you}审核后连同正式公函统一邮寄至${round.postalAddress}。`;
  const closing = `${reviewStarted ? `专家评审已于${chineseDate(round.reviewStartsOn ?? '')}开始，材料报送（接收）工作已结束，以上情况供${you}掌握。` : `${open.length > 0 ? `请${you}督促相关基地尽快补齐。` : ''}${paperLine}`}如有疑问，请联系${round.contact.name}，电话${round.contact.phone}，邮箱${round.contact.email}。`;
  const signOff = [signOffOf(round), chineseDay(asOf, round)];
  const footer = '（本邮件由系统自动发送；附件为各基地情况表，可转发各基地。）';
  const text = [
    `${city.bureau}：`,
    '',
    ...(lead ? [lead, ''] : []),
    intro,
    '',
    bodyText,
    '',
    closing,
    '',
    ...signOff,
    '',
    footer,
  ].join('\n');

  const html = htmlDocument([
    `<p>${esc(city.bureau)}：</p>`,
    lead ? `<p><strong>${esc(lead)}</strong></p>` : '',
    `<p>${esc(intro)}</p>`,
    summaryTable(statuses.map(factsOf), round),
    ...open.map((status, index) =>
      baseTable(`${ordinal(index)}、${factsOf(status).name}`, factsOf(status), input.uploadLinkFor?.(status.baseId)),
    ),
    complete.length > 0
      ? `<h3>电子材料齐全的基地</h3><ul>${complete
          .map((s) => {
            const f = factsOf(s);
            return `<li>${esc(f.name)}：最近收到${esc(chineseWhen(f.lastReceivedAt ?? asOf, round))}；纸质材料${esc(f.paper)}${f.lateArrived.length > 0 ? `；逾期提交：${esc(f.lateArrived.join('；'))}` : ''}${
              f.checks.length > 0 ? `<br>需核实：${f.checks.map(esc).join('；')}` : ''
            }</li>`;
          })
          .join('')}</ul>`
      : '',
    `<h3>市级事项</h3><p>公函：${esc(letter)}</p>${cityNotes.map((note) => `<p><strong>推荐数量：</strong>${esc(note)}</p>`).join('')}`,
    `<p>${esc(closing)}</p>`,
    `<p style="text-align:right">${signOff.map(esc).join('<br>')}</p>`,
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
  /** True when the sender is not known for the base: the status is not told, only where to ask. */
  statusWithheld?: boolean;
  /** The base's own upload link, for an address known for the base (补交 without typing the base's name). */
  uploadLink?: string | null;
  /** Findings the sender can fix. */
  findings: Finding[];
  /** True when the message arrived after the deadline. */
  late: boolean;
}

/** Subject, text and HTML of the acknowledgement to the sender of a submission. */
export function renderAcknowledgement(input: AcknowledgementInput): { subject: string; text: string; html: string } {
  const { round, submission, documents, base, status } = input;
  const receivedAt = chineseWhen(submission.receivedAt, round);
  const subject = `【材料已收到】${(submission.subject ?? round.title).slice(0, 80)}`;
  const files = documents.map(
    (d, i) => `${i + 1}. ${d.folderPath ? `${d.folderPath}/` : ''}${d.fileName}（识别为：${recognisedAs(round, d)}）`,
  );
  const excluded = base !== null && !base.participating;
  const what =
    submission.channel === 'upload'
      ? '网上提交的材料'
      : submission.subject
        ? `主题为“${submission.subject}”的邮件`
        : '你单位发送的邮件（无主题）';
  const sections: { heading: string; lines: string[] }[] = [];
  sections.push({
    heading:
      files.length > 0
        ? `省商务厅电商处已于${receivedAt}（北京时间）收到${what}，共${documents.length}个文件：`
        : `省商务厅电商处已于${receivedAt}（北京时间）收到${what}，${submission.channel === 'upload' ? '未附文件' : '邮件中没有附件'}。`,
    lines: files,
  });
  if (excluded) {
    const why = base.remark ? `（2021年度评价结果中为“${base.remark}”）` : '';
    sections.push({
      heading: `经核对，“${base.name}”不在本年度参评基地名单内${why}，材料已保存。如该基地希望参加本年度评价，可由所在市商务局（综改示范区管委会）在报送的正式公函中将其作为新推荐基地择优推荐（各市商务局、综改示范区管委会可推荐1—2家）；推荐后，本次报送的材料将一并计入，无需重复发送。`,
      lines: [],
    });
  } else if (base) {
    sections.push({
      heading: `经核对，材料所属基地为：${base.name}${input.cityName ? `（${input.cityName}）` : ''}。如有误，请回复本邮件说明。`,
      lines: [],
    });
  } else {
    sections.push({
      heading:
        '未能从邮件主题、附件名称或报告表中识别出基地名称，材料已保存，待工作人员确认。请在邮件主题中注明基地全称，或回复本邮件说明所属基地。',
      lines: [],
    });
  }
  if (status && !excluded) {
    const missing = [
      ...(status.missing.documents.length > 0
        ? [`材料：${status.missing.documents.map((kind) => DOCUMENT_KIND_NAMES[kind]).join('、')}`]
        : []),
      ...(status.missing.formItems.length > 0
        ? [`报告表未填项目：${status.missing.formItems.map((n) => formItemName(round, n)).join('；')}`]
        : []),
      ...(status.missing.evidence.length > 0
        ? [`证明材料：${status.missing.evidence.map((slug) => indicatorName(round, slug)).join('；')}`]
        : []),
    ];
    const pending = pendingWords(round, status);
    sections.push(
      missing.length > 0
        ? { heading: '截至目前，该基地的电子材料仍缺少：', lines: missing }
        : pending.length > 0
          ? { heading: '截至目前，该基地应报送的电子材料均已收到。', lines: [] }
          : { heading: '截至目前，该基地的电子材料已齐全。', lines: [] },
    );
    if (pending.length > 0) {
      sections.push({
        heading: `以下证明材料已收到，系统未能确定其对应的评价指标，将由省商务厅核实，不计为缺少，无需重复报送：`,
        lines: pending,
      });
    }
  }
  if (input.uploadLink && !excluded) {
    sections.push({
      heading:
        '补交材料可使用本基地专用上传链接（打开即可查看本基地已收到、仍缺和待核实的材料；基地名称已填好，可一次上传较大的文件；此链接仅供本基地使用，请勿转发）：',
      lines: [input.uploadLink],
    });
  }
  if (input.statusWithheld && !excluded) {
    sections.push({
      heading:
        '该基地材料是否齐全，只告知已登记的基地联系邮箱；如需查询，请通过基地此前报送材料所用的邮箱来信，或联系所在市商务局（综改示范区管委会）。',
      lines: [],
    });
  }
  const fixes = unique(input.findings.map((f) => shownText(round, f.message)));
  if (fixes.length > 0) sections.push({ heading: '请核实并更正以下问题（更正后请重新发送相关文件）：', lines: fixes });
  if (input.late && !excluded) {
    sections.push({
      heading: `本次材料于截止时间${deadlineWords(round)}之后收到，相关材料将按逾期提交处理。`,
      lines: [],
    });
  }
  const closing = [
    `电子材料报送截止时间为${deadlineWords(round)}。`,
    excluded ? '' : paperSentence(),
    `如有疑问，请联系${round.contact.name}，电话${round.contact.phone}，邮箱${round.contact.email}。`,
  ].join('');
  const greeting = base ? `${base.name}：` : '您好：';
  const signOff = [signOffOf(round), chineseDay(submission.receivedAt, round)];
  const footer = '（本邮件由系统自动发送，用于确认收件。）';
  const text = [
    greeting,
    '',
    ...sections.flatMap((s) => [s.heading, ...s.lines.map((line) => `  ${line}`), '']),
    closing,
    '',
    ...signOff,
    '',
    footer,
  ].join('\n');
  const html = htmlDocument([
    `<p>${esc(greeting)}</p>`,
    ...sections.map(
      (s) =>
        `<p>${esc(s.heading)}</p>${s.lines.length > 0 ? `<ul>${s.lines.map((line) => `<li>${esc(line)}</li>`).join('')}</ul>` : ''}`,
    ),
    `<p>${esc(closing)}</p>`,
    `<p style="text-align:right">${signOff.map(esc).join('<br>')}</p>`,
    `<p style="color:#666">${esc(footer)}</p>`,
  ]);
  return { subject, text, html };
}

/**
 * What a file was recognised as, for the sender: its kind and, for evidence, every indicator it counts for (a shared
 * table serves several), or that its indicator is still to be checked (待核实).
 */
function recognisedAs(round: Round, d: DocumentRecord): string {
  const kind = DOCUMENT_KIND_NAMES[d.kind];
  if (d.kind !== 'evidence') return kind;
  const indicators = d.indicators?.length ? d.indicators : d.indicator ? [d.indicator] : [];
  if (indicators.length > 0) return `${kind}——${indicators.map((slug) => indicatorName(round, slug)).join('、')}`;
  // Asked about, or from before the classifier weighed signals: either way staff place it from the queue.
  return `${kind}，对应指标待核实`;
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
    return `提醒：电子材料报送截止时间为${deadlineWords(round)}，距截止还有${slot.daysUntilDeadline}天。`;
  }
  if (slot.daysUntilDeadline === 0) return `提醒：今天是电子材料报送截止日，截止时间为${deadlineWords(round)}。`;
  return `提醒：电子材料报送已于${deadlineWords(round)}截止，以下缺项截止时仍未收到，请尽快补齐。`;
}

function summaryTable(rows: BaseFacts[], round: Round): string {
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
    '证明材料待核实',
    '需核实',
  ]
    .map((h) => `<th>${h}</th>`)
    .join('');
  const body = rows
    .map(
      (f) =>
        `<tr><td>${esc(f.name)}</td><td>${esc(f.category)}</td><td>${esc(f.state)}</td><td>${f.late ? '是' : '否'}</td><td>${f.overdue ? '是' : '否'}</td><td>${esc(
          f.lastReceivedAt ? chineseWhen(f.lastReceivedAt, round) : '—',
        )}</td><td>${f.missingDocuments.length}</td><td>${f.missingFormItems.length}</td><td>${f.missingEvidence.length}</td><td>${f.pendingEvidence.length}</td><td>${f.checks.length}</td></tr>`,
    )
    .join('');
  return `<table ${TABLE_STYLE}><thead><tr>${header}</tr></thead><tbody>${body}</tbody></table>`;
}

function baseTable(title: string, f: BaseFacts, uploadLink?: string | null): string {
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
  if (f.pendingEvidence.length > 0) {
    rows.push(['待核实证明材料', `${esc(f.pendingEvidence.join('；'))}<br>${esc(PENDING_NOTE)}`]);
  }
  if (f.lateArrived.length > 0) rows.push(['逾期提交', esc(f.lateArrived.join('；'))]);
  if (f.overdue) {
    rows.push(['截止仍缺', `已过截止时间，以上缺少的${f.overdueMissing.length}项材料仍未收到。`]);
  }
  if (f.checks.length > 0) rows.push(['需核实', `<ul>${f.checks.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>`]);
  rows.push(['纸质材料', esc(f.paper)]);
  if (uploadLink) {
    rows.push([
      '补交链接',
      `<a href="${esc(uploadLink)}">${esc(uploadLink)}</a><br>可转给该基地，基地名称已填好，仅供该基地使用`,
    ]);
  }
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

/** `材料不完整（逾期提交、截止仍缺）`: the state with the two kinds of 逾期 beside it, each named for what it is. */
function stateWords(f: BaseFacts): string {
  const marks = [f.late ? '逾期提交' : '', f.overdue ? '截止仍缺' : ''].filter(Boolean);
  return marks.length > 0 ? `${f.state}（${marks.join('、')}）` : f.state;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The Chinese ordinal of a 0-based index: 一 … 十, 十一 … 十九, 二十, 二十一 … 九十九 (then digits). */
export function ordinal(index: number): string {
  const n = index + 1;
  if (n < 1 || n > 99) return String(n);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  const onesText = ones > 0 ? (DIGITS[ones - 1] ?? '') : '';
  if (tens === 0) return onesText;
  return `${tens === 1 ? '' : (DIGITS[tens - 1] ?? '')}十${onesText}`;
}
