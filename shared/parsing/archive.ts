/**
 * Safe expansion of the zip archives bases attach to their emails. Archives made on Chinese Windows store entry
 * names in GBK/CP936 without the UTF-8 flag, so names are decoded here from their raw bytes, before any path
 * splitting (a GBK or Shift_JIS trail byte may be 0x5C, the backslash). Everything a hostile or broken archive
 * can do (path traversal, zip bombs, lying headers, encryption, other formats) becomes a finding, never an
 * exception; members are held in memory only, never written to disk.
 */
import { crc32 } from 'node:zlib';
import iconv from 'iconv-lite';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { FindingCode } from '../domain/finding-catalogue.ts';
import { type Finding, finding } from '../domain/findings.ts';

/** Limits that bound what one archive (nested ones included) may cost. */
export interface ArchiveLimits {
  /** Members read, nested ones included; directories and OS junk do not count. */
  maxEntries: number;
  /** Expanded bytes over all members, counted while streaming. */
  maxTotalBytes: number;
  /** Expanded bytes of one member. */
  maxEntryBytes: number;
  /** Largest expanded:compressed ratio of one member, checked only for members above 1 MB expanded. */
  maxRatio: number;
  /** How many levels of zips inside the zip are expanded. */
  maxDepth: number;
}

/** Defaults sized for evidence packages: generous for photos and videos, far below what exhausts a Lambda. */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 2000,
  maxTotalBytes: 500 * 1024 * 1024,
  maxEntryBytes: 100 * 1024 * 1024,
  maxRatio: 200,
  maxDepth: 1,
};

/** One file taken out of an archive. */
export interface ArchiveEntry {
  /** Full path inside the archive, `/`-separated and decoded; nested members carry the inner zip's path. */
  path: string;
  /** Folder part of `path`, `''` at the root. */
  folderPath: string;
  fileName: string;
  content: Buffer;
  /** Path of the inner zip this member came from, when it came from one. */
  fromNested?: string;
  /**
   * Levels of archives this member is inside, counting from the caller's `depth` (1 for a member of the top
   * archive): an archive kept unexpanded as too deep must not be opened again by whoever takes it.
   */
  depth: number;
}

/** What an archive yielded: its files, and every problem met on the way. */
export interface ArchiveResult {
  entries: ArchiveEntry[];
  findings: Finding[];
}

/** Archive formats told apart by `archiveKind`. */
export type ArchiveKind = 'zip' | 'rar' | '7z' | 'gzip' | 'tar';

/** The ratio check applies only above this size: small files of repeated bytes compress hugely and are harmless. */
const RATIO_CHECK_FLOOR = 1024 * 1024;
/** Central-directory records listed per archive, directories included, before the listing stops. */
const LISTING_SLACK = 100;

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

const FORMAT_NAMES: Record<ArchiveKind, string> = { zip: 'ZIP', rar: 'RAR', '7z': '7z', gzip: 'gzip', tar: 'tar' };

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

/**
 * Expands a zip archive (and zips inside it, up to `maxDepth` levels) within the limits. Never throws on bad
 * data: other formats, corrupt and encrypted archives give findings and no entries.
 */
export async function expandArchive(
  data: Buffer,
  input: {
    fileName: string;
    limits?: Partial<ArchiveLimits>;
    depth?: number;
    /**
     * Takes each member as soon as it is out (awaited before the next is read), so that memory holds one member at
     * a time; the result's `entries` is then empty.
     */
    onEntry?: (entry: ArchiveEntry) => Promise<void>;
  },
): Promise<ArchiveResult> {
  const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, ...input.limits };
  const run: Run = {
    document: input.fileName,
    limits,
    entries: [],
    yielded: 0,
    onEntry: input.onEntry,
    findings: [],
    entryCount: 0,
    byteCount: 0,
    stopped: false,
    legacyNamesNoted: false,
  };
  const top: Scope = {
    label: `「${input.fileName}」`,
    labelEn: `"${input.fileName}"`,
    prefix: '',
    depth: input.depth ?? 0,
  };
  await expandInto(run, top, data, input.fileName);
  return { entries: run.entries, findings: run.findings };
}

