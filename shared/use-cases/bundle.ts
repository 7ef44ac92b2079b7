/**
 * File packages for the experts (专家评审材料包): all of a base's files, a city's bases, or the whole round, as one
 * zip streamed as it is written — a round is GBs, so no file and no package is ever held whole in memory.
 *
 * Layout: a folder per base (`<基地名称>/` for a base or a city, `<城市>/<基地名称>/` for the round); in it the report
 * form and the self-assessment first (`00 经营服务情况报告表.xlsx`, `00 自评报告.pdf`), then the evidence in the
 * round's indicator order, one folder per indicator named with its number and Chinese name
 * (`01 直播电商基地建筑面积/办公建筑面积明细表.xlsx`; a table shared by several indicators is in each of their
 * folders), evidence the classifier could not place under `待核实/`, anything else under `其他/`. What a document is
 * and counts for comes from the evaluated status, so withdrawn files are left out, a file sent twice is in once and
 * staff's classifications by hand apply. A `目录.xlsx` index closes the package: base, indicator, the name in the
 * package, the name as sent, when it was received (Beijing time) and its size.
 *
 * The zip is written by archiver (zip-stream): names that are not ASCII carry the UTF-8 flag (general purpose bit
 * 11), so Windows Explorer and macOS show the Chinese names instead of reading them as GBK; ZIP64 is used when the
 * package passes 4 GB. Entry times are the receive times in Beijing wall time (zip times have no zone).
 */
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import ExcelJS from 'exceljs';
import type { Base, CityId } from '../domain/catalogue.ts';
import { IntakeError } from '../domain/errors.ts';
import type { BaseStatus, DocumentRecord } from '../domain/records.ts';
import { formatBeijing } from '../domain/round-time.ts';
import { BlobNotFoundError } from '../ports/index.ts';
import type { AppContext } from './context.ts';
import { evaluateBase, UnknownBaseError } from './evaluate.ts';
import { listRegistry } from './registry.ts';

/** What to package: one base, one city's participating bases, or every participating base of the round. */
export type BundleScope = { base: string } | { city: CityId } | { all: true };

/** The name of the index workbook at the package's root. */
export const INDEX_NAME = '目录.xlsx';
/** Folder of evidence the classifier could not place (staff have not settled it). */
export const PENDING_FOLDER = '待核实';
/** Folder of files that are neither the two documents nor evidence. */
export const OTHER_FOLDER = '其他';
/** Names of the two documents in a package, after their `00 ` prefix. */
export const DOCUMENT_NAMES = { 'report-form': '经营服务情况报告表', 'self-assessment': '自评报告' } as const;
/** Column headings of the index, in order. */
export const INDEX_COLUMNS = [
  '序号',
  '地市',
  '基地编号',
  '基地名称',
  '指标',
  '包内文件名',
  '原文件名',
  '收到时间（北京时间）',
  '大小（字节）',
  '备注',
] as const;

/** One file of a package. */
export interface BundleEntry {
  /** Path in the zip. */
  path: string;
  blobKey: string;
  size: number;
  receivedAt: string;
  baseId: string;
  baseName: string;
  cityName: string;
  /** What the file is in the package's terms: 经营服务情况报告表, `01 直播电商基地建筑面积`, 待核实（可能是：…）, 其他. */
  heading: string;
  /** The name as sent (with the folder it had inside an archive). */
  originalName: string;
}

/** A package before it is written: its download name, its files in order, and the bases it covers. */
export interface BundlePlan {
  /** Suggested file name of the zip. */
  fileName: string;
  entries: BundleEntry[];
  bases: { baseId: string; name: string; city: CityId; cityName: string; files: number }[];
  /** Sum of the files' sizes (the zip is about that large: the formats sent are mostly compressed already). */
  totalBytes: number;
}

/** What was written, once the zip has ended. */
export interface BundleResult {
  entries: number;
  /** Bytes of the zip. */
  bytes: number;
  /** Files listed in the records whose bytes the store no longer has: left out, and marked in the index. */
  missing: string[];
}

/** The city asked for is not one of the round's. */
export class UnknownCityError extends IntakeError {
  constructor(readonly city: string) {
    super('city.unknown', 'input', `no city ${city} in this round`, `本轮没有地市“${city}”`);
    this.name = 'UnknownCityError';
  }
}

