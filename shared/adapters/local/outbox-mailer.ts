import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer, OutgoingMail } from '../../ports/index.ts';
import { composeMime } from '../mail-message.ts';

/**
 * Local outbox: keeps a copy of every outgoing message as an .eml file (open it in any mail program) and hands
 * the message on to the next mailer (the SES stand-in), so the local stack sends the way AWS does.
 */
export class OutboxMailer implements Mailer {
  constructor(
    private readonly dir: string,
    private readonly next: Mailer,
  ) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const result = await this.next.send(mail);
    const mime = await composeMime(mail);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const digest = createHash('sha256').update(mime).digest('hex').slice(0, 12);
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, `${stamp}-${digest}.eml`), mime);
    return result;
  }
}
