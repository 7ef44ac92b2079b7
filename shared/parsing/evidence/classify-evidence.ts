/**
 * Which indicator(s) an evidence file is for, weighed from every signal there is: the report-form item number in
 * its name or folder (`17.xlsx`, `第32项`, `（十七）`), the words of its name, its folders, the mail body's list
 * of attachments, a spreadsheet's header rows and the first page of a PDF/Word file. Each signal gives candidates
 * with a weight; the decision is `decided` only when one indicator (or a set listed together, 「可以共用一张表格」)
 * clearly outweighs the rest, or when the tie-breaker (learned.ts) finds the wording of settled files leaning clearly
 * to one of the close candidates; otherwise `asked`: staff settle it, and until then the indicator reads 待核实, never
 * 缺少. A wrong label is worse than a question. Pure: the caller reads the files.
 */
import type { Round } from '../../domain/catalogue.ts';
import type { EvidenceClassification } from '../../domain/records.ts';
import { repairedMojibake } from '../mojibake.ts';
import { LEARNED_MARGIN, LEARNED_VETO_MARGIN, type LearnedChoice, learnedModel, preferred } from './learned.ts';
import { indicatorCode, itemNumber, withoutForwarding } from './numbers.ts';
import { simplified } from './simplified.ts';
import { type CompiledVocabulary, compileVocabulary, type Span, spansOf } from './vocabulary.ts';

/** What is known about one evidence file. */
export interface EvidenceSignals {
  /** File name without folders (with or without extension). */
  name: string;
  /** Folders it sits in, outermost first (archive folders, the archive's own name). */
  folders?: string[];
  /** Header cells of a spreadsheet's first rows. */
  sheetHeaders?: string[];
  /** Text of the first page of a PDF/Word file. */
  firstPage?: string;
  /** The words the mail body gives for this attachment (`附件5：直播间明细表` for `附件5.pdf`). */
  listedAs?: string;
}

/** The decision, with the decided indicators (empty when asked). */
export interface EvidenceDecision extends EvidenceClassification {
  indicators: string[];
}

/** Below this score nothing is decided (a single 花名册 is a hint, a 主播 is enough). */
export const MIN_DECIDED_SCORE = 1.6;
/** The runner-up may reach at most this share of the winner's score for a decision. */
export const MAX_RUNNER_UP_SHARE = 0.6;

/**
 * An indicator listed with the winner joins the set from this score: a word that names it (weight 2) outside brackets,
 * or one that names it outright (weight 3) inside them; not a weak word (入驻企业及产品统计 is a table of products, not
 * the statistics work) nor an annotation (产品清单（含山西产品）, 促销活动统计（含成交额）).
 */
const MIN_SET_MEMBER_SCORE = 1.3;
/** Among indicators the notice lets share one table (the staff roster's), a bracketed word joins (（标注农民工）). */
const MIN_SHARED_MEMBER_SCORE = 1;
/** How much each place counts: the name most, an outer folder or the body of a first page least. */
const SOURCE_WEIGHT = {
  name: 1,
  listed: 1,
  folder: 0.8,
  outerFolder: 0.5,
  headers: 0.8,
  title: 0.9,
  page: 0.35,
} as const;
type Source = keyof typeof SOURCE_WEIGHT;
/** An item number counts like a word that names the evidence outright. */
const NUMBER_SCORE = { name: 3, folder: 2.4 } as const;
/** A bare Chinese numeral (（十七）, 四、) counts this share of a number written in digits. */
const CHINESE_NUMERAL_FACTOR = 2 / 3;
/** A number written N.M (2.4 基地特色) counts this share: a sub-item, or a report's section; alone it decides nothing. */
const SECTION_LIKE_FACTOR = 0.5;
/**
 * The last word of a name or title is its head (主播诚信评价表 is a 评价表), the words before it qualify it: a bonus
 * when words disagree (1, chosen on the two development sets: recall up, precision unchanged).
 */
const HEAD_BONUS = 1;
/** Another word for the same indicator in the same place adds this much (at most one whole weight). */
const REPEAT_BONUS = 0.5;
/** Words in brackets annotate (（山西新闻网）, （已发布）): they count this much. */
const BRACKET_FACTOR = 0.6;

