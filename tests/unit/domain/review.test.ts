/**
 * The review computation (附件1's closing rules, 一、(四), 三、(一)): band edges, the 60 % rule, the bonus cap,
 * deductions, control items as a blocker, ranks, aggregation, and the list-adjustment proposal.
 */
import { describe, expect, it } from 'vitest';
import type { Base, Indicator } from '../../../shared/domain/catalogue.ts';
import {
  aggregate,
  type BaseResult,
  computeResults,
  type ExpertBaseScores,
  type PackageFacts,
  priorGrades,
  proposeAdjustment,
} from '../../../shared/domain/review.ts';
import { loadRound, loadScoring, parseScoringFile, RoundDataError } from '../../../shared/domain/rounds/index.ts';
import type { ScoringScheme } from '../../../shared/domain/scoring.ts';

const round = loadRound('2023');
const scheme = loadScoring('2023');
const scored = round.indicators.filter((x) => !x.bonus);
const bonusItems = round.indicators.filter((x) => x.bonus);
const base = (id: string): Base => {
  const b = round.bases.find((x) => x.id === id);
  if (!b) throw new Error(id);
  return b;
};

/**
 * Points that add up to `scoredTotal` over the scored indicators (full marks first, the shortfall taken from the
 * last indicators) and `bonus` over the bonus items (2 each from the first).
 */
function pointsFor(scoredTotal: number, bonus = 0): Record<string, number> {
  const points: Record<string, number> = {};
  let short = Math.round((100 - scoredTotal) * 100);
  for (const x of [...scored].reverse()) {
    const take = Math.min(short, Math.round(x.points * 100));
    points[x.slug] = (Math.round(x.points * 100) - take) / 100;
    short -= take;
  }
  let left = Math.round(bonus * 100);
  for (const x of bonusItems) {
    const give = Math.min(left, 200);
    points[x.slug] = give / 100;
    left -= give;
  }
  return points;
}

const ALL_MET = { 'building-area': true, 'live-rooms': true, anchors: true, gmv: true };

function sheet(expert: string, baseId: string, points: Record<string, number>, controls = ALL_MET): ExpertBaseScores {
  return {
    expert,
    baseId,
    points,
    controls,
    comment: '',
    source: { documentId: 'd', fileName: 'f.xlsx', sheet: baseId },
    importedAt: '2023-11-20T00:00:00Z',
    importedBy: 'staff',
  };
}

function results(
  scores: ExpertBaseScores[],
  options: { scheme?: ScoringScheme; packages?: PackageFacts[]; bases?: Base[] } = {},
): Map<string, BaseResult> {
  const bases = options.bases ?? [...new Set(scores.map((s) => s.baseId))].map(base);
  const out = computeResults({
    scheme: options.scheme ?? scheme,
    indicators: round.indicators,
    controlItems: round.controlItems,
    bases,
    scores,
    packages: options.packages ?? [],
  });
  return new Map(out.map((r) => [r.baseId, r]));
}

function only(scores: ExpertBaseScores[], options?: Parameters<typeof results>[1]): BaseResult {
  const [first] = results(scores, options).values();
  if (!first) throw new Error('no result');
  return first;
}

describe('scoring scheme (scoring.json)', () => {
  it('loads, and its groups add up to 100 scored points as indicators.json has them', () => {
    // Assess
    expect(scheme.groups.map((g) => [g.level1, g.points])).toEqual([
      ['承载能力', 36],
      ['服务能力', 34],
      ['保障能力', 15],
      ['示范能力', 15],
    ]);
    expect(scored.reduce((s, x) => s + x.points, 0)).toBe(100);
    expect(scheme.bonus.cap).toBe(10);
    expect(scheme.deductions.late.points).toBe(0);
    expect(scheme.deductions.incomplete.points).toBe(0);
  });

  it('refuses a scheme whose group points disagree with the indicators, naming file and place', () => {
    // Prepare
    const broken = structuredClone({ ...scheme, groups: scheme.groups.map((g) => ({ ...g })) }) as ScoringScheme;
    if (broken.groups[0]) broken.groups[0].points = 35;

    // Act
    const attempt = () => parseScoringFile(round, broken);

    // Assess
    expect(attempt).toThrow(RoundDataError);
    expect(attempt).toThrow(/scoring\.json at groups\[0\]\.points: indicators\.json sums to 36/);
  });
});

