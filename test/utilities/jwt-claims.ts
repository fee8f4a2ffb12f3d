import assert from 'node:assert/strict';

/** The claims of a JWT, read without verifying (the server verified it when it answered). */
export function claimsOf(token: string): { user: string; agent: boolean } {
  const payload = token.split('.')[1];
  assert.ok(payload, 'a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { user: string; agent: boolean };
}
