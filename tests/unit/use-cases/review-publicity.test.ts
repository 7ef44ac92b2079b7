/**
 * The 公示 (二、(三)): wording, objection period in working days, the tables, HTML escaping, and the .docx package
 * read back by mammoth (a real reader, so a broken package fails here).
 */
import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import type { AdjustmentProposal, BaseResult } from '../../../shared/domain/review.ts';
import { addWorkingDays, publicityHtml, publicityText } from '../../../shared/domain/review-text.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { publicityDocx } from '../../../shared/use-cases/review-publicity-docx.ts';

const round = loadRound('2023');

function result(baseId: string, total: number, grade: 'A' | 'B' | 'C' | 'D'): BaseResult {
  const base = round.bases.find((b) => b.id === baseId);
  if (!base) throw new Error(baseId);
  return {
    baseId,
    name: base.name,
    city: base.city,
    category: base.category,
    experts: ['专家A'],
    indicators: [],
    groups: [],
    scored: total,
    bonusRaw: 0,
    bonus: 0,
    deductions: [],
    total,
    grade,
    controls: [],
    blockers: [],
    missing: [],
    rank: { province: 1, city: 1 },
    comments: [],
    expertTotals: {},
    totalSpread: null,
  };
}

const results = [result('p01', 90, 'A'), result('p20', 45, 'D'), result('r05', 88, 'A')];
const proposal: AdjustmentProposal = {
  removals: [
    {
      baseId: 'p20',
      name: '晋享生活直播基地',
      city: 'zonggai',
      category: 'provincial',
      total: 45,
      grade: 'D',
      prior: { baseId: 'p20', year: 2021, grade: 'D', source: 'round-data' },
      reason: 'r',
    },
  ],
  additions: [
    {
      baseId: 'r05',
      name: '极致星空电商直播基地',
      city: 'jincheng',
      category: 'recommended',
      total: 88,
      grade: 'A',
      prior: { baseId: 'r05', year: 2021, grade: 'B', source: 'round-data' },
      order: 1,
      reason: 'r',
    },
  ],
  gaps: [],
};

describe('公示', () => {
  it('counts the objection period in working days (5 from Monday 11-27 ends Friday 12-01; from Thursday, Wednesday)', () => {
    // Assess
    expect(addWorkingDays('2023-11-27', 5)).toBe('2023-12-01');
    expect(addWorkingDays('2023-11-30', 5)).toBe('2023-12-06');
    expect(addWorkingDays('2023-12-02', 1)).toBe('2023-12-04');
  });

  it('words the notice in the department’s style with the period, contact, tables (by grade, then city order) and sign-off', () => {
    // Act
    const text = publicityText({ round, proposal, results, from: '2023-11-27', until: '2023-12-01' });

    // Assess
    expect(text.title).toBe('关于2022—2023年度省级直播电商基地综合评价结果及拟调整名单的公示');
    expect(text.paragraphs[0]).toContain('（晋商电便〔2023〕85号）要求');
    expect(text.paragraphs[1]).toBe('公示时间：11月27日至12月1日。');
    expect(text.paragraphs[3]).toBe('经综合评价，拟取消1家基地的省级直播电商基地示范资格，拟补入1家基地。');
    expect(text.tables.map((t) => t.caption)).toEqual([
      '一、2022—2023年度省级直播电商基地综合评价等级',
      '二、拟取消省级直播电商基地示范资格名单',
      '三、拟补入省级直播电商基地名单',
    ]);
    expect(text.tables[0]?.rows.map((r) => [r[2], r[3]])).toEqual([
      ['极致星空电商直播基地', 'A'],
      ['中国（山西）数字直播电商产业示范基地', 'A'],
      ['晋享生活直播基地', 'D'],
    ]);
    expect(text.contact).toContain('0351-4077903');
    expect([text.signature, text.signedOn]).toEqual(['山西省商务厅电子商务处', '2023年11月27日']);
  });

  it('says so when nothing is to be adjusted, and leaves the empty tables out', () => {
    // Act
    const text = publicityText({
      round,
      proposal: { removals: [], additions: [], gaps: [] },
      results,
      from: '2023-11-27',
      until: '2023-12-01',
    });

    // Assess
    expect(text.paragraphs[3]).toBe('经综合评价，本年度无拟调整的省级直播电商基地。');
    expect(text.tables).toHaveLength(1);
  });

  it('escapes names in the HTML and writes a .docx a Word reader opens', async () => {
    // Prepare
    const odd = [{ ...result('p01', 90, 'A'), name: '<b>“晋”&基地</b>' }];
    const text = publicityText({ round, proposal, results: odd, from: '2023-11-27', until: '2023-12-01' });

    // Act
    const html = publicityHtml(text);
    const docx = publicityDocx(text);
    const read = await mammoth.extractRawText({ buffer: docx });

    // Assess
    expect(html).toContain('&lt;b&gt;“晋”&amp;基地&lt;/b&gt;');
    expect(html).not.toContain('<b>“晋”');
    expect(read.value).toContain('关于2022—2023年度省级直播电商基地综合评价结果及拟调整名单的公示');
    expect(read.value).toContain('公示时间：11月27日至12月1日。');
    expect(read.value).toContain('<b>“晋”&基地</b>');
    expect(read.value).toContain('晋享生活直播基地');
    expect(read.value.trim().endsWith('2023年11月27日')).toBe(true);
  });
});