describe('grades at the band edges (60分以下D，60-75以下C，75-85以下B，85以上A)', () => {
  it.each([
    [0, 'D'],
    [59.99, 'D'],
    [60, 'C'],
    [74.99, 'C'],
    [75, 'B'],
    [84.99, 'B'],
    [85, 'A'],
    [100, 'A'],
  ] as const)('a total of %s is %s', (total, grade) => {
    // Act
    const r = only([sheet('专家A', 'p01', pointsFor(total))]);

    // Assess
    expect(r.total).toBe(total);
    expect(r.grade).toBe(grade);
  });

  it('a mean just under an edge stays under it (74.995 rounds per indicator, never by a float slip)', () => {
    // Prepare: two experts, 74.99 and 75.00: the mean of every indicator is rounded to hundredths
    const r = only([sheet('专家A', 'p01', pointsFor(74.99)), sheet('专家B', 'p01', pointsFor(75))]);

    // Assess: the one indicator they differ on is 0.005 apart -> rounded half up to the higher hundredth
    expect(r.total).toBe(75);
    expect(r.grade).toBe('B');
    expect(r.totalSpread).toBe(0.01);
  });
});

describe('aggregation of several experts', () => {
  it('mean rounded to hundredths, median, and trimmed mean leave the outlier out', () => {
    // Assess
    expect(aggregate(scheme, [2, 2, 3])).toBe(2.33);
    expect(aggregate(scheme, [1, 2, 2])).toBe(1.67);
    expect(aggregate({ ...scheme, aggregation: 'median' }, [0, 2, 8])).toBe(2);
    expect(aggregate({ ...scheme, aggregation: 'median' }, [1, 2])).toBe(1.5);
    expect(aggregate({ ...scheme, aggregation: 'trimmed-mean' }, [0, 6, 6, 8])).toBe(6);
    expect(aggregate(scheme, [])).toBeNull();
  });

  it('shows each expert side by side with the spread per indicator', () => {
    // Prepare
    const a = pointsFor(80);
    const b = { ...pointsFor(80), 'building-area': 4 };

    // Act
    const r = only([sheet('专家B', 'p02', b), sheet('专家A', 'p02', a)]);
    const area = r.indicators.find((x) => x.slug === 'building-area');

    // Assess
    expect(r.experts).toEqual(['专家A', '专家B']);
    expect(area?.byExpert).toEqual({ 专家A: 8, 专家B: 4 });
    expect(area?.spread).toBe(4);
    expect(area?.points).toBe(6);
    expect(r.total).toBe(78);
  });
});

describe('level-1 subtotals: 「一级指标实际得分应超过考察项目总分的60%」', () => {
  function withCarrying(subtotal: number): Record<string, number> {
    // 承载能力 (36) gets `subtotal`, the other groups full marks
    const points = pointsFor(100);
    let short = Math.round((36 - subtotal) * 100);
    for (const x of scored.filter((i) => i.level1 === '承载能力').reverse()) {
      const take = Math.min(short, Math.round(x.points * 100));
      points[x.slug] = (Math.round(x.points * 100) - take) / 100;
      short -= take;
    }
    return points;
  }

  it('flags a subtotal of exactly 60 % (21.6 of 36: not more than 60 %) and not 21.61', () => {
    // Act
    const at = only([sheet('专家A', 'p01', withCarrying(21.6))]);
    const above = only([sheet('专家A', 'p01', withCarrying(21.61))]);

    // Assess
    const group = (r: BaseResult) => r.groups.find((g) => g.level1 === '承载能力');
    expect(group(at)).toMatchObject({ subtotal: 21.6, floor: 21.6, belowShare: true });
    expect(group(above)).toMatchObject({ subtotal: 21.61, belowShare: false });
    expect(at.groups.filter((g) => g.belowShare)).toHaveLength(1);
  });
});

describe('bonus items: 2 points each, at most 10 in all', () => {
  it('caps 16 bonus points at 10 and keeps the raw sum for the record', () => {
    // Act
    const r = only([sheet('专家A', 'p01', pointsFor(80, 16))]);

    // Assess
    expect(r.bonusRaw).toBe(16);
    expect(r.bonus).toBe(10);
    expect(r.total).toBe(90);
  });

  it('adds bonus under the cap as it is (8 -> 8), which can lift a grade across an edge', () => {
    // Act
    const r = only([sheet('专家A', 'p01', pointsFor(70, 6))]);

    // Assess
    expect(r.total).toBe(76);
    expect(r.grade).toBe('B');
  });
});

