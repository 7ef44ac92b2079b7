/**
 * The report form as the notice distributes it — a Word table — and as a PDF printed from Word counts as the
 * report form: `intake ingest` of a package whose form is a .docx (or a .pdf), with the self-assessment and the
 * evidence its claims need, gives a complete base in `intake status --json`, with the form's values and where
 * each was read.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRound } from '../../shared/domain/rounds/index.ts';
import { cjkFontBytes } from '../fixtures/cjk-font.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildMinimalPdf, buildSelfAssessmentPdf, collect } from '../fixtures/self-assessment-pdf.ts';
import { makeZip } from '../fixtures/zip.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/intake.mjs');
const round = loadRound('2023');

async function intake(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/**
 * The notice's sentences with the blanks filled: 1.2 万平方米 and 36 间 claimed, every other number 0, every
 * 是/否 answered 否, nothing ticked — so the evidence needed is the building list and the live-room list.
 */
function filledSentences(): { section: string; text: string }[] {
  const claims: Record<number, number> = { 1: 1.2, 2: 36 };
  return round.formItems.map((item) => {
    let text = `${item.item}. ${item.wording}`
      .replace(/□是\s*□否/g, '☐是 ☑否')
      .replace(/_+/g, () => ` ${claims[item.item] ?? 0} `)
      .replace(/□/g, '☐');
    if (!/[。]$/.test(text)) text += '。';
    return { section: item.section, text };
  });
}

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The form as a Word table: a header row (基地名称 | name), then section | the section's sentences. */
function formDocx(baseName: string): Buffer {
  const cell = (text: string) =>
    `<w:tc>${text
      .split('\n')
      .map((line) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(line)}</w:t></w:r></w:p>`)
      .join('')}</w:tc>`;
  const bySection = new Map<string, string[]>();
  for (const { section, text } of filledSentences()) bySection.set(section, [...(bySection.get(section) ?? []), text]);
  const rows = [
    `<w:tr>${cell('基地名称')}${cell(baseName)}</w:tr>`,
    ...[...bySection].map(([section, texts]) => `<w:tr>${cell(section)}${cell(texts.join('\n'))}</w:tr>`),
  ];
  const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
  const body = `<w:p><w:r><w:t>山西省直播电商基地（推荐参评单位）经营服务情况报告表</w:t></w:r></w:p><w:tbl>${rows.join('')}</w:tbl>`;
  return makeZip([
    {
      name: '[Content_Types].xml',
      content: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    },
    {
      name: '_rels/.rels',
      content: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    },
    {
      name: 'word/document.xml',
      content: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>${body}</w:body></w:document>`,
    },
  ]);
}

/** The form printed to PDF: the title, 基地名称, then the sentences one paragraph each. */
function formPdf(baseName: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { CreationDate: new Date('2023-11-08T09:00:00+08:00') },
  });
  doc.registerFont('cjk', cjkFontBytes());
  doc.font('cjk').fontSize(14).text('山西省直播电商基地（推荐参评单位）经营服务情况报告表', { align: 'center' });
  doc.moveDown().fontSize(10.5).text(`基地名称：${baseName}`);
  for (const { text } of filledSentences()) doc.text(text);
  return collect(doc);
}

async function packageEml(dir: string, baseName: string, form: { filename: string; content: Buffer }): Promise<string> {
  const file = join(dir, `${baseName}.eml`);
  const evidence = [
    { filename: '办公建筑面积明细表.pdf', content: await buildMinimalPdf('办公建筑面积明细表\n1号楼 8000平方米') },
    { filename: '直播间明细表.pdf', content: await buildMinimalPdf('直播间明细表\n36间') },
  ];
  const report = await buildSelfAssessmentPdf({
    baseName,
    gmvText: '累计交易额0万元',
    shanxiGmvText: '带动山西产品销售0万元',
  });
  await writeFile(
    file,
    await buildEmail({
      subject: `${baseName}综合评价材料`,
      receivedAt: new Date('2023-11-08T02:00:00Z'),
      attachments: [form, { filename: '自评报告.pdf', content: report }, ...evidence],
    }),
  );
  return file;
}

interface FormValueJson {
  item: number;
  field: string;
  value: unknown;
  source?: { place: string; how: string; confidence: string };
}

describe('report forms as Word and PDF', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'intake-word-pdf-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['a Word table (.docx)', '平顺网红直播基地', 'docx'],
    ['a PDF printed from Word', '驿拓直播电商基地', 'pdf'],
  ] as const)('completes a package whose report form is %s', async (_label, baseName, format) => {
    // Prepare
    const dataDir = join(dir, format);
    const form =
      format === 'docx'
        ? { filename: '附件2：经营服务情况报告表.docx', content: formDocx(baseName) }
        : { filename: '经营服务情况报告表（盖章）.pdf', content: await formPdf(baseName) };
    const eml = await packageEml(dir, baseName, form);

    // Act
    await intake('ingest', '--data-dir', dataDir, '--json', eml);
    const status = JSON.parse(
      await intake('status', '--data-dir', dataDir, '--json', '--as-of', '2023-11-09T18:00:00+08:00'),
    );

    // Assess
    const base = status.bases.find((b: { name: string }) => b.name === baseName);
    expect(base.missing).toEqual({ documents: [], formItems: [], evidence: [] });
    expect(base.state).toBe('complete');
    const values = base.formValues as FormValueJson[];
    expect(values.find((v) => v.item === 1)?.value).toBe(1.2);
    expect(values.find((v) => v.item === 2)?.value).toBe(36);
    expect(values.find((v) => v.item === 12 && v.field === 'introPolicy')?.value).toBe(false);
    expect(values.find((v) => v.item === 20)?.value).toEqual([]);
    expect(values.filter((v) => v.value === null)).toEqual([]);
    expect(values.filter((v) => !v.source)).toEqual([]);
    expect(values.find((v) => v.item === 1)?.source).toMatchObject({
      place: format === 'docx' ? expect.stringMatching(/^表1 第\d+行第2列$/) : expect.stringMatching(/^第1页/),
      how: 'sentence',
      confidence: 'high',
    });
  });
});
