import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/domain/evaluate.ts';
import { baseStatusSchema } from '../../../shared/domain/records.ts';
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
  it('reports a base that sent nothing as not-received, overdue (not late) once the deadline has passed', () => {
    // Prepare
    const input = { round, base, submissions: [], documents: [] };

    // Act
    const before = evaluate({ ...input, asOf: new Date(ON_TIME) });
    const after = evaluate({ ...input, asOf: AFTER });

    // Assess
    expect(before).toMatchObject({
      state: 'not-received',
      late: false,
      lateItems: [],
      overdue: false,
      overdueItems: [],
    });
    expect(before.missing.documents).toEqual(['report-form', 'self-assessment']);
    expect(after).toMatchObject({ state: 'not-received', late: false, lateItems: [], overdue: true });
    expect(after.overdueItems.map((i) => i.element)).toEqual(['report-form', 'self-assessment']);
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
    expect([t1.overdue, t1.overdueItems]).toEqual([false, []]);
    expect([t2.state, t2.late, t2.lateItems, t2.overdue]).toEqual(['incomplete', false, [], true]);
    expect(t2.overdueItems).toEqual([
      { element: 'self-assessment', message: expect.stringContaining('截止时仍未提交') as unknown as string },
    ]);
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

  describe('两种逾期: late (逾期提交) and overdue (截止仍缺) are separate facts', () => {
    /** A base claiming building area and live rooms: form, report and both evidence files, each sent at its time. */
    const sentAt = (times: { form: string; report: string; area: string; rooms?: string }) => {
      const subs = new Map<string, ReturnType<typeof submission>>();
      const sub = (at: string) => {
        if (!subs.has(at)) subs.set(at, submission(`s-${at}`, base.id, at));
        return subs.get(at)!;
      };
      const documents = [
        document(sub(times.form), '报告表.xlsx', 'report-form', { formValues: claimingTwo() }),
        document(sub(times.report), '自评报告.pdf', 'self-assessment'),
        document(sub(times.area), '建筑面积明细表.xlsx', 'evidence', { indicator: 'building-area' }),
        ...(times.rooms
          ? [document(sub(times.rooms), '直播间明细表.xlsx', 'evidence', { indicator: 'live-rooms' })]
          : []),
      ];
      return { submissions: [...subs.values()], documents };
    };

    it('a base complete and on time is neither late nor overdue', () => {
      // Prepare
      const sent = sentAt({ form: ON_TIME, report: ON_TIME, area: ON_TIME, rooms: LAST_SECOND });

      // Act
      const status = evaluate({ round, base, ...sent, asOf: AFTER });

      // Assess
      expect(status).toMatchObject({
        state: 'complete',
        late: false,
        lateItems: [],
        overdue: false,
        overdueItems: [],
      });
    });

    it('a base that sent one item after the deadline is late only', () => {
      // Prepare
      const sent = sentAt({ form: ON_TIME, report: ON_TIME, area: ON_TIME, rooms: FIRST_LATE_SECOND });

      // Act
      const status = evaluate({ round, base, ...sent, asOf: AFTER });

      // Assess
      expect(status).toMatchObject({ state: 'complete', late: true, overdue: false, overdueItems: [] });
      expect(status.lateItems).toEqual([
        {
          element: 'evidence',
          indicator: 'live-rooms',
          receivedAt: FIRST_LATE_SECOND,
          message: '基地配套专业直播间数量的证明材料逾期提交',
        },
      ]);
    });

    it('a base that sent everything it sent on time but still lacks an item past the deadline is overdue only', () => {
      // Prepare
      const sent = sentAt({ form: ON_TIME, report: ON_TIME, area: LAST_SECOND });

      // Act
      const before = evaluate({ round, base, ...sent, asOf: new Date(LAST_SECOND) });
      const after = evaluate({ round, base, ...sent, asOf: AFTER });

      // Assess
      expect(before).toMatchObject({ state: 'incomplete', late: false, overdue: false, overdueItems: [] });
      expect(after).toMatchObject({ state: 'incomplete', late: false, lateItems: [], overdue: true });
      expect(after.overdueItems).toEqual([
        { element: 'evidence', indicator: 'live-rooms', message: '基地配套专业直播间数量的证明材料截止时仍未提交' },
      ]);
    });

    it('a late item is late and no longer overdue once it has arrived', () => {
      // Prepare
      const sent = sentAt({ form: ON_TIME, report: ON_TIME, area: ON_TIME, rooms: '2023-11-12T03:00:00.000Z' });

      // Act
      const between = evaluate({ round, base, ...sent, asOf: new Date('2023-11-11T00:00:00Z') });
      const after = evaluate({ round, base, ...sent, asOf: AFTER });

      // Assess
      expect([between.late, between.overdue]).toEqual([false, true]);
      expect([after.late, after.overdue]).toEqual([true, false]);
    });
  });

  it('parses a status stored before overdue existed, with overdue false and no overdue items', () => {
    // Prepare
    const stored = evaluate({ round, base, submissions: [], documents: [], asOf: new Date(ON_TIME) });
    const { overdue: _overdue, overdueItems: _items, ...old } = stored;

    // Act
    const parsed = baseStatusSchema.parse(old);

    // Assess
    expect(parsed).toMatchObject({ late: false, overdue: false, overdueItems: [] });
  });

  describe('evidence sets and questions (待核实)', () => {
    const sub = submission('s1', base.id, ON_TIME);
    const core = [
      document(sub, '报告表.xlsx', 'report-form', { formValues: claimingTwo({ 8: [3], 21: [5], 35: [40] }) }),
      document(sub, '自评报告.pdf', 'self-assessment'),
      document(sub, '建筑面积明细表.xlsx', 'evidence', { indicator: 'building-area' }),
      document(sub, '直播间明细表.xlsx', 'evidence', { indicator: 'live-rooms' }),
    ];

    it('counts one shared table for every indicator it serves', () => {
      // Prepare
      const shared = document(sub, '从业人员名单（含运维技术人员、党员）.xlsx', 'evidence', {
        indicator: 'ops-engineers',
        indicators: ['ops-engineers', 'party-members', 'employees'],
      });

      // Act
      const status = evaluate({ round, base, submissions: [sub], documents: [...core, shared], asOf: AFTER });

      // Assess
      expect(status.missing.evidence).toEqual([]);
      expect(status.state).toBe('complete');
      expect(status.documents.find((d) => d.id === shared.id)?.indicators).toEqual([
        'ops-engineers',
        'party-members',
        'employees',
      ]);
    });

    it('shows evidence the classifier asked about as pending, neither missing nor overdue', () => {
      // Prepare
      const asked = document(sub, '花名册.xlsx', 'evidence', {
        classification: {
          decision: 'asked',
          confidence: 0.4,
          candidates: [
            { indicator: 'employees', score: 2 },
            { indicator: 'party-members', score: 2 },
          ],
          reasons: ['文件名含“花名册”'],
        },
      });
      const ops = document(sub, '运维人员名单.xlsx', 'evidence', { indicator: 'ops-engineers' });

      // Act
      const status = evaluate({ round, base, submissions: [sub], documents: [...core, ops, asked], asOf: AFTER });

      // Assess
      expect(status.pendingEvidence).toEqual([
        { indicator: 'party-members', documents: [{ id: asked.id, fileName: '花名册.xlsx' }] },
        { indicator: 'employees', documents: [{ id: asked.id, fileName: '花名册.xlsx' }] },
      ]);
      expect(status.missing.evidence).toEqual([]);
      expect(status.overdueItems).toEqual([]);
      expect(status.state).toBe('incomplete');
    });

    it('lets a classification by hand settle a question for several indicators at once', () => {
      // Prepare
      const asked = document(sub, '花名册.xlsx', 'evidence', {
        classification: {
          decision: 'asked',
          confidence: 0.4,
          candidates: [{ indicator: 'employees', score: 2 }],
          reasons: [],
        },
      });
      const byHand = {
        baseId: base.id,
        kind: 'classify-document' as const,
        key: asked.sha256,
        active: true,
        value: { kind: 'evidence', indicators: ['ops-engineers', 'party-members', 'employees'] },
        actor: 'staff',
        at: ON_TIME,
        reason: '',
      };

      // Act
      const status = evaluate({
        round,
        base,
        submissions: [sub],
        documents: [...core, asked],
        decisions: [byHand],
        asOf: AFTER,
      });

      // Assess
      expect(status.pendingEvidence).toEqual([]);
      expect(status.missing.evidence).toEqual([]);
      expect(status.state).toBe('complete');
    });
  });

  it('dates paper copies and calls them late only after the paper due date', () => {
    // Prepare
    const paper = (receivedOn: string) => ({
      baseId: base.id,
      kind: 'paper-copies' as const,
      key: 'paper',
      active: true,
      value: { copies: 2, receivedOn },
      actor: 'staff',
      at: ON_TIME,
      reason: '',
    });
    const input = { round, base, submissions: [], documents: [], asOf: AFTER };

    // Act
    const onDay = evaluate({ ...input, decisions: [paper('2023-11-10')] });
    const dayAfter = evaluate({ ...input, decisions: [paper('2023-11-11')] });
    const laterDue = evaluate({
      ...input,
      round: { ...round, paperDue: '2023-11-15' },
      decisions: [paper('2023-11-11')],
    });

    // Assess
    expect(onDay).toMatchObject({ paperCopies: 2, paperCopiesReceivedOn: '2023-11-10', paperLate: false });
    expect(dayAfter.paperLate).toBe(true);
    expect(laterDue.paperLate).toBe(false);
  });
});
