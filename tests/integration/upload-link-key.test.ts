/**
 * In AWS the bases' own upload links have a key of their own (the functions that mail them hold it, and with it
 * cannot sign a staff session): the app opens a link signed with that key and refuses one signed with the session
 * key; locally, with no link key, the session key signs both (as `intake upload-link` does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretBytes, TokenSigner } from '../../shared/access/signing.ts';
import { signUploadLink } from '../../shared/access/upload-links.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { startTestStack } from './helpers.ts';

const SESSION_KEY = 's'.repeat(64);
const LINK_KEY = 'l'.repeat(64);

describe('the upload-link key', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.dispose();
  });

  /** Opens a base's own page with a link signed by `key` on an app built with `options`. */
  async function open(key: string, options: { secret: string; uploadLinkSecret?: string }): Promise<Response> {
    const app = createHttpApp(stack.ctx, { ...options, accounts: [] });
    const base = stack.ctx.round.bases[0]!;
    const link = signUploadLink(new TokenSigner(secretBytes(key)), stack.ctx.round, base.id, stack.ctx.clock.now());
    return app.request(link.path);
  }

  it('opens a link signed with the link key and refuses one signed with the session key', async () => {
    // Act
    const linkSigned = await open(LINK_KEY, { secret: SESSION_KEY, uploadLinkSecret: LINK_KEY });
    const sessionSigned = await open(SESSION_KEY, { secret: SESSION_KEY, uploadLinkSecret: LINK_KEY });

    // Assess
    expect(linkSigned.status).toBe(200);
    expect(await linkSigned.text()).toContain(stack.ctx.round.bases[0]!.name);
    expect(sessionSigned.status).toBe(403);
  });

  it('signs and reads links with the session key where no link key is given (locally)', async () => {
    // Act
    const local = await open(SESSION_KEY, { secret: SESSION_KEY });

    // Assess
    expect(local.status).toBe(200);
  });
});
