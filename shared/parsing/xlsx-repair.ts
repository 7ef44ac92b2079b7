/**
 * Repairs two kinds of valid .xlsx that exceljs cannot read, by rewriting the package:
 * - SpreadsheetML written with a namespace prefix (`<x:workbook xmlns:x="…/spreadsheetml/2006/main">`), as the
 *   .NET Open XML SDK, Tencent Docs and some government systems produce: the prefix is dropped;
 * - worksheet parts not named `sheetN.xml` (Apple Numbers writes `sheet.xml`), which exceljs skips: they are
 *   renamed and the references to them updated.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { expandArchive } from './archive.ts';

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
/** Bounds against zip bombs: a report form has a few dozen parts of a few MB at most. */
const LIMITS = { maxEntries: 1000, maxTotalBytes: 100 * 1024 * 1024, maxEntryBytes: 100 * 1024 * 1024, maxDepth: 0 };

/** The repaired package, or null when nothing needed changing or the zip cannot be read whole. */
export async function repairXlsxPackage(data: Buffer): Promise<Buffer | null> {
  const archive = await expandArchive(data, { fileName: 'workbook.zip', limits: LIMITS });
  if (archive.entries.length === 0 || archive.findings.some((f) => f.severity === 'error')) return null;
  let entries: ZipEntry[] = archive.entries.map((e) => ({ name: e.path, data: e.content }));
  let changed = false;
  entries = entries.map((entry) => {
    if (!/\.xml$/i.test(entry.name)) return entry;
    const text = entry.data.toString('utf8');
    const fixed = dropMainPrefix(text);
    if (fixed === text) return entry;
    changed = true;
    return { name: entry.name, data: Buffer.from(fixed, 'utf8') };
  });
  const renames = sheetRenames(entries.map((e) => e.name));
  if (renames.size > 0) {
    changed = true;
    entries = entries.map((entry) => {
      const renamed = renames.get(entry.name);
      if (renamed) return { ...entry, name: renamed };
      if (entry.name !== 'xl/_rels/workbook.xml.rels' && entry.name !== '[Content_Types].xml') return entry;
      let text = entry.data.toString('utf8');
      for (const [from, to] of renames) {
        const base = from.replace(/^xl\//, '');
        text = text.split(`${base}"`).join(`${to.replace(/^xl\//, '')}"`);
      }
      return { ...entry, data: Buffer.from(text, 'utf8') };
    });
  }
  return changed ? writeZip(entries) : null;
}

/** New names for worksheet parts (and their rels) that exceljs would skip. */
function sheetRenames(names: string[]): Map<string, string> {
  const renames = new Map<string, string>();
  const taken = new Set(names);
  let next = 1;
  for (const name of names) {
    const match = /^xl\/worksheets\/([^/]+)\.xml$/.exec(name);
    if (!match || /^sheet\d+$/.test(match[1]!)) continue;
    while (taken.has(`xl/worksheets/sheet${next}.xml`)) next++;
    const to = `xl/worksheets/sheet${next}.xml`;
    taken.add(to);
    renames.set(name, to);
    const rels = `xl/worksheets/_rels/${match[1]}.xml.rels`;
    if (taken.has(rels)) renames.set(rels, `xl/worksheets/_rels/sheet${next}.xml.rels`);
  }
  return renames;
}

/** Drops the prefix bound to the SpreadsheetML main namespace from element names and its declaration. */
export function dropMainPrefix(xml: string): string {
  const declaration = new RegExp(`xmlns:([A-Za-z_][\\w.-]*)="${MAIN_NS.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`);
  const prefix = declaration.exec(xml)?.[1];
  if (!prefix) return xml;
  return xml
    .replace(new RegExp(`<(/?)${prefix}:`, 'g'), '<$1')
    .replace(new RegExp(`xmlns:${prefix}="`, 'g'), 'xmlns="');
}

/** A file of a zip package, expanded. */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Writes a plain deflate zip (no zip64: the bounds above keep it small). */
export function writeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data);
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0, 10); // time + date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
