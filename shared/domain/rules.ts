/**
 * Checks the notice states on the figures of a report form: control items, units, cross-field consistency, the
 * rate's range, the agreement of items 32-33 with the self-assessment report, and the places where the notice
 * contradicts itself (surfaced as notes for the experts, never as errors). They produce findings for staff and
 * experts; the completeness of a package does not depend on them.
 */
import type { Round } from './catalogue.ts';
import { type Finding, finding } from './findings.ts';
import type { FormValue } from './records.ts';

/** Figures read from the self-assessment report, in 万元. */
export interface ReportFigures {
  gmv?: { value: number; raw: string };
  shanxiGmv?: { value: number; raw: string };
}

/** Relative difference under which a form figure and the report's are taken to agree (rounding in prose). */
const FIGURE_TOLERANCE = 0.005;
/** Above this many 万平方米 a building area was almost surely typed in 平方米 (50万㎡ is a small town). */
const AREA_SUSPECT_ABOVE = 50;
/** Below this many 万元 a yearly GMV was almost surely typed in 亿元 (the control item alone is 500-1000万元). */
const GMV_SUSPECT_BELOW = 10;
/**
 * Livestream e-commerce began around 2016, and the notice counts the years from the first live room: more than
 * this many years reads as months typed into a years blank.
 */
const MAX_OPERATING_YEARS = 10;
/** A four-digit figure in this range in the years blank is the opening year, not a duration. */
const YEAR_NUMBERS = { from: 1990, to: 2100 };

/** Reads the numbers (and raw texts) of the latest form values. */
interface Values {
  number(item: number, field: string): number | null;
  raw(item: number, field: string): string;
}

/** Runs every rule on the latest form values (and the report's figures when there is a report). */
export function checkRules(round: Round, values: FormValue[], report?: ReportFigures): Finding[] {
  const read: Values = {
    number: (item, field) => {
      const value = values.find((v) => v.item === item && v.field === field)?.value;
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    },
    raw: (item, field) => values.find((v) => v.item === item && v.field === field)?.raw ?? '',
  };
  return [
    ...controlItems(round, read),
    ...unitSuspicion(read),
    ...crossField(read),
    ...rateRange(read),
    ...(report ? reportAgreement(read, report) : []),
    ...noticeSlips(read),
  ];
}

/**
 * 控制项: below the threshold, or only above its relaxed variant (which the experts must confirm). Values are quoted
 * with their units (万平方米 also in 平方米, as the notice states the threshold), and the condition the notice attaches
 * to every control item is named, for the experts to judge: a reminder, never an automatic fail.
 */
function controlItems(round: Round, read: Values): Finding[] {
  const findings: Finding[] = [];
  const condition = round.controlCondition ? `控制项还要求“${round.controlCondition}”，请专家评审时一并认定。` : '';
  for (const control of round.controlItems) {
    const value = read.number(control.item, control.field);
    if (value === null || value >= control.min) continue;
    const unit = round.formItems
      .find((i) => i.item === control.item)
      ?.fields.find((f) => f.key === control.field)?.unit;
    const shown = (n: number) => withUnit(n, unit ?? null);
    if (control.relaxedMin !== undefined && value >= control.relaxedMin) {
      findings.push(
        finding(
          'rule.control-relaxed',
          `控制项“${control.label}”为${shown(value)}，低于${shown(control.min)}，达到放宽标准${shown(control.relaxedMin)}${control.relaxedCondition ? `，须“${control.relaxedCondition}”方可认定` : ''}，请专家确认。${condition}`,
          { item: control.item },
        ),
      );
    } else {
      findings.push(
        finding(
          'rule.control-not-met',
          `控制项“${control.label}”为${shown(value)}，低于${shown(control.min)}${control.relaxedMin !== undefined ? `，也低于放宽标准${shown(control.relaxedMin)}` : ''}，未达到控制项要求。${condition}`,
          { item: control.item },
        ),
      );
    }
  }
  return findings;
}