interface Candidate {
  indicator: string;
  score: number;
  reasons: string[];
}

/** Classifies one evidence file against the round's vocabulary (and words staff accepted). */
export function classifyEvidence(
  written: EvidenceSignals,
  round: Round,
  extraWords: readonly { word: string; indicator: string }[] = [],
): EvidenceDecision {
  const signals = readable(written);
  const vocabulary = compileVocabulary(round, extraWords);
  const candidates = new Map<string, Candidate>();
  const add = (indicator: string, score: number, reason: string) => {
    const candidate = candidates.get(indicator) ?? { indicator, score: 0, reasons: [] };
    candidate.score += score;
    if (!candidate.reasons.includes(reason)) candidate.reasons.push(reason);
    candidates.set(indicator, candidate);
  };
  const groups: string[][] = [];

  const stem = withoutForwarding(signals.name.replace(/\.[a-z0-9]{1,5}$/i, ''));
  // A folder named after a section of 附件1 (基础硬件, 行业规范) groups several indicators: it says none of them.
  const folders = (signals.folders ?? []).filter((f) => f.trim() !== '' && !vocabulary.isSection(f));
  // …and numbers the files inside it by its own order (（一）党建水平/3.pdf is its third indicator, not item 3).
  const section = (signals.folders ?? []).map((f) => vocabulary.sectionOf(f)).findLast((s) => s !== undefined);
  const nameSpans = spansOf(stem, vocabulary);
  const folderSpans = folders.map((folder) => spansOf(folder, vocabulary));
  const nameHasWords = /[\p{Script=Han}a-z]{2}/iu.test(
    vocabulary.strip(stem).replace(/附件|材料|证明|扫描|文档|照片|图片/g, ''),
  );

  // Numbers: an item number in the name, unless the name is only a number inside a folder that names an
  // indicator (photos 1.jpg, 2.jpg) or in a mail that lists it (附件3 = 主播名单: an attachment's number).
  const nameNumber = itemNumber(stem, 'name');
  const folderSays =
    folderSpans.some((spans) => spans.some((s) => s.indicator !== null && s.weight >= 2)) ||
    folders.some((folder) => indicatorCode(folder) !== undefined);
  // listedAs is given only for a name that is a label the mail's body writes out (附件3, 文件三, att2).
  const listed = signals.listedAs !== undefined;
  if (nameNumber && !listed && (nameHasWords || !folderSays)) {
    numberCandidates(
      nameNumber.items,
      nameNumber.written,
      'name',
      vocabulary,
      nameSpans,
      add,
      groups,
      section,
      nameNumber.sectionLike,
    );
  }

  // 1.1.2: the base numbers its files by 附件1's table of indicators.
  const coded = (text: string, where: 'name' | 'folder', to: typeof add) => {
    const code = indicatorCode(text);
    // A01.jpg in 直播间/照片 numbers a photo, as 1.jpg does; 1.1.2.xlsx is a code wherever it is.
    if (where === 'name' && code?.lettered && !nameHasWords && folderSays) return;
    const indicator = code ? vocabulary.codeIndicators.get(code.place.join('.')) : undefined;
    if (code && indicator)
      to(
        indicator.slug,
        NUMBER_SCORE[where],
        `按指标编号${code.written}判定（${indicator.section}第${code.place[2]}项指标）`,
      );
  };
  if (!listed) coded(stem, 'name', add);

  // Words, place by place.
  weigh('name', stem, nameSpans, vocabulary, add, groups);
  if (listed && signals.listedAs)
    weigh('listed', signals.listedAs, spansOf(signals.listedAs, vocabulary), vocabulary, add, groups);
  // The nearest folder counts most, outer ones less. A name that says outright what it is refines its folder
  // (山西产品交易额构成明细 in 32 交易额): the folder's other candidates then count half.
  const nameSays = decisiveName(candidates);
  const fromFolder = (indicator: string, score: number, reason: string) =>
    add(indicator, nameSays !== undefined && indicator !== nameSays ? score * 0.5 : score, reason);
  // The nearest folder that says anything (9月, 第3期 say nothing) counts as the file's own folder.
  const says = (index: number) =>
    (folderSpans[index] ?? []).some((s) => s.indicator !== null) || itemNumber(folders[index] ?? '', 'folder');
  let own = folders.length - 1;
  while (own > 0 && !says(own)) own--;
  folderSpans.forEach((spans, index) => {
    if (index > own) return;
    const source: Source = index === own ? 'folder' : 'outerFolder';
    weigh(source, folders[index] ?? '', spans, vocabulary, fromFolder, groups);
  });
  // An item number counts in the file's own folder only (an outer 05 附加项 numbers a section).
  const folderNumber = own >= 0 ? itemNumber(folders[own] ?? '', 'folder') : undefined;
  if (own >= 0) coded(folders[own] ?? '', 'folder', fromFolder);
  if (folderNumber) {
    const spans = folderSpans[own] ?? [];
    numberCandidates(
      folderNumber.items,
      folderNumber.written,
      'folder',
      vocabulary,
      spans,
      fromFolder,
      groups,
      section,
    );
  }
  if (signals.sheetHeaders && signals.sheetHeaders.length > 0) {
    // A cell that names a list (2023年度在孵主播名单, 直播间明细表) is the table's title, said once above its columns:
    // it says what the table is for, as a first page's title does; the column names say what it holds.
    const cells = signals.sheetHeaders.slice(0, 80);
    const titles = cells.filter(isTableTitle);
    for (const title of titles) weigh('title', title, spansOf(title, vocabulary), vocabulary, add, groups);
    const text = cells.filter((cell) => !titles.includes(cell)).join('、');
    // A roster's columns serve its set only where the name names no other indicator (党组织及党员名册 is no staff list).
    const rosterOf = (base: string) => nameSays === undefined || nameSays === base;
    weigh('headers', text, spansOf(text, vocabulary), vocabulary, add, groups, rosterOf);
  }
  if (signals.firstPage) {
    // The title is the first line, or the first two when the first is a letterhead or spaced-out (营 业 执 照).
    // Lines end at a line break, or at a wide gap where the text layer or OCR lost the breaks.
    // A sentence ends a line too: a page whose breaks were lost runs its title into the first sentence (…的说明。县商务局：…).
    const lines = signals.firstPage
      .replace(MASTHEAD, '$&\n')
      .split(/\r?\n|\s{2,}|\u3000{1,}|(?<=[。！？；])/)
      .map((l) => l.trim())
      .filter(Boolean);
    // A letterhead (中共…支部委员会, …人民政府文件), a document number or a news site's dateline comes before the
    // title; they name the sender, not the subject.
    // A period before a title (2022年9月—2023年8月基地直播活动明细) is no dateline: the line names what the page is.
    const periodTitle = (line: string) =>
      /^\S{0,4}\d{4}\s*[-年./]/.test(line) &&
      spansOf(line, vocabulary).some((s) => s.indicator !== null && s.weight >= 2);
    while (lines.length > 1 && isLetterhead(lines[0] ?? '') && !periodTitle(lines[0] ?? '')) lines.shift();
    const first = lines[0] ?? '';
    const firstSays = spansOf(first, vocabulary).some((s) => s.indicator !== null);
    const titleLines = firstSays && first.replace(/\s/g, '').length >= 6 ? 1 : 2;
    const title = lines.slice(0, titleLines).join(' ').slice(0, 120);
    const rest = lines.slice(titleLines).join(' ').slice(0, 400);
    const before = new Map([...candidates].map(([k, v]) => [k, v.score]));
    weigh('title', title, spansOf(title, vocabulary), vocabulary, add, groups);
    const titleSaid = [...candidates].some(([k, v]) => v.score - (before.get(k) ?? 0) >= MIN_DECIDED_SCORE);
    // The body of the page only where nothing else spoke: prose names many things in passing.
    const spoke = [...candidates.values()].some((c) => c.score >= MIN_DECIDED_SCORE);
    if (rest && !titleSaid && !spoke) weigh('page', rest, spansOf(rest, vocabulary), vocabulary, add, []);
  }

  // When the words leave indicators close, the wording of files people settled may lean clearly one way.
  const model = learnedModel(round);
  const prefer = model
    ? (among: string[], margin: number = LEARNED_MARGIN) => preferred(model, signals, among, margin)
    : undefined;
  return decide([...candidates.values()], groups, vocabulary.refines, vocabulary.shareable, prefer);
}

