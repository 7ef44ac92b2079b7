import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { ocrAvailable } from '../../../shared/parsing/ocr.ts';
import type { Grid } from '../../../shared/parsing/report-form/model.ts';
import { readDocGrids, tableRows } from '../../../shared/parsing/report-form/sources/doc.ts';
import { MAX_DOCUMENT_XML_BYTES, ooxmlKind, readDocxGrids } from '../../../shared/parsing/report-form/sources/docx.ts';
import { PDF_MAX_PAGES, readPdfGrids } from '../../../shared/parsing/report-form/sources/pdf.ts';
import { cjkFontBytes } from '../../fixtures/cjk-font.ts';
import { buildCfb, buildWord97Doc } from '../../fixtures/word-documents.ts';
import { makeZip, type ZipEntrySpec } from '../../fixtures/zip.ts';

// ---------------------------------------------------------------------------------------------------------------
// Fixtures, built here

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const NAMESPACES = [
  `xmlns:w="${W_NS}"`,
  'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"',
  'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"',
  'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"',
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"',
  'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"',
  'xmlns:v="urn:schemas-microsoft-com:vml"',
].join(' ');

/** A document.xml around `body`, as Word writes it. */
const documentXml = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document ${NAMESPACES} mc:Ignorable="w14"><w:body>${body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`;

/** A .docx package (content types, relationships, the document part). */
function docx(body: string, documentPart: Partial<ZipEntrySpec> = {}): Buffer {
  return makeZip([
    {
      name: '[Content_Types].xml',
      content:
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    },
    {
      name: '_rels/.rels',
      content: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    },
    { name: 'word/document.xml', content: documentXml(body), ...documentPart },
  ]);
}

const t = (text: string) => `<w:r><w:t xml:space="preserve">${text}</w:t></w:r>`;
const p = (...runs: string[]) => `<w:p>${runs.join('')}</w:p>`;
const tc = (content: string, props = '') =>
  `<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/>${props}</w:tcPr>${content}</w:tc>`;
const tr = (cells: string[], props = '') => `<w:tr>${props ? `<w:trPr>${props}</w:trPr>` : ''}${cells.join('')}</w:tr>`;
const tbl = (rows: string[]) =>
  `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid>${rows.join('')}</w:tbl>`;
const sym = (font: string, char: string) => `<w:r><w:sym w:font="${font}" w:char="${char}"/></w:r>`;
const fontRun = (font: string, text: string) =>
  `<w:r><w:rPr><w:rFonts w:ascii="${font}" w:hAnsi="${font}" w:hint="eastAsia"/></w:rPr><w:t>${text}</w:t></w:r>`;
/** A check-box content control showing `glyph`, as Word 2010+ writes it. */
const checkboxControl = (checked: string, glyph: string) =>
  `<w:sdt><w:sdtPr><w:id w:val="1"/><w14:checkbox><w14:checked w14:val="${checked}"/><w14:checkedState w14:val="2612" w14:font="MS Gothic"/><w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:rPr><w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" w:hAnsi="MS Gothic"/></w:rPr><w:t>${glyph}</w:t></w:r></w:sdtContent></w:sdt>`;
/** A legacy check-box form field (FORMCHECKBOX) with the given ffData check-box settings. */
const formCheckbox = (settings: string) =>
  `<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/><w:enabled/><w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/>${settings}</w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`;

/** The form's first table: merged cells of every kind, a deleted row, tracked changes, a nested table. */
const FORM_TABLE = tbl([
  tr([tc(p(t('序号'))), tc(p(t('项目')), '<w:gridSpan w:val="2"/>'), tc(p(t('填报内容')))]),
  tr([
    tc(p(t('1')), '<w:vMerge w:val="restart"/>'),
    tc(p(t('直播电商基地建筑面积'))),
    tc(p(t('万平方米'))),
    tc(
      p(
        t('0.'),
        '<w:del w:id="1" w:author="a"><w:r><w:delText>6</w:delText></w:r></w:del>',
        '<w:ins w:id="2" w:author="a">',
        t('52'),
        '</w:ins>',
      ),
    ),
  ]),
  tr([
    tc('<w:p/>', '<w:vMerge/>'),
    tc(p(t('其中：直播间面积'))),
    tc(p(t('平方米'))),
    tc(p(t('1200')) + p(t('（含演播厅）'))),
  ]),
  tr([tc(p(t('已删除的行'))), tc(p(t('x'))), tc(p(t('y'))), tc(p(t('z')))], '<w:del w:id="3" w:author="a"/>'),
  tr(
    [
      tc(p(t('是否有公共直播间：')), '<w:gridSpan w:val="2"/>'),
      tc(p(sym('Wingdings 2', 'F052'), t('是 '), sym('Wingdings 2', 'f0a3'), t('否'))),
    ],
    '<w:gridBefore w:val="1"/>',
  ),
  tr([
    tc(p(t('2'))),
    tc(p(t('经营主体')), '<w:hMerge w:val="restart"/>'),
    tc('<w:p/>', '<w:hMerge/>'),
    tc(p(t('晋云公司'))),
  ]),
  tr([
    tc(p(t('3'))),
    tc(tbl([tr([tc(p(t('甲'))), tc(p(t('乙')))]), tr([tc(p(t('丙'))), tc(p(t('丁')))])]) + p(t('合计'))),
    tc(p(t('第一行'), '<w:r><w:br/><w:t>第二行</w:t><w:tab/><w:t>尾</w:t></w:r>')),
    tc(p(t('跨两行')), '<w:vMerge w:val="restart"/>'),
  ]),
  tr([tc('<w:p/>'), tc('<w:p/>'), tc('<w:p/>'), tc('<w:p/>', '<w:vMerge w:val="continue"/>')]),
]);

/** The second table: tick boxes as Word stores them. */
const BOX_TABLE = tbl([
  tr([tc(p(t('Wingdings 2 字体'))), tc(p(fontRun('Wingdings 2', 'R'), t('有'), fontRun('Wingdings 2', '£'), t('无')))]),
  tr([
    tc(p(t('Wingdings 符号'))),
    tc(
      p(
        sym('Wingdings', 'F0FE'),
        t('是'),
        sym('Wingdings', 'F0A8'),
        t('否'),
        sym('Wingdings', 'F06F'),
        sym('Wingdings', 'F0FC'),
      ),
    ),
  ]),
  tr([
    tc(p(t('内容控件'))),
    tc(p(checkboxControl('1', '☒'), t('是'), checkboxControl('0', '☐'), t('否'), checkboxControl('true', '☒'))),
  ]),
  tr([
    tc(p(t('窗体域'))),
    tc(
      p(
        formCheckbox('<w:default w:val="0"/><w:checked/>'),
        t('线上'),
        formCheckbox('<w:default w:val="1"/>'),
        t('线下'),
        formCheckbox('<w:default w:val="0"/><w:checked w:val="0"/>'),
        t('其他'),
      ),
    ),
  ]),
  tr([tc(p(t('私用区字符'))), tc(p(fontRun('Wingdings 2', '\uF052'), t('\uF0A3')))]),
  tr([
    tc(p(t('文本控件'))),
    tc(
      p(
        `<w:sdt><w:sdtPr><w:showingPlcHdr/><w:text/></w:sdtPr><w:sdtContent>${t('单击或点击此处输入文字。')}</w:sdtContent></w:sdt>`,
        `<w:sdt><w:sdtPr><w:text/></w:sdtPr><w:sdtContent>${t('0.52')}</w:sdtContent></w:sdt>`,
        t('万平方米'),
      ),
    ),
  ]),
]);

/** Paragraphs outside tables: a field, a text box (with its VML fallback copy), tracked changes. */
const BODY_BEFORE = [
  p(t('附件2')),
  '<w:p/>',
  `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs><w:rPr><w:del w:id="9" w:author="a"/></w:rPr></w:pPr>${t('经营服务情况报告表')}</w:p>`,
].join('');
const TEXT_BOX = `<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>${p(t('文本框内容'))}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>${p(t('文本框内容'))}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>`;
const BODY_AFTER = [
  p(
    t('第'),
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>',
    t('1'),
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    t('页'),
  ),
  p(t('0351'), '<w:r><w:noBreakHyphen/></w:r>', t('7654321')),
  p(TEXT_BOX, t('说明')),
  p(
    t('报告'),
    '<w:del w:id="4" w:author="a"><w:r><w:delText>草稿</w:delText></w:r></w:del>',
    '<w:ins w:id="5" w:author="a">',
    t('正式'),
    '</w:ins>',
    t('稿'),
    `<w:moveFrom w:id="6" w:author="a">${t('旧位置')}</w:moveFrom>`,
  ),
].join('');

/** A grid as plain data, for exact comparison. */
function plain(grid: Grid) {
  return {
    name: grid.name,
    source: grid.source,
    texts: Object.fromEntries(grid.texts),
    covered: [...grid.covered].sort(),
  };
}

/** A PDF drawn with pdfkit's built-in Helvetica (no font file is read). */
function pdf(draw: (doc: PDFKit.PDFDocument) => void, options: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { CreationDate: new Date('2023-11-08') }, ...options });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font('Helvetica').fontSize(10.5);
    draw(doc);
    doc.end();
  });
}