/** State shared by an archive and the zips nested in it: limits are spent across all of them. */
interface Run {
  document: string;
  limits: ArchiveLimits;
  entries: ArchiveEntry[];
  /** Members handed out so far (to `onEntry` or into `entries`). */
  yielded: number;
  onEntry: ((entry: ArchiveEntry) => Promise<void>) | undefined;
  findings: Finding[];
  entryCount: number;
  byteCount: number;
  /** Set when a limit ends the whole expansion. */
  stopped: boolean;
  legacyNamesNoted: boolean;
}

/** One archive being expanded: the top one, or a zip inside it. */
interface Scope {
  /** How messages name this archive, e.g. 「材料.zip」中的「证明/主播.zip」. */
  label: string;
  labelEn: string;
  /** Prepended to member paths: '' at the top, the inner zip's path (without .zip) and `/` when nested. */
  prefix: string;
  depth: number;
  fromNested?: string;
}

/** Expands one archive into the run; false when it yielded no file at all (so a nested one is kept whole). */
async function expandInto(run: Run, scope: Scope, data: Buffer, fileName: string): Promise<boolean> {
  const kind = archiveKind(data, fileName);
  if (kind !== null && kind !== 'zip') {
    report(run, 'archive.unsupported-format', ...unsupportedMessage(scope, FORMAT_NAMES[kind]));
    return false;
  }
  let zip: ZipFile;
  try {
    zip = await openZip(data);
  } catch (error) {
    reportOpenFailure(run, scope, error);
    return false;
  }
  // Errors after opening arrive as events; without a listener they would crash the process.
  zip.on('error', () => {});
  try {
    const hardCap = 2 * run.limits.maxEntries + LISTING_SLACK;
    let listing: Listing;
    try {
      listing = await listEntries(zip, hardCap);
    } catch (error) {
      reportOpenFailure(run, scope, error);
      return false;
    }
    const names = decodeNames(listing.records);
    if (names.legacy && !run.legacyNamesNoted) {
      run.legacyNamesNoted = true;
      report(
        run,
        'archive.names-legacy-encoding',
        `压缩包${scope.label}的文件名未标明 UTF-8 编码，已按 GBK（GB18030）编码读取。`,
        `Entry names in ${scope.labelEn} carry no UTF-8 flag; they were decoded as GBK (GB18030).`,
      );
    }
    const encrypted: string[] = [];
    const entriesBefore = run.yielded;
    const findingsBefore = run.findings.length;
    for (const [index, record] of listing.records.entries()) {
      if (run.stopped) break;
      await expandRecord(run, scope, zip, record, names.decoded[index] ?? '', encrypted);
    }
    if (listing.truncated && !run.stopped) stopForEntryCount(run, scope);
    if (encrypted.length > 0) {
      const example = encrypted[0] ?? '';
      report(
        run,
        'archive.encrypted',
        `压缩包${scope.label}中有 ${encrypted.length} 个文件设有密码（如「${example}」），无法读取。请去掉密码后重新压缩（zip 格式）发送，或直接发送文件。`,
        `${encrypted.length} member(s) of ${scope.labelEn} are password-protected (e.g. "${example}") and cannot be read; please resend without a password.`,
      );
    }
    // An archive of only folders and debris would otherwise vanish without a word.
    if (run.yielded === entriesBefore && run.findings.length === findingsBefore) {
      report(
        run,
        'archive.empty',
        `压缩包${scope.label}中没有文件（空压缩包或只有文件夹），请检查后重新发送。`,
        `${scope.labelEn} contains no files (empty, or folders only).`,
      );
    }
    return run.yielded > entriesBefore;
  } finally {
    zip.close();
  }
}