/** Emoji and marks a sender adds for attention (⭐17⭐, ★重要, ✅已核): they say nothing of the content. */
const MARKS = /[\p{Extended_Pictographic}\u2605\u2606\u2713\u2714\u2716\u2757]|\uFE0F|\u20E3/gu;

/**
 * The signals in simplified characters (黨員名冊 → 党员名册), as the vocabulary writes its words, without marks.
 * A keycap digit (1️⃣7️⃣) keeps its digit.
 */
function readable(signals: EvidenceSignals): EvidenceSignals {
  // A name garbled on the way (GBK read as CP437: ╕▀╞╜ for 高平) is read again.
  const plain = (text: string) => simplified((repairedMojibake(text) ?? text).replace(MARKS, ''));
  return {
    name: plain(signals.name),
    ...(signals.folders ? { folders: signals.folders.map(plain) } : {}),
    ...(signals.sheetHeaders ? { sheetHeaders: signals.sheetHeaders.map(simplified) } : {}),
    ...(signals.firstPage ? { firstPage: simplified(signals.firstPage) } : {}),
    ...(signals.listedAs ? { listedAs: simplified(signals.listedAs) } : {}),
  };
}

/**
 * A newspaper cutting's masthead and date run into its headline when the line breaks are lost (大同日报 2020年11月6日
 * 第二版 邮乐直播基地正式开园 …): a break after them lets the headline be the title.
 */
