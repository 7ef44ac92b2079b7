/**
 * The text of a Word self-assessment: `.docx` through mammoth, legacy `.doc` (and WPS files saved in the same
 * binary format) through word-extractor. The format is decided by the bytes, not the name, since bases rename
 * files freely. Problems come back as a kind (encrypted, corrupt, not a Word document), never as an exception.
 */
import yauzl from 'yauzl';

// mammoth and word-extractor (~25 MB of RSS together) load on the first Word file: most submissions send PDFs.

/** Upper bound on reading one Word file, so a pathological file cannot stall the extract step. */
export const WORD_TEXT_TIMEOUT_MS = 20_000;
/**
 * Largest declared expanded size of the XML parts of a .docx. A 30-page report is well under 5 MB of XML; photos
 * (the bulk of a large .docx) are not counted. Beyond this the package is a zip bomb or not a report.
 */
export const MAX_DOCX_XML_BYTES = 64 * 1024 * 1024;

/** The container a Word document came in. */
export type WordFormat = 'docx' | 'doc';

/** Text read from a Word document, or why there is none. */
export type WordText =
  | {
      kind: 'ok';
      format: WordFormat;
      text: string /** Page count the file declares (docProps/app.xml). */;
      pages?: number;
    }
  | { kind: 'encrypted' | 'corrupt' | 'not-word' | 'timeout'; format: WordFormat | 'unknown'; detail: string };

const ZIP_MAGIC = 0x504b0304;
const OLE_MAGIC = [0xd0cf11e0, 0xa1b11ae1] as const;
/** The stream name Office gives a password-protected OOXML package inside its CFB wrapper (UTF-16LE). */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

/** Which Word container the bytes are, if any. */
export function wordContainer(data: Buffer): WordFormat | null {
  if (data.length >= 4 && data.readUInt32BE(0) === ZIP_MAGIC) return 'docx';
  if (data.length >= 8 && data.readUInt32BE(0) === OLE_MAGIC[0] && data.readUInt32BE(4) === OLE_MAGIC[1]) return 'doc';
  return null;
}

