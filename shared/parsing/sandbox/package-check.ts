/**
 * Measures an Office package (xlsx, docx, et, wps saved as OOXML: all zip files) from its central directory before
 * any part is inflated: a 2 MB workbook whose shared strings inflate to gigabytes, or a million-row sheet, is
 * refused here with a finding instead of being expanded by exceljs. Declared sizes can lie; a lie is caught by the
 * worker's memory budget (see `pool.ts`), the declared ones cost nothing to check.
 */
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { type Finding, finding } from '../../domain/findings.ts';
import { PACKAGE_RATIO_FLOOR, type PackageLimits } from './limits.ts';

/** Stable code of a package over its declared-size limits. */
export const PACKAGE_TOO_LARGE = 'file.package-too-large';

/** Whether bytes are a zip container (every OOXML package is one). */
export function isZipPackage(data: Buffer): boolean {
  return data.length >= 4 && data.readUInt32BE(0) === 0x504b0304;
}

/**
 * A finding when the package is over a limit, else null. A file that is no readable zip gives null: the parsers
 * report it in their own words.
 */
export async function checkPackage(data: Buffer, limits: PackageLimits, fileName: string): Promise<Finding | null> {
  if (!isZipPackage(data)) return null;
  const zip = await open(data).catch(() => null);
  if (!zip) return null;
  try {
    let total = 0;
    let count = 0;
    for await (const entry of entries(zip)) {
      count++;
      const inflated = entry.uncompressedSize;
      total += inflated;
      const ratio = inflated / Math.max(1, entry.compressedSize);
      const problem =
        count > limits.maxEntries
          ? { zh: `包含的部件超过${limits.maxEntries}个`, en: `more than ${limits.maxEntries} parts` }
          : inflated > limits.maxPartBytes
            ? {
                zh: `其中“${entry.fileName}”解压后${mb(inflated)}MB，超过单个部件${mb(limits.maxPartBytes)}MB的上限`,
                en: `part ${entry.fileName} inflates to ${inflated} bytes (limit ${limits.maxPartBytes})`,
              }
            : total > limits.maxTotalBytes
              ? {
                  zh: `解压后超过${mb(limits.maxTotalBytes)}MB的上限`,
                  en: `parts inflate to more than ${limits.maxTotalBytes} bytes`,
                }
              : inflated > PACKAGE_RATIO_FLOOR && ratio > limits.maxRatio
                ? {
                    zh: `其中“${entry.fileName}”压缩比异常（${Math.round(ratio)}:1）`,
                    en: `part ${entry.fileName} has a compression ratio of ${Math.round(ratio)}:1 (limit ${limits.maxRatio})`,
                  }
                : null;
      if (problem) {
        return finding(
          PACKAGE_TOO_LARGE,
          `文件“${fileName}”${problem.zh}，为避免系统过载未读取其内容（文件已保存）。请核实文件是否正确；如为正常文件，请删去多余内容后另存发送，或由工作人员人工查阅。`,
          { document: fileName, messageEn: `Office package not read: ${problem.en}.` },
        );
      }
    }
    return null;
  } catch {
    return null;
  } finally {
    zip.close();
  }
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1);
}

function open(data: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true, autoClose: false }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    );
  });
}

/** The central directory's records, one at a time (nothing is inflated). */
async function* entries(zip: ZipFile): AsyncGenerator<Entry> {
  for (;;) {
    const next = await new Promise<Entry | null>((resolve, reject) => {
      const onEntry = (entry: Entry) => settle(() => resolve(entry));
      const onEnd = () => settle(() => resolve(null));
      const onError = (error: Error) => settle(() => reject(error));
      const settle = (then: () => void) => {
        zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
        then();
      };
      zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
      zip.readEntry();
    });
    if (!next) return;
    yield next;
  }
}
