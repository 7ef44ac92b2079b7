import { describe, expect, it } from 'vitest';
import { progressBar } from '../../../cli/commands/progress.ts';

function terminal(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, columns: 80, write: (text: string) => written.push(text) } };
}

describe('progressBar', () => {
  it('draws on a terminal, redrawing under lines printed through it, and clears at the end', () => {
    // Prepare
    const { written, stream } = terminal(true);
    const lines: string[] = [];
    const bar = progressBar('收取', 4, { stream, out: (line) => lines.push(line) });

    // Act
    bar.update(1, 'a.eml');
    bar.log('a.eml: 已收取');
    bar.update(4, 'd.eml');
    bar.finish();

    // Assess
    expect(written).toContain('收取 [######------------------] 1/4 a.eml');
    expect(written).toContain('收取 [########################] 4/4 d.eml');
    expect(written.at(-1)).toBe('\r\x1b[K');
    expect(lines).toEqual(['a.eml: 已收取']);
  });

  it('prints nothing to a pipe but still passes result lines through', () => {
    // Prepare
    const { written, stream } = terminal(false);
    const lines: string[] = [];
    const bar = progressBar('导出', 10, { stream, out: (line) => lines.push(line) });

    // Act
    bar.update(5, 'x', 20);
    bar.log('done');
    bar.finish();

    // Assess
    expect(written).toEqual([]);
    expect(lines).toEqual(['done']);
  });
});
