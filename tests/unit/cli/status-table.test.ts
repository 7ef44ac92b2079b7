import { describe, expect, it } from 'vitest';
import { displayWidth, statusTable } from '../../../cli/commands/status-table.ts';
import { evaluate } from '../../../shared/domain/evaluate.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { document, formValues, submission } from '../../fixtures/records.ts';

const round = loadRound('2023');
const AFTER = new Date('2023-11-20T00:00:00Z');

describe('intake status table', () => {
  it('has a header, columns aligned by display width, and names in Chinese, never codes', () => {
    // Prepare: one base that sent nothing, one that sent a form claiming building area and live rooms only.
    const [nothing, partly] = [round.bases[0]!, round.bases.find((b) => b.id === 'p02')!];
    const sub = submission('s1', partly.id, '2023-11-08T02:00:00.000Z');
    const documents = [
      document(sub, '报告表.xlsx', 'report-form', { formValues: formValues(round, { 1: [0.52], 2: [36] }) }),
    ];
    const statuses = [
      evaluate({ round, base: nothing, submissions: [], documents: [], asOf: AFTER }),
      evaluate({ round, base: partly, submissions: [sub], documents, asOf: AFTER }),
    ];

    // Act
    const lines = statusTable(round, statuses);

    // Assess
    expect(lines[0]).toMatch(/^城市\s+基地\s+状态\s+最近收到（北京时间）\s+缺少\s+待核实/);
    const text = lines.join('\n');
    for (const code of ['self-assessment', 'report-form', 'building-area', 'live-rooms', 'item ']) {
      expect(text).not.toContain(code);
    }
    expect(text).toContain('经营服务情况报告表、自评报告');
    expect(text).toContain('直播电商基地建筑面积证明');
    // Every row's 状态 column starts at the same terminal column as the header's.
    const statusColumn = (line: string) => displayWidth(line.slice(0, line.search(/未收到材料|材料不完整|状态/)));
    expect(new Set(lines.filter((_, i) => i !== 1).map(statusColumn)).size).toBe(1);
  });
});