/** A figure with its unit: `600万元`, `0.25万平方米（2500平方米）`. */
function withUnit(value: number, unit: string | null): string {
  const text = `${tidyNumber(value)}${unit ?? ''}`;
  return unit === '万平方米' ? `${text}（${tidyNumber(value * 10000)}平方米）` : text;
}

function tidyNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** Figures that look typed in another unit than the notice fixes (m² for 万㎡, 亿元 for 万元, months, a year). */
function unitSuspicion(read: Values): Finding[] {
  const findings: Finding[] = [];
  const area = read.number(1, 'area');
  if (area !== null && area > AREA_SUSPECT_ABOVE) {
    findings.push(
      finding(
        'rule.unit-suspect',
        `第1项建筑面积填写为${area}万平方米，数值过大，疑似按平方米填写（单位应为万平方米）。`,
        { item: 1 },
      ),
    );
  }
  for (const [item, field, label] of [
    [32, 'gmv', '交易额'],
    [33, 'shanxiGmv', '带动山西产品交易额'],
  ] as const) {
    const value = read.number(item, field);
    if (value !== null && value > 0 && value < GMV_SUSPECT_BELOW) {
      findings.push(
        finding(
          'rule.unit-suspect',
          `第${item}项${label}填写为${value}万元，数值过小，疑似按亿元填写（单位应为万元）。`,
          { item },
        ),
      );
    }
  }
  const years = read.number(30, 'years');
  if (years !== null && Number.isInteger(years) && years >= YEAR_NUMBERS.from && years <= YEAR_NUMBERS.to) {
    findings.push(
      finding('rule.unit-suspect', `第30项开园运营年限填写为${years}，疑似填写了开园年份而非运营年数（单位应为年）。`, {
        item: 30,
      }),
    );
  } else if (years !== null && years > MAX_OPERATING_YEARS && years < YEAR_NUMBERS.from) {
    findings.push(
      finding(
        'rule.unit-suspect',
        `第30项开园运营年限填写为${years}年，超过${MAX_OPERATING_YEARS}年，疑似按月填写（单位应为年）。`,
        { item: 30 },
      ),
    );
  }
  const rate = read.number(16, 'rate');
  if (rate !== null && rate > 0 && rate < 1 && !/[%％]/.test(read.raw(16, 'rate'))) {
    findings.push(
      finding(
        'rule.unit-suspect',
        `第16项网红孵化成功率填写为${rate}，疑似按小数填写（如0.4表示40%）；本项单位为%，请核实。`,
        { item: 16 },
      ),
    );
  }
  return findings;
}

/** A part that exceeds its whole: [part item, part field, whole item, whole field, what must hold]. */
const PARTS: readonly [number, string, number, string, string][] = [
  [33, 'shanxiGmv', 32, 'gmv', '带动山西产品交易额不应大于基地交易额'],
  [4, 'laozihao', 4, 'merchants', '山西老字号商家数量不应大于入驻商家数量'],
  [5, 'shanxiProducts', 5, 'products', '山西产品数量不应大于入驻商家产品数量'],
  [36, 'migrantWorkers', 35, 'employees', '吸纳农民工就业人数不应大于从业人数'],
  [8, 'opsEngineers', 35, 'employees', '运维技术工程师数量不应大于从业人数'],
  [21, 'partyMembers', 35, 'employees', '基地员工党员总数不应大于从业人数'],
  [18, 'sales', 32, 'gmv', '专题促销活动成交金额不应大于基地累计交易额'],
  [34, 'tax', 32, 'gmv', '缴税总额不应大于基地累计交易额'],
];

function crossField(read: Values): Finding[] {
  const findings: Finding[] = [];
  for (const [partItem, partField, wholeItem, wholeField, message] of PARTS) {
    const part = read.number(partItem, partField);
    const whole = read.number(wholeItem, wholeField);
    if (part !== null && whole !== null && part > whole) {
      findings.push(
        finding('rule.cross-field', `第${partItem}项与第${wholeItem}项不一致：${message}（${part} > ${whole}）。`, {
          item: partItem,
        }),
      );
    }
  }
  return findings;
}