/** Checks, reads and files one central-directory record. */
async function expandRecord(
  run: Run,
  scope: Scope,
  zip: ZipFile,
  record: Entry,
  name: string,
  encrypted: string[],
): Promise<void> {
  const checked = checkPath(name);
  if (checked.kind === 'directory' || checked.kind === 'junk') return;
  if (run.entryCount >= run.limits.maxEntries) {
    stopForEntryCount(run, scope);
    return;
  }
  run.entryCount += 1;
  if (checked.kind === 'unsafe') {
    report(
      run,
      'archive.entry-unsafe',
      `压缩包${scope.label}中的文件「${printable(name)}」路径不安全（${checked.reason.zh}），已跳过。`,
      `Member "${printable(name)}" of ${scope.labelEn} has an unsafe path (${checked.reason.en}); skipped.`,
    );
    return;
  }
  const path = checked.path;
  if (record.isEncrypted()) {
    encrypted.push(path);
    return;
  }
  if (record.compressionMethod !== 0 && record.compressionMethod !== 8) {
    report(
      run,
      'archive.unsupported-method',
      `压缩包${scope.label}中的文件「${path}」使用了系统不支持的压缩方式（编号 ${record.compressionMethod}），无法读取。请用常用的 zip 压缩方式重新压缩后发送。`,
      `Member "${path}" of ${scope.labelEn} uses unsupported compression method ${record.compressionMethod}; please recompress as a standard zip.`,
    );
    return;
  }

  const { limits } = run;
  // Headers may lie, so these checks only save work; the byte counter below is the real guard.
  if (record.uncompressedSize > RATIO_CHECK_FLOOR && ratioOf(record.uncompressedSize, record) > limits.maxRatio) {
    reportRatio(run, scope, path);
    return;
  }
  if (record.uncompressedSize > limits.maxEntryBytes) {
    reportEntryTooLarge(run, scope, path);
    return;
  }
  if (run.byteCount + record.uncompressedSize > limits.maxTotalBytes) {
    stopForTotalSize(run, scope, path);
    return;
  }

  const read = await readLimited(zip, record, {
    maxBytes: limits.maxEntryBytes,
    totalLeft: limits.maxTotalBytes - run.byteCount,
    maxRatio: limits.maxRatio,
  });
  if (read.kind === 'limit') {
    if (read.limit === 'ratio') reportRatio(run, scope, path);
    else if (read.limit === 'entry') reportEntryTooLarge(run, scope, path);
    else stopForTotalSize(run, scope, path);
    return;
  }
  if (read.kind === 'error' || read.crc !== record.crc32) {
    report(
      run,
      'archive.corrupt',
      `压缩包${scope.label}中的文件「${path}」已损坏，无法读取，已跳过。请重新压缩（zip 格式）后发送。`,
      `Member "${path}" of ${scope.labelEn} is damaged (${read.kind === 'error' ? read.error.message : 'CRC mismatch'}); skipped.`,
    );
    return;
  }
  run.byteCount += read.content.length;
  await fileMember(run, scope, scope.prefix + path, read.content);
}

/** Adds a member to the result, expanding it first when it is itself an archive. */
async function fileMember(run: Run, scope: Scope, fullPath: string, content: Buffer): Promise<void> {
  const fileName = fullPath.slice(fullPath.lastIndexOf('/') + 1);
  const kind = archiveKind(content, fileName);
  const keep = async (): Promise<void> => {
    const entry: ArchiveEntry = {
      path: fullPath,
      folderPath: fullPath.includes('/') ? fullPath.slice(0, fullPath.lastIndexOf('/')) : '',
      fileName,
      content,
      depth: scope.depth + 1,
    };
    if (scope.fromNested !== undefined) entry.fromNested = scope.fromNested;
    run.yielded++;
    if (run.onEntry) await run.onEntry(entry);
    else run.entries.push(entry);
  };
  if (kind === null) return keep();
  const inner: Scope = {
    label: `「${run.document}」中的「${fullPath}」`,
    labelEn: `"${run.document}" > "${fullPath}"`,
    prefix: `${fullPath.replace(/\.zip$/i, '')}/`,
    depth: scope.depth + 1,
    fromNested: fullPath,
  };
  if (kind === 'zip' && inner.depth > run.limits.maxDepth) {
    report(
      run,
      'archive.nested-too-deep',
      `压缩包${inner.label}是多层嵌套的压缩包，未展开其中的文件。请解压后直接发送其中的文件。`,
      `${inner.labelEn} is nested too deep; kept unexpanded. Please send its files directly.`,
    );
    return keep();
  }
  // Other formats and unreadable zips are kept whole: staff can still open them by hand.
  if (!(await expandInto(run, inner, content, fileName))) await keep();
}

