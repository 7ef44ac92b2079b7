/** A Word self-assessment (.docx, .doc, WPS files in Word's binary format): its text, then the shared analysis. */
import { type Finding, finding } from '../../domain/findings.ts';
import { extractWordText, type WordText } from '../word-text.ts';
import { analyse } from './analyse.ts';
import { extensionOf, unsupported } from './format.ts';
import type { SelfAssessmentResult } from './model.ts';
import { emptyResult } from './sections.ts';

/** A Word file has no pages to take the cover from: the text before the outline, or this many characters. */
const WORD_COVER_CHARS = 1500;

/** Reads a .docx or .doc self-assessment into the same analysis as a PDF. */
export async function readWordSelfAssessment(data: Buffer, fileName: string): Promise<SelfAssessmentResult> {
  const where = { document: fileName };
  const extracted = await extractWordText(data);
  if (extracted.kind !== 'ok') return emptyResult([wordFailure(extracted, fileName)]);
  const text = extracted.text.trim();
  // The cover is what comes before the outline's first heading (the title repeats there).
  const outline = /(?:^|\n)\s*(?:一\s*[、.．]\s*)?基地(?:概况|基本概况|概述|简介)/.exec(text);
  const coverEnd = outline && outline.index > 0 ? outline.index : Math.min(text.length, WORD_COVER_CHARS);
  const pages = extracted.pages ?? 0;
  return analyse({ text, coverText: text.slice(0, coverEnd), pages, format: extracted.format }, where, []);
}

function wordFailure(failure: Exclude<WordText, { kind: 'ok' }>, fileName: string): Finding {
  const where = { document: fileName };
  const ext = extensionOf(fileName);
  switch (failure.kind) {
    case 'encrypted':
      return finding('report.encrypted', '自评报告Word文件设有打开密码，无法读取，请基地提交未加密的文件。', {
        ...where,
        messageEn: `Password-protected Word file (${failure.detail}).`,
      });
    case 'timeout':
      return finding('report.timeout', '自评报告读取超时，系统未能核对其内容，请人工核对。', {
        ...where,
        messageEn: `Word text extraction timed out (${failure.detail}).`,
      });
    case 'corrupt':
      return finding(
        'report.corrupt',
        '自评报告Word文件已损坏，无法打开，请基地重新保存后提交（建议同时提供PDF版本）。',
        { ...where, messageEn: `Unreadable ${failure.format} file (${failure.detail}).` },
      );
    default: {
      const what =
        ext === 'wps' ? 'WPS文字文档' : ext === 'rtf' ? 'RTF文档' : ext === 'odt' ? 'ODT文档' : 'Word/WPS文档';
      return unsupported(fileName, what, `${failure.format}: ${failure.detail}`, ext === 'wps');
    }
  }
}
