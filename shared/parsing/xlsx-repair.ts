/**
 * Repairs two kinds of valid .xlsx that exceljs cannot read, by rewriting the package:
 * - SpreadsheetML written with a namespace prefix (`<x:workbook xmlns:x="…/spreadsheetml/2006/main">`), as the
 *   .NET Open XML SDK, Tencent Docs and some government systems produce: the prefix is dropped;
 * - worksheet parts not named `sheetN.xml` (Apple Numbers writes `sheet.xml`), which exceljs skips: they are
 *   renamed and the references to them updated.
 */
import { expandArchive } from './archive.ts';
import { writeZip, type ZipEntry } from './zip-writer.ts';

// The writer lives in zip-writer.ts so that writing a workbook does not bundle the zip reader (archive.ts).
export { writeZip, type ZipEntry };

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