/** Where a decoded name leads: a file path, or a reason to pass over it. */
type PathCheck =
  | { kind: 'file'; path: string }
  | { kind: 'directory' }
  | { kind: 'junk' }
  | { kind: 'unsafe'; reason: { zh: string; en: string } };

/** Normalises a decoded entry name to a `/`-separated relative path, refusing anything that could escape. */
function checkPath(name: string): PathCheck {
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
interface DecodedNames {
  decoded: string[];
  legacy: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes raw entry names. Flagged names and Info-ZIP Unicode Path fields are UTF-8; the remaining non-ASCII
 * names are decided together for the archive, since one tool wrote them all: UTF-8 when every one of them is
 * valid UTF-8 (many tools omit the flag), else GB18030, the superset of GBK/CP936 that Chinese Windows writes.
 */
function decodeNames(records: Entry[]): DecodedNames {
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
  return {
    decoded: records.map((record, index) => {
      const known = decoded[index];
      if (known !== null && known !== undefined) return known;
      const raw = record.fileNameRaw;
      return legacy && !isAscii(raw) ? iconv.decode(raw, 'gb18030') : raw.toString('utf8');
    }),
    legacy,
  };
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

function openZip(data: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      data,
      { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false },
      (error, zip) => (error ? reject(error) : resolve(zip)),
    );
  });
}

/** The central directory, read before any data so that names can be decoded for the archive as a whole. */
interface Listing {
  records: Entry[];
  /** True when the archive holds more records than were listed. */
  truncated: boolean;
}

function listEntries(zip: ZipFile, cap: number): Promise<Listing> {
  return new Promise((resolve, reject) => {
    const records: Entry[] = [];
    const finish = (truncated: boolean): void => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
      resolve({ records, truncated });
    };
    const onEntry = (record: Entry): void => {
      records.push(record);
      if (records.length >= cap) finish(zip.entryCount > records.length);
      else zip.readEntry();
    };
    const onEnd = (): void => finish(false);
    const onError = (error: Error): void => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
      reject(error);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** What streaming one member gave. */
type ReadOutcome =
  | { kind: 'ok'; content: Buffer; crc: number }
  | { kind: 'limit'; limit: 'entry' | 'total' | 'ratio' }
  | { kind: 'error'; error: Error };

/** Streams one member, counting bytes, and abandons it the moment a limit is crossed. */
function readLimited(
  zip: ZipFile,
  record: Entry,
  caps: { maxBytes: number; totalLeft: number; maxRatio: number },
): Promise<ReadOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: ReadOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    try {
      zip.openReadStream(record, (openError, stream) => {
        if (openError) return settle({ kind: 'error', error: openError });
        const chunks: Buffer[] = [];
        let count = 0;
        let crc = 0;
        stream.on('data', (chunk: Buffer) => {
          if (settled) return;
          const next = count + chunk.length;
          let limit: 'entry' | 'total' | 'ratio' | null = null;
          if (next > RATIO_CHECK_FLOOR && ratioOf(next, record) > caps.maxRatio) limit = 'ratio';
          else if (next > caps.maxBytes) limit = 'entry';
          else if (next > caps.totalLeft) limit = 'total';
          if (limit !== null) {
            settle({ kind: 'limit', limit });
            stream.destroy();
            return;
          }
          count = next;
          crc = crc32(chunk, crc);
          chunks.push(chunk);
        });
        stream.on('error', (error: Error) => settle({ kind: 'error', error }));
        stream.on('end', () => settle({ kind: 'ok', content: Buffer.concat(chunks, count), crc }));
      });
    } catch (error) {
      settle({ kind: 'error', error: error instanceof Error ? error : new Error(String(error)) });
    }
  });
}