describe('deductions (三(一) 「予以扣分」): staff set the points, default none', () => {
  const late: PackageFacts[] = [{ baseId: 'p01', late: true, incomplete: true }];

  it('takes nothing by default from a late, incomplete package', () => {
    // Act
    const r = only([sheet('专家A', 'p01', pointsFor(61))], { packages: late });

    // Assess
    expect(r.deductions).toEqual([]);
    expect(r.total).toBe(61);
  });

  it('takes what the policy says, each with its reason, and may move the grade', () => {
    // Prepare
    const policy: ScoringScheme = {
      ...scheme,
      deductions: {
        late: { points: 1, reason: '未按规定时限报送' },
        incomplete: { points: 1.5, reason: '材料不完整' },
      },
    };

    // Act
    const r = only([sheet('专家A', 'p01', pointsFor(61))], { scheme: policy, packages: late });
    const onTime = only([sheet('专家A', 'p01', pointsFor(61))], {
      scheme: policy,
      packages: [{ baseId: 'p01', late: false, incomplete: false }],
    });

    // Assess
    expect(r.deductions).toEqual([
      { kind: 'late', points: 1, reason: '未按规定时限报送' },
      { kind: 'incomplete', points: 1.5, reason: '材料不完整' },
    ]);
    expect(r.total).toBe(58.5);
    expect(r.grade).toBe('D');
    expect(onTime.deductions).toEqual([]);
    expect(onTime.grade).toBe('C');
  });
});

describe('control items: not confirmed blocks an A or a B', () => {
  it('lists the open and refused control items as blockers of an A', () => {
    // Act
    const r = only([
      sheet('专家A', 'p01', pointsFor(90), { 'building-area': true, 'live-rooms': true, anchors: true } as never),
      sheet('专家B', 'p01', pointsFor(90), { ...ALL_MET, anchors: false }),
    ]);

    // Assess
    expect(r.grade).toBe('A');
    expect(Object.fromEntries(r.controls.map((c) => [c.id, c.state]))).toEqual({
      'building-area': 'met',
      'live-rooms': 'met',
      anchors: 'not-met',
      gmv: 'met',
    });
    expect(r.blockers).toEqual(['anchors']);
  });

  it('leaves a C without blockers whatever the control items say', () => {
    // Act
    const r = only([sheet('专家A', 'p01', pointsFor(65), {} as never)]);

    // Assess
    expect(r.controls.every((c) => c.state === 'unconfirmed')).toBe(true);
    expect(r.blockers).toEqual([]);
  });
});

describe('ranks in the province and the city', () => {
  it('gives tied totals the same rank and skips the next (1, 2, 2, 4); unscored bases are not ranked', () => {
    // Prepare: p02, p03, p06 are in Taiyuan; p01 in 综改区; p04 has no scores
    const scores = [
      sheet('专家A', 'p01', pointsFor(90)),
      sheet('专家A', 'p02', pointsFor(80)),
      sheet('专家A', 'p03', pointsFor(80)),
      sheet('专家A', 'p06', pointsFor(70)),
    ];

    // Act
    const r = results(scores, { bases: ['p01', 'p02', 'p03', 'p04', 'p06'].map(base) });

    // Assess
    expect(['p01', 'p02', 'p03', 'p06', 'p04'].map((id) => r.get(id)?.rank)).toEqual([
      { province: 1, city: 1 },
      { province: 2, city: 1 },
      { province: 2, city: 1 },
      { province: 4, city: 3 },
      { province: null, city: null },
    ]);
    expect(r.get('p04')?.total).toBeNull();
    expect(r.get('p04')?.experts).toEqual([]);
  });

  it('gives no total while an indicator has no points', () => {
    // Prepare
    const points = pointsFor(90);
    delete points.tax;

    // Act
    const r = only([sheet('专家A', 'p01', points)]);

    // Assess
    expect(r.missing).toEqual(['tax']);
    expect(r.total).toBeNull();
    expect(r.grade).toBeNull();
  });
});

