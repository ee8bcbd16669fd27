import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636): the verifier stays here, the challenge goes in the authorize URL. */
export interface Pkce {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/**
 * Makes a PKCE pair with the S256 method. `encoding` is base64url as RFC 7636 says; TikTok's
 * desktop Login Kit expects the SHA-256 digest hex-encoded instead.
 */
export function createPkce(encoding: 'base64url' | 'hex' = 'base64url'): Pkce {
  // 32 random bytes give a 43-character verifier, the RFC's minimum length and 256 bits.
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier, encoding), method: 'S256' };
}

/** The S256 challenge of a verifier. */
export function pkceChallenge(verifier: string, encoding: 'base64url' | 'hex' = 'base64url'): string {
  return createHash('sha256').update(verifier, 'ascii').digest(encoding);
}

/** An unguessable `state` value binding the browser's answer to this attempt. */
export function randomState(): string {
  return randomBytes(24).toString('base64url');
}
