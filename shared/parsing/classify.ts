/**
 * Classifies a received document by its name, folder, type and (for spreadsheets) its header row: the report
 * form (附件2), the self-assessment (附件3), a city bureau's letter (公函), evidence for an indicator, or other.
 * Pure: no I/O, no content beyond what the caller passes; size-based decisions (signature images) stay with
 * the caller.
 */
import type { Indicator } from '../domain/catalogue.ts';

/** Document kinds, as DESIGN.md names them. */
export type DocumentKind = 'report-form' | 'self-assessment' | 'evidence' | 'city-letter' | 'other';

/** What a document is; `indicator` (a slug) only for evidence matched to one. */
export interface Classification {
  kind: DocumentKind;
  indicator?: string;
  /** The word that decided it (a name marker like 自评, or the indicator's evidence keyword). */
  matchedKeyword?: string;
}

/** What is known about a document when it is classified. */
export interface ClassifyInput {
  /** File name; may carry an archive-internal path (证明材料/直播间明细.xlsx). */
  fileName: string;
  /** Folder inside the archive it came from, e.g. 证明材料/32 交易额. */
  folderPath?: string;
  /** MIME type, used when the name has no extension. */
  contentType?: string;
  /** Header cells of a spreadsheet's sheets (first rows), when the caller has read them. */
  sheetHeaders?: string[];
  /** True for members of an archive: unmatched members are still evidence, not stray mail parts. */
  fromArchive?: boolean;
}

const SPREADSHEET_EXTS = new Set(['xlsx', 'xls', 'xlsm', 'et', 'ett', 'csv', 'ods']);
const REPORT_EXTS = new Set(['pdf', 'doc', 'docx', 'wps', 'wpt', 'odt', 'rtf']);
/** Files a base plausibly sends as evidence even when their name says nothing. */
const EVIDENCE_EXTS = new Set([
  ...SPREADSHEET_EXTS,
  ...REPORT_EXTS,
  'ofd',
  'ppt',
  'pptx',
  'dps',
  'odp',
  'txt',
  'jpg',
  'jpeg',
  'png',
  'gif',
  'bmp',
  'tif',
  'tiff',
  'webp',
  'heic',
  'mp4',
  'mov',
  'avi',
  'wmv',
  'flv',
  'zip',
  'rar',
  '7z',
]);
/** Operating-system and mail-client debris that is never evidence, even inside an archive. */
const JUNK_NAME = /^(?:\._.*|\.ds_store|thumbs\.db|desktop\.ini|~\$.*|\.~lock\..*)$/i;
const JUNK_FOLDER = /(?:^|\/)__MACOSX(?:\/|$)/i;

const CITY_LETTER_MARKER = /公函|推荐函|市商务局关于|管委会关于|关于推荐.{0,40}的函/;
const REPORT_FORM_MARKER = /报告表|经营服务情况|附件2|附件二/;
const SELF_ASSESSMENT_MARKER = /自评|评估报告|附件3|附件三/;

