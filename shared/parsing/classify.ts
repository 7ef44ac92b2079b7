/**
 * Classifies a received document by its name, folder, type and what the caller read of it (a spreadsheet's header
 * rows, a PDF/Word file's first page, the mail body's words for it): the report form (附件2), the self-assessment
 * (附件3), a city bureau's letter (公函), evidence for one or more indicators (`evidence/classify-evidence.ts`
 * weighs that), or other. Pure: no I/O; size-based decisions (signature images) stay with the caller.
 */
import type { Round } from '../domain/catalogue.ts';
import { classifyEvidence, type EvidenceDecision } from './evidence/classify-evidence.ts';

/** Document kinds, as DESIGN.md names them. */
export type DocumentKind = 'report-form' | 'self-assessment' | 'evidence' | 'city-letter' | 'other';

/** What a document is; `indicator` (a slug) only for evidence decided for one (the first of `indicators`). */
export interface Classification {
  kind: DocumentKind;
  indicator?: string;
  /** Every indicator decided (a shared table serves several). */
  indicators?: string[];
  /** For evidence: the weighed decision, decided or asked, with its reasons. */
  evidence?: EvidenceDecision;
  /** The word that decided the kind (a name marker like 自评 or 公函). */
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
  /** Text of the first page of a PDF/Word file, when the caller has read it. */
  firstPage?: string;
  /** The words the mail body gives for this attachment (`附件5：直播间明细表`). */
  listedAs?: string;
  /** Words staff accepted as naming an indicator. */
  extraWords?: readonly { word: string; indicator: string }[];
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

/** Classifies one document against the round's vocabulary; without a round, only the kind is decided. */
export function classifyDocument(input: ClassifyInput, round: Round | null): Classification {
  const parts = input.fileName.split(/[\\/]/).filter(Boolean);
  const baseName = parts.pop() ?? '';
  const folders = [...(input.folderPath ?? '').split(/[\\/]/), ...parts].filter(Boolean);
  const { stem, ext } = splitExtension(baseName, input.contentType);
  // A file named only by a label (附件3.pdf, 文件三.pdf) when the mail body says what it is (listedAs, given only
  // then): the body's words name it, not the notice's annex numbers (附件3 of the notice is the self-assessment).
  const listed = input.listedAs !== undefined;
  const name = normalizeForMatch(listed ? (input.listedAs ?? '') : stem);

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

  const member = input.fromArchive === true || folders.length > 0;
  if (round) {
    const evidence = classifyEvidence(
      {
        name: baseName,
        folders,
        ...(input.sheetHeaders ? { sheetHeaders: input.sheetHeaders } : {}),
        ...(input.firstPage ? { firstPage: input.firstPage } : {}),
        ...(input.listedAs ? { listedAs: input.listedAs } : {}),
      },
      round,
      input.extraWords,
    );
    if (evidence.decision === 'decided') {
      return { kind: 'evidence', indicator: evidence.indicators[0], indicators: evidence.indicators, evidence };
    }
    if (evidence.candidates.length > 0 || member || EVIDENCE_EXTS.has(ext)) return { kind: 'evidence', evidence };
    return { kind: 'other' };
  }
  return member || EVIDENCE_EXTS.has(ext) ? { kind: 'evidence' } : { kind: 'other' };
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