const MASTHEAD =
  /^\s*\S{2,14}?(?:日报|晚报|报|新闻网|网|频道|客户端)\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*(?:星期|周)\S)?(?:\s*第\S{1,3}版)?/u;

/** Letterheads, document numbers and datelines: lines above a title that name the sender or the date. */
/** The label of a cover's form field, before its colon. */
const COVER_FIELD =
  /^(?:密级|保密等级|紧急程度|签发人|编号|文号|页数|份数|\p{Script=Han}{0,4}(?:单位|日期|时间|名称|联系人|电话))[：:]/u;

function isLetterhead(line: string): boolean {
  const text = line.replace(/\s/g, '');
  if (text.length > 40) return false;
  if (/^\S{0,16}\s?\d{4}\s*[-年./]\s*\d{1,2}/.test(line) && text.length <= 30) return true;
  if (/〔\d{4}〕|\[\d{4}\]|第\d+号$|^编号/.test(text)) return true;
  // A cover's form fields (单位名称：…, 报送日期：…, 密级：内部) say who sent it and when, not what it is.
  if (COVER_FIELD.test(text)) return true;
  if (/文件$|^中共|^中国共产党/.test(text) && !/关于/.test(text)) return true;
  // A newspaper's or news site's masthead (大同日报, 黄河新闻网, 人民网山西频道) names who printed it.
  if (text.length <= 12 && /(?:日报|晚报|报社|新闻网|网|频道|客户端|电视台)$/.test(text)) return true;
  return /(?:委员会|支部|党委|总支|人民政府|办公室|商务局|商务厅|有限公司|有限责任公司|集团|协会|学会|研究院|大学|学院)$/.test(
    text,
  );
}

/** The one indicator the name alone names outright (a word of weight 3 or an item number), if any. */
function decisiveName(candidates: Map<string, Candidate>): string | undefined {
  const strong = [...candidates.values()].filter((c) => c.score >= 3);
  const rest = [...candidates.values()].filter((c) => c.score > 0 && c.score < 3);
  return strong.length === 1 && rest.every((c) => c.score <= (strong[0]?.score ?? 0) * MAX_RUNNER_UP_SHARE)
    ? strong[0]?.indicator
    : undefined;
}

