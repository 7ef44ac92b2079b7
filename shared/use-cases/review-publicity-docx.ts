/**
 * The 公示 as a Word document (`intake review publicity --out 公示.docx`), laid out as the department's notices are:
 * title in 方正小标宋 二号 centred, body in 仿宋_GB2312 三号 with a two-character first-line indent, table captions in
 * 黑体, the sign-off and date to the right. A minimal WordprocessingML package (content types, relationships, one
 * document part) zipped by the project's own writer: no docx library is needed for this much.
 */

import type { PublicityText } from '../domain/review-text.ts';
import { writeZip } from '../parsing/zip-writer.ts';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

function xml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/** A run in one font and size (half-points). */
function run(text: string, font: string, size: number, bold = false): string {
  return `<w:r><w:rPr><w:rFonts w:ascii="${font}" w:eastAsia="${font}" w:hAnsi="${font}"/>${bold ? '<w:b/>' : ''}<w:sz w:val="${size}"/><w:szCs w:val="${size}"/></w:rPr><w:t xml:space="preserve">${xml(text)}</w:t></w:r>`;
}

function paragraph(body: string, props = ''): string {
  return `<w:p><w:pPr><w:spacing w:line="560" w:lineRule="exact"/>${props}</w:pPr>${body}</w:p>`;
}

const BODY_FONT = '仿宋_GB2312';
const BODY_SIZE = 32; // 三号
const TITLE_FONT = '方正小标宋简体';
const TITLE_SIZE = 44; // 二号
const HEAD_FONT = '黑体';

function table(head: string[], rows: string[][]): string {
  const border =
    '<w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/>';
  const cell = (text: string, bold: boolean) =>
    `<w:tc><w:p><w:pPr><w:jc w:val="center"/></w:pPr>${run(text, bold ? HEAD_FONT : BODY_FONT, 28, false)}</w:p></w:tc>`;
  const tr = (cells: string[], bold: boolean) => `<w:tr>${cells.map((c) => cell(c, bold)).join('')}</w:tr>`;
  return `<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:jc w:val="center"/><w:tblBorders>${border}</w:tblBorders></w:tblPr>${tr(head, true)}${rows.map((r) => tr(r, false)).join('')}</w:tbl>`;
}

/** Builds the .docx bytes of a 公示. */
export function publicityDocx(text: PublicityText, options: { modified?: Date } = {}): Buffer {
  const body = [
    paragraph(run(text.title, TITLE_FONT, TITLE_SIZE), '<w:jc w:val="center"/>'),
    paragraph(''),
    ...text.paragraphs.map((p) =>
      paragraph(run(p, BODY_FONT, BODY_SIZE), '<w:ind w:firstLineChars="200" w:firstLine="640"/>'),
    ),
    paragraph(run(text.contact, BODY_FONT, BODY_SIZE), '<w:ind w:firstLineChars="200" w:firstLine="640"/>'),
    ...text.tables.flatMap((t) => [paragraph(run(t.caption, HEAD_FONT, BODY_SIZE)), table(t.head, t.rows)]),
    paragraph(''),
    paragraph(run(text.signature, BODY_FONT, BODY_SIZE), '<w:jc w:val="right"/>'),
    paragraph(run(text.signedOn, BODY_FONT, BODY_SIZE), '<w:jc w:val="right"/>'),
  ].join('');
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="${W}"><w:body>${body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>`;
  const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
  const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;
  return writeZip(
    [
      { name: '[Content_Types].xml', data: Buffer.from(contentTypes, 'utf8') },
      { name: '_rels/.rels', data: Buffer.from(rels, 'utf8') },
      { name: 'word/document.xml', data: Buffer.from(document, 'utf8') },
    ],
    options,
  );
}