const CONTENT_TYPE_EXTS: [RegExp, string][] = [
  [/pdf/, 'pdf'],
  [/wordprocessingml/, 'docx'],
  [/msword/, 'doc'],
  [/spreadsheetml/, 'xlsx'],
  [/ms-excel/, 'xls'],
  [/text\/csv/, 'csv'],
  [/text\/calendar/, 'ics'],
  [/presentationml/, 'pptx'],
  [/zip/, 'zip'],
  [/rar/, 'rar'],
  [/7z/, '7z'],
  [/image\/jpe?g/, 'jpg'],
  [/image\/png/, 'png'],
  [/image\//, 'img'],
  [/video\/mp4/, 'mp4'],
];

/** Classifies one document; `indicators` supply the evidence keywords (the round's catalogue). */
export function classifyDocument(input: ClassifyInput, indicators: Indicator[]): Classification {
  const parts = input.fileName.split(/[\\/]/).filter(Boolean);
  const baseName = parts.pop() ?? '';
  const folders = [...(input.folderPath ?? '').split(/[\\/]/), ...parts].filter(Boolean);
  const { stem, ext } = splitExtension(baseName, input.contentType);
  const name = normalizeForMatch(stem);

  if (JUNK_NAME.test(baseName) || JUNK_FOLDER.test(folders.join('/'))) return { kind: 'other' };

  const letter = CITY_LETTER_MARKER.exec(name);
  if (letter) return { kind: 'city-letter', matchedKeyword: letter[0] };

  if (SPREADSHEET_EXTS.has(ext)) {
    const form = REPORT_FORM_MARKER.exec(name);
    if (form) return { kind: 'report-form', matchedKeyword: form[0] };
    // A form saved as 新建 Microsoft Excel 工作表.xlsx still carries its title in the first rows.
    const titled = (input.sheetHeaders ?? []).find((header) =>
      normalizeForMatch(header).includes('经营服务情况报告表'),
    );
    if (titled !== undefined) return { kind: 'report-form', matchedKeyword: '经营服务情况报告表' };
  }

  if (REPORT_EXTS.has(ext)) {
    const report = SELF_ASSESSMENT_MARKER.exec(name);
    if (report) return { kind: 'self-assessment', matchedKeyword: report[0] };
    // The notice distributes the form as a Word table: bases return it as .docx, .doc or a PDF print of it.
    const form = REPORT_FORM_MARKER.exec(name);
    if (form) return { kind: 'report-form', matchedKeyword: form[0] };
  }

  const match = matchIndicator(name, folders, input.sheetHeaders ?? [], indicators);
  if (match) return { kind: 'evidence', indicator: match.slug, matchedKeyword: match.keyword };

  const member = input.fromArchive === true || folders.length > 0;
  return member || EVIDENCE_EXTS.has(ext) ? { kind: 'evidence' } : { kind: 'other' };
}

interface IndicatorMatch {
  slug: string;
  keyword: string;
  length: number;
  /** Where it matched: file name 3 > sheet header 2 > folder 1 (the closer to the file, the more telling). */
  place: number;
}

/**
 * The indicator whose evidence keyword matches best: the longest keyword wins (山西产品交易额 beats 交易额),
 * then the place it matched in, then catalogue order.
 */
function matchIndicator(
  name: string,
  folders: string[],
  headers: string[],
  indicators: Indicator[],
): IndicatorMatch | undefined {
  const places: [string, number][] = [
    [name, 3],
    ...headers.map((header): [string, number] => [normalizeForMatch(header), 2]),
    ...folders.map((folder): [string, number] => [normalizeForMatch(folder), 1]),
  ];
  let best: IndicatorMatch | undefined;
  for (const indicator of indicators) {
    for (const keyword of indicator.evidenceKeywords) {
      const needle = normalizeForMatch(keyword);
      if (needle === '') continue;
      for (const [text, place] of places) {
        if (!text.includes(needle)) continue;
        const better =
          best === undefined || needle.length > best.length || (needle.length === best.length && place > best.place);
        if (better) best = { slug: indicator.slug, keyword, length: needle.length, place };
      }
    }
  }
  return best;
}

/** Folds width and case and drops spaces and punctuation, so 山西产品-交易额 (明细) matches 山西产品交易额明细. */
function normalizeForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-—–·・.,、，:;'"“”‘’()[\]{}<>《》【】〔〕#&+]/g, '');
}

function splitExtension(baseName: string, contentType: string | undefined): { stem: string; ext: string } {
  const dot = baseName.lastIndexOf('.');
  const ext = dot > 0 ? baseName.slice(dot + 1).toLowerCase() : '';
  // 2023.11.08 or 附件1.基地名称 are not extensions: real ones are short and Latin.
  if (ext && /^[a-z0-9]{1,5}$/.test(ext) && !/^\d+$/.test(ext)) return { stem: baseName.slice(0, dot), ext };
  const type = (contentType ?? '').toLowerCase();
  const fromType = CONTENT_TYPE_EXTS.find(([pattern]) => pattern.test(type))?.[1] ?? '';
  return { stem: baseName, ext: fromType };
}
