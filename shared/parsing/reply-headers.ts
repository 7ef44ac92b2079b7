/**
 * The header facts that decide whether a stored message may be answered automatically, read from its header block
 * only (a message can be tens of MB; the answer is in its first few KB).
 */
import type { ReplyFacts } from '../domain/auto-reply.ts';
import { readMessage, receiptVerdicts } from './email.ts';
import { headerEnd, MAX_HEAD_BYTES } from './header-block.ts';

export { readHeaderBlock } from './header-block.ts';

/** The facts of ReplyFacts from a header block (or a whole message: only its headers are read). */
export async function readReplyFacts(raw: Buffer): Promise<ReplyFacts> {
  const end = headerEnd(raw);
  const head = end >= 0 ? raw.subarray(0, end) : raw.subarray(0, MAX_HEAD_BYTES);
  const facts = await readMessage(Buffer.concat([head, Buffer.from('\r\n\r\n')]), async (attachment) => {
    attachment.content.resume();
  });
  const headers = unfold(head);
  const first = (name: string) => headers.find((h) => h.name === name)?.value ?? null;
  const verdicts = receiptVerdicts(head);
  return {
    fromAddress: facts.fromAddress,
    autoSubmitted: facts.autoSubmitted,
    precedence: facts.precedence,
    listId: first('list-id'),
    returnPath: first('return-path'),
    autoResponseSuppress: first('x-auto-response-suppress'),
    verdicts: { spf: verdicts.spf, dkim: verdicts.dkim, dmarc: verdicts.dmarc },
  };
}

function unfold(head: Buffer): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const line of head.toString('latin1').split(/\r?\n/)) {
    const last = out.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) out.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return out;
}
