/** Which archive format a file is, by its magic bytes (the extension only a hint); zip-based documents are none. */

/** Archive formats told apart by `archiveKind`. */
export type ArchiveKind = 'zip' | 'rar' | '7z' | 'gzip' | 'tar';

/** Zip-based document formats: a zip by its bytes, but a document to keep whole, never an archive to open. */
const ZIP_BASED_DOCUMENT_EXTS = new Set([
  'docx',
  'docm',
  'dotx',
  'dotm',
  'xlsx',
  'xlsm',
  'xltx',
  'xltm',
  'xlsb',
  'pptx',
  'pptm',
  'ppsx',
  'potx',
  'vsdx',
  'odt',
  'ods',
  'odp',
  'odg',
  'ofd',
  'xps',
  'oxps',
  'epub',
  'et',
  'ett',
  'wps',
  'wpt',
  'dps',
  'dpt',
  'xmind',
  'kmz',
  '3mf',
  'usdz',
  'key',
  'pages',
  'numbers',
  'sketch',
  'jar',
  'apk',
  'aab',
  'ipa',
  'xpi',
  'crx',
  'appx',
  'msix',
]);

const EXTENSION_KINDS: Record<string, ArchiveKind> = {
  zip: 'zip',
  rar: 'rar',
  '7z': '7z',
  gz: 'gzip',
  tgz: 'gzip',
  tar: 'tar',
};

export const FORMAT_NAMES: Record<ArchiveKind, string> = {
  zip: 'ZIP',
  rar: 'RAR',
  '7z': '7z',
  gzip: 'gzip',
  tar: 'tar',
};

/** The archive format of `data`, by its magic bytes, with the file extension as a hint; null when not an archive. */
export function archiveKind(data: Buffer, fileName: string): ArchiveKind | null {
  const ext = extensionOf(fileName);
  if (startsWith(data, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07])) return 'rar';
  if (startsWith(data, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7z';
  if (startsWith(data, [0x1f, 0x8b])) return 'gzip';
  if (data.length >= 262 && data.toString('latin1', 257, 262) === 'ustar') return 'tar';
  // Local header, empty archive, or the spanning marker some tools write first.
  const zipMagic = [0x03, 0x05, 0x07].some((third) => startsWith(data, [0x50, 0x4b, third, third + 1]));
  if (zipMagic) return ZIP_BASED_DOCUMENT_EXTS.has(ext) ? null : 'zip';
  // Unknown bytes under an archive's name still go to the archive reader, which reports them as corrupt.
  return EXTENSION_KINDS[ext] ?? null;
}

export function extensionOf(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

function startsWith(data: Buffer, magic: number[]): boolean {
  return data.length >= magic.length && magic.every((byte, index) => data[index] === byte);
}