/** Extracts the body text of a .docx or .doc; paragraphs end in `\n`, table cells of a .doc are tab-separated. */
export async function extractWordText(data: Buffer): Promise<WordText> {
  const format = wordContainer(data);
  if (!format) return { kind: 'not-word', format: 'unknown', detail: 'neither a zip nor an OLE2 container' };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<WordText>((resolve) => {
    timer = setTimeout(
      () => resolve({ kind: 'timeout', format, detail: `no text after ${WORD_TEXT_TIMEOUT_MS} ms` }),
      WORD_TEXT_TIMEOUT_MS,
    );
    timer.unref();
  });
  try {
    return await Promise.race([format === 'docx' ? readDocx(data) : readDoc(data), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

async function readDocx(data: Buffer): Promise<WordText> {
  const listing = await zipParts(data).catch((error: unknown) => error as Error);
  if (listing instanceof Error) return { kind: 'corrupt', format: 'docx', detail: listing.message };
  const { parts, pages } = listing;
  if (!parts.has('word/document.xml')) {
    // A zip, but another kind of package: .xlsx, .odt or .wps renamed, or a zip of files.
    return { kind: 'not-word', format: 'docx', detail: `no word/document.xml among ${parts.size} parts` };
  }
  const xmlBytes = [...parts].filter(([name]) => /\.(xml|rels)$/i.test(name)).reduce((sum, [, size]) => sum + size, 0);
  if (xmlBytes > MAX_DOCX_XML_BYTES) {
    return { kind: 'corrupt', format: 'docx', detail: `XML parts declare ${xmlBytes} bytes expanded` };
  }
  try {
    const { default: mammoth } = await import('mammoth');
    const result = await mammoth.extractRawText({ buffer: data });
    // mammoth ends every paragraph (and table cell) with a blank line; one line each is what the analysis reads.
    const text = result.value.replace(/\r\n?/g, '\n').replace(/\n\n/g, '\n');
    return { kind: 'ok', format: 'docx', text, ...(pages ? { pages } : {}) };
  } catch (error) {
    return { kind: 'corrupt', format: 'docx', detail: describe(error) };
  }
}

async function readDoc(data: Buffer): Promise<WordText> {
  if (data.includes(ENCRYPTED_PACKAGE)) {
    return { kind: 'encrypted', format: 'doc', detail: 'CFB container with an EncryptedPackage stream' };
  }
  // word-extractor follows sector chains without a cycle check (a loop would hang the process): check first.
  const container = inspectCfb(data);
  if (container.problem) return { kind: 'corrupt', format: 'doc', detail: container.problem };
  if (!container.streams.includes('WordDocument')) {
    // An OLE2 file without a Word stream: an .xls, an old .wps, an .msg renamed.
    return { kind: 'not-word', format: 'doc', detail: `streams: ${container.streams.slice(0, 8).join(', ')}` };
  }
  try {
    const { default: WordExtractor } = await import('word-extractor');
    const document = await new WordExtractor().extract(data);
    const options = { filterUnicode: false };
    const text = [document.getBody(options), document.getTextboxes({ ...options, includeHeadersAndFooters: false })]
      .filter((part) => part.trim() !== '')
      .join('\n');
    return { kind: 'ok', format: 'doc', text: text.replace(/\r\n?/g, '\n') };
  } catch (error) {
    const detail = describe(error);
    // A WordDocument stream that is not Word 97-2003 (Word 6/95, a WPS variant) is for a person to open.
    const notWord = /magic number|not seem to be a Word/i.test(detail);
    return { kind: notWord ? 'not-word' : 'corrupt', format: 'doc', detail };
  }
}

/** Largest docProps/app.xml read for its page count. */
const MAX_APP_XML_BYTES = 64 * 1024;

/** Names and declared expanded sizes of a zip's members (central directory), and the page count app.xml states. */
function zipParts(data: Buffer): Promise<{ parts: Map<string, number>; pages?: number }> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: false }, (error, zip) => {
      if (error || !zip) {
        reject(error ?? new Error('unreadable zip'));
        return;
      }
      const parts = new Map<string, number>();
      let pages: number | undefined;
      zip.on('entry', (entry: yauzl.Entry) => {
        parts.set(entry.fileName, entry.uncompressedSize);
        if (entry.fileName !== 'docProps/app.xml' || entry.uncompressedSize > MAX_APP_XML_BYTES) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) {
            zip.readEntry();
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_APP_XML_BYTES) chunks.push(chunk);
          });
          stream.on('error', () => zip.readEntry());
          stream.on('end', () => {
            const match = /<(?:\w+:)?Pages>\s*(\d{1,5})\s*</.exec(Buffer.concat(chunks).toString('utf8'));
            if (match) pages = Number(match[1]);
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve({ parts, ...(pages ? { pages } : {}) }));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** What {@link inspectCfb} finds in a compound file. */
export interface CfbInspection {
  /** Why its sector chains cannot be followed safely (a cycle, a sector beyond the file), or null. */
  problem: string | null;
  /** Names of the streams and storages in its directory. */
  streams: string[];
}

/**
 * Checks the chains a reader of a compound (OLE2) file follows: directory, mini FAT, the mini stream and every
 * stream's own chain, and lists the directory's names.
 */
export function inspectCfb(data: Buffer): CfbInspection {
  const streams: string[] = [];
  const fail = (problem: string): CfbInspection => ({ problem, streams });
  if (data.length < 512) return fail('shorter than a CFB header');
  const shift = data.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return fail(`sector shift ${shift}`);
  const sectorSize = 1 << shift;
  const sectors = Math.floor((data.length - sectorSize) / sectorSize);
  const sectorAt = (id: number) => (id + 1) * sectorSize;
  const inFile = (id: number) => id >= 0 && id < sectors;

  // FAT sectors: the 109 in the header, then the DIFAT chain (its last slot links to the next DIFAT sector).
  const fatSectors: number[] = [];
  const fatCount = data.readUInt32LE(0x2c);
  for (let i = 0; i < 109 && fatSectors.length < fatCount; i++) fatSectors.push(data.readInt32LE(0x4c + i * 4));
  let difat = data.readInt32LE(0x44);
  const seenDifat = new Set<number>();
  while (fatSectors.length < fatCount && inFile(difat)) {
    if (seenDifat.has(difat)) return fail('DIFAT chain loops');
    seenDifat.add(difat);
    const base = sectorAt(difat);
    for (let i = 0; i < sectorSize / 4 - 1 && fatSectors.length < fatCount; i++) {
      fatSectors.push(data.readInt32LE(base + i * 4));
    }
    difat = data.readInt32LE(base + sectorSize - 4);
  }
  if (fatSectors.some((id) => !inFile(id))) return fail('FAT sector outside the file');
  const fat: number[] = [];
  for (const id of fatSectors) {
    const base = sectorAt(id);
    for (let i = 0; i < sectorSize / 4; i++) fat.push(data.readInt32LE(base + i * 4));
  }
  const chain = (start: number, table: number[], what: string): number[] | string => {
    const ids: number[] = [];
    const seen = new Set<number>();
    for (let id = start; id >= 0; id = table[id] ?? -2) {
      if (seen.has(id)) return `${what} chain loops`;
      if (id >= table.length) return `${what} chain leaves the table`;
      seen.add(id);
      ids.push(id);
    }
    return ids;
  };

  const directory = chain(data.readInt32LE(0x30), fat, 'directory');
  if (typeof directory === 'string') return fail(directory);
  const miniFatSectors = chain(data.readInt32LE(0x3c), fat, 'mini FAT');
  if (typeof miniFatSectors === 'string') return fail(miniFatSectors);
  const miniFat: number[] = [];
  for (const id of miniFatSectors) {
    if (!inFile(id)) return fail('mini FAT sector outside the file');
    const base = sectorAt(id);
    for (let i = 0; i < sectorSize / 4; i++) miniFat.push(data.readInt32LE(base + i * 4));
  }
  const cutoff = data.readUInt32LE(0x38);
  for (const id of directory) {
    if (!inFile(id)) return fail('directory sector outside the file');
    for (let offset = sectorAt(id); offset < sectorAt(id) + sectorSize; offset += 128) {
      const type = data.readUInt8(offset + 66);
      if (type !== 1 && type !== 2 && type !== 5) continue;
      const nameBytes = Math.min(64, Math.max(0, data.readUInt16LE(offset + 64) - 2));
      if (type !== 5) streams.push(data.toString('utf16le', offset, offset + nameBytes));
      const start = data.readInt32LE(offset + 116);
      const size = data.readUInt32LE(offset + 120);
      const inMini = type === 2 && size < cutoff;
      const problem = chain(start, inMini ? miniFat : fat, inMini ? 'mini stream' : 'stream');
      if (typeof problem === 'string') return fail(problem);
    }
  }
  return { problem: null, streams };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
}
