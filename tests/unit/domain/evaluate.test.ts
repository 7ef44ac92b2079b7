import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/domain/evaluate.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { document, formValues, submission } from '../../fixtures/records.ts';

const round = loadRound('2023');
const base = round.bases.find((b) => b.id === 'p02')!;
const ON_TIME = '2023-11-08T02:00:00.000Z';
const LAST_SECOND = '2023-11-10T15:59:59.000Z'; // 23:59:59 Beijing, 10 Nov
const FIRST_LATE_SECOND = '2023-11-10T16:00:00.000Z'; // 00:00:00 Beijing, 11 Nov
const AFTER = new Date('2023-11-20T00:00:00Z');

/** Values claiming building area and live rooms only (everything else 0 / 否 / nothing ticked). */
function claimingTwo(overrides: Record<number, (number | boolean | string[] | string | null)[]> = {}) {
  return formValues(round, { 1: [0.52], 2: [36], ...overrides });
}

describe('evaluate', () => {
  it('reports a base that sent nothing as not-received, late only once the deadline has passed', () => {
    // Prepare
    const input = { round, base, submissions: [], documents: [] };

    // Act
    const before = evaluate({ ...input, asOf: new Date(ON_TIME) });
    const after = evaluate({ ...input, asOf: AFTER });

    // Assess
    expect(before).toMatchObject({ state: 'not-received', late: false, lateItems: [] });
    expect(before.missing.documents).toEqual(['report-form', 'self-assessment']);
    expect(after.state).toBe('not-received');
    expect(after.late).toBe(true);
    expect(after.lateItems.map((i) => i.element)).toEqual(['report-form', 'self-assessment']);
  });

  it('is complete when the form, the report and evidence for each claimed indicator are in', () => {
    // Prepare
    const sub = submission('s1', base.id, ON_TIME);
    const documents = [
      document(sub, '报告表.xlsx', 'report-form', { formValues: claimingTwo() }),
      document(sub, '自评报告.pdf', 'self-assessment'),
      document(sub, '建筑面积明细表.xlsx', 'evidence', { indicator: 'building-area' }),
      document(sub, '直播间明细表.xlsx', 'evidence', { indicator: 'live-rooms' }),
    ];

    // Act
    const status = evaluate({ round, base, submissions: [sub], documents, asOf: AFTER });

    // Assess
    expect(status.state).toBe('complete');
    expect(status.late).toBe(false);
    expect(status.missing).toEqual({ documents: [], formItems: [], evidence: [] });
    expect(status.formValues.find((v) => v.item === 1)?.value).toBe(0.52);
  });

  it('lists evidence missing for claimed indicators only', () => {
    // Prepare
    const sub = submission('s1', base.id, ON_TIME);
    const documents = [
      document(sub, '报告表.xlsx', 'report-form', { formValues: claimingTwo({ 6: [80] }) }),
      document(sub, '自评报告.pdf', 'self-assessment'),
      document(sub, '直播间明细表.xlsx', 'evidence', { indicator: 'live-rooms' }),
    ];

    // Act
    const status = evaluate({ round, base, submissions: [sub], documents, asOf: new Date(ON_TIME) });

    // Assess
    expect(status.state).toBe('incomplete');
    expect(status.missing.evidence).toEqual(['building-area', 'anchors']);
  });

  it('decides lateness on both sides of midnight Beijing time', () => {
    // Prepare
    const make = (at: string) => {
      const sub = submission(`s-${at}`, base.id, at);
      return {
        submissions: [sub],
        documents: [
          document(sub, '报告表.xlsx', 'report-form', { formValues: formValues(round) }),
          document(sub, '自评报告.pdf', 'self-assessment'),
        ],
      };
    };

    // Act
    const onTime = evaluate({ round, base, ...make(LAST_SECOND), asOf: AFTER });
    const late = evaluate({ round, base, ...make(FIRST_LATE_SECOND), asOf: AFTER });

    // Assess
    expect(onTime.late).toBe(false);
    expect(late.late).toBe(true);
    expect(late.lateItems).toEqual([
      expect.objectContaining({ element: 'report-form', receivedAt: FIRST_LATE_SECOND }),
      expect.objectContaining({ element: 'self-assessment', receivedAt: FIRST_LATE_SECOND }),
    ]);
  });

  it('makes only the corrected item late when a resubmission after the deadline fixes one figure', () => {
    // Prepare
    const first = submission('s1', base.id, ON_TIME);
    const second = submission('s2', base.id, '2023-11-12T03:00:00.000Z');
    const documents = [
      document(first, '报告表.xlsx', 'report-form', { formValues: claimingTwo({ 7: [null] }) }),
      document(first, '自评报告.pdf', 'self-assessment'),
      document(first, '建筑面积明细表.xlsx', 'evidence', { indicator: 'building-area' }),
      document(first, '直播间明细表.xlsx', 'evidence', { indicator: 'live-rooms' }),
      document(second, '报告表（修改）.xlsx', 'report-form', { formValues: claimingTwo({ 7: [5000] }) }),
    ];

    // Act
    const status = evaluate({ round, base, submissions: [first, second], documents, asOf: AFTER });

    // Assess
    expect(status.state).toBe('complete');
    expect(status.lateItems).toEqual([
      expect.objectContaining({ element: 'form-item', item: 7, receivedAt: '2023-11-12T03:00:00.000Z' }),
    ]);
    expect(status.formValues.find((v) => v.item === 7)?.value).toBe(5000);
  });

  it('gives the status at three moments: before the first mail, between, and after the deadline', () => {
    // Prepare
    const sub = submission('s1', base.id, ON_TIME);
    const documents = [document(sub, '报告表.xlsx', 'report-form', { formValues: formValues(round) })];
    const at = (iso: string) => evaluate({ round, base, submissions: [sub], documents, asOf: new Date(iso) });

    // Act
    const t0 = at('2023-11-01T00:00:00Z');
    const t1 = at('2023-11-09T00:00:00Z');
    const t2 = at('2023-11-11T00:00:00Z');

    // Assess
    expect([t0.state, t0.late]).toEqual(['not-received', false]);
    expect([t1.state, t1.late, t1.missing.documents]).toEqual(['incomplete', false, ['self-assessment']]);
    expect([t2.state, t2.late]).toEqual(['incomplete', true]);
    expect(t2.lateItems).toEqual([expect.objectContaining({ element: 'self-assessment', receivedAt: null })]);
  });

  it('ignores duplicate submissions and flags control items and unit slips', () => {
    // Prepare
    const sub = submission('s1', base.id, ON_TIME);
    const dup = { ...submission('s2', base.id, ON_TIME), state: 'duplicate' as const };
    const values = claimingTwo({ 1: [5200], 32: [1.2], 2: [8] });
    const documents = [document(sub, '报告表.xlsx', 'report-form', { formValues: values })];

    // Act
    const status = evaluate({ round, base, submissions: [sub, dup], documents, asOf: new Date(ON_TIME) });

    // Assess
    expect(status.submissions).toBe(1);
    const codes = status.findings.map((f) => `${f.code}:${f.item}`);
    expect(codes).toContain('rule.unit-suspect:1');
    expect(codes).toContain('rule.unit-suspect:32');
    expect(codes).toContain('rule.control-not-met:2');
  });

  it('counts the same file sent twice as one document version, dated by its first arrival', () => {
    // Prepare
    const first = submission('s1', base.id, ON_TIME);
    const again = submission('s2', base.id, FIRST_LATE_SECOND);
    const documents = [
      document(first, '自评报告.pdf', 'self-assessment'),
      document(again, '自评报告.pdf', 'self-assessment'),
    ];

    // Act
    const status = evaluate({ round, base, submissions: [first, again], documents, asOf: AFTER });

    // Assess
    expect(status.documents).toEqual([expect.objectContaining({ fileName: '自评报告.pdf', receivedAt: ON_TIME })]);
    expect(status.lateItems.find((i) => i.element === 'self-assessment')).toBeUndefined();
  });
});
