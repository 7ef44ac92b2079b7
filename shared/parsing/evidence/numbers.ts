/**
 * Report-form item numbers in evidence names, the way bases number their files: `17.xlsx`, `17 直播明细`, `17-1`,
 * `第17项`, `（十七）直播活动`, `第四十项`, `23-26项`. A number is an item number only where bases put one — at the
 * start of a name or folder, or spelled 第N项 — and never when it is a count, a date or a place: `2号直播间`,
 * `1号楼`, `11.08`, `2023年`, `第5期`, `附件12` (an attachment's own number, see `attachmentNumber`).
 */
import { CHINESE_DIGITS } from '../chinese-digits.ts';

/**
 * A forwarding or sending prefix (`太原市商务局转-`, `晋中市商务局报送_`, `XX区商务局推荐：`): says who passed the
 * file on, not what it is. Removed before numbers and words are read.
 */
const FORWARDED =
  /^[^-_—\s、:：]{2,24}?(?:局|厅|委|办|政府|中心|公司|基地)(?:转发?|转报|转送|报送|推荐|上报)[-_—:：\s]*/u;

/** A name without its forwarding prefix. */
export function withoutForwarding(text: string): string {
  const stripped = text.normalize('NFKC').replace(FORWARDED, '');
  return stripped.trim() === '' ? text : stripped;
}

/** Circled numbers (①…⑳) as bases number lists and files. */
const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';

/** A number as bases write an item's: digits, or Chinese numerals (十七, 廿一). */
const NUMERAL = '(?:\\d{1,2}|[一二三四五六七八九十廿卅]{1,3})';

/** Items that may carry a number: the report form has 44. */
const MAX_ITEM = 99;

