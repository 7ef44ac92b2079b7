import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Mailer, OutgoingMail } from '../../ports/index.ts';

/** Mailer on SES (v1 SendRawEmail, so attachments and both text and HTML parts go out as composed). */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESClient = new SESClient({}),
    /** SES configuration set whose event destinations report bounces and complaints. */
    private readonly configurationSetName?: string,
  ) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const raw = await composeMime(mail);
    const out = await this.client.send(
      new SendRawEmailCommand({
        Source: mail.from,
        Destinations: mail.to,
        RawMessage: { Data: raw },
        ConfigurationSetName: this.configurationSetName,
      }),
    );
    return { messageId: out.MessageId ?? '' };
  }
}

/** Builds the MIME bytes of a message (UTF-8, base64 where needed) with nodemailer's composer. */
export function composeMime(mail: OutgoingMail): Promise<Buffer> {
  return new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: mail.headers,
    attachments: mail.attachments?.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
    })),
  })
    .compile()
    .build();
}
