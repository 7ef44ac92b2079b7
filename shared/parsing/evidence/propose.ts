/**
 * A word to propose for the vocabulary when staff classify a file by hand: what its name says that the vocabulary
 * does not know (晋享云集 in 2023晋享云集专场照片.jpg, classified 专题促销). Staff accept or reject each proposal;
 * nothing joins the vocabulary on its own.
 *
 * Primary course: take the name's stem, without the base's name, dates, numbers, brackets and the words that say
 * only what kind of file it is (明细, 照片 …); keep the runs of Chinese characters left; the longest run of 2–10
 * characters is the proposal.
 * Alternatives: the name already leads to the chosen indicator, holds a word of it, or is a scanner's or an
 * editor's default name (扫描全能王, 新建 Microsoft Excel 工作表, 微信图片) → no proposal.
 */
import type { Round } from '../../domain/catalogue.ts';
import { classifyEvidence } from './classify-evidence.ts';
import { analyseText, compileVocabulary } from './vocabulary.ts';

/** Shortest and longest word proposed, in characters. */
export const PROPOSED_WORD_LENGTH = { min: 2, max: 10 } as const;

/** Names tools give files: they say nothing of the content. */
const DEFAULT_NAME =
  /扫描全能王|全能扫描|微信图片|微信截图|QQ图片|屏幕截图|新建|工作簿|工作表|文档|副本|打印|未命名|无标题|扫描件|^(?:img|dsc|scan|doc|mmexport)/iu;
/** The share of the name's Chinese characters a proposed word must have. */
const MIN_SHARE_OF_NAME = 0.4;
/** A place's name (晋源区, 云冈镇): where, not what. */
const PLACE = /(?:省|市|区|县|镇|乡|村|街道)$/u;
/** Characters that are not part of a word: digits, Latin letters, marks. */
const NOT_WORD = /[^\p{Script=Han}]/u;
/** Words that never name anything on their own. */
const EMPTY_WORDS =
  /^(?:关于|我司|我基地|基地|园区|公司|有限公司|年度|年|月|日|情况|相关|其他|及|和|与|的|人员|数据|信息|资料|文件|表格|统计|汇总|工作|活动|一览|登记|最新|补充|全部|部分)+$/u;

/** The word a file name proposes for `indicator`, or null. */
export function proposeWord(fileName: string, indicator: string, round: Round): string | null {
  const stem = fileName.replace(/\.[a-z0-9]{1,5}$/i, '');
  if (DEFAULT_NAME.test(stem)) return null;
  const decision = classifyEvidence({ name: fileName }, round);
  if (decision.decision === 'decided' && decision.indicators.includes(indicator)) return null;
  const vocabulary = compileVocabulary(round);
  const analysis = analyseText(vocabulary.strip(stem), vocabulary);
  if (analysis.spans.some((s) => s.indicator === indicator && s.weight >= 2)) return null;
  // Characters covered by a generic word or by another indicator's word are not part of the proposal.
  const covered = new Array<boolean>(analysis.compact.length).fill(false);
  for (const span of [...analysis.generic, ...analysis.spans]) {
    for (let i = span.start; i < span.end; i++) covered[i] = true;
  }
  const runs: string[] = [];
  let run = '';
  [...analysis.compact].forEach((char, i) => {
    const breaks = covered[i] || NOT_WORD.test(char) || (analysis.separated[i] ?? false);
    if (breaks) {
      if (run) runs.push(run);
      run = covered[i] || NOT_WORD.test(char) ? '' : char;
      return;
    }
    run += char;
  });
  if (run) runs.push(run);
  // What is left must be much of the name: a short rest beside known words qualifies them (晋源 in 晋源职工一览).
  const han = [...analysis.compact].filter((char) => !NOT_WORD.test(char)).length;
  const words = runs
    .map((w) => w.replace(/^(?:关于|的)+|(?:的)+$/u, ''))
    .filter((w) => w.length >= PROPOSED_WORD_LENGTH.min && w.length <= PROPOSED_WORD_LENGTH.max)
    .filter((w) => w.length >= han * MIN_SHARE_OF_NAME)
    .filter((w) => !EMPTY_WORDS.test(w) && !PLACE.test(w));
  return words.sort((a, b) => b.length - a.length)[0] ?? null;
}