/** The decision from the weighed candidates; `groups` are indicators named together in one place. */
function decide(
  all: Candidate[],
  groups: string[][],
  refines: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
  shareable: readonly (readonly string[])[] = [],
  prefer?: (among: string[], margin?: number) => LearnedChoice | undefined,
): EvidenceDecision {
  const narrows = (a: Candidate, b: Candidate) => refines.get(a.indicator)?.has(b.indicator) ?? false;
  // Equal scores: the specific indicator before the general one it narrows.
  const ranked = all
    .filter((c) => c.score > 0)
    .sort(
      (a, b) =>
        b.score - a.score || Number(narrows(b, a)) - Number(narrows(a, b)) || a.indicator.localeCompare(b.indicator),
    );
  // A general word qualified by a specific one (农民工就业人员花名册, 本省产品销售额) is the specific indicator's evidence.
  const [first, second] = ranked;
  if (first && second && narrows(second, first) && second.score >= MIN_DECIDED_SCORE) {
    ranked[0] = second;
    ranked[1] = first;
  }
  const candidates = ranked.map((c) => ({ indicator: c.indicator, score: round2(c.score) }));
  const top = ranked[0];
  if (!top)
    return {
      decision: 'asked',
      confidence: 0,
      candidates: [],
      reasons: ['没有可判断的名称、编号或内容'],
      indicators: [],
    };
  // The set: the winner and what is listed with it, when each of them weighs enough.
  const scoreOf = new Map(ranked.map((c) => [c.indicator, c.score]));
  const set = new Set([top.indicator]);
  for (const group of groups) {
    if (!group.includes(top.indicator)) continue;
    for (const indicator of group) {
      // The notice lets these share one table (从业人员名单（含运维技术人员、党员）): an annotation is enough there.
      const shared = shareable.some((g) => g.includes(top.indicator) && g.includes(indicator));
      if ((scoreOf.get(indicator) ?? 0) >= (shared ? MIN_SHARED_MEMBER_SCORE : MIN_SET_MEMBER_SCORE))
        set.add(indicator);
    }
  }
  // The general indicator the winner narrows does not stand against it (交易额 beside 山西产品).
  const runnerUp = ranked.find((c) => !set.has(c.indicator) && !narrows(top, c))?.score ?? 0;
  const weakest = Math.min(...[...set].map((i) => scoreOf.get(i) ?? 0));
  const confidence = round2(Math.min(1, top.score / 3) * (1 - runnerUp / top.score));
  // The general words the winner narrows are part of why (黄花 with 销售额 is 山西产品交易额).
  const reasons = ranked.filter((c) => set.has(c.indicator) || narrows(top, c)).flatMap((c) => c.reasons);
  const decided = top.score >= MIN_DECIDED_SCORE && runnerUp <= weakest * MAX_RUNNER_UP_SHARE;
  if (!decided) {
    // It may choose against an item number (restricting it to numbered candidates lost 4 names on the dev sets).
    const shown = ranked.slice(0, 4);
    const choice = shown.length >= 2 ? prefer?.(shown.map((c) => c.indicator)) : undefined;
    const chosen = choice && ranked.find((c) => c.indicator === choice.indicator);
    if (choice && chosen) {
      const like = choice.like ? `用词与已归类的“${choice.like}”最接近` : '用词与已归类的材料最接近';
      return {
        decision: 'decided',
        confidence: round2(Math.min(confidence, 0.5)),
        candidates: candidates.slice(0, 6),
        reasons: [...chosen.reasons, like],
        indicators: [chosen.indicator],
      };
    }
    return {
      decision: 'asked',
      confidence,
      candidates: candidates.slice(0, 4),
      reasons: ranked.slice(0, 4).flatMap((c) => c.reasons),
      indicators: [],
    };
  }
  const indicators = ranked.filter((c) => set.has(c.indicator)).map((c) => c.indicator);
  // The words decided, but files worded like this one were settled, far more often, for another candidate: asked.
  // Never against an item number or a code, which the wording cannot see (泽州丹河园-第17项（第二次报送）).
  const shown = ranked.slice(0, 4).map((c) => c.indicator);
  const against = shown.length >= 2 && !numbered(top) ? prefer?.(shown, LEARNED_VETO_MARGIN) : undefined;
  if (against && !set.has(against.indicator)) {
    const like = against.like ? `用词更像已归类的“${against.like}”` : '用词更像另一项指标的已归类材料';
    return {
      decision: 'asked',
      confidence: round2(Math.min(confidence, 0.5)),
      candidates: candidates.slice(0, 4),
      reasons: [...reasons, like],
      indicators: [],
    };
  }
  return { decision: 'decided', confidence, candidates: candidates.slice(0, 6), reasons, indicators };
}

