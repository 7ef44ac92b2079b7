/**
 * The first page of a PDF or Word evidence file, for the classifier when the file's name says nothing
 * (`扫描全能王 2023-11-06 09.41.pdf`, `新建 Microsoft Word 文档.docx`): its title line and first sentences. Bounded
 * in size and time; a file that cannot be read has no first page (null), never an exception.
 */
import { pdfjsAssets } from '../pdfjs-assets.ts';
import { extractWordText, wordContainer } from '../word-text.ts';

/** Larger files are not opened for their first page (a scan of hundreds of pages, a video renamed). */
export const FIRST_PAGE_MAX_BYTES = 32 * 1024 * 1024;
/** Reading the first page stops after this long. */
export const FIRST_PAGE_TIMEOUT_MS = 5_000;
/** Characters kept: a title and a paragraph. */
export const FIRST_PAGE_MAX_CHARS = 800;

/** The first page's text, or null when there is none to be had. */
export async function firstPageText(data: Buffer): Promise<string | null> {
  if (data.length === 0 || data.length > FIRST_PAGE_MAX_BYTES) return null;
  const text = isPdf(data) ? await pdfFirstPage(data) : wordContainer(data) ? await wordFirstPage(data) : null;
  const trimmed = text?.replace(/[ \t\u3000]+/g, ' ').trim() ?? '';
  return trimmed === '' ? null : trimmed.slice(0, FIRST_PAGE_MAX_CHARS);
}

function isPdf(data: Buffer): boolean {
  return data.subarray(0, 1024).includes('%PDF-');
}

async function pdfFirstPage(data: Buffer): Promise<string | null> {
  // pdf.js loads here, on the first PDF, not with every module that asks how large a first page may be.
  const { PDFParse, VerbosityLevel } = await import('pdf-parse');
  const parser = new PDFParse({ data: new Uint8Array(data), verbosity: VerbosityLevel.ERRORS, ...pdfjsAssets() });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), FIRST_PAGE_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([parser.getText({ first: 1 }), timedOut]);
    return result?.pages[0]?.text ?? null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    await Promise.race([parser.destroy().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
}

async function wordFirstPage(data: Buffer): Promise<string | null> {
  const result = await extractWordText(data).catch(() => null);
  return result?.kind === 'ok' ? result.text.slice(0, FIRST_PAGE_MAX_CHARS * 2) : null;
}
