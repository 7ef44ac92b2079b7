import { describe, expect, it } from 'vitest';
import { newSecret, secretBytes, TokenSigner } from '../../../shared/access/signing.ts';

const NOW = new Date('2023-11-08T06:00:00Z');
const LATER = new Date(NOW.getTime() + 3_600_000);

describe('TokenSigner', () => {
  it('gives back the payload of a token it signed, until it expires', () => {
    // Prepare
    const signer = new TokenSigner(secretBytes(newSecret()));

    // Act
    const token = signer.sign('file', { doc: 's-1/abc' }, LATER);

    // Assess
    expect(signer.verify('file', token, NOW)).toMatchObject({ doc: 's-1/abc' });
    expect(signer.verify('file', token, LATER)).toBeNull();
  });

  it('refuses a token signed for another purpose, by another secret, or altered', () => {
    // Prepare
    const signer = new TokenSigner(secretBytes('ab'.repeat(32)));
    const other = new TokenSigner(secretBytes('cd'.repeat(32)));
    const token = signer.sign('city-link', { city: 'changzhi' }, LATER);
    const [body, mac] = token.split('.') as [string, string];
    const otherBody = Buffer.from(JSON.stringify({ city: 'taiyuan', exp: LATER.getTime() / 1000 })).toString(
      'base64url',
    );

    // Act
    const results = [
      signer.verify('session', token, NOW),
      other.verify('city-link', token, NOW),
      signer.verify('city-link', `${otherBody}.${mac}`, NOW),
      signer.verify('city-link', `${body}.${mac.slice(0, -2)}`, NOW),
      signer.verify('city-link', 'not-a-token', NOW),
      signer.verify('city-link', undefined, NOW),
    ];

    // Assess
    expect(results).toEqual([null, null, null, null, null, null]);
  });

  it('accepts one spelling of a signature: not one that differs only in the padding bits of its last character', () => {
    // Prepare
    const signer = new TokenSigner(secretBytes('ab'.repeat(32)));
    const token = signer.sign('file', { doc: 's-1/abc' }, LATER);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // A 32-byte HMAC is 43 base64url characters: the last carries 4 bits of the signature and 2 of padding.
    const last = alphabet.indexOf(token.at(-1) as string);
    const sameBits = alphabet[(last & ~3) | ((last + 1) & 3)] as string;

    // Act
    const respelled = `${token.slice(0, -1)}${sameBits}`;

    // Assess
    expect(Buffer.from(respelled.split('.')[1] as string, 'base64url')).toEqual(
      Buffer.from(token.split('.')[1] as string, 'base64url'),
    );
    expect(signer.verify('file', token, NOW)).not.toBeNull();
    expect(signer.verify('file', respelled, NOW)).toBeNull();
  });

  it('refuses a secret too short to sign with', () => {
    // Act / Assess
    expect(() => new TokenSigner(secretBytes('short'))).toThrow(RangeError);
  });
});
