import { describe, expect, it } from 'vitest';
import { type Base, CITY_IDS, type Indicator } from '../../../shared/domain/catalogue.ts';
import basesJson from '../../../shared/domain/rounds/2023/bases.json' with { type: 'json' };
import citiesJson from '../../../shared/domain/rounds/2023/cities.json' with { type: 'json' };
import formJson from '../../../shared/domain/rounds/2023/form.json' with { type: 'json' };
import indicatorsJson from '../../../shared/domain/rounds/2023/indicators.json' with { type: 'json' };
import roundJson from '../../../shared/domain/rounds/2023/round.json' with { type: 'json' };
import {
  availableRounds,
  loadRound,
  parseRoundFiles,
  RoundDataError,
  type RoundFiles,
} from '../../../shared/domain/rounds/index.ts';

/** Fresh copies of the 2023 files, so a test can spoil one without touching the others. */
function files2023(): RoundFiles {
  return structuredClone({
    round: roundJson,
    cities: citiesJson,
    bases: basesJson,
    indicators: indicatorsJson,
    form: formJson,
  });
}

/** The classifier's rule in miniature: the indicator owning the longest keyword found in the text. */
function indicatorByLongestKeyword(text: string, indicators: readonly Indicator[]): string | undefined {
  let best: { slug: string; length: number } | undefined;
  for (const indicator of indicators) {
    for (const keyword of indicator.evidenceKeywords) {
      if (text.includes(keyword) && (!best || keyword.length > best.length)) {
        best = { slug: indicator.slug, length: keyword.length };
      }
    }
  }
  return best?.slug;
}