/** A hand-written one-page PDF whose text is drawn in the font `font` (a PDF dictionary). */
function rawPdf(content: string, font: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    font,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  const entries = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const problemOf = (result: object) => ('problem' in result ? result.problem : 'read');

// ---------------------------------------------------------------------------------------------------------------
// .docx

describe('readDocxGrids', () => {
  it('turns each table into a grid on its grid columns, merges resolved and covered, and the rest into 正文', async () => {
    // Prepare
    const data = docx(BODY_BEFORE + FORM_TABLE + BOX_TABLE + BODY_AFTER);

    // Act
    const result = await readDocxGrids(data);

    // Assess
    if ('problem' in result) throw new Error(result.detail);
    expect(result.format).toBe('docx');
    expect(result.grids.map((grid) => grid.name)).toEqual(['表1', '表2', '正文']);
    expect(plain(result.grids[0]!)).toEqual({
      name: '表1',
      source: 'word-table',
      texts: {
        '1:1': '序号',
        '1:2': '项目',
        '1:4': '填报内容',
        '2:1': '1',
        '2:2': '直播电商基地建筑面积',
        '2:3': '万平方米',
        '2:4': '0.52',
        '3:2': '其中：直播间面积',
        '3:3': '平方米',
        '3:4': '1200\n（含演播厅）',
        '4:2': '是否有公共直播间：',
        '4:4': '☑是 ☐否',
        '5:1': '2',
        '5:2': '经营主体',
        '5:4': '晋云公司',
        '6:1': '3',
        '6:2': '甲 乙\n丙 丁\n合计',
        '6:3': '第一行\n第二行 尾',
        '6:4': '跨两行',
      },
      // gridSpan (1:3, 4:3), vMerge continued (3:1, 7:4), hMerge continued (5:3); the deleted row is gone.
      covered: ['1:3', '3:1', '4:3', '5:3', '7:4'],
    });
    expect(plain(result.grids[2]!)).toEqual({
      name: '正文',
      source: 'word-text',
      texts: {
        '1:1': '附件2',
        '2:1': '经营服务情况报告表',
        '3:1': '第1页',
        '4:1': '0351-7654321',
        '5:1': '文本框内容',
        '6:1': '说明',
        '7:1': '报告正式稿',
      },
      covered: [],
    });
  });

  it('gives every kind of Word tick box as ☑ / ☐ (or √), one mark per box, and drops placeholder text', async () => {
    // Prepare
    const data = docx(BOX_TABLE);

    // Act
    const result = await readDocxGrids(data);

    // Assess
    if ('problem' in result) throw new Error(result.detail);
    expect(plain(result.grids[0]!).texts).toEqual({
      '1:1': 'Wingdings 2 字体',
      '1:2': '☑有☐无',
      '2:1': 'Wingdings 符号',
      '2:2': '☑是☐否☐√',
      '3:1': '内容控件',
      '3:2': '☑是☐否☑',
      '4:1': '窗体域',
      '4:2': '☑线上☑线下☐其他',
      '5:1': '私用区字符',
      '5:2': '☑☐',
      '6:1': '文本控件',
      '6:2': '0.52万平方米',
    });
  });

  it('refuses a document.xml that declares more than the limit', async () => {
    // Prepare
    const data = docx(p(t('x'.repeat(5000))));

    // Act
    const result = await readDocxGrids(data, { maxXmlBytes: 4096 });

    // Assess
    expect(result).toEqual({ problem: 'too-large', detail: expect.stringContaining('declares') });
    expect(MAX_DOCUMENT_XML_BYTES).toBe(32 * 1024 * 1024);
  });

  it('stops reading a document.xml that expands beyond the limit while declaring less', async () => {
    // Prepare: the zip bomb's lie — a small declared size, a large part.
    const data = docx(p(t('x'.repeat(50_000))), { lie: { uncompressedSize: 100 } });

    // Act
    const result = await readDocxGrids(data, { maxXmlBytes: 4096 });

    // Assess
    expect(result).toEqual({ problem: 'too-large', detail: expect.stringContaining('expands beyond 4096') });
  });

  it('says not-word for bytes that are not a zip, for a workbook and for a legacy .doc', async () => {
    // Prepare
    const xlsx = makeZip([
      { name: '[Content_Types].xml', content: '<Types/>' },
      { name: 'xl/workbook.xml', content: '<workbook/>' },
    ]);

    // Act
    const results = await Promise.all([
      readDocxGrids(Buffer.from('1. 直播电商基地建筑面积,0.52\n')),
      readDocxGrids(xlsx),
      readDocxGrids(buildWord97Doc(['报告表'])),
    ]);

    // Assess
    expect(results.map(problemOf)).toEqual(['not-word', 'not-word', 'not-word']);
    expect(results[1]).toEqual({ problem: 'not-word', detail: expect.stringContaining('xlsx') });
  });

  it('says encrypted for a password-protected package and corrupt for broken XML or a broken zip', async () => {
    // Prepare
    const encrypted = buildCfb([
      { name: 'EncryptionInfo', data: Buffer.alloc(200, 1) },
      { name: 'EncryptedPackage', data: Buffer.alloc(5000, 7) },
    ]);
    const brokenXml = docx('<w:p><w:r><w:t>未闭合</w:r></w:p>');
    const brokenZip = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 0x41)]);

    // Act
    const results = await Promise.all([readDocxGrids(encrypted), readDocxGrids(brokenXml), readDocxGrids(brokenZip)]);

    // Assess
    expect(results.map(problemOf)).toEqual(['encrypted', 'corrupt', 'corrupt']);
  });

  it('leaves out tables and rows beyond the limits', async () => {
    // Prepare
    const table = tbl([tr([tc(p(t('a')))]), tr([tc(p(t('b')))]), tr([tc(p(t('c')))])]);
    const data = docx(table + table + table);

    // Act
    const result = await readDocxGrids(data, { maxTables: 2, maxRows: 2 });

    // Assess
    if ('problem' in result) throw new Error(result.detail);
    expect(result.grids.map((grid) => [grid.name, grid.rows])).toEqual([
      ['表1', [1, 2]],
      ['表2', [1, 2]],
    ]);
  });
});