/** Plans a package at `asOf` (default: now) from the evaluated statuses of its bases; reads no file. */
export async function planBundle(ctx: AppContext, scope: BundleScope, asOf?: Date): Promise<BundlePlan> {
  const { round } = ctx;
  const at = asOf ?? ctx.clock.now();
  const registry = await listRegistry(ctx);
  const cityName = (id: CityId) => round.cities.find((c) => c.id === id)?.name ?? id;
  const cityOrder = (b: Base) => round.cities.findIndex((c) => c.id === b.city);
  let bases: Base[];
  let fileName: string;
  if ('base' in scope) {
    const base = registry.find((b) => b.id === scope.base);
    if (!base) throw new UnknownBaseError(scope.base);
    bases = [base];
    fileName = `${base.name} 材料.zip`;
  } else if ('city' in scope) {
    if (!round.cities.some((c) => c.id === scope.city)) throw new UnknownCityError(scope.city);
    bases = registry.filter((b) => b.participating && b.city === scope.city);
    fileName = `${cityName(scope.city)} 基地材料.zip`;
  } else {
    bases = registry.filter((b) => b.participating).sort((a, b) => cityOrder(a) - cityOrder(b));
    fileName = `${round.title} 基地材料.zip`;
  }

  const entries: BundleEntry[] = [];
  const covered: BundlePlan['bases'] = [];
  const taken = new Set<string>();
  for (const base of bases) {
    const [status, documents] = await Promise.all([
      evaluateBase(ctx, { baseId: base.id, asOf: at }),
      ctx.records.documents.listByBase(base.id),
    ]);
    const folder = uniquePath(
      taken,
      'all' in scope ? `${safeName(cityName(base.city))}/${safeName(base.name)}` : safeName(base.name),
    );
    const own = baseEntries(ctx, base, status, documents, folder);
    entries.push(...own);
    covered.push({
      baseId: base.id,
      name: base.name,
      city: base.city,
      cityName: cityName(base.city),
      files: own.length,
    });
  }
  return {
    fileName: safeName(fileName),
    entries,
    bases: covered,
    totalBytes: entries.reduce((sum, e) => sum + e.size, 0),
  };
}

/** A base's files in package order: the two documents, evidence by indicator, 待核实, 其他. */
function baseEntries(
  ctx: AppContext,
  base: Base,
  status: BaseStatus,
  documents: DocumentRecord[],
  folder: string,
): BundleEntry[] {
  const { indicators } = ctx.round;
  const records = new Map(documents.map((d) => [d.id, d] as const));
  const cityName = ctx.round.cities.find((c) => c.id === base.city)?.name ?? base.city;
  const nameOf = (slug: string) => indicators.find((i) => i.slug === slug)?.name ?? slug;
  // Ranks: 0 report form, 1 self-assessment, 10 + n the n-th indicator, 1000 待核实, 2000 其他.
  const placed: { rank: number; record: DocumentRecord; dir: string | null; name: string; heading: string }[] = [];
  for (const doc of status.documents) {
    const record = records.get(doc.id);
    if (!record) continue;
    const sent = safeName(record.fileName);
    if (doc.kind === 'report-form' || doc.kind === 'self-assessment') {
      const heading = DOCUMENT_NAMES[doc.kind];
      const name = `00 ${heading}${safeExtension(record.fileName)}`;
      placed.push({ rank: doc.kind === 'report-form' ? 0 : 1, record, dir: null, name, heading });
    } else if (doc.kind === 'evidence' && doc.indicators.length > 0) {
      for (const slug of doc.indicators) {
        const index = indicators.findIndex((i) => i.slug === slug);
        const heading = `${String(index + 1).padStart(2, '0')} ${nameOf(slug)}`;
        placed.push({ rank: 10 + (index < 0 ? 999 : index), record, dir: safeName(heading), name: sent, heading });
      }
    } else if (doc.kind === 'evidence') {
      const maybe = doc.asked.map(nameOf);
      const heading = maybe.length > 0 ? `${PENDING_FOLDER}（可能是：${maybe.join('、')}）` : PENDING_FOLDER;
      placed.push({ rank: 1000, record, dir: PENDING_FOLDER, name: sent, heading });
    } else {
      placed.push({ rank: 2000, record, dir: OTHER_FOLDER, name: sent, heading: OTHER_FOLDER });
    }
  }
  placed.sort(
    (a, b) =>
      a.rank - b.rank ||
      a.record.receivedAt.localeCompare(b.record.receivedAt) ||
      a.name.localeCompare(b.name, 'zh-Hans-CN'),
  );
  const taken = new Set<string>();
  return placed.map(({ record, dir, name, heading }) => ({
    path: uniquePath(taken, `${folder}/${dir ? `${dir}/` : ''}${name}`),
    blobKey: record.blobKey,
    size: record.size,
    receivedAt: record.receivedAt,
    baseId: base.id,
    baseName: base.name,
    cityName,
    heading,
    originalName: record.folderPath ? `${record.folderPath}/${record.fileName}` : record.fileName,
  }));
}

/**
 * Writes a planned package as a zip stream: each file is read from the blob store as a stream when its turn comes
 * (one open at a time), so memory stays flat whatever the package's size. The returned stream ends with the zip;
 * `done` settles when it has (with what was left out), and rejects when the zip failed or its reader went away.
 */