describe('2023 round data', () => {
  it('loads and validates the whole round', () => {
    // Act
    const round = loadRound('2023');

    // Assess
    expect(round.id).toBe('2023');
    expect(round.notice).toBe('晋商电便〔2023〕85号');
    expect(round.title).toBe('山西省2022—2023年度省级直播电商基地综合评价');
    expect(round.period).toEqual({ from: '2022-09', to: '2023-08' });
    expect(round.deadline).toBe('2023-11-10');
    expect(round.timeZone).toBe('Asia/Shanghai');
    expect(round.mailbox).toBe('sxswtdsc@163.com');
    expect(round.contact).toEqual({ name: '乔勇', phone: '0351-4077903', email: 'sxswtdsc@163.com' });
    expect(round.postalAddress).toContain('龙盛街15号');
    expect(round.postalAddress).toContain('030032');
    expect(round.reminderDaysBefore).toEqual([7, 3, 0]);
    // Paper copies are due 「同时」 with the electronic package; the expert review starts 「11月中旬」
    expect(round.paperDue).toBe(round.deadline);
    expect(round.reviewStartsOn).toBe('2023-11-15');
    expect(round.noticeTitle).toBe('山西省商务厅关于开展2022—2023年度省级直播电商基地综合评价工作的通知');
    expect(round.controlCondition).toBe('在当地带动作用突出，直播活动经常积极配合商务部门开展工作');
    expect(round.formItems.map((f) => f.item)).toEqual(Array.from({ length: 44 }, (_, i) => i + 1));
  });

  it('is the latest round by default, cached and frozen', () => {
    // Act
    const first = loadRound();
    const again = loadRound('2023');

    // Assess
    expect(availableRounds()).toContain('2023');
    expect(first.id).toBe(availableRounds().at(-1));
    expect(again).toBe(first);
    expect(Object.isFrozen(first.bases[0])).toBe(true);
  });

  it('refuses an unknown round id', () => {
    // Act / Assess
    expect(() => loadRound('1999')).toThrow(/Unknown round "1999".*2023/);
  });

  it('has the 12 cities in DOMAIN order, each with its bureau and a placeholder address', () => {
    // Prepare
    const round = loadRound('2023');

    // Assess
    expect(round.cities.map((c) => c.id)).toEqual([...CITY_IDS]);
    for (const city of round.cities) {
      expect(city.aliases).toContain(city.name);
      expect(city.notifyTo).toEqual([`${city.id}@bureau.example.cn`]);
    }
    const taiyuan = round.cities.find((c) => c.id === 'taiyuan');
    expect(taiyuan?.aliases).toEqual(expect.arrayContaining(['太原', '太原市']));
    expect(taiyuan?.bureau).toBe('太原市商务局');
    const zonggai = round.cities.find((c) => c.id === 'zonggai');
    expect(zonggai?.aliases).toEqual(
      expect.arrayContaining(['综改区', '山西综改示范区', '综改示范区', '山西转型综合改革示范区']),
    );
    expect(zonggai?.bureau).toBe('山西综改示范区管委会');
  });

  it('has Annex 4: 24 provincial, 6 recommended and 4 cancelled bases', () => {
    // Prepare
    const { bases } = loadRound('2023');
    const ids = (category: Base['category']) => bases.filter((b) => b.category === category).map((b) => b.id);
    const seq = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);

    // Assess
    expect(ids('provincial')).toEqual(seq('p', 24));
    expect(ids('recommended')).toEqual(seq('r', 6));
    expect(ids('cancelled')).toEqual(seq('x', 4));
    expect(ids('new')).toEqual([]);
    for (const base of bases.filter((b) => b.category === 'cancelled')) {
      expect(base).toMatchObject({ participating: false, grade2021: null, remark: '取消称号' });
    }
    expect(bases.filter((b) => b.participating)).toHaveLength(30);
  });

  it('keeps the names and grades exactly as Annex 4 writes them', () => {
    // Prepare
    const { bases } = loadRound('2023');
    const byId = new Map(bases.map((b) => [b.id, b]));

    // Assess
    expect(byId.get('p01')).toMatchObject({
      name: '中国（山西）数字直播电商产业示范基地',
      city: 'zonggai',
      grade2021: 'A',
    });
    expect(byId.get('p08')).toMatchObject({ name: '“晋城有礼”电商直播基地', city: 'jincheng', grade2021: 'B' });
    expect(byId.get('p16')).toMatchObject({ name: '大同5G直播产业创新创业孵化基地', city: 'datong', grade2021: 'B' });
    expect(byId.get('p18')).toMatchObject({ name: '文水县电子商务创业园', city: 'lvliang', grade2021: 'C' });
    expect(byId.get('p24')).toMatchObject({ name: '原平市直播电商基地', city: 'xinzhou', grade2021: 'D' });
    expect(byId.get('r04')).toMatchObject({ name: '东方传媒电商直播基地', city: 'jincheng', grade2021: 'B' });
    expect(byId.get('x01')).toMatchObject({ name: '239新媒体产业园', city: 'jincheng' });
    expect(byId.get('x04')).toMatchObject({ name: '吕梁电商扶贫创业孵化园', city: 'lvliang' });
    const grades = bases.filter((b) => b.category === 'provincial').map((b) => b.grade2021);
    expect(grades.join('')).toBe('AAAAABBBBBBBBBBBBCCDDDDD');
    expect(bases.every((b) => !/\s/.test(b.name))).toBe(true);
  });

  it('has 39 indicators: 100 points plus 8 bonus items of 2', () => {
    // Prepare
    const { indicators } = loadRound('2023');
    const regular = indicators.filter((i) => !i.bonus);
    const bonus = indicators.filter((i) => i.bonus);

    // Assess
    expect(indicators).toHaveLength(39);
    expect(regular.reduce((sum, i) => sum + i.points, 0)).toBe(100);
    expect(bonus).toHaveLength(8);
    expect(bonus.every((i) => i.points === 2 && i.level1 === '附加项')).toBe(true);
    expect(new Set(indicators.map((i) => i.slug)).size).toBe(39);
  });

  it('gives first-level indicators the points the notice states', () => {
    // Prepare
    const { indicators } = loadRound('2023');
    const sums = new Map<string, number>();
    for (const i of indicators.filter((x) => !x.bonus)) sums.set(i.level1, (sums.get(i.level1) ?? 0) + i.points);

    // Assess
    expect(Object.fromEntries(sums)).toEqual({ 承载能力: 36, 服务能力: 34, 保障能力: 15, 示范能力: 15 });
  });

  it('points every indicator at existing form items 1-44', () => {
    // Prepare
    const round = loadRound('2023');
    const items = new Set(round.formItems.map((f) => f.item));

    // Assess
    for (const indicator of round.indicators) {
      expect(indicator.formItems.length).toBeGreaterThan(0);
      for (const item of indicator.formItems) {
        expect(item).toBeGreaterThanOrEqual(1);
        expect(item).toBeLessThanOrEqual(44);
        expect(items.has(item)).toBe(true);
      }
    }
    expect(round.indicators.find((i) => i.slug === 'merchants-products')?.formItems).toEqual([4, 5]);
  });

  it('has the four control items on existing form fields', () => {
    // Prepare
    const round = loadRound('2023');

    // Assess
    expect(round.controlItems.map((c) => [c.item, c.field, c.min, c.relaxedMin])).toEqual([
      [1, 'area', 0.3, 0.2],
      [2, 'rooms', 10, undefined],
      [6, 'anchors', 20, undefined],
      [32, 'gmv', 1000, 500],
    ]);
    // Only the 2000 m² variant has a condition of its own (Annex 1: 「2000米²以上作用发挥良好」)
    expect(round.controlItems.map((c) => c.relaxedCondition ?? null)).toEqual(['作用发挥良好', null, null, null]);
    for (const control of round.controlItems) {
      const item = round.formItems.find((f) => f.item === control.item);
      expect(item?.fields.map((f) => f.key)).toContain(control.field);
    }
  });

  it('never gives the same evidence keyword to two indicators', () => {
    // Prepare
    const { indicators } = loadRound('2023');
    const keywords = indicators.flatMap((i) => i.evidenceKeywords);

    // Assess
    expect(new Set(keywords).size).toBe(keywords.length);
  });

  it.each([
    ['办公建筑面积明细表.xlsx', 'building-area'],
    ['2.直播间明细表（含直播设备）.xlsx', 'live-rooms'],
    ['网络运营商协议.pdf', 'bandwidth'],
    ['入驻商家名单.xlsx', 'merchants-products'],
    ['主播名单.xlsx', 'anchors'],
    ['在孵主播名单.xlsx', 'incubated-anchors'],
    ['运维技术人员名单.xlsx', 'ops-engineers'],
    ['融资明细.xlsx', 'financing'],
    ['人才引进政策文件.pdf', 'talent-policy'],
    ['证明材料/13-培训/培训照片/IMG_0001.jpg', 'training'],
    ['输送人才名单.xlsx', 'talent-supply'],
    ['直播活动明细表.xlsx', 'livestreams'],
    ['专题促销活动明细.xlsx', 'promotions'],
    ['官方活动/活动照片.jpg', 'official-events'],
    ['商家服务管理规范.docx', 'merchant-services'],
    ['党员花名册.xlsx', 'party-members'],
    ['党组织名单（盖章）.pdf', 'party-orgs'],
    ['三会一课记录.docx', 'party-life'],
    ['统计监测制度.docx', 'statistics'],
    ['直播电商统计监测实施方案.docx', 'statistics'],
    ['基地发展规划（2023-2025）.pdf', 'planning'],
    ['交易额构成明细.xlsx', 'gmv'],
    ['山西产品交易额构成明细.xlsx', 'shanxi-gmv'],
    ['缴税证明.pdf', 'tax'],
    ['从业人员名单.xlsx', 'employees'],
    ['员工花名册.xlsx', 'employees'],
    ['农民工名单.xlsx', 'migrant-workers'],
    ['专家聘用证书.jpg', 'research'],
    ['团体标准.pdf', 'standards'],
    ['信用评价办法.docx', 'credit'],
  ])('lets the longest keyword send %s to %s', (fileName, slug) => {
    // Prepare
    const { indicators } = loadRound('2023');

    // Act
    const found = indicatorByLongestKeyword(fileName, indicators);

    // Assess
    expect(found).toBe(slug);
  });
});

