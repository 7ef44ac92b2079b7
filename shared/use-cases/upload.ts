/**
 * Upload: files sent through the portal (too large for mail, or a base without working mail) become a submission
 * like any other. The upload is wrapped as a MIME message so it is stored raw and read by the same intake.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { AppContext } from './context.ts';
import { type IngestResult, ingestMessage } from './intake.ts';

/** What an uploader sends. */
export interface UploadInput {
  /** The base the uploader says it is (free text; matched like a subject). */
  baseName: string;
  /** Contact address of the uploader, if given. */
  uploader?: string;
  files: { fileName: string; content: Buffer; contentType?: string }[];
}

/** Records an upload as a submission (channel "upload", received now). */
export async function ingestUpload(ctx: AppContext, input: UploadInput): Promise<IngestResult> {
  const receivedAt = ctx.clock.now();
  const raw = await new MailComposer({
    from: input.uploader ? `<${input.uploader}>` : 'upload-portal@intake.invalid',
    to: ctx.round.mailbox,
    subject: `【网上提交】${input.baseName}`,
    date: receivedAt,
    text: `通过上传通道提交，共${input.files.length}个文件。`,
    headers: { 'X-Intake-Channel': 'upload' },
    attachments: input.files.map((f) => ({
      filename: f.fileName,
      content: f.content,
      contentType: f.contentType ?? 'application/octet-stream',
    })),
  })
    .compile()
    .build();
  return ingestMessage(ctx, { raw, channel: 'upload', receivedAt, receivedAtSource: 'transport' });
}
