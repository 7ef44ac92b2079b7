import { describe, expect, it } from 'vitest';
import { statusJsonChunks } from '../../../cli/commands/status-json.ts';
import { evaluate } from '../../../shared/domain/evaluate.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import type { StatusReport } from '../../../shared/use-cases/query.ts';
import { document, submission } from '../../fixtures/records.ts';

const round = loadRound('2023');
const asOf = new Date('2023-11-12T00:00:00Z');

/** A report with received and unreceived bases, an unmatched mail and no excluded ones. */
function report(): StatusReport {
  const sub = submission('s-1', 'p11', '2023-11-09T01:00:00.000Z');
  const bases = round.bases.slice(0, 3).map((base) =>
    evaluate({
      round,
      base,
      submissions: base.id === 'p11' ? [sub] : [],
      documents: base.id === 'p11' ? [document(sub, '经营服务情况报告表.xlsx', 'report-form')] : [],
      asOf,
    }),
  );
  return {
    bases,
    unmatched: [
      {
        submissionId: 's-2',
        from: '"某基地" <a@b.cn>',
        subject: '材料',
        receivedAt: '2023-11-09T02:00:00.000Z',
        fileNames: ['附件1.pdf'],
        candidates: [],
        findings: [],
      },
    ],
    excluded: [],
  };
}

describe('intake status --json, written a base at a time', () => {
  it('writes exactly what JSON.stringify(report, null, 2) writes', () => {
    // Prepare
    const whole = report();

    // Act
    const text = [...statusJsonChunks(whole)].join('');

    // Assess
    expect(text).toBe(JSON.stringify(whole, null, 2));
    expect([...statusJsonChunks(whole)].length).toBeGreaterThan(whole.bases.length);
  });

  it('writes empty lists and a receipt field as JSON.stringify does, and leaves an absent receipt out', () => {
    // Prepare
    const empty: StatusReport = { bases: [], unmatched: [], excluded: [] };
    const withReceipt: StatusReport = { ...report(), receipt: null };
    const absent: StatusReport = { ...report(), receipt: undefined };

    // Act
    const texts = [empty, withReceipt, absent].map((r) => [...statusJsonChunks(r)].join(''));

    // Assess
    expect(texts).toEqual([empty, withReceipt, absent].map((r) => JSON.stringify(r, null, 2)));
  });
});
