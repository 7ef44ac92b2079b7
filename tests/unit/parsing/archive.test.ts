import { deflateRawSync, gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { type Finding, findingSchema } from '../../../shared/domain/findings.ts';
import {
  type ArchiveResult,
  archiveKind,
  DEFAULT_ARCHIVE_LIMITS,
  expandArchive,
} from '../../../shared/parsing/archive.ts';
import { makeZip, unicodePathExtra } from '../../fixtures/zip.ts';

const gbk = (text: string): Buffer => iconv.encode(text, 'gbk');
const codes = (result: ArchiveResult): string[] => result.findings.map((f: Finding) => f.code);
const paths = (result: ArchiveResult): string[] => result.entries.map((e) => e.path);

/** A GBK character whose second byte is 0x5C, the backslash: found in iconv's table, not hard-coded. */
function gbkCharWithBackslashTrail(): string {
  for (let code = 0x4e00; code <= 0x9fa5; code++) {
    const char = String.fromCodePoint(code);
    const bytes = gbk(char);
    if (bytes.length === 2 && bytes[1] === 0x5c) return char;
  }
  throw new Error('no GBK character with a 0x5C trail byte');
}

/** Deterministic bytes that are no archive format. */
function noiseBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 12345;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

describe('expandArchive: entry names', () => {
  it('decodes GBK names without the UTF-8 flag, with folders as folderPath', async () => {
    // Prepare
    const zip = makeZip([
      { name: gbk('证明材料/'), method: 'store' },
      { name: gbk('证明材料/主播名单.xlsx'), content: 'anchors' },
      { name: gbk('山西产品交易额构成明细.xlsx'), content: 'gmv' },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: '太原某基地材料.zip' });

    // Assess
    expect(result.entries.map(({ path, folderPath, fileName }) => ({ path, folderPath, fileName }))).toEqual([
      { path: '证明材料/主播名单.xlsx', folderPath: '证明材料', fileName: '主播名单.xlsx' },
      { path: '山西产品交易额构成明细.xlsx', folderPath: '', fileName: '山西产品交易额构成明细.xlsx' },
    ]);
    expect(result.entries[0]?.content.toString()).toBe('anchors');
    expect(codes(result)).toEqual(['archive.names-legacy-encoding']);
    expect(result.findings[0]).toMatchObject({ severity: 'info', document: '太原某基地材料.zip' });
  });

  it('reads again names garbled on the way (GBK once read as CP437, then stored as UTF-8)', async () => {
    // Prepare: what a Mac's unzip and a re-zip make of 高平基地评价材料/17-直播记录.xlsx.
    const garbled = (text: string) => iconv.decode(gbk(text), 'cp437');
    const zip = makeZip([
      { name: `${garbled('高平基地评价材料')}/${garbled('17-直播记录')}.xlsx`, utf8Flag: true, content: 'sessions' },
      { name: 'Müller Größe.pdf', utf8Flag: true, content: 'a German name stays' },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: '高平.zip' });

    // Assess
    expect(paths(result)).toEqual(['高平基地评价材料/17-直播记录.xlsx', 'Müller Größe.pdf']);
    expect(codes(result)).toEqual(['archive.names-legacy-encoding']);
    expect(result.findings[0]?.message).toContain('已按 GBK 还原为「高平基地评价材料/17-直播记录.xlsx」');
  });

  it('decodes UTF-8 names that carry the flag', async () => {
    // Prepare
    const zip = makeZip([{ name: '证明材料/直播间明细.xlsx', utf8Flag: true, content: 'rooms' }]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip' });

    // Assess
    expect(paths(result)).toEqual(['证明材料/直播间明细.xlsx']);
    expect(result.findings).toEqual([]);
  });

  it('detects UTF-8 names written without the flag', async () => {
    // Prepare
    const zip = makeZip([
      { name: '证明材料/培训明细.xlsx', content: 'training' },
      { name: 'readme.txt', content: 'ascii' },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip' });

    // Assess
    expect(paths(result)).toEqual(['证明材料/培训明细.xlsx', 'readme.txt']);
    expect(result.findings).toEqual([]);
  });

  it('decides the encoding for the whole archive: a short GBK name that happens to be valid UTF-8 stays GBK', async () => {
    // Prepare
    const zip = makeZip([
      { name: gbk('图1.jpg'), content: 'photo' },
      { name: gbk('主播名单.xlsx'), content: 'anchors' },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip' });

    // Assess
    expect(new TextDecoder('utf-8', { fatal: true }).decode(gbk('图1.jpg'))).not.toBe('图1.jpg');
    expect(paths(result)).toEqual(['图1.jpg', '主播名单.xlsx']);
  });

  it('prefers an Info-ZIP Unicode Path field over the raw legacy name', async () => {
    // Prepare
    const raw = gbk('旧名.xlsx');
    const zip = makeZip([{ name: raw, content: 'x', extraFields: [unicodePathExtra(raw, '主播名单.xlsx')] }]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip' });

    // Assess
    expect(paths(result)).toEqual(['主播名单.xlsx']);
    expect(codes(result)).toEqual([]);
  });

  it('does not split a GBK name on a trail byte of 0x5C, but does on a real backslash', async () => {
    // Prepare
    const char = gbkCharWithBackslashTrail();
    const zip = makeZip([{ name: gbk(`资料${char}\\名单${char}.xlsx`), content: 'x' }]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip' });

    // Assess
    expect(result.entries.map(({ path, folderPath, fileName }) => ({ path, folderPath, fileName }))).toEqual([
      { path: `资料${char}/名单${char}.xlsx`, folderPath: `资料${char}`, fileName: `名单${char}.xlsx` },
    ]);
  });
});

describe('expandArchive: unsafe and junk entries', () => {
  it.each([
    ['../../etc/passwd'],
    ['/abs/x'],
    ['C:\\x'],
    ['a\\..\\..\\b'],
    ['\\\\server\\share\\x'],
    ['a/.../b'],
    ['a\0b.txt'],
  ])('refuses %j and keeps the rest', async (name) => {
    // Prepare
    const zip = makeZip([
      { name, content: 'evil' },
      { name: 'ok.txt', content: 'fine' },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip' });

    // Assess
    expect(paths(result)).toEqual(['ok.txt']);
    expect(codes(result)).toEqual(['archive.entry-unsafe']);
    expect(result.findings[0]?.severity).toBe('warning');
    expect(result.findings[0]?.message).toContain(name.replace('\0', '\\x00'));
  });

  it('skips directories and macOS/Windows debris silently', async () => {
    // Prepare
    const zip = makeZip([
      { name: '证明材料/', utf8Flag: true, method: 'store' },
      { name: '__MACOSX/证明材料/._主播名单.xlsx', utf8Flag: true, content: 'fork' },
      { name: '证明材料/.DS_Store', utf8Flag: true, content: 'ds' },
      { name: 'Thumbs.db', content: 'thumbs' },
      { name: 'sub/desktop.ini', content: 'ini' },
      { name: '证明材料/主播名单.xlsx', utf8Flag: true, content: 'anchors' },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip' });

    // Assess
    expect(paths(result)).toEqual(['证明材料/主播名单.xlsx']);
    expect(result.findings).toEqual([]);
  });
});

describe('expandArchive: nested zips', () => {
  it('expands a zip inside the zip one level, under the inner zip path', async () => {
    // Prepare
    const inner = makeZip([{ name: gbk('名单/主播名单.xlsx'), content: 'anchors' }]);
    const outer = makeZip([
      { name: gbk('证明材料/主播.zip'), content: inner, method: 'store' },
      { name: gbk('报告表.xlsx'), content: 'form' },
    ]);

    // Act
    const result = await expandArchive(outer, { fileName: 'a.zip' });

    // Assess
    expect(
      result.entries.map(({ path, folderPath, fileName, fromNested }) => ({ path, folderPath, fileName, fromNested })),
    ).toEqual([
      {
        path: '证明材料/主播/名单/主播名单.xlsx',
        folderPath: '证明材料/主播/名单',
        fileName: '主播名单.xlsx',
        fromNested: '证明材料/主播.zip',
      },
      { path: '报告表.xlsx', folderPath: '', fileName: '报告表.xlsx', fromNested: undefined },
    ]);
    expect(result.entries[0]?.content.toString()).toBe('anchors');
  });

  it('keeps a doubly nested zip whole, with a finding', async () => {
    // Prepare
    const deepest = makeZip([{ name: 'x.txt', content: 'deep' }]);
    const inner = makeZip([{ name: 'deepest.zip', content: deepest }]);
    const outer = makeZip([{ name: 'inner.zip', content: inner }]);

    // Act
    const result = await expandArchive(outer, { fileName: 'a.zip' });

    // Assess
    expect(result.entries).toHaveLength(1);
    expect(result.entries[0]).toMatchObject({
      path: 'inner/deepest.zip',
      folderPath: 'inner',
      fromNested: 'inner.zip',
    });
    expect(result.entries[0]?.content.equals(deepest)).toBe(true);
    expect(codes(result)).toEqual(['archive.nested-too-deep']);
    expect(result.findings[0]?.message).toContain('inner/deepest.zip');
  });

  it('keeps a damaged inner zip whole and reports it', async () => {
    // Prepare
    const outer = makeZip([{ name: 'inner.zip', content: noiseBytes(300) }]);

    // Act
    const result = await expandArchive(outer, { fileName: 'a.zip' });

    // Assess
    expect(paths(result)).toEqual(['inner.zip']);
    expect(codes(result)).toEqual(['archive.corrupt']);
  });

  it('keeps an inner zip whole when nothing in it could be read', async () => {
    // Prepare
    const inner = makeZip([{ name: 'secret.txt', content: 's', encrypted: true }]);
    const outer = makeZip([{ name: 'inner.zip', content: inner }]);

    // Act
    const result = await expandArchive(outer, { fileName: 'a.zip' });

    // Assess
    expect(paths(result)).toEqual(['inner.zip']);
    expect(codes(result)).toEqual(['archive.encrypted']);
    expect(result.findings[0]?.message).toContain('inner.zip');
  });

  it('does not open zip-based documents such as .xlsx', async () => {
    // Prepare
    const workbook = makeZip([{ name: 'xl/workbook.xml', content: '<workbook/>' }]);
    const outer = makeZip([{ name: '报告表.xlsx', utf8Flag: true, content: workbook }]);

    // Act
    const result = await expandArchive(outer, { fileName: 'a.zip' });

    // Assess
    expect(paths(result)).toEqual(['报告表.xlsx']);
    expect(result.entries[0]?.content.equals(workbook)).toBe(true);
    expect(result.findings).toEqual([]);
  });
});

describe('expandArchive: limits', () => {
  it('stops at the entry count limit', async () => {
    // Prepare
    const zip = makeZip(['1', '2', '3', '4', '5'].map((n) => ({ name: `${n}.txt`, content: n })));

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip', limits: { maxEntries: 3 } });

    // Assess
    expect(paths(result)).toEqual(['1.txt', '2.txt', '3.txt']);
    expect(codes(result)).toEqual(['archive.too-many-entries']);
  });

  it('counts nested members against the same entry limit', async () => {
    // Prepare
    const inner = makeZip(['a', 'b', 'c'].map((n) => ({ name: `${n}.txt`, content: n })));
    const zip = makeZip([
      { name: 'inner.zip', content: inner },
      { name: 'z.txt', content: 'z' },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip', limits: { maxEntries: 3 } });

    // Assess
    expect(paths(result)).toEqual(['inner/a.txt', 'inner/b.txt']);
    expect(codes(result)).toEqual(['archive.too-many-entries']);
  });

  it('stops when the total expanded size would pass the limit', async () => {
    // Prepare
    const zip = makeZip(['1', '2', '3'].map((n) => ({ name: `${n}.bin`, content: Buffer.alloc(400, n) })));

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip', limits: { maxTotalBytes: 1000 } });

    // Assess
    expect(paths(result)).toEqual(['1.bin', '2.bin']);
    expect(codes(result)).toEqual(['archive.too-large']);
    expect(result.findings[0]?.message).toContain('3.bin');
  });

  it('skips a member above the per-entry limit and goes on', async () => {
    // Prepare
    const zip = makeZip([
      { name: 'big.bin', content: Buffer.alloc(200, 1) },
      { name: 'small.bin', content: Buffer.alloc(50, 1) },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip', limits: { maxEntryBytes: 100 } });

    // Assess
    expect(paths(result)).toEqual(['small.bin']);
    expect(codes(result)).toEqual(['archive.entry-too-large']);
  });

  it('refuses a high-ratio member as a suspected zip bomb', async () => {
    // Prepare
    const zeros = Buffer.alloc(2 * 1024 * 1024);
    const zip = makeZip([
      { name: 'bomb.bin', content: zeros },
      { name: 'ok.txt', content: 'fine' },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip' });

    // Assess
    expect(deflateRawSync(zeros).length * DEFAULT_ARCHIVE_LIMITS.maxRatio).toBeLessThan(zeros.length);
    expect(paths(result)).toEqual(['ok.txt']);
    expect(codes(result)).toEqual(['archive.ratio-suspect']);
  });

  it('keeps a small highly compressible member (ratio only checked above 1 MB)', async () => {
    // Prepare
    const zip = makeZip([{ name: 'blank.txt', content: Buffer.alloc(512 * 1024, 0x20) }]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip' });

    // Assess
    expect(result.entries[0]?.content.length).toBe(512 * 1024);
    expect(result.findings).toEqual([]);
  });

  it('does not trust a header that understates the expanded size', async () => {
    // Prepare
    const zip = makeZip([
      { name: 'liar.bin', content: Buffer.alloc(2 * 1024 * 1024), lie: { uncompressedSize: 10 } },
      { name: 'ok.txt', content: 'fine' },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip', limits: { maxEntryBytes: 1000 } });

    // Assess
    expect(paths(result)).toEqual(['ok.txt']);
    expect(codes(result)).toEqual(['archive.corrupt']);
    expect(result.findings[0]?.message).toContain('liar.bin');
  });
});

describe('expandArchive: formats it cannot read', () => {
  it.each([
    ['RAR 4', Buffer.concat([Buffer.from('Rar!\x1a\x07\x00', 'latin1'), noiseBytes(64)]), 'a.rar', 'RAR'],
    [
      'RAR 5 named .zip',
      Buffer.concat([Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'), noiseBytes(64)]),
      'a.zip',
      'RAR',
    ],
    ['7z', Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), noiseBytes(64)]), 'a.7z', '7z'],
    ['gzip', gzipSync('hello'), 'a.tar.gz', 'gzip'],
  ])('reports %s as unsupported, asking for a zip', async (_label, data, fileName, format) => {
    // Act
    const result = await expandArchive(data, { fileName });

    // Assess
    expect(result.entries).toEqual([]);
    expect(codes(result)).toEqual(['archive.unsupported-format']);
    expect(result.findings[0]).toMatchObject({ severity: 'error', document: fileName });
    expect(result.findings[0]?.message).toContain(format);
    expect(result.findings[0]?.message).toContain('zip 格式');
  });

  it('reports an archive with no files in it', async () => {
    // Prepare
    const zip = makeZip([
      { name: '证明材料/', utf8Flag: true, method: 'store' },
      { name: '__MACOSX/._x', content: 'fork' },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip' });

    // Assess
    expect(result.entries).toEqual([]);
    expect(codes(result)).toEqual(['archive.empty']);
  });

  it('reports random bytes as corrupt', async () => {
    // Act
    const result = await expandArchive(noiseBytes(4096), { fileName: 'a.zip' });

    // Assess
    expect(result.entries).toEqual([]);
    expect(codes(result)).toEqual(['archive.corrupt']);
  });

  it('reports a truncated zip as corrupt', async () => {
    // Prepare
    const zip = makeZip([{ name: 'a.txt', content: 'x'.repeat(1000) }]);

    // Act
    const result = await expandArchive(zip.subarray(0, zip.length - 30), { fileName: 'a.zip' });

    // Assess
    expect(result.entries).toEqual([]);
    expect(codes(result)).toEqual(['archive.corrupt']);
  });

  it('reports a member whose data fails its CRC as corrupt', async () => {
    // Prepare
    const zip = makeZip([
      { name: 'bad.txt', content: 'damaged', lie: { crc32: 0x12345678 } },
      { name: 'ok.txt', content: 'fine' },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip' });

    // Assess
    expect(paths(result)).toEqual(['ok.txt']);
    expect(codes(result)).toEqual(['archive.corrupt']);
    expect(result.findings[0]?.message).toContain('bad.txt');
  });

  it('reports password-protected members as encrypted', async () => {
    // Prepare
    const zip = makeZip([
      { name: gbk('证明材料/主播名单.xlsx'), content: 'secret', encrypted: true },
      { name: 'ok.txt', content: 'fine' },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: 'a.zip' });

    // Assess
    expect(paths(result)).toEqual(['ok.txt']);
    expect(codes(result)).toContain('archive.encrypted');
    expect(result.findings.find((f) => f.code === 'archive.encrypted')?.message).toContain('证明材料/主播名单.xlsx');
  });

  it('gives findings that fit the schema, in Chinese and English, on the document', async () => {
    // Prepare
    const zip = makeZip([
      { name: '../x', content: 'a' },
      { name: gbk('名单.xlsx'), content: 'b', encrypted: true },
    ]);

    // Act
    const result = await expandArchive(zip, { fileName: '材料.zip' });

    // Assess
    expect(result.findings.length).toBeGreaterThan(1);
    for (const f of result.findings) {
      expect(findingSchema.parse(f)).toEqual(f);
      expect(f.document).toBe('材料.zip');
      expect(f.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(f.messageEn).toBeTruthy();
    }
  });
});

describe('archiveKind', () => {
  const zip = makeZip([{ name: 'a.txt', content: 'a' }]);
  it.each([
    ['a zip by its bytes', zip, 'x.zip', 'zip'],
    ['a zip under any other name', zip, '材料', 'zip'],
    ['an .xlsx, which is a zip but a document', zip, '报告表.xlsx', null],
    ['a .docx', zip, '自评报告.DOCX', null],
    ['RAR bytes under a .zip name', Buffer.from('Rar!\x1a\x07\x00xxxx', 'latin1'), 'x.zip', 'rar'],
    ['7z', Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), 'x.7z', '7z'],
    ['gzip', gzipSync('a'), 'x.gz', 'gzip'],
    ['tar', Buffer.concat([Buffer.alloc(257), Buffer.from('ustar\0'), Buffer.alloc(250)]), 'x.tar', 'tar'],
    ['unknown bytes named .rar', Buffer.from('not really'), 'x.rar', 'rar'],
    ['a PDF', Buffer.from('%PDF-1.7\n'), 'x.pdf', null],
  ])('%s', (_label, data, fileName, kind) => {
    // Act
    const result = archiveKind(data, fileName);

    // Assess
    expect(result).toBe(kind);
  });
});