function ratioOf(expandedBytes: number, record: Entry): number {
  return expandedBytes / Math.max(record.compressedSize, 1);
}

function report(run: Run, code: FindingCode, message: string, messageEn: string): void {
  run.findings.push(finding(code, message, { document: run.document, messageEn }));
}

function reportOpenFailure(run: Run, scope: Scope, error: unknown): void {
  const detail = error instanceof Error ? error.message : String(error);
  if (/encryption/i.test(detail)) {
    report(
      run,
      'archive.encrypted',
      `压缩包${scope.label}设有密码（加密），无法读取。请去掉密码后重新压缩（zip 格式）发送，或直接发送文件。`,
      `${scope.labelEn} is encrypted (${detail}); please resend without a password.`,
    );
  } else if (/multi-disk/i.test(detail)) {
    report(run, 'archive.unsupported-format', ...unsupportedMessage(scope, '分卷 ZIP'));
  } else {
    report(
      run,
      'archive.corrupt',
      `压缩包${scope.label}已损坏或不完整，无法打开。请重新压缩（zip 格式）后发送，或直接发送文件。`,
      `${scope.labelEn} is damaged or truncated (${detail}); please resend.`,
    );
  }
}

function unsupportedMessage(scope: Scope, format: string): [string, string] {
  return [
    `压缩包${scope.label}是 ${format} 格式，系统无法读取其中的文件。请改用 zip 格式压缩（不要分卷、不设密码）后重新发送，或直接发送文件。`,
    `${scope.labelEn} is a ${format} archive, which cannot be read; please resend as a single zip or as loose files.`,
  ];
}

function stopForEntryCount(run: Run, scope: Scope): void {
  run.stopped = true;
  const max = run.limits.maxEntries;
  report(
    run,
    'archive.too-many-entries',
    `压缩包${scope.label}中的文件超过 ${max} 个，只读取了前 ${max} 个，其余未读取。请分成几个压缩包发送。`,
    `${scope.labelEn} holds more than ${max} files; only the first ${max} were read.`,
  );
}

function stopForTotalSize(run: Run, scope: Scope, path: string): void {
  run.stopped = true;
  const max = formatBytes(run.limits.maxTotalBytes);
  report(
    run,
    'archive.too-large',
    `压缩包${scope.label}解压后超过 ${max.zh}，从「${path}」起的文件未读取。请分成几个压缩包发送。`,
    `${scope.labelEn} expands beyond ${max.en}; files from "${path}" on were not read.`,
  );
}

function reportEntryTooLarge(run: Run, scope: Scope, path: string): void {
  const max = formatBytes(run.limits.maxEntryBytes);
  report(
    run,
    'archive.entry-too-large',
    `压缩包${scope.label}中的文件「${path}」解压后超过 ${max.zh}，未读取。请单独发送该文件，或压缩、拆分后发送。`,
    `Member "${path}" of ${scope.labelEn} expands beyond ${max.en}; not read.`,
  );
}

function reportRatio(run: Run, scope: Scope, path: string): void {
  const max = run.limits.maxRatio;
  report(
    run,
    'archive.ratio-suspect',
    `压缩包${scope.label}中的文件「${path}」压缩比异常（超过 ${max}:1），疑似“压缩炸弹”，未读取。`,
    `Member "${path}" of ${scope.labelEn} has a compression ratio above ${max}:1 (suspected zip bomb); not read.`,
  );
}

function formatBytes(bytes: number): { zh: string; en: string } {
  if (bytes >= 1024 * 1024) {
    const mb = `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
    return { zh: mb, en: mb };
  }
  return { zh: `${bytes} 字节`, en: `${bytes} bytes` };
}

/** Names refused as unsafe are shown with control characters made visible. */
function printable(name: string): string {
  return name.replace(/[\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function extensionOf(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

function startsWith(data: Buffer, magic: number[]): boolean {
  return data.length >= magic.length && magic.every((byte, index) => data[index] === byte);
}
