/** The analysis every format shares once its text is out: garbled text, outline, cover and figures. */
import { type Finding, finding } from '../../domain/findings.ts';
import { readCover } from './cover.ts';
import { readFigures } from './figures.ts';
import { MIN_TEXT_CHARS, type SelfAssessmentResult } from './model.ts';
import { compactText, emptyResult, locateSections, SECTION_SPECS } from './sections.ts';

/** What the analysis is given: text, the part the cover is read from, and where it came from. */
export interface Extract {
  text: string;
  coverText: string;
  pages: number;
  format: 'pdf' | 'docx' | 'doc';
  ocr?: boolean;
  /** Only part of the document was read (OCR page limit): missing sections may lie in the rest. */
  partial?: boolean;
}

/** The common analysis of extracted text: garbled text, outline, figures; findings appended to `findings`. */
export function analyse(extract: Extract, where: { document?: string }, findings: Finding[]): SelfAssessmentResult {
  const { text, pages, format } = extract;
  const marks = { format, ...(extract.ocr ? { ocr: true } : {}) };
  const visible = text.replace(/\s/g, '');
  if (visible.length < MIN_TEXT_CHARS) {
    findings.push(
      finding('report.no-text', '自评报告没有可提取的文字，系统无法核对封面、提纲和交易额，请人工核对。', {
        ...where,
        messageEn: `No text in the ${format} file; needs manual review.`,
      }),
    );
    return { ...emptyResult(findings), text, pages, ...marks };
  }
  if (countCjk(visible) < visible.length * 0.05) {
    findings.push(
      finding(
        'report.text-garbled',
        '自评报告的文字无法正确识别（可能是字体编码问题），系统无法核对提纲和交易额，请人工核对。',
        { ...where, messageEn: 'Extracted text has almost no Chinese characters (font without Unicode mapping?).' },
      ),
    );
    return { ...emptyResult(findings), text, pages, ...marks };
  }

  const analysis = analyseReportText(text, extract.coverText);
  for (const section of analysis.sections) {
    if (section.present || section.id.includes('.') || extract.partial) continue;
    findings.push(
      finding('report.section-missing', `自评报告缺少“${section.title}”部分（附件3提纲要求）。`, {
        ...where,
        messageEn: `Section ${section.id} (${section.title}) of the outline not found.`,
      }),
    );
  }
  if (!analysis.figures.gmv) {
    findings.push(
      finding('report.figure-missing', '自评报告中未找到基地交易额（应与报告表第32项一致），请人工核对。', {
        ...where,
        item: 32,
        indicator: 'gmv',
        messageEn: 'GMV (交易额) not found in the report.',
      }),
    );
  }
  if (!analysis.figures.shanxiGmv) {
    findings.push(
      finding('report.figure-missing', '自评报告中未找到带动山西产品交易额（应与报告表第33项一致），请人工核对。', {
        ...where,
        item: 33,
        indicator: 'shanxi-gmv',
        messageEn: 'Shanxi-products GMV not found in the report.',
      }),
    );
  }
  return { text, pages, ...marks, ...analysis, findings };
}

/** Cover, outline and figures read from already-extracted report text; `coverText` is the first pages. */
export function analyseReportText(
  text: string,
  coverText: string = text,
): Pick<SelfAssessmentResult, 'cover' | 'sections' | 'figures'> {
  const compact = compactText(text);
  const located = locateSections(text, compact.text);
  const sections = SECTION_SPECS.map(({ id, title }) => ({ id, title, present: located.has(id) }));
  const cover = readCover(coverText);
  return { cover, sections, figures: readFigures(text, compact, located, cover.baseName) };
}

function countCjk(text: string): number {
  return (text.match(/[\u3400-\u9fff]/g) ?? []).length;
}