describe('ooxmlKind', () => {
  it('tells a .docx from an .xlsx by the central directory alone, and anything else is other', async () => {
    // Prepare
    const workbook = makeZip([{ name: 'xl/workbook.xml', content: '<workbook/>' }]);
    const archive = makeZip([{ name: '报告表.txt', content: 'x' }]);

    // Act
    const kinds = await Promise.all([
      ooxmlKind(docx(p(t('x')))),
      ooxmlKind(workbook),
      ooxmlKind(archive),
      ooxmlKind(Buffer.from('%PDF-1.4')),
      ooxmlKind(Buffer.from('PK\x03\x04 not really')),
    ]);

    // Assess
    expect(kinds).toEqual(['docx', 'xlsx', 'other', 'other', 'other']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// .doc

describe('readDocGrids', () => {
  it('reads lines as rows and tab-separated parts as cells, splitting table rows at the row-end mark', async () => {
    // Prepare: in a Word 97 file a cell ends in 0x07 and a row in one more 0x07, with no paragraph mark between rows.
    const data = buildWord97Doc([
      '经营服务情况报告表',
      '序号\x07指标\x07数值\x07\x071\x07建筑面积\x070.52\x07\x072\x07直播间\x07\x07\x07',
      '甲\x07乙\x07\x07丙\x07丁\x07\x07表后文字',
      '建筑面积：\t\t0.52',
    ]);

    // Act
    const result = await readDocGrids(data);

    // Assess
    if ('problem' in result) throw new Error(result.detail);
    expect(result.format).toBe('doc');
    expect(result.grids).toHaveLength(1);
    expect(plain(result.grids[0]!)).toEqual({
      name: '正文',
      source: 'word-text',
      texts: {
        '1:1': '经营服务情况报告表',
        '2:1': '序号',
        '2:2': '指标',
        '2:3': '数值',
        '3:1': '1',
        '3:2': '建筑面积',
        '3:3': '0.52',
        '4:1': '2',
        '4:2': '直播间',
        '5:1': '甲',
        '5:2': '乙',
        '6:1': '丙',
        '6:2': '丁',
        '7:1': '表后文字',
        '8:1': '建筑面积：',
        '8:3': '0.52',
      },
      covered: [],
    });
  });

  it('says encrypted for a password-protected .doc and not-word for other files', async () => {
    // Prepare: set fEncrypted in the FIB (its flags word is 10 bytes after the 0xA5EC magic).
    const encrypted = buildWord97Doc(['机密']);
    const fib = encrypted.indexOf(Buffer.from([0xec, 0xa5]));
    encrypted.writeUInt16LE(encrypted.readUInt16LE(fib + 0x0a) | 0x0100, fib + 0x0a);
    const workbook = buildCfb([{ name: 'Workbook', data: Buffer.alloc(5000) }]);

    // Act
    const results = await Promise.all([
      readDocGrids(encrypted),
      readDocGrids(workbook),
      readDocGrids(docx(p(t('x')))),
      readDocGrids(Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(100)])),
    ]);

    // Assess
    expect(results.map(problemOf)).toEqual(['encrypted', 'not-word', 'not-word', 'corrupt']);
  });

  it('keeps a tab-aligned paragraph on one row and splits only a repeated row-end signature', () => {
    expect(tableRows(['建筑面积：', '', '0.52'])).toEqual([['建筑面积：', '', '0.52']]);
    expect(tableRows(['1', '面积', '', '2', '人数', '', ''])).toEqual([
      ['1', '面积'],
      ['2', '人数'],
    ]);
    expect(tableRows(['1. 面积', '', '', '2. 人数', '', '', ''])).toEqual([
      ['1. 面积', ''],
      ['2. 人数', ''],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// PDF

describe('readPdfGrids', () => {
  it('groups text items into lines and cells, and gives each page a continuous-text grid', async () => {
    // Prepare: a table laid out by position; one value 0.8 pt off its row's baseline; a diagonal watermark.
    const data = await pdf((doc) => {
      const rows = [
        ['No.', 'Item', 'Value', 'Unit'],
        ['1.', 'Building area', '1.2', 'x 10k m2'],
        ['2.', 'Live rooms', '36', 'rooms'],
      ];
      rows.forEach((row, i) => {
        row.forEach((text, j) => {
          doc.text(text, [60, 100, 300, 400][j]!, 100 + i * 20 + (j === 2 ? 0.8 : 0), { lineBreak: false });
        });
      });
      doc.text('Signed by the base operator, 2023', 60, 200, { lineBreak: false });
      doc
        .save()
        .rotate(-45, { origin: [300, 400] })
        .fontSize(40)
        .text('DRAFT COPY', 200, 400)
        .restore();
    });

    // Act
    const result = await readPdfGrids(data);

    // Assess
    if ('problem' in result) throw new Error(result.detail);
    expect(result).toMatchObject({ format: 'pdf', pages: 1, pagesRead: 1 });
    expect(result.lowConfidence).toBeUndefined();
    expect(result.grids.map(plain)).toEqual([
      {
        name: '第1页',
        source: 'pdf-lines',
        texts: {
          '1:1': 'No.',
          '1:2': 'Item',
          '1:3': 'Value',
          '1:4': 'Unit',
          '2:1': '1.',
          '2:2': 'Building area',
          '2:3': '1.2',
          '2:4': 'x 10k m2',
          '3:1': '2.',
          '3:2': 'Live rooms',
          '3:3': '36',
          '3:4': 'rooms',
          '4:1': 'Signed by the base operator, 2023',
        },
        covered: [],
      },
      {
        name: '第1页（连续文本）',
        source: 'pdf-lines',
        texts: {
          '1:1': 'No. Item Value Unit',
          '2:1': '1. Building area 1.2 x 10k m2',
          '3:1': '2. Live rooms 36 rooms',
          '4:1': 'Signed by the base operator, 2023',
        },
        covered: [],
      },
    ]);
  });

  it('reads a Chinese form page: ruled cells, tick boxes, and no spaces between letter-spaced characters', async () => {
    // Prepare: a CJK font from the fixtures (no system font); one label letter-spaced as Word's 加宽 does.
    const data = await pdf((doc) => {
      doc.registerFont('cjk', cjkFontBytes());
      doc.font('cjk').fontSize(10.5);
      for (const x of [60, 300, 380, 480]) doc.moveTo(x, 95).lineTo(x, 155).lineWidth(0.5).stroke();
      doc.text('1. 直播电商基地建筑面积', 65, 100, { lineBreak: false, characterSpacing: 3 });
      doc.text('0.52', 305, 100, { lineBreak: false });
      doc.text('万平方米', 385, 100, { lineBreak: false });
      doc.text('2. 是否有公共直播间', 65, 130, { lineBreak: false });
      doc.text('☑是 ☐否', 305, 130, { lineBreak: false });
    });

    // Act
    const result = await readPdfGrids(data);

    // Assess
    if ('problem' in result) throw new Error(result.detail);
    expect(result.grids.map((grid) => Object.fromEntries(grid.texts))).toEqual([
      {
        '1:1': '1.直播电商基地建筑面积',
        '1:2': '0.52',
        '1:3': '万平方米',
        '2:1': '2. 是否有公共直播间',
        '2:2': '☑是 ☐否',
      },
      { '1:1': '1.直播电商基地建筑面积 0.52 万平方米', '2:1': '2. 是否有公共直播间 ☑是 ☐否' },
    ]);
  });

  it('splits a line at a table rule even where the gap is narrower than the cell gap', async () => {
    // Prepare: a label filling its cell (Word's 0.19 cm cell margins: ~11 pt between the two texts, about 1 em).
    const layout = (rule: 'none' | 'stroked' | 'filled') =>
      pdf((doc) => {
        const label = 'Building area total';
        const border = 100 + doc.widthOfString(label) + 5.4;
        doc.text(label, 100, 100, { lineBreak: false });
        doc.text('1.2', border + 5.4, 100, { lineBreak: false });
        if (rule === 'stroked') doc.moveTo(border, 95).lineTo(border, 115).lineWidth(0.5).stroke();
        if (rule === 'filled') doc.rect(border - 0.25, 95, 0.5, 20).fill();
      });

    // Act
    const results = await Promise.all(
      ['none', 'stroked', 'filled'].map(async (rule) => readPdfGrids(await layout(rule as 'none'))),
    );

    // Assess
    const cells = results.map((result) => ('problem' in result ? result.problem : plain(result.grids[0]!).texts));
    expect(cells).toEqual([
      { '1:1': 'Building area total 1.2' },
      { '1:1': 'Building area total', '1:2': '1.2' },
      { '1:1': 'Building area total', '1:2': '1.2' },
    ]);
  });

  it('reads a ruled table by cell: wrapped lines joined, merged cells covered, columns by the table rules', async () => {
    // Prepare: a Word-like table (columns at x 60/140/270/350/540) drawn three ways, its cells' text wrapped over
    // lines as Word wraps it: a merged header row, a name and an address wrapping side by side (their lines on one
    // baseline), a sentence cell over three lines, a contact label merged over two rows, an e-mail address broken
    // inside it, Latin words broken at a space; a title above and a wrapped note paragraph below.
    type Box = [x: number, y: number, width: number, height: number];
    const cells: Box[] = [
      [60, 100, 480, 22],
      ...[60, 140, 270, 350].map((x, i): Box => [x, 122, [80, 130, 80, 190][i]!, 34]),
      [60, 156, 80, 46],
      [140, 156, 400, 46],
      [60, 202, 80, 54],
      ...[140, 270, 350].map((x, i): Box => [x, 202, [130, 80, 190][i]!, 20]),
      ...[140, 270, 350].map((x, i): Box => [x, 222, [130, 80, 190][i]!, 34]),
    ];
    const texts: [text: string, x: number, y: number][] = [
      ['附件2', 60, 70],
      ['基地基本情况', 270, 105],
      ['基地名称', 65, 133],
      ['阳泉市矿区龙城直播电商', 145, 126],
      ['产业园', 145, 140],
      ['地址与范围', 275, 133],
      ['阳泉市矿区滨河东路340号（东至', 355, 126],
      ['长风街，西至滨河东路）', 355, 140],
      ['党建工作', 65, 174],
      ['23. 为落实党建工作责任制，开展了哪些工作：☒党组织书记', 145, 160],
      ['履行党建责任，明确责任和任务；☒建立了相关机制和制度；', 145, 174],
      ['☐讲专题党课；☒落实“两个责任”。', 145, 188],
      ['基地联系人', 65, 223],
      ['姓名', 145, 206],
      ['张佳琪', 275, 206],
      ['总经理', 355, 206],
      ['电子邮件', 145, 233],
      ['sx9519@126.co', 275, 226],
      ['m', 275, 240],
      ['Shanxi Longcheng', 355, 226],
      ['Network Co.', 355, 240],
      ['注：本表数据统计时间为2022年9月至2023年8月，请如实填写，', 60, 280],
      ['不得虚报。', 60, 294],
      ['填表人：李明', 60, 330],
    ];
    const layout = (rules: 'rectangles' | 'lines' | 'filled') =>
      pdf((doc) => {
        doc.registerFont('cjk', cjkFontBytes());
        doc.font('cjk').fontSize(10.5).lineWidth(0.5);
        for (const [x, y, width, height] of cells) {
          const [right, bottom] = [x + width, y + height];
          if (rules === 'rectangles') doc.rect(x, y, width, height).stroke();
          const edges = [
            [x, y, right, y],
            [right, y, right, bottom],
            [x, bottom, right, bottom],
            [x, y, x, bottom],
          ] as const;
          for (const [x0, y0, x1, y1] of rules === 'rectangles' ? [] : edges) {
            // A stroked line, or Word's border: a filled rectangle 0.5 pt wide along the edge.
            if (rules === 'lines') doc.moveTo(x0, y0).lineTo(x1, y1).stroke();
            else doc.rect(x0 - 0.25, y0 - 0.25, x1 - x0 + 0.5, y1 - y0 + 0.5).fill();
          }
        }
        for (const [text, x, y] of texts) doc.text(text, x, y, { lineBreak: false });
      });

    // Act
    const results = await Promise.all(
      (['rectangles', 'lines', 'filled'] as const).map(async (rules) => readPdfGrids(await layout(rules))),
    );

    // Assess
    const grids = results.map((result) => ('problem' in result ? result.problem : result.grids.map(plain)));
    const sentence =
      '23. 为落实党建工作责任制，开展了哪些工作：☒党组织书记履行党建责任，明确责任和任务；☒建立了相关机制和制度；☐讲专题党课；☒落实“两个责任”。';
    const expected = [
      {
        name: '第1页',
        source: 'pdf-lines',
        texts: {
          '1:1': '附件2',
          '2:1': '基地基本情况',
          '3:1': '基地名称',
          '3:2': '阳泉市矿区龙城直播电商产业园',
          '3:3': '地址与范围',
          '3:4': '阳泉市矿区滨河东路340号（东至长风街，西至滨河东路）',
          '4:1': '党建工作',
          '4:2': sentence,
          '5:1': '基地联系人',
          '5:2': '姓名',
          '5:3': '张佳琪',
          '5:4': '总经理',
          '6:2': '电子邮件',
          '6:3': 'sx9519@126.com',
          '6:4': 'Shanxi Longcheng Network Co.',
          '7:1': '注：本表数据统计时间为2022年9月至2023年8月，请如实填写，',
          '8:1': '不得虚报。',
          '9:1': '填表人：李明',
        },
        covered: ['2:2', '2:3', '2:4', '4:3', '4:4', '6:1'],
      },
      {
        name: '第1页（连续文本）',
        source: 'pdf-lines',
        texts: {
          '1:1': '附件2',
          '2:1': '基地基本情况',
          '3:1': '基地名称 阳泉市矿区龙城直播电商产业园 地址与范围 阳泉市矿区滨河东路340号（东至长风街，西至滨河东路）',
          '4:1': `党建工作 ${sentence}`,
          '5:1': '基地联系人 姓名 张佳琪 总经理',
          '6:1': '电子邮件 sx9519@126.com Shanxi Longcheng Network Co.',
          '7:1': '注：本表数据统计时间为2022年9月至2023年8月，请如实填写，不得虚报。',
          '8:1': '填表人：李明',
        },
        covered: [],
      },
    ];
    expect(grids).toEqual([expected, expected, expected]);
  });

  it('reads by line where the rules close no more than one cell: a frame, a lone rule', async () => {
    // Prepare: a frame round the page's text (one closed box), and a label and its value wrapped over two lines.
    const data = await pdf((doc) => {
      doc.registerFont('cjk', cjkFontBytes());
      doc.font('cjk').fontSize(10.5).lineWidth(0.5);
      doc.rect(50, 60, 495, 120).stroke();
      doc.moveTo(140, 95).lineTo(140, 160).stroke();
      doc.text('基地名称', 65, 107, { lineBreak: false });
      doc.text('阳泉市矿区龙城直播电商', 145, 100, { lineBreak: false });
      doc.text('产业园', 145, 114, { lineBreak: false });
      doc.text('建筑面积', 65, 140, { lineBreak: false });
      doc.text('0.52万平方米', 145, 140, { lineBreak: false });
    });

    // Act
    const result = await readPdfGrids(data);

    // Assess: a row per line, as on a page without rules.
    if ('problem' in result) throw new Error(result.detail);
    expect(result.grids.map((grid) => Object.fromEntries(grid.texts))).toEqual([
      { '1:1': '阳泉市矿区龙城直播电商', '2:1': '基地名称', '3:1': '产业园', '4:1': '建筑面积', '4:2': '0.52万平方米' },
      { '1:1': '阳泉市矿区龙城直播电商', '2:1': '基地名称', '3:1': '产业园', '4:1': '建筑面积 0.52万平方米' },
    ]);
  });

  it('reads at most the page limit and says how many pages there are', async () => {
    // Prepare
    const data = await pdf((doc) => {
      for (let page = 1; page <= 3; page++) {
        if (page > 1) doc.addPage();
        doc.text(`Page ${page}: building area 1.2 x 10k m2`, 60, 100, { lineBreak: false });
      }
    });

    // Act
    const result = await readPdfGrids(data, { maxPages: 2 });

    // Assess
    if ('problem' in result) throw new Error(result.detail);
    expect(result).toMatchObject({ pages: 3, pagesRead: 2 });
    expect(result.grids.map((grid) => grid.name)).toEqual(['第1页', '第1页（连续文本）', '第2页', '第2页（连续文本）']);
    expect(PDF_MAX_PAGES).toBe(20);
  });

  it('stops at the text-item limit: before the page that passes it, or refuses a first page that does', async () => {
    // Prepare
    const data = await pdf((doc) => {
      doc.text('Page one: building area 1.2 x 10k m2', 60, 100, { lineBreak: false });
      doc.addPage();
      for (let i = 0; i < 30; i++) doc.text(`item ${i}`, 60 + (i % 3) * 150, 100 + Math.floor(i / 3) * 20);
    });

    // Act
    const [stopped, refused] = await Promise.all([
      readPdfGrids(data, { maxTextItems: 10 }),
      readPdfGrids(data, { maxTextItems: 0 }),
    ]);

    // Assess
    expect(stopped).toMatchObject({ pages: 2, pagesRead: 1 });
    expect(refused).toEqual({ problem: 'too-large', detail: expect.stringContaining('page 1') });
  });

  it('gives up at the timeout', async () => {
    // Prepare
    const data = await pdf((doc) => doc.text('Building area 1.2 x 10k m2 on a page of its own', 60, 100));

    // Act
    const result = await readPdfGrids(data, { timeoutMs: 0 });

    // Assess
    expect(result).toEqual({ problem: 'timeout', detail: 'not read within 0 ms' });
  });

  it('says not-pdf, corrupt and encrypted for what it cannot open', async () => {
    // Prepare
    const encrypted = await pdf((doc) => doc.text('Building area 1.2 x 10k m2, locked'), {
      userPassword: 'jinyun',
      pdfVersion: '1.4',
    });

    // Act
    const results = await Promise.all([
      readPdfGrids(Buffer.from('1. 直播电商基地建筑面积,0.52\n')),
      readPdfGrids(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300, 0x20)])),
      readPdfGrids(encrypted),
    ]);

    // Assess
    expect(results.map(problemOf)).toEqual(['not-pdf', 'corrupt', 'encrypted']);
  });

  it('says garbled when the text is private-use characters (a font without a Unicode map)', async () => {
    // Prepare: Helvetica re-encoded so that A-Z draw glyphs named uniE010-uniE029.
    const names = Array.from({ length: 26 }, (_, i) => `/uniE0${(i + 0x10).toString(16).toUpperCase()}`).join(' ');
    const font = `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding /Differences [65 ${names}] >> >>`;
    const data = rawPdf('BT /F1 12 Tf 72 700 Td (ABCDEFGHIJKLMNOPQRSTUVWXYZ) Tj 0 -20 Td (ABCDEFGHIJ) Tj ET', font);

    // Act
    const result = await readPdfGrids(data);

    // Assess
    expect(result).toEqual({ problem: 'garbled', detail: expect.stringContaining('36 of 36') });
  });

  it('says scanned for a PDF without a text layer when OCR is off or cannot read it', async () => {
    // Prepare: a page of ruled boxes and no text, like a scan's vector frame.
    const data = await pdf((doc) => {
      doc.rect(60, 100, 400, 300).stroke();
      doc.rect(60, 420, 400, 20).fill();
    });

    // Act
    const [off, auto] = await Promise.all([readPdfGrids(data, { ocr: false }), readPdfGrids(data)]);

    // Assess: with OCR installed, a blank page gives no text either.
    expect(off).toEqual({ problem: 'scanned', detail: 'no text layer; OCR disabled' });
    expect(auto).toEqual({ problem: 'scanned', detail: expect.stringMatching(/^no text layer; OCR /) });
  });

  it('turns OCR text into low-confidence ocr-lines grids, a row per line (a stand-in engine)', async () => {
    // Prepare: an engine that answers like tesseract, so the path from OCR text to grids is checked on its own.
    const engine = {
      recognise: async () => '1. 直播电商基地建筑面积 0.52 万平方米\n\n2. 直播间数量 36 间\n',
      close: async () => undefined,
    };
    const scan = await pdf((doc) => {
      doc.rect(60, 100, 400, 300).stroke();
    });

    // Act
    const result = await readPdfGrids(scan, { ocr: { engine } });

    // Assess
    if ('problem' in result) throw new Error(result.detail);
    expect(result).toMatchObject({ format: 'ocr', lowConfidence: true, pages: 1, pagesRead: 1 });
    expect(result.grids.map(plain)).toEqual([
      {
        name: '第1页',
        source: 'ocr-lines',
        texts: { '1:1': '1.直播电商基地建筑面积0.52万平方米', '2:1': '2.直播间数量36间' },
        covered: [],
      },
    ]);
  });

  it('reads a scan by OCR (tesseract.js and its model from the npm registry), as low-confidence OCR lines', async () => {
    expect(await ocrAvailable()).toMatchObject({ ok: true });
    // Prepare: a text page rendered to an image by pdf.js, wrapped into an image-only PDF.
    const { PDFParse } = await import('pdf-parse');
    // The font is embedded: Helvetica would be drawn with a system font, and a machine with Node alone has none.
    const text = await pdf((doc) => {
      doc.registerFont('embedded', cjkFontBytes());
      doc.font('embedded').fontSize(28);
      doc.text('1. Building area 1.2', 60, 100);
      doc.text('2. Live rooms 36', 60, 160);
    });
    const shot = await new PDFParse({ data: new Uint8Array(text) }).getScreenshot({
      desiredWidth: 1240,
      imageBuffer: true,
      imageDataUrl: false,
    });
    const image = Buffer.from(shot.pages[0]!.data);
    const scan = await pdf((doc) => {
      doc.image(image, 0, 0, { width: 595 });
    });

    // Act
    const result = await readPdfGrids(scan, { ocr: { concurrency: 1 } });

    // Assess
    if ('problem' in result) throw new Error(result.detail);
    expect(result).toMatchObject({ format: 'ocr', lowConfidence: true, pages: 1, pagesRead: 1 });
    expect(result.grids[0]).toMatchObject({ name: '第1页', source: 'ocr-lines' });
    expect([...result.grids[0]!.texts.values()].join('\n')).toMatch(/36/);
  });
});
