/**
 * Writes the sample submission emails under events/samples/ (committed, so a newcomer can try
 * `npx intake ingest events/samples/*.eml` without running this). Re-run with `npm run samples`.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRound } from '../shared/domain/rounds/index.ts';
import { buildEmail } from '../tests/fixtures/email.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../tests/fixtures/report-form.ts';
import { buildMinimalPdf, buildSelfAssessmentPdf } from '../tests/fixtures/self-assessment-pdf.ts';

const OUT = join(import.meta.dirname, '../events/samples');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function main(): Promise<void> {
  const round = loadRound('2023');
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });

  // 1. A full package on time: form, report and one evidence file per indicator.
  const full = '邮拓直播电商基地';
  const evidence = await Promise.all(
    round.indicators.map(async (indicator) => ({
      filename: `${indicator.evidenceKeywords[0]}.pdf`,
      content: await buildMinimalPdf(`${full} ${indicator.name} 证明材料`),
      contentType: 'application/pdf',
    })),
  );
  await writeFile(
    join(OUT, '01-邮拓直播电商基地-完整材料.eml'),
    await buildEmail({
      subject: `【太原市】${full}2022-2023年度综合评价申报材料`,
      from: '"邮拓直播电商基地" <youtuo@example.cn>',
      receivedAt: new Date('2023-11-08T02:15:00Z'),
      attachments: [
        {
          filename: `${full}经营服务情况报告表.xlsx`,
          content: await buildReportFormXlsx({ header: { baseName: full }, values: SAMPLE_FORM_VALUES }),
          contentType: XLSX,
        },
        {
          filename: `${full}自评报告.pdf`,
          content: await buildSelfAssessmentPdf({ baseName: full }),
          contentType: 'application/pdf',
        },
        ...evidence,
      ],
    }),
  );

  // 2. A hand-made form only, GB2312 subject: the self-assessment and all evidence are missing.
  const partial = '龙巅兴趣直播基地';
  await writeFile(
    join(OUT, '02-龙巅兴趣直播基地-仅报告表.eml'),
    await buildEmail({
      subject: `${partial}报送材料`,
      subjectCharset: 'GB2312',
      from: '"龙巅" <longdian@example.cn>',
      receivedAt: new Date('2023-11-09T07:40:00Z'),
      attachments: [
        {
          filename: '经营服务情况报告表.xlsx',
          content: await buildReportFormXlsx({
            header: { baseName: partial },
            values: SAMPLE_FORM_VALUES,
            layout: 'handmade',
          }),
          contentType: XLSX,
        },
      ],
    }),
  );

  // 3. Sent after midnight Beijing time on 10 November: late, although the sender's Date: says otherwise.
  const late = '山西千万亿直播基地';
  await writeFile(
    join(OUT, '03-山西千万亿直播基地-逾期.eml'),
    await buildEmail({
      subject: `${late}综合评价材料`,
      from: '"千万亿" <qianwanyi@example.cn>',
      sentAt: new Date('2023-11-10T15:50:00Z'),
      receivedAt: new Date('2023-11-10T16:00:05Z'),
      attachments: [
        {
          filename: `${late}报告表.xlsx`,
          content: await buildReportFormXlsx({ header: { baseName: late }, values: SAMPLE_FORM_VALUES }),
          contentType: XLSX,
        },
        {
          filename: `${late}自评报告.pdf`,
          content: await buildSelfAssessmentPdf({ baseName: late }),
          contentType: 'application/pdf',
        },
      ],
    }),
  );

  // 4. No base named anywhere: goes to the unmatched queue for staff.
  await writeFile(
    join(OUT, '04-未署名-待分配.eml'),
    await buildEmail({
      subject: '材料',
      from: 'someone@example.cn',
      receivedAt: new Date('2023-11-09T01:00:00Z'),
      attachments: [{ filename: '照片.pdf', content: await buildMinimalPdf('照片'), contentType: 'application/pdf' }],
    }),
  );
  console.log(`samples written to ${OUT}`);
}

await main();
