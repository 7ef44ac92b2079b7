import { describe, expect, it } from 'vitest';
import { type BaseMatch, cityPlaces, matchBase, normalizeBaseName } from '../../../shared/domain/base-names.ts';
import type { Base } from '../../../shared/domain/catalogue.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';

const registry: readonly Base[] = loadRound('2023').bases;
const places = cityPlaces(loadRound('2023').cities);

function byName(name: string): Base {
  const base = registry.find((b) => b.name === name);
  if (!base) throw new Error(`no base ${name} in the registry`);
  return base;
}

/** A short, comparable summary of a match result. */
function summary(result: BaseMatch): string {
  if (result.kind === 'matched') return result.base.id;
  if (result.kind === 'ambiguous') return `ambiguous:${result.candidates.map((c) => c.base.id).join(',')}`;
  return 'none';
}

describe('normalizeBaseName', () => {
  it.each([
    ['“晋城有礼”电商直播基地', '晋城有礼电商直播基地'],
    ['山西省“晋城有礼”电商直播基地', '晋城有礼电商直播基地'],
    ['中国（山西）数字直播电商产业示范基地', '中国山西数字直播电商产业示范基地'],
    ['大同 5G 直播产业创新创业孵化基地', '大同5g直播产业创新创业孵化基地'],
    ['２３９ 新媒体产业园', '239新媒体产业园'],
    ['《龙巅兴趣直播基地》', '龙巅兴趣直播基地'],
    ['「驿拓」直播电商基地', '驿拓直播电商基地'],
    ['\'邮拓\' "直播" 电商基地', '邮拓直播电商基地'],
    ['省级直播电商基地', '直播电商基地'],
    ['山西千万亿直播基地', '千万亿直播基地'],
    ['山西邮拓电子商务有限公司', '邮拓电子商务'],
    ['太原某某传媒股份有限公司', '太原某某传媒'],
    ['山西某某科技有限责任公司', '某某科技'],
    ['中国山西', '中国山西'],
  ])('turns %s into %s', (input, expected) => {
    // Act
    const key = normalizeBaseName(input);

    // Assess
    expect(key).toBe(expected);
  });
});

