import { describe, expect, it } from 'vitest';
import type { FormValue } from '../../../shared/domain/records.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { checkRules, type ReportFigures } from '../../../shared/domain/rules.ts';
import { formValues } from '../../fixtures/records.ts';

const round = loadRound('2023');

/** A plausible form: every control item met, every part within its whole, units as the notice fixes them. */
const PLAUSIBLE: Record<number, FormValue['value'][]> = {
  1: [0.52],
  2: [36],
  3: [1000],
  4: [120, 8],
  5: [860, 430],
  6: [80],
  7: [15000],
  8: [12],
  9: [200],
  10: [25],
  11: [1500],
  13: [24, 1260],
  14: [150],
  15: [30],
  16: [40],
  17: [300, 1500],
  18: [6, 850],
  19: [12],
  21: [18],
  22: [3],
  30: [3],
  32: [12000],
  33: [5600],
  34: [320],
  35: [260],
  36: [95],
  43: [2],
};

/** The plausible form with some items changed; `raw` overrides the text a value was read from. */
function form(overrides: Record<number, FormValue['value'][]> = {}, raw: Record<number, string> = {}): FormValue[] {
  return formValues(round, { ...PLAUSIBLE, ...overrides }).map((v) =>
    raw[v.item] !== undefined ? { ...v, raw: raw[v.item]! } : v,
  );
}

/** `code:item` of each finding, the notice notes left out (they have their own tests). */
const keys = (findings: { code: string; item?: number }[]) =>
  findings.filter((f) => f.code !== 'rule.notice-slip').map((f) => `${f.code}:${f.item ?? ''}`);

describe('checkRules on a plausible form', () => {
  it('raises nothing but the notes on the notice’s own slips', () => {
    // Prepare
    const values = form();

    // Act
    const findings = checkRules(round, values);

    // Assess
    expect(findings.map((f) => `${f.code}:${f.item}:${f.severity}`)).toEqual([
      'rule.notice-slip:18:info',
      'rule.notice-slip:30:info',
      'rule.notice-slip:35:info',
    ]);
  });

  it('ignores blanks and values of the wrong type instead of throwing', () => {
    // Prepare
    const odd = form({ 1: [null], 2: ['三十六'], 6: [true], 32: [Number.NaN], 16: [['40']] });

    // Act
    const findings = checkRules(round, odd);
    const none = checkRules(round, []);

    // Assess
    expect(keys(findings)).toEqual([]);
    expect(none).toEqual([]);
  });
});

describe('control items', () => {
  it.each([
    [1, 0.1, '直播电商基地建筑面积'],
    [2, 5, '基地配套专业直播间数量'],
    [6, 12, '基地主播数量'],
    [32, 300, '直播电商基地年度交易额'],
  ])('flags item %i below its threshold and below any relaxed variant (%f)', (item, value, label) => {
    // Prepare
    const values = form({ [item]: [value] });

    // Act
    const findings = checkRules(round, values);

    // Assess
    expect(keys(findings)).toContain(`rule.control-not-met:${item}`);
    expect(findings.find((f) => f.code === 'rule.control-not-met')?.message).toContain(label);
    expect(keys(findings)).not.toContain(`rule.control-relaxed:${item}`);
  });

  it.each([
    [1, 0.25, '作用发挥良好'],
    [1, 0.2, '作用发挥良好'],
    [32, 800, '当地带动作用突出'],
    [32, 500, '当地带动作用突出'],
  ])('asks the experts to confirm item %i met only by the relaxed variant (%f)', (item, value, condition) => {
    // Prepare: a small base's figures stay within its GMV.
    const values = form({ [item]: [value], 18: [2, 40], 33: [200], 34: [10] });

    // Act
    const findings = checkRules(round, values);

    // Assess
    expect(keys(findings)).toEqual([`rule.control-relaxed:${item}`]);
    expect(findings.find((f) => f.code === 'rule.control-relaxed')?.message).toContain(condition);
  });

  it.each([
    [
      1,
      0.25,
      'rule.control-relaxed',
      '为0.25万平方米（2500平方米），低于0.3万平方米（3000平方米），达到放宽标准0.2万平方米（2000平方米）',
    ],
    [
      1,
      0.15,
      'rule.control-not-met',
      '为0.15万平方米（1500平方米），低于0.3万平方米（3000平方米），也低于放宽标准0.2万平方米（2000平方米）',
    ],
    // 「1000万元或500万以上，且…」: the 500万元 variant has no condition of its own beyond the one all four share
    [32, 600, 'rule.control-relaxed', '为600万元，低于1000万元，达到放宽标准500万元，请专家确认。控制项还要求'],
    [6, 12, 'rule.control-not-met', '为12人，低于20人，未达到控制项要求'],
  ])(
    'quotes item %i (%f) with its units and names the condition of every control item',
    (item, value, code, quoted) => {
      // Prepare
      const values = form({ [item]: [value], 18: [2, 40], 33: [200], 34: [10] });

      // Act
      const message = checkRules(round, values).find((f) => f.code === code)?.message ?? '';

      // Assess: the 「且」 clause of the 控制项 paragraph belongs to all four items, for the experts to judge
      expect(message).toContain(quoted);
      expect(message).toContain('控制项还要求“在当地带动作用突出，直播活动经常积极配合商务部门开展工作”');
    },
  );

  it('accepts figures exactly at the threshold and leaves missing ones to the completeness check', () => {
    // Prepare
    const atThreshold = form({ 1: [0.3], 2: [10], 6: [20], 32: [1000], 33: [500] });
    const blank = form({ 1: [null], 2: [null], 6: [null], 32: [null] });

    // Act
    const findings = [...checkRules(round, atThreshold), ...checkRules(round, blank)];

    // Assess
    expect(keys(findings)).toEqual([]);
  });
});

