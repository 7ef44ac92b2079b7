import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { repairedMojibake } from '../../../shared/parsing/mojibake.ts';

/** What a tool that reads GBK bytes as CP437 makes of a name. */
const garbled = (text: string): string => iconv.decode(iconv.encode(text, 'gbk'), 'cp437');

describe('repairedMojibake', () => {
  it.each(['高平基地评价材料', '17-直播记录.xlsx', '报道', '党风廉政（2023）.pdf'])(
    'reads %s back from its CP437 garble',
    (name) => {
      // Act
      const repaired = repairedMojibake(garbled(name));

      // Assess
      expect(garbled(name)).not.toBe(name);
      expect(repaired).toBe(name);
    },
  );

  it.each(['Müller Größe.pdf', 'Café ½.pdf', '高平.pdf', 'scan_0012.pdf', '±°.txt'])('leaves %s alone', (name) => {
    // Act
    const repaired = repairedMojibake(name);

    // Assess
    expect(repaired).toBeUndefined();
  });
});