/** Candidates from an item number, or from the indicator order number when the words agree with that reading. */
function numberCandidates(
  items: number[],
  written: string,
  where: 'name' | 'folder',
  vocabulary: CompiledVocabulary,
  spans: Span[],
  add: (indicator: string, score: number, reason: string) => void,
  groups: string[][],
  /** The section of 附件1 a folder above names, if any. */
  section?: { name: string; level: 1 | 2; indicators: string[] },
  sectionLike = false,
): void {
  const score = sectionLike
    ? NUMBER_SCORE[where] * SECTION_LIKE_FACTOR
    : /\d|项/.test(written)
      ? NUMBER_SCORE[where]
      : NUMBER_SCORE[where] * CHINESE_NUMERAL_FACTOR;
  const [only] = items;
  if (section && only !== undefined && items.length === 1) {
    const inSection = (vocabulary.itemIndicators.get(only) ?? []).some((i) => section.indicators.includes(i));
    if (!inSection) {
      // Not the form's item, which lies outside the section: the indicator at that place in the section, if any.
      const placed = section.level === 2 ? section.indicators[only - 1] : undefined;
      if (placed) add(placed, score, `按“${section.name}”下第${only}项指标判定`);
      return;
    }
  }
  const byItem = [...new Set(items.flatMap((item) => vocabulary.itemIndicators.get(item) ?? []))];
  const said = new Set(spans.filter((s) => s.indicator !== null && s.weight >= 2).map((s) => s.indicator as string));
  // A base numbering its files 1, 2, 3 … in the order of 附件1's indicators: the words show which reading holds.
  const byOrder = items.length === 1 ? vocabulary.orderIndicators.get(items[0] ?? 0) : undefined;
  const agreesByItem = byItem.some((i) => said.has(i));
  if (byOrder && !agreesByItem && said.has(byOrder)) {
    add(byOrder, NUMBER_SCORE[where], `按指标序号${items[0]}判定`);
    return;
  }
  const label = items.length > 1 ? `第${items[0]}至${items.at(-1)}项` : `第${items[0]}项`;
  // 四、下一步规划: a Chinese numeral without 第…项 numbers a report's chapters as often as the form's items.
  for (const indicator of byItem) add(indicator, score, `按编号${written.trim()}判定（${label}）`);
  if (byItem.length > 1) groups.push(byItem);
}

