import { describe, expect, it } from 'vitest';
import type { Base } from '../../../shared/domain/catalogue.ts';
import {
  chineseDate,
  chineseDay,
  chineseTime,
  chineseWhen,
  deadlineWords,
} from '../../../shared/domain/chinese-time.ts';
import { addressOf, cityFindings, newBasesOf } from '../../../shared/domain/city-rules.ts';
import { noticeCitation, ordinal, shownText } from '../../../shared/domain/notice-text.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';

const round = loadRound('2023');

describe('dates in the 公文 format', () => {
  it('writes days, instants and the deadline in words, Beijing time, the year only outside the round', () => {
    // Act / Assess
    expect(chineseDate('2023-11-10')).toBe('2023年11月10日');
    expect(chineseTime('2023-12-07T03:29:00Z', round)).toBe('12月7日11时29分');
    expect(chineseTime('2023-11-09T02:00:00Z', round)).toBe('11月9日10时');
    expect(chineseTime('2024-01-03T01:15:00Z', round)).toBe('2024年1月3日9时15分');
    expect(chineseTime('2023-11-09T02:00:00Z', round, { year: true })).toBe('2023年11月9日10时');
    expect(chineseDay('2023-12-06T16:30:00Z', round)).toBe('2023年12月7日');
    expect(deadlineWords(round)).toBe('2023年11月10日24时（北京时间）');
  });

  it('writes times within a day of the deadline to the second: 23时59分30秒 is on time, 0时0分5秒 is not', () => {
    // Act / Assess
    expect(chineseWhen('2023-11-10T15:59:30Z', round)).toBe('11月10日23时59分30秒');
    expect(chineseWhen('2023-11-10T16:00:05Z', round)).toBe('11月11日0时0分5秒');
    expect(chineseWhen('2023-11-05T03:05:00Z', round)).toBe('11月5日11时5分');
  });
});

describe('the notice, its numbers and its slips', () => {
  it('cites the notice by title and number, counts bases in Chinese and shows 加盖党章 corrected', () => {
    // Act / Assess
    expect(noticeCitation(round)).toBe(
      '《山西省商务厅关于开展2022—2023年度省级直播电商基地综合评价工作的通知》（晋商电便〔2023〕85号）',
    );
    expect(noticeCitation({ notice: '晋商电便〔2024〕1号' })).not.toContain('《');
    expect([0, 8, 9, 10, 11, 18, 19, 20, 29, 98].map(ordinal)).toEqual([
      '一',
      '九',
      '十',
      '十一',
      '十二',
      '十九',
      '二十',
      '二十一',
      '三十',
      '九十九',
    ]);
    const orgs = round.indicators.find((i) => i.slug === 'party-orgs')!;
    expect(orgs.evidence).toContain('加盖党章'); // the data keeps what the notice says
    expect(shownText(round, orgs.evidence)).toBe('设立党组织的名单，加盖公章');
  });
});

describe('a city and its recommendations', () => {
  const newBase = (n: number, city: Base['city'] = 'taiyuan'): Base => ({
    id: `n-${n}`,
    name: `新基地${n}`,
    city,
    category: 'new',
    grade2021: null,
    aliases: [],
    participating: true,
  });
  const taiyuan = round.cities.find((c) => c.id === 'taiyuan')!;
  const zonggai = round.cities.find((c) => c.id === 'zonggai')!;

  it('addresses a 市商务局 as 你局 and the 综改示范区管委会 as 你委', () => {
    expect(addressOf(taiyuan)).toBe('你局');
    expect(addressOf(zonggai)).toBe('你委');
  });

  it('warns when a city recommends more than two new bases (「可择优推荐1—2家」), not at two', () => {
    // Prepare
    const two = [...round.bases, newBase(1), newBase(2), newBase(3, 'datong')];
    const three = [...two, newBase(4)];

    // Act
    const atTwo = cityFindings(round, taiyuan, two);
    const atThree = cityFindings(round, taiyuan, three);

    // Assess
    expect(newBasesOf(taiyuan, two).map((b) => b.id)).toEqual(['n-1', 'n-2']);
    expect(atTwo).toEqual([]);
    expect(atThree).toHaveLength(1);
    expect(atThree[0]).toMatchObject({ code: 'city.too-many-recommended', severity: 'warning' });
    expect(atThree[0]?.message).toContain('本轮新推荐参评基地3家（新基地1、新基地2、新基地4）');
  });
});