describe('parseRoundFiles', () => {
  it('accepts the 2023 files as they are', () => {
    // Act
    const round = parseRoundFiles('2023', files2023());

    // Assess
    expect(round.bases).toHaveLength(34);
  });

  it('names the file and path of a value the schema refuses', () => {
    // Prepare
    const files = files2023();
    (files.bases as { grade2021: unknown }[])[3]!.grade2021 = 'E';

    // Act / Assess
    expect(() => parseRoundFiles('2023', files)).toThrow(RoundDataError);
    expect(() => parseRoundFiles('2023', files)).toThrow(/rounds\/2023\/bases\.json at \[3\]\.grade2021/);
  });

  it('refuses an unknown key in round.json', () => {
    // Prepare
    const files = files2023();
    (files.round as Record<string, unknown>).deadLine = '2023-11-10';

    // Act / Assess
    expect(() => parseRoundFiles('2023', files)).toThrow(/round\.json/);
  });

  it('refuses an indicator that points at a form item the form does not have', () => {
    // Prepare
    const files = files2023();
    (files.indicators as { formItems: number[] }[])[2]!.formItems = [45];

    // Act / Assess
    expect(() => parseRoundFiles('2023', files)).toThrow(/indicators\.json at \[2\]\.formItems\[0\]: form item 45/);
  });

  it('refuses a control item on a field the form item does not have', () => {
    // Prepare
    const files = files2023();
    (files.round as { controlItems: { field: string }[] }).controlItems[0]!.field = 'areaM2';

    // Act / Assess
    expect(() => parseRoundFiles('2023', files)).toThrow(/round\.json at controlItems\[0\]\.field/);
  });

  it('refuses duplicate slugs, a folder/id mismatch and an unknown time zone', () => {
    // Prepare
    const dupSlug = files2023();
    (dupSlug.indicators as { slug: string }[])[1]!.slug = 'building-area';
    const badZone = files2023();
    (badZone.round as { timeZone: string }).timeZone = 'Asia/Taiyuan';

    // Act / Assess
    expect(() => parseRoundFiles('2023', dupSlug)).toThrow(/indicators\.json at \[1\]\.slug: duplicate slug/);
    expect(() => parseRoundFiles('2024', files2023())).toThrow(/round\.json at id/);
    expect(() => parseRoundFiles('2023', badZone)).toThrow(/unknown time zone Asia\/Taiyuan/);
  });
});