/** Item 16 is a percentage: 0-100 whatever the base typed. */
function rateRange(read: Values): Finding[] {
  const rate = read.number(16, 'rate');
  if (rate === null || (rate >= 0 && rate <= 100)) return [];
  return [
    finding('rule.rate-range', `第16项网红孵化成功率为${rate}%，应在0～100%之间，请核实。`, {
      item: 16,
    }),
  ];
}

/** Items 32-33 must agree with the figures the self-assessment states. */
function reportAgreement(read: Values, report: ReportFigures): Finding[] {
  const findings: Finding[] = [];
  for (const [item, field, key, label] of [
    [32, 'gmv', 'gmv', '交易额'],
    [33, 'shanxiGmv', 'shanxiGmv', '带动山西产品交易额'],
  ] as const) {
    const formValue = read.number(item, field);
    const reportValue = report[key]?.value;
    if (formValue === null || reportValue === undefined) continue;
    if (Math.abs(formValue - reportValue) > FIGURE_TOLERANCE * Math.max(formValue, reportValue)) {
      findings.push(
        finding(
          'rule.report-mismatch',
          `第${item}项${label}与自评报告不一致：报告表为${formValue}万元，自评报告为${reportValue}万元（“${report[key]?.raw ?? ''}”）。`,
          { item },
        ),
      );
    }
  }
  return findings;
}

/**
 * The notice's own slips (DOMAIN.md "Rules"), as notes on the items they touch, only where the base's figures make
 * them matter: item 18 reads "monthly" where 附件1 scores a yearly total; the operating-years scale gives up to 5
 * points to a 3-point indicator, with overlapping bands; 附件1 cites item "37" for the staff list, which is item 35.
 */
function noticeSlips(read: Values): Finding[] {
  const findings: Finding[] = [];
  const sessions = read.number(18, 'sessions');
  if ((sessions ?? 0) > 0 || (read.number(18, 'sales') ?? 0) > 0) {
    const live = read.number(17, 'sessions');
    const hint =
      sessions !== null && live !== null && live > 0 && sessions > live
        ? `所填促销活动场次（${sessions}场）多于第17项月均直播场次（${live}场），疑似按全年累计填写。`
        : '';
    findings.push(
      finding(
        'rule.notice-slip',
        `说明：通知附件2第18项写“平均每月累计活动场次”，附件1评分标准写“本年度累计专题促销活动场次”和“累计成交总额”，口径不一致；本项按基地所填数值记录，请专家评审时确认基地填报的是月均还是全年累计。${hint}`,
        { item: 18, messageEn: 'Notice slip: item 18 says monthly average, 附件1 scores a yearly total.' },
      ),
    );
  }

  const years = read.number(30, 'years');
  if (years !== null && years >= 2 && years <= MAX_OPERATING_YEARS) {
    const detail =
      years > 3
        ? '“3年以上5分”超出该指标3分的分值'
        : '“2年内”“2-3年”“3年以上”三档在2年、3年处边界重叠，且“3年以上5分”超出该指标3分的分值';
    findings.push(
      finding(
        'rule.notice-slip',
        `说明：基地填报开园运营${years}年；通知附件1该指标（3分）计分为“2年内1分，2-3年2分，3年以上5分”，${detail}，请专家按评分细则确定得分。`,
        { item: 30, messageEn: 'Notice slip: the operating-years scale (1/2/5 points) exceeds its 3 points.' },
      ),
    );
  }

  const employees = read.number(35, 'employees');
  const sharesStaffList = [read.number(8, 'opsEngineers'), read.number(21, 'partyMembers')].some(
    (n) => n !== null && n > 0,
  );
  if (employees !== null && employees > 0 && sharesStaffList) {
    findings.push(
      finding(
        'rule.notice-slip',
        '说明：通知附件1中运维技术工程师数量、党员人数的证明材料可与“37项‘全体直播电商基地从业人数’”共用一张表格，所指实为报告表第35项（直播电商基地从业人数），第37项为运营服务创新。',
        { item: 35, messageEn: 'Notice slip: 附件1 cites item 37 for the staff list, which is item 35 of 附件2.' },
      ),
    );
  }
  return findings;
}