/** Adds the candidates of one place's words. */
function weigh(
  source: Source,
  text: string,
  spans: Span[],
  vocabulary: CompiledVocabulary,
  add: (indicator: string, score: number, reason: string) => void,
  groups: string[][],
  /** For column headers: whether a roster may serve the shared set of `base` (absent: not column headers). */
  columns?: (base: string) => boolean,
): void {
  const named = spans.filter((s): s is Span & { indicator: string } => s.indicator !== null);
  if (named.length === 0) return;
  const distinct = new Set(named.map((s) => s.indicator));
  // English puts the head first: a Compliance scorecard for creators is a scorecard.
  const before = englishHead(text);
  const headed = before !== undefined ? spansOf(before, vocabulary).filter((s) => s.indicator !== null) : [];
  const candidates = headed.length > 0 ? headed : named;
  const last = candidates.reduce(
    (a, b) => (b.start > a.start && !b.bracketed ? b : a),
    candidates[0] as Span & { indicator: string },
  );
  const where = PLACE_NAMES[source];
  for (const indicator of distinct) {
    const own = named.filter((s) => s.indicator === indicator);
    const weights = own.map((s) => s.weight * (s.bracketed ? BRACKET_FACTOR : 1)).sort((a, b) => b - a);
    let score = (weights[0] ?? 0) + Math.min(REPEAT_BONUS * (weights.length - 1), weights[0] ?? 0);
    if (distinct.size > 1 && last.indicator === indicator && last.weight >= 2 && HEADED.has(source)) {
      score += HEAD_BONUS;
    }
    const words = [...new Set(own.map((s) => s.word))]
      .slice(0, 3)
      .map((w) => `“${w}”`)
      .join('、');
    add(indicator, score * SOURCE_WEIGHT[source], `${where}含${words}`);
  }
  // Indicators listed together (员工名单（含党员、运维）): one table for several.
  if (!columns) {
    for (const group of vocabulary.listedTogether(text, named)) groups.push(group);
    // A roster's columns listed in brackets (员工花名册（学历、职务、负责项目、政治面貌）) serve its shared set, as its
    // header row would.
    if (!BRACKETED_LIST.test(text)) return;
    for (const [base, ...others] of vocabulary.shareable) {
      if (!named.some((s) => !s.bracketed && s.indicator === base)) continue;
      const served = [
        ...new Set(named.filter((s) => s.bracketed && others.includes(s.indicator)).map((s) => s.indicator)),
      ];
      if (base !== undefined && served.length > 0) groups.push([base, ...served]);
    }
    return;
  }
  // Column headers: a staff roster whose columns serve several of the indicators the notice lets share one table
  // (负责项目, 政治面貌, 是否农民工) is the roster of the group's own indicator too (从业人员). Other columns name what a table
  // holds, not what it is for (a promotions table has a 交易额 column): no set from them.
  // A roster serving one of them only (姓名、入党时间 / 姓名、户籍、务工地) is that indicator's own list, not the staff's.
  if (!/姓名|名字|(?<![a-z])name(?![a-z])/i.test(text)) return;
  for (const [base, ...others] of vocabulary.shareable) {
    const served = others.filter((i) => distinct.has(i));
    if (base === undefined || served.length < 2 || !columns(base)) continue;
    add(base, SOURCE_WEIGHT.headers * MIN_DECIDED_SCORE, '表头为人员名册且列出共用表格的栏目');
    groups.push([base, ...served]);
  }
}

/** The words before an English name's first preposition (`Compliance scorecard` of `… for creators`), if it has one. */
function englishHead(text: string): string | undefined {
  if (/[^\x00-\x7F]/.test(text.replace(/[\s\p{P}]/gu, ''))) return undefined;
  const preposition = /\s(?:for|of|by|on|with|from|in)\s/i.exec(text);
  return preposition && preposition.index > 0 ? text.slice(0, preposition.index) : undefined;
}

/** Brackets holding a list (（学历、职务、政治面貌）). */
const BRACKETED_LIST = /[(（][^)）]*[、，,；;][^)）]*[)）]/u;

/** A list's name ending a cell of at least four characters (名单, 花名册, 明细表, 统计表, 一览表, 台账 …). */
const TABLE_TITLE = /(?:名单|名册|清单|明细|台账|[^数]表)[)）]?$/u;

/** Whether a header cell is the title of its table rather than a column name (主播网名, 粉丝数, 是否党员). */
function isTableTitle(cell: string): boolean {
  const text = cell.replace(/\s/g, '');
  return text.length >= 4 && TABLE_TITLE.test(text) && !/^(?:是否|序号|备注)/.test(text);
}

/** Places whose last word is their head: a name, the mail's words for it, a title. */
const HEADED = new Set<Source>(['name', 'listed', 'title']);

const PLACE_NAMES: Record<Source, string> = {
  name: '文件名',
  listed: '邮件正文所列名称',
  folder: '所在文件夹',
  outerFolder: '上级文件夹',
  headers: '表头',
  title: '首页标题',
  page: '首页正文',
};

/** Whether an item number, a code or a place in a section folder named the candidate. */
function numbered(candidate: Candidate): boolean {
  return candidate.reasons.some((reason) => /^按(?:编号|指标编号|指标序号|“)/.test(reason));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
