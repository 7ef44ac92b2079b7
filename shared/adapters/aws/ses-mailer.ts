import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { Mailer, OutgoingMail } from '../../ports/index.ts';
import { composeMime } from '../mail-message.ts';

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
