/**
 * Items 23-26 (党建水平: 责任落实, 学习贯彻, 党内生活, 党风廉政) answered 是/否, as Annex 1 gives them the unit 是/否
 * while Annex 2 prints tick boxes: 否 ticks nothing (no evidence needed), 是 claims the indicator without saying
 * which options (evidence needed, and an info finding asking which), never form.value-unreadable. From the workbook
 * a base sends, through the reader, to the status.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/domain/evaluate.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { parseReportForm, type ReportFormResult } from '../../../shared/parsing/report-form/index.ts';
import { document, submission } from '../../fixtures/records.ts';
import { buildReportFormXlsx, FORM_2023, SAMPLE_FORM_VALUES } from '../../fixtures/report-form.ts';

const round = loadRound('2023');
const base = round.bases.find((b) => b.id === 'p02')!;
const ON_TIME = '2023-11-08T02:00:00.000Z';
const AFTER = new Date('2023-11-20T00:00:00Z');

/** Every indicator of the sample form but the four party items, with one evidence file each. */
const OTHER_EVIDENCE = round.indicators
  .map((i) => i.slug)
  .filter((slug) => !['party-responsibility', 'party-study', 'party-life', 'party-integrity'].includes(slug));

async function readForm(layout: 'template' | 'handmade'): Promise<ReportFormResult> {
  const data = await buildReportFormXlsx({
    layout,
    values: { ...SAMPLE_FORM_VALUES, 23: '否', 24: '是', 25: '是', 26: '否' },
  });
  return parseReportForm(data, FORM_2023, { fileName: '经营服务情况报告表.xlsx' });
}

function statusOf(form: ReportFormResult, evidence: string[]) {
  const sub = submission('s1', base.id, ON_TIME);
  const documents = [
    document(sub, '经营服务情况报告表.xlsx', 'report-form', { formValues: form.values, findings: form.findings }),
    document(sub, '自评报告.pdf', 'self-assessment'),
    ...evidence.map((slug) => document(sub, `${slug}.pdf`, 'evidence', { indicator: slug })),
  ];
  return evaluate({ round, base, submissions: [sub], documents, asOf: AFTER });
}

describe.each(['template', 'handmade'] as const)('items 23-26 answered 是/否 (%s layout)', (layout) => {
  it('reads 否 as nothing ticked and 是 as claimed without options, never as unreadable', async () => {
    // Act
    const form = await readForm(layout);

    // Assess
    const value = (item: number) => form.values.find((v) => v.item === item)?.value;
    expect([23, 24, 25, 26].map(value)).toEqual([[], ['是'], ['是'], []]);
    const party = form.findings.filter((f) => [23, 24, 25, 26].includes(f.item ?? 0));
    expect(party.map((f) => [f.code, f.severity, f.item])).toEqual([
      ['form.ticks-claimed', 'info', 24],
      ['form.ticks-claimed', 'info', 25],
    ]);
    expect(party[0]?.message).toContain('未勾选具体选项');
    expect(form.findings.map((f) => f.code)).not.toContain('form.value-unreadable');
  });

  it('asks evidence for the items answered 是 only, and is complete once it has come', async () => {
    // Prepare
    const form = await readForm(layout);

    // Act
    const without = statusOf(form, OTHER_EVIDENCE);
    const withIt = statusOf(form, [...OTHER_EVIDENCE, 'party-study', 'party-life']);

    // Assess: 否 needs nothing; 是 needs its evidence, and the info finding stays for staff to see
    expect(without.missing.evidence).toEqual(['party-study', 'party-life']);
    expect(without.missing.formItems).toEqual([]);
    expect(without.overdueItems.map((i) => i.indicator)).toEqual(['party-study', 'party-life']);
    expect(withIt.state).toBe('complete');
    expect(withIt.overdue).toBe(false);
    expect(withIt.findings.filter((f) => f.code === 'form.ticks-claimed').map((f) => f.item)).toEqual([24, 25]);
  });
});
