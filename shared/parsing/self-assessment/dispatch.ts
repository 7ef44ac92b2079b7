/** A self-assessment of any format, sent to its reader. */
import { shownExtension, sniffDocumentFormat, unsupported } from './format.ts';
import type { ReadSelfAssessmentOptions, SelfAssessmentResult } from './model.ts';
import { readSelfAssessment } from './pdf.ts';
import { emptyResult } from './sections.ts';
import { readWordSelfAssessment } from './word.ts';

/**
 * Reads a self-assessment of any format, picked by magic bytes then extension: PDF and Word (.docx, .doc, WPS
 * files in Word's binary format) are read; other formats and files that are no Word document after all are
 * refused with a clear finding.
 */
export async function readSelfAssessmentFile(
  data: Buffer,
  fileName: string,
  opts: Omit<ReadSelfAssessmentOptions, 'fileName'> = {},
): Promise<SelfAssessmentResult> {
  const format = sniffDocumentFormat(data, fileName);
  if (format === 'pdf') return readSelfAssessment(data, { ...opts, fileName });
  if (format === 'word') return readWordSelfAssessment(data, fileName);
  return emptyResult([unsupported(fileName, `${shownExtension(fileName)}格式文件`, `format ${format}`)]);
}
