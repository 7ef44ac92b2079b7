/**
 * A small OIDC provider on loopback standing in for the Cognito hosted UI in tests: /oauth2/authorize (signs in the
 * user the test chose, without a form), /oauth2/token (authorization code with PKCE S256, public client) and
 * /.well-known/jwks.json, issuing RS256 ID tokens with a key generated here. Tests can spoil the next ID token.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/** How the next ID token is spoiled: other or extra claims, or a signature by a key the pool does not publish. */
export interface Tamper {
  claims?: Record<string, unknown>;
  foreignKey?: boolean;
}

/** A running stand-in. */
export interface FakeCognito {
  /** Base URL: the hosted-UI domain and the issuer at once. */
  url: string;
  clientId: string;
  /** Claims of the user the next authorize request signs in (email, cognito:groups, custom:city ...). */
  signInAs(claims: Record<string, unknown>): void;
  /** Spoils the next ID token only. */
  tamperNext(tamper: Tamper): void;
  /** Requests served, by endpoint. */
  readonly hits: { authorize: number; token: number; jwks: number };
  close(): Promise<void>;
}

interface PendingCode {
  challenge: string;
  nonce: string | undefined;
  redirectUri: string;
  user: Record<string, unknown>;
}

const KID = 'test-key-1';

/** Starts the stand-in on 127.0.0.1 with a fresh key pair. */
export async function startFakeCognito(clientId = 'test-web-client'): Promise<FakeCognito> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const codes = new Map<string, PendingCode>();
  const hits = { authorize: 0, token: 0, jwks: 0 };
  let user: Record<string, unknown> = {};
  let tamper: Tamper | undefined;
  let url = '';

  const signJwt = (claims: Record<string, unknown>, key: KeyObject) => {
    const head = Buffer.from(JSON.stringify({ kid: KID, alg: 'RS256' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${head}.${body}.${sign('RSA-SHA256', Buffer.from(`${head}.${body}`), key).toString('base64url')}`;
  };

  const app = new Hono();
  app.get('/oauth2/authorize', (c) => {
    hits.authorize += 1;
    const q = c.req.query();
    if (
      q.client_id !== clientId ||
      q.response_type !== 'code' ||
      q.code_challenge_method !== 'S256' ||
      !q.code_challenge ||
      !q.redirect_uri ||
      !q.scope?.split(' ').includes('openid')
    ) {
      return c.text('invalid_request', 400);
    }
    const code = randomBytes(16).toString('hex');
    codes.set(code, { challenge: q.code_challenge, nonce: q.nonce, redirectUri: q.redirect_uri, user });
    const back = new URL(q.redirect_uri);
    back.searchParams.set('code', code);
    if (q.state) back.searchParams.set('state', q.state);
    return c.redirect(back.toString(), 302);
  });
  app.post('/oauth2/token', async (c) => {
    hits.token += 1;
    const form = new URLSearchParams(await c.req.text());
    const pending = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    if (
      !pending ||
      form.get('grant_type') !== 'authorization_code' ||
      form.get('client_id') !== clientId ||
      form.get('redirect_uri') !== pending.redirectUri ||
      createHash('sha256').update(verifier).digest('base64url') !== pending.challenge
    ) {
      return c.json({ error: 'invalid_grant' }, 400);
    }
    const now = Math.floor(Date.now() / 1000);
    const spoil = tamper;
    tamper = undefined;
    const claims = {
      sub: `sub-${String(pending.user.email ?? 'x')}`,
      iss: url,
      aud: clientId,
      token_use: 'id',
      auth_time: now,
      iat: now,
      exp: now + 3600,
      ...(pending.nonce ? { nonce: pending.nonce } : {}),
      ...pending.user,
      ...spoil?.claims,
    };
    return c.json({
      id_token: signJwt(claims, spoil?.foreignKey ? foreign : privateKey),
      access_token: 'opaque-access-token',
      token_type: 'Bearer',
      expires_in: 3600,
    });
  });
  app.get('/.well-known/jwks.json', (c) => {
    hits.jwks += 1;
    return c.json({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] });
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    clientId,
    signInAs(claims) {
      user = claims;
    },
    tamperNext(next) {
      tamper = next;
    },
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
