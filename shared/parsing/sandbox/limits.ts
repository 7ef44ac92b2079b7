/**
 * The budget every file parser runs under, in one place. Report forms, self-assessments, first pages and sheet
 * headers are read in a worker thread (see `pool.ts`) that is ended when it spends more than this: a hostile file
 * costs at most its budget, and the event loop that receives mail and answers staff stays free. Office packages
 * (xlsx, docx) are measured from their zip directory before any part is inflated (see `package-check.ts`).
 *
 * Each number can be set from the environment (`INTAKE_PARSER_*`), e.g. a Lambda with more memory can allow more.
 */
import { OCR_CONCURRENCY, OCR_MAX_PAGES, OCR_PAGE_TIMEOUT_MS } from '../ocr.ts';

export interface ParserBudget {
  /**
   * Memory one parse may add to the process (MiB): the worker's heap limit, and the growth of the process's resident
   * memory over its level when the parse began (ArrayBuffers — inflated PDF streams — are outside the heap limit).
   */
  memoryMb: number;
  /** Wall-clock time one parse may take (ms); the worker is ended when it passes. */
  timeMs: number;
  /** Added once a parse starts recognising a scan (OCR has its own per-page timeout within this). */
  ocrTimeMs: number;
  /**
   * Memory a parse may add once it recognises a scan (MiB): tesseract's workers and the chi_sim model take a few
   * hundred MiB of their own. Text is extracted first, under `memoryMb`, so a bomb is ended before OCR begins.
   */
  ocrMemoryMb: number;
  /** An idle worker is ended after this long, giving its memory back. */
  idleMs: number;
  /** Office package (xlsx/docx/…) parts and totals as declared in the zip directory, checked before inflating. */
  package: PackageLimits;
}

export interface PackageLimits {
  /** Entries in the package. */
  maxEntries: number;
  /** Inflated bytes of one part (a worksheet, the shared strings, the document body). */
  maxPartBytes: number;
  /** Inflated bytes of all parts together. */
  maxTotalBytes: number;
  /** Largest inflated:compressed ratio of one part above 1 MiB inflated (ordinary sheets stay below 30). */
  maxRatio: number;
}

const MiB = 1024 * 1024;

function fromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The defaults: a report form is read in well under a second and 100 MiB; a 60-page report in a few seconds. */
export function parserBudget(): ParserBudget {
  return {
    memoryMb: fromEnv('INTAKE_PARSER_MEMORY_MB', 128),
    timeMs: fromEnv('INTAKE_PARSER_TIME_MS', 20_000),
    ocrTimeMs: fromEnv(
      'INTAKE_PARSER_OCR_TIME_MS',
      Math.ceil(OCR_MAX_PAGES / OCR_CONCURRENCY) * OCR_PAGE_TIMEOUT_MS + 30_000,
    ),
    ocrMemoryMb: fromEnv('INTAKE_PARSER_OCR_MEMORY_MB', 768),
    idleMs: fromEnv('INTAKE_PARSER_IDLE_MS', 10_000),
    package: {
      maxEntries: fromEnv('INTAKE_PACKAGE_MAX_ENTRIES', 5_000),
      maxPartBytes: fromEnv('INTAKE_PACKAGE_MAX_PART_MB', 48) * MiB,
      maxTotalBytes: fromEnv('INTAKE_PACKAGE_MAX_TOTAL_MB', 128) * MiB,
      maxRatio: fromEnv('INTAKE_PACKAGE_MAX_RATIO', 200),
    },
  };
}

/** Above this, a part's ratio is checked: small parts of repeated markup compress hugely and are harmless. */
export const PACKAGE_RATIO_FLOOR = MiB;
