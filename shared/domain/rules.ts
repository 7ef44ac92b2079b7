/**
 * Checks the notice states on the figures of a report form: control items, units, cross-field consistency and the
 * agreement of items 32-33 with the self-assessment report. They produce findings for staff and experts; the
 * completeness of a package does not depend on them.
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

/** Runs every rule on the latest form values (and the report's figures when there is a report). */
export function checkRules(round: Round, values: FormValue[], report?: ReportFigures): Finding[] {
  const number = (item: number, field: string): number | null => {
    const value = values.find((v) => v.item === item && v.field === field)?.value;
    return typeof value === 'number' ? value : null;
  };
  const findings: Finding[] = [];

  for (const control of round.controlItems) {
    const value = number(control.item, control.field);
    if (value === null || value >= control.min) continue;
    if (control.relaxedMin !== undefined && value >= control.relaxedMin) {
      findings.push(
        finding(
          'rule.control-relaxed',
          'warning',
          `控制项“${control.label}”为${value}，低于${control.min}，仅在“${control.relaxedCondition ?? ''}”时达标，请专家确认。`,
          { item: control.item },
        ),
      );
    } else {
      findings.push(
        finding('rule.control-not-met', 'warning', `控制项“${control.label}”为${value}，未达到${control.min}。`, {
          item: control.item,
        }),
      );
    }
  }

  const area = number(1, 'area');
  if (area !== null && area > 50) {
    findings.push(
      finding(
        'rule.unit-suspect',
        'warning',
        `第1项建筑面积填写为${area}万平方米，数值过大，疑似按平方米填写（单位应为万平方米）。`,
        {
          item: 1,
        },
      ),
    );
  }
  for (const [item, field, label] of [
    [32, 'gmv', '交易额'],
    [33, 'shanxiGmv', '带动山西产品交易额'],
  ] as const) {
    const value = number(item, field);
    if (value !== null && value > 0 && value < 10) {
      findings.push(
        finding(
          'rule.unit-suspect',
          'warning',
          `第${item}项${label}填写为${value}万元，数值过小，疑似按亿元填写（单位应为万元）。`,
          {
            item,
          },
        ),
      );
    }
  }

  const pairs: [number, string, number, string, string][] = [
    [33, 'shanxiGmv', 32, 'gmv', '带动山西产品交易额不应大于基地交易额'],
    [4, 'laozihao', 4, 'merchants', '山西老字号商家数量不应大于入驻商家数量'],
    [5, 'shanxiProducts', 5, 'products', '山西产品数量不应大于入驻商家产品数量'],
    [36, 'migrantWorkers', 35, 'employees', '吸纳农民工就业人数不应大于从业人数'],
  ];
  for (const [partItem, partField, wholeItem, wholeField, message] of pairs) {
    const part = number(partItem, partField);
    const whole = number(wholeItem, wholeField);
    if (part !== null && whole !== null && part > whole) {
      findings.push(
        finding(
          'rule.cross-field',
          'warning',
          `第${partItem}项与第${wholeItem}项不一致：${message}（${part} > ${whole}）。`,
          { item: partItem },
        ),
      );
    }
  }

  if (report) {
    for (const [item, field, key, label] of [
      [32, 'gmv', 'gmv', '交易额'],
      [33, 'shanxiGmv', 'shanxiGmv', '带动山西产品交易额'],
    ] as const) {
      const formValue = number(item, field);
      const reportValue = report[key]?.value;
      if (formValue === null || reportValue === undefined) continue;
      if (Math.abs(formValue - reportValue) > FIGURE_TOLERANCE * Math.max(formValue, reportValue)) {
        findings.push(
          finding(
            'rule.report-mismatch',
            'warning',
            `第${item}项${label}与自评报告不一致：报告表为${formValue}万元，自评报告为${reportValue}万元（“${report[key]?.raw ?? ''}”）。`,
            { item },
          ),
        );
      }
    }
  }
  return findings;
}