describe('unit suspicion', () => {
  it('flags a building area that reads as square metres', () => {
    // Prepare
    const values = form({ 1: [3000] });

    // Act
    const findings = checkRules(round, values);

    // Assess
    expect(keys(findings)).toEqual(['rule.unit-suspect:1']);
    expect(findings.find((f) => f.item === 1)?.message).toContain('平方米');
  });

  it('flags GMV figures that read as 亿元', () => {
    // Prepare
    const values = form({ 32: [1.2], 33: [0.56], 18: [6, 0.1], 34: [0.03] });

    // Act
    const findings = checkRules(round, values);

    // Assess
    expect(keys(findings)).toEqual(['rule.control-not-met:32', 'rule.unit-suspect:32', 'rule.unit-suspect:33']);
    expect(findings.find((f) => f.code === 'rule.unit-suspect' && f.item === 32)?.message).toContain('亿元');
  });

  it.each([
    [2019, '开园年份'],
    [36, '按月填写'],
  ])('flags operating years of %i (%s)', (years, words) => {
    // Prepare
    const values = form({ 30: [years] });

    // Act
    const findings = checkRules(round, values);

    // Assess
    expect(keys(findings)).toEqual(['rule.unit-suspect:30']);
    expect(findings.find((f) => f.item === 30)?.message).toContain(words);
  });

  it('flags a rate typed as a fraction, not one typed with its percent sign', () => {
    // Prepare
    const fraction = form({ 16: [0.4] }, { 16: '0.4' });
    const percent = form({ 16: [0.4] }, { 16: '0.4%' });

    // Act
    const flagged = checkRules(round, fraction);
    const accepted = checkRules(round, percent);

    // Assess
    expect(keys(flagged)).toEqual(['rule.unit-suspect:16']);
    expect(flagged[0]?.message).toContain('0.4表示40%');
    expect(keys(accepted)).toEqual([]);
  });
});

describe('cross-field checks', () => {
  it.each([
    [33, 'shanxiGmv', { 33: [13000] }, '带动山西产品交易额'],
    [4, 'laozihao', { 4: [120, 121] }, '老字号'],
    [5, 'shanxiProducts', { 5: [860, 900] }, '山西产品数量'],
    [36, 'migrantWorkers', { 36: [300] }, '农民工'],
    [8, 'opsEngineers', { 8: [261] }, '运维技术工程师'],
    [21, 'partyMembers', { 21: [270] }, '党员'],
    [18, 'sales', { 18: [6, 12500] }, '专题促销活动成交金额'],
    [34, 'tax', { 34: [12001] }, '缴税总额'],
  ])('flags item %i (%s) larger than its whole', (item, _field, overrides, words) => {
    // Prepare
    const values = form(overrides);

    // Act
    const findings = checkRules(round, values);

    // Assess
    expect(keys(findings)).toEqual([`rule.cross-field:${item}`]);
    expect(findings.find((f) => f.code === 'rule.cross-field')?.message).toContain(words);
  });

  it('accepts parts equal to their whole', () => {
    // Prepare
    const values = form({ 33: [12000], 4: [120, 120], 5: [860, 860], 36: [260], 8: [260], 21: [260] });

    // Act
    const findings = checkRules(round, values);

    // Assess
    expect(keys(findings)).toEqual([]);
  });
});