export function streamBundle(ctx: AppContext, plan: BundlePlan): { stream: Readable; done: Promise<BundleResult> } {
  // Deflate level 6 where it helps; formats that are compressed already are stored (see storedAsIs).
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const missing: string[] = [];
  const done = (async (): Promise<BundleResult> => {
    let written = 0;
    try {
      for (const entry of plan.entries) {
        let body: Readable;
        try {
          body = await ctx.blobs.getStream(entry.blobKey);
        } catch (error) {
          if (!(error instanceof BlobNotFoundError)) throw error;
          missing.push(entry.path);
          continue;
        }
        await appended(zip, body, {
          name: entry.path,
          date: zipTime(entry.receivedAt, ctx.round.timeZone),
          store: storedAsIs(entry.path),
        });
        written++;
      }
      const index = await indexWorkbook(ctx, plan, new Set(missing));
      await appended(zip, index, {
        name: INDEX_NAME,
        date: zipTime(ctx.clock.now().toISOString(), ctx.round.timeZone),
      });
      written++;
      await zip.finalize();
      return { entries: written, bytes: zip.pointer(), missing };
    } catch (error) {
      zip.destroy(error as Error);
      throw error;
    }
  })();
  // The caller watches the stream; `done` is for those who want the outcome, and must never be an unhandled rejection.
  done.catch(() => {});
  return { stream: zip, done };
}

/** Appends one entry and waits until the zip has taken all of it (or failed, or its reader went away). */
function appended(
  zip: ZipArchive,
  source: Readable | Buffer,
  data: { name: string; date: Date; store?: boolean },
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('error', onError);
      zip.off('close', onClose);
    };
    const onEntry = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      if (!Buffer.isBuffer(source)) source.destroy();
      reject(error);
    };
    const onClose = () => onError(new Error('the zip was closed before it was complete (the download was cancelled)'));
    zip.on('entry', onEntry);
    zip.on('error', onError);
    zip.on('close', onClose);
    if (!Buffer.isBuffer(source)) source.once('error', onError);
    zip.append(source, data);
  });
}

/** The index workbook: one row per file, and one per base that sent nothing. */
async function indexWorkbook(ctx: AppContext, plan: BundlePlan, missing: Set<string>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = ctx.round.title;
  const sheet = book.addWorksheet('目录', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = INDEX_COLUMNS.map((header) => ({
    header,
    width: header === '包内文件名' || header === '原文件名' ? 48 : header === '指标' ? 28 : 14,
  }));
  sheet.getRow(1).font = { bold: true };
  let n = 0;
  for (const base of plan.bases) {
    const files = plan.entries.filter((e) => e.baseId === base.baseId);
    if (files.length === 0) {
      sheet.addRow([++n, base.cityName, base.baseId, base.name, '', '', '', '', null, '未收到材料']);
      continue;
    }
    for (const e of files) {
      sheet.addRow([
        ++n,
        e.cityName,
        e.baseId,
        e.baseName,
        e.heading,
        e.path,
        e.originalName,
        formatBeijing(new Date(e.receivedAt), ctx.round.timeZone),
        e.size,
        missing.has(e.path) ? '存储中找不到该文件，未打包' : '',
      ]);
    }
  }
  sheet.getColumn(INDEX_COLUMNS.indexOf('大小（字节）') + 1).numFmt = '#,##0';
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: INDEX_COLUMNS.length } };
  return Buffer.from(await book.xlsx.writeBuffer());
}

const COMPRESSED = new Set([
  '.xlsx',
  '.xlsm',
  '.docx',
  '.pptx',
  '.pdf',
  '.ofd',
  '.zip',
  '.rar',
  '.7z',
  '.gz',
  '.jpg',
  '.jpeg',
  '.png',
  '.gif',
  '.webp',
  '.heic',
  '.mp4',
  '.mov',
  '.mp3',
]);

/** Formats already compressed gain nothing from deflate and cost CPU: stored as they are. */
function storedAsIs(path: string): boolean {
  return COMPRESSED.has(extname(path).toLowerCase());
}

/** A zip entry time: zip times carry no zone, so the receive time is written as the round's wall time (北京时间). */
function zipTime(iso: string, timeZone: string): Date {
  return new Date(`${formatBeijing(new Date(iso), timeZone).replace(' ', 'T')}Z`);
}

/**
 * A file or folder name that unpacks anywhere: no path separators, no characters Windows refuses, no trailing dots
 * or spaces, not empty, not absurdly long (the extension is kept).
 */
export function safeName(name: string): string {
  let clean = name
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\p{Cc}]/gu, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .trim();
  if (!clean) clean = '未命名';
  const chars = [...clean];
  if (chars.length > 120) {
    const ext = safeExtension(clean);
    clean = chars.slice(0, 120 - ext.length).join('') + ext;
  }
  return clean;
}

/** The extension of a sent name, lower-cased, when it is a plausible one (else none). */
function safeExtension(name: string): string {
  const ext = extname(name).toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(ext) ? ext : '';
}

/** The path itself, or with （2）, （3）… before its extension when it is taken (compared case-insensitively). */
function uniquePath(taken: Set<string>, path: string): string {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const ext = safeExtension(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  let candidate = path;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${dir}${stem}（${n}）${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}
