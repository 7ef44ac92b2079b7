/**
 * Entry names: decoded from their raw bytes for the archive as a whole (UTF-8, or GB18030 for what Chinese Windows
 * writes; a name garbled by a tool that read GBK as CP437 is read again), then checked as paths (traversal, absolute
 * paths, OS debris) before any member is read.
 */
import { crc32 } from 'node:zlib';
import iconv from 'iconv-lite';
import type { Entry } from 'yauzl';
import { repairedMojibake } from '../mojibake.ts';

/** Where a decoded name leads: a file path, or a reason to pass over it. */
export type PathCheck =
  | { kind: 'file'; path: string }
  | { kind: 'directory' }
  | { kind: 'junk' }
  | { kind: 'unsafe'; reason: { zh: string; en: string } };

/** Normalises a decoded entry name to a `/`-separated relative path, refusing anything that could escape. */
export function checkPath(name: string): PathCheck {
  if (name.includes('\0')) return { kind: 'unsafe', reason: { zh: '含空字符', en: 'NUL character' } };
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed)) {
    return { kind: 'unsafe', reason: { zh: '绝对路径', en: 'absolute path' } };
  }
  const segments = slashed.split('/').filter((segment) => segment !== '' && segment !== '.');
  // Windows drops trailing dots and spaces, so `...` and `.. ` climb like `..`.
  if (segments.some((segment) => segment.includes('..') && /^[. ]+$/.test(segment))) {
    return { kind: 'unsafe', reason: { zh: '含“..”上级目录', en: '".." segment' } };
  }
  if (slashed.endsWith('/')) return { kind: 'directory' };
  const fileName = segments.at(-1);
  if (fileName === undefined) return { kind: 'unsafe', reason: { zh: '文件名为空', en: 'empty name' } };
  if (segments.some((segment) => segment.toLowerCase() === '__macosx') || JUNK_FILE.test(fileName)) {
    return { kind: 'junk' };
  }
  return { kind: 'file', path: segments.join('/') };
}

/** Operating-system debris that archivers pick up along with the files. */
const JUNK_FILE = /^(?:\.ds_store|thumbs\.db|desktop\.ini|\._.*)$/i;

/** Entry names decoded for a whole archive, and whether the legacy encoding was needed. */
export interface DecodedNames {
  decoded: string[];
  legacy: boolean;
  /** A garbled name read again (GBK once read as CP437 and stored so): the first one, as it came and as read. */
  repaired?: { from: string; to: string };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes raw entry names. Flagged names and Info-ZIP Unicode Path fields are UTF-8; the remaining non-ASCII
 * names are decided together for the archive, since one tool wrote them all: UTF-8 when every one of them is
 * valid UTF-8 (many tools omit the flag), else GB18030, the superset of GBK/CP936 that Chinese Windows writes.
 */
export function decodeNames(records: Entry[]): DecodedNames {
  const decoded: (string | null)[] = records.map((record) => {
    const unicodePath = unicodePathOf(record);
    if (unicodePath !== null) return unicodePath;
    if ((record.generalPurposeBitFlag & 0x800) !== 0) return record.fileNameRaw.toString('utf8');
    return null;
  });
  const undecided = records.flatMap((record, index) =>
    decoded[index] === null && !isAscii(record.fileNameRaw) ? [record.fileNameRaw] : [],
  );
  const legacy = undecided.some((raw) => !isValidUtf8(raw));
  let repaired: DecodedNames['repaired'];
  const names = records.map((record, index) => {
    const known = decoded[index];
    const raw = record.fileNameRaw;
    const name =
      known !== null && known !== undefined
        ? known
        : legacy && !isAscii(raw)
          ? iconv.decode(raw, 'gb18030')
          : raw.toString('utf8');
    // 高平基地/ garbled to ╕▀╞╜╗∙╡╪/ by a tool that read GBK as CP437 and wrote it back as UTF-8.
    const again = repairedMojibake(name);
    if (again !== undefined) repaired ??= { from: name, to: again };
    return again ?? name;
  });
  return { decoded: names, legacy, ...(repaired ? { repaired } : {}) };
}

/** The UTF-8 name of an Info-ZIP Unicode Path extra field, when present and matching the raw name's CRC. */
function unicodePathOf(record: Entry): string | null {
  for (const field of record.extraFields) {
    // Version 1 only; a CRC mismatch means the raw name was changed after the field was written.
    if (field.id !== 0x7075 || field.data.length < 6 || field.data[0] !== 1) continue;
    if (field.data.readUInt32LE(1) !== crc32(record.fileNameRaw)) continue;
    const name = field.data.subarray(5);
    if (isValidUtf8(name)) return name.toString('utf8');
  }
  return null;
}

function isAscii(bytes: Buffer): boolean {
  return bytes.every((byte) => byte < 0x80);
}

function isValidUtf8(bytes: Buffer): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
