import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CP437_UPPER_HALF, repairedMojibake } from '../../../shared/parsing/mojibake.ts';

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

  it("holds CP437's upper half as iconv-lite decodes it", () => {
    // Act
    const decoded = iconv.decode(Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i)), 'cp437');

    // Assess
    expect(CP437_UPPER_HALF).toBe(decoded);
  });
});
