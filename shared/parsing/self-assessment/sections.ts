/** The 附件3 outline: its headings, and where a report's text has them (headings survive line breaks). */
import type { Finding } from '../../domain/findings.ts';
import type { SelfAssessmentResult } from './model.ts';

interface SectionSpec {
  id: string;
  title: string;
  /** Chinese ordinal of the heading within its level (一 for 一、 and for （一）). */
  numeral: string;
  /** Wordings seen for the heading, most specific first. */
  names: string[];
}

const NUMERALS = ['一', '二', '三', '四', '五'] as const;

export const SECTION_SPECS: SectionSpec[] = [
  { id: '1', title: '一、基地概况', numeral: '一', names: ['基地概况', '基本概况', '基地概述', '基地简介'] },
  { id: '1.1', title: '（一）基本情况', numeral: '一', names: ['基本情况'] },
  { id: '1.2', title: '（二）经营业绩', numeral: '二', names: ['经营业绩', '经营情况'] },
  { id: '1.3', title: '（三）市场定位', numeral: '三', names: ['市场定位'] },
  {
    id: '1.4',
    title: '（四）主要产品及服务',
    numeral: '四',
    names: ['主要产品及服务', '主要产品和服务', '主要产品与服务', '产品及服务', '产品和服务'],
  },
  { id: '2', title: '二、基地特色', numeral: '二', names: ['基地特色', '特色亮点'] },
  { id: '2.1', title: '（一）促融合', numeral: '一', names: ['促融合'] },
  { id: '2.2', title: '（二）促民生', numeral: '二', names: ['促民生'] },
  { id: '2.3', title: '（三）促发展', numeral: '三', names: ['促发展'] },
  { id: '2.4', title: '（四）促振兴', numeral: '四', names: ['促振兴'] },
  { id: '2.5', title: '（五）促环境', numeral: '五', names: ['促环境'] },
  { id: '3', title: '三、存在问题', numeral: '三', names: ['存在问题', '存在的问题', '问题与不足', '存在的不足'] },
  {
    id: '4',
    title: '四、下一步规划',
    numeral: '四',
    names: ['下一步规划', '下一步计划', '下一步打算', '下一步工作', '发展规划', '工作规划'],
  },
  {
    id: '5',
    title: '五、意见和建议',
    numeral: '五',
    names: ['意见和建议', '意见与建议', '意见及建议', '意见建议', '建议'],
  },
];

export interface CompactText {
  /** NFKC text with whitespace removed (tabs become `|` so table cells do not run together). */
  text: string;
  /** For each UTF-16 index of `text`, the index in the source text. */
  map: number[];
}

/**
 * Folds full-width digits and punctuation (NFKC) and removes line breaks and spaces: PDF text breaks headings
 * and numbers across lines, and Chinese prose has no meaningful spaces. The full-width comma is kept as it is,
 * since it separates clauses far more often than thousands.
 */
export function compactText(source: string): CompactText {
  let text = '';
  const map: number[] = [];
  let index = 0;
  for (const ch of source) {
    if (ch === '\t') {
      text += '|';
      map.push(index);
    } else if (!/\s/.test(ch)) {
      const folded = ch === '，' ? ch : ch.normalize('NFKC');
      for (let k = 0; k < folded.length; k++) map.push(index);
      text += folded;
    }
    index += ch.length;
  }
  return { text, map };
}

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Finds outline headings; returns, per section id, where its heading starts in the compact text (-1 if only seen by line). */
export function locateSections(source: string, compact: string): Map<string, number> {
  const found = new Map<string, number>();
  const lines = source.split('\n').map((line) => line.normalize('NFKC').replace(/\s/g, ''));
  for (const spec of SECTION_SPECS) {
    const sub = spec.id.includes('.');
    const names = spec.names.map(escapeRegExp).join('|');
    const arabic = String(NUMERALS.indexOf(spec.numeral as (typeof NUMERALS)[number]) + 1);
    // Numbered heading anywhere (survives line breaks inside it): 三、存在问题 / （三）市场定位 / 3.市场定位.
    const numbered = sub
      ? new RegExp(`(?:\\(${spec.numeral}\\)|(?<![\\d.])${arabic}[.、](?!\\d))(?:${names})`)
      : new RegExp(`(?:(?<![一二三四五六七八九十])${spec.numeral}[、.,:]|第${spec.numeral}部分[、.,:]?)(?:${names})`);
    const match = numbered.exec(compact);
    if (match) {
      found.set(spec.id, match.index);
      continue;
    }
    // Otherwise a short line that starts with the heading, whatever its numbering style.
    const longNames = spec.names.filter((name) => name.length >= 3).map(escapeRegExp);
    if (longNames.length === 0) continue;
    const lineHeading = new RegExp(
      `^(?:[(]?[一二三四五六七八九十\\d]{1,2}[)]?[、.,:]?|第[一二三四五六七八九十]部分[、.,:]?)?(?:${longNames.join('|')})`,
    );
    if (lines.some((line) => line.length <= 30 && lineHeading.test(line))) found.set(spec.id, -1);
  }
  return found;
}

export function sectionSpan(sections: Map<string, number>, id: string, length: number): { start: number; end: number } {
  const start = sections.get(id);
  if (start === undefined || start < 0) return { start: 0, end: 0 };
  const later = [...sections.values()].filter((pos) => pos > start);
  return { start, end: later.length ? Math.min(...later) : length };
}

/** A report nothing could be read from, with why (every section not found). */
export function emptyResult(findings: Finding[]): SelfAssessmentResult {
  return {
    text: '',
    pages: 0,
    cover: {},
    sections: SECTION_SPECS.map(({ id, title }) => ({ id, title, present: false })),
    figures: {},
    findings,
  };
}