describe('list adjustment (一、(四))', () => {
  function propose(scores: ExpertBaseScores[], bases: Base[], entered: Parameters<typeof priorGrades>[2] = []) {
    const all = computeResults({
      scheme,
      indicators: round.indicators as Indicator[],
      controlItems: round.controlItems,
      bases,
      scores,
      packages: [],
    });
    return proposeAdjustment({ scheme, results: all, priors: priorGrades(bases, 2021, entered) });
  }

  it('proposes removing a listed base graded D in 2021 and again now with a low score, and no other', () => {
    // Prepare: p20-p24 were D in 2021; p18 was C in 2021
    const scores = [
      sheet('专家A', 'p20', pointsFor(45)),
      sheet('专家A', 'p21', pointsFor(62)),
      sheet('专家A', 'p18', pointsFor(40)),
    ];

    // Act
    const proposal = propose(scores, ['p20', 'p21', 'p18'].map(base));

    // Assess
    expect(proposal.removals.map((r) => [r.baseId, r.total, r.grade, r.prior.grade])).toEqual([['p20', 45, 'D', 'D']]);
    expect(proposal.removals[0]?.reason).toContain('连续两年为D');
    expect(proposal.additions).toEqual([]);
  });

  it('keeps a D-twice base whose score is not low by the scheme (lowScoreBelow)', () => {
    // Prepare
    const strict: ScoringScheme = {
      ...scheme,
      adjustment: { ...scheme.adjustment, removal: { grade: 'D', lowScoreBelow: 40 } },
    };
    const all = computeResults({
      scheme: strict,
      indicators: round.indicators,
      controlItems: round.controlItems,
      bases: [base('p20'), base('p22')],
      scores: [sheet('专家A', 'p20', pointsFor(45)), sheet('专家A', 'p22', pointsFor(39.5))],
      packages: [],
    });

    // Act
    const proposal = proposeAdjustment({ scheme: strict, results: all, priors: priorGrades(round.bases, 2021, []) });

    // Assess
    expect(proposal.removals.map((r) => r.baseId)).toEqual(['p22']);
  });

  it('ranks recommended bases graded B or better twice as candidates, best total first; a C now or before is out', () => {
    // Prepare: r04, r05, r06 were B in 2021; r01 was D
    const scores = [
      sheet('专家A', 'r04', pointsFor(78)),
      sheet('专家A', 'r05', pointsFor(88)),
      sheet('专家A', 'r06', pointsFor(70)),
      sheet('专家A', 'r01', pointsFor(90)),
    ];

    // Act
    const proposal = propose(scores, ['r04', 'r05', 'r06', 'r01'].map(base));

    // Assess
    expect(proposal.additions.map((a) => [a.order, a.baseId, a.grade, a.prior.grade])).toEqual([
      [1, 'r05', 'A', 'B'],
      [2, 'r04', 'B', 'B'],
    ]);
    expect(proposal.removals).toEqual([]);
  });

  it('asks for the earlier grade of a new base, and takes the one staff entered from the city letter', () => {
    // Prepare
    const newcomer: Base = {
      id: 'n-1',
      name: '清徐县葡萄直播基地',
      city: 'taiyuan',
      category: 'new',
      grade2021: null,
      aliases: [],
      participating: true,
    };
    const scores = [sheet('专家A', 'n-1', pointsFor(80))];

    // Act
    const before = propose(scores, [newcomer]);
    const after = propose(scores, [newcomer], [{ baseId: 'n-1', year: 2022, grade: 'A', source: 'staff' }]);

    // Assess
    expect(before.gaps.map((g) => [g.baseId, g.reason])).toEqual([
      ['n-1', '本次评为B，待录入往年等级（市商务局公函）'],
    ]);
    expect(after.additions.map((a) => [a.baseId, a.prior.source])).toEqual([['n-1', 'staff']]);
  });

  it('holds back a candidate whose control items are not confirmed', () => {
    // Act
    const proposal = propose([sheet('专家A', 'r04', pointsFor(80), { ...ALL_MET, gmv: false })], [base('r04')]);

    // Assess
    expect(proposal.additions).toEqual([]);
    expect(proposal.gaps[0]?.reason).toContain('控制项未确认：gmv');
  });
});