describe('rate range', () => {
  it.each([[120], [-5]])('flags a rate of %f%% outside 0-100', (rate) => {
    // Prepare
    const values = form({ 16: [rate] }, { 16: `${rate}%` });

    // Act
    const findings = checkRules(round, values);

    // Assess
    expect(keys(findings)).toEqual(['rule.rate-range:16']);
  });

  it.each([[0], [100], [1]])('accepts a rate of %f%%', (rate) => {
    // Prepare
    const values = form({ 16: [rate] });

    // Act
    const findings = checkRules(round, values);

    // Assess
    expect(keys(findings)).toEqual([]);
  });
});

describe('form against the self-assessment report', () => {
  const report = (gmv?: number, shanxiGmv?: number): ReportFigures => ({
    ...(gmv === undefined ? {} : { gmv: { value: gmv, raw: `${gmv}万元` } }),
    ...(shanxiGmv === undefined ? {} : { shanxiGmv: { value: shanxiGmv, raw: `${shanxiGmv}万元` } }),
  });

  it('flags figures that disagree, quoting the report', () => {
    // Prepare
    const values = form();

    // Act
    const findings = checkRules(round, values, report(13000, 5000));

    // Assess
    expect(keys(findings)).toEqual(['rule.report-mismatch:32', 'rule.report-mismatch:33']);
    expect(findings.find((f) => f.item === 32)?.message).toContain('“13000万元”');
  });

  it('accepts rounding in prose and figures the report does not state', () => {
    // Prepare
    const values = form();

    // Act
    const close = checkRules(round, values, report(12050, 5600));
    const partial = checkRules(round, values, report(undefined, 5600));
    const blankForm = checkRules(round, form({ 32: [null] }), report(13000));

    // Assess
    expect(keys(close)).toEqual([]);
    expect(keys(partial)).toEqual([]);
    expect(keys(blankForm).filter((k) => k.startsWith('rule.report-mismatch'))).toEqual([]);
  });
});

describe('notes on the notice’s own slips', () => {
  const notes = (findings: { code: string; item?: number; message: string }[], item: number) =>
    findings.filter((f) => f.code === 'rule.notice-slip' && f.item === item);

  it('notes the monthly/yearly wording of item 18, with a hint when the figure reads as yearly', () => {
    // Prepare
    const monthly = form({ 17: [300, 1500], 18: [6, 850] });
    const yearly = form({ 17: [30, 150], 18: [72, 850] });
    const none = form({ 18: [0, 0] });

    // Act
    const plain = notes(checkRules(round, monthly), 18);
    const hinted = notes(checkRules(round, yearly), 18);
    const silent = notes(checkRules(round, none), 18);

    // Assess
    expect(plain).toHaveLength(1);
    expect(plain[0]?.message).toContain('平均每月');
    expect(plain[0]?.message).not.toContain('疑似按全年累计');
    expect(hinted[0]?.message).toContain('疑似按全年累计填写');
    expect(silent).toEqual([]);
  });

  it('notes the operating-years scale where it matters: on a band edge, and above 3 years', () => {
    // Prepare
    const [one, two, five] = [form({ 30: [1] }), form({ 30: [2] }), form({ 30: [5] })];

    // Act
    const short = notes(checkRules(round, one), 30);
    const edge = notes(checkRules(round, two), 30);
    const long = notes(checkRules(round, five), 30);

    // Assess
    expect(short).toEqual([]);
    expect(edge[0]?.message).toContain('边界重叠');
    expect(long[0]?.message).toContain('超出该指标3分');
    expect(long[0]?.message).not.toContain('边界重叠');
  });

  it('notes that 附件1’s "item 37" staff list is item 35, only when the shared list is claimed', () => {
    // Prepare
    const claimed = form();
    const unclaimed = form({ 8: [0], 21: [0] });

    // Act
    const yes = notes(checkRules(round, claimed), 35);
    const no = notes(checkRules(round, unclaimed), 35);

    // Assess
    expect(yes[0]?.message).toContain('第35项');
    expect(no).toEqual([]);
  });
});
