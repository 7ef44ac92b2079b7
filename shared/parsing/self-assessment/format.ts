/** Which reader a file goes to (magic bytes, then extension), and the finding for a format none reads. */
import { type Finding, finding } from '../../domain/findings.ts';

/** How far the magic-byte sniffer looks: PDF readers accept junk before `%PDF-` within the first 1 KiB. */
const MAGIC_WINDOW_BYTES = 1024;

/** The container format of a document, from its first bytes, falling back to the extension. */
export type DocumentFormat = 'pdf' | 'word' | 'other';

/** Decides the format by magic bytes (`%PDF-` anywhere in the first KiB, OLE2, ZIP) and then by extension. */
export function sniffDocumentFormat(data: Buffer, fileName: string): DocumentFormat {
  const head = data.subarray(0, MAGIC_WINDOW_BYTES);
  if (head.includes('%PDF-', 0, 'latin1')) return 'pdf';
  const ext = extensionOf(fileName);
  const isOle = data.length >= 8 && data.readUInt32BE(0) === 0xd0cf11e0 && data.readUInt32BE(4) === 0xa1b11ae1;
  const isZip = data.length >= 4 && data.readUInt32BE(0) === 0x504b0304;
  if (['doc', 'docx', 'wps', 'docm', 'dot', 'dotx', 'rtf', 'odt'].includes(ext)) return 'word';
  // A misnamed Word file (报告.pdf that is really a .doc, or a nameless attachment) is still a Word file.
  if ((isOle || isZip) && (ext === 'pdf' || ext === '')) return 'word';
  if (ext === 'pdf') return 'pdf';
  return 'other';
}

export function unsupported(fileName: string, what: string, detail: string, wps = false): Finding {
  const shown = shownExtension(fileName);
  const advice = wps ? '请基地用WPS“另存为”PDF或.docx格式后重新提交' : '建议基地同时提供PDF版本';
  return finding(
    'report.format-unsupported',
    `自评报告为${what}（${shown}），系统暂不能自动读取，请人工查阅；${advice}。`,
    {
      document: fileName,
      messageEn: `Self-assessment in unsupported format (${detail}, ${shown}).`,
    },
  );
}

export function shownExtension(fileName: string): string {
  const ext = extensionOf(fileName);
  return ext ? `.${ext}` : '未知';
}

export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}