/** Characters after a leading number that make it a count, an ordinal or a date rather than an item number. */
const NOT_ITEM_AFTER =
  /^(?:[号楼层栋幢座间期批届次个家场万元年月日周季度天岁位款件套台%％#]|人(?!员)|名(?![单册录])|[.．:：]\d{2}|\d)/;
/** After a zero-padded number (08人员名单) only a date or a longer number says it is not an item: counts have no 0. */
const NOT_PADDED_ITEM_AFTER = /^(?:[.．:：]\d{2}|\d|[年月日])/;

/** 十七 -> 17, 四十 -> 40, 二十三 -> 23; undefined for anything else. */
export function chineseNumber(text: string): number | undefined {
  if (text === '') return undefined;
  // 廿一, 卅二: the old forms of 二十, 三十 (dates, and some offices' numbering).
  const old = /^([廿卅])([一二三四五六七八九])?$/u.exec(text);
  if (old) return (old[1] === '廿' ? 20 : 30) + (old[2] ? (CHINESE_DIGITS[old[2]] ?? 0) : 0);
  if (text.length === 1 && text in CHINESE_DIGITS) return CHINESE_DIGITS[text];
  const ten = text.indexOf('十');
  if (ten < 0 || text.indexOf('十', ten + 1) >= 0) return undefined;
  const head = text.slice(0, ten);
  const tail = text.slice(ten + 1);
  const tens = head === '' ? 1 : CHINESE_DIGITS[head];
  const units = tail === '' ? 0 : CHINESE_DIGITS[tail];
  if (tens === undefined || units === undefined || head.length > 1 || tail.length > 1) return undefined;
  return tens * 10 + units;
}

/** An item number found in a text, and how it was written (for the reason shown to staff). */
export interface ItemNumber {
  items: number[];
  written: string;
  /** Written N.M (17.1, 2.4): a sub-item, or a report's section numbered so. */
  sectionLike?: boolean;
}

/**
 * The report-form item(s) a name or folder is numbered by, or undefined. Chinese numerals count only in file names
 * (a folder `（一）基础硬件` numbers a section, not an item) unless written 第…项.
 */
export function itemNumber(text: string, where: 'name' | 'folder'): ItemNumber | undefined {
  // 古交基地_13: the base's short name before the number says who sent it.
  const t = withoutForwarding(text)
    .normalize('NFKC')
    .trim()
    .replace(/^[^\d\s_\-—]{0,12}(?:基地|产业园|电商园|园区|中心|公司)[_\-—\s]+(?=\d)/u, '')
    // TG-Base_item38 Strategic plan, 2023 Form item 19: item N in English is the form's item wherever it stands.
    .replace(/^.{0,24}?[\s_-](?=(?:form\s*)?item\s*[-_#]?\s*\d{1,2}(?!\d))/iu, '')
    .replace(/^form\s*(?=item)/iu, '')
    // DI17XIANG: 第17项 in pinyin.
    .replace(/(?<![a-z])di\s*(\d{1,2})\s*xiang(?![a-z])/giu, '第$1项');
  // 1.1.2: a place in 附件1's table of indicators (一级.二级.三级), not item 1 of the report form.
  if (indicatorCode(t)) return undefined;
  // 第17、18项 / 17，18项 anywhere (题 as 项: 第17题), 17+18 直播 at the start: several items, one file (「可以共用一张表格」).
  const separator = '\\s*[、,，和及与&+]\\s*';
  // 第17项和第18项: each item written out, joined.
  const each = new RegExp(`第\\s*${NUMERAL}\\s*[项题](?:${separator}第\\s*${NUMERAL}\\s*[项题])+`, 'u').exec(t);
  if (each) {
    const items = [...each[0].matchAll(new RegExp(`第\\s*(${NUMERAL})\\s*[项题]`, 'gu'))].map(
      (m) => toNumber(m[1] ?? '') ?? 0,
    );
    if (items.every((n) => n >= 1 && n <= MAX_ITEM) && new Set(items).size === items.length)
      return { items, written: each[0].trim() };
  }
  const listed =
    new RegExp(`(?:^|第)\\s*(${NUMERAL}(?:${separator}${NUMERAL})+)\\s*[项题]`, 'u').exec(t) ??
    new RegExp(`^(\\d{1,2}(?:${separator}\\d{1,2})+)(?!\\d)`, 'u').exec(t);
  if (listed) {
    const items = (listed[1] ?? '').split(new RegExp(separator, 'u')).map((n) => toNumber(n) ?? 0);
    const rest = /[项题]$/.test(listed[0]) ? '' : t.slice(listed.index + listed[0].length).trim();
    const valid = items.every((n) => n >= 1 && n <= MAX_ITEM) && new Set(items).size === items.length;
    // 1、2号楼: numbers of buildings or rooms, the first as much as the second.
    if (NOT_ITEM_AFTER.test(rest)) return undefined;
    if (valid) return { items, written: listed[0].trim() };
  }
  // 第17项 / 第十七项 / 23-26项 / 第23至26项, anywhere.
  const spelled =
    /第?\s*(\d{1,2}|[一二三四五六七八九十廿卅]{1,3})\s*(?:[-~～至到—–]\s*(\d{1,2}|[一二三四五六七八九十廿卅]{1,3}))?\s*[项题]/.exec(
      t,
    );
  if (spelled && (spelled[0].startsWith('第') || spelled[2] !== undefined || /^\d/.test(spelled[0]))) {
    const from = toNumber(spelled[1] ?? '');
    const to = spelled[2] === undefined ? from : toNumber(spelled[2]);
    if (from !== undefined && to !== undefined && from >= 1 && to >= from && to <= MAX_ITEM && to - from < 10) {
      return { items: range(from, to), written: spelled[0].trim() };
    }
  }
  // A leading number: 17.xlsx, 17 直播明细, 17-1, 17、, (17), 【17】, 指标17, item-17, 附表17, Q17, xiang17 (项 in
  // pinyin), 附件2-17 (item 17 of 附件2, the report form).
  const lead =
    /^(?:no\.?|#|编号|序号|指标|项目|项|xiang\s*[-_]?|附表|(?:证明|佐证)?材料|加分项|附加项|(q)|item\s*[-_#]?|附件?\s*[2二]\s*[-—_－.]\s*)?\s*[([（【〔]?\s*(\d{1,2})(\s*)[)\]）】〕]?/i.exec(
      t,
    );
  // Q1–Q4 are quarters (Q3经营数据), not questions.
  if (lead?.[1] && Number(lead[2]) <= 4) return undefined;
  if (lead) {
    // A unit straight after the digits makes it a count (36名, 2号); after a space it is the name (36 名单).
    const after = t.slice(lead.index + lead[0].length - (lead[0].length - lead[0].trimEnd().length));
    // A number closed by a bracket (【30】批复, (17)直播) is a number of its own, whatever follows.
    const closed = /[)\]）】〕]$/.test(lead[0].trimEnd());
    const rest = lead[3] || closed ? '' : after;
    const value = Number(lead[2]);
    const notItem = /^0\d/.test(lead[2] ?? '') ? NOT_PADDED_ITEM_AFTER : NOT_ITEM_AFTER;
    if (value >= 1 && value <= MAX_ITEM && !notItem.test(rest)) {
      // 2.4 基地特色: a report's section numbered like a sub-item; it reads as item 2 only as much as a chapter numeral.
      const sub = /^[.．]\d(?!\d)/.exec(rest);
      return { items: [value], written: lead[0] + (sub?.[0] ?? ''), ...(sub ? { sectionLike: true } : {}) };
    }
    return undefined;
  }
  // （十七）直播活动 / 十七、直播活动, in file names only.
  if (where === 'name') {
    const chinese = /^[(（]?([一二三四五六七八九十廿卅]{1,3})(?:[)）]|[、.．\s]|$)/.exec(t);
    const value = chinese ? chineseNumber(chinese[1] ?? '') : undefined;
    if (chinese && value !== undefined && value >= 1) return { items: [value], written: chinese[0] };
  }
  return undefined;
}

/** A place in 附件1's table of indicators: 一级, 二级 (0 when the code counts across the whole 一级) and 三级. */
export interface IndicatorCode {
  place: [number, number, number];
  written: string;
  /** Written with a letter for the 一级 (B05), which a photo's number (A01.jpg) can look like too. */
  lettered: boolean;
}

/**
 * A leading code of 附件1's table of indicators, as bases number evidence when they follow the scoring table rather
 * than the report form: `1.1.2 直播间明细`, `2-2-1`, `3．2．4`, `指标3.2.2` (一级.二级.三级), or a letter for the 一级 and
 * the indicator's place within it (`A-3`, `B05`, `C-07`: 承载能力's third, 服务能力's fifth, 保障能力's seventh). `A4`
 * (paper) is none: a letter code is written with a separator or two digits. Undefined when the text starts with none.
 */
export function indicatorCode(text: string): IndicatorCode | undefined {
  const t = text.normalize('NFKC').trim();
  const dotted =
    /^(?:no\.?|#|编号|序号|(?:三级)?指标(?:编号)?)?\s*[(（【[]?\s*([1-9])\s*([.．\-—_])\s*([1-9])\s*\2\s*([1-9])(?![\d.．])[)）】\]]?/iu.exec(
      t,
    );
  if (dotted)
    return {
      place: [Number(dotted[1]), Number(dotted[3]), Number(dotted[4])],
      written: dotted[0].trim(),
      lettered: false,
    };
  const lettered = /^([A-E])(?:[-_—]\s*(\d{1,2})|(\d{2}))(?![\d.．a-z])/u.exec(t);
  if (!lettered) return undefined;
  const place = Number(lettered[2] ?? lettered[3]);
  return place >= 1
    ? { place: ['ABCDE'.indexOf(lettered[1] ?? '') + 1, 0, place], written: lettered[0], lettered: true }
    : undefined;
}

/**
 * The number of an attachment named only by it (`附件5.pdf`, `附件（5）`, `5.pdf`, `附件（五）`, `附件⑤`), for the
 * mail body's list. A copy mark after it (`附件5(1)`, `附件5 副本`) is not part of the name.
 */
export function attachmentNumber(stem: string): number | undefined {
  const t = withoutForwarding(stem)
    .replace(/(?<=[\d一二三四五六七八九十)）])(?:\s*[(（]\d[)）]|[\s_-]*(?:副本|终版|定稿))+$/u, '')
    .trim();
  const circled = new RegExp(`^(?:附件|附|材料|证明材料)?\\s*([${CIRCLED}])$`, 'u').exec(stem.trim());
  if (circled) return CIRCLED.indexOf(circled[1] ?? '') + 1;
  const match =
    /^(?:附件|附|材料|证明材料)?\s*[(（【[]?\s*(\d{1,3}|[一二三四五六七八九十廿卅]{1,3})\s*[)）】\]]?$/.exec(t);
  if (!match) return undefined;
  const value = toNumber(match[1] ?? '');
  // A bare Chinese numeral (二.pdf) is a word, not a number: it counts only after 附件 or in brackets.
  if (value === undefined || (!/^\d/.test(match[1] ?? '') && !/^(?:附件|附|材料|证明材料)|^[(（【[]/.test(t)))
    return undefined;
  return value;
}

/**
 * The attachments a mail body enumerates: `附件1：直播间明细表`, `1.直播间明细`, `附件（2）网络协议；` — a map from the
 * number to the words. Bounded: the first 200 lines of the body.
 */
export function enumeratedAttachments(body: string): Map<number, string> {
  const out = new Map<number, string>();
  const text = body.normalize('NFKC').split(/\r?\n/).slice(0, 200).join('\n');
  const pattern = new RegExp(
    `(?<=^|[\\s；;，,:：。、]|附件|附)(?<!\\d[:：])[(（]?\\s*(\\d{1,3}|[一二三四五六七八九十廿卅]{1,3}(?=\\s*[)）、.．:：])|[${CIRCLED}])\\s*[)）]?\\s*[、.:：．]?\\s*([^\\n；;，,。0-9（(]{2,40})`,
    'gmu',
  );
  for (const match of text.matchAll(pattern)) {
    const written = match[1] ?? '';
    const number = CIRCLED.includes(written) ? CIRCLED.indexOf(written) + 1 : (toNumber(written) ?? 0);
    const words = (match[2] ?? '').trim();
    if (number < 1 || out.has(number) || !/^[\u4e00-\u9fff]/.test(words) || /^[年月日号时分秒个份页]/.test(words))
      continue;
    out.set(number, words);
  }
  return out;
}

/** Copy and update marks after a name (`附件5(1)`, `附件5 副本`, `附2-补`, `附件3 更新`): not part of its label. */
const COPY_MARKS =
  /(?<=[\da-z一二三四五六七八九十)）ⅰ-ⅿⅠ-Ⅿ])(?:\s*[(（]\d[)）]|[\s_\-—]*(?:副本|终版|定稿|补充?|更新|修改|新版))+$/iu;

/**
 * Names that are only a label a mail body can write out: a few characters and a numeral or a letter (`文件三`,
 * `材料之一`, `财务-2`, `表一`, `att2`, `Ⅱ`, `B`, `第三个附件`). An attachment's number (`附件5`) is one too.
 */
const LABEL = new RegExp(
  [
    '^\\p{Script=Han}{0,4}[\\s\\-_—]?(?:\\d{1,2}|[一二三四五六七八九十廿卅]{1,3})$',
    '^\\p{Script=Han}{1,4}[\\s\\-_—]?[a-z]$',
    '^[a-z]{1,10}[\\s\\-_.]?\\d{1,2}$',
    '^[ivx]{1,4}$',
    '^[a-z]$',
  ].join('|'),
  'iu',
);

/** `第三个附件`, `第3份`, `第二个文件`: an attachment's place in the mail's list. */
const ORDINAL = /^第\s*(\d{1,2}|[一二三四五六七八九十廿卅]{1,3})\s*(?:个|份)\s*(?:附件|文件|材料)?$/u;

/**
 * What the mail body says an attachment is, when its name is only a label: the words after that label where the
 * body writes it out (`文件三是三会一课记录`, `财务-2 缴税明细`, `Ⅱ 技术创新应用`, `att2 - 投融资协议`, `B 农民工名单`), else
 * the words at its number in the body's numbered list (`附件5.pdf`: `附件5：宽带协议`) or in a list given in order
 * (`第三个附件`: `附件依次为：直播间明细、主播名单、直播活动明细`). Undefined when the name says more than a label, or
 * the body does not say. Bounded: the first 200 lines of the body.
 */
export function listedAs(body: string, stem: string): string | undefined {
  const label = withoutForwarding(stem).normalize('NFKC').replace(COPY_MARKS, '').trim();
  const text = withoutAnnotations(body.normalize('NFKC').split(/\r?\n/).slice(0, 200).join('\n'));
  // 精准扶…: a name the mail client cut short; the body lists it whole.
  const cut = /^(.{2,40}?)(?:…|\.{3})(?:\.?[a-z0-9]{2,5})?$/iu.exec(label);
  if (cut) return completed(text, cut[1] ?? '');
  // 武乡01, 临县补报-1, 浑源-附件1: the sender's place before an attachment's number.
  const owned = label.replace(OWNER_BEFORE_NUMBER, '');
  const number = attachmentNumber(label) ?? attachmentNumber(owned) ?? counterOf(label) ?? supplementNumber(owned);
  const ordinal = ORDINAL.exec(label);
  if (label === '' || label.length > 14) return undefined;
  if (number === undefined && !ordinal && !LABEL.test(label) && !LABEL.test(owned)) return undefined;
  // The label as the body writes it: whole, or without the place before it (右玉材料一: 材料一 入驻商家名单), after
  // the words (一是直播间明细表（附表二）) or before them.
  // A bare number is looked up in the numbered list instead (1 主播名单 2 宽带合同 runs on).
  const labels = owned !== label && /^\D/u.test(owned) ? [label, owned] : [label];
  for (const written of labels) {
    const found = writtenOut(text, written) ?? writtenBefore(text, written);
    if (found !== undefined) return found;
  }
  const counted = number ?? trailingNumeral(label) ?? trailingNumeral(owned);
  if (counted !== undefined)
    return enumeratedAttachments(text).get(counted) ?? inOrder(text)[counted - 1] ?? inProse(text).get(counted);
  const place = ordinal ? toNumber(ordinal[1] ?? '') : undefined;
  return place === undefined ? undefined : inOrder(text)[place - 1];
}

/**
 * A few characters of place or sender before an attachment's number or label (`武乡`, `临县补报-`, `浑源-`, `右玉` of
 * 右玉材料一, `怀仁` of 怀仁附表三).
 */
const OWNER_BEFORE_NUMBER =
  /^\p{Script=Han}{1,8}?[\s\-_—]*(?=(?:附件|附表|附|材料|补|表|文件)?\s*[(（]?(?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）]?$)/u;

/** A scanner's or a mail client's counter as a label (`Scan1`, `doc2`, `Att.3`): its number, for a numbered list. */
function counterOf(label: string): number | undefined {
  const counter = /^[a-z]{2,10}[\s._-]?(\d{1,2})$/i.exec(label);
  return counter ? Number(counter[1]) : undefined;
}

/** The numeral a short label ends with (`表一`, `文件3`), for a list the body gives in prose. */
function trailingNumeral(label: string): number | undefined {
  const numeral = /^\p{Script=Han}{1,3}\s*(\d{1,2}|[一二三四五六七八九十]{1,3})$/u.exec(label);
  return numeral ? toNumber(numeral[1] ?? '') : undefined;
}

/**
 * A list the body gives in prose (`第一个表是入驻商家的名单，第二个是今年拿到的投资，…最后一个是在孵的主播`): the words
 * by place, the last one after the others.
 */
function inProse(text: string): Map<number, string> {
  const out = new Map<number, string>();
  const pattern =
    /(第\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})|最后\s*一?)\s*[个份张]\s*(?:表|文件|附件|材料|表格)?\s*(?:是|为)\s*([^，,。；;\n]{2,40})/gu;
  let last: string | undefined;
  for (const match of text.matchAll(pattern)) {
    const words = (match[2] ?? '').trim();
    if (match[1]?.startsWith('最后')) last = words;
    else {
      const place = toNumber((match[1] ?? '').replace(/^第\s*/, ''));
      if (place !== undefined && !out.has(place)) out.set(place, words);
    }
  }
  if (last !== undefined) out.set(Math.max(0, ...out.keys()) + 1, last);
  return out;
}

/** A supplement's number (`补1`, `补件2`, `补充3`): its place in the supplement's list. */
function supplementNumber(label: string): number | undefined {
  const supplement = /^补(?:充|件|交|报)?\s*[-_]?\s*(\d{1,2})$/u.exec(label);
  return supplement ? Number(supplement[1]) : undefined;
}

/** The words before `label` where the body writes it in brackets after them (`一是直播间明细表（附表二）；`). */
function writtenBefore(text: string, label: string): string | undefined {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s*');
  const pattern = new RegExp(`([^\\n；;，,。|:：（(]{2,60})[（(]\\s*${escaped}\\s*[)）]`, 'gu');
  for (const match of text.matchAll(pattern)) {
    const words = (match[1] ?? '')
      .replace(/^\s*(?:[一二三四五六七八九十]+是|其[一二三四五六七八九十]+|\d{1,2}[.、)）]?)\s*/u, '')
      .trim();
    if (/\p{Script=Han}{2}/u.test(words)) return words;
  }
  return undefined;
}

/** A page count or a size written beside an attachment (`（共2页）`, `（2.3MB）`, `(64KB)`): not its name. */
function withoutAnnotations(text: string): string {
  return text.replace(/[(（]\s*(?:共|约)?\s*\d+(?:\.\d+)?\s*(?:页|张|份|个|mb|kb|gb|m|k)\s*[)）]/giu, ' ');
}

/** The body's whole words for a name cut short after `start` (`精准扶` → `精准扶贫案例材料`), if it writes them once. */
function completed(text: string, start: string): string | undefined {
  const escaped = start.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = [...text.matchAll(new RegExp(`${escaped}[^\\n；;，,。|]{0,60}`, 'gu'))].map((m) => m[0].trim());
  const distinct = [...new Set(found.map((f) => f.replace(/\.[a-z0-9]{2,5}\s*$/i, '')))];
  return distinct.length === 1 ? distinct[0] : undefined;
}

/** The words after `label` where the body writes it as a token (not inside a longer word or number). */
function writtenOut(text: string, label: string): string | undefined {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s*');
  const pattern = new RegExp(
    `${/^\p{Script=Han}/u.test(label) ? '' : '(?<![a-z0-9\\p{Script=Han}])'}${escaped}(?:\\.[a-z0-9]{2,5})?(?![a-z0-9一二三四五六七八九十])(?:\\s*[：:、.．)）\\-—_|]){0,3}\\s*(?:为|是)?\\s*[《「“]?\\s*([^\\n；;，,。|》」”]{2,60})`,
    'giu',
  );
  for (const match of text.matchAll(pattern)) {
    const words = (match[1] ?? '').trim();
    // Words, not a count or a date after the label (附件3 共12页) and not a file type (.pdf): Chinese, or letters
    // before Chinese (AI数字人直播应用案例).
    if (/^(?:[a-z]{1,6}\s*)?\p{Script=Han}{2}/iu.test(words) && !/^[年月日号时分秒个份页]/.test(words)) return words;
    // An English mail's words (Att.1 - Office floor area by building): two words at least.
    if (/^[a-z]{2,}(?:[\s&/-]+[a-z]{2,})+/i.test(words)) return words;
  }
  return undefined;
}

/** A list given in order (`附件依次为：甲、乙、丙`, `分别是甲、乙`): its items, first first. */
function inOrder(text: string): string[] {
  const list =
    /(?:依次为|依次是|分别为|分别是|包括|^\s*(?:附件|材料|补充?)\s*[：:])\s*[：:]?\s*([^。\n]{4,300})/mu.exec(text);
  if (!list) return [];
  return (
    (list[1] ?? '')
      .split(/[，,；;]/)[0]
      ?.split('、')
      .map((item) => item.trim())
      .filter((item) => item.length >= 2) ?? []
  );
}

function toNumber(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : chineseNumber(text);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