describe('matchBase', () => {
  it.each(registry.map((b) => [b.id, b.name] as const))('matches registry name %s (%s) to itself', (id, name) => {
    // Act
    const result = matchBase([name], registry, places);

    // Assess
    expect(result).toMatchObject({ kind: 'matched', score: 1, source: name, method: 'exact' });
    expect(summary(result)).toBe(id);
  });

  it.each([
    // Subjects as bases write them.
    ['【太原市】邮拓直播电商基地-2022-2023年度综合评价材料', 'p02'],
    ['关于报送“晋城有礼”电商直播基地自评报告的函', 'p08'],
    ['山西省晋城有礼电商直播基地材料', 'p08'],
    ['转发：山西千万亿直播基地 综合评价申报材料', 'p06'],
    ['回复: 原平市直播电商基地 补充材料', 'p24'],
    ['中国（山西）数字直播电商产业示范基地2022-2023年度评价材料', 'p01'],
    ['大同市恒宗直播电商基地申报材料', 'p17'],
    // Attachment and archive entry names.
    ['龙巅兴趣直播基地经营服务情况报告表.xlsx', 'p03'],
    ['附件3：睿信传媒电商直播基地自评报告.pdf', 'r03'],
    ['239新媒体产业园.zip', 'x01'],
    // Full-width and spaced variants.
    ['ＥＸＰ：大同５Ｇ直播产业创新创业孵化基地材料', 'p16'],
    ['京东城市(大同)数字经济产业园直播基地', 'p15'],
    ['驿拓 直播电商 基地', 'p12'],
    // Distinctive part with other generic words, and close spellings.
    ['晋城有礼', 'p08'],
    ['拓客来直播基地综合评价材料', 'p05'],
    ['东方传媒直播基地', 'r04'],
    ['大同恒宗直播电商基地', 'p17'],
    ['龙颠兴趣直播基地材料', 'p03'],
    ['京东（大同）数字经济产业园', 'p15'],
  ])('recognises %s as %s', (text, id) => {
    // Act
    const result = matchBase([text], registry, places);

    // Assess
    expect(summary(result)).toBe(id);
  });

  it.each([
    ['Re: 会议通知'],
    ['山西省直播电商基地综合评价材料'],
    ['关于报送2022-2023年度省级直播电商基地综合评价材料的函'],
    ['经营服务情况报告表.xlsx'],
    ['自评报告.pdf'],
    ['太原市小店区直播电商基地'],
    ['原平直播电商基地'],
    ['大同市某某直播电商基地'],
    ['山西特色农产品直播基地'],
    ['数字直播电商产业园'],
    ['沁县直播孵化基地'],
    ['邮托直播电商基地'],
    [''],
  ])('finds no base in %s', (text) => {
    // Act
    const result = matchBase([text], registry, places);

    // Assess
    expect(result).toEqual({ kind: 'none' });
  });

  it('does not take 驿拓 for 邮拓 although the names differ by one character', () => {
    // Act
    const yituo = matchBase(['驿拓直播电商基地材料'], registry, places);
    const youtuo = matchBase(['邮拓直播电商基地材料'], registry, places);

    // Assess
    expect(summary(yituo)).toBe('p12');
    expect(summary(youtuo)).toBe('p02');
  });

  it('reports a subject naming two bases as ambiguous', () => {
    // Act
    const result = matchBase(['邮拓直播电商基地、龙巅兴趣直播基地综合评价材料'], registry, places);

    // Assess
    expect(result.kind).toBe('ambiguous');
    expect(summary(result)).toBe('ambiguous:p02,p03');
  });

  it('reports texts that name different bases as ambiguous', () => {
    // Act
    const result = matchBase(['东方传媒电商直播基地材料', '极致星空电商直播基地自评报告.pdf'], registry, places);

    // Assess
    expect(result.kind).toBe('ambiguous');
    if (result.kind === 'ambiguous') {
      expect(result.candidates.map((c) => c.base.id).sort()).toEqual(['r04', 'r05']);
    }
  });

  it('prefers a name written in full over a close spelling of another base', () => {
    // Prepare
    const hengzongShort: Base = {
      id: 'n-hengzong',
      name: '恒宗直播电商基地',
      city: 'datong',
      category: 'new',
      grade2021: null,
      aliases: [],
      participating: true,
    };
    const bases = [...registry, hengzongShort];

    // Act
    const longText = matchBase(['大同市恒宗直播电商基地-综合评价材料'], bases, places);
    const shortText = matchBase(['恒宗直播电商基地-综合评价材料'], bases, places);

    // Assess
    expect(summary(longText)).toBe('p17');
    expect(summary(shortText)).toBe('n-hengzong');
  });

  it('combines the texts of a submission and keeps the best source', () => {
    // Act
    const result = matchBase(
      ['综合评价材料', '经营服务情况报告表.xlsx', '山西农谷电商直播基地自评报告.pdf', '农谷基地证明材料.zip'],
      registry,
      places,
    );

    // Assess
    expect(result).toMatchObject({ kind: 'matched', score: 1, source: '山西农谷电商直播基地自评报告.pdf' });
    expect(summary(result)).toBe('p07');
  });

  it('recognises an operator company given as an alias', () => {
    // Prepare
    const youtuo = { ...byName('邮拓直播电商基地'), aliases: ['山西邮拓网络科技有限公司'] };
    const bases = registry.map((b) => (b.id === youtuo.id ? youtuo : b));

    // Act
    const result = matchBase(['山西邮拓网络科技有限公司关于报送综合评价材料的函'], bases, places);
    const fromCover = matchBase(['运营单位：山西邮拓网络科技有限公司'], bases, places);

    // Assess
    expect(result).toMatchObject({ kind: 'matched', base: { id: 'p02' }, method: 'exact' });
    expect(summary(fromCover)).toBe('p02');
  });

  it('matches cancelled bases like the others', () => {
    // Act
    const result = matchBase(['吕梁电商扶贫创业孵化园-2023年材料'], registry, places);

    // Assess
    expect(result).toMatchObject({ kind: 'matched', base: { id: 'x04', category: 'cancelled', participating: false } });
  });

  it('ranks an exact name above a distinctive part above a close spelling', () => {
    // Act
    const exact = matchBase(['大同市恒宗直播电商基地'], registry, places);
    const core = matchBase(['晋城有礼直播'], registry, places);
    const fuzzy = matchBase(['大同恒宗直播电商基地'], registry, places);

    // Assess
    expect(exact).toMatchObject({ kind: 'matched', method: 'exact', score: 1 });
    expect(core).toMatchObject({ kind: 'matched', method: 'core', score: 0.9 });
    expect(fuzzy).toMatchObject({ kind: 'matched', method: 'fuzzy' });
    if (fuzzy.kind === 'matched') expect(fuzzy.score).toBeLessThan(0.9);
  });

  it("takes the round's city names (cities.json) as places, not distinctive: a base named by its city alone", () => {
    // Prepare: a base whose name is a city and generic words only.
    const cityOnly = { ...(registry[0] as Base), id: 'x01', name: '晋中直播电商基地', aliases: [] };

    // Act
    const other = matchBase(['晋中网红直播电商基地材料'], [cityOnly], places);
    const written = matchBase(['晋中直播电商基地申报材料'], [cityOnly], places);
    const withoutPlaces = matchBase(['晋中网红直播电商基地材料'], [cityOnly]);

    // Assess: another base's name is not it; its own full name is; without the places 晋中 was its distinctive part.
    expect(other).toEqual({ kind: 'none' });
    expect(written).toMatchObject({ kind: 'matched', base: { id: 'x01' } });
    expect(withoutPlaces).toMatchObject({ kind: 'matched' });
  });

  it('finds nothing in an empty registry or without texts', () => {
    // Act / Assess
    expect(matchBase(['邮拓直播电商基地'], [])).toEqual({ kind: 'none' });
    expect(matchBase([], registry, places)).toEqual({ kind: 'none' });
  });
});
