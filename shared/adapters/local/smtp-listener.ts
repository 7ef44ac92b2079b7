/**
 * The local mailbox: an SMTP listener (smtp-server) that takes messages as the division's mailbox would and hands
 * each one to intake. It stamps its own Received: header on top, as a real MTA does, so the stored raw message
 * carries the receive time that decides deadlines.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { AppContext } from '../../use-cases/context.ts';
import { type IngestResult, ingestMessage } from '../../use-cases/intake.ts';

/** A running SMTP listener. */
export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

/** Starts the SMTP listener; every accepted message is ingested before the client gets its 250. */
export async function startSmtpListener(
  ctx: AppContext,
  options: { host?: string; port?: number; onIngested?: (result: IngestResult) => void } = {},
): Promise<SmtpListener> {
  const host = options.host ?? '127.0.0.1';
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: ctx.limits.maxMessageBytes,
    banner: 'intake local mailbox',
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('message exceeds the size limit'), { responseCode: 552 }));
          return;
        }
        const receivedAt = ctx.clock.now();
        const stamp =
          `Received: from ${session.hostNameAppearsAs || 'unknown'} (${session.remoteAddress}) ` +
          `by intake-local with ESMTP id ${session.id}; ${receivedAt.toUTCString().replace('GMT', '+0000')}\r\n`;
        const raw = Buffer.concat([Buffer.from(stamp, 'latin1'), ...chunks]);
        ingestMessage(ctx, { raw, channel: 'smtp', receivedAt, receivedAtSource: 'transport' })
          .then((result) => {
            options.onIngested?.(result);
            callback(null, `queued as ${result.submissionId}`);
          })
          .catch((error: Error) => {
            // The raw message is stored before parsing; a failure here is an outage (store down), so ask to retry.
            callback(Object.assign(new Error(`temporary failure: ${error.message}`), { responseCode: 451 }));
          });
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
